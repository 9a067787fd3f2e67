// format.js: dates and times as the office reads them (Asia/Shanghai).

// fmtTime shows an RFC 3339 time the API sent (already in +08:00) as
// 「2025-03-12 09:30」.
export function fmtTime(s) {
  if (!s) return "";
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return "";
  const sh = new Date(d.getTime() + 8 * 3600e3).toISOString();
  return sh.slice(0, 10) + " " + sh.slice(11, 16);
}

// today is today's date in Asia/Shanghai, YYYY-MM-DD.
export function today() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

// addDays adds n days to a YYYY-MM-DD date.
export function addDays(date, n) {
  const t = Date.parse(date + "T00:00:00Z") + n * 864e5;
  return new Date(t).toISOString().slice(0, 10);
}

// daysBetween counts days from a to b (YYYY-MM-DD).
export function daysBetween(a, b) {
  return Math.round((Date.parse(b + "T00:00:00Z") - Date.parse(a + "T00:00:00Z")) / 864e5);
}

// toRFC3339 reads a picker's "YYYY-MM-DDTHH:mm:ss" as Beijing time.
export function toRFC3339(local) {
  if (!local) return "";
  return local.length === 16 ? local + ":00+08:00" : local + "+08:00";
}

// fromRFC3339 is the picker's value of an API time.
export function fromRFC3339(s) {
  if (!s) return "";
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return "";
  return new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 19);
}

// deadlineNote says how far a deadline is: 「剩 3 天」「今天到期」「逾期 2 天」.
export function deadlineNote(deadline, from = today()) {
  if (!deadline) return "";
  const n = daysBetween(from, deadline);
  if (n > 0) return `剩 ${n} 天`;
  if (n === 0) return "今天到期";
  return `逾期 ${-n} 天`;
}

// splitUnits reads a list of units typed with 、,, or spaces.
export function splitUnits(s) {
  return (s || "").split(/[,,、;;\s]+/).map((x) => x.trim()).filter(Boolean);
}

// waitedDays is how many whole days have passed since an API time, in
// Asia/Shanghai days (0 on the same day).
export function waitedDays(s) {
  if (!s) return 0;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return 0;
  return Math.max(0, daysBetween(new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 10), today()));
}

// deadlineText shows a problem's deadline as the office set it:
// 「2025-10-10(5 个工作日)」 when given in working days.
export function deadlineText(p) {
  if (!p || !p.deadline) return "";
  return p.deadline_working_days ? `${p.deadline}(${p.deadline_working_days} 个工作日)` : p.deadline;
}

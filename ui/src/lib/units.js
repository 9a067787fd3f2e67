// units.js: the registered units (单位管理), read once per page load for the
// inputs that name a unit. The API refuses a unit not registered, so the
// inputs offer these names.
import { all, get } from "./api.js";

let cached = null;

// loadUnits returns the registered units (name, head, contact, notify).
export function loadUnits() {
  if (!cached) cached = all("/api/v1/units").catch((err) => { cached = null; throw err; });
  return cached;
}

// forgetUnits drops the cache after the registry changed.
export function forgetUnits() { cached = null; }

// workingDate is the date n working days after from (default today), by
// the office's calendar: { date } or, when it cannot be told (a year the
// calendar lacks), { message } saying why.
export async function workingDate(n, from) {
  if (!n || n < 1) return { date: "" };
  try {
    const r = await get("/api/v1/calendar/add-working-days", { days: n, from });
    return { date: r.date };
  } catch (err) {
    return { date: "", message: err.message };
  }
}

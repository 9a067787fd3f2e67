// labels.js is the console's catalogue of words: every code the API sends
// (statuses, kinds, roles, field names, error codes) is shown through it,
// so a person never reads a raw code, English or "undefined". A code the
// catalogue lacks reads 「未知」 rather than leaking.

// The words for the API's codes come from the API (GET /api/v1/labels,
// loaded with the session by loadLabels), so the console keeps no copy of
// the domain's words. The maps below are filled then; ORDER only says in
// which order codes are offered (the API's JSON objects have none).
export const participantKinds = {};
export const suggestionKinds = {};
export const suggestionStatuses = {};
export const channels = {};
export const symposiumStatuses = {};
export const problemStatuses = {};
export const roles = {};
export const periods = {};
export const documentKinds = {};
export const auditActions = {};
export const fields = {};
export const grades = {};
export const ratings = {};
export const replyStates = {};
export const assessmentEvents = {};
export const extensionStatuses = {};
export const notifyChannels = {};
export const unitRoles = {};
let triageLabel = "";

const ORDER = {
  participant_kinds: ["npc_deputy", "cppcc_member", "enterprise", "community", "public"],
  suggestion_kinds: ["suggestion", "problem_lead"],
  suggestion_statuses: ["received", "routed", "adopted", "declined"],
  channels: ["qr", "web", "staff_entry", "import"],
  symposium_statuses: ["draft", "open", "closed"],
  problem_statuses: ["open", "rectifying", "rectified", "verified", "reopened", "long_term"],
  roles: ["admin", "staff", "unit"],
  periods: ["daily", "weekly", "monthly"],
  document_kinds: ["rectification_notice", "feedback_opinion", "supervision_bulletin", "reply_letter"],
  assessment_events: ["rectified_on_time", "rectified_late", "overdue", "relapse", "rehandle", "extension", "satisfied", "dissatisfied"],
  notify_channels: ["wecom", "dingtalk", "feishu", "webhook"],
};

function fill(target, src, order = []) {
  for (const k of Object.keys(target)) delete target[k];
  for (const k of order) if (src && k in src) target[k] = src[k];
  for (const k of Object.keys(src || {}).sort()) if (!(k in target)) target[k] = src[k];
}

// loadLabels fills the maps from the API once per sign-in.
let loaded = null;
export function loadLabels(get) {
  if (!loaded) {
    loaded = get("/api/v1/labels").then((l) => {
      fill(participantKinds, l.participant_kinds, ORDER.participant_kinds);
      fill(suggestionKinds, l.suggestion_kinds, ORDER.suggestion_kinds);
      fill(suggestionStatuses, l.suggestion_statuses, ORDER.suggestion_statuses);
      fill(channels, l.channels, ORDER.channels);
      fill(symposiumStatuses, l.symposium_statuses, ORDER.symposium_statuses);
      fill(problemStatuses, l.problem_statuses, ORDER.problem_statuses);
      fill(roles, l.roles, ORDER.roles);
      fill(periods, l.periods, ORDER.periods);
      fill(documentKinds, l.document_kinds, ORDER.document_kinds);
      fill(auditActions, l.audit_actions);
      fill(fields, l.fields);
      fill(grades, l.grades, ["A", "B", "C", "D"]);
      fill(ratings, l.ratings, ["satisfied", "basically_satisfied", "dissatisfied"]);
      fill(replyStates, l.reply_states, ["awaiting", "replied", "satisfied", "basically_satisfied", "dissatisfied"]);
      fill(assessmentEvents, l.assessment_events, ORDER.assessment_events);
      fill(extensionStatuses, l.extension_statuses, ["pending", "approved", "refused"]);
      fill(notifyChannels, l.notify_channels, ORDER.notify_channels);
      fill(unitRoles, l.unit_roles, ["lead", "co"]);
      triageLabel = l.triage || "";
    }).catch((err) => {
      loaded = null;
      throw err;
    });
  }
  return loaded;
}

// transitionActions name the button that moves a problem to a status.
export const transitionActions = {
  rectifying: "开始整改",
  rectified: "报告整改完成",
  verified: "回头看通过",
  reopened: "回头看未通过,重新整改",
  relapse: "整改反弹,重新整改",
  long_term: "转为长期坚持",
  open: "退回待整改",
};



// errorCodes are what a person reads when the API's message cannot be
// shown (it is missing or not in Chinese).
export const errorCodes = {
  invalid: "填写的内容有误,请检查后重试",
  unauthorized: "登录已过期,请重新登录",
  forbidden: "您的账号无权进行此操作",
  not_found: "要找的内容不存在或已被删除",
  conflict: "内容已被他人修改,请刷新后重试",
  gone: "该内容已关闭",
  too_large: "内容或文件过大",
  unsupported: "不支持的文件或请求格式",
  rate_limited: "操作太频繁,请稍后再试",
  unavailable: "服务暂不可用,请稍后再试",
  internal: "系统内部错误,请稍后再试",
  network: "无法连接服务器,请检查网络后重试",
};

export const unknown = "未知";

// label reads code from one of the maps above.
export function label(map, code) {
  if (code === undefined || code === null || code === "") return "";
  return map[code] || unknown;
}

export const options = (map) => Object.entries(map).map(([value, text]) => ({ value, label: text }));

// TRIAGE is the triage list's ID (待分拣).
export const TRIAGE = "triage";

// suggestionStatus is what a person reads for a suggestion's status: the
// API's status_label, which reads 待分拣 for one waiting in the triage list.
export function suggestionStatus(s) {
  if (s.status_label) return s.status_label;
  if (s.status === "routed" && s.problem_list_id === TRIAGE && triageLabel) return triageLabel;
  return label(suggestionStatuses, s.status);
}

// replyTagTypes colour a suggestion's reply state: waiting ones stand out.
export const replyTagTypes = {
  awaiting: "warning", replied: "primary", satisfied: "success", basically_satisfied: "success", dissatisfied: "danger",
};

export const statusTagTypes = {
  received: "info", routed: "primary", adopted: "success", declined: "info",
  open: "warning", rectifying: "primary", rectified: "success", verified: "success", reopened: "danger", long_term: "info",
  draft: "info", closed: "info",
  pending: "warning", approved: "success", refused: "info",
};

// actorName shows who did something: the first local administrator's
// account is named "admin" by older releases.
export const actorName = (name) => (name === "admin" ? "管理员" : name || "系统");

const EN_PAREN = /\s*[((][^()()]*[A-Za-z][^()()]*[))]/g;

// eventNote renders a history event's note in Chinese. Notes the system
// wrote (made from suggestions, linked, edited) are rebuilt from what they
// name: receipts for suggestions (from sources, the problem's suggestions
// by ID), Chinese labels for fields. A person's own note is shown as typed.
export function eventNote(e, sources = []) {
  const note = e.note || "";
  if (e.action === "edited") {
    const m = /[::]\s*(.*)$/.exec(note);
    if (m && /^[a-z_, ]+$/.test(m[1].trim())) {
      return "修改了" + m[1].split(/,\s*/).filter(Boolean).map((f) => fields[f] || "其他内容").join("、");
    }
    return note.replace(EN_PAREN, "");
  }
  if (e.action === "linked") {
    const s = sources.find((x) => note.includes(x.id));
    if (s) return `关联意见建议:回执号 ${s.receipt}${s.topic ? "(" + s.topic + ")" : ""}`;
    return note.replace(EN_PAREN, "").replace(/\b[0-9a-z]{20,}\b/g, "").trim();
  }
  if (e.action === "created") return note.replace(EN_PAREN, "");
  return note;
}

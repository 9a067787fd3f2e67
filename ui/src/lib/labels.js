// labels.js is the console's catalogue of words: every code the API sends
// (statuses, kinds, roles, field names, error codes) is shown through it,
// so a person never reads a raw code, English or "undefined". A code the
// catalogue lacks reads 「未知」 rather than leaking.

export const participantKinds = {
  npc_deputy: "人大代表",
  cppcc_member: "政协委员",
  enterprise: "企业代表",
  community: "村(社区)代表",
  public: "群众/其他",
};

export const suggestionKinds = { suggestion: "意见建议", problem_lead: "问题线索" };

export const suggestionStatuses = {
  received: "已收到",
  routed: "已分拣",
  adopted: "已采纳",
  declined: "未采纳",
};

export const channels = { qr: "扫码", web: "网页链接", staff_entry: "工作人员录入", import: "批量导入" };

export const symposiumStatuses = { draft: "草稿", open: "进行中", closed: "已结束" };

export const problemStatuses = {
  open: "待整改",
  rectifying: "整改中",
  rectified: "已整改",
  verified: "回头看通过",
  reopened: "重新整改",
  long_term: "长期坚持",
};

// transitionActions name the button that moves a problem to a status.
export const transitionActions = {
  rectifying: "开始整改",
  rectified: "报告整改完成",
  verified: "回头看通过",
  reopened: "回头看未通过,重新整改",
  long_term: "转为长期坚持",
  open: "退回待整改",
};

export const roles = { admin: "管理员", staff: "工作人员", unit: "责任单位" };

export const periods = { daily: "日汇总", weekly: "周汇总", monthly: "月汇总" };

// auditActions are the kinds of events in a problem's history.
export const auditActions = {
  created: "立项",
  transition: "状态变更",
  lookback_failed: "回头看未通过",
  edited: "修改",
  linked: "关联意见建议",
  rehandle: "重新办理",
};

// fields are the API's field names, for error messages and edit notes.
export const fields = {
  title: "名称",
  campaign: "专项",
  host_unit: "主办单位",
  venue: "地点",
  starts_at: "开始时间",
  ends_at: "结束时间",
  status: "状态",
  allowed_kinds: "参会身份",
  participant_kind: "参会身份",
  kind: "类别",
  name: "姓名",
  organization: "单位",
  contact: "联系方式",
  topic: "主题",
  content: "内容",
  symposium_id: "座谈会",
  problem_list_id: "问题清单",
  problem_id: "问题",
  suggestion_id: "意见建议",
  suggestion_ids: "意见建议",
  description: "问题描述",
  owner_unit: "牵头单位",
  responsible_unit: "牵头单位",
  co_units: "配合单位",
  responsible_person: "第一责任人",
  requirement: "整改要求",
  deadline: "整改期限",
  progress: "整改进展",
  note: "说明",
  evidence: "整改佐证",
  lookback_due: "回头看日期",
  reason: "理由",
  rules: "分拣规则",
  role: "角色",
  unit: "单位",
  period: "周期",
  date: "日期",
  q: "关键词",
  from: "起始日期",
  to: "截止日期",
  file: "文件",
  version: "版本",
  limit: "每页条数",
  cursor: "翻页位置",
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

// suggestionStatus is what a person reads for a suggestion's status: one
// routed into the triage list is still waiting (待分拣), not sorted.
export function suggestionStatus(s) {
  if (s.status === "routed" && s.problem_list_id === TRIAGE) return "待分拣";
  return label(suggestionStatuses, s.status);
}

export const statusTagTypes = {
  received: "info", routed: "primary", adopted: "success", declined: "info",
  open: "warning", rectifying: "primary", rectified: "success", verified: "success", reopened: "danger", long_term: "info",
  draft: "info", closed: "info",
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

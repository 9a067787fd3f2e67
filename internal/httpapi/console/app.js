// app.js: the staff console. Hash routes (#/suggestions, #/suggestions/ID,
// …) so the server serves one page; every view is built with DOM calls,
// never innerHTML, so nothing a submitter typed can become markup.
import { get, post, patch, download, blobURL } from "./api.js";
import { loadConfig, finishOIDC, startOIDC, signedIn, setToken, signOut, authMode } from "./auth.js";
import { barChart } from "./charts.js";

const L = {
  participant: { npc_deputy: "人大代表", cppcc_member: "政协委员", enterprise: "企业代表", community: "村(社区)代表", public: "群众/其他" },
  kind: { suggestion: "意见建议", problem_lead: "问题线索" },
  status: { received: "已收到", routed: "已分拣", adopted: "已采纳", declined: "未采纳" },
  channel: { qr: "扫码", web: "网页", staff_entry: "工作人员录入", import: "批量导入" },
  symStatus: { draft: "草稿", open: "进行中", closed: "已结束" },
  problem: { open: "待整改", rectifying: "整改中", rectified: "已整改", verified: "回头看通过", reopened: "重新整改", long_term: "长期坚持" },
};

// h builds an element: h("a", {href: "#"}, "text", child, …). Attributes
// starting with "on" become listeners.
function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else if (v === true) e.setAttribute(k, "");
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const app = () => document.getElementById("app");

function flash(msg, isError) {
  const f = document.getElementById("flash");
  f.textContent = msg;
  f.className = isError ? "flash error" : "flash";
  f.hidden = !msg;
  if (msg && !isError) setTimeout(() => { if (f.textContent === msg) f.hidden = true; }, 6000);
}

function render(...nodes) {
  app().replaceChildren(...nodes);
}

function fmtTime(s) {
  if (!s) return "";
  return s.replace("T", " ").slice(0, 16);
}

function field(label, input) {
  const id = input.id || "f-" + Math.random().toString(36).slice(2);
  input.id = id;
  return h("div", {}, h("label", { for: id }, label), input);
}

function select(name, options, value, empty) {
  const s = h("select", { name });
  if (empty !== undefined) s.append(h("option", { value: "" }, empty));
  for (const [v, label] of options) s.append(h("option", { value: v, selected: v === value }, label));
  return s;
}

function entries(map) { return Object.entries(map); }

async function guard(fn) {
  try {
    await fn();
  } catch (err) {
    flash(err.message || String(err), true);
  }
}

// Caches of names for selects and tables.
let symposiaCache = null;
let listsCache = null;
async function symposia() {
  if (!symposiaCache) symposiaCache = (await get("/api/v1/symposia?limit=200")).items;
  return symposiaCache;
}
async function problemLists() {
  if (!listsCache) listsCache = (await get("/api/v1/problem-lists?limit=200")).items;
  return listsCache;
}
const symTitle = (all, id) => (all.find((s) => s.id === id) || {}).title || id || "";
const listTitle = (all, id) => (all.find((l) => l.id === id) || {}).title || id || "";

// ---- sign in ----

function loginView() {
  document.getElementById("nav").hidden = true;
  if (authMode() === "oidc") {
    render(h("section", { class: "card login" }, h("h1", {}, "登录工作台"),
      h("p", {}, "使用单位统一账号登录。"),
      h("button", { type: "button", id: "oidc-login", onclick: () => guard(startOIDC) }, "登录")));
    return;
  }
  const input = h("input", { type: "password", name: "token", autocomplete: "off", required: true });
  const form = h("form", { class: "card login", onsubmit: async (ev) => {
    ev.preventDefault();
    setToken(input.value);
    try {
      await get("/api/v1/problem-lists?limit=1");
      flash("");
      location.hash = "#/suggestions";
    } catch (err) {
      flash(err.status === 401 ? "令牌无效,请检查后重试" : err.message, true);
    }
  } }, h("h1", {}, "登录工作台"),
  h("p", { class: "muted" }, "请粘贴管理员或工作人员的访问令牌(本机启动时显示)。令牌只保存在本标签页中。"),
  field("访问令牌", input), h("div", { class: "row" }, h("button", { type: "submit", id: "login" }, "登录")));
  render(form);
  input.focus();
}

// ---- suggestions ----

const FILTERS = ["symposium_id", "participant_kind", "kind", "status", "problem_list_id", "q", "from", "to"];

function currentQuery() {
  const hash = location.hash;
  const i = hash.indexOf("?");
  return new URLSearchParams(i >= 0 ? hash.slice(i + 1) : "");
}

async function suggestionsView() {
  const q = currentQuery();
  const [syms, lists] = await Promise.all([symposia(), problemLists()]);
  const form = h("form", { class: "card", id: "filters", onsubmit: (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const k of FILTERS) {
      const v = form.elements[k].value.trim();
      if (v) p.set(k, v);
    }
    location.hash = "#/suggestions?" + p.toString();
  } },
  h("div", { class: "grid" },
    field("座谈会", select("symposium_id", syms.map((s) => [s.id, s.title]), q.get("symposium_id") || "", "全部")),
    field("参会身份", select("participant_kind", entries(L.participant), q.get("participant_kind") || "", "全部")),
    field("类别", select("kind", entries(L.kind), q.get("kind") || "", "全部")),
    field("状态", select("status", entries(L.status), q.get("status") || "", "全部")),
    field("问题清单", select("problem_list_id", lists.map((l) => [l.id, l.title]), q.get("problem_list_id") || "", "全部")),
    field("关键词", h("input", { type: "search", name: "q", value: q.get("q") || "", placeholder: "搜索主题和内容" })),
    field("起始日期", h("input", { type: "date", name: "from", value: q.get("from") || "" })),
    field("截止日期", h("input", { type: "date", name: "to", value: q.get("to") || "" }))),
  h("div", { class: "row" },
    h("button", { type: "submit", id: "apply-filters" }, "筛选"),
    h("a", { class: "btn secondary", href: "#/suggestions" }, "清除"),
    h("button", { type: "button", class: "secondary", id: "export-csv", onclick: () => exportSuggestions("csv") }, "导出 CSV"),
    h("button", { type: "button", class: "secondary", id: "export-xlsx", onclick: () => exportSuggestions("xlsx") }, "导出 Excel")));

  const filterQS = new URLSearchParams();
  for (const k of FILTERS) if (q.get(k)) filterQS.set(k, q.get(k));
  const cursor = q.get("cursor") || "";
  const page = await get("/api/v1/suggestions?limit=20&" + filterQS.toString() + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));

  const rows = page.items.map((s) => h("tr", { "data-id": s.id },
    h("td", { class: "nowrap" }, fmtTime(s.submitted_at)),
    h("td", {}, h("a", { href: "#/suggestions/" + s.id, class: "open-suggestion" }, s.topic || s.content.slice(0, 20)),
      h("div", { class: "clip muted" }, s.content)),
    h("td", { class: "nowrap" }, L.participant[s.participant_kind] || s.participant_kind),
    h("td", { class: "nowrap" }, L.kind[s.kind] || s.kind),
    h("td", {}, symTitle(syms, s.symposium_id)),
    h("td", { class: "nowrap" }, h("span", { class: "badge " + s.status }, L.status[s.status] || s.status)),
    h("td", {}, listTitle(lists, s.problem_list_id))));
  const table = h("div", { class: "scroll" }, h("table", { id: "suggestions" },
    h("thead", {}, h("tr", {}, ["提交时间", "内容", "参会身份", "类别", "座谈会", "状态", "问题清单"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 7, class: "muted" }, "没有符合条件的意见建议")))));

  const back = q.get("back") ? q.get("back").split(",") : [];
  const pager = h("div", { class: "row" });
  if (cursor) {
    const prev = new URLSearchParams(filterQS);
    const prevCursor = back.pop();
    if (prevCursor) prev.set("cursor", prevCursor);
    if (back.length) prev.set("back", back.join(","));
    pager.append(h("a", { class: "btn secondary", href: "#/suggestions?" + prev.toString(), id: "prev-page" }, "上一页"));
  }
  if (page.next_cursor) {
    const next = new URLSearchParams(filterQS);
    next.set("cursor", page.next_cursor);
    const trail = q.get("back") ? q.get("back").split(",") : [];
    if (cursor) trail.push(cursor); else trail.push("");
    next.set("back", trail.join(","));
    pager.append(h("a", { class: "btn secondary", href: "#/suggestions?" + next.toString(), id: "next-page" }, "下一页"));
  }
  render(h("h1", {}, "意见建议"), form, table, pager);

  async function exportSuggestions(ext) {
    await guard(async () => {
      const name = await download("/api/v1/suggestions." + ext + "?" + filterQS.toString(), "suggestions." + ext);
      flash("已导出:" + name);
    });
  }
}

async function suggestionView(id) {
  const [s, lists, syms] = await Promise.all([get("/api/v1/suggestions/" + encodeURIComponent(id)), problemLists(), symposia()]);
  const dl = h("dl", { class: "detail", id: "suggestion" });
  const add = (k, v) => { if (v) dl.append(h("dt", {}, k), h("dd", {}, v)); };
  add("回执号", s.receipt);
  add("提交时间", fmtTime(s.submitted_at));
  add("座谈会", symTitle(syms, s.symposium_id));
  add("类别", L.kind[s.kind]);
  add("参会身份", L.participant[s.participant_kind]);
  add("姓名", s.name);
  add("单位", s.organization);
  add("联系方式", s.contact);
  add("主题", s.topic);
  add("内容", s.content);
  add("渠道", L.channel[s.channel]);
  add("状态", L.status[s.status]);
  add("问题清单", listTitle(lists, s.problem_list_id));
  add("分拣规则", s.rule_name);
  add("答复", s.reply);
  const parts = [h("p", {}, h("a", { href: "#/suggestions" }, "← 返回列表")), h("h1", {}, s.topic || "意见建议详情"), h("section", { class: "card" }, dl)];

  if (s.problem_id) {
    parts.push(h("p", {}, "已纳入问题:", h("a", { href: "#/problems/" + s.problem_id, id: "problem-link" }, "查看问题")));
  } else {
    const today = new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10);
    const mk = h("form", { class: "card", id: "make-problem", onsubmit: (ev) => guard(async () => {
      ev.preventDefault();
      const f = mk.elements;
      const body = {
        problem_list_id: f.problem_list_id.value, title: f.title.value.trim(), description: f.description.value.trim(),
        suggestion_ids: [s.id], responsible_unit: f.responsible_unit.value.trim(),
        co_units: f.co_units.value.split(/[,,、\s]+/).map((x) => x.trim()).filter(Boolean),
        responsible_person: f.responsible_person.value.trim(), requirement: f.requirement.value.trim(), deadline: f.deadline.value,
      };
      const p = await post("/api/v1/problems", body);
      flash("已立为问题");
      location.hash = "#/problems/" + p.id;
    }) },
    h("h2", {}, "立为问题"),
    h("div", { class: "grid" },
      field("问题清单", select("problem_list_id", lists.filter((l) => !l.triage).map((l) => [l.id, l.title]), s.problem_list_id, "(按分拣结果)")),
      field("问题标题", h("input", { name: "title", value: s.topic || "" })),
      field("牵头单位", h("input", { name: "responsible_unit" })),
      field("配合单位(用顿号分隔)", h("input", { name: "co_units" })),
      field("第一责任人", h("input", { name: "responsible_person" })),
      field("整改期限", h("input", { type: "date", name: "deadline", value: today })),
      h("div", { class: "wide" }, field("问题描述", h("textarea", { name: "description" }, s.content))),
      h("div", { class: "wide" }, field("整改要求", h("textarea", { name: "requirement" })))),
    h("div", { class: "row" }, h("button", { type: "submit", id: "make-problem-submit" }, "立为问题")));
    parts.push(mk);

    if (s.status !== "declined") {
      const dec = h("form", { class: "card", id: "decline", onsubmit: (ev) => guard(async () => {
        ev.preventDefault();
        await post("/api/v1/suggestions/" + encodeURIComponent(s.id) + "/decline", { reason: dec.elements.reason.value.trim() });
        flash("已标记为未采纳");
        route();
      }) }, h("h2", {}, "不予采纳"),
      field("理由(将随回执展示给提交人)", h("textarea", { name: "reason", required: true })),
      h("div", { class: "row" }, h("button", { type: "submit", class: "secondary" }, "不予采纳")));
      parts.push(dec);
    }
    if (s.problem_list_id === "triage") {
      parts.push(h("section", { class: "card" }, h("h2", {}, "重新分拣"),
        h("p", { class: "muted" }, "分拣规则修改后,可对待分拣的全部意见重新运行规则。"),
        h("button", { type: "button", class: "secondary", onclick: () => guard(async () => {
          const c = await post("/api/v1/problem-lists/triage/reroute");
          listsCache = null;
          flash(`已重新分拣:检查 ${c.examined} 条,移出 ${c.moved} 条`);
          route();
        }) }, "对待分拣重新运行规则")));
    }
  }
  try {
    const sim = await get("/api/v1/suggestions/" + encodeURIComponent(s.id) + "/similar");
    if (sim.items.length) {
      parts.push(h("section", { class: "card" }, h("h2", {}, "相似意见"),
        h("ul", {}, sim.items.map((x) => h("li", {}, h("a", { href: "#/suggestions/" + x.id }, x.topic || x.content.slice(0, 30)),
          " ", h("span", { class: "muted" }, "相似度 " + Math.round(x.similarity * 100) + "%"))))));
    }
  } catch { /* similar suggestions are optional */ }
  render(...parts);
}

// ---- symposia ----

async function symposiaView() {
  symposiaCache = null;
  const page = await get("/api/v1/symposia?limit=100");
  const cards = page.items.map((s) => {
    const img = h("img", { class: "qr", alt: "二维码:" + s.title });
    blobURL("/api/v1/symposia/" + s.id + "/qr.svg").then((u) => { img.src = u; }).catch(() => {});
    return h("section", { class: "card sym", "data-id": s.id }, img, h("div", {},
      h("h2", {}, s.title, " ", h("span", { class: "badge" }, L.symStatus[s.status] || s.status)),
      h("p", { class: "muted" }, [s.campaign, s.host_unit, s.venue, fmtTime(s.starts_at)].filter(Boolean).join(" · ")),
      h("p", {}, "表单链接:", h("a", { href: s.form_url, target: "_blank", rel: "noopener" }, s.form_url)),
      h("div", { class: "row" },
        h("button", { type: "button", class: "secondary", onclick: () => guard(() => download("/api/v1/symposia/" + s.id + "/poster", "poster-" + s.code + ".html")) }, "下载海报(A4)"),
        h("button", { type: "button", class: "secondary", onclick: () => guard(() => download("/api/v1/symposia/" + s.id + "/qr.png", "qr-" + s.code + ".png")) }, "下载二维码 PNG"),
        h("a", { class: "btn secondary", href: "#/suggestions?symposium_id=" + s.id }, "查看意见"),
        s.status === "open" ? h("button", { type: "button", class: "secondary", onclick: () => guard(async () => {
          if (!confirm("结束后表单将不再接收意见,确定结束?")) return;
          await patch("/api/v1/symposia/" + s.id, { status: "closed" });
          flash("已结束座谈会");
          route();
        }) }, "结束座谈会") : null)));
  });
  const kinds = entries(L.participant).map(([v, label]) => h("label", { class: "muted" },
    h("input", { type: "checkbox", name: "allowed_kinds", value: v, checked: true, class: "check" }), " ", label));
  const form = h("form", { class: "card", id: "create-symposium", onsubmit: (ev) => guard(async () => {
    ev.preventDefault();
    const f = form.elements;
    const iso = (v) => (v ? new Date(v).toISOString() : "");
    const body = {
      title: f.title.value.trim(), campaign: f.campaign.value.trim(), host_unit: f.host_unit.value.trim(), venue: f.venue.value.trim(),
      starts_at: iso(f.starts_at.value), ends_at: iso(f.ends_at.value),
      allowed_kinds: [...form.querySelectorAll("input[name=allowed_kinds]:checked")].map((c) => c.value),
    };
    await post("/api/v1/symposia", body);
    flash("已创建座谈会");
    route();
  }) }, h("h2", {}, "新建座谈会"),
  h("div", { class: "grid" },
    field("名称", h("input", { name: "title", required: true })),
    field("专项", h("input", { name: "campaign", placeholder: "如:涉企乱罚款" })),
    field("主办单位", h("input", { name: "host_unit" })),
    field("地点", h("input", { name: "venue" })),
    field("开始时间", h("input", { type: "datetime-local", name: "starts_at" })),
    field("结束时间", h("input", { type: "datetime-local", name: "ends_at" })),
    h("fieldset", { class: "wide" }, h("legend", {}, "参会身份"), h("div", { class: "row" }, kinds))),
  h("div", { class: "row" }, h("button", { type: "submit" }, "创建")));
  render(h("h1", {}, "座谈会"), ...cards, page.items.length ? null : h("p", { class: "muted" }, "还没有座谈会。"), form);
}

// ---- problem lists and problems ----

async function problemListsView() {
  listsCache = null;
  const lists = await problemLists();
  const rows = lists.map((l) => h("tr", {},
    h("td", {}, h("a", { href: "#/problem-lists/" + l.id }, l.title), l.triage ? h("span", { class: "badge" }, " 待分拣") : null),
    h("td", {}, l.campaign || ""), h("td", {}, l.owner_unit || ""), h("td", { class: "nowrap" }, fmtTime(l.created_at))));
  const form = h("form", { class: "card", onsubmit: (ev) => guard(async () => {
    ev.preventDefault();
    const f = form.elements;
    await post("/api/v1/problem-lists", { title: f.title.value.trim(), campaign: f.campaign.value.trim(), owner_unit: f.owner_unit.value.trim() });
    flash("已创建问题清单");
    route();
  }) }, h("h2", {}, "新建问题清单"), h("div", { class: "grid" },
    field("名称", h("input", { name: "title", required: true })), field("专项", h("input", { name: "campaign" })), field("牵头单位", h("input", { name: "owner_unit" }))),
  h("div", { class: "row" }, h("button", { type: "submit" }, "创建")));
  render(h("h1", {}, "问题清单"), h("div", { class: "scroll" }, h("table", { id: "problem-lists" },
    h("thead", {}, h("tr", {}, ["名称", "专项", "牵头单位", "创建时间"].map((t) => h("th", {}, t)))), h("tbody", {}, rows))), form);
}

async function problemListView(id) {
  const d = await get("/api/v1/problem-lists/" + encodeURIComponent(id));
  const rows = d.problems.map((p, i) => h("tr", { class: p.overdue ? "overdue" : "" },
    h("td", {}, String(i + 1)),
    h("td", {}, h("a", { href: "#/problems/" + p.id }, p.title)),
    h("td", {}, p.responsible_unit || "", p.co_units.length ? h("div", { class: "muted" }, "配合:" + p.co_units.join("、")) : null),
    h("td", {}, p.responsible_person || ""),
    h("td", { class: "nowrap" }, p.deadline || "", p.overdue ? h("div", {}, h("span", { class: "badge overdue" }, "逾期")) : null),
    h("td", { class: "nowrap" }, p.status_label),
    h("td", {}, h("div", { class: "clip" }, p.progress || ""))));
  const counts = Object.entries(d.counts.by_status).filter(([, n]) => n > 0).map(([k, n]) => `${L.problem[k] || k} ${n}`).join(" · ");
  render(h("p", {}, h("a", { href: "#/problem-lists" }, "← 全部清单")),
    h("h1", {}, d.title),
    h("p", { class: "muted" }, `共 ${d.counts.total} 项`, counts ? " · " + counts : "", d.counts.overdue ? h("span", { class: "badge overdue" }, ` 逾期 ${d.counts.overdue}`) : null),
    h("div", { class: "row" }, d.triage ? null : h("button", { type: "button", class: "secondary", id: "export-list", onclick: () => guard(async () => {
      const name = await download("/api/v1/problem-lists/" + encodeURIComponent(d.id) + ".xlsx", "problem-list.xlsx");
      flash("已导出:" + name);
    }) }, "导出整改清单(Excel)"),
    d.triage ? h("a", { class: "btn secondary", href: "#/suggestions?problem_list_id=triage&status=routed" }, "查看待分拣意见") : null),
    h("div", { class: "scroll" }, h("table", { id: "problems" },
      h("thead", {}, h("tr", {}, ["序号", "问题", "责任单位", "第一责任人", "整改期限", "状态", "整改进展"].map((t) => h("th", {}, t)))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 7, class: "muted" }, "清单中还没有问题"))))));
}

const ACTION = { created: "立项", transition: "状态变更", lookback_failed: "回头看未通过", edited: "修改", linked: "关联意见" };

async function problemView(id) {
  const [p, hist] = await Promise.all([get("/api/v1/problems/" + encodeURIComponent(id)), get("/api/v1/problems/" + encodeURIComponent(id) + "/history?limit=200")]);
  const dl = h("dl", { class: "detail", id: "problem" });
  const add = (k, v) => { if (v) dl.append(h("dt", {}, k), h("dd", {}, v)); };
  add("状态", p.status_label + (p.overdue ? "(逾期)" : ""));
  add("牵头单位", p.responsible_unit);
  add("配合单位", p.co_units.join("、"));
  add("第一责任人", p.responsible_person);
  add("整改要求", p.requirement);
  add("整改期限", p.deadline);
  add("整改进展", p.progress);
  add("回头看日期", p.lookback_due);
  add("问题描述", p.description);
  const sugg = p.suggestion_ids.map((sid) => h("li", {}, h("a", { href: "#/suggestions/" + sid }, sid)));

  const note = h("textarea", { name: "note", placeholder: "说明(可选)" });
  const deadline = h("input", { type: "date", name: "deadline" });
  const buttons = p.next.map((st) => h("button", { type: "button", class: "secondary", "data-status": st, onclick: () => guard(async () => {
    const body = { status: st, note: note.value.trim() };
    if (st === "reopened" && deadline.value) body.deadline = deadline.value;
    await patch("/api/v1/problems/" + encodeURIComponent(p.id), body);
    flash("状态已改为:" + (L.problem[st] || st));
    route();
  }) }, "→ " + (L.problem[st] || st)));
  const progress = h("form", { class: "card", onsubmit: (ev) => guard(async () => {
    ev.preventDefault();
    await patch("/api/v1/problems/" + encodeURIComponent(p.id), { progress: progress.elements.progress.value.trim(), version: p.version });
    flash("已更新整改进展");
    route();
  }) }, h("h2", {}, "整改进展"), field("最新进展", h("textarea", { name: "progress" }, p.progress || "")),
  h("div", { class: "row" }, h("button", { type: "submit" }, "保存")));

  const timeline = h("ol", { class: "timeline", id: "timeline" }, hist.items.map((e) => h("li", {},
    h("strong", {}, ACTION[e.action] || e.action), " ",
    e.from || e.to ? `${L.problem[e.from] || e.from || ""} → ${L.problem[e.to] || e.to || ""}` : "",
    h("div", { class: "muted" }, fmtTime(e.at) + " · " + e.actor),
    e.note ? h("div", {}, e.note) : null)));

  render(h("p", {}, h("a", { href: "#/problem-lists/" + p.problem_list_id }, "← 返回清单")),
    h("h1", {}, p.title),
    h("section", { class: "card" }, dl, sugg.length ? h("div", {}, h("h2", {}, "来源意见"), h("ul", {}, sugg)) : null),
    p.next.length ? h("section", { class: "card", id: "transitions" }, h("h2", {}, "状态变更"), field("说明", note),
      p.status === "rectified" ? field("回头看未通过时的新整改期限", deadline) : null, h("div", { class: "row" }, buttons)) : null,
    progress,
    h("section", { class: "card" }, h("h2", {}, "办理记录"), timeline));
}

// ---- charts ----

async function allPages(path, max) {
  let items = [];
  let cursor = "";
  for (let i = 0; i < max; i++) {
    const page = await get(path + (path.includes("?") ? "&" : "?") + "limit=200" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    items = items.concat(page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return items;
}

async function chartsView() {
  const [sgs, problems, syms] = await Promise.all([allPages("/api/v1/suggestions", 10), allPages("/api/v1/problems", 10), symposia()]);
  const count = (items, key) => items.reduce((m, x) => { m[key(x)] = (m[key(x)] || 0) + 1; return m; }, {});
  const byKind = count(sgs, (s) => s.participant_kind);
  const bySym = count(sgs, (s) => s.symposium_id);
  const byState = count(problems, (p) => p.status);
  const overdue = problems.filter((p) => p.overdue).length;
  render(h("h1", {}, "统计"),
    h("p", { class: "muted" }, `意见建议 ${sgs.length} 条 · 问题 ${problems.length} 个 · 逾期 ${overdue} 个`),
    h("div", { class: "charts" },
      h("section", { class: "card chart", id: "chart-kind" }, h("h2", {}, "按参会身份"),
        barChart("按参会身份的意见数", entries(L.participant).map(([k, label]) => [label, byKind[k] || 0]))),
      h("section", { class: "card chart", id: "chart-symposium" }, h("h2", {}, "按座谈会"),
        barChart("按座谈会的意见数", Object.entries(bySym).map(([id, n]) => [symTitle(syms, id), n]).sort((a, b) => b[1] - a[1]), true)),
      h("section", { class: "card chart", id: "chart-problems" }, h("h2", {}, "问题状态"),
        barChart("各状态的问题数", entries(L.problem).map(([k, label]) => [label, byState[k] || 0]).concat([["其中逾期", overdue]])))));
}

// ---- summaries (汇总) ----

const PERIOD = { daily: "日汇总", weekly: "周汇总", monthly: "月汇总" };
const SUGGESTION_ORDER = ["received", "routed", "adopted", "declined"];

// shanghaiToday is today's date in Asia/Shanghai (UTC+8, no DST).
function shanghaiToday() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

// daysBetween counts days from a to b (YYYY-MM-DD).
function daysBetween(a, b) {
  return Math.round((Date.parse(b + "T00:00:00Z") - Date.parse(a + "T00:00:00Z")) / 864e5);
}

function summaryTitle(sm) {
  const name = PERIOD[sm.period] || sm.period;
  return sm.from === sm.to ? `建言工作${name}(${sm.from})` : `建言工作${name}(${sm.from} 至 ${sm.to})`;
}

// onTime is a unit's on-time rate as shown: "—" while nothing is rectified.
function onTime(u) {
  return u.rectified ? (u.on_time_rate * 100).toFixed(1) + "%" : "—";
}

const unitName = (u) => u || "未指定责任单位";

// summariesForbidden explains a 403 from the summaries API (unit accounts).
function summariesForbidden() {
  render(h("h1", {}, "汇总"), h("section", { class: "card notice", id: "summary-forbidden", role: "alert" },
    h("h2", {}, "无权查看汇总"),
    h("p", {}, "汇总报告仅供督察部门(管理员和工作人员)查看和生成。"),
    h("p", { class: "muted" }, "您当前登录的是责任单位账号,可在“问题清单”中查看和办理本单位的问题。"),
    h("div", { class: "row" }, h("a", { class: "btn secondary", href: "#/problem-lists" }, "前往问题清单"))));
}

async function summariesView() {
  const q = currentQuery();
  const period = PERIOD[q.get("period")] ? q.get("period") : "";
  const cursor = q.get("cursor") || "";
  let page;
  try {
    page = await get("/api/v1/summaries?limit=20" + (period ? "&period=" + period : "") + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
  } catch (err) {
    if (err.status === 403) return summariesForbidden();
    throw err;
  }
  const today = shanghaiToday();
  const gen = h("form", { class: "card", id: "generate-summary", onsubmit: (ev) => guard(async () => {
    ev.preventDefault();
    const f = gen.elements;
    const btn = f["generate-submit"];
    btn.disabled = true;
    try {
      const sm = await post("/api/v1/summaries", { period: f.period.value, date: f.date.value || today });
      flash("已生成:" + summaryTitle(sm));
      location.hash = "#/summaries/" + encodeURIComponent(sm.id);
    } finally {
      btn.disabled = false;
    }
  }) }, h("h2", {}, "生成汇总"),
  h("p", { class: "muted" }, "按北京时间汇总所选日期所在的日、周(周一至周日)或自然月。同一周期重新生成会替换原汇总。"),
  h("div", { class: "grid" },
    field("周期", select("period", entries(PERIOD), period || "weekly")),
    field("日期", h("input", { type: "date", name: "date", value: today, max: today, required: true }))),
  h("div", { class: "row" }, h("button", { type: "submit", name: "generate-submit", id: "generate-submit" }, "生成汇总")));

  const filter = h("form", { class: "row", id: "summary-filter", onsubmit: (ev) => {
    ev.preventDefault();
    const v = filter.elements.period.value;
    location.hash = "#/summaries" + (v ? "?period=" + v : "");
  } }, h("label", { for: "summary-period", class: "inline" }, "周期"),
  periodFilter(period, () => filter.requestSubmit()));

  const rows = page.items.map((sm) => h("tr", { "data-id": sm.id },
    h("td", {}, h("a", { href: "#/summaries/" + encodeURIComponent(sm.id), class: "open-summary" }, summaryTitle(sm))),
    h("td", { class: "nowrap" }, PERIOD[sm.period] || sm.period),
    h("td", { class: "num" }, String(sm.suggestions.received)),
    h("td", { class: "num" }, String(sm.problems.overdue)),
    h("td", { class: "nowrap" }, fmtTime(sm.generated_at))));
  const table = h("div", { class: "scroll" }, h("table", { id: "summaries" },
    h("thead", {}, h("tr", {}, ["汇总", "周期", "收到意见", "逾期问题", "生成时间"].map((t, i) => h("th", { scope: "col", class: i === 2 || i === 3 ? "num" : null }, t)))),
    h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 5, class: "muted" }, "还没有汇总。定时任务每天、每周一和每月初自动生成,也可以在上方手动生成。")))));

  const back = q.get("back") ? q.get("back").split(",") : [];
  const base = new URLSearchParams();
  if (period) base.set("period", period);
  const pager = h("div", { class: "row" });
  if (cursor) {
    const prev = new URLSearchParams(base);
    const prevCursor = back.pop();
    if (prevCursor) prev.set("cursor", prevCursor);
    if (back.length) prev.set("back", back.join(","));
    pager.append(h("a", { class: "btn secondary", href: "#/summaries?" + prev.toString(), id: "prev-page" }, "上一页"));
  }
  if (page.next_cursor) {
    const next = new URLSearchParams(base);
    next.set("cursor", page.next_cursor);
    const trail = q.get("back") ? q.get("back").split(",") : [];
    trail.push(cursor);
    next.set("back", trail.join(","));
    pager.append(h("a", { class: "btn secondary", href: "#/summaries?" + next.toString(), id: "next-page" }, "下一页"));
  }
  render(h("h1", {}, "汇总"), gen, h("section", { class: "card" }, h("h2", {}, "历次汇总"), filter, table, pager));
}

// chartCard is one section's chart in a card.
function chartCard(id, heading, chart, ...extra) {
  return h("section", { class: "card chart", id }, h("h3", {}, heading), chart, ...extra);
}

// itemTable is a table of problems named in a summary.
function itemTable(id, head, items, cells, empty) {
  if (!items.length) return h("p", { class: "muted", id }, empty);
  return h("div", { class: "scroll" }, h("table", { id },
    h("thead", {}, h("tr", {}, head.map(([t, cls]) => h("th", { scope: "col", class: cls }, t)))),
    h("tbody", {}, items.map((it) => h("tr", { "data-id": it.problem_id },
      h("td", {}, h("a", { href: "#/problems/" + encodeURIComponent(it.problem_id) }, it.title)), ...cells(it))))));
}

async function summaryView(id) {
  let sm;
  try {
    sm = await get("/api/v1/summaries/" + encodeURIComponent(id));
  } catch (err) {
    if (err.status === 403) return summariesForbidden();
    throw err;
  }
  const st = sm.suggestions;
  const p = sm.problems;
  const labels = (map, order, names) => {
    const keys = order.filter((k) => k in map).concat(Object.keys(map).filter((k) => !order.includes(k)).sort());
    return keys.map((k) => [names[k] || k, map[k] || 0]);
  };
  const count = (n) => String(n);
  const days = (n) => n + " 天";

  const save = (ext, label) => h("button", { type: "button", class: "secondary", id: "download-" + ext, onclick: () => guard(async () => {
    const name = await download(sm.links[ext], "summary-" + sm.id + "." + ext);
    flash("已下载:" + name);
  }) }, label);
  const head = [
    h("p", { class: "noprint" }, h("a", { href: "#/summaries" }, "← 全部汇总")),
    h("h1", { id: "summary-title" }, summaryTitle(sm)),
    h("p", { class: "muted" }, `生成时间 ${fmtTime(sm.generated_at)};问题数据截至 ${sm.as_of}`),
    h("div", { class: "row noprint" },
      h("button", { type: "button", class: "secondary", id: "print-summary", onclick: () => window.print() }, "打印"),
      save("html", "下载打印版(HTML)"),
      save("xlsx", "下载 Excel")),
    h("div", { class: "figures", id: "summary-figures" },
      figure("收到意见建议", st.received, ""),
      figure("本期新建问题", p.activity.created, ""),
      figure("本期完成整改", p.activity.rectified, ""),
      figure("逾期问题", p.overdue, p.overdue ? "bad" : ""),
      figure(`${p.due_soon_days} 日内到期`, p.due_soon, p.due_soon ? "warn" : ""),
      figure("待回头看", p.lookbacks_due, "")),
  ];

  const symTitles = {};
  for (const s of sm.symposia) symTitles[s.id] = s.title || s.id;
  const intake = h("section", { id: "summary-intake" }, h("h2", {}, "一、意见建议收集情况"),
    h("p", {}, `本期共收到意见建议和问题线索 ${st.received} 条。`),
    h("div", { class: "charts" },
      chartCard("chart-participant", "按参会身份", barChart("按参会身份的意见数", labels(st.by_participant_kind, Object.keys(L.participant), L.participant), { format: count })),
      chartCard("chart-symposium", "按座谈会", barChart("按座谈会的意见数",
        sm.symposia.map((s) => [s.title || s.id, s.count]).sort((a, b) => b[1] - a[1]), { alt: true, format: count, empty: "本期没有座谈会收到意见" })),
      chartCard("chart-kind", "按类别", barChart("按类别的意见数", labels(st.by_kind, Object.keys(L.kind), L.kind), { format: count })),
      chartCard("chart-channel", "按渠道", barChart("按渠道的意见数", labels(st.by_channel, Object.keys(L.channel), L.channel), { alt: true, format: count })),
      chartCard("chart-status", "按办理状态", barChart("按办理状态的意见数", labels(st.by_status, SUGGESTION_ORDER, L.status), { format: count }))));

  const a = p.activity;
  const states = h("section", { id: "summary-problems" }, h("h2", {}, "二、问题整改情况"),
    h("p", {}, `本期新建问题 ${a.created} 个,完成整改 ${a.rectified} 个,回头看通过 ${a.verified} 个,回头看未通过(重新整改)${a.reopened} 个。`),
    h("div", { class: "charts" },
      chartCard("chart-problem-states", "问题状态", barChart("各状态的问题数",
        Object.keys(L.problem).map((k) => [L.problem[k], p[k] || 0]), { format: count })),
      chartCard("chart-overdue", "逾期问题(逾期天数)", barChart("逾期问题的逾期天数",
        p.overdue_items.slice(0, 20).map((o) => [o.title, o.days_overdue, "bad"]), { format: days, empty: "没有逾期问题" }),
      p.overdue_items.length > 20 ? h("p", { class: "muted" }, `仅显示逾期最久的 20 个,共 ${p.overdue} 个。`) : null)));

  const overdue = h("section", { class: "card", id: "summary-overdue" }, h("h3", {}, `逾期问题(${p.overdue} 个)`),
    itemTable("overdue-table", [["问题"], ["责任单位"], ["整改期限", "nowrap"], ["逾期天数", "num"]], p.overdue_items,
      (o) => [h("td", {}, unitName(o.responsible_unit)), h("td", { class: "nowrap" }, o.deadline), h("td", { class: "num" }, String(o.days_overdue))], "没有逾期问题。"));

  const dueData = p.due_soon_items.map((d) => ["[到期] " + d.title, d.days_left, "warn"])
    .concat(p.lookback_items.map((l) => ["[回头看] " + l.title, Math.max(0, daysBetween(sm.as_of, l.lookback_due)), "alt"]));
  const due = h("section", { id: "summary-due" }, h("h2", {}, "三、即将到期与回头看"),
    h("div", { class: "charts" },
      h("section", { class: "card", id: "summary-due-soon" }, h("h3", {}, `${p.due_soon_days} 日内到期(${p.due_soon} 个)`),
        itemTable("due-soon-table", [["问题"], ["责任单位"], ["整改期限", "nowrap"], ["剩余天数", "num"]], p.due_soon_items,
          (d) => [h("td", {}, unitName(d.responsible_unit)), h("td", { class: "nowrap" }, d.deadline), h("td", { class: "num" }, String(d.days_left))], "没有即将到期的问题。"),
        h("h3", {}, `待回头看(${p.lookbacks_due} 个)`),
        itemTable("lookback-table", [["问题"], ["责任单位"], ["回头看日期", "nowrap"]], p.lookback_items,
          (l) => [h("td", {}, unitName(l.responsible_unit)), h("td", { class: "nowrap" }, l.lookback_due)], "没有待回头看的问题。")),
      chartCard("chart-due", "距到期 / 回头看的天数", barChart("即将到期和待回头看的问题,距期限的天数", dueData,
        { max: p.due_soon_days || 3, format: days, empty: "没有即将到期或待回头看的问题" }),
      h("p", { class: "legend muted" }, h("span", { class: "key warn" }), "整改到期 ", h("span", { class: "key alt" }), "回头看"))));

  const units = sm.units;
  const scorecard = h("section", { id: "summary-units" }, h("h2", {}, "四、责任单位整改考核"),
    h("section", { class: "card" }, h("div", { class: "scroll" }, h("table", { id: "scorecard" },
      h("thead", {}, h("tr", {}, [["责任单位"], ["交办", "num"], ["已整改", "num"], ["按期整改", "num"], ["按期整改率", "num"], ["逾期", "num"], ["即将到期", "num"], ["回头看未通过", "num"]]
        .map(([t, cls]) => h("th", { scope: "col", class: cls }, t)))),
      h("tbody", {}, units.length ? units.map((u) => h("tr", { "data-unit": u.unit, class: u.overdue ? "overdue" : "" },
        h("th", { scope: "row" }, unitName(u.unit)),
        h("td", { class: "num", "data-col": "assigned" }, String(u.assigned)),
        h("td", { class: "num", "data-col": "rectified" }, String(u.rectified)),
        h("td", { class: "num", "data-col": "rectified_on_time" }, String(u.rectified_on_time)),
        h("td", { class: "num", "data-col": "on_time_rate" }, onTime(u)),
        h("td", { class: "num", "data-col": "overdue" }, String(u.overdue)),
        h("td", { class: "num", "data-col": "due_soon" }, String(u.due_soon)),
        h("td", { class: "num", "data-col": "relapses" }, String(u.relapses))))
        : h("tr", {}, h("td", { colspan: 8, class: "muted" }, "暂无责任单位。"))))),
    h("p", { class: "muted" }, "按期整改率 = 在整改期限当日或之前完成整改的问题数 ÷ 已整改问题数;交办、已整改为累计数。")),
    h("div", { class: "charts" }, chartCard("chart-ontime", "各单位按期整改率", barChart("各责任单位的按期整改率",
      units.map((u) => [unitName(u.unit), u.rectified ? Math.round(u.on_time_rate * 1000) / 10 : null]),
      { max: 100, alt: true, format: (v) => (v === null ? "—" : v.toFixed(1) + "%"), empty: "暂无责任单位" }),
    h("p", { class: "muted" }, "“—”表示该单位尚无已整改的问题。"))));

  render(...head, intake, states, overdue, due, scorecard);
}

function periodFilter(value, onchange) {
  const s = select("period", entries(PERIOD), value, "全部");
  s.id = "summary-period";
  s.addEventListener("change", onchange);
  return s;
}

function figure(label, n, cls) {
  return h("div", { class: "figure " + cls }, h("strong", {}, String(n)), h("span", {}, label));
}

// ---- routing ----

async function route() {
  if (!signedIn()) {
    loginView();
    return;
  }
  document.getElementById("nav").hidden = false;
  const path = (location.hash.replace(/^#/, "").split("?")[0] || "/suggestions").split("/").filter(Boolean);
  for (const a of document.querySelectorAll("[data-nav]")) a.classList.toggle("active", a.dataset.nav === path[0]);
  const views = {
    suggestions: () => (path[1] ? suggestionView(path[1]) : suggestionsView()),
    symposia: symposiaView,
    "problem-lists": () => (path[1] ? problemListView(path[1]) : problemListsView()),
    problems: () => problemView(path[1]),
    charts: chartsView,
    summaries: () => (path[1] ? summaryView(decodeURIComponent(path[1])) : summariesView()),
  };
  const view = views[path[0]] || (path[0] === "login" ? () => { location.hash = "#/suggestions"; } : views.suggestions);
  render(h("p", { class: "muted" }, "正在加载…"));
  try {
    await view();
    document.body.dataset.view = path.join("/");
  } catch (err) {
    if (err.status === 401) return;
    render(h("h1", {}, "出错了"), h("p", { class: "alert" }, err.message || String(err)));
  }
}

async function start() {
  await loadConfig().catch(() => {});
  try {
    if (await finishOIDC()) location.hash = location.hash || "#/suggestions";
  } catch (err) {
    flash(err.message, true);
  }
  document.getElementById("signout").addEventListener("click", () => signOut(true));
  window.addEventListener("hashchange", route);
  await route();
}

start();

// router.js: every console page, with the roles that may open it. Routes
// use the HTML5 history under /console/, so a link in a notice
// (/console/summaries/…, /console/problems/…) opens that page after
// signing in. A view is loaded when first opened (its own chunk).
import { createRouter, createWebHistory } from "vue-router";
import Shell from "./components/Shell.vue";
import { signedIn, rememberReturn, loadConfig } from "./lib/auth.js";
import { session, loadMe, can } from "./lib/session.js";
import { get, onUnauthorized } from "./lib/api.js";
import { loadLabels } from "./lib/labels.js";

const OFFICE = ["admin", "staff"];
const ADMIN = ["admin"];
const UNIT = ["unit"];

// routes' meta: title (the page's heading and the tab's title), roles
// (who may open it; all roles when absent), menu (the menu group it sits
// under, when it is in the menu).
export const routes = [
  { path: "/login", name: "login", component: () => import("./views/Login.vue"), meta: { title: "登录", public: true } },
  {
    path: "/",
    component: Shell,
    children: [
      // The home page depends on who signs in: the guard below sends a unit
      // account to its workspace and the office to the suggestions.
      { path: "", name: "home", component: { render: () => null } },
      { path: "workspace", name: "workspace", component: () => import("./views/Workspace.vue"), meta: { title: "本单位工作台", roles: UNIT, menu: 1 } },
      { path: "suggestions", name: "suggestions", component: () => import("./views/Suggestions.vue"), meta: { title: "意见建议", roles: OFFICE, menu: 2 } },
      { path: "suggestions/:id", name: "suggestion", component: () => import("./views/Suggestion.vue"), meta: { title: "意见建议详情", roles: OFFICE, parent: "suggestions" } },
      { path: "symposia", name: "symposia", component: () => import("./views/Symposia.vue"), meta: { title: "座谈会", roles: OFFICE, menu: 3 } },
      { path: "symposia/:id", name: "symposium", component: () => import("./views/Symposium.vue"), meta: { title: "座谈会详情", roles: OFFICE, parent: "symposia" } },
      { path: "problem-lists", name: "problem-lists", component: () => import("./views/ProblemLists.vue"), meta: { title: "问题清单", roles: OFFICE, menu: 4 } },
      { path: "problem-lists/:id", name: "problem-list", component: () => import("./views/ProblemList.vue"), meta: { title: "问题清单详情", roles: OFFICE, parent: "problem-lists" } },
      { path: "problems", name: "problems", component: () => import("./views/Problems.vue"), meta: { title: "问题跟踪", roles: OFFICE, menu: 5 } },
      { path: "problems/:id", name: "problem", component: () => import("./views/Problem.vue"), meta: { title: "问题详情", parent: "problems" } },
      { path: "routing-rules", name: "routing-rules", component: () => import("./views/RoutingRules.vue"), meta: { title: "分拣规则", roles: OFFICE, menu: 6 } },
      { path: "summaries", name: "summaries", component: () => import("./views/Summaries.vue"), meta: { title: "汇总", roles: OFFICE, menu: 7 } },
      { path: "summaries/:id", name: "summary", component: () => import("./views/Summary.vue"), meta: { title: "汇总报告", roles: OFFICE, parent: "summaries" } },
      { path: "documents", name: "documents", component: () => import("./views/Documents.vue"), meta: { title: "文书", roles: OFFICE, menu: 7.5 } },
      { path: "charts", name: "charts", component: () => import("./views/Charts.vue"), meta: { title: "统计图表", roles: OFFICE, menu: 8 } },
      { path: "assessment", name: "assessment", component: () => import("./views/Assessment.vue"), meta: { title: "考评", roles: OFFICE, menu: 8.5 } },
      { path: "units", name: "units", component: () => import("./views/Units.vue"), meta: { title: "单位管理", roles: OFFICE, menu: 8.7 } },
      { path: "unit-migration", name: "unit-migration", component: () => import("./views/UnitMigration.vue"), meta: { title: "单位名称迁移", roles: ADMIN, parent: "units" } },
      { path: "calendar", name: "calendar", component: () => import("./views/Calendar.vue"), meta: { title: "工作日历", roles: OFFICE, menu: 8.8 } },
      { path: "accounts", name: "accounts", component: () => import("./views/Accounts.vue"), meta: { title: "账号管理", roles: ADMIN, menu: 9 } },
      { path: "settings", name: "settings", component: () => import("./views/Settings.vue"), meta: { title: "系统设置", roles: ADMIN, menu: 10 } },
      { path: "forbidden", name: "forbidden", component: () => import("./views/Forbidden.vue"), meta: { title: "无权访问" } },
      { path: ":rest(.*)*", name: "not-found", component: () => import("./views/NotFound.vue"), meta: { title: "页面不存在" } },
    ],
  },
  // Pages meant for printing open in their own tab, without the menu.
  { path: "/print/symposia/:id/poster", name: "poster", component: () => import("./views/Poster.vue"), meta: { title: "座谈会海报", roles: OFFICE } },
];

export const router = createRouter({
  history: createWebHistory("/console/"),
  routes,
  scrollBehavior: (to, from, saved) => saved || { top: 0 },
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (!signedIn()) {
    // The sign-in page sent the browser back with ?code=&state=: the login
    // view finishes signing in with them (and then opens the page
    // remembered before leaving).
    if (to.query.code && to.query.state) return { name: "login", query: { code: to.query.code, state: to.query.state } };
    rememberReturn(to.fullPath);
    return { name: "login" };
  }
  if (!session.me) {
    try {
      // The sign-in configuration too: a reloaded page signs out through
      // the provider and the accounts page names it.
      await Promise.all([loadMe(), loadConfig()]);
    } catch (err) {
      if (err.status === 401) {
        rememberReturn(to.fullPath);
        return { name: "login" };
      }
      throw err;
    }
  }
  // The words for the API's codes, once per page load.
  try {
    await loadLabels(get);
  } catch (err) {
    if (err.status === 401) {
      rememberReturn(to.fullPath);
      return { name: "login" };
    }
    throw err;
  }
  if (to.name === "home") return session.me.role === "unit" ? "/workspace" : "/suggestions";
  if (!can(to.meta.roles)) return { name: "forbidden", query: { from: to.fullPath } };
  return true;
});

router.afterEach((to) => {
  document.title = (to.meta.title ? to.meta.title + " · " : "") + "建言工作台";
});

// A 401 anywhere (the token expired) sends the person to sign in and back.
onUnauthorized(() => {
  const cur = router.currentRoute.value;
  if (cur.name === "login") return;
  rememberReturn(cur.fullPath);
  session.me = null;
  router.push({ name: "login", query: { expired: "1" } });
});

// pending.js: how many extension requests (延期申请) wait for the office's
// decision, for the count beside 问题跟踪 in the menu and on its 延期待审批
// view. Read when the console opens, again on a page change once a minute
// has passed (at once on 问题跟踪), and at once after the office decides or
// asks on a problem's page.
import { reactive } from "vue";
import { all } from "./api.js";
import { isOffice } from "./session.js";

export const pending = reactive({ extensions: 0 });

const FRESH_MS = 60 * 1000;
let inflight = null;
let last = 0;

// refreshPending reads the count again, unless it was read within the last
// minute (force reads it anyway). A failure keeps the last count: the page
// the person is on reports its own errors.
export function refreshPending(force = false) {
  if (!isOffice()) {
    pending.extensions = 0;
    return Promise.resolve();
  }
  if (inflight) return force ? inflight.then(() => refreshPending(true)) : inflight;
  if (!force && Date.now() - last < FRESH_MS) return Promise.resolve();
  inflight = all("/api/v1/problems", { extension_pending: "true" })
    .then((items) => { pending.extensions = items.length; last = Date.now(); })
    .catch(() => {})
    .finally(() => { inflight = null; });
  return inflight;
}

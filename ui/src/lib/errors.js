// errors.js: errors appear where the person is looking. A form's field
// errors come from the API's `field` (shown under that input by ElFormItem's
// error prop); anything else is a message at the top of the page.
import { reactive } from "vue";
import { ElMessage } from "element-plus";
import "element-plus/es/components/message/style/css";

// formErrors returns a reactive map field → message and a helper that
// puts an APIError under its field, or reports it as a message.
export function formErrors() {
  const errs = reactive({});
  return {
    errs,
    clear() { for (const k of Object.keys(errs)) delete errs[k]; },
    show(err, known) {
      if (err && err.field && (!known || known.includes(err.field))) {
        errs[err.field] = err.message;
        return;
      }
      notifyError(err);
    },
  };
}

export function notifyError(err) {
  if (err && err.status === 401) return; // the sign-in page says it
  ElMessage({ type: "error", message: (err && err.message) || "操作失败,请稍后再试", showClose: true, duration: 6000 });
}

export function notifyOK(message) {
  ElMessage({ type: "success", message, duration: 3000 });
}

// guard runs fn and reports its error (unless report(err) says the page
// shows it itself). A confirmation the person
// declined (ElMessageBox rejects with "cancel" or "close") is no error.
export async function guard(fn, report = () => true) {
  try {
    return await fn();
  } catch (err) {
    if (err === "cancel" || err === "close") return undefined;
    if (report(err)) notifyError(err);
    return undefined;
  }
}

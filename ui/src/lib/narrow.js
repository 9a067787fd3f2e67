// narrow.js: whether the console is on a phone's or a tablet's width
// (where the menu narrows or folds into a drawer, style.css), for the
// tables that then put their columns one under another: a unit's liaison
// on a phone or a tablet reads a problem's deadline, status and the
// office's decisions without scrolling a table sideways.
import { ref } from "vue";

const query = typeof window !== "undefined" && window.matchMedia ? window.matchMedia("(max-width: 1023px)") : null;

export const narrow = ref(query ? query.matches : false);

if (query) query.addEventListener("change", (e) => { narrow.value = e.matches; });

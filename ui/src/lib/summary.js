import { periods } from "./labels.js";

// summaryTitle names a summary: 「建言工作周汇总(2025-03-10 至 2025-03-16)」.
export function summaryTitle(sm) {
  const name = periods[sm.period] || "汇总";
  return sm.from === sm.to ? `建言工作${name}(${sm.from})` : `建言工作${name}(${sm.from} 至 ${sm.to})`;
}

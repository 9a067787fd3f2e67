// charts.js: small horizontal bar charts drawn as inline SVG. No library,
// no inline style: every look is an attribute or a class in app.css.
const NS = "http://www.w3.org/2000/svg";

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// barChart returns an <svg> of labelled bars; data is [[label, value], …]
// or [[label, value, className], …] (a class for that bar, e.g. "alt").
// The third argument is either a boolean (true: the alternative colour for
// every bar) or options:
//
//	alt     the alternative colour for every bar
//	max     the value of a full-width bar (default: the largest value)
//	format  value → the text shown after the bar (default String)
//	empty   the text of a chart without data (default 暂无数据)
//
// A value of null draws no bar; format(null) is still shown (e.g. "—").
export function barChart(title, data, opts) {
  const o = typeof opts === "object" && opts !== null ? opts : { alt: Boolean(opts) };
  const format = o.format || ((v) => String(v));
  const rowH = 28, barW = 260, valueW = 70, pad = 6, maxLabelW = 210;
  const labels = data.map((d) => fit(String(d[0]), maxLabelW - 10));
  const labelW = Math.max(60, ...labels.map((l) => Math.ceil(textWidth(l)) + 10));
  const height = Math.max(1, data.length) * rowH + pad * 2;
  const width = labelW + barW + valueW;
  const values = data.map((d) => d[1]).filter((v) => typeof v === "number");
  const max = o.max || Math.max(1, ...values);
  // width and height make one SVG unit one CSS pixel, so every chart's
  // text has the same size; CSS (max-width:100%) shrinks it on a narrow
  // screen.
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": title });
  svg.append(el("title", {}, title));
  if (data.length === 0) {
    svg.setAttribute("viewBox", `0 0 ${width} 30`);
    svg.setAttribute("height", 30);
    svg.append(el("text", { x: 0, y: 20, class: "empty" }, o.empty || "暂无数据"));
    return svg;
  }
  data.forEach(([label, value, cls], i) => {
    const y = pad + i * rowH;
    const text = String(label);
    const t = el("text", { x: labelW - 8, y: y + rowH / 2 + 4, "text-anchor": "end", class: "label" }, labels[i]);
    t.append(el("title", {}, text));
    svg.append(t);
    let w = 0;
    if (typeof value === "number") {
      w = Math.min(barW, Math.max(value > 0 ? 2 : 0, Math.round((value / max) * barW)));
      const barClass = "bar" + (cls ? " " + cls : o.alt ? " alt" : "");
      const r = el("rect", { x: labelW, y: y + 4, width: w, height: rowH - 8, rx: 3, class: barClass, "data-value": value });
      r.append(el("title", {}, `${text}:${format(value)}`));
      svg.append(r);
    }
    svg.append(el("text", { x: labelW + w + 6, y: y + rowH / 2 + 4, class: "value" }, format(value)));
  });
  return svg;
}

// textWidth estimates the width of s at the charts' 14px font: a CJK or
// other wide character is one em, anything else a little over half.
function textWidth(s) {
  let w = 0;
  for (const c of s) w += c.codePointAt(0) > 0x2e7f ? 14 : 8;
  return w;
}

// fit shortens s with an ellipsis until it is at most max pixels wide.
function fit(s, max) {
  if (textWidth(s) <= max) return s;
  const chars = [...s];
  while (chars.length > 1 && textWidth(chars.join("") + "…") > max) chars.pop();
  return chars.join("") + "…";
}

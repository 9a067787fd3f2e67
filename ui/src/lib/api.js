// api.js: the one client of the staff API. Every call sends the signed-in
// token; every failure becomes an APIError whose message is Chinese (the
// API's own message when it is Chinese, else the catalogue's word for its
// code), with the field it concerns so forms can show it in place.
import { token, forgetToken } from "./auth.js";
import { errorCodes, fields } from "./labels.js";

const HAN = /[\u4e00-\u9fff]/;

// chinese keeps the Chinese part of a message: "中文 (english)" → "中文";
// a message without Chinese gives way to the catalogue's word for code.
export function chinese(message, code, field) {
  let m = (message || "").replace(/\s*[((][^()()]*[A-Za-z][^()()]*[))]/g, "").trim();
  if (!HAN.test(m)) {
    m = errorCodes[code] || errorCodes.internal;
    if (field && fields[field] && code === "invalid") m = `「${fields[field]}」填写有误,请检查`;
  }
  return m;
}

export class APIError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    const code = e.code || (status === 0 ? "network" : status === 401 ? "unauthorized" : status === 403 ? "forbidden" :
      status === 404 ? "not_found" : status === 409 ? "conflict" : status >= 500 ? "internal" : "invalid");
    super(chinese(e.message, code, e.field));
    this.status = status;
    this.code = code;
    this.field = e.field || "";
    this.rows = (e.rows || []).map((r) => ({ ...r, message: chinese(r.message, "invalid", r.field) }));
  }
}

// onUnauthorized is called on any 401 (the router sends the person to sign in).
let unauthorizedHandler = () => {};
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

// query builds "?a=1&b=2" from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === "" || v === false) continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? "?" + s : "";
}

async function send(method, path, body, headers = {}) {
  const h = { Authorization: "Bearer " + token(), ...headers };
  const init = { method, headers: h };
  if (body instanceof FormData || body instanceof Blob) {
    init.body = body;
  } else if (body !== undefined) {
    h["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(path, init);
  } catch {
    throw new APIError(0, null);
  }
  if (resp.status === 401) {
    forgetToken();
    unauthorizedHandler();
    throw new APIError(401, null);
  }
  return resp;
}

async function readError(resp) {
  let data = null;
  try { data = await resp.json(); } catch { data = null; }
  return new APIError(resp.status, data);
}

export async function api(method, path, body, headers) {
  const resp = await send(method, path, body, headers);
  if (!resp.ok) throw await readError(resp);
  const text = await resp.text();
  if (!text) return null;
  try { return JSON.parse(text); } catch { return null; }
}

export const get = (path, params) => api("GET", path + query(params));
export const post = (path, body, headers) => api("POST", path, body === undefined ? {} : body, headers);
export const patch = (path, body) => api("PATCH", path, body);
export const put = (path, body) => api("PUT", path, body);

// all reads every page of a list (at most max pages of 200).
export async function all(path, params = {}, max = 10) {
  let items = [];
  let cursor = "";
  for (let i = 0; i < max; i++) {
    const page = await get(path, { ...params, limit: 200, cursor });
    items = items.concat(page.items || []);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return items;
}

// fileName reads the name from Content-Disposition (filename* first).
function fileName(resp, fallback) {
  const cd = resp.headers.get("Content-Disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) {
    try { return decodeURIComponent(star[1]); } catch { /* fall through */ }
  }
  const plain = /filename="([^"]+)"/i.exec(cd);
  return plain ? plain[1] : fallback;
}

// ACCEPT_LINK asks file routes for a link as JSON where the file is in the
// bucket (AWS: large exports, evidence and photos), so the console opens
// or fetches the link itself instead of following a redirect across
// origins; locally the bytes come as they are.
const ACCEPT_LINK = { Accept: "application/json, */*;q=0.5" };

// fetchFile fetches a file route with the token: the bytes, or, when the
// API answers with a link, that link's.
async function fetchFile(path) {
  const resp = await send("GET", path, undefined, ACCEPT_LINK);
  if (!resp.ok) throw await readError(resp);
  if (!(resp.headers.get("Content-Type") || "").startsWith("application/json")) return { resp };
  const link = await resp.json();
  if (!link || !link.url) throw new APIError(500, null);
  return { link };
}

// download fetches path with the token and saves it as a file (a plain
// link could not send the Authorization header). A file in the bucket
// comes as a short-lived link, opened as a download (S3 names it). It
// returns the file name.
export async function download(path, fallbackName) {
  const { resp, link } = await fetchFile(path);
  const a = document.createElement("a");
  if (link) {
    a.href = link.url;
    a.rel = "noopener";
    document.body.append(a);
    a.click();
    a.remove();
    return link.name || fallbackName;
  }
  const blob = await resp.blob();
  const url = URL.createObjectURL(blob);
  a.href = url;
  a.download = fileName(resp, fallbackName);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return a.download;
}

// blobURL fetches a file (an image) with the token and returns an object
// URL; a file in the bucket is fetched from its link.
export async function blobURL(path) {
  const { resp, link } = await fetchFile(path);
  if (!link) return URL.createObjectURL(await resp.blob());
  let r;
  try {
    r = await fetch(link.url);
  } catch {
    throw new APIError(0, null);
  }
  if (!r.ok) throw new APIError(r.status, null);
  return URL.createObjectURL(await r.blob());
}

// uploadFile sends a file in the API's three steps: ask for an upload
// form (POST /api/v1/uploads), then post every field and the file last to
// its url (S3 on AWS: no token there; the server's own route locally,
// which takes the token). onProgress, when given, hears the share sent
// (0 to 1). It returns { id, checking }: the file's ID, to name in a later
// request, and whether its bytes are still to be judged. The server's own
// route judges them as they arrive (a refused file fails the post); S3
// takes anything the form allows and the check function judges it a
// moment later, so until fileChecked(id) settles the file cannot be named.
export async function uploadFile(file, onProgress) {
  const form = await post("/api/v1/uploads", { filename: file.name, content_type: file.type, size: file.size });
  const body = new FormData();
  for (const [k, v] of Object.entries(form.fields || {})) body.append(k, v);
  body.append("file", file);
  const sameOrigin = new URL(form.url, location.href).origin === location.origin;
  await new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.url);
    if (sameOrigin) xhr.setRequestHeader("Authorization", "Bearer " + token());
    xhr.upload.onprogress = (ev) => { if (onProgress && ev.lengthComputable) onProgress(ev.loaded / ev.total); };
    xhr.onerror = () => reject(new APIError(0, null));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) { resolve(); return; }
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      reject(new APIError(xhr.status, data));
    };
    xhr.send(body);
  });
  if (onProgress) onProgress(1);
  return { id: form.id, checking: !sameOrigin };
}

// CHECK_WAIT is the pause before each look at a file being checked: short
// at first (the check takes a second or two), then longer; CHECK_LIMIT is
// how long to keep looking (the check function gives up within a minute
// and retries once).
const CHECK_WAIT = [500, 750, 1000, 1500, 2000, 3000, 5000];
const CHECK_LIMIT = 120000;

// fileChecked waits until the check of an uploaded file has settled: it
// asks GET /api/v1/files/{id} for the link (200: passed; 409: still being
// checked; 410: refused, with the reason, which it throws). A network
// failure is tried again within the limit; past it, it throws a Chinese
// message saying what to do. signal (an AbortSignal, optional) stops it:
// it then throws the signal's reason.
export async function fileChecked(id, signal) {
  const path = "/api/v1/files/" + encodeURIComponent(id);
  const until = Date.now() + CHECK_LIMIT;
  for (let i = 0; ; i++) {
    await new Promise((resolve) => setTimeout(resolve, CHECK_WAIT[Math.min(i, CHECK_WAIT.length - 1)]));
    signal?.throwIfAborted();
    let resp = null;
    try {
      resp = await send("GET", path, undefined, { Accept: "application/json" });
    } catch (err) {
      if (err.status === 401) throw err;
    }
    signal?.throwIfAborted();
    if (resp && resp.ok) return;
    if (resp && resp.status !== 409) throw await readError(resp);
    if (Date.now() > until) {
      throw new APIError(409, { error: { code: "conflict", message: "检查用时过长,未能确认该文件能否使用:请移除后重新上传" } });
    }
  }
}

// api.js: calls to the staff API with the signed-in token, and downloads
// that carry it too (fetch + blob: a plain link could not send the
// Authorization header).
import { token, signOut } from "./auth.js";

export class APIError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || `HTTP ${status}`);
    this.status = status;
    this.field = body && body.error && body.error.field;
  }
}

async function send(method, path, body) {
  const headers = { Authorization: "Bearer " + token() };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  if (resp.status === 401) {
    signOut(false);
    throw new APIError(401, { error: { message: "登录已过期,请重新登录" } });
  }
  return resp;
}

export async function api(method, path, body) {
  const resp = await send(method, path, body);
  const text = await resp.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!resp.ok) throw new APIError(resp.status, data);
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body === undefined ? {} : body);
export const patch = (path, body) => api("PATCH", path, body);

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

// download fetches path with the token and saves it as a file.
export async function download(path, fallbackName) {
  const resp = await send("GET", path);
  if (!resp.ok) {
    let data = null;
    try { data = await resp.json(); } catch { data = null; }
    throw new APIError(resp.status, data);
  }
  const blob = await resp.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName(resp, fallbackName);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return a.download;
}

// blobURL fetches an image with the token and returns an object URL.
export async function blobURL(path) {
  const resp = await send("GET", path);
  if (!resp.ok) throw new APIError(resp.status, null);
  return URL.createObjectURL(await resp.blob());
}

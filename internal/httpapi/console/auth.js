// auth.js: signing in. Locally staff paste a token (kept in sessionStorage,
// so it goes with the tab). With a user pool (config.json says "oidc") the
// console runs the OAuth 2.0 authorization-code flow with PKCE against the
// hosted UI, in the browser: the app client is public and has no secret.
const TOKEN = "jianyan.token";
const PKCE = "jianyan.pkce";

let config = { auth: "token" };

export function token() { return sessionStorage.getItem(TOKEN) || ""; }
export function signedIn() { return token() !== ""; }
export function authMode() { return config.auth; }

export function setToken(t) { sessionStorage.setItem(TOKEN, t.trim()); }

export async function loadConfig() {
  const resp = await fetch("/console/config.json");
  if (resp.ok) config = await resp.json();
  return config;
}

function redirectURI() { return location.origin + "/console/"; }

function b64url(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function random(n) {
  const b = new Uint8Array(n);
  crypto.getRandomValues(b);
  return b64url(b);
}

// startOIDC sends the browser to the hosted sign-in page.
export async function startOIDC() {
  const verifier = random(48);
  const state = random(16);
  const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state }));
  const u = new URL(config.authorize_url);
  u.search = new URLSearchParams({
    response_type: "code", client_id: config.client_id, redirect_uri: redirectURI(),
    scope: config.scopes || "openid email profile", state,
    code_challenge: challenge, code_challenge_method: "S256",
  }).toString();
  location.assign(u.toString());
}

// finishOIDC completes a sign-in when the hosted UI sent the browser back
// with ?code=&state=. It returns true when it signed in.
export async function finishOIDC() {
  const q = new URLSearchParams(location.search);
  if (config.auth !== "oidc" || !q.has("code")) return false;
  const saved = JSON.parse(sessionStorage.getItem(PKCE) || "{}");
  sessionStorage.removeItem(PKCE);
  history.replaceState(null, "", "/console/" + location.hash);
  if (!saved.state || saved.state !== q.get("state")) throw new Error("登录状态校验失败,请重新登录");
  const resp = await fetch(config.token_url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", client_id: config.client_id, code: q.get("code"),
      redirect_uri: redirectURI(), code_verifier: saved.verifier,
    }),
  });
  if (!resp.ok) throw new Error("登录失败 (" + resp.status + ")");
  const tok = await resp.json();
  setToken(tok.access_token || tok.id_token || "");
  return signedIn();
}

// signOut forgets the token; with a user pool it also ends the hosted
// UI's session when the person asked to sign out.
export function signOut(everywhere) {
  sessionStorage.removeItem(TOKEN);
  if (everywhere && config.auth === "oidc" && config.logout_url) {
    const u = new URL(config.logout_url);
    u.search = new URLSearchParams({ client_id: config.client_id, logout_uri: redirectURI() }).toString();
    location.assign(u.toString());
    return;
  }
  location.hash = "#/login";
}

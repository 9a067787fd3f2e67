// auth.js: signing in. Locally staff paste a token (kept in sessionStorage,
// so it goes with the tab). With a user pool or the office's own OpenID
// Connect issuer (config.json says "oidc") the console runs the OAuth 2.0
// authorization-code flow with PKCE against its sign-in page, in the
// browser: the client is public and has no secret. config.json says which
// token the API takes (token_use: the user pool's access token, an
// external issuer's ID token) and how its logout URL brings the browser
// back. The page asked for before signing in is kept and returned to.
const TOKEN = "jianyan.token";
const PKCE = "jianyan.pkce";
const RETURN = "jianyan.return";

let config = { auth: "token" };
let loading = null;

export const token = () => sessionStorage.getItem(TOKEN) || "";
export const signedIn = () => token() !== "";
export const authMode = () => config.auth;
// signInProvider is whose sign-in page it is with "oidc": "user_pool" (the
// stack's Cognito user pool) or "issuer" (the office's own provider).
export const signInProvider = () => config.provider || "";
export const setToken = (t) => sessionStorage.setItem(TOKEN, t.trim());
export const forgetToken = () => sessionStorage.removeItem(TOKEN);

// loadConfig reads config.json once a page load: it does not change while
// the console is open.
export function loadConfig() {
  loading ||= (async () => {
    try {
      const resp = await fetch("/console/config.json");
      if (resp.ok) config = await resp.json();
    } catch {
      // keep token sign-in
    }
    return config;
  })();
  return loading;
}

// rememberReturn keeps the console path to open after signing in.
export function rememberReturn(path) {
  if (path && path.startsWith("/") && !path.startsWith("/login")) sessionStorage.setItem(RETURN, path);
}

// takeReturn is the path remembered before signing in ("/" if none).
export function takeReturn() {
  const p = sessionStorage.getItem(RETURN) || "/";
  sessionStorage.removeItem(RETURN);
  return p.startsWith("/") && !p.startsWith("//") ? p : "/";
}

const redirectURI = () => location.origin + "/console/";

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

// finishOIDC completes a sign-in when the hosted page sent the browser back
// with ?code=&state=. It returns true when it signed in.
export async function finishOIDC() {
  const q = new URLSearchParams(location.search);
  if (config.auth !== "oidc" || !q.has("code")) return false;
  const saved = JSON.parse(sessionStorage.getItem(PKCE) || "{}");
  sessionStorage.removeItem(PKCE);
  history.replaceState(null, "", "/console/");
  if (!saved.state || saved.state !== q.get("state")) throw new Error("登录状态校验失败,请重新登录");
  const resp = await fetch(config.token_url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", client_id: config.client_id, code: q.get("code"),
      redirect_uri: redirectURI(), code_verifier: saved.verifier,
    }),
  });
  if (!resp.ok) throw new Error("登录失败,请重新登录");
  const tok = await resp.json();
  const use = config.token_use === "id" ? [tok.id_token, tok.access_token] : [tok.access_token, tok.id_token];
  setToken(use.find(Boolean) || "");
  return signedIn();
}

// signOut forgets the token; with a user pool it also ends the hosted
// page's session.
export function signOut() {
  const held = token();
  forgetToken();
  if (config.auth === "oidc" && config.logout_url) {
    const u = new URL(config.logout_url);
    const q = new URLSearchParams({ client_id: config.client_id });
    q.set(config.logout_redirect_param || "logout_uri", redirectURI());
    // An OpenID Connect end-session endpoint identifies the session by the
    // ID token, when the console holds one.
    if (config.token_use === "id" && held) q.set("id_token_hint", held);
    u.search = q.toString();
    location.assign(u.toString());
    return true;
  }
  return false;
}

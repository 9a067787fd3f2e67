// session.js: who is signed in (GET /api/v1/me), shared by every view. The
// menu, the routes and the actions a view offers are shaped by its role.
import { reactive } from "vue";
import { get } from "./api.js";

export const session = reactive({ me: null });

export async function loadMe() {
  session.me = await get("/api/v1/me");
  return session.me;
}

export function clearSession() { session.me = null; }

export const isAdmin = () => session.me?.role === "admin";
export const isOffice = () => session.me?.role === "admin" || session.me?.role === "staff";
export const isUnit = () => session.me?.role === "unit";

// can reports whether the signed-in role is among roles.
export const can = (roles) => !roles || roles.includes(session.me?.role);

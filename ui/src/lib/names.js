// names.js: titles for the IDs the API returns (symposia, problem lists),
// loaded once per page, so tables show names and never raw IDs.
import { all } from "./api.js";

let symposia = null;
let lists = null;

export async function loadSymposia(force) {
  if (!symposia || force) symposia = await all("/api/v1/symposia");
  return symposia;
}

export async function loadLists(force) {
  if (!lists || force) lists = await all("/api/v1/problem-lists");
  return lists;
}

export function forgetNames() { symposia = null; lists = null; }

export const titleOf = (items, id, missing = "") => (items || []).find((x) => x.id === id)?.title || (id ? missing : "");

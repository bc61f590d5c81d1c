// Who is signed in (`GET /api/v1/me`), and where to go back to after signing in (an invitation's
// link opened before signing in, a page that needs a session).
import { api } from "./api.js";

const NEXT = "dealer-portal.next";

export function loadAccount() {
  return api("GET", "me", { auth: true });
}

export function isStaff(account) {
  return Boolean(account) && (account.role === "reviewer" || account.role === "admin");
}

// Remembers `route` (an app route with its query) for after signing in, in this tab only.
export function rememberNext(route) {
  try {
    window.sessionStorage.setItem(NEXT, route);
  } catch (_) {
    // Then the person opens the link again.
  }
}

// The remembered route (once), or `/`. Only the app's own routes, never another site.
export function takeNext() {
  let next = null;
  try {
    next = window.sessionStorage.getItem(NEXT);
    window.sessionStorage.removeItem(NEXT);
  } catch (_) {
    next = null;
  }
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

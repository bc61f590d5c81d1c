// Client-side routes: the server answers every route of the app with the same page, and links
// move between them without loading it again. The app may live under a path prefix: ROOT is
// where it starts (this file is `<root>assets/<version>/app/router.js`).
import { useEffect, useState } from "../vendor/hooks.mjs";

export const ROOT = new URL("../../../", import.meta.url);

const listeners = new Set();

// The route as the app names it: the path below ROOT (starting with `/`) and the query.
export function currentRoute() {
  const below = window.location.pathname.slice(ROOT.pathname.length - 1) || "/";
  return { path: below, query: new URLSearchParams(window.location.search) };
}

// The URL of an app route (`/sign-in?next=…`), for links.
export function href(route) {
  const url = new URL(route.replace(/^\//, ""), ROOT);
  return url.pathname + url.search;
}

export function navigate(route, options) {
  const url = href(route);
  if (options && options.replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  listeners.forEach((listener) => listener());
}

export function onRoute(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

window.addEventListener("popstate", () => listeners.forEach((listener) => listener()));

// Matches `path` against a pattern with `:name` parts: the parts, or null.
export function match(pattern, path) {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i].startsWith(":")) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

// The one-time token of an e-mailed link (`?token=`): kept by the screen that reads it, and taken
// out of the address at once, so that it stays out of the history and of an address copied or
// shared.
export function useLinkToken(query) {
  const [token] = useState(() => query.get("token") || "");
  useEffect(() => {
    if (!query.has("token")) return;
    const rest = new URLSearchParams(query);
    rest.delete("token");
    const search = rest.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }, []);
  return token;
}

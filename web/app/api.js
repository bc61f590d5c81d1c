// Calls to the public API (`<root>api/v1/…`) in the chosen language, with the signed-in
// person's access token; a refused token is renewed once with the refresh token. The tokens live
// in sessionStorage: gone when the tab closes, and never kept anywhere that outlives it.
import { ROOT } from "./router.js";
import { currentLanguage } from "./i18n.js";

const SESSION = "dealer-portal.session";
const listeners = new Set();

// A failed call: the problem's `title`, `detail`, `errors` (`[{field, code, message}]`) and
// `request_id`, or none of them when the server could not be reached (`status` 0) or answered
// with no problem body.
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.title) || "HTTP " + status);
    this.status = status;
    this.problem = problem && typeof problem.title === "string" ? problem : null;
  }

  get fieldErrors() {
    return (this.problem && Array.isArray(this.problem.errors) && this.problem.errors) || [];
  }
}

function readTokens() {
  try {
    const stored = JSON.parse(window.sessionStorage.getItem(SESSION) || "null");
    return stored && stored.access_token && stored.refresh_token ? stored : null;
  } catch (_) {
    return null;
  }
}

let tokens = readTokens();

function keepTokens(pair) {
  tokens = pair ? { access_token: pair.access_token, refresh_token: pair.refresh_token } : null;
  try {
    if (tokens) window.sessionStorage.setItem(SESSION, JSON.stringify(tokens));
    else window.sessionStorage.removeItem(SESSION);
  } catch (_) {
    // Kept in memory only then.
  }
  listeners.forEach((listener) => listener(Boolean(tokens)));
}

export function signedIn() {
  return Boolean(tokens);
}

// Calls `listener(signedIn)` whenever the tokens come or go.
export function onSession(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function send(method, path, body, token) {
  const headers = {
    Accept: "application/json, application/problem+json",
    "Accept-Language": currentLanguage(),
  };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = "Bearer " + token;
  let response;
  try {
    response = await fetch(new URL("api/v1/" + path.replace(/^\//, ""), ROOT), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
    });
  } catch (_) {
    return { status: 0, body: null };
  }
  let parsed = null;
  if ((response.headers.get("Content-Type") || "").includes("json")) {
    try {
      parsed = await response.json();
    } catch (_) {
      parsed = null;
    }
  }
  return { status: response.status, ok: response.ok, body: parsed };
}

let refreshing = null;

// Renews the tokens once for all callers waiting on it; false when the session is over.
async function refresh() {
  if (!tokens) return false;
  if (!refreshing) {
    const refreshToken = tokens.refresh_token;
    refreshing = send("POST", "auth/refresh", { refresh_token: refreshToken }).then((result) => {
      refreshing = null;
      if (result.ok && result.body) {
        keepTokens(result.body);
        return true;
      }
      keepTokens(null);
      return false;
    });
  }
  return refreshing;
}

// Calls the API: the parsed body of a 2xx (null when there is none), else throws ApiError.
// `options.auth` sends the access token.
export async function api(method, path, options) {
  const opts = options || {};
  let result = await send(method, path, opts.body, opts.auth && tokens ? tokens.access_token : null);
  if (result.status === 401 && opts.auth && tokens && (await refresh())) {
    result = await send(method, path, opts.body, tokens.access_token);
  }
  if (result.ok) return result.body;
  throw new ApiError(result.status, result.body);
}

export async function signIn(email, password) {
  const pair = await api("POST", "auth/login", { body: { email, password } });
  keepTokens(pair);
}

// Ends the session here and, when the server can be told, there too.
export async function signOut() {
  const current = tokens;
  keepTokens(null);
  if (current) {
    await send("POST", "auth/logout", { refresh_token: current.refresh_token }, current.access_token);
  }
}

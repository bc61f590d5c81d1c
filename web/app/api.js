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

function endpoint(path) {
  return new URL("api/v1/" + path.replace(/^\//, ""), ROOT);
}

// The request's headers; `extra.ifMatch` is the version the caller read (`*`: any).
function headersFor(token, extra) {
  const headers = {
    Accept: (extra && extra.accept) || "application/json, application/problem+json",
    "Accept-Language": currentLanguage(),
  };
  if (token) headers.Authorization = "Bearer " + token;
  if (extra && extra.ifMatch !== undefined && extra.ifMatch !== null) {
    headers["If-Match"] = extra.ifMatch === "*" ? "*" : '"' + extra.ifMatch + '"';
  }
  return headers;
}

async function problemOf(response) {
  if (!(response.headers.get("Content-Type") || "").includes("json")) return null;
  try {
    return await response.json();
  } catch (_) {
    return null;
  }
}

async function send(method, path, body, token, extra) {
  const headers = headersFor(token, extra);
  if (body !== undefined) {
    headers["Content-Type"] = (extra && extra.contentType) || "application/json";
  }
  let response;
  try {
    response = await fetch(endpoint(path), {
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
  return { status: response.status, ok: response.ok, body: await problemOf(response) };
}

let refreshing = null;

// Renews the tokens once for all callers waiting on it; false when it could not (the session is
// over only when the server refused the refresh token).
async function refresh() {
  if (!tokens) return false;
  if (!refreshing) {
    const refreshToken = tokens.refresh_token;
    refreshing = send("POST", "auth/refresh", { refresh_token: refreshToken }, null).then((result) => {
      refreshing = null;
      if (result.ok && result.body) {
        keepTokens(result.body);
        return true;
      }
      // Refused: the session is over. Unreachable or failing: keep it, the next call tries again.
      if (result.status >= 400 && result.status < 500) keepTokens(null);
      return false;
    });
  }
  return refreshing;
}

// Calls the API: the parsed body of a 2xx (null when there is none), else throws ApiError.
// `options.auth` sends the access token; `options.ifMatch` the version the caller read (a 412
// then means someone else changed it since); `options.contentType` another JSON type (merge
// patches send `application/merge-patch+json`).
export async function api(method, path, options) {
  const opts = options || {};
  const call = () => send(method, path, opts.body, opts.auth && tokens ? tokens.access_token : null, opts);
  let result = await call();
  if (result.status === 401 && opts.auth && tokens && (await refresh())) result = await call();
  if (result.ok) return result.body;
  throw new ApiError(result.status, result.body);
}

// A merge patch (RFC 7396) of what the caller read at `version`: the resource as it is now.
export function patch(path, changes, version) {
  return api("PATCH", path, {
    auth: true,
    body: changes,
    ifMatch: version,
    contentType: "application/merge-patch+json",
  });
}

// A file the API serves (a document's bytes, the letter of intent, a CSV export) as a Blob,
// with the token; `accept` asks for one of its types. Throws ApiError.
export async function download(path, accept) {
  const get = async () => {
    try {
      return await fetch(endpoint(path), {
        headers: headersFor(tokens ? tokens.access_token : null, { accept: accept || "*/*" }),
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
    } catch (_) {
      return null;
    }
  };
  let response = await get();
  if (response && response.status === 401 && tokens && (await refresh())) response = await get();
  if (!response) throw new ApiError(0, null);
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response.blob();
}

// Sends `form` (multipart) with the token, reporting `onProgress(sent, total)` as it goes up
// (fetch cannot report an upload's progress; XMLHttpRequest can): the parsed 2xx body, else
// throws ApiError.
export async function upload(path, form, onProgress) {
  const attempt = () =>
    new Promise((resolve) => {
      const request = new XMLHttpRequest();
      request.open("POST", endpoint(path));
      const headers = headersFor(tokens ? tokens.access_token : null);
      Object.keys(headers).forEach((name) => request.setRequestHeader(name, headers[name]));
      request.upload.onprogress = (event) => {
        if (onProgress && event.lengthComputable) onProgress(event.loaded, event.total);
      };
      request.onload = () => {
        let body = null;
        try {
          body = JSON.parse(request.responseText);
        } catch (_) {
          body = null;
        }
        resolve({ status: request.status, ok: request.status >= 200 && request.status < 300, body });
      };
      request.onerror = () => resolve({ status: 0, body: null });
      request.send(form);
    });
  let result = await attempt();
  if (result.status === 401 && tokens && (await refresh())) result = await attempt();
  if (result.ok) return result.body;
  throw new ApiError(result.status, result.body);
}

// Offers `blob` to the person as a file named `filename` (a download, not a navigation: the
// page's CSP lets nothing else open).
export function saveFile(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
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

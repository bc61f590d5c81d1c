// The chosen language (zh-CN unless the reader switched to English here: remembered in
// localStorage), its words, and dates, numbers and money in that language. Dates are shown in
// China time whatever the browser's zone: the portal's deadlines are China's.
import { WORDS } from "./words.js";

export const LANGUAGES = ["zh-CN", "en"];
const SAVED = "dealer-portal.language";
const ZONE = "Asia/Shanghai";

function saved() {
  try {
    const value = window.localStorage.getItem(SAVED);
    return LANGUAGES.includes(value) ? value : null;
  } catch (_) {
    return null; // Storage may be off: the default then.
  }
}

let language = saved() || "zh-CN";
const listeners = new Set();

export function currentLanguage() {
  return language;
}

export function setLanguage(next) {
  if (!LANGUAGES.includes(next)) return;
  language = next;
  try {
    window.localStorage.setItem(SAVED, next);
  } catch (_) {
    // Not remembered then; this page still switches.
  }
  document.documentElement.lang = next;
  listeners.forEach((listener) => listener(next));
}

// Calls `listener(language)` after each switch; returns the way to stop.
export function onLanguage(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// The word for `key` in the current language, with `{name}` replaced from `params`.
export function t(key, params) {
  const words = WORDS[language];
  const text = Object.prototype.hasOwnProperty.call(words, key) ? words[key] : key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

// A timestamp of the API (RFC 3339) as a date and time in China.
export function formatDateTime(value) {
  if (!value) return t("none");
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(language, {
    timeZone: ZONE,
    dateStyle: "medium",
    timeStyle: "short",
  }).format(date);
}

// A calendar date of the API (`YYYY-MM-DD`), which names a day, not an instant.
export function formatDate(value) {
  if (!value) return t("none");
  const date = new Date(value + "T00:00:00Z");
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(language, { timeZone: "UTC", dateStyle: "long" }).format(date);
}

// The China calendar day (`YYYY-MM-DD`, as `<input type="date">` and the API's dates write it) of
// a timestamp; "" for none.
export function chinaDay(timestamp) {
  if (!timestamp) return "";
  // en-CA writes dates as ISO does.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(timestamp));
}

// Today in China.
export function chinaToday() {
  return chinaDay(new Date().toISOString());
}

// The timestamp of a China calendar day: its first second, or with `end` its last (a window
// that closes "on" a day stays open through it); null for no day.
export function chinaTimestamp(day, end) {
  if (!day) return null;
  return new Date(day + (end ? "T23:59:59+08:00" : "T00:00:00+08:00")).toISOString();
}

export function formatNumber(value) {
  if (value === null || value === undefined) return t("none");
  return new Intl.NumberFormat(language).format(value);
}

export function formatMoney(cny) {
  if (cny === null || cny === undefined) return t("none");
  return new Intl.NumberFormat(language, {
    style: "currency",
    currency: "CNY",
    maximumFractionDigits: 0,
  }).format(cny);
}

document.documentElement.lang = language;

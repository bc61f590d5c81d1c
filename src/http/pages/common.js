"use strict";
// Shared by the stop-gap pages: the language, the words every page uses, calls to the API and
// showing its problems. Everything from the API goes into the page as text (`textContent`).
(function () {
  // The server's root, from this script's own address (`<root>pages/common.js`), so that the
  // pages also work behind a path prefix.
  const ROOT = new URL("..", document.currentScript.src);
  const LANGUAGES = ["zh-CN", "en"];
  const SAVED_LANGUAGE = "dealer-portal.language";

  const WORDS = {
    "zh-CN": {
      brand: "经销商合作伙伴门户",
      switch_language: "English",
      network_error: "无法连接服务器，请检查网络后重试。",
      unexpected_error: "出现意外错误，请稍后再试。",
      reference: "参考编号：",
    },
    en: {
      brand: "Dealer Partner Portal",
      switch_language: "中文",
      network_error: "Could not reach the server. Check your connection and try again.",
      unexpected_error: "Something unexpected happened. Please try again later.",
      reference: "Reference: ",
    },
  };

  // Chinese, unless the reader chose otherwise here or the browser prefers English.
  function preferredLanguage() {
    try {
      const saved = window.localStorage.getItem(SAVED_LANGUAGE);
      if (LANGUAGES.includes(saved)) return saved;
    } catch (_) {
      // Storage may be off; the browser's preference still counts.
    }
    const browser = String(navigator.language || "").toLowerCase();
    return browser === "en" || browser.startsWith("en-") ? "en" : "zh-CN";
  }

  let language = preferredLanguage();
  let onLanguage = function () {};

  function t(key) {
    const words = WORDS[language];
    return Object.prototype.hasOwnProperty.call(words, key) ? words[key] : key;
  }

  // Puts the words of the current language into every element that names one (`data-t`).
  function applyWords() {
    document.documentElement.lang = language;
    document.querySelectorAll("[data-t]").forEach(function (element) {
      element.textContent = t(element.dataset.t);
    });
    document.title = t("title") + " · " + t("brand");
  }

  function switchLanguage() {
    language = language === "en" ? "zh-CN" : "en";
    try {
      window.localStorage.setItem(SAVED_LANGUAGE, language);
    } catch (_) {
      // Not remembered then; this page still switches.
    }
    applyWords();
    onLanguage();
  }

  // An element with `text` as its text; `className` optional.
  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined && text !== null) made.textContent = String(text);
    if (className) made.className = className;
    return made;
  }

  // Calls the API: `{ok, status, body}`, where `body` is the parsed JSON (or null) and status 0
  // means the server could not be reached.
  async function api(method, path, options) {
    const opts = options || {};
    const headers = {
      Accept: "application/json, application/problem+json",
      "Accept-Language": language,
    };
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    if (opts.token) headers.Authorization = "Bearer " + opts.token;
    let response;
    try {
      response = await fetch(new URL("api/v1/" + path, ROOT), {
        method: method,
        headers: headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
    } catch (_) {
      return { ok: false, status: 0, body: null };
    }
    let body = null;
    if ((response.headers.get("Content-Type") || "").includes("json")) {
      try {
        body = await response.json();
      } catch (_) {
        body = null;
      }
    }
    return { ok: response.ok, status: response.status, body: body };
  }

  // Shows a failed call in `container`: the problem's title and detail (in the language the call
  // was made in) and its request id, or words of our own when there is no problem body.
  function showProblem(container, result) {
    const problem = result.body;
    container.replaceChildren();
    if (problem && typeof problem.title === "string") {
      container.append(element("strong", problem.title));
      if (problem.detail) container.append(element("p", problem.detail));
      if (problem.request_id) {
        container.append(element("p", t("reference") + problem.request_id, "reference"));
      }
    } else {
      const words = result.status === 0 ? t("network_error") : t("unexpected_error");
      container.append(element("strong", words));
    }
    container.hidden = false;
  }

  function hideProblem(container) {
    container.replaceChildren();
    container.hidden = true;
  }

  // Starts a page: adds its words, shows them, and calls `whenSwitched` after each switch of
  // language (for what the page shows besides its `data-t` elements).
  function start(pageWords, whenSwitched) {
    LANGUAGES.forEach(function (lang) {
      Object.assign(WORDS[lang], pageWords[lang]);
    });
    onLanguage = whenSwitched || onLanguage;
    const toggle = document.getElementById("language");
    if (toggle) toggle.addEventListener("click", switchLanguage);
    applyWords();
  }

  window.Pages = {
    start: start,
    t: t,
    language: function () {
      return language;
    },
    api: api,
    element: element,
    showProblem: showProblem,
    hideProblem: hideProblem,
  };
})();

"use strict";
// /reset-password?token=…[&invited=1]: sets a new password with the token from a reset e-mail,
// or a first one from a staff invitation (`invited=1`).
(function () {
  const MIN_CHARS = 12;
  const WORDS = {
    "zh-CN": {
      title: "设置密码",
      heading: "设置新密码",
      intro: "请输入新密码（至少 12 个字符），并再输入一次确认。",
      welcome_heading: "欢迎加入！请设置您的密码",
      welcome_intro: "您已受邀使用经销商合作伙伴门户。请设置登录密码（至少 12 个字符），之后即可用邮箱地址和此密码登录。",
      new_password: "新密码",
      repeat_password: "再次输入新密码",
      save: "保存密码",
      saving: "正在保存……",
      too_short: "新密码至少需要 12 个字符。",
      mismatch: "两次输入的密码不一致。",
      link: "链接",
      done: "密码已设置。今后请使用新密码登录；其他设备上的登录已全部退出。",
      welcome_done: "密码已设置，欢迎加入！现在可以用您的邮箱地址和此密码登录。",
      no_token: "此链接不完整，缺少验证码。请打开邮件中的完整链接，或重新申请重置密码。",
    },
    en: {
      title: "Set your password",
      heading: "Choose a new password",
      intro: "Enter a new password (at least 12 characters), then once more to confirm it.",
      welcome_heading: "Welcome! Set your password",
      welcome_intro:
        "You have been invited to the Dealer Partner Portal. Choose a password (at least 12 characters); then sign in with your e-mail address and this password.",
      new_password: "New password",
      repeat_password: "New password again",
      save: "Save the password",
      saving: "Saving…",
      too_short: "The new password needs at least 12 characters.",
      mismatch: "The two passwords are not the same.",
      link: "Link",
      done: "Your password is set. Sign in with it from now on; you have been signed out on every other device.",
      welcome_done: "Your password is set: welcome aboard! You can now sign in with your e-mail address and this password.",
      no_token:
        "This link is incomplete: it has no token. Open the whole link from the e-mail, or ask for a new password reset.",
    },
  };

  const query = new URLSearchParams(window.location.search);
  const token = query.get("token");
  const invited = query.get("invited") === "1";
  const form = document.getElementById("form");
  const password = document.getElementById("password");
  const repeat = document.getElementById("repeat");
  const save = document.getElementById("save");
  const fieldErrors = document.getElementById("field-errors");
  const problem = document.getElementById("problem");
  const done = document.getElementById("done");

  if (invited) {
    document.getElementById("heading").dataset.t = "welcome_heading";
    document.getElementById("intro").dataset.t = "welcome_intro";
  }

  // The field errors shown: our own (`{key}`, shown in the current language) or the API's
  // (`{field, message}`, in the language it answered in).
  let errors = [];

  function showErrors() {
    fieldErrors.replaceChildren();
    errors.forEach(function (error) {
      const text = error.key
        ? Pages.t(error.key)
        : Pages.t(error.field === "new_password" ? "new_password" : error.field === "token" ? "link" : error.field) +
          ": " +
          error.message;
      fieldErrors.append(Pages.element("li", text));
    });
    fieldErrors.hidden = errors.length === 0;
  }

  function finish(key) {
    form.hidden = true;
    done.dataset.t = key;
    done.textContent = Pages.t(key);
    done.hidden = false;
  }

  Pages.start(WORDS, showErrors);
  if (!token) {
    form.hidden = true;
    problem.textContent = Pages.t("no_token");
    problem.dataset.t = "no_token";
    problem.hidden = false;
    return;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    Pages.hideProblem(problem);
    errors = [];
    // Characters as people count them, not UTF-16 units; the API counts the same way.
    if (Array.from(password.value).length < MIN_CHARS) errors.push({ key: "too_short" });
    if (password.value !== repeat.value) errors.push({ key: "mismatch" });
    showErrors();
    if (errors.length > 0) return;

    save.disabled = true;
    save.dataset.t = "saving";
    save.textContent = Pages.t("saving");
    const result = await Pages.api("POST", "auth/password-reset/confirm", {
      body: { token: token, new_password: password.value },
    });
    save.disabled = false;
    save.dataset.t = "save";
    save.textContent = Pages.t("save");
    if (result.ok) {
      password.value = "";
      repeat.value = "";
      finish(invited ? "welcome_done" : "done");
    } else if (result.status === 422 && result.body && Array.isArray(result.body.errors)) {
      errors = result.body.errors.map(function (error) {
        return { field: String(error.field), message: String(error.message) };
      });
      showErrors();
    } else {
      // A used or expired link cannot be mended here: only a new e-mail helps.
      if (result.status === 400) form.hidden = true;
      Pages.showProblem(problem, result);
    }
  });
})();

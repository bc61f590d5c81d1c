"use strict";
// /verify-email?token=…: confirms the address with the token from the e-mail, once.
(function () {
  const WORDS = {
    "zh-CN": {
      title: "验证邮箱",
      heading: "验证您的邮箱地址",
      working: "正在验证……",
      done: "您的邮箱地址已验证，现在可以登录并提交申请了。",
      no_token: "此链接不完整，缺少验证码。请打开邮件中的完整链接，或登录后重新发送验证邮件。",
      failed: "未能验证您的邮箱地址。",
    },
    en: {
      title: "Verify your e-mail",
      heading: "Verify your e-mail address",
      working: "Verifying…",
      done: "Your e-mail address is verified. You can now sign in and submit applications.",
      no_token:
        "This link is incomplete: it has no token. Open the whole link from the e-mail, or sign in and ask for a new verification e-mail.",
      failed: "Your e-mail address could not be verified.",
    },
  };

  const outcome = document.getElementById("outcome");
  const problem = document.getElementById("problem");
  let state = "working";

  function show() {
    outcome.textContent = Pages.t(state);
    outcome.className = state === "done" ? "done" : "";
  }

  Pages.start(WORDS, show);
  const token = new URLSearchParams(window.location.search).get("token");
  if (!token) {
    state = "no_token";
    show();
    return;
  }
  show();
  Pages.api("POST", "auth/verify-email", { body: { token: token } }).then(function (result) {
    state = result.ok ? "done" : "failed";
    show();
    if (!result.ok) Pages.showProblem(problem, result);
  });
})();

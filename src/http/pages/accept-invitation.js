"use strict";
// /accept-invitation?token=…: the invitee signs in (or registers first) and joins the group
// with the token from the e-mail. The tokens live in this page's memory only.
(function () {
  const WORDS = {
    "zh-CN": {
      title: "加入集团",
      heading: "接受加入经销商集团的邀请",
      explain:
        "请使用收到邀请的邮箱所对应的账户登录后加入集团。如尚无账户，请先用该邮箱注册并验证邮箱，然后再次打开邀请邮件中的链接。",
      no_token: "此链接不完整，缺少邀请码。请打开邀请邮件中的完整链接。",
      sign_in_heading: "已有账户：登录并加入",
      email: "邮箱地址",
      password: "密码",
      sign_in_and_join: "登录并加入集团",
      working: "正在处理……",
      joined: "您已加入集团。现在可以在门户中查看集团的申请。",
      register_heading: "还没有账户：先注册",
      register_explain: "请使用收到邀请的邮箱注册。注册后我们会发送验证邮件；验证邮箱后，请再次打开邀请邮件中的链接。",
      display_name: "姓名（签署文件时使用）",
      new_password: "密码（至少 12 个字符）",
      register: "注册",
      registered: "账户已创建。请打开我们发送的验证邮件确认邮箱，然后再次打开邀请邮件中的链接加入集团。",
    },
    en: {
      title: "Join a dealer group",
      heading: "Accept the invitation to a dealer group",
      explain:
        "Sign in with the account of the e-mail address the invitation was sent to, and join the group. Without an account, register with that address and confirm it first, then open the link in the invitation again.",
      no_token: "This link is incomplete: it has no invitation token. Open the whole link from the e-mail.",
      sign_in_heading: "I have an account: sign in and join",
      email: "E-mail address",
      password: "Password",
      sign_in_and_join: "Sign in and join the group",
      working: "Working…",
      joined: "You have joined the group. Its applications are now yours to read in the portal.",
      register_heading: "No account yet: register first",
      register_explain:
        "Register with the address the invitation was sent to. We then e-mail you a confirmation link; once the address is confirmed, open the link in the invitation again.",
      display_name: "Your name (as you sign documents)",
      new_password: "Password (at least 12 characters)",
      register: "Register",
      registered:
        "Your account is made. Confirm your address by the link we have e-mailed, then open the link in the invitation again to join the group.",
    },
  };

  const token = new URLSearchParams(window.location.search).get("token");
  const outcome = document.getElementById("outcome");
  const problem = document.getElementById("problem");
  const signIn = document.getElementById("sign-in");
  const register = document.getElementById("register");
  const byId = function (name) {
    return document.getElementById(name);
  };
  let state = token ? "" : "no_token";

  function show() {
    outcome.textContent = state ? Pages.t(state) : "";
    outcome.className = state === "joined" || state === "registered" ? "done" : "";
    const open = Boolean(token) && state !== "joined" && state !== "registered";
    signIn.hidden = !open;
    register.hidden = !open;
  }

  Pages.start(WORDS, show);
  show();

  signIn.addEventListener("submit", async function (event) {
    event.preventDefault();
    Pages.hideProblem(problem);
    state = "working";
    show();
    const login = await Pages.api("POST", "auth/login", {
      body: { email: byId("email").value.trim(), password: byId("password").value },
    });
    byId("password").value = "";
    if (!login.ok || !login.body) {
      state = "";
      show();
      Pages.showProblem(problem, login);
      return;
    }
    const access = login.body.access_token;
    const joined = await Pages.api("POST", "invitations/accept", {
      body: { token: token },
      token: access,
    });
    // The page keeps no session: it ends the one it started.
    await Pages.api("POST", "auth/logout", {
      body: { refresh_token: login.body.refresh_token },
      token: access,
    });
    state = joined.ok ? "joined" : "";
    show();
    if (!joined.ok) Pages.showProblem(problem, joined);
  });

  register.addEventListener("submit", async function (event) {
    event.preventDefault();
    Pages.hideProblem(problem);
    state = "working";
    show();
    const made = await Pages.api("POST", "auth/register", {
      body: {
        email: byId("register-email").value.trim(),
        display_name: byId("register-name").value.trim(),
        password: byId("register-password").value,
        locale: Pages.language(),
      },
    });
    byId("register-password").value = "";
    state = made.ok ? "registered" : "";
    show();
    if (!made.ok) Pages.showProblem(problem, made);
  });
})();

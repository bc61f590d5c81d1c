"use strict";
// /applications/{id}: a read-only view of one application after signing in. The tokens live in
// this page's memory only: closing or reloading the page signs the reader out of it.
(function () {
  const WORDS = {
    "zh-CN": {
      title: "申请进度",
      heading: "申请进度",
      stop_gap: "这是完整门户上线前的临时只读页面：您可以在这里查看申请的进度，但不能修改。",
      sign_in_heading: "请先登录",
      email: "邮箱地址",
      password: "密码",
      sign_in: "登录",
      signing_in: "正在登录……",
      session_ended: "登录已过期，请重新登录。",
      group: "经销商集团",
      city: "城市",
      status: "状态",
      missing_heading: "提交前仍需填写",
      allowed_heading: "现在可以进行的操作",
      blocked_heading: "暂时无法进行的操作",
      eligibility_heading: "资格评估",
      none: "无",
      no_report: "尚无资格评估报告（提交申请后生成）。",
      report_unavailable: "暂时无法读取资格评估报告。",
      reload: "刷新",
      sign_out: "退出登录",
      "action.submit": "提交申请",
      "action.start_review": "开始审核",
      "action.request_info": "要求补充材料",
      "action.resubmit": "补充材料后重新提交",
      "action.shortlist": "列入候选名单",
      "action.reject": "不予通过",
      "action.reopen": "重新审核",
      "action.withdraw": "撤回申请",
      "action.offer_loi": "发出合作意向书",
      "action.sign_loi": "签署合作意向书",
      "action.decline_loi": "拒绝合作意向书",
      "action.expire_loi": "合作意向书到期",
      "action.start_onboarding": "开始入驻筹备",
      "action.activate": "正式开业",
    },
    en: {
      title: "Application",
      heading: "Where your application stands",
      stop_gap:
        "A temporary, read-only page until the full portal opens: it shows where the application stands, but nothing can be changed here.",
      sign_in_heading: "Sign in first",
      email: "E-mail address",
      password: "Password",
      sign_in: "Sign in",
      signing_in: "Signing in…",
      session_ended: "Your session has ended. Please sign in again.",
      group: "Dealer group",
      city: "City",
      status: "Status",
      missing_heading: "Still needed before submitting",
      allowed_heading: "What can be done now",
      blocked_heading: "What cannot be done yet",
      eligibility_heading: "Eligibility",
      none: "Nothing",
      no_report: "No eligibility report yet (one is made when the application is submitted).",
      report_unavailable: "The eligibility report cannot be read right now.",
      reload: "Refresh",
      sign_out: "Sign out",
      "action.submit": "Submit the application",
      "action.start_review": "Start the review",
      "action.request_info": "Ask for more information",
      "action.resubmit": "Resubmit with the information asked for",
      "action.shortlist": "Shortlist",
      "action.reject": "Turn down",
      "action.reopen": "Reopen",
      "action.withdraw": "Withdraw the application",
      "action.offer_loi": "Offer a letter of intent",
      "action.sign_loi": "Sign the letter of intent",
      "action.decline_loi": "Decline the letter of intent",
      "action.expire_loi": "Letter of intent expires",
      "action.start_onboarding": "Start onboarding",
      "action.activate": "Open the store",
    },
  };

  // The id is the path's last segment; the server serves this page only for ids shaped as UUIDs.
  const id = window.location.pathname.split("/").pop();
  const signIn = document.getElementById("sign-in");
  const email = document.getElementById("email");
  const password = document.getElementById("password");
  const signInButton = document.getElementById("sign-in-button");
  const problem = document.getElementById("problem");
  const view = document.getElementById("application");
  const sessionActions = document.getElementById("session-actions");
  const byId = function (name) {
    return document.getElementById(name);
  };

  // In memory only, never stored.
  let session = null;

  function actionLabel(action) {
    const key = "action." + action;
    const label = Pages.t(key);
    return label === key ? String(action) : label;
  }

  // Fills `list` with one item per entry, or says there is none.
  function fillList(list, entries, text) {
    list.replaceChildren();
    if (entries.length === 0) {
      list.append(Pages.element("li", Pages.t("none")));
      return;
    }
    entries.forEach(function (entry) {
      list.append(Pages.element("li", text(entry)));
    });
  }

  function cityName(application, city) {
    if (!city) return application.city_code;
    const name = Pages.language() === "en" ? city.name_en : city.name_zh;
    return name + " (" + city.code + ")";
  }

  function render(application, city, report) {
    byId("group").textContent = application.dealer_group_name;
    byId("city").textContent = cityName(application, city);
    byId("status").textContent = application.status_label;
    const missing = application.missing_fields || [];
    byId("missing-section").hidden = missing.length === 0;
    fillList(byId("missing"), missing, String);
    fillList(byId("allowed"), application.allowed_actions || [], actionLabel);
    fillList(byId("blocked"), application.blocked_actions || [], function (blocked) {
      return actionLabel(blocked.action) + ": " + blocked.message;
    });
    const eligibility = byId("eligibility");
    if (report.ok && report.body) {
      eligibility.textContent = report.body.summary;
    } else if (report.status === 404) {
      eligibility.textContent = Pages.t("no_report");
    } else {
      eligibility.textContent = Pages.t("report_unavailable");
    }
    view.hidden = false;
  }

  function signedOut(reason) {
    session = null;
    view.hidden = true;
    sessionActions.hidden = true;
    signIn.hidden = false;
    if (reason) {
      const words = Pages.element("strong", Pages.t(reason));
      words.dataset.t = reason;
      problem.replaceChildren(words);
      problem.hidden = false;
    }
  }

  // Reads the application (and its city and report) in the current language.
  async function load() {
    const path = "applications/" + encodeURIComponent(id);
    const result = await Pages.api("GET", path, { token: session.access });
    if (result.status === 401) {
      signedOut("session_ended");
      return;
    }
    if (!result.ok || !result.body) {
      view.hidden = true;
      Pages.showProblem(problem, result);
      return;
    }
    Pages.hideProblem(problem);
    const application = result.body;
    const [city, report] = await Promise.all([
      Pages.api("GET", "cities/" + encodeURIComponent(application.city_code)),
      Pages.api("GET", path + "/eligibility", { token: session.access }),
    ]);
    render(application, city.ok ? city.body : null, report);
  }

  Pages.start(WORDS, function () {
    // Labels, messages and the report come in the language asked for: ask again.
    if (session) load();
  });

  signIn.addEventListener("submit", async function (event) {
    event.preventDefault();
    Pages.hideProblem(problem);
    signInButton.disabled = true;
    signInButton.textContent = Pages.t("signing_in");
    const result = await Pages.api("POST", "auth/login", {
      body: { email: email.value.trim(), password: password.value },
    });
    signInButton.disabled = false;
    signInButton.textContent = Pages.t("sign_in");
    password.value = "";
    if (!result.ok || !result.body) {
      Pages.showProblem(problem, result);
      return;
    }
    session = { access: result.body.access_token, refresh: result.body.refresh_token };
    signIn.hidden = true;
    sessionActions.hidden = false;
    await load();
  });

  byId("reload").addEventListener("click", function () {
    if (session) load();
  });

  byId("sign-out").addEventListener("click", async function () {
    const ending = session;
    signedOut(null);
    Pages.hideProblem(problem);
    if (ending) {
      // Ends the session on the server too; the page forgets it whatever the answer.
      await Pages.api("POST", "auth/logout", {
        body: { refresh_token: ending.refresh },
        token: ending.access,
      });
    }
  });
})();

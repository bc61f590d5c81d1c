//! The screens before and around signing in: registering and confirming the address, the
//! language switch, staff's list and queue, and an invitation opened before signing in.

use fantoccini::Locator;
use serde_json::json;

use super::Browser;
use crate::helpers::*;
use crate::pages::link_path;
use crate::review::{act, moved};
use crate::stories::SUZHOU;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_in_chinese_confirms_the_address_signs_in_and_sees_no_applications() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let email = "li.wei@dealer.example";

    // Chinese unless chosen otherwise; a refused field is named beside it.
    browser.open("/register").await;
    browser.heading("注册账号").await;
    browser.axe("/register").await;
    browser.photograph("register").await;
    browser.fill("电子邮箱", email).await;
    browser.fill("姓名", DISPLAY_NAME).await;
    browser.fill("密码", "short").await;
    browser.click("button[type=submit]", "注册").await;
    browser.wait_text("#field-password-errors", "").await;
    browser.wait_text(".problem", "").await;
    browser.axe("/register with errors").await;
    browser.fill("密码", PASSWORD).await;
    browser.click("button[type=submit]", "注册").await;
    browser.heading("请查收确认邮件").await;
    browser.wait_text(".notice", email).await;

    // The link in the mail (in Chinese: registered in Chinese) opens the app, whose button
    // spends the token.
    let mail = app.smtp.wait_for(email, "请验证您的电子邮件地址").await;
    let link = link_path(&mail);
    assert!(link.starts_with("/verify-email?token="), "{link}");
    browser.open(&link).await;
    browser.heading("确认电子邮箱").await;
    // The token leaves the address once read (history, a copied address).
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.query(), None, "{url}");
    browser.axe("/verify-email").await;
    browser.click("button[type=submit]", "确认我的邮箱").await;
    browser.wait_text(".notice", "已确认").await;
    let token = access_token(&app.tokens(email, PASSWORD).await);
    let me = app.get_json("/api/v1/me", Some(&token)).await;
    assert_eq!(me["email_verified"], true);

    browser.click("a", "前往登录").await;
    browser.heading("登录").await;
    browser.axe("/sign-in").await;
    browser.photograph("sign-in").await;
    browser.fill("电子邮箱", email).await;
    browser.fill("密码", PASSWORD).await;
    browser.click("button[type=submit]", "登录").await;
    browser.heading("我的申请").await;
    browser.wait_text(".empty", "您还没有任何申请。").await;
    browser.wait_text(".who", DISPLAY_NAME).await;
    browser.axe("/ (my applications)").await;
    browser.photograph("my-applications").await;

    // The tokens live in this tab's session storage, never in local storage.
    let stored = browser
        .client
        .execute(
            "return [sessionStorage.getItem('dealer-portal.session') !== null, Object.keys(localStorage)]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(stored[0], true);
    assert!(!stored[1].to_string().contains("session"), "{stored}");

    // An access token the API refuses is renewed with the refresh token, unseen.
    let renewed = browser
        .client
        .execute(
            "const s = JSON.parse(sessionStorage.getItem('dealer-portal.session'));
             const old = s.access_token; s.access_token = 'expired';
             sessionStorage.setItem('dealer-portal.session', JSON.stringify(s)); return old;",
            vec![],
        )
        .await
        .unwrap();
    browser.open("/").await;
    browser.heading("我的申请").await;
    browser.wait_text(".who", DISPLAY_NAME).await;
    let now = browser
        .client
        .execute(
            "return JSON.parse(sessionStorage.getItem('dealer-portal.session')).access_token",
            vec![],
        )
        .await
        .unwrap();
    assert!(now != renewed && now != "expired", "{now}");

    // Signing out revokes the refresh token.
    let refresh = browser
        .client
        .execute(
            "return JSON.parse(sessionStorage.getItem('dealer-portal.session')).refresh_token",
            vec![],
        )
        .await
        .unwrap();
    browser.click("button", "退出登录").await;
    browser.heading("登录").await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::UNAUTHORIZED);
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_is_chosen_once_and_remembered_and_the_api_answers_in_it() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    browser.open("/sign-in").await;
    browser.heading("登录").await;
    browser.click("#language", "English").await;
    browser.heading("Sign in").await;
    browser.open("/sign-in").await;
    browser.heading("Sign in").await;
    let lang = browser
        .client
        .execute("return document.documentElement.lang", vec![])
        .await
        .unwrap();
    assert_eq!(lang, "en");
    browser.axe("/sign-in (en)").await;
    browser.photograph("sign-in").await;

    // The API's problem in the chosen language, beside the form.
    browser
        .fill("E-mail address", "nobody@dealer.example")
        .await;
    browser.fill("Password", PASSWORD).await;
    browser.click("button[type=submit]", "Sign in").await;
    browser
        .wait_text(".problem", "The e-mail address or password is wrong.")
        .await;
    browser
        .wait_text(".problem strong", "Invalid credentials")
        .await;
    browser.axe("/sign-in (en, refused)").await;

    // Every public page, in English, passes axe.
    for (path, heading) in [
        ("/register", "Create an account"),
        ("/forgot-password", "Reset your password"),
        (
            "/reset-password?token=abc&invited=1",
            "Welcome! Please set your password",
        ),
        ("/accept-invitation?token=abc", "Accept the invitation"),
        ("/verify-email", "Confirm your e-mail address"),
    ] {
        browser.open(path).await;
        browser.heading(heading).await;
        browser.axe(path).await;
    }
    browser.open("/register").await;
    browser.heading("Create an account").await;
    browser.photograph("register").await;

    // And back: remembered too.
    browser.click("#language", "中文").await;
    browser.heading("注册账号").await;
    browser.open("/forgot-password").await;
    browser.heading("找回密码").await;
    browser.axe("/forgot-password").await;
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_filter_the_list_work_the_queue_and_read_an_application() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    app.admin("lead@maker.example").await;
    let (owner, _) = app
        .applicant_with_group("owner@dealer.example", "91320500123456788")
        .await;
    let submitted = app.draft_application(&owner, SUZHOU).await;
    moved(
        act(&app, &owner, &submitted, json!({"action": "submit"})).await,
        "under_review",
    )
    .await;
    let draft = app.draft_application(&owner, "330200").await;
    app.ignore_mail();

    browser.sign_in_at("/", "lead@maker.example").await;
    browser.heading("申请列表").await;
    browser.wait_text("tbody tr", "苏州").await;
    browser.rows(2).await;
    browser.axe("/ (staff)").await;
    browser.photograph("staff-applications").await;

    // The status filter: only the submitted one (staff see the internal status).
    let status = browser
        .client
        .find(Locator::Id("field-status"))
        .await
        .unwrap();
    status.select_by_value("submitted").await.unwrap();
    browser.click("button[type=submit]", "应用筛选").await;
    browser.rows(1).await;
    browser.wait_text("tbody tr", "苏州").await;
    let city = browser
        .client
        .find(Locator::Id("field-city"))
        .await
        .unwrap();
    city.select_by_value("330200").await.unwrap();
    status.select_by_value("").await.unwrap();
    browser.click("button[type=submit]", "应用筛选").await;
    browser.wait_text("tbody tr", "宁波").await;
    browser.rows(1).await;
    // The filters are in the address: a reload keeps them.
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.query(), Some("city=330200"));
    browser.client.refresh().await.unwrap();
    browser.wait_text("tbody tr", "宁波").await;
    browser.rows(1).await;
    // A name that no group has, sorted by score: nothing found, said so.
    browser.fill("集团名称", "没有这家").await;
    browser.choose("field-sort", "-score").await;
    browser.click("button[type=submit]", "应用筛选").await;
    browser.wait_text(".empty", "").await;
    browser.axe("/ (staff, nothing found)").await;
    // Back: the list and the form follow the address again.
    browser.client.back().await.unwrap();
    browser.wait_text("tbody tr", "宁波").await;
    let search = browser.client.find(Locator::Id("field-q")).await.unwrap();
    assert_eq!(search.prop("value").await.unwrap().as_deref(), Some(""));

    browser.click("nav a", "待办队列").await;
    browser.heading("待办队列").await;
    browser.wait_text("tbody tr", "苏州").await;
    browser.axe("/queue").await;
    browser.photograph("queue").await;

    browser.click("tbody a", "").await;
    browser.heading("申请详情").await;
    browser.wait_text(".facts", "已提交").await;
    browser.wait_text(".timeline", "提交申请").await;
    browser.axe("/applications/{id}").await;
    browser.photograph("application").await;

    // In English, the data comes again in English (labels from the API).
    browser.click("#language", "English").await;
    browser.heading("Application").await;
    browser.wait_text(".facts", "Submitted").await;
    browser.photograph("application").await;
    browser.open("/queue").await;
    browser.heading("Queue").await;
    browser.wait_text("tbody tr", "Suzhou").await;
    browser.photograph("queue").await;
    browser.open("/").await;
    browser.wait_text("tbody tr", "Suzhou").await;
    browser.photograph("staff-applications").await;

    // A route that needs a session, opened without one: sign in, then back there.
    browser.click("button", "Sign out").await;
    browser.heading("Sign in").await;
    browser.open(&format!("/applications/{draft}")).await;
    browser.heading("Sign in").await;
    browser.fill("E-mail address", "owner@dealer.example").await;
    browser.fill("Password", PASSWORD).await;
    browser.click("button[type=submit]", "Sign in").await;
    browser.heading("Application").await;
    browser.wait_text(".facts", "Not submitted yet").await;
    browser.open("/").await;
    browser.heading("My applications").await;
    browser.wait_text(".card", "Suzhou").await;
    browser.photograph("my-applications").await;
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_opened_before_signing_in_is_accepted_after_it() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let (owner, group) = app
        .applicant_with_group("owner@dealer.example", "91320500123456788")
        .await;
    let invitee = "zhang.min@dealer.example";
    app.applicant(invitee, "zh-CN").await;
    let res = app
        .post(
            &format!("/api/v1/dealer-groups/{group}/members"),
            Some(&owner),
            &json!({"email": invitee, "role": "editor"}),
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let mail = app.smtp.wait_for(invitee, "邀请您加入").await;
    app.ignore_mail();

    browser.open(&link_path(&mail)).await;
    browser.heading("接受邀请").await;
    browser.axe("/accept-invitation (signed out)").await;
    browser.click(".actions a", "登录").await;
    browser.heading("登录").await;
    browser.fill("电子邮箱", invitee).await;
    browser.fill("密码", PASSWORD).await;
    browser.click("button[type=submit]", "登录").await;
    browser.heading("接受邀请").await;
    browser.click("button[type=submit]", "接受邀请").await;
    browser.wait_text(".notice", "角色：编辑").await;
    browser.axe("/accept-invitation (accepted)").await;
    browser.photograph("accept-invitation").await;
    let me = app
        .get_json(
            "/api/v1/me",
            Some(&access_token(&app.tokens(invitee, PASSWORD).await)),
        )
        .await;
    assert_eq!(me["dealer_group_id"], group.as_str());
    assert_eq!(me["group_role"], "editor");

    // The group's applications are the new member's too.
    browser.click("main a", "我的申请").await;
    browser.heading("我的申请").await;
    browser.wait_text(".empty", "您还没有任何申请。").await;
    browser.close().await;
    app.finish().await;
}

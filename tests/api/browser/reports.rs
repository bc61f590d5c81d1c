//! Reports and the group's own screens: the funnel chart, a city's ranking, the CSV export, the
//! group's members and invitations, and one's account settings.

use fantoccini::Locator;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::Browser;
use crate::helpers::*;
use crate::pages::link_path;
use crate::review::{act, moved};
use crate::stories::SUZHOU;

/// The steps only these tests take.
impl Browser {
    /// Clicks the button saying `text` in the table row that mentions `row`.
    async fn click_in_row(&self, row: &str, text: &str) {
        let row = self.wait_text("tbody tr", row).await;
        for button in row.find_all(Locator::Css("button")).await.unwrap() {
            if button.text().await.unwrap_or_default() == text {
                return button.click().await.unwrap();
            }
        }
        panic!("no {text:?} button in the row of {row:?}");
    }

    /// Opens the change of the member at `email`, picks `role` and saves.
    async fn change_role(&self, email: &str, role: &str) {
        self.click_in_row(email, "调整").await;
        self.choose("field-role", role).await;
        self.click("button[type=submit]", "保存").await;
    }

    /// Photographs the page from its top (the focus may have scrolled it).
    async fn photograph_top(&self, name: &str) {
        self.client
            .execute("window.scrollTo(0, 0)", vec![])
            .await
            .unwrap();
        self.photograph(name).await;
    }

    async fn shows(&self, css: &str) -> bool {
        self.count(css).await > 0
    }

    /// The funnel table's rows: the row's heading and its last cell (the total when there are
    /// several cities).
    async fn funnel_rows(&self) -> Vec<(String, String)> {
        let rows = self
            .client
            .execute(
                "return [...document.querySelectorAll('.funnel-table tbody tr, .funnel-table tfoot tr')]
                   .map((tr) => [tr.querySelector('th').textContent.trim(), tr.lastElementChild.textContent.trim()]);",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(rows).unwrap()
    }

    /// Waits for the funnel table's row `heading` to end in `value`.
    async fn wait_row(&self, heading: &str, value: &str) {
        let deadline = tokio::time::Instant::now() + super::WAIT;
        let mut rows = Vec::new();
        while tokio::time::Instant::now() < deadline {
            rows = self.funnel_rows().await;
            if rows.iter().any(|(h, v)| h == heading && v == value) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no row {heading} of {value} in {rows:?}");
    }
}

fn count_of(statuses: &Value, status: &str) -> String {
    statuses
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == status)
        .unwrap()["count"]
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_read_the_funnel_rank_a_city_and_export_its_applications() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let admin = app.admin("lead@maker.example").await;
    let mut submitted = Vec::new();
    for (email, uscc) in [
        ("a@dealer.example", "91320500123456788"),
        ("b@dealer.example", "91320500123456789"),
    ] {
        let (owner, _) = app.applicant_with_group(email, uscc).await;
        let id = app.draft_application(&owner, SUZHOU).await;
        moved(
            act(&app, &owner, &id, json!({"action": "submit"})).await,
            "under_review",
        )
        .await;
        submitted.push(id);
        app.draft_application(&owner, "330200").await;
    }
    app.ignore_mail();
    let funnel = app.get_json("/api/v1/reports/funnel", Some(&admin)).await;

    browser.sign_in("lead@maker.example").await;
    browser.click("nav a", "统计报表").await;
    browser.heading("统计报表").await;
    browser.wait_text(".funnel-table", "已提交").await;
    // The table says what the API counts: per state, and in all.
    let rows = browser.funnel_rows().await;
    let row = |heading: &str| {
        rows.iter()
            .find(|(h, _)| h == heading)
            .unwrap_or_else(|| panic!("no row {heading} in {rows:?}"))
            .1
            .clone()
    };
    let totals = &funnel["totals"];
    assert_eq!(row("已提交"), count_of(&totals["by_status"], "submitted"));
    assert_eq!(row("草稿"), count_of(&totals["by_status"], "draft"));
    assert_eq!(row("合计"), totals["total"].to_string());
    assert_eq!(row("已提交"), "2");
    assert!(browser.shows("svg.funnel-chart[aria-hidden=true]").await);
    browser.axe("/reports").await;
    browser.photograph_top("reports").await;

    // A city: its own funnel and its candidates, best first, each opening the application.
    browser.choose("field-city", SUZHOU).await;
    browser.heading("统计报表").await;
    browser.wait_text("#ranking-heading", "苏州").await;
    let ranking = app
        .get_json(
            &format!("/api/v1/reports/cities/{SUZHOU}/ranking"),
            Some(&admin),
        )
        .await;
    let first = &ranking["candidates"][0];
    browser
        .wait_text(
            ".ranking-table tbody tr",
            first["dealer_group_name"].as_str().unwrap(),
        )
        .await;
    assert_eq!(browser.count(".ranking-table tbody tr").await, 2);
    assert_eq!(ranking["candidates"].as_array().unwrap().len(), 2);
    // Suzhou's own counts: its two applications are in, the drafts are Ningbo's.
    browser.wait_row("草稿", "0").await;
    browser.wait_row("已提交", "2").await;
    browser.axe("/reports (Suzhou)").await;

    // The export takes the city and the state chosen; the file is the API's.
    browser.catch_exports().await;
    browser.choose("field-status", "submitted").await;
    browser.click("button", "导出 CSV").await;
    browser.wait_text(".notice", "applications-").await;
    let file = browser.exported().await;
    let expected = app
        .request(
            Method::GET,
            &format!("/api/v1/applications/export.csv?city={SUZHOU}&status=submitted"),
            Some(&admin),
        )
        .header("Accept-Language", "zh-CN")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        file.trim_start_matches('\u{feff}'),
        expected.trim_start_matches('\u{feff}')
    );
    assert_eq!(file.lines().count(), 3, "a header and two applications");
    assert_eq!(
        file.trim_start_matches('\u{feff}').lines().next(),
        Some(crate::reports::CSV_HEADER_ZH.join(",").as_str()),
        "the header in the screen's language"
    );
    assert!(file.contains(&submitted[0]) && file.contains(&submitted[1]));
    browser.axe("/reports (exported)").await;

    browser
        .click(
            ".ranking-table a",
            first["dealer_group_name"].as_str().unwrap(),
        )
        .await;
    browser.heading("申请详情").await;

    // In English: the same report in the other language.
    browser.click("#language", "English").await;
    browser.click("nav a", "Reports").await;
    browser.heading("Reports").await;
    browser.wait_text(".funnel-table", "Submitted").await;
    browser.axe("/reports (en)").await;
    browser.photograph_top("reports").await;

    // A reviewer counts only the cities they review: one column, one city to choose.
    app.reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
        .await;
    browser.click("button", "Sign out").await;
    browser.heading("Sign in").await;
    browser.sign_in("reviewer@maker.example").await;
    browser.click("nav a", "Reports").await;
    browser.heading("Reports").await;
    browser.wait_text(".funnel-table thead", "Suzhou").await;
    assert!(!browser.shows(".funnel-table thead th:nth-child(3)").await);
    browser.wait_row("Submitted", "2").await;
    assert_eq!(
        browser.count("#field-city option").await,
        2,
        "all of the reviewer's cities, and Suzhou"
    );
    browser.axe("/reports (reviewer)").await;
    browser.close().await;
    app.ignore_mail();
    app.finish().await;
}

async fn members(app: &TestApp, group: &str, owner: &str) -> Vec<Value> {
    let list = app
        .get_json(
            &format!("/api/v1/dealer-groups/{group}/members"),
            Some(owner),
        )
        .await;
    list["items"].as_array().unwrap().clone()
}

fn member<'m>(members: &'m [Value], email: &str) -> &'m Value {
    members.iter().find(|m| m["email"] == email).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_invites_changes_and_removes_members_and_the_others_only_read() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let owner_email = "owner@dealer.example";
    let (owner, group) = app
        .applicant_with_group(owner_email, "91320500123456788")
        .await;
    let editor = "editor@dealer.example";
    app.applicant(editor, "zh-CN").await;
    let signatory = "zhang.min@dealer.example";

    browser.sign_in(owner_email).await;
    browser.click("nav a", "成员管理").await;
    browser.heading("成员管理").await;
    browser.wait_text("tbody tr", owner_email).await;
    browser.axe("/group/members (owner)").await;

    // A signatory without a title: the error beside the title.
    browser.fill("电子邮箱", signatory).await;
    browser.choose("field-role", "signatory").await;
    browser.click("button[type=submit]", "发送邀请").await;
    browser.wait_text("#field-title-errors", "").await;
    browser.axe("/group/members (invitation refused)").await;
    browser.fill("职务", "总经理").await;
    browser.click("button[type=submit]", "发送邀请").await;
    browser.wait_text(".notice", signatory).await;
    browser.wait_text(".invitations tbody tr", "待接受").await;
    browser.fill("电子邮箱", editor).await;
    browser.choose("field-role", "editor").await;
    browser.click("button[type=submit]", "发送邀请").await;
    browser.wait_text(".notice", editor).await;
    browser.wait_text(".invitations tbody tr", editor).await;
    browser.wait_text(".group-events", "总经理").await;
    let invitations = app
        .get_json(
            &format!("/api/v1/dealer-groups/{group}/invitations"),
            Some(&owner),
        )
        .await;
    let invited: Vec<(&str, &str)> = invitations["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["email"].as_str().unwrap(), i["role"].as_str().unwrap()))
        .collect();
    assert_eq!(invited, [(signatory, "signatory"), (editor, "editor")]);
    browser.axe("/group/members (invited)").await;
    browser.photograph_top("members").await;
    app.smtp.wait_for(signatory, "").await;

    // The editor accepts by the mailed link, and sees the members without managing them.
    let mail = app.smtp.wait_for(editor, "邀请您加入").await;
    browser.sign_out().await;
    browser.open(&link_path(&mail)).await;
    browser.heading("接受邀请").await;
    browser.click(".actions a", "登录").await;
    browser.heading("登录").await;
    browser.fill("电子邮箱", editor).await;
    browser.fill("密码", PASSWORD).await;
    browser.click("button[type=submit]", "登录").await;
    browser.click("button[type=submit]", "接受邀请").await;
    browser.wait_text(".notice", "角色：编辑").await;
    browser.open("/group/members").await;
    browser.heading("成员管理").await;
    browser.wait_text("tbody tr", editor).await;
    assert!(!browser.shows("#invite-heading").await);
    assert!(!browser.shows("#invitations-heading").await);
    assert!(!browser.shows("tbody button").await);
    browser.wait_text("#leave-heading", "退出集团").await;
    browser.axe("/group/members (editor)").await;
    browser.sign_out().await;

    // The owner makes the editor a signatory: a title is needed, then it holds.
    browser.sign_in(owner_email).await;
    browser.open("/group/members").await;
    browser.heading("成员管理").await;
    browser.change_role(editor, "signatory").await;
    browser.wait_text("#field-title-errors", "").await;
    browser.axe("/group/members (change refused)").await;
    browser.fill("职务", "财务总监").await;
    browser.click("button[type=submit]", "保存").await;
    browser.wait_text(".notice", "签署人").await;
    let now = members(&app, &group, &owner).await;
    assert_eq!(member(&now, editor)["role"], "signatory");
    assert_eq!(member(&now, editor)["title"], "财务总监");

    // Someone else changed the member meanwhile: said so, nothing overwritten.
    browser.click_in_row(editor, "调整").await;
    let user = member(&now, editor)["user_id"].as_str().unwrap().to_owned();
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/dealer-groups/{group}/members/{user}"),
            Some(&owner),
        )
        .header("If-Match", "*")
        .json(&json!({"role": "editor", "title": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    browser.choose("field-role", "owner").await;
    browser.click("button[type=submit]", "保存").await;
    browser
        .wait_text(".warning", "其他人刚刚更改了该成员")
        .await;
    assert_eq!(
        member(&members(&app, &group, &owner).await, editor)["role"],
        "editor"
    );
    browser.click("button", "取消").await;

    // The only owner cannot step down.
    browser.change_role(owner_email, "editor").await;
    browser
        .wait_text(".warning", "集团至少需要一名负责人")
        .await;
    browser.axe("/group/members (last owner)").await;
    assert_eq!(
        member(&members(&app, &group, &owner).await, owner_email)["role"],
        "owner"
    );
    browser.click("button", "取消").await;

    // Removing a member and revoking an invitation.
    browser.click_in_row(editor, "移除").await;
    browser.click("button", "确认移除").await;
    browser.wait_text(".notice", "移出集团").await;
    browser.click_in_row(signatory, "撤销").await;
    browser.wait_text(".notice", signatory).await;
    let left = members(&app, &group, &owner).await;
    assert_eq!(left.len(), 1);
    let invitations = app
        .get_json(
            &format!("/api/v1/dealer-groups/{group}/invitations"),
            Some(&owner),
        )
        .await;
    assert_eq!(invitations["items"], json!([]));
    browser.wait_text(".group-events", "").await;
    browser.axe("/group/members (removed)").await;

    // The only owner cannot leave either.
    browser.click("button", "退出集团").await;
    browser.click("button", "确认退出").await;
    browser
        .wait_text("section .warning", "集团至少需要一名负责人")
        .await;
    browser.axe("/group/members (the last owner stays)").await;

    // Any member may leave: then the group's screens are gone for them.
    let leaver = app.applicant("leaver@dealer.example", "zh-CN").await;
    let res = app
        .post(
            &format!("/api/v1/dealer-groups/{group}/members"),
            Some(&owner),
            &json!({"email": leaver.email, "role": "editor"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let mail = app.smtp.wait_for(&leaver.email, "邀请您加入").await;
    let res = app
        .post(
            "/api/v1/invitations/accept",
            Some(&leaver.token),
            &json!({"token": mail.token()}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    browser.sign_out().await;
    browser.sign_in(&leaver.email).await;
    browser.click("nav a", "成员管理").await;
    browser.heading("成员管理").await;
    browser.click("button", "退出集团").await;
    browser.click("button", "确认退出").await;
    browser.heading("我的申请").await;
    assert!(!browser.shows("a[href$='/group/members']").await);
    let me = app.get_json("/api/v1/me", Some(&leaver.token)).await;
    assert_eq!(me["dealer_group_id"], Value::Null);
    assert_eq!(members(&app, &group, &owner).await.len(), 1);
    browser.close().await;
    app.ignore_mail();
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_change_their_name_language_and_digest_and_the_app_follows() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let admin = app.admin("lead@maker.example").await;
    let before = app.get_json("/api/v1/me", Some(&admin)).await;
    let digest = before["daily_digest"].as_bool().unwrap();

    browser.sign_in("lead@maker.example").await;
    browser.click("nav a", "账户设置").await;
    browser.heading("账户设置").await;
    browser.wait_text(".facts", "已确认").await;
    browser.axe("/account (staff)").await;
    browser.photograph_top("account").await;

    // Changed elsewhere meanwhile: said so; the page takes the news and saves next time.
    let res = app
        .request(Method::PATCH, "/api/v1/me", Some(&admin))
        .header("If-Match", "*")
        .header("Content-Type", "application/merge-patch+json")
        .body(r#"{"display_name": "Someone"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    browser.fill("姓名", "王芳").await;
    browser.choose("field-locale", "en").await;
    // The digest by keyboard: the space bar ticks a checkbox.
    browser
        .client
        .find(Locator::Id("field-daily_digest"))
        .await
        .unwrap()
        .send_keys(" ")
        .await
        .unwrap();
    browser.click("button[type=submit]", "保存设置").await;
    browser.wait_text(".warning", "其他地方被更改").await;
    browser.axe("/account (stale)").await;
    browser.click("button[type=submit]", "保存设置").await;

    // Saved: the header says the new name, and the app speaks English.
    browser.heading("Account").await;
    browser
        .wait_text(".notice", "Your settings are saved.")
        .await;
    browser.wait_text(".who", "王芳").await;
    let me = app.get_json("/api/v1/me", Some(&admin)).await;
    assert_eq!(me["display_name"], "王芳");
    assert_eq!(me["locale"], "en");
    assert_eq!(me["daily_digest"], !digest);
    browser.axe("/account (en)").await;
    browser.photograph_top("account").await;
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unverified_applicant_asks_for_the_confirmation_again_until_told_to_wait() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let email = "new@dealer.example";
    app.registered(email).await;

    browser.sign_in(email).await;
    browser.click("nav a", "账户设置").await;
    browser.heading("账户设置").await;
    browser.wait_text(".facts", "尚未确认").await;
    assert!(!browser.shows("#field-daily_digest").await);
    browser.axe("/account (unverified)").await;
    browser.click("button", "重新发送确认邮件").await;
    browser.wait_text(".notice", "确认邮件已重新发送").await;
    let mail = app
        .smtp
        .wait_for(email, "Confirm your e-mail address")
        .await;
    assert!(link_path(&mail).starts_with("/verify-email?token="));
    browser.axe("/account (sent again)").await;

    // Asking again and again is refused, clearly.
    for _ in 0..12 {
        if browser.shows(".warning").await {
            break;
        }
        browser.click("button", "重新发送确认邮件").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    browser.wait_text(".warning", "发送过于频繁").await;
    // Said once, in words, not twice.
    assert_eq!(browser.count(".panel .problem").await, 0);
    browser.axe("/account (too often)").await;
    browser.close().await;
    app.ignore_mail();
    app.finish().await;
}

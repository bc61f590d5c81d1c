//! Administration: cities, eligibility criteria, staff, integrator clients, webhooks and SLA.

use fantoccini::Locator;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::Browser;
use crate::dealer_groups::uscc;
use crate::helpers::*;
use crate::pages::link_path;
use crate::receiver::Receiver;
use crate::review::{act, moved};
use crate::stories::SUZHOU;

const ADMIN: &str = "lead@maker.example";

impl Browser {
    /// Signs in through the page as `email` and waits for the staff's start page.
    async fn sign_in_as_staff(&self, email: &str) {
        self.open("/sign-in").await;
        self.heading("登录").await;
        self.fill("电子邮箱", email).await;
        self.fill("密码", PASSWORD).await;
        self.click("button[type=submit]", "登录").await;
        self.heading("申请列表").await;
    }

    /// Types `value` into the field whose id is `id` (for fields whose label repeats on the
    /// page, like the criteria's figures of both site standards).
    async fn fill_id(&self, id: &str, value: &str) {
        self.wait_text(&format!("[id='{id}']"), "").await;
        let input = self.client.find(Locator::Id(id)).await.unwrap();
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }

    /// Sets the date field `id` (Chromium's date inputs take typed keys by the locale's
    /// segments; the page reads the input event either way).
    async fn set_date(&self, id: &str, value: &str) {
        self.wait_text(&format!("[id='{id}']"), "").await;
        self.client
            .execute(
                "const input = document.getElementById(arguments[0]); input.value = arguments[1];
                 input.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![json!(id), json!(value)],
            )
            .await
            .unwrap();
    }

    async fn choose(&self, id: &str, value: &str) {
        let select = self.client.find(Locator::Id(id)).await.unwrap();
        select.select_by_value(value).await.unwrap();
    }

    /// Opens an administration section from the sub-navigation, which marks it as current.
    async fn section(&self, link: &str) {
        self.click(".admin-nav a", link).await;
        self.heading(link).await;
        self.wait_text(".admin-nav a[aria-current=page]", link)
            .await;
    }

    /// The texts of the elements of `css`.
    async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for element in self.client.find_all(Locator::Css(css)).await.unwrap() {
            out.push(element.text().await.unwrap_or_default());
        }
        out
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_changes_a_city_publishes_criteria_and_sets_the_sla() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let admin = app.admin(ADMIN).await;
    browser.sign_in_as_staff(ADMIN).await;

    // The header leads to the plan; a quota the API refuses is named beside its field.
    browser.click("nav a", "系统管理").await;
    browser.heading("城市计划").await;
    browser
        .wait_text(".admin-nav a[aria-current=page]", "城市计划")
        .await;
    browser.wait_text("tr[data-city='320500']", "苏州").await;
    browser.axe("/admin/cities").await;
    browser.photograph("admin-cities").await;
    browser.click("tr[data-city='320500'] button", "修改").await;
    browser.wait_text("h2", "修改城市：苏州").await;
    browser.fill("名额（门店数）", "1001").await;
    browser.click("button[type=submit]", "保存").await;
    browser.wait_text("#field-quota-errors", "").await;
    browser.axe("/admin/cities (refused quota)").await;

    browser.fill("名额（门店数）", "5").await;
    browser.choose("field-status", "paused").await;
    browser
        .set_date("field-window_closes_at", "2026-12-31")
        .await;
    browser.click("button[type=submit]", "保存").await;
    browser.wait_text(".notice", "已保存 苏州 的修改").await;
    browser.wait_text("tr[data-city='320500']", "暂停").await;
    let city = app.get_json("/api/v1/cities/320500", None).await;
    assert_eq!(city["quota"], 5);
    assert_eq!(city["status"], "paused");
    assert_eq!(city["window_closes_at"], "2026-12-31T15:59:59Z");

    // Someone else's change between reading and saving: said, and theirs is shown.
    browser.click("tr[data-city='320500'] button", "修改").await;
    let res = app
        .patch(
            "/api/v1/cities/320500",
            Some(&admin),
            Some(&format!("\"{}\"", city["version"])),
            &json!({"quota": 6}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    browser.fill("名额（门店数）", "4").await;
    browser.click("button[type=submit]", "保存").await;
    browser
        .wait_text(".notice", "其他人刚刚修改了这项内容")
        .await;
    browser.wait_text("tr[data-city='320500'] td", "6").await;
    let city = app.get_json("/api/v1/cities/320500", None).await;
    assert_eq!(city["quota"], 6);

    // A new city: a code that is not one refused beside it, then added.
    browser.click("button", "添加城市").await;
    browser.wait_text("h2", "添加城市").await;
    browser.fill("城市代码", "33010").await;
    browser.fill("中文名称", "杭州").await;
    browser.fill("英文名称", "Hangzhou").await;
    browser.fill("省份", "Zhejiang").await;
    browser.fill("名额（门店数）", "3").await;
    browser.click("button[type=submit]", "添加").await;
    browser.wait_text("#field-code-errors", "").await;
    browser.axe("/admin/cities (new city refused)").await;
    browser.fill("城市代码", "330100").await;
    browser.click("button[type=submit]", "添加").await;
    browser.wait_text(".notice", "已添加城市：杭州").await;
    browser.wait_text("tr[data-city='330100']", "杭州").await;
    let city = app.get_json("/api/v1/cities/330100", None).await;
    assert_eq!(city["quota"], 3);
    assert_eq!(city["status"], "open");

    // The criteria: a refused figure beside its field, then a new version.
    browser.section("资格标准").await;
    browser.wait_text(".criteria-version", "第 1 版").await;
    browser.axe("/admin/criteria").await;
    browser.photograph("admin-criteria").await;
    let tier = "field-rules.customer_resources.active_customers[1].min";
    browser.fill_id(tier, "10").await;
    browser.click("button[type=submit]", "发布新版本").await;
    browser
        .wait_text(&format!("[id='{tier}-errors']"), "")
        .await;
    browser.axe("/admin/criteria (refused tier)").await;
    browser.fill_id(tier, "20000").await;
    browser
        .fill_id("field-rules.commercial_district_site.min_frontage_m", "30")
        .await;
    browser.click("button[type=submit]", "发布新版本").await;
    browser.wait_text(".notice", "已发布第 2 版").await;
    browser.wait_text(".criteria-version", "第 2 版").await;
    let criteria = app
        .get_json("/api/v1/eligibility-criteria", Some(&admin))
        .await;
    assert_eq!(criteria["version"], 2);
    assert_eq!(
        criteria["rules"]["commercial_district_site"]["min_frontage_m"],
        30.0
    );

    // The SLA days; someone else's change in between is a 412, and theirs is shown.
    browser.section("处理时限").await;
    browser.wait_text(".meta", "第 1 版").await;
    browser.axe("/admin/sla").await;
    browser.fill_id("field-days.submitted", "3").await;
    browser.click("button[type=submit]", "保存").await;
    browser.wait_text(".notice", "处理时限已保存").await;
    browser.wait_text(".meta", "第 2 版").await;
    let sla = app.get_json("/api/v1/sla", Some(&admin)).await;
    assert_eq!(sla["days"]["submitted"], 3);

    let mut days = sla["days"].clone();
    days["under_review"] = json!(12);
    let res = app
        .request(Method::PUT, "/api/v1/sla", Some(&admin))
        .header("If-Match", "\"2\"")
        .json(&json!({ "days": days }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    browser.fill_id("field-days.shortlisted", "9").await;
    browser.click("button[type=submit]", "保存").await;
    browser
        .wait_text(".notice", "其他人刚刚修改了这项内容")
        .await;
    browser.wait_text(".meta", "第 3 版").await;
    let shown = browser
        .client
        .find(Locator::Id("field-days.under_review"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(shown.as_deref(), Some("12"));
    let sla = app.get_json("/api/v1/sla", Some(&admin)).await;
    assert_eq!(sla["days"]["shortlisted"], 7, "{sla}");
    browser.axe("/admin/sla (conflict)").await;
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_invites_a_reviewer_who_sets_a_password_and_sees_no_administration() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let admin = app.admin(ADMIN).await;
    let reviewer = "zhang.min@maker.example";
    browser.sign_in_as_staff(ADMIN).await;
    browser.open("/admin/staff").await;
    browser.heading("员工账号").await;
    browser.wait_text("tbody tr", ADMIN).await;
    browser.axe("/admin/staff").await;

    // A reviewer without a name is refused beside the field; with one, invited.
    browser.click("button", "邀请员工").await;
    browser.fill("电子邮箱", reviewer).await;
    browser.click("label.check-option", "苏州").await;
    browser.click("button[type=submit]", "发送邀请").await;
    browser.wait_text("#field-display_name-errors", "").await;
    browser.axe("/admin/staff (invitation refused)").await;
    browser.fill("姓名", "张敏").await;
    browser.click("button[type=submit]", "发送邀请").await;
    browser.wait_text(".notice", reviewer).await;
    browser
        .wait_text(&format!("tr[data-staff='{reviewer}']"), "待设置密码")
        .await;
    browser.photograph("admin-staff").await;
    let mail = app.smtp.wait_for(reviewer, "邀请您加入").await;
    app.ignore_mail();

    // A second city, through the change form.
    browser
        .click(&format!("tr[data-staff='{reviewer}'] button"), "修改")
        .await;
    browser.wait_text("h2", "修改员工：张敏").await;
    browser.click("label.check-option", "宁波").await;
    browser.axe("/admin/staff (change)").await;
    browser.click("button[type=submit]", "保存").await;
    browser.wait_text(".notice", "已保存 张敏 的修改").await;
    browser
        .wait_text(&format!("tr[data-staff='{reviewer}']"), "宁波")
        .await;
    let staff = app.get_json("/api/v1/staff", Some(&admin)).await;
    let member = staff["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == reviewer)
        .unwrap();
    assert_eq!(member["role"], "reviewer");
    assert_eq!(member["city_codes"], json!(["320500", "330200"]));
    // Signed out from the start page: signing out elsewhere may leave that page remembered
    // for whoever signs in next in this tab (main.js's sign-out races its own redirect).
    browser.click("header nav a", "申请列表").await;
    browser.heading("申请列表").await;
    browser.click("button", "退出登录").await;
    browser.heading("登录").await;

    // The link from the mail sets the password; the reviewer signs in.
    let link = link_path(&mail);
    assert!(link.starts_with("/reset-password?token="), "{link}");
    assert!(link.contains("invited=1"), "{link}");
    browser.open(&link).await;
    browser.heading("欢迎加入！请设置您的密码").await;
    browser.fill("新密码", PASSWORD).await;
    browser.click("button[type=submit]", "保存新密码").await;
    browser.wait_text(".notice", "新密码已保存").await;
    browser.sign_in_as_staff(reviewer).await;

    // No way into administration for a reviewer: no link, and "not found" at its address.
    let links = browser.texts("header nav a").await;
    assert!(links.iter().any(|l| l.contains("待办队列")), "{links:?}");
    assert!(!links.iter().any(|l| l.contains("系统管理")), "{links:?}");
    browser.open("/admin/cities").await;
    browser.heading("页面不存在").await;
    browser.axe("/admin/cities (reviewer)").await;
    let res = app
        .get(
            "/api/v1/staff",
            Some(&access_token(&app.tokens(reviewer, PASSWORD).await)),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The admin deactivates the account: it can no longer sign in.
    browser.click("header nav a", "申请列表").await;
    browser.heading("申请列表").await;
    browser.click("button", "退出登录").await;
    browser.sign_in_as_staff(ADMIN).await;
    browser.open("/admin/staff").await;
    browser
        .click(&format!("tr[data-staff='{reviewer}'] button"), "修改")
        .await;
    browser.click("label.check-option", "账号可用").await;
    browser.click("button[type=submit]", "保存").await;
    browser.wait_text(".notice", "已保存 张敏 的修改").await;
    browser
        .wait_text(&format!("tr[data-staff='{reviewer}']"), "已停用")
        .await;
    let res = app.login(reviewer, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_a_client_sees_its_secret_once_and_follows_a_webhook() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let admin = app.admin(ADMIN).await;
    browser.sign_in_as_staff(ADMIN).await;
    browser.open("/admin/clients").await;
    browser.heading("集成客户端").await;
    browser.wait_text(".empty", "还没有集成客户端").await;
    browser.axe("/admin/clients").await;

    // Without a scope: refused beside the scopes.
    browser.fill("名称", "CRM 同步").await;
    browser.click("button[type=submit]", "创建客户端").await;
    browser.wait_text("#field-scopes-errors", "").await;
    browser.axe("/admin/clients (refused)").await;
    browser.click("label.check-option", "读取申请").await;
    browser.click("button[type=submit]", "创建客户端").await;
    let secret = browser
        .wait_text(".secret-once .secret-value", "")
        .await
        .text()
        .await
        .unwrap();
    browser
        .wait_text(".secret-once .warning", "只显示这一次")
        .await;
    let client_id = browser.wait_text("tbody tr", "CRM 同步").await;
    let client_id = client_id
        .find(Locator::Css("code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    browser.axe("/admin/clients (secret shown)").await;
    browser.photograph("admin-clients").await;
    let res = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "the secret shown works");

    // Gone once the page is loaded again; the client stays until deleted.
    browser.open("/admin/clients").await;
    browser.wait_text("tbody tr", "CRM 同步").await;
    assert!(browser.texts(".secret-once").await.is_empty());
    browser.click("tbody button", "删除").await;
    browser.wait_text(".confirm .warning", "CRM 同步").await;
    browser.axe("/admin/clients (confirm delete)").await;
    browser.click(".confirm button", "确认删除").await;
    browser.wait_text(".notice", "已删除客户端").await;
    browser.wait_text(".empty", "还没有集成客户端").await;
    let clients = app.get_json("/api/v1/api-clients", Some(&admin)).await;
    assert_eq!(clients["items"], json!([]));

    // A webhook: its secret once, then its deliveries, one sent again.
    let receiver = Receiver::start();
    browser.section("Webhook 订阅").await;
    browser.wait_text(".empty", "还没有 Webhook 订阅").await;
    browser.axe("/admin/webhooks").await;
    browser.fill("接收地址（URL）", &receiver.url).await;
    browser.click("label.check-option", "申请已提交").await;
    browser.click("button[type=submit]", "创建订阅").await;
    browser
        .wait_text(".secret-once .secret-value", "whsec_")
        .await;
    browser.wait_text(".subscription", &receiver.url).await;
    let hooks = app.get_json("/api/v1/webhooks", Some(&admin)).await;
    assert_eq!(
        hooks["items"][0]["events"],
        json!(["application.submitted"])
    );

    let (owner, _) = app
        .applicant_with_group("owner@dealer.example", "91320500123456788")
        .await;
    let id = app.draft_application(&owner, SUZHOU).await;
    moved(
        act(&app, &owner, &id, json!({"action": "submit"})).await,
        "under_review",
    )
    .await;
    app.ignore_mail();
    receiver.wait_accepted(1, || {}).await;

    browser.click(".subscription button", "查看投递记录").await;
    browser.wait_text(".deliveries tbody tr", "已送达").await;
    browser.wait_text(".deliveries tbody tr", "204").await;
    browser.axe("/admin/webhooks (deliveries)").await;
    browser.photograph("admin-webhooks").await;
    browser.click(".deliveries tbody button", "重新投递").await;
    browser.wait_text(".deliveries .notice", "已重新投递").await;
    let received = receiver.wait_accepted(2, || {}).await;
    assert_eq!(
        received[0].delivery_id, received[1].delivery_id,
        "the same delivery, sent again"
    );
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_imports_a_ranking_list_from_a_csv_file_and_reads_the_screens_in_english() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let admin = app.admin(ADMIN).await;
    let dir = std::env::temp_dir().join(format!("admin-rankings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wrong = dir.join("wrong.csv");
    std::fs::write(&wrong, "名次,名称\n1,华东汽车\n").unwrap();
    let refused = dir.join("refused.csv");
    std::fs::write(&refused, "rank,name,uscc\n1,华东汽车集团,123\n").unwrap();
    let list = dir.join("list.csv");
    std::fs::write(
        &list,
        "\u{feff}rank,name,uscc\r\n1,江苏华东汽车销售服务集团有限公司,91320500MA1MQ7K23W\r\n2,\"上海浦江汽车服务有限公司, 上海\",\r\n",
    )
    .unwrap();

    browser.sign_in_as_staff(ADMIN).await;
    browser.open("/admin/rankings").await;
    browser.heading("排名榜单").await;
    browser.fill("年度", "2025").await;
    browser.click("button[type=submit]", "查看榜单").await;
    browser.wait_text(".empty", "尚未导入").await;
    browser.axe("/admin/rankings").await;

    // A file without the header is refused here; one the API refuses, with its reasons.
    browser
        .fill_id("field-ranking-file", wrong.to_str().unwrap())
        .await;
    browser.click("button[type=submit]", "导入并替换").await;
    browser.wait_text(".problem", "rank,name,uscc").await;
    browser
        .fill_id("field-ranking-file", refused.to_str().unwrap())
        .await;
    browser.click("button[type=submit]", "导入并替换").await;
    browser.wait_text(".problem", "uscc").await;
    browser.axe("/admin/rankings (refused)").await;

    browser
        .fill_id("field-ranking-file", list.to_str().unwrap())
        .await;
    browser.click("button[type=submit]", "导入并替换").await;
    browser.wait_text(".notice", "共 2 家").await;
    browser.rows(2).await;
    browser
        .wait_text("tbody tr", "上海浦江汽车服务有限公司, 上海")
        .await;
    browser.axe("/admin/rankings (imported)").await;
    browser.photograph("admin-rankings").await;
    let stored = app.get_json("/api/v1/rankings/2025", Some(&admin)).await;
    assert_eq!(
        stored["entries"],
        json!([
            {"rank": 1, "name": "江苏华东汽车销售服务集团有限公司", "uscc": "91320500MA1MQ7K23W"},
            {"rank": 2, "name": "上海浦江汽车服务有限公司, 上海", "uscc": null},
        ])
    );
    std::fs::remove_dir_all(&dir).unwrap();

    // In English, every section, its words and the API's.
    browser.click("#language", "English").await;
    browser.heading("Rankings").await;
    for (path, heading) in [
        ("/admin", "Cities"),
        ("/admin/criteria", "Eligibility criteria"),
        ("/admin/staff", "Staff"),
        ("/admin/clients", "Integrator clients"),
        ("/admin/webhooks", "Webhooks"),
        ("/admin/sla", "SLA"),
    ] {
        browser.open(path).await;
        browser.heading(heading).await;
        browser.wait_text(".admin-section", "").await;
        browser.axe(path).await;
    }
    browser.open("/admin/cities").await;
    browser.wait_text("tr[data-city='320500']", "Open").await;
    browser.photograph("admin-cities").await;
    browser.open("/admin/criteria").await;
    browser.wait_text(".criteria-version", "Version 1").await;
    browser.photograph("admin-criteria").await;
    browser.open("/admin/staff").await;
    browser.wait_text("tbody tr", ADMIN).await;
    browser.photograph("admin-staff").await;
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_confirms_a_parent_and_decides_identity_changes() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let admin = app.admin(ADMIN).await;
    let (owner, group) = app
        .applicant_with_group("owner@dealer.example", "91320500123456788")
        .await;
    let group_path = format!("/api/v1/dealer-groups/{group}");
    let read = app.get_json(&group_path, Some(&owner)).await;
    let holding = uscc("91320000134567890");
    let res = app
        .patch(
            &group_path,
            Some(&owner),
            Some(&format!("\"{}\"", read["version"])),
            &json!({"parent": {"legal_name": "东方汽车控股集团有限公司", "uscc": holding}}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let id = app.draft_application(&owner, SUZHOU).await;
    moved(
        act(&app, &owner, &id, json!({"action": "submit"})).await,
        "under_review",
    )
    .await;
    let ask = |name: &'static str, body: &'static str| {
        let (app, owner, path) = (
            &app,
            owner.clone(),
            format!("{group_path}/identity-changes"),
        );
        async move {
            let res = app
                .post(
                    &path,
                    Some(&owner),
                    &json!({"legal_name": name, "uscc": uscc(body), "reason": "合并后更名，新营业执照已上传。"}),
                )
                .await;
            assert_eq!(
                res.status(),
                StatusCode::CREATED,
                "{}",
                res.text().await.unwrap()
            );
        }
    };
    ask("苏州东方新能源汽车集团有限公司", "91320500123456796").await;
    app.ignore_mail();

    browser.sign_in_as_staff(ADMIN).await;
    browser.open("/admin/groups").await;
    browser.heading("集团身份").await;
    browser.click("tbody button", "查看").await;
    browser
        .wait_text(".group-detail", "东方汽车控股集团有限公司")
        .await;
    browser
        .wait_text(".identity-change", "苏州东方新能源汽车集团有限公司")
        .await;
    browser.axe("/admin/groups (a group)").await;

    // The parent, confirmed with a note.
    browser.click("button[type=submit]", "确认隶属关系").await;
    browser.wait_text("#field-note-errors", "").await;
    browser
        .fill(
            "核实说明",
            "已核对 2025 年年报中的股权结构：控股集团持股 100%。",
        )
        .await;
    browser.click("button[type=submit]", "确认隶属关系").await;
    browser.wait_text(".notice", "已确认隶属关系").await;
    browser.wait_text(".verified", "已于").await;
    let read = app.get_json(&group_path, Some(&admin)).await;
    assert_eq!(read["affiliation"]["verified"], true);

    // A request rejected with a reason, the next one approved.
    browser.click(".identity-change button", "驳回").await;
    browser
        .fill("驳回理由", "新营业执照与申请的名称不一致。")
        .await;
    browser
        .click(".identity-change button[type=submit]", "驳回")
        .await;
    browser.wait_text(".notice", "已驳回").await;
    browser
        .wait_text(".identity-change", "新营业执照与申请的名称不一致")
        .await;
    ask("苏州东方新能源汽车有限公司", "91320500123456796").await;
    browser.open("/admin/groups").await;
    browser.click("tbody button", "查看").await;
    browser
        .wait_text(".identity-change", "苏州东方新能源汽车有限公司")
        .await;
    browser.click(".identity-change button", "批准变更").await;
    browser.wait_text(".notice", "已批准身份变更").await;
    browser
        .wait_text(".group-detail h2", "苏州东方新能源汽车有限公司")
        .await;
    browser
        .wait_text("tbody tr", "苏州东方新能源汽车有限公司")
        .await;
    browser.axe("/admin/groups (decided)").await;
    browser.photograph("admin-groups").await;
    let read = app.get_json(&group_path, Some(&admin)).await;
    assert_eq!(read["legal_name"], "苏州东方新能源汽车有限公司");
    assert_eq!(read["uscc"], uscc("91320500123456796"));
    browser.close().await;
    app.finish().await;
}

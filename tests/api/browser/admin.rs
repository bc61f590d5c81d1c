//! Administration: cities, eligibility criteria, staff, integrator clients, webhooks, SLA,
//! ranking lists and dealer groups' identity. The plan's screens (cities, criteria, SLA) here;
//! the people's in `people`, the integrators' and the lists' in `integrations`.

use fantoccini::Locator;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::Browser;
use crate::helpers::*;

mod integrations;
mod people;

const ADMIN: &str = "lead@maker.example";

impl Browser {
    /// Signs in through the page as `email` and waits for the staff's start page.
    async fn sign_in_as_staff(&self, email: &str) {
        self.sign_in(email).await;
        self.heading("申请列表").await;
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
        .wait_text(".problem", "其他人刚刚修改了这项内容")
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
        .wait_text(".problem", "其他人刚刚修改了这项内容")
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

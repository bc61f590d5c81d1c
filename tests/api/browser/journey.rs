//! The whole journey in two browsers, in Chinese: a dealer registers from nothing (following the
//! link in the e-mail), describes the group, applies for Suzhou as the form saves itself,
//! uploads the business licence and submits; the maker's admin, in a second browser, works the
//! queue, reviews, files a scorecard, shortlists and offers a letter of intent; the dealer reads
//! the letter and signs it in the page; both sides tick their onboarding tasks, and the admin
//! activates the partner. Every step is a person's click or keystroke; the API is read only to
//! check what it then holds.

use serde_json::Value;

use super::Browser;
use crate::helpers::*;
use crate::pages::link_path;
use crate::stories::SUZHOU;

const DEALER: &str = "wang.fang@dongfang-auto.example";
const DEALER_NAME: &str = "王芳";
const ADMIN: &str = "lead@maker.example";

async fn status_of(app: &TestApp, token: &str, id: &str) -> Value {
    app.get_json(&format!("/api/v1/applications/{id}"), Some(token))
        .await["status"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dealer_goes_from_registering_to_an_active_partner_in_chinese() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(dealer) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let staff = dealer.beside(&app).await;
    let admin = app.admin(ADMIN).await;

    // Registering, and the address confirmed from the link in the e-mail.
    dealer.open("/register").await;
    dealer.heading("注册账号").await;
    dealer.fill("电子邮箱", DEALER).await;
    dealer.fill("姓名", DEALER_NAME).await;
    dealer.fill("密码", PASSWORD).await;
    dealer.click("button[type=submit]", "注册").await;
    dealer.heading("请查收确认邮件").await;
    let mail = app.smtp.wait_for(DEALER, "请验证您的电子邮件地址").await;
    dealer.open(&link_path(&mail)).await;
    dealer.click("button[type=submit]", "确认我的邮箱").await;
    dealer.wait_text(".notice", "已确认").await;
    dealer.click("a", "前往登录").await;
    dealer.sign_in_at("/sign-in", DEALER).await;
    dealer.heading("我的申请").await;
    let token = access_token(&app.tokens(DEALER, PASSWORD).await);

    // The group's profile.
    dealer.click(".group-card a", "填写集团资料").await;
    dealer.heading("填写集团资料").await;
    dealer
        .fill("企业法定名称", "苏州东方汽车集团有限公司")
        .await;
    dealer
        .fill(
            "统一社会信用代码",
            &crate::dealer_groups::uscc("91320500123456788"),
        )
        .await;
    dealer.fill("总部所在城市", "苏州").await;
    dealer.fill("总部所在省份", "江苏省").await;
    dealer.fill("成立年份", "1998").await;
    dealer.fill("注册资本（元）", "200000000").await;
    dealer.fill("年营业收入（元）", "800000000").await;
    dealer.fill("门店总数", "12").await;
    dealer.click("button", "添加省份").await;
    dealer.fill("省份（第 1 行）", "江苏省").await;
    dealer.fill("门店数（第 1 行）", "8").await;
    dealer.click("button", "添加品牌").await;
    dealer.fill("品牌（第 1 行）", "比亚迪").await;
    dealer.choose("field-brands[0].segment", "nev").await;
    dealer.fill("代理年限（第 1 行）", "6").await;
    dealer.fill("年销量（辆，第 1 行）", "5200").await;
    dealer.tick("机修").await;
    dealer.tick("钣金").await;
    dealer.tick("喷漆").await;
    dealer.choose("field-after_sales.repair_class", "1").await;
    dealer.fill("联系人姓名", DEALER_NAME).await;
    dealer.fill("联系人手机号", "13912345678").await;
    dealer.fill("联系人邮箱", DEALER).await;
    dealer.click("button[type=submit]", "保存集团资料").await;
    dealer.heading("集团资料").await;

    // The application: a city, then the form, saved as the dealer types.
    dealer.click("nav a", "我的申请").await;
    dealer.choose("field-city_code", SUZHOU).await;
    dealer.click("button[type=submit]", "开始申请").await;
    dealer.heading("申请详情").await;
    let id = dealer.application_id().await;
    dealer.choose("field-store_format", "2S").await;
    dealer.retype("计划投资（元）", "30000000").await;
    dealer.pick_date("计划开业日期", "2027-06-01").await;
    dealer.retype("现有活跃客户数", "25000").await;
    dealer.click("button", "添加店址").await;
    dealer.retype("店址 1 · 详细地址", "星湖街 88 号").await;
    dealer.retype("店址 1 · 所在区县", "姑苏区").await;
    dealer.retype("店址 1 · 区县代码（可选）", "320508").await;
    dealer
        .choose(
            "field-proposed_sites[0].site_type",
            "auto_business_district",
        )
        .await;
    dealer.retype("店址 1 · 场地面积（平方米）", "3200").await;
    dealer.retype("店址 1 · 临街面宽（米）", "30").await;
    dealer.retype("店址 1 · 展厅层高（米）", "6.5").await;
    dealer.retype("店址 1 · 展厅面积（平方米）", "450").await;
    dealer
        .retype("店址 1 · 维修车间面积（平方米）", "800")
        .await;
    dealer
        .choose("field-proposed_sites[0].lease_status", "leased")
        .await;
    dealer.tick("不自行采购车辆再转售").await;
    dealer.saved().await;

    // The business licence, then the last tick and submitting at once: the move waits for the
    // form to save what was just typed, and sends the version that holds it.
    let dir = std::env::temp_dir().join(format!("journey-{id}"));
    std::fs::create_dir_all(&dir).unwrap();
    let licence = dir.join("营业执照.pdf");
    std::fs::write(&licence, crate::documents::pdf("营业执照")).unwrap();
    dealer.upload("business_license", &licence).await;
    dealer
        .wait_text(".documents tbody tr", "营业执照.pdf")
        .await;
    std::fs::remove_dir_all(&dir).unwrap();
    dealer.tick("2S 门店不负责交车").await;
    dealer.move_button("submit").await;
    dealer.wait_count("button[data-action=submit]", 0).await;
    let submitted = app
        .get_json(&format!("/api/v1/applications/{id}"), Some(&token))
        .await;
    assert_eq!(
        submitted["acknowledgements"],
        serde_json::json!(["agency_sales_no_resale", "no_vehicle_delivery"])
    );
    // The dealer reads "in review" for what staff know as submitted.
    assert_eq!(status_of(&app, &token, &id).await, "under_review");
    assert_eq!(status_of(&app, &admin, &id).await, "submitted");

    // The admin: the queue, the review, a scorecard, the shortlist and the letter.
    staff.sign_in(ADMIN).await;
    staff.click("nav a", "待办队列").await;
    staff.click("tbody a", "苏州东方汽车集团有限公司").await;
    staff.heading("申请详情").await;
    staff.move_button("start_review").await;
    staff.wait_text("#report-heading", "资格评估报告").await;
    for (criterion, score) in [
        ("district_resources", 5),
        ("customer_resources", 4),
        ("nev_experience", 4),
        ("after_sales", 5),
        ("financial_strength", 4),
    ] {
        staff
            .click(
                &format!("input[name='scores.{criterion}'][value='{score}']"),
                "",
            )
            .await;
    }
    staff.choose("field-recommendation", "strong_yes").await;
    staff.fill("评语", "区域资源扎实，场地符合标准。").await;
    staff.click("button[type=submit]", "提交评分卡").await;
    staff.wait_text(".notice", "评分卡已保存").await;
    staff.move_button("shortlist").await;
    staff.move_button("offer_loi").await;
    staff.fill("签署期限", "14").await;
    staff.fill("门店数量", "1").await;
    staff.click("button[type=submit]", "发出意向书").await;
    staff.wait_text("#letter-heading", "合作意向书").await;
    assert_eq!(status_of(&app, &admin, &id).await, "loi_offered");

    // The dealer reads the letter, checked against its hash, and signs it.
    app.smtp.wait_for(DEALER, "意向书").await;
    dealer.client.refresh().await.unwrap();
    dealer.click(".letter a", "阅读并签署意向书").await;
    dealer.heading("合作意向书").await;
    dealer.wait_text(".notice", "校验通过").await;
    dealer.fill("签署人姓名", DEALER_NAME).await;
    dealer.fill("职务", "总经理").await;
    dealer.click("label[for=field-accept]", "").await;
    dealer.click("button[type=submit]", "签署").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    while status_of(&app, &token, &id).await != "loi_signed" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the letter is signed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Onboarding: the admin starts it and ticks the maker's tasks, the dealer the partner's.
    staff.client.refresh().await.unwrap();
    staff.move_button("start_onboarding").await;
    staff.wait_text(".onboarding-progress", "已完成").await;
    staff.tick_my_tasks().await;
    dealer.open(&format!("/applications/{id}")).await;
    dealer.wait_text(".onboarding-progress", "已完成").await;
    dealer.tick_my_tasks().await;

    // The admin activates the partner; the dealer sees it.
    staff.client.refresh().await.unwrap();
    staff.move_button("activate").await;
    staff.wait_count("button[data-action=activate]", 0).await;
    assert_eq!(status_of(&app, &admin, &id).await, "active");
    dealer.client.refresh().await.unwrap();
    dealer.wait_text(".facts .status", "已开业").await;
    dealer.axe("/applications/{id} (an active partner)").await;
    dealer.photograph("journey-active").await;

    // Signed out from the application's page, the next person to sign in on this tab starts at
    // their own home, not on it.
    dealer.sign_out().await;
    dealer.sign_in(DEALER).await;
    dealer.heading("我的申请").await;
    dealer.wait_text(".card", "已开业").await;

    staff.close().await;
    dealer.close().await;
    app.ignore_mail();
    app.finish().await;
}

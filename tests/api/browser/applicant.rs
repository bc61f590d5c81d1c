//! The applicant's screens: the group's profile, the application form saved as one types with
//! the eligibility preview, documents, submitting, answering a request for information, messages.

use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::Browser;
use crate::dealer_groups::uscc;
use crate::documents::{pdf, uploaded};
use crate::helpers::*;
use crate::review::{act, moved};
use crate::stories::SUZHOU;

/// The steps only the applicant's tests take.
impl Browser {
    /// The errors shown under the field named `name` (its API path).
    async fn field_errors(&self, name: &str) -> String {
        let css = format!("[id='field-{name}-errors']");
        self.wait_text(&css, "").await.text().await.unwrap()
    }

    /// Asserts that nothing on the page matches `css`.
    async fn absent(&self, css: &str) {
        let found = self.client.find_all(Locator::Css(css)).await.unwrap();
        assert!(found.is_empty(), "{css} is on the page");
    }

    /// Scrolls the element of `css` to the top of the window (for its photograph; the focus
    /// leaves the field typed in last, which the window would otherwise keep in view).
    async fn show(&self, css: &str) {
        self.wait_text(css, "").await;
        // The photograph starts narrow: scrolled there, the narrow picture shows the section.
        let (width, height) = super::NARROW;
        self.client.set_window_size(width, height).await.unwrap();
        self.client
            .execute(
                "document.activeElement.blur(); document.querySelector(arguments[0]).scrollIntoView()",
                vec![json!(css)],
            )
            .await
            .unwrap();
    }

    /// Waits until the input whose id is `id` is there and holds `value`.
    async fn wait_value(&self, id: &str, value: &str) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            if let Ok(input) = self.client.find(Locator::Id(id)).await {
                // The element may be replaced meanwhile (a form giving way to another).
                if input.prop("value").await.ok().flatten().as_deref() == Some(value) {
                    return;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{id} never held {value:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    async fn value_of(&self, id: &str) -> String {
        let input = self.client.find(Locator::Id(id)).await.unwrap();
        input.prop("value").await.unwrap().unwrap_or_default()
    }
}

/// The application as the API holds it, read with `token`.
async fn held(app: &TestApp, token: &str, id: &str) -> Value {
    app.get_json(&format!("/api/v1/applications/{id}"), Some(token))
        .await
}

/// The application once `settled` holds of it (the page's write may still be on its way).
async fn held_when(app: &TestApp, token: &str, id: &str, settled: fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let now = held(app, token, id).await;
        if settled(&now) {
            return now;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never settled: {now}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_creates_the_group_profile_after_fixing_the_uscc_and_the_phone() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let owner = app.applicant("owner@dealer.example", "zh-CN").await;
    browser.sign_in(&owner.email).await;
    browser.wait_text(".group-card", "尚未填写集团资料").await;
    browser.axe("/ (no group)").await;
    browser.click(".group-card a", "填写集团资料").await;
    browser.heading("填写集团资料").await;
    browser.axe("/group (empty)").await;

    let good = uscc("91320500123456788");
    let last = good.chars().last().unwrap();
    let wrong = format!("{}{}", &good[..17], if last == '0' { '1' } else { '0' });
    browser
        .fill("企业法定名称", "苏州东方汽车集团有限公司")
        .await;
    browser.fill("统一社会信用代码", &wrong).await;
    browser.fill("总部所在城市", "苏州").await;
    browser.fill("总部所在省份", "江苏省").await;
    browser.fill("成立年份", "1998").await;
    browser.fill("注册资本（元）", "200000000").await;
    browser.fill("年营业收入（元）", "800000000").await;
    browser.fill("门店总数", "12").await;
    browser.click("button", "添加省份").await;
    browser.fill("省份（第 1 行）", "江苏省").await;
    browser.fill("门店数（第 1 行）", "8").await;
    browser.click("button", "添加省份").await;
    browser.fill("省份（第 2 行）", "浙江省").await;
    browser.fill("门店数（第 2 行）", "4").await;
    browser.click("button", "添加品牌").await;
    browser.fill("品牌（第 1 行）", "比亚迪").await;
    browser.choose("field-brands[0].segment", "nev").await;
    browser.fill("代理年限（第 1 行）", "4").await;
    browser.fill("年销量（辆，第 1 行）", "5200").await;
    browser.tick("机修").await;
    browser.tick("钣金").await;
    browser.tick("喷漆").await;
    browser.choose("field-after_sales.repair_class", "1").await;
    browser.fill("联系人姓名", "王芳").await;
    browser.fill("联系人手机号", "12345").await;
    browser.fill("联系人邮箱", "wang.fang@dealer.example").await;
    browser.click("button[type=submit]", "保存集团资料").await;

    // Both refusals beside their fields, nothing saved.
    assert!(!browser.field_errors("uscc").await.is_empty());
    assert!(!browser.field_errors("contact.phone").await.is_empty());
    browser.wait_text(".problem", "").await;
    browser.axe("/group (refused)").await;
    let me = app.get_json("/api/v1/me", Some(&owner.token)).await;
    assert!(me["dealer_group_id"].is_null());

    browser.retype("统一社会信用代码", &good).await;
    browser.retype("联系人手机号", "13912345678").await;
    browser.click("button[type=submit]", "保存集团资料").await;
    browser.wait_value("field-uscc", &good).await;
    browser.wait_text("h1", "集团资料").await;
    browser.axe("/group (owner)").await;
    browser.photograph("group-profile").await;

    let me = app.get_json("/api/v1/me", Some(&owner.token)).await;
    let group_id = me["dealer_group_id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/dealer-groups/{group_id}");
    let group = app.get_json(&path, Some(&owner.token)).await;
    assert_eq!(group["uscc"], good.as_str());
    assert_eq!(group["contact"]["phone"], "13912345678");
    assert_eq!(group["provinces"][1]["stores"], 4);
    assert_eq!(group["brands"][0]["segment"], "nev");
    assert_eq!(
        group["after_sales"],
        json!({"mechanical": true, "sheet_metal": true, "paint": true, "repair_class": 1})
    );

    // A colleague changes the profile meanwhile: saving says so and shows theirs.
    let res = app
        .patch(
            &path,
            Some(&owner.token),
            Some("*"),
            &json!({"hq_city": "无锡"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    browser.retype("门店总数", "13").await;
    browser.click("button[type=submit]", "保存修改").await;
    browser
        .wait_text(".problem", "其他人刚刚修改了集团资料")
        .await;
    browser.wait_value("field-hq_city", "无锡").await;
    let group = app.get_json(&path, Some(&owner.token)).await;
    assert_eq!(group["stores_total"], 12);

    // Saved again, it goes through; the home page shows the group.
    browser.retype("门店总数", "13").await;
    browser.click("button[type=submit]", "保存修改").await;
    browser.wait_text(".notice", "集团资料已保存").await;
    let group = app.get_json(&path, Some(&owner.token)).await;
    assert_eq!(group["stores_total"], 13);
    browser.click("nav a", "我的申请").await;
    browser
        .wait_text(".group-card", "苏州东方汽车集团有限公司")
        .await;
    browser
        .wait_text(".group-card", "全国百强排名：未核实")
        .await;
    browser.axe("/ (with a group)").await;

    // In English, the same profile.
    browser.click("#language", "English").await;
    browser.click("nav a", "Group profile").await;
    browser.heading("Group profile").await;
    browser.wait_value("field-stores_total", "13").await;
    browser.axe("/group (en)").await;
    browser.photograph("group-profile").await;
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_is_saved_as_one_types_with_its_preview_beside_it_and_documents_upload() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let (owner, _) = app
        .applicant_with_named_group(
            "owner@dealer.example",
            "zh-CN",
            "苏州东方汽车集团有限公司",
            "91320500123456788",
        )
        .await;
    browser.sign_in(&owner.email).await;

    // Starting: a city, then the application's page.
    browser.choose("field-city_code", SUZHOU).await;
    browser.click("button[type=submit]", "开始申请").await;
    browser.heading("申请详情").await;
    browser.wait_text(".draft h2", "申请表").await;
    browser.wait_text(".draft-preview", "填写完整后").await;
    browser.wait_text(".missing", "拟选店址").await;
    let id = browser.application_id().await;

    // Typing saves: no button to press.
    browser.choose("field-store_format", "2S").await;
    browser.retype("计划投资（元）", "30000000").await;
    browser.pick_date("计划开业日期", "2027-06-01").await;
    browser.retype("现有活跃客户数", "25000").await;
    browser.click("button", "添加店址").await;
    browser.retype("店址 1 · 详细地址", "星湖街 88 号").await;
    browser.retype("店址 1 · 所在区县", "姑苏区").await;
    browser.retype("店址 1 · 区县代码（可选）", "12").await;
    browser
        .choose(
            "field-proposed_sites[0].site_type",
            "auto_business_district",
        )
        .await;
    browser.retype("店址 1 · 场地面积（平方米）", "3200").await;
    browser.retype("店址 1 · 临街面宽（米）", "30").await;
    browser.retype("店址 1 · 展厅层高（米）", "6.5").await;
    browser.retype("店址 1 · 展厅面积（平方米）", "450").await;
    browser
        .retype("店址 1 · 维修车间面积（平方米）", "800")
        .await;
    browser
        .choose("field-proposed_sites[0].lease_status", "leased")
        .await;

    // A district code that is no code: refused beside it, the rest kept on screen.
    assert!(
        !browser
            .field_errors("proposed_sites[0].district_code")
            .await
            .is_empty()
    );
    browser.wait_text(".save-state", "未保存").await;
    browser.axe("/applications/{id} (refused field)").await;
    browser.retype("店址 1 · 区县代码（可选）", "320508").await;
    browser.tick("不自行采购车辆再转售").await;
    browser.tick("2S 门店不负责交车").await;
    browser.saved().await;

    let held_now = held(&app, &owner.token, &id).await;
    assert_eq!(held_now["store_format"], "2S");
    assert_eq!(held_now["investment_cny"], 30_000_000);
    assert_eq!(held_now["planned_opening"], "2027-06-01");
    assert_eq!(held_now["customer_base"]["active_customers"], 25_000);
    let site = &held_now["proposed_sites"][0];
    assert_eq!(site["district_code"], "320508");
    assert_eq!(site["showroom_height_m"], 6.5);
    assert_eq!(site["lease_status"], "leased");
    assert_eq!(
        held_now["acknowledgements"],
        json!(["agency_sales_no_resale", "no_vehicle_delivery"])
    );
    assert_eq!(held_now["missing_fields"], json!([]));
    // The preview beside the form follows: every required rule now holds.
    browser
        .wait_text(".draft-preview .verdict", "符合必要条件")
        .await;
    browser.axe("/applications/{id} (draft)").await;
    browser.show(".draft").await;
    browser.photograph("application-form").await;

    // A colleague saves meanwhile: the next save says so, names what was not saved, and
    // shows the application as it is now.
    let res = app
        .patch(
            &format!("/api/v1/applications/{id}"),
            Some(&owner.token),
            Some("*"),
            &json!({"notes": "同事补充：紧邻厂家苏州中心店"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    browser.retype("计划投资（元）", "35000000").await;
    browser
        .wait_text(".draft .problem", "其他人刚刚修改了这份申请")
        .await;
    browser.wait_text(".draft .problem", "计划投资（元）").await;
    assert_eq!(
        browser.value_of("field-notes").await,
        "同事补充：紧邻厂家苏州中心店"
    );
    assert_eq!(browser.value_of("field-investment_cny").await, "30000000");
    browser.axe("/applications/{id} (conflict)").await;
    let held_now = held(&app, &owner.token, &id).await;
    assert_eq!(held_now["investment_cny"], 30_000_000);
    browser.retype("计划投资（元）", "35000000").await;
    browser.saved().await;
    assert_eq!(
        held(&app, &owner.token, &id).await["investment_cny"],
        35_000_000
    );

    // Documents: a small PDF goes up and is listed; a text file is refused.
    let dir = std::env::temp_dir().join(format!("applicant-{id}"));
    std::fs::create_dir_all(&dir).unwrap();
    let lease = dir.join("租赁合同.pdf");
    std::fs::write(&lease, pdf("租赁合同")).unwrap();
    let text = dir.join("notes.pdf");
    std::fs::write(&text, b"just some words, not a PDF").unwrap();
    browser
        .wait_text(".documents .empty", "尚未上传任何材料")
        .await;
    browser.upload("site_lease", &text).await;
    browser.wait_text(".upload .problem", "").await;
    browser.axe("/applications/{id} (upload refused)").await;
    browser.upload("site_lease", &lease).await;
    browser.wait_text(".upload .notice", "已上传").await;
    browser
        .wait_text(".documents tbody tr", "租赁合同.pdf")
        .await;
    browser
        .wait_text(".documents tbody tr", "场地租赁合同")
        .await;
    browser.axe("/applications/{id} (documents)").await;
    browser.show(".documents").await;
    browser.photograph("documents").await;
    let docs = app
        .get_json(
            &format!("/api/v1/applications/{id}/documents"),
            Some(&owner.token),
        )
        .await;
    assert_eq!(docs["items"].as_array().unwrap().len(), 1);
    assert_eq!(docs["items"][0]["kind"], "site_lease");

    // Removing asks first.
    browser.click(".documents tbody button", "删除").await;
    browser
        .click("button[data-confirm=remove]", "确认删除")
        .await;
    browser
        .wait_text(".documents .empty", "尚未上传任何材料")
        .await;
    let docs = app
        .get_json(
            &format!("/api/v1/applications/{id}/documents"),
            Some(&owner.token),
        )
        .await;
    assert_eq!(docs["items"], json!([]));
    std::fs::remove_dir_all(&dir).unwrap();
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_submits_answers_a_request_for_information_and_writes_to_staff() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let admin = app.admin("lead@maker.example").await;
    let reviewer = app
        .reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
        .await;
    let (owner, _) = app
        .applicant_with_named_group(
            "owner@dealer.example",
            "zh-CN",
            "苏州东方汽车集团有限公司",
            "91320500123456788",
        )
        .await;
    let id = app.draft_application(&owner.token, SUZHOU).await;
    uploaded(&app, &owner.token, &id, pdf("营业执照"), "营业执照.pdf").await;
    app.ignore_mail();
    browser.sign_in(&owner.email).await;

    // A second application for the same city is refused, and the page says why.
    browser.choose("field-city_code", SUZHOU).await;
    browser.click("button[type=submit]", "开始申请").await;
    browser.wait_text(".new-application .problem", "").await;
    browser.axe("/ (already applied)").await;
    let list = app
        .get_json("/api/v1/applications", Some(&owner.token))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    browser.click(".card a", "苏州").await;
    browser.heading("申请详情").await;

    // Submitting is the moves' button; the form goes, the status follows.
    browser
        .click("button[data-action=submit]", "提交申请")
        .await;
    let submitted = held_when(&app, &owner.token, &id, |a| a["status"] != "draft").await;
    assert_eq!(submitted["status"], "under_review");
    let label = submitted["status_label"].as_str().unwrap().to_owned();
    browser.wait_text(".facts .status", &label).await;
    browser.absent(".draft").await;
    browser.axe("/applications/{id} (submitted)").await;

    // Submitted once, the group's legal identity is fixed: shown read-only, the rest saves.
    browser.click("nav a", "集团资料").await;
    browser
        .wait_text(".identity-locked", "苏州东方汽车集团有限公司")
        .await;
    browser.absent("#field-uscc").await;
    browser.retype("门店总数", "15").await;
    browser.click("button[type=submit]", "保存修改").await;
    browser.wait_text(".notice", "集团资料已保存").await;
    browser.axe("/group (identity fixed)").await;
    let me = app.get_json("/api/v1/me", Some(&owner.token)).await;
    let group = app
        .get_json(
            &format!(
                "/api/v1/dealer-groups/{}",
                me["dealer_group_id"].as_str().unwrap()
            ),
            Some(&owner.token),
        )
        .await;
    assert_eq!(group["stores_total"], 15);

    // Staff ask for more: the request is shown above the form, the person edits and resubmits.
    let message = "请补充场地租赁合同，并说明展厅层高的测量方式。";
    moved(
        act(
            &app,
            &reviewer,
            &id,
            json!({"action": "request_info", "message": message}),
        )
        .await,
        "info_requested",
    )
    .await;
    browser.open(&format!("/applications/{id}")).await;
    browser.heading("申请详情").await;
    browser.wait_text(".info-request", message).await;
    browser
        .fill("补充说明（可选）", "展厅层高为地面到吊顶的净高。")
        .await;
    browser.saved().await;
    browser
        .axe("/applications/{id} (information requested)")
        .await;
    browser.show(".draft").await;
    browser.photograph("information-requested").await;
    browser
        .click("button[data-action=resubmit]", "重新提交")
        .await;
    browser.wait_text(".facts .status", &label).await;
    let now = held(&app, &owner.token, &id).await;
    assert_eq!(now["notes"], "展厅层高为地面到吊顶的净高。");
    let staff_view = held(&app, &reviewer, &id).await;
    assert_eq!(staff_view["status"], "under_review");

    // Messages both ways: staff's is marked new and then read; the applicant answers.
    let res = app
        .post(
            &format!("/api/v1/applications/{id}/messages"),
            Some(&reviewer),
            &json!({"body": "请问开业时间能否提前到 2027 年 3 月？"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(held(&app, &owner.token, &id).await["unread_messages"], 1);
    browser.open(&format!("/applications/{id}")).await;
    browser.heading("申请详情").await;
    browser.wait_text(".message.new", "开业时间能否提前").await;
    browser.wait_text(".message.new .meta", "厂家").await;
    held_when(&app, &owner.token, &id, |a| a["unread_messages"] == 0).await;
    browser
        .fill("留言内容", "可以，我们会在 3 月前完成装修。")
        .await;
    browser.tick("营业执照.pdf").await;
    browser.click("button[type=submit]", "发送留言").await;
    browser.wait_text(".notice", "留言已发送").await;
    browser.wait_text(".message.mine", "3 月前完成装修").await;
    browser.axe("/applications/{id} (messages)").await;
    browser.show(".messages").await;
    browser.photograph("messages").await;
    let thread = app
        .get_json(
            &format!("/api/v1/applications/{id}/messages"),
            Some(&reviewer),
        )
        .await;
    let items = thread["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["author"]["side"], "applicant");
    assert_eq!(items[1]["body"], "可以，我们会在 3 月前完成装修。");
    assert_eq!(items[1]["documents"][0]["filename"], "营业执照.pdf");
    browser.wait_text(".message.mine", "营业执照.pdf").await;

    // In English, the same page.
    browser.click("#language", "English").await;
    browser.heading("Application").await;
    browser.wait_text(".messages h2", "Messages").await;
    browser.axe("/applications/{id} (en)").await;
    browser.show(".messages").await;
    browser.photograph("messages").await;

    // Staff read the same documents and thread, and may download, not upload or edit.
    browser.click("button", "Sign out").await;
    browser.click("#language", "中文").await;
    browser.sign_in("reviewer@maker.example").await;
    browser.open(&format!("/applications/{id}")).await;
    browser.heading("申请详情").await;
    browser
        .wait_text(".documents tbody tr", "营业执照.pdf")
        .await;
    browser.wait_text(".message", "3 月前完成装修").await;
    browser.absent(".upload").await;
    browser.absent(".draft").await;
    // Downloading hands the browser the very bytes that were uploaded.
    browser.catch_exports().await;
    browser.click(".documents tbody button", "下载").await;
    assert_eq!(
        browser.exported().await,
        String::from_utf8(pdf("营业执照")).unwrap()
    );
    browser.absent(".documents .problem").await;
    browser.axe("/applications/{id} (staff)").await;
    browser.close().await;
    app.finish().await;
}

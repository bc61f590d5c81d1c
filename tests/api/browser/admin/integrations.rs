//! Integrator clients and webhooks with their secrets shown once, the ranking lists from a CSV
//! file, and every section in English.

use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::json;

use super::ADMIN;
use crate::browser::Browser;
use crate::helpers::*;
use crate::receiver::Receiver;
use crate::review::{act, moved};
use crate::stories::SUZHOU;

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
    browser.wait_text(".problem", "行 uscc 列").await;
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

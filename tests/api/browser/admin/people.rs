//! Staff invited, changed and deactivated; dealer groups' identity changes and affiliation.

use reqwest::StatusCode;
use serde_json::json;

use super::ADMIN;
use crate::browser::Browser;
use crate::dealer_groups::uscc;
use crate::helpers::*;
use crate::pages::link_path;
use crate::review::{act, moved};
use crate::stories::SUZHOU;

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

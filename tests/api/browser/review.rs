//! Staff's screens on an application: the eligibility report, scorecards, moves with reasons,
//! notes, the letter of intent (offered, read, signed, printed) and onboarding.

use fantoccini::Locator;
use serde_json::json;

use super::Browser;
use crate::helpers::*;
use crate::review::{act, moved, put_review, read, scorecard};
use crate::stories::{Review, SUZHOU, signature};

const OWNER: &str = "owner@dealer.example";
const ADMIN: &str = "lead@maker.example";
const REVIEWER: &str = "reviewer@maker.example";

/// The steps only these tests take.
impl Browser {
    /// Brings the element of `css` to the top of the window (before a photograph).
    async fn scroll_to(&self, css: &str) {
        self.wait_text(css, "").await;
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView()",
                vec![json!(css)],
            )
            .await
            .unwrap();
    }
}

async fn letter_of(app: &TestApp, token: &str, r: &Review) -> serde_json::Value {
    app.get_json(&r.path("/loi"), Some(token)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_starts_review_files_a_blind_scorecard_notes_and_asks_for_information() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let r = app.submitted_review(OWNER, "91320500123456788").await;
    // The admin filed a card first: the reviewer may not read it before filing theirs.
    let res = put_review(&app, &r.admin, &r, &scorecard(2, "no")).await;
    assert!(res.status().is_success());

    let page = format!("/applications/{}", r.id);
    browser.sign_in_at(&page, REVIEWER).await;
    browser.heading("申请详情").await;
    browser.move_button("start_review").await;
    browser.wait_text("#report-heading", "资格评估报告").await;
    browser.wait_text(".checks", "").await;
    browser
        .wait_text("#group-brief-heading", "经销商集团概况")
        .await;
    browser.wait_text(".review-part", "91320500123456788").await;
    browser.wait_text(".blind-note", "还有 1 份").await;
    assert_eq!(
        read(&app, &r.reviewer, &r.id).await["status"],
        "under_review"
    );
    browser.axe("/applications/{id} (review)").await;

    // Sent without scores, the card is refused and nothing is filed.
    browser.click("button[type=submit]", "提交评分卡").await;
    browser.wait_text(".scorecard-form .problem", "").await;
    let cards = app.get_json(&r.path("/reviews"), Some(&r.reviewer)).await;
    assert_eq!(cards["filed_by_you"], false);
    browser.axe("/applications/{id} (scorecard refused)").await;

    // Each criterion is a radio group; the keyboard and the mouse both choose.
    for (criterion, score) in [
        ("district_resources", 4),
        ("customer_resources", 3),
        ("nev_experience", 5),
        ("after_sales", 4),
        ("financial_strength", 2),
    ] {
        browser
            .click(
                &format!("input[name='scores.{criterion}'][value='{score}']"),
                "",
            )
            .await;
    }
    let recommendation = browser
        .client
        .find(Locator::Id("field-recommendation"))
        .await
        .unwrap();
    recommendation.select_by_value("yes").await.unwrap();
    browser.fill("评语", "区域资源扎实，新能源经验一般。").await;
    browser.click("button[type=submit]", "提交评分卡").await;
    // Filed: the blind is lifted and the admin's card shows.
    browser.wait_text(".scorecard h3", "Admin").await;
    browser.wait_text(".scorecard h3", "我的评分卡").await;
    let cards = app.get_json(&r.path("/reviews"), Some(&r.reviewer)).await;
    assert_eq!(cards["filed_by_you"], true);
    let own = cards["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["reviewer_name"] == "Reviewer")
        .unwrap();
    assert_eq!(own["scores"]["nev_experience"], 5);
    assert_eq!(own["scores"]["financial_strength"], 2);
    assert_eq!(own["total"], 18);
    assert_eq!(own["recommendation"], "yes");
    assert_eq!(own["comment"], "区域资源扎实，新能源经验一般。");

    // An internal note.
    let note = "已致电房东：租约真实，但地块 2027 年才能用于商业。";
    browser.fill("新备注", note).await;
    browser.click("button[type=submit]", "添加备注").await;
    browser.wait_text(".notes", note).await;
    let notes = app.get_json(&r.path("/notes"), Some(&r.reviewer)).await;
    assert_eq!(notes["items"][0]["body"], note);
    browser
        .axe("/applications/{id} (scorecard filed, note)")
        .await;
    browser.scroll_to("#scorecards-heading").await;
    browser.photograph("review").await;

    // Asking for information: the message goes by mail to the applicant.
    browser.move_button("request_info").await;
    let message = "Please upload the lease for the Wuzhong site.";
    browser.fill("需要申请方补充的内容", message).await;
    browser
        .axe("/applications/{id} (request information)")
        .await;
    browser.click("button[type=submit]", "要求补充材料").await;
    browser.wait_text(".timeline", "").await;
    browser.wait_count(".move-form", 0).await;
    let mail = app.smtp.wait_for(OWNER, "More information needed").await;
    assert!(mail.body.contains(message), "{}", mail.body);
    assert_eq!(
        read(&app, &r.reviewer, &r.id).await["status"],
        "info_requested"
    );

    // The applicant sees neither the review nor the notes.
    browser.sign_out().await;
    browser.sign_in_at(&page, OWNER).await;
    browser.heading("申请详情").await;
    browser.wait_text(".facts", "").await;
    browser.wait_text(".timeline", "").await;
    for staff_only in [
        ".review",
        "#scorecards-heading",
        "#notes-heading",
        "#assignees-heading",
    ] {
        assert_eq!(browser.count(staff_only).await, 0, "{staff_only}");
    }
    let body = browser
        .client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.contains(note), "{body}");
    browser.axe("/applications/{id} (applicant)").await;
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_offers_the_letter_and_the_owner_reads_verifies_and_signs_it() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let r = app.submitted_review(OWNER, "91320500123456788").await;
    let start = json!({"action": "start_review"});
    moved(act(&app, &r.reviewer, &r.id, start).await, "under_review").await;
    let res = put_review(&app, &r.reviewer, &r, &scorecard(4, "yes")).await;
    assert!(res.status().is_success());

    let second = app
        .reviewer(&r.admin, "second@maker.example", &[SUZHOU])
        .await;
    let second_id = app.get_json("/api/v1/me", Some(&second)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The admin reads the reviewer's card and assigns a second reviewer of the city.
    let page = format!("/applications/{}", r.id);
    browser.sign_in_at(&page, ADMIN).await;
    browser.heading("申请详情").await;
    browser.wait_text(".scorecard", "Reviewer").await;
    browser.wait_count(".assignees li", 1).await;
    browser
        .client
        .find(Locator::Id("field-user_id"))
        .await
        .unwrap()
        .select_by_value(&second_id)
        .await
        .unwrap();
    browser.click("button[type=submit]", "指派").await;
    browser.wait_count(".assignees li", 2).await;
    let assigned = app.get_json(&r.path("/assignees"), Some(&r.admin)).await;
    assert_eq!(assigned["items"][1]["user_id"], second_id.as_str());
    app.smtp
        .wait_for("second@maker.example", "You have been assigned")
        .await;
    browser.move_button("shortlist").await;
    browser.move_button("offer_loi").await;
    browser.fill("签署期限", "14").await;
    browser.fill("门店数量", "2").await;
    browser.fill("条款备注", "首年免收品牌使用费").await;
    browser.axe("/applications/{id} (offer form)").await;
    browser.click("button[type=submit]", "发出意向书").await;
    browser.wait_text("#letter-heading", "合作意向书").await;
    browser
        .wait_text(".letter .facts", "首年免收品牌使用费")
        .await;
    let letter = letter_of(&app, &r.admin, &r).await;
    assert_eq!(letter["terms"]["stores"], 2);
    assert_eq!(letter["terms"]["valid_days"], 14);
    let sha256 = letter["document_sha256"].as_str().unwrap().to_owned();
    browser.wait_text(".letter .hash", &sha256).await;
    browser
        .axe("/applications/{id} (letter offered, staff)")
        .await;
    app.smtp.wait_for(OWNER, "please review and sign").await;

    // The owner opens the letter from the application and reads it in the page.
    browser.sign_out().await;
    browser.sign_in_at(&page, OWNER).await;
    browser.heading("申请详情").await;
    browser.wait_text(".letter .hash", &sha256).await;
    // Signed only where the document itself is before the signer.
    assert_eq!(browser.count(".sign-form").await, 0);
    browser.click(".letter a", "阅读并签署意向书").await;
    browser.heading("合作意向书").await;
    browser
        .wait_text(".letter-document h2", "2S 合作门店合作意向书")
        .await;
    browser
        .wait_text(".letter-document", "Letter of Intent: 2S Partner Store")
        .await;
    browser.wait_text(".notice", "校验通过").await;
    browser.wait_text(".notice .hash", &sha256).await;
    // Rebuilt from safe elements only: no script, style or inline style came with it.
    assert_eq!(
        browser
            .count(".letter-document style, .letter-document script, .letter-document [style]")
            .await,
        0
    );
    // Printing is the browser's own dialog: the button opens it.
    browser
        .client
        .execute(
            "window.printed = 0; window.print = () => { window.printed += 1; };",
            vec![],
        )
        .await
        .unwrap();
    browser.click("button", "打印").await;
    let printed = browser
        .client
        .execute("return window.printed", vec![])
        .await
        .unwrap();
    assert_eq!(printed, 1);
    browser.axe("/applications/{id}/letter").await;
    browser.photograph("letter").await;

    // A name other than the member's own is refused beside the field; nothing is signed.
    browser.fill("签署人姓名", "Wang Fang").await;
    browser.fill("职务", "总经理").await;
    browser.click("label[for=field-accept]", "").await;
    browser.click("button[type=submit]", "签署").await;
    browser.wait_text("#field-signer_name-errors", "").await;
    browser
        .axe("/applications/{id}/letter (refused signer)")
        .await;
    assert_eq!(letter_of(&app, &r.owner, &r).await["status"], "offered");

    browser.fill("签署人姓名", DISPLAY_NAME).await;
    browser.click("button[type=submit]", "签署").await;
    browser.wait_text(".facts", "总经理").await;
    browser.wait_count(".sign-form", 0).await;
    browser
        .wait_text(".letter-document", "2S 合作门店合作意向书")
        .await;
    let signed = letter_of(&app, &r.owner, &r).await;
    assert_eq!(signed["status"], "signed");
    assert_eq!(signed["signer_name"], DISPLAY_NAME);
    assert_eq!(signed["signer_title"], "总经理");
    assert_eq!(read(&app, &r.owner, &r.id).await["status"], "loi_signed");
    // The signature page follows the letter, its hash checked like the letter's.
    browser
        .wait_text(".signature-page .letter-document", "合作意向书签署页")
        .await;
    browser
        .wait_text(".signature-page .letter-document", DISPLAY_NAME)
        .await;
    browser.wait_count(".notice .hash", 2).await;
    browser.axe("/applications/{id}/letter (signed)").await;
    browser.photograph("letter-signed").await;
    browser.print_pages("letter-print").await;

    // In English too.
    browser.click("#language", "English").await;
    browser.heading("Letter of intent").await;
    browser.wait_text(".notice", "Verified").await;
    browser.photograph("letter").await;
    app.ignore_mail();
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_sides_tick_their_onboarding_tasks_and_the_admin_activates() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let r = app.submitted_review(OWNER, "91320500123456788").await;
    app.shortlisted(&r).await;
    app.offered_letter(&r, 30).await;
    let letter = letter_of(&app, &r.owner, &r).await;
    let res = app
        .post(
            &r.path("/loi/signature"),
            Some(&r.owner),
            &signature(&letter["document_sha256"], "总经理"),
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    app.ignore_mail();

    // The admin starts onboarding and ticks the maker's tasks.
    let page = format!("/applications/{}", r.id);
    browser.sign_in_at(&page, ADMIN).await;
    browser.heading("申请详情").await;
    // Started 20 days ago (by the server's clock, for this step only), the first task, due
    // after 14 days, is overdue.
    app.clock.advance(chrono::Duration::days(-20));
    browser.move_button("start_onboarding").await;
    browser
        .wait_text("#onboarding-heading", "开业筹备清单")
        .await;
    app.clock.advance(chrono::Duration::days(20));
    browser.wait_text(".task.overdue", "已逾期").await;
    assert_eq!(browser.count(".task.overdue").await, 1);
    browser
        .wait_text(".onboarding-progress", "已完成 0 /")
        .await;
    let tasks = browser.count(".task").await;
    assert!(tasks > 0);
    browser.axe("/applications/{id} (onboarding started)").await;
    let maker = browser.tick_my_tasks().await;
    assert!(maker > 0 && maker < tasks, "{maker} of {tasks}");
    browser
        .wait_text(
            ".onboarding-progress",
            &format!("已完成 {maker} / {tasks} 项"),
        )
        .await;
    // The partner's tasks are not the admin's to tick, and activating waits for them: the move
    // is shown blocked, with its rule, and offered as no button.
    browser.wait_text(".blocked", "确认开业").await;
    assert_eq!(browser.count("button[data-action=activate]").await, 0);

    // The owner ticks the partner's, with a note on the first.
    browser.sign_out().await;
    browser.sign_in_at(&page, OWNER).await;
    browser.heading("申请详情").await;
    browser.wait_text(".onboarding-progress", "已完成").await;
    let first = browser
        .wait_text("button[data-done]", "")
        .await
        .attr("data-done")
        .await
        .unwrap()
        .unwrap();
    browser
        .client
        .find(Locator::Id(&format!("task-note-{first}")))
        .await
        .unwrap()
        .send_keys("原件已快递寄出。")
        .await
        .unwrap();
    browser
        .axe("/applications/{id} (onboarding, partner)")
        .await;
    browser.scroll_to("#onboarding-heading").await;
    browser.photograph("onboarding").await;
    let partner = browser.tick_my_tasks().await;
    assert_eq!(maker + partner, tasks);
    browser
        .wait_text(
            ".onboarding-progress",
            &format!("已完成 {tasks} / {tasks} 项"),
        )
        .await;
    browser.wait_text(".task-note", "原件已快递寄出。").await;
    let checklist = app.get_json(&r.path("/onboarding"), Some(&r.owner)).await;
    let listed = checklist["tasks"].as_array().unwrap();
    assert!(listed.iter().all(|t| !t["done_at"].is_null()));
    assert!(listed.iter().any(|t| t["note"] == "原件已快递寄出。"));

    // Every task done: the admin activates.
    browser.sign_out().await;
    browser.sign_in_at(&page, ADMIN).await;
    browser.heading("申请详情").await;
    browser.move_button("activate").await;
    browser.wait_count("button[data-action=activate]", 0).await;
    browser.wait_count("button[data-done]", 0).await;
    assert_eq!(read(&app, &r.admin, &r.id).await["status"], "active");
    browser.axe("/applications/{id} (active)").await;
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_on_a_page_someone_else_changed_meanwhile_says_so_and_shows_it_now() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let r = app.submitted_review(OWNER, "91320500123456788").await;
    let page = format!("/applications/{}", r.id);
    browser.sign_in_at(&page, REVIEWER).await;
    browser.heading("申请详情").await;
    browser
        .wait_text("button[data-action=start_review]", "")
        .await;

    // The admin starts the review while the reviewer's page still shows it submitted.
    moved(
        act(&app, &r.admin, &r.id, json!({"action": "start_review"})).await,
        "under_review",
    )
    .await;
    browser.move_button("start_review").await;
    browser
        .wait_text(".moves .problem", "其他人刚刚更改了这份申请")
        .await;
    browser.wait_text(".facts .status", "审核中").await;
    browser
        .wait_count("button[data-action=start_review]", 0)
        .await;
    browser.axe("/applications/{id} (changed meanwhile)").await;
    let events = app.get_json(&r.path("/events"), Some(&r.admin)).await;
    let started = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "start_review")
        .count();
    assert_eq!(started, 1, "the reviewer's move did not go through");
    browser.close().await;
    app.ignore_mail();
    app.finish().await;
}

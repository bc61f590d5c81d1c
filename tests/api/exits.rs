//! Exits and store points over HTTP: an admin rescinds an offered letter or terminates a
//! partnership, which frees the city's store points for the next offer; a letter takes as many
//! points as it has `stores`; who may do it, what it needs, what the partner is told and the
//! `partner.terminated` webhook.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::*;
use crate::labels::get_in;
use crate::receiver::Receiver;
use crate::review::{act, events, moved, read, verify, webhook_events};
use crate::stories::{Review, SUZHOU, signature};

const RESCINDED: &str = "Your letter of intent for Suzhou has been rescinded";
const TERMINATED: &str = "Your partnership for Suzhou has been terminated";

/// Suzhou's quota, set by the admin to `points` store points.
async fn set_quota(app: &TestApp, admin: &str, points: i64) {
    let res = app
        .patch(
            &format!("/api/v1/cities/{SUZHOU}"),
            Some(admin),
            Some("*"),
            &json!({"quota": points}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// Suzhou's committed store points as the plan, the funnel and the ranking report them (they
/// must agree).
async fn committed(app: &TestApp, admin: &str) -> i64 {
    let city: Value = app
        .get_json(&format!("/api/v1/cities/{SUZHOU}"), None)
        .await;
    let plan: Value = app.get_json("/api/v1/cities", None).await;
    let listed = plan
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == SUZHOU)
        .unwrap()["committed"]
        .clone();
    let funnel: Value = app
        .get_json(
            &format!("/api/v1/reports/funnel?city={SUZHOU}"),
            Some(admin),
        )
        .await;
    let ranking: Value = app
        .get_json(
            &format!("/api/v1/reports/cities/{SUZHOU}/ranking"),
            Some(admin),
        )
        .await;
    let points = &city["committed"];
    assert_eq!(&listed, points, "GET /cities");
    assert_eq!(&funnel["cities"][0]["committed"], points, "funnel");
    assert_eq!(&funnel["totals"]["committed"], points, "funnel totals");
    assert_eq!(&ranking["committed"], points, "ranking");
    points.as_i64().unwrap()
}

fn offer(stores: i64) -> Value {
    json!({"action": "offer_loi", "loi": {"valid_days": 30, "stores": stores}})
}

/// The admin offers a letter for `stores` stores; the owner is mailed it.
async fn offered(app: &TestApp, r: &Review, stores: i64) {
    moved(
        act(app, &r.admin, &r.id, offer(stores)).await,
        "loi_offered",
    )
    .await;
    app.smtp
        .wait_for(&r.owner_email, "please review and sign")
        .await;
}

/// The owner signs the offered letter; the owner is mailed the confirmation.
async fn signed(app: &TestApp, r: &Review) {
    let letter: Value = app.get_json(&r.path("/loi"), Some(&r.owner)).await;
    let signature = signature(&letter["document_sha256"], "Chairman");
    let res = app
        .post(&r.path("/loi/signature"), Some(&r.owner), &signature)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    app.smtp
        .wait_for(&r.owner_email, "Your group has signed")
        .await;
}

/// From a signed letter to an active partner: onboarding, every task done, activation.
async fn activated(app: &TestApp, r: &Review) {
    let start = json!({"action": "start_onboarding"});
    moved(act(app, &r.admin, &r.id, start).await, "onboarding").await;
    let checklist: Value = app.get_json(&r.path("/onboarding"), Some(&r.admin)).await;
    for task in checklist["tasks"].as_array().unwrap() {
        let token = if task["owner"] == "partner" {
            &r.owner
        } else {
            &r.admin
        };
        let path = r.path(&format!("/onboarding/{}", task["code"].as_str().unwrap()));
        let res = app
            .patch(&path, Some(token), None, &json!({"done": true}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    moved(
        act(app, &r.admin, &r.id, json!({"action": "activate"})).await,
        "active",
    )
    .await;
    for subject in ["Onboarding has started", "is active"] {
        app.smtp.wait_for(&r.owner_email, subject).await;
    }
}

/// Two groups' applications in Suzhou, both shortlisted.
async fn two_candidates(app: &TestApp) -> (Review, Review) {
    let first = app
        .submitted_review("owner@dealer.example", "91320500123456788")
        .await;
    app.shortlisted(&first).await;
    let second = app
        .another_submitted_review(
            &first.admin,
            &first.reviewer,
            "second@dealer.example",
            "91320500123456796",
        )
        .await;
    app.shortlisted(&second).await;
    (first, second)
}

/// The 409 of a move the state does not allow, with what the caller may do instead.
async fn not_now(app: &TestApp, token: &str, id: &str, body: Value) -> Value {
    assert_problem(
        act(app, token, id, body).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await
}

db_test!(
    async fn a_rescinded_letter_frees_its_place_for_the_next_offer(app: TestApp) {
        let (r, second) = two_candidates(app).await;
        set_quota(app, &r.admin, 1).await;
        offered(app, &r, 1).await;
        assert_eq!(committed(app, &r.admin).await, 1);
        let waiting = read(app, &r.admin, &second.id).await;
        assert_eq!(waiting["blocked_actions"][0]["action"], "offer_loi");
        assert_eq!(waiting["blocked_actions"][0]["code"], "quota_full");
        assert_problem(
            act(app, &r.admin, &second.id, offer(1)).await,
            StatusCode::CONFLICT,
            "quota_full",
        )
        .await;

        // Only an admin rescinds, and says why.
        let offered_page = read(app, &r.admin, &r.id).await;
        assert_eq!(offered_page["allowed_actions"], json!(["rescind_loi"]));
        let rescind = json!({"action": "rescind_loi", "reason": "The site lease fell through."});
        for token in [&r.reviewer, &r.owner] {
            assert_problem(
                act(app, token, &r.id, rescind.clone()).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        for without in [
            json!({"action": "rescind_loi"}),
            json!({"action": "rescind_loi", "reason": "  "}),
        ] {
            let problem = assert_problem(
                act(app, &r.admin, &r.id, without).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert_eq!(
                error_codes(&problem),
                [("reason".into(), "required".into())]
            );
        }
        // A letter on offer is rescinded, not terminated.
        let problem = not_now(
            app,
            &r.admin,
            &r.id,
            json!({"action": "terminate", "reason_code": "breach", "reason": "x"}),
        )
        .await;
        assert_eq!(problem["allowed_actions"], json!(["rescind_loi"]));
        assert_eq!(read(app, &r.owner, &r.id).await["status"], "loi_offered");

        let body = moved(
            act(app, &r.admin, &r.id, rescind.clone()).await,
            "loi_rescinded",
        )
        .await;
        assert_eq!(body["allowed_actions"], json!([]));
        assert_eq!(committed(app, &r.admin).await, 0);
        let letter: Value = app.get_json(&r.path("/loi"), Some(&r.owner)).await;
        assert_eq!(letter["status"], "rescinded");
        assert_eq!(letter["status_label"], "Rescinded by the maker");
        let mail = app.smtp.wait_for(&r.owner_email, RESCINDED).await;
        assert!(
            mail.body.contains("The site lease fell through."),
            "{}",
            mail.body
        );
        assert!(
            mail.text_sections()[1].contains("合作意向书已撤销"),
            "{}",
            mail.text
        );

        // The applicant reads the step and why, in its language, without staff's names.
        let owner_view = read(app, &r.owner, &r.id).await;
        assert_eq!(owner_view["status_label"], "Letter of intent rescinded");
        assert_eq!(owner_view["allowed_actions"], json!([]));
        let timeline = events(app, &r.owner, &r).await;
        let last = timeline.last().unwrap();
        assert_eq!(last["action"], "rescind_loi");
        assert_eq!(last["action_label"], "Letter of intent rescinded");
        assert_eq!(last["actor_role"], "maker");
        assert!(last["actor_id"].is_null());
        assert_eq!(last["reason"], "The site lease fell through.");
        let in_chinese = get_in(app, &r.path("/events"), &r.owner, "zh-CN").await;
        let last = in_chinese["items"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["action_label"], "撤销合作意向书");
        assert_eq!(last["to_status_label"], "合作意向书已撤销");

        // It is over: nothing more to do, and the place went to the next group.
        let problem = not_now(app, &r.admin, &r.id, rescind).await;
        assert_eq!(problem["allowed_actions"], json!([]));
        assert_eq!(
            read(app, &r.admin, &second.id).await["blocked_actions"],
            json!([])
        );
        offered(app, &second, 1).await;
        assert_eq!(committed(app, &r.admin).await, 1);
        // No longer live: the group may apply for the city again.
        app.draft_application(&r.owner, SUZHOU).await;
        assert_eq!(verify(app, &r.admin).await["ok"], true);
    }
);

db_test!(
    async fn a_terminated_partner_frees_its_place_and_integrators_hear_of_it(app: TestApp) {
        let receiver = Receiver::start();
        let (r, second) = two_candidates(app).await;
        let res = app
            .post(
                "/api/v1/webhooks",
                Some(&r.admin),
                &json!({"url": receiver.url, "events": ["partner.terminated"]}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        set_quota(app, &r.admin, 1).await;
        offered(app, &r, 1).await;
        signed(app, &r).await;
        let signed_page = read(app, &r.admin, &r.id).await;
        assert_eq!(
            signed_page["allowed_actions"],
            json!(["start_onboarding", "terminate"])
        );

        // Only an admin terminates, with a termination's reason code and words.
        let terminate = json!({
            "action": "terminate",
            "reason_code": "breach",
            "reason": "Sold vehicles outside the agency terms."
        });
        for token in [&r.reviewer, &r.owner] {
            assert_problem(
                act(app, token, &r.id, terminate.clone()).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        for (body, field, code) in [
            (
                json!({"action": "terminate", "reason": "x"}),
                "reason_code",
                "required",
            ),
            (
                json!({"action": "terminate", "reason_code": "duplicate", "reason": "x"}),
                "reason_code",
                "not_for_action",
            ),
            (
                json!({"action": "terminate", "reason_code": "mutual"}),
                "reason",
                "required",
            ),
        ] {
            let problem = assert_problem(
                act(app, &r.admin, &r.id, body).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert_eq!(error_codes(&problem), [(field.into(), code.into())]);
        }
        let problem = assert_problem(
            act(
                app,
                &r.admin,
                &r.id,
                json!({"action": "terminate", "reason_code": "bankrupt", "reason": "x"}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["reason_code"]);
        // A rejection's codes are still a rejection's alone.
        let problem = assert_problem(
            act(
                app,
                &r.admin,
                &second.id,
                json!({"action": "reject", "reason_code": "breach"}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_codes(&problem),
            [("reason_code".into(), "not_for_action".into())]
        );
        // A signed letter is terminated, not rescinded.
        let problem = not_now(
            app,
            &r.admin,
            &r.id,
            json!({"action": "rescind_loi", "reason": "x"}),
        )
        .await;
        assert_eq!(
            problem["allowed_actions"],
            json!(["start_onboarding", "terminate"])
        );

        let body = moved(
            act(app, &r.admin, &r.id, terminate.clone()).await,
            "terminated",
        )
        .await;
        assert_eq!(body["allowed_actions"], json!([]));
        assert_eq!(committed(app, &r.admin).await, 0);
        let mail = app.smtp.wait_for(&r.owner_email, TERMINATED).await;
        assert!(
            mail.body
                .contains("The partnership agreement was breached."),
            "{}",
            mail.body
        );
        assert!(
            mail.body
                .contains("Sold vehicles outside the agency terms.")
        );
        assert!(
            mail.text_sections()[1].contains("合作协议遭到违反。"),
            "{}",
            mail.text
        );
        // The letter stays as it was signed.
        let letter: Value = app.get_json(&r.path("/loi"), Some(&r.owner)).await;
        assert_eq!(letter["status"], "signed");

        // The integrator's receiver gets `partner.terminated` (besides the status change, which
        // it did not subscribe to).
        let accepted = receiver.wait_accepted(1, || {}).await;
        let delivery: Value = serde_json::from_str(&accepted[0].body).unwrap();
        assert_eq!(delivery["type"], "partner.terminated");
        assert_eq!(delivery["data"]["application_id"], r.id.as_str());
        assert_eq!(delivery["data"]["action"], "terminate");
        assert_eq!(delivery["data"]["from_status"], "loi_signed");
        assert_eq!(delivery["data"]["to_status"], "terminated");
        let changes = webhook_events(app, "application.status_changed").await;
        assert!(changes.iter().any(|d| d["action"] == "terminate"));
        assert_eq!(webhook_events(app, "partner.terminated").await.len(), 1);

        // The timeline names the reason in words; the partner reads it too.
        for (language, label, reason) in [
            ("en", "Partnership terminated", "Breach of the agreement"),
            ("zh-CN", "终止合作", "违反合作协议"),
        ] {
            let timeline = get_in(app, &r.path("/events"), &r.owner, language).await;
            let last = timeline["items"]
                .as_array()
                .unwrap()
                .last()
                .unwrap()
                .clone();
            assert_eq!(last["action"], "terminate");
            assert_eq!(last["action_label"], label);
            assert_eq!(last["reason_code"], "breach");
            assert_eq!(last["reason_label"], reason);
            assert_eq!(last["reason"], "Sold vehicles outside the agency terms.");
        }
        let owner_view = get_in(app, &r.path(""), &r.owner, "zh-CN").await;
        assert_eq!(owner_view["status_label"], "合作已终止");

        let problem = not_now(app, &r.admin, &r.id, terminate).await;
        assert_eq!(problem["allowed_actions"], json!([]));
        offered(app, &second, 1).await;
        assert_eq!(committed(app, &r.admin).await, 1);
        assert_eq!(verify(app, &r.admin).await["ok"], true);
    }
);

db_test!(
    async fn a_letter_takes_a_store_point_per_store_until_the_partner_leaves(app: TestApp) {
        let (r, second) = two_candidates(app).await;
        set_quota(app, &r.admin, 4).await;
        offered(app, &r, 3).await;
        assert_eq!(committed(app, &r.admin).await, 3);

        // One point is left: an offer may be tried, but not for two stores.
        let waiting = read(app, &r.admin, &second.id).await;
        assert_eq!(waiting["allowed_actions"], json!(["reject", "offer_loi"]));
        assert_problem(
            act(app, &r.admin, &second.id, offer(2)).await,
            StatusCode::CONFLICT,
            "quota_full",
        )
        .await;
        assert_eq!(
            read(app, &r.admin, &second.id).await["status"],
            "shortlisted"
        );
        offered(app, &second, 1).await;
        assert_eq!(committed(app, &r.admin).await, 4);

        // An active partner keeps its points until it is terminated.
        signed(app, &r).await;
        activated(app, &r).await;
        assert_eq!(committed(app, &r.admin).await, 4);
        let active = read(app, &r.admin, &r.id).await;
        assert_eq!(active["allowed_actions"], json!(["terminate"]));
        let terminate = json!({
            "action": "terminate",
            "reason_code": "mutual",
            "reason": "The group is leaving the car business."
        });
        moved(act(app, &r.admin, &r.id, terminate).await, "terminated").await;
        let mail = app.smtp.wait_for(&r.owner_email, TERMINATED).await;
        assert!(
            mail.body
                .contains("Both sides have agreed to end the partnership.")
        );
        assert_eq!(committed(app, &r.admin).await, 1);
        let funnel: Value = app
            .get_json(
                &format!("/api/v1/reports/funnel?city={SUZHOU}"),
                Some(&r.admin),
            )
            .await;
        let terminated = funnel["cities"][0]["by_status"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["status"] == "terminated")
            .unwrap()
            .clone();
        assert_eq!(terminated["count"], 1);
        // A terminated partner is no candidate any more.
        let ranking: Value = app
            .get_json(
                &format!("/api/v1/reports/cities/{SUZHOU}/ranking"),
                Some(&r.admin),
            )
            .await;
        let ids: Vec<&str> = ranking["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["application_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [second.id.as_str()]);
    }
);

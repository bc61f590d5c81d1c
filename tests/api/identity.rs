//! Changes of a dealer group's legal identity after its first submission: the owner asks, an
//! admin approves (the profile changes) or rejects; one request waits at a time; every step is
//! in the timelines of the group's applications, and the owner hears the decision.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::dealer_groups::uscc;
use crate::helpers::*;
use crate::review::events;
use crate::stories::Review;

const NEW_NAME: &str = "苏州东方新能源汽车集团有限公司";

fn changes_path(group_id: &str) -> String {
    format!("/api/v1/dealer-groups/{group_id}/identity-changes")
}

/// The group of the review's application.
async fn group_of(app: &TestApp, r: &Review) -> String {
    let application: Value = app.get_json(&r.path(""), Some(&r.owner)).await;
    application["dealer_group_id"].as_str().unwrap().to_owned()
}

/// The owner asks for `legal_name` and the USCC made of `uscc_body`.
async fn ask(
    app: &TestApp,
    token: &str,
    group_id: &str,
    legal_name: &str,
    uscc_body: &str,
) -> reqwest::Response {
    app.post(
        &changes_path(group_id),
        Some(token),
        &json!({
            "legal_name": legal_name,
            "uscc": uscc(uscc_body),
            "reason": "Renamed after the merger; the new licence is uploaded."
        }),
    )
    .await
}

/// A pending request made by the review's owner; its id.
async fn asked(
    app: &TestApp,
    r: &Review,
    group_id: &str,
    legal_name: &str,
    uscc_body: &str,
) -> String {
    let res = ask(app, &r.owner, group_id, legal_name, uscc_body).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    let change: Value = res.json().await.unwrap();
    assert_eq!(change["status"], "pending");
    assert_eq!(change["status_label"], "Awaiting a decision");
    change["id"].as_str().unwrap().to_owned()
}

async fn decide(
    app: &TestApp,
    token: &str,
    group_id: &str,
    change_id: &str,
    decision: &str,
    body: &Value,
) -> reqwest::Response {
    app.post(
        &format!("{}/{change_id}/{decision}", changes_path(group_id)),
        Some(token),
        body,
    )
    .await
}

/// `token` rejects the request with `reason`.
async fn reject(
    app: &TestApp,
    token: &str,
    group_id: &str,
    change_id: &str,
    reason: &str,
) -> reqwest::Response {
    decide(
        app,
        token,
        group_id,
        change_id,
        "reject",
        &json!({"reason": reason}),
    )
    .await
}

db_test!(
    async fn an_approved_request_changes_the_identity_and_every_step_is_recorded(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let group_id = group_of(app, &r).await;
        let path = format!("/api/v1/dealer-groups/{group_id}");
        let before: Value = app.get_json(&path, Some(&r.owner)).await;

        // After the submission a PATCH of the identity is refused, pointing here.
        let refused = assert_problem(
            app.patch(
                &path,
                Some(&r.owner),
                Some("*"),
                &json!({"legal_name": NEW_NAME}),
            )
            .await,
            StatusCode::CONFLICT,
            "identity_locked",
        )
        .await;
        assert!(
            refused["detail"]
                .as_str()
                .unwrap()
                .contains("identity-changes")
        );

        // Only the group's owner asks: staff who see the group may not.
        for token in [&r.admin, &r.reviewer] {
            assert_problem(
                ask(app, token, &group_id, NEW_NAME, "91320500123456796").await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        let change_id = asked(app, &r, &group_id, NEW_NAME, "91320500123456796").await;
        // Nothing changes until an admin decides.
        let waiting: Value = app.get_json(&path, Some(&r.owner)).await;
        assert_eq!(waiting["legal_name"], before["legal_name"]);

        // Neither the applicant nor a reviewer may approve.
        for token in [&r.owner, &r.reviewer] {
            assert_problem(
                decide(app, token, &group_id, &change_id, "approve", &json!({})).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        // The reviewer of the group's city sees the request.
        let seen: Value = app
            .get_json(&changes_path(&group_id), Some(&r.reviewer))
            .await;
        assert_eq!(seen["items"][0]["id"], change_id.as_str());

        let res = decide(app, &r.admin, &group_id, &change_id, "approve", &json!({})).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        let approved: Value = res.json().await.unwrap();
        assert_eq!(approved["status"], "approved");
        assert!(approved["decided_by"].is_string(), "staff see who decided");
        let mail = app
            .smtp
            .wait_for(&r.owner_email, "identity change is approved")
            .await;
        assert!(mail.body.contains(NEW_NAME), "{}", mail.body);

        let after: Value = app.get_json(&path, Some(&r.owner)).await;
        assert_eq!(after["legal_name"], NEW_NAME);
        assert_eq!(after["uscc"], uscc("91320500123456796"));
        assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
        assert_eq!(after["rank_verified"], false);
        // The application carries the group's new name.
        let application: Value = app.get_json(&r.path(""), Some(&r.owner)).await;
        assert_eq!(application["dealer_group_name"], NEW_NAME);

        // Both steps are in the application's timeline, with labels, for both sides.
        let staff = events(app, &r.admin, &r).await;
        let steps: Vec<&Value> = staff
            .iter()
            .filter(|e| e["action"].as_str().unwrap().ends_with("identity_change"))
            .collect();
        assert_eq!(steps.len(), 2, "{staff:#?}");
        assert_eq!(steps[0]["action"], "request_identity_change");
        // The admin reads Chinese; the owner (below) English.
        assert_eq!(steps[0]["action_label"], "申请变更主体信息");
        assert!(steps[0]["reason"].as_str().unwrap().contains(NEW_NAME));
        assert_eq!(steps[1]["action"], "approve_identity_change");
        assert_eq!(steps[1]["action_label"], "主体信息变更已批准");
        let applicant = events(app, &r.owner, &r).await;
        let labels: Vec<&Value> = applicant
            .iter()
            .filter(|e| e["action"].as_str().unwrap().ends_with("identity_change"))
            .map(|e| &e["action_label"])
            .collect();
        assert_eq!(
            labels,
            [
                &json!("Identity change requested"),
                &json!("Identity change approved")
            ]
        );

        // The owner's list shows the decision, without the staff member who made it.
        let listed: Value = app.get_json(&changes_path(&group_id), Some(&r.owner)).await;
        assert_eq!(listed["items"][0]["status"], "approved");
        assert_eq!(listed["items"][0]["decided_by"], Value::Null);
        assert_eq!(listed["items"][0]["from_legal_name"], before["legal_name"]);
        // A decided request cannot be decided again.
        assert_problem(
            reject(app, &r.admin, &group_id, &change_id, "No.").await,
            StatusCode::CONFLICT,
            "identity_change_decided",
        )
        .await;
    }
);

db_test!(
    async fn a_rejected_request_keeps_the_identity_and_tells_the_owner_why(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let group_id = group_of(app, &r).await;
        let path = format!("/api/v1/dealer-groups/{group_id}");
        let before: Value = app.get_json(&path, Some(&r.owner)).await;
        let change_id = asked(app, &r, &group_id, NEW_NAME, "91320500123456788").await;

        let problem = assert_problem(
            decide(app, &r.admin, &group_id, &change_id, "reject", &json!({})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["reason"]);
        for token in [&r.owner, &r.reviewer] {
            assert_problem(
                reject(app, token, &group_id, &change_id, "x").await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        let reason = "The uploaded licence names another company.";
        let res = reject(app, &r.admin, &group_id, &change_id, reason).await;
        assert_eq!(res.status(), StatusCode::OK);
        let rejected: Value = res.json().await.unwrap();
        assert_eq!(rejected["status"], "rejected");
        assert_eq!(rejected["decision_reason"], reason);
        let mail = app
            .smtp
            .wait_for(&r.owner_email, "identity change was not approved")
            .await;
        assert!(mail.body.contains(reason), "{}", mail.body);

        let after: Value = app.get_json(&path, Some(&r.owner)).await;
        assert_eq!(after["legal_name"], before["legal_name"]);
        assert_eq!(after["version"], before["version"]);
        let timeline = events(app, &r.owner, &r).await;
        let rejection = timeline
            .iter()
            .find(|e| e["action"] == "reject_identity_change")
            .expect("the rejection is in the timeline");
        assert_eq!(rejection["action_label"], "Identity change rejected");
        assert!(rejection["reason"].as_str().unwrap().contains(reason));
    }
);

db_test!(
    async fn one_request_waits_at_a_time_and_only_after_the_first_submission(app: TestApp) {
        // Before any submission the owner edits the identity directly; no request is needed.
        let (owner, group_id) = app
            .applicant_with_group("early@dealer.example", "91320500123456770")
            .await;
        assert_problem(
            ask(app, &owner, &group_id, NEW_NAME, "91320500123456770").await,
            StatusCode::CONFLICT,
            "identity_not_locked",
        )
        .await;
        let res = app
            .patch(
                &format!("/api/v1/dealer-groups/{group_id}"),
                Some(&owner),
                Some("*"),
                &json!({"legal_name": "早期改名集团"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);

        let r = app
            .another_submitted_review(
                &app.admin("lead@maker.example").await,
                "",
                "owner@dealer.example",
                "91320500123456788",
            )
            .await;
        let group_id = group_of(app, &r).await;
        // Another applicant does not see the group at all.
        assert_problem(
            app.get(&changes_path(&group_id), Some(&owner)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            ask(app, &owner, &group_id, NEW_NAME, "91320500123456788").await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        // A request that changes nothing is refused on both fields.
        let current: Value = app
            .get_json(&format!("/api/v1/dealer-groups/{group_id}"), Some(&r.owner))
            .await;
        let same = app
            .post(
                &changes_path(&group_id),
                Some(&r.owner),
                &json!({
                    "legal_name": current["legal_name"],
                    "uscc": current["uscc"],
                    "reason": "No change."
                }),
            )
            .await;
        let problem =
            assert_problem(same, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(
            error_codes(&problem),
            [
                ("legal_name".to_owned(), "unchanged".to_owned()),
                ("uscc".to_owned(), "unchanged".to_owned())
            ]
        );

        let first = asked(app, &r, &group_id, NEW_NAME, "91320500123456788").await;
        assert_problem(
            ask(
                app,
                &r.owner,
                &group_id,
                "另一个名字有限公司",
                "91320500123456788",
            )
            .await,
            StatusCode::CONFLICT,
            "identity_change_pending",
        )
        .await;
        let res = reject(app, &r.admin, &group_id, &first, "Upload the licence.").await;
        assert_eq!(res.status(), StatusCode::OK);
        app.smtp
            .wait_for(&r.owner_email, "identity change was not approved")
            .await;

        // Decided, the next request may be made; one taking a USCC another group has fails
        // when approved, and leaves the request pending.
        let second = asked(app, &r, &group_id, NEW_NAME, "91320500123456770").await;
        assert_problem(
            decide(app, &r.admin, &group_id, &second, "approve", &json!({})).await,
            StatusCode::CONFLICT,
            "uscc_taken",
        )
        .await;
        let listed: Value = app.get_json(&changes_path(&group_id), Some(&r.owner)).await;
        let statuses: Vec<&str> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["pending", "rejected"]);
        let unknown = "0193a6f0-7c1d-7e55-9a43-5c1f0e6b2a10";
        assert_problem(
            decide(app, &r.admin, &group_id, unknown, "approve", &json!({})).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
);

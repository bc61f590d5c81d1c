//! The review workflow over HTTP: every move with its e-mails, events and webhook events; who may
//! do what when; racing moves; assignees; blind scorecards; the audit chain and its tampering.

use diesel::RunQueryDsl;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::*;
use crate::stories::Review;

const SUZHOU: &str = "320500";
const NINGBO: &str = "330200";

pub async fn read(app: &TestApp, token: &str, id: &str) -> Value {
    let res = app
        .get(&format!("/api/v1/applications/{id}"), Some(token))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Posts a transition with the `version` given.
pub async fn act_at(app: &TestApp, token: &str, id: &str, version: i64, body: &Value) -> Response {
    app.request(
        Method::POST,
        &format!("/api/v1/applications/{id}/transitions"),
        Some(token),
    )
    .header("If-Match", format!("\"{version}\""))
    .json(body)
    .send()
    .await
    .unwrap()
}

/// Reads the application's current version as an admin would, then posts the transition.
pub async fn act(app: &TestApp, token: &str, id: &str, body: Value) -> Response {
    let version = current_version(app, id).await;
    act_at(app, token, id, version, &body).await
}

pub async fn current_version(app: &TestApp, id: &str) -> i64 {
    let db = app.state.db.clone();
    let id = id.parse().unwrap();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        dealer_portal::db::applications::find(&mut conn, id)
            .unwrap()
            .unwrap()
            .version as i64
    })
    .await
    .unwrap()
}

pub async fn moved(res: Response, status: &str) -> Value {
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status);
    body
}

pub fn scorecard(score: i64, recommendation: &str) -> Value {
    json!({
        "scores": {
            "district_resources": score,
            "customer_resources": score,
            "nev_experience": score,
            "after_sales": score,
            "financial_strength": score
        },
        "recommendation": recommendation,
        "comment": "Strong site, thin NEV record"
    })
}

pub async fn put_review(app: &TestApp, token: &str, review: &Review, card: &Value) -> Response {
    app.request(Method::PUT, &review.path("/reviews"), Some(token))
        .json(card)
        .send()
        .await
        .unwrap()
}

/// The queued webhook events of `event_type`, as the dispatcher will see them.
pub async fn webhook_events(app: &TestApp, event_type: &'static str) -> Vec<Value> {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        dealer_portal::db::webhook_events::list_of_type(&mut conn, event_type)
            .unwrap()
            .into_iter()
            .map(|(_, data)| data)
            .collect()
    })
    .await
    .unwrap()
}

pub async fn sql(app: &TestApp, statement: &'static str) {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        diesel::sql_query(statement).execute(&mut *conn).unwrap();
    })
    .await
    .unwrap();
}

/// Seals the audit events so far into a checkpoint, as housekeeping does once a minute.
async fn seal_checkpoint(app: &TestApp) -> usize {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        dealer_portal::db::events::seal_checkpoint(&mut conn, chrono::Utc::now()).unwrap()
    })
    .await
    .unwrap()
}

pub async fn verify(app: &TestApp, admin: &str) -> Value {
    let res = app.get("/api/v1/audit/verify", Some(admin)).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

pub async fn events(app: &TestApp, token: &str, review: &Review) -> Vec<Value> {
    let res = app.get(&review.path("/events"), Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

pub fn actions(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

db_test!(
    async fn submitted_to_shortlisted_with_mails_events_and_webhooks(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        // submitted_review took the owner's receipt ("We have received your application").

        let seen = read(app, &r.reviewer, &r.id).await;
        assert_eq!(seen["status_label"], "Submitted");
        assert_eq!(
            seen["allowed_actions"],
            json!(["start_review", "request_info", "reject"])
        );
        assert_eq!(
            read(app, &r.owner, &r.id).await["allowed_actions"],
            json!(["withdraw"])
        );

        // start_review: the applicant may not, a stale version may not; the reviewer does and is
        // assigned.
        assert_problem(
            act(app, &r.owner, &r.id, json!({"action": "start_review"})).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            act_at(
                app,
                &r.reviewer,
                &r.id,
                1,
                &json!({"action": "start_review"}),
            )
            .await,
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
        )
        .await;
        let body = moved(
            act(app, &r.reviewer, &r.id, json!({"action": "start_review"})).await,
            "under_review",
        )
        .await;
        assert_eq!(body["status_label"], "In review");
        // No scorecard yet: the reviewer is told that shortlisting waits for one, and why.
        assert_eq!(body["allowed_actions"], json!(["request_info", "reject"]));
        assert_eq!(
            body["blocked_actions"],
            json!([{
                "action": "shortlist",
                "code": "no_scorecard",
                "message": "File at least one scorecard before shortlisting the application."
            }])
        );
        let problem = assert_problem(
            act(app, &r.reviewer, &r.id, json!({"action": "start_review"})).await,
            StatusCode::CONFLICT,
            "invalid_transition",
        )
        .await;
        assert_eq!(problem["allowed_actions"], body["allowed_actions"]);
        assert_eq!(problem["blocked_actions"], body["blocked_actions"]);
        let assignees: Value = app.get_json(&r.path("/assignees"), Some(&r.admin)).await;
        assert_eq!(assignees["items"].as_array().unwrap().len(), 1);
        let mine: Value = app
            .get_json("/api/v1/applications?assigned_to=me", Some(&r.reviewer))
            .await;
        assert_eq!(mine["items"][0]["id"], r.id.as_str());
        let admins: Value = app
            .get_json("/api/v1/applications?assigned_to=me", Some(&r.admin))
            .await;
        assert_eq!(admins["items"], json!([]));

        // shortlist needs a scorecard; request_info needs a message.
        assert_problem(
            act(app, &r.reviewer, &r.id, json!({"action": "shortlist"})).await,
            StatusCode::CONFLICT,
            "scorecard_required",
        )
        .await;
        let problem = assert_problem(
            act(
                app,
                &r.reviewer,
                &r.id,
                json!({"action": "request_info", "message": "  "}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["message"]);
        let message = "Please upload the signed lease of the Xinghu Street site.";
        moved(
            act(
                app,
                &r.reviewer,
                &r.id,
                json!({"action": "request_info", "message": message}),
            )
            .await,
            "info_requested",
        )
        .await;
        let mail = app
            .smtp
            .wait_for("owner@dealer.example", "More information needed")
            .await;
        assert!(mail.body.contains(message), "{}", mail.body);
        let owner_view = read(app, &r.owner, &r.id).await;
        assert_eq!(owner_view["status_label"], "Information requested");
        assert_eq!(
            owner_view["allowed_actions"],
            json!(["resubmit", "withdraw"])
        );

        // resubmit re-evaluates eligibility and tells the assigned reviewer.
        let before: Value = app.get_json(&r.path("/eligibility"), Some(&r.owner)).await;
        app.clock.advance(chrono::Duration::minutes(5));
        assert_problem(
            act(app, &r.reviewer, &r.id, json!({"action": "resubmit"})).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let body = moved(
            act(app, &r.owner, &r.id, json!({"action": "resubmit"})).await,
            "under_review",
        )
        .await;
        assert_eq!(body["status_label"], "In review");
        let after: Value = app.get_json(&r.path("/eligibility"), Some(&r.owner)).await;
        assert_ne!(before["evaluated_at"], after["evaluated_at"]);
        app.smtp
            .wait_for(
                "reviewer@maker.example",
                "has sent the requested information",
            )
            .await;

        // A scorecard, then the shortlist; the applicant still reads "In review".
        assert_eq!(
            put_review(app, &r.reviewer, &r, &scorecard(4, "yes"))
                .await
                .status(),
            StatusCode::CREATED
        );
        let filed = read(app, &r.reviewer, &r.id).await;
        assert_eq!(
            filed["allowed_actions"],
            json!(["request_info", "shortlist", "reject"])
        );
        assert_eq!(filed["blocked_actions"], json!([]));
        moved(
            act(app, &r.reviewer, &r.id, json!({"action": "shortlist"})).await,
            "shortlisted",
        )
        .await;
        let owner_view = read(app, &r.owner, &r.id).await;
        assert_eq!(owner_view["status"], "under_review");
        assert_eq!(owner_view["status_label"], "In review");
        // create-admin makes a Chinese-speaking account; the label follows it.
        assert_eq!(read(app, &r.admin, &r.id).await["status_label"], "已入围");

        // The timeline, and the same timeline with staff anonymous for the applicant.
        let timeline = events(app, &r.reviewer, &r).await;
        assert_eq!(
            actions(&timeline),
            [
                "create",
                "submit",
                "start_review",
                "request_info",
                "resubmit",
                "shortlist"
            ]
        );
        assert_eq!(timeline[3]["reason"], message);
        assert_eq!(timeline[3]["from_status"], "under_review");
        assert_eq!(timeline[3]["to_status"], "info_requested");
        assert_eq!(timeline[2]["actor_role"], "reviewer");
        assert!(timeline[2]["actor_id"].is_string());
        assert!(timeline[0]["from_status"].is_null());
        let owners = events(app, &r.owner, &r).await;
        assert!(owners[2]["actor_id"].is_null());
        assert_eq!(owners[1]["actor_id"], timeline[1]["actor_id"]);

        // Paging through the timeline.
        let res = app.get(&r.path("/events?limit=4"), Some(&r.admin)).await;
        let page: Value = res.json().await.unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 4);
        let cursor = page["next_cursor"].as_str().unwrap();
        let rest: Value = app
            .get_json(
                &r.path(&format!("/events?limit=4&cursor={cursor}")),
                Some(&r.admin),
            )
            .await;
        assert_eq!(
            actions(rest["items"].as_array().unwrap()),
            ["resubmit", "shortlist"]
        );
        assert!(rest["next_cursor"].is_null());

        // The chain verifies; only admins may ask.
        let report = verify(app, &r.admin).await;
        assert_eq!(
            report,
            json!({"ok": true, "events_checked": 6, "first_broken_event_id": null})
        );
        assert_problem(
            app.get("/api/v1/audit/verify", Some(&r.reviewer)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;

        // Every move queued its webhook event in its transaction.
        let changes = webhook_events(app, "application.status_changed").await;
        let moves: Vec<_> = changes
            .iter()
            .map(|d| d["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            moves,
            [
                "submit",
                "start_review",
                "request_info",
                "resubmit",
                "shortlist"
            ]
        );
        assert_eq!(changes[4]["to_status"], "shortlisted");
        assert_eq!(changes[4]["application_id"], r.id.as_str());
        assert_eq!(webhook_events(app, "application.submitted").await.len(), 1);
    }
);

db_test!(
    async fn rejection_reopening_and_withdrawal(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app
            .reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
            .await;
        let (owner, _) = app
            .applicant_with_named_group(
                "wang@dealer.example",
                "zh-CN",
                "宁波华东汽车集团有限公司",
                "91330200123456780",
            )
            .await;
        let id = app.submitted_application(&owner, SUZHOU, "zh-CN").await;
        let owner = owner.token;
        app.smtp
            .wait_for("reviewer@maker.example", "New application to review")
            .await;

        // reject needs a reason code; the applicant's mail explains it in Chinese.
        let problem = assert_problem(
            act(app, &reviewer, &id, json!({"action": "reject"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["reason_code"]);
        assert_problem(
            act(
                app,
                &reviewer,
                &id,
                json!({"action": "reject", "reason_code": "too_late"}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let body = moved(
            act(
                app,
                &reviewer,
                &id,
                json!({"action": "reject", "reason_code": "quota_filled", "reason": "第一轮名额已满"}),
            )
            .await,
            "rejected",
        )
        .await;
        assert_eq!(body["allowed_actions"], json!([]));
        let mail = app.smtp.wait_for("wang@dealer.example", "关于您在").await;
        assert!(
            mail.body.contains("该城市计划的合作名额已满"),
            "{}",
            mail.body
        );
        assert!(mail.body.contains("第一轮名额已满"), "{}", mail.body);
        let owner_view = read(app, &owner, &id).await;
        assert_eq!(owner_view["status_label"], "未通过");

        // A terminal state: nothing for the owner or the reviewer; reopen is the admin's.
        let problem = assert_problem(
            act(app, &owner, &id, json!({"action": "withdraw"})).await,
            StatusCode::CONFLICT,
            "invalid_transition",
        )
        .await;
        assert_eq!(problem["allowed_actions"], json!([]));
        assert_problem(
            act(
                app,
                &reviewer,
                &id,
                json!({"action": "reopen", "reason": "appeal"}),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let problem = assert_problem(
            act(app, &admin, &id, json!({"action": "reopen"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["reason"]);
        let problem = assert_problem(
            act(app, &admin, &id, json!({"action": "start_review"})).await,
            StatusCode::CONFLICT,
            "invalid_transition",
        )
        .await;
        assert_eq!(problem["allowed_actions"], json!(["reopen"]));
        moved(
            act(
                app,
                &admin,
                &id,
                json!({"action": "reopen", "reason": "Quota raised"}),
            )
            .await,
            "under_review",
        )
        .await;
        app.smtp
            .wait_for("wang@dealer.example", "重新进入审核")
            .await;

        // The owner withdraws; the assigned-nobody case mails only the owner.
        moved(
            act(app, &owner, &id, json!({"action": "withdraw"})).await,
            "withdrawn",
        )
        .await;
        app.smtp.wait_for("wang@dealer.example", "已撤回").await;
        let problem = assert_problem(
            act(
                app,
                &reviewer,
                &id,
                json!({"action": "reject", "reason_code": "other"}),
            )
            .await,
            StatusCode::CONFLICT,
            "invalid_transition",
        )
        .await;
        assert_eq!(problem["allowed_actions"], json!([]));

        let timeline: Value = app
            .get_json(&format!("/api/v1/applications/{id}/events"), Some(&admin))
            .await;
        let items = timeline["items"].as_array().unwrap();
        assert_eq!(
            actions(items),
            ["create", "submit", "reject", "reopen", "withdraw"]
        );
        assert_eq!(items[2]["reason_code"], "quota_filled");
        assert_eq!(items[3]["reason"], "Quota raised");
        assert!(verify(app, &admin).await["ok"].as_bool().unwrap());
    }
);

db_test!(
    async fn of_racing_moves_with_one_version_exactly_one_wins(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let second = app
            .reviewer(&r.admin, "second@maker.example", &[SUZHOU])
            .await;
        let version = current_version(app, &r.id).await;
        let body = json!({"action": "start_review"});
        let tokens = [&r.admin, &r.reviewer, &second, &r.reviewer];
        let results = futures_util::future::join_all(
            tokens
                .iter()
                .map(|token| act_at(app, token, &r.id, version, &body)),
        )
        .await;
        let mut statuses: Vec<u16> = results.iter().map(|res| res.status().as_u16()).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 412, 412, 412]);

        // The losers left nothing behind: one move, one event, one assignee.
        assert_eq!(current_version(app, &r.id).await, version + 1);
        let timeline = events(app, &r.admin, &r).await;
        assert_eq!(actions(&timeline), ["create", "submit", "start_review"]);
        let assignees: Value = app.get_json(&r.path("/assignees"), Some(&r.admin)).await;
        assert_eq!(assignees["items"].as_array().unwrap().len(), 1);
        assert_eq!(
            webhook_events(app, "application.status_changed")
                .await
                .len(),
            2
        );
        assert!(verify(app, &r.admin).await["ok"].as_bool().unwrap());
    }
);

db_test!(
    async fn scorecards_are_blind_until_filed(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let second = app
            .reviewer(&r.admin, "second@maker.example", &[SUZHOU])
            .await;
        let elsewhere = app
            .reviewer(&r.admin, "ningbo@maker.example", &[NINGBO])
            .await;

        assert_eq!(
            put_review(app, &r.reviewer, &r, &scorecard(4, "yes"))
                .await
                .status(),
            StatusCode::CREATED
        );
        let res = put_review(app, &r.reviewer, &r, &scorecard(5, "strong_yes")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let card: Value = res.json().await.unwrap();
        assert_eq!(card["total"], 25);
        assert_eq!(card["recommendation"], "strong_yes");

        // The second reviewer sees only that a card exists, until filing one.
        let list: Value = app.get_json(&r.path("/reviews"), Some(&second)).await;
        assert_eq!(
            list,
            json!({"items": [], "filed_by_you": false, "hidden": 1})
        );
        assert_eq!(
            put_review(app, &second, &r, &scorecard(2, "no"))
                .await
                .status(),
            StatusCode::CREATED
        );
        let list: Value = app.get_json(&r.path("/reviews"), Some(&second)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
        assert_eq!(list["hidden"], 0);
        assert_eq!(list["filed_by_you"], true);
        // Admins see every card without filing.
        let list: Value = app.get_json(&r.path("/reviews"), Some(&r.admin)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
        assert_eq!(list["filed_by_you"], false);

        // Applicants never; other cities' reviewers don't know it exists.
        assert_problem(
            app.get(&r.path("/reviews"), Some(&r.owner)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            put_review(app, &r.owner, &r, &scorecard(5, "yes")).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get(&r.path("/reviews"), Some(&elsewhere)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            put_review(app, &elsewhere, &r, &scorecard(3, "yes")).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        for path in ["/events", "/assignees"] {
            assert_problem(
                app.get(&r.path(path), Some(&elsewhere)).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }

        // Scores are 1..5, each named in the 422; nothing is written.
        let mut bad = scorecard(3, "yes");
        bad["scores"]["district_resources"] = json!(0);
        bad["scores"]["after_sales"] = json!(6);
        let problem = assert_problem(
            put_review(app, &second, &r, &bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let mut fields = error_fields(&problem);
        fields.sort();
        assert_eq!(fields, ["scores.after_sales", "scores.district_resources"]);
        let list: Value = app.get_json(&r.path("/reviews"), Some(&second)).await;
        let mine = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["recommendation"] == "no")
            .unwrap();
        assert_eq!(mine["total"], 10);

        // No cards outside review.
        moved(
            act(
                app,
                &r.admin,
                &r.id,
                json!({"action": "reject", "reason_code": "other"}),
            )
            .await,
            "rejected",
        )
        .await;
        app.smtp
            .wait_for("owner@dealer.example", "Your application for Suzhou")
            .await;
        assert_problem(
            put_review(app, &second, &r, &scorecard(3, "yes")).await,
            StatusCode::CONFLICT,
            "not_reviewable",
        )
        .await;
    }
);

db_test!(
    async fn admins_assign_reviewers_of_the_city(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let elsewhere = app
            .reviewer(&r.admin, "ningbo@maker.example", &[NINGBO])
            .await;
        let me = |token: &str| {
            let token = token.to_owned();
            async move {
                let res = app.get("/api/v1/me", Some(&token)).await;
                res.json::<Value>().await.unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        };
        let reviewer_id = me(&r.reviewer).await;
        let elsewhere_id = me(&elsewhere).await;
        let owner_id = me(&r.owner).await;

        let assign = |token: &str, user_id: &str| {
            let token = token.to_owned();
            let body = json!({"user_id": user_id});
            let path = r.path("/assignees");
            async move { app.post(&path, Some(&token), &body).await }
        };
        assert_problem(
            assign(&r.reviewer, &reviewer_id).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        for wrong in [&elsewhere_id, &owner_id] {
            let problem = assert_problem(
                assign(&r.admin, wrong).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert_eq!(error_fields(&problem), ["user_id"]);
        }
        let res = assign(&r.admin, &reviewer_id).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let list: Value = res.json().await.unwrap();
        assert_eq!(list["items"][0]["user_id"], reviewer_id.as_str());
        app.smtp
            .wait_for("reviewer@maker.example", "You have been assigned")
            .await;
        assert_problem(
            assign(&r.admin, &reviewer_id).await,
            StatusCode::CONFLICT,
            "already_assigned",
        )
        .await;
        let mine: Value = app
            .get_json("/api/v1/applications?assigned_to=me", Some(&r.reviewer))
            .await;
        assert_eq!(mine["items"][0]["id"], r.id.as_str());
        assert_problem(
            app.get("/api/v1/applications?assigned_to=you", Some(&r.reviewer))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_problem(
            app.get(&r.path("/assignees"), Some(&r.owner)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;

        // start_review keeps the admin's choice instead of assigning the caller.
        moved(
            act(app, &r.admin, &r.id, json!({"action": "start_review"})).await,
            "under_review",
        )
        .await;
        let list: Value = app.get_json(&r.path("/assignees"), Some(&r.admin)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        let timeline = events(app, &r.admin, &r).await;
        assert_eq!(
            actions(&timeline),
            ["create", "submit", "assign", "start_review"]
        );
        assert_eq!(timeline[2]["from_status"], timeline[2]["to_status"]);

        // The withdrawal reaches the assigned reviewer, and the owner is told.
        moved(
            act(app, &r.owner, &r.id, json!({"action": "withdraw"})).await,
            "withdrawn",
        )
        .await;
        app.smtp
            .wait_for("reviewer@maker.example", "has withdrawn its application")
            .await;
        app.smtp
            .wait_for("owner@dealer.example", "has been withdrawn")
            .await;
        assert_problem(
            assign(&r.admin, &reviewer_id).await,
            StatusCode::CONFLICT,
            "not_reviewable",
        )
        .await;
    }
);

db_test!(
    async fn verify_reports_an_altered_or_removed_event(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        moved(
            act(app, &r.reviewer, &r.id, json!({"action": "start_review"})).await,
            "under_review",
        )
        .await;
        moved(
            act(
                app,
                &r.reviewer,
                &r.id,
                json!({"action": "request_info", "message": "Lease, please"}),
            )
            .await,
            "info_requested",
        )
        .await;
        app.smtp
            .wait_for("owner@dealer.example", "More information needed")
            .await;
        let timeline = events(app, &r.admin, &r).await;
        assert_eq!(verify(app, &r.admin).await["ok"], true);
        assert_problem(
            app.get("/api/v1/audit/verify", None).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;

        // Someone with database access softens the request after the fact.
        sql(
            app,
            "UPDATE application_events SET reason = 'Nothing needed' WHERE action = 'request_info'",
        )
        .await;
        let report = verify(app, &r.admin).await;
        assert_eq!(report["ok"], false);
        assert_eq!(report["events_checked"], 4);
        assert_eq!(report["first_broken_event_id"], timeline[3]["id"]);
        sql(
            app,
            "UPDATE application_events SET reason = 'Lease, please' WHERE action = 'request_info'",
        )
        .await;
        assert_eq!(verify(app, &r.admin).await["ok"], true);

        // Removing the newest event is noticed too.
        sql(
            app,
            "DELETE FROM application_events WHERE action = 'request_info'",
        )
        .await;
        let report = verify(app, &r.admin).await;
        assert_eq!(report["ok"], false);
        assert_eq!(report["first_broken_event_id"], timeline[3]["id"]);
    }
);

db_test!(
    async fn checkpoints_catch_a_chain_cut_back_with_its_head(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let other = app
            .another_submitted_review(
                &r.admin,
                &r.reviewer,
                "second@dealer.example",
                "91320500123456777",
            )
            .await;
        moved(
            act(app, &r.reviewer, &r.id, json!({"action": "start_review"})).await,
            "under_review",
        )
        .await;
        // Each application's heads: both sealed, and nothing left to seal after.
        assert_eq!(seal_checkpoint(app).await, 2);
        assert_eq!(seal_checkpoint(app).await, 0);
        moved(
            act(
                app,
                &other.reviewer,
                &other.id,
                json!({"action": "start_review"}),
            )
            .await,
            "under_review",
        )
        .await;
        assert_eq!(seal_checkpoint(app).await, 1);
        let timeline = events(app, &r.admin, &r).await;
        assert_eq!(verify(app, &r.admin).await["ok"], true);

        // Someone removes the newest event and rewinds the application's head to match: every
        // link and head holds, but the checkpoint sealed the removed event.
        sql(
            app,
            "DELETE FROM application_events WHERE action = 'start_review' \
             AND application_id = (SELECT application_id FROM application_events WHERE app_seq = 3 \
             ORDER BY seq LIMIT 1)",
        )
        .await;
        sql(
            app,
            "UPDATE audit_heads SET last_app_seq = 2, \
             last_hash = (SELECT hash FROM application_events e \
                 WHERE e.application_id = audit_heads.application_id AND e.app_seq = 2), \
             last_event_id = (SELECT id FROM application_events e \
                 WHERE e.application_id = audit_heads.application_id AND e.app_seq = 2) \
             WHERE last_app_seq = 3 AND NOT EXISTS (SELECT 1 FROM application_events e \
                 WHERE e.application_id = audit_heads.application_id AND e.app_seq = 3)",
        )
        .await;
        let report = verify(app, &r.admin).await;
        assert_eq!(report["ok"], false, "{report}");
        assert_eq!(report["first_broken_event_id"], timeline[2]["id"]);
    }
);

db_test!(
    async fn applicants_timelines_name_no_staff(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let me: Value = app.get_json("/api/v1/me", Some(&r.reviewer)).await;
        let reviewer_id = me["id"].as_str().unwrap().to_owned();
        app.assigned(&r, &reviewer_id).await;

        // Staff read who was assigned; the applicant does not read of it at all: publicly, an
        // assignment changes nothing.
        let staff = events(app, &r.admin, &r).await;
        assert_eq!(actions(&staff), ["create", "submit", "assign"]);
        assert!(
            staff[2]["reason"]
                .as_str()
                .unwrap()
                .contains(reviewer_id.as_str())
        );
        let theirs = events(app, &r.owner, &r).await;
        assert_eq!(actions(&theirs), ["create", "submit"]);
        let text = serde_json::to_string(&theirs).unwrap();
        assert!(
            !text.contains(&reviewer_id) && !text.contains("Reviewer"),
            "{text}"
        );
    }
);

db_test!(
    async fn applicants_are_told_the_public_status(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.shortlisted(&r).await;

        // Staff see the step; the applicant sees "in review", in the status as in its label.
        assert_eq!(read(app, &r.admin, &r.id).await["status"], "shortlisted");
        let mine = read(app, &r.owner, &r.id).await;
        assert_eq!(mine["status"], "under_review");
        assert_eq!(mine["status_label"], "In review");
        assert_eq!(mine["allowed_actions"], json!(["withdraw"]));
        let list: Value = app.get_json("/api/v1/applications", Some(&r.owner)).await;
        assert_eq!(list["items"][0]["status"], "under_review");

        // Any of review's steps finds it for the applicant, without telling which it is in.
        for status in ["submitted", "under_review", "shortlisted"] {
            let list: Value = app
                .get_json(
                    &format!("/api/v1/applications?status={status}"),
                    Some(&r.owner),
                )
                .await;
            assert_eq!(list["items"].as_array().unwrap().len(), 1, "{status}");
            assert_eq!(list["items"][0]["status"], "under_review");
        }
        let list: Value = app
            .get_json("/api/v1/applications?status=draft", Some(&r.owner))
            .await;
        assert!(list["items"].as_array().unwrap().is_empty());
        let list: Value = app
            .get_json("/api/v1/applications?status=submitted", Some(&r.admin))
            .await;
        assert!(list["items"].as_array().unwrap().is_empty());

        // The timeline too: no internal step in from_status or to_status.
        let theirs = events(app, &r.owner, &r).await;
        for event in &theirs {
            for key in ["from_status", "to_status"] {
                assert!(
                    event[key].is_null()
                        || ["draft", "under_review"].contains(&event[key].as_str().unwrap()),
                    "{event}"
                );
            }
        }
        // Nor of review's internal moves.
        assert_eq!(actions(&theirs), ["create", "submit"]);
        let staff = events(app, &r.admin, &r).await;
        assert_eq!(staff.last().unwrap()["to_status"], "shortlisted");
        assert_eq!(
            actions(&staff),
            ["create", "submit", "start_review", "shortlist"]
        );

        // The applicant still acts on it.
        moved(
            act(app, &r.owner, &r.id, json!({"action": "withdraw"})).await,
            "withdrawn",
        )
        .await;
        app.smtp
            .wait_for("owner@dealer.example", "has been withdrawn")
            .await;
        app.smtp
            .wait_for("reviewer@maker.example", "has withdrawn its application")
            .await;
    }
);

db_test!(
    async fn reading_the_others_cards_locks_your_own_and_admins_see_every_version(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let second = app
            .reviewer(&r.admin, "second@maker.example", &[SUZHOU])
            .await;
        let put = |token: &str, score: i64, recommendation: &str| {
            let token = token.to_owned();
            let card = scorecard(score, recommendation);
            let r = &r;
            async move { put_review(app, &token, r, &card).await.status() }
        };

        // A placeholder, then the first reviewer's real card.
        assert_eq!(put(&second, 1, "strong_no").await, StatusCode::CREATED);
        assert_eq!(put(&r.reviewer, 4, "yes").await, StatusCode::CREATED);
        // Reading them locks the placeholder: it cannot be aligned with what was read.
        let list: Value = app.get_json(&r.path("/reviews"), Some(&second)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
        let mine = |list: &Value, total: i64| {
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["total"] == total)
                .unwrap()
                .clone()
        };
        assert!(mine(&list, 5)["locked_at"].is_string(), "{list}");
        assert!(mine(&list, 20)["locked_at"].is_null());
        assert!(list["items"][0].get("versions").is_none());
        assert_problem(
            put_review(app, &second, &r, &scorecard(4, "yes")).await,
            StatusCode::CONFLICT,
            "scorecard_locked",
        )
        .await;

        // A reviewer who has not read the others' cards still changes theirs: each is a version.
        assert_eq!(put(&r.reviewer, 5, "strong_yes").await, StatusCode::OK);
        let list: Value = app.get_json(&r.path("/reviews"), Some(&r.admin)).await;
        let first = mine(&list, 25);
        let versions: Vec<i64> = first["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["total"].as_i64().unwrap())
            .collect();
        assert_eq!(versions, [20, 25]);
        assert_eq!(first["versions"][1]["version"], 2);
        assert_eq!(mine(&list, 5)["versions"].as_array().unwrap().len(), 1);
        // An admin's reading locks nobody else's card.
        assert_eq!(put(&r.reviewer, 3, "yes").await, StatusCode::OK);
        // The first reviewer reads too, and is locked in turn.
        app.get_json(&r.path("/reviews"), Some(&r.reviewer)).await;
        assert_eq!(put(&r.reviewer, 5, "yes").await, StatusCode::CONFLICT);
    }
);

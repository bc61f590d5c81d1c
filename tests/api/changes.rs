//! Integrators over HTTP: the change feed (every change once, in order, from a kept cursor, also
//! after a gap; never beyond the client's scopes) and a scope per kind of data in reads and
//! webhooks.

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use dealer_portal::clock::Clock;

use crate::db_test;
use crate::documents::{pdf, uploaded};
use crate::helpers::*;
use crate::openapi::{assert_valid, document};
use crate::receiver::Receiver;
use crate::review::{act, sql};
use crate::stories::{Review, SUZHOU, signature};
use crate::webhooks::integrator;

/// One page of the feed as `token` sees it, after `cursor`, with `query` (`types=...`).
async fn feed_page(app: &TestApp, token: &str, cursor: Option<&str>, query: &str) -> Value {
    let mut path = format!("/api/v1/changes?limit=2&{query}");
    if let Some(cursor) = cursor {
        path.push_str(&format!("&after={cursor}"));
    }
    let res = app.get(&path, Some(token)).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    res.json().await.unwrap()
}

/// Follows the feed from `cursor` page by page until it has nothing more now; the changes and
/// where to go on from.
async fn follow(
    app: &TestApp,
    token: &str,
    cursor: Option<&str>,
    query: &str,
) -> (Vec<Value>, String) {
    let mut cursor = cursor.map(str::to_owned);
    let mut changes = Vec::new();
    loop {
        let page = feed_page(app, token, cursor.as_deref(), query).await;
        changes.extend(page["items"].as_array().unwrap().iter().cloned());
        cursor = Some(page["next_cursor"].as_str().unwrap().to_owned());
        if page["has_more"] == false {
            return (changes, cursor.unwrap());
        }
    }
}

/// Follows the feed from `cursor` until `n` changes have been published after it (the
/// dispatcher publishes them just after their commit).
async fn follow_until(app: &TestApp, token: &str, cursor: Option<&str>, n: usize) -> Vec<Value> {
    for _ in 0..100 {
        let (changes, _) = follow(app, token, cursor, "").await;
        if changes.len() >= n {
            return changes;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("fewer than {n} changes published");
}

fn types(changes: &[Value]) -> Vec<&str> {
    changes
        .iter()
        .map(|change| change["type"].as_str().unwrap())
        .collect()
}

fn ids(changes: &[Value]) -> BTreeSet<&str> {
    changes
        .iter()
        .map(|change| change["id"].as_str().unwrap())
        .collect()
}

/// A group whose draft has a message, a document uploaded and another removed, whose profile
/// was edited, submitted (the reviewer takes the mail): eight changes in all.
async fn busy_draft_submitted(app: &TestApp, admin: &str, reviewer: &str) -> (Review, String) {
    let email = "owner@dealer.example";
    let (owner, group) = app.applicant_with_group(email, "91320500123456788").await;
    let id = app.draft_application(&owner, SUZHOU).await;
    let path = format!("/api/v1/applications/{id}");
    uploaded(app, &owner, &id, pdf("licence"), "licence.pdf").await;
    let mistake = uploaded(app, &owner, &id, pdf("mistake"), "mistake.pdf").await;
    let res = app
        .delete(
            &format!("{path}/documents/{}", mistake["id"].as_str().unwrap()),
            Some(&owner),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .post(
            &format!("{path}/messages"),
            Some(&owner),
            &json!({"body": "Our Wuzhong site is ready to visit."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let group_path = format!("/api/v1/dealer-groups/{group}");
    let version = app.get_json(&group_path, Some(&owner)).await["version"].to_string();
    let res = app
        .patch(
            &group_path,
            Some(&owner),
            Some(&version),
            &json!({"stores_total": 13}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    app.submit(&owner, email, "en", &id).await;
    app.smtp
        .wait_for("reviewer@maker.example", "New application to review")
        .await;
    let review = Review {
        admin: admin.to_owned(),
        reviewer: reviewer.to_owned(),
        owner,
        owner_email: email.to_owned(),
        id,
    };
    (review, group)
}

db_test!(
    async fn the_feed_lists_each_change_once_in_order_and_catches_up_after_a_gap(app: TestApp) {
        let doc = &document();
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app
            .reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
            .await;
        let (_, crm) = integrator(
            app,
            &admin,
            json!([
                "applications:read",
                "documents:read",
                "messages:read",
                "dealer_groups:read"
            ]),
        )
        .await;
        // Nothing yet: the cursor says where the feed stands.
        let (none, start) = follow(app, &crm, None, "").await;
        assert!(none.is_empty());

        let (r, _) = busy_draft_submitted(app, &admin, &reviewer).await;
        let changes = follow_until(app, &crm, Some(&start), 8).await;
        assert_eq!(
            types(&changes),
            [
                "dealer_group.created",
                "document.uploaded",
                "document.uploaded",
                "document.deleted",
                "message.created",
                "dealer_group.updated",
                "application.status_changed",
                "application.submitted",
            ]
        );
        assert_eq!(ids(&changes).len(), changes.len(), "each change once");
        for change in &changes {
            let event = change["type"].as_str().unwrap();
            let schema = &doc["webhooks"][event]["post"]["requestBody"]["content"]["application/json"]
                ["schema"];
            assert_valid(doc, schema, change, event);
        }
        assert_eq!(changes[1]["data"]["application_id"], r.id.as_str());
        assert_eq!(changes[1]["data"]["document"]["filename"], "licence.pdf");
        assert_eq!(changes[5]["data"]["version"], 2);
        // Admins read the same feed, from its start.
        let (everything, _) = follow(app, &admin, None, "").await;
        assert_eq!(ids(&everything), ids(&changes));

        // The integrator goes away; meanwhile review goes on.
        let (_, kept) = follow(app, &crm, Some(&start), "").await;
        app.shortlisted(&r).await;
        // Back: exactly what happened meanwhile, and nothing seen before.
        let missed = follow_until(app, &crm, Some(&kept), 2).await;
        assert_eq!(
            types(&missed),
            ["application.status_changed", "application.status_changed"]
        );
        assert_eq!(
            missed
                .iter()
                .map(|change| change["data"]["action"].as_str().unwrap())
                .collect::<Vec<_>>(),
            ["start_review", "shortlist"]
        );
        assert!(ids(&missed).is_disjoint(&ids(&changes)));
        let (again, end) = follow(app, &crm, Some(&kept), "").await;
        assert_eq!(ids(&again), ids(&missed));
        let (nothing, still) = follow(app, &crm, Some(&end), "").await;
        assert!(nothing.is_empty());
        assert_eq!(still, end);

        // Only some types.
        let (submitted, _) = follow(app, &crm, None, "types=application.submitted").await;
        assert_eq!(types(&submitted), ["application.submitted"]);
        let (both, _) = follow(
            app,
            &crm,
            None,
            "types=document.deleted,%20dealer_group.updated",
        )
        .await;
        assert_eq!(types(&both), ["document.deleted", "dealer_group.updated"]);
    }
);

/// A client holding only `scope`; its token.
async fn client_of(app: &TestApp, admin: &str, scope: &str) -> String {
    integrator(app, admin, json!([scope])).await.1
}

async fn status_of(app: &TestApp, path: &str, token: &str) -> StatusCode {
    app.get(path, Some(token)).await.status()
}

db_test!(
    async fn a_client_reads_and_follows_only_what_its_scopes_allow(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app
            .reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
            .await;
        let (r, group) = busy_draft_submitted(app, &admin, &reviewer).await;
        app.shortlisted(&r).await;
        app.offered_letter(&r, 30).await;
        follow_until(app, &admin, None, 12).await;

        // The feed: each client the event types of its scopes.
        let mut seen = BTreeSet::new();
        for (scope, expected) in [
            (
                "applications:read",
                &[
                    "application.status_changed",
                    "application.submitted",
                    "loi.offered",
                ][..],
            ),
            (
                "documents:read",
                &["document.deleted", "document.uploaded"][..],
            ),
            ("messages:read", &["message.created"][..]),
            (
                "dealer_groups:read",
                &["dealer_group.created", "dealer_group.updated"][..],
            ),
        ] {
            let token = client_of(app, &admin, scope).await;
            let (changes, _) = follow(app, &token, None, "").await;
            let got: BTreeSet<&str> = types(&changes).into_iter().collect();
            assert_eq!(got, expected.iter().copied().collect(), "{scope}");
            seen.extend(ids(&changes).into_iter().map(str::to_owned));
        }
        // Together they saw everything the admin sees.
        let (everything, _) = follow(app, &admin, None, "").await;
        assert_eq!(
            seen,
            ids(&everything).into_iter().map(str::to_owned).collect()
        );
        // Scopes that allow no event type, types beyond the scopes, bad input, people.
        for scope in ["webhooks:manage", "letters:read", "events:read"] {
            let token = client_of(app, &admin, scope).await;
            assert_problem(
                app.get("/api/v1/changes", Some(&token)).await,
                StatusCode::FORBIDDEN,
                "insufficient_scope",
            )
            .await;
        }
        let crm = client_of(app, &admin, "applications:read").await;
        for types in ["document.uploaded", "application.submitted,message.created"] {
            assert_problem(
                app.get(&format!("/api/v1/changes?types={types}"), Some(&crm))
                    .await,
                StatusCode::FORBIDDEN,
                "insufficient_scope",
            )
            .await;
        }
        let problem = assert_problem(
            app.get("/api/v1/changes?types=application.deleted", Some(&crm))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_codes(&problem),
            [("types".into(), "unknown_event_type".into())]
        );
        for query in ["types=,", "limit=0", "limit=101", "limit=x"] {
            assert_problem(
                app.get(&format!("/api/v1/changes?{query}"), Some(&crm))
                    .await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
        }
        // A filtered page that stops short has read to the feed's end: the cursor moves there,
        // past the other types' changes.
        let (everything_now, end) = follow(app, &admin, None, "").await;
        let (_, filtered_end) = follow(app, &crm, None, "types=application.submitted").await;
        assert_eq!(filtered_end, end, "{} changes", everything_now.len());
        for cursor in ["nonsense", "OTk5OTk", "LTE"] {
            let problem = assert_problem(
                app.get(&format!("/api/v1/changes?after={cursor}"), Some(&crm))
                    .await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert_eq!(error_fields(&problem), ["after"], "{cursor}");
        }
        for person in [&r.owner, &reviewer] {
            assert_problem(
                app.get("/api/v1/changes", Some(person)).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }

        // Reads: each kind of data with its scope, and refused without it.
        let documents: Value = app.get_json(&r.path("/documents"), Some(&r.owner)).await;
        let document = documents["items"][0]["id"].as_str().unwrap();
        let message = app.get_json(&r.path("/messages"), Some(&r.owner)).await["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let reads = [
            ("applications:read", r.path("")),
            ("applications:read", r.path("/eligibility")),
            ("applications:read", "/api/v1/applications".to_owned()),
            ("events:read", r.path("/events")),
            ("documents:read", r.path("/documents")),
            ("documents:read", r.path(&format!("/documents/{document}"))),
            (
                "documents:read",
                r.path(&format!("/documents/{document}/content")),
            ),
            ("messages:read", r.path("/messages")),
            ("messages:read", r.path(&format!("/messages/{message}"))),
            ("letters:read", r.path("/loi")),
            ("letters:read", r.path("/loi/document")),
            ("dealer_groups:read", "/api/v1/dealer-groups".to_owned()),
            (
                "dealer_groups:read",
                format!("/api/v1/dealer-groups/{group}"),
            ),
        ];
        let mut tokens = std::collections::BTreeMap::new();
        for scope in dealer_portal::domain::scope::Scope::ALL {
            tokens.insert(scope.as_str(), client_of(app, &admin, scope.as_str()).await);
        }
        for (needed, path) in &reads {
            for (scope, token) in &tokens {
                let status = status_of(app, path, token).await;
                if scope == needed {
                    assert_eq!(status, StatusCode::OK, "{path} with {scope}");
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{path} with {scope}");
                }
            }
        }
        // A timeline tells only what the client's scopes cover.
        let reason_of_upload = |timeline: &Value| {
            timeline["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|event| event["action"] == "upload_document")
                .unwrap()["reason"]
                .clone()
        };
        let timeline = app
            .get_json(&r.path("/events"), Some(&tokens["events:read"]))
            .await;
        assert_eq!(reason_of_upload(&timeline), Value::Null);
        let (_, archive) = integrator(app, &admin, json!(["events:read", "documents:read"])).await;
        let timeline = app.get_json(&r.path("/events"), Some(&archive)).await;
        assert!(
            reason_of_upload(&timeline)
                .as_str()
                .unwrap()
                .contains("licence.pdf")
        );

        // What a client reads of a group: as its members do (no staff's notes).
        let groups: Value = app
            .get_json("/api/v1/dealer-groups", Some(&tokens["dealer_groups:read"]))
            .await;
        assert_eq!(groups["items"][0]["id"], group.as_str());
        assert!(groups["items"][0]["affiliation"]["note"].is_null());
        let later = (app.clock.now() + chrono::Duration::hours(1)).to_rfc3339();
        let none: Value = app
            .get_json(
                &format!(
                    "/api/v1/dealer-groups?updated_since={}",
                    urlencoding(&later)
                ),
                Some(&tokens["dealer_groups:read"]),
            )
            .await;
        assert_eq!(none["items"], json!([]));
        for path in [r.path("/documents"), r.path("/messages"), r.path("/events")] {
            let token = if path.ends_with("documents") {
                &tokens["documents:read"]
            } else if path.ends_with("messages") {
                &tokens["messages:read"]
            } else {
                &tokens["events:read"]
            };
            let all = app.get_json(&path, Some(token)).await;
            assert!(!all["items"].as_array().unwrap().is_empty(), "{path}");
            let since = app
                .get_json(
                    &format!("{path}?updated_since={}", urlencoding(&later)),
                    Some(token),
                )
                .await;
            assert_eq!(since["items"], json!([]), "{path}");
        }
    }
);

/// `text` fit for a query string (RFC 3339 times carry `+`).
fn urlencoding(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

db_test!(
    async fn a_clients_webhooks_carry_only_the_event_types_of_its_scopes(app: TestApp) {
        let receiver = Receiver::start();
        let admin = app.admin("lead@maker.example").await;
        let (_, hooks) =
            integrator(app, &admin, json!(["webhooks:manage", "documents:read"])).await;
        let subscribe = |events: Value| {
            let hooks = hooks.clone();
            let url = receiver.url.clone();
            async move {
                app.post(
                    "/api/v1/webhooks",
                    Some(&hooks),
                    &json!({"url": url, "events": events}),
                )
                .await
            }
        };
        assert_problem(
            subscribe(json!(["document.uploaded", "application.submitted"])).await,
            StatusCode::FORBIDDEN,
            "insufficient_scope",
        )
        .await;
        let res = subscribe(json!(["document.uploaded", "document.deleted"])).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        // Were the subscription to name a type beyond the scopes (as one made before a scope
        // was split off could), fan-out still sends only what the scopes allow.
        sql(
            app,
            "UPDATE webhook_subscriptions SET events = '[\"application.submitted\",\"document.deleted\",\"document.uploaded\"]'",
        )
        .await;

        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let document = uploaded(app, &owner, &id, pdf("licence"), "licence.pdf").await;
        act(app, &owner, &id, json!({"action": "submit"})).await;
        app.smtp
            .wait_for("owner@dealer.example", "We have received your application")
            .await;
        receiver.wait_accepted(1, || {}).await;
        // Give anything else queued with the submission the time to arrive, were it sent.
        follow_until(app, &admin, None, 4).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let received: Vec<Value> = receiver
            .accepted()
            .iter()
            .map(|delivery| serde_json::from_str(&delivery.body).unwrap())
            .collect();
        assert_eq!(types(&received), ["document.uploaded"]);
        assert_eq!(received[0]["data"]["document"]["id"], document["id"]);
    }
);

db_test!(
    async fn onboarding_is_told_with_its_scope_and_a_forgotten_stretch_is_gone(app: TestApp) {
        let doc = &document();
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.shortlisted(&r).await;
        app.offered_letter(&r, 30).await;
        let letter = app.get_json(&r.path("/loi"), Some(&r.owner)).await;
        let res = app
            .post(
                &r.path("/loi/signature"),
                Some(&r.owner),
                &signature(&letter["document_sha256"], "Chairman"),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        app.smtp
            .wait_for("owner@dealer.example", "Your group has signed")
            .await;
        act(app, &r.admin, &r.id, json!({"action": "start_onboarding"})).await;
        app.smtp
            .wait_for("owner@dealer.example", "Onboarding has started")
            .await;
        let onboarding = client_of(app, &r.admin, "onboarding:read").await;
        let (before, cursor) = follow(app, &onboarding, None, "").await;
        assert!(before.is_empty());
        let res = app
            .patch(
                &r.path("/onboarding/dealer_agreement"),
                Some(&r.owner),
                None,
                &json!({"done": true, "note": "Signed"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let changes = follow_until(app, &onboarding, Some(&cursor), 1).await;
        assert_eq!(types(&changes), ["onboarding.task_updated"]);
        let task = &changes[0]["data"]["task"];
        assert_eq!(task["code"], "dealer_agreement");
        assert_eq!(task["note"], "Signed");
        assert!(task["done_at"].is_string());
        let schema = &doc["webhooks"]["onboarding.task_updated"]["post"]["requestBody"]["content"]
            ["application/json"]["schema"];
        assert_valid(doc, schema, &changes[0], "onboarding.task_updated");
        assert_eq!(
            status_of(app, &r.path("/onboarding"), &onboarding).await,
            StatusCode::OK
        );
        let letters = client_of(app, &r.admin, "letters:read").await;
        assert_eq!(
            status_of(app, &r.path("/onboarding"), &letters).await,
            StatusCode::FORBIDDEN
        );

        // Changes past what is kept are forgotten: a cursor into them is gone, one at the end
        // still reads on.
        let (_, first_page) = {
            let page = feed_page(app, &r.admin, None, "").await;
            (
                page["items"].clone(),
                page["next_cursor"].as_str().unwrap().to_owned(),
            )
        };
        let (_, end) = follow(app, &r.admin, None, "").await;
        let db = app.state.db.clone();
        let later = app.clock.now() + chrono::Duration::days(36);
        let forgotten = tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap();
            dealer_portal::db::change_feed::prune(
                &mut conn,
                later - dealer_portal::db::change_feed::KEPT,
            )
            .unwrap()
        })
        .await
        .unwrap();
        assert!(forgotten > 10, "{forgotten}");
        assert_problem(
            app.get(
                &format!("/api/v1/changes?after={first_page}"),
                Some(&r.admin),
            )
            .await,
            StatusCode::GONE,
            "cursor_expired",
        )
        .await;
        let page = feed_page(app, &r.admin, Some(&end), "").await;
        assert_eq!(page["items"], json!([]));
        assert_eq!(page["next_cursor"], end.as_str());
        let (fresh, _) = follow(app, &r.admin, None, "").await;
        assert!(fresh.is_empty());
    }
);

db_test!(
    async fn events_a_previous_release_fanned_out_are_numbered_by_the_next_dispatch(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let (_, start) = follow(app, &admin, None, "").await;
        // As a server of the previous release leaves an event: fanned out, not numbered.
        sql(
            app,
            "INSERT INTO webhook_events (id, event_type, payload, created_at, dispatched_at)
             VALUES ('01958e47-3c5d-7e6f-8a9b-0c1d2e3f4a5b', 'dealer_group.updated',
                     '{\"dealer_group_id\": \"019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1\", \"version\": 2}',
                     '2026-01-01 00:00:00', '2026-01-01 00:00:01')",
        )
        .await;
        let (none, _) = follow(app, &admin, Some(&start), "").await;
        assert!(none.is_empty());
        app.applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let changes = follow_until(app, &admin, Some(&start), 2).await;
        assert_eq!(
            types(&changes),
            ["dealer_group.updated", "dealer_group.created"]
        );
        assert_eq!(changes[0]["id"], "01958e47-3c5d-7e6f-8a9b-0c1d2e3f4a5b");
    }
);

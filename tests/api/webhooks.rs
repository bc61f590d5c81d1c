//! Webhooks over HTTP: subscriptions and who may manage them, signed deliveries for a whole
//! journey through a receiver that fails at first, outages of the receiver and the mail server,
//! and two replicas (then one killed) on one PostgreSQL database delivering everything once.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use dealer_portal::clock::Clock;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::db_test;
use crate::helpers::*;
use crate::receiver::{Received, Receiver};
use crate::review::{act, moved};
use crate::smtp::SmtpServer;
use crate::stories::{Applicant, SUZHOU, signature};

const ALL_EVENTS: [&str; 5] = [
    "application.submitted",
    "application.status_changed",
    "loi.offered",
    "loi.signed",
    "partner.activated",
];

async fn subscribe(app: &TestApp, token: &str, url: &str, events: &[&str]) -> Value {
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(token),
            &json!({"url": url, "events": events}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    res.json().await.unwrap()
}

/// Checks the signature header against the secret and the body, as a receiver would.
fn verify_signature(secret: &str, received: &Received) {
    let (t, v1) = received
        .signature
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",v1="))
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", received.body).as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(v1, expected, "signature of {}", received.delivery_id);
    assert!(t.parse::<i64>().unwrap() > 1_700_000_000);
}

/// How many times each delivery was accepted.
fn accepted_counts(received: &[Received]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for r in received.iter().filter(|r| r.status < 300) {
        *counts.entry(r.delivery_id.clone()).or_insert(0) += 1;
    }
    counts
}

fn event_types(received: &[Received]) -> Vec<String> {
    received
        .iter()
        .map(|r| {
            serde_json::from_str::<Value>(&r.body).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// Advances the app's clock by an hour: every retry in the back-off is due again.
fn an_hour_later(app: &TestApp) -> impl Fn() + '_ {
    move || app.clock.advance(chrono::Duration::hours(1))
}

db_test!(
    async fn a_journey_arrives_signed_once_past_failures(app: TestApp) {
        let receiver = Receiver::start();
        let admin = app.admin("lead@maker.example").await;
        let created = subscribe(app, &admin, &receiver.url, &ALL_EVENTS).await;
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("whsec_"));
        receiver.fail_next(3);

        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.shortlisted(&r).await;
        moved(
            act(
                app,
                &r.admin,
                &r.id,
                json!({"action": "offer_loi", "loi": {"valid_days": 30, "stores": 1}}),
            )
            .await,
            "loi_offered",
        )
        .await;
        let letter: Value = app.get_json(&r.path("/loi"), Some(&r.owner)).await;
        let res = app
            .post(
                &r.path("/loi/signature"),
                Some(&r.owner),
                &signature(&letter["document_sha256"], "CEO"),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        moved(
            act(app, &r.admin, &r.id, json!({"action": "start_onboarding"})).await,
            "onboarding",
        )
        .await;
        let checklist: Value = app.get_json(&r.path("/onboarding"), Some(&r.admin)).await;
        for task in checklist["tasks"].as_array().unwrap() {
            let token = if task["owner"] == "partner" {
                &r.owner
            } else {
                &r.admin
            };
            let path = r.path(&format!("/onboarding/{}", task["code"].as_str().unwrap()));
            assert_eq!(
                app.patch(&path, Some(token), None, &json!({"done": true}))
                    .await
                    .status(),
                StatusCode::OK
            );
        }
        moved(
            act(app, &r.admin, &r.id, json!({"action": "activate"})).await,
            "active",
        )
        .await;
        // The owner was mailed at each step of the partnership.
        for subject in [
            "please review and sign",
            "Your group has signed",
            "Onboarding has started",
            "Welcome aboard",
        ] {
            app.smtp.wait_for("owner@dealer.example", subject).await;
        }

        // submit, start_review, shortlist, offer_loi, sign_loi, start_onboarding, activate, plus
        // application.submitted, loi.offered, loi.signed and partner.activated.
        let accepted = receiver.wait_accepted(11, an_hour_later(app)).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let received = receiver.received();
        let counts = accepted_counts(&received);
        assert_eq!(counts.len(), 11);
        assert!(counts.values().all(|n| *n == 1), "{counts:?}");
        assert_eq!(received.iter().filter(|r| r.status == 503).count(), 3);
        for r in &received {
            verify_signature(&secret, r);
        }
        let mut types = event_types(&accepted);
        types.sort();
        let mut expected = vec!["application.status_changed"; 7];
        expected.extend([
            "application.submitted",
            "loi.offered",
            "loi.signed",
            "partner.activated",
        ]);
        expected.sort();
        assert_eq!(types, expected);
        let body: Value = serde_json::from_str(&accepted[0].body).unwrap();
        assert!(body["id"].is_string() && body["created_at"].is_string());
        assert_eq!(body["data"]["application_id"], r.id.as_str());
        // A failed attempt was retried under the same delivery id.
        let failed_ids: BTreeSet<_> = received
            .iter()
            .filter(|r| r.status == 503)
            .map(|r| r.delivery_id.clone())
            .collect();
        assert!(failed_ids.iter().all(|id| counts.contains_key(id)));

        // The log shows the attempts; a redelivery sends the same delivery again.
        let id = created["id"].as_str().unwrap();
        let log: Value = app
            .get_json(
                &format!("/api/v1/webhooks/{id}/deliveries?limit=100"),
                Some(&admin),
            )
            .await;
        let items = log["items"].as_array().unwrap();
        assert_eq!(items.len(), 11);
        assert!(
            items
                .iter()
                .all(|d| d["delivered_at"].is_string() && d["next_attempt_at"].is_null())
        );
        assert_eq!(
            items
                .iter()
                .map(|d| d["attempts"].as_i64().unwrap())
                .sum::<i64>(),
            14
        );
        let again = items[0]["id"].as_str().unwrap();
        let res = app
            .post(
                &format!("/api/v1/webhooks/{id}/deliveries/{again}/redeliver"),
                Some(&admin),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        receiver.wait_accepted(12, || {}).await;
        assert_eq!(accepted_counts(&receiver.received())[again], 2);
        // An integrator that manages webhooks of its own neither reads nor redelivers the
        // admins' subscription: as if it did not exist.
        let (_, client) =
            integrator(app, &admin, json!(["webhooks:manage", "applications:read"])).await;
        for res in [
            app.get(&format!("/api/v1/webhooks/{id}/deliveries"), Some(&client))
                .await,
            app.post(
                &format!("/api/v1/webhooks/{id}/deliveries/{again}/redeliver"),
                Some(&client),
                &json!({}),
            )
            .await,
        ] {
            assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
        }
        // Unknown deliveries and subscriptions are 404.
        let nobody = "00000000-0000-4000-8000-000000000000";
        for path in [
            format!("/api/v1/webhooks/{id}/deliveries/{nobody}/redeliver"),
            format!("/api/v1/webhooks/{nobody}/deliveries/{again}/redeliver"),
        ] {
            assert_problem(
                app.post(&path, Some(&admin), &json!({})).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }
    }
);

db_test!(
    async fn who_may_subscribe_and_to_what(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app
            .reviewer(&admin, "reviewer@maker.example", &["320500"])
            .await;
        let (_, manager) =
            integrator(app, &admin, json!(["webhooks:manage", "applications:read"])).await;
        let (_, reader) = integrator(app, &admin, json!(["applications:read"])).await;
        let body = json!({"url": "http://127.0.0.1:9/hook", "events": ["loi.signed"]});
        for token in [&reviewer, &reader] {
            assert_problem(
                app.post("/api/v1/webhooks", Some(token), &body).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        // A client that may manage webhooks but not read applications hears nothing about them.
        let (_, blind) = integrator(app, &admin, json!(["webhooks:manage"])).await;
        for event in ALL_EVENTS {
            let body = json!({"url": "http://127.0.0.1:9/hook", "events": [event]});
            assert_problem(
                app.post("/api/v1/webhooks", Some(&blind), &body).await,
                StatusCode::FORBIDDEN,
                "insufficient_scope",
            )
            .await;
        }
        let list: Value = app.get_json("/api/v1/webhooks", Some(&blind)).await;
        assert_eq!(list["items"], json!([]));
        for (bad, field) in [
            (
                json!({"url": "ftp://example.com/x", "events": ["loi.signed"]}),
                "url",
            ),
            (
                json!({"url": "http://127.0.0.1:9/hook", "events": []}),
                "events",
            ),
            (
                json!({"url": "http://127.0.0.1:9/hook", "events": ["loi.burnt"]}),
                "events[0]",
            ),
        ] {
            let problem = assert_problem(
                app.post("/api/v1/webhooks", Some(&admin), &bad).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert_eq!(error_fields(&problem), [field], "{bad}");
        }

        // Each manager sees its own; admins see all.
        let mine = subscribe(app, &manager, "http://127.0.0.1:9/mine", &["loi.signed"]).await;
        let theirs = subscribe(app, &admin, "http://127.0.0.1:9/theirs", &["loi.offered"]).await;
        let list: Value = app.get_json("/api/v1/webhooks", Some(&manager)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert_eq!(list["items"][0]["id"], mine["id"]);
        assert!(list["items"][0].get("secret").is_none());
        let list: Value = app.get_json("/api/v1/webhooks", Some(&admin)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
        let theirs_path = format!("/api/v1/webhooks/{}", theirs["id"].as_str().unwrap());
        assert_problem(
            app.delete(&theirs_path, Some(&manager)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            app.get(&format!("{theirs_path}/deliveries"), Some(&manager))
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let mine_path = format!("/api/v1/webhooks/{}", mine["id"].as_str().unwrap());
        assert_eq!(
            app.delete(&mine_path, Some(&manager)).await.status(),
            StatusCode::NO_CONTENT
        );
        let list: Value = app.get_json("/api/v1/webhooks", Some(&manager)).await;
        assert_eq!(list["items"], json!([]));
    }
);

/// An integrator client with `scopes`, made by `admin`: its `id` and an access token.
pub async fn integrator(app: &TestApp, admin: &str, scopes: Value) -> (String, String) {
    let created: Value = app
        .post(
            "/api/v1/api-clients",
            Some(admin),
            &json!({"name": "CRM", "scopes": scopes}),
        )
        .await
        .json()
        .await
        .unwrap();
    let token: Value = app
        .post("/api/v1/auth/token", None, &json!({"grant_type": "client_credentials", "client_id": created["client_id"], "client_secret": created["client_secret"]}))
        .await
        .json()
        .await
        .unwrap();
    (
        created["id"].as_str().unwrap().to_owned(),
        access_token(&token),
    )
}

db_test!(
    async fn a_deleted_clients_subscriptions_end_with_it(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        // The admins' subscription shows when the worker has been round; the client's receiver
        // is down at first, so its deliveries wait for a retry.
        let control = Receiver::start();
        subscribe(app, &admin, &control.url, &ALL_EVENTS).await;
        let client_receiver = Receiver::start();
        client_receiver.set_down(true);
        let (client_id, client) =
            integrator(app, &admin, json!(["webhooks:manage", "applications:read"])).await;
        let subscription = subscribe(app, &client, &client_receiver.url, &ALL_EVENTS).await;

        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let before = control.wait_accepted(2, || {}).await.len();
        for _ in 0..300 {
            if !client_receiver.received().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(!client_receiver.received().is_empty());

        assert_eq!(
            app.delete(&format!("/api/v1/api-clients/{client_id}"), Some(&admin))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        client_receiver.set_down(false);
        // New events, and every retry due: the admins' subscription hears of them, the deleted
        // client's hears nothing more, old or new.
        app.shortlisted(&r).await;
        control.wait_accepted(before + 2, an_hour_later(app)).await;
        an_hour_later(app)();
        tokio::time::sleep(Duration::from_millis(500)).await;
        control.wait_accepted(before + 2, an_hour_later(app)).await;
        assert_eq!(client_receiver.accepted().len(), 0);
        // The subscription is gone from the admins' list too.
        let list: Value = app.get_json("/api/v1/webhooks", Some(&admin)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert_ne!(list["items"][0]["id"], subscription["id"]);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targets_inside_the_network_are_refused() {
    let setup = Setup {
        block_private_webhooks: true,
        ..Setup::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, setup).await.unwrap();
    let admin = app.admin("lead@maker.example").await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
    ] {
        let problem = assert_problem(
            app.post(
                "/api/v1/webhooks",
                Some(&admin),
                &json!({"url": url, "events": ["loi.signed"]}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "url", "{url}");
        assert_eq!(problem["errors"][0]["code"], "private_target", "{url}");
    }
    app.finish().await;
}

/// `n` groups each submit an application in Suzhou through `apps` in turn; their tokens.
async fn burst(apps: &[&TestApp], n: usize, offset: usize) -> Vec<(String, String)> {
    let mut submitted = Vec::new();
    for i in 0..n {
        let app = apps[i % apps.len()];
        let email = format!("owner{}@dealer.example", i + offset);
        let body = format!("913205001234{:05}", i + offset);
        let (token, _) = app.applicant_with_group(&email, &body).await;
        let owner = Applicant { email, token };
        let id = app.submitted_application(&owner, SUZHOU, "en").await;
        let email = owner.email;
        submitted.push((email, id));
    }
    submitted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outages_of_the_mail_server_and_the_receiver_lose_nothing_on_postgres() {
    outage(Backend::Postgres).await;
}

/// The jobs run once at start, then only when woken: an interval of an hour leaves every mail
/// and delivery below to the wake-ups of the handlers that committed them.
async fn committed_work_wakes_its_job_at_once(backend: Backend) {
    let setup = Setup {
        worker_interval: Some(Duration::from_secs(3600)),
        ..Setup::default()
    };
    let Some(app) = TestApp::spawn_with(backend, setup).await else {
        return;
    };
    let receiver = Receiver::start();
    let admin = app.admin("lead@maker.example").await;
    subscribe(&app, &admin, &receiver.url, &ALL_EVENTS).await;
    // Mail: verifying the applicant waits for its link, submitting for its receipt.
    let (owner, _) = app
        .applicant_with_group("owner@dealer.example", "91320500123456788")
        .await;
    let owner = Applicant {
        email: "owner@dealer.example".to_owned(),
        token: owner,
    };
    app.submitted_application(&owner, SUZHOU, "en").await;
    // Webhooks: application.submitted and application.status_changed.
    let accepted = receiver.wait_accepted(2, || {}).await;
    assert_eq!(accepted.len(), 2);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_work_wakes_its_job_at_once_on_sqlite() {
    committed_work_wakes_its_job_at_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_work_wakes_its_job_at_once_on_postgres() {
    committed_work_wakes_its_job_at_once(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outages_of_the_mail_server_and_the_receiver_lose_nothing_on_sqlite() {
    outage(Backend::Sqlite).await;
}

async fn outage(backend: Backend) {
    let parked = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = parked.local_addr().unwrap().port();
    drop(parked);
    let setup = Setup {
        smtp_down_on: Some(port),
        ..Setup::default()
    };
    let Some(app) = TestApp::spawn_with(backend, setup).await else {
        return;
    };
    let receiver = Receiver::start();
    receiver.set_down(true);
    let admin = app.admin("lead@maker.example").await;
    subscribe(&app, &admin, &receiver.url, &["application.submitted"]).await;

    // Verification mails cannot go out: verify the addresses behind the API's back.
    let mut owners = Vec::new();
    for i in 0..4 {
        let email = format!("owner{i}@dealer.example");
        app.register(&email).await;
        verify_directly(&app, &email).await;
        let token = access_token(&app.tokens(&email, PASSWORD).await);
        let res = app
            .post(
                "/api/v1/dealer-groups",
                Some(&token),
                &crate::dealer_groups::profile(
                    &format!("{email} 集团"),
                    &crate::dealer_groups::uscc(&format!("913205001234{i:05}")),
                ),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        // The receipt cannot go out yet: submit without waiting for it.
        let id = app.draft_application(&token, SUZHOU).await;
        moved(
            act(&app, &token, &id, json!({"action": "submit"})).await,
            "under_review",
        )
        .await;
        owners.push(email);
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(receiver.accepted().is_empty());
    assert!(!receiver.received().is_empty(), "the receiver was tried");

    // Both come back; after the back-off everything arrives, once.
    let smtp = SmtpServer::start_on(bind_again(port).await);
    receiver.set_down(false);
    receiver.wait_accepted(4, an_hour_later(&app)).await;
    for email in &owners {
        for _ in 0..100 {
            if smtp
                .received()
                .iter()
                .any(|m| m.to.contains(email) && m.subject.contains("We have received"))
            {
                break;
            }
            app.clock.advance(chrono::Duration::hours(1));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    for email in &owners {
        let submitted_mails = smtp
            .received()
            .into_iter()
            .filter(|m| m.to.contains(email) && m.subject.contains("We have received"))
            .count();
        assert_eq!(submitted_mails, 1, "{email}");
    }
    let counts = accepted_counts(&receiver.received());
    assert_eq!(counts.len(), 4);
    assert!(counts.values().all(|n| *n == 1));
    app.finish().await;
}

async fn verify_directly(app: &TestApp, email: &str) {
    let db = app.state.db.clone();
    let email = email.to_owned();
    let now = app.clock.now();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        let user = dealer_portal::db::users::find_by_email(&mut conn, &email)
            .unwrap()
            .unwrap();
        dealer_portal::db::users::mark_email_verified(&mut conn, user.id, now).unwrap();
    })
    .await
    .unwrap();
}

/// Two replicas on one PostgreSQL database share the work: every mail and webhook goes out
/// once. Then a third process is killed mid-way, and the survivor finishes its work.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_on_one_database_deliver_everything_once_and_survive_a_killed_peer() {
    let Some(first) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let receiver = Receiver::start();
    let second = first.replica(Backend::Postgres).await;
    let admin = first.admin("lead@maker.example").await;
    subscribe(&first, &admin, &receiver.url, &ALL_EVENTS).await;

    let submitted = burst(&[&first, &second], 6, 0).await;
    // Two events per submission.
    receiver.wait_accepted(12, || {}).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let counts = accepted_counts(&receiver.received());
    assert_eq!(counts.len(), 12);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    for (email, _) in &submitted {
        let mails = first
            .smtp
            .received()
            .into_iter()
            .filter(|m| m.to.contains(email) && m.subject.contains("We have received"))
            .count();
        assert_eq!(mails, 1, "{email}");
    }

    // A third replica, a real process, takes requests and is killed before its work is done.
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut third = std::process::Command::new(env!("CARGO_BIN_EXE_dealer-portal"))
        .env("DATABASE_URL", &first.database_url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("JWT_SECRET", JWT_SECRET)
        .env("SMTP_URL", first.smtp.url())
        .env("WEBHOOK_ALLOW_PRIVATE_TARGETS", "1")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let third_address = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if reqwest::get(format!("{third_address}/readyz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    receiver.set_down(true);
    let (owner, _) = second
        .applicant_with_group("late@dealer.example", "91320500123499999")
        .await;
    let res = first
        .client
        .post(format!("{third_address}/api/v1/applications"))
        .bearer_auth(&owner)
        .json(&crate::applications::application("320500"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = first
        .client
        .post(format!(
            "{third_address}/api/v1/applications/{id}/transitions"
        ))
        .bearer_auth(&owner)
        .header("If-Match", "\"1\"")
        .json(&json!({"action": "submit"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Let it try (and fail) once, then kill it without a goodbye.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    third.kill().unwrap();
    third.wait().unwrap();
    receiver.set_down(false);

    // The survivor delivers what the dead process left: past any lease, past the back-off.
    let total = receiver
        .wait_accepted(14, || second.clock.advance(chrono::Duration::minutes(30)))
        .await;
    let counts = accepted_counts(&total);
    assert_eq!(counts.len(), 14);
    for _ in 0..100 {
        if first.smtp.received().iter().any(|m| {
            m.to.contains(&"late@dealer.example".to_owned())
                && m.subject.contains("We have received")
        }) {
            break;
        }
        second.clock.advance(chrono::Duration::minutes(30));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Taken (all of them: the killed process may have sent it before it died).
    let late = first.smtp.take_all_to("late@dealer.example");
    assert!(
        late.iter().any(|m| m.subject.contains("We have received")),
        "{late:#?}"
    );
    second.shutdown().await;
    first.finish().await;
}

/// The port a server let go, bound again: under a busy suite another socket (an outgoing
/// connection's ephemeral port) may hold it a moment.
async fn bind_again(port: u16) -> std::net::TcpListener {
    for _ in 0..50 {
        if let Ok(listener) = std::net::TcpListener::bind(("127.0.0.1", port)) {
            return listener;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("port {port} stayed in use");
}

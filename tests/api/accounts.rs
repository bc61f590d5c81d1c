//! The account life cycle: register, verify, sign in, refresh, sign out, reset the password.

use std::time::Duration;

use dealer_portal::auth::jwt::{JwtKeys, SubjectKind};
use dealer_portal::config::RateLimitSettings;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::*;

/// The app with these auth rate limits a minute (integrator clients: 100).
fn limited(per_address: u32, per_account: u32) -> Setup {
    Setup {
        rate_limits: RateLimitSettings {
            per_address_per_minute: per_address,
            per_account_per_minute: per_account,
            per_client_per_minute: 100,
        },
        ..Setup::default()
    }
}

db_test!(
    async fn an_applicant_registers_verifies_and_signs_in(app: TestApp) {
        let user = app.register("Li.Wei@Example.com").await;
        assert_eq!(user["email"], "li.wei@example.com");
        assert_eq!(user["role"], "applicant");
        assert_eq!(user["email_verified"], false);
        assert!(user["dealer_group_id"].is_null());

        let tokens = app.tokens("li.wei@example.com", PASSWORD).await;
        assert_eq!(tokens["token_type"], "Bearer");
        assert_eq!(tokens["expires_in"], 900);
        let access = access_token(&tokens);
        let me: Value = app.get_json("/api/v1/me", Some(&access)).await;
        assert_eq!(me["id"], user["id"]);
        assert_eq!(me["email_verified"], false);

        let mail = app
            .smtp
            .wait_for("li.wei@example.com", "Confirm your e-mail address")
            .await;
        assert!(
            mail.body.contains("http://portal.test/verify-email?token="),
            "{}",
            mail.body
        );
        let res = app
            .post(
                "/api/v1/auth/verify-email",
                None,
                &json!({"token": mail.token()}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let me: Value = app.get_json("/api/v1/me", Some(&access)).await;
        assert_eq!(me["email_verified"], true);

        // The link works once.
        let res = app
            .post(
                "/api/v1/auth/verify-email",
                None,
                &json!({"token": mail.token()}),
            )
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_token").await;
    }
);

db_test!(
    async fn a_verification_link_expires(app: TestApp) {
        app.register("late@example.com").await;
        let mail = app.smtp.wait_for("late@example.com", "Confirm").await;
        app.clock.advance(chrono::Duration::hours(49));
        let res = app
            .post(
                "/api/v1/auth/verify-email",
                None,
                &json!({"token": mail.token()}),
            )
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_token").await;
    }
);

db_test!(
    async fn mail_is_written_in_the_recipients_language(app: TestApp) {
        let res = app
            .post("/api/v1/auth/register", None, &json!({"email": "zh@example.com", "password": PASSWORD, "display_name": "张伟", "locale": "zh-CN"}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let mail = app
            .smtp
            .wait_for("zh@example.com", "请验证您的电子邮件地址")
            .await;
        assert!(mail.body.contains("张伟，您好"));

        // Without a saved choice, the request's language decides.
        let res = app
            .request(reqwest::Method::POST, "/api/v1/auth/register", None)
            .header("Accept-Language", "en-US")
            .json(&json!({"email": "en@example.com", "password": PASSWORD, "display_name": "Ann"}))
            .send()
            .await
            .unwrap();
        let user: Value = res.json().await.unwrap();
        assert_eq!(user["locale"], "en");
        app.smtp
            .wait_for("en@example.com", "Confirm your e-mail address")
            .await;
    }
);

db_test!(
    async fn an_address_registers_once(app: TestApp) {
        app.registered("once@example.com").await;
        let res = app
            .post("/api/v1/auth/register", None, &json!({"email": "ONCE@Example.com", "password": PASSWORD, "display_name": "Again"}))
            .await;
        assert_problem(res, StatusCode::CONFLICT, "email_taken").await;
    }
);

db_test!(
    async fn wrong_password_and_unknown_address_look_the_same(app: TestApp) {
        app.registered("known@example.com").await;
        let wrong_password = app.login("known@example.com", "not the password!").await;
        let wrong_password = assert_problem(
            wrong_password,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
        let unknown = app.login("nobody@example.com", PASSWORD).await;
        assert!(unknown.headers().contains_key("www-authenticate"));
        let unknown =
            assert_problem(unknown, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        assert_eq!(wrong_password["detail"], unknown["detail"]);
    }
);

db_test!(
    async fn refresh_rotates_and_a_reused_token_revokes_the_chain(app: TestApp) {
        app.registered("rotate@example.com").await;
        let first = app.tokens("rotate@example.com", PASSWORD).await;
        let refresh = |token: Value| {
            let app = &app;
            async move {
                app.post(
                    "/api/v1/auth/refresh",
                    None,
                    &json!({"refresh_token": token}),
                )
                .await
            }
        };

        let res = refresh(first["refresh_token"].clone()).await;
        assert_eq!(res.status(), StatusCode::OK);
        let second: Value = res.json().await.unwrap();
        assert_ne!(second["refresh_token"], first["refresh_token"]);
        assert_eq!(
            app.get("/api/v1/me", Some(&access_token(&second)))
                .await
                .status(),
            StatusCode::OK
        );

        // The used token comes back (a thief replaying it): refused, and the chain is revoked,
        // so the legitimate holder of the newer token must sign in again too.
        let res = refresh(first["refresh_token"].clone()).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
        let res = refresh(second["refresh_token"].clone()).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;

        // Another sign-in is a separate chain and still works.
        let other = app.tokens("rotate@example.com", PASSWORD).await;
        assert_eq!(
            refresh(other["refresh_token"].clone()).await.status(),
            StatusCode::OK
        );

        let res = refresh(json!("made-up")).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    }
);

db_test!(
    async fn concurrent_refreshes_with_one_token_yield_one_new_pair(app: TestApp) {
        app.registered("race@example.com").await;
        let pair = app.tokens("race@example.com", PASSWORD).await;
        let body = json!({"refresh_token": pair["refresh_token"]});
        let (a, b) = tokio::join!(
            app.post("/api/v1/auth/refresh", None, &body),
            app.post("/api/v1/auth/refresh", None, &body)
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 401]);
    }
);

db_test!(
    async fn sign_out_ends_the_session(app: TestApp) {
        app.registered("out@example.com").await;
        let pair = app.tokens("out@example.com", PASSWORD).await;
        let access = access_token(&pair);
        let body = json!({"refresh_token": pair["refresh_token"]});
        let res = app.post("/api/v1/auth/logout", None, &body).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
        let res = app.post("/api/v1/auth/logout", Some(&access), &body).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let res = app.post("/api/v1/auth/refresh", None, &body).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
        // Twice is harmless.
        assert_eq!(
            app.post("/api/v1/auth/logout", Some(&access), &body)
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
    }
);

db_test!(
    async fn tampered_expired_and_foreign_tokens_are_refused(app: TestApp) {
        let user = app.registered("tokens@example.com").await;
        let access = access_token(&app.tokens("tokens@example.com", PASSWORD).await);

        let mut tampered = access.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        let expired = JwtKeys::new(&SecretString::from(JWT_SECRET), Duration::from_secs(900))
            .issue(
                user["id"].as_str().unwrap().parse().unwrap(),
                SubjectKind::User,
                chrono::Utc::now() - chrono::Duration::hours(1),
            )
            .unwrap();
        let foreign = JwtKeys::new(
            &SecretString::from("someone else's secret"),
            Duration::from_secs(900),
        )
        .issue(
            user["id"].as_str().unwrap().parse().unwrap(),
            SubjectKind::User,
            chrono::Utc::now(),
        )
        .unwrap();
        for token in [
            tampered.as_str(),
            expired.as_str(),
            foreign.as_str(),
            "garbage",
        ] {
            let res = app.get("/api/v1/me", Some(token)).await;
            assert_eq!(
                res.headers()["www-authenticate"],
                r#"Bearer realm="dealer-portal""#
            );
            assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
        }
        let res = app
            .request(reqwest::Method::GET, "/api/v1/me", None)
            .header("Authorization", format!("Basic {access}"))
            .send()
            .await
            .unwrap();
        assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
        assert_eq!(
            app.get("/api/v1/me", Some(&access)).await.status(),
            StatusCode::OK
        );
    }
);

db_test!(
    async fn a_password_reset_works_once_and_signs_out_everywhere(app: TestApp) {
        app.registered("reset@example.com").await;
        let old = app.tokens("reset@example.com", PASSWORD).await;

        // Unknown addresses get the same answer and no mail.
        let res = app
            .post(
                "/api/v1/auth/password-reset",
                None,
                &json!({"email": "ghost@example.com"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        let res = app
            .post(
                "/api/v1/auth/password-reset",
                None,
                &json!({"email": "reset@example.com"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        let mail = app
            .smtp
            .wait_for("reset@example.com", "Reset your password")
            .await;
        assert!(
            app.smtp
                .received()
                .iter()
                .all(|m| !m.to.contains(&"ghost@example.com".to_owned()))
        );

        let new_password = "a brand new long password";
        let confirm = json!({"token": mail.token(), "new_password": new_password});
        let res = app
            .post(
                "/api/v1/auth/password-reset/confirm",
                None,
                &json!({"token": mail.token(), "new_password": "short"}),
            )
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["new_password"]);
        let res = app
            .post("/api/v1/auth/password-reset/confirm", None, &confirm)
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let res = app
            .post("/api/v1/auth/password-reset/confirm", None, &confirm)
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_token").await;

        assert_problem(
            app.login("reset@example.com", PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
        app.tokens("reset@example.com", new_password).await;
        let res = app
            .post(
                "/api/v1/auth/refresh",
                None,
                &json!({"refresh_token": old["refresh_token"]}),
            )
            .await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
        // Reading the mail proved the address.
        let access = access_token(&app.tokens("reset@example.com", new_password).await);
        let me: Value = app.get_json("/api/v1/me", Some(&access)).await;
        assert_eq!(me["email_verified"], true);
    }
);

db_test!(
    async fn a_password_reset_ends_every_session_and_voids_the_other_links(app: TestApp) {
        app.registered("reset@example.com").await;
        let old = app.tokens("reset@example.com", PASSWORD).await;
        assert_eq!(
            app.get("/api/v1/me", Some(&access_token(&old)))
                .await
                .status(),
            StatusCode::OK
        );
        // Two links asked for; the first is used, in the very second the old tokens were issued.
        let mut links = Vec::new();
        for _ in 0..2 {
            app.ask_password_reset("reset@example.com").await;
            let mail = app.smtp.wait_for("reset@example.com", "Reset your").await;
            links.push(mail.token());
        }
        let new_password = "a brand new long password";
        let res = app.confirm_password_reset(&links[0], new_password).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);

        // The access token issued before the reset is refused, though it has not expired.
        app.assert_signed_out(&old).await;
        // The other link no longer works: whoever holds it cannot set the password again.
        let res = app
            .confirm_password_reset(&links[1], "the thief's long password")
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_token").await;

        // Signing in again, still in the same second, works, and so does its refresh.
        let new = app.tokens("reset@example.com", new_password).await;
        assert_eq!(
            app.get("/api/v1/me", Some(&access_token(&new)))
                .await
                .status(),
            StatusCode::OK
        );
        let res = app.refresh(&new).await;
        assert_eq!(res.status(), StatusCode::OK);
        let renewed: Value = res.json().await.unwrap();
        app.clock.advance(chrono::Duration::seconds(5));
        let me = app.get("/api/v1/me", Some(&access_token(&renewed))).await;
        assert_eq!(me.status(), StatusCode::OK);
        app.assert_signed_out(&old).await;
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_rate_limited_per_address() {
    let setup = limited(3, 100);
    let app = TestApp::spawn_with(Backend::Sqlite, setup).await.unwrap();
    for i in 0..3 {
        let res = app.login(&format!("user{i}@example.com"), PASSWORD).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(res.headers()["ratelimit-limit"], "3");
        assert_eq!(
            res.headers()["ratelimit-remaining"],
            (2 - i).to_string().as_str()
        );
    }
    let res = app.login("user9@example.com", PASSWORD).await;
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let res = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            &json!({"email": "x@example.com"}),
        )
        .await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Other endpoints are not throttled.
    assert_eq!(app.get("/readyz", None).await.status(), StatusCode::OK);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_rate_limited_per_account() {
    let setup = limited(100, 2);
    let app = TestApp::spawn_with(Backend::Sqlite, setup).await.unwrap();
    app.registered("target@example.com").await;
    for _ in 0..2 {
        assert_eq!(
            app.login("target@example.com", "guess guess guess")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password waits now: the account is under attack.
    assert_problem(
        app.login("TARGET@example.com", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    assert_eq!(
        app.login("other@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

// How long a reset request takes must not tell whether an account has the address: the answer
// comes before the address is looked up. With the database held by another writer, the request
// is still answered at once, and the link follows when the database is free.
db_test!(
    async fn a_reset_request_is_answered_before_the_address_is_looked_up(app: TestApp) {
        app.registered("held@example.com").await;
        let (locked, release) = hold_the_users_table(app);
        locked.await.unwrap();
        let started = std::time::Instant::now();
        let answer = tokio::time::timeout(
            Duration::from_secs(3),
            app.post(
                "/api/v1/auth/password-reset",
                None,
                &json!({"email": "held@example.com"}),
            ),
        )
        .await
        .expect("answered while the database is held");
        assert_eq!(answer.status(), StatusCode::ACCEPTED);
        assert!(started.elapsed() < Duration::from_secs(3));
        release.send(()).unwrap();
        app.smtp
            .wait_for("held@example.com", "Reset your password")
            .await;
    }
);

/// Takes a lock on another connection that stops every unit of work (SQLite: the write lock;
/// PostgreSQL: the users table) until `release` is sent; `locked` says when it is held.
fn hold_the_users_table(
    app: &TestApp,
) -> (
    tokio::sync::oneshot::Receiver<()>,
    std::sync::mpsc::Sender<()>,
) {
    use diesel::connection::SimpleConnection;
    let (locked_tx, locked) = tokio::sync::oneshot::channel();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    let db = app.state.db.clone();
    std::thread::spawn(move || {
        let mut conn = db.conn().unwrap();
        let lock = match &*conn {
            dealer_portal::db::DbConnection::Sqlite(_) => "BEGIN IMMEDIATE",
            dealer_portal::db::DbConnection::Postgresql(_) => {
                "BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE"
            }
        };
        conn.batch_execute(lock).unwrap();
        locked_tx.send(()).unwrap();
        // Until released, or for at most ten seconds if the test failed before releasing.
        let _ = release_rx.recv_timeout(Duration::from_secs(10));
        conn.batch_execute("COMMIT").unwrap();
    });
    (locked, release)
}

db_test!(
    async fn a_bogus_reset_token_is_refused_before_any_password_is_hashed(app: TestApp) {
        let res = app
            .post(
                "/api/v1/auth/password-reset/confirm",
                None,
                &json!({"token": "no-such-token", "new_password": "a new password 123"}),
            )
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_token").await;
        // The token was checked first: argon2's 19 MiB and its CPU were never spent.
        assert_eq!(app.state.auth.hashing.done(), 0);
    }
);

db_test!(
    setup: limited(2, 100);
    async fn password_reset_confirmations_are_rate_limited_per_address(app: TestApp) {
        let guess = json!({"token": "guess", "new_password": "a new password 123"});
        let path = "/api/v1/auth/password-reset/confirm";
        for _ in 0..2 {
            let res = app.post(path, None, &guess).await;
            assert_problem(res, StatusCode::BAD_REQUEST, "invalid_token").await;
        }
        let res = app.post(path, None, &guess).await;
        assert!(res.headers().contains_key("retry-after"));
        assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    }
);

/// Signs in as `email` from the client address `from` (the app trusts `X-Forwarded-For`).
async fn login_from(app: &TestApp, from: &str, email: &str, password: &str) -> reqwest::Response {
    app.request(reqwest::Method::POST, "/api/v1/auth/login", None)
        .header("X-Forwarded-For", from)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

db_test!(
    setup: Setup {
        trust_proxy_headers: true,
        ..limited(100, 2)
    };
    async fn guesses_from_elsewhere_do_not_lock_the_owner_out(app: TestApp) {
        app.registered("owner@example.com").await;
        let attacker = "203.0.113.7";
        for _ in 0..2 {
            let res = login_from(app, attacker, "owner@example.com", "guess guess guess").await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        // The attacker is refused, and the headers describe the account's limit that refused
        // (2 a minute), not the address's (100), under which the request still was.
        let res = login_from(app, attacker, "owner@example.com", "guess guess guess").await;
        assert_eq!(res.headers()["ratelimit-limit"], "2");
        assert_eq!(res.headers()["ratelimit-remaining"], "0");
        let reset: u64 = res.headers()["ratelimit-reset"].to_str().unwrap().parse().unwrap();
        let retry_after: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert_eq!(reset, retry_after);
        assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
        // The owner, at their own address, still gets in.
        let res = login_from(app, "198.51.100.20", "owner@example.com", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK);
        // A request under every limit reports the address's.
        let res = login_from(app, "198.51.100.20", "other@example.com", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(res.headers()["ratelimit-limit"], "100");
    }
);

/// Asks for another verification e-mail.
async fn resend_verification(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    app.request(
        reqwest::Method::POST,
        "/api/v1/auth/verify-email/resend",
        token,
    )
    .send()
    .await
    .unwrap()
}

db_test!(
    async fn a_resent_verification_mail_brings_a_fresh_link_and_voids_the_old(app: TestApp) {
        app.register_in("again@example.com", "zh-CN").await;
        let first = app.smtp.wait_for("again@example.com", "请验证").await;
        let access = access_token(&app.tokens("again@example.com", PASSWORD).await);

        let res = resend_verification(app, Some(&access)).await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        assert!(res.headers().contains_key("ratelimit-remaining"));
        // In the account's language first, like every mail.
        let second = app.smtp.wait_for("again@example.com", "请验证").await;
        assert!(second.body.contains("Li Wei，您好"), "{}", second.body);
        assert_ne!(second.token(), first.token());

        // Only the newest link works.
        let verify = |token: String| async move {
            app.post("/api/v1/auth/verify-email", None, &json!({"token": token}))
                .await
        };
        assert_problem(
            verify(first.token()).await,
            StatusCode::BAD_REQUEST,
            "invalid_token",
        )
        .await;
        assert_eq!(
            verify(second.token()).await.status(),
            StatusCode::NO_CONTENT
        );
        let me: Value = app.get_json("/api/v1/me", Some(&access)).await;
        assert_eq!(me["email_verified"], true);

        // Once verified: 409 (in the caller's language) and no mail.
        let res = app
            .request(
                reqwest::Method::POST,
                "/api/v1/auth/verify-email/resend",
                Some(&access),
            )
            .header("Accept-Language", "zh-CN")
            .send()
            .await
            .unwrap();
        let problem = assert_problem(res, StatusCode::CONFLICT, "already_verified").await;
        assert_eq!(problem["title"], "电子邮件地址已验证");
        assert_eq!(
            crate::mail::outbox_rows_to(app, "again@example.com")
                .await
                .len(),
            2
        );
    }
);

db_test!(
    async fn resending_the_verification_mail_needs_a_signed_in_person(app: TestApp) {
        let res = resend_verification(app, None).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
        let res = resend_verification(app, Some("not.a.token")).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
        // A staff member invited by an admin verified the address by setting a password.
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app.reviewer(&admin, "rev@maker.example", &["320500"]).await;
        let res = resend_verification(app, Some(&reviewer)).await;
        assert_problem(res, StatusCode::CONFLICT, "already_verified").await;
        assert_eq!(
            crate::mail::outbox_rows_to(app, "rev@maker.example")
                .await
                .len(),
            1
        );
    }
);

db_test!(
    setup: limited(100, 2);
    async fn resending_the_verification_mail_is_rate_limited_per_account(app: TestApp) {
        app.registered("eager@example.com").await;
        let access = access_token(&app.tokens("eager@example.com", PASSWORD).await);
        for _ in 0..2 {
            let res = resend_verification(app, Some(&access)).await;
            assert_eq!(res.status(), StatusCode::ACCEPTED);
            app.smtp.wait_for("eager@example.com", "Confirm").await;
        }
        // Refused by the account's limit (2 a minute), which the headers describe.
        let res = resend_verification(app, Some(&access)).await;
        assert_eq!(res.headers()["ratelimit-limit"], "2");
        assert_eq!(res.headers()["ratelimit-remaining"], "0");
        let retry_after: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry_after));
        assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
        // No mail for the refused call: the registration's and the two resent.
        assert_eq!(crate::mail::outbox_rows_to(app, "eager@example.com").await.len(), 3);
        // Another account is not held back.
        app.registered("calm@example.com").await;
        let calm = access_token(&app.tokens("calm@example.com", PASSWORD).await);
        assert_eq!(resend_verification(app, Some(&calm)).await.status(), StatusCode::ACCEPTED);
        app.smtp.wait_for("calm@example.com", "Confirm").await;
    }
);

db_test!(
    setup: Setup {
        trust_proxy_headers: true,
        ..limited(2, 100)
    };
    async fn resending_the_verification_mail_is_rate_limited_per_address(app: TestApp) {
        // Registered and signed in from elsewhere, so that only the resends count here.
        let res = app
            .request(reqwest::Method::POST, "/api/v1/auth/register", None)
            .header("X-Forwarded-For", "198.51.100.1")
            .json(&json!({"email": "busy@example.com", "password": PASSWORD, "display_name": "Busy", "locale": "en"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        app.smtp.wait_for("busy@example.com", "Confirm").await;
        let pair: Value = login_from(app, "198.51.100.2", "busy@example.com", PASSWORD)
            .await
            .json()
            .await
            .unwrap();
        let access = access_token(&pair);
        let resend = || {
            app.request(reqwest::Method::POST, "/api/v1/auth/verify-email/resend", Some(&access))
                .header("X-Forwarded-For", "203.0.113.50")
                .send()
        };
        for remaining in ["1", "0"] {
            let res = resend().await.unwrap();
            assert_eq!(res.status(), StatusCode::ACCEPTED);
            assert_eq!(res.headers()["ratelimit-limit"], "2");
            assert_eq!(res.headers()["ratelimit-remaining"], remaining);
            app.smtp.wait_for("busy@example.com", "Confirm").await;
        }
        let res = resend().await.unwrap();
        assert!(res.headers().contains_key("retry-after"));
        assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
        assert_eq!(crate::mail::outbox_rows_to(app, "busy@example.com").await.len(), 3);
    }
);

db_test!(
    async fn staff_cannot_clear_their_digest_setting_with_null(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let res = app
            .patch(
                "/api/v1/me",
                Some(&admin),
                Some("*"),
                &json!({"daily_digest": null}),
            )
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "daily_digest", "{problem}");
        let me: Value = app.get_json("/api/v1/me", Some(&admin)).await;
        assert_eq!(me["daily_digest"], true);
    }
);

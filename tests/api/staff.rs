//! Admins invite and manage recruitment staff.

use std::time::Duration;

use dealer_portal::auth::principal_cache::TTL;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::*;

db_test!(
    async fn an_admin_invites_a_reviewer_who_sets_a_password_and_signs_in(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let res = app
            .post(
                "/api/v1/staff",
                Some(&admin),
                &json!({"email": "Rev@Maker.example", "display_name": "Zhang Min", "role": "reviewer", "city_codes": ["330200", "320500", "320500"]}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(res.headers()["etag"], "\"1\"");
        let member: Value = res.json().await.unwrap();
        assert_eq!(member["email"], "rev@maker.example");
        assert_eq!(member["role"], "reviewer");
        assert_eq!(member["city_codes"], json!(["320500", "330200"]));
        assert_eq!(member["email_verified"], false);

        // The invitation is in Chinese by default, from the inviting admin, with a set-password link.
        let mail = app.smtp.wait_for("rev@maker.example", "邀请您加入").await;
        assert!(
            mail.body.contains("Admin") && mail.body.contains("评审员"),
            "{}",
            mail.body
        );
        // No password yet: nothing signs in.
        assert_problem(
            app.login("rev@maker.example", "").await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_problem(
            app.login("rev@maker.example", PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;

        let res = app
            .post(
                "/api/v1/auth/password-reset/confirm",
                None,
                &json!({"token": mail.token(), "new_password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let token = access_token(&app.tokens("rev@maker.example", PASSWORD).await);
        let me: Value = app.get_json("/api/v1/me", Some(&token)).await;
        assert_eq!(me["role"], "reviewer");
        assert_eq!(me["email_verified"], true);
    }
);

db_test!(
    async fn only_admins_manage_staff(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let applicant = app.verified_applicant("dealer@example.com").await;
        let reviewer = app.reviewer(&admin, "rev@maker.example", &["320500"]).await;
        let invite = json!({"email": "x@maker.example", "display_name": "X", "role": "admin"});
        assert_problem(
            app.post("/api/v1/staff", None, &invite).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
        for token in [&applicant, &reviewer] {
            assert_problem(
                app.post("/api/v1/staff", Some(token), &invite).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
            assert_problem(
                app.get("/api/v1/staff", Some(token)).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        // Nothing was created by the refused calls.
        let list: Value = app.get_json("/api/v1/staff", Some(&admin)).await;
        let emails: Vec<_> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["email"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(emails, ["lead@maker.example", "rev@maker.example"]);
    }
);

db_test!(
    async fn invitations_are_validated(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let res = app
            .post("/api/v1/staff", Some(&admin), &json!({"email": "r@maker.example", "display_name": "R", "role": "reviewer", "city_codes": ["320500", "999999"]}))
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["city_codes[1]"]);
        assert_eq!(problem["errors"][0]["code"], "unknown_city");

        let res = app
            .post(
                "/api/v1/staff",
                Some(&admin),
                &json!({"email": "r@maker.example", "display_name": "R", "role": "reviewer"}),
            )
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["city_codes"]);

        let res = app
            .post(
                "/api/v1/staff",
                Some(&admin),
                &json!({"email": "r@maker.example", "display_name": "R", "role": "owner"}),
            )
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["role"]);

        let res = app
            .post(
                "/api/v1/staff",
                Some(&admin),
                &json!({"email": "lead@maker.example", "display_name": "R", "role": "admin"}),
            )
            .await;
        assert_problem(res, StatusCode::CONFLICT, "email_taken").await;
        // None of the refused invitations sent mail.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(app.smtp.received().is_empty());
    }
);

db_test!(
    async fn staff_changes_need_the_version_and_take_effect_at_once(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app.reviewer(&admin, "rev@maker.example", &["320500"]).await;
        let list: Value = app.get_json("/api/v1/staff", Some(&admin)).await;
        let member = &list["items"][1];
        assert_eq!(member["email"], "rev@maker.example");
        // Accepting the invitation changed the member (now verified): version 2.
        assert_eq!(member["version"], 2);
        let path = format!("/api/v1/staff/{}", member["id"].as_str().unwrap());

        let change = json!({"city_codes": ["330200"]});
        assert_problem(
            app.patch(&path, Some(&admin), None, &change).await,
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
        )
        .await;
        assert_problem(
            app.patch(&path, Some(&admin), Some("\"7\""), &change).await,
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
        )
        .await;
        let res = app
            .patch(
                &path,
                Some(&admin),
                Some("\"2\""),
                &json!({"city_codes": ["330200", "000000"]}),
            )
            .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

        let res = app.patch(&path, Some(&admin), Some("\"2\""), &change).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["etag"], "\"3\"");
        let member: Value = res.json().await.unwrap();
        assert_eq!(member["city_codes"], json!(["330200"]));
        assert_eq!(member["version"], 3);

        // Deactivation locks the account out at once, token and password alike, although the
        // reviewer's last request has just been confirmed.
        assert_eq!(
            app.get("/api/v1/me", Some(&reviewer)).await.status(),
            StatusCode::OK
        );
        let res = app
            .patch(&path, Some(&admin), Some("3"), &json!({"active": false}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_problem(
            app.get("/api/v1/me", Some(&reviewer)).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
        assert_problem(
            app.login("rev@maker.example", PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;

        let unknown = format!("/api/v1/staff/{}", uuid::Uuid::new_v4());
        assert_problem(
            app.patch(&unknown, Some(&admin), Some("1"), &change).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
);

db_test!(
    async fn two_admins_editing_at_once_cannot_overwrite_each_other(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        app.reviewer(&admin, "rev@maker.example", &["320500"]).await;
        let list: Value = app.get_json("/api/v1/staff", Some(&admin)).await;
        let id = list["items"][1]["id"].as_str().unwrap().to_owned();
        let version = list["items"][1]["version"].to_string();
        let path = format!("/api/v1/staff/{id}");
        let first = json!({"city_codes": ["330200"]});
        let second = json!({"city_codes": ["320100"]});
        let (a, b) = tokio::join!(
            app.patch(&path, Some(&admin), Some(&version), &first),
            app.patch(&path, Some(&admin), Some(&version), &second)
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 412]);
    }
);

db_test!(
    async fn admins_cannot_lock_themselves_out(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let me: Value = app.get_json("/api/v1/me", Some(&admin)).await;
        let path = format!("/api/v1/staff/{}", me["id"].as_str().unwrap());
        for change in [json!({"active": false}), json!({"role": "reviewer"})] {
            let res = app.patch(&path, Some(&admin), Some("1"), &change).await;
            assert_problem(res, StatusCode::CONFLICT, "cannot_change_own_account").await;
        }
    }
);

db_test!(
    async fn the_staff_list_pages_with_a_cursor(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        for i in 0..3 {
            let res = app
                .post("/api/v1/staff", Some(&admin), &json!({"email": format!("r{i}@maker.example"), "display_name": "R", "role": "reviewer", "city_codes": ["320500"]}))
                .await;
            assert_eq!(res.status(), StatusCode::CREATED);
            // No locale given: the invitation is in Chinese.
            app.smtp
                .wait_for(&format!("r{i}@maker.example"), "邀请您加入")
                .await;
        }
        let mut seen = Vec::new();
        let mut path = "/api/v1/staff?limit=2".to_owned();
        loop {
            let page: Value = app.get_json(&path, Some(&admin)).await;
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 2);
            seen.extend(
                items
                    .iter()
                    .map(|m| m["email"].as_str().unwrap().to_owned()),
            );
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/staff?limit=2&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(
            seen,
            [
                "lead@maker.example",
                "r0@maker.example",
                "r1@maker.example",
                "r2@maker.example"
            ]
        );
    }
);

db_test!(
    async fn a_retried_invitation_creates_one_account_and_sends_one_mail(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let invite = json!({"email": "rev@maker.example", "display_name": "R", "role": "reviewer", "city_codes": ["320500"]});
        let send = || {
            app.request(reqwest::Method::POST, "/api/v1/staff", Some(&admin))
                .header("Idempotency-Key", "invite-rev-1")
                .json(&invite)
                .send()
        };
        let first = send().await.unwrap();
        assert_eq!(first.status(), StatusCode::CREATED);
        let first: Value = first.json().await.unwrap();
        let second = send().await.unwrap();
        assert_eq!(second.status(), StatusCode::CREATED);
        assert_eq!(second.headers()["idempotent-replayed"], "true");
        assert_eq!(second.json::<Value>().await.unwrap()["id"], first["id"]);
        app.smtp.wait_for("rev@maker.example", "邀请").await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(app.smtp.received().len(), 1);
    }
);

/// Another replica learns of a deactivation from the database within the principal cache's
/// lifetime.
#[tokio::test]
async fn a_deactivation_reaches_the_other_replicas_within_a_second() {
    let Some(first) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let second = first.replica(Backend::Postgres).await;
    let admin = first.admin("lead@maker.example").await;
    let reviewer = first
        .reviewer(&admin, "rev@maker.example", &["320500"])
        .await;
    assert_eq!(
        second.get("/api/v1/me", Some(&reviewer)).await.status(),
        StatusCode::OK
    );
    let list: Value = first.get_json("/api/v1/staff", Some(&admin)).await;
    let member = &list["items"][1];
    let path = format!("/api/v1/staff/{}", member["id"].as_str().unwrap());
    let res = first
        .patch(
            &path,
            Some(&admin),
            Some(&member["version"].to_string()),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let deactivated = std::time::Instant::now();

    // Generous against a slow machine; what matters is that it ends, and soon.
    let deadline = TTL + Duration::from_secs(2);
    loop {
        let status = second.get("/api/v1/me", Some(&reviewer)).await.status();
        if status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert_eq!(status, StatusCode::OK);
        assert!(
            deactivated.elapsed() < deadline,
            "still admitted {:?} after the deactivation",
            deactivated.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    second.shutdown().await;
    first.finish().await;
}

db_test!(
    async fn a_new_role_or_deactivation_ends_the_members_sessions(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        app.reviewer(&admin, "rev@maker.example", &["320500"]).await;
        let pair = app.tokens("rev@maker.example", PASSWORD).await;
        let list: Value = app.get_json("/api/v1/staff", Some(&admin)).await;
        let path = format!("/api/v1/staff/{}", list["items"][1]["id"].as_str().unwrap());
        let change = |version: &'static str, body: Value| {
            let (app, admin, path) = (&app, &admin, &path);
            async move {
                let res = app.patch(path, Some(admin), Some(version), &body).await;
                assert_eq!(res.status(), StatusCode::OK);
            }
        };

        // Cities alone change nothing of the sessions.
        change("2", json!({"city_codes": ["330200"]})).await;
        let me: Value = app.get_json("/api/v1/me", Some(&access_token(&pair))).await;
        assert_eq!(me["role"], "reviewer");

        // A new role: the tokens issued for the old one stop working.
        change("3", json!({"role": "admin"})).await;
        app.assert_signed_out(&pair).await;
        let promoted = app.tokens("rev@maker.example", PASSWORD).await;
        let me: Value = app
            .get_json("/api/v1/me", Some(&access_token(&promoted)))
            .await;
        assert_eq!(me["role"], "admin");

        // Deactivated, then active again: the tokens from before stay dead.
        change("4", json!({"active": false})).await;
        change("5", json!({"active": true})).await;
        app.assert_signed_out(&promoted).await;
        app.tokens("rev@maker.example", PASSWORD).await;
    }
);

db_test!(
    async fn who_may_call_is_decided_before_the_body_is_judged(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app.reviewer(&admin, "rev@maker.example", &["320500"]).await;
        let staff = app.get_json("/api/v1/staff", Some(&admin)).await;
        let id = staff["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == "rev@maker.example")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let res = app
            .patch(
                &format!("/api/v1/staff/{id}"),
                Some(&admin),
                Some("*"),
                &json!({"active": false}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        // The deactivated reviewer's confirmation now waits on the database, while the bad body
        // is read at once: the answer is still the refusal, every time.
        for _ in 0..5 {
            let res = app
                .request(
                    Method::PUT,
                    &format!("/api/v1/applications/{}/reviews", uuid::Uuid::now_v7()),
                    Some(&reviewer),
                )
                .json(&json!({"scores": "all fives", "extra": true}))
                .send()
                .await
                .unwrap();
            assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
        }
    }
);

//! Integrator credentials and the client-credentials grant.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::*;

db_test!(
    async fn an_integrator_gets_a_scoped_token_until_its_client_is_deleted(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let res = app
            .post(
                "/api/v1/api-clients",
                Some(&admin),
                &json!({"name": "CRM mirror", "scopes": ["webhooks:manage", "applications:read"]}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let created: Value = res.json().await.unwrap();
        let client_id = created["client_id"].as_str().unwrap().to_owned();
        let secret = created["client_secret"].as_str().unwrap().to_owned();
        assert_eq!(
            created["scopes"],
            json!(["applications:read", "webhooks:manage"])
        );

        // The secret is shown once: the list does not carry it.
        let list: Value = app.get_json("/api/v1/api-clients", Some(&admin)).await;
        assert_eq!(list["items"][0]["client_id"], client_id.as_str());
        assert!(list["items"][0].get("client_secret").is_none());

        let res = app
            .post("/api/v1/auth/token", None, &json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let token: Value = res.json().await.unwrap();
        assert_eq!(token["scope"], "applications:read webhooks:manage");
        let access = access_token(&token);

        // The form encoding of RFC 6749 works too.
        let res = app
            .request(reqwest::Method::POST, "/api/v1/auth/token", None)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);

        // A client is not a person and not staff.
        assert_problem(
            app.get("/api/v1/me", Some(&access)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get("/api/v1/staff", Some(&access)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get("/api/v1/api-clients", Some(&access)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;

        let id = created["id"].as_str().unwrap();
        assert_eq!(
            app.delete(&format!("/api/v1/api-clients/{id}"), Some(&admin))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        assert_problem(
            app.get("/api/v1/me", Some(&access)).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
        let res = app
            .post("/api/v1/auth/token", None, &json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}))
            .await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        assert_problem(
            app.delete(&format!("/api/v1/api-clients/{id}"), Some(&admin))
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
);

db_test!(
    async fn bad_client_credentials_and_requests_are_refused(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let created: Value = app
            .post(
                "/api/v1/api-clients",
                Some(&admin),
                &json!({"name": "Warehouse", "scopes": ["applications:read"]}),
            )
            .await
            .json()
            .await
            .unwrap();
        let res = app
            .post("/api/v1/auth/token", None, &json!({"grant_type": "client_credentials", "client_id": created["client_id"], "client_secret": "wrong"}))
            .await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        let res = app
            .post("/api/v1/auth/token", None, &json!({"grant_type": "password", "client_id": created["client_id"], "client_secret": "x"}))
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["grant_type"]);

        let res = app
            .post(
                "/api/v1/api-clients",
                Some(&admin),
                &json!({"name": "X", "scopes": ["root"]}),
            )
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["scopes[0]"]);
        let res = app
            .post(
                "/api/v1/api-clients",
                Some(&admin),
                &json!({"name": "X", "scopes": []}),
            )
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["scopes"]);

        let applicant = app.verified_applicant("dealer@example.com").await;
        let res = app
            .post(
                "/api/v1/api-clients",
                Some(&applicant),
                &json!({"name": "X", "scopes": ["applications:read"]}),
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        let list: Value = app.get_json("/api/v1/api-clients", Some(&admin)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_integrator_is_rate_limited_per_client() {
    let setup = Setup {
        rate_limits: dealer_portal::config::RateLimitSettings {
            per_client_per_minute: 2,
            ..Default::default()
        },
        ..Setup::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, setup).await.unwrap();
    let admin = app.admin("lead@maker.example").await;
    let created: Value = app
        .post(
            "/api/v1/api-clients",
            Some(&admin),
            &json!({"name": "Busy", "scopes": ["applications:read"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let token: Value = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"grant_type": "client_credentials", "client_id": created["client_id"], "client_secret": created["client_secret"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let access = access_token(&token);
    for remaining in ["1", "0"] {
        let res = app.get("/api/v1/me", Some(&access)).await;
        assert_eq!(res.headers()["ratelimit-remaining"], remaining);
    }
    let res = app.get("/api/v1/me", Some(&access)).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // People are not counted against it.
    for _ in 0..3 {
        assert_eq!(
            app.get("/api/v1/me", Some(&admin)).await.status(),
            StatusCode::OK
        );
    }
    app.finish().await;
}

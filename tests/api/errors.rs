//! Bad input of every kind gets a problem body naming what is wrong, never a 500.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::db_test;
use crate::helpers::*;

db_test!(
    async fn unknown_routes_and_wrong_methods_are_problems(app: TestApp) {
        let res = app.get("/api/v1/nothing-here", None).await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
        let res = app
            .request(Method::DELETE, "/api/v1/auth/login", None)
            .send()
            .await
            .unwrap();
        assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
        let res = app
            .request(Method::PUT, "/healthz", None)
            .send()
            .await
            .unwrap();
        assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    }
);

db_test!(
    async fn malformed_bodies_are_bad_requests(app: TestApp) {
        let res = app
            .request(Method::POST, "/api/v1/auth/login", None)
            .header("content-type", "application/json")
            .body("{\"email\": ")
            .send()
            .await
            .unwrap();
        assert_problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;

        let res = app
            .request(Method::POST, "/api/v1/auth/login", None)
            .header("content-type", "text/plain")
            .body("email=a")
            .send()
            .await
            .unwrap();
        assert_problem(
            res,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;

        let res = app
            .request(Method::POST, "/api/v1/auth/login", None)
            .send()
            .await
            .unwrap();
        assert_problem(
            res,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
    }
);

db_test!(
    async fn oversized_bodies_are_refused(app: TestApp) {
        let huge = "x".repeat(300 * 1024);
        let res = app
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": huge, "password": "x"}),
            )
            .await;
        assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    }
);

db_test!(
    async fn every_failing_field_is_named_and_nothing_is_written(app: TestApp) {
        let res = app
            .post(
                "/api/v1/auth/register",
                None,
                &json!({"email": "not-an-address", "password": "short", "display_name": ""}),
            )
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(
            error_fields(&problem),
            ["display_name", "email", "password"]
        );
        let password = &problem["errors"][2];
        assert_eq!(password["code"], "length");
        assert_eq!(password["message"], "must be 12 to 128 characters long");

        // A wrong type or an unknown enum value names the field too.
        let res = app
            .post(
                "/api/v1/auth/register",
                None,
                &json!({"email": "a@example.com", "password": PASSWORD, "display_name": "A", "locale": "fr"}),
            )
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["locale"]);
        assert_eq!(problem["errors"][0]["code"], "invalid_type");

        let res = app
            .post(
                "/api/v1/auth/register",
                None,
                &json!({"email": "a@example.com", "display_name": "A"}),
            )
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "password");
        assert_eq!(problem["errors"][0]["code"], "required");

        // None of these created the account.
        let res = app.login("a@example.com", PASSWORD).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        assert!(app.smtp.received().is_empty());
    }
);

db_test!(
    async fn problems_speak_the_callers_language(app: TestApp) {
        let res = app
            .request(Method::GET, "/api/v1/nothing-here", None)
            .header("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
            .send()
            .await
            .unwrap();
        let problem = assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
        assert_eq!(problem["title"], "未找到");

        let res = app
            .request(Method::POST, "/api/v1/auth/register", None)
            .header("Accept-Language", "zh-CN")
            .json(&json!({"email": "x@example.com", "password": "short", "display_name": "X"}))
            .send()
            .await
            .unwrap();
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(
            problem["errors"][0]["message"],
            "长度必须在 12 到 128 个字符之间"
        );

        let res = app
            .request(Method::GET, "/api/v1/nothing-here", None)
            .header("Accept-Language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(
            assert_problem(res, StatusCode::NOT_FOUND, "not_found").await["title"],
            "Not found"
        );
    }
);

db_test!(
    async fn a_malformed_id_or_cursor_is_a_clear_error(app: TestApp) {
        let admin = app.admin("admin@maker.example").await;
        let res = app
            .patch(
                "/api/v1/staff/not-a-uuid",
                Some(&admin),
                Some("1"),
                &json!({}),
            )
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
        let res = app.get("/api/v1/staff?cursor=forged", Some(&admin)).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["cursor"]);
        let res = app.get("/api/v1/staff?limit=1000", Some(&admin)).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["limit"]);
        let res = app.get("/api/v1/staff?limit=many", Some(&admin)).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["limit"]);
    }
);

//! The recruitment plan: public reading, admin changes.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::*;

db_test!(
    async fn the_first_plan_is_there_on_first_start(app: TestApp) {
        let res = app.get("/api/v1/cities", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let cities: Vec<Value> = res.json().await.unwrap();
        assert_eq!(cities.len(), 17);
        let suzhou = cities.iter().find(|c| c["code"] == "320500").unwrap();
        assert_eq!(suzhou["name_en"], "Suzhou");
        assert_eq!(suzhou["name_zh"], "苏州");
        assert_eq!(suzhou["province"], "Jiangsu");
        assert_eq!(suzhou["quota"], 2);
        assert_eq!(suzhou["status"], "open");
        assert_eq!(suzhou["committed"], 0);
        assert!(suzhou["window_opens_at"].is_null());

        let res = app.get("/api/v1/cities/610100", None).await;
        assert_eq!(res.headers()["etag"], "\"1\"");
        assert_eq!(res.json::<Value>().await.unwrap()["name_en"], "Xi'an");
        assert_problem(
            app.get("/api/v1/cities/999999", None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
);

db_test!(
    async fn admins_add_cities_and_change_the_plan(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let new_city = json!({"code": "310100", "name_en": "Shanghai", "name_zh": "上海", "province": "Shanghai", "quota": 3});
        let res = app.post("/api/v1/cities", Some(&admin), &new_city).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let city: Value = res.json().await.unwrap();
        assert_eq!(city["status"], "open");
        assert_problem(
            app.post("/api/v1/cities", Some(&admin), &new_city).await,
            StatusCode::CONFLICT,
            "city_exists",
        )
        .await;

        let path = "/api/v1/cities/310100";
        let change = json!({"quota": 5, "status": "paused", "window_opens_at": "2027-01-01T00:00:00Z", "window_closes_at": "2027-03-31T00:00:00Z"});
        assert_problem(
            app.patch(path, Some(&admin), None, &change).await,
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
        )
        .await;
        assert_problem(
            app.patch(path, Some(&admin), Some("\"9\""), &change).await,
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
        )
        .await;
        let res = app.patch(path, Some(&admin), Some("\"1\""), &change).await;
        assert_eq!(res.status(), StatusCode::OK);
        let city: Value = res.json().await.unwrap();
        assert_eq!(
            (
                city["quota"].clone(),
                city["status"].clone(),
                city["version"].clone()
            ),
            (json!(5), json!("paused"), json!(2))
        );
        assert_eq!(city["window_opens_at"], "2027-01-01T00:00:00Z");

        // null removes a bound; leaving a field out keeps it.
        let res = app
            .patch(
                path,
                Some(&admin),
                Some("2"),
                &json!({"window_opens_at": null}),
            )
            .await;
        let city: Value = res.json().await.unwrap();
        assert!(city["window_opens_at"].is_null());
        assert_eq!(city["window_closes_at"], "2027-03-31T00:00:00Z");
        assert_eq!(city["quota"], 5);
    }
);

db_test!(
    async fn bad_plan_changes_are_refused_and_change_nothing(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let applicant = app.verified_applicant("dealer@example.com").await;
        let city = json!({"code": "31010", "name_en": "", "name_zh": "上海", "province": "Shanghai", "quota": -1});
        let problem = assert_problem(
            app.post("/api/v1/cities", Some(&admin), &city).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["name_en", "quota"]);
        let city = json!({"code": "31010A", "name_en": "S", "name_zh": "上海", "province": "Shanghai", "quota": 1});
        let problem = assert_problem(
            app.post("/api/v1/cities", Some(&admin), &city).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["code"]);
        let city = json!({"code": "310100", "name_en": "S", "name_zh": "上海", "province": "Shanghai", "quota": 1});
        assert_problem(
            app.post("/api/v1/cities", Some(&applicant), &city).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.post("/api/v1/cities", None, &city).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;

        let path = "/api/v1/cities/320500";
        let backwards = json!({"window_opens_at": "2027-03-01T00:00:00Z", "window_closes_at": "2027-01-01T00:00:00Z"});
        let problem = assert_problem(
            app.patch(path, Some(&admin), Some("1"), &backwards).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["window_closes_at"]);
        let problem = assert_problem(
            app.patch(path, Some(&admin), Some("1"), &json!({"status": "shut"}))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["status"]);
        assert_problem(
            app.patch(path, Some(&applicant), Some("1"), &json!({"quota": 9}))
                .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;

        let city: Value = app.get_json(path, None).await;
        assert_eq!(
            (city["quota"].clone(), city["version"].clone()),
            (json!(2), json!(1))
        );
        let list: Vec<Value> =
            serde_json::from_value(app.get_json("/api/v1/cities", None).await).unwrap();
        assert_eq!(list.len(), 17);
    }
);

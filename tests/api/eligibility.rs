//! The eligibility criteria: versioned, validated, staff-readable, admin-editable.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::db_test;
use crate::helpers::*;

db_test!(
    async fn admins_publish_new_criteria_versions(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app.reviewer(&admin, "rev@maker.example", &["320500"]).await;
        let applicant = app.verified_applicant("dealer@example.com").await;

        let current: Value = app
            .get_json("/api/v1/eligibility-criteria", Some(&reviewer))
            .await;
        assert_eq!(current["version"], 1);
        let rules = &current["rules"];
        assert_eq!(
            rules["ranking_or_regional_strength"]["min_province_stores"],
            3
        );
        assert_eq!(
            rules["ranking_or_regional_strength"]["min_annual_revenue_cny"],
            500_000_000
        );
        assert_eq!(rules["commercial_district_site"]["min_frontage_m"], 26.0);
        assert_eq!(rules["after_sales_capability"]["max_repair_class"], 2);
        assert_problem(
            app.get("/api/v1/eligibility-criteria", Some(&applicant))
                .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;

        let mut changed = serde_json::json!({"rules": rules.clone()});
        changed["rules"]["customer_resources"]["active_customers"][0]["min"] = 3_000.into();
        let put = |token: &str, body: &Value| {
            app.request(Method::PUT, "/api/v1/eligibility-criteria", Some(token))
                .json(body)
                .send()
        };
        assert_problem(
            put(&reviewer, &changed).await.unwrap(),
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let res = put(&admin, &changed).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.json::<Value>().await.unwrap()["version"], 2);

        let mut bad = changed.clone();
        bad["rules"]["financial_strength"]["max_points"] = 20.into();
        bad["rules"]["customer_resources"]["active_customers"][1]["min"] = 1.into();
        let problem = assert_problem(
            put(&admin, &bad).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let fields = error_fields(&problem);
        assert!(fields.contains(&"rules".to_owned()), "{fields:?}");
        assert!(
            fields.contains(&"rules.customer_resources.active_customers[1].min".to_owned()),
            "{fields:?}"
        );
        let mut wrong_type = changed.clone();
        wrong_type["rules"]["commercial_district_site"]["site_types"][0] = "moon_base".into();
        let problem = assert_problem(
            put(&admin, &wrong_type).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_fields(&problem),
            ["rules.commercial_district_site.site_types[0]"]
        );

        let current: Value = app
            .get_json("/api/v1/eligibility-criteria", Some(&admin))
            .await;
        assert_eq!(current["version"], 2);
        assert_eq!(
            current["rules"]["customer_resources"]["active_customers"][0]["min"],
            3_000
        );
    }
);

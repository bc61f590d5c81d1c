//! Applications: drafts, edits with If-Match, submission with its eligibility report, who sees
//! what, and retries with Idempotency-Key.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::*;

pub fn application(city: &str) -> Value {
    json!({
        "city_code": city,
        "store_format": "2S",
        "proposed_sites": [{
            "address": "88 Xinghu Street",
            "district": "Suzhou Industrial Park",
            "site_type": "auto_business_district",
            "commercial_plaza": null,
            "site_area_sqm": 3200.0,
            "frontage_m": 30.0,
            "showroom_height_m": 6.5,
            "showroom_sqm": 450.0,
            "workshop_sqm": 800.0,
            "lease_status": "negotiating"
        }],
        "investment_cny": 30_000_000,
        "planned_opening": "2027-06-01",
        "customer_base": {"active_customers": 25_000, "annual_service_visits": 40_000},
        "notes": "Next to the maker's Suzhou Center store",
        "acknowledgements": ["agency_sales_no_resale", "no_vehicle_delivery"]
    })
}

async fn transition(
    app: &TestApp,
    token: &str,
    id: &str,
    version: &str,
    action: &str,
) -> reqwest::Response {
    app.request(
        Method::POST,
        &format!("/api/v1/applications/{id}/transitions"),
        Some(token),
    )
    .header("If-Match", version)
    .json(&json!({"action": action}))
    .send()
    .await
    .unwrap()
}

db_test!(
    async fn a_group_applies_edits_submits_and_reads_its_eligibility(app: TestApp) {
        let (owner, group_id) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let res = app
            .post("/api/v1/applications", Some(&owner), &application("320500"))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let draft: Value = res.json().await.unwrap();
        assert_eq!(draft["status"], "draft");
        assert_eq!(draft["status_label"], "Draft");
        assert_eq!(draft["dealer_group_id"], group_id.as_str());
        assert_eq!(draft["allowed_actions"], json!(["submit", "withdraw"]));
        assert!(draft["score"].is_null());
        let id = draft["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/applications/{id}");

        // Edit with the version read.
        let mut edited = application("320500");
        edited["investment_cny"] = json!(35_000_000);
        assert_problem(
            app.patch(&path, Some(&owner), None, &edited).await,
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
        )
        .await;
        assert_problem(
            app.patch(&path, Some(&owner), Some("\"5\""), &edited).await,
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
        )
        .await;
        let mut moved = edited.clone();
        moved["city_code"] = json!("330200");
        let problem = assert_problem(
            app.patch(&path, Some(&owner), Some("1"), &moved).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["city_code"]);
        let res = app.patch(&path, Some(&owner), Some("\"1\""), &edited).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["etag"], "\"2\"");

        // No report before submission.
        assert_problem(
            app.get(&format!("{path}/eligibility"), Some(&owner)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let res = transition(app, &owner, &id, "2", "submit").await;
        assert_eq!(res.status(), StatusCode::OK);
        let submitted: Value = res.json().await.unwrap();
        // The applicant is told the public status.
        assert_eq!(submitted["status"], "under_review");
        assert_eq!(submitted["status_label"], "In review");
        assert_eq!(submitted["version"], 3);
        assert!(submitted["submitted_at"].is_string());
        assert_eq!(submitted["allowed_actions"], json!(["withdraw"]));
        app.smtp
            .wait_for(
                "owner@dealer.example",
                "We have received your application for Suzhou",
            )
            .await;

        let report: Value = app
            .get_json(&format!("{path}/eligibility"), Some(&owner))
            .await;
        assert_eq!(report["criteria_version"], 1);
        assert_eq!(report["eligible"], true, "{report:#}");
        let codes: Vec<_> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            [
                "ranking_or_regional_strength",
                "commercial_district_site",
                "after_sales_capability",
                "nev_or_luxury_experience",
                "customer_resources",
                "financial_strength"
            ]
        );
        // The regional route: 8 stores in Jiangsu, revenue 800 M.
        assert_eq!(report["checks"][0]["detail"]["stores_in_province"], 8);
        assert_eq!(report["score"], submitted["score"]);
        // Best brand BYD (NEV), 4 years and 5,200 units: 10 + 20 (Porsche would give 20 + 5);
        // 25,000 customers: 20; capital 200 M: 10 and revenue 800 M: 5.
        assert_eq!(report["score"], 30 + 20 + 15);
        assert_eq!(report["checks"][3]["detail"]["best_brand"]["brand"], "BYD");

        // Submitted: no more edits, no second submit.
        assert_problem(
            app.patch(&path, Some(&owner), Some("3"), &edited).await,
            StatusCode::CONFLICT,
            "not_editable",
        )
        .await;
        let res = transition(app, &owner, &id, "3", "submit").await;
        let problem = assert_problem(res, StatusCode::CONFLICT, "invalid_transition").await;
        assert_eq!(problem["allowed_actions"], json!(["withdraw"]));

        // The report stays as made, even when the criteria change later.
        let admin = app.admin("lead@maker.example").await;
        let mut rules: Value = app
            .get_json("/api/v1/eligibility-criteria", Some(&admin))
            .await;
        rules["rules"]["customer_resources"]["active_customers"][1]["min"] = json!(30_000);
        let res = app
            .request(Method::PUT, "/api/v1/eligibility-criteria", Some(&admin))
            .json(&json!({"rules": rules["rules"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let again: Value = app
            .get_json(&format!("{path}/eligibility"), Some(&owner))
            .await;
        assert_eq!(again, report);
    }
);

db_test!(
    async fn applicants_see_their_own_and_reviewers_their_cities(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let (other, _) = app
            .applicant_with_group("other@dealer.example", "91320200MA1XY1234")
            .await;
        let admin = app.admin("lead@maker.example").await;
        let suzhou_reviewer = app
            .reviewer(&admin, "suzhou@maker.example", &["320500"])
            .await;
        let ningbo_reviewer = app
            .reviewer(&admin, "ningbo@maker.example", &["330200"])
            .await;

        let id = app.draft_application(&owner, "320500").await;
        let path = format!("/api/v1/applications/{id}");
        let mine = app.draft_application(&other, "330200").await;

        for (token, visible) in [
            (&owner, true),
            (&other, false),
            (&suzhou_reviewer, true),
            (&ningbo_reviewer, false),
            (&admin, true),
        ] {
            let res = app.get(&path, Some(token)).await;
            if visible {
                assert_eq!(res.status(), StatusCode::OK);
            } else {
                assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
            }
        }
        // Nobody but the owner moves or edits it; strangers do not learn it exists.
        assert_problem(
            transition(app, &other, &id, "1", "submit").await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            transition(app, &ningbo_reviewer, &id, "1", "submit").await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            transition(app, &suzhou_reviewer, &id, "1", "submit").await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.patch(&path, Some(&other), Some("1"), &application("320500"))
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            app.get(&format!("{path}/eligibility"), Some(&other)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;

        let ids = |page: Value| {
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        let list = |token: &str| {
            let app = &app;
            let token = token.to_owned();
            async move { app.get_json("/api/v1/applications", Some(&token)).await }
        };
        assert_eq!(ids(list(&owner).await), std::slice::from_ref(&id));
        assert_eq!(ids(list(&suzhou_reviewer).await), std::slice::from_ref(&id));
        assert_eq!(ids(list(&ningbo_reviewer).await), [mine]);
        assert_eq!(ids(list(&admin).await).len(), 2);
    }
);

db_test!(
    async fn integrators_read_with_their_scope_only(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        app.draft_application(&owner, "320500").await;
        let admin = app.admin("lead@maker.example").await;
        let mut tokens = Vec::new();
        for scopes in [json!(["applications:read"]), json!(["webhooks:manage"])] {
            let client: Value = app
                .post(
                    "/api/v1/api-clients",
                    Some(&admin),
                    &json!({"name": "X", "scopes": scopes}),
                )
                .await
                .json()
                .await
                .unwrap();
            let token: Value = app
                .post("/api/v1/auth/token", None, &json!({"grant_type": "client_credentials", "client_id": client["client_id"], "client_secret": client["client_secret"]}))
                .await
                .json()
                .await
                .unwrap();
            tokens.push(access_token(&token));
        }
        let page: Value = app
            .get_json(
                "/api/v1/applications?updated_since=2000-01-01T00:00:00Z",
                Some(&tokens[0]),
            )
            .await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(page["items"][0]["allowed_actions"], json!([]));
        let page: Value = app
            .get_json(
                "/api/v1/applications?updated_since=2999-01-01T00:00:00Z",
                Some(&tokens[0]),
            )
            .await;
        assert!(page["items"].as_array().unwrap().is_empty());
        assert_problem(
            app.get("/api/v1/applications", Some(&tokens[1])).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.post(
                "/api/v1/applications",
                Some(&tokens[0]),
                &application("320500"),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
);

db_test!(
    async fn one_live_application_per_group_and_city(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let first: Value = app
            .post("/api/v1/applications", Some(&owner), &application("320500"))
            .await
            .json()
            .await
            .unwrap();
        assert_problem(
            app.post("/api/v1/applications", Some(&owner), &application("320500"))
                .await,
            StatusCode::CONFLICT,
            "application_exists",
        )
        .await;
        assert_eq!(
            app.post("/api/v1/applications", Some(&owner), &application("330200"))
                .await
                .status(),
            StatusCode::CREATED
        );
        // Withdrawn, the city is free again.
        let id = first["id"].as_str().unwrap();
        assert_eq!(
            transition(app, &owner, id, "1", "withdraw").await.status(),
            StatusCode::OK
        );
        app.smtp
            .wait_for("owner@dealer.example", "has been withdrawn")
            .await;
        assert_eq!(
            app.post("/api/v1/applications", Some(&owner), &application("320500"))
                .await
                .status(),
            StatusCode::CREATED
        );

        let groupless = app.verified_applicant("nogroup@dealer.example").await;
        assert_problem(
            app.post(
                "/api/v1/applications",
                Some(&groupless),
                &application("320500"),
            )
            .await,
            StatusCode::CONFLICT,
            "no_dealer_group",
        )
        .await;
    }
);

db_test!(
    async fn retries_with_an_idempotency_key_create_one_application(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let send = |key: &str, body: Value| {
            app.request(Method::POST, "/api/v1/applications", Some(&owner))
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
        };
        let first = send("k-1", application("320500")).await.unwrap();
        assert_eq!(first.status(), StatusCode::CREATED);
        let location = first.headers()["location"].clone();
        let first: Value = first.json().await.unwrap();
        let again = send("k-1", application("320500")).await.unwrap();
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(again.headers()["location"], location);
        assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);

        let problem = assert_problem(
            send("k-1", application("330200")).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["Idempotency-Key"]);
        let page: Value = app.get_json("/api/v1/applications", Some(&owner)).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        // A day later the key is forgotten.
        app.clock.advance(chrono::Duration::hours(25));
        assert_problem(
            send("k-1", application("320500")).await.unwrap(),
            StatusCode::CONFLICT,
            "application_exists",
        )
        .await;
    }
);

db_test!(
    async fn submission_needs_a_verified_address_and_an_open_city(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let admin = app.admin("lead@maker.example").await;
        let draft: Value = app
            .post("/api/v1/applications", Some(&owner), &application("320500"))
            .await
            .json()
            .await
            .unwrap();
        let id = draft["id"].as_str().unwrap().to_owned();
        let res = app
            .patch(
                "/api/v1/cities/320500",
                Some(&admin),
                Some("1"),
                &json!({"status": "paused"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        // The draft says so before anyone tries, in the list as in the application.
        let path = format!("/api/v1/applications/{id}");
        let paused: Value = app.get_json(&path, Some(&owner)).await;
        assert_eq!(paused["allowed_actions"], json!(["withdraw"]));
        assert_eq!(
            paused["blocked_actions"],
            json!([{
                "action": "submit",
                "code": "city_closed",
                "message": "The city is paused, closed or outside its application window."
            }])
        );
        let list: Value = app.get_json("/api/v1/applications", Some(&owner)).await;
        assert_eq!(
            list["items"][0]["blocked_actions"],
            paused["blocked_actions"]
        );
        assert_problem(
            transition(app, &owner, &id, "1", "submit").await,
            StatusCode::CONFLICT,
            "city_not_accepting",
        )
        .await;
        let res = app
            .patch(
                "/api/v1/cities/320500",
                Some(&admin),
                Some("2"),
                &json!({"status": "open", "window_closes_at": "2020-01-01T00:00:00Z"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let closed: Value = app.get_json(&path, Some(&owner)).await;
        assert_eq!(closed["blocked_actions"], paused["blocked_actions"]);
        assert_problem(
            transition(app, &owner, &id, "1", "submit").await,
            StatusCode::CONFLICT,
            "city_not_accepting",
        )
        .await;
        // Nothing moved, no report was kept.
        let current: Value = app
            .get_json(&format!("/api/v1/applications/{id}"), Some(&owner))
            .await;
        assert_eq!(
            (current["status"].clone(), current["version"].clone()),
            (json!("draft"), json!(1))
        );
        assert_problem(
            app.get(
                &format!("/api/v1/applications/{id}/eligibility"),
                Some(&owner),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
);

db_test!(
    async fn bad_applications_name_every_field(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let mut bad = application("999999");
        bad["proposed_sites"][0]["frontage_m"] = json!(-1.0);
        bad["customer_base"]["active_customers"] = json!(-5);
        bad["investment_cny"] = json!(-1);
        let problem = assert_problem(
            app.post("/api/v1/applications", Some(&owner), &bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_fields(&problem),
            [
                "customer_base.active_customers",
                "investment_cny",
                "proposed_sites[0].frontage_m"
            ]
        );
        let problem = assert_problem(
            app.post("/api/v1/applications", Some(&owner), &application("999999"))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["city_code"]);
        let mut wrong = application("320500");
        wrong["proposed_sites"][0]["site_type"] = json!("rooftop");
        let problem = assert_problem(
            app.post("/api/v1/applications", Some(&owner), &wrong).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["proposed_sites[0].site_type"]);
        let page: Value = app.get_json("/api/v1/applications", Some(&owner)).await;
        assert!(page["items"].as_array().unwrap().is_empty());
        // No sites yet is not an error in a draft: it is what submitting still needs.
        let mut no_sites = application("320500");
        no_sites["proposed_sites"] = json!([]);
        let res = app
            .post("/api/v1/applications", Some(&owner), &no_sites)
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let draft: Value = res.json().await.unwrap();
        assert_eq!(draft["missing_fields"], json!(["proposed_sites"]));
    }
);

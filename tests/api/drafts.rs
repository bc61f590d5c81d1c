//! Forms a front end can fill as the user types: drafts saved incomplete and checked at submit,
//! every PATCH a JSON Merge Patch, `If-Match: *`, and 422s that name every failing field at once.

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::applications::application;
use crate::db_test;
use crate::helpers::*;
use crate::review::{act, moved};
use crate::stories::SUZHOU;

/// A merge patch sent as `application/merge-patch+json`.
async fn merge_patch(
    app: &TestApp,
    path: &str,
    token: &str,
    if_match: &str,
    patch: &Value,
) -> Response {
    app.request(Method::PATCH, path, Some(token))
        .header("Content-Type", "application/merge-patch+json")
        .header("If-Match", if_match)
        .body(patch.to_string())
        .send()
        .await
        .unwrap()
}

/// The fields of a 422, sorted, each with its code.
fn failures(problem: &Value) -> Vec<(String, String)> {
    let mut found = error_codes(problem);
    found.sort();
    found
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected
        .iter()
        .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
        .collect();
    pairs.sort();
    pairs
}

db_test!(
    async fn a_city_only_draft_is_refused_at_submit_naming_what_is_missing(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let res = app
            .post(
                "/api/v1/applications",
                Some(&owner),
                &json!({"city_code": SUZHOU}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let draft: Value = res.json().await.unwrap();
        assert_eq!(draft["status"], "draft");
        assert_eq!(draft["store_format"], "2S");
        assert_eq!(draft["proposed_sites"], json!([]));
        assert!(draft["investment_cny"].is_null());
        let missing = json!([
            "proposed_sites",
            "investment_cny",
            "planned_opening",
            "customer_base",
            "acknowledgements.agency_sales_no_resale",
            "acknowledgements.no_vehicle_delivery"
        ]);
        assert_eq!(draft["missing_fields"], missing);
        // The front end is told before trying: submit is blocked, and why.
        assert_eq!(draft["allowed_actions"], json!(["withdraw"]));
        assert_eq!(draft["blocked_actions"][0]["action"], "submit");
        assert_eq!(draft["blocked_actions"][0]["code"], "incomplete");
        let id = draft["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/applications/{id}");

        let problem = assert_problem(
            act(app, &owner, &id, json!({"action": "submit"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "incomplete",
        )
        .await;
        assert_eq!(
            failures(&problem),
            pairs(&[
                ("proposed_sites", "required"),
                ("investment_cny", "required"),
                ("planned_opening", "required"),
                ("customer_base", "required"),
                ("acknowledgements.agency_sales_no_resale", "required"),
                ("acknowledgements.no_vehicle_delivery", "required"),
            ])
        );
        assert!(problem["errors"][0]["message"].is_string());
        // Nor is there a report to preview yet: the same answer, the same fields.
        let preview = assert_problem(
            app.get(&format!("{path}/eligibility/preview"), Some(&owner))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "incomplete",
        )
        .await;
        assert_eq!(failures(&preview), failures(&problem));

        // What is sent is checked even in a draft; a half-filled site is named field by field.
        let problem = assert_problem(
            merge_patch(app, &path, &owner, "\"1\"", &json!({"investment_cny": -5})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(failures(&problem), pairs(&[("investment_cny", "range")]));
        let mut full = application(SUZHOU);
        let mut site = full["proposed_sites"][0].clone();
        site.as_object_mut().unwrap().remove("frontage_m");
        site.as_object_mut().unwrap().remove("lease_status");
        let res = merge_patch(
            app,
            &path,
            &owner,
            "\"1\"",
            &json!({"proposed_sites": [site], "investment_cny": 30_000_000}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let saved: Value = res.json().await.unwrap();
        assert_eq!(saved["version"], 2);
        assert_eq!(
            saved["missing_fields"],
            json!([
                "proposed_sites[0].frontage_m",
                "proposed_sites[0].lease_status",
                "planned_opening",
                "customer_base",
                "acknowledgements.agency_sales_no_resale",
                "acknowledgements.no_vehicle_delivery"
            ])
        );
        let problem = assert_problem(
            act(app, &owner, &id, json!({"action": "submit"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "incomplete",
        )
        .await;
        assert_eq!(error_fields(&problem).len(), 6);
        // Refused submissions change nothing: no report, no event beyond the edits.
        assert_eq!(
            app.get(&format!("{path}/eligibility"), Some(&owner))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );

        // Completed, it submits.
        full.as_object_mut().unwrap().remove("city_code");
        let res = merge_patch(app, &path, &owner, "*", &full).await;
        assert_eq!(res.status(), StatusCode::OK);
        let complete: Value = res.json().await.unwrap();
        assert_eq!(complete["missing_fields"], json!([]));
        assert_eq!(complete["allowed_actions"], json!(["submit", "withdraw"]));
        assert_eq!(complete["blocked_actions"], json!([]));
        moved(
            act(app, &owner, &id, json!({"action": "submit"})).await,
            "under_review",
        )
        .await;
        app.ignore_mail();
    }
);

db_test!(
    async fn a_merge_patch_changes_one_field_and_clears_another(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let path = format!("/api/v1/applications/{id}");
        let before = app.get_json(&path, Some(&owner)).await;
        assert!(before["notes"].is_string());

        let res = merge_patch(
            app,
            &path,
            &owner,
            "\"1\"",
            &json!({"investment_cny": 42_000_000, "notes": null}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["etag"], "\"2\"");
        let after: Value = res.json().await.unwrap();
        assert_eq!(after["investment_cny"], 42_000_000);
        assert!(after["notes"].is_null());
        for kept in [
            "proposed_sites",
            "planned_opening",
            "customer_base",
            "city_code",
        ] {
            assert_eq!(after[kept], before[kept], "{kept} changed");
        }
        // It is stored, not only answered.
        let read = app.get_json(&path, Some(&owner)).await;
        assert_eq!(read["investment_cny"], 42_000_000);
        assert!(read["notes"].is_null());

        // Nested objects merge; `application/json` is read the same way.
        let res = app
            .patch(
                &path,
                Some(&owner),
                Some("\"2\""),
                &json!({"customer_base": {"annual_service_visits": null}}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let after: Value = res.json().await.unwrap();
        assert_eq!(after["customer_base"], json!({"active_customers": 25_000}));

        // `If-Match: *` matches whatever version is current; a stale version still does not.
        assert_problem(
            merge_patch(app, &path, &owner, "\"2\"", &json!({"notes": "x"})).await,
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
        )
        .await;
        let res = merge_patch(
            app,
            &path,
            &owner,
            "*",
            &json!({"notes": "Signed lease soon"}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.json::<Value>().await.unwrap()["version"], 4);

        // The city cannot change, and a patch cannot clear it.
        for city in [json!("310000"), Value::Null] {
            let problem = assert_problem(
                merge_patch(app, &path, &owner, "*", &json!({"city_code": city})).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert_eq!(error_fields(&problem), ["city_code"]);
        }
        // A patch that is not an object is not a patch; read-only fields are unknown here.
        let problem = assert_problem(
            merge_patch(app, &path, &owner, "*", &json!([1])).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["body"]);
        let problem = assert_problem(
            merge_patch(
                app,
                &path,
                &owner,
                "*",
                &json!({"status": "active", "score": 100}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            failures(&problem),
            pairs(&[("score", "unknown_field"), ("status", "unknown_field")])
        );
        let read = app.get_json(&path, Some(&owner)).await;
        assert_eq!(read["version"], 4);
        assert_eq!(read["status"], "draft");
    }
);

db_test!(
    async fn a_422_names_every_failing_field_at_once(app: TestApp) {
        let problem = assert_problem(
            app.post("/api/v1/auth/register", None, &json!({})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            failures(&problem),
            pairs(&[
                ("display_name", "required"),
                ("email", "required"),
                ("password", "required"),
            ])
        );

        let problem = assert_problem(
            app.post(
                "/api/v1/auth/register",
                None,
                &json!({"email": "not-an-address", "password": 12, "display_name": "Li", "locale": "fr", "referrer": "x"}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            failures(&problem),
            pairs(&[
                ("email", "email"),
                ("locale", "invalid_type"),
                ("password", "invalid_type"),
                ("referrer", "unknown_field"),
            ])
        );
        // Each error reads in the caller's language.
        let res = app
            .request(Method::POST, "/api/v1/auth/register", None)
            .header("Accept-Language", "zh-CN")
            .json(&json!({"email": "a@b.cn", "password": "long enough password", "display_name": "Li", "x": 1}))
            .send()
            .await
            .unwrap();
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "x");
        assert_eq!(problem["errors"][0]["message"], "不是此请求的字段");

        // Nested paths, type errors and rules together, in an application.
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let mut body = application(SUZHOU);
        body["proposed_sites"][0]["frontage_m"] = json!("wide");
        body["proposed_sites"][0]["site_type"] = json!("moon_base");
        body["proposed_sites"][0]["floor"] = json!(3);
        body["investment_cny"] = json!(-1);
        body["planned_opening"] = json!("next spring");
        let problem = assert_problem(
            app.post("/api/v1/applications", Some(&owner), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            failures(&problem),
            pairs(&[
                ("investment_cny", "range"),
                ("planned_opening", "invalid_type"),
                ("proposed_sites[0].floor", "unknown_field"),
                ("proposed_sites[0].frontage_m", "invalid_type"),
                ("proposed_sites[0].site_type", "invalid_type"),
            ])
        );
        // Nothing was written.
        let list = app.get_json("/api/v1/applications", Some(&owner)).await;
        assert_eq!(list["items"], json!([]));
    }
);

db_test!(
    async fn resubmission_checks_completeness_too(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.info_requested(&r, "Please add the lease.").await;
        let path = r.path("");
        let res = merge_patch(
            app,
            &path,
            &r.owner,
            "*",
            &json!({"planned_opening": null, "proposed_sites": []}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let problem = assert_problem(
            act(app, &r.owner, &r.id, json!({"action": "resubmit"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "incomplete",
        )
        .await;
        assert_eq!(
            failures(&problem),
            pairs(&[
                ("planned_opening", "required"),
                ("proposed_sites", "required")
            ])
        );
        assert_eq!(
            app.get_json(&path, Some(&r.owner)).await["status"],
            "info_requested"
        );
    }
);

db_test!(
    async fn every_patch_is_a_merge_patch(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;

        // A city: null clears a window bound, the rest stays.
        let city = app
            .get_json(&format!("/api/v1/cities/{SUZHOU}"), Some(&admin))
            .await;
        let version = format!("\"{}\"", city["version"]);
        let path = format!("/api/v1/cities/{SUZHOU}");
        let res = merge_patch(
            app,
            &path,
            &admin,
            &version,
            &json!({"window_closes_at": "2031-01-01T00:00:00Z"}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let changed: Value = res.json().await.unwrap();
        assert_eq!(changed["quota"], city["quota"]);
        assert_eq!(changed["window_closes_at"], "2031-01-01T00:00:00Z");
        let res = merge_patch(
            app,
            &path,
            &admin,
            "*",
            &json!({"window_closes_at": null, "quota": 7}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let changed: Value = res.json().await.unwrap();
        assert!(changed["window_closes_at"].is_null());
        assert_eq!(changed["quota"], 7);
        assert_eq!(changed["status"], city["status"]);
        let problem = assert_problem(
            merge_patch(
                app,
                &path,
                &admin,
                "*",
                &json!({"quota": null, "status": "paused_forever"}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            failures(&problem),
            pairs(&[("quota", "required"), ("status", "invalid_type")])
        );

        // A staff member: one field at a time.
        let reviewer = app.reviewer(&admin, "rev@maker.example", &[SUZHOU]).await;
        drop(reviewer);
        let staff = app.get_json("/api/v1/staff", Some(&admin)).await;
        let member = staff["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == "rev@maker.example")
            .unwrap()
            .clone();
        let path = format!("/api/v1/staff/{}", member["id"].as_str().unwrap());
        let res = merge_patch(
            app,
            &path,
            &admin,
            "*",
            &json!({"city_codes": ["320500", "330200"]}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let changed: Value = res.json().await.unwrap();
        assert_eq!(changed["role"], "reviewer");
        assert_eq!(changed["active"], true);
        assert_eq!(changed["city_codes"].as_array().unwrap().len(), 2);
        let problem = assert_problem(
            merge_patch(app, &path, &admin, "*", &json!({"role": null})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(failures(&problem), pairs(&[("role", "required")]));

        // A dealer group's profile: one field changes, an optional one is cleared.
        let (owner, group_id) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let path = format!("/api/v1/dealer-groups/{group_id}");
        let group = app.get_json(&path, Some(&owner)).await;
        assert!(group["national_rank_claim"].is_object());
        let res = merge_patch(
            app,
            &path,
            &owner,
            "*",
            &json!({"stores_total": 15, "national_rank_claim": null, "contact": {"name": "Zhou Min"}}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let changed: Value = res.json().await.unwrap();
        assert_eq!(changed["stores_total"], 15);
        assert!(changed["national_rank_claim"].is_null());
        assert_eq!(changed["contact"]["name"], "Zhou Min");
        assert_eq!(changed["contact"]["phone"], group["contact"]["phone"]);
        assert_eq!(changed["brands"], group["brands"]);
        assert_eq!(changed["version"], group["version"].as_i64().unwrap() + 1);
    }
);

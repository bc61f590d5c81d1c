//! The eligibility criteria: versioned, validated, staff-readable, admin-editable; and the
//! owner's preview of the report, the same report submission stores, in the reader's language.

use std::time::Instant;

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::applications::application;
use crate::db_test;
use crate::helpers::*;
use crate::review::{act, moved};
use crate::stories::SUZHOU;

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

/// `GET .../eligibility{rest}` of application `id` as `token`, in `language` if given.
async fn report(
    app: &TestApp,
    token: Option<&str>,
    id: &str,
    rest: &str,
    language: Option<&str>,
) -> Response {
    let path = format!("/api/v1/applications/{id}/eligibility{rest}");
    let mut request = app.request(Method::GET, &path, token);
    if let Some(language) = language {
        request = request.header("Accept-Language", language);
    }
    request.send().await.unwrap()
}

/// The report at `rest` (`""` for the stored one, `"/preview"`) read by `token`, which must
/// answer 200 in words that vary with the language.
async fn read(app: &TestApp, token: &str, id: &str, rest: &str, language: Option<&str>) -> Value {
    let res = report(app, Some(token), id, rest, language).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(res.headers()["vary"], "Accept-Language");
    res.json().await.unwrap()
}

async fn previewed(app: &TestApp, token: &str, id: &str, language: Option<&str>) -> Value {
    read(app, token, id, "/preview", language).await
}

async fn stored(app: &TestApp, token: &str, id: &str, language: Option<&str>) -> Value {
    read(app, token, id, "", language).await
}

/// Asserts that `token` may not preview application `id` now, with `status` and `code`.
async fn refused(app: &TestApp, token: Option<&str>, id: &str, status: StatusCode, code: &str) {
    assert_problem(report(app, token, id, "/preview", None).await, status, code).await;
}

/// `report` without its time, which is all a preview and the stored report may differ in.
fn timeless(mut report: Value) -> Value {
    assert!(report["evaluated_at"].is_string(), "{report:#}");
    report.as_object_mut().unwrap().remove("evaluated_at");
    report
}

pub fn check<'r>(report: &'r Value, code: &str) -> &'r Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {report:#}"))
}

/// The standard application with its only site's frontage at 20 m (26 m required).
fn narrow_site() -> Value {
    let mut body = application(SUZHOU);
    body["proposed_sites"][0]["frontage_m"] = json!(20.0);
    // Located (Suzhou Industrial Park), so that the site's words are about its frontage only.
    body["proposed_sites"][0]["district_code"] = json!("320571");
    body
}

/// An integrator client that reads applications; its access token.
async fn integrator(app: &TestApp, admin: &str) -> String {
    let created: Value = app
        .post(
            "/api/v1/api-clients",
            Some(admin),
            &json!({"name": "CRM mirror", "scopes": ["applications:read"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let grant = json!({
        "grant_type": "client_credentials",
        "client_id": created["client_id"],
        "client_secret": created["client_secret"],
    });
    let token: Value = app
        .post("/api/v1/auth/token", None, &grant)
        .await
        .json()
        .await
        .unwrap();
    access_token(&token)
}

db_test!(
    async fn a_preview_is_the_report_that_submission_then_stores(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let path = format!("/api/v1/applications/{id}");

        let first = previewed(app, &owner, &id, None).await;
        assert_eq!(first["eligible"], true, "{first:#}");
        // As in the submission test: 30 (BYD) + 20 (25,000 customers) + 15 (capital, revenue).
        assert_eq!(first["score"], 65);
        assert_eq!(first["criteria_version"], 1);
        let keys: Vec<_> = first["checks"][0]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            keys,
            [
                "code",
                "detail",
                "explanation",
                "max_points",
                "passed",
                "points",
                "required",
                "title"
            ]
        );

        // The preview follows the draft as it is edited.
        let res = app
            .patch(&path, Some(&owner), Some("\"1\""), &narrow_site())
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let preview = previewed(app, &owner, &id, None).await;
        assert_eq!(preview["eligible"], false);
        let site = check(&preview, "commercial_district_site");
        assert_eq!(site["passed"], false);
        assert_eq!(
            site["detail"]["sites_failing"][0]["measured"]["frontage_m"],
            20.0
        );

        // Nothing was stored: no report, no score, the same version.
        assert_problem(
            report(app, Some(&owner), &id, "", None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let draft: Value = app.get_json(&path, Some(&owner)).await;
        assert_eq!(
            (&draft["score"], &draft["eligible"], &draft["version"]),
            (&Value::Null, &Value::Null, &json!(2))
        );

        app.submit(&owner, "owner@dealer.example", "en", &id).await;
        let kept = stored(app, &owner, &id, None).await;
        assert_eq!(timeless(kept.clone()), timeless(preview));
        let submitted: Value = app.get_json(&path, Some(&owner)).await;
        assert_eq!(
            (&submitted["score"], &submitted["eligible"]),
            (&kept["score"], &kept["eligible"])
        );

        // Submitted: the report is made; there is nothing left to preview.
        refused(app, Some(&owner), &id, StatusCode::CONFLICT, "not_editable").await;
    }
);

db_test!(
    async fn only_the_owner_previews_and_only_while_it_may_edit(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app
            .reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
            .await;
        let elsewhere = app
            .reviewer(&admin, "ningbo@maker.example", &["330200"])
            .await;
        let client = integrator(app, &admin).await;
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let (other, _) = app
            .applicant_with_group("other@dealer.example", "91320200MA1XY1234")
            .await;
        let id = app.draft_from(&owner, &narrow_site()).await;

        // Who sees it but is not its owner is refused; who does not see it is not told it exists.
        for (token, status, code) in [
            (&admin, StatusCode::FORBIDDEN, "forbidden"),
            (&reviewer, StatusCode::FORBIDDEN, "forbidden"),
            (&client, StatusCode::FORBIDDEN, "forbidden"),
            (&elsewhere, StatusCode::NOT_FOUND, "not_found"),
            (&other, StatusCode::NOT_FOUND, "not_found"),
        ] {
            refused(app, Some(token), &id, status, code).await;
        }
        refused(app, None, &id, StatusCode::UNAUTHORIZED, "unauthorized").await;
        let unknown = uuid::Uuid::now_v7().to_string();
        refused(
            app,
            Some(&owner),
            &unknown,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let first = previewed(app, &owner, &id, None).await;

        // Submitted, then in review: no preview.
        app.submit(&owner, "owner@dealer.example", "en", &id).await;
        app.smtp
            .wait_for("reviewer@maker.example", "New application to review")
            .await;
        refused(app, Some(&owner), &id, StatusCode::CONFLICT, "not_editable").await;
        let before = stored(app, &owner, &id, None).await;
        assert_eq!(timeless(before.clone()), timeless(first));
        moved(
            act(app, &reviewer, &id, json!({"action": "start_review"})).await,
            "under_review",
        )
        .await;
        refused(app, Some(&owner), &id, StatusCode::CONFLICT, "not_editable").await;

        // Asked for more, the owner may preview again, and the resubmission stores that report.
        let request = json!({"action": "request_info", "message": "Please widen the frontage."});
        moved(act(app, &reviewer, &id, request).await, "info_requested").await;
        app.smtp
            .wait_for("owner@dealer.example", "More information needed")
            .await;
        let mut wider = narrow_site();
        wider["proposed_sites"][0]["frontage_m"] = json!(26.0);
        let version = app
            .get_json(&format!("/api/v1/applications/{id}"), Some(&owner))
            .await["version"]
            .to_string();
        let res = app
            .patch(
                &format!("/api/v1/applications/{id}"),
                Some(&owner),
                Some(&version),
                &wider,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        refused(
            app,
            Some(&reviewer),
            &id,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let preview = previewed(app, &owner, &id, None).await;
        assert_eq!(preview["eligible"], true);
        // The stored report is still the one submission made.
        assert_eq!(stored(app, &owner, &id, None).await, before);
        moved(
            act(app, &owner, &id, json!({"action": "resubmit"})).await,
            "under_review",
        )
        .await;
        app.smtp
            .wait_for(
                "reviewer@maker.example",
                "has sent the requested information",
            )
            .await;
        assert_eq!(
            timeless(stored(app, &reviewer, &id, Some("en")).await),
            timeless(preview)
        );
    }
);

db_test!(
    async fn titles_explanations_and_summary_read_in_the_callers_language(app: TestApp) {
        let (owner, _) = app
            .applicant_with_named_group(
                "owner@dealer.example",
                "zh-CN",
                "苏州东方汽车集团有限公司",
                "91320500123456788",
            )
            .await;
        let id = app.draft_from(&owner.token, &narrow_site()).await;

        // No Accept-Language: the account's language.
        let zh = previewed(app, &owner.token, &id, None).await;
        let en = previewed(app, &owner.token, &id, Some("en-GB,en;q=0.9")).await;
        assert_eq!(
            previewed(app, &owner.token, &id, Some("zh-CN")).await["summary"],
            zh["summary"]
        );
        let site_zh = check(&zh, "commercial_district_site");
        let site_en = check(&en, "commercial_district_site");
        assert_eq!(site_en["title"], "Commercial-district site");
        assert_eq!(site_zh["title"], "商圈选址");
        assert_eq!(
            site_en["explanation"],
            "Site 1 is in an automobile business district, judged as a full 2S store, but its \
             frontage is 20 m (at least 26 m)."
        );
        assert_eq!(
            site_zh["explanation"],
            "场地1位于汽车商圈，按完整2S店标准评估，但临街面宽为20米（至少26米）。"
        );
        assert_eq!(
            en["summary"],
            "Not eligible: the required rule “Commercial-district site” is not met; score 65 of 100."
        );
        assert_eq!(
            zh["summary"],
            "不符合资格：必备条件“商圈选址”未满足；得分65分（满分100分）。"
        );
        assert_eq!(
            check(&en, "financial_strength")["explanation"],
            "Registered capital of CNY 200 million earns 10 points and annual revenue of CNY 800 \
             million earns 5: 15 of 30 points."
        );
        assert_eq!(
            check(&zh, "ranking_or_regional_strength")["explanation"],
            "集团在该城市所在省份有8家门店（至少3家），年营业收入8亿元（至少5亿元）。"
        );
        // Every check has words in each language, and only the words differ.
        let (en_checks, zh_checks) = (
            en["checks"].as_array().unwrap(),
            zh["checks"].as_array().unwrap(),
        );
        assert_eq!(en_checks.len(), 6);
        for (e, z) in en_checks.iter().zip(zh_checks) {
            assert_eq!(
                (&e["code"], &e["detail"], &e["points"]),
                (&z["code"], &z["detail"], &z["points"])
            );
            for field in ["title", "explanation"] {
                let (e, z) = (e[field].as_str().unwrap(), z[field].as_str().unwrap());
                assert!(e.is_ascii() && !z.is_ascii(), "{field}: {e} / {z}");
            }
        }

        // The stored report reads the same way, in whichever language its reader asks for.
        app.submit(&owner.token, &owner.email, "zh-CN", &id).await;
        let kept_zh = stored(app, &owner.token, &id, None).await;
        let kept_en = stored(app, &owner.token, &id, Some("en")).await;
        assert_eq!(timeless(kept_zh), timeless(zh));
        assert_eq!(timeless(kept_en), timeless(en));
    }
);

db_test!(
    async fn previews_are_rate_limited_per_caller(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let (other, _) = app
            .applicant_with_group("other@dealer.example", "91320200MA1XY1234")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let theirs = app.draft_application(&other, SUZHOU).await;

        let started = Instant::now();
        let first = report(app, Some(&owner), &id, "/preview", None).await;
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.headers()["ratelimit-limit"], "30");
        assert_eq!(first.headers()["ratelimit-remaining"], "29");
        // The allowance refills one preview every two seconds, so a slow run may get a few more.
        let mut allowed = 1;
        let refused = loop {
            let res = report(app, Some(&owner), &id, "/preview", None).await;
            if res.status() != StatusCode::OK {
                break res;
            }
            allowed += 1;
            assert!(allowed <= 60, "never refused");
        };
        let refills = started.elapsed().as_secs() / 2 + 1;
        assert!((30..=30 + refills).contains(&allowed), "{allowed} allowed");
        let retry_after: u64 = refused.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry_after));
        assert_eq!(refused.headers()["ratelimit-limit"], "30");
        assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

        // Others preview on; the owner still reads everything else.
        let res = report(app, Some(&other), &theirs, "/preview", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["ratelimit-remaining"], "29");
        assert_problem(
            report(app, Some(&owner), &id, "", None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let draft: Value = app
            .get_json(&format!("/api/v1/applications/{id}"), Some(&owner))
            .await;
        assert_eq!(draft["status"], "draft");
    }
);

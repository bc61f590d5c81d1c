//! Site standards by site type (a full 2S store, a showroom point, no street fronts), site
//! control, and the two terms of the 2S partnership an applicant acknowledges before submitting,
//! which the letter of intent states.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::applications::application;
use crate::db_test;
use crate::helpers::*;
use crate::review::act;
use crate::stories::SUZHOU;

/// The standard application with one showroom point in a plaza: exactly at the default
/// showroom thresholds, and no workshop at all.
fn plaza_point() -> Value {
    let mut body = application(SUZHOU);
    body["proposed_sites"] = json!([{
        "address": "1 Suzhou Center Plaza, unit L1-08",
        "district": "Gusu",
        "district_code": "320508",
        "site_type": "commercial_plaza",
        "commercial_plaza": "Suzhou Center",
        "site_area_sqm": 300.0,
        "frontage_m": 12.0,
        "showroom_height_m": 4.5,
        "showroom_sqm": 200.0,
        "lease_status": "leased"
    }]);
    body
}

/// The site check of the owner's preview of application `id`, in English.
async fn site_check(app: &TestApp, owner: &str, id: &str) -> Value {
    let preview = app
        .get_json(
            &format!("/api/v1/applications/{id}/eligibility/preview"),
            Some(owner),
        )
        .await;
    preview["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "commercial_district_site")
        .cloned()
        .unwrap_or_else(|| panic!("no site check in {preview:#}"))
}

/// Changes the only site of application `id` by a merge patch of the site.
async fn change_site(app: &TestApp, owner: &str, id: &str, version: i64, change: Value) {
    let path = format!("/api/v1/applications/{id}");
    let current: Value = app.get_json(&path, Some(owner)).await;
    let mut site = current["proposed_sites"][0].clone();
    for (name, value) in change.as_object().unwrap() {
        site[name] = value.clone();
    }
    let res = app
        .patch(
            &path,
            Some(owner),
            Some(&format!("\"{version}\"")),
            &json!({"proposed_sites": [site]}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
}

// Street fronts and sites the group does not control fail.
db_test!(
    async fn a_plaza_point_is_judged_by_its_own_standard(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_from(&owner, &plaza_point()).await;
        let draft: Value = app
            .get_json(&format!("/api/v1/applications/{id}"), Some(&owner))
            .await;
        assert_eq!(
            draft["missing_fields"],
            json!([]),
            "a workshop is never required"
        );

        let site = site_check(app, &owner, &id).await;
        assert_eq!(site["passed"], true, "{site:#}");
        assert_eq!(site["detail"]["qualifying_standard"], "showroom_point");
        assert_eq!(
            site["explanation"],
            "Site 1 meets the standard of a showroom point: an accepted site type, site area at \
             least 300 m², frontage at least 12 m, showroom height at least 4.5 m and showroom \
             at least 200 m², and the group controls it."
        );

        // The same site on a street front meets no standard, whatever its size.
        change_site(app, &owner, &id, 1, json!({"site_type": "street"})).await;
        let site = site_check(app, &owner, &id).await;
        assert_eq!(site["passed"], false);
        let failing = &site["detail"]["sites_failing"][0];
        assert_eq!(failing["below"], json!(["site_type"]));
        assert_eq!(failing["standard"], Value::Null);
        assert_eq!(
            site["explanation"],
            "Site 1 is a street-front site, which is not an accepted site type."
        );

        // Back in the plaza, but with no lease: the group does not control the site.
        change_site(
            app,
            &owner,
            &id,
            2,
            json!({"site_type": "commercial_plaza", "lease_status": "none"}),
        )
        .await;
        let site = site_check(app, &owner, &id).await;
        assert_eq!(site["passed"], false);
        let failing = &site["detail"]["sites_failing"][0];
        assert_eq!(failing["below"], json!(["lease_status"]));
        assert_eq!(failing["standard"], "showroom_point");
        assert_eq!(failing["lease_status"], "none");

        // Under negotiation passes; submitted, the stored report says the same as the preview.
        change_site(app, &owner, &id, 3, json!({"lease_status": "negotiating"})).await;
        app.submit(&owner, "owner@dealer.example", "en", &id).await;
        let stored: Value = app
            .get_json(
                &format!("/api/v1/applications/{id}/eligibility"),
                Some(&owner),
            )
            .await;
        assert_eq!(stored["eligible"], true, "{stored:#}");
        let site = stored["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "commercial_district_site")
            .unwrap();
        assert_eq!(site["detail"]["qualifying_standard"], "showroom_point");
    }
);

db_test!(
    async fn an_auto_district_site_is_a_full_store_and_needs_its_workshop(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let site = site_check(app, &owner, &id).await;
        assert_eq!(site["passed"], true);
        assert_eq!(site["detail"]["qualifying_standard"], "full_store");

        change_site(app, &owner, &id, 1, json!({"workshop_sqm": null})).await;
        let site = site_check(app, &owner, &id).await;
        assert_eq!(site["passed"], false);
        assert_eq!(
            site["detail"]["sites_failing"][0]["measured"],
            json!({"workshop_sqm": 0.0})
        );
        assert_eq!(
            site["explanation"],
            "Site 1 is in an automobile business district, judged as a full 2S store, but its \
             workshop is 0 m² (at least 500 m²). Site 1 has no district code, so it is not \
             located; it counts by its other figures."
        );
    }
);

db_test!(
    async fn the_criteria_publish_both_standards_and_site_control(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let current: Value = app
            .get_json("/api/v1/eligibility-criteria", Some(&admin))
            .await;
        let site = &current["rules"]["commercial_district_site"];
        assert_eq!(site["site_types"], json!(["auto_business_district"]));
        assert_eq!(site["min_workshop_sqm"], 500.0);
        assert_eq!(
            site["showroom_point"],
            json!({
                "site_types": ["commercial_plaza", "retail_outlet_adjacent"],
                "min_site_area_sqm": 300.0,
                "min_frontage_m": 12.0,
                "min_showroom_height_m": 4.5,
                "min_showroom_sqm": 200.0,
                "min_workshop_sqm": 0.0
            })
        );
        assert_eq!(
            site["site_control"],
            json!(["owned", "leased", "negotiating"])
        );

        // A body in the v1 shape (no showroom point, no site control) is still accepted, and
        // gets the defaults; an empty site control is refused by its path.
        let mut v1 = current["rules"].clone();
        let v1_site = v1["commercial_district_site"].as_object_mut().unwrap();
        v1_site.remove("showroom_point");
        v1_site.remove("site_control");
        let res = app
            .request(
                reqwest::Method::PUT,
                "/api/v1/eligibility-criteria",
                Some(&admin),
            )
            .json(&json!({"rules": v1}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let published: Value = res.json().await.unwrap();
        assert_eq!(published["version"], 2);
        assert_eq!(
            published["rules"]["commercial_district_site"]["showroom_point"],
            site["showroom_point"]
        );
        let mut none = current["rules"].clone();
        none["commercial_district_site"]["site_control"] = json!([]);
        let res = app
            .request(
                reqwest::Method::PUT,
                "/api/v1/eligibility-criteria",
                Some(&admin),
            )
            .json(&json!({"rules": none}))
            .send()
            .await
            .unwrap();
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(
            error_codes(&problem),
            [(
                "rules.commercial_district_site.site_control".to_owned(),
                "length".to_owned()
            )]
        );
    }
);

db_test!(
    async fn submitting_needs_both_acknowledgements(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let mut body = application(SUZHOU);
        body["acknowledgements"] = json!(["no_vehicle_delivery"]);
        let id = app.draft_from(&owner, &body).await;
        let path = format!("/api/v1/applications/{id}");
        let draft: Value = app.get_json(&path, Some(&owner)).await;
        assert_eq!(draft["acknowledgements"], json!(["no_vehicle_delivery"]));
        assert_eq!(
            draft["missing_fields"],
            json!(["acknowledgements.agency_sales_no_resale"])
        );
        assert_eq!(draft["blocked_actions"][0]["code"], "incomplete");

        // Taken away entirely, both are named.
        let res = app
            .patch(
                &path,
                Some(&owner),
                Some("\"1\""),
                &json!({"acknowledgements": []}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let problem = assert_problem(
            act(app, &owner, &id, json!({"action": "submit"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "incomplete",
        )
        .await;
        assert_eq!(
            error_codes(&problem),
            [
                (
                    "acknowledgements.agency_sales_no_resale".to_owned(),
                    "required".to_owned()
                ),
                (
                    "acknowledgements.no_vehicle_delivery".to_owned(),
                    "required".to_owned()
                ),
            ]
        );
        // An unknown term is a field error, not a silent drop.
        let problem = assert_problem(
            app.patch(
                &path,
                Some(&owner),
                Some("*"),
                &json!({"acknowledgements": ["resale_allowed"]}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["acknowledgements[0]"]);

        // Both given (in any order, repeated): the draft submits.
        let res = app
            .patch(
                &path,
                Some(&owner),
                Some("\"2\""),
                &json!({"acknowledgements": [
                    "no_vehicle_delivery", "agency_sales_no_resale", "no_vehicle_delivery"
                ]}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let saved: Value = res.json().await.unwrap();
        assert_eq!(
            saved["acknowledgements"],
            json!(["agency_sales_no_resale", "no_vehicle_delivery"])
        );
        assert_eq!(saved["missing_fields"], json!([]));
        app.submit(&owner, "owner@dealer.example", "en", &id).await;
        let submitted: Value = app.get_json(&path, Some(&owner)).await;
        assert_eq!(submitted["status"], "under_review");
    }
);

db_test!(
    async fn the_letter_of_intent_states_both_terms_in_both_languages(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.shortlisted(&r).await;
        app.offered_letter(&r, 30).await;
        let res = app.get(&r.path("/loi/document"), Some(&r.owner)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = res.text().await.unwrap();
        for term in [
            "代理销售、不得转售：乙方以甲方代理人身份、按甲方定价销售甲方车辆，不买断车辆，亦不转售甲方车辆。",
            "不交付车辆：乙方不向客户交付车辆，车辆由甲方直接交付客户。",
            "Agency sales, no resale: the Partner sells the Maker's vehicles as the Maker's agent",
            "No vehicle delivery: the Partner does not deliver vehicles to customers; the Maker delivers them directly.",
        ] {
            assert!(html.contains(term), "{term} in {html}");
        }
    }
);

//! Places are codes: provinces written in either language or as GB/T 2260 codes count alike, and
//! a site's district code must lie in the application's city.

use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::applications::application;
use crate::db_test;
use crate::dealer_groups::{profile, uscc};
use crate::eligibility::check;
use crate::helpers::*;
use crate::stories::SUZHOU;
use dealer_portal::db::DbConnection;
use dealer_portal::db::schema::dealer_groups;
use dealer_portal::error::AppError;

const CHONGQING: &str = "500000";

/// A group that is not ranked, with CNY 500 million of revenue (just enough for the regional
/// route) and stores in `provinces`.
fn regional(provinces: Value) -> Value {
    let mut body = profile("苏州东方汽车集团有限公司", &uscc("91320500123456788"));
    body["national_rank_claim"] = Value::Null;
    body["annual_revenue_cny"] = json!(500_000_000);
    body["provinces"] = provinces;
    body
}

async fn created_group(app: &TestApp, token: &str, body: &Value) -> Value {
    let res = app.post("/api/v1/dealer-groups", Some(token), body).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    res.json().await.unwrap()
}

/// Asserts a 422 whose errors are exactly `expected` (field, code), in any order.
async fn refused(res: reqwest::Response, expected: &[(&str, &str)]) -> Value {
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let mut codes = error_codes(&problem);
    codes.sort();
    let mut expected: Vec<(String, String)> = expected
        .iter()
        .map(|(field, code)| ((*field).to_owned(), (*code).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(codes, expected, "{problem}");
    problem
}

/// The stored report of application `id`, after submitting it.
async fn submitted_report(app: &TestApp, owner: &str, email: &str, id: &str) -> Value {
    app.submit(owner, email, "en", id).await;
    app.get_json(
        &format!("/api/v1/applications/{id}/eligibility"),
        Some(owner),
    )
    .await
}

db_test!(
    async fn a_group_writing_its_provinces_in_chinese_passes_the_regional_route(app: TestApp) {
        let email = "owner@dealer.example";
        let owner = app.verified_applicant(email).await;
        let mut body = regional(json!([
            {"province": "江苏省", "stores": 2},
            {"province": "江苏", "stores": 1},
            {"province": "广东省", "stores": 5},
            {"province": "重庆市", "stores": 4}
        ]));
        body["hq_province"] = json!("江苏省");
        let group = created_group(app, &owner, &body).await;
        assert_eq!(
            group["provinces"],
            json!([
                {"province": "Jiangsu", "province_code": "320000", "stores": 2},
                {"province": "Jiangsu", "province_code": "320000", "stores": 1},
                {"province": "Guangdong", "province_code": "440000", "stores": 5},
                {"province": "Chongqing", "province_code": "500000", "stores": 4}
            ])
        );
        assert_eq!(group["hq_province"], "Jiangsu");
        assert_eq!(group["hq_province_code"], "320000");

        let id = app.draft_application(&owner, SUZHOU).await;
        let report = submitted_report(app, &owner, email, &id).await;
        let ranking = check(&report, "ranking_or_regional_strength");
        assert_eq!(ranking["passed"], true, "{report:#}");
        assert_eq!(ranking["detail"]["rank_verified"], false);
        assert_eq!(ranking["detail"]["regional_strength"], true);
        assert_eq!(ranking["detail"]["stores_in_province"], 3);
        assert_eq!(report["eligible"], true, "{report:#}");

        // The same group in Chongqing (a municipality: its own province) counts its 4 stores.
        let id = app.draft_application(&owner, CHONGQING).await;
        let preview = app
            .get_json(
                &format!("/api/v1/applications/{id}/eligibility/preview"),
                Some(&owner),
            )
            .await;
        let ranking = check(&preview, "ranking_or_regional_strength");
        assert_eq!(ranking["detail"]["stores_in_province"], 4);
        assert_eq!(ranking["passed"], true);
    }
);

db_test!(
    async fn provinces_are_names_in_either_language_or_codes_and_nothing_else(app: TestApp) {
        let owner = app.verified_applicant("owner@dealer.example").await;
        let admin = app.admin("lead@maker.example").await;
        let mut body = regional(json!([
            {"province": "320000", "stores": 1},
            {"province": "Guangdong Province", "stores": 2},
            {"province": "Atlantis", "stores": 3},
            {"province": "320500", "stores": 4}
        ]));
        body["hq_province"] = json!("Narnia");
        let res = app.post("/api/v1/dealer-groups", Some(&owner), &body).await;
        let problem = refused(
            res,
            &[
                ("hq_province", "unknown_province"),
                ("provinces[2].province", "unknown_province"),
                ("provinces[3].province", "unknown_province"),
            ],
        )
        .await;
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("province-level division"), "{message}");

        // Codes and English names are taken; the response names each beside its code.
        body["hq_province"] = json!("jiangsu province");
        body["provinces"] = json!([
            {"province": "320000", "stores": 1},
            {"province": "Guangdong Province", "stores": 2},
            {"province": "Inner Mongolia", "stores": 3}
        ]);
        let group = created_group(app, &owner, &body).await;
        let path = format!("/api/v1/dealer-groups/{}", group["id"].as_str().unwrap());
        assert_eq!(
            group["provinces"],
            json!([
                {"province": "Jiangsu", "province_code": "320000", "stores": 1},
                {"province": "Guangdong", "province_code": "440000", "stores": 2},
                {"province": "Inner Mongolia", "province_code": "150000", "stores": 3}
            ])
        );
        assert_eq!(group["hq_province_code"], "320000");

        // A patch of another field sends nothing about places: they stay as they are.
        let res = app
            .patch(
                &path,
                Some(&owner),
                Some("\"1\""),
                &json!({"stores_total": 20}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        let group: Value = res.json().await.unwrap();
        assert_eq!(group["provinces"][2]["province_code"], "150000");

        // A province sent back as read, with its code, is read by its name: the code is only
        // shown. An unknown one is refused on its path.
        let res = app
            .patch(
                &path,
                Some(&owner),
                Some("\"2\""),
                &json!({"provinces": [
                    {"province": "浙江", "province_code": "320000", "stores": 7},
                    {"province": "Jiangsu Prov.", "stores": 1}
                ]}),
            )
            .await;
        refused(res, &[("provinces[1].province", "unknown_province")]).await;
        let res = app
            .patch(
                &path,
                Some(&owner),
                Some("\"2\""),
                &json!({"hq_province": "上海市", "provinces": [
                    {"province": "浙江", "province_code": "320000", "stores": 7}
                ]}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        let group: Value = res.json().await.unwrap();
        assert_eq!(
            group["provinces"],
            json!([{"province": "Zhejiang", "province_code": "330000", "stores": 7}])
        );
        assert_eq!(
            (&group["hq_province"], &group["hq_province_code"]),
            (&json!("Shanghai"), &json!("310000"))
        );

        // Staff find the group by its headquarters' province, however it is written.
        for province in ["Shanghai", "上海", "310000", "shanghai%20municipality"] {
            let page = app
                .get_json(
                    &format!("/api/v1/dealer-groups?province={province}"),
                    Some(&admin),
                )
                .await;
            assert_eq!(page["items"].as_array().unwrap().len(), 1, "{province}");
        }
        let page = app
            .get_json("/api/v1/dealer-groups?province=Jiangsu", Some(&admin))
            .await;
        assert_eq!(page["items"], json!([]));
        let res = app
            .get("/api/v1/dealer-groups?province=Atlantis", Some(&admin))
            .await;
        refused(res, &[("province", "unknown_province")]).await;
    }
);

db_test!(
    async fn a_site_district_code_must_lie_in_the_city(app: TestApp) {
        let email = "owner@dealer.example";
        let (owner, _) = app.applicant_with_group(email, "91320500123456788").await;
        let with_district = |city: &str, code: &str| {
            let mut body = application(city);
            body["proposed_sites"][0]["district_code"] = json!(code);
            body
        };

        // Not in Suzhou: Nanjing's Xuanwu, Jiangsu, Suzhou itself, Chongqing's Yuzhong. Not in
        // Chongqing, a municipality whose districts and counties share its first two digits:
        // Chongqing itself, its district grouping, Chengdu's Jinjiang.
        for (city, outside) in [
            (SUZHOU, "320102"),
            (SUZHOU, "320000"),
            (SUZHOU, "320500"),
            (SUZHOU, "500103"),
            (CHONGQING, "500000"),
            (CHONGQING, "500100"),
            (CHONGQING, "510104"),
        ] {
            let res = app
                .post(
                    "/api/v1/applications",
                    Some(&owner),
                    &with_district(city, outside),
                )
                .await;
            refused(
                res,
                &[("proposed_sites[0].district_code", "district_outside_city")],
            )
            .await;
        }
        let res = app
            .post(
                "/api/v1/applications",
                Some(&owner),
                &with_district(SUZHOU, "32050"),
            )
            .await;
        refused(res, &[("proposed_sites[0].district_code", "division_code")]).await;

        // Gusu is in Suzhou; a second site without a code is fine, and not located.
        let mut body = with_district(SUZHOU, "320508");
        let second = body["proposed_sites"][0].clone();
        let mut second = second.as_object().unwrap().clone();
        second.remove("district_code");
        body["proposed_sites"]
            .as_array_mut()
            .unwrap()
            .push(Value::Object(second));
        let id = app.draft_from(&owner, &body).await;
        let path = format!("/api/v1/applications/{id}");
        let draft = app.get_json(&path, Some(&owner)).await;
        assert_eq!(draft["proposed_sites"][0]["district_code"], "320508");
        assert!(draft["proposed_sites"][1].get("district_code").is_none());
        let preview = app
            .get_json(&format!("{path}/eligibility/preview"), Some(&owner))
            .await;
        let site = check(&preview, "commercial_district_site");
        assert_eq!(site["passed"], true);
        assert_eq!(site["detail"]["qualifying_site"], 0);
        assert_eq!(site["detail"]["sites_not_located"], json!([1]));
        assert!(
            site["explanation"].as_str().unwrap().ends_with(
                "Site 2 has no district code, so it is not located; it counts by its other figures."
            ),
            "{site:#}"
        );

        // A patch cannot move a site out of the city either.
        let res = app
            .patch(
                &path,
                Some(&owner),
                Some("\"1\""),
                &json!({"proposed_sites": [{"district_code": "320102"}, {"district_code": "320585"}]}),
            )
            .await;
        refused(
            res,
            &[("proposed_sites[0].district_code", "district_outside_city")],
        )
        .await;

        // Chengkou is a county of Chongqing, Yuzhong a district.
        let id = app
            .draft_from(&owner, &with_district(CHONGQING, "500229"))
            .await;
        let res = app
            .patch(
                &format!("/api/v1/applications/{id}"),
                Some(&owner),
                Some("\"1\""),
                &json!({"proposed_sites": [with_district(CHONGQING, "500103")["proposed_sites"][0]]}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        let report = submitted_report(app, &owner, email, &id).await;
        let site = check(&report, "commercial_district_site");
        assert_eq!(site["detail"]["sites_not_located"], json!([]));
        let application = app
            .get_json(&format!("/api/v1/applications/{id}"), Some(&owner))
            .await;
        assert_eq!(application["proposed_sites"][0]["district_code"], "500103");
    }
);

db_test!(
    async fn a_profile_stored_with_names_is_coded_at_start_up_and_still_counts(app: TestApp) {
        let email = "owner@dealer.example";
        let owner = app.verified_applicant(email).await;
        let group = created_group(
            app,
            &owner,
            &regional(json!([{"province": "Anhui", "stores": 9}])),
        )
        .await;
        let id = group["id"].as_str().unwrap().to_owned();

        // As a profile from before v1.1 was stored: names as sent, one of them no province.
        let legacy = r#"[{"province":"江苏","stores":2},{"province":"jiangsu ","stores":1},{"province":"Zhejiang Prov","stores":4}]"#;
        let stored = |id: String| {
            move |conn: &mut DbConnection| -> Result<(String, String), AppError> {
                Ok(dealer_groups::table
                    .find(id)
                    .select((dealer_groups::hq_province, dealer_groups::provinces))
                    .first(conn)?)
            }
        };
        let (hq, _) = app.state.db.run(stored(id.clone())).await.unwrap();
        assert_eq!(hq, "320000", "new profiles store codes");
        let target = id.clone();
        app.state
            .db
            .run(move |conn| -> Result<(), AppError> {
                diesel::update(dealer_groups::table.find(target))
                    .set((
                        dealer_groups::hq_province.eq("江苏省"),
                        dealer_groups::provinces.eq(legacy),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .unwrap();

        // Read as it is, it already shows codes.
        let path = format!("/api/v1/dealer-groups/{id}");
        let shown = app.get_json(&path, Some(&owner)).await;
        assert_eq!(shown["hq_province_code"], "320000");
        assert_eq!(
            shown["provinces"],
            json!([
                {"province": "Jiangsu", "province_code": "320000", "stores": 2},
                {"province": "Jiangsu", "province_code": "320000", "stores": 1},
                {"province": "Zhejiang Prov", "province_code": null, "stores": 4}
            ])
        );

        // The start-up step rewrites it once, keeping the unknown name and the version.
        let coded = app
            .state
            .db
            .run(dealer_portal::db::dealer_groups::code_stored_places)
            .await
            .unwrap();
        assert_eq!(coded, 1);
        let again = app
            .state
            .db
            .run(dealer_portal::db::dealer_groups::code_stored_places)
            .await
            .unwrap();
        assert_eq!(again, 0);
        let (hq, provinces) = app.state.db.run(stored(id.clone())).await.unwrap();
        assert_eq!(hq, "320000");
        assert_eq!(
            serde_json::from_str::<Value>(&provinces).unwrap(),
            json!([
                {"province": "320000", "stores": 2},
                {"province": "320000", "stores": 1},
                {"province": "Zhejiang Prov", "stores": 4}
            ])
        );
        let after = app.get_json(&path, Some(&owner)).await;
        assert_eq!(after["provinces"], shown["provinces"]);
        assert_eq!(after["version"], shown["version"]);

        // It evaluates by code: 3 stores in Jiangsu for Suzhou.
        let application = app.draft_application(&owner, SUZHOU).await;
        let report = submitted_report(app, &owner, email, &application).await;
        let ranking = check(&report, "ranking_or_regional_strength");
        assert_eq!(ranking["detail"]["stores_in_province"], 3);
        assert_eq!(ranking["passed"], true, "{report:#}");

        // The unknown name must be corrected before the profile changes again.
        let res = app
            .patch(
                &path,
                Some(&owner),
                Some("\"1\""),
                &json!({"stores_total": 20}),
            )
            .await;
        refused(res, &[("provinces[2].province", "unknown_province")]).await;
    }
);

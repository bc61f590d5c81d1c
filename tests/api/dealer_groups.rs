//! Dealer groups describe themselves; members and staff see the profile, nobody else does.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::*;

/// A valid USCC: 17 characters and their check character.
pub fn uscc(body: &str) -> String {
    let check = dealer_portal::domain::uscc::check_character(body.as_bytes()).unwrap();
    format!("{body}{}", check as char)
}

pub fn profile(legal_name: &str, uscc: &str) -> Value {
    json!({
        "legal_name": legal_name,
        "uscc": uscc,
        "hq_city": "Suzhou",
        "hq_province": "Jiangsu",
        "founded_year": 1998,
        "registered_capital_cny": 200_000_000,
        "annual_revenue_cny": 800_000_000,
        "stores_total": 12,
        "national_rank_claim": {"year": 2025, "rank": 42},
        "provinces": [{"province": "Jiangsu", "stores": 8}, {"province": "Zhejiang", "stores": 4}],
        "brands": [
            {"brand": "Porsche", "segment": "luxury", "years": 9, "annual_units": 1800},
            {"brand": "BYD", "segment": "nev", "years": 4, "annual_units": 5200}
        ],
        "after_sales": {"mechanical": true, "sheet_metal": true, "paint": true, "repair_class": 1},
        "contact": {"name": "Wang Fang", "phone": "+8613912345678", "email": "wang.fang@dealer.example"}
    })
}

db_test!(
    async fn a_group_registers_and_only_its_members_and_staff_see_it(app: TestApp) {
        let owner = app.verified_applicant("owner@dealer.example").await;
        let stranger = app.verified_applicant("stranger@other.example").await;
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app.reviewer(&admin, "rev@maker.example", &["320500"]).await;

        // Read first, so that the owner is a confirmed caller when the group is made.
        let me: Value = app.get_json("/api/v1/me", Some(&owner)).await;
        assert!(me["dealer_group_id"].is_null());
        let code = uscc("91320500123456788");
        let res = app
            .post(
                "/api/v1/dealer-groups",
                Some(&owner),
                &profile("苏州东方汽车集团有限公司", &code.to_lowercase()),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(res.headers()["etag"], "\"1\"");
        let group: Value = res.json().await.unwrap();
        assert_eq!(group["uscc"], code.as_str());
        assert_eq!(group["warnings"], json!([]));
        assert_eq!(group["rank_verified"], false);
        assert_eq!(group["brands"][1]["segment"], "nev");
        let id = group["id"].as_str().unwrap().to_owned();
        let me: Value = app.get_json("/api/v1/me", Some(&owner)).await;
        assert_eq!(me["dealer_group_id"], id.as_str());

        let path = format!("/api/v1/dealer-groups/{id}");
        assert_eq!(app.get(&path, Some(&owner)).await.status(), StatusCode::OK);
        assert_eq!(app.get(&path, Some(&admin)).await.status(), StatusCode::OK);
        // A reviewer sees a group once it applies in one of their cities (below, another test).
        assert_problem(
            app.get(&path, Some(&reviewer)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            app.get(&path, Some(&stranger)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            app.get(&path, None).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;

        // Only staff list groups, by name or code and by province.
        assert_problem(
            app.get("/api/v1/dealer-groups", Some(&owner)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        for query in [
            "q=东方",
            "q=%E4%B8%9C%E6%96%B9",
            &format!("q={}", &code[..8].to_lowercase()),
            "province=Jiangsu",
        ] {
            let page: Value = app
                .get_json(&format!("/api/v1/dealer-groups?{query}"), Some(&admin))
                .await;
            assert_eq!(page["items"].as_array().unwrap().len(), 1, "{query}");
        }
        for query in ["q=无锡", "province=Zhejiang", "q=%25"] {
            let page: Value = app
                .get_json(&format!("/api/v1/dealer-groups?{query}"), Some(&admin))
                .await;
            assert!(page["items"].as_array().unwrap().is_empty(), "{query}");
        }

        // Only the owner edits, with the version read.
        let mut changed = profile("苏州东方汽车集团股份有限公司", &code);
        changed["stores_total"] = json!(14);
        assert_problem(
            app.patch(&path, Some(&stranger), Some("1"), &changed).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            app.patch(&path, Some(&reviewer), Some("1"), &changed).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            app.patch(&path, Some(&admin), Some("1"), &changed).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.patch(&path, Some(&owner), None, &changed).await,
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
        )
        .await;
        assert_problem(
            app.patch(&path, Some(&owner), Some("\"0\""), &changed)
                .await,
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
        )
        .await;
        let res = app
            .patch(&path, Some(&owner), Some("\"1\""), &changed)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let group: Value = res.json().await.unwrap();
        assert_eq!(
            (group["stores_total"].clone(), group["version"].clone()),
            (json!(14), json!(2))
        );

        // Withdrawing the ranking claim clears it.
        changed["national_rank_claim"] = Value::Null;
        let res = app.patch(&path, Some(&owner), Some("2"), &changed).await;
        assert_eq!(res.status(), StatusCode::OK);
        let group: Value = app.get_json(&path, Some(&owner)).await;
        assert!(group["national_rank_claim"].is_null(), "{group}");
        assert_eq!(group["version"], 3);
    }
);

db_test!(
    async fn one_group_per_applicant_and_one_per_uscc(app: TestApp) {
        let first = app.verified_applicant("first@dealer.example").await;
        let second = app.verified_applicant("second@dealer.example").await;
        let admin = app.admin("lead@maker.example").await;
        let code = uscc("91320500123456788");
        assert_eq!(
            app.post(
                "/api/v1/dealer-groups",
                Some(&first),
                &profile("A 集团", &code)
            )
            .await
            .status(),
            StatusCode::CREATED
        );
        let other = uscc("91320200MA1XY1234");
        assert_problem(
            app.post(
                "/api/v1/dealer-groups",
                Some(&first),
                &profile("B 集团", &other),
            )
            .await,
            StatusCode::CONFLICT,
            "already_in_group",
        )
        .await;
        assert_problem(
            app.post(
                "/api/v1/dealer-groups",
                Some(&second),
                &profile("C 集团", &code),
            )
            .await,
            StatusCode::CONFLICT,
            "uscc_taken",
        )
        .await;
        assert_problem(
            app.post(
                "/api/v1/dealer-groups",
                Some(&admin),
                &profile("D 集团", &other),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        // The refused attempts left the second applicant without a group.
        let me: Value = app.get_json("/api/v1/me", Some(&second)).await;
        assert!(me["dealer_group_id"].is_null());
        assert_eq!(
            app.post(
                "/api/v1/dealer-groups",
                Some(&second),
                &profile("C 集团", &other)
            )
            .await
            .status(),
            StatusCode::CREATED
        );
    }
);

db_test!(
    async fn every_bad_profile_field_is_named(app: TestApp) {
        let owner = app.verified_applicant("owner@dealer.example").await;
        let mut bad = profile("", &uscc("91320500123456788"));
        bad["founded_year"] = json!(1800);
        bad["registered_capital_cny"] = json!(-1);
        bad["brands"][1]["years"] = json!(-2);
        bad["after_sales"]["repair_class"] = json!(4);
        bad["contact"]["phone"] = json!("010-12345678");
        bad["contact"]["email"] = json!("nope");
        let res = app.post("/api/v1/dealer-groups", Some(&owner), &bad).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(
            error_fields(&problem),
            [
                "after_sales.repair_class",
                "brands[1].years",
                "contact.email",
                "contact.phone",
                "founded_year",
                "legal_name",
                "registered_capital_cny"
            ]
        );

        let mut wrong_check = profile("A", &uscc("91320500123456788"));
        wrong_check["uscc"] = json!("91320500123456788X");
        let problem = assert_problem(
            app.post("/api/v1/dealer-groups", Some(&owner), &wrong_check)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "uscc");

        let mut unknown_segment = profile("A", &uscc("91320500123456788"));
        unknown_segment["brands"][1]["segment"] = json!("hydrogen");
        let problem = assert_problem(
            app.post("/api/v1/dealer-groups", Some(&owner), &unknown_segment)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["brands[1].segment"]);

        // An institution's code with a failing organisation digit: accepted, with warnings.
        let res = app
            .post(
                "/api/v1/dealer-groups",
                Some(&owner),
                &profile("A", &uscc("12320500123456781")),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let group: Value = res.json().await.unwrap();
        let warnings = group["warnings"].as_array().unwrap();
        let codes: Vec<_> = warnings
            .iter()
            .map(|w| w["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            [
                "uscc_entity_type_not_91",
                "uscc_organisation_code_check_digit"
            ]
        );
        // Each with its words, in the owner's language.
        assert!(
            warnings[1]["message"]
                .as_str()
                .unwrap()
                .starts_with("The organisation code inside the USCC"),
            "{}",
            warnings[1]
        );
    }
);

db_test!(
    async fn the_ranking_list_verifies_top_100_claims(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let by_code = app.verified_applicant("a@dealer.example").await;
        let by_name = app.verified_applicant("b@dealer.example").await;
        let no_claim = app.verified_applicant("c@dealer.example").await;
        let code_a = uscc("91320500123456788");
        let mut group_c = profile("Gamma Auto", &uscc("91320500MA1GAMMA1"));
        group_c["national_rank_claim"] = Value::Null;
        let mut ids = Vec::new();
        for (token, body) in [
            (&by_code, profile("Alpha Motors", &code_a)),
            (
                &by_name,
                profile("Beta Auto Group Co., Ltd.", &uscc("91320500MA1BETA01")),
            ),
            (&no_claim, group_c),
        ] {
            let group: Value = app
                .post("/api/v1/dealer-groups", Some(token), &body)
                .await
                .json()
                .await
                .unwrap();
            ids.push(group["id"].as_str().unwrap().to_owned());
        }
        let verified = |i: usize| {
            let (app, admin, id) = (&app, &admin, ids[i].clone());
            async move {
                let group: Value = app
                    .get_json(&format!("/api/v1/dealer-groups/{id}"), Some(admin))
                    .await;
                group["rank_verified"].as_bool().unwrap()
            }
        };

        let list = json!([
            {"rank": 7, "name": "Alpha Motors (renamed)", "uscc": code_a},
            {"rank": 55, "name": "BETA AUTO GROUP CO LTD"},
            {"rank": 60, "name": "Gamma Auto"}
        ]);
        let res = app
            .request(reqwest::Method::PUT, "/api/v1/rankings/2025", Some(&admin))
            .json(&list)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.json::<Value>().await.unwrap()["entries"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        assert!(verified(0).await, "matched by USCC");
        assert!(verified(1).await, "matched by normalised name");
        assert!(!verified(2).await, "listed but claims nothing");

        // A newer year that drops Beta below 100 takes its verification away; CSV works too.
        let csv =
            format!("rank,name,uscc\n3,Alpha Motors,{code_a}\n101,Beta Auto Group Co. Ltd.,\n");
        let res = app
            .request(reqwest::Method::PUT, "/api/v1/rankings/2026", Some(&admin))
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(verified(0).await);
        assert!(!verified(1).await);
        let list: Value = app.get_json("/api/v1/rankings/2026", Some(&admin)).await;
        assert_eq!(
            list["entries"][1],
            json!({"rank": 101, "name": "Beta Auto Group Co. Ltd.", "uscc": null})
        );
    }
);

db_test!(
    async fn a_bad_ranking_list_names_its_rows_and_changes_nothing(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let applicant = app.verified_applicant("a@dealer.example").await;
        let good = json!([{"rank": 1, "name": "Alpha"}]);
        let put = |year: &str, token: &str, body: &Value| {
            app.request(
                reqwest::Method::PUT,
                &format!("/api/v1/rankings/{year}"),
                Some(token),
            )
            .json(body)
            .send()
        };
        assert_eq!(
            put("2025", &admin, &good).await.unwrap().status(),
            StatusCode::OK
        );

        let bad = json!([{"rank": 1, "name": "A"}, {"rank": 1, "name": "B"}, {"rank": 0, "name": ""}, {"rank": 3, "name": "C", "uscc": "123"}]);
        let problem = assert_problem(
            put("2025", &admin, &bad).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_fields(&problem),
            ["[1].rank", "[2].name", "[2].rank", "[3].uscc"]
        );
        let csv = "rank,name,uscc\n1,A,\nfirst,B,\n";
        let res = app
            .request(reqwest::Method::PUT, "/api/v1/rankings/2025", Some(&admin))
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["[1].rank"]);
        let res = app
            .request(reqwest::Method::PUT, "/api/v1/rankings/2025", Some(&admin))
            .header("content-type", "text/csv")
            .body("name,rank\nA,1\n")
            .send()
            .await
            .unwrap();
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_problem(
            put("1999", &admin, &good).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_problem(
            put("2025", &applicant, &good).await.unwrap(),
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get("/api/v1/rankings/2025", Some(&applicant)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;

        let list: Value = app.get_json("/api/v1/rankings/2025", Some(&admin)).await;
        assert_eq!(
            list["entries"],
            json!([{"rank": 1, "name": "Alpha", "uscc": null}])
        );
    }
);

db_test!(
    async fn reviewers_see_only_groups_applying_in_their_cities(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let suzhou = app.reviewer(&admin, "sz@maker.example", &["320500"]).await;
        let ningbo = app.reviewer(&admin, "nb@maker.example", &["330200"]).await;
        let (owner, id) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let path = format!("/api/v1/dealer-groups/{id}");
        let listed = |token: &str| {
            let token = token.to_owned();
            async move {
                let page: Value = app.get_json("/api/v1/dealer-groups", Some(&token)).await;
                page["items"].as_array().unwrap().len()
            }
        };

        // No application yet: only admins and the group's members see it.
        for reviewer in [&suzhou, &ningbo] {
            assert_problem(
                app.get(&path, Some(reviewer)).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
            assert_eq!(listed(reviewer).await, 0);
        }
        assert_eq!(app.get(&path, Some(&admin)).await.status(), StatusCode::OK);
        assert_eq!(listed(&admin).await, 1);
        assert_eq!(app.get(&path, Some(&owner)).await.status(), StatusCode::OK);

        // An application in Suzhou shows it to Suzhou's reviewers alone.
        app.draft_application(&owner, "320500").await;
        assert_eq!(app.get(&path, Some(&suzhou)).await.status(), StatusCode::OK);
        assert_eq!(listed(&suzhou).await, 1);
        assert_problem(
            app.get(&path, Some(&ningbo)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_eq!(listed(&ningbo).await, 0);
    }
);

db_test!(
    async fn a_groups_identity_is_fixed_once_submitted(app: TestApp) {
        let owner = app.applicant("owner@dealer.example", "en").await;
        let code = uscc("91320500123456788");
        let res = app
            .post(
                "/api/v1/dealer-groups",
                Some(&owner.token),
                &profile("苏州东方汽车集团有限公司", &code),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let id = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = format!("/api/v1/dealer-groups/{id}");
        let draft = app.draft_application(&owner.token, "320500").await;
        let timeline = |token: String| {
            let path = format!("/api/v1/applications/{draft}/events");
            async move {
                let page: Value = app.get_json(&path, Some(&token)).await;
                page["items"].as_array().unwrap().clone()
            }
        };

        // Before any submission the name may still be corrected, and the change is recorded.
        let renamed = profile("苏州东方汽车集团股份有限公司", &code);
        let res = app
            .patch(&path, Some(&owner.token), Some("1"), &renamed)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let events = timeline(owner.token.clone()).await;
        assert_eq!(events.len(), 2);
        assert_eq!(events[1]["action"], "update_group");
        assert_eq!(events[1]["reason"], "changed: legal_name");

        app.submit(&owner.token, &owner.email, "en", &draft).await;
        // Then neither the legal name nor the USCC changes.
        let other_name = profile("无锡东方汽车集团有限公司", &code);
        let other_code = profile("苏州东方汽车集团股份有限公司", &uscc("91320500123456796"));
        for body in [&other_name, &other_code] {
            assert_problem(
                app.patch(&path, Some(&owner.token), Some("2"), body).await,
                StatusCode::CONFLICT,
                "identity_locked",
            )
            .await;
        }
        // The rest of the profile does, and each change is an audit event.
        let mut contact = renamed.clone();
        contact["contact"]["name"] = json!("Li Wei");
        contact["stores_total"] = json!(13);
        let res = app
            .patch(&path, Some(&owner.token), Some("2"), &contact)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let admin = app.admin("lead@maker.example").await;
        let events = timeline(admin.clone()).await;
        let last = events.last().unwrap();
        assert_eq!(last["action"], "update_group");
        assert_eq!(last["reason"], "changed: contact, stores_total");
        assert_eq!(last["actor_role"], "applicant");
        assert_eq!(last["to_status"], "submitted");
        let check: Value = app.get_json("/api/v1/audit/verify", Some(&admin)).await;
        assert_eq!(check["ok"], true, "{check}");
    }
);

db_test!(
    async fn single_line_fields_refuse_control_characters_and_blanks(app: TestApp) {
        let owner = app.verified_applicant("owner@dealer.example").await;
        let code = uscc("91320500123456788");
        let mut body = profile("苏州东方汽车集团有限公司\nURGENT: wire the deposit", &code);
        body["contact"]["name"] = json!("Wang\r\nFang");
        body["hq_city"] = json!("   ");
        body["brands"][0]["brand"] = json!("Porsche\u{1b}[2J");
        let problem = assert_problem(
            app.post("/api/v1/dealer-groups", Some(&owner), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let mut fields = error_fields(&problem);
        fields.sort();
        assert_eq!(
            fields,
            ["brands[0].brand", "contact.name", "hq_city", "legal_name"]
        );
        // Spaces around a value are not part of it.
        let body = profile("  苏州东方汽车集团有限公司  ", &code);
        let res = app.post("/api/v1/dealer-groups", Some(&owner), &body).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let group: Value = res.json().await.unwrap();
        assert_eq!(group["legal_name"], "苏州东方汽车集团有限公司");
    }
);

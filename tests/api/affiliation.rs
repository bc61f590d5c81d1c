//! Affiliations: a subsidiary names its parent, an admin confirms the relation after checking the
//! evidence, and the parent's place in the ranking list then verifies the subsidiary; staff find
//! groups that may be related.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::dealer_groups::{profile, uscc};
use crate::helpers::*;
use crate::stories::SUZHOU;

const NINGBO: &str = "330200";

/// The holding on the ranking list, and the body of its USCC.
const HOLDING: &str = "东方汽车控股集团有限公司";
const HOLDING_USCC: &str = "91320000134567890";

fn group_path(id: &str) -> String {
    format!("/api/v1/dealer-groups/{id}")
}

fn verify_path(id: &str) -> String {
    format!("/api/v1/dealer-groups/{id}/affiliation/verify")
}

/// A profile of a subsidiary of `parent` (legal name, USCC) that claims no rank of its own.
fn subsidiary(legal_name: &str, uscc_body: &str, parent: Option<(&str, &str)>) -> Value {
    let mut body = profile(legal_name, &uscc(uscc_body));
    body["national_rank_claim"] = Value::Null;
    body["parent"] = match parent {
        Some((name, code)) => json!({"legal_name": name, "uscc": code}),
        None => Value::Null,
    };
    body
}

/// Registers `body` as the group of a new verified applicant `email`: (owner token, group).
async fn registered(app: &TestApp, email: &str, body: &Value) -> (String, Value) {
    let owner = app.verified_applicant(email).await;
    let res = app.post("/api/v1/dealer-groups", Some(&owner), body).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    (owner, res.json().await.unwrap())
}

async fn put_ranking(app: &TestApp, admin: &str, year: u32, list: &Value) {
    let res = app
        .request(
            Method::PUT,
            &format!("/api/v1/rankings/{year}"),
            Some(admin),
        )
        .json(list)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

async fn verify(app: &TestApp, token: &str, id: &str, note: &str) -> reqwest::Response {
    app.post(&verify_path(id), Some(token), &json!({"note": note}))
        .await
}

/// (rank_verified, rank_verified_via, affiliation.verified) of the group as `token` reads it.
async fn standing(app: &TestApp, token: &str, id: &str) -> (Value, Value, Value) {
    let group = app.get_json(&group_path(id), Some(token)).await;
    (
        group["rank_verified"].clone(),
        group["rank_verified_via"].clone(),
        group["affiliation"]["verified"].clone(),
    )
}

db_test!(
    async fn a_subsidiary_is_verified_through_its_parent_once_an_admin_confirms(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let admin_id = app.get_json("/api/v1/me", Some(&admin)).await["id"].clone();
        let reviewer = app.reviewer(&admin, "sz@maker.example", &[SUZHOU]).await;
        let holding = uscc(HOLDING_USCC);
        put_ranking(
            app,
            &admin,
            2025,
            &json!([{"rank": 12, "name": HOLDING, "uscc": holding}]),
        )
        .await;

        // The parent's code is read like the group's own (any case, stored upper case).
        let body = subsidiary(
            "苏州东方汽车销售服务有限公司",
            "91320500123456788",
            Some((HOLDING, &holding.to_lowercase())),
        );
        let (owner, group) = registered(app, "owner@dealer.example", &body).await;
        let id = group["id"].as_str().unwrap().to_owned();
        assert_eq!(
            group["parent"],
            json!({"legal_name": HOLDING, "uscc": holding})
        );
        // Named, but not confirmed: not verified through it.
        assert_eq!(group["rank_verified"], false);
        assert!(group["rank_verified_via"].is_null());
        assert_eq!(
            group["affiliation"],
            json!({"verified": false, "verified_at": null})
        );
        let application = app.draft_application(&owner, SUZHOU).await;

        // Only admins confirm.
        let note = "Checked the 2025 annual report:\nthe holding owns 100%.";
        assert_problem(
            verify(app, &reviewer, &id, note).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            verify(app, &owner, &id, note).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_eq!(
            standing(app, &admin, &id).await,
            (json!(false), Value::Null, json!(false))
        );

        // A note is required, and is free text without control characters.
        for bad in [
            json!({}),
            json!({"note": "  "}),
            json!({"note": "bell\u{7}"}),
        ] {
            let problem = assert_problem(
                app.post(&verify_path(&id), Some(&admin), &bad).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert_eq!(error_fields(&problem), ["note"], "{bad}");
        }

        let res = verify(app, &admin, &id, note).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["etag"], "\"2\"");
        let confirmed: Value = res.json().await.unwrap();
        assert_eq!(confirmed["rank_verified"], true);
        assert_eq!(confirmed["rank_verified_via"], "parent");
        assert_eq!(confirmed["affiliation"]["verified"], true);
        assert_eq!(confirmed["affiliation"]["verified_by"], admin_id);
        assert_eq!(confirmed["affiliation"]["note"], note);
        assert!(confirmed["affiliation"]["verified_at"].is_string());

        // The owner sees that it is confirmed, not by whom nor what was noted.
        let theirs = app.get_json(&group_path(&id), Some(&owner)).await;
        assert_eq!(theirs["rank_verified_via"], "parent");
        assert_eq!(
            theirs["affiliation"],
            json!({"verified": true, "verified_at": confirmed["affiliation"]["verified_at"]})
        );

        // The timeline of the group's application has the step; its note is staff's.
        let events_path = format!("/api/v1/applications/{application}/events");
        let last = |events: Value| events["items"].as_array().unwrap().last().unwrap().clone();
        let staff_event = last(app.get_json(&events_path, Some(&admin)).await);
        assert_eq!(staff_event["action"], "verify_affiliation");
        // In each reader's language: the admin's is Chinese, the owner's English.
        assert_eq!(staff_event["action_label"], "母公司关系已确认");
        assert_eq!(staff_event["actor_role"], "admin");
        assert_eq!(staff_event["reason"], note);
        let owner_event = last(app.get_json(&events_path, Some(&owner)).await);
        assert_eq!(owner_event["action"], "verify_affiliation");
        assert_eq!(owner_event["action_label"], "Parent company confirmed");
        assert_eq!(owner_event["actor_role"], "maker");
        assert!(owner_event["reason"].is_null(), "{owner_event}");

        // Another change leaves the confirmation; a new parent clears it.
        let res = app
            .patch(
                &group_path(&id),
                Some(&owner),
                Some("*"),
                &json!({"stores_total": 7}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            standing(app, &admin, &id).await,
            (json!(true), json!("parent"), json!(true))
        );
        let other_parent = json!({"parent": {"legal_name": "西方汽车控股集团有限公司", "uscc": uscc("91320000765432109")}});
        let res = app
            .patch(&group_path(&id), Some(&owner), Some("*"), &other_parent)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let changed: Value = res.json().await.unwrap();
        assert_eq!(changed["rank_verified"], false);
        assert!(changed["rank_verified_via"].is_null());
        assert_eq!(
            changed["affiliation"],
            json!({"verified": false, "verified_at": null})
        );

        // Confirmed again, the new parent is off the list: not verified, until a list has it.
        let res = verify(app, &admin, &id, "Checked the new parent's register.").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            standing(app, &admin, &id).await,
            (json!(false), Value::Null, json!(true))
        );
        put_ranking(
            app,
            &admin,
            2026,
            &json!([{"rank": 88, "name": "西方汽车控股集团有限公司"}]),
        )
        .await;
        assert_eq!(
            standing(app, &admin, &id).await,
            (json!(true), json!("parent"), json!(true))
        );

        // Taking the parent away clears the confirmation and the verification with it.
        let res = app
            .patch(
                &group_path(&id),
                Some(&owner),
                Some("*"),
                &json!({"parent": null}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            standing(app, &admin, &id).await,
            (json!(false), Value::Null, json!(false))
        );
    }
);

db_test!(
    async fn a_group_listed_itself_is_verified_through_itself(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let holding = uscc(HOLDING_USCC);
        let own = uscc("91320500123456788");
        put_ranking(
            app,
            &admin,
            2025,
            &json!([{"rank": 5, "name": "Alpha", "uscc": own}, {"rank": 6, "name": HOLDING, "uscc": holding}]),
        )
        .await;
        let mut body = subsidiary(
            "Alpha Motors",
            "91320500123456788",
            Some((HOLDING, &holding)),
        );
        body["national_rank_claim"] = json!({"year": 2025, "rank": 5});
        let (_, group) = registered(app, "owner@dealer.example", &body).await;
        assert_eq!(group["rank_verified"], true);
        assert_eq!(group["rank_verified_via"], "self");
        // Confirming the parent keeps the group's own listing as the reason.
        let id = group["id"].as_str().unwrap();
        let confirmed: Value = verify(app, &admin, id, "Register checked.")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(confirmed["rank_verified_via"], "self");
    }
);

db_test!(
    async fn a_group_without_a_parent_has_nothing_to_confirm(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let body = subsidiary("Alpha Motors", "91320500123456788", None);
        let (_, group) = registered(app, "owner@dealer.example", &body).await;
        let id = group["id"].as_str().unwrap();
        let problem = assert_problem(
            verify(app, &admin, id, "Nothing to check.").await,
            StatusCode::CONFLICT,
            "no_parent",
        )
        .await;
        assert_eq!(problem["title"], "No parent company");
        let res = app
            .request(Method::POST, &verify_path(id), Some(&admin))
            .header("Accept-Language", "zh-CN")
            .json(&json!({"note": "无"}))
            .send()
            .await
            .unwrap();
        let problem = assert_problem(res, StatusCode::CONFLICT, "no_parent").await;
        assert_eq!(problem["title"], "未填写母公司");
        assert_eq!(
            standing(app, &admin, id).await,
            (json!(false), Value::Null, json!(false))
        );
        assert_problem(
            verify(app, &admin, "01938f6e-7c1a-7b4e-9d2f-3a5b6c7d8e9f", "x").await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
);

db_test!(
    async fn a_parent_is_checked_like_the_groups_own_code(app: TestApp) {
        let owner = app.verified_applicant("owner@dealer.example").await;
        let own = uscc("91320500123456788");
        let post = |body: Value| {
            let owner = owner.clone();
            async move { app.post("/api/v1/dealer-groups", Some(&owner), &body).await }
        };

        let itself = subsidiary(
            "Alpha",
            "91320500123456788",
            Some(("Alpha", &own.to_lowercase())),
        );
        let problem = assert_problem(
            post(itself).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_codes(&problem),
            [("parent.uscc".to_owned(), "own_parent".to_owned())]
        );

        // Every bad field at once: the group's code, the parent's code and name.
        let mut bad = subsidiary(
            "Alpha",
            "91320500123456788",
            Some(("", "91320000134567890X")),
        );
        bad["uscc"] = json!("91320500123456788X");
        let problem = assert_problem(
            post(bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_fields(&problem),
            ["parent.legal_name", "parent.uscc", "uscc"]
        );
        let mut missing = subsidiary("Alpha", "91320500123456788", None);
        missing["parent"] = json!({"legal_name": "Holding"});
        let problem = assert_problem(
            post(missing).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["parent.uscc"]);

        // A v1 client that never heard of `parent` registers as before.
        let mut v1 = profile("Alpha", &own);
        v1.as_object_mut().unwrap().remove("parent");
        let res = post(v1).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        assert!(res.json::<Value>().await.unwrap()["parent"].is_null());
    }
);

/// A profile with its own contact.
fn contacted(
    legal_name: &str,
    uscc_body: &str,
    parent: Option<&str>,
    phone: &str,
    email: &str,
) -> Value {
    let mut body = subsidiary(legal_name, uscc_body, parent.map(|code| (HOLDING, code)));
    body["contact"] = json!({"name": "Contact", "phone": phone, "email": email});
    body
}

db_test!(
    async fn staff_find_siblings_by_parent_name_phone_and_email(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let suzhou = app.reviewer(&admin, "sz@maker.example", &[SUZHOU]).await;
        let ningbo = app.reviewer(&admin, "nb@maker.example", &[NINGBO]).await;
        let holding = uscc(HOLDING_USCC);
        let groups = [
            (
                "a@dealer.example",
                contacted(
                    "Alpha Motors Co., Ltd.",
                    "91320500123456788",
                    Some(&holding),
                    "+8613900000001",
                    "a@alpha.example",
                ),
            ),
            (
                "b@dealer.example",
                contacted(
                    "Beta Auto",
                    "91320500MA1BETA01",
                    Some(&holding),
                    "13900000002",
                    "b@beta.example",
                ),
            ),
            (
                "c@dealer.example",
                contacted(
                    "ALPHA MOTORS CO LTD",
                    "91320500MA1GAMMA1",
                    None,
                    "13900000003",
                    "c@gamma.example",
                ),
            ),
            (
                "d@dealer.example",
                contacted(
                    "Delta",
                    "91320500MA1DELTA1",
                    None,
                    "13900000001",
                    "d@delta.example",
                ),
            ),
            (
                "e@dealer.example",
                contacted(
                    "Epsilon",
                    "91320500MA1EPXL01",
                    None,
                    "13900000005",
                    "A@Alpha.example",
                ),
            ),
            (
                "f@dealer.example",
                contacted(
                    "Zeta",
                    "91320500MA1ETA001",
                    Some(&uscc("91320000765432109")),
                    "13900000006",
                    "f@zeta.example",
                ),
            ),
        ];
        let mut owners = Vec::new();
        let mut ids = Vec::new();
        for (email, body) in &groups {
            let (owner, group) = registered(app, email, body).await;
            owners.push(owner);
            ids.push(group["id"].as_str().unwrap().to_owned());
        }
        let similar_path = |i: usize| format!("/api/v1/dealer-groups/{}/similar", ids[i]);
        let found = |token: String, i: usize| {
            let (app, path) = (app, similar_path(i));
            async move {
                let page = app.get_json(&path, Some(&token)).await;
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|item| {
                        (
                            item["id"].as_str().unwrap().to_owned(),
                            item["reasons"].clone(),
                        )
                    })
                    .collect::<Vec<_>>()
            }
        };

        assert_eq!(
            found(admin.clone(), 0).await,
            [
                (ids[1].clone(), json!(["same_parent"])),
                (ids[2].clone(), json!(["same_name"])),
                (ids[3].clone(), json!(["same_phone"])),
                (ids[4].clone(), json!(["same_email"])),
            ]
        );
        let page = app.get_json(&similar_path(1), Some(&admin)).await;
        assert_eq!(
            page["items"],
            json!([{"id": ids[0], "legal_name": "Alpha Motors Co., Ltd.", "uscc": uscc("91320500123456788"), "reasons": ["same_parent"]}])
        );
        // An unrelated group, with a parent of its own, has no relations.
        assert!(found(admin.clone(), 5).await.is_empty());

        // Applicants never ask, not even about their own group.
        assert_problem(
            app.get(&similar_path(0), Some(&owners[0])).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get(&similar_path(0), None).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;

        // Reviewers ask about groups applying in their cities, and see those of their cities.
        assert_problem(
            app.get(&similar_path(0), Some(&suzhou)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        app.draft_application(&owners[0], SUZHOU).await;
        app.draft_application(&owners[3], SUZHOU).await;
        app.draft_application(&owners[1], NINGBO).await;
        assert_eq!(
            found(suzhou.clone(), 0).await,
            [(ids[3].clone(), json!(["same_phone"]))]
        );
        assert_problem(
            app.get(&similar_path(0), Some(&ningbo)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
);

db_test!(
    async fn applicants_upload_the_evidence_of_a_relation(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let file = reqwest::multipart::Part::bytes(b"%PDF-1.7\nregister\n%%EOF\n".to_vec())
            .file_name("shareholders.pdf")
            .mime_str("application/pdf")
            .unwrap();
        let form = reqwest::multipart::Form::new()
            .text("kind", "relationship_evidence")
            .part("file", file);
        let res = app
            .request(
                Method::POST,
                &format!("/api/v1/applications/{id}/documents"),
                Some(&owner),
            )
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
        let listed = app
            .get_json(
                &format!("/api/v1/applications/{id}/documents"),
                Some(&owner),
            )
            .await;
        assert_eq!(listed["items"][0]["kind"], "relationship_evidence");
    }
);

//! From shortlist to an open store over HTTP: the letter of intent (offer, fixed document,
//! signature with evidence, decline, expiry by the background work), the quota under racing
//! offers, and the onboarding checklist up to activation.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::db_test;
use crate::helpers::*;
use crate::labels::get_in;
use crate::review::{
    act, act_at, current_version, events, moved, read, sql, verify, webhook_events,
};
use crate::stories::{Review, offer, signature};

const SUZHOU: &str = "320500";

async fn sign(app: &TestApp, token: &str, r: &Review, sha256: &str) -> reqwest::Response {
    app.request(Method::POST, &r.path("/loi/signature"), Some(token))
        .header("User-Agent", "portal-test/1.0")
        .json(&signature(&json!(sha256), "Chairman"))
        .send()
        .await
        .unwrap()
}

async fn letter_bytes(
    app: &TestApp,
    token: &str,
    r: &Review,
) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let res = app.get(&r.path("/loi/document"), Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    (headers, res.bytes().await.unwrap().to_vec())
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn committed(app: &TestApp, city: &str) -> i64 {
    let city: Value = app.get_json(&format!("/api/v1/cities/{city}"), None).await;
    city["committed"].as_i64().unwrap()
}

db_test!(
    async fn shortlisted_to_active_through_a_signed_letter_and_onboarding(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let (stranger, _) = app
            .applicant_with_group("other@dealer.example", "91320500123456796")
            .await;
        app.shortlisted(&r).await;

        // Offering is the admin's, with valid terms.
        assert_problem(
            act(app, &r.reviewer, &r.id, offer(30)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let problem = assert_problem(
            act(app, &r.admin, &r.id, json!({"action": "offer_loi"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["loi"]);
        let problem = assert_problem(
            act(app, &r.admin, &r.id, offer(61)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["loi.valid_days"]);
        assert_eq!(committed(app, SUZHOU).await, 0);
        app.offered_letter(&r, 30).await;
        // A letter for two stores takes two store points.
        assert_eq!(committed(app, SUZHOU).await, 2);

        // The letter: fixed bytes whose hash is the one on record, HTML only.
        let letter: Value = app.get_json(&r.path("/loi"), Some(&r.owner)).await;
        assert_eq!(letter["status"], "offered");
        assert_eq!(letter["status_label"], "Awaiting signature");
        assert_eq!(letter["terms"]["stores"], 2);
        let (headers, bytes) = letter_bytes(app, &r.owner, &r).await;
        let sha256 = hex_sha256(&bytes);
        assert_eq!(letter["document_sha256"], sha256.as_str());
        assert_eq!(headers["etag"], format!("\"{sha256}\"").as_str());
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        // No page may frame the letter (clickjacking a signature).
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert_eq!(headers["x-frame-options"], "DENY");
        let html = String::from_utf8(bytes.clone()).unwrap();
        assert!(html.contains("owner@dealer.example 集团"));
        assert!(html.contains("苏州") && html.contains("Suzhou"));
        assert!(html.contains("&lt;b&gt;"), "the note is escaped");
        assert!(html.find("合作意向书").unwrap() < html.find("Letter of Intent").unwrap());
        let with_accept = |accept: &'static str| {
            app.request(Method::GET, &r.path("/loi/document"), Some(&r.owner))
                .header("Accept", accept)
                .send()
        };
        for refused in ["application/pdf", "text/html;q=0, application/pdf"] {
            let res = with_accept(refused).await.unwrap();
            assert_problem(res, StatusCode::NOT_ACCEPTABLE, "not_acceptable").await;
        }
        for accepted in ["text/html", "application/pdf, */*;q=0.1"] {
            assert_eq!(
                with_accept(accepted).await.unwrap().status(),
                StatusCode::OK
            );
        }
        // Another group does not learn that the letter exists.
        for path in ["/loi", "/loi/document", "/events"] {
            assert_problem(
                app.get(&r.path(path), Some(&stranger)).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }

        // Only the owner signs, only through the signature operation, only the right hash.
        assert_problem(
            sign(app, &r.admin, &r, &sha256).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            sign(app, &stranger, &r, &sha256).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let problem = assert_problem(
            act(app, &r.owner, &r.id, json!({"action": "sign_loi"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["action"]);
        let wrong = hex_sha256(b"another letter");
        assert_problem(
            sign(app, &r.owner, &r, &wrong).await,
            StatusCode::CONFLICT,
            "document_hash_mismatch",
        )
        .await;
        assert_eq!(read(app, &r.owner, &r.id).await["status"], "loi_offered");
        // No signature page before the signature; none for those who may not read the letter.
        assert_problem(
            app.get(&r.path("/loi/signature-page"), Some(&r.owner))
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        // The group's name changes after the offer (as an approved identity change would): the
        // signature page names the parties as the letter does.
        sql(
            app,
            "UPDATE dealer_groups SET legal_name = 'Renamed Motors' WHERE legal_name = 'owner@dealer.example 集团'",
        )
        .await;
        let res = sign(app, &r.owner, &r, &sha256.to_uppercase()).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        let signed: Value = res.json().await.unwrap();
        assert_eq!(signed["status"], "signed");
        assert_eq!(signed["status_label"], "Signed");
        assert_eq!(signed["signer_name"], "Li Wei");
        assert_eq!(signed["signer_title"], "Chairman");
        assert_eq!(signed["signer_user_agent"], "portal-test/1.0");
        assert_eq!(signed["signer_address"], "127.0.0.1");
        assert!(signed["signed_at"].is_string());
        assert_eq!(read(app, &r.owner, &r.id).await["status"], "loi_signed");
        app.smtp
            .wait_for("owner@dealer.example", "Your group has signed")
            .await;
        // The letter served later is the very same bytes.
        assert_eq!(letter_bytes(app, &r.admin, &r).await.1, bytes);
        // The signature page: its own fixed document, naming the signer, the time in China
        // time, the address and the letter's hash.
        let page = app
            .get(&r.path("/loi/signature-page"), Some(&r.owner))
            .await;
        assert_eq!(page.status(), StatusCode::OK);
        let page_etag = page.headers()["etag"].to_str().unwrap().to_owned();
        let page_bytes = page.bytes().await.unwrap().to_vec();
        let page_sha256 = hex_sha256(&page_bytes);
        assert_eq!(signed["signature_page_sha256"], page_sha256.as_str());
        assert_eq!(page_etag, format!("\"{page_sha256}\""));
        let page_text = String::from_utf8(page_bytes.clone()).unwrap();
        assert!(page_text.contains("owner@dealer.example 集团"));
        assert!(!page_text.contains("Renamed Motors"));
        assert_problem(
            app.get(&r.path("/loi/signature-page"), Some(&stranger))
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let json_only = app
            .request(Method::GET, &r.path("/loi/signature-page"), Some(&r.owner))
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_problem(json_only, StatusCode::NOT_ACCEPTABLE, "not_acceptable").await;
        let signed_at: chrono::DateTime<chrono::Utc> =
            signed["signed_at"].as_str().unwrap().parse().unwrap();
        let china = signed_at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
        for fact in [
            "Li Wei".to_owned(),
            "Chairman".to_owned(),
            "127.0.0.1".to_owned(),
            // minijinja escapes `/` too.
            "portal-test&#x2f;1.0".to_owned(),
            sha256.clone(),
            format!(
                "{}（北京时间，UTC+8）",
                china.format("%Y年%-m月%-d日 %H:%M:%S")
            ),
            "江南新能源汽车有限公司".to_owned(),
        ] {
            assert!(page_text.contains(&fact), "{fact}");
        }
        // The maker's officer signs the letter for the maker; the partner's block is the page's.
        let letter_text = String::from_utf8(bytes.clone()).unwrap();
        assert!(letter_text.contains("授权代表：陈立 Chen Li"));
        assert!(letter_text.contains("@page { size: A4;"));
        assert_problem(
            sign(app, &r.owner, &r, &sha256).await,
            StatusCode::CONFLICT,
            "invalid_transition",
        )
        .await;

        // Onboarding: the checklist, each side its own tasks, no early activation.
        assert_problem(
            app.get(&r.path("/onboarding"), Some(&r.owner)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        moved(
            act(app, &r.admin, &r.id, json!({"action": "start_onboarding"})).await,
            "onboarding",
        )
        .await;
        app.smtp
            .wait_for("owner@dealer.example", "Onboarding has started")
            .await;
        let checklist: Value = app.get_json(&r.path("/onboarding"), Some(&r.owner)).await;
        let tasks = checklist["tasks"].as_array().unwrap();
        let codes: Vec<_> = tasks.iter().map(|t| t["code"].as_str().unwrap()).collect();
        assert_eq!(
            codes,
            [
                "dealer_agreement",
                "site_drawings_approval",
                "construction",
                "staff_training",
                "systems_access",
                "opening_inspection"
            ]
        );
        assert_eq!(tasks[0]["title"], "Sign the dealer agreement");
        let in_chinese = get_in(app, &r.path("/onboarding"), &r.owner, "zh-CN").await;
        assert_eq!(in_chinese["tasks"][0]["title"], "签署经销商协议");
        assert!(
            tasks
                .iter()
                .all(|t| t["done_at"].is_null() && t["due_on"].is_string())
        );
        // Opening waits for the checklist, as the admin is told before trying.
        let onboarding = read(app, &r.admin, &r.id).await;
        assert_eq!(onboarding["allowed_actions"], json!(["terminate"]));
        assert_eq!(onboarding["blocked_actions"][0]["action"], "activate");
        assert_eq!(onboarding["blocked_actions"][0]["code"], "tasks_open");
        // create-admin makes a Chinese-speaking account: its words follow it.
        assert_eq!(
            onboarding["blocked_actions"][0]["message"],
            "所有入驻任务完成后才能开业。"
        );
        assert_problem(
            act(app, &r.admin, &r.id, json!({"action": "activate"})).await,
            StatusCode::CONFLICT,
            "onboarding_incomplete",
        )
        .await;
        let done = json!({"done": true, "note": "Signed at HQ"});
        assert_problem(
            app.patch(
                &r.path("/onboarding/site_drawings_approval"),
                Some(&r.owner),
                None,
                &done,
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.patch(
                &r.path("/onboarding/construction"),
                Some(&r.reviewer),
                None,
                &done,
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.patch(
                &r.path("/onboarding/no_such_task"),
                Some(&r.owner),
                None,
                &done,
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        for task in tasks {
            let code = task["code"].as_str().unwrap();
            let token = if task["owner"] == "partner" {
                &r.owner
            } else {
                &r.reviewer
            };
            let res = app
                .patch(
                    &r.path(&format!("/onboarding/{code}")),
                    Some(token),
                    None,
                    &done,
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK, "{code}");
        }
        let checklist: Value = app.get_json(&r.path("/onboarding"), Some(&r.admin)).await;
        assert!(
            checklist["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["done_at"].is_string() && t["note"] == "Signed at HQ")
        );
        assert_problem(
            app.get(&r.path("/onboarding"), Some(&stranger)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;

        // A task opened again holds the opening back until it is done again.
        let reopen = json!({"done": false, "note": "Fire inspection failed"});
        let res = app
            .patch(
                &r.path("/onboarding/construction"),
                Some(&r.owner),
                None,
                &reopen,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let checklist: Value = res.json().await.unwrap();
        let construction = &checklist["tasks"][2];
        assert_eq!(construction["code"], "construction");
        assert!(construction["done_at"].is_null());
        assert_eq!(construction["note"], "Fire inspection failed");
        assert_problem(
            act(app, &r.admin, &r.id, json!({"action": "activate"})).await,
            StatusCode::CONFLICT,
            "onboarding_incomplete",
        )
        .await;
        let res = app
            .patch(
                &r.path("/onboarding/construction"),
                Some(&r.owner),
                None,
                &done,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let finished = read(app, &r.admin, &r.id).await;
        assert_eq!(
            finished["allowed_actions"],
            json!(["activate", "terminate"])
        );
        assert_eq!(finished["blocked_actions"], json!([]));
        let body = moved(
            act(app, &r.admin, &r.id, json!({"action": "activate"})).await,
            "active",
        )
        .await;
        assert_eq!(body["allowed_actions"], json!(["terminate"]));
        app.smtp.wait_for("owner@dealer.example", "is active").await;
        assert_problem(
            app.patch(
                &r.path("/onboarding/construction"),
                Some(&r.owner),
                None,
                &done,
            )
            .await,
            StatusCode::CONFLICT,
            "not_onboarding",
        )
        .await;
        // The active partner holds its places.
        assert_eq!(committed(app, SUZHOU).await, 2);
        // What was signed never changes: the letter and its signature page are the same bytes
        // after onboarding and activation, to whoever reads them.
        assert_eq!(letter_bytes(app, &r.admin, &r).await.1, bytes);
        let page_again = app
            .get(&r.path("/loi/signature-page"), Some(&r.admin))
            .await;
        assert_eq!(page_again.bytes().await.unwrap().to_vec(), page_bytes);

        // The integrators' events, and the audit trail of the whole way.
        for event_type in ["loi.offered", "loi.signed", "partner.activated"] {
            assert_eq!(
                webhook_events(app, event_type).await.len(),
                1,
                "{event_type}"
            );
        }
        let timeline = events(app, &r.admin, &r).await;
        let actions: Vec<_> = timeline
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions.iter().filter(|a| **a == "complete_task").count(), 7);
        assert_eq!(actions.iter().filter(|a| **a == "reopen_task").count(), 1);
        assert!(actions.ends_with(&["activate"]));
        assert!(actions.contains(&"sign_loi") && actions.contains(&"offer_loi"));
        let report = verify(app, &r.admin).await;
        assert_eq!(report["ok"], true);
    }
);

/// A second group with a shortlisted application in Suzhou.
async fn second_candidate(app: &TestApp, r: &Review) -> Review {
    let second = app
        .another_submitted_review(
            &r.admin,
            &r.reviewer,
            "second@dealer.example",
            "91320500123456796",
        )
        .await;
    app.shortlisted(&second).await;
    second
}

db_test!(
    async fn two_offers_racing_for_the_last_place_give_one_letter(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.shortlisted(&r).await;
        let second = second_candidate(app, &r).await;
        let res = app
            .patch(
                &format!("/api/v1/cities/{SUZHOU}"),
                Some(&r.admin),
                Some("\"1\""),
                // Room for one letter of two stores.
                &json!({"quota": 2}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);

        let first_version = current_version(app, &r.id).await;
        let second_version = current_version(app, &second.id).await;
        let terms = offer(30);
        let (a, b) = tokio::join!(
            act_at(app, &r.admin, &r.id, first_version, &terms),
            act_at(app, &r.admin, &second.id, second_version, &terms),
        );
        let mut outcomes = vec![a.status().as_u16(), b.status().as_u16()];
        outcomes.sort_unstable();
        assert_eq!(outcomes, [200, 409]);
        let loser = if a.status() == StatusCode::CONFLICT {
            a
        } else {
            b
        };
        assert_problem(loser, StatusCode::CONFLICT, "quota_full").await;
        assert_eq!(committed(app, SUZHOU).await, 2);
        // The other candidate's page tells the admin why no letter can be offered now.
        let (winner, other) = if read(app, &r.admin, &r.id).await["status"] == "loi_offered" {
            (&r, &second)
        } else {
            (&second, &r)
        };
        let waiting = read(app, &r.admin, &other.id).await;
        assert_eq!(waiting["allowed_actions"], json!(["reject"]));
        assert_eq!(
            waiting["blocked_actions"],
            json!([{
                "action": "offer_loi",
                "code": "quota_full",
                "message": "该城市剩余的合作名额不足以容纳此意向书的门店数；请提高名额或等待名额释放。"
            }])
        );
        assert_problem(
            act(app, &r.admin, &other.id, offer(30)).await,
            StatusCode::CONFLICT,
            "quota_full",
        )
        .await;
        assert_eq!(webhook_events(app, "loi.offered").await.len(), 1);

        // The reports see the letter: its two store points committed, both still candidates.
        let funnel: Value = app
            .get_json(
                &format!("/api/v1/reports/funnel?city={SUZHOU}"),
                Some(&r.admin),
            )
            .await;
        let city = &funnel["cities"][0];
        assert_eq!(city["committed"], 2);
        let count = |status: &str| {
            city["by_status"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["status"] == status)
                .unwrap()["count"]
                .clone()
        };
        assert_eq!(
            (count("loi_offered"), count("shortlisted")),
            (json!(1), json!(1))
        );
        let ranking: Value = app
            .get_json(
                &format!("/api/v1/reports/cities/{SUZHOU}/ranking"),
                Some(&r.reviewer),
            )
            .await;
        assert_eq!(ranking["candidates"].as_array().unwrap().len(), 2);

        // A declined letter frees the place.
        moved(
            act(
                app,
                &winner.owner,
                &winner.id,
                json!({"action": "decline_loi"}),
            )
            .await,
            "loi_declined",
        )
        .await;
        let letter: Value = app
            .get_json(&winner.path("/loi"), Some(&winner.owner))
            .await;
        assert_eq!(letter["status"], "declined");
        assert_eq!(committed(app, SUZHOU).await, 0);
        let free = read(app, &r.admin, &other.id).await;
        assert_eq!(free["allowed_actions"], json!(["reject", "offer_loi"]));
        assert_eq!(free["blocked_actions"], json!([]));
        // The winner was mailed the letter, then the decline; the other is offered one now.
        app.smtp
            .wait_for(&winner.owner_email, "please review and sign")
            .await;
        app.smtp
            .wait_for(&winner.owner_email, "Your group has declined")
            .await;
        app.offered_letter(other, 30).await;
    }
);

db_test!(
    async fn an_unsigned_letter_reminds_then_expires_on_its_own(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.shortlisted(&r).await;
        app.offered_letter(&r, 10).await;
        let (_, bytes) = letter_bytes(app, &r.owner, &r).await;
        let sha256 = hex_sha256(&bytes);

        // Three days before the end, the owner is reminded once.
        app.clock
            .advance(chrono::Duration::days(7) + chrono::Duration::minutes(1));
        app.smtp
            .wait_for("owner@dealer.example", "expires soon")
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        let reminders = app
            .smtp
            .received()
            .into_iter()
            .filter(|m| m.subject.contains("expires soon"))
            .count();
        assert_eq!(reminders, 1);
        assert_eq!(read(app, &r.owner, &r.id).await["status"], "loi_offered");

        // Past the end, the background work expires it; nobody calls.
        app.clock.advance(chrono::Duration::days(3));
        let mut status = Value::Null;
        for _ in 0..100 {
            status = read(app, &r.owner, &r.id).await["status"].clone();
            if status == "loi_expired" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(status, "loi_expired");
        app.smtp
            .wait_for("owner@dealer.example", "has expired")
            .await;
        let letter: Value = app.get_json(&r.path("/loi"), Some(&r.owner)).await;
        assert_eq!(letter["status"], "expired");
        assert_problem(
            sign(app, &r.owner, &r, &sha256).await,
            StatusCode::CONFLICT,
            "invalid_transition",
        )
        .await;
        assert_eq!(committed(app, SUZHOU).await, 0);
        let timeline = events(app, &r.admin, &r).await;
        let last = timeline.last().unwrap();
        assert_eq!(last["action"], "expire_loi");
        assert_eq!(last["actor_role"], "system");
        assert!(last["actor_id"].is_null());
        assert_eq!(verify(app, &r.admin).await["ok"], true);
    }
);

db_test!(
    async fn a_letter_is_not_signed_by_blanks_or_control_characters(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.shortlisted(&r).await;
        app.offered_letter(&r, 30).await;
        let (_, bytes) = letter_bytes(app, &r.owner, &r).await;
        let sha256 = hex_sha256(&bytes);
        let sign_as = |name: &str, title: &str| {
            let body = json!({
                "signer_name": name,
                "signer_title": title,
                "document_sha256": sha256,
                "accept": true
            });
            app.request(Method::POST, &r.path("/loi/signature"), Some(&r.owner))
                .json(&body)
                .send()
        };
        let problem = assert_problem(
            sign_as("   ", "Chairman\nAttn: finance").await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let mut fields = error_fields(&problem);
        fields.sort();
        assert_eq!(fields, ["signer_name", "signer_title"]);
        assert_eq!(read(app, &r.owner, &r.id).await["status"], "loi_offered");

        let res = sign_as("  Li Wei ", " Chairman ").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let signed: Value = res.json().await.unwrap();
        assert_eq!(signed["signer_name"], "Li Wei");
        assert_eq!(signed["signer_title"], "Chairman");
        app.ignore_mail();
    }
);

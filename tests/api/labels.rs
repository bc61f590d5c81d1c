//! What a person reads: words beside every code in the caller's language, the moves a rule
//! blocks (and that performing one fails with the code it was blocked by), and the applicant's
//! timeline, which shows the public steps only, while staff read every event.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::dealer_groups::{profile, uscc};
use crate::helpers::*;
use crate::review::{act, actions, events, moved, put_review, read, scorecard};
use crate::stories::{SUZHOU, offer};

/// GET `path` as `token`, asking for `language`.
pub async fn get_in(app: &TestApp, path: &str, token: &str, language: &str) -> Value {
    let res = app
        .request(Method::GET, path, Some(token))
        .header("Accept-Language", language)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn id_of(app: &TestApp, token: &str) -> String {
    let me: Value = app.get_json("/api/v1/me", Some(token)).await;
    me["id"].as_str().unwrap().to_owned()
}

db_test!(
    async fn an_unverified_applicant_is_told_that_submitting_waits_for_the_address(app: TestApp) {
        let email = "new@dealer.example";
        app.register(email).await;
        let confirm = app
            .smtp
            .wait_for(email, "Confirm your e-mail address")
            .await;
        let owner = access_token(&app.tokens(email, PASSWORD).await);
        let res = app
            .post(
                "/api/v1/dealer-groups",
                Some(&owner),
                &profile("New Auto", &uscc("91320500123456788")),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let id = app.draft_application(&owner, SUZHOU).await;
        let path = format!("/api/v1/applications/{id}");

        let draft = app.get_json(&path, Some(&owner)).await;
        assert_eq!(draft["allowed_actions"], json!(["withdraw"]));
        assert_eq!(
            draft["blocked_actions"],
            json!([{
                "action": "submit",
                "code": "email_unverified",
                "message": "Confirm your e-mail address by the link we sent first (submitting an application and joining a group need it)."
            }])
        );
        let chinese = get_in(app, &path, &owner, "zh-CN").await;
        assert_eq!(chinese["status_label"], "草稿");
        assert_eq!(
            chinese["blocked_actions"][0]["message"],
            "请先通过我们发送的链接验证您的电子邮件地址（提交申请和加入集团都需要）。"
        );
        // Performing the blocked move fails with the problem behind the rule.
        assert_problem(
            act(app, &owner, &id, json!({"action": "submit"})).await,
            StatusCode::CONFLICT,
            "email_not_verified",
        )
        .await;

        // Once the address is confirmed, the draft may go.
        let res = app
            .post(
                "/api/v1/auth/verify-email",
                None,
                &json!({"token": confirm.token()}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let draft = app.get_json(&path, Some(&owner)).await;
        assert_eq!(draft["allowed_actions"], json!(["submit", "withdraw"]));
        assert_eq!(draft["blocked_actions"], json!([]));
        app.submit(&owner, email, "en", &id).await;
    }
);

db_test!(
    async fn a_refused_move_tells_what_is_allowed_and_blocked(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.shortlisted(&r).await;
        let res = app
            .patch(
                &format!("/api/v1/cities/{SUZHOU}"),
                Some(&r.admin),
                Some("\"1\""),
                &json!({"quota": 0}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );

        // In English, by the request's language rather than the admin's own (Chinese).
        let shown = get_in(app, &r.path(""), &r.admin, "en").await;
        let blocked = json!([{
            "action": "offer_loi",
            "code": "quota_full",
            "message": "The city's quota has not enough free store points for the letter; raise the quota or wait for places to free up."
        }]);
        assert_eq!(shown["allowed_actions"], json!(["reject"]));
        assert_eq!(shown["blocked_actions"], blocked);
        let res = app
            .request(Method::POST, &r.path("/transitions"), Some(&r.admin))
            .header("If-Match", format!("\"{}\"", shown["version"]))
            .header("Accept-Language", "en")
            .json(&json!({"action": "start_onboarding"}))
            .send()
            .await
            .unwrap();
        let problem = assert_problem(res, StatusCode::CONFLICT, "invalid_transition").await;
        assert_eq!(problem["allowed_actions"], json!(["reject"]));
        assert_eq!(problem["blocked_actions"], blocked);
        assert_problem(
            act(app, &r.admin, &r.id, offer(30)).await,
            StatusCode::CONFLICT,
            "quota_full",
        )
        .await;

        // The applicant is offered its own moves only: the maker's rules are not its to read.
        let mine = read(app, &r.owner, &r.id).await;
        assert_eq!(mine["allowed_actions"], json!(["withdraw"]));
        assert_eq!(mine["blocked_actions"], json!([]));
        // The list tells the same.
        let list: Value = app.get_json("/api/v1/applications", Some(&r.admin)).await;
        assert_eq!(list["items"][0]["blocked_actions"][0]["code"], "quota_full");
    }
);

db_test!(
    async fn the_applicant_reads_the_public_steps_and_staff_read_every_event(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let reviewer_id = id_of(app, &r.reviewer).await;
        let admin_id = id_of(app, &r.admin).await;
        let owner_id = id_of(app, &r.owner).await;

        // A full review: an assignment, a request for information and its answer, a scorecard,
        // the shortlist, a rejection, and a reopening for a reason meant for staff.
        app.assigned(&r, &reviewer_id).await;
        moved(
            act(app, &r.reviewer, &r.id, json!({"action": "start_review"})).await,
            "under_review",
        )
        .await;
        let message = "Please upload the signed lease of the Xinghu Street site.";
        app.answered_request(&r, message).await;
        let res = put_review(app, &r.reviewer, &r, &scorecard(4, "yes")).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        moved(
            act(app, &r.reviewer, &r.id, json!({"action": "shortlist"})).await,
            "shortlisted",
        )
        .await;
        let why = "Two groups with more NEV stores in Jiangsu applied.";
        moved(act(app, &r.reviewer, &r.id, json!({"action": "reject", "reason_code": "weaker_than_competitors", "reason": why})).await, "rejected").await;
        app.smtp
            .wait_for("owner@dealer.example", "Your application for")
            .await;
        let internal = "Panel misread the lease; second look ordered by the director";
        moved(
            act(
                app,
                &r.admin,
                &r.id,
                json!({"action": "reopen", "reason": internal}),
            )
            .await,
            "under_review",
        )
        .await;
        app.smtp
            .wait_for("owner@dealer.example", "is back in review")
            .await;

        // Staff read every event as recorded.
        let staff = events(app, &r.reviewer, &r).await;
        assert_eq!(
            actions(&staff),
            [
                "create",
                "submit",
                "assign",
                "start_review",
                "request_info",
                "resubmit",
                "shortlist",
                "reject",
                "reopen"
            ]
        );
        assert_eq!(staff[2]["actor_id"], admin_id.as_str());
        assert!(staff[2]["reason"].as_str().unwrap().contains(&reviewer_id));
        assert_eq!(staff[3]["actor_role"], "reviewer");
        assert_eq!(staff[3]["actor_label"], "Reviewer");
        assert_eq!(staff[3]["actor_id"], reviewer_id.as_str());
        assert_eq!(staff[3]["action_label"], "Review started");
        assert_eq!(staff[3]["from_status_label"], "Submitted");
        assert_eq!(staff[7]["from_status"], "shortlisted");
        assert_eq!(staff[8]["reason"], internal);
        assert_eq!(staff[8]["actor_role"], "admin");

        // The applicant reads its application's public steps.
        let theirs = events(app, &r.owner, &r).await;
        assert_eq!(
            actions(&theirs),
            [
                "create",
                "submit",
                "request_info",
                "resubmit",
                "reject",
                "reopen"
            ]
        );
        for event in &theirs {
            if event["actor_role"] == "applicant" {
                assert_eq!(event["actor_id"], owner_id.as_str(), "{event}");
            } else {
                assert_eq!(event["actor_role"], "maker", "{event}");
                assert_eq!(event["actor_label"], "Recruitment team", "{event}");
                assert!(event["actor_id"].is_null(), "{event}");
            }
            for key in ["from_status", "to_status"] {
                assert!(
                    event[key].is_null()
                        || ["draft", "under_review", "info_requested", "rejected"]
                            .contains(&event[key].as_str().unwrap()),
                    "{event}"
                );
            }
        }
        // What the maker wrote to the applicant (the mails said it already), not to staff.
        assert_eq!(theirs[2]["reason"], message);
        assert_eq!(theirs[4]["reason_code"], "weaker_than_competitors");
        assert_eq!(theirs[4]["reason_label"], "Other applicants were stronger");
        assert_eq!(theirs[4]["reason"], why);
        assert_eq!(theirs[4]["from_status_label"], "In review");
        assert_eq!(theirs[4]["to_status_label"], "Not selected");
        assert_eq!(theirs[4]["action_label"], "Application not selected");
        assert!(theirs[5]["reason"].is_null(), "{}", theirs[5]);
        assert_eq!(theirs[5]["action_label"], "Back in review");
        let text = serde_json::to_string(&theirs).unwrap();
        for secret in [
            reviewer_id.as_str(),
            admin_id.as_str(),
            internal,
            "\"reviewer\"",
            "\"admin\"",
            "\"submitted\"",
            "\"shortlisted\"",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }

        // The same timeline in Chinese.
        let chinese = get_in(app, &r.path("/events"), &r.owner, "zh-CN").await;
        let chinese = chinese["items"].as_array().unwrap();
        assert_eq!(actions(chinese), actions(&theirs));
        assert_eq!(chinese[1]["action_label"], "提交申请");
        assert_eq!(chinese[1]["to_status_label"], "审核中");
        assert_eq!(chinese[4]["actor_label"], "招募团队");
        assert_eq!(chinese[4]["reason_label"], "其他申请方更具优势");
        assert_eq!(chinese[0]["from_status_label"], Value::Null);
        assert_eq!(chinese[0]["to_status_label"], "草稿");
    }
);

db_test!(
    async fn the_words_beside_codes_follow_the_callers_language(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.shortlisted(&r).await;
        app.offered_letter(&r, 30).await;

        let english = get_in(app, &r.path(""), &r.owner, "en").await;
        let chinese = get_in(app, &r.path(""), &r.owner, "zh-CN").await;
        assert_eq!(
            (&english["status_label"], &chinese["status_label"]),
            (
                &json!("Letter of intent offered"),
                &json!("已发出合作意向书")
            )
        );
        let letter = get_in(app, &r.path("/loi"), &r.owner, "zh-CN").await;
        assert_eq!(letter["status"], "offered");
        assert_eq!(letter["status_label"], "待签署");
        let letter = get_in(app, &r.path("/loi"), &r.owner, "en").await;
        assert_eq!(letter["status_label"], "Awaiting signature");

        // A group's warnings: the code stays, the words follow the language.
        let (owner, group) = app
            .applicant_with_group("inst@dealer.example", "12320500123456788")
            .await;
        let path = format!("/api/v1/dealer-groups/{group}");
        let english = get_in(app, &path, &owner, "en").await;
        let chinese = get_in(app, &path, &owner, "zh-CN").await;
        assert_eq!(english["warnings"][0]["code"], "uscc_entity_type_not_91");
        assert_eq!(chinese["warnings"][0]["code"], "uscc_entity_type_not_91");
        assert!(
            english["warnings"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("The USCC does not start with 91")
        );
        assert!(
            chinese["warnings"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("统一社会信用代码不以 91 开头")
        );
        assert_eq!(english["warnings"].as_array().unwrap().len(), 1);
    }
);

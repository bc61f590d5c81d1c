//! Messages and internal notes over HTTP: a thread between an applicant and the maker's staff
//! with a document attached, the mails to the other side in its language, who is mailed
//! (assignees or the city's reviewers, the group's members, never the author), unread counts,
//! what applicants are not told of staff, who may read and write, the rate limit, the
//! `message.created` webhook; internal notes for staff of the city alone, never in the
//! timeline, webhooks or mails.

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::documents::{pdf, uploaded};
use crate::helpers::*;
use crate::openapi::subscribe_to_everything;
use crate::receiver::Receiver;
use crate::review::{act, events, moved};
use crate::smtp::ReceivedMail;
use crate::stories::{Review, SUZHOU};
use crate::webhooks::integrator;

const NINGBO: &str = "330200";

async fn post_message(app: &TestApp, token: &str, id: &str, body: &Value) -> Response {
    let path = format!("/api/v1/applications/{id}/messages?limit=100");
    app.post(&path, Some(token), body).await
}

/// Posts `text` (with `documents`) and expects a 201 naming the message in `Location`.
async fn posted(app: &TestApp, token: &str, id: &str, text: &str, documents: Value) -> Value {
    let body = json!({"body": text, "document_ids": documents});
    let res = post_message(app, token, id, &body).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let message: Value = res.json().await.unwrap();
    let expected = format!(
        "/api/v1/applications/{id}/messages/{}",
        message["id"].as_str().unwrap()
    );
    assert_eq!(location, expected);
    message
}

/// The thread as `token` reads it.
async fn thread(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let page = app
        .get_json(
            &format!("/api/v1/applications/{id}/messages?limit=100"),
            Some(token),
        )
        .await;
    page["items"].as_array().unwrap().clone()
}

/// The caller's `unread_messages` on application `id`, as the application and the list say
/// (they must agree).
async fn unread(app: &TestApp, token: &str, id: &str) -> Value {
    let one = app
        .get_json(&format!("/api/v1/applications/{id}"), Some(token))
        .await;
    let list = app.get_json("/api/v1/applications", Some(token)).await;
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()["unread_messages"]
        .clone();
    assert_eq!(one["unread_messages"], listed);
    listed
}

async fn mark_read(app: &TestApp, token: &str, id: &str) {
    let path = format!("/api/v1/applications/{id}/messages/read");
    let res = app.post(&path, Some(token), &json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

/// Asserts that `mail` says `said` in the recipient's language and then in the other, with the
/// message `text` and the link to application `id` in both, and `text` in its HTML part.
fn assert_carries(mail: &ReceivedMail, said: [&str; 2], text: &str, id: &str) {
    let link = format!("http://portal.test/applications/{id}");
    let sections = mail.text_sections();
    assert_eq!(sections.len(), 2, "{}", mail.text);
    for (section, words) in sections.iter().zip(said) {
        assert!(section.contains(words), "{words:?} in {section}");
        assert!(
            section.contains(text) && section.contains(&link),
            "{section}"
        );
    }
    assert!(mail.html.contains(text), "{}", mail.html);
}

async fn user_id(app: &TestApp, token: &str) -> String {
    let me = app.get_json("/api/v1/me", Some(token)).await;
    me["id"].as_str().unwrap().to_owned()
}

db_test!(
    async fn an_applicant_and_a_reviewer_write_to_each_other(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app
            .reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
            .await;
        let group_name = "苏州东方汽车集团有限公司";
        let (owner, _) = app
            .applicant_with_named_group(
                "owner@dealer.example",
                "zh-CN",
                group_name,
                "91320500123456788",
            )
            .await;
        let id = app.draft_application(&owner.token, SUZHOU).await;
        let lease = uploaded(app, &owner.token, &id, pdf("lease"), "租赁合同.pdf").await;
        app.submit(&owner.token, &owner.email, "zh-CN", &id).await;
        app.smtp
            .wait_for("reviewer@maker.example", "New application to review")
            .await;
        let r = Review {
            admin: admin.clone(),
            reviewer: reviewer.clone(),
            owner: owner.token.clone(),
            owner_email: owner.email.clone(),
            id: id.clone(),
        };
        let timeline = (
            events(app, &r.owner, &r).await.len(),
            events(app, &r.reviewer, &r).await.len(),
        );
        assert_eq!(unread(app, &owner.token, &id).await, 0);

        // The applicant writes, pointing to its lease; nobody is assigned, so the city's
        // reviewer is mailed, in English first.
        let text = "The signed lease is attached. The landlord signs the annex on Friday.";
        let message = posted(app, &owner.token, &id, text, json!([lease["id"]])).await;
        let owner_id = user_id(app, &owner.token).await;
        assert_eq!(
            message["author"],
            json!({"side": "applicant", "user_id": owner_id, "display_name": "Li Wei"})
        );
        assert_eq!(message["body"], text);
        assert_eq!(
            message["documents"],
            json!([{"id": lease["id"], "kind": "business_license", "filename": "租赁合同.pdf"}])
        );
        let mail = app
            .smtp
            .wait_for(
                "reviewer@maker.example",
                "New message from 苏州东方汽车集团有限公司 (Suzhou)",
            )
            .await;
        let said = [
            "has written about its application for Suzhou:",
            "就其在苏州的合作申请发来留言",
        ];
        assert_carries(&mail, said, text, &id);

        // Unread: the reviewer's and the admin's, not the author's own.
        assert_eq!(unread(app, &reviewer, &id).await, 1);
        assert_eq!(unread(app, &admin, &id).await, 1);
        assert_eq!(unread(app, &owner.token, &id).await, 0);
        // Reading the thread does not mark it read; marking it does.
        let seen = thread(app, &reviewer, &id).await;
        assert_eq!(seen, std::slice::from_ref(&message));
        assert_eq!(unread(app, &reviewer, &id).await, 1);
        mark_read(app, &reviewer, &id).await;
        assert_eq!(unread(app, &reviewer, &id).await, 0);

        // The reviewer answers; the owner is mailed in Chinese first, the reviewer not at all.
        let answer = "Thank you. Please also send the zoning letter for the plot.";
        let reply = posted(app, &reviewer, &id, answer, json!(null)).await;
        let reviewer_id = user_id(app, &reviewer).await;
        assert_eq!(
            reply["author"],
            json!({"side": "maker", "user_id": reviewer_id, "display_name": "Reviewer"})
        );
        assert_eq!(reply["documents"], json!([]));
        let mail = app
            .smtp
            .wait_for(&owner.email, "您在苏州的合作申请有一条新消息")
            .await;
        let said = [
            "招募团队就贵集团在苏州的合作申请给您留言",
            "The recruitment team has written to you",
        ];
        assert_carries(&mail, said, answer, &id);
        assert!(!mail.text.contains("Reviewer") && !mail.html.contains("Reviewer"));

        // The applicant reads the maker's message without who wrote it; staff read everyone.
        let owners_view = thread(app, &owner.token, &id).await;
        assert_eq!(owners_view[0], message);
        assert_eq!(owners_view[1]["author"], json!({"side": "maker"}));
        assert_eq!(owners_view[1]["body"], answer);
        let one = app
            .get_json(
                &format!(
                    "/api/v1/applications/{id}/messages/{}",
                    reply["id"].as_str().unwrap()
                ),
                Some(&owner.token),
            )
            .await;
        assert_eq!(one, owners_view[1]);
        assert_eq!(thread(app, &admin, &id).await, [message, reply.clone()]);

        assert_eq!(unread(app, &owner.token, &id).await, 1);
        assert_eq!(unread(app, &reviewer, &id).await, 0);
        assert_eq!(unread(app, &admin, &id).await, 2);
        mark_read(app, &owner.token, &id).await;
        assert_eq!(unread(app, &owner.token, &id).await, 0);
        // A new message from the other side counts again.
        posted(
            app,
            &reviewer,
            &id,
            "And the fire inspection report, please.",
            json!([]),
        )
        .await;
        app.smtp.wait_for(&owner.email, "新消息").await;
        assert_eq!(unread(app, &owner.token, &id).await, 1);

        // Pages, oldest first.
        let path = format!("/api/v1/applications/{id}/messages?limit=2");
        let first = app.get_json(&path, Some(&admin)).await;
        assert_eq!(first["items"].as_array().unwrap().len(), 2);
        assert_eq!(first["items"][1], reply);
        let cursor = first["next_cursor"].as_str().unwrap();
        let rest = app
            .get_json(&format!("{path}&cursor={cursor}"), Some(&admin))
            .await;
        assert_eq!(
            rest["items"][0]["body"],
            "And the fire inspection report, please."
        );
        assert_eq!(rest["next_cursor"], Value::Null);

        // Messages are not on the timeline, for either side.
        assert_eq!(events(app, &r.owner, &r).await.len(), timeline.0);
        assert_eq!(events(app, &r.reviewer, &r).await.len(), timeline.1);
    }
);

db_test!(
    async fn a_members_message_goes_to_the_assignees_when_there_are_any(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let other = app
            .reviewer(&r.admin, "other.reviewer@maker.example", &[SUZHOU])
            .await;
        let reviewer_id = user_id(app, &r.reviewer).await;
        app.assigned(&r, &reviewer_id).await;

        let key = "message-1";
        let send = || {
            app.request(Method::POST, &r.path("/messages"), Some(&r.owner))
                .header("Idempotency-Key", key)
                .json(&json!({"body": "Is anything missing?"}))
                .send()
        };
        let first = send().await.unwrap();
        assert_eq!(first.status(), StatusCode::CREATED);
        let first: Value = first.json().await.unwrap();
        // A retry gets the same message, and mails nobody again.
        let again = send().await.unwrap();
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(again.json::<Value>().await.unwrap(), first);
        assert_eq!(thread(app, &other, &r.id).await.len(), 1);

        // The assignee alone, once (the end of the test checks that no other mail is left).
        app.smtp
            .wait_for("reviewer@maker.example", "New message from")
            .await;
        assert_eq!(unread(app, &other, &r.id).await, 1);

        // An admin's message goes to the group's members.
        posted(app, &r.admin, &r.id, "Nothing is missing.", json!([])).await;
        let mail = app
            .smtp
            .wait_for(
                &r.owner_email,
                "New message about your application for Suzhou",
            )
            .await;
        assert!(mail.body.contains("Nothing is missing."), "{}", mail.body);
    }
);

db_test!(
    async fn who_may_read_and_write_messages(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let path = r.path("/messages");
        let hello = json!({"body": "Hello"});

        // Another group's applicant and a reviewer of another city may not know of it.
        let (stranger, _) = app
            .applicant_with_group("stranger@dealer.example", "91330200123456781")
            .await;
        let ningbo = app
            .reviewer(&r.admin, "ningbo@maker.example", &[NINGBO])
            .await;
        for token in [&stranger, &ningbo] {
            for res in [
                app.get(&path, Some(token)).await,
                app.post(&path, Some(token), &hello).await,
                app.post(&r.path("/messages/read"), Some(token), &json!({}))
                    .await,
            ] {
                assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
            }
        }
        // Integrators read the thread with `messages:read`, and never write in it.
        let (_, reader) = integrator(app, &r.admin, json!(["messages:read"])).await;
        let (_, mirror) = integrator(app, &r.admin, json!(["applications:read"])).await;
        let (_, blind) = integrator(app, &r.admin, json!(["webhooks:manage"])).await;
        let message = posted(app, &r.reviewer, &r.id, "Hello from the maker", json!([])).await;
        app.smtp.wait_for(&r.owner_email, "New message about").await;
        let page = app.get_json(&path, Some(&reader)).await;
        assert_eq!(page["items"], json!([message]));
        assert_problem(
            app.post(&path, Some(&reader), &hello).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get(&path, Some(&blind)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let read = r.path("/messages/read");
        assert_problem(
            app.post(&read, Some(&reader), &json!({})).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let application = app.get_json(&r.path(""), Some(&mirror)).await;
        assert_eq!(application["unread_messages"], Value::Null);
        assert_problem(
            app.get(&path, None).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;

        // What a message may say and point to: each refusal names its field, nothing is written.
        let other_id = app.draft_application(&stranger, SUZHOU).await;
        let theirs = uploaded(app, &stranger, &other_id, pdf("theirs"), "licence.pdf").await;
        let res = post_message(
            app,
            &r.owner,
            &r.id,
            &json!({"body": "See the licence", "document_ids": [theirs["id"]]}),
        )
        .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(
            error_codes(&problem),
            [(
                "document_ids[0]".to_owned(),
                "not_a_document_of_application".to_owned()
            )]
        );
        let res = post_message(app, &r.owner, &r.id, &json!({"body": "   ", "extra": 1})).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        let mut fields = error_fields(&problem);
        fields.sort();
        assert_eq!(fields, ["body", "extra"]);
        let many: Vec<String> = (0..11)
            .map(|_| theirs["id"].as_str().unwrap().to_owned())
            .collect();
        let long = "长".repeat(5001);
        let res = post_message(
            app,
            &r.owner,
            &r.id,
            &json!({"body": long, "document_ids": many}),
        )
        .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        let mut fields = error_fields(&problem);
        fields.sort();
        assert_eq!(fields, ["body", "document_ids"]);
        let res = post_message(app, &r.owner, &r.id, &json!({"document_ids": []})).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(
            error_codes(&problem),
            [("body".to_owned(), "required".to_owned())]
        );
        assert_eq!(thread(app, &r.admin, &r.id).await.len(), 1);
    }
);

db_test!(
    async fn posting_is_limited_per_person(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        for n in 1..=20 {
            let res = post_message(
                app,
                &r.owner,
                &r.id,
                &json!({"body": format!("Message {n}")}),
            )
            .await;
            assert_eq!(res.status(), StatusCode::CREATED, "message {n}");
            let remaining = res.headers()["ratelimit-remaining"]
                .to_str()
                .unwrap()
                .to_owned();
            assert_eq!(remaining, (20 - n).to_string());
        }
        let res = post_message(app, &r.owner, &r.id, &json!({"body": "One too many"})).await;
        assert!(res.headers().contains_key("retry-after"));
        assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
        // Others still write.
        posted(app, &r.reviewer, &r.id, "Slow down, please.", json!([])).await;
        assert_eq!(thread(app, &r.admin, &r.id).await.len(), 21);
        // Each message was mailed all the same: the owner's to the city's reviewer, the
        // reviewer's to the owner.
        for _ in 1..=20 {
            app.smtp
                .wait_for("reviewer@maker.example", "New message from")
                .await;
        }
        app.smtp.wait_for(&r.owner_email, "New message about").await;
    }
);

db_test!(
    async fn unverified_applicants_may_not_write_and_drafts_mail_no_staff(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        // An unverified address may not write, and is refused before it is counted.
        app.registered("new@dealer.example").await;
        let unverified = access_token(&app.tokens("new@dealer.example", PASSWORD).await);
        let res = post_message(app, &unverified, &r.id, &json!({"body": "Hello"})).await;
        assert!(!res.headers().contains_key("ratelimit-limit"));
        assert_problem(res, StatusCode::FORBIDDEN, "email_not_verified").await;

        // Staff do not review drafts: a member's message on one is kept, and mailed to nobody
        // of the maker's (the end of the test checks that no mail is left).
        app.reviewer(&r.admin, "ningbo@maker.example", &[NINGBO])
            .await;
        let draft = app.draft_application(&r.owner, NINGBO).await;
        let lease = uploaded(app, &r.owner, &draft, pdf("lease"), "lease.pdf").await;
        posted(
            app,
            &r.owner,
            &draft,
            "A question before we submit.",
            json!([]),
        )
        .await;
        assert_eq!(thread(app, &r.owner, &draft).await.len(), 1);

        // A document named twice is refused at its second place.
        let twice = json!({"body": "The lease", "document_ids": [lease["id"], lease["id"]]});
        let problem = assert_problem(
            post_message(app, &r.owner, &draft, &twice).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_codes(&problem),
            [("document_ids[1]".to_owned(), "duplicate".to_owned())]
        );
        assert_eq!(thread(app, &r.owner, &draft).await.len(), 1);
    }
);

db_test!(
    async fn a_message_or_note_is_read_through_its_own_application(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let other = app
            .another_submitted_review(
                &r.admin,
                &r.reviewer,
                "other@dealer.example",
                "91320500123456777",
            )
            .await;
        let message = posted(app, &r.reviewer, &r.id, "Hello", json!([])).await;
        app.smtp.wait_for(&r.owner_email, "New message about").await;
        let res = post_note(app, &r.reviewer, &r, "Strong site").await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let note: Value = res.json().await.unwrap();
        let message_id = message["id"].as_str().unwrap();
        let note_id = note["id"].as_str().unwrap();
        assert_eq!(
            app.get(&r.path(&format!("/messages/{message_id}")), Some(&r.admin))
                .await
                .status(),
            StatusCode::OK
        );
        for path in [
            other.path(&format!("/messages/{message_id}")),
            other.path(&format!("/notes/{note_id}")),
        ] {
            assert_problem(
                app.get(&path, Some(&r.admin)).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }
        for res in [
            app.get(&r.path("/notes"), None).await,
            app.post(&r.path("/messages/read"), None, &json!({})).await,
        ] {
            assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
        }
    }
);

/// The group of the applicant signed in with `token`.
async fn group_of(app: &TestApp, token: &str) -> String {
    let me = app.get_json("/api/v1/me", Some(token)).await;
    me["dealer_group_id"].as_str().unwrap().to_owned()
}

/// A verified applicant at `email` who joined `group` as an editor by the owner's invitation.
async fn editor(app: &TestApp, owner: &str, group: &str, email: &str) -> String {
    let person = app.applicant(email, "en").await;
    let path = format!("/api/v1/dealer-groups/{group}/members");
    let res = app
        .post(
            &path,
            Some(owner),
            &json!({"email": email, "role": "editor"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let mail = app.smtp.wait_for(email, "invites you to join").await;
    let accept = json!({"token": mail.token()});
    let res = app
        .post("/api/v1/invitations/accept", Some(&person.token), &accept)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    person.token
}

db_test!(
    async fn messages_reach_the_active_people_on_each_side(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.reviewer(&r.admin, "second@maker.example", &[SUZHOU])
            .await;
        let group = group_of(app, &r.owner).await;
        editor(app, &r.owner, &group, "editor@dealer.example").await;
        let gone = editor(app, &r.owner, &group, "gone@dealer.example").await;
        let gone_id = user_id(app, &gone).await;
        let res = app
            .delete(
                &format!("/api/v1/dealer-groups/{group}/members/{gone_id}"),
                Some(&gone),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);

        // The maker's message reaches every active member, the editor too, not one who left.
        moved(
            act(app, &r.reviewer, &r.id, json!({"action": "start_review"})).await,
            "under_review",
        )
        .await;
        posted(app, &r.reviewer, &r.id, "Please call us.", json!([])).await;
        for member in [r.owner_email.as_str(), "editor@dealer.example"] {
            app.smtp.wait_for(member, "New message about").await;
        }

        // The assignee deactivated, a member's message goes to the city's active reviewers.
        let reviewer_id = user_id(app, &r.reviewer).await;
        let res = app
            .patch(
                &format!("/api/v1/staff/{reviewer_id}"),
                Some(&r.admin),
                Some("*"),
                &json!({"active": false}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        posted(app, &r.owner, &r.id, "We will call on Monday.", json!([])).await;
        app.smtp
            .wait_for("second@maker.example", "New message from")
            .await;
        // A withdrawal is not mailed to the deactivated assignee either: nobody active is
        // assigned, so only the members hear of it.
        moved(
            act(app, &r.owner, &r.id, json!({"action": "withdraw"})).await,
            "withdrawn",
        )
        .await;
        for member in [r.owner_email.as_str(), "editor@dealer.example"] {
            app.smtp.wait_for(member, "has been withdrawn").await;
        }

        // An admin who started a review is its assignee, and hears of the members' messages.
        let other = app
            .another_submitted_review(&r.admin, "", "other@dealer.example", "91320500123456777")
            .await;
        app.smtp
            .wait_for("second@maker.example", "New application to review")
            .await;
        moved(
            act(app, &r.admin, &other.id, json!({"action": "start_review"})).await,
            "under_review",
        )
        .await;
        posted(app, &other.owner, &other.id, "Any news?", json!([])).await;
        // In the admin's language first (`create-admin` makes Chinese accounts).
        let mail = app
            .smtp
            .wait_for(
                "lead@maker.example",
                "other@dealer.example 集团 发来一条新消息",
            )
            .await;
        let said = [
            "就其在苏州的合作申请发来留言",
            "has written about its application for Suzhou:",
        ];
        assert_carries(&mail, said, "Any news?", &other.id);
    }
);

async fn post_note(app: &TestApp, token: &str, r: &Review, text: &str) -> Response {
    app.post(&r.path("/notes"), Some(token), &json!({"body": text}))
        .await
}

db_test!(
    async fn internal_notes_are_for_the_citys_staff_alone(app: TestApp) {
        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        let receiver = Receiver::start();
        subscribe_to_everything(app, &r.admin, &receiver.url).await;
        let timeline = (
            events(app, &r.owner, &r).await,
            events(app, &r.reviewer, &r).await,
        );

        // Staff of the city write and read notes.
        let secret = "Zoning looks doubtful; ask before shortlisting.";
        let res = post_note(app, &r.reviewer, &r, secret).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let note: Value = res.json().await.unwrap();
        assert_eq!(
            location,
            r.path(&format!("/notes/{}", note["id"].as_str().unwrap()))
        );
        let reviewer_id = user_id(app, &r.reviewer).await;
        assert_eq!(
            note["author"],
            json!({"user_id": reviewer_id, "display_name": "Reviewer"})
        );
        assert_eq!(note["body"], secret);
        assert_eq!(app.get_json(&location, Some(&r.admin)).await, note);
        let res = post_note(app, &r.admin, &r, "  Agreed.  ").await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let listed = app.get_json(&r.path("/notes"), Some(&r.reviewer)).await;
        let bodies: Vec<&Value> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| &n["body"])
            .collect();
        assert_eq!(bodies, [secret, "Agreed."]);
        let res = post_note(app, &r.admin, &r, " ").await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["body"]);

        // Applicants, even the group's owner, are told there is nothing; so is a reviewer of
        // another city; integrators are refused.
        let ningbo = app
            .reviewer(&r.admin, "ningbo@maker.example", &[NINGBO])
            .await;
        let (_, reader) = integrator(app, &r.admin, json!(["applications:read"])).await;
        for (token, status, code) in [
            (&r.owner, StatusCode::NOT_FOUND, "not_found"),
            (&ningbo, StatusCode::NOT_FOUND, "not_found"),
            (&reader, StatusCode::FORBIDDEN, "forbidden"),
        ] {
            assert_problem(app.get(&r.path("/notes"), Some(token)).await, status, code).await;
            assert_problem(app.get(&location, Some(token)).await, status, code).await;
            assert_problem(post_note(app, token, &r, "Mine").await, status, code).await;
        }
        // Even a body the note would refuse: the owner learns nothing.
        let res = app
            .post(
                &r.path("/notes"),
                Some(&r.owner),
                &json!({"nonsense": true}),
            )
            .await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

        // Not on anyone's timeline, nor in webhooks (a message, posted after, is), nor mailed.
        assert_eq!(events(app, &r.owner, &r).await, timeline.0);
        assert_eq!(events(app, &r.reviewer, &r).await, timeline.1);
        let message = posted(
            app,
            &r.reviewer,
            &r.id,
            "Could you send the zoning letter?",
            json!([]),
        )
        .await;
        app.smtp.wait_for(&r.owner_email, "New message about").await;
        let delivered = receiver.wait_accepted(1, || {}).await;
        assert_eq!(delivered.len(), 1);
        let body: Value = serde_json::from_str(&delivered[0].body).unwrap();
        assert_eq!(body["type"], "message.created");
        assert_eq!(
            body["data"],
            json!({
                "application_id": r.id,
                "message": {
                    "id": message["id"],
                    "author_side": "maker",
                    "body": "Could you send the zoning letter?",
                    "document_ids": [],
                    "created_at": message["created_at"],
                }
            })
        );
        assert!(!delivered[0].body.contains(&reviewer_id));
        for delivery in receiver.received() {
            assert!(
                !delivery.body.contains("Zoning looks doubtful"),
                "{}",
                delivery.body
            );
        }
    }
);

//! The members of a dealer group: owners invite people by e-mail in a role (owner, editor,
//! signatory), the invitee accepts with the mailed link, owners change roles and remove
//! members, members leave; editors prepare applications, signatories also sign, owners commit
//! the group. Every change is in the timelines of the group's applications, and every member
//! hears about the group's applications.

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::db_test;
use crate::helpers::*;
use crate::review::{act, events, moved, put_review, read, scorecard};
use crate::smtp::ReceivedMail;
use crate::stories::{Applicant, Review, SUZHOU};

const GROUP_NAME: &str = "华东汽车销售服务集团有限公司";

fn group_uscc() -> String {
    crate::dealer_groups::uscc("91320500123456788")
}

fn members_path(group: &str) -> String {
    format!("/api/v1/dealer-groups/{group}/members")
}

fn invitations_path(group: &str) -> String {
    format!("/api/v1/dealer-groups/{group}/invitations")
}

async fn invite(
    app: &TestApp,
    token: &str,
    group: &str,
    email: &str,
    role: &str,
    title: Option<&str>,
) -> Response {
    app.post(
        &members_path(group),
        Some(token),
        &json!({"email": email, "role": role, "title": title}),
    )
    .await
}

/// The subject of the invitation mail, in the language it is first in.
fn invitation_subject(locale: &str) -> &'static str {
    if locale == "en" {
        "invites you to join"
    } else {
        "邀请您加入"
    }
}

/// An owner's invitation of `email`, made (201) and mailed (first in `locale`): the
/// invitation and its mail.
async fn invited(
    app: &TestApp,
    token: &str,
    group: &str,
    (email, role, title): (&str, &str, Option<&str>),
    locale: &str,
) -> (Value, ReceivedMail) {
    let res = invite(app, token, group, email, role, title).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    let invitation: Value = res.json().await.unwrap();
    let mail = app
        .smtp
        .wait_for(&email.to_lowercase(), invitation_subject(locale))
        .await;
    (invitation, mail)
}

async fn accept(app: &TestApp, token: &str, invitation_token: &str) -> Response {
    app.post(
        "/api/v1/invitations/accept",
        Some(token),
        &json!({"token": invitation_token}),
    )
    .await
}

/// A verified applicant (English) at `email` who joined `group` as `role` through an owner's
/// invitation.
async fn member(
    app: &TestApp,
    owner: &str,
    group: &str,
    (email, role, title): (&str, &str, Option<&str>),
) -> Applicant {
    let person = app.applicant(email, "en").await;
    let (_, mail) = invited(app, owner, group, (email, role, title), "en").await;
    let res = accept(app, &person.token, &mail.token()).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    person
}

/// A group with an owner (English), an editor and a signatory (`总经理`).
struct Team {
    owner: Applicant,
    editor: Applicant,
    signatory: Applicant,
    group: String,
}

async fn team(app: &TestApp) -> Team {
    let (owner, group) = app
        .applicant_with_named_group(
            "owner@dealer.example",
            "en",
            GROUP_NAME,
            "91320500123456788",
        )
        .await;
    let editor = member(
        app,
        &owner.token,
        &group,
        ("editor@dealer.example", "editor", None),
    )
    .await;
    let signatory = member(
        app,
        &owner.token,
        &group,
        ("signer@dealer.example", "signatory", Some("总经理")),
    )
    .await;
    Team {
        owner,
        editor,
        signatory,
        group,
    }
}

async fn allowed(app: &TestApp, token: &str, id: &str) -> Vec<String> {
    let application = read(app, token, id).await;
    application["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect()
}

async fn user_id(app: &TestApp, token: &str) -> String {
    let me: Value = app.get_json("/api/v1/me", Some(token)).await;
    me["id"].as_str().unwrap().to_owned()
}

fn member_path(group: &str, user: &str) -> String {
    format!("{}/{user}", members_path(group))
}

/// The actions of the events a member reads on application `id`.
async fn actions(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let review = Review {
        admin: String::new(),
        reviewer: String::new(),
        owner: token.to_owned(),
        owner_email: String::new(),
        id: id.to_owned(),
    };
    events(app, token, &review).await
}

db_test!(
    async fn an_invitation_is_mailed_in_both_languages_and_its_link_joins_the_group(app: TestApp) {
        let (owner, group) = app
            .applicant_with_named_group(
                "owner@dealer.example",
                "zh-CN",
                GROUP_NAME,
                "91320500123456788",
            )
            .await;
        let id = app.draft_application(&owner.token, SUZHOU).await;

        // Nobody has an account at the address: the mail speaks the inviting owner's language
        // first, then the other.
        let (invitation, mail) = invited(
            app,
            &owner.token,
            &group,
            ("Zhang.Min@Dealer.example", "signatory", Some(" 总经理 ")),
            "zh-CN",
        )
        .await;
        assert_eq!(invitation["email"], "zhang.min@dealer.example");
        assert_eq!(invitation["role"], "signatory");
        assert_eq!(invitation["title"], "总经理");
        assert_eq!(invitation["invited_by"], user_id(app, &owner.token).await);
        let created =
            chrono::DateTime::parse_from_rfc3339(invitation["created_at"].as_str().unwrap())
                .unwrap();
        let expires =
            chrono::DateTime::parse_from_rfc3339(invitation["expires_at"].as_str().unwrap())
                .unwrap();
        assert_eq!(expires - created, chrono::Duration::days(7));
        assert_eq!(mail.to, ["zhang.min@dealer.example"]);
        assert!(mail.subject.contains(GROUP_NAME), "{}", mail.subject);
        let sections = mail.text_sections();
        assert_eq!(sections.len(), 2, "{}", mail.text);
        assert!(
            sections[0].contains("签署人（总经理）") && sections[0].contains("7 天内有效"),
            "{}",
            sections[0]
        );
        assert!(
            sections[1].contains("as signatory (总经理)") && sections[1].contains("7 days"),
            "{}",
            sections[1]
        );
        let link = format!(
            "http://portal.test/accept-invitation?token={}",
            mail.token()
        );
        assert!(sections.iter().all(|s| s.contains(&link)), "{}", mail.text);
        assert!(
            mail.html.contains("lang=\"zh-CN\"")
                && mail.html.contains("Join the group")
                && mail.html.contains("加入集团")
        );
        assert!(mail.html.find("加入集团").unwrap() < mail.html.find("Join the group").unwrap());

        // The pending invitation, for the owner.
        let pending: Value = app
            .get_json(&invitations_path(&group), Some(&owner.token))
            .await;
        assert_eq!(pending["items"].as_array().unwrap().len(), 1);
        assert_eq!(pending["items"][0]["id"], invitation["id"]);

        // The invitee registers with the address, confirms it, signs in and follows the link.
        let page = app.get(&link.replace("http://portal.test", ""), None).await;
        assert_eq!(page.status(), StatusCode::OK);
        // The web front end's page, which accepts it (tests/api/browser.rs).
        assert!(page.text().await.unwrap().contains("app/main.js"));
        let invitee = app.applicant("zhang.min@dealer.example", "en").await;
        let res = accept(app, &invitee.token, &mail.token()).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        let membership: Value = res.json().await.unwrap();
        let invitee_id = user_id(app, &invitee.token).await;
        assert_eq!(membership["dealer_group_id"], group.as_str());
        assert_eq!(membership["user_id"], invitee_id.as_str());
        assert_eq!(membership["role"], "signatory");
        assert_eq!(membership["title"], "总经理");
        assert!(membership["joined_at"].is_string());

        // At once a member: the group, its members and its application are the invitee's to read.
        let me: Value = app.get_json("/api/v1/me", Some(&invitee.token)).await;
        assert_eq!(me["dealer_group_id"], group.as_str());
        assert_eq!(
            (&me["group_role"], &me["group_title"]),
            (&json!("signatory"), &json!("总经理"))
        );
        let list: Value = app
            .get_json(&members_path(&group), Some(&invitee.token))
            .await;
        assert!(list["next_cursor"].is_null());
        let items = list["items"].as_array().unwrap();
        let roles: Vec<(&str, &str)> = items
            .iter()
            .map(|m| (m["email"].as_str().unwrap(), m["role"].as_str().unwrap()))
            .collect();
        assert_eq!(
            roles,
            [
                ("owner@dealer.example", "owner"),
                ("zhang.min@dealer.example", "signatory")
            ]
        );
        assert_eq!(items[1]["display_name"], "Li Wei");
        assert_eq!(items[1]["title"], "总经理");
        assert_eq!(read(app, &invitee.token, &id).await["status"], "draft");
        let pending: Value = app
            .get_json(&invitations_path(&group), Some(&owner.token))
            .await;
        assert_eq!(pending["items"], json!([]));

        // Both steps are in the application's timeline, made by applicants.
        let timeline = actions(app, &invitee.token, &id).await;
        let steps: Vec<(&str, &str)> = timeline
            .iter()
            .map(|e| {
                (
                    e["action"].as_str().unwrap(),
                    e["actor_role"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            [
                ("create", "applicant"),
                ("invite_member", "applicant"),
                ("join_group", "applicant")
            ]
        );
        assert_eq!(
            timeline[1]["reason"],
            "zhang.min@dealer.example as signatory (总经理)"
        );
        assert_eq!(timeline[2]["actor_id"], invitee_id.as_str());
        assert_eq!(timeline[2]["action_label"], "Member joined");

        // The link works once.
        assert_problem(
            accept(app, &invitee.token, &mail.token()).await,
            StatusCode::GONE,
            "invitation_used",
        )
        .await;

        // An address with an account is invited in the account's language first.
        let english = app.applicant("editor@dealer.example", "en").await;
        let (_, mail) = invited(
            app,
            &owner.token,
            &group,
            ("editor@dealer.example", "editor", None),
            "en",
        )
        .await;
        assert!(
            mail.text_sections()[0].contains("Hello Li Wei,"),
            "{}",
            mail.text
        );
        assert!(mail.text_sections()[1].contains("编辑"), "{}", mail.text);
        assert_eq!(
            accept(app, &english.token, &mail.token()).await.status(),
            StatusCode::OK
        );
    }
);

db_test!(
    async fn who_may_list_invite_and_revoke(app: TestApp) {
        let t = team(app).await;
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app
            .reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
            .await;
        let (outsider, _) = app
            .applicant_with_group("other@dealer.example", "91320500123456796")
            .await;
        let loner = app.verified_applicant("loner@dealer.example").await;

        // Members and admins read the members; a reviewer once the group applies in its city.
        for token in [&t.owner.token, &t.editor.token, &t.signatory.token, &admin] {
            let list: Value = app.get_json(&members_path(&t.group), Some(token)).await;
            assert_eq!(list["items"].as_array().unwrap().len(), 3);
        }
        for token in [&outsider, &loner, &reviewer] {
            assert_problem(
                app.get(&members_path(&t.group), Some(token)).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }
        let id = app.draft_application(&t.editor.token, SUZHOU).await;
        app.submit(&t.owner.token, &t.owner.email, "en", &id).await;
        app.ignore_mail();
        let list: Value = app.get_json(&members_path(&t.group), Some(&reviewer)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 3);

        // Only owners invite and see the invitations.
        for token in [&t.editor.token, &t.signatory.token, &admin, &reviewer] {
            assert_problem(
                invite(app, token, &t.group, "new@dealer.example", "editor", None).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
            assert_problem(
                app.get(&invitations_path(&t.group), Some(token)).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        for token in [&outsider, &loner] {
            assert_problem(
                invite(app, token, &t.group, "new@dealer.example", "editor", None).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
            assert_problem(
                app.get(&invitations_path(&t.group), Some(token)).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }
        assert!(app.smtp.take_all_to("new@dealer.example").is_empty());

        // A signatory needs a title; a member's address is a member's already.
        let problem = assert_problem(
            invite(
                app,
                &t.owner.token,
                &t.group,
                "not an address",
                "signatory",
                Some("  "),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let mut fields = error_fields(&problem);
        fields.sort();
        assert_eq!(fields, ["email", "title"]);
        assert_problem(
            invite(
                app,
                &t.owner.token,
                &t.group,
                "EDITOR@dealer.example",
                "owner",
                None,
            )
            .await,
            StatusCode::CONFLICT,
            "already_member",
        )
        .await;
        // Another group's owner and staff are invited all the same: nothing is told about them.
        for email in ["other@dealer.example", "reviewer@maker.example"] {
            invited(app, &t.owner.token, &t.group, (email, "editor", None), "en").await;
        }

        // Inviting again replaces the pending invitation: the first link stops working.
        let newcomer = app.applicant("new@dealer.example", "en").await;
        let (first, first_mail) = invited(
            app,
            &t.owner.token,
            &t.group,
            ("new@dealer.example", "editor", None),
            "en",
        )
        .await;
        let (second, second_mail) = invited(
            app,
            &t.owner.token,
            &t.group,
            ("new@dealer.example", "signatory", Some("CFO")),
            "en",
        )
        .await;
        assert_ne!(first["id"], second["id"]);
        let pending: Value = app
            .get_json(&invitations_path(&t.group), Some(&t.owner.token))
            .await;
        let emails: Vec<&str> = pending["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["email"].as_str().unwrap())
            .collect();
        assert_eq!(
            emails,
            [
                "other@dealer.example",
                "reviewer@maker.example",
                "new@dealer.example"
            ]
        );
        assert_problem(
            accept(app, &newcomer.token, &first_mail.token()).await,
            StatusCode::GONE,
            "invitation_revoked",
        )
        .await;

        // Revoking: owners only; the link stops working; again changes nothing.
        let revoke_path = format!(
            "{}/{}",
            invitations_path(&t.group),
            second["id"].as_str().unwrap()
        );
        for token in [&t.editor.token, &admin] {
            assert_problem(
                app.delete(&revoke_path, Some(token)).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        assert_problem(
            app.delete(&revoke_path, Some(&outsider)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_eq!(
            app.delete(&revoke_path, Some(&t.owner.token))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.delete(&revoke_path, Some(&t.owner.token))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        assert_problem(
            accept(app, &newcomer.token, &second_mail.token()).await,
            StatusCode::GONE,
            "invitation_revoked",
        )
        .await;
        let unknown = format!("{}/{}", invitations_path(&t.group), uuid::Uuid::now_v7());
        assert_problem(
            app.delete(&unknown, Some(&t.owner.token)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;

        // The timeline of the group's application tells who was invited and what was revoked.
        let timeline = actions(app, &t.editor.token, &id).await;
        let member_steps: Vec<&str> = timeline
            .iter()
            .filter_map(|e| e["action"].as_str())
            .filter(|a| a.contains("invit"))
            .collect();
        assert_eq!(
            member_steps,
            [
                "invite_member",
                "invite_member",
                "invite_member",
                "invite_member",
                "revoke_invitation"
            ]
        );
        let revoked = timeline
            .iter()
            .find(|e| e["action"] == "revoke_invitation")
            .unwrap();
        assert_eq!(revoked["reason"], "new@dealer.example as signatory (CFO)");
    }
);

db_test!(
    async fn only_the_invited_verified_applicant_accepts(app: TestApp) {
        let (owner, group) = app
            .applicant_with_named_group(
                "owner@dealer.example",
                "en",
                GROUP_NAME,
                "91320500123456788",
            )
            .await;
        let invite_to = |email: &'static str| {
            let token = owner.token.clone();
            let group = group.clone();
            async move {
                invited(app, &token, &group, (email, "editor", None), "en")
                    .await
                    .1
                    .token()
            }
        };

        // Unknown tokens are not found.
        let stranger = app.applicant("stranger@dealer.example", "en").await;
        assert_problem(
            accept(app, &stranger.token, "no-such-token").await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            app.post(
                "/api/v1/invitations/accept",
                Some(&stranger.token),
                &json!({"token": ""}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_problem(
            app.post("/api/v1/invitations/accept", None, &json!({"token": "x"}))
                .await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;

        // Another address: refused without telling which address was invited.
        let token = invite_to("invitee@dealer.example").await;
        let problem = assert_problem(
            accept(app, &stranger.token, &token).await,
            StatusCode::FORBIDDEN,
            "invitation_not_yours",
        )
        .await;
        assert!(!problem.to_string().contains("invitee@"), "{problem}");

        // The address's account, not yet verified.
        app.registered("invitee@dealer.example").await;
        let pair = app.tokens("invitee@dealer.example", PASSWORD).await;
        assert_problem(
            accept(app, &access_token(&pair), &token).await,
            StatusCode::FORBIDDEN,
            "email_not_verified",
        )
        .await;

        // Staff with the address.
        let admin = app.admin("lead@maker.example").await;
        app.reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
            .await;
        let staff_token = invite_to("reviewer@maker.example").await;
        let reviewer = access_token(&app.tokens("reviewer@maker.example", PASSWORD).await);
        assert_problem(
            accept(app, &reviewer, &staff_token).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;

        // The owner of another group: in a group already.
        let (other_owner, _) = app
            .applicant_with_group("other@dealer.example", "91320500123456796")
            .await;
        let other_token = invite_to("other@dealer.example").await;
        assert_problem(
            accept(app, &other_owner, &other_token).await,
            StatusCode::CONFLICT,
            "already_in_group",
        )
        .await;

        // Expired after seven days.
        let late = app.applicant("late@dealer.example", "en").await;
        let late_token = invite_to("late@dealer.example").await;
        app.clock
            .advance(chrono::Duration::days(7) + chrono::Duration::seconds(1));
        assert_problem(
            accept(app, &late.token, &late_token).await,
            StatusCode::GONE,
            "invitation_expired",
        )
        .await;
        let pending: Value = app
            .get_json(&invitations_path(&group), Some(&owner.token))
            .await;
        assert!(
            pending["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["email"] != "late@dealer.example")
        );

        // Failed attempts are limited per caller: 10 an hour.
        let mut refused = 0;
        for _ in 0..12 {
            let res = accept(app, &stranger.token, "guess").await;
            if res.status() == StatusCode::TOO_MANY_REQUESTS {
                assert!(res.headers().contains_key("retry-after"));
                refused += 1;
            }
        }
        assert!(refused >= 3, "{refused}");
        // Others still may.
        assert_problem(
            accept(app, &late.token, "guess").await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
);

/// The signature of the letter whose hash is `sha256` by `name`, `title`.
async fn sign(
    app: &TestApp,
    token: &str,
    id: &str,
    name: &str,
    title: &str,
    sha256: &Value,
) -> Response {
    app.request(Method::POST, &format!("/api/v1/applications/{id}/loi/signature"), Some(token))
        .json(&json!({"signer_name": name, "signer_title": title, "document_sha256": sha256, "accept": true}))
        .send()
        .await
        .unwrap()
}

db_test!(
    async fn editors_prepare_signatories_sign_and_owners_commit(app: TestApp) {
        let t = team(app).await;
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app
            .reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
            .await;

        // An editor makes and edits a draft, uploads and previews; it is not offered `submit`.
        let id = app.draft_application(&t.editor.token, SUZHOU).await;
        let draft = read(app, &t.editor.token, &id).await;
        let version = draft["version"].to_string();
        let res = app
            .patch(
                &format!("/api/v1/applications/{id}"),
                Some(&t.editor.token),
                Some(&version),
                &json!({"notes": "By the editor"}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        let form = reqwest::multipart::Form::new()
            .text("kind", "business_license")
            .part(
                "file",
                reqwest::multipart::Part::bytes(b"%PDF-1.7\nlicence\n%%EOF\n".to_vec())
                    .file_name("licence.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            );
        let res = app
            .request(
                Method::POST,
                &format!("/api/v1/applications/{id}/documents"),
                Some(&t.editor.token),
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
        let preview = app
            .get(
                &format!("/api/v1/applications/{id}/eligibility/preview"),
                Some(&t.editor.token),
            )
            .await;
        assert_eq!(preview.status(), StatusCode::OK);
        assert_eq!(
            allowed(app, &t.editor.token, &id).await,
            Vec::<String>::new()
        );
        assert_eq!(
            allowed(app, &t.signatory.token, &id).await,
            Vec::<String>::new()
        );
        assert_eq!(
            allowed(app, &t.owner.token, &id).await,
            ["submit", "withdraw"]
        );
        let editor_sees = read(app, &t.editor.token, &id).await;
        assert_eq!(editor_sees["blocked_actions"], json!([]));
        for action in ["submit", "withdraw"] {
            assert_problem(
                act(app, &t.editor.token, &id, json!({"action": action})).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        // Nor does an editor edit the group's profile or ask to change its identity.
        let identity =
            json!({"legal_name": "新名称有限公司", "uscc": group_uscc(), "reason": "Renamed."});
        let res = app
            .post(
                &format!("/api/v1/dealer-groups/{}/identity-changes", t.group),
                Some(&t.editor.token),
                &identity,
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        let group: Value = app
            .get_json(
                &format!("/api/v1/dealer-groups/{}", t.group),
                Some(&t.editor.token),
            )
            .await;
        let res = app
            .patch(
                &format!("/api/v1/dealer-groups/{}", t.group),
                Some(&t.editor.token),
                Some(&group["version"].to_string()),
                &json!({"stores_total": 200}),
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;

        // The owner submits; every member hears of it, each in its language.
        moved(
            act(app, &t.owner.token, &id, json!({"action": "submit"})).await,
            "under_review",
        )
        .await;
        for member in [&t.owner, &t.editor, &t.signatory] {
            app.smtp
                .wait_for(&member.email, "We have received your application")
                .await;
        }

        // The reviewer asks; the editor answers.
        moved(
            act(
                app,
                &reviewer,
                &id,
                json!({"action": "request_info", "message": "The lease, please."}),
            )
            .await,
            "info_requested",
        )
        .await;
        for member in [&t.owner, &t.editor, &t.signatory] {
            app.smtp
                .wait_for(&member.email, "More information needed")
                .await;
        }
        assert_eq!(allowed(app, &t.editor.token, &id).await, ["resubmit"]);
        assert_eq!(
            allowed(app, &t.owner.token, &id).await,
            ["resubmit", "withdraw"]
        );
        moved(
            act(app, &t.editor.token, &id, json!({"action": "resubmit"})).await,
            "under_review",
        )
        .await;

        // Shortlisted and offered: the signatory may sign, the editor may not.
        let r = Review {
            admin: admin.clone(),
            reviewer: reviewer.clone(),
            owner: t.owner.token.clone(),
            owner_email: t.owner.email.clone(),
            id: id.clone(),
        };
        let res = put_review(app, &reviewer, &r, &scorecard(4, "yes")).await;
        assert!(res.status().is_success());
        moved(
            act(app, &reviewer, &id, json!({"action": "shortlist"})).await,
            "shortlisted",
        )
        .await;
        app.offered_letter(&r, 30).await;
        for member in [&t.editor, &t.signatory] {
            app.smtp
                .wait_for(&member.email, "please review and sign")
                .await;
        }
        assert_eq!(
            allowed(app, &t.editor.token, &id).await,
            Vec::<String>::new()
        );
        assert_eq!(allowed(app, &t.signatory.token, &id).await, ["sign_loi"]);
        assert_eq!(
            allowed(app, &t.owner.token, &id).await,
            ["withdraw", "sign_loi", "decline_loi"]
        );
        let letter: Value = app.get_json(&r.path("/loi"), Some(&t.editor.token)).await;
        let sha = &letter["document_sha256"];
        assert_problem(
            sign(app, &t.editor.token, &id, "Li Wei", "总经理", sha).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            act(
                app,
                &t.signatory.token,
                &id,
                json!({"action": "decline_loi"}),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;

        // The signer is the signing member: its name, and its title on record.
        let problem = assert_problem(
            sign(app, &t.signatory.token, &id, "Wang Fang", "总经理", sha).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_codes(&problem),
            [("signer_name".to_owned(), "not_the_signer".to_owned())]
        );
        let problem = assert_problem(
            sign(app, &t.signatory.token, &id, "Li Wei", "Chairman", sha).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["signer_title"]);
        let problem = assert_problem(
            sign(app, &t.signatory.token, &id, "Wang Fang", "Chairman", sha).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["signer_name", "signer_title"]);
        assert_eq!(
            read(app, &t.owner.token, &id).await["status"],
            "loi_offered"
        );
        let res = sign(app, &t.signatory.token, &id, "  li  WEI ", "总经理", sha).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        let signed: Value = res.json().await.unwrap();
        assert_eq!(signed["signer_name"], "li  WEI");
        for member in [&t.owner, &t.editor, &t.signatory] {
            app.smtp
                .wait_for(&member.email, "Your group has signed")
                .await;
        }
        let timeline = actions(app, &t.owner.token, &id).await;
        let signing = timeline.iter().find(|e| e["action"] == "sign_loi").unwrap();
        assert_eq!(
            signing["actor_id"],
            user_id(app, &t.signatory.token).await.as_str()
        );
        assert_eq!(signing["actor_role"], "applicant");

        // The partner's onboarding tasks (the dealer agreement among them) are ticked by those
        // who commit the group: a signatory may, an editor may not.
        moved(
            act(app, &admin, &id, json!({"action": "start_onboarding"})).await,
            "onboarding",
        )
        .await;
        let task = r.path("/onboarding/dealer_agreement");
        let done = json!({"done": true});
        let res = app.patch(&task, Some(&t.editor.token), None, &done).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        let res = app
            .patch(&task, Some(&t.signatory.token), None, &done)
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        app.ignore_mail();
    }
);

db_test!(
    async fn roles_change_members_leave_and_a_group_keeps_an_owner(app: TestApp) {
        let t = team(app).await;
        let admin = app.admin("lead@maker.example").await;
        let (outsider, _) = app
            .applicant_with_group("other@dealer.example", "91320500123456796")
            .await;
        let id = app.draft_application(&t.owner.token, SUZHOU).await;
        let owner_id = user_id(app, &t.owner.token).await;
        let editor_id = user_id(app, &t.editor.token).await;
        let signatory_id = user_id(app, &t.signatory.token).await;

        // Only owners change roles; a signatory needs a title.
        let to_signatory = json!({"role": "signatory"});
        for token in [&t.editor.token, &t.signatory.token, &admin] {
            assert_problem(
                app.patch(
                    &member_path(&t.group, &editor_id),
                    Some(token),
                    Some("*"),
                    &to_signatory,
                )
                .await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        assert_problem(
            app.patch(
                &member_path(&t.group, &editor_id),
                Some(&outsider),
                Some("*"),
                &to_signatory,
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let problem = assert_problem(
            app.patch(
                &member_path(&t.group, &editor_id),
                Some(&t.owner.token),
                Some("*"),
                &to_signatory,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_codes(&problem),
            [("title".to_owned(), "required".to_owned())]
        );
        let problem = assert_problem(
            app.patch(
                &member_path(&t.group, &editor_id),
                Some(&t.owner.token),
                Some("*"),
                &json!({"rank": 1}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_codes(&problem),
            [("rank".to_owned(), "unknown_field".to_owned())]
        );
        let res = app
            .patch(
                &member_path(&t.group, &editor_id),
                Some(&t.owner.token),
                Some("*"),
                &json!({"role": "signatory", "title": "财务总监"}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        let changed: Value = res.json().await.unwrap();
        assert_eq!(
            (changed["role"].as_str(), changed["title"].as_str()),
            (Some("signatory"), Some("财务总监"))
        );
        let unknown = member_path(&t.group, &uuid::Uuid::now_v7().to_string());
        assert_problem(
            app.patch(&unknown, Some(&t.owner.token), Some("*"), &to_signatory)
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;

        // The last owner is neither demoted, removed nor let go.
        assert_problem(
            app.patch(
                &member_path(&t.group, &owner_id),
                Some(&t.owner.token),
                Some("*"),
                &json!({"role": "editor"}),
            )
            .await,
            StatusCode::CONFLICT,
            "last_owner",
        )
        .await;
        assert_problem(
            app.delete(&member_path(&t.group, &owner_id), Some(&t.owner.token))
                .await,
            StatusCode::CONFLICT,
            "last_owner",
        )
        .await;

        // A second owner, and the first may go.
        let res = app
            .patch(
                &member_path(&t.group, &signatory_id),
                Some(&t.owner.token),
                Some("*"),
                &json!({"role": "owner", "title": null}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            allowed(app, &t.signatory.token, &id).await,
            ["submit", "withdraw"]
        );
        let res = app
            .patch(
                &member_path(&t.group, &owner_id),
                Some(&t.owner.token),
                Some("*"),
                &json!({"role": "editor"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            allowed(app, &t.owner.token, &id).await,
            Vec::<String>::new()
        );

        // Removing others is the owners'; leaving is anyone's.
        assert_problem(
            app.delete(&member_path(&t.group, &editor_id), Some(&t.owner.token))
                .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.delete(&member_path(&t.group, &editor_id), Some(&admin))
                .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.delete(&member_path(&t.group, &editor_id), Some(&outsider))
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_eq!(
            app.delete(&member_path(&t.group, &editor_id), Some(&t.signatory.token))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.delete(&member_path(&t.group, &owner_id), Some(&t.owner.token))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );

        // Their access ends at once.
        for gone in [&t.editor.token, &t.owner.token] {
            assert_problem(
                app.get(&format!("/api/v1/applications/{id}"), Some(gone))
                    .await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
            assert_problem(
                app.get(&members_path(&t.group), Some(gone)).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
            let me: Value = app.get_json("/api/v1/me", Some(gone)).await;
            assert!(me["dealer_group_id"].is_null());
        }
        let list: Value = app
            .get_json(&members_path(&t.group), Some(&t.signatory.token))
            .await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert_problem(
            app.delete(
                &member_path(&t.group, &signatory_id),
                Some(&t.signatory.token),
            )
            .await,
            StatusCode::CONFLICT,
            "last_owner",
        )
        .await;

        // Every change is in the timeline, in the reader's language.
        let res = app
            .request(
                Method::GET,
                &format!("/api/v1/applications/{id}/events"),
                Some(&t.signatory.token),
            )
            .header("Accept-Language", "zh-CN")
            .send()
            .await
            .unwrap();
        let page: Value = res.json().await.unwrap();
        let steps: Vec<(&str, &str)> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                ["change_member", "remove_member", "leave_group"]
                    .contains(&e["action"].as_str().unwrap())
            })
            .map(|e| (e["action"].as_str().unwrap(), e["reason"].as_str().unwrap()))
            .collect();
        assert_eq!(
            steps,
            [
                (
                    "change_member",
                    "editor@dealer.example: editor → signatory (财务总监)"
                ),
                ("change_member", "signer@dealer.example: signatory → owner"),
                ("change_member", "owner@dealer.example: owner → editor"),
                ("remove_member", "removed editor@dealer.example"),
                ("leave_group", "owner@dealer.example left"),
            ]
        );
        let labels: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "leave_group")
            .map(|e| e["action_label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, ["成员退出"]);
    }
);

db_test!(
    async fn invitations_into_a_group_are_limited_per_hour(app: TestApp) {
        let (owner, group) = app
            .applicant_with_named_group(
                "owner@dealer.example",
                "en",
                GROUP_NAME,
                "91320500123456788",
            )
            .await;
        for n in 0..20 {
            let email = format!("person{n}@dealer.example");
            invited(app, &owner.token, &group, (&email, "editor", None), "en").await;
        }
        let problem = invite(
            app,
            &owner.token,
            &group,
            "one.more@dealer.example",
            "editor",
            None,
        )
        .await;
        assert!(problem.headers().contains_key("retry-after"));
        assert_problem(problem, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
        // A stranger's attempts do not count against the group.
        let (other, _) = app
            .applicant_with_group("other@dealer.example", "91320500123456796")
            .await;
        assert_problem(
            invite(app, &other, &group, "x@dealer.example", "editor", None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
);

fn group_events_path(group: &str) -> String {
    format!("/api/v1/dealer-groups/{group}/events")
}

/// The `(action, subject)` of every event of the group's record, as `token` reads it.
async fn group_events(app: &TestApp, token: &str, group: &str) -> Vec<(String, String)> {
    let page: Value = app
        .get_json(
            &format!("{}?limit=100", group_events_path(group)),
            Some(token),
        )
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, s)| ((*a).to_owned(), (*s).to_owned()))
        .collect()
}

/// A verified applicant (English) at `email` whom team `t`'s owner invited as an editor (again,
/// if there was an invitation): the applicant and the invitation's mail.
async fn invited_applicant(app: &TestApp, t: &Team, email: &str) -> (Applicant, ReceivedMail) {
    let invitee = app.applicant(email, "en").await;
    let invitation = (email, "editor", None);
    let (_, mail) = invited(app, &t.owner.token, &t.group, invitation, "en").await;
    (invitee, mail)
}

/// The owner of team `t` changes member `user` by `patch`, naming the version it read.
async fn set_role(app: &TestApp, t: &Team, user: &str, patch: &Value) {
    let version = member_version(app, &t.owner.token, &t.group, user).await;
    let res = app
        .patch(
            &member_path(&t.group, user),
            Some(&t.owner.token),
            Some(&version),
            patch,
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
}

/// The member's version, as the members list shows it, quoted as an ETag.
async fn member_version(app: &TestApp, token: &str, group: &str, user: &str) -> String {
    let list: Value = app.get_json(&members_path(group), Some(token)).await;
    let member = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == user)
        .unwrap();
    format!("\"{}\"", member["version"])
}

db_test!(
    async fn a_group_without_applications_keeps_a_record_of_its_membership(app: TestApp) {
        let t = team(app).await;
        let admin = app.admin("lead@maker.example").await;
        let reviewer = app
            .reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
            .await;
        let (outsider, _) = app
            .applicant_with_group("other@dealer.example", "91320500123456796")
            .await;
        let (_, client) =
            crate::webhooks::integrator(app, &admin, json!(["applications:read"])).await;
        let owner_id = user_id(app, &t.owner.token).await;
        let editor_id = user_id(app, &t.editor.token).await;
        let signatory_id = user_id(app, &t.signatory.token).await;

        // An invitation revoked, a role changed, a member removed, one leaving.
        let (invitation, _) = invited(
            app,
            &t.owner.token,
            &t.group,
            ("new@dealer.example", "editor", None),
            "en",
        )
        .await;
        let path = format!(
            "{}/{}",
            invitations_path(&t.group),
            invitation["id"].as_str().unwrap()
        );
        assert_eq!(
            app.delete(&path, Some(&t.owner.token)).await.status(),
            StatusCode::NO_CONTENT
        );
        set_role(
            app,
            &t,
            &signatory_id,
            &json!({"role": "owner", "title": null}),
        )
        .await;
        assert_eq!(
            app.delete(&member_path(&t.group, &editor_id), Some(&t.owner.token))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.delete(&member_path(&t.group, &owner_id), Some(&t.owner.token))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );

        // The group has no application, and still the record has it all, oldest first.
        let expected = pairs(&[
            ("invite_member", "editor@dealer.example"),
            ("join_group", &editor_id),
            ("invite_member", "signer@dealer.example"),
            ("join_group", &signatory_id),
            ("invite_member", "new@dealer.example"),
            ("revoke_invitation", "new@dealer.example"),
            ("change_member", &signatory_id),
            ("remove_member", &editor_id),
            ("leave_group", &owner_id),
        ]);
        assert_eq!(
            group_events(app, &t.signatory.token, &t.group).await,
            expected
        );
        assert_eq!(group_events(app, &admin, &t.group).await, expected);

        // Who did it, in which role, and the action in the reader's language.
        let res = app
            .request(
                Method::GET,
                &format!("{}?limit=1", group_events_path(&t.group)),
                Some(&t.signatory.token),
            )
            .header("Accept-Language", "zh-CN")
            .send()
            .await
            .unwrap();
        let page: Value = res.json().await.unwrap();
        let first = &page["items"][0];
        assert_eq!(first["action_label"], "邀请成员");
        assert_eq!(first["actor_id"], owner_id.as_str());
        assert_eq!(first["actor_group_role"], "owner");
        assert_eq!(first["detail"], "editor@dealer.example as editor");
        let next: Value = app
            .get_json(
                &format!(
                    "{}?limit=100&cursor={}",
                    group_events_path(&t.group),
                    page["next_cursor"].as_str().unwrap()
                ),
                Some(&t.signatory.token),
            )
            .await;
        assert_eq!(next["items"].as_array().unwrap().len(), expected.len() - 1);
        assert_eq!(next["items"][0]["action_label"], "Member joined");
        assert!(next["next_cursor"].is_null());
        let last = next["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["actor_group_role"], "owner");
        assert_eq!(last["detail"], "owner@dealer.example left");

        // Those who may not read the group are told nothing; integrators are refused.
        for token in [&reviewer, &outsider, &t.owner.token, &t.editor.token] {
            assert_problem(
                app.get(&group_events_path(&t.group), Some(token)).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }
        assert_problem(
            app.get(&group_events_path(&t.group), Some(&client)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get(&group_events_path(&t.group), None).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
        app.ignore_mail();
    }
);

db_test!(
    async fn a_role_change_names_the_members_version(app: TestApp) {
        let t = team(app).await;
        let editor_id = user_id(app, &t.editor.token).await;
        let path = member_path(&t.group, &editor_id);
        let body = json!({"title": "销售经理"});
        let me = app.get("/api/v1/me", Some(&t.editor.token)).await;
        let me_etag = me.headers()["etag"].to_str().unwrap().to_owned();
        let version = member_version(app, &t.owner.token, &t.group, &editor_id).await;
        assert_eq!(version, me_etag);
        assert_problem(
            app.patch(&path, Some(&t.owner.token), None, &body).await,
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
        )
        .await;
        let stale: i64 = version.trim_matches('"').parse::<i64>().unwrap() - 1;
        assert_problem(
            app.patch(&path, Some(&t.owner.token), Some(&stale.to_string()), &body)
                .await,
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
        )
        .await;
        let res = app
            .patch(&path, Some(&t.owner.token), Some(&version), &body)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        let changed: Value = res.json().await.unwrap();
        assert_ne!(etag, version);
        assert_eq!(etag, format!("\"{}\"", changed["version"]));
        assert_eq!(changed["title"], "销售经理");
        // The member's own ETag moved with it; the old version is stale now.
        let me = app.get("/api/v1/me", Some(&t.editor.token)).await;
        assert_eq!(me.headers()["etag"].to_str().unwrap(), etag);
        assert_problem(
            app.patch(&path, Some(&t.owner.token), Some(&version), &body)
                .await,
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
        )
        .await;
    }
);

db_test!(
    async fn an_owner_no_more_takes_its_pending_invitations_with_it(app: TestApp) {
        let t = team(app).await;
        let owner_id = user_id(app, &t.owner.token).await;
        let signatory_id = user_id(app, &t.signatory.token).await;
        set_role(
            app,
            &t,
            &signatory_id,
            &json!({"role": "owner", "title": null}),
        )
        .await;
        let second = &t.signatory.token;

        // Each owner invites one; the second is demoted, then the first removed.
        let (mine, _) = invited(
            app,
            &t.owner.token,
            &t.group,
            ("first@dealer.example", "editor", None),
            "en",
        )
        .await;
        let (theirs, theirs_mail) = invited(
            app,
            second,
            &t.group,
            ("second@dealer.example", "editor", None),
            "en",
        )
        .await;
        set_role(app, &t, &signatory_id, &json!({"role": "editor"})).await;
        let status = |invitation: &Value| {
            format!(
                "{}/{}",
                invitations_path(&t.group),
                invitation["id"].as_str().unwrap()
            )
        };
        let read: Value = app.get_json(&status(&theirs), Some(&t.owner.token)).await;
        assert_eq!(read["status"], "revoked");
        let read: Value = app.get_json(&status(&mine), Some(&t.owner.token)).await;
        assert_eq!(read["status"], "pending");
        let invitee = app.applicant("second@dealer.example", "en").await;
        assert_problem(
            accept(app, &invitee.token, &theirs_mail.token()).await,
            StatusCode::GONE,
            "invitation_revoked",
        )
        .await;
        let events = group_events(app, &t.owner.token, &t.group).await;
        assert_eq!(
            events[events.len() - 2..],
            pairs(&[
                ("change_member", &signatory_id),
                ("revoke_invitation", "second@dealer.example"),
            ])
        );

        // Removing an owner (a second one first) revokes its invitations too.
        set_role(
            app,
            &t,
            &signatory_id,
            &json!({"role": "owner", "title": null}),
        )
        .await;
        assert_eq!(
            app.delete(&member_path(&t.group, &owner_id), Some(second))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        let read: Value = app.get_json(&status(&mine), Some(second)).await;
        assert_eq!(read["status"], "revoked");
        let pending: Value = app
            .get_json(&invitations_path(&t.group), Some(second))
            .await;
        assert_eq!(pending["items"], json!([]));
        let events = group_events(app, second, &t.group).await;
        assert_eq!(
            events[events.len() - 2..],
            pairs(&[
                ("remove_member", &owner_id),
                ("revoke_invitation", "first@dealer.example"),
            ])
        );
    }
);

/// The team's application, submitted by the owner, shortlisted by a Suzhou reviewer and offered
/// a letter: the application and the letter's hash. Takes the members' "please review and sign"
/// mails.
async fn offered(app: &TestApp, t: &Team) -> (Review, Value) {
    let id = app.draft_application(&t.editor.token, SUZHOU).await;
    offered_draft(app, t, id).await
}

/// Like `offered`, for the team's draft `id`.
async fn offered_draft(app: &TestApp, t: &Team, id: String) -> (Review, Value) {
    let admin = app.admin("lead@maker.example").await;
    let reviewer = app
        .reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
        .await;
    app.submit(&t.owner.token, &t.owner.email, "en", &id).await;
    let r = Review {
        admin,
        reviewer,
        owner: t.owner.token.clone(),
        owner_email: t.owner.email.clone(),
        id,
    };
    app.shortlisted(&r).await;
    app.offered_letter(&r, 30).await;
    for member in [&t.editor, &t.signatory] {
        app.smtp
            .wait_for(&member.email, "please review and sign")
            .await;
    }
    let letter: Value = app.get_json(&r.path("/loi"), Some(&t.owner.token)).await;
    (r, letter["document_sha256"].clone())
}

db_test!(
    async fn only_a_current_owner_or_signatory_signs_in_its_own_name(app: TestApp) {
        let t = team(app).await;
        let (r, sha) = offered(app, &t).await;
        app.ignore_mail();

        // An owner signs in its own name only.
        let problem = assert_problem(
            sign(app, &t.owner.token, &r.id, "Wang Fang", "董事长", &sha).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error_codes(&problem),
            [("signer_name".to_owned(), "not_the_signer".to_owned())]
        );

        // A removed member no longer knows the application.
        let signatory_id = user_id(app, &t.signatory.token).await;
        assert_eq!(
            app.delete(&member_path(&t.group, &signatory_id), Some(&t.owner.token))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        assert_problem(
            sign(app, &t.signatory.token, &r.id, "Li Wei", "总经理", &sha).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_eq!(
            read(app, &t.owner.token, &r.id).await["status"],
            "loi_offered"
        );
    }
);

/// Another replica still holds a signatory's, or an owner's, cached caller for up to a second
/// after an owner demoted it: the writes only owners or signatories make read the role again
/// under the group's row, and are refused.
async fn a_demoted_member_is_refused_by_a_replica_that_cached_it(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let second = app.replica(backend).await;
    let app = &app;
    let t = team(app).await;
    let (r, sha) = offered(app, &t).await;
    let signatory_id = user_id(app, &t.signatory.token).await;
    let demote = |role: &'static str| {
        let path = member_path(&t.group, &signatory_id);
        let owner = t.owner.token.clone();
        async move {
            let body = json!({"role": role, "title": "总经理"});
            let res = app.patch(&path, Some(&owner), Some("*"), &body).await;
            assert_eq!(res.status(), StatusCode::OK);
        }
    };

    // A signatory demoted to editor a moment ago signs through the other replica: 403.
    let me = second.get("/api/v1/me", Some(&t.signatory.token)).await;
    assert_eq!(me.status(), StatusCode::OK);
    demote("editor").await;
    assert_problem(
        sign(&second, &t.signatory.token, &r.id, "Li Wei", "总经理", &sha).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // An owner demoted a moment ago edits the profile or asks for a new identity: 403.
    demote("owner").await;
    let group_path = format!("/api/v1/dealer-groups/{}", t.group);
    let me = second.get("/api/v1/me", Some(&t.signatory.token)).await;
    assert_eq!(me.status(), StatusCode::OK);
    demote("signatory").await;
    assert_problem(
        second
            .patch(
                &group_path,
                Some(&t.signatory.token),
                Some("*"),
                &json!({"stores_total": 200}),
            )
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    demote("owner").await;
    let me = second.get("/api/v1/me", Some(&t.signatory.token)).await;
    assert_eq!(me.status(), StatusCode::OK);
    demote("signatory").await;
    let identity =
        json!({"legal_name": "新名称有限公司", "uscc": group_uscc(), "reason": "Renamed."});
    assert_problem(
        second
            .post(
                &format!("{group_path}/identity-changes"),
                Some(&t.signatory.token),
                &identity,
            )
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(
        read(app, &t.owner.token, &r.id).await["status"],
        "loi_offered"
    );
    app.ignore_mail();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demoted_member_is_refused_by_a_replica_that_cached_it_sqlite() {
    a_demoted_member_is_refused_by_a_replica_that_cached_it(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demoted_member_is_refused_by_a_replica_that_cached_it_postgres() {
    a_demoted_member_is_refused_by_a_replica_that_cached_it(Backend::Postgres).await;
}

db_test!(
    async fn an_unverified_owner_does_not_invite(app: TestApp) {
        app.registered("unverified@dealer.example").await;
        let token = access_token(&app.tokens("unverified@dealer.example", PASSWORD).await);
        let res = app
            .post(
                "/api/v1/dealer-groups",
                Some(&token),
                &crate::dealer_groups::profile(GROUP_NAME, &group_uscc()),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
        let group: Value = res.json().await.unwrap();
        let group = group["id"].as_str().unwrap();
        let res = invite(app, &token, group, "new@dealer.example", "editor", None).await;
        // Refused before the group's allowance is counted.
        assert!(!res.headers().contains_key("ratelimit-remaining"));
        assert_problem(res, StatusCode::FORBIDDEN, "email_not_verified").await;
        assert!(app.smtp.take_all_to("new@dealer.example").is_empty());
        let pending: Value = app.get_json(&invitations_path(group), Some(&token)).await;
        assert_eq!(pending["items"], json!([]));
    }
);

/// Runs `statement` on the app's database, as a writer the API does not know of.
async fn sql(app: &TestApp, statement: String) {
    use diesel::connection::SimpleConnection;
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || db.conn().unwrap().batch_execute(&statement).unwrap())
        .await
        .unwrap();
}

db_test!(
    async fn an_invitation_is_read_where_its_location_says_by_owners_only(app: TestApp) {
        let t = team(app).await;
        let admin = app.admin("lead@maker.example").await;
        let (outsider, _) = app
            .applicant_with_group("other@dealer.example", "91320500123456796")
            .await;
        let res = invite(
            app,
            &t.owner.token,
            &t.group,
            "new@dealer.example",
            "editor",
            None,
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let made: Value = res.json().await.unwrap();
        app.smtp.wait_for("new@dealer.example", "invites you").await;
        assert_eq!(made["status"], "pending");
        let read: Value = app.get_json(&location, Some(&t.owner.token)).await;
        assert_eq!(read, made);
        for token in [&t.editor.token, &t.signatory.token, &admin] {
            assert_problem(
                app.get(&location, Some(token)).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        assert_problem(
            app.get(&location, Some(&outsider)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let unknown = format!("{}/{}", invitations_path(&t.group), uuid::Uuid::now_v7());
        assert_problem(
            app.get(&unknown, Some(&t.owner.token)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;

        // Its status follows it: accepted, revoked, expired.
        let (invitee, mail) = invited_applicant(app, &t, "new@dealer.example").await;
        let replaced: Value = app.get_json(&location, Some(&t.owner.token)).await;
        assert_eq!(replaced["status"], "revoked");
        assert_eq!(
            accept(app, &invitee.token, &mail.token()).await.status(),
            StatusCode::OK
        );
        let pending: Value = app
            .get_json(&invitations_path(&t.group), Some(&t.owner.token))
            .await;
        assert_eq!(pending["items"], json!([]));
        let (late, _) = invited(
            app,
            &t.owner.token,
            &t.group,
            ("late@dealer.example", "editor", None),
            "en",
        )
        .await;
        app.clock.advance(chrono::Duration::days(8));
        let path = format!(
            "{}/{}",
            invitations_path(&t.group),
            late["id"].as_str().unwrap()
        );
        let expired: Value = app.get_json(&path, Some(&t.owner.token)).await;
        assert_eq!(expired["status"], "expired");
    }
);

db_test!(
    async fn each_role_is_refused_what_is_not_its_own(app: TestApp) {
        let t = team(app).await;
        // A signatory neither submits nor withdraws a draft.
        let id = app.draft_application(&t.editor.token, SUZHOU).await;
        for action in ["submit", "withdraw"] {
            assert_problem(
                act(app, &t.signatory.token, &id, json!({"action": action})).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        let (r, _) = offered_draft(app, &t, id).await;
        app.ignore_mail();
        let (reviewer, admin) = (r.reviewer.clone(), r.admin.clone());
        let (_, client) =
            crate::webhooks::integrator(app, &admin, json!(["applications:read"])).await;
        let loner = app.verified_applicant("loner@dealer.example").await;
        let owner_id = user_id(app, &t.owner.token).await;
        let editor_id = user_id(app, &t.editor.token).await;
        let forbidden = StatusCode::FORBIDDEN;

        // An editor does not decline the letter; a signatory does not withdraw it.
        assert_problem(
            act(
                app,
                &t.editor.token,
                &r.id,
                json!({"action": "decline_loi"}),
            )
            .await,
            forbidden,
            "forbidden",
        )
        .await;
        assert_problem(
            act(
                app,
                &t.signatory.token,
                &r.id,
                json!({"action": "withdraw"}),
            )
            .await,
            forbidden,
            "forbidden",
        )
        .await;

        // A signatory is no owner: it removes nobody else, edits no profile, asks no identity.
        assert_problem(
            app.delete(&member_path(&t.group, &editor_id), Some(&t.signatory.token))
                .await,
            forbidden,
            "forbidden",
        )
        .await;
        let group_path = format!("/api/v1/dealer-groups/{}", t.group);
        assert_problem(
            app.patch(
                &group_path,
                Some(&t.signatory.token),
                Some("*"),
                &json!({"stores_total": 200}),
            )
            .await,
            forbidden,
            "forbidden",
        )
        .await;
        let identity =
            json!({"legal_name": "新名称有限公司", "uscc": group_uscc(), "reason": "Renamed."});
        assert_problem(
            app.post(
                &format!("{group_path}/identity-changes"),
                Some(&t.signatory.token),
                &identity,
            )
            .await,
            forbidden,
            "forbidden",
        )
        .await;

        // The city's reviewer sees the group, but changes none of its members or invitations.
        let (invitation, _) = invited(
            app,
            &t.owner.token,
            &t.group,
            ("new@dealer.example", "editor", None),
            "en",
        )
        .await;
        let invitation_path = format!(
            "{}/{}",
            invitations_path(&t.group),
            invitation["id"].as_str().unwrap()
        );
        assert_problem(
            app.patch(
                &member_path(&t.group, &editor_id),
                Some(&reviewer),
                Some("*"),
                &json!({"role": "owner"}),
            )
            .await,
            forbidden,
            "forbidden",
        )
        .await;
        assert_problem(
            app.delete(&member_path(&t.group, &editor_id), Some(&reviewer))
                .await,
            forbidden,
            "forbidden",
        )
        .await;
        assert_problem(
            app.delete(&invitation_path, Some(&reviewer)).await,
            forbidden,
            "forbidden",
        )
        .await;

        // An applicant without a group does not know the group.
        assert_problem(
            app.patch(
                &member_path(&t.group, &editor_id),
                Some(&loner),
                Some("*"),
                &json!({"role": "owner"}),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;

        // Integrators have no part in membership; nobody unsigned does.
        assert_problem(
            app.get(&members_path(&t.group), Some(&client)).await,
            forbidden,
            "forbidden",
        )
        .await;
        assert_problem(
            invite(app, &client, &t.group, "crm@dealer.example", "editor", None).await,
            forbidden,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get(&invitations_path(&t.group), Some(&client)).await,
            forbidden,
            "forbidden",
        )
        .await;
        assert_problem(
            accept(app, &client, "some-token").await,
            forbidden,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get(&members_path(&t.group), None).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
        assert_problem(
            app.post(
                &members_path(&t.group),
                None,
                &json!({"email": "x@dealer.example", "role": "editor"}),
            )
            .await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;

        // A deactivated co-owner is no owner to keep the group: the last active one stays.
        set_role(app, &t, &editor_id, &json!({"role": "owner"})).await;
        sql(
            app,
            format!("UPDATE users SET active = FALSE WHERE id = '{editor_id}'"),
        )
        .await;
        assert_problem(
            app.delete(&member_path(&t.group, &owner_id), Some(&t.owner.token))
                .await,
            StatusCode::CONFLICT,
            "last_owner",
        )
        .await;

        // Invited into the group it is in already (a join the API did not see): 409.
        let (invitee, mail) = invited_applicant(app, &t, "new@dealer.example").await;
        sql(
            app,
            format!(
                "UPDATE users SET dealer_group_id = '{}', group_role = 'editor' WHERE email = 'new@dealer.example'",
                t.group
            ),
        )
        .await;
        assert_problem(
            accept(app, &invitee.token, &mail.token()).await,
            StatusCode::CONFLICT,
            "already_in_group",
        )
        .await;

        // A removed member no longer knows the application or its messages.
        let signatory_id = user_id(app, &t.signatory.token).await;
        assert_eq!(
            app.delete(&member_path(&t.group, &signatory_id), Some(&t.owner.token))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        assert_problem(
            app.patch(
                &format!("/api/v1/applications/{}", r.id),
                Some(&t.signatory.token),
                Some("*"),
                &json!({"notes": "Still here?"}),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            app.get(&r.path("/messages"), Some(&t.signatory.token))
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            app.post(
                &r.path("/messages"),
                Some(&t.signatory.token),
                &json!({"body": "Hello?"}),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        app.ignore_mail();
    }
);

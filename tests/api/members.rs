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
            "email_unverified",
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
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
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
        assert_eq!(res.status(), StatusCode::FORBIDDEN);

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
            app.smtp.wait_for(&member.email, "You have signed").await;
        }
        let timeline = actions(app, &t.owner.token, &id).await;
        let signing = timeline.iter().find(|e| e["action"] == "sign_loi").unwrap();
        assert_eq!(
            signing["actor_id"],
            user_id(app, &t.signatory.token).await.as_str()
        );
        assert_eq!(signing["actor_role"], "applicant");

        // An editor ticks the partner's onboarding tasks.
        moved(
            act(app, &admin, &id, json!({"action": "start_onboarding"})).await,
            "onboarding",
        )
        .await;
        let res = app
            .patch(
                &r.path("/onboarding/dealer_agreement"),
                Some(&t.editor.token),
                None,
                &json!({"done": true}),
            )
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
                    None,
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
                None,
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
                None,
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
                None,
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
                None,
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
            app.patch(&unknown, Some(&t.owner.token), None, &to_signatory)
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
                None,
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
                None,
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
                None,
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

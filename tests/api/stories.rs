//! The steps that user stories share, as `TestApp` methods, so that a test reads like the story
//! it checks: `app.submitted_review(..)`, `app.shortlisted(&r)`, `app.offered_letter(&r, 30)`.
//!
//! Each step takes the mails it causes (asserting their recipient and subject), so that the
//! end-of-test leftover check only asks a test about the mails its own steps cause.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::applications::application;
use crate::dealer_groups::{profile, uscc};
use crate::helpers::TestApp;
use crate::review::{act, moved, put_review, scorecard};

pub const SUZHOU: &str = "320500";

/// An applicant with a verified address, signed in.
pub struct Applicant {
    pub email: String,
    pub token: String,
}

/// The people of a review and one submitted application in Suzhou.
pub struct Review {
    pub admin: String,
    pub reviewer: String,
    /// The owner's access token.
    pub owner: String,
    pub owner_email: String,
    pub id: String,
}

impl Review {
    pub fn path(&self, rest: &str) -> String {
        format!("/api/v1/applications/{}{rest}", self.id)
    }
}

/// The subject of the receipt for a submitted application, in `locale`.
fn received_subject(locale: &str) -> &'static str {
    if locale == "en" {
        "We have received your application"
    } else {
        "我们已收到您"
    }
}

impl TestApp {
    /// Registers (in English) without verifying, and takes the "Confirm your e-mail address"
    /// mail; returns the created account.
    pub async fn registered(&self, email: &str) -> Value {
        let user = self.register(email).await;
        self.smtp
            .wait_for(email, "Confirm your e-mail address")
            .await;
        user
    }

    /// Registers in `locale`, verifies the address by the e-mailed link, signs in.
    pub async fn applicant(&self, email: &str, locale: &str) -> Applicant {
        Applicant {
            email: email.to_owned(),
            token: self.verified_applicant_in(email, locale).await,
        }
    }

    /// A verified applicant (English) who owns a registered group named after the address;
    /// returns (access token, group id).
    pub async fn applicant_with_group(&self, email: &str, uscc_body: &str) -> (String, String) {
        let (owner, group) = self
            .applicant_with_named_group(email, "en", &format!("{email} 集团"), uscc_body)
            .await;
        (owner.token, group)
    }

    /// A verified applicant in `locale` who owns the group `legal_name` with the USCC made of
    /// `uscc_body`; returns the applicant and the group id.
    pub async fn applicant_with_named_group(
        &self,
        email: &str,
        locale: &str,
        legal_name: &str,
        uscc_body: &str,
    ) -> (Applicant, String) {
        let owner = self.applicant(email, locale).await;
        let res = self
            .post(
                "/api/v1/dealer-groups",
                Some(&owner.token),
                &profile(legal_name, &uscc(uscc_body)),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
        let group: Value = res.json().await.unwrap();
        (owner, group["id"].as_str().unwrap().to_owned())
    }

    /// Creates a draft application from `body`; returns its id.
    pub async fn draft_from(&self, owner: &str, body: &Value) -> String {
        let res = self.post("/api/v1/applications", Some(owner), body).await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
        res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates the standard draft application for `city`; returns its id.
    pub async fn draft_application(&self, owner: &str, city: &str) -> String {
        self.draft_from(owner, &application(city)).await
    }

    /// Submits the application (at its current version) and takes the receipt mailed to the
    /// owner at `owner_email` in `locale`. The owner is told the public status, `under_review`.
    pub async fn submit(&self, owner: &str, owner_email: &str, locale: &str, id: &str) {
        moved(
            act(self, owner, id, json!({"action": "submit"})).await,
            "under_review",
        )
        .await;
        self.smtp
            .wait_for(owner_email, received_subject(locale))
            .await;
    }

    /// Creates and submits an application for `city` (taking the receipt); returns its id.
    pub async fn submitted_application(
        &self,
        owner: &Applicant,
        city: &str,
        locale: &str,
    ) -> String {
        let id = self.draft_application(&owner.token, city).await;
        self.submit(&owner.token, &owner.email, locale, &id).await;
        id
    }

    /// An admin, a Suzhou reviewer, and an owner (English) whose application in Suzhou is
    /// submitted and acknowledged by mail.
    pub async fn submitted_review(&self, owner_email: &str, uscc_body: &str) -> Review {
        let admin = self.admin("lead@maker.example").await;
        let reviewer = self
            .reviewer(&admin, "reviewer@maker.example", &[SUZHOU])
            .await;
        self.another_submitted_review(&admin, &reviewer, owner_email, uscc_body)
            .await
    }

    /// Another group's application in Suzhou, submitted, for the same admin and reviewer.
    pub async fn another_submitted_review(
        &self,
        admin: &str,
        reviewer: &str,
        owner_email: &str,
        uscc_body: &str,
    ) -> Review {
        let (owner, _) = self.applicant_with_group(owner_email, uscc_body).await;
        let owner = Applicant {
            email: owner_email.to_owned(),
            token: owner,
        };
        let id = self.submitted_application(&owner, SUZHOU, "en").await;
        // Nobody is assigned yet: the city's reviewer (if the story has one) hears of it.
        if !reviewer.is_empty() {
            self.smtp
                .wait_for("reviewer@maker.example", "New application to review")
                .await;
        }
        Review {
            admin: admin.to_owned(),
            reviewer: reviewer.to_owned(),
            owner: owner.token,
            owner_email: owner.email,
            id,
        }
    }

    /// The admin assigns the reviewer whose id is `reviewer_id`, who is mailed.
    pub async fn assigned(&self, r: &Review, reviewer_id: &str) {
        let res = self
            .post(
                &r.path("/assignees"),
                Some(&r.admin),
                &json!({"user_id": reviewer_id}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        self.smtp
            .wait_for("reviewer@maker.example", "You have been assigned")
            .await;
    }

    /// The reviewer asks for more information with `message`, which is mailed to the owner.
    pub async fn info_requested(&self, r: &Review, message: &str) {
        let ask = json!({"action": "request_info", "message": message});
        moved(act(self, &r.reviewer, &r.id, ask).await, "info_requested").await;
        let mail = self
            .smtp
            .wait_for(&r.owner_email, "More information needed")
            .await;
        assert!(mail.body.contains(message), "{}", mail.body);
    }

    /// The reviewer asks for more information with `message` (mailed to the owner), and the
    /// owner answers (the reviewer, assigned, is mailed): the application is in review again.
    pub async fn answered_request(&self, r: &Review, message: &str) {
        self.info_requested(r, message).await;
        let answer = json!({"action": "resubmit"});
        moved(act(self, &r.owner, &r.id, answer).await, "under_review").await;
        self.smtp
            .wait_for(
                "reviewer@maker.example",
                "has sent the requested information",
            )
            .await;
    }

    /// The reviewer starts the review, files a "yes" scorecard and shortlists (none of which
    /// mails the applicant).
    pub async fn shortlisted(&self, r: &Review) {
        moved(
            act(self, &r.reviewer, &r.id, json!({"action": "start_review"})).await,
            "under_review",
        )
        .await;
        let res = put_review(self, &r.reviewer, r, &scorecard(4, "yes")).await;
        assert!(res.status().is_success());
        moved(
            act(self, &r.reviewer, &r.id, json!({"action": "shortlist"})).await,
            "shortlisted",
        )
        .await;
    }

    /// The admin offers a letter of intent valid for `valid_days` on a shortlisted
    /// application; takes the owner's "please review and sign" mail.
    pub async fn offered_letter(&self, r: &Review, valid_days: i64) {
        moved(
            act(self, &r.admin, &r.id, offer(valid_days)).await,
            "loi_offered",
        )
        .await;
        self.smtp
            .wait_for(&r.owner_email, "please review and sign")
            .await;
    }
}

/// The body that signs the letter whose hash is `sha256`: signed, as a signing member must, in
/// the account's display name (every account of the tests has `DISPLAY_NAME`), with `title`
/// (any, unless the member has one on record).
pub fn signature(sha256: &Value, title: &str) -> Value {
    json!({
        "signer_name": crate::helpers::DISPLAY_NAME,
        "signer_title": title,
        "document_sha256": sha256,
        "accept": true
    })
}

/// The `offer_loi` transition for two stores.
pub fn offer(valid_days: i64) -> Value {
    json!({
        "action": "offer_loi",
        "loi": {"valid_days": valid_days, "stores": 2, "terms_note": "首年免收品牌使用费 <b>"}
    })
}

//! `/api/v1/applications`: a dealer group's application for one city, from draft to decision.

pub mod assignees;
pub mod create;
pub mod documents;
pub mod eligibility;
pub mod events;
pub mod export;
pub mod get;
pub mod list;
pub mod loi;
pub mod onboarding;
pub mod reviews;
pub mod transitions;
pub mod update;

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::applications::Application;
use crate::domain::application::{Acknowledgement, CustomerBaseDraft, SiteDraft, StoreFormat};
use crate::domain::workflow::{Action, Status};
use crate::error::{AppError, BlockedAction};
use crate::workflow::Access;
use crate::workflow::guards::Offered;

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationResponse {
    pub id: Uuid,
    pub dealer_group_id: Uuid,
    pub dealer_group_name: String,
    pub city_code: String,
    /// The status. Applicants are told the public status: `submitted`, `under_review` and
    /// `shortlisted` all read `under_review` to them (staff and integrators see the status
    /// itself).
    pub status: Status,
    /// The status in words for this caller, in its language; applicants see public labels that
    /// do not reveal internal review steps.
    pub status_label: String,
    pub store_format: StoreFormat,
    /// A draft's sites may still lack fields (see `missing_fields`).
    pub proposed_sites: Vec<SiteDraft>,
    pub investment_cny: Option<i64>,
    pub planned_opening: Option<NaiveDate>,
    pub customer_base: Option<CustomerBaseDraft>,
    pub notes: Option<String>,
    /// The terms of the 2S partnership the group has accepted (see `ApplicationRequest`).
    pub acknowledgements: BTreeSet<Acknowledgement>,
    /// What submitting still needs, as JSON paths (`proposed_sites[0].frontage_m`); empty once
    /// complete. `submit` and `resubmit` answer 422 `incomplete` with the same list.
    pub missing_fields: Vec<String>,
    /// Eligibility score 0..100, once submitted.
    pub score: Option<i32>,
    /// Whether every required eligibility rule passed, once submitted.
    pub eligible: Option<bool>,
    pub version: i32,
    /// What this caller may do now, for `POST .../transitions` (`sign_loi` through
    /// `POST .../loi/signature`): the moves its part may make in this state whose every rule
    /// holds now. Rules about what the request carries (a `reason`, a `message`, the letter's
    /// terms, the signature) are checked when the move is asked for, and do not hold a move
    /// back here.
    pub allowed_actions: Vec<Action>,
    /// The moves this caller's part could make in this state but a rule blocks now, each with
    /// the problem `code` the move would fail with now and why, in the caller's language. Made
    /// by the same checks as the move itself. In the list too: the rules are read for the whole
    /// page at once (one query per kind of rule the page needs, a few at most, whatever its
    /// length).
    pub blocked_actions: Vec<BlockedAction>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ApplicationResponse {
    /// The application as `access` reads it, with what it may do now (a few reads).
    pub fn read(
        conn: &mut DbConnection,
        application: Application,
        access: &Access,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        let offered = access.offered(conn, std::slice::from_ref(&application), now)?;
        let offered = offered.into_iter().next().unwrap_or_default();
        Ok(Self::new(application, access, offered))
    }

    /// The application as `access` reads it, offered `offered` (`Access::offered`).
    pub fn new(application: Application, access: &Access, offered: Offered) -> Self {
        Self {
            status_label: access
                .shown(application.status)
                .label(access.locale)
                .to_owned(),
            allowed_actions: offered.allowed,
            blocked_actions: offered
                .blocked
                .into_iter()
                .map(|(action, code)| BlockedAction::new(action, code, access.locale))
                .collect(),
            missing_fields: application.draft().proposal().err().unwrap_or_default(),
            id: application.id,
            dealer_group_id: application.dealer_group_id,
            dealer_group_name: application.dealer_group_name,
            city_code: application.city_code,
            status: access.shown(application.status),
            store_format: application.store_format,
            proposed_sites: application.proposed_sites,
            investment_cny: application.investment_cny,
            planned_opening: application.planned_opening,
            customer_base: application.customer_base,
            notes: application.notes,
            acknowledgements: application.acknowledgements,
            score: application.score,
            eligible: application.eligible,
            version: application.version,
            submitted_at: application.submitted_at,
            created_at: application.created_at,
            updated_at: application.updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn applicants_see_review_as_one_public_step() {
        for status in [Status::Submitted, Status::UnderReview, Status::Shortlisted] {
            assert_eq!(status.public(), Status::UnderReview);
            assert_eq!(status.public().label(Locale::En), "In review");
            assert_eq!(status.public().label(Locale::ZhCn), "审核中");
            assert_eq!(
                status.publicly_alike(),
                [Status::Submitted, Status::UnderReview, Status::Shortlisted]
            );
        }
        assert_eq!(Status::Shortlisted.label(Locale::En), "Shortlisted");
        assert_eq!(Status::Submitted.label(Locale::En), "Submitted");
        assert_eq!(Status::InfoRequested.public(), Status::InfoRequested);
        assert_eq!(Status::Draft.publicly_alike(), [Status::Draft]);
    }
}

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

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::db::DbConnection;
use crate::db::applications::{self, Application};
use crate::domain::application::{CustomerBase, ProposedSite};
use crate::domain::workflow::{Action, Status};
use crate::error::{AppError, BlockedAction};
use crate::workflow::Access;
use crate::workflow::guards::Offered;

/// The store format: agency sales plus authorised service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum StoreFormat {
    #[serde(rename = "2S")]
    TwoS,
}

/// What an applicant writes in an application; sent whole to create and to edit it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct ApplicationRequest {
    /// The target city (GB/T 2260 code); it cannot change once the application exists.
    #[schema(pattern = "^[0-9]{6}$", example = "320500")]
    pub city_code: String,
    pub store_format: StoreFormat,
    #[validate(length(min = 1, max = 10), nested)]
    #[schema(min_items = 1, max_items = 10)]
    pub proposed_sites: Vec<ProposedSite>,
    /// Planned investment, whole CNY.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub investment_cny: i64,
    pub planned_opening: NaiveDate,
    #[validate(nested)]
    pub customer_base: CustomerBase,
    #[validate(
        length(max = 2000),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(max_length = 2000)]
    #[serde(default, deserialize_with = "crate::domain::text::trimmed_opt")]
    pub notes: Option<String>,
}

impl ApplicationRequest {
    pub fn draft(&self) -> applications::Draft<'_> {
        applications::Draft {
            city_code: &self.city_code,
            store_format: "2S",
            proposed_sites: &self.proposed_sites,
            investment_cny: self.investment_cny,
            planned_opening: self.planned_opening,
            customer_base: &self.customer_base,
            notes: self.notes.as_deref(),
        }
    }
}

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
    #[schema(value_type = StoreFormat)]
    pub store_format: String,
    pub proposed_sites: Vec<ProposedSite>,
    pub investment_cny: i64,
    pub planned_opening: NaiveDate,
    pub customer_base: CustomerBase,
    pub notes: Option<String>,
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

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

use crate::auth::Principal;
use crate::db::applications::{self, Application, Visibility};
use crate::db::{DbConnection, dealer_groups, users};
use crate::domain::account::Role;
use crate::domain::application::{CustomerBase, ProposedSite};
use crate::domain::scope::Scope;
use crate::domain::workflow::{self, Action, Actor, Status};
use crate::error::AppError;
use crate::i18n::Locale;

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
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
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
    /// What this caller may do now, for `POST .../transitions`.
    pub allowed_actions: Vec<Action>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ApplicationResponse {
    pub fn new(application: Application, viewer: &Viewer) -> Self {
        Self {
            status_label: status_label(application.status, viewer.applicant, viewer.locale)
                .to_owned(),
            allowed_actions: viewer
                .actor_for(&application)
                .map(|actor| workflow::allowed_actions(application.status, actor))
                .unwrap_or_default(),
            id: application.id,
            dealer_group_id: application.dealer_group_id,
            dealer_group_name: application.dealer_group_name,
            city_code: application.city_code,
            status: application.status,
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

/// The caller as the applications feature sees it: what it may see and as whom it acts.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// The caller's account; none for an integrator.
    pub user_id: Option<Uuid>,
    pub visibility: Visibility,
    pub applicant: bool,
    /// The group the caller owns, if any.
    pub owns_group: Option<Uuid>,
    pub role: Option<Role>,
    pub cities: Vec<String>,
    pub locale: Locale,
}

impl Viewer {
    /// Works out the caller's view. An integrator without `applications:read` is refused (403).
    pub fn of(
        conn: &mut DbConnection,
        principal: &Principal,
        locale: Option<Locale>,
    ) -> Result<Self, AppError> {
        match principal {
            Principal::Client(client) => {
                if !client.scopes.contains(&Scope::ApplicationsRead) {
                    return Err(AppError::Forbidden);
                }
                Ok(Self {
                    user_id: None,
                    visibility: Visibility::All,
                    applicant: false,
                    owns_group: None,
                    role: None,
                    cities: Vec::new(),
                    locale: locale.unwrap_or(Locale::En),
                })
            }
            Principal::User(user) => {
                let locale = locale.unwrap_or(user.locale);
                let (visibility, owns_group, cities) = match user.role {
                    Role::Admin => (Visibility::All, None, Vec::new()),
                    Role::Reviewer => {
                        let cities = users::city_codes(conn, user.id)?;
                        (Visibility::Cities(cities.clone()), None, cities)
                    }
                    Role::Applicant => {
                        // Re-read: the group may have been created after the token was issued.
                        let group = users::find(conn, user.id)?.and_then(|u| u.dealer_group_id);
                        let owns = match group {
                            Some(id) => dealer_groups::find(conn, id)?
                                .filter(|g| g.owner_id == user.id)
                                .map(|g| g.id),
                            None => None,
                        };
                        // No group: sees nothing (a group id nobody has).
                        (
                            Visibility::Group(group.unwrap_or(Uuid::nil())),
                            owns,
                            Vec::new(),
                        )
                    }
                };
                Ok(Self {
                    user_id: Some(user.id),
                    visibility,
                    applicant: user.role == Role::Applicant,
                    owns_group,
                    role: Some(user.role),
                    cities,
                    locale,
                })
            }
        }
    }

    pub fn sees(&self, application: &Application) -> bool {
        match &self.visibility {
            Visibility::All => true,
            Visibility::Group(id) => application.dealer_group_id == *id,
            Visibility::Cities(codes) => codes.contains(&application.city_code),
        }
    }

    /// As whom the caller acts on `application`, if at all.
    pub fn actor_for(&self, application: &Application) -> Option<Actor> {
        match self.role? {
            Role::Admin => Some(Actor::Admin),
            Role::Reviewer => self
                .cities
                .contains(&application.city_code)
                .then_some(Actor::Reviewer),
            Role::Applicant => (self.owns_group == Some(application.dealer_group_id))
                .then_some(Actor::ApplicantOwner),
        }
    }

    /// The application if the caller may see it; 404 otherwise, as if it did not exist.
    pub fn load(&self, conn: &mut DbConnection, id: Uuid) -> Result<Application, AppError> {
        applications::find(conn, id)?
            .filter(|a| self.sees(a))
            .ok_or(AppError::NotFound)
    }
}

/// The status in words. Applicants see review as one step.
pub fn status_label(status: Status, applicant: bool, locale: Locale) -> &'static str {
    use Status::*;
    let status = match status {
        Submitted | UnderReview | Shortlisted if applicant => UnderReview,
        other => other,
    };
    match (status, locale) {
        (Draft, Locale::En) => "Draft",
        (Draft, Locale::ZhCn) => "草稿",
        (Submitted, Locale::En) => "Submitted",
        (Submitted, Locale::ZhCn) => "已提交",
        (UnderReview, Locale::En) => "In review",
        (UnderReview, Locale::ZhCn) => "审核中",
        (InfoRequested, Locale::En) => "Information requested",
        (InfoRequested, Locale::ZhCn) => "待补充材料",
        (Shortlisted, Locale::En) => "Shortlisted",
        (Shortlisted, Locale::ZhCn) => "已入围",
        (LoiOffered, Locale::En) => "Letter of intent offered",
        (LoiOffered, Locale::ZhCn) => "已发出合作意向书",
        (LoiSigned, Locale::En) => "Letter of intent signed",
        (LoiSigned, Locale::ZhCn) => "已签署合作意向书",
        (Onboarding, Locale::En) => "Onboarding",
        (Onboarding, Locale::ZhCn) => "入驻筹备中",
        (Active, Locale::En) => "Active partner",
        (Active, Locale::ZhCn) => "已开业",
        (Rejected, Locale::En) => "Not selected",
        (Rejected, Locale::ZhCn) => "未通过",
        (Withdrawn, Locale::En) => "Withdrawn",
        (Withdrawn, Locale::ZhCn) => "已撤回",
        (LoiDeclined, Locale::En) => "Letter of intent declined",
        (LoiDeclined, Locale::ZhCn) => "已拒绝合作意向书",
        (LoiExpired, Locale::En) => "Letter of intent expired",
        (LoiExpired, Locale::ZhCn) => "合作意向书已过期",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicants_see_review_as_one_public_step() {
        for status in [Status::Submitted, Status::UnderReview, Status::Shortlisted] {
            assert_eq!(status_label(status, true, Locale::En), "In review");
            assert_eq!(status_label(status, true, Locale::ZhCn), "审核中");
        }
        assert_eq!(
            status_label(Status::Shortlisted, false, Locale::En),
            "Shortlisted"
        );
        assert_eq!(
            status_label(Status::Submitted, false, Locale::En),
            "Submitted"
        );
    }
}

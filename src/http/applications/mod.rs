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
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::applications::Application;
use crate::domain::application::{CustomerBaseDraft, SiteDraft, StoreFormat};
use crate::domain::workflow::{self, Action, Status};
use crate::i18n::Locale;
use crate::workflow::Access;

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
    /// What submitting still needs, as JSON paths (`proposed_sites[0].frontage_m`); empty once
    /// complete. `submit` and `resubmit` answer 422 `incomplete` with the same list.
    pub missing_fields: Vec<String>,
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
    pub fn new(application: Application, access: &Access) -> Self {
        Self {
            status_label: status_label(access.shown(application.status), access.locale).to_owned(),
            allowed_actions: access
                .actor_for(&application)
                .map(|actor| workflow::allowed_actions(application.status, actor))
                .unwrap_or_default(),
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
            score: application.score,
            eligible: application.eligible,
            version: application.version,
            submitted_at: application.submitted_at,
            created_at: application.created_at,
            updated_at: application.updated_at,
        }
    }
}

/// The status in words (give applicants' `Status::public`).
pub fn status_label(status: Status, locale: Locale) -> &'static str {
    use Status::*;
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
            assert_eq!(status.public(), Status::UnderReview);
            assert_eq!(status_label(status.public(), Locale::En), "In review");
            assert_eq!(status_label(status.public(), Locale::ZhCn), "审核中");
            assert_eq!(
                status.publicly_alike(),
                [Status::Submitted, Status::UnderReview, Status::Shortlisted]
            );
        }
        assert_eq!(status_label(Status::Shortlisted, Locale::En), "Shortlisted");
        assert_eq!(status_label(Status::Submitted, Locale::En), "Submitted");
        assert_eq!(Status::InfoRequested.public(), Status::InfoRequested);
        assert_eq!(Status::Draft.publicly_alike(), [Status::Draft]);
    }
}

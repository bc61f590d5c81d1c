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
pub mod messages;
pub mod notes;
pub mod onboarding;
pub mod queue;
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
use crate::domain::sla::SlaDays;
use crate::domain::workflow::{Action, Status};
use crate::error::{AppError, BlockedAction};
use crate::workflow::deadlines::Deadlines;
use crate::workflow::guards::Offered;
use crate::workflow::{self, Access};

/// An application as the caller reads it. The example is a reviewer's view of an application
/// in review that nobody has scored yet.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01958a11-6b7c-7d8e-9fa0-b1c2d3e4f5a6",
    "dealer_group_id": "019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1",
    "dealer_group_name": "江苏华东汽车销售服务集团有限公司",
    "city_code": "320500",
    "status": "under_review",
    "status_label": "In review",
    "store_format": "2S",
    "proposed_sites": [{
        "address": "1288 Wuzhong Avenue",
        "district": "Wuzhong",
        "site_type": "auto_business_district",
        "site_area_sqm": 4200.0,
        "frontage_m": 32.0,
        "showroom_height_m": 7.5,
        "showroom_sqm": 650.0,
        "workshop_sqm": 1200.0,
        "lease_status": "negotiating"
    }],
    "investment_cny": 28000000,
    "planned_opening": "2027-05-01",
    "customer_base": {"active_customers": 38000, "annual_service_visits": 52000},
    "notes": "The site is in Suzhou's auto business district, two streets from our Mercedes-Benz dealership; the lease can be signed within a month of the letter of intent.",
    "acknowledgements": ["agency_sales_no_resale", "no_vehicle_delivery"],
    "missing_fields": [],
    "score": 85,
    "eligible": true,
    "version": 4,
    "allowed_actions": ["request_info", "reject"],
    "blocked_actions": [{
        "action": "shortlist",
        "code": "no_scorecard",
        "message": "File at least one scorecard before shortlisting the application."
    }],
    "unread_messages": 1,
    "submitted_at": "2026-03-05T03:12:44Z",
    "waiting_since": "2026-03-06T01:30:00Z",
    "due_at": "2026-03-16T01:30:00Z",
    "overdue": false,
    "created_at": "2026-03-02T09:15:00Z",
    "updated_at": "2026-03-06T01:30:00Z"
}))]
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
    /// For people: the messages on the application (`GET .../messages`) that someone else
    /// wrote after the caller last marked the thread read (`POST .../messages/read`). Null for
    /// integrators. In the list too, counted for the whole page in one query.
    pub unread_messages: Option<i64>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// When the application entered its current status. Applicants are not told it while
    /// their application is in review (`under_review` to them stands for several internal
    /// steps): null then.
    pub waiting_since: Option<DateTime<Utc>>,
    /// When staff are due to have moved it: `waiting_since` plus the SLA days of its status
    /// (`GET /api/v1/sla`), for the statuses that wait on staff (`submitted`, `under_review`,
    /// `shortlisted`, `loi_signed`); null otherwise, and always null for applicants, who are
    /// not shown staff's service levels.
    pub due_at: Option<DateTime<Utc>>,
    /// `due_at` has passed. Always false for applicants.
    pub overdue: bool,
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
        let one = std::slice::from_ref(&application);
        let offered = access.offered(conn, one, now)?;
        let offered = offered.into_iter().next().unwrap_or_default();
        let unread = workflow::messages::unread(conn, access, one)?
            .into_iter()
            .next()
            .flatten();
        let deadlines = Deadlines::read(conn, now)?;
        Ok(Self::new(application, access, offered, unread, &deadlines))
    }

    /// Application `id` as `access` reads it (404 if it may not): the application, its unread
    /// messages and its status's SLA days (prepared queries of a fixed shape), then what the
    /// caller is offered (no query unless a move's guard needs a stored fact).
    pub fn load(
        conn: &mut DbConnection,
        id: Uuid,
        access: &Access,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        let (application, extras) = access.load_for_reading(conn, id)?;
        let offered = access.offered(conn, std::slice::from_ref(&application), now)?;
        let offered = offered.into_iter().next().unwrap_or_default();
        let mut days = SlaDays::default();
        if let Some(status_days) = extras.sla_days {
            days.set(application.status, status_days);
        }
        let deadlines = Deadlines { days, now };
        let unread = access.user_id.map(|_| extras.unread_messages);
        Ok(Self::new(application, access, offered, unread, &deadlines))
    }

    /// The application as `access` reads it, offered `offered` (`Access::offered`), with
    /// `unread_messages` (`workflow::messages::unread`), its wait measured by `deadlines`.
    pub fn new(
        application: Application,
        access: &Access,
        offered: Offered,
        unread_messages: Option<i64>,
        deadlines: &Deadlines,
    ) -> Self {
        let wait = deadlines.wait(access, &application);
        Self {
            unread_messages,
            waiting_since: wait.waiting_since,
            due_at: wait.due_at,
            overdue: wait.overdue,
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

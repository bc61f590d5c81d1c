//! An application's eligibility as the rules see it now: the candidate worked out from the
//! group's profile and the application, evaluated against the current criteria. Submission and
//! resubmission store the report (`moves`); the members' preview only shows it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::access::Access;
use crate::db::applications::Application;
use crate::db::{DbConnection, cities, criteria, dealer_groups};
use crate::domain::application::Proposal;
use crate::domain::dealer_group::stores_in_province;
use crate::domain::eligibility::{Candidate, EligibilityReport, evaluate};
use crate::domain::workflow::MEMBERS;
use crate::error::{AppError, FieldError, ProblemCode};

/// The report `application` gets as of `now`, under the current criteria: the group's top-100
/// claim counts only as verified against the ranking list, and its stores only in the province
/// of the application's city. Nothing is written. An incomplete application has no report: 422
/// `incomplete`, naming every missing field (what submitting it would answer).
pub fn assess(
    conn: &mut DbConnection,
    application: &Application,
    now: DateTime<Utc>,
) -> Result<EligibilityReport, AppError> {
    let proposal = proposal(application)?;
    let (city, _) = cities::find(conn, &application.city_code)?.ok_or(AppError::NotFound)?;
    let group =
        dealer_groups::find(conn, application.dealer_group_id)?.ok_or(AppError::NotFound)?;
    let current = criteria::current(conn)?;
    let profile = &group.profile;
    let candidate = Candidate {
        rank_verified: group.rank_verified,
        stores_in_city_province: city
            .province_code()
            .map_or(0, |code| stores_in_province(&profile.provinces, code)),
        annual_revenue_cny: profile.annual_revenue_cny,
        registered_capital_cny: profile.registered_capital_cny,
        brands: &profile.brands,
        after_sales: &profile.after_sales,
        sites: &proposal.sites,
        customers: &proposal.customers,
    };
    Ok(evaluate(&current.rules, current.version, &candidate, now))
}

/// The complete proposal of `application`, or 422 `incomplete` naming every missing field.
pub fn proposal(application: &Application) -> Result<Proposal, AppError> {
    application.draft().proposal().map_err(|missing| {
        AppError::Incomplete(
            missing
                .into_iter()
                .map(|field| FieldError::new(field, "required"))
                .collect(),
        )
    })
}

/// The report that submitting application `id` now would make, for its group's members only: 404
/// to whoever may not see it, 403 to whoever sees it but is not a member (staff), 409
/// `not_editable` once it is past `draft` and `info_requested`. Nothing is stored.
pub fn preview(
    conn: &mut DbConnection,
    access: &Access,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<EligibilityReport, AppError> {
    let application = access.load(conn, id)?;
    access.require(&application, MEMBERS)?;
    if !application.status.is_editable() {
        return Err(AppError::Conflict(ProblemCode::NotEditable));
    }
    assess(conn, &application, now)
}

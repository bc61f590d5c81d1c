use actix_web::{HttpRequest, get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use super::ApplicationResponse;
use super::list::{ApplicationFilter, AssignedTo, listed};
use crate::auth::principal::Principal;
use crate::auth::{Authorized, Staff};
use crate::db::applications::ListQuery;
use crate::domain::workflow::Actor;
use crate::error::AppError;
use crate::http::extract::ValidatedQuery;
use crate::http::pagination::Page;
use crate::i18n::Locale;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueFilter {
    /// City code: only this city's applications (within the caller's cities).
    #[validate(length(max = 6))]
    #[param(max_length = 6)]
    pub city: Option<String>,
    /// `me`: only applications the caller is assigned to review.
    #[param(inline)]
    pub assigned_to: Option<AssignedTo>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The caller's queue: what waits on staff in its cities (reviewers, admins).
///
/// What the caller can move on: a reviewer's queue holds `submitted` and `under_review`
/// applications of its cities; an admin's also `shortlisted` (the letter to offer) and
/// `loi_signed` (onboarding to start), in every city. As the list shows them, longest waiting first
/// (`waiting_since`, then id), each with `due_at` (its status's SLA days after
/// `waiting_since`, `GET /api/v1/sla`) and `overdue`. Keyset-paginated: pass `next_cursor`
/// back as `cursor` with the same filters. Applicants and integrators: 403.
#[utoipa::path(
    tag = "applications",
    params(QueueFilter),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of the caller's queue", body = Page<ApplicationResponse>))
)]
#[get("/me/queue")]
pub async fn my_queue(
    Authorized(user): Authorized<Staff>,
    req: HttpRequest,
    state: web::Data<AppState>,
    ValidatedQuery(filter): ValidatedQuery<QueueFilter>,
) -> Result<web::Json<Page<ApplicationResponse>>, AppError> {
    let locale = Locale::from_request(&req);
    let actor = Actor::staff(user.role).ok_or(AppError::Forbidden)?;
    let principal = Principal::User(user);
    let page = listed(&state, principal, locale, filter.into(), move |query| {
        let waiting = ListQuery::waiting(query.visibility.clone(), actor);
        ListQuery {
            statuses: waiting.statuses,
            sort: waiting.sort,
            ..query
        }
    })
    .await?;
    Ok(web::Json(page))
}

impl From<QueueFilter> for ApplicationFilter {
    /// The list's filter that selects what the queue's does, before the queue narrows it.
    fn from(filter: QueueFilter) -> Self {
        Self {
            city: filter.city,
            assigned_to: filter.assigned_to,
            limit: filter.limit,
            cursor: filter.cursor,
            status: None,
            min_score: None,
            q: None,
            overdue: None,
            updated_since: None,
            sort: None,
        }
    }
}

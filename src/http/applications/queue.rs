use actix_web::{HttpRequest, get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use super::ApplicationResponse;
use super::list::{AssignedTo, page_of};
use crate::auth::principal::Principal;
use crate::auth::{Authorized, Staff};
use crate::db::applications::{ListKey, ListQuery};
use crate::error::AppError;
use crate::http::extract::ValidatedQuery;
use crate::http::pagination::{Page, PageParams};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;
use crate::workflow::deadlines::Deadlines;

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
/// Applications in `submitted`, `under_review`, `shortlisted` or `loi_signed` in the
/// reviewer's cities (an admin's: every city), as the list shows them, longest waiting first
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
    let page = PageParams {
        limit: filter.limit,
        cursor: filter.cursor.clone(),
    };
    let after = page.after::<ListKey>()?;
    let limit = page.limit();
    let now = state.clock.now();
    let page = state
        .db
        .run(move |conn| {
            let user_id = user.id;
            let access = Access::of(&Principal::User(user), locale)?;
            let deadlines = Deadlines::read(conn, now)?;
            let query = ListQuery {
                city: filter.city,
                assigned_to: filter.assigned_to.map(|AssignedTo::Me| user_id),
                ..ListQuery::waiting(access.visibility.clone())
            };
            page_of(conn, &access, &query, after, limit, &deadlines)
        })
        .await?;
    Ok(web::Json(page))
}

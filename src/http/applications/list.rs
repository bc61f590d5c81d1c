use actix_web::{HttpRequest, get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::ApplicationResponse;
use crate::auth::{AnyPrincipal, Authorized, Principal};
use crate::db::DbConnection;
use crate::db::applications::{self, ListKey, ListQuery, Sort};
use crate::domain::workflow::Status;
use crate::error::AppError;
use crate::http::extract::ValidatedQuery;
use crate::http::pagination::{Page, PageParams};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::deadlines::Deadlines;
use crate::workflow::{Access, messages};

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum SortOrder {
    /// Oldest first (the default).
    #[serde(rename = "created_at")]
    CreatedAt,
    /// Highest eligibility score first; unscored drafts are left out.
    #[serde(rename = "-score")]
    ScoreDesc,
    /// Most recently submitted first; unsubmitted drafts are left out.
    #[serde(rename = "-submitted_at")]
    SubmittedAtDesc,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum AssignedTo {
    /// The caller.
    #[serde(rename = "me")]
    Me,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationFilter {
    /// City code.
    #[validate(length(max = 6))]
    #[param(max_length = 6)]
    pub city: Option<String>,
    /// For applicants, any status they are told as the same public status (`submitted`,
    /// `under_review` and `shortlisted` all match their applications in review).
    pub status: Option<Status>,
    #[validate(range(min = 0, max = 100))]
    #[param(minimum = 0, maximum = 100)]
    pub min_score: Option<i32>,
    /// Part of the dealer group's legal name, any case.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// `me`: only applications the caller is assigned to review.
    #[param(inline)]
    pub assigned_to: Option<AssignedTo>,
    /// `true`: only applications past their status's SLA (`due_at` passed); `false`: only the
    /// others. For applicants nothing is overdue (`true` matches none of theirs).
    pub overdue: Option<bool>,
    /// Only applications changed at or after this time (for incremental sync).
    pub updated_since: Option<DateTime<Utc>>,
    #[param(inline)]
    pub sort: Option<SortOrder>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

impl ApplicationFilter {
    /// The order asked for; `created_at` unless said otherwise.
    pub(crate) fn sort(&self) -> Sort {
        match self.sort.unwrap_or(SortOrder::CreatedAt) {
            SortOrder::CreatedAt => Sort::CreatedAt,
            SortOrder::ScoreDesc => Sort::ScoreDesc,
            SortOrder::SubmittedAtDesc => Sort::SubmittedAtDesc,
        }
    }

    /// The query for these filters within what the caller may see; paging is the caller's.
    pub(crate) fn into_query(self, access: &Access, deadlines: &Deadlines) -> ListQuery {
        ListQuery {
            overdue: self
                .overdue
                .map(|overdue| deadlines.filter(access, overdue)),
            visibility: access.visibility.clone(),
            sort: self.sort(),
            // An integrator is assigned nothing: a user id nobody has.
            assigned_to: self
                .assigned_to
                .map(|AssignedTo::Me| access.user_id.unwrap_or(Uuid::nil())),
            city: self.city,
            statuses: self.status.map(|status| access.filtered(status)),
            min_score: self.min_score,
            q: self.q,
            updated_since: self.updated_since,
        }
    }
}

/// List the applications the caller may see, filtered and sorted.
///
/// Applicants see their group's, reviewers their cities', admins and integrators with
/// `applications:read` all. Keyset-paginated: pass `next_cursor` back as `cursor` with the same
/// filters and sort.
#[utoipa::path(
    tag = "applications",
    params(ApplicationFilter),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of applications", body = Page<ApplicationResponse>))
)]
#[get("/applications")]
pub async fn list_applications(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    ValidatedQuery(filter): ValidatedQuery<ApplicationFilter>,
) -> Result<web::Json<Page<ApplicationResponse>>, AppError> {
    let locale = Locale::from_request(&req);
    let page = listed(&state, principal, locale, filter, |query| query).await?;
    Ok(web::Json(page))
}

/// The page of applications `filter` selects for `principal`, as `narrow` leaves the query
/// (the list keeps it, the queue keeps only what waits on the caller): the list's and the
/// queue's.
pub(crate) async fn listed(
    state: &AppState,
    principal: Principal,
    locale: Option<Locale>,
    filter: ApplicationFilter,
    narrow: impl FnOnce(ListQuery) -> ListQuery + Send + 'static,
) -> Result<Page<ApplicationResponse>, AppError> {
    let page = PageParams {
        limit: filter.limit,
        cursor: filter.cursor.clone(),
    };
    let after = page.after::<ListKey>()?;
    let limit = page.limit();
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            let access = Access::of(&principal, locale)?;
            let deadlines = Deadlines::read(conn, now)?;
            let query = narrow(filter.into_query(&access, &deadlines));
            page_of(conn, &access, &query, after, limit, &deadlines)
        })
        .await
}

/// The page of `query` after `after`, as `access` reads it.
fn page_of(
    conn: &mut DbConnection,
    access: &Access,
    query: &ListQuery,
    after: Option<ListKey>,
    limit: i64,
    deadlines: &Deadlines,
) -> Result<Page<ApplicationResponse>, AppError> {
    let rows = applications::list(conn, query, after, limit + 1)?;
    // What the caller may do with each, and its unread messages, read for the whole page at
    // once.
    let offered = access.offered(conn, &rows, deadlines.now)?;
    let unread = messages::unread(conn, access, &rows)?;
    Ok(Page::from_rows(
        rows.into_iter().zip(offered).zip(unread).collect(),
        limit,
        |((a, _), _)| applications::key_of(a, query.sort),
        |((a, offered), unread)| ApplicationResponse::new(a, access, offered, unread, deadlines),
    ))
}

use actix_web::{HttpRequest, get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use super::{DealerGroupResponse, locale_of};
use crate::auth::{AnyPrincipal, Authorized, Principal};
use crate::db::dealer_groups::{self, ListFilter};
use crate::domain::account::Role;
use crate::domain::division;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::http::extract::ValidatedQuery;
use crate::http::pagination::{CreatedKey, Page, PageParams};
use crate::i18n::Locale;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DealerGroupFilter {
    /// Part of the legal name (any case) or of the USCC.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Headquarters province: a name in English or Chinese or a GB/T 2260 code, as profiles
    /// write it (422 `unknown_province` for one that names no province).
    #[validate(
        length(max = 50),
        custom(function = "crate::domain::division::known_province")
    )]
    #[param(max_length = 50)]
    pub province: Option<String>,
    /// Only groups registered or changed at or after this time (for incremental sync).
    pub updated_since: Option<DateTime<Utc>>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// List dealer groups, oldest first: admins and integrators with `dealer_groups:read` see every
/// group, reviewers those with an application in one of their cities; applicants are refused
/// (403). Integrators see each group as its members do.
#[utoipa::path(
    tag = "dealer-groups",
    params(DealerGroupFilter),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of groups", body = Page<DealerGroupResponse>))
)]
#[get("/dealer-groups")]
pub async fn list_dealer_groups(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    ValidatedQuery(filter): ValidatedQuery<DealerGroupFilter>,
) -> Result<web::Json<Page<DealerGroupResponse>>, AppError> {
    let page = PageParams {
        limit: filter.limit,
        cursor: filter.cursor,
    };
    // Who asks decides what is seen: before the query is read.
    let (locale, role, cities) = match principal {
        Principal::User(user) if user.role.is_staff() => (
            locale_of(&req, user.locale),
            user.role,
            (user.role != Role::Admin).then_some(user.cities),
        ),
        Principal::Client(client) if client.scopes.contains(&Scope::DealerGroupsRead) => {
            (locale_of(&req, Locale::En), Role::Applicant, None)
        }
        _ => return Err(AppError::Forbidden),
    };
    let after = page.after::<CreatedKey>()?;
    let limit = page.limit();
    let list_filter = ListFilter {
        q: filter.q,
        province_code: filter
            .province
            .as_deref()
            .and_then(division::find)
            .map(|d| d.code.to_owned()),
        cities,
        updated_since: filter.updated_since,
    };
    let rows = state
        .db
        .run(move |conn| dealer_groups::list(conn, &list_filter, after, limit + 1))
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |g| (g.created_at, g.id),
        |group| DealerGroupResponse::for_role(group, locale, role),
    )))
}

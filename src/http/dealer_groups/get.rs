use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::{DealerGroupResponse, locale_of};
use crate::auth::{AnyPrincipal, Authorized, Principal};
use crate::domain::account::Role;
use crate::error::AppError;
use crate::http::concurrency::ok_with_etag;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::groups;

/// A dealer group's profile.
///
/// Its members, admins, reviewers of a city where it has an application, and integrators with
/// `dealer_groups:read` see it; to anyone else it does not exist (404), and a client without
/// the scope is refused (403). Staff also see who
/// confirmed the group's parent, and why; integrators see the group as its members do.
#[utoipa::path(
    tag = "dealer-groups",
    params(("id" = Uuid, Path, description = "Dealer group id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The group", body = DealerGroupResponse))
)]
#[get("/dealer-groups/{id}")]
pub async fn get_dealer_group(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (locale, role) = match &principal {
        Principal::User(user) => (locale_of(&req, user.locale), user.role),
        Principal::Client(_) => (locale_of(&req, Locale::En), Role::Applicant),
    };
    let group = state
        .db
        .run(move |conn| groups::readable(conn, &principal, id))
        .await?;
    Ok(ok_with_etag(group.version).json(DealerGroupResponse::for_role(group, locale, role)))
}

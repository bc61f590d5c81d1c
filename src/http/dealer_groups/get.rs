use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::{DealerGroupResponse, locale_of};
use crate::auth::{AnyUser, Authorized};
use crate::error::AppError;
use crate::http::concurrency::ok_with_etag;
use crate::state::AppState;
use crate::workflow::groups;

/// A dealer group's profile.
///
/// Its members, admins, and reviewers of a city where it has an application see it; to anyone
/// else it does not exist (404). Staff also see who confirmed the group's parent, and why.
#[utoipa::path(
    tag = "dealer-groups",
    params(("id" = Uuid, Path, description = "Dealer group id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The group", body = DealerGroupResponse))
)]
#[get("/dealer-groups/{id}")]
pub async fn get_dealer_group(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (locale, role) = (locale_of(&req, user.locale), user.role);
    let group = state
        .db
        .run(move |conn| groups::visible(conn, &user, id))
        .await?;
    Ok(ok_with_etag(group.version).json(DealerGroupResponse::for_role(group, locale, role)))
}

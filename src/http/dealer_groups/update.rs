use actix_web::{HttpResponse, patch, web};
use uuid::Uuid;

use super::{DealerGroupResponse, checked_profile, may_see};
use crate::auth::{AnyUser, Authorized};
use crate::db::dealer_groups;
use crate::domain::dealer_group::Profile;
use crate::error::{AppError, Problem};
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;
use crate::workflow::groups;

/// Replace the group's profile (its owner).
///
/// Send the whole profile, and the `version` you read as `If-Match`. The top-100 verification
/// and the warnings are worked out again.
#[utoipa::path(
    tag = "dealer-groups",
    request_body = Profile,
    params(
        ("id" = Uuid, Path, description = "Dealer group id"),
        ("If-Match" = String, Header, description = "The version you read, e.g. `\"3\"`"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = DealerGroupResponse),
        (status = 409, description = "Another group has this USCC (`uscc_taken`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/dealer-groups/{id}")]
pub async fn update_dealer_group(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    ValidatedJson(body): ValidatedJson<Profile>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    if !may_see(&user, id) {
        return Err(AppError::NotFound);
    }
    let checked = checked_profile(body)?;
    let group = state
        .write(move |work| {
            let group = dealer_groups::find(work, id)?.ok_or(AppError::NotFound)?;
            // Members read the group; only its owner changes it.
            if group.owner_id != user.id {
                return Err(AppError::Forbidden);
            }
            if_match.check(group.version)?;
            groups::update(work, &group, &checked)
        })
        .await?;
    Ok(ok_with_etag(group.version).json(DealerGroupResponse::from(group)))
}

use actix_web::{HttpResponse, patch, web};
use uuid::Uuid;

use super::{DealerGroupResponse, checked_profile, may_see, rank_verified};
use crate::auth::{AnyUser, Authorized};
use crate::db::dealer_groups;
use crate::domain::dealer_group::Profile;
use crate::error::{AppError, Problem};
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;

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
    let (profile, warnings) = checked_profile(body)?;
    let group = state
        .write(move |work| {
            let now = work.now();
            let group = dealer_groups::find(work, id)?.ok_or(AppError::NotFound)?;
            if group.owner_id != user.id {
                return Err(AppError::Forbidden);
            }
            if_match.check(group.version)?;
            let verified = rank_verified(work, &profile)?;
            if !dealer_groups::update(work, id, group.version, &profile, &warnings, verified, now)?
            {
                return Err(AppError::VersionMismatch);
            }
            dealer_groups::find(work, id)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok(ok_with_etag(group.version).json(DealerGroupResponse::from(group)))
}

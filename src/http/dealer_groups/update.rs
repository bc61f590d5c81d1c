use actix_web::{HttpRequest, HttpResponse, patch, web};
use uuid::Uuid;

use super::{DealerGroupResponse, checked_profile, locale_of};
use crate::auth::{AnyUser, Authorized};
use crate::domain::dealer_group::Profile;
use crate::error::{AppError, Problem};
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::merge_patch::MergePatch;
use crate::state::AppState;
use crate::workflow::{groups, members};

/// Change the group's profile (its owners).
///
/// A JSON Merge Patch (RFC 7396) of the profile: send only the fields that change; `null` clears
/// an optional one, arrays (`provinces`, `brands`) are replaced whole; the result is checked like
/// a full profile. Send the `version` you read as `If-Match` (or `*`). The top-100 verification
/// and the warnings are worked out again. Once the group has submitted an application, its
/// legal identity (`legal_name`, `uscc`) is fixed (409 `identity_locked`). Every change is an
/// `update_group` event, naming the changed fields, in the timeline of each of the group's
/// applications.
#[utoipa::path(
    tag = "dealer-groups",
    request_body(
        description = "The fields to change, as a merge patch of the profile",
        content(
            (Profile = "application/merge-patch+json"),
            (Profile = "application/json"),
        ),
    ),
    params(
        ("id" = Uuid, Path, description = "Dealer group id"),
        ("If-Match" = String, Header, description = "The version you read, e.g. `\"3\"`, or `*`"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = DealerGroupResponse),
        (status = 409, description = "Another group has this USCC (`uscc_taken`), or the group has submitted an application and `legal_name` or `uscc` changed (`identity_locked`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/dealer-groups/{id}")]
pub async fn update_dealer_group(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    patch: MergePatch,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let locale = locale_of(&req, user.locale);
    let group = state
        .write(move |work| {
            let group = members::acting_owner(work, &user, id)?;
            if_match.check(group.version)?;
            let checked = checked_profile(patch.apply::<Profile>(&group.profile)?)?;
            groups::update(work, &group, user.id, &checked)
        })
        .await?;
    Ok(ok_with_etag(group.version).json(DealerGroupResponse::new(group, locale)))
}

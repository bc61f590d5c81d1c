use actix_web::{HttpResponse, post, web};
use uuid::Uuid;

use super::{DealerGroupResponse, checked_profile, rank_verified};
use crate::auth::{AnyUser, Authorized};
use crate::db::{dealer_groups, users, write_transaction};
use crate::domain::account::Role;
use crate::domain::dealer_group::Profile;
use crate::error::{AppError, Problem};
use crate::http::concurrency::ok_with_etag;
use crate::http::extract::ValidatedJson;
use crate::state::AppState;

/// Register the caller's dealer group.
///
/// For an applicant who has no group yet; the caller becomes its owner. The USCC must have a
/// valid check character; an unusual one (not `91…`, or a failing organisation-code digit) is
/// accepted with `warnings`.
#[utoipa::path(
    tag = "dealer-groups",
    request_body = Profile,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = DealerGroupResponse),
        (status = 409, description = "The USCC is registered already (`uscc_taken`), or the caller has a group (`already_in_group`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dealer-groups")]
pub async fn create_dealer_group(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<Profile>,
) -> Result<HttpResponse, AppError> {
    if user.role != Role::Applicant {
        return Err(AppError::Forbidden);
    }
    let (profile, warnings) = checked_profile(body)?;
    let id = Uuid::now_v7();
    let now = state.clock.now();
    let group = state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                // Read again inside the transaction: the token's view may be stale.
                let member_of = users::find(conn, user.id)?.and_then(|u| u.dealer_group_id);
                if member_of.is_some() {
                    return Err(AppError::Conflict {
                        code: "already_in_group",
                    });
                }
                let verified = rank_verified(conn, &profile)?;
                dealer_groups::insert(conn, id, &profile, &warnings, verified, user.id, now)?;
                dealer_groups::find(conn, id)?.ok_or(AppError::NotFound)
            })
        })
        .await?;
    let mut response = ok_with_etag(group.version);
    Ok(response
        .status(actix_web::http::StatusCode::CREATED)
        .insert_header(("Location", format!("/api/v1/dealer-groups/{id}")))
        .json(DealerGroupResponse::from(group)))
}

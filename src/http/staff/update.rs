use actix_web::{HttpResponse, patch, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::{StaffMember, normalise_codes};
use crate::auth::{Admin, Authorized};
use crate::db::users;
use crate::domain::account::{Role, StaffRole};
use crate::error::{AppError, Problem, ProblemCode};
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::merge_patch::MergePatch;
use crate::state::AppState;
use crate::workflow::accounts;

/// What an admin may change of a staff member; `PATCH` takes a merge patch of it.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"role": "reviewer", "city_codes": ["320500", "320100", "330200"], "active": true}))]
pub struct UpdateStaffRequest {
    /// A new role ends the member's sessions: its tokens stop working, and it signs in again.
    pub role: StaffRole,
    /// The member's cities (replaced whole).
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub city_codes: Vec<String>,
    /// False deactivates the account: it can no longer sign in, and its tokens stop working at
    /// once (within a second where several replicas serve the API), for good: they stay refused
    /// if the account is made active again.
    pub active: bool,
}

/// Change a staff member's role, cities or active flag.
///
/// A JSON Merge Patch (RFC 7396) of `{role, city_codes, active}`: send only what changes. Send
/// the `version` you read as `If-Match` (or `*`). Admins cannot demote or deactivate themselves,
/// so that the portal never loses its last admin by accident.
#[utoipa::path(
    tag = "staff",
    request_body(
        description = "The fields to change, as a merge patch",
        content(
            (UpdateStaffRequest = "application/merge-patch+json"),
            (UpdateStaffRequest = "application/json"),
        ),
    ),
    params(
        ("id" = Uuid, Path, description = "Staff member id"),
        ("If-Match" = String, Header, description = "The version you read, e.g. `\"3\"`, or `*`", example = "\"1\""),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = StaffMember),
        (status = 409, description = "An admin tried to demote or deactivate themselves (`cannot_change_own_account`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/staff/{id}")]
pub async fn update_staff(
    Authorized(admin): Authorized<Admin>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    patch: MergePatch,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let member = state
        .write(move |work| {
            let member = users::find(work, id)?.ok_or(AppError::NotFound)?;
            let role = StaffRole::of(member.role).ok_or(AppError::NotFound)?;
            if_match.check(member.version)?;
            let current = UpdateStaffRequest {
                role,
                city_codes: users::city_codes(work, id)?,
                active: member.active,
            };
            let body: UpdateStaffRequest = patch.apply(&current)?;
            let demotes_self = Role::from(body.role) != Role::Admin;
            if id == admin.id && (demotes_self || !body.active) {
                return Err(AppError::Conflict(ProblemCode::CannotChangeOwnAccount));
            }
            let changes = users::StaffChanges {
                role: Some(Role::from(body.role)),
                active: Some(body.active),
            };
            let city_codes = normalise_codes(body.city_codes);
            let member = accounts::update_staff(work, &member, &changes, Some(&city_codes))?;
            let codes = users::city_codes(work, id)?;
            Ok(StaffMember::new(member, codes))
        })
        .await?;
    Ok(ok_with_etag(member.version).json(member))
}

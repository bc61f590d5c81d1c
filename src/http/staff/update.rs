use actix_web::{HttpResponse, patch, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::{StaffMember, normalise_codes};
use crate::auth::{Admin, Authorized};
use crate::db::users;
use crate::domain::account::{Role, StaffRole};
use crate::error::{AppError, Problem, ProblemCode};
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;
use crate::workflow::accounts;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"city_codes": ["320500", "320100", "330200"], "active": true}))]
pub struct UpdateStaffRequest {
    /// A new role ends the member's sessions: its tokens stop working, and it signs in again.
    pub role: Option<StaffRole>,
    /// Replaces the member's cities.
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub city_codes: Option<Vec<String>>,
    /// False deactivates the account: it can no longer sign in, and its tokens stop working at
    /// once (within a second where several replicas serve the API), for good: they stay refused
    /// if the account is made active again.
    pub active: Option<bool>,
}

/// Change a staff member's role, cities or active flag.
///
/// Send the `version` you read as `If-Match`. Admins cannot demote or deactivate themselves,
/// so that the portal never loses its last admin by accident.
#[utoipa::path(
    tag = "staff",
    request_body = UpdateStaffRequest,
    params(
        ("id" = Uuid, Path, description = "Staff member id"),
        ("If-Match" = String, Header, description = "The version you read, e.g. `\"3\"`", example = "\"1\""),
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
    ValidatedJson(body): ValidatedJson<UpdateStaffRequest>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let demotes_self = body.role.is_some_and(|r| Role::from(r) != Role::Admin);
    if id == admin.id && (demotes_self || body.active == Some(false)) {
        return Err(AppError::Conflict(ProblemCode::CannotChangeOwnAccount));
    }
    let city_codes = body.city_codes.map(normalise_codes);
    let member = state
        .write(move |work| {
            let member = users::find(work, id)?
                .filter(|u| u.role.is_staff())
                .ok_or(AppError::NotFound)?;
            if_match.check(member.version)?;
            let changes = users::StaffChanges {
                role: body.role.map(Role::from),
                active: body.active,
            };
            let member = accounts::update_staff(work, &member, &changes, city_codes.as_deref())?;
            let codes = users::city_codes(work, id)?;
            Ok(StaffMember::new(member, codes))
        })
        .await?;
    Ok(ok_with_etag(member.version).json(member))
}

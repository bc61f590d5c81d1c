use actix_web::{HttpRequest, HttpResponse, post, web};
use uuid::Uuid;

use super::{DealerGroupResponse, checked_profile, locale_of};
use crate::auth::{AnyUser, Authorized};
use crate::domain::account::Role;
use crate::domain::dealer_group::Profile;
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::http::idempotency::{self, IdempotencyKey, created_headers};
use crate::state::AppState;
use crate::workflow::groups;

/// Register the caller's dealer group.
///
/// For an applicant who has no group yet; the caller becomes its owner. The USCC must have a
/// valid check character; an unusual one (not `91…`, or a failing organisation-code digit) is
/// accepted with `warnings`.
#[utoipa::path(
    tag = "dealer-groups",
    request_body = Profile,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body within 24 h get the first response")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = DealerGroupResponse),
        (status = 409, description = "The USCC is registered already (`uscc_taken`), or the caller has a group (`already_in_group`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dealer-groups")]
pub async fn create_dealer_group(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    ValidatedJson(body): ValidatedJson<Profile>,
) -> Result<HttpResponse, AppError> {
    let fingerprint = key.fingerprint(&req, user.id);
    if user.role != Role::Applicant {
        return Err(AppError::Forbidden);
    }
    let checked = checked_profile(body)?;
    let locale = locale_of(&req, user.locale);
    let id = Uuid::now_v7();
    let answer = state
        .write(move |work| {
            idempotency::run(work, fingerprint.as_ref(), 201, |work| {
                let group = groups::create(work, id, user.id, &checked)?;
                let headers = created_headers(format!("/api/v1/dealer-groups/{id}"), group.version);
                Ok((DealerGroupResponse::new(group, locale), headers))
            })
        })
        .await?;
    Ok(answer.into_response())
}

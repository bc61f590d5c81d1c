use actix_web::{HttpRequest, HttpResponse, patch, web};
use uuid::Uuid;

use super::{ApplicationRequest, ApplicationResponse, Viewer};
use crate::auth::{AnyUser, Authorized, Principal};
use crate::db::{applications, write_transaction};
use crate::domain::workflow::Actor;
use crate::error::{AppError, Problem, ProblemCode};
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::extract::ValidatedJson;
use crate::i18n::Locale;
use crate::state::AppState;

/// Edit an application (its group's owner, in `draft` or `info_requested`).
///
/// Send the whole application and the `version` you read as `If-Match`. The city cannot change.
#[utoipa::path(
    tag = "applications",
    request_body = ApplicationRequest,
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("If-Match" = String, Header, description = "The version you read, e.g. `\"3\"`"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = ApplicationResponse),
        (status = 409, description = "Not editable in its state (`not_editable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/applications/{id}")]
pub async fn update_application(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    ValidatedJson(body): ValidatedJson<ApplicationRequest>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let locale = Locale::from_request(&req);
    let principal = Principal::User(user);
    let now = state.clock.now();
    let response = state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let viewer = Viewer::of(conn, &principal, locale)?;
                let application = viewer.load(conn, id)?;
                if viewer.actor_for(&application) != Some(Actor::ApplicantOwner) {
                    return Err(AppError::Forbidden);
                }
                if_match.check(application.version)?;
                if !application.status.is_editable() {
                    return Err(AppError::Conflict(ProblemCode::NotEditable));
                }
                if body.city_code != application.city_code {
                    return Err(AppError::field("city_code", "immutable"));
                }
                if !applications::update_draft(conn, id, application.version, &body.draft(), now)? {
                    return Err(AppError::VersionMismatch);
                }
                let application = applications::find(conn, id)?.ok_or(AppError::NotFound)?;
                Ok(ApplicationResponse::new(application, &viewer))
            })
        })
        .await?;
    Ok(ok_with_etag(response.version).json(response))
}

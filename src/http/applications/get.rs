use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::ApplicationResponse;
use crate::auth::{AnyPrincipal, Authorized};
use crate::error::AppError;
use crate::http::concurrency::ok_with_etag;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;

/// One application.
///
/// Applicants see their group's, reviewers their cities', admins and integrators with
/// `applications:read` all; any other is 404.
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The application", body = ApplicationResponse))
)]
#[get("/applications/{id}")]
pub async fn get_application(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let locale = Locale::from_request(&req);
    let now = state.clock.now();
    let response = state
        .db
        .run(move |conn| {
            let access = Access::of(&principal, locale)?;
            ApplicationResponse::load(conn, id, &access, now)
        })
        .await?;
    Ok(ok_with_etag(response.version).json(response))
}

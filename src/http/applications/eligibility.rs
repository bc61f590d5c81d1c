use actix_web::{HttpRequest, get, web};
use uuid::Uuid;

use crate::auth::{AnyPrincipal, Authorized};
use crate::db::applications;
use crate::domain::eligibility::EligibilityReport;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;

/// The application's eligibility report: every rule, required or scored, with the figures behind
/// its verdict, and the criteria version used.
///
/// Made when the application is submitted (and again on resubmission); a draft has none (404).
/// It informs the people who decide; it never decides on its own.
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The newest report", body = EligibilityReport))
)]
#[get("/applications/{id}/eligibility")]
pub async fn get_eligibility(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<EligibilityReport>, AppError> {
    let id = id.into_inner();
    let locale = Locale::from_request(&req);
    let report = state
        .db
        .run(move |conn| {
            let access = Access::of(&principal, locale)?;
            access.load(conn, id)?;
            applications::latest_report(conn, id)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(web::Json(report))
}

use actix_web::{HttpRequest, HttpResponse, post, web};
use uuid::Uuid;

use super::{ApplicationRequest, ApplicationResponse, Viewer};
use crate::auth::{AnyUser, Authorized, Principal};
use crate::db::events::{self, NewEvent};
use crate::db::{applications, cities, write_transaction};
use crate::domain::event::EventAction;
use crate::domain::workflow::{Actor, Status};
use crate::error::{AppError, Problem, ProblemCode};
use crate::http::extract::ValidatedJson;
use crate::http::idempotency::{self, IdempotencyKey, created_headers};
use crate::i18n::Locale;
use crate::state::AppState;

/// Start an application (a draft) for one city.
///
/// For an applicant whose group is registered (the group's owner). One live application per group
/// and city: a second is `409 application_exists`. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "applications",
    request_body = ApplicationRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body within 24 h get the first response")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The draft", body = ApplicationResponse),
        (status = 409, description = "A live application for this city exists (`application_exists`), or the caller has no group (`no_dealer_group`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications")]
pub async fn create_application(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    ValidatedJson(body): ValidatedJson<ApplicationRequest>,
) -> Result<HttpResponse, AppError> {
    let fingerprint = key.fingerprint(&req, user.id);
    let locale = Locale::from_request(&req);
    let principal = Principal::User(user.clone());
    let now = state.clock.now();
    let id = Uuid::now_v7();
    let answer = state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                idempotency::run(conn, fingerprint.as_ref(), now, 201, |conn| {
                    let viewer = Viewer::of(conn, &principal, locale)?;
                    if !viewer.applicant {
                        return Err(AppError::Forbidden);
                    }
                    let group_id = viewer
                        .owns_group
                        .ok_or(AppError::Conflict(ProblemCode::NoDealerGroup))?;
                    if !cities::unknown_codes(conn, std::slice::from_ref(&body.city_code))?
                        .is_empty()
                    {
                        return Err(AppError::field("city_code", "unknown_city"));
                    }
                    applications::insert(conn, id, group_id, &body.draft(), user.id, now)?;
                    events::append(
                        conn,
                        &NewEvent {
                            application_id: id,
                            at: now,
                            actor_id: Some(user.id),
                            actor_role: Actor::ApplicantOwner,
                            action: EventAction::Create,
                            from_status: None,
                            to_status: Status::Draft,
                            reason_code: None,
                            reason: None,
                        },
                    )?;
                    let application = applications::find(conn, id)?.ok_or(AppError::NotFound)?;
                    let response = ApplicationResponse::new(application, &viewer);
                    let headers =
                        created_headers(format!("/api/v1/applications/{id}"), response.version);
                    Ok((response, headers))
                })
            })
        })
        .await?;
    Ok(answer.into_response())
}

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::{ApplicationResponse, Viewer};
use crate::auth::{AnyUser, Authorized, Principal};
use crate::db::{applications, write_transaction};
use crate::domain::loi::LoiTerms;
use crate::domain::review::RejectReason;
use crate::domain::workflow::Action;
use crate::error::{AppError, Problem};
use crate::http::concurrency::IfMatch;
use crate::http::extract::ValidatedJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::i18n::Locale;
use crate::jobs::JobKind;
use crate::state::AppState;
use crate::transitions::{self, MoveRequest, Mover};

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct TransitionRequest {
    pub action: Action,
    /// Why: required by `reopen`, optional with `reject` and `withdraw`.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
    /// Required by `reject`; the applicant's e-mail explains it.
    pub reason_code: Option<RejectReason>,
    /// Required by `request_info`: what the applicant should provide. It is e-mailed to the
    /// applicant and kept in the timeline.
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub message: Option<String>,
    /// Required by `offer_loi`: the letter's terms.
    #[validate(nested)]
    pub loi: Option<LoiTerms>,
}

/// Move the application through the workflow.
///
/// The action must be allowed in the current state (else `409 invalid_transition`, with the
/// caller's `allowed_actions`) and to the caller (else 403); send the `version` you read as
/// `If-Match`. Of two callers racing with the same version, one wins and the other gets 412.
/// The status change, its audit event, its e-mails and its webhook events are written in one
/// transaction. The workflow:
#[utoipa::path(
    tag = "applications",
    request_body = TransitionRequest,
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("If-Match" = String, Header, description = "The version you read, e.g. `\"3\"`"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The application after the move", body = ApplicationResponse),
        (status = 409, description = "Not allowed now (`invalid_transition`, with `allowed_actions`), or a rule of the action is not met (`email_not_verified`, `city_not_accepting`, `scorecard_required`, `application_exists`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications/{id}/transitions")]
pub async fn transition(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    key: IdempotencyKey,
    ValidatedJson(body): ValidatedJson<TransitionRequest>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let fingerprint = key.fingerprint(&req, user.id);
    let locale = Locale::from_request(&req);
    let principal = Principal::User(user.clone());
    let now = state.clock.now();
    let task_state = state.clone();
    let answer = state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                idempotency::run(conn, fingerprint.as_ref(), now, 200, |conn| {
                    let viewer = Viewer::of(conn, &principal, locale)?;
                    let application = viewer.load(conn, id)?;
                    let actor = viewer.actor_for(&application).ok_or(AppError::Forbidden)?;
                    if_match.check(application.version)?;
                    let mover = Mover {
                        actor,
                        user_id: Some(user.id),
                    };
                    let request = MoveRequest {
                        reason_code: body.reason_code,
                        reason: body.reason.as_deref(),
                        message: body.message.as_deref(),
                        loi: body.loi.as_ref(),
                        signature: None,
                    };
                    transitions::perform(
                        conn,
                        &task_state.mail,
                        &application,
                        body.action,
                        mover,
                        &request,
                        now,
                    )?;
                    let application = applications::find(conn, id)?.ok_or(AppError::NotFound)?;
                    let response = ApplicationResponse::new(application, &viewer);
                    let headers = vec![("ETag".to_owned(), format!("\"{}\"", response.version))];
                    Ok((response, headers))
                })
            })
        })
        .await?;
    state.jobs.wake(JobKind::Mail);
    state.jobs.wake(JobKind::Webhooks);
    Ok(answer.into_response())
}

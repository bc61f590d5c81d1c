use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::ApplicationResponse;
use crate::auth::{AnyUser, Authorized, Principal};
use crate::db::applications;
use crate::domain::exit::ReasonCode;
use crate::domain::loi::LoiTerms;
use crate::domain::workflow::Action;
use crate::error::{AppError, Problem};
use crate::http::concurrency::IfMatch;
use crate::http::extract::ValidatedJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;
use crate::workflow::{self, MoveRequest, Mover};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "action": "request_info",
    "message": "Please upload the signed lease, or the landlord's letter of intent, for 1288 Wuzhong Avenue."
}))]
pub struct TransitionRequest {
    pub action: Action,
    /// Why: required by `reopen`, `rescind_loi` and `terminate`, optional with `reject` and
    /// `withdraw`. The applicant reads it with a rejection, a rescinded letter and a
    /// termination (their e-mail and timeline carry it), not with a reopening.
    #[validate(
        length(max = 2000),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(max_length = 2000)]
    #[serde(default, deserialize_with = "crate::domain::text::trimmed_opt")]
    pub reason: Option<String>,
    /// Required by `reject` (a `RejectReason`) and by `terminate` (a `TerminationReason`); the
    /// applicant's e-mail explains it. A code of the other action's list is 422
    /// `not_for_action`.
    pub reason_code: Option<ReasonCode>,
    /// Required by `request_info`: what the applicant should provide. It is e-mailed to the
    /// applicant and kept in the timeline.
    #[validate(
        length(max = 4000),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(max_length = 4000)]
    #[serde(default, deserialize_with = "crate::domain::text::trimmed_opt")]
    pub message: Option<String>,
    /// Required by `offer_loi`: the letter's terms.
    #[validate(nested)]
    pub loi: Option<LoiTerms>,
}

/// Move the application through the workflow.
///
/// The action must be allowed in the current state (else `409 invalid_transition`, with the
/// caller's `allowed_actions` and `blocked_actions`, as the application shows them) and to the
/// caller (else 403), and its rules must hold (else 409 with the rule's code, the same code the
/// application's `blocked_actions` names); send the `version` you read as `If-Match`. Of two callers racing with the same version, one wins and the other gets 412.
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
        (status = 409, description = "Not allowed now (`invalid_transition`, with `allowed_actions` and `blocked_actions`), or a rule of the action is not met (`email_not_verified`, `city_not_accepting`, `scorecard_required`, `quota_full`, `onboarding_incomplete`, `application_exists`)", body = Problem, content_type = "application/problem+json"),
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
    let access = Access::of(&Principal::User(user), Locale::from_request(&req))?;
    let maker = state.config.maker.clone();
    let answer = state
        .write(move |work| {
            idempotency::run(work, fingerprint.as_ref(), 200, |work| {
                let application = access.load(work, id)?;
                let mover = Mover {
                    actor: access.actor(&application)?,
                    user_id: access.user_id,
                };
                if_match.check(application.version)?;
                let request = MoveRequest {
                    reason_code: body.reason_code,
                    reason: body.reason.as_deref(),
                    message: body.message.as_deref(),
                    loi: body.loi.as_ref(),
                    signature: None,
                    maker: Some(&maker),
                };
                workflow::perform(work, &application, body.action, mover, &request)?;
                let application = applications::find(work, id)?.ok_or(AppError::NotFound)?;
                let now = work.now();
                let response = ApplicationResponse::read(work, application, &access, now)?;
                let headers = vec![("ETag".to_owned(), format!("\"{}\"", response.version))];
                Ok((response, headers))
            })
        })
        .await?;
    Ok(answer.into_response())
}

use actix_web::{HttpRequest, HttpResponse, post, web};
use uuid::Uuid;

use super::ApplicationResponse;
use crate::auth::{AnyUser, Authorized, Principal};
use crate::domain::application::ProposalDraft;
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::http::idempotency::{self, IdempotencyKey, created_headers};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;
use crate::workflow::drafts;

/// Start an application (a draft) for one city.
///
/// Only `city_code` is needed: a draft may be saved as it is filled in, and what is sent is
/// checked; `submit` checks that nothing is missing (`missing_fields` lists what is). For an
/// applicant whose group is registered (any member of the group: owner, editor or signatory). One live application per group
/// and city: a second is `409 application_exists`. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "applications",
    request_body = ProposalDraft,
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
    ValidatedJson(body): ValidatedJson<ProposalDraft>,
) -> Result<HttpResponse, AppError> {
    let fingerprint = key.fingerprint(&req, user.id);
    let access = Access::of(&Principal::User(user), Locale::from_request(&req))?;
    let id = Uuid::now_v7();
    let answer = state
        .write(move |work| {
            idempotency::run(work, fingerprint.as_ref(), 201, |work| {
                let application = drafts::create(work, &access, id, &body)?;
                let now = work.now();
                let response = ApplicationResponse::read(work, application, &access, now)?;
                let headers =
                    created_headers(format!("/api/v1/applications/{id}"), response.version);
                Ok((response, headers))
            })
        })
        .await?;
    Ok(answer.into_response())
}

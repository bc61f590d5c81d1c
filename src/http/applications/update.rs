use actix_web::{HttpRequest, HttpResponse, patch, web};
use uuid::Uuid;

use super::ApplicationResponse;
use crate::auth::{AnyUser, Authorized, Principal};
use crate::domain::application::ProposalDraft;
use crate::domain::workflow::MEMBERS;
use crate::error::{AppError, Problem};
use crate::http::concurrency::{IfMatch, ok_with_etag};
use crate::http::merge_patch::MergePatch;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;
use crate::workflow::drafts;

/// Edit an application (its group's members, in `draft` or `info_requested`).
///
/// A JSON Merge Patch (RFC 7396): send only the fields that change; `null` clears one, arrays
/// (`proposed_sites`) are replaced whole. The result is checked like a full body. Send the
/// `version` you read as `If-Match` (or `*` to overwrite whatever is there). The city cannot
/// change.
#[utoipa::path(
    tag = "applications",
    request_body(
        description = "The fields to change, as a merge patch of the application",
        content(
            (ProposalDraft = "application/merge-patch+json"),
            (ProposalDraft = "application/json"),
        ),
    ),
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("If-Match" = String, Header, description = "The version you read, e.g. `\"3\"`, or `*`"),
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
    patch: MergePatch,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let access = Access::of(&Principal::User(user), Locale::from_request(&req))?;
    let response = state
        .write(move |work| {
            let application = access.load(work, id)?;
            access.require(&application, MEMBERS)?;
            if_match.check(application.version)?;
            let draft: ProposalDraft = patch.apply(&application.draft())?;
            let application = drafts::edit(work, &access, &application, &draft)?;
            let now = work.now();
            ApplicationResponse::read(work, application, &access, now)
        })
        .await?;
    Ok(ok_with_etag(response.version).json(response))
}

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::one_time_tokens::{self, Purpose};
use crate::db::users;
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct VerifyEmailRequest {
    /// The `token` query parameter of the verification link.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub token: String,
}

/// Confirm an e-mail address.
///
/// Takes the token from the link in the verification e-mail. A token works once.
#[utoipa::path(
    tag = "auth",
    request_body = VerifyEmailRequest,
    responses(
        (status = 204, description = "The address is verified"),
        (status = 400, description = "The token is unknown, used or expired (`invalid_token`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/verify-email")]
pub async fn verify_email(
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<VerifyEmailRequest>,
) -> Result<HttpResponse, AppError> {
    state
        .write(move |work| {
            let now = work.now();
            let user_id = one_time_tokens::consume(work, &body.token, Purpose::VerifyEmail, now)?;
            users::mark_email_verified(work, user_id, now)?;
            // Actions that need a verified address work from the next request on.
            work.forget(user_id);
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;
use crate::workflow::accounts;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"token": "Af8JaW_B1kL9i-N0YSirrnCoSPZd_NqGljPdv244K0c"}))]
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
        .write(move |work| accounts::verify_email(work, &body.token))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

use actix_web::{HttpResponse, post, web};

use crate::auth::rate_limit::{AccountAction, AddressThrottle};
use crate::auth::{AnyUser, Authorized};
use crate::error::{AppError, Problem};
use crate::state::AppState;
use crate::workflow::accounts;

/// Send the verification e-mail again.
///
/// For a signed-in user whose e-mail address is not verified yet: a new link for
/// `POST /api/v1/auth/verify-email` is mailed to the address, in both languages (the account's
/// first). The links mailed before stop working, so only the newest one verifies. A verified
/// address gets 409 `already_verified` and no mail. Rate-limited per client address and per
/// account, like the other calls that send mail.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 202, description = "A new verification e-mail is on its way"),
        (status = 409, description = "The address is verified already (`already_verified`); no mail is sent", body = Problem, content_type = "application/problem+json",
            example = json!({
                "type": "urn:dealer-portal:problem:already_verified",
                "title": "E-mail address already verified",
                "status": 409,
                "detail": "Your e-mail address is verified already; there is nothing to confirm.",
                "code": "already_verified",
                "request_id": "0190f3c2-5b7e-7c4a-9f1e-2d3c4b5a6978",
                "errors": []
            })),
        (status = 429, description = "Too many requests from this address or for this account (`rate_limited`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/verify-email/resend")]
pub async fn resend_verification(
    throttle: AddressThrottle,
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    throttle.check_account(AccountAction::VerifyEmailResend, &user.email)?;
    state
        .write(move |work| accounts::resend_verification(work, user.id))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

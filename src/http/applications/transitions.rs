use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::{ApplicationResponse, Viewer};
use crate::auth::{AnyUser, Authorized, Principal};
use crate::db::applications::{self, Application};
use crate::db::{DbConnection, cities, criteria, dealer_groups, users, write_transaction};
use crate::domain::city::accepts_submissions;
use crate::domain::dealer_group::stores_in_province;
use crate::domain::eligibility::{Candidate, evaluate};
use crate::domain::workflow::{self, Action, Refusal};
use crate::error::{AppError, Problem};
use crate::http::concurrency::IfMatch;
use crate::http::extract::ValidatedJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::i18n::Locale;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct TransitionRequest {
    pub action: Action,
    /// Why, where the action takes a reason.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// Move the application through the workflow.
///
/// The action must be allowed in the current state (else `409 invalid_transition`, with the
/// caller's `allowed_actions`) and to the caller (else 403); send the `version` you read as
/// `If-Match`. `submit` needs a verified e-mail address and a city taking submissions, and
/// evaluates and stores the eligibility report.
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
        (status = 409, description = "Not allowed now (`invalid_transition`, with `allowed_actions`), e-mail not verified (`email_not_verified`), or the city takes no submissions (`city_not_accepting`)", body = Problem, content_type = "application/problem+json"),
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
    let answer = state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                idempotency::run(conn, fingerprint.as_ref(), now, 200, |conn| {
                    let viewer = Viewer::of(conn, &principal, locale)?;
                    let application = viewer.load(conn, id)?;
                    let actor = viewer.actor_for(&application).ok_or(AppError::Forbidden)?;
                    if_match.check(application.version)?;
                    let to = workflow::next(application.status, body.action, actor).map_err(
                        |refusal| match refusal {
                            Refusal::NotNow => AppError::InvalidTransition {
                                allowed: workflow::allowed_actions(application.status, actor)
                                    .into_iter()
                                    .map(|a| a.as_str().to_owned())
                                    .collect(),
                            },
                            Refusal::NotYours => AppError::Forbidden,
                        },
                    )?;
                    if body.action == Action::Submit {
                        submit(conn, &application, user.id, now)?;
                    }
                    if !applications::set_status(conn, id, application.version, to, now)? {
                        return Err(AppError::VersionMismatch);
                    }
                    let application = applications::find(conn, id)?.ok_or(AppError::NotFound)?;
                    let response = ApplicationResponse::new(application, &viewer);
                    let headers = vec![("ETag".to_owned(), format!("\"{}\"", response.version))];
                    Ok((response, headers))
                })
            })
        })
        .await?;
    Ok(answer.into_response())
}

/// The rules of `submit`: a verified address, a city taking submissions; then the eligibility
/// report is made with the current criteria and stored with its version.
fn submit(
    conn: &mut DbConnection,
    application: &Application,
    user_id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let verified = users::find(conn, user_id)?.is_some_and(|u| u.email_verified_at.is_some());
    if !verified {
        return Err(AppError::Conflict {
            code: "email_not_verified",
        });
    }
    let (city, _) = cities::find(conn, &application.city_code)?.ok_or(AppError::NotFound)?;
    let status = city
        .status
        .parse()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("city {}: bad status", city.code)))?;
    let opens = city.window_opens_at.map(|t| t.and_utc());
    let closes = city.window_closes_at.map(|t| t.and_utc());
    if !accepts_submissions(status, opens, closes, now) {
        return Err(AppError::Conflict {
            code: "city_not_accepting",
        });
    }
    let group =
        dealer_groups::find(conn, application.dealer_group_id)?.ok_or(AppError::NotFound)?;
    let current = criteria::current(conn)?;
    let profile = &group.profile;
    let candidate = Candidate {
        rank_verified: group.rank_verified,
        stores_in_city_province: stores_in_province(&profile.provinces, &city.province),
        annual_revenue_cny: profile.annual_revenue_cny,
        registered_capital_cny: profile.registered_capital_cny,
        brands: &profile.brands,
        after_sales: &profile.after_sales,
        sites: &application.proposed_sites,
        customers: &application.customer_base,
    };
    let report = evaluate(&current.rules, current.version, &candidate, now);
    applications::store_report(conn, application.id, &report)?;
    Ok(())
}

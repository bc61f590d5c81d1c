//! The caller, as proven by its bearer token and confirmed against the database: the account
//! must still exist and be active (the client not deleted), and its role, scopes, cities and group
//! are the database's, not the token's; a user's token must have been issued after the account's
//! sessions were last ended (`domain::sessions`). A confirmation is reused for up to a second
//! (`principal_cache`).

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use uuid::Uuid;

use super::Authenticator;
use super::jwt::SubjectKind;
use crate::db::{DbConnection, api_clients, users};
use crate::domain::account::Role;
use crate::domain::member::MemberRole;
use crate::domain::scope::Scope;
use crate::domain::sessions;
use crate::error::AppError;
use crate::i18n::Locale;

#[derive(Clone, Debug)]
pub struct UserPrincipal {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub email_verified: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub dealer_group_id: Option<Uuid>,
    /// The caller's role in `dealer_group_id` (set exactly when it is).
    pub group_role: Option<MemberRole>,
    /// The cities a reviewer reviews (empty for everyone else).
    pub cities: Vec<String>,
    /// Access tokens issued before this are refused (`domain::sessions`): a password reset, a
    /// new role, deactivation or `create-admin` ended the sessions started before. Read with the
    /// rest, so another process's ending is seen within the cache's second.
    pub sessions_valid_after: Option<chrono::DateTime<chrono::Utc>>,
}

impl UserPrincipal {
    /// The caller's group and its role there, if it is a member of one.
    pub fn membership(&self) -> Option<(Uuid, MemberRole)> {
        self.dealer_group_id.zip(self.group_role)
    }

    /// Whether the caller is an owner of group `id`.
    pub fn owns(&self, id: Uuid) -> bool {
        self.membership() == Some((id, MemberRole::Owner))
    }
}

#[derive(Clone, Debug)]
pub struct ClientPrincipal {
    pub id: Uuid,
    pub client_id: String,
    pub scopes: Vec<Scope>,
}

#[derive(Clone, Debug)]
pub enum Principal {
    User(UserPrincipal),
    Client(ClientPrincipal),
}

impl Principal {
    pub fn as_user(&self) -> Option<&UserPrincipal> {
        match self {
            Self::User(user) => Some(user),
            Self::Client(_) => None,
        }
    }
}

fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The principal behind a token's subject, if the account is active or the client not deleted.
fn confirm(
    conn: &mut DbConnection,
    kind: SubjectKind,
    id: Uuid,
) -> Result<Option<Principal>, AppError> {
    Ok(match kind {
        SubjectKind::User => match users::find(conn, id)?.filter(|u| u.active) {
            None => None,
            Some(u) => {
                // Everything an access decision needs, so that a request makes no more lookups.
                let cities = match u.role {
                    Role::Reviewer => users::city_codes(conn, u.id)?,
                    _ => Vec::new(),
                };
                Some(Principal::User(UserPrincipal {
                    id: u.id,
                    email: u.email,
                    display_name: u.display_name,
                    role: u.role,
                    locale: u.locale,
                    email_verified: u.email_verified_at.is_some(),
                    created_at: u.created_at,
                    dealer_group_id: u.dealer_group_id,
                    group_role: u.group_role,
                    cities,
                    sessions_valid_after: u.sessions_valid_after,
                }))
            }
        },
        SubjectKind::Client => api_clients::find_active(conn, id)?.map(|c| {
            Principal::Client(ClientPrincipal {
                id: c.id,
                client_id: c.client_id,
                scopes: c.scopes,
            })
        }),
    })
}

async fn authenticate(req: HttpRequest) -> Result<Principal, AppError> {
    if let Some(principal) = req.extensions().get::<Principal>() {
        return Ok(principal.clone());
    }
    if let Some(Refused(error)) = req.extensions().get::<Refused>() {
        return Err(error.copy());
    }
    let auth = Authenticator::of(&req)?.clone();
    let claims = bearer_token(&req)
        .and_then(|token| auth.jwt.verify(token))
        .ok_or(AppError::Unauthorized)?;
    let subject = (claims.kind, claims.sub);
    let principal = match auth.principals.get(subject) {
        Ok(principal) => principal,
        Err(generation) => {
            let principal = auth
                .db
                .run(move |conn| confirm(conn, claims.kind, claims.sub))
                .await?
                .ok_or(AppError::Unauthorized)?;
            auth.principals
                .insert(subject, principal.clone(), generation);
            principal
        }
    };
    if let Principal::User(user) = &principal
        && !sessions::is_current(claims.iat, user.sessions_valid_after)
    {
        return Err(AppError::Unauthorized);
    }
    if let Principal::Client(client) = &principal {
        let status = auth.rate_limits.check_client(client.id)?;
        req.extensions_mut().insert(status);
    }
    req.extensions_mut().insert(principal.clone());
    Ok(principal)
}

/// Why `authenticate_first` refused a request's bearer token, for the extractors to answer with.
struct Refused(AppError);

/// Middleware: a request that carries a bearer token is authenticated before its handler's
/// extractors run, so that they find the outcome ready. Extractors are polled together, and a
/// body that is read at once would otherwise be judged (a 422) before a caller whose
/// confirmation waits on the database is refused (401, 403): who may call is always decided
/// first. A request without a token goes on untouched (the operation may not need one).
pub async fn authenticate_first(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.headers().contains_key(header::AUTHORIZATION)
        && let Err(error) = authenticate(req.request().clone()).await
    {
        req.extensions_mut().insert(Refused(error));
    }
    next.call(req).await
}

impl FromRequest for Principal {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

//! Rate limits of the endpoints that guess-work attacks aim at (login, register, password reset,
//! the token endpoint) or that send mail (those and the verification e-mail's resending): per
//! client address and per account; of integrator clients' API use; of the eligibility
//! preview, which costs an evaluation per call, per caller; of posting messages, each of which
//! mails the other side, per caller; of invitations into a dealer group, which mail, per group;
//! and of attempts to accept one, per caller.
//! Guessing a password or a client secret is limited per account *and* address, so that someone
//! guessing from elsewhere does not lock the owner out at their own address. Limits live in each
//! process's memory; behind a load balancer each replica counts on its own, which bounds an
//! attacker at N times the limit.

use std::future::{Future, Ready, ready};
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::pin::Pin;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::Authenticator;
use super::client_address::client_address;
use super::principal::{Principal, UserPrincipal};
use crate::config::RateLimitSettings;
use crate::domain::account::Role;
use crate::error::{AppError, ProblemCode};

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// What is being attempted on an account.
#[derive(Clone, Copy, Debug)]
pub enum AccountAction {
    Register,
    Login,
    PasswordReset,
    /// Another verification e-mail for a signed-in account.
    VerifyEmailResend,
    ClientToken,
}

impl AccountAction {
    /// Whether attempts are counted per account and address: guesses of a secret are, so that
    /// they cannot lock the owner out; sign-ups, reset and verification e-mails are counted per
    /// account alone, since each mails the address however many places ask.
    fn per_address(self) -> bool {
        matches!(self, Self::Login | Self::ClientToken)
    }
}

/// What the `RateLimit-*` response headers report.
#[derive(Clone, Copy, Debug)]
pub struct RateLimitStatus {
    pub limit: u32,
    pub remaining: u32,
    pub reset: Duration,
}

pub struct AuthRateLimits {
    by_address: Keyed<IpAddr>,
    by_account: Keyed<String>,
    by_client: Keyed<uuid::Uuid>,
    previews: Keyed<uuid::Uuid>,
    messages: Keyed<uuid::Uuid>,
    invitations: Keyed<uuid::Uuid>,
    acceptances: Keyed<uuid::Uuid>,
    clock: DefaultClock,
}

/// Invitations into one dealer group an hour: each mails an address the group names, so a
/// group cannot be used to send mail at will. Inviting a team of a dozen fits.
pub const INVITATIONS_PER_GROUP_PER_HOUR: u32 = 20;

/// Attempts to accept an invitation an hour per caller: a token is 256 random bits, so this
/// stops nobody who has the link and everybody who guesses.
pub const ACCEPTANCES_PER_HOUR: u32 = 10;

fn per_hour(n: u32) -> Quota {
    Quota::per_hour(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

/// Eligibility previews a minute per caller. Each one evaluates the rules afresh; a form that
/// previews as its owner edits, debounced, stays well below it.
pub const PREVIEWS_PER_MINUTE: u32 = 30;

/// Messages one person may post in ten minutes (one more every 30 seconds after a burst). Each
/// mails the other side; a conversation, even a brisk one, stays well below it.
pub const MESSAGES_PER_TEN_MINUTES: u32 = 20;

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

fn per_ten_minutes(n: u32) -> Quota {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(Duration::from_secs(600) / n.get())
        .map_or_else(|| per_minute(n.get()), |quota| quota.allow_burst(n))
}

fn check<K: Hash + Eq + Clone>(
    limiter: &Keyed<K>,
    key: &K,
    clock: &DefaultClock,
) -> Result<RateLimitStatus, AppError> {
    match limiter.check_key(key) {
        Ok(snapshot) => {
            let quota = snapshot.quota();
            let remaining = snapshot.remaining_burst_capacity();
            let used = quota.burst_size().get().saturating_sub(remaining);
            Ok(RateLimitStatus {
                limit: quota.burst_size().get(),
                remaining,
                reset: quota.replenish_interval().saturating_mul(used),
            })
        }
        Err(not_until) => Err(AppError::RateLimited {
            retry_after: not_until.wait_time_from(clock.now()),
            limit: not_until.quota().burst_size().get(),
        }),
    }
}

impl AuthRateLimits {
    pub fn new(settings: &RateLimitSettings) -> Self {
        Self {
            by_address: RateLimiter::keyed(per_minute(settings.per_address_per_minute))
                .with_middleware::<StateInformationMiddleware>(),
            by_account: RateLimiter::keyed(per_minute(settings.per_account_per_minute))
                .with_middleware::<StateInformationMiddleware>(),
            by_client: RateLimiter::keyed(per_minute(settings.per_client_per_minute))
                .with_middleware::<StateInformationMiddleware>(),
            previews: RateLimiter::keyed(per_minute(PREVIEWS_PER_MINUTE))
                .with_middleware::<StateInformationMiddleware>(),
            messages: RateLimiter::keyed(per_ten_minutes(MESSAGES_PER_TEN_MINUTES))
                .with_middleware::<StateInformationMiddleware>(),
            invitations: RateLimiter::keyed(per_hour(INVITATIONS_PER_GROUP_PER_HOUR))
                .with_middleware::<StateInformationMiddleware>(),
            acceptances: RateLimiter::keyed(per_hour(ACCEPTANCES_PER_HOUR))
                .with_middleware::<StateInformationMiddleware>(),
            clock: DefaultClock::default(),
        }
    }

    pub fn check_address(&self, address: IpAddr) -> Result<RateLimitStatus, AppError> {
        check(&self.by_address, &address, &self.clock)
    }

    /// Counts an attempt of `action` on one account (a normalised e-mail address or a client id)
    /// from `address` (which counts only for the actions that guess a secret). Each action counts
    /// apart, so that signing up does not use up sign-in attempts.
    pub fn check_account(
        &self,
        action: AccountAction,
        account: &str,
        address: IpAddr,
    ) -> Result<RateLimitStatus, AppError> {
        let key = if action.per_address() {
            format!("{action:?}:{account}:{address}")
        } else {
            format!("{action:?}:{account}")
        };
        check(&self.by_account, &key, &self.clock)
    }

    /// Counts one API request made with an integrator client's token.
    pub fn check_client(&self, client: uuid::Uuid) -> Result<RateLimitStatus, AppError> {
        check(&self.by_client, &client, &self.clock)
    }

    /// Counts one eligibility preview by a caller (a person's or a client's id).
    pub fn check_preview(&self, caller: uuid::Uuid) -> Result<RateLimitStatus, AppError> {
        check(&self.previews, &caller, &self.clock)
    }

    /// Counts one message posted by a person.
    pub fn check_message(&self, author: uuid::Uuid) -> Result<RateLimitStatus, AppError> {
        check(&self.messages, &author, &self.clock)
    }

    /// Counts one invitation into dealer group `group`.
    pub fn check_invitation(&self, group: uuid::Uuid) -> Result<RateLimitStatus, AppError> {
        check(&self.invitations, &group, &self.clock)
    }

    /// Counts one attempt by `caller` to accept an invitation.
    pub fn check_acceptance(&self, caller: uuid::Uuid) -> Result<RateLimitStatus, AppError> {
        check(&self.acceptances, &caller, &self.clock)
    }

    /// Drops the state of keys that are back to full capacity; run now and then.
    pub fn forget_idle(&self) {
        self.by_address.retain_recent();
        self.by_account.retain_recent();
        self.by_client.retain_recent();
        self.previews.retain_recent();
        self.messages.retain_recent();
        self.invitations.retain_recent();
        self.acceptances.retain_recent();
        self.by_address.shrink_to_fit();
        self.by_account.shrink_to_fit();
        self.by_client.shrink_to_fit();
        self.previews.shrink_to_fit();
        self.messages.shrink_to_fit();
        self.invitations.shrink_to_fit();
        self.acceptances.shrink_to_fit();
    }
}

/// An extractor that counts the request against its client address's limit (429 when over),
/// and then counts attempts on an account from that address (`check_account`).
pub struct AddressThrottle {
    auth: actix_web::web::Data<Authenticator>,
    address: IpAddr,
}

impl AddressThrottle {
    /// Counts an attempt of `action` on `account` from this request's address (429 when over,
    /// with the `RateLimit-*` headers of the account's limit).
    pub fn check_account(&self, action: AccountAction, account: &str) -> Result<(), AppError> {
        self.auth
            .rate_limits
            .check_account(action, account, self.address)
            .map(|_| ())
    }
}

impl FromRequest for AddressThrottle {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let auth = match Authenticator::of(req) {
            Ok(auth) => auth,
            Err(error) => return ready(Err(error)),
        };
        let address = client_address(req, auth.trust_proxy_headers)
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        ready(auth.rate_limits.check_address(address).map(|status| {
            req.extensions_mut().insert(status);
            AddressThrottle {
                auth: auth.clone(),
                address,
            }
        }))
    }
}

/// A signed-in person whom `admit` lets in (refused before it is counted), counted against the
/// limit `count` keeps per person (429 when over); integrator clients are refused with 403. The response's `RateLimit-*` headers describe that
/// limit.
fn counted_person(
    req: &HttpRequest,
    payload: &mut Payload,
    admit: fn(&UserPrincipal) -> Result<(), AppError>,
    count: fn(&AuthRateLimits, uuid::Uuid) -> Result<RateLimitStatus, AppError>,
) -> impl Future<Output = Result<UserPrincipal, AppError>> + 'static {
    let principal = Principal::from_request(req, payload);
    let req = req.clone();
    async move {
        let Principal::User(user) = principal.await? else {
            return Err(AppError::Forbidden);
        };
        admit(&user)?;
        let status = count(&Authenticator::of(&req)?.rate_limits, user.id)?;
        req.extensions_mut().insert(status);
        Ok(user)
    }
}

/// An extractor for the eligibility preview: a signed-in person (integrator clients are refused
/// with 403: the preview is the applicant's), counted against its preview limit,
/// [`PREVIEWS_PER_MINUTE`] (429 when over). The response's `RateLimit-*` headers describe this
/// limit.
pub struct PreviewCaller(pub Principal);

impl FromRequest for PreviewCaller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = counted_person(req, payload, |_| Ok(()), AuthRateLimits::check_preview);
        Box::pin(async move { Ok(PreviewCaller(Principal::User(user.await?))) })
    }
}

/// Applicants write to the maker only from a verified address (403 `email_not_verified`); staff
/// always may.
fn verified_applicant(user: &UserPrincipal) -> Result<(), AppError> {
    if user.role == Role::Applicant && !user.email_verified {
        return Err(AppError::Refused(ProblemCode::EmailNotVerified));
    }
    Ok(())
}

/// An extractor for posting a message: a signed-in person (integrator clients are refused with
/// 403: they read the thread, they do not write in it; unverified applicants with 403
/// `email_not_verified`, uncounted), counted against its message limit,
/// [`MESSAGES_PER_TEN_MINUTES`] (429 when over). The response's `RateLimit-*` headers describe
/// this limit.
pub struct MessageAuthor(pub UserPrincipal);

impl FromRequest for MessageAuthor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = counted_person(
            req,
            payload,
            verified_applicant,
            AuthRateLimits::check_message,
        );
        Box::pin(async move { Ok(MessageAuthor(user.await?)) })
    }
}

/// An extractor for accepting an invitation: a signed-in person (integrator clients are refused
/// with 403: they join no group), counted against its acceptance limit (429 when over) before
/// anything else is looked at, since every attempt, a guessed token included, counts. The
/// response's `RateLimit-*` headers describe this limit.
pub struct InvitationAcceptor(pub UserPrincipal);

impl FromRequest for InvitationAcceptor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = counted_person(req, payload, |_| Ok(()), AuthRateLimits::check_acceptance);
        Box::pin(async move { Ok(InvitationAcceptor(user.await?)) })
    }
}

/// Middleware: adds `RateLimit-Limit`, `-Remaining` and `-Reset` to responses of requests that
/// were counted against a limit, unless the response (a 429) already describes the limit that
/// refused it.
pub async fn add_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let status = res.request().extensions().get::<RateLimitStatus>().copied();
    let described = res.headers().contains_key("ratelimit-limit");
    if let (Some(status), false) = (status, described) {
        let headers = res.headers_mut();
        let mut set = |name: &'static str, value: u64| {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
        };
        set("ratelimit-limit", status.limit.into());
        set("ratelimit-remaining", status.remaining.into());
        set("ratelimit-reset", status.reset.as_secs_f64().ceil() as u64);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_over_its_limit_is_told_when_to_retry() {
        let limits = AuthRateLimits::new(&RateLimitSettings {
            per_address_per_minute: 2,
            per_account_per_minute: 1,
            per_client_per_minute: 1,
        });
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let first = limits.check_address(ip).expect("first is allowed");
        assert_eq!((first.limit, first.remaining), (2, 1));
        assert!(limits.check_address(ip).is_ok());
        match limits.check_address(ip) {
            Err(AppError::RateLimited { retry_after, limit }) => {
                assert!(retry_after > Duration::ZERO);
                assert_eq!(limit, 2);
            }
            other => panic!("expected 429, got {other:?}"),
        }
        // Other addresses and accounts are counted apart.
        assert!(
            limits
                .check_address(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)))
                .is_ok()
        );
        let elsewhere = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let allowed = |action, account, from| limits.check_account(action, account, from).is_ok();
        assert!(allowed(AccountAction::Login, "a@example.com", ip));
        assert!(!allowed(AccountAction::Login, "a@example.com", ip));
        assert!(allowed(AccountAction::Register, "a@example.com", ip));
        assert!(allowed(AccountAction::Login, "b@example.com", ip));
        // Guesses at an account from elsewhere do not lock it at its owner's address; sign-ups
        // count per account wherever they come from.
        assert!(allowed(AccountAction::Login, "a@example.com", elsewhere));
        assert!(!allowed(
            AccountAction::Register,
            "a@example.com",
            elsewhere
        ));
        assert!(allowed(
            AccountAction::VerifyEmailResend,
            "a@example.com",
            ip
        ));
        assert!(!allowed(
            AccountAction::VerifyEmailResend,
            "a@example.com",
            elsewhere
        ));
    }

    #[test]
    fn messages_are_counted_per_author_over_ten_minutes() {
        let limits = AuthRateLimits::new(&RateLimitSettings::default());
        let (one, other) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        for _ in 0..MESSAGES_PER_TEN_MINUTES {
            let status = limits.check_message(one).expect("within the limit");
            assert_eq!(status.limit, MESSAGES_PER_TEN_MINUTES);
        }
        match limits.check_message(one) {
            Err(AppError::RateLimited { retry_after, limit }) => {
                assert_eq!(limit, MESSAGES_PER_TEN_MINUTES);
                // One more comes back every 30 seconds.
                assert!(retry_after <= Duration::from_secs(30), "{retry_after:?}");
                assert!(retry_after > Duration::from_secs(25), "{retry_after:?}");
            }
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(limits.check_message(other).is_ok());
        assert!(limits.check_preview(one).is_ok());
    }

    #[test]
    fn previews_are_counted_per_caller() {
        let limits = AuthRateLimits::new(&RateLimitSettings::default());
        let (one, other) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        for used in 1..=PREVIEWS_PER_MINUTE {
            let status = limits.check_preview(one).expect("within the limit");
            assert_eq!(status.limit, PREVIEWS_PER_MINUTE);
            assert_eq!(status.remaining, PREVIEWS_PER_MINUTE - used);
        }
        assert!(matches!(
            limits.check_preview(one),
            Err(AppError::RateLimited {
                limit: PREVIEWS_PER_MINUTE,
                ..
            })
        ));
        assert!(limits.check_preview(other).is_ok());
        // The sign-in limits are apart.
        assert!(
            limits
                .check_address(IpAddr::V4(Ipv4Addr::LOCALHOST))
                .is_ok()
        );
    }
}

//! Who may call an operation, declared in the handler's signature: `Authorized<Admin>`.
//! A handler cannot forget the check, because it cannot get at the caller without it.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use super::principal::{Principal, UserPrincipal};
use crate::domain::account::Role;
use crate::error::AppError;

pub trait Policy: 'static {
    /// What the handler receives when the policy admits the caller.
    type Subject;
    fn admit(principal: Principal) -> Option<Self::Subject>;

    /// What a caller the policy refuses is answered: 403, unless the policy keeps what it
    /// guards from being known at all.
    fn refusal(_principal: &Principal) -> AppError {
        AppError::Forbidden
    }
}

/// The caller, admitted by policy `P`. No token: 401; a token the policy refuses: 403 (or the
/// policy's `refusal`).
pub struct Authorized<P: Policy>(pub P::Subject);

impl<P: Policy> FromRequest for Authorized<P> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload);
        Box::pin(async move {
            let principal = principal.await?;
            let refusal = P::refusal(&principal);
            P::admit(principal).map(Authorized).ok_or(refusal)
        })
    }
}

/// Any signed-in person (not an integrator client).
pub struct AnyUser;
impl Policy for AnyUser {
    type Subject = UserPrincipal;
    fn admit(principal: Principal) -> Option<UserPrincipal> {
        match principal {
            Principal::User(user) => Some(user),
            Principal::Client(_) => None,
        }
    }
}

/// Recruitment leads.
pub struct Admin;
impl Policy for Admin {
    type Subject = UserPrincipal;
    fn admit(principal: Principal) -> Option<UserPrincipal> {
        AnyUser::admit(principal).filter(|u| u.role == Role::Admin)
    }
}

/// Recruitment staff: reviewers and admins.
pub struct Staff;
impl Policy for Staff {
    type Subject = UserPrincipal;
    fn admit(principal: Principal) -> Option<UserPrincipal> {
        AnyUser::admit(principal).filter(|u| u.role.is_staff())
    }
}

/// Recruitment staff, for what applicants are not to learn exists (internal notes): an
/// applicant is answered 404, as if there were nothing there; an integrator client 403.
pub struct InternalStaff;
impl Policy for InternalStaff {
    type Subject = UserPrincipal;
    fn admit(principal: Principal) -> Option<UserPrincipal> {
        Staff::admit(principal)
    }
    fn refusal(principal: &Principal) -> AppError {
        match principal {
            Principal::User(_) => AppError::NotFound,
            Principal::Client(_) => AppError::Forbidden,
        }
    }
}

/// Anyone with a valid token, person or client; the handler decides what they see.
pub struct AnyPrincipal;
impl Policy for AnyPrincipal {
    type Subject = Principal;
    fn admit(principal: Principal) -> Option<Principal> {
        Some(principal)
    }
}

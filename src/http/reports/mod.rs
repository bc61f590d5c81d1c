//! `/api/v1/reports`: figures for recruitment staff. Admins report on every city, reviewers on the
//! cities they review.

pub mod city_ranking;
pub mod funnel;

use crate::auth::principal::UserPrincipal;
use crate::db::cities::{self, City};
use crate::db::{DbConnection, users};
use crate::domain::account::Role;
use crate::error::AppError;

/// The cities a staff member may report on.
#[derive(Debug)]
enum CityScope {
    All,
    Only(Vec<String>),
}

impl CityScope {
    fn of(conn: &mut DbConnection, user: &UserPrincipal) -> Result<Self, AppError> {
        match user.role {
            Role::Admin => Ok(Self::All),
            Role::Reviewer => Ok(Self::Only(users::city_codes(conn, user.id)?)),
            // `Authorized<Staff>` never lets an applicant this far.
            Role::Applicant => Err(AppError::Forbidden),
        }
    }

    /// The city with its committed places, if the caller may report on it. Cities are public, so
    /// an unknown code is 404 for everyone and a known one outside the caller's cities is 403.
    fn city(&self, conn: &mut DbConnection, code: &str) -> Result<(City, i64), AppError> {
        let found = cities::find(conn, code)?.ok_or(AppError::NotFound)?;
        match self {
            Self::All => Ok(found),
            Self::Only(codes) if codes.iter().any(|c| c == code) => Ok(found),
            Self::Only(_) => Err(AppError::Forbidden),
        }
    }
}

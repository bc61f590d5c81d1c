//! Accounts: roles, and the parsed forms of what people type when they sign up.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A dealer group's user.
    Applicant,
    /// Recruitment staff, scoped to cities.
    Reviewer,
    /// Recruitment leads: run the plan, staff and offers.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applicant => "applicant",
            Self::Reviewer => "reviewer",
            Self::Admin => "admin",
        }
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Self::Reviewer | Self::Admin)
    }
}

impl FromStr for Role {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "applicant" => Ok(Self::Applicant),
            "reviewer" => Ok(Self::Reviewer),
            "admin" => Ok(Self::Admin),
            _ => Err(UnknownValue(s.to_owned())),
        }
    }
}

/// A staff role: what an admin may give to a staff account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Reviewer,
    Admin,
}

impl From<StaffRole> for Role {
    fn from(role: StaffRole) -> Self {
        match role {
            StaffRole::Reviewer => Self::Reviewer,
            StaffRole::Admin => Self::Admin,
        }
    }
}

impl StaffRole {
    /// The staff role of an account; None for applicants.
    pub fn of(role: Role) -> Option<Self> {
        match role {
            Role::Reviewer => Some(Self::Reviewer),
            Role::Admin => Some(Self::Admin),
            Role::Applicant => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown value {0:?}")]
pub struct UnknownValue(pub String);

/// An e-mail address as stored: trimmed and lower-cased, so that one mailbox is one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Option<Self> {
        let normalised = raw.trim().to_lowercase();
        validator::ValidateEmail::validate_email(&normalised).then_some(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Password length rules: long enough to resist guessing, short enough that hashing stays cheap.
pub const PASSWORD_MIN_CHARS: u64 = 12;
pub const PASSWORD_MAX_CHARS: u64 = 128;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_normalised() {
        let email = EmailAddress::parse("  Li.Wei@Example.COM ").map(|e| e.to_string());
        assert_eq!(email.as_deref(), Some("li.wei@example.com"));
        assert!(EmailAddress::parse("not-an-address").is_none());
        assert!(EmailAddress::parse("").is_none());
    }

    #[test]
    fn roles_round_trip_through_text() {
        for role in [Role::Applicant, Role::Reviewer, Role::Admin] {
            assert_eq!(role.as_str().parse::<Role>().ok(), Some(role));
        }
        assert!("root".parse::<Role>().is_err());
        assert!(Role::Admin.is_staff() && !Role::Applicant.is_staff());
    }
}

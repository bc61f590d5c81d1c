//! The application workflow as data: states, actions, and the one table of transitions that the
//! transitions endpoint, `allowed_actions` and the documentation all read.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::account::UnknownValue;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    UnderReview,
    InfoRequested,
    Shortlisted,
    LoiOffered,
    LoiSigned,
    Onboarding,
    Active,
    Rejected,
    Withdrawn,
    LoiDeclined,
    LoiExpired,
}

impl Status {
    pub const ALL: [Status; 13] = [
        Self::Draft,
        Self::Submitted,
        Self::UnderReview,
        Self::InfoRequested,
        Self::Shortlisted,
        Self::LoiOffered,
        Self::LoiSigned,
        Self::Onboarding,
        Self::Active,
        Self::Rejected,
        Self::Withdrawn,
        Self::LoiDeclined,
        Self::LoiExpired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::UnderReview => "under_review",
            Self::InfoRequested => "info_requested",
            Self::Shortlisted => "shortlisted",
            Self::LoiOffered => "loi_offered",
            Self::LoiSigned => "loi_signed",
            Self::Onboarding => "onboarding",
            Self::Active => "active",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
            Self::LoiDeclined => "loi_declined",
            Self::LoiExpired => "loi_expired",
        }
    }

    /// No action leads out of a terminal state (but `reopen` of a rejection, by an admin).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Active | Self::Rejected | Self::Withdrawn | Self::LoiDeclined | Self::LoiExpired
        )
    }

    /// The applicant may edit the application in these states.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::InfoRequested)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_text() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>().ok(), Some(status));
            assert_eq!(
                serde_json::to_value(status).ok(),
                Some(serde_json::json!(status.as_str()))
            );
        }
        assert!(Status::Active.is_terminal() && !Status::LoiSigned.is_terminal());
        assert!(Status::Draft.is_editable() && !Status::Submitted.is_editable());
    }
}

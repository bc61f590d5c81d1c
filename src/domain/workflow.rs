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

/// What a caller asks the workflow to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The owner hands the draft in; eligibility is evaluated and stored.
    Submit,
    /// The owner withdraws the application (any state before the LOI is signed).
    Withdraw,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Withdraw => "withdraw",
        }
    }
}

/// Who acts, as far as the workflow cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A member of the applying group who owns it.
    ApplicantOwner,
    /// A reviewer of the application's city.
    Reviewer,
    Admin,
    /// The background work (LOI expiry).
    System,
}

/// One row of the workflow table.
pub struct Transition {
    pub action: Action,
    pub from: &'static [Status],
    pub to: Status,
    pub actors: &'static [Actor],
}

/// The workflow. Nothing else decides which action may happen when, or by whom.
pub const TRANSITIONS: &[Transition] = &[
    Transition {
        action: Action::Submit,
        from: &[Status::Draft],
        to: Status::Submitted,
        actors: &[Actor::ApplicantOwner],
    },
    Transition {
        action: Action::Withdraw,
        from: &[
            Status::Draft,
            Status::Submitted,
            Status::UnderReview,
            Status::InfoRequested,
            Status::Shortlisted,
            Status::LoiOffered,
        ],
        to: Status::Withdrawn,
        actors: &[Actor::ApplicantOwner],
    },
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The action does not apply in this state (409).
    NotNow,
    /// The action applies, but not to this caller (403).
    NotYours,
}

/// The state `action` leads to from `status` when `actor` asks.
pub fn next(status: Status, action: Action, actor: Actor) -> Result<Status, Refusal> {
    let row = TRANSITIONS
        .iter()
        .find(|t| t.action == action && t.from.contains(&status))
        .ok_or(Refusal::NotNow)?;
    if row.actors.contains(&actor) {
        Ok(row.to)
    } else {
        Err(Refusal::NotYours)
    }
}

/// What `actor` may do now.
pub fn allowed_actions(status: Status, actor: Actor) -> Vec<Action> {
    TRANSITIONS
        .iter()
        .filter(|t| t.from.contains(&status) && t.actors.contains(&actor))
        .map(|t| t.action)
        .collect()
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

    #[test]
    fn the_table_decides_who_may_do_what_when() {
        assert_eq!(
            next(Status::Draft, Action::Submit, Actor::ApplicantOwner),
            Ok(Status::Submitted)
        );
        assert_eq!(
            next(Status::Draft, Action::Submit, Actor::Admin),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            next(Status::Submitted, Action::Submit, Actor::ApplicantOwner),
            Err(Refusal::NotNow)
        );
        assert_eq!(
            next(Status::LoiOffered, Action::Withdraw, Actor::ApplicantOwner),
            Ok(Status::Withdrawn)
        );
        assert_eq!(
            next(Status::LoiSigned, Action::Withdraw, Actor::ApplicantOwner),
            Err(Refusal::NotNow)
        );
        assert_eq!(
            allowed_actions(Status::Draft, Actor::ApplicantOwner),
            [Action::Submit, Action::Withdraw]
        );
        assert!(allowed_actions(Status::Draft, Actor::Reviewer).is_empty());
        for status in Status::ALL.into_iter().filter(|s| s.is_terminal()) {
            assert!(
                allowed_actions(status, Actor::ApplicantOwner).is_empty(),
                "{status}"
            );
        }
    }
}

//! What an integrator client's token allows: one scope per kind of data, so that a client holds
//! only what it needs (least privilege). Every operation a client may call needs one scope
//! (`openapi::integrators::CLIENT_OPERATIONS`; the change feed takes any), and every event type
//! one (`EventType::required_scope`), which decides what the webhooks and the feed tell.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::account::UnknownValue;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum Scope {
    /// Applications and their eligibility reports.
    #[serde(rename = "applications:read")]
    ApplicationsRead,
    /// Applications' timelines: who moved them, when and why.
    #[serde(rename = "events:read")]
    EventsRead,
    /// Applications' documents, their metadata and bytes.
    #[serde(rename = "documents:read")]
    DocumentsRead,
    /// The messages between applicants and staff.
    #[serde(rename = "messages:read")]
    MessagesRead,
    /// Letters of intent: terms, signature evidence and the signed document.
    #[serde(rename = "letters:read")]
    LettersRead,
    /// Onboarding checklists.
    #[serde(rename = "onboarding:read")]
    OnboardingRead,
    /// Dealer groups' profiles.
    #[serde(rename = "dealer_groups:read")]
    DealerGroupsRead,
    /// Create and manage webhook subscriptions.
    #[serde(rename = "webhooks:manage")]
    WebhooksManage,
}

impl Scope {
    pub const ALL: [Scope; 8] = [
        Self::ApplicationsRead,
        Self::EventsRead,
        Self::DocumentsRead,
        Self::MessagesRead,
        Self::LettersRead,
        Self::OnboardingRead,
        Self::DealerGroupsRead,
        Self::WebhooksManage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApplicationsRead => "applications:read",
            Self::EventsRead => "events:read",
            Self::DocumentsRead => "documents:read",
            Self::MessagesRead => "messages:read",
            Self::LettersRead => "letters:read",
            Self::OnboardingRead => "onboarding:read",
            Self::DealerGroupsRead => "dealer_groups:read",
            Self::WebhooksManage => "webhooks:manage",
        }
    }

    /// What the scope allows, as the OpenAPI document's OAuth 2.0 scheme lists it.
    pub fn description(self) -> &'static str {
        match self {
            Self::ApplicationsRead => {
                "Read every application and its eligibility report; receive the application \
                 events (`application.*`, `loi.offered`, `loi.signed`, `partner.*`)"
            }
            Self::EventsRead => "Read applications' timelines (`GET .../applications/{id}/events`)",
            Self::DocumentsRead => {
                "Read applications' documents and download them; receive `document.*` events"
            }
            Self::MessagesRead => {
                "Read the messages between applicants and staff; receive `message.created`"
            }
            Self::LettersRead => {
                "Read letters of intent, their signature evidence and the letter's exact bytes"
            }
            Self::OnboardingRead => "Read onboarding checklists; receive `onboarding.task_updated`",
            Self::DealerGroupsRead => {
                "Read dealer groups' profiles; receive `dealer_group.*` events"
            }
            Self::WebhooksManage => {
                "Create, list and delete the client's own webhook subscriptions (to the event \
                 types its other scopes allow), and read and redeliver their deliveries"
            }
        }
    }

    /// Scopes as stored and as sent in tokens: space-separated (RFC 6749 §3.3).
    pub fn join(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn split(text: &str) -> Vec<Scope> {
        text.split_whitespace()
            .filter_map(|s| s.parse().ok())
            .collect()
    }
}

impl FromStr for Scope {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_through_their_stored_form() {
        let scopes = Scope::ALL.to_vec();
        assert_eq!(Scope::split(&Scope::join(&scopes)), scopes);
        assert_eq!(
            Scope::join(&[Scope::ApplicationsRead, Scope::WebhooksManage]),
            "applications:read webhooks:manage"
        );
        assert!(Scope::split("admin:all").is_empty());
    }

    #[test]
    fn every_scope_is_named_as_serde_names_it() {
        for scope in Scope::ALL {
            assert_eq!(
                serde_json::to_value(scope).unwrap(),
                serde_json::json!(scope.as_str())
            );
        }
    }
}

//! What an integrator client's token allows.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::account::UnknownValue;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum Scope {
    /// Read every application (for CRM and data-warehouse mirrors).
    #[serde(rename = "applications:read")]
    ApplicationsRead,
    /// Create and manage webhook subscriptions.
    #[serde(rename = "webhooks:manage")]
    WebhooksManage,
}

impl Scope {
    pub const ALL: [Scope; 2] = [Self::ApplicationsRead, Self::WebhooksManage];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApplicationsRead => "applications:read",
            Self::WebhooksManage => "webhooks:manage",
        }
    }

    /// What the scope allows, as the OpenAPI document's OAuth 2.0 scheme lists it.
    pub fn description(self) -> &'static str {
        match self {
            Self::ApplicationsRead => {
                "Read every application, its timeline, eligibility report and documents, and \
                 receive webhooks about applications"
            }
            Self::WebhooksManage => {
                "Create, list and delete the client's own webhook subscriptions, and read and redeliver their deliveries"
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
        let scopes = vec![Scope::ApplicationsRead, Scope::WebhooksManage];
        assert_eq!(Scope::join(&scopes), "applications:read webhooks:manage");
        assert_eq!(Scope::split(&Scope::join(&scopes)), scopes);
        assert!(Scope::split("admin:all").is_empty());
    }
}

//! A request to change a dealer group's legal identity (legal name and USCC) once the group has
//! submitted an application: the owner asks, with a reason; an admin approves or rejects.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// Where a request stands. Only a `pending` request may be decided, and a group has at most one.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum IdentityChangeStatus {
    Pending,
    Approved,
    Rejected,
}

impl IdentityChangeStatus {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Approved, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The status in words, for the list.
    pub fn label(self, locale: crate::i18n::Locale) -> &'static str {
        let (en, zh) = match self {
            Self::Pending => ("Awaiting a decision", "待审批"),
            Self::Approved => ("Approved", "已批准"),
            Self::Rejected => ("Rejected", "已驳回"),
        };
        locale.pick(en, zh)
    }
}

/// What the owner asks for: the new legal identity and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "legal_name": "苏州东方新能源汽车集团有限公司",
    "uscc": "913205001234567881",
    "reason": "The group renamed itself after its merger; the business licence of 2026-11-02 is uploaded."
}))]
pub struct IdentityChangeRequest {
    /// The new legal name, as on the business licence.
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 200)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub legal_name: String,
    /// The new (or the same) Unified Social Credit Code, with a valid check character.
    #[schema(
        min_length = 18,
        max_length = 18,
        pattern = "^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$"
    )]
    pub uscc: String,
    /// Why the identity changes, for the admin who decides.
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub reason: String,
}

/// An admin's reasons for rejecting a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"reason": "The licence uploaded names another company; upload the new licence and ask again."}))]
pub struct IdentityChangeRejection {
    /// Told to the owner by e-mail and on the request.
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_stored_by_name_and_have_words() {
        for status in IdentityChangeStatus::ALL {
            assert_eq!(status.as_str().parse::<IdentityChangeStatus>(), Ok(status));
        }
        assert_eq!(IdentityChangeStatus::Pending.as_str(), "pending");
        crate::i18n::assert_own_words(&IdentityChangeStatus::ALL, IdentityChangeStatus::label);
    }
}

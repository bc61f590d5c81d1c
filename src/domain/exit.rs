//! How a partnership ends early: why an admin terminates a partner, and the `reason_code` a move
//! carries, which is a rejection's or a termination's depending on the action.

use serde::{Deserialize, Deserializer, Serialize};
use strum::VariantArray;
use utoipa::openapi::schema::{AnyOfBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use super::review::RejectReason;
use crate::i18n::Locale;

/// Why an admin ends a partnership (`terminate`); the partner's e-mail explains it in its
/// language. Separate from `RejectReason`: a partner is not turned down, a contract ends.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TerminationReason {
    /// The store was not built or fitted out as agreed.
    BuildOutFailed,
    /// The partner broke the agreement.
    Breach,
    /// Both sides agreed to part.
    Mutual,
    Other,
}

impl TerminationReason {
    /// The reason stored as `as_str` (an audit event's `reason_code`).
    pub fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The reason in a few words, for the timeline (the e-mail explains it at length).
    pub fn label(self, locale: Locale) -> &'static str {
        let (en, zh) = match self {
            Self::BuildOutFailed => ("Store not built as agreed", "门店未按约定建成"),
            Self::Breach => ("Breach of the agreement", "违反合作协议"),
            Self::Mutual => ("Ended by mutual agreement", "双方协商终止"),
            Self::Other => ("Other reason for ending", "其他终止原因"),
        };
        locale.pick(en, zh)
    }
}

/// The `reason_code` of a move as sent: one of `RejectReason` (with `reject`) or of
/// `TerminationReason` (with `terminate`). Which list applies depends on the action, so the
/// code is read for the action by its guard (`rejection`, `termination`); a code of neither
/// list is refused when the body is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ReasonCode {
    Rejection(RejectReason),
    Termination(TerminationReason),
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rejection(reason) => reason.as_str(),
            Self::Termination(reason) => reason.as_str(),
        }
    }

    /// The code as a rejection's reason, if it is one.
    pub fn rejection(self) -> Option<RejectReason> {
        RejectReason::parse(self.as_str())
    }

    /// The code as a termination's reason, if it is one (`other` is both).
    pub fn termination(self) -> Option<TerminationReason> {
        TerminationReason::parse(self.as_str())
    }

    /// A stored code in words: a termination's for a termination's event, else a rejection's.
    pub fn label(code: &str, terminated: bool, locale: Locale) -> Option<&'static str> {
        if terminated {
            TerminationReason::parse(code).map(|r| r.label(locale))
        } else {
            RejectReason::parse(code).map(|r| r.label(locale))
        }
    }
}

/// `anyOf` the two lists, not `oneOf`: `other` is in both.
impl PartialSchema for ReasonCode {
    fn schema() -> RefOr<Schema> {
        AnyOfBuilder::new()
            .item(Ref::from_schema_name(RejectReason::name()))
            .item(Ref::from_schema_name(TerminationReason::name()))
            .description(Some(
                "A `RejectReason` with `reject`, a `TerminationReason` with `terminate`; a code of \
                 the other action's list is 422 `not_for_action`.",
            ))
            .into()
    }
}

impl ToSchema for ReasonCode {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((RejectReason::name().into(), RejectReason::schema()));
        schemas.push((
            TerminationReason::name().into(),
            TerminationReason::schema(),
        ));
    }
}

impl<'de> Deserialize<'de> for ReasonCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        RejectReason::parse(&text)
            .map(Self::Rejection)
            .or_else(|| TerminationReason::parse(&text).map(Self::Termination))
            .ok_or_else(|| {
                let known: Vec<&str> = RejectReason::ALL
                    .iter()
                    .map(|r| r.as_str())
                    .chain(TerminationReason::VARIANTS.iter().map(|r| r.as_str()))
                    .collect();
                serde::de::Error::custom(format!(
                    "unknown reason code `{text}`, expected one of {}",
                    known.join(", ")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_termination_reason_has_its_own_words_in_both_languages() {
        crate::i18n::assert_own_words(TerminationReason::VARIANTS, TerminationReason::label);
        for reason in TerminationReason::VARIANTS {
            assert_eq!(TerminationReason::parse(reason.as_str()), Some(*reason));
            assert_eq!(
                serde_json::to_value(reason).ok(),
                Some(serde_json::json!(reason.as_str()))
            );
        }
    }

    #[test]
    fn a_reason_code_is_read_by_the_action_it_comes_with() {
        let read = |text: &str| serde_json::from_value::<ReasonCode>(serde_json::json!(text));
        let breach = read("breach").ok();
        assert_eq!(
            breach.and_then(ReasonCode::termination),
            Some(TerminationReason::Breach)
        );
        assert_eq!(breach.and_then(ReasonCode::rejection), None);
        let duplicate = read("duplicate").ok();
        assert_eq!(duplicate.and_then(ReasonCode::termination), None);
        let other = read("other").ok();
        assert_eq!(
            other.and_then(ReasonCode::rejection),
            Some(RejectReason::Other)
        );
        assert_eq!(
            other.and_then(ReasonCode::termination),
            Some(TerminationReason::Other)
        );
        let unknown = read("bankrupt").err().map(|e| e.to_string());
        assert!(unknown.is_some_and(|e| e.contains("build_out_failed")));
        assert_eq!(
            serde_json::to_value(ReasonCode::Termination(TerminationReason::Mutual)).ok(),
            Some(serde_json::json!("mutual"))
        );
        assert_eq!(
            ReasonCode::label("other", true, Locale::En),
            Some("Other reason for ending")
        );
        assert_eq!(
            ReasonCode::label("other", false, Locale::En),
            Some("Other reason")
        );
    }
}

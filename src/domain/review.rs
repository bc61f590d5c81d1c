//! The vocabulary of review: why an application is turned down, and a reviewer's scorecard.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::account::UnknownValue;
use crate::i18n::Locale;

/// Why an application is rejected; the applicant's e-mail explains it in its language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    NotEligible,
    WeakerThanCompetitors,
    QuotaFilled,
    Incomplete,
    Duplicate,
    Other,
}

impl RejectReason {
    pub const ALL: [RejectReason; 6] = [
        Self::NotEligible,
        Self::WeakerThanCompetitors,
        Self::QuotaFilled,
        Self::Incomplete,
        Self::Duplicate,
        Self::Other,
    ];

    /// The reason stored as `as_str` (an audit event's `reason_code`).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The reason in a few words, for the timeline (the e-mail explains it at length).
    pub fn label(self, locale: Locale) -> &'static str {
        let (en, zh) = match self {
            Self::NotEligible => ("Not eligible", "不符合资格条件"),
            Self::WeakerThanCompetitors => ("Other applicants were stronger", "其他申请方更具优势"),
            Self::QuotaFilled => ("The city's places are filled", "该城市名额已满"),
            Self::Incomplete => ("Application incomplete", "申请材料不完整"),
            Self::Duplicate => ("Duplicate application", "重复申请"),
            Self::Other => ("Other reason", "其他原因"),
        };
        locale.pick(en, zh)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotEligible => "not_eligible",
            Self::WeakerThanCompetitors => "weaker_than_competitors",
            Self::QuotaFilled => "quota_filled",
            Self::Incomplete => "incomplete",
            Self::Duplicate => "duplicate",
            Self::Other => "other",
        }
    }
}

/// A reviewer's overall advice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    StrongYes,
    Yes,
    No,
    StrongNo,
}

impl Recommendation {
    pub const ALL: [Recommendation; 4] = [Self::StrongYes, Self::Yes, Self::No, Self::StrongNo];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::StrongYes => "strong_yes",
            Self::Yes => "yes",
            Self::No => "no",
            Self::StrongNo => "strong_no",
        }
    }
}

impl std::str::FromStr for Recommendation {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// The five scored criteria of a scorecard, each 1 (weak) to 5 (strong).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct Scores {
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub district_resources: i32,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub customer_resources: i32,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub nev_experience: i32,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub after_sales: i32,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub financial_strength: i32,
}

impl Scores {
    /// The sum of the five scores, 5..25.
    pub fn total(&self) -> i32 {
        self.district_resources
            + self.customer_resources
            + self.nev_experience
            + self.after_sales
            + self.financial_strength
    }
}

/// Blind review: whether a caller may see the card `author` filed. Admins see every card; a
/// reviewer sees their own, and the others' only once they have filed one.
pub fn card_visible(author: Uuid, caller: Uuid, caller_is_admin: bool, caller_filed: bool) -> bool {
    caller_is_admin || caller_filed || author == caller
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn others_cards_stay_hidden_until_the_caller_files_one() {
        let (me, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert!(!card_visible(other, me, false, false));
        assert!(card_visible(other, me, false, true));
        assert!(card_visible(other, me, true, false));
        assert!(card_visible(me, me, false, true));
    }

    #[test]
    fn every_reject_reason_has_its_own_words_in_both_languages() {
        crate::i18n::assert_own_words(&RejectReason::ALL, RejectReason::label);
        for reason in RejectReason::ALL {
            assert_eq!(RejectReason::parse(reason.as_str()), Some(reason));
        }
    }
}

//! Letters of intent and the onboarding checklist that follows a signed one.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::account::UnknownValue;
use super::member::MemberRole;
use super::workflow::Actor;
use crate::i18n::Locale;

/// The terms an admin offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct LoiTerms {
    /// Days the applicant has to sign, 1..60.
    #[validate(range(min = 1, max = 60))]
    #[schema(minimum = 1, maximum = 60)]
    pub valid_days: i32,
    /// How many 2S stores the partner is to open in the city.
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub stores: i32,
    #[validate(
        length(max = 2000),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(max_length = 2000)]
    #[serde(default, deserialize_with = "crate::domain::text::trimmed_opt")]
    pub terms_note: Option<String>,
}

/// The letter's own state, next to the application's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoiStatus {
    Offered,
    Signed,
    Declined,
    Expired,
    Withdrawn,
    /// The maker took it back before it was signed.
    Rescinded,
}

impl LoiStatus {
    pub const ALL: [LoiStatus; 6] = [
        Self::Offered,
        Self::Signed,
        Self::Declined,
        Self::Expired,
        Self::Withdrawn,
        Self::Rescinded,
    ];

    /// The letter's state in words.
    pub fn label(self, locale: Locale) -> &'static str {
        let (en, zh) = match self {
            Self::Offered => ("Awaiting signature", "待签署"),
            Self::Signed => ("Signed", "已签署"),
            Self::Declined => ("Declined", "已拒绝"),
            Self::Expired => ("Expired", "已过期"),
            Self::Withdrawn => ("Withdrawn with the application", "已随申请撤回"),
            Self::Rescinded => ("Rescinded by the maker", "已被厂家撤销"),
        };
        locale.pick(en, zh)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offered => "offered",
            Self::Signed => "signed",
            Self::Declined => "declined",
            Self::Expired => "expired",
            Self::Withdrawn => "withdrawn",
            Self::Rescinded => "rescinded",
        }
    }
}

impl std::str::FromStr for LoiStatus {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// How many days before expiry the applicant is reminded.
pub const REMINDER_DAYS: i64 = 3;

/// Which side does an onboarding task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskOwner {
    /// The dealer group: its owners and signatories, who commit it, mark the task done (the
    /// partner's tasks include signing the dealer agreement); editors only read the checklist.
    Partner,
    /// The maker's recruitment staff.
    Maker,
}

impl TaskOwner {
    /// Whether `actor` is on this side: the group's owners and signatories for `partner` tasks,
    /// the maker's staff (admins and the city's reviewers) for `maker` tasks.
    pub fn is_done_by(self, actor: Actor) -> bool {
        match self {
            Self::Partner => matches!(
                actor,
                Actor::Applicant(MemberRole::Owner | MemberRole::Signatory)
            ),
            Self::Maker => matches!(actor, Actor::Admin | Actor::Reviewer),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Partner => "partner",
            Self::Maker => "maker",
        }
    }
}

impl std::str::FromStr for TaskOwner {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "partner" => Ok(Self::Partner),
            "maker" => Ok(Self::Maker),
            _ => Err(UnknownValue(s.to_owned())),
        }
    }
}

/// One step of the way from a signed letter to an open store.
pub struct ChecklistItem {
    pub code: &'static str,
    pub owner: TaskOwner,
    /// Due this many days after onboarding starts.
    pub due_after_days: i64,
    pub title_en: &'static str,
    pub title_zh: &'static str,
}

/// The onboarding checklist, in order.
pub const CHECKLIST: [ChecklistItem; 6] = [
    ChecklistItem {
        code: "dealer_agreement",
        owner: TaskOwner::Partner,
        due_after_days: 14,
        title_en: "Sign the dealer agreement",
        title_zh: "签署经销商协议",
    },
    ChecklistItem {
        code: "site_drawings_approval",
        owner: TaskOwner::Maker,
        due_after_days: 30,
        title_en: "Approve the site drawings",
        title_zh: "审批门店设计图纸",
    },
    ChecklistItem {
        code: "construction",
        owner: TaskOwner::Partner,
        due_after_days: 120,
        title_en: "Build and fit out the store",
        title_zh: "门店施工与装修",
    },
    ChecklistItem {
        code: "staff_training",
        owner: TaskOwner::Maker,
        due_after_days: 140,
        title_en: "Train sales and service staff",
        title_zh: "销售与售后人员培训",
    },
    ChecklistItem {
        code: "systems_access",
        owner: TaskOwner::Maker,
        due_after_days: 150,
        title_en: "Grant access to the maker's systems",
        title_zh: "开通厂家系统权限",
    },
    ChecklistItem {
        code: "opening_inspection",
        owner: TaskOwner::Maker,
        due_after_days: 170,
        title_en: "Inspect the store before opening",
        title_zh: "开业前验收",
    },
];

impl ChecklistItem {
    pub fn find(code: &str) -> Option<&'static ChecklistItem> {
        CHECKLIST.iter().find(|item| item.code == code)
    }

    pub fn due_on(&self, started: NaiveDate) -> NaiveDate {
        started + Duration::days(self.due_after_days)
    }

    pub fn title(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => self.title_en,
            Locale::ZhCn => self.title_zh,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checklist_runs_in_due_order_with_unique_codes() {
        let mut codes: Vec<_> = CHECKLIST.iter().map(|i| i.code).collect();
        assert!(
            CHECKLIST
                .windows(2)
                .all(|w| w[0].due_after_days < w[1].due_after_days)
        );
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CHECKLIST.len());
        assert!(ChecklistItem::find("construction").is_some_and(|i| i.owner == TaskOwner::Partner));
        assert!(ChecklistItem::find("nope").is_none());
        let codes = CHECKLIST.map(|item| item.code);
        crate::i18n::assert_own_words(&codes, |code, locale| {
            ChecklistItem::find(code).map_or("", |item| item.title(locale))
        });
        crate::i18n::assert_own_words(&LoiStatus::ALL, LoiStatus::label);
        assert!(TaskOwner::Partner.is_done_by(Actor::Applicant(MemberRole::Signatory)));
        assert!(!TaskOwner::Partner.is_done_by(Actor::Applicant(MemberRole::Editor)));
        assert!(!TaskOwner::Partner.is_done_by(Actor::Admin));
        assert!(TaskOwner::Maker.is_done_by(Actor::Reviewer));
        assert!(!TaskOwner::Maker.is_done_by(Actor::Applicant(MemberRole::Owner)));
    }
}

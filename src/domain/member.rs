//! The people of a dealer group: each member acts for the group in one role. Who may do what is
//! the workflow table's (`workflow::Actor::Applicant`) and, beside it, `MemberRole`'s own rules.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidateEmail, ValidationError, ValidationErrors};

use super::text::single_line;
use crate::i18n::Locale;

/// A member's part in the group.
///
/// - `owner`: everything: the profile, identity changes, submitting, withdrawing, declining and
///   signing letters of intent, and the members and their invitations. A group may have several.
/// - `editor`: makes and edits drafts (and previews them), uploads and removes documents,
///   and answers a request for information (`resubmit`).
/// - `signatory`: what an editor does, and signs letters of intent and ticks the partner's
///   onboarding tasks; has a `title` on record, which the signature must carry.
///
/// Every member reads all of the group's applications, documents, letters, events and members.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MemberRole {
    Owner,
    Editor,
    Signatory,
}

impl MemberRole {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether a member in this role must have a job title on record (a signatory signs with it).
    pub fn needs_title(self) -> bool {
        self == Self::Signatory
    }

    /// The role in words, for mails and the timeline.
    pub fn label(self, locale: Locale) -> &'static str {
        let (en, zh) = match self {
            Self::Owner => ("owner", "所有者"),
            Self::Editor => ("editor", "编辑"),
            Self::Signatory => ("signatory", "签署人"),
        };
        locale.pick(en, zh)
    }
}

/// Longest job title kept.
pub const TITLE_MAX_CHARS: u64 = 100;

/// An owner's invitation of an address into the group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "email": "zhang.min@dealer.example",
    "role": "signatory",
    "title": "总经理"
}))]
pub struct InvitationRequest {
    /// Whom to invite (with an account or not); compared without regard to case.
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    pub role: MemberRole,
    /// The member's job title, e.g. `总经理`: required for a `signatory`, whose signature must
    /// carry it; optional otherwise. Blank is absent.
    #[serde(default, deserialize_with = "crate::domain::text::trimmed_opt")]
    #[schema(min_length = 1, max_length = 100)]
    pub title: Option<String>,
}

impl Validate for InvitationRequest {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.email.chars().count() > 254 || !self.email.trim().validate_email() {
            errors.add("email", ValidationError::new("email"));
        }
        check_title(self.role, self.title.as_deref(), &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A member's role and title, as an owner changes them (a merge patch of this).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"role": "signatory", "title": "财务总监"}))]
pub struct MemberUpdate {
    pub role: MemberRole,
    /// Required for a `signatory`; `null` clears it for the other roles.
    #[serde(default, deserialize_with = "crate::domain::text::trimmed_opt")]
    #[schema(min_length = 1, max_length = 100)]
    pub title: Option<String>,
}

impl Validate for MemberUpdate {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        check_title(self.role, self.title.as_deref(), &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// `title`: required for a role that signs (`required`), one line (`control_character`) of at
/// most `TITLE_MAX_CHARS` (`length`).
fn check_title(role: MemberRole, title: Option<&str>, errors: &mut ValidationErrors) {
    match title {
        None if role.needs_title() => errors.add("title", ValidationError::new("required")),
        None => {}
        Some(title) if title.chars().count() as u64 > TITLE_MAX_CHARS => {
            let mut error = ValidationError::new("length");
            error.add_param("min".into(), &1);
            error.add_param("max".into(), &TITLE_MAX_CHARS);
            errors.add("title", error);
        }
        Some(title) => {
            if let Err(error) = single_line(title) {
                errors.add("title", error);
            }
        }
    }
}

/// Whether `signed` is `on_record` as a person writes it again: trimmed, in any case, with or
/// without spaces inside (`Li Wei`, `li  wei` and `LiWei` are one name; so are `李 伟` and `李伟`).
pub fn same_words(signed: &str, on_record: &str) -> bool {
    let key = |text: &str| -> String {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    key(signed) == key(on_record)
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::*;

    #[test]
    fn roles_round_trip_through_text_and_have_words() {
        for role in MemberRole::VARIANTS {
            assert_eq!(role.as_str().parse::<MemberRole>().ok(), Some(*role));
            assert_eq!(
                serde_json::to_value(role).ok(),
                Some(serde_json::json!(role.as_str()))
            );
        }
        crate::i18n::assert_own_words(MemberRole::VARIANTS, MemberRole::label);
        assert!(MemberRole::Signatory.needs_title() && !MemberRole::Editor.needs_title());
    }

    #[test]
    fn a_signatory_needs_a_title_of_one_line() {
        let read = |value: serde_json::Value| -> Vec<String> {
            match serde_json::from_value::<InvitationRequest>(value)
                .expect("reads")
                .validate()
            {
                Ok(()) => Vec::new(),
                Err(errors) => {
                    let mut fields: Vec<String> =
                        errors.errors().keys().map(|k| k.to_string()).collect();
                    fields.sort();
                    fields
                }
            }
        };
        let invite = |email: &str, role: &str, title: serde_json::Value| serde_json::json!({"email": email, "role": role, "title": title});
        assert!(read(invite("a@b.example", "signatory", "总经理".into())).is_empty());
        assert!(read(invite("a@b.example", "editor", serde_json::Value::Null)).is_empty());
        assert_eq!(
            read(invite("nobody", "signatory", "  ".into())),
            ["email", "title"]
        );
        assert_eq!(
            read(invite("a@b.example", "owner", "a\nb".into())),
            ["title"]
        );
    }

    #[test]
    fn a_name_is_the_same_whatever_its_case_and_spaces() {
        assert!(same_words("  li  WEI ", "Li Wei"));
        assert!(same_words("LiWei", "Li Wei"));
        assert!(same_words("李 伟", "李伟"));
        assert!(!same_words("Li Wen", "Li Wei"));
        assert!(!same_words("", "Li Wei"));
    }
}

//! Messages about an application between its group's members and the maker's staff, and staff's
//! internal notes: who speaks for which side, how long a text may be, and which documents a
//! message may point to.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::account::Role;

/// The longest message or note, in characters (after trimming).
pub const BODY_MAX_CHARS: u64 = 5000;

/// The most documents one message may point to.
pub const DOCUMENTS_MAX: u64 = 10;

/// For whom a message speaks: the dealer group, or the maker (whichever of its staff wrote it,
/// which applicants are not told).
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
pub enum Side {
    Applicant,
    Maker,
}

impl Side {
    /// The side an account of `role` writes for.
    pub fn of(role: Role) -> Self {
        if role.is_staff() {
            Self::Maker
        } else {
            Self::Applicant
        }
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The field (`document_ids[i]`) and code of each id in `ids` a message may not point to: one
/// that is not among `of_application` (`not_a_document_of_application`), or that was named
/// before (`duplicate`).
pub fn document_problems(
    ids: &[Uuid],
    of_application: &HashSet<Uuid>,
) -> Vec<(String, &'static str)> {
    let mut seen = HashSet::new();
    ids.iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let code = if !of_application.contains(id) {
                "not_a_document_of_application"
            } else if !seen.insert(*id) {
                "duplicate"
            } else {
                return None;
            };
            Some((format!("document_ids[{i}]"), code))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_write_for_the_maker() {
        assert_eq!(Side::of(Role::Applicant), Side::Applicant);
        assert_eq!(Side::of(Role::Reviewer), Side::Maker);
        assert_eq!(Side::of(Role::Admin), Side::Maker);
        assert_eq!("maker".parse::<Side>().ok(), Some(Side::Maker));
        assert_eq!(Side::Applicant.as_str(), "applicant");
    }

    #[test]
    fn each_foreign_or_repeated_document_is_named_by_its_place() {
        let (mine, theirs) = (Uuid::now_v7(), Uuid::now_v7());
        let known = HashSet::from([mine]);
        assert!(document_problems(&[mine], &known).is_empty());
        assert_eq!(
            document_problems(&[mine, theirs, mine], &known),
            [
                (
                    "document_ids[1]".to_owned(),
                    "not_a_document_of_application"
                ),
                ("document_ids[2]".to_owned(), "duplicate"),
            ]
        );
    }
}

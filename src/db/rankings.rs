//! The national dealer-group ranking list, by year, and the top-100 verification it backs.

use diesel::prelude::*;

use super::schema::ranking_entries;
use super::{DbConnection, dealer_groups};
use crate::domain::dealer_group::{Profile, RankVerifiedVia, name_key};
use crate::error::AppError;

/// A claim counts as verified only at this rank or better.
pub const TOP: i32 = 100;

#[derive(Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = ranking_entries)]
pub struct Entry {
    pub rank: i32,
    pub name: String,
    pub uscc: Option<String>,
}

/// Replaces `year`'s list with `entries`, then re-verifies every group's claim.
pub fn replace_year(conn: &mut DbConnection, year: i32, entries: &[Entry]) -> Result<(), AppError> {
    diesel::delete(ranking_entries::table.filter(ranking_entries::year.eq(year))).execute(conn)?;
    // One row at a time: the multi-backend connection cannot insert a batch in one statement.
    for entry in entries {
        diesel::insert_into(ranking_entries::table)
            .values((
                ranking_entries::year.eq(year),
                ranking_entries::rank.eq(entry.rank),
                ranking_entries::name.eq(&entry.name),
                ranking_entries::name_key.eq(name_key(&entry.name)),
                ranking_entries::uscc.eq(&entry.uscc),
            ))
            .execute(conn)?;
    }
    reverify_all(conn)
}

pub fn list_year(conn: &mut DbConnection, year: i32) -> Result<Vec<Entry>, AppError> {
    Ok(ranking_entries::table
        .filter(ranking_entries::year.eq(year))
        .order(ranking_entries::rank.asc())
        .select(Entry::as_select())
        .load(conn)?)
}

/// The latest year's top entries as (USCC, name key) pairs.
fn latest_top(conn: &mut DbConnection) -> Result<Vec<(Option<String>, String)>, AppError> {
    let latest: Option<i32> = ranking_entries::table
        .select(diesel::dsl::max(ranking_entries::year))
        .first(conn)?;
    let Some(year) = latest else {
        return Ok(Vec::new());
    };
    Ok(ranking_entries::table
        .filter(ranking_entries::year.eq(year))
        .filter(ranking_entries::rank.le(TOP))
        .select((ranking_entries::uscc, ranking_entries::name_key))
        .load(conn)?)
}

/// Whether the latest list has this company in its top 100: matched by USCC, or by normalised
/// legal name for entries that carry no USCC.
fn listed(top: &[(Option<String>, String)], uscc: &str, key: &str) -> bool {
    top.iter().any(|(entry_uscc, entry_key)| match entry_uscc {
        Some(entry_uscc) => entry_uscc == uscc,
        None => entry_key == key,
    })
}

/// The rule: a group is verified through itself when it claims a rank and is listed (by its USCC
/// and name key), else through its parent (USCC and legal name) when an admin has confirmed the
/// relation and the parent is listed (a subsidiary need not claim its parent's rank as its own).
fn verification(
    top: &[(Option<String>, String)],
    (uscc, key): (&str, &str),
    claims: bool,
    confirmed_parent: Option<(&str, &str)>,
) -> Option<RankVerifiedVia> {
    if claims && listed(top, uscc, key) {
        Some(RankVerifiedVia::Own)
    } else if confirmed_parent.is_some_and(|(uscc, name)| listed(top, uscc, &name_key(name))) {
        Some(RankVerifiedVia::Parent)
    } else {
        None
    }
}

/// How a group with this profile would be verified now; `parent_confirmed` when an admin has
/// confirmed its relation to `profile.parent`.
pub fn verify(
    conn: &mut DbConnection,
    profile: &Profile,
    parent_confirmed: bool,
) -> Result<Option<RankVerifiedVia>, AppError> {
    let parent = profile
        .parent
        .as_ref()
        .filter(|_| parent_confirmed)
        .map(|p| (p.uscc.as_str(), p.legal_name.as_str()));
    Ok(verification(
        &latest_top(conn)?,
        (&profile.uscc, &name_key(&profile.legal_name)),
        profile.national_rank_claim.is_some(),
        parent,
    ))
}

/// Re-verifies every group against the latest list (after an import).
pub fn reverify_all(conn: &mut DbConnection) -> Result<(), AppError> {
    let top = latest_top(conn)?;
    for group in dealer_groups::ranking_facts(conn)? {
        let parent = group
            .confirmed_parent
            .as_ref()
            .map(|(uscc, name)| (uscc.as_str(), name.as_str()));
        let now = verification(
            &top,
            (&group.uscc, &group.name_key),
            group.claims_rank,
            parent,
        );
        if now.map(RankVerifiedVia::as_str) != group.rank_verified_via.as_deref() {
            dealer_groups::set_rank_verified(conn, &group.id, now)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_is_verified_by_uscc_or_else_by_name() {
        let top = vec![
            (
                Some("91320500MA1XXXXXX1".to_owned()),
                name_key("Alpha Motors"),
            ),
            (None, name_key("Beta Auto Group")),
        ];
        let own = |uscc: &str, key: &str| verification(&top, (uscc, key), true, None);
        assert_eq!(
            own("91320500MA1XXXXXX1", "whatever"),
            Some(RankVerifiedVia::Own)
        );
        assert_eq!(
            own("OTHER", &name_key("BETA auto group")),
            Some(RankVerifiedVia::Own)
        );
        // An entry with a USCC is matched by it only, never by name.
        assert_eq!(own("OTHER", &name_key("Alpha Motors")), None);
        // No claim, no verification.
        let alpha = ("91320500MA1XXXXXX1", "");
        assert_eq!(verification(&top, alpha, false, None), None);
        assert_eq!(verification(&[], alpha, true, None), None);
    }

    #[test]
    fn a_subsidiary_is_verified_through_its_confirmed_parent() {
        let top = vec![
            (Some("PARENT".to_owned()), name_key("Holding")),
            (None, name_key("Named Holding Co.")),
        ];
        let own = ("CHILD", "child");
        // Without a claim of its own: the parent's place counts, by USCC or by name.
        let via = |parent| verification(&top, own, false, Some(parent));
        assert_eq!(via(("PARENT", "whatever")), Some(RankVerifiedVia::Parent));
        assert_eq!(
            via(("OTHER", "NAMED HOLDING CO")),
            Some(RankVerifiedVia::Parent)
        );
        assert_eq!(via(("OTHER", "Holding")), None);
        // Its own listing comes first.
        let both = vec![
            (Some("CHILD".to_owned()), String::new()),
            (Some("PARENT".to_owned()), String::new()),
        ];
        assert_eq!(
            verification(&both, own, true, Some(("PARENT", ""))),
            Some(RankVerifiedVia::Own)
        );
    }
}

//! The national dealer-group ranking list, by year, and the top-100 verification it backs.

use diesel::prelude::*;

use super::schema::ranking_entries;
use super::{DbConnection, dealer_groups};
use crate::domain::dealer_group::name_key;
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

/// The rule: a group that claims a rank is verified when the latest list has it in the top 100,
/// matched by USCC, or by normalised legal name for entries that carry no USCC.
fn verified(top: &[(Option<String>, String)], uscc: &str, key: &str, claims: bool) -> bool {
    claims
        && top.iter().any(|(entry_uscc, entry_key)| match entry_uscc {
            Some(entry_uscc) => entry_uscc == uscc,
            None => entry_key == key,
        })
}

/// Whether a group with this USCC and legal name would be verified now.
pub fn is_verified(
    conn: &mut DbConnection,
    uscc: &str,
    legal_name: &str,
    claims: bool,
) -> Result<bool, AppError> {
    Ok(verified(
        &latest_top(conn)?,
        uscc,
        &name_key(legal_name),
        claims,
    ))
}

/// Re-verifies every group against the latest list (after an import).
pub fn reverify_all(conn: &mut DbConnection) -> Result<(), AppError> {
    let top = latest_top(conn)?;
    for group in dealer_groups::ranking_facts(conn)? {
        let now_verified = verified(&top, &group.uscc, &group.name_key, group.claims_rank);
        if now_verified != group.rank_verified {
            dealer_groups::set_rank_verified(conn, &group.id, now_verified)?;
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
        assert!(verified(&top, "91320500MA1XXXXXX1", "whatever", true));
        assert!(verified(&top, "OTHER", &name_key("BETA auto group"), true));
        // An entry with a USCC is matched by it only, never by name.
        assert!(!verified(&top, "OTHER", &name_key("Alpha Motors"), true));
        // No claim, no verification.
        assert!(!verified(&top, "91320500MA1XXXXXX1", "", false));
        assert!(!verified(&[], "91320500MA1XXXXXX1", "", true));
    }
}

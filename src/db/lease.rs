//! Claiming queued rows with a lease (`locked_until`), written once for every queue (the mail
//! outbox, webhook deliveries).
//!
//! A claim is two steps: select the claimable rows, then lease each with an update that checks
//! every condition again, keeping the rows whose update won. The re-check is what keeps two
//! replicas from sending one row: between the select and the update, another process may have
//! claimed the row, sent it and released its lease. A process that dies keeps its rows only
//! until the lease ends; then another claims them.

use diesel::QueryResult;

use super::DbConnection;
use crate::error::AppError;

/// The condition of a claimable row at `$now` (a `NaiveDateTime`): not done (`$done` is the
/// column set when it is), not given up on, due, and not leased, or its lease ran out. The
/// table needs `failed_at`, `next_attempt_at` and `locked_until`.
macro_rules! claimable {
    ($table:ident, $done:ident, $now:expr) => {
        $table::$done
            .is_null()
            .and($table::failed_at.is_null())
            .and($table::next_attempt_at.le($now))
            .and(
                $table::locked_until
                    .is_null()
                    .or($table::locked_until.lt($now)),
            )
    };
}
pub(crate) use claimable;

/// Selects candidates with `select_claimable`, then keeps those that `lease` (the guarded
/// update, filtered by `claimable!` again) leased: it returns how many rows it updated.
pub fn claim<T>(
    conn: &mut DbConnection,
    select_claimable: impl FnOnce(&mut DbConnection) -> QueryResult<Vec<T>>,
    mut lease: impl FnMut(&mut DbConnection, &T) -> QueryResult<usize>,
) -> Result<Vec<T>, AppError> {
    let candidates = select_claimable(conn)?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for row in candidates {
        if lease(conn, &row)? == 1 {
            claimed.push(row);
        }
    }
    Ok(claimed)
}

//! When an account's sessions end: a password reset, a new role, deactivation or `create-admin`
//! ends every session started before it, access tokens included.
//!
//! An access token says when it was issued (`iat`) in whole seconds only, so the account keeps
//! the time its sessions are valid after in whole seconds too, and the two are made to compare
//! exactly:
//! - ending the sessions at `now` sets that time to the next whole second (and past the one it
//!   replaces): every token issued until then, even in the same second, has an earlier `iat`;
//! - a token issued afterwards, even in that same second, carries that time as its `iat` (ahead
//!   of the clock by a second or so, and only right after an ending), so it is accepted.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// The time from which the sessions ended at `now` are valid again, given the one it replaces.
pub fn ended_at(now: DateTime<Utc>, previous: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let second = now.duration_trunc(TimeDelta::seconds(1)).unwrap_or(now);
    second.max(previous.unwrap_or(second)) + TimeDelta::seconds(1)
}

/// The issue time of a token made at `now` for an account whose sessions are valid after
/// `valid_after`.
pub fn issued_at(now: DateTime<Utc>, valid_after: Option<DateTime<Utc>>) -> DateTime<Utc> {
    valid_after.map_or(now, |after| now.max(after))
}

/// Whether a token issued at `iat` (seconds since the epoch) belongs to a live session.
pub fn is_current(iat: i64, valid_after: Option<DateTime<Utc>>) -> bool {
    valid_after.is_none_or(|after| iat >= after.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_800_000_000_000 + ms).expect("in range")
    }

    fn iat(issued: DateTime<Utc>) -> i64 {
        issued.timestamp()
    }

    #[test]
    fn a_token_of_the_same_second_is_refused_before_the_end_and_accepted_after_it() {
        for end_ms in [0, 300, 999] {
            let end = ended_at(at(end_ms), None);
            assert_eq!(end, at(1000), "whole seconds");
            // Issued before the end, in the same second (or at the very same instant).
            assert!(!is_current(iat(issued_at(at(0), None)), Some(end)));
            assert!(!is_current(iat(issued_at(at(end_ms), None)), Some(end)));
            // Issued after it, in the same second and later.
            for later in [end_ms, 999, 1000, 5_000] {
                let issued = issued_at(at(later), Some(end));
                assert!(is_current(iat(issued), Some(end)), "{end_ms} {later}");
                assert!(issued - at(later) <= TimeDelta::seconds(1));
            }
        }
        assert!(is_current(iat(at(0)), None), "never ended");
    }

    #[test]
    fn a_second_end_in_the_same_second_ends_the_sessions_started_between() {
        let first = ended_at(at(100), None);
        let between = issued_at(at(400), Some(first));
        assert!(is_current(iat(between), Some(first)));
        let second = ended_at(at(700), Some(first));
        assert!(second > first);
        assert!(!is_current(iat(between), Some(second)));
        assert!(is_current(
            iat(issued_at(at(800), Some(second))),
            Some(second)
        ));
    }
}

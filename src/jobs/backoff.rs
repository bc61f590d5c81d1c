//! When to try a failed item again: 10 s doubling to an hour, spread by jitter so that a
//! receiver (or mail server) coming back from an outage is not hit by every retry at once.

use std::time::Duration;

use rand::Rng;

const FIRST_RETRY: Duration = Duration::from_secs(10);
const MAX_RETRY: Duration = Duration::from_secs(3600);
/// Enough attempts to keep trying for more than a day (10 s doubling to 1 h, then hourly).
pub const MAX_ATTEMPTS: i32 = 40;
/// Each wait is moved by up to this share of itself, either way (±20 %).
const JITTER_PERCENT: i64 = 20;

/// The wait before attempt `attempts + 1`, without jitter: 10 s doubling, at most an hour.
pub fn base_delay(attempts: i32) -> chrono::Duration {
    let factor = 2u32.saturating_pow(u32::try_from(attempts.saturating_sub(1)).unwrap_or(0));
    let delay = FIRST_RETRY.saturating_mul(factor).min(MAX_RETRY);
    chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1))
}

/// When to try again after `attempts` failed attempts, or `None` when that was the last one.
pub fn retry_after(attempts: i32) -> Option<chrono::Duration> {
    (attempts < MAX_ATTEMPTS).then(|| jittered(attempts))
}

/// `base_delay` moved by up to ±20 %.
pub fn jittered(attempts: i32) -> chrono::Duration {
    let base = base_delay(attempts).num_milliseconds();
    let spread = base * JITTER_PERCENT / 100;
    let offset = rand::rng().random_range(-spread..=spread);
    chrono::Duration::milliseconds(base + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_and_keep_trying_for_over_a_day() {
        assert_eq!(base_delay(1).num_seconds(), 10);
        assert_eq!(base_delay(2).num_seconds(), 20);
        assert_eq!(base_delay(5).num_seconds(), 160);
        assert_eq!(base_delay(30).num_seconds(), 3600);
        let shortest: i64 = (1..MAX_ATTEMPTS)
            .map(|a| base_delay(a).num_seconds() * (100 - JITTER_PERCENT) / 100)
            .sum();
        assert!(shortest > 24 * 3600, "{shortest}");
        assert!(retry_after(MAX_ATTEMPTS).is_none());
    }

    #[test]
    fn retries_spread_around_the_back_off() {
        for attempts in [1, 5, 20] {
            let base = base_delay(attempts).num_milliseconds();
            for _ in 0..50 {
                let delay = jittered(attempts).num_milliseconds();
                assert!(delay >= base - base / 5 && delay <= base + base / 5);
            }
        }
    }
}

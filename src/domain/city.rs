//! Cities of the recruitment plan and when they take applications.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::account::UnknownValue;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CityStatus {
    /// Taking applications (within its window, if it has one).
    Open,
    /// Temporarily not taking applications.
    Paused,
    /// Recruitment in this city is over.
    Closed,
}

impl CityStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Paused => "paused",
            Self::Closed => "closed",
        }
    }
}

impl FromStr for CityStatus {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(Self::Open),
            "paused" => Ok(Self::Paused),
            "closed" => Ok(Self::Closed),
            _ => Err(UnknownValue(s.to_owned())),
        }
    }
}

/// Whether a city takes submissions at `now`: open, and inside its window where one is set.
pub fn accepts_submissions(
    status: CityStatus,
    opens_at: Option<DateTime<Utc>>,
    closes_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    status == CityStatus::Open
        && opens_at.is_none_or(|opens| now >= opens)
        && closes_at.is_none_or(|closes| now < closes)
}

/// A GB/T 2260 administrative division code: six digits.
pub fn is_division_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_city_takes_submissions_only_when_open_and_in_its_window() {
        let now = Utc::now();
        let hour = Duration::hours(1);
        assert!(accepts_submissions(CityStatus::Open, None, None, now));
        assert!(accepts_submissions(
            CityStatus::Open,
            Some(now - hour),
            Some(now + hour),
            now
        ));
        assert!(accepts_submissions(CityStatus::Open, Some(now), None, now));
        assert!(!accepts_submissions(CityStatus::Open, None, Some(now), now));
        assert!(!accepts_submissions(
            CityStatus::Open,
            Some(now + hour),
            None,
            now
        ));
        assert!(!accepts_submissions(CityStatus::Paused, None, None, now));
        assert!(!accepts_submissions(CityStatus::Closed, None, None, now));
    }

    #[test]
    fn division_codes_are_six_digits() {
        assert!(is_division_code("320500"));
        assert!(!is_division_code("32050"));
        assert!(!is_division_code("32050A"));
    }
}

//! Cursor pagination: `?limit=` (default 20, at most 100) and an opaque `?cursor=` that carries
//! the keyset position of the last item, so pages stay stable and cheap at any depth (no OFFSET).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::AppError;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }

    /// The decoded cursor; one the server did not make is a 422 on `cursor`.
    pub fn after<K: for<'de> Deserialize<'de>>(&self) -> Result<Option<K>, AppError> {
        self.cursor
            .as_deref()
            .map(|cursor| decode_cursor("cursor", cursor))
            .transpose()
    }
}

/// The key in `cursor`, a parameter named `field`; one the server did not make is a 422 on it.
pub fn decode_cursor<K: for<'de> Deserialize<'de>>(
    field: &str,
    cursor: &str,
) -> Result<K, AppError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| AppError::field(field, "invalid_cursor"))
}

/// `limit` and `cursor` as `PageParams`, with `updated_since`: for the lists of what an
/// application gathers (its messages, its timeline), which integrators sync incrementally.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SincePageParams {
    /// Items per page, 1 to 100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only items added or changed at or after this time (for incremental sync).
    pub updated_since: Option<DateTime<Utc>>,
}

impl SincePageParams {
    /// The paging part; and `updated_since`.
    pub fn split(self) -> (PageParams, Option<DateTime<Utc>>) {
        let page = PageParams {
            limit: self.limit,
            cursor: self.cursor,
        };
        (page, self.updated_since)
    }
}

pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

/// A page of `T`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    #[schema(
        example = "WyIyMDI2LTAzLTAyVDA5OjE1OjAwWiIsIjAxOTU3YjEwLTRkMmUtN2YzYS04YjRjLTVkNmU3ZjhhOWIwYyJd"
    )]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only says that more exist.
    pub fn from_rows<R, K: Serialize>(
        mut rows: Vec<R>,
        limit: i64,
        key: impl Fn(&R) -> K,
        item: impl Fn(R) -> T,
    ) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| encode_cursor(&key(last)))
        } else {
            None
        };
        Self {
            items: rows.into_iter().map(item).collect(),
            next_cursor,
        }
    }
}

/// The usual keyset: creation time, then id to break ties.
pub type CreatedKey = (DateTime<Utc>, Uuid);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_has_a_cursor_only_when_more_rows_exist() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |n| *n, |n| n * 10);
        assert_eq!(page.items, [10, 20]);
        let params = PageParams {
            limit: Some(2),
            cursor: page.next_cursor,
        };
        assert_eq!(params.after::<i32>().ok().flatten(), Some(2));

        let last = Page::from_rows(vec![1, 2], 2, |n| *n, |n| n);
        assert!(last.next_cursor.is_none());
    }

    #[test]
    fn a_forged_cursor_is_refused() {
        let params = PageParams {
            limit: None,
            cursor: Some("not-a-cursor".into()),
        };
        assert!(matches!(
            params.after::<i32>(),
            Err(AppError::Validation(_))
        ));
    }
}

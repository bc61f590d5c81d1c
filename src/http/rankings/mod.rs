//! `/api/v1/rankings/{year}`: the national dealer-group ranking list that top-100 claims are
//! verified against.

pub mod get;
pub mod put;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::rankings::Entry;
use crate::error::AppError;

/// One group on the list.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"rank": 1, "name": "江苏华东汽车销售服务集团有限公司", "uscc": "91320500MA1MQ7K23W"}))]
pub struct RankingEntry {
    #[validate(range(min = 1, max = 10_000))]
    #[schema(minimum = 1, maximum = 10_000)]
    pub rank: i32,
    /// The group's legal name as the list prints it.
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 200)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub name: String,
    /// Unified Social Credit Code, where the list has it.
    #[schema(min_length = 18, max_length = 18)]
    pub uscc: Option<String>,
}

impl From<Entry> for RankingEntry {
    fn from(entry: Entry) -> Self {
        Self {
            rank: entry.rank,
            name: entry.name,
            uscc: entry.uscc,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "year": 2025,
    "entries": [
        {"rank": 1, "name": "江苏华东汽车销售服务集团有限公司", "uscc": "91320500MA1MQ7K23W"},
        {"rank": 2, "name": "深圳南方汽车集团股份有限公司", "uscc": "91440300MA5EU2KH4X"},
        {"rank": 3, "name": "上海浦江汽车服务有限公司", "uscc": null}
    ]
}))]
pub struct RankingList {
    pub year: i32,
    pub entries: Vec<RankingEntry>,
}

/// 422 on `year` outside the years a list can be for.
fn check_year(year: i32) -> Result<(), AppError> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(AppError::Validation(vec![
            crate::error::FieldError::new("year", "range")
                .with_param("min", 2000)
                .with_param("max", 2100),
        ]))
    }
}

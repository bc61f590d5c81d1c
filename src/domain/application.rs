//! An application of a dealer group for one city: what it proposes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiteType {
    CommercialPlaza,
    /// Next to one of the maker's own consumer-electronics retail outlets.
    RetailOutletAdjacent,
    AutoBusinessDistrict,
    Street,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeaseStatus {
    Owned,
    Leased,
    Negotiating,
    None,
}

/// A site the group proposes for the store, in the application's city.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
pub struct ProposedSite {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 300)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub address: String,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100, example = "Gusu")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub district: String,
    pub site_type: SiteType,
    /// The plaza's name, for `commercial_plaza` sites.
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::domain::text::trimmed_opt")]
    pub commercial_plaza: Option<String>,
    #[validate(range(min = 0.0, max = 1_000_000.0))]
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub site_area_sqm: f64,
    #[validate(range(min = 0.0, max = 10_000.0))]
    #[schema(minimum = 0, maximum = 10_000)]
    pub frontage_m: f64,
    #[validate(range(min = 0.0, max = 100.0))]
    #[schema(minimum = 0, maximum = 100)]
    pub showroom_height_m: f64,
    #[validate(range(min = 0.0, max = 1_000_000.0))]
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub showroom_sqm: f64,
    #[validate(range(min = 0.0, max = 1_000_000.0))]
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub workshop_sqm: f64,
    pub lease_status: LeaseStatus,
}

/// The customers the group brings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct CustomerBase {
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100_000_000)]
    pub active_customers: i64,
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100_000_000)]
    pub annual_service_visits: Option<i64>,
}

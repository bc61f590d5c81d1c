//! An application of a dealer group for one city: what it proposes. A draft (`ProposalDraft`)
//! may leave anything but the city out; submitting needs the complete `Proposal`, which is what
//! eligibility reads.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// The store format: agency sales plus authorised service.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::EnumString,
)]
pub enum StoreFormat {
    #[default]
    #[serde(rename = "2S")]
    #[strum(serialize = "2S")]
    TwoS,
}

impl StoreFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TwoS => "2S",
        }
    }
}

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

/// A term of the 2S partnership the group accepts by ticking it; `submit` needs every one
/// ([`Acknowledgement::ALL`]), and the letter of intent states them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Acknowledgement {
    /// The group sells the maker's vehicles as the maker's agent, at the maker's prices; it
    /// does not buy them for resale.
    AgencySalesNoResale,
    /// The group does not deliver vehicles to customers: the maker delivers them.
    NoVehicleDelivery,
}

impl Acknowledgement {
    pub const ALL: [Self; 2] = [Self::AgencySalesNoResale, Self::NoVehicleDelivery];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AgencySalesNoResale => "agency_sales_no_resale",
            Self::NoVehicleDelivery => "no_vehicle_delivery",
        }
    }
}

/// What an applicant writes in an application. Only `city_code` is needed to save a draft; what
/// is sent is checked, and `submit` checks that nothing is missing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[schema(as = ApplicationRequest, example = json!({
    "city_code": "320500",
    "store_format": "2S",
    "proposed_sites": [{
        "address": "1288 Wuzhong Avenue",
        "district": "Wuzhong",
        "site_type": "auto_business_district",
        "site_area_sqm": 4200.0,
        "frontage_m": 32.0,
        "showroom_height_m": 7.5,
        "showroom_sqm": 650.0,
        "workshop_sqm": 1200.0,
        "lease_status": "negotiating"
    }],
    "investment_cny": 28000000,
    "planned_opening": "2027-05-01",
    "customer_base": {"active_customers": 38000, "annual_service_visits": 52000},
    "notes": "The site is in Suzhou's auto business district, two streets from our Mercedes-Benz dealership; the lease can be signed within a month of the letter of intent.",
    "acknowledgements": ["agency_sales_no_resale", "no_vehicle_delivery"]
}))]
pub struct ProposalDraft {
    /// The target city (GB/T 2260 code); it cannot change once the application exists.
    #[schema(pattern = "^[0-9]{6}$", example = "320500")]
    pub city_code: String,
    /// `2S`, the only format; absent means `2S`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_format: Option<StoreFormat>,
    /// At least one to submit.
    #[validate(length(max = 10), nested)]
    #[schema(max_items = 10)]
    #[serde(default)]
    pub proposed_sites: Vec<SiteDraft>,
    /// Planned investment, whole CNY.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investment_cny: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_opening: Option<NaiveDate>,
    #[validate(nested)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_base: Option<CustomerBaseDraft>,
    #[validate(
        length(max = 2000),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(max_length = 2000)]
    #[serde(
        default,
        deserialize_with = "crate::domain::text::trimmed_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub notes: Option<String>,
    /// The terms of the 2S partnership the group accepts: `submit` needs both
    /// `agency_sales_no_resale` (it sells as the maker's agent and does not resell) and
    /// `no_vehicle_delivery` (the maker delivers the vehicles); each one missing is named as
    /// `acknowledgements.<value>`. A set: order and repeats do not matter.
    #[serde(default)]
    #[schema(example = json!(["agency_sales_no_resale", "no_vehicle_delivery"]))]
    pub acknowledgements: BTreeSet<Acknowledgement>,
}

/// A site the group proposes for the store, in the application's city; in a draft any field may
/// still be missing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[schema(as = ProposedSite, example = json!({
    "address": "1288 Wuzhong Avenue",
    "district": "Wuzhong",
    "site_type": "auto_business_district",
    "site_area_sqm": 4200.0,
    "frontage_m": 32.0,
    "showroom_height_m": 7.5,
    "showroom_sqm": 650.0,
    "workshop_sqm": 1200.0,
    "lease_status": "negotiating"
}))]
pub struct SiteDraft {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 300)]
    #[serde(
        default,
        deserialize_with = "crate::domain::text::trimmed_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub address: Option<String>,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100, example = "Gusu")]
    #[serde(
        default,
        deserialize_with = "crate::domain::text::trimmed_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub district: Option<String>,
    /// The GB/T 2260 code of the site's district or county (`320508`: Gusu, Suzhou), which must
    /// lie in the application's city (422 `district_outside_city`). Not needed to submit; the
    /// eligibility report calls a site without it not located.
    #[validate(custom(function = "crate::domain::division::division_code"))]
    #[schema(pattern = "^[0-9]{6}$", example = "320508")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_type: Option<SiteType>,
    /// The plaza's name, for `commercial_plaza` sites (never required).
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 200)]
    #[serde(
        default,
        deserialize_with = "crate::domain::text::trimmed_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub commercial_plaza: Option<String>,
    #[validate(range(min = 0.0, max = 1_000_000.0))]
    #[schema(minimum = 0, maximum = 1_000_000)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_area_sqm: Option<f64>,
    #[validate(range(min = 0.0, max = 10_000.0))]
    #[schema(minimum = 0, maximum = 10_000)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontage_m: Option<f64>,
    #[validate(range(min = 0.0, max = 100.0))]
    #[schema(minimum = 0, maximum = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub showroom_height_m: Option<f64>,
    #[validate(range(min = 0.0, max = 1_000_000.0))]
    #[schema(minimum = 0, maximum = 1_000_000)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub showroom_sqm: Option<f64>,
    /// Square metres of workshop; absent (never required) means the site has none, as a
    /// showroom point may.
    #[validate(range(min = 0.0, max = 1_000_000.0))]
    #[schema(minimum = 0, maximum = 1_000_000)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workshop_sqm: Option<f64>,
    /// Whether the group controls the site: `none` fails eligibility's site control (with the
    /// default criteria `owned`, `leased` and `negotiating` pass).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_status: Option<LeaseStatus>,
}

/// The customers the group brings; `active_customers` is needed to submit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[schema(as = CustomerBase, example = json!({"active_customers": 38000, "annual_service_visits": 52000}))]
pub struct CustomerBaseDraft {
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100_000_000)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_customers: Option<i64>,
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100_000_000)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_service_visits: Option<i64>,
}

/// A complete proposal: what submitting needs and eligibility reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub sites: Vec<ProposedSite>,
    pub investment_cny: i64,
    pub planned_opening: NaiveDate,
    pub customers: CustomerBase,
}

/// A complete proposed site (a missing workshop reads as 0 m²).
#[derive(Clone, Debug, PartialEq)]
pub struct ProposedSite {
    pub address: String,
    pub district: String,
    /// GB/T 2260 county-level code, if the applicant gave one.
    pub district_code: Option<String>,
    pub site_type: SiteType,
    pub commercial_plaza: Option<String>,
    pub site_area_sqm: f64,
    pub frontage_m: f64,
    pub showroom_height_m: f64,
    pub showroom_sqm: f64,
    pub workshop_sqm: f64,
    pub lease_status: LeaseStatus,
}

/// The customers of a complete proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerBase {
    pub active_customers: i64,
    pub annual_service_visits: Option<i64>,
}

/// Collects the JSON paths of the fields a draft still lacks.
struct Missing(Vec<String>);

impl Missing {
    fn need<T: Clone>(&mut self, value: &Option<T>, path: impl FnOnce() -> String) -> Option<T> {
        if value.is_none() {
            self.0.push(path());
        }
        value.clone()
    }
}

impl ProposalDraft {
    /// The complete proposal, or the JSON path of every field still missing (in form order); an
    /// acknowledgement not given is named `acknowledgements.<value>`.
    pub fn proposal(&self) -> Result<Proposal, Vec<String>> {
        let mut missing = Missing(Vec::new());
        if self.proposed_sites.is_empty() {
            missing.0.push("proposed_sites".to_owned());
        }
        let sites: Vec<Option<ProposedSite>> = self
            .proposed_sites
            .iter()
            .enumerate()
            .map(|(index, site)| site.complete(&mut missing, &format!("proposed_sites[{index}]")))
            .collect();
        let investment_cny = missing.need(&self.investment_cny, || "investment_cny".into());
        let planned_opening = missing.need(&self.planned_opening, || "planned_opening".into());
        let customers = match &self.customer_base {
            None => {
                missing.0.push("customer_base".to_owned());
                None
            }
            Some(base) => missing
                .need(&base.active_customers, || {
                    "customer_base.active_customers".into()
                })
                .map(|active_customers| CustomerBase {
                    active_customers,
                    annual_service_visits: base.annual_service_visits,
                }),
        };
        for acknowledgement in Acknowledgement::ALL {
            if !self.acknowledgements.contains(&acknowledgement) {
                missing
                    .0
                    .push(format!("acknowledgements.{}", acknowledgement.as_str()));
            }
        }
        match (
            sites.into_iter().collect::<Option<Vec<_>>>(),
            investment_cny,
            planned_opening,
            customers,
        ) {
            (Some(sites), Some(investment_cny), Some(planned_opening), Some(customers))
                if missing.0.is_empty() =>
            {
                Ok(Proposal {
                    sites,
                    investment_cny,
                    planned_opening,
                    customers,
                })
            }
            _ => Err(missing.0),
        }
    }
}

impl SiteDraft {
    fn complete(&self, missing: &mut Missing, at: &str) -> Option<ProposedSite> {
        let field = |name: &str| format!("{at}.{name}");
        let address = missing.need(&self.address, || field("address"));
        let district = missing.need(&self.district, || field("district"));
        let site_type = missing.need(&self.site_type, || field("site_type"));
        let site_area_sqm = missing.need(&self.site_area_sqm, || field("site_area_sqm"));
        let frontage_m = missing.need(&self.frontage_m, || field("frontage_m"));
        let showroom_height_m =
            missing.need(&self.showroom_height_m, || field("showroom_height_m"));
        let showroom_sqm = missing.need(&self.showroom_sqm, || field("showroom_sqm"));
        let lease_status = missing.need(&self.lease_status, || field("lease_status"));
        Some(ProposedSite {
            address: address?,
            district: district?,
            district_code: self.district_code.clone(),
            site_type: site_type?,
            commercial_plaza: self.commercial_plaza.clone(),
            site_area_sqm: site_area_sqm?,
            frontage_m: frontage_m?,
            showroom_height_m: showroom_height_m?,
            showroom_sqm: showroom_sqm?,
            // Absent: the site has no workshop, which a showroom point does not need.
            workshop_sqm: self.workshop_sqm.unwrap_or(0.0),
            lease_status: lease_status?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_with_only_its_city_misses_every_field() {
        let draft = ProposalDraft {
            city_code: "320500".into(),
            ..ProposalDraft::default()
        };
        assert_eq!(
            draft.proposal().unwrap_err(),
            [
                "proposed_sites",
                "investment_cny",
                "planned_opening",
                "customer_base",
                "acknowledgements.agency_sales_no_resale",
                "acknowledgements.no_vehicle_delivery"
            ]
        );
    }

    #[test]
    fn each_acknowledgement_not_given_is_named() {
        let mut draft = complete();
        assert!(draft.proposal().is_ok());
        draft
            .acknowledgements
            .remove(&Acknowledgement::NoVehicleDelivery);
        assert_eq!(
            draft.proposal().unwrap_err(),
            ["acknowledgements.no_vehicle_delivery"]
        );
        draft.acknowledgements.clear();
        assert_eq!(
            draft.proposal().unwrap_err(),
            [
                "acknowledgements.agency_sales_no_resale",
                "acknowledgements.no_vehicle_delivery"
            ]
        );
        let read: ProposalDraft = serde_json::from_value(serde_json::json!({
            "city_code": "320500",
            "acknowledgements": ["no_vehicle_delivery", "agency_sales_no_resale", "no_vehicle_delivery"]
        }))
        .unwrap();
        assert_eq!(read.acknowledgements, BTreeSet::from(Acknowledgement::ALL));
    }

    #[test]
    fn a_site_without_a_workshop_is_complete_with_none() {
        let mut draft = complete();
        draft.proposed_sites[0].workshop_sqm = None;
        assert_eq!(draft.proposal().unwrap().sites[0].workshop_sqm, 0.0);
    }

    fn site() -> SiteDraft {
        SiteDraft {
            address: Some("1 Renmin Road".into()),
            district: Some("Gusu".into()),
            site_type: Some(SiteType::Street),
            site_area_sqm: Some(3000.0),
            frontage_m: Some(30.0),
            showroom_height_m: Some(6.0),
            showroom_sqm: Some(300.0),
            workshop_sqm: Some(500.0),
            lease_status: Some(LeaseStatus::Owned),
            commercial_plaza: None,
            district_code: None,
        }
    }

    fn complete() -> ProposalDraft {
        ProposalDraft {
            city_code: "320500".into(),
            store_format: None,
            proposed_sites: vec![site()],
            investment_cny: Some(1),
            planned_opening: NaiveDate::from_ymd_opt(2027, 5, 1),
            customer_base: Some(CustomerBaseDraft {
                active_customers: Some(10),
                annual_service_visits: None,
            }),
            notes: None,
            acknowledgements: BTreeSet::from(Acknowledgement::ALL),
        }
    }

    #[test]
    fn missing_fields_of_sites_are_named_by_path() {
        let site = site();
        let mut draft = ProposalDraft {
            city_code: "320500".into(),
            store_format: None,
            proposed_sites: vec![
                site.clone(),
                SiteDraft {
                    frontage_m: None,
                    lease_status: None,
                    ..site.clone()
                },
            ],
            investment_cny: Some(1),
            planned_opening: NaiveDate::from_ymd_opt(2027, 5, 1),
            customer_base: Some(CustomerBaseDraft::default()),
            notes: None,
            acknowledgements: BTreeSet::from(Acknowledgement::ALL),
        };
        assert_eq!(
            draft.proposal().unwrap_err(),
            [
                "proposed_sites[1].frontage_m",
                "proposed_sites[1].lease_status",
                "customer_base.active_customers"
            ]
        );
        draft.proposed_sites.truncate(1);
        draft.customer_base = Some(CustomerBaseDraft {
            active_customers: Some(10),
            annual_service_visits: None,
        });
        let proposal = draft.proposal().unwrap();
        assert_eq!(proposal.sites[0].frontage_m, 30.0);
        assert_eq!(proposal.customers.active_customers, 10);
    }
}

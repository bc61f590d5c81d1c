//! A dealer group's profile: what it tells about itself when it applies.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::division;

/// The segment of a brand a group sells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// New-energy vehicles (battery-electric, plug-in hybrid).
    Nev,
    Luxury,
    MainstreamIce,
}

/// A brand the group operates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct Brand {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100, example = "BYD")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub brand: String,
    pub segment: Segment,
    /// Years the group has sold this brand.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub years: i32,
    /// Vehicles of this brand sold in the last year.
    #[validate(range(min = 0, max = 10_000_000))]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub annual_units: i64,
}

/// Stores the group runs in one province.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct ProvincePresence {
    /// A province-level division: its name in English or Chinese, with or without its suffix
    /// (`Jiangsu`, `Jiangsu Province`, `江苏`, `江苏省`), or its GB/T 2260 code (`320000`).
    /// Responses give its usual English name.
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::domain::division::known_province")
    )]
    #[schema(min_length = 1, max_length = 50, example = "Jiangsu")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub province: String,
    /// The province's GB/T 2260 code, worked out from `province` (ignored when sent); null only
    /// for a name stored before v1.1 that names no province.
    #[schema(read_only, pattern = "^[0-9]{6}$", example = "320000")]
    #[serde(default)]
    pub province_code: Option<String>,
    #[validate(range(min = 0, max = 100_000))]
    #[schema(minimum = 0, maximum = 100_000)]
    pub stores: i32,
}

/// What after-sales work the group can do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct AfterSales {
    pub mechanical: bool,
    pub sheet_metal: bool,
    pub paint: bool,
    /// National motor-vehicle repair qualification class: 1, 2 or 3.
    #[validate(range(min = 1, max = 3))]
    #[schema(minimum = 1, maximum = 3)]
    pub repair_class: i32,
}

/// The group's claim to a place in the national top-100 list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct RankClaim {
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[validate(range(min = 1, max = 10_000))]
    #[schema(minimum = 1, maximum = 10_000)]
    pub rank: i32,
}

/// Everything a group says about itself; the body of `POST /api/v1/dealer-groups`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "legal_name": "江苏华东汽车销售服务集团有限公司",
    "uscc": "91320500MA1MQ7K23W",
    "hq_city": "Suzhou",
    "hq_province": "Jiangsu",
    "founded_year": 2004,
    "registered_capital_cny": 200000000,
    "annual_revenue_cny": 36000000000_i64,
    "stores_total": 126,
    "national_rank_claim": {"year": 2025, "rank": 1},
    "provinces": [
        {"province": "Jiangsu", "stores": 68},
        {"province": "Zhejiang", "stores": 31},
        {"province": "Shanghai", "stores": 27}
    ],
    "brands": [
        {"brand": "BYD", "segment": "nev", "years": 7, "annual_units": 9800},
        {"brand": "Mercedes-Benz", "segment": "luxury", "years": 15, "annual_units": 12600},
        {"brand": "Toyota", "segment": "mainstream_ice", "years": 18, "annual_units": 21400}
    ],
    "after_sales": {"mechanical": true, "sheet_metal": true, "paint": true, "repair_class": 1},
    "contact": {"name": "Wang Fang", "phone": "13912345678", "email": "wang.fang@dealer.example"}
}))]
pub struct Profile {
    /// The registered legal name.
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "江苏华东汽车销售服务集团有限公司"
    )]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub legal_name: String,
    /// Unified Social Credit Code (18 characters, valid check character).
    #[validate(custom(function = "crate::domain::uscc::validate"))]
    #[schema(
        min_length = 18,
        max_length = 18,
        pattern = "^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$",
        example = "91320500MA1MQ7K23W"
    )]
    pub uscc: String,
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 50, example = "Suzhou")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub hq_city: String,
    /// The headquarters' province-level division, written as `provinces[].province` is; responses
    /// give its usual English name.
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::domain::division::known_province")
    )]
    #[schema(min_length = 1, max_length = 50, example = "Jiangsu")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub hq_province: String,
    /// The GB/T 2260 code of `hq_province`, worked out from it (ignored when sent).
    #[schema(read_only, pattern = "^[0-9]{6}$", example = "320000")]
    #[serde(default)]
    pub hq_province_code: Option<String>,
    #[validate(range(min = 1900, max = 2100))]
    #[schema(minimum = 1900, maximum = 2100)]
    pub founded_year: i32,
    /// Whole CNY.
    #[validate(range(min = 0, max = 1_000_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub registered_capital_cny: i64,
    /// Whole CNY, last financial year.
    #[validate(range(min = 0, max = 1_000_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub annual_revenue_cny: i64,
    #[validate(range(min = 0, max = 100_000))]
    #[schema(minimum = 0, maximum = 100_000)]
    pub stores_total: i32,
    /// The group's claim to the national top-100 list, or null.
    #[validate(nested)]
    pub national_rank_claim: Option<RankClaim>,
    /// Stores by province.
    #[validate(length(max = 40), nested)]
    #[schema(max_items = 40)]
    pub provinces: Vec<ProvincePresence>,
    /// Brands operated.
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub brands: Vec<Brand>,
    #[validate(nested)]
    pub after_sales: AfterSales,
    #[validate(nested)]
    pub contact: Contact,
    /// The company the group belongs to, or null. A subsidiary of a top-100 group is verified
    /// through it once an admin confirms the relation; changing it clears the confirmation.
    #[validate(nested)]
    #[serde(default)]
    pub parent: Option<Parent>,
}

/// The company a group belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"legal_name": "东方汽车控股集团有限公司", "uscc": "91320000134567890Y"}))]
pub struct Parent {
    /// Its registered legal name.
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 200)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub legal_name: String,
    /// Its Unified Social Credit Code (18 characters, valid check character), not the group's
    /// own.
    #[validate(custom(function = "crate::domain::uscc::validate"))]
    #[schema(
        min_length = 18,
        max_length = 18,
        pattern = "^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$"
    )]
    pub uscc: String,
}

/// How a group's top-100 standing was verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RankVerifiedVia {
    /// The latest ranking list confirms the group's own claim.
    #[serde(rename = "self")]
    Own,
    /// The group's confirmed parent is in the latest list's top 100.
    Parent,
}

impl RankVerifiedVia {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Own => "self",
            Self::Parent => "parent",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Own, Self::Parent]
            .into_iter()
            .find(|via| via.as_str() == text)
    }
}

/// Why staff may want to look at another group beside this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SimilarReason {
    /// Both name the same parent (by USCC).
    SameParent,
    /// Their legal names are the same once normalised (`name_key`).
    SameName,
    /// Their contacts have the same phone number.
    SamePhone,
    /// Their contacts have the same e-mail address.
    SameEmail,
}

/// What groups are compared by, normalised: the parent's USCC, the name key, the contact's phone
/// without `+86` and e-mail in lower case (as stored in columns of their own, to be looked up).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchKeys {
    pub parent_uscc: Option<String>,
    pub name_key: String,
    pub phone: String,
    pub email: String,
}

impl MatchKeys {
    pub fn of(profile: &Profile) -> Self {
        let phone = &profile.contact.phone;
        Self {
            parent_uscc: profile.parent.as_ref().map(|p| p.uscc.clone()),
            name_key: name_key(&profile.legal_name),
            phone: phone.strip_prefix("+86").unwrap_or(phone).to_owned(),
            // ASCII only, as SQLite's `lower()` (which filled the column at first) does.
            email: profile.contact.email.to_ascii_lowercase(),
        }
    }

    /// What `other` shares with these keys, in a fixed order.
    pub fn shared_with(&self, other: &MatchKeys) -> Vec<SimilarReason> {
        let parent = self.parent_uscc.is_some() && self.parent_uscc == other.parent_uscc;
        [
            (parent, SimilarReason::SameParent),
            (self.name_key == other.name_key, SimilarReason::SameName),
            (self.phone == other.phone, SimilarReason::SamePhone),
            (self.email == other.email, SimilarReason::SameEmail),
        ]
        .into_iter()
        .filter_map(|(shared, reason)| shared.then_some(reason))
        .collect()
    }
}

/// Who to contact at the group about the application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct Contact {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100, example = "Wang Fang")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub name: String,
    /// A mainland mobile number: 11 digits starting with 1, optionally after `+86`.
    #[validate(custom(function = "validate_mobile"))]
    #[schema(pattern = r"^(\+86)?1[0-9]{10}$", example = "13912345678")]
    pub phone: String,
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254, example = "wang.fang@dealer.example")]
    pub email: String,
}

/// Whether `phone` is a mainland mobile number.
pub fn is_mainland_mobile(phone: &str) -> bool {
    let digits = phone.strip_prefix("+86").unwrap_or(phone);
    digits.len() == 11 && digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit())
}

fn validate_mobile(phone: &str) -> Result<(), validator::ValidationError> {
    if is_mainland_mobile(phone) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("mobile_phone"))
    }
}

/// A legal name reduced to what identifies it, for matching against the ranking list: full-width
/// forms folded to ASCII, case, spaces and punctuation dropped ("（" and "(" are the same).
pub fn name_key(legal_name: &str) -> String {
    legal_name
        .chars()
        .map(|c| match c {
            // Full-width ASCII variants (U+FF01..U+FF5E) sit 0xFEE0 above their ASCII twins.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A place as the profile shows it: the division's usual English name and its code; text that
/// names no division (stored before v1.1) is kept as it is, without a code.
pub fn place(text: &str) -> (String, Option<String>) {
    match division::find(text) {
        Some(d) => (d.name_en.to_owned(), Some(d.code.to_owned())),
        None => (text.to_owned(), None),
    }
}

/// A place as it is stored: the division's code, or the text that names none.
pub fn stored_place(text: &str) -> String {
    division::find(text).map_or_else(|| text.to_owned(), |d| d.code.to_owned())
}

impl ProvincePresence {
    /// `stores` in the province written `province` (a name or a code), as the profile shows it.
    pub fn new(province: &str, stores: i32) -> Self {
        let (province, province_code) = place(province);
        Self {
            province,
            province_code,
            stores,
        }
    }
}

impl Profile {
    /// The profile with its places as it shows them: the usual English names beside their codes,
    /// whatever language or form they were written in. Two profiles that name the same places
    /// differently are then equal.
    pub fn with_places_coded(mut self) -> Self {
        (self.hq_province, self.hq_province_code) = place(&self.hq_province);
        for presence in &mut self.provinces {
            *presence = ProvincePresence::new(&presence.province, presence.stores);
        }
        self
    }
}

/// Stores the group runs in the province whose GB/T 2260 code is `province_code`.
pub fn stores_in_province(provinces: &[ProvincePresence], province_code: &str) -> i32 {
    provinces
        .iter()
        .filter(|p| p.province_code.as_deref() == Some(province_code))
        .map(|p| p.stores)
        .sum()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn mainland_mobiles_are_eleven_digits_from_one() {
        assert!(is_mainland_mobile("13912345678"));
        assert!(is_mainland_mobile("+8613912345678"));
        assert!(!is_mainland_mobile("23912345678"));
        assert!(!is_mainland_mobile("1391234567"));
        assert!(!is_mainland_mobile("+8523912345678"));
        assert!(!is_mainland_mobile("139-1234-5678"));
    }

    #[test]
    fn name_keys_ignore_width_case_spaces_and_punctuation() {
        assert_eq!(
            name_key("苏州（新区）汽车集团有限公司"),
            name_key("苏州(新区)汽车集团 有限公司")
        );
        assert_eq!(name_key("ABC Motors Co., Ltd."), "abcmotorscoltd");
        assert_eq!(name_key("ＡＢＣ　Motors"), "abcmotors");
        assert_ne!(name_key("苏州汽车"), name_key("无锡汽车"));
    }

    fn keys(parent: Option<&str>, name: &str, phone: &str, email: &str) -> MatchKeys {
        MatchKeys {
            parent_uscc: parent.map(str::to_owned),
            name_key: name_key(name),
            phone: phone.to_owned(),
            email: email.to_owned(),
        }
    }

    #[test]
    fn groups_are_alike_by_parent_name_phone_and_email() {
        let one = keys(Some("P"), "Alpha Motors", "13912345678", "a@x.example");
        assert_eq!(
            one.shared_with(&keys(
                Some("P"),
                "ALPHA motors",
                "13912345678",
                "a@x.example"
            )),
            [
                SimilarReason::SameParent,
                SimilarReason::SameName,
                SimilarReason::SamePhone,
                SimilarReason::SameEmail
            ]
        );
        assert!(
            one.shared_with(&keys(Some("Q"), "Beta", "13900000000", "b@x.example"))
                .is_empty()
        );
        // Two groups without a parent do not share one.
        let orphan = keys(None, "Gamma", "1", "g@x.example");
        assert!(
            orphan
                .shared_with(&keys(None, "Delta", "2", "d@x.example"))
                .is_empty()
        );
    }

    #[test]
    fn match_keys_normalise_the_contact() {
        let mut profile: Profile = serde_json::from_value(json!({
            "legal_name": "Alpha Motors", "uscc": "X", "hq_city": "S", "hq_province": "J",
            "founded_year": 2000, "registered_capital_cny": 1, "annual_revenue_cny": 1,
            "stores_total": 1, "national_rank_claim": null, "provinces": [], "brands": [],
            "after_sales": {"mechanical": true, "sheet_metal": true, "paint": true, "repair_class": 1},
            "contact": {"name": "W", "phone": "+8613912345678", "email": "Wang@Dealer.example"}
        }))
        .unwrap();
        let keys = MatchKeys::of(&profile);
        assert_eq!(
            (keys.phone.as_str(), keys.email.as_str()),
            ("13912345678", "wang@dealer.example")
        );
        assert_eq!(keys.parent_uscc, None);
        profile.parent = Some(Parent {
            legal_name: "Holding".into(),
            uscc: "P".into(),
        });
        assert_eq!(MatchKeys::of(&profile).parent_uscc.as_deref(), Some("P"));
    }

    #[test]
    fn rank_verification_is_named_self_or_parent() {
        for via in [RankVerifiedVia::Own, RankVerifiedVia::Parent] {
            assert_eq!(RankVerifiedVia::parse(via.as_str()), Some(via));
            assert_eq!(serde_json::to_value(via).unwrap(), via.as_str());
        }
    }

    #[test]
    fn stores_in_a_province_add_up_by_code_whatever_the_language() {
        let provinces = vec![
            ProvincePresence::new("Jiangsu", 2),
            ProvincePresence::new("江苏省", 1),
            ProvincePresence::new("320000", 4),
            ProvincePresence::new("Zhejiang", 5),
            ProvincePresence::new("Jiangsu Prov.", 7),
        ];
        assert_eq!(stores_in_province(&provinces, "320000"), 7);
        assert_eq!(stores_in_province(&provinces, "330000"), 5);
        assert_eq!(stores_in_province(&provinces, "340000"), 0);
    }

    #[test]
    fn places_show_the_english_name_beside_the_code() {
        assert_eq!(
            ProvincePresence::new("广东省", 3),
            ProvincePresence {
                province: "Guangdong".into(),
                province_code: Some("440000".into()),
                stores: 3,
            }
        );
        // Text stored before v1.1 that names no province is kept, without a code.
        assert_eq!(place("Jiangsu Prov."), ("Jiangsu Prov.".into(), None));
        assert_eq!(stored_place("重庆市"), "500000");
        assert_eq!(stored_place("500000"), "500000");
        assert_eq!(stored_place("Atlantis"), "Atlantis");
    }
}

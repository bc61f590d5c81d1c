//! China's administrative divisions (GB/T 2260) as far as the product needs them: the 34
//! province-level divisions by name in either language or by code, and whether a county-level
//! code lies in a city of the plan.
//!
//! Hand-written rather than taken from a crate: the one Rust crate with GB/T 2260 data (`gb2260`)
//! is unmaintained since 2018 and has Chinese names only, while the product must read the English
//! names dealer groups write ("Jiangsu Province", "Inner Mongolia", "Hong Kong SAR"). District
//! codes are checked by their structure (the code's digits name its city), not against a list of
//! counties, which changes every year.

use std::collections::HashMap;
use std::sync::LazyLock;

use validator::ValidationError;

use super::city::is_division_code;
use super::dealer_group::name_key;

/// What a province-level division is called: its English and Chinese suffixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Province,
    Municipality,
    AutonomousRegion,
    SpecialAdministrativeRegion,
}

impl Kind {
    /// The suffixes the names are written with, in English (as keys) and in Chinese.
    fn suffixes(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Self::Province => (&["province"], &["省"]),
            Self::Municipality => (&["municipality", "city"], &["市"]),
            Self::AutonomousRegion => (&["autonomousregion"], &["自治区"]),
            Self::SpecialAdministrativeRegion => (
                &["specialadministrativeregion", "sar"],
                &["特别行政区", "特区"],
            ),
        }
    }
}

/// A province-level division: a province, a municipality under the central government, an
/// autonomous region or a special administrative region.
#[derive(Debug, PartialEq, Eq)]
pub struct Division {
    /// GB/T 2260: the two-digit prefix and `0000`, e.g. `320000`.
    pub code: &'static str,
    /// The usual English name, without suffix: `Jiangsu`, `Inner Mongolia`.
    pub name_en: &'static str,
    /// The full Chinese name: `江苏省`, `内蒙古自治区`.
    pub name_zh: &'static str,
    /// The Chinese name without its suffix: `江苏`, `内蒙古`.
    short_zh: &'static str,
    kind: Kind,
    /// Other names in use: official full names naming a people, older or other romanisations.
    aliases: &'static [&'static str],
}

const fn division(
    code: &'static str,
    name_en: &'static str,
    name_zh: &'static str,
    short_zh: &'static str,
    kind: Kind,
    aliases: &'static [&'static str],
) -> Division {
    Division {
        code,
        name_en,
        name_zh,
        short_zh,
        kind,
        aliases,
    }
}

use Kind::{AutonomousRegion, Municipality, Province, SpecialAdministrativeRegion};

/// The 34 province-level divisions, in code order.
pub static PROVINCES: [Division; 34] = [
    division("110000", "Beijing", "北京市", "北京", Municipality, &[]),
    division("120000", "Tianjin", "天津市", "天津", Municipality, &[]),
    division("130000", "Hebei", "河北省", "河北", Province, &[]),
    division("140000", "Shanxi", "山西省", "山西", Province, &[]),
    division(
        "150000",
        "Inner Mongolia",
        "内蒙古自治区",
        "内蒙古",
        AutonomousRegion,
        &["Nei Mongol", "Nei Menggu", "Nei Mongol Autonomous Region"],
    ),
    division("210000", "Liaoning", "辽宁省", "辽宁", Province, &[]),
    division("220000", "Jilin", "吉林省", "吉林", Province, &[]),
    division(
        "230000",
        "Heilongjiang",
        "黑龙江省",
        "黑龙江",
        Province,
        &[],
    ),
    division("310000", "Shanghai", "上海市", "上海", Municipality, &[]),
    division("320000", "Jiangsu", "江苏省", "江苏", Province, &[]),
    division("330000", "Zhejiang", "浙江省", "浙江", Province, &[]),
    division("340000", "Anhui", "安徽省", "安徽", Province, &[]),
    division("350000", "Fujian", "福建省", "福建", Province, &[]),
    division("360000", "Jiangxi", "江西省", "江西", Province, &[]),
    division("370000", "Shandong", "山东省", "山东", Province, &[]),
    division("410000", "Henan", "河南省", "河南", Province, &[]),
    division("420000", "Hubei", "湖北省", "湖北", Province, &[]),
    division("430000", "Hunan", "湖南省", "湖南", Province, &[]),
    division("440000", "Guangdong", "广东省", "广东", Province, &[]),
    division(
        "450000",
        "Guangxi",
        "广西壮族自治区",
        "广西",
        AutonomousRegion,
        &["Guangxi Zhuang Autonomous Region"],
    ),
    division("460000", "Hainan", "海南省", "海南", Province, &[]),
    division("500000", "Chongqing", "重庆市", "重庆", Municipality, &[]),
    division("510000", "Sichuan", "四川省", "四川", Province, &[]),
    division("520000", "Guizhou", "贵州省", "贵州", Province, &[]),
    division("530000", "Yunnan", "云南省", "云南", Province, &[]),
    division(
        "540000",
        "Tibet",
        "西藏自治区",
        "西藏",
        AutonomousRegion,
        &["Xizang", "Xizang Autonomous Region"],
    ),
    division("610000", "Shaanxi", "陕西省", "陕西", Province, &[]),
    division("620000", "Gansu", "甘肃省", "甘肃", Province, &[]),
    division("630000", "Qinghai", "青海省", "青海", Province, &[]),
    division(
        "640000",
        "Ningxia",
        "宁夏回族自治区",
        "宁夏",
        AutonomousRegion,
        &["Ningxia Hui Autonomous Region"],
    ),
    division(
        "650000",
        "Xinjiang",
        "新疆维吾尔自治区",
        "新疆",
        AutonomousRegion,
        &[
            "Xinjiang Uygur Autonomous Region",
            "Xinjiang Uyghur Autonomous Region",
        ],
    ),
    division("710000", "Taiwan", "台湾省", "台湾", Province, &[]),
    division(
        "810000",
        "Hong Kong",
        "香港特别行政区",
        "香港",
        SpecialAdministrativeRegion,
        &[],
    ),
    division(
        "820000",
        "Macao",
        "澳门特别行政区",
        "澳门",
        SpecialAdministrativeRegion,
        &["Macau", "Macau SAR", "Macau Special Administrative Region"],
    ),
];

impl Division {
    /// Every way of writing the division that `find` reads, as keys (`name_key`).
    fn keys(&self) -> Vec<String> {
        let (suffixes_en, suffixes_zh) = self.kind.suffixes();
        let en = name_key(self.name_en);
        let zh = name_key(self.short_zh);
        let mut keys = vec![self.code.to_owned(), name_key(self.name_zh), en.clone()];
        keys.extend(suffixes_en.iter().map(|s| format!("{en}{s}")));
        keys.push(zh.clone());
        keys.extend(suffixes_zh.iter().map(|s| format!("{zh}{s}")));
        keys.extend(self.aliases.iter().map(|a| name_key(a)));
        keys
    }
}

/// Every key of every division; built once.
static BY_KEY: LazyLock<HashMap<String, &'static Division>> = LazyLock::new(|| {
    PROVINCES
        .iter()
        .flat_map(|d| d.keys().into_iter().map(move |k| (k, d)))
        .collect()
});

/// The province-level division written `text`: its code, or its name in English or Chinese with
/// or without its suffix (`Jiangsu`, `Jiangsu Province`, `江苏`, `江苏省`), any case, spaces and
/// punctuation ignored.
pub fn find(text: &str) -> Option<&'static Division> {
    BY_KEY.get(&name_key(text)).copied()
}

/// The province-level division whose code is `code`, exactly.
pub fn by_code(code: &str) -> Option<&'static Division> {
    PROVINCES.iter().find(|d| d.code == code)
}

/// The province-level division a six-digit code lies in, by its first two digits.
pub fn province_of(code: &str) -> Option<&'static Division> {
    if !is_division_code(code) {
        return None;
    }
    PROVINCES.iter().find(|d| d.code[..2] == code[..2])
}

/// A province-level division's name or code (`unknown_province`).
pub fn known_province(text: &str) -> Result<(), ValidationError> {
    find(text)
        .map(drop)
        .ok_or_else(|| ValidationError::new("unknown_province"))
}

/// A six-digit GB/T 2260 code (`division_code`).
pub fn division_code(code: &str) -> Result<(), ValidationError> {
    if is_division_code(code) {
        Ok(())
    } else {
        Err(ValidationError::new("division_code"))
    }
}

/// Whether `district` is a county-level code (district, county, county-level city) inside the
/// city `city`. A county-level code does not end in `00`; it lies in a prefecture-level city
/// when its first four digits are the city's, and in a municipality (whose code is its
/// province's, e.g. Chongqing `500000`) when its first two are. The city itself, its province
/// and the prefecture-level groupings (`110100`) are not districts.
pub fn lies_in(district: &str, city: &str) -> bool {
    if !is_division_code(district) || !is_division_code(city) || district.ends_with("00") {
        return false;
    }
    let shared = if city.ends_with("0000") { 2 } else { 4 };
    district[..shared] == city[..shared]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_34_divisions_with_distinct_well_formed_codes() {
        let mut codes: Vec<_> = PROVINCES.iter().map(|d| d.code).collect();
        assert!(
            codes
                .iter()
                .all(|c| is_division_code(c) && c.ends_with("0000"))
        );
        assert!(codes.is_sorted());
        codes.dedup();
        assert_eq!(codes.len(), 34);
    }

    #[test]
    fn no_way_of_writing_names_two_divisions() {
        use std::collections::HashSet;
        // A full name is often the short one with its suffix: count each division's keys once.
        let keys: usize = PROVINCES
            .iter()
            .map(|d| d.keys().into_iter().collect::<HashSet<_>>().len())
            .sum();
        assert_eq!(BY_KEY.len(), keys);
    }

    /// Every entry is found by its code and by each of its names, and each finds it back.
    #[test]
    fn every_division_is_found_by_every_name_both_ways() {
        for d in &PROVINCES {
            let (suffixes_en, suffixes_zh) = d.kind.suffixes();
            let mut names = vec![
                d.code.to_owned(),
                d.name_en.to_owned(),
                d.name_en.to_uppercase(),
                format!("  {}  ", d.name_en.to_lowercase()),
                d.name_zh.to_owned(),
                d.short_zh.to_owned(),
                format!(" {} ", d.name_zh),
            ];
            names.push(match d.kind {
                Province => format!("{} Province", d.name_en),
                Municipality => format!("{} Municipality", d.name_en),
                AutonomousRegion => format!("{} Autonomous Region", d.name_en),
                SpecialAdministrativeRegion => format!("{} SAR", d.name_en),
            });
            names.extend(suffixes_zh.iter().map(|s| format!("{}{s}", d.short_zh)));
            names.extend(d.aliases.iter().map(|a| (*a).to_owned()));
            assert!(!suffixes_en.is_empty());
            assert!(d.name_zh.starts_with(d.short_zh), "{}", d.name_zh);
            for name in &names {
                assert_eq!(find(name).map(|f| f.code), Some(d.code), "{name}");
            }
            assert_eq!(by_code(d.code), Some(d));
            assert_eq!(province_of(d.code), Some(d));
            assert_eq!(find(d.code).map(|f| f.name_en), Some(d.name_en));
            assert_eq!(find(d.code).map(|f| f.name_zh), Some(d.name_zh));
        }
    }

    #[test]
    fn the_usual_names_are_read() {
        for (text, code) in [
            ("江苏省", "320000"),
            ("广东省", "440000"),
            ("重庆市", "500000"),
            ("Jiangsu Province", "320000"),
            ("jiangsu province", "320000"),
            ("Inner Mongolia", "150000"),
            ("Inner Mongolia Autonomous Region", "150000"),
            ("内蒙古", "150000"),
            ("Guangxi", "450000"),
            ("Guangxi Zhuang Autonomous Region", "450000"),
            ("广西壮族自治区", "450000"),
            ("广西自治区", "450000"),
            ("Hong Kong", "810000"),
            ("HongKong", "810000"),
            ("Hong Kong SAR", "810000"),
            ("香港特别行政区", "810000"),
            ("Macau", "820000"),
            ("Shanxi", "140000"),
            ("Shaanxi", "610000"),
            ("Beijing City", "110000"),
            ("Ｊｉａｎｇｓｕ", "320000"),
        ] {
            assert_eq!(find(text).map(|d| d.code), Some(code), "{text}");
        }
    }

    #[test]
    fn other_text_is_no_province() {
        for text in [
            "",
            "Jiangsu Prov.x",
            "Suzhou",
            "苏州市",
            "320500",
            "32",
            "Atlantis",
            "省",
        ] {
            assert_eq!(find(text), None, "{text}");
            assert!(known_province(text).is_err());
        }
        assert!(known_province("江苏").is_ok());
        assert_eq!(by_code("Jiangsu"), None);
        assert_eq!(province_of("320508").map(|d| d.name_en), Some("Jiangsu"));
        assert_eq!(province_of("990000"), None);
        assert_eq!(province_of("3205"), None);
    }

    #[test]
    fn a_district_lies_in_its_prefecture_city() {
        // Suzhou 320500: Gusu 320508, Kunshan (county-level city) 320583.
        assert!(lies_in("320508", "320500"));
        assert!(lies_in("320583", "320500"));
        // Nanjing's Xuanwu, Jiangsu itself, Suzhou itself, a malformed code.
        for outside in ["320102", "320000", "320500", "32050", "32050X", "500101"] {
            assert!(!lies_in(outside, "320500"), "{outside}");
        }
    }

    #[test]
    fn a_district_lies_in_its_municipality() {
        // Chongqing 500000: Yuzhong 500103, Chengkou county 500229.
        assert!(lies_in("500103", "500000"));
        assert!(lies_in("500229", "500000"));
        // Tianjin 120000: Heping 120101.
        assert!(lies_in("120101", "120000"));
        // The municipality, its district grouping, another province's district.
        for outside in ["500000", "500100", "510104", "120101"] {
            assert!(!lies_in(outside, "500000"), "{outside}");
        }
    }
}

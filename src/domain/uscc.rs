//! Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character
//! alphabet, the last a check character over the first 17.

use std::fmt;

use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Locale;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// GB 11714 weights of the organisation code's eight body characters.
const ORGANISATION_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A well-formed USCC: 18 upper-case alphabet characters whose check character matches. Only
/// [`Uscc::parse`] makes one, so holding a `Uscc` proves the code passed the check.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Uscc(String);

/// Why a string is not a USCC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    /// Not 18 characters after trimming.
    #[error("a USCC has 18 characters")]
    Length,
    /// A character outside `0-9 A-H J-N P-R T-U W-Y`.
    #[error("a USCC uses only 0-9 and A-Y without I, O, S, V and Z")]
    Character,
    /// The 18th character is not the one the first 17 call for.
    #[error("the check character does not match")]
    CheckCharacter,
}

/// A `validator` rule: `code` is a USCC (`Uscc::parse`), failing with the parse error's code, so
/// that a bad code is named with every other bad field of a body.
pub fn validate(code: &str) -> Result<(), validator::ValidationError> {
    Uscc::parse(code)
        .map(drop)
        .map_err(|error| validator::ValidationError::new(error.code()))
}

impl UsccError {
    /// The field error code clients see.
    pub fn code(self) -> &'static str {
        match self {
            Self::Length => "uscc_length",
            Self::Character => "uscc_character",
            Self::CheckCharacter => "uscc_check_character",
        }
    }
}

/// Soft findings: unusual but possible codes, accepted with a warning.
// Serialised as the codes of `code()`, so a warning reads the same wherever it appears (plain
// snake_case would turn `EntityTypeNot91` into `entity_type_not91`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub enum UsccWarning {
    /// The code does not start with `91`: not an enterprise registered with the market regulator.
    #[serde(rename = "uscc_entity_type_not_91")]
    EntityTypeNot91,
    /// The embedded organisation code (characters 9 to 17) fails its GB 11714 check digit.
    #[serde(rename = "uscc_organisation_code_check_digit")]
    OrganisationCodeCheckDigit,
}

impl UsccWarning {
    pub const ALL: [UsccWarning; 2] = [Self::EntityTypeNot91, Self::OrganisationCodeCheckDigit];

    /// The stable code clients see in a dealer group's `warnings`.
    pub fn code(self) -> &'static str {
        match self {
            Self::EntityTypeNot91 => "uscc_entity_type_not_91",
            Self::OrganisationCodeCheckDigit => "uscc_organisation_code_check_digit",
        }
    }

    /// The warning stored as `code`.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.code() == code)
    }

    /// What the warning means, for the person who reads it.
    pub fn message(self, locale: Locale) -> &'static str {
        let (en, zh) = match self {
            Self::EntityTypeNot91 => (
                "The USCC does not start with 91, so the registrant is not an enterprise registered with the market regulator; check that this is the group's operating company.",
                "统一社会信用代码不以 91 开头，登记主体不是在市场监管部门登记的企业；请确认这是集团的经营主体。",
            ),
            Self::OrganisationCodeCheckDigit => (
                "The organisation code inside the USCC (characters 9 to 17) fails its check digit; check the code against the business licence.",
                "统一社会信用代码中的组织机构代码（第 9 至 17 位）校验位不符；请对照营业执照核对。",
            ),
        };
        locale.pick(en, zh)
    }
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character that the first 17 characters of `body` call for, or `None` when there are
/// fewer than 17 or one of them is not an upper-case alphabet character.
pub fn check_character(body: &[u8]) -> Option<u8> {
    if body.len() < 17 {
        return None;
    }
    let mut sum = 0;
    for (c, weight) in body.iter().zip(WEIGHTS) {
        sum += value(*c)? * weight;
    }
    Some(ALPHABET[((31 - sum % 31) % 31) as usize])
}

impl Uscc {
    /// Parses a code as people type it: surrounding spaces and lower case are forgiven, anything
    /// else is refused with the first reason found (length, then characters, then check character).
    pub fn parse(raw: &str) -> Result<Self, UsccError> {
        let code = raw.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        // Byte length alone would count a full-width digit as three characters.
        if bytes.len() != 18 || code.chars().count() != 18 {
            return Err(UsccError::Length);
        }
        if bytes.iter().any(|c| value(*c).is_none()) {
            return Err(UsccError::Character);
        }
        if check_character(&bytes[..17]) != Some(bytes[17]) {
            return Err(UsccError::CheckCharacter);
        }
        Ok(Self(code))
    }

    /// The normalised (trimmed, upper-case) code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Soft findings about a valid code; they never block, since legitimate but unusual
    /// registrants (institutions, old organisation codes) exist.
    pub fn warnings(&self) -> Vec<UsccWarning> {
        let mut warnings = Vec::new();
        if !self.0.starts_with("91") {
            warnings.push(UsccWarning::EntityTypeNot91);
        }
        if !organisation_code_valid(&self.0.as_bytes()[8..17]) {
            warnings.push(UsccWarning::OrganisationCodeCheckDigit);
        }
        warnings
    }
}

/// GB 11714: digits count their value, letters A-Z 10-35; C9 = 11 - (Σ mod 11), 10 → X, 11 → 0.
fn organisation_code_valid(code: &[u8]) -> bool {
    let mut sum = 0;
    for (c, weight) in code[..8].iter().zip(ORGANISATION_WEIGHTS) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        sum += v * weight;
    }
    let expected = match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        digit => b'0' + digit as u8,
    };
    code[8] == expected
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 17 characters plus their computed check character.
    fn with_check(body: &str) -> String {
        let check = check_character(body.as_bytes()).expect("alphabet characters");
        format!("{body}{}", check as char)
    }

    #[test]
    fn a_code_with_the_right_check_character_parses() {
        // A widely published sample code. By hand, value × weight for 9 1 3 5 0 1 0 0 M 0 0 0 1
        // 0 0 Y 4 (M = 21, Y = 30): 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 420 + 0 + 0 + 0 + 8 + 0
        // + 0 + 900 + 112 = 1640; 1640 mod 31 = 28; 31 - 28 = 3, so the check character is '3'.
        // Its organisation code M000100Y-4 holds too (GB 11714: M = 22, Y = 34):
        // 66 + 5 + 68 = 139, 139 mod 11 = 7, 11 - 7 = 4.
        let uscc = Uscc::parse("91350100M000100Y43").expect("valid");
        assert_eq!(uscc.as_str(), "91350100M000100Y43");
        assert!(uscc.warnings().is_empty());
        assert_eq!(
            Uscc::parse(" 91350100m000100y43 ")
                .map(|u| u.to_string())
                .ok(),
            Some("91350100M000100Y43".into())
        );
    }

    #[test]
    fn malformed_codes_are_refused_with_their_reason() {
        assert_eq!(Uscc::parse("91350100M000100Y4"), Err(UsccError::Length));
        assert_eq!(Uscc::parse("91350100M000100Y433"), Err(UsccError::Length));
        assert_eq!(Uscc::parse("91350100M000100YI3"), Err(UsccError::Character));
        assert_eq!(Uscc::parse("9135010OM000100Y43"), Err(UsccError::Character));
        assert_eq!(
            Uscc::parse("91350100M000100Y44"),
            Err(UsccError::CheckCharacter)
        );
        assert_eq!(Uscc::parse("９1350100M000100Y43"), Err(UsccError::Length));
        assert_eq!(Uscc::parse(""), Err(UsccError::Length));
        for letter in ['I', 'O', 'Z', 'S', 'V', 'i', 'o', 'z', 's', 'v', '-', ' '] {
            let code = format!("91350100M000100{letter}43");
            assert_eq!(Uscc::parse(&code), Err(UsccError::Character), "{code}");
        }
    }

    #[test]
    fn a_code_with_a_made_up_check_character_is_refused() {
        // 9 + 3 + 9 + 27 + (1 × 20 at position 9) = 68; 68 mod 31 = 6; 31 - 6 = 25 → 'R', not 'A'.
        assert_eq!(
            Uscc::parse("91110000100000000A"),
            Err(UsccError::CheckCharacter)
        );
        let uscc = Uscc::parse("91110000100000000R").expect("valid");
        // Organisation code 10000000-0: 1 × 3 = 3, 11 - 3 = 8, so its check digit should be 8.
        assert_eq!(uscc.warnings(), [UsccWarning::OrganisationCodeCheckDigit]);
        assert_eq!(check_character(b"9111000010000000"), None);
        assert_eq!(check_character(b"9111000010000000I"), None);
    }

    #[test]
    fn warnings_have_stable_codes_and_snake_case_json() {
        assert_eq!(
            UsccWarning::EntityTypeNot91.code(),
            "uscc_entity_type_not_91"
        );
        assert_eq!(
            UsccWarning::OrganisationCodeCheckDigit.code(),
            "uscc_organisation_code_check_digit"
        );
        for warning in UsccWarning::ALL {
            assert_eq!(serde_json::to_value(warning).unwrap(), warning.code());
            assert_eq!(UsccWarning::parse(warning.code()), Some(warning));
        }
        assert_eq!(UsccWarning::parse("uscc_something_else"), None);
    }

    #[test]
    fn every_warning_has_its_own_message_in_both_languages() {
        crate::i18n::assert_own_words(&UsccWarning::ALL, UsccWarning::message);
    }

    #[test]
    fn unusual_codes_are_accepted_with_warnings() {
        // Organisation code 12345678-8 is valid under GB 11714: 3+14+27+40+25+48+28+16 = 201,
        // 201 mod 11 = 3, 11 - 3 = 8.
        // With the USCC weights: 91320500123456788 sums to 1146, 1146 mod 31 = 30 → '1';
        // 12320500123456788 sums to 1141, 1141 mod 31 = 25 → '6'.
        assert_eq!(with_check("91320500123456788"), "913205001234567881");
        assert_eq!(with_check("12320500123456788"), "123205001234567886");
        let enterprise = Uscc::parse(&with_check("91320500123456788")).expect("valid");
        assert!(enterprise.warnings().is_empty());
        let institution = Uscc::parse(&with_check("12320500123456788")).expect("valid");
        assert_eq!(institution.warnings(), [UsccWarning::EntityTypeNot91]);
        let bad_org = Uscc::parse(&with_check("91320500123456781")).expect("valid");
        assert_eq!(
            bad_org.warnings(),
            [UsccWarning::OrganisationCodeCheckDigit]
        );
    }

    proptest::proptest! {
        #[test]
        fn the_computed_check_character_and_only_it_parses(
            body in proptest::collection::vec(proptest::sample::select(ALPHABET.to_vec()), 17),
            other in proptest::sample::select(ALPHABET.to_vec()),
        ) {
            let body = String::from_utf8(body).unwrap();
            let code = with_check(&body);
            proptest::prop_assert!(Uscc::parse(&code).is_ok());
            let wrong = format!("{body}{}", other as char);
            proptest::prop_assert_eq!(Uscc::parse(&wrong).is_ok(), wrong == code);
        }
    }
}

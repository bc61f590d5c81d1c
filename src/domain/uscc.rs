//! Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character
//! alphabet, the last a check character over the first 17.

use std::fmt;

use serde::Serialize;
use utoipa::ToSchema;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// GB 11714 weights of the organisation code's eight body characters.
const ORGANISATION_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Uscc(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("a USCC has 18 characters")]
    Length,
    #[error("a USCC uses only 0-9 and A-Y without I, O, S, V and Z")]
    Character,
    #[error("the check character does not match")]
    CheckCharacter,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UsccWarning {
    /// Not `91`: not an enterprise registered with the market regulator.
    EntityTypeNot91,
    /// The embedded organisation code (characters 9 to 17) fails its GB 11714 check digit.
    OrganisationCodeCheckDigit,
}

impl UsccWarning {
    pub fn code(self) -> &'static str {
        match self {
            Self::EntityTypeNot91 => "uscc_entity_type_not_91",
            Self::OrganisationCodeCheckDigit => "uscc_organisation_code_check_digit",
        }
    }
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character of 17 alphabet characters.
pub fn check_character(body: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (c, weight) in body.iter().zip(WEIGHTS) {
        sum += value(*c)? * weight;
    }
    Some(ALPHABET[((31 - sum % 31) % 31) as usize])
}

impl Uscc {
    pub fn parse(raw: &str) -> Result<Self, UsccError> {
        let code = raw.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
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

    pub fn as_str(&self) -> &str {
        &self.0
    }

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
        // A widely published sample code; its check character 3 follows from the weights.
        let uscc = Uscc::parse("91350100M000100Y43").expect("valid");
        assert_eq!(uscc.as_str(), "91350100M000100Y43");
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
    }

    #[test]
    fn unusual_codes_are_accepted_with_warnings() {
        // Organisation code 12345678-8 is valid under GB 11714: 3+14+27+40+25+48+28+16 = 201,
        // 201 mod 11 = 3, 11 - 3 = 8.
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

//! Text as requests send it. Values are trimmed while they are read, so that length rules count
//! what is kept and a blank required value fails them; single-line values (names, titles,
//! addresses) refuse control characters, so that nothing sent can start a new line in an
//! e-mail, a letter or a log; longer free text keeps its line breaks and tabs only.

use serde::{Deserialize, Deserializer};
use validator::ValidationError;

/// Reads a string without its leading and trailing white space.
pub fn trimmed<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(text.trim().to_owned())
}

/// Reads an optional string without its leading and trailing white space; a blank one is
/// absent. Give the field `#[serde(default)]` as well, so that leaving it out stays allowed.
pub fn trimmed_opt<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    Ok(text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()))
}

/// Characters that change how text reads beyond what it says: line and paragraph separators
/// and the bidirectional overrides and isolates.
fn is_layout_control(c: char) -> bool {
    matches!(
        c,
        '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// A single-line value: no control characters at all (`control_character`).
pub fn single_line(text: &str) -> Result<(), ValidationError> {
    if text.chars().any(|c| c.is_control() || is_layout_control(c)) {
        return Err(ValidationError::new("control_character"));
    }
    Ok(())
}

/// Free text: line breaks and tabs, but no other control characters (`control_character`).
pub fn multi_line(text: &str) -> Result<(), ValidationError> {
    let allowed = |c: char| matches!(c, '\n' | '\r' | '\t');
    if text
        .chars()
        .any(|c| (c.is_control() && !allowed(c)) || is_layout_control(c))
    {
        return Err(ValidationError::new("control_character"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_lines_refuse_every_control_character() {
        assert!(single_line("苏州东方汽车集团有限公司").is_ok());
        assert!(single_line("Wang Fang, Sales Director").is_ok());
        for bad in [
            "A\nB",
            "A\rB",
            "A\tB",
            "A\u{0}B",
            "A\u{7f}B",
            "A\u{85}B",
            "A\u{2028}B",
            "A\u{202e}B",
        ] {
            assert!(single_line(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn free_text_keeps_line_breaks_and_tabs_only() {
        assert!(multi_line("Line one\r\nLine two\tend").is_ok());
        assert!(multi_line("bell\u{7}").is_err());
        assert!(multi_line("\u{1b}[31mred").is_err());
    }

    #[test]
    fn values_are_read_trimmed_and_blank_optional_ones_are_absent() {
        #[derive(Deserialize)]
        struct Body {
            #[serde(deserialize_with = "trimmed")]
            name: String,
            #[serde(default, deserialize_with = "trimmed_opt")]
            note: Option<String>,
        }
        let body: Body = serde_json::from_str(r#"{"name": "  Li Wei \n", "note": "   "}"#).unwrap();
        assert_eq!(body.name, "Li Wei");
        assert_eq!(body.note, None);
        let body: Body = serde_json::from_str(r#"{"name": "   "}"#).unwrap();
        assert_eq!(body.name, "");
        assert_eq!(body.note, None);
    }
}

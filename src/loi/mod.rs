//! The letter of intent as a document: its template (`letter.html`, Chinese first, English
//! below) and the renderer that fixes its bytes and their SHA-256 when it is offered.

use chrono::{DateTime, SecondsFormat, Utc};
use minijinja::{Environment, context};
use sha2::{Digest, Sha256};

use crate::domain::loi::LoiTerms;
use crate::error::AppError;

/// Who offers the letter, as the letter names it.
const MAKER_ZH: &str = "电动汽车制造商（厂家）";
const MAKER_EN: &str = "The electric-vehicle maker (the Maker)";

/// What the letter names.
pub struct LetterFacts<'a> {
    pub reference: &'a str,
    pub group_name: &'a str,
    pub uscc: &'a str,
    pub city_code: &'a str,
    pub city_zh: &'a str,
    pub city_en: &'a str,
    pub terms: &'a LoiTerms,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The letter as fixed bytes, and their SHA-256 in hex: what the applicant signs.
pub struct Letter {
    pub html: String,
    pub sha256: String,
}

/// Renders the bilingual letter (Chinese first, English below). HTML escaping is on: the
/// group's name and the terms note are data, not markup.
pub fn render(facts: &LetterFacts<'_>) -> Result<Letter, AppError> {
    let mut env = Environment::new();
    env.add_template("letter.html", include_str!("letter.html"))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("LOI template: {e}")))?;
    let html = env
        .get_template("letter.html")
        .and_then(|t| {
            t.render(context! {
                maker_zh => MAKER_ZH,
                maker_en => MAKER_EN,
                reference => facts.reference,
                group_name => facts.group_name,
                uscc => facts.uscc,
                city_code => facts.city_code,
                city_zh => facts.city_zh,
                city_en => facts.city_en,
                stores => facts.terms.stores,
                valid_days => facts.terms.valid_days,
                terms_note => facts.terms.terms_note,
                issued_on => facts.issued_at.date_naive().to_string(),
                expires_at => facts.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            })
        })
        .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering the LOI: {e}")))?;
    let sha256 = Sha256::digest(html.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Letter { html, sha256 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_letter_names_the_parties_escapes_data_and_hashes_its_bytes() {
        let terms = LoiTerms {
            valid_days: 30,
            stores: 2,
            terms_note: Some("<script>alert(1)</script> 首年免加盟费".into()),
        };
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let facts = LetterFacts {
            reference: "0190-abc",
            group_name: "苏州东方汽车集团有限公司",
            uscc: "91320500123456788X",
            city_code: "320500",
            city_zh: "苏州",
            city_en: "Suzhou",
            terms: &terms,
            issued_at: at,
            expires_at: at + chrono::Duration::days(30),
        };
        let letter = render(&facts).unwrap_or_else(|e| panic!("{e:?}"));
        let zh = letter.html.find("合作意向书").unwrap_or(usize::MAX);
        let en = letter.html.find("Letter of Intent: 2S").unwrap_or(0);
        assert!(zh < en, "Chinese comes first");
        for fact in [
            "苏州东方汽车集团有限公司",
            "91320500123456788X",
            "Suzhou",
            "苏州（320500）",
            "2 家",
            "代理销售、不得转售",
            "不交付车辆",
            "Agency sales, no resale",
            "No vehicle delivery",
        ] {
            assert!(letter.html.contains(fact), "{fact}");
        }
        assert!(!letter.html.contains("<script>"));
        assert!(letter.html.contains("首年免加盟费"));
        assert_eq!(letter.sha256.len(), 64);
        let again = render(&facts).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(again.sha256, letter.sha256);
    }
}

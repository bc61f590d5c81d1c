//! The letter of intent as documents people read, sign and print: the letter (`letter.html`,
//! Chinese first, English below), fixed with its SHA-256 when it is offered, and the signature
//! page (`signature_page.html`), fixed with its own when the letter is signed. Both are rendered
//! through minijinja with autoescaping (every value is data, not markup), name the maker as the
//! operator configured it (`MakerIdentity`), give times in China time with the zone named, and
//! carry A4 print styles (`document.css`).

use chrono::{DateTime, Datelike, Utc};
use minijinja::{Environment, Value, context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::loi::LoiTerms;
use crate::domain::maker::MakerIdentity;
use crate::domain::sla::CHINA_TIME;
use crate::error::AppError;
use crate::i18n::Locale;

const STYLE: &str = include_str!("document.css");

/// What the letter names.
pub struct LetterFacts<'a> {
    pub maker: &'a MakerIdentity,
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

/// What the signature page records: who signed which letter (by its SHA-256), when and from
/// where.
pub struct SignatureFacts<'a> {
    pub maker: &'a MakerIdentity,
    pub reference: &'a str,
    pub group_name: &'a str,
    pub uscc: &'a str,
    pub signer_name: &'a str,
    pub signer_title: &'a str,
    pub signed_at: DateTime<Utc>,
    pub address: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub document_sha256: &'a str,
}

/// The parties as a letter names them, kept with it when it is offered (`lois.parties`), so
/// that its signature page names the same ones whatever changes before the signature.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Parties {
    pub maker: MakerIdentity,
    pub group_name: String,
    pub uscc: String,
}

/// A document as fixed bytes, and their SHA-256 in hex.
pub struct Rendered {
    pub html: String,
    pub sha256: String,
}

/// Renders the bilingual letter (Chinese first, English below).
pub fn render(facts: &LetterFacts<'_>) -> Result<Rendered, AppError> {
    rendered(
        "letter.html",
        include_str!("letter.html"),
        context! {
            style => STYLE,
            maker => Value::from_serialize(facts.maker),
            reference => facts.reference,
            group_name => facts.group_name,
            uscc => facts.uscc,
            city_code => facts.city_code,
            city_zh => facts.city_zh,
            city_en => facts.city_en,
            stores => facts.terms.stores,
            valid_days => facts.terms.valid_days,
            terms_note => facts.terms.terms_note,
            issued_zh => china_zh(facts.issued_at),
            issued_en => china_en(facts.issued_at),
            issued_on_zh => china_day_zh(facts.issued_at),
            issued_on_en => china_day_en(facts.issued_at),
            expires_zh => china_zh(facts.expires_at),
            expires_en => china_en(facts.expires_at),
        },
    )
}

/// Renders the bilingual signature page of a signed letter.
pub fn render_signature_page(facts: &SignatureFacts<'_>) -> Result<Rendered, AppError> {
    rendered(
        "signature_page.html",
        include_str!("signature_page.html"),
        context! {
            style => STYLE,
            maker => Value::from_serialize(facts.maker),
            reference => facts.reference,
            group_name => facts.group_name,
            uscc => facts.uscc,
            signer_name => facts.signer_name,
            signer_title => facts.signer_title,
            signed_zh => china_zh(facts.signed_at),
            signed_en => china_en(facts.signed_at),
            address => facts.address,
            user_agent => facts.user_agent,
            document_sha256 => facts.document_sha256,
        },
    )
}

fn rendered(name: &str, source: &str, values: impl Serialize) -> Result<Rendered, AppError> {
    let mut env = Environment::new();
    env.add_template(name, source)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template {name}: {e}")))?;
    let html = env
        .get_template(name)
        .and_then(|t| t.render(values))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering {name}: {e}")))?;
    let sha256 = Sha256::digest(html.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Rendered { html, sha256 })
}

/// `at` in China time with the zone named, in `locale`'s words (as the letter writes it).
pub fn china_time(at: DateTime<Utc>, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => china_zh(at),
        Locale::En => china_en(at),
    }
}

/// `2026年12月29日 18:50:43（北京时间，UTC+8）`
fn china_zh(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&CHINA_TIME);
    format!(
        "{}（北京时间，UTC+8）",
        local.format("%Y年%-m月%-d日 %H:%M:%S")
    )
}

/// `29 December 2026, 18:50:43 China Standard Time (UTC+8)`
fn china_en(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&CHINA_TIME);
    format!(
        "{}, {} China Standard Time (UTC+8)",
        local.format("%-d %B %Y"),
        local.format("%H:%M:%S")
    )
}

fn china_day_zh(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&CHINA_TIME);
    format!("{}年{}月{}日", local.year(), local.month(), local.day())
}

fn china_day_en(at: DateTime<Utc>) -> String {
    at.with_timezone(&CHINA_TIME)
        .format("%-d %B %Y")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maker() -> MakerIdentity {
        MakerIdentity {
            legal_name_en: "Jiangnan <New> Energy & Vehicles".into(),
            ..MakerIdentity::default()
        }
    }

    fn terms() -> LoiTerms {
        LoiTerms {
            valid_days: 30,
            stores: 2,
            terms_note: Some("<script>alert(1)</script> 首年免加盟费".into()),
        }
    }

    /// 2027-01-15 08:00:00 UTC: 16:00 in China, the same day.
    fn issued() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
    }

    fn letter() -> Rendered {
        let (maker, terms) = (maker(), terms());
        render(&LetterFacts {
            maker: &maker,
            reference: "0190-abc",
            group_name: "苏州东方汽车集团有限公司",
            uscc: "91320500123456788X",
            city_code: "320500",
            city_zh: "苏州",
            city_en: "Suzhou",
            terms: &terms,
            issued_at: issued(),
            expires_at: issued() + chrono::Duration::days(30),
        })
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn the_letter_names_both_parties_its_terms_and_china_times_and_escapes_data() {
        let letter = letter();
        let html = &letter.html;
        let zh = html.find("合作意向书").unwrap_or(usize::MAX);
        let en = html.find("Letter of Intent: 2S").unwrap_or(0);
        assert!(zh < en, "Chinese comes first");
        for fact in [
            // The maker as configured, escaped; both parties with their USCCs.
            "江南新能源汽车有限公司",
            "Jiangnan &lt;New&gt; Energy &amp; Vehicles",
            "91310114MA1GT8XK2E",
            "上海市嘉定区安亭镇墨玉南路 888 号",
            "苏州东方汽车集团有限公司",
            "91320500123456788X",
            // The terms table.
            "<tr><th>门店数量</th><td>2 家</td></tr>",
            "<tr><th>Stores</th><td>2</td></tr>",
            "苏州（行政区划代码 320500）",
            // China time with the zone named, issue and expiry.
            "2027年1月15日 16:00:00（北京时间，UTC+8）",
            "15 January 2027, 16:00:00 China Standard Time (UTC+8)",
            "30 天，至 2027年2月14日 16:00:00（北京时间，UTC+8）",
            // The 2S terms.
            "代理销售、不得转售",
            "不交付车辆",
            "Agency sales, no resale",
            "No vehicle delivery",
            // Both signature blocks: the maker's officer, the partner's lines to sign.
            "授权代表：陈立 Chen Li",
            "职务：销售与网络发展副总裁",
            "Title: Vice President, Sales and Network Development",
            "<strong>乙方：苏州东方汽车集团有限公司</strong>",
            "<strong>The Partner: 苏州东方汽车集团有限公司</strong>",
            // A4 print styles.
            "@page { size: A4;",
            "font-family: \"Noto Serif SC\"",
        ] {
            assert!(html.contains(fact), "{fact}");
        }
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(1)") && html.contains("首年免加盟费"));
        assert!(!html.contains("T08:00:00Z"), "no raw UTC timestamps");
    }

    #[test]
    fn the_same_letter_is_the_same_bytes() {
        let (first, again) = (letter(), letter());
        assert_eq!(first.html, again.html);
        assert_eq!(first.sha256, again.sha256);
        let hex = Sha256::digest(first.html.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        assert_eq!(first.sha256, hex);
    }

    #[test]
    fn the_signature_page_records_who_signed_which_letter_when_and_from_where() {
        let maker = maker();
        let letter = letter();
        let facts = SignatureFacts {
            maker: &maker,
            reference: "0190-abc",
            group_name: "苏州东方汽车集团有限公司",
            uscc: "91320500123456788X",
            signer_name: "Li Wei <b>",
            signer_title: "Chairman",
            signed_at: issued() + chrono::Duration::seconds(3_723),
            address: Some("203.0.113.7"),
            user_agent: None,
            document_sha256: &letter.sha256,
        };
        let page = render_signature_page(&facts).unwrap_or_else(|e| panic!("{e:?}"));
        for fact in [
            "Li Wei &lt;b&gt;",
            "Chairman",
            "2027年1月15日 17:02:03（北京时间，UTC+8）",
            "15 January 2027, 17:02:03 China Standard Time (UTC+8)",
            "203.0.113.7",
            "未记录",
            "Not recorded",
            letter.sha256.as_str(),
            "0190-abc",
        ] {
            assert!(page.html.contains(fact), "{fact}");
        }
        let again = render_signature_page(&facts).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(again.sha256, page.sha256);
        assert_ne!(page.sha256, letter.sha256);
    }
}

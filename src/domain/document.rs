//! An application's supporting documents: what kinds there are, which file types are accepted
//! (decided from the bytes, never from a name or a declared type), and how an uploaded file's
//! name is made safe to keep and to send back.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::account::UnknownValue;

/// The largest document accepted: 10 MiB.
pub const MAX_DOCUMENT_BYTES: u64 = 10 * 1024 * 1024;

/// How many leading bytes `sniff` needs to decide.
pub const SNIFF_LEN: usize = 8;

/// The longest filename kept, in characters.
pub const MAX_FILENAME_CHARS: usize = 255;

/// The name kept when an upload's own name has nothing usable left.
pub const FALLBACK_FILENAME: &str = "document";

/// What a document is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    BusinessLicense,
    FinancialStatement,
    SiteLease,
    /// Evidence that the group belongs to the parent it names (a shareholding register, an
    /// annual report), for an admin to confirm the relation.
    RelationshipEvidence,
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 5] = [
        Self::BusinessLicense,
        Self::FinancialStatement,
        Self::SiteLease,
        Self::RelationshipEvidence,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BusinessLicense => "business_license",
            Self::FinancialStatement => "financial_statement",
            Self::SiteLease => "site_lease",
            Self::RelationshipEvidence => "relationship_evidence",
            Self::Other => "other",
        }
    }
}

impl std::str::FromStr for DocumentKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// The file types accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentType {
    Pdf,
    Png,
    Jpeg,
}

impl DocumentType {
    pub const ALL: [DocumentType; 3] = [Self::Pdf, Self::Png, Self::Jpeg];

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
        }
    }

    /// The type stored as `content_type`.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.content_type() == content_type)
    }

    /// The file-name extensions of this type, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Pdf => &["pdf"],
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg"],
        }
    }
}

/// `filename` ending in an extension of `kind` (the type its bytes were found to be), so that
/// whoever downloads it opens it as what it is: kept as it is when it has one (in any case),
/// else with the usual one appended, the name before it kept visible (`lease.exe` →
/// `lease.exe.pdf`, `scan` → `scan.jpg`), cut to leave room so that it stays within
/// `MAX_FILENAME_CHARS`.
pub fn with_extension(filename: &str, kind: DocumentType) -> String {
    let matches = filename.rsplit_once('.').is_some_and(|(stem, extension)| {
        !stem.is_empty()
            && kind
                .extensions()
                .iter()
                .any(|known| known.eq_ignore_ascii_case(extension))
    });
    if matches {
        return filename.to_owned();
    }
    let extension = kind.extensions()[0];
    let room = MAX_FILENAME_CHARS - extension.len() - 1;
    let stem: String = filename.chars().take(room).collect();
    format!("{}.{extension}", stem.trim_end())
}

/// The type of a file by its first bytes (its "magic number"), or None when it is none of the
/// accepted ones. Give it at least `SNIFF_LEN` bytes when the file has them.
pub fn sniff(head: &[u8]) -> Option<DocumentType> {
    const SIGNATURES: [(&[u8], DocumentType); 3] = [
        (b"%PDF-", DocumentType::Pdf),
        (b"\x89PNG\r\n\x1a\n", DocumentType::Png),
        (b"\xFF\xD8\xFF", DocumentType::Jpeg),
    ];
    SIGNATURES
        .into_iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, kind)| kind)
}

/// The name an upload is listed under: the last path component only (either slash), without
/// control or bidirectional-override characters, trimmed, at most `MAX_FILENAME_CHARS`
/// characters; `document` when nothing usable is left. It is only ever stored and echoed: files
/// on disk are named by their content hash.
pub fn sanitize_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
        return FALLBACK_FILENAME.to_owned();
    }
    let capped: String = trimmed.chars().take(MAX_FILENAME_CHARS).collect();
    capped.trim_end().to_owned()
}

/// Characters that reorder how a name is displayed (`invoice\u{202E}fdp.exe` shows as
/// `invoiceexe.pdf`).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A plain-ASCII stand-in for `filename`, for clients that ignore `filename*` (RFC 6266 §4.3):
/// anything that is not printable ASCII, and the characters that quoting or percent-decoding
/// would mangle, become `_`.
pub fn ascii_filename(filename: &str) -> String {
    filename
        .chars()
        .map(|c| match c {
            ' '..='~' if !matches!(c, '"' | '\\' | '%') => c,
            _ => '_',
        })
        .collect()
}

/// The `Content-Disposition` of a download (RFC 6266): `attachment`, the ASCII stand-in as
/// `filename`, and the real name as `filename*` in UTF-8, percent-encoded (RFC 8187, formerly
/// RFC 5987), which every current browser prefers.
pub fn attachment_disposition(filename: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_filename(filename),
        percent_encode_attr_chars(filename)
    )
}

/// Percent-encodes all but RFC 8187's `attr-char`s.
fn percent_encode_attr_chars(value: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if keep {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_ends_in_an_extension_of_its_sniffed_type() {
        for (name, kind, expected) in [
            ("lease.pdf", DocumentType::Pdf, "lease.pdf"),
            ("LEASE.PDF", DocumentType::Pdf, "LEASE.PDF"),
            ("lease.exe", DocumentType::Pdf, "lease.exe.pdf"),
            ("photo.png", DocumentType::Jpeg, "photo.png.jpg"),
            ("photo.jpeg", DocumentType::Jpeg, "photo.jpeg"),
            ("scan", DocumentType::Png, "scan.png"),
            (".pdf", DocumentType::Pdf, ".pdf.pdf"),
            ("report.pdf.html", DocumentType::Pdf, "report.pdf.html.pdf"),
        ] {
            assert_eq!(with_extension(name, kind), expected, "{name}");
        }
        let long = "x".repeat(MAX_FILENAME_CHARS);
        let fitted = with_extension(&long, DocumentType::Pdf);
        assert_eq!(fitted.chars().count(), MAX_FILENAME_CHARS);
        assert!(fitted.ends_with("x.pdf"));
        for kind in DocumentType::ALL {
            assert_eq!(
                DocumentType::from_content_type(kind.content_type()),
                Some(kind)
            );
        }
        assert_eq!(DocumentType::from_content_type("text/html"), None);
    }

    #[test]
    fn the_type_comes_from_the_magic_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3"), Some(DocumentType::Pdf));
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(DocumentType::Png)
        );
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
            Some(DocumentType::Jpeg)
        );
        assert_eq!(sniff(b"\xFF\xD8\xFF"), Some(DocumentType::Jpeg));
    }

    #[test]
    fn anything_else_is_refused() {
        for head in [
            &b""[..],
            b"%PDF",
            b" %PDF-1.7",
            b"%pdf-1.7",
            b"\x89PNG\r\n\x1a",
            b"\x89PNG\n\n\x1a\n",
            b"\xFF\xD8",
            b"GIF89a",
            b"PK\x03\x04",
            b"MZ\x90\0",
            b"<html>",
            b"This is text named x.pdf",
        ] {
            assert_eq!(sniff(head), None, "{head:?}");
        }
    }

    #[test]
    fn the_content_types_are_the_registered_ones() {
        assert_eq!(DocumentType::Pdf.content_type(), "application/pdf");
        assert_eq!(DocumentType::Png.content_type(), "image/png");
        assert_eq!(DocumentType::Jpeg.content_type(), "image/jpeg");
    }

    #[test]
    fn kinds_read_and_write_their_api_names() {
        for kind in DocumentKind::ALL {
            assert_eq!(kind.as_str().parse::<DocumentKind>().ok(), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::from(kind.as_str()))
            );
        }
        assert!("Business_License".parse::<DocumentKind>().is_err());
        assert!("".parse::<DocumentKind>().is_err());
    }

    #[test]
    fn filenames_lose_their_paths() {
        assert_eq!(sanitize_filename("../../etc/passwd.pdf"), "passwd.pdf");
        assert_eq!(sanitize_filename("/etc/passwd"), "passwd");
        assert_eq!(
            sanitize_filename("C:\\Users\\li\\营业执照.pdf"),
            "营业执照.pdf"
        );
        assert_eq!(sanitize_filename("a/b\\c.png"), "c.png");
        assert_eq!(sanitize_filename("report.pdf"), "report.pdf");
    }

    #[test]
    fn filenames_lose_control_and_reordering_characters() {
        assert_eq!(sanitize_filename("a\0b\r\nc\t.pdf"), "abc.pdf");
        assert_eq!(
            sanitize_filename("invoice\u{202E}fdp.exe"),
            "invoicefdp.exe"
        );
        assert_eq!(sanitize_filename("  spaced name.pdf  "), "spaced name.pdf");
    }

    #[test]
    fn empty_or_dot_names_fall_back() {
        for raw in ["", "   ", ".", "..", "../", "dir/", "\0\r\n", "a/.."] {
            assert_eq!(sanitize_filename(raw), FALLBACK_FILENAME, "{raw:?}");
        }
    }

    #[test]
    fn long_names_are_capped_in_characters() {
        let long = "营".repeat(300) + ".pdf";
        let kept = sanitize_filename(&long);
        assert_eq!(kept.chars().count(), MAX_FILENAME_CHARS);
        assert!(kept.chars().all(|c| c == '营'));
        assert_eq!(sanitize_filename(&"a".repeat(255)), "a".repeat(255));
    }

    #[test]
    fn the_ascii_stand_in_keeps_only_safe_printable_ascii() {
        assert_eq!(ascii_filename("营业执照 2026.pdf"), "____ 2026.pdf");
        assert_eq!(ascii_filename("a\"b\\c%41.pdf"), "a_b_c_41.pdf");
        assert_eq!(ascii_filename("plain-name_1.png"), "plain-name_1.png");
    }

    #[test]
    fn downloads_carry_both_names() {
        assert_eq!(
            attachment_disposition("营业执照 2026.pdf"),
            "attachment; filename=\"____ 2026.pdf\"; \
             filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%202026.pdf"
        );
        assert_eq!(
            attachment_disposition("a\"b;c=d@e's.pdf"),
            "attachment; filename=\"a_b;c=d@e's.pdf\"; filename*=UTF-8''a%22b%3Bc%3Dd%40e%27s.pdf"
        );
        assert_eq!(
            attachment_disposition("plain-name_1.png"),
            "attachment; filename=\"plain-name_1.png\"; filename*=UTF-8''plain-name_1.png"
        );
    }
}

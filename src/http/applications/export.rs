use std::sync::Arc;

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use futures_util::{StreamExt, stream};

use super::list::ApplicationFilter;
use crate::auth::{Authorized, Principal, Staff};
use crate::db::applications::{self, ExportRow, ListKey, ListQuery, Sort};
use crate::domain::sla::CHINA_TIME;
use crate::error::AppError;
use crate::http::extract::ValidatedQuery;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;
use crate::workflow::deadlines::Deadlines;

/// Rows fetched per query: the export never holds more than this many applications in memory.
const CHUNK: i64 = 500;

/// So that spreadsheet programs read the file as UTF-8 (Chinese names) rather than a local code page.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The export's columns, in this order in both languages: a script may read them by position
/// whatever the language, or by their English headers (`Accept-Language: en`). Codes and ids stand next to the words for them, so an import does not depend on
/// the language of the file. Documented, with both headers, in `export_applications`' doc comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    ApplicationId,
    DealerGroupId,
    DealerGroup,
    Uscc,
    CityCode,
    City,
    StatusCode,
    Status,
    Score,
    Eligible,
    Investment,
    PlannedOpening,
    Sites,
    ContactName,
    ContactPhone,
    ContactEmail,
    SubmittedAt,
    CreatedAt,
    UpdatedAt,
}

impl Column {
    const ALL: [Self; 19] = [
        Self::ApplicationId,
        Self::DealerGroupId,
        Self::DealerGroup,
        Self::Uscc,
        Self::CityCode,
        Self::City,
        Self::StatusCode,
        Self::Status,
        Self::Score,
        Self::Eligible,
        Self::Investment,
        Self::PlannedOpening,
        Self::Sites,
        Self::ContactName,
        Self::ContactPhone,
        Self::ContactEmail,
        Self::SubmittedAt,
        Self::CreatedAt,
        Self::UpdatedAt,
    ];

    /// The header, in the words of the portal's screens; time columns name their zone.
    fn header(self, locale: Locale) -> &'static str {
        let (en, zh) = match self {
            Self::ApplicationId => ("Application ID", "申请编号"),
            Self::DealerGroupId => ("Dealer group ID", "经销商集团编号"),
            Self::DealerGroup => ("Dealer group", "经销商集团"),
            Self::Uscc => ("USCC", "统一社会信用代码"),
            Self::CityCode => ("City code", "城市代码"),
            Self::City => ("City", "城市"),
            Self::StatusCode => ("Status code", "状态代码"),
            Self::Status => ("Status", "状态"),
            Self::Score => ("Score", "评分"),
            Self::Eligible => ("Eligible", "符合必要条件"),
            Self::Investment => ("Planned investment (CNY)", "计划投资（元）"),
            Self::PlannedOpening => ("Planned opening date", "计划开业日期"),
            Self::Sites => ("Proposed sites", "拟选店址数"),
            Self::ContactName => ("Contact name", "联系人姓名"),
            Self::ContactPhone => ("Contact mobile", "联系人手机号"),
            Self::ContactEmail => ("Contact e-mail", "联系人邮箱"),
            Self::SubmittedAt => ("Submitted (China time, UTC+8)", "提交时间（北京时间）"),
            Self::CreatedAt => ("Created (China time, UTC+8)", "创建时间（北京时间）"),
            Self::UpdatedAt => ("Updated (China time, UTC+8)", "更新时间（北京时间）"),
        };
        locale.pick(en, zh)
    }

    /// The cell of `row` in this column; empty for what is not set yet.
    fn cell(self, row: &ExportRow, locale: Locale) -> String {
        let application = &row.application;
        let contact = &row.contact;
        match self {
            Self::ApplicationId => application.id.to_string(),
            Self::DealerGroupId => application.dealer_group_id.to_string(),
            Self::DealerGroup => text_cell(&application.dealer_group_name),
            Self::Uscc => text_cell(&row.uscc),
            Self::CityCode => text_cell(&application.city_code),
            Self::City => row
                .city
                .as_ref()
                .map(|names| text_cell(names.in_language(locale)))
                .unwrap_or_default(),
            Self::StatusCode => application.status.as_str().to_owned(),
            Self::Status => text_cell(application.status.label(locale)),
            Self::Score => application.score.map(|s| s.to_string()).unwrap_or_default(),
            Self::Eligible => application
                .eligible
                .map(|e| e.to_string())
                .unwrap_or_default(),
            Self::Investment => application
                .investment_cny
                .map(|cny| cny.to_string())
                .unwrap_or_default(),
            Self::PlannedOpening => application
                .planned_opening
                .map(|date| date.to_string())
                .unwrap_or_default(),
            Self::Sites => application.proposed_sites.len().to_string(),
            Self::ContactName => text_cell(&contact.name),
            // Every contact is a mainland mobile (validated): its 11 digits, without the `+86`
            // some write, which a spreadsheet would read as a formula (and we would defuse with
            // a visible `'`).
            Self::ContactPhone => {
                text_cell(contact.phone.strip_prefix("+86").unwrap_or(&contact.phone))
            }
            Self::ContactEmail => text_cell(&contact.email),
            Self::SubmittedAt => application.submitted_at.map(time_cell).unwrap_or_default(),
            Self::CreatedAt => time_cell(application.created_at),
            Self::UpdatedAt => time_cell(application.updated_at),
        }
    }
}

/// A text cell as a spreadsheet will not run it: one that starts like a formula gets a leading
/// `'` (OWASP "CSV injection"). Numbers, dates and ids are written as they are.
fn text_cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    }
}

/// A time as the recruitment team reads it: China time (UTC+8 all year), to the second, as
/// `2026-03-09 10:41:07`, the zone named once in the column's header. Excel, WPS and LibreOffice
/// take this form for a date and time (sortable, filterable) where they keep
/// `2026-03-09T10:41:07+08:00` as text, and a script parses it with one fixed format and one
/// fixed offset (China has no daylight saving).
fn time_cell(time: DateTime<Utc>) -> String {
    time.with_timezone(&CHINA_TIME)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn header(locale: Locale) -> [&'static str; Column::ALL.len()] {
    Column::ALL.map(|column| column.header(locale))
}

fn record(row: &ExportRow, locale: Locale) -> [String; Column::ALL.len()] {
    Column::ALL.map(|column| column.cell(row, locale))
}

/// RFC 4180 records (quoted where needed, CRLF-terminated) of `records`.
fn csv_bytes<I, R>(records: I) -> Result<Bytes, AppError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for record in records {
        writer
            .write_record(record)
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    Ok(Bytes::from(bytes))
}

/// Where the export has got to between chunks.
struct Cursor {
    state: web::Data<AppState>,
    query: Arc<ListQuery>,
    sort: Sort,
    locale: Locale,
    /// Rows read before the response started, sent first.
    pending: Option<Vec<ExportRow>>,
    after: Option<ListKey>,
    done: bool,
}

impl Cursor {
    /// The CSV of the next chunk, or None when every row was sent.
    async fn next_chunk(mut self) -> Result<Option<(Bytes, Self)>, AppError> {
        if self.done {
            return Ok(None);
        }
        let rows = match self.pending.take() {
            Some(rows) => rows,
            None => fetch(&self.state, &self.query, self.after.clone()).await?,
        };
        // A short chunk is the last one: no query just to learn that nothing follows.
        self.done = rows.len() < CHUNK as usize;
        let Some(last) = rows.last() else {
            return Ok(None);
        };
        self.after = Some(applications::key_of(&last.application, self.sort));
        let bytes = csv_bytes(rows.iter().map(|a| record(a, self.locale)))?;
        Ok(Some((bytes, self)))
    }
}

async fn fetch(
    state: &AppState,
    query: &Arc<ListQuery>,
    after: Option<ListKey>,
) -> Result<Vec<ExportRow>, AppError> {
    let query = query.clone();
    state
        .db
        .run(move |conn| applications::list_for_export(conn, &query, after, CHUNK))
        .await
}

/// The OpenAPI examples: a reviewer's export of the application of `ApplicationResponse`'s
/// example, in each language (a test renders that application and compares).
const EXAMPLE_EN: &str = "Application ID,Dealer group ID,Dealer group,USCC,City code,City,Status code,Status,Score,Eligible,Planned investment (CNY),Planned opening date,Proposed sites,Contact name,Contact mobile,Contact e-mail,\"Submitted (China time, UTC+8)\",\"Created (China time, UTC+8)\",\"Updated (China time, UTC+8)\"\r\n\
01958a11-6b7c-7d8e-9fa0-b1c2d3e4f5a6,019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1,江苏华东汽车销售服务集团有限公司,91320500MA1MQ7K23W,320500,Suzhou,under_review,In review,85,true,28000000,2027-05-01,1,Wang Fang,13912345678,wang.fang@dealer.example,2026-03-05 11:12:44,2026-03-02 17:15:00,2026-03-06 09:30:00\r\n";
const EXAMPLE_ZH_CN: &str = "申请编号,经销商集团编号,经销商集团,统一社会信用代码,城市代码,城市,状态代码,状态,评分,符合必要条件,计划投资（元）,计划开业日期,拟选店址数,联系人姓名,联系人手机号,联系人邮箱,提交时间（北京时间）,创建时间（北京时间）,更新时间（北京时间）\r\n\
01958a11-6b7c-7d8e-9fa0-b1c2d3e4f5a6,019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1,江苏华东汽车销售服务集团有限公司,91320500MA1MQ7K23W,320500,苏州,under_review,审核中,85,true,28000000,2027-05-01,1,Wang Fang,13912345678,wang.fang@dealer.example,2026-03-05 11:12:44,2026-03-02 17:15:00,2026-03-06 09:30:00\r\n";

/// Export the applications the caller may see as CSV.
///
/// Staff only: admins export every application, reviewers their cities'. The same filters and
/// sort as `GET /applications`; `limit` and `cursor` are ignored, the file holds every match.
/// The body is streamed as it is read (in chunks of 500), so an export of any size starts at once
/// and costs the server little memory. Errors found before the first byte (authorisation,
/// filters) are ordinary problem responses; a failure after it aborts the transfer, which
/// clients must treat as an incomplete file.
///
/// UTF-8 with a byte-order mark, RFC 4180 (comma, `"` quoting, CRLF), a header row first. The
/// headers and the words in cells (city, status) are in the caller's language (`Accept-Language:
/// zh-CN` or `en`, else the account's language); the columns and their order are the same in
/// both, and codes and ids stand beside the words, so that a script reads the file whatever its
/// language: by position, or by the English headers (`Accept-Language: en`).
///
/// | # | English header | Chinese header | Content |
/// |---|---|---|---|
/// | 1 | Application ID | 申请编号 | The application's `id` (UUID) |
/// | 2 | Dealer group ID | 经销商集团编号 | `dealer_group_id` (UUID) |
/// | 3 | Dealer group | 经销商集团 | The group's legal name |
/// | 4 | USCC | 统一社会信用代码 | The group's unified social credit code (18 characters) |
/// | 5 | City code | 城市代码 | The city's GB/T 2260 code (`320500`) |
/// | 6 | City | 城市 | The city's name in the file's language (`Suzhou`, `苏州`) |
/// | 7 | Status code | 状态代码 | `status` as the API writes it (`under_review`) |
/// | 8 | Status | 状态 | The status in words, in the file's language |
/// | 9 | Score | 评分 | Eligibility score, 0 to 100; empty until submitted |
/// | 10 | Eligible | 符合必要条件 | `true` or `false`; empty until submitted |
/// | 11 | Planned investment (CNY) | 计划投资（元） | Whole yuan, digits only |
/// | 12 | Planned opening date | 计划开业日期 | `YYYY-MM-DD` |
/// | 13 | Proposed sites | 拟选店址数 | How many sites the application proposes |
/// | 14 | Contact name | 联系人姓名 | The group's contact person, as its profile says now |
/// | 15 | Contact mobile | 联系人手机号 | The contact's mainland mobile number: 11 digits, no `+86` |
/// | 16 | Contact e-mail | 联系人邮箱 | The contact's e-mail address |
/// | 17 | Submitted (China time, UTC+8) | 提交时间（北京时间） | `YYYY-MM-DD HH:MM:SS`; empty for a draft never submitted |
/// | 18 | Created (China time, UTC+8) | 创建时间（北京时间） | `YYYY-MM-DD HH:MM:SS` |
/// | 19 | Updated (China time, UTC+8) | 更新时间（北京时间） | `YYYY-MM-DD HH:MM:SS` |
///
/// Times are China time (UTC+8 all year, no daylight saving) to the second, without the offset
/// in the cell, so that spreadsheets read them as dates and times; the header names the zone.
/// Cells of what is not set yet are empty. Text that a spreadsheet would take for a formula
/// (starting with `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'`.
#[utoipa::path(
    tag = "applications",
    params(ApplicationFilter),
    security(("bearer" = [])),
    responses((
        status = 200,
        content_type = "text/csv",
        body = String,
        description = "The matching applications as CSV, a header row first (the examples leave out the byte-order mark)",
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"applications-YYYYMMDD.csv\"`")),
        examples(
            ("en" = (summary = "Accept-Language: en", value = json!(EXAMPLE_EN))),
            ("zh-CN" = (summary = "Accept-Language: zh-CN", value = json!(EXAMPLE_ZH_CN))),
        )
    ))
)]
#[get("/applications/export.csv")]
pub async fn export_applications(
    Authorized(user): Authorized<Staff>,
    req: HttpRequest,
    state: web::Data<AppState>,
    ValidatedQuery(filter): ValidatedQuery<ApplicationFilter>,
) -> Result<HttpResponse, AppError> {
    let locale = Locale::from_request(&req);
    let sort = filter.sort();
    let now = state.clock.now();
    // Who sees what, and the first chunk, before any byte is sent: until then a failure is still
    // an ordinary problem response.
    let (query, first, locale) = state
        .db
        .run(move |conn| {
            let access = Access::of(&Principal::User(user), locale)?;
            let deadlines = Deadlines::read(conn, now)?;
            let query = filter.into_query(&access, &deadlines);
            let first = applications::list_for_export(conn, &query, None, CHUNK)?;
            Ok((query, first, access.locale))
        })
        .await?;
    let filename = format!(
        "applications-{}.csv",
        state
            .clock
            .now()
            .with_timezone(&crate::domain::sla::CHINA_TIME)
            .format("%Y%m%d")
    );
    let head = csv_bytes([header(locale)])?;
    let mut preamble = Vec::with_capacity(UTF8_BOM.len() + head.len());
    preamble.extend_from_slice(UTF8_BOM);
    preamble.extend_from_slice(&head);
    let cursor = Cursor {
        state: state.clone(),
        query: Arc::new(query),
        sort,
        locale,
        pending: Some(first),
        after: None,
        done: false,
    };
    let rows = stream::try_unfold(cursor, Cursor::next_chunk).inspect(|chunk| {
        if let Err(error) = chunk {
            tracing::error!(?error, "CSV export cut short");
        }
    });
    let body = stream::once(async move { Ok::<_, AppError>(Bytes::from(preamble)) }).chain(rows);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};
    use serde_json::Value;

    use super::*;
    use crate::db::applications::Application;
    use crate::db::cities::CityNames;
    use crate::domain::application::{SiteDraft, StoreFormat};
    use crate::domain::dealer_group::Contact;
    use crate::domain::workflow::Status as ApplicationStatus;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    /// The application of `ApplicationResponse`'s example, as the export reads it.
    fn example_row() -> ExportRow {
        ExportRow {
            application: Application {
                id: "01958a11-6b7c-7d8e-9fa0-b1c2d3e4f5a6".parse().unwrap(),
                dealer_group_id: "019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1".parse().unwrap(),
                dealer_group_name: "江苏华东汽车销售服务集团有限公司".to_owned(),
                city_code: "320500".to_owned(),
                status: ApplicationStatus::UnderReview,
                store_format: StoreFormat::default(),
                proposed_sites: vec![SiteDraft::default()],
                investment_cny: Some(28_000_000),
                planned_opening: NaiveDate::from_ymd_opt(2027, 5, 1),
                customer_base: None,
                notes: None,
                acknowledgements: Default::default(),
                score: Some(85),
                eligible: Some(true),
                version: 4,
                submitted_at: Some(utc("2026-03-05T03:12:44Z")),
                created_at: utc("2026-03-02T09:15:00Z"),
                updated_at: utc("2026-03-06T01:30:00Z"),
                status_since: utc("2026-03-06T01:30:00Z"),
            },
            uscc: "91320500MA1MQ7K23W".to_owned(),
            contact: Contact {
                name: "Wang Fang".to_owned(),
                phone: "+8613912345678".to_owned(),
                email: "wang.fang@dealer.example".to_owned(),
            },
            city: Some(CityNames {
                name_en: "Suzhou".to_owned(),
                name_zh: "苏州".to_owned(),
            }),
        }
    }

    fn file(row: &ExportRow, locale: Locale) -> String {
        let mut bytes = csv_bytes([header(locale)]).unwrap().to_vec();
        bytes.extend_from_slice(&csv_bytes([record(row, locale)]).unwrap());
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn every_column_has_its_own_header_in_both_languages() {
        crate::i18n::assert_own_words(&Column::ALL, Column::header);
    }

    /// The spec's examples are what the export writes of that application, in each language.
    #[test]
    fn the_examples_are_what_the_export_writes() {
        let row = example_row();
        assert_eq!(file(&row, Locale::En), EXAMPLE_EN);
        assert_eq!(file(&row, Locale::ZhCn), EXAMPLE_ZH_CN);
    }

    /// The operation's description lists every column, in order, with both its headers.
    #[test]
    fn the_spec_documents_every_column_in_both_languages() {
        let doc: Value = serde_json::from_str(crate::openapi::document_json()).unwrap();
        let operation = &doc["paths"]["/api/v1/applications/export.csv"]["get"];
        let description = operation["description"].as_str().unwrap();
        let rows: Vec<&str> = description
            .lines()
            .filter(|line| line.starts_with("| ") && !line.starts_with("| #"))
            .collect();
        assert_eq!(rows.len(), Column::ALL.len(), "{description}");
        for (index, (row, column)) in rows.iter().zip(Column::ALL).enumerate() {
            let documented = format!(
                "| {} | {} | {} |",
                index + 1,
                column.header(Locale::En),
                column.header(Locale::ZhCn)
            );
            assert!(row.starts_with(&documented), "{row}: not {documented}");
        }
        let examples = &operation["responses"]["200"]["content"]["text/csv"]["examples"];
        assert_eq!(examples["en"]["value"], EXAMPLE_EN);
        assert_eq!(examples["zh-CN"]["value"], EXAMPLE_ZH_CN);
    }

    #[test]
    fn times_are_china_time_to_the_second() {
        // 18:30 UTC is half past two the next morning in China.
        let at = Utc.with_ymd_and_hms(2026, 3, 9, 18, 30, 5).unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(time_cell(at), "2026-03-10 02:30:05");
    }

    #[test]
    fn the_contact_mobile_is_its_eleven_digits() {
        let mut row = example_row();
        assert_eq!(Column::ContactPhone.cell(&row, Locale::En), "13912345678");
        row.contact.phone = "13912345678".to_owned();
        assert_eq!(Column::ContactPhone.cell(&row, Locale::En), "13912345678");
    }

    #[test]
    fn text_that_looks_like_a_formula_is_defused() {
        for bad in ["=SUM(A1)", "+1", "-1", "@x", "\tx", "\rx"] {
            assert_eq!(text_cell(bad), format!("'{bad}"));
        }
        assert_eq!(text_cell("苏州东方"), "苏州东方");
        assert_eq!(text_cell(""), "");
        assert_eq!(text_cell("a=b"), "a=b");
    }

    #[test]
    fn records_are_quoted_and_crlf_terminated() {
        let bytes = csv_bytes([["a,b", "say \"hi\"", "two\nlines", "苏州"]]).unwrap();
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",苏州\r\n"
        );
    }
}

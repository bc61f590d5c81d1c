use std::sync::Arc;

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::SecondsFormat;
use futures_util::{StreamExt, stream};

use super::list::ApplicationFilter;
use crate::auth::{Authorized, Principal, Staff};
use crate::db::applications::{self, Application, ListKey, ListQuery, Sort};
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

/// The columns, in order; their names are stable for integrators' import scripts.
const HEADER: [&str; 14] = [
    "id",
    "dealer_group_id",
    "dealer_group_name",
    "city_code",
    "status",
    "status_label",
    "score",
    "eligible",
    "investment_cny",
    "planned_opening",
    "sites",
    "submitted_at",
    "created_at",
    "updated_at",
];

/// A text cell as a spreadsheet will not run it: one that starts like a formula gets a leading
/// `'` (OWASP "CSV injection"). Numbers, dates and ids are written as they are.
fn text_cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    }
}

fn time_cell(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn record(application: &Application, locale: Locale) -> [String; 14] {
    [
        application.id.to_string(),
        application.dealer_group_id.to_string(),
        text_cell(&application.dealer_group_name),
        text_cell(&application.city_code),
        application.status.as_str().to_owned(),
        text_cell(application.status.label(locale)),
        application.score.map(|s| s.to_string()).unwrap_or_default(),
        application
            .eligible
            .map(|e| e.to_string())
            .unwrap_or_default(),
        application
            .investment_cny
            .map(|cny| cny.to_string())
            .unwrap_or_default(),
        application
            .planned_opening
            .map(|date| date.to_string())
            .unwrap_or_default(),
        application.proposed_sites.len().to_string(),
        application.submitted_at.map(time_cell).unwrap_or_default(),
        time_cell(application.created_at),
        time_cell(application.updated_at),
    ]
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
    pending: Option<Vec<Application>>,
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
        self.after = Some(applications::key_of(last, self.sort));
        let bytes = csv_bytes(rows.iter().map(|a| record(a, self.locale)))?;
        Ok(Some((bytes, self)))
    }
}

async fn fetch(
    state: &AppState,
    query: &Arc<ListQuery>,
    after: Option<ListKey>,
) -> Result<Vec<Application>, AppError> {
    let query = query.clone();
    state
        .db
        .run(move |conn| applications::list(conn, &query, after, CHUNK))
        .await
}

/// Export the applications the caller may see as CSV.
///
/// Staff only: admins export every application, reviewers their cities'. The same filters and
/// sort as `GET /applications`; `limit` and `cursor` are ignored, the file holds every match.
/// The body is streamed as it is read (in chunks of 500), so an export of any size starts at once
/// and costs the server little memory. Errors found before the first byte (authorisation,
/// filters) are ordinary problem responses; a failure after it aborts the transfer, which
/// clients must treat as an incomplete file.
///
/// UTF-8 with a byte-order mark, RFC 4180 (comma, `"` quoting, CRLF). Columns: `id`,
/// `dealer_group_id`, `dealer_group_name`, `city_code`, `status`, `status_label` (in the
/// caller's language), `score`, `eligible`, `investment_cny`, `planned_opening`, `sites` (how many
/// proposed sites), `submitted_at`, `created_at`, `updated_at`; empty cells for what is not set
/// yet. Text that a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, tab or
/// CR) is prefixed with `'`.
#[utoipa::path(
    tag = "applications",
    params(ApplicationFilter),
    security(("bearer" = [])),
    responses((
        status = 200,
        content_type = "text/csv",
        body = String,
        description = "The matching applications as CSV, one header row first",
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"applications-YYYYMMDD.csv\"`"))
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
            let first = applications::list(conn, &query, None, CHUNK)?;
            Ok((query, first, access.locale))
        })
        .await?;
    let filename = format!("applications-{}.csv", state.clock.now().format("%Y%m%d"));
    let head = csv_bytes([HEADER])?;
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
    use super::*;

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

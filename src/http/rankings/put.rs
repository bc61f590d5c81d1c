use std::collections::HashSet;

use actix_web::{HttpMessage, HttpRequest, put, web};
use validator::Validate;

use super::{RankingEntry, RankingList, check_year};
use crate::auth::{Admin, Authorized};
use crate::db::rankings::{self, Entry};
use crate::domain::uscc::Uscc;
use crate::error::{AppError, FieldError, ProblemCode};
use crate::http::extract::{parse_json, read_body};
use crate::state::AppState;

/// A list of a few thousand rows fits easily.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Replace a year's ranking list (admins).
///
/// Send JSON `[{rank, name, uscc?}]` or `text/csv` with the header `rank,name,uscc` (an empty
/// `uscc` is none). The whole list is checked first; any bad row is a 422 naming it by its index
/// among the data rows (`[3].rank`; in CSV that is line 5, after the header), and nothing changes.
/// Every group's top-100 verification is then worked out again against the latest year's list.
#[utoipa::path(
    tag = "rankings",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "The list's year, 2000 to 2100", example = 2025)),
    request_body(content(
        (Vec<RankingEntry> = "application/json", example = json!([
            {"rank": 1, "name": "江苏华东汽车销售服务集团有限公司", "uscc": "91320500MA1MQ7K23W"},
            {"rank": 2, "name": "深圳南方汽车集团股份有限公司", "uscc": "91440300MA5EU2KH4X"},
            {"rank": 3, "name": "上海浦江汽车服务有限公司", "uscc": null}
        ])),
        (String = "text/csv", example = "rank,name,uscc\n1,江苏华东汽车销售服务集团有限公司,91320500MA1MQ7K23W\n2,深圳南方汽车集团股份有限公司,91440300MA5EU2KH4X\n3,上海浦江汽车服务有限公司,\n"),
    )),
    security(("bearer" = [])),
    responses((status = 200, description = "The list as stored", body = RankingList))
)]
#[put("/rankings/{year}")]
pub async fn put_ranking(
    _admin: Authorized<Admin>,
    state: web::Data<AppState>,
    year: web::Path<i32>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<RankingList>, AppError> {
    let year = year.into_inner();
    let csv = match req.mime_type() {
        Ok(Some(mime)) if mime.essence_str() == "text/csv" => true,
        Ok(Some(mime)) if mime.essence_str() == "application/json" => false,
        _ => return Err(AppError::UnsupportedMediaType),
    };
    let body = read_body(&req, &mut payload.into_inner(), BODY_LIMIT).await?;
    check_year(year)?;
    let rows: Vec<RankingEntry> = if csv {
        parse_csv(&body)?
    } else {
        parse_json(&body)?
    };
    let entries = checked(rows)?;
    let stored = state
        .write(move |work| {
            rankings::replace_year(work, year, &entries)?;
            rankings::list_year(work, year)
        })
        .await?;
    Ok(web::Json(RankingList {
        year,
        entries: stored.into_iter().map(Into::into).collect(),
    }))
}

pub(crate) fn parse_csv(body: &[u8]) -> Result<Vec<RankingEntry>, AppError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|_| AppError::BadRequest(ProblemCode::MalformedCsv))?
        .clone();
    let expected = ["rank", "name", "uscc"];
    if headers
        .iter()
        .map(str::to_ascii_lowercase)
        .ne(expected.iter().map(|h| h.to_string()))
    {
        return Err(AppError::field("header", "csv_header"));
    }
    reader
        .deserialize::<RankingEntry>()
        .enumerate()
        .map(|(index, row)| {
            row.map_err(|error| {
                let field = match error.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err
                        .field()
                        .and_then(|i| expected.get(i as usize))
                        .map_or(format!("[{index}]"), |name| format!("[{index}].{name}")),
                    _ => format!("[{index}]"),
                };
                AppError::Validation(vec![
                    FieldError::new(field, "invalid_type").with_param("detail", error),
                ])
            })
        })
        .collect()
}

/// Every row's problems at once, or the entries to store.
pub(crate) fn checked(rows: Vec<RankingEntry>) -> Result<Vec<Entry>, AppError> {
    let mut errors = Vec::new();
    let mut ranks = HashSet::new();
    let mut entries = Vec::with_capacity(rows.len());
    for (index, row) in rows.into_iter().enumerate() {
        if let Err(AppError::Validation(fields)) = row.validate().map_err(AppError::from) {
            errors.extend(fields.into_iter().map(|mut f| {
                f.field = format!("[{index}].{}", f.field);
                f
            }));
        }
        if !ranks.insert(row.rank) {
            errors.push(FieldError::new(format!("[{index}].rank"), "duplicate"));
        }
        let uscc = match row.uscc.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(raw) => match Uscc::parse(raw) {
                Ok(uscc) => Some(uscc.as_str().to_owned()),
                Err(error) => {
                    errors.push(FieldError::new(format!("[{index}].uscc"), error.code()));
                    None
                }
            },
        };
        entries.push(Entry {
            rank: row.rank,
            name: row.name.trim().to_owned(),
            uscc,
        });
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(AppError::Validation(errors))
    }
}

//! Request extractors that turn bad input into the API's problem responses: `ValidatedJson`,
//! `JsonOrForm` and `ValidatedQuery` parse with the failing field's JSON path and run the type's
//! `validator` rules, so every handler gets either a valid value or a 4xx naming the fields (JSON
//! bodies name all of them at once: `json_body`).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use validator::Validate;

use super::json_body;
use crate::error::{AppError, FieldError, ProblemCode};

/// The largest JSON body an operation accepts unless it says otherwise.
pub const JSON_BODY_LIMIT: usize = 256 * 1024;

/// A JSON body, parsed and validated.
pub struct ValidatedJson<T>(pub T);

/// SHA-256 of the raw body, left in the request's extensions by the body extractors for
/// `Idempotency-Key` (the same key with a different body is refused).
#[derive(Clone, Debug)]
pub struct BodyHash(pub String);

/// A JSON or `application/x-www-form-urlencoded` body (the OAuth token endpoint takes both).
pub struct JsonOrForm<T>(pub T);

/// Query parameters, parsed and validated.
pub struct ValidatedQuery<T>(pub T);

enum BodyKind {
    Json,
    Form,
}

fn body_kind(req: &HttpRequest, allow_form: bool) -> Result<BodyKind, AppError> {
    let mime = req
        .mime_type()
        .map_err(|_| AppError::UnsupportedMediaType)?
        .ok_or(AppError::UnsupportedMediaType)?;
    let is_json =
        mime.essence_str() == "application/json" || mime.suffix().is_some_and(|s| s == "json");
    if is_json {
        Ok(BodyKind::Json)
    } else if allow_form && mime.essence_str() == "application/x-www-form-urlencoded" {
        Ok(BodyKind::Form)
    } else {
        Err(AppError::UnsupportedMediaType)
    }
}

/// A JSON body (`application/json` or any `+json` type, such as `application/merge-patch+json`;
/// 415 otherwise) as a value, its hash left for `Idempotency-Key`.
pub async fn read_json(
    req: &HttpRequest,
    payload: &mut Payload,
) -> Result<serde_json::Value, AppError> {
    body_kind(req, false)?;
    let body = read_body(req, payload, JSON_BODY_LIMIT).await?;
    req.extensions_mut()
        .insert(BodyHash(crate::tokens::hash_token_bytes(&body)));
    json_value(&body)
}

/// Reads the body, refusing it with 413 as soon as it passes `limit`: a large body is never
/// buffered whole.
pub async fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Result<BytesMut, AppError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(AppError::PayloadTooLarge);
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest(ProblemCode::MalformedBody))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Turns a deserialisation error at `path` into a field error: `required` for a missing field,
/// `invalid_type` (with serde's explanation) for a wrong type or an unknown enum value.
fn field_error(path: &str, message: &str) -> FieldError {
    let message = json_body::plain(message);
    let parent = if path == "." { "" } else { path };
    if let Some(name) = json_body::missing_field(message) {
        let field = if parent.is_empty() {
            name.to_owned()
        } else {
            format!("{parent}.{name}")
        };
        return FieldError::new(field, "required");
    }
    let field = if parent.is_empty() {
        "body".to_owned()
    } else {
        parent.to_owned()
    };
    FieldError::new(field, "invalid_type").with_param("detail", message)
}

/// The body as a JSON value; text that is not JSON is a 400.
pub fn json_value(body: &[u8]) -> Result<serde_json::Value, AppError> {
    serde_json::from_slice(body).map_err(|_| AppError::BadRequest(ProblemCode::MalformedJson))
}

/// Reads a JSON body whose first failing field is enough to report (lists read in bulk).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        use serde_json::error::Category;
        match error.inner().classify() {
            Category::Data => AppError::Validation(vec![field_error(
                &error.path().to_string(),
                &error.inner().to_string(),
            )]),
            Category::Syntax | Category::Eof | Category::Io => {
                AppError::BadRequest(ProblemCode::MalformedJson)
            }
        }
    })?;
    deserializer
        .end()
        .map_err(|_| AppError::BadRequest(ProblemCode::MalformedJson))?;
    Ok(value)
}

pub fn parse_urlencoded<T: DeserializeOwned>(input: &[u8]) -> Result<T, AppError> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(input));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        AppError::Validation(vec![field_error(
            &error.path().to_string(),
            &error.inner().to_string(),
        )])
    })
}

fn validated<T: Validate>(value: T) -> Result<T, AppError> {
    value.validate()?;
    Ok(value)
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidatedJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            json_body::read(read_json(&req, &mut payload).await?, true).map(ValidatedJson)
        })
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for JsonOrForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let kind = body_kind(&req, true)?;
            let body = read_body(&req, &mut payload, JSON_BODY_LIMIT).await?;
            match kind {
                // Unknown parameters are ignored here: the token endpoint must (RFC 6749, 3.1).
                BodyKind::Json => json_body::read(json_value(&body)?, false).map(JsonOrForm),
                BodyKind::Form => parse_urlencoded(&body).and_then(validated).map(JsonOrForm),
            }
        })
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidatedQuery<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            parse_urlencoded(req.query_string().as_bytes())
                .and_then(validated)
                .map(ValidatedQuery),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Site {
        area: u32,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Form {
        name: String,
        sites: Vec<Site>,
    }

    fn fields(error: AppError) -> Vec<(String, String)> {
        match error {
            AppError::Validation(fields) => fields.into_iter().map(|f| (f.field, f.code)).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field_by_its_path() {
        let err = parse_json::<Form>(br#"{"name": "x", "sites": [{"area": 1}, {"area": "big"}]}"#)
            .unwrap_err();
        assert_eq!(
            fields(err),
            [("sites[1].area".into(), "invalid_type".into())]
        );
        let err = parse_json::<Form>(br#"{"sites": []}"#).unwrap_err();
        assert_eq!(fields(err), [("name".into(), "required".into())]);
        let err = parse_json::<Form>(br#"{"name": "x", "sites": [{}]}"#).unwrap_err();
        assert_eq!(fields(err), [("sites[0].area".into(), "required".into())]);
    }

    #[test]
    fn broken_json_is_a_bad_request() {
        for body in [&b"{"[..], b"", b"{\"name\": \"x\", \"sites\": []} trailing"] {
            assert!(matches!(
                parse_json::<Form>(body),
                Err(AppError::BadRequest(ProblemCode::MalformedJson))
            ));
        }
    }
}

//! Optimistic concurrency: a write names the version it read in `If-Match`, and the response
//! carries the new version as its `ETag`.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header::{self, EntityTag};
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder};

use crate::error::AppError;

/// The version the caller read, or `*` (any current version: the caller means to overwrite).
/// Missing: 428; not a version: 412 (it cannot match).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfMatch {
    Any,
    Version(i32),
}

impl IfMatch {
    fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if value == "*" {
            return Some(Self::Any);
        }
        let value = value.strip_prefix("W/").unwrap_or(value);
        value.trim_matches('"').parse().ok().map(Self::Version)
    }

    /// 412 unless the stored version is the one the caller read (or the caller sent `*`).
    pub fn check(self, current: i32) -> Result<(), AppError> {
        match self {
            Self::Version(read) if read != current => Err(AppError::VersionMismatch),
            _ => Ok(()),
        }
    }
}

impl FromRequest for IfMatch {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.headers().get(header::IF_MATCH) {
            None => Err(AppError::PreconditionRequired),
            Some(value) => value
                .to_str()
                .ok()
                .and_then(Self::parse)
                .ok_or(AppError::VersionMismatch),
        };
        ready(result)
    }
}

/// A 200 response builder carrying `version` as a strong ETag.
pub fn ok_with_etag(version: i32) -> HttpResponseBuilder {
    let mut builder = HttpResponse::Ok();
    builder.insert_header(header::ETag(EntityTag::new_strong(version.to_string())));
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_accepts_the_etag_forms_clients_send() {
        assert_eq!(IfMatch::parse("\"3\""), Some(IfMatch::Version(3)));
        assert_eq!(IfMatch::parse("3"), Some(IfMatch::Version(3)));
        assert_eq!(IfMatch::parse("W/\"3\""), Some(IfMatch::Version(3)));
        assert_eq!(IfMatch::parse("*"), Some(IfMatch::Any));
        assert_eq!(IfMatch::parse("x"), None);
        assert!(IfMatch::Version(3).check(3).is_ok());
        assert!(IfMatch::Any.check(3).is_ok());
        assert!(matches!(
            IfMatch::Version(2).check(3),
            Err(AppError::VersionMismatch)
        ));
    }
}

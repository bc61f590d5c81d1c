//! Optimistic concurrency: a write names the version it read in `If-Match`, and the response
//! carries the new version as its `ETag`.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header::{self, EntityTag};
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder};

use crate::error::AppError;

/// The version the caller read. Missing: 428; not a version: 412 (it cannot match).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IfMatch(pub i32);

impl IfMatch {
    fn parse(value: &str) -> Option<i32> {
        let value = value.trim();
        let value = value.strip_prefix("W/").unwrap_or(value);
        value.trim_matches('"').parse().ok()
    }

    /// 412 unless the stored version is the one the caller read.
    pub fn check(self, current: i32) -> Result<(), AppError> {
        if self.0 == current {
            Ok(())
        } else {
            Err(AppError::VersionMismatch)
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
                .map(IfMatch)
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
        assert_eq!(IfMatch::parse("\"3\""), Some(3));
        assert_eq!(IfMatch::parse("3"), Some(3));
        assert_eq!(IfMatch::parse("W/\"3\""), Some(3));
        assert_eq!(IfMatch::parse("*"), None);
        assert!(IfMatch(3).check(3).is_ok());
        assert!(matches!(
            IfMatch(2).check(3),
            Err(AppError::VersionMismatch)
        ));
    }
}

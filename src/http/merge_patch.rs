//! `PATCH` bodies are JSON Merge Patches (RFC 7396): only the fields sent change, `null` clears a
//! field, arrays are replaced whole. The patch is applied to the resource's editable form as it
//! is now, and the result is read like a full body: every failing field at once, unknown fields
//! included, so a patch cannot reach a field a full body could not.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use validator::Validate;

use super::extract::read_json;
use super::json_body;
use crate::error::{AppError, FieldError};

/// A merge patch document: a JSON object (`application/merge-patch+json`, or `application/json`
/// read the same way).
#[derive(Debug, Clone)]
pub struct MergePatch(Value);

impl MergePatch {
    /// `current` (the resource's editable form) with the patch applied, read and checked as `T`.
    pub fn apply<T: DeserializeOwned + Validate>(
        &self,
        current: &impl Serialize,
    ) -> Result<T, AppError> {
        let mut document =
            serde_json::to_value(current).map_err(|e| AppError::Internal(e.into()))?;
        json_patch::merge(&mut document, &self.0);
        json_body::read(document, true)
    }
}

impl FromRequest for MergePatch {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            match read_json(&req, &mut payload).await? {
                // A patch that is not an object would replace the whole resource: not a patch.
                patch @ Value::Object(_) => Ok(Self(patch)),
                _ => Err(AppError::Validation(vec![
                    FieldError::new("body", "invalid_type")
                        .with_param("detail", "a merge patch is a JSON object"),
                ])),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Serialize, Deserialize, Validate, PartialEq)]
    struct Task {
        done: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[validate(length(max = 5))]
        note: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn patch(value: Value) -> MergePatch {
        MergePatch(value)
    }

    #[test]
    fn only_the_fields_sent_change_and_null_clears() {
        let now = Task {
            done: false,
            note: Some("keep".into()),
            tags: vec!["a".into(), "b".into()],
        };
        let after: Task = patch(serde_json::json!({"done": true}))
            .apply(&now)
            .unwrap();
        assert_eq!(after.note.as_deref(), Some("keep"));
        assert!(after.done);
        let after: Task = patch(serde_json::json!({"note": null, "tags": ["c"]}))
            .apply(&now)
            .unwrap();
        assert_eq!(after.note, None);
        assert_eq!(after.tags, ["c"]);
    }

    #[test]
    fn a_patch_is_checked_like_a_full_body() {
        let now = Task {
            done: false,
            note: None,
            tags: Vec::new(),
        };
        let error = patch(serde_json::json!({"done": null, "note": "too long", "x": 1}))
            .apply::<Task>(&now)
            .unwrap_err();
        let AppError::Validation(fields) = error else {
            panic!("expected 422")
        };
        let mut found: Vec<_> = fields
            .iter()
            .map(|f| (f.field.as_str(), f.code.as_str()))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("done", "required"),
                ("note", "length"),
                ("x", "unknown_field")
            ]
        );
    }
}

//! Reads a JSON value into a request type and names every failing field at once: wrong types,
//! missing fields, unknown fields and the type's `validator` rules, in one 422.
//!
//! serde stops at the first error. To go on, the reader notes the error and puts a stand-in at
//! the failing place (`null`, `""`, `0`, ..., or the first variant an enum names), then reads
//! again. Stand-ins are never reported themselves: an error at or below one is dropped. The
//! number of rounds is bounded, so a body full of errors costs a bounded amount of work.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde_json::Value;
use validator::Validate;

use crate::error::{AppError, FieldError};

/// Enough for any real form; a hostile body full of errors stops here.
const MAX_ROUNDS: usize = 64;

/// One step of a JSON path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

type Path = Vec<Step>;

/// `proposed_sites[0].site_area_sqm`; the empty path (the body itself) is `body`.
fn render(path: &[Step]) -> String {
    if path.is_empty() {
        return "body".to_owned();
    }
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

fn error_path(path: &serde_path_to_error::Path) -> Path {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Enum { variant } => Some(Step::Key(variant.clone())),
            Segment::Unknown => None,
        })
        .collect()
}

fn ignored_path(path: &serde_ignored::Path<'_>) -> Path {
    use serde_ignored::Path as P;
    match path {
        P::Root => Vec::new(),
        P::Seq { parent, index } => {
            let mut out = ignored_path(parent);
            out.push(Step::Index(*index));
            out
        }
        P::Map { parent, key } => {
            let mut out = ignored_path(parent);
            out.push(Step::Key(key.clone()));
            out
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            ignored_path(parent)
        }
    }
}

/// The stand-ins tried in turn at a failing place until one reads; enums add their first variant.
fn stand_ins() -> Vec<Value> {
    vec![
        Value::Null,
        Value::from(""),
        Value::from(0),
        Value::from(false),
        Value::Array(Vec::new()),
        Value::Object(serde_json::Map::new()),
        Value::from("2000-01-01"),
        Value::from("2000-01-01T00:00:00Z"),
        Value::from("00000000-0000-0000-0000-000000000000"),
    ]
}

/// A place holding a stand-in, and those still to try there.
struct StandIn {
    path: Path,
    left: Vec<Value>,
}

/// Serde's words for the two errors that are not a wrong value: a missing field and an enum value
/// it does not know (whose list of variants gives a stand-in).
pub(super) fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
}

fn first_variant(message: &str) -> Option<String> {
    let (_, expected) = message.split_once("expected")?;
    expected.split('`').nth(1).map(str::to_owned)
}

/// Drops the location serde_json appends to messages read from text.
pub(super) fn plain(message: &str) -> &str {
    message.rsplit_once(" at line ").map_or(message, |(m, _)| m)
}

fn set(value: &mut Value, path: &[Step], new: Value) {
    let Some((last, parents)) = path.split_last() else {
        *value = new;
        return;
    };
    let mut target = value;
    for step in parents {
        let next = match (step, target) {
            (Step::Key(key), Value::Object(map)) => map.get_mut(key),
            (Step::Index(index), Value::Array(items)) => items.get_mut(*index),
            _ => None,
        };
        match next {
            Some(next) => target = next,
            None => return,
        }
    }
    match (last, target) {
        (Step::Key(key), Value::Object(map)) => {
            map.insert(key.clone(), new);
        }
        (Step::Index(index), Value::Array(items)) => {
            if let Some(item) = items.get_mut(*index) {
                *item = new;
            }
        }
        _ => {}
    }
}

#[derive(Default)]
struct Findings {
    errors: Vec<FieldError>,
    reported: BTreeSet<Path>,
    stand_ins: Vec<StandIn>,
}

impl Findings {
    /// Whether `path` lies at or below a stand-in (so an error there is the stand-in's own).
    fn under_stand_in(&self, path: &[Step]) -> bool {
        self.stand_ins.iter().any(|s| path.starts_with(&s.path))
    }

    fn report(&mut self, path: Path, error: FieldError) {
        if !self.under_stand_in(&path) && self.reported.insert(path) {
            self.errors.push(error);
        }
    }

    /// The next value to try at `path`: a new stand-in there, or the next one of an existing
    /// stand-in; `None` when every stand-in has failed.
    fn next_stand_in(&mut self, path: &[Step], message: &str) -> Option<Value> {
        let index = match self.stand_ins.iter().position(|s| s.path == path) {
            Some(index) => index,
            None => {
                self.stand_ins.push(StandIn {
                    path: path.to_vec(),
                    left: stand_ins(),
                });
                self.stand_ins.len() - 1
            }
        };
        let stand_in = &mut self.stand_ins[index];
        if let Some(variant) = first_variant(message) {
            stand_in.left.insert(0, Value::from(variant));
        }
        if stand_in.left.is_empty() {
            None
        } else {
            Some(stand_in.left.remove(0))
        }
    }
}

/// Reads `value`, a JSON object, as a `T` and checks its rules; every failing field is in the one error.
///
/// `unknown_fields` says whether keys the type does not know are errors (`unknown_field`); the
/// OAuth token endpoint, for one, must ignore parameters it does not know (RFC 6749, 3.1).
pub fn read<T: DeserializeOwned + Validate>(
    mut value: Value,
    unknown_fields: bool,
) -> Result<T, AppError> {
    // serde would read a struct from an array too (by position); a body is an object.
    if !value.is_object() {
        return Err(AppError::Validation(vec![
            FieldError::new("body", "invalid_type").with_param("detail", "expected a JSON object"),
        ]));
    }
    let mut findings = Findings::default();
    for _ in 0..MAX_ROUNDS {
        let mut ignored = Vec::new();
        let mut note_ignored = |path: serde_ignored::Path<'_>| ignored.push(ignored_path(&path));
        let result: Result<T, _> = serde_path_to_error::deserialize(
            serde_ignored::Deserializer::new(&value, &mut note_ignored),
        );
        if unknown_fields {
            for path in ignored {
                let error = FieldError::new(render(&path), "unknown_field");
                findings.report(path, error);
            }
        }
        let error = match result {
            Ok(read) => return checked(read, findings),
            Err(error) => error,
        };
        let message = error.inner().to_string();
        let message = plain(&message);
        let mut path = error_path(error.path());
        if let Some(name) = missing_field(message) {
            path.push(Step::Key(name.to_owned()));
            findings.report(path.clone(), FieldError::new(render(&path), "required"));
        } else {
            let error =
                FieldError::new(render(&path), "invalid_type").with_param("detail", message);
            findings.report(path.clone(), error);
        }
        match findings.next_stand_in(&path, message) {
            Some(stand_in) => set(&mut value, &path, stand_in),
            None => break,
        }
    }
    Err(AppError::Validation(findings.errors))
}

/// The type's own rules, on what was read; rules broken by stand-ins are not the caller's.
fn checked<T: Validate>(read: T, findings: Findings) -> Result<T, AppError> {
    let mut errors = findings.errors;
    if let Err(AppError::Validation(broken)) = read.validate().map_err(AppError::from) {
        let stand_ins: Vec<String> = findings.stand_ins.iter().map(|s| render(&s.path)).collect();
        errors.extend(broken.into_iter().filter(|error| {
            !stand_ins.iter().any(|place| {
                place == "body"
                    || error.field == *place
                    || error
                        .field
                        .strip_prefix(place.as_str())
                        .is_some_and(|rest| rest.starts_with(['.', '[']))
            })
        }));
    }
    if errors.is_empty() {
        Ok(read)
    } else {
        Err(AppError::Validation(errors))
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plaza,
        Street,
    }

    #[derive(Debug, Deserialize, Validate)]
    #[allow(dead_code)]
    struct Site {
        #[validate(range(min = 1))]
        area: u32,
        kind: Kind,
        opens: Option<NaiveDate>,
    }

    #[derive(Debug, Deserialize, Validate)]
    #[allow(dead_code)]
    struct Form {
        #[validate(length(min = 2))]
        name: String,
        #[validate(email)]
        email: String,
        #[validate(nested)]
        sites: Vec<Site>,
        note: Option<String>,
    }

    fn failing(body: Value) -> Vec<(String, String)> {
        match read::<Form>(body, true) {
            Err(AppError::Validation(fields)) => {
                fields.into_iter().map(|f| (f.field, f.code)).collect()
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
            .collect()
    }

    #[test]
    fn an_empty_body_names_every_required_field() {
        assert_eq!(
            failing(serde_json::json!({})),
            pairs(&[
                ("name", "required"),
                ("email", "required"),
                ("sites", "required")
            ])
        );
    }

    #[test]
    fn types_unknown_fields_and_rules_fail_together() {
        let body = serde_json::json!({
            "name": "x",
            "email": 5,
            "sites": [
                {"area": 0, "kind": "plaza"},
                {"area": "big", "kind": "moon", "opens": "soon", "floor": 2},
                7
            ],
            "colour": "red"
        });
        let mut found = failing(body);
        found.sort();
        let mut expected = pairs(&[
            ("colour", "unknown_field"),
            ("email", "invalid_type"),
            ("name", "length"),
            ("sites[0].area", "range"),
            ("sites[1].area", "invalid_type"),
            ("sites[1].kind", "invalid_type"),
            ("sites[1].opens", "invalid_type"),
            ("sites[1].floor", "unknown_field"),
            ("sites[2]", "invalid_type"),
        ]);
        expected.sort();
        assert_eq!(found, expected);
    }

    #[test]
    fn unknown_fields_may_be_ignored() {
        let form: Form = read(
            serde_json::json!({"name": "xy", "email": "a@b.cn", "sites": [], "extra": 1}),
            false,
        )
        .unwrap();
        assert_eq!(form.name, "xy");
        assert!(
            read::<Form>(
                serde_json::json!({"name": "xy", "email": "a@b.cn", "sites": [], "extra": 1}),
                true
            )
            .is_err()
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_one_error() {
        assert_eq!(
            failing(serde_json::json!([1, 2])),
            pairs(&[("body", "invalid_type")])
        );
    }

    #[test]
    fn a_body_full_of_errors_costs_bounded_rounds() {
        let sites: Vec<Value> = (0..1000).map(|_| Value::from("x")).collect();
        let found = failing(serde_json::json!({"name": "xy", "email": "a@b.cn", "sites": sites}));
        assert!(!found.is_empty() && found.len() <= MAX_ROUNDS);
    }
}

//! Checks of the document as a front end and an integrator build from it: an example on every
//! body, examples that hold to their schemas and pass the API's own validation, and tables that
//! name real operations.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use validator::Validate;

use super::headers::RESOURCE_HEADERS;
use super::integrators::CLIENT_OPERATIONS;
use crate::domain::account::EmailAddress;
use crate::domain::scope::Scope;
use crate::domain::workflow::EventType;
use crate::http::extract::parse_json;

fn document() -> Value {
    serde_json::from_str(super::document_json()).unwrap()
}

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Every operation: (method, path, operation).
fn operations(doc: &Value) -> Vec<(&str, &str, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((method, path.as_str(), operation));
            }
        }
    }
    found
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

/// The schema a local `$ref` names, or the schema itself.
fn resolve<'d>(doc: &'d Value, schema: &'d Value) -> &'d Value {
    match schema["$ref"].as_str() {
        Some(pointer) => match doc.pointer(pointer.trim_start_matches('#')) {
            Some(target) => resolve(doc, target),
            None => panic!("no {pointer}"),
        },
        None => schema,
    }
}

/// Whether a schema shows an example: its own `example` or `examples` (after following
/// `$ref`), or, when it has none, one made of its parts: an array's items', every property of an
/// object, every member of an `allOf`, `oneOf` or `anyOf`; a `null` needs none. Swagger UI and
/// Schemathesis compose whole examples from such parts.
fn shows_example(doc: &Value, schema: &Value) -> bool {
    let schema = resolve(doc, schema);
    if schema.get("example").is_some() || schema.get("examples").is_some() {
        return true;
    }
    if schema["type"] == "null" {
        return true;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(members) = schema[key].as_array() {
            return members.iter().all(|member| shows_example(doc, member));
        }
    }
    if let Some(items) = schema.get("items") {
        return shows_example(doc, items);
    }
    match schema["properties"].as_object() {
        Some(properties) if !properties.is_empty() => properties
            .values()
            .all(|property| shows_example(doc, property)),
        _ => false,
    }
}

/// Whether a media type (an entry of `content`) shows an example: its own, or its schema's.
fn media_shows_example(doc: &Value, media: &Value) -> bool {
    media.get("example").is_some()
        || media.get("examples").is_some()
        || media
            .get("schema")
            .is_some_and(|schema| shows_example(doc, schema))
}

/// The bodies of an operation without an example: every media type of its request body, and the
/// JSON media types of its 2xx responses.
fn bodies_without_example(doc: &Value, operation: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    let request = operation["requestBody"]["content"].as_object();
    for (media_type, media) in request.into_iter().flatten() {
        if !media_shows_example(doc, media) {
            missing.push(format!("request body ({media_type})"));
        }
    }
    for (status, response) in operation["responses"].as_object().unwrap() {
        let response = resolve(doc, response);
        let content = response["content"].as_object();
        for (media_type, media) in content.into_iter().flatten() {
            if status.starts_with('2') && is_json(media_type) && !media_shows_example(doc, media) {
                missing.push(format!("{status} response ({media_type})"));
            }
        }
    }
    missing
}

/// Every operation shows an example of each body a client sends or reads: every media type of its
/// request body, and every JSON media type of its 2xx responses (other media types, like CSV
/// exports or document bytes, are not required to). What counts as an example: one on the media
/// type (`example` or `examples`), or on the schema it names, or one that can be composed from the
/// schema's parts (see `shows_example`).
#[test]
fn every_body_shows_an_example() {
    let doc = document();
    let failures: Vec<String> = operations(&doc)
        .into_iter()
        .filter_map(|(method, path, operation)| {
            let id = operation["operationId"].as_str().unwrap();
            let missing = bodies_without_example(&doc, operation);
            (!missing.is_empty()).then(|| {
                format!(
                    "{method} {path} ({id}) has no example: {}",
                    missing.join(", ")
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Generated clients name their functions after the operation ids: each is unique, snake_case,
/// and the handler's name (renaming a handler renames a client's function, which the drift test
/// shows in review). Every webhook has one too.
#[test]
fn operation_ids_are_unique_snake_case_names() {
    let doc = document();
    let webhooks = doc["webhooks"].as_object().unwrap();
    let ids: Vec<&str> = operations(&doc)
        .into_iter()
        .map(|(_, _, operation)| operation)
        .chain(webhooks.values().map(|item| &item["post"]))
        .map(|operation| operation["operationId"].as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "an operation id is used twice");
    for id in ids {
        assert!(
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{id}"
        );
    }
}

/// A validator of `schema`, whose `$ref`s point into the document's components.
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let root = json!({
        "components": {"schemas": doc["components"]["schemas"]},
        "allOf": [schema],
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|error| panic!("{error}: {schema}"))
}

/// Every example in the document, with the schema it illustrates and where it is: those of
/// media types and parameters (beside their `schema`) and those of schemas (on the schema).
fn examples<'d>(at: String, value: &'d Value, found: &mut Vec<(String, &'d Value, &'d Value)>) {
    match value {
        Value::Object(object) => {
            if let Some(example) = object.get("example") {
                let schema = object.get("schema").unwrap_or(value);
                found.push((at.clone(), example, schema));
            }
            for (key, child) in object {
                if key != "example" && key != "examples" {
                    examples(format!("{at}/{key}"), child, found);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                examples(format!("{at}/{index}"), item, found);
            }
        }
        _ => {}
    }
}

/// Every example (of a media type, a parameter, a schema or a property, in operations, components
/// and webhooks alike) is valid against its schema, formats included.
#[test]
fn every_example_holds_to_its_schema() {
    let doc = document();
    let mut found = Vec::new();
    examples(String::new(), &doc, &mut found);
    assert!(found.len() > 50, "only {} examples", found.len());
    let failures: Vec<String> = found
        .into_iter()
        .filter_map(|(at, example, schema)| {
            let validator = validator(&doc, schema);
            let errors: Vec<String> = validator
                .iter_errors(example)
                .map(|error| format!("{} {error}", error.instance_path()))
                .collect();
            (!errors.is_empty()).then(|| format!("{at}: {}", errors.join("; ")))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The example parsed as the handler's extractor parses it, and validated.
fn validated<T: DeserializeOwned + Validate>(example: &Value) -> Result<T, String> {
    crate::http::json_body::read(example.clone(), true).map_err(|e| format!("{e:?}"))
}

type Check = fn(&Value) -> Result<(), String>;

/// How each operation's handler reads its JSON body: the extractor's parsing and `validator`
/// rules, then the handler's own checks of the body alone (not those that depend on what is
/// stored).
fn body_checks() -> Vec<(&'static str, Check)> {
    use crate::domain::application::ProposalDraft;
    use crate::domain::dealer_group::Profile;
    use crate::http::applications::{assignees, documents, loi, onboarding, reviews, transitions};
    use crate::http::applications::{messages, notes};
    use crate::http::{api_clients, auth, cities, dealer_groups, eligibility_criteria};
    use crate::http::{invitations, rankings, staff, webhooks};
    vec![
        ("register", |v| {
            let body = validated::<auth::register::RegisterRequest>(v)?;
            EmailAddress::parse(&body.email).ok_or("email")?;
            Ok(())
        }),
        ("verify_email", |v| {
            validated::<auth::verify_email::VerifyEmailRequest>(v).map(drop)
        }),
        ("login", |v| {
            validated::<auth::login::LoginRequest>(v).map(drop)
        }),
        ("refresh", |v| {
            validated::<auth::refresh::RefreshRequest>(v).map(drop)
        }),
        ("logout", |v| {
            validated::<auth::refresh::RefreshRequest>(v).map(drop)
        }),
        ("request_reset", |v| {
            let body = validated::<auth::password_reset::PasswordResetRequest>(v)?;
            EmailAddress::parse(&body.email).ok_or("email")?;
            Ok(())
        }),
        ("confirm_reset", |v| {
            validated::<auth::password_reset::PasswordResetConfirm>(v).map(drop)
        }),
        ("client_token", |v| {
            validated::<auth::token::ClientTokenRequest>(v).map(drop)
        }),
        ("create_api_client", |v| {
            validated::<api_clients::create::CreateApiClientRequest>(v).map(drop)
        }),
        ("create_staff", |v| {
            let body = validated::<staff::create::CreateStaffRequest>(v)?;
            EmailAddress::parse(&body.email).ok_or("email")?;
            Ok(())
        }),
        ("update_me", |v| {
            validated::<crate::http::me::UpdateMeRequest>(v).map(drop)
        }),
        ("put_sla", |v| {
            validated::<crate::http::sla::put::PutSlaRequest>(v).map(drop)
        }),
        ("update_staff", |v| {
            validated::<staff::update::UpdateStaffRequest>(v).map(drop)
        }),
        ("create_city", |v| {
            let body = validated::<cities::create::CreateCityRequest>(v)?;
            let division = crate::domain::city::is_division_code(&body.code);
            let window = match (body.window_opens_at, body.window_closes_at) {
                (Some(opens), Some(closes)) => opens < closes,
                _ => true,
            };
            (division && window)
                .then_some(())
                .ok_or("code or window".into())
        }),
        ("update_city", |v| {
            validated::<cities::update::UpdateCityRequest>(v).map(drop)
        }),
        ("put_criteria", |v| {
            let body = validated::<eligibility_criteria::put::PutCriteriaRequest>(v)?;
            let problems = body.rules.problems();
            problems
                .is_empty()
                .then_some(())
                .ok_or(format!("{problems:?}"))
        }),
        ("put_ranking", |v| {
            let rows = parse_json(v.to_string().as_bytes()).map_err(|e| format!("{e:?}"))?;
            rankings::put::checked(rows)
                .map(drop)
                .map_err(|e| format!("{e:?}"))
        }),
        ("request_identity_change", |v| {
            let body = validated::<crate::domain::identity_change::IdentityChangeRequest>(v)?;
            crate::domain::uscc::Uscc::parse(&body.uscc)
                .map(drop)
                .map_err(|e| e.code().to_owned())
        }),
        ("reject_identity_change", |v| {
            validated::<crate::domain::identity_change::IdentityChangeRejection>(v).map(drop)
        }),
        ("create_application", |v| {
            validated::<ProposalDraft>(v).map(drop)
        }),
        ("update_application", |v| {
            validated::<ProposalDraft>(v).map(drop)
        }),
        ("transition", |v| {
            let body = validated::<transitions::TransitionRequest>(v)?;
            lacking_words(&body).map_or(Ok(()), |guard| Err(format!("{guard:?}")))
        }),
        ("assign_reviewer", |v| {
            validated::<assignees::AssignRequest>(v).map(drop)
        }),
        ("post_message", |v| {
            validated::<messages::MessageRequest>(v).map(drop)
        }),
        ("post_note", |v| {
            validated::<notes::NoteRequest>(v).map(drop)
        }),
        ("put_review", |v| {
            validated::<reviews::ScorecardRequest>(v).map(drop)
        }),
        ("sign_loi", |v| {
            let body = validated::<loi::SignatureRequest>(v)?;
            body.accept.then_some(()).ok_or("accept".into())
        }),
        ("update_task", |v| {
            validated::<onboarding::TaskUpdate>(v).map(drop)
        }),
        ("upload_document", |v| {
            documents::upload::parse_kind(v["kind"].as_str()).map_err(|e| format!("{e:?}"))?;
            let file = v["file"].as_str().ok_or("file")?;
            crate::domain::document::sniff(file.as_bytes())
                .map(drop)
                .ok_or("file: not a PDF, PNG or JPEG".into())
        }),
        ("create_dealer_group", |v| {
            let body = validated::<Profile>(v)?;
            dealer_groups::checked_profile(body)
                .map(drop)
                .map_err(|e| format!("{e:?}"))
        }),
        ("update_dealer_group", |v| {
            let body = validated::<Profile>(v)?;
            dealer_groups::checked_profile(body)
                .map(drop)
                .map_err(|e| format!("{e:?}"))
        }),
        ("invite_member", |v| {
            let body = validated::<crate::domain::member::InvitationRequest>(v)?;
            EmailAddress::parse(&body.email).ok_or("email")?;
            Ok(())
        }),
        ("update_member", |v| {
            validated::<crate::domain::member::MemberUpdate>(v).map(drop)
        }),
        ("accept_invitation", |v| {
            validated::<invitations::accept::AcceptInvitationRequest>(v).map(drop)
        }),
        ("verify_affiliation", |v| {
            validated::<dealer_groups::affiliation::VerifyAffiliationRequest>(v).map(drop)
        }),
        ("create_webhook", |v| {
            let body = validated::<webhooks::create::SubscriptionRequest>(v)?;
            crate::webhooks::target::check_url(&body.url, false)
                .map(drop)
                .map_err(|e| e.to_string())
        }),
    ]
}

/// The first guard of `body.action` that asks for words the body lacks, as `workflow::perform`
/// would refuse it (`sign_loi` is refused here: it has its own operation).
fn lacking_words(
    body: &crate::http::applications::transitions::TransitionRequest,
) -> Option<crate::domain::workflow::Guard> {
    use crate::domain::workflow::{Guard, TRANSITIONS};
    let given = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
    TRANSITIONS
        .iter()
        .filter(|row| row.action == body.action)
        .flat_map(|row| row.guards.iter().copied())
        .find(|guard| match guard {
            Guard::MessageGiven => !given(&body.message),
            Guard::ReasonGiven => !given(&body.reason),
            Guard::ReasonCodeGiven => body.reason_code.is_none(),
            Guard::LoiTermsGiven => body.loi.is_none(),
            Guard::SignatureMatches | Guard::SignerIsMember => true,
            _ => false,
        })
}

/// The example a media type shows: its own, else its schema's.
fn example_of<'d>(doc: &'d Value, media: &'d Value) -> Option<&'d Value> {
    media
        .get("example")
        .or_else(|| resolve(doc, &media["schema"]).get("example"))
}

/// Every request body example passes the validation of the operation it is sent to, so that
/// trying it out gets past the 422: JSON, form and multipart bodies through `body_checks`, the
/// ranking list's CSV through its parser. Every operation that takes such a body has a check.
#[test]
fn request_examples_pass_the_api_validation() {
    let doc = document();
    let checks = body_checks();
    let mut failures = Vec::new();
    for (method, path, operation) in operations(&doc) {
        let id = operation["operationId"].as_str().unwrap();
        let Some(content) = operation["requestBody"]["content"].as_object() else {
            continue;
        };
        for (media_type, media) in content {
            let example = example_of(&doc, media);
            let result = match (media_type.as_str(), example) {
                ("text/csv", Some(Value::String(csv))) => {
                    crate::http::rankings::put::parse_csv(csv.as_bytes())
                        .and_then(crate::http::rankings::put::checked)
                        .map(drop)
                        .map_err(|e| format!("{e:?}"))
                }
                (
                    "application/json"
                    | "application/merge-patch+json"
                    | "application/x-www-form-urlencoded"
                    | "multipart/form-data",
                    Some(example),
                ) => match checks.iter().find(|(check_id, _)| *check_id == id) {
                    Some((_, check)) => check(example),
                    None => Err("no check in body_checks".to_owned()),
                },
                (_, None) => Err("no example".to_owned()),
                (other, Some(_)) => Err(format!("no check for {other}")),
            };
            if let Err(error) = result {
                failures.push(format!("{method} {path} ({id}, {media_type}): {error}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The tables that complete the document name operations (and statuses) it has: a renamed
/// handler must not silently lose its scopes or headers.
#[test]
fn the_tables_name_real_operations() {
    let doc = document();
    let find = |id: &str| {
        operations(&doc)
            .into_iter()
            .map(|(_, _, operation)| operation)
            .find(|operation| operation["operationId"] == id)
    };
    for (id, scope) in CLIENT_OPERATIONS {
        let operation = find(id).unwrap_or_else(|| panic!("no operation {id}"));
        assert!(
            operation["security"]
                .as_array()
                .unwrap()
                .contains(&json!({super::integrators::SCHEME: scope.map(Scope::as_str).into_iter().collect::<Vec<_>>()})),
            "{id}"
        );
    }
    for (id, status, headers) in RESOURCE_HEADERS {
        let operation = find(id).unwrap_or_else(|| panic!("no operation {id}"));
        let response = &operation["responses"][status];
        for header in headers {
            assert!(
                response["headers"].get(header.name()).is_some(),
                "{id} {status} {}",
                header.name()
            );
        }
    }
}

/// Each event type has its webhook, whose example is of that type, and the OAuth 2.0 scheme lists
/// every scope.
#[test]
fn every_event_type_has_its_webhook_and_every_scope_its_description() {
    let doc = document();
    for event in EventType::ALL {
        let post = &doc["webhooks"][event.as_str()]["post"];
        let example = &post["requestBody"]["content"]["application/json"]["example"];
        assert_eq!(example["type"], event.as_str());
        let headers: Vec<&Value> = post["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "header" && p["required"] == true)
            .map(|p| &p["name"])
            .collect();
        assert_eq!(headers, [&json!("X-Signature"), &json!("X-Delivery-Id")]);
    }
    let flow = &doc["components"]["securitySchemes"][super::integrators::SCHEME]["flows"]["clientCredentials"];
    assert_eq!(flow["tokenUrl"], "/api/v1/auth/token");
    for scope in crate::domain::scope::Scope::ALL {
        assert!(flow["scopes"][scope.as_str()].is_string(), "{scope:?}");
    }
}

/// The examples of applications and dealer groups tell one story that holds: the group's profile
/// and the application's proposal pass the default eligibility rules with the verdict and score
/// the application shows; the answers show what was sent; and a reviewer is offered what the
/// workflow offers in the application's state, with the labels and words the server writes.
#[test]
fn the_application_examples_agree_with_the_rules() {
    use crate::domain::application::ProposalDraft;
    use crate::domain::dealer_group::{Profile, stores_in_province};
    use crate::domain::eligibility::{Candidate, Criteria, evaluate};
    use crate::domain::workflow::{Action, Actor, Status, offered};
    use crate::error::{BlockedAction, ProblemCode};
    use crate::i18n::Locale;

    let doc = document();
    let example = |name: &str| doc["components"]["schemas"][name]["example"].clone();
    let (sent_profile, sent_draft) = (example("Profile"), example("ApplicationRequest"));
    let (group, application) = (
        example("DealerGroupResponse"),
        example("ApplicationResponse"),
    );
    for (key, value) in sent_profile.as_object().unwrap() {
        assert_eq!(&group[key], value, "DealerGroupResponse.{key}");
    }
    for (key, value) in sent_draft.as_object().unwrap() {
        assert_eq!(&application[key], value, "ApplicationResponse.{key}");
    }

    let profile: Profile = serde_json::from_value(sent_profile).unwrap();
    let draft: ProposalDraft = serde_json::from_value(sent_draft).unwrap();
    let proposal = draft.proposal().unwrap();
    let candidate = Candidate {
        rank_verified: group["rank_verified"].as_bool().unwrap(),
        // Suzhou is in Jiangsu.
        stores_in_city_province: stores_in_province(&profile.provinces, "Jiangsu"),
        annual_revenue_cny: profile.annual_revenue_cny,
        registered_capital_cny: profile.registered_capital_cny,
        brands: &profile.brands,
        after_sales: &profile.after_sales,
        sites: &proposal.sites,
        customers: &proposal.customers,
    };
    let report = evaluate(&Criteria::default(), 1, &candidate, chrono::Utc::now());
    assert!(report.eligible, "{:?}", report.checks);
    assert_eq!(application["eligible"], true);
    assert_eq!(application["score"], report.score);
    assert_eq!(application["missing_fields"], json!([]));

    let status: Status = serde_json::from_value(application["status"].clone()).unwrap();
    assert_eq!(application["status_label"], status.label(Locale::En));
    // Nobody has filed a scorecard: every move the reviewer's part has is allowed but that one.
    let blocked = BlockedAction::new(
        Action::Shortlist,
        ProblemCode::ScorecardRequired,
        Locale::En,
    );
    let allowed: Vec<Action> = offered(status, Actor::Reviewer)
        .map(|row| row.action)
        .filter(|action| *action != blocked.action)
        .collect();
    assert_eq!(application["allowed_actions"], json!(allowed));
    assert_eq!(application["blocked_actions"], json!([blocked]));
}

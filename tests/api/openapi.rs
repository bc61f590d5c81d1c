//! The OpenAPI document against the running server: the scopes it lists are the ones the code
//! admits, the `ETag`, `Location` and `RateLimit-*` headers it declares are the ones sent (on
//! calls made with its own request examples, which the server accepts), and webhook deliveries
//! are what its `webhooks` describe.

use std::collections::BTreeSet;

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use dealer_portal::domain::scope::Scope;

use crate::applications::application;
use crate::db_test;
use crate::dealer_groups::{profile, uscc};
use crate::helpers::*;
use crate::receiver::Receiver;
use crate::stories::SUZHOU;
use crate::webhooks::integrator;

pub fn document() -> Value {
    serde_json::from_str(dealer_portal::openapi::document_json()).unwrap()
}

/// The schema a local `$ref` names, or the schema itself.
fn resolve<'d>(doc: &'d Value, schema: &'d Value) -> &'d Value {
    match schema["$ref"].as_str() {
        Some(pointer) => resolve(doc, doc.pointer(&pointer[1..]).unwrap()),
        None => schema,
    }
}

/// The JSON request body example of `method path`: the media type's, else its schema's.
fn request_example(doc: &Value, method: &str, path: &str) -> Value {
    let media = &doc["paths"][path][method]["requestBody"]["content"]["application/json"];
    media
        .get("example")
        .or_else(|| resolve(doc, &media["schema"]).get("example"))
        .unwrap_or_else(|| panic!("{method} {path} has no request example"))
        .clone()
}

/// A validator of `schema`, whose `$ref`s point into the document's components.
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&json!({
            "components": {"schemas": doc["components"]["schemas"]},
            "allOf": [schema],
        }))
        .unwrap()
}

pub fn assert_valid(doc: &Value, schema: &Value, instance: &Value, what: &str) {
    let errors: Vec<String> = validator(doc, schema)
        .iter_errors(instance)
        .map(|e| format!("{} {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:?}\n{instance}");
}

const RESOURCE_HEADERS: [&str; 2] = ["etag", "location"];
const RATE_LIMIT_HEADERS: [&str; 3] = ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"];

/// Which of the resource and rate-limit headers a response carries.
fn sent(res: &Response) -> BTreeSet<String> {
    RESOURCE_HEADERS
        .into_iter()
        .chain(RATE_LIMIT_HEADERS)
        .filter(|name| res.headers().contains_key(*name))
        .map(str::to_owned)
        .collect()
}

/// Which of them the document declares for `method path` answering `status`.
fn declared(doc: &Value, method: &str, path: &str, status: StatusCode) -> BTreeSet<String> {
    let operation = &doc["paths"][path][method];
    let response = resolve(doc, &operation["responses"][status.as_str()]);
    assert!(
        response.is_object(),
        "{method} {path} does not document {status}"
    );
    response["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, _)| name.to_lowercase())
        .filter(|name| {
            RESOURCE_HEADERS.contains(&name.as_str()) || RATE_LIMIT_HEADERS.contains(&name.as_str())
        })
        .collect()
}

/// Whether `method path` admits integrator clients (lists the OAuth 2.0 scheme).
fn admits_clients(doc: &Value, method: &str, path: &str) -> bool {
    doc["paths"][path][method]["security"]
        .as_array()
        .is_some_and(|alternatives| alternatives.iter().any(|a| a.get("oauth2").is_some()))
}

/// Asserts that a person's (or an anonymous) call got `status` with the headers the document
/// declares for it. The integrator limit's `RateLimit-*`, declared on what clients may call, come
/// only with a client's calls.
async fn as_declared(
    doc: &Value,
    method: &str,
    path: &str,
    res: Response,
    status: StatusCode,
) -> Response {
    assert_eq!(res.status(), status, "{method} {path}");
    let mut expected = declared(doc, method, path, status);
    if admits_clients(doc, method, path) {
        expected.retain(|name| !RATE_LIMIT_HEADERS.contains(&name.as_str()));
    }
    assert_eq!(sent(&res), expected, "{method} {path} {status}");
    res
}

fn etag(res: &Response) -> String {
    res.headers()["etag"].to_str().unwrap().to_owned()
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    body: &Value,
) -> Response {
    let mut request = app.request(method, path, token).json(body);
    if let Some(version) = if_match {
        request = request.header("If-Match", version);
    }
    request.send().await.unwrap()
}

/// Creates a resource at `collection` with `body`, reads it, and replaces it whole with `body`
/// under the `ETag` read, checking each answer's headers against the document; returns the
/// resource's path and its last `ETag`.
async fn create_read_replace(
    app: &TestApp,
    doc: &Value,
    token: Option<&str>,
    collection: &str,
    body: &Value,
) -> (String, String) {
    let res = app.post(collection, token, body).await;
    let res = as_declared(doc, "post", collection, res, StatusCode::CREATED).await;
    let created: Value = res.json().await.unwrap();
    let item = format!("{collection}/{{id}}");
    let path = format!("{collection}/{}", created["id"].as_str().unwrap());
    let res = app.get(&path, token).await;
    let res = as_declared(doc, "get", &item, res, StatusCode::OK).await;
    let res = send(app, Method::PATCH, &path, token, Some(&etag(&res)), body).await;
    let res = as_declared(doc, "patch", &item, res, StatusCode::OK).await;
    (path, etag(&res))
}

db_test!(
    async fn calls_made_with_the_examples_answer_the_declared_headers(app: TestApp) {
        let doc = &document();
        let example = |method: &str, path: &str| request_example(doc, method, path);
        let post = Method::POST;
        let (created, ok) = (StatusCode::CREATED, StatusCode::OK);

        // An applicant signs up and in with the examples.
        let path = "/api/v1/auth/register";
        let res = app.post(path, None, &example("post", path)).await;
        as_declared(doc, "post", path, res, created).await;
        app.smtp.wait_for("li.wei@example.com", "验证").await;
        let path = "/api/v1/auth/login";
        let res = app.post(path, None, &example("post", path)).await;
        let pair: Value = as_declared(doc, "post", path, res, ok)
            .await
            .json()
            .await
            .unwrap();
        let path = "/api/v1/auth/refresh";
        let res = app
            .post(path, None, &json!({"refresh_token": pair["refresh_token"]}))
            .await;
        let pair: Value = as_declared(doc, "post", path, res, ok)
            .await
            .json()
            .await
            .unwrap();
        let path = "/api/v1/me";
        let res = app.get(path, Some(&access_token(&pair))).await;
        as_declared(doc, "get", path, res, ok).await;

        // An admin sets up an integrator, the plan, staff, criteria, rankings and a webhook.
        let admin = app.admin("lead@maker.example").await;
        let admin = Some(admin.as_str());
        let path = "/api/v1/api-clients";
        let res = app.post(path, admin, &example("post", path)).await;
        let client: Value = as_declared(doc, "post", path, res, created)
            .await
            .json()
            .await
            .unwrap();
        let path = "/api/v1/auth/token";
        let credentials = json!({"grant_type": "client_credentials", "client_id": client["client_id"], "client_secret": client["client_secret"]});
        let res = app.post(path, None, &credentials).await;
        as_declared(doc, "post", path, res, ok).await;

        let path = "/api/v1/cities";
        let res = app.post(path, admin, &example("post", path)).await;
        let city: Value = as_declared(doc, "post", path, res, created)
            .await
            .json()
            .await
            .unwrap();
        let city_path = format!("/api/v1/cities/{}", city["code"].as_str().unwrap());
        let res = app.get(&city_path, None).await;
        let res = as_declared(doc, "get", "/api/v1/cities/{code}", res, ok).await;
        let path = "/api/v1/cities/{code}";
        let res = send(
            app,
            Method::PATCH,
            &city_path,
            admin,
            Some(&etag(&res)),
            &example("patch", path),
        )
        .await;
        as_declared(doc, "patch", path, res, ok).await;

        let path = "/api/v1/staff";
        let res = app.post(path, admin, &example("post", path)).await;
        let member: Value = as_declared(doc, "post", path, res, created)
            .await
            .json()
            .await
            .unwrap();
        app.smtp.wait_for("zhang.min@maker.example", "邀请").await;
        let path = "/api/v1/staff/{id}";
        let member_path = format!("/api/v1/staff/{}", member["id"].as_str().unwrap());
        let version = format!("\"{}\"", member["version"]);
        let res = send(
            app,
            Method::PATCH,
            &member_path,
            admin,
            Some(&version),
            &example("patch", path),
        )
        .await;
        as_declared(doc, "patch", path, res, ok).await;

        let path = "/api/v1/eligibility-criteria";
        let res = send(app, Method::PUT, path, admin, None, &example("put", path)).await;
        as_declared(doc, "put", path, res, ok).await;
        let path = "/api/v1/rankings/{year}";
        let res = send(
            app,
            Method::PUT,
            "/api/v1/rankings/2025",
            admin,
            None,
            &example("put", path),
        )
        .await;
        as_declared(doc, "put", path, res, ok).await;

        // (Deleted at once: its example target would never answer the deliveries below.)
        let path = "/api/v1/webhooks";
        let res = app.post(path, admin, &example("post", path)).await;
        let subscription: Value = as_declared(doc, "post", path, res, created)
            .await
            .json()
            .await
            .unwrap();
        let path = "/api/v1/webhooks/{id}";
        let res = app
            .delete(
                &format!("/api/v1/webhooks/{}", subscription["id"].as_str().unwrap()),
                admin,
            )
            .await;
        as_declared(doc, "delete", path, res, StatusCode::NO_CONTENT).await;

        // An owner registers its group and applies (bodies of their own tests: these operations
        // have no examples yet).
        let owner = app.verified_applicant("owner@dealer.example").await;
        let owner = Some(owner.as_str());
        let group = profile("苏州东方汽车集团有限公司", &uscc("91320500MA1NB3W60"));
        create_read_replace(app, doc, owner, "/api/v1/dealer-groups", &group).await;
        let (draft_path, version) = create_read_replace(
            app,
            doc,
            owner,
            "/api/v1/applications",
            &application(SUZHOU),
        )
        .await;
        let path = "/api/v1/applications/{id}/transitions";
        let res = send(
            app,
            post,
            &format!("{draft_path}/transitions"),
            owner,
            Some(&version),
            &json!({"action": "submit"}),
        )
        .await;
        as_declared(doc, "post", path, res, ok).await;
        app.smtp
            .wait_for("owner@dealer.example", "We have received your application")
            .await;
        app.smtp
            .wait_for("zhang.min@maker.example", "新的待审核申请")
            .await;
    }
);

/// A path of the document with its parameters filled: resources that do not exist, in cities
/// and years that do.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{code}" => SUZHOU,
            "{year}" => "2025",
            "{task_code}" => "business_license",
            s if s.starts_with('{') => "00000000-0000-4000-8000-000000000000",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

db_test!(
    async fn clients_are_admitted_where_the_document_lists_their_scope(app: TestApp) {
        let doc = &document();
        let admin = app.admin("lead@maker.example").await;
        let mut clients = Vec::new();
        // A client of each scope alone, and one with all of them.
        let every: Vec<&str> = Scope::ALL.iter().map(|scope| scope.as_str()).collect();
        for scopes in every
            .iter()
            .map(|scope| vec![*scope])
            .chain([every.clone()])
        {
            let (_, token) = integrator(app, &admin, json!(scopes)).await;
            clients.push((token, scopes));
        }
        let mut failures = Vec::new();
        let mut admitted = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let Some(security) = operation["security"].as_array() else {
                    continue;
                };
                // None: clients are refused; Some(None): any client is admitted.
                let scope = security
                    .iter()
                    .find_map(|alternative| alternative["oauth2"].as_array())
                    .map(|scopes| scopes.first().map(|scope| scope.as_str().unwrap()));
                let media = &operation["requestBody"]["content"]["application/json"];
                let body = media
                    .get("example")
                    .or_else(|| resolve(doc, &media["schema"]).get("example"))
                    .cloned()
                    .unwrap_or(json!({}));
                for (token, scopes) in &clients {
                    let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                    let res = send(
                        app,
                        method.clone(),
                        &concrete(path),
                        Some(token),
                        Some("\"1\""),
                        &body,
                    )
                    .await;
                    let status = res.status();
                    let limited = RATE_LIMIT_HEADERS
                        .iter()
                        .all(|h| res.headers().contains_key(*h));
                    let code = res.json::<Value>().await.ok().map(|b| b["code"].clone());
                    let refused = status == StatusCode::UNAUTHORIZED
                        || (status == StatusCode::FORBIDDEN && code == Some(json!("forbidden")));
                    let listed =
                        scope.is_some_and(|scope| scope.is_none_or(|s| scopes.contains(&s)));
                    admitted += usize::from(!refused);
                    if listed == refused || !limited {
                        failures.push(format!(
                            "{method} {path} with {scopes:?}: {status} {code:?} (listed: {listed}, RateLimit-*: {limited})"
                        ));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        // Each client reaches the operations of its scope.
        assert!(admitted >= 2 * 20, "{admitted}");
    }
);

/// Subscribes `url` to every event type, as `admin`.
pub async fn subscribe_to_everything(app: &TestApp, admin: &str, url: &str) {
    let events: Vec<&str> = dealer_portal::domain::workflow::EventType::ALL
        .iter()
        .map(|event| event.as_str())
        .collect();
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(admin),
            &json!({"url": url, "events": events}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

db_test!(
    async fn deliveries_are_what_the_document_describes(app: TestApp) {
        let doc = &document();
        let receiver = Receiver::start();
        let admin = app.admin("lead@maker.example").await;
        subscribe_to_everything(app, &admin, &receiver.url).await;

        let r = app
            .submitted_review("owner@dealer.example", "91320500123456788")
            .await;
        app.shortlisted(&r).await;
        app.offered_letter(&r, 30).await;
        // The group's registration; submit, start_review, shortlist and offer_loi, with
        // application.submitted and loi.offered. (`changes.rs` checks the other types' shapes
        // in the feed, which lists the same bodies.)
        let received = receiver.wait_accepted(7, || {}).await;
        let mut types = BTreeSet::new();
        for delivery in &received {
            let body: Value = serde_json::from_str(&delivery.body).unwrap();
            let event = body["type"].as_str().unwrap();
            types.insert(event.to_owned());
            let post = &doc["webhooks"][event]["post"];
            let schema = resolve(
                doc,
                &post["requestBody"]["content"]["application/json"]["schema"],
            );
            assert_valid(doc, schema, &body, event);
            for parameter in post["parameters"].as_array().unwrap() {
                let value = match parameter["name"].as_str().unwrap() {
                    "X-Signature" => &delivery.signature,
                    "X-Delivery-Id" => &delivery.delivery_id,
                    other => panic!("undocumented header {other}"),
                };
                assert_valid(doc, &parameter["schema"], &json!(value), event);
            }
            // Nothing beyond the documented shape either.
            let documented = |schema: &Value| -> BTreeSet<String> {
                resolve(doc, schema)["properties"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect()
            };
            let keys = |value: &Value| -> BTreeSet<String> {
                value.as_object().unwrap().keys().cloned().collect()
            };
            assert_eq!(keys(&body), documented(schema), "{event}");
            assert_eq!(
                keys(&body["data"]),
                documented(&schema["properties"]["data"]),
                "{event}"
            );
        }
        assert_eq!(
            types,
            BTreeSet::from(
                [
                    "application.status_changed",
                    "application.submitted",
                    "dealer_group.created",
                    "loi.offered"
                ]
                .map(String::from)
            )
        );
    }
);

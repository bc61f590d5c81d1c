//! The deliveries, under the OpenAPI 3.1 `webhooks` key: one entry per event type, each a POST of
//! the `Envelope` with that event's `data`, its signature and delivery id as headers. utoipa 5 has
//! no field for `webhooks`, so the entries are made of its types and put at the document's top
//! level through its extensions (which it writes there, flattened).

use std::collections::BTreeMap;

use serde_json::{Value, json};
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, Parameter, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, Discriminator, OneOfBuilder};
use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
use utoipa::openapi::{
    ObjectBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder, Schema, Type,
};
use utoipa::{PartialSchema, ToSchema};

use crate::db::documents::Document;
use crate::domain::document::DocumentKind;
use crate::domain::loi::TaskOwner;
use crate::domain::message::Side;
use crate::domain::workflow::{Effect, EventType, TRANSITIONS, Transition};
use crate::http::changes::ChangePage;
use crate::webhooks::payload::{
    ChecklistTask, DealerGroupChange, DocumentChange, Envelope, MessageCreated,
    OnboardingTaskChange, PostedMessage, StatusChange,
};

/// What an event tells, and the schema of its `data`: a new event type does not compile until it
/// is described here.
fn described(event: EventType) -> (&'static str, RefOr<Schema>) {
    let status_change = || Ref::from_schema_name(StatusChange::name()).into();
    match event {
        EventType::ApplicationSubmitted => ("An application was handed in", status_change()),
        EventType::ApplicationStatusChanged => (
            "An application moved through the workflow (any move)",
            status_change(),
        ),
        EventType::LoiOffered => ("A letter of intent was offered", status_change()),
        EventType::LoiSigned => ("The applicant signed its letter of intent", status_change()),
        EventType::PartnerActivated => (
            "A partner's store opened: onboarding is done",
            status_change(),
        ),
        EventType::PartnerTerminated => (
            "An admin ended a partnership (a signed letter, onboarding or an active store); its \
             store points are free again. `application.status_changed` is fired as well",
            status_change(),
        ),
        EventType::MessageCreated => (
            "A message was posted on an application",
            Ref::from_schema_name(MessageCreated::name()).into(),
        ),
        EventType::DocumentUploaded => (
            "A document was added to an application",
            Ref::from_schema_name(DocumentChange::name()).into(),
        ),
        EventType::DocumentDeleted => (
            "A document was removed from an application",
            Ref::from_schema_name(DocumentChange::name()).into(),
        ),
        EventType::OnboardingTaskUpdated => (
            "An onboarding task was marked done, or not done again",
            Ref::from_schema_name(OnboardingTaskChange::name()).into(),
        ),
        EventType::DealerGroupCreated => (
            "A dealer group registered",
            Ref::from_schema_name(DealerGroupChange::name()).into(),
        ),
        EventType::DealerGroupUpdated => (
            "A dealer group's profile changed",
            Ref::from_schema_name(DealerGroupChange::name()).into(),
        ),
    }
}

/// The workflow's moves that fire `event`, as the workflow table has them.
fn moves_firing(event: EventType) -> Vec<&'static Transition> {
    TRANSITIONS
        .iter()
        .filter(|row| {
            event == EventType::ApplicationStatusChanged || row.has(Effect::Announce(event))
        })
        .collect()
}

/// The secret of the example subscription (`CreatedSubscription`'s example), which signs the
/// examples here.
const EXAMPLE_SECRET: &str = "whsec_KW1aVxP3r5QCcK0GJ1VG9wA09lYGk64LKW0Cu-Q-uTA";

/// A delivery of `event` as the worker would send it, for the first move that fires it (for
/// `application.status_changed`, the first move that fires nothing else); and its signature.
fn example(event: EventType) -> (Value, String) {
    let fires_nothing_else = |row: &&&Transition| {
        !row.effects
            .iter()
            .any(|effect| matches!(effect, Effect::Announce(_)))
    };
    let moves = moves_firing(event);
    let row = match event {
        EventType::ApplicationStatusChanged => moves.iter().find(fires_nothing_else),
        _ => moves.first(),
    };
    let application_id = uuid::uuid!("01958a11-6b7c-7d8e-9fa0-b1c2d3e4f5a6");
    let created_at = "2026-03-09T02:41:07.218Z".parse().unwrap_or_default();
    let document = || {
        DocumentChange::of(&Document {
            id: uuid::uuid!("01958c3a-4d5e-7f60-8172-93a4b5c6d7e8"),
            application_id,
            kind: DocumentKind::BusinessLicense,
            filename: "营业执照.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            size_bytes: 482_113,
            sha256: "9f2c4e1a7b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8".to_owned(),
            uploaded_by: uuid::uuid!("019589f0-1b2c-7d3e-8f4a-5b6c7d8e9fa0"),
            created_at,
        })
    };
    let group = || DealerGroupChange {
        dealer_group_id: uuid::uuid!("019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1"),
        version: 3,
    };
    let data = match event {
        EventType::DocumentUploaded | EventType::DocumentDeleted => {
            serde_json::to_value(document())
        }
        EventType::OnboardingTaskUpdated => serde_json::to_value(OnboardingTaskChange {
            application_id,
            task: ChecklistTask {
                code: "dealer_agreement".to_owned(),
                owner: TaskOwner::Partner,
                due_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 23).unwrap_or_default(),
                done_at: Some(created_at),
                note: Some("Signed by both parties; the originals are on their way.".to_owned()),
            },
        }),
        EventType::DealerGroupCreated | EventType::DealerGroupUpdated => {
            serde_json::to_value(group())
        }
        EventType::MessageCreated => serde_json::to_value(MessageCreated {
            application_id,
            message: PostedMessage {
                id: uuid::uuid!("01958e47-2b4c-7d5e-8f6a-7b8c9d0e1f2a"),
                author_side: Side::Maker,
                body: "Could you send the landlord's letter for 1288 Wuzhong Avenue?".to_owned(),
                document_ids: Vec::new(),
                created_at,
            },
        }),
        _ => serde_json::to_value(row.map(|row| StatusChange {
            application_id,
            dealer_group_id: uuid::uuid!("019589f0-2c3d-7e4f-8a5b-6c7d8e9fa0b1"),
            city_code: "320500".to_owned(),
            action: row.action,
            from_status: row.from.first().copied().unwrap_or(row.to),
            to_status: row.to,
            version: 4,
        })),
    };
    let envelope = Envelope {
        id: "01958e47-3c5d-7e6f-8a9b-0c1d2e3f4a5b".to_owned(),
        event_type: event.as_str().to_owned(),
        created_at,
        data: data.unwrap_or_default(),
    };
    // Signed as the document shows it: compact, keys in order.
    let example = serde_json::to_value(&envelope).unwrap_or_default();
    let signature = crate::webhooks::signature(
        EXAMPLE_SECRET,
        created_at.timestamp() + 1,
        example.to_string().as_bytes(),
    );
    (example, signature)
}

/// The envelope with `type` fixed to `event` and `data` of its shape.
fn body_schema(event: EventType, data: RefOr<Schema>) -> RefOr<Schema> {
    let mut schema = Envelope::schema();
    if let RefOr::T(Schema::Object(object)) = &mut schema {
        let event_type = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some([event.as_str()]))
            .description(Some("What happened; it decides the shape of `data`."));
        object
            .properties
            .insert("type".to_owned(), event_type.into());
        object.properties.insert("data".to_owned(), data);
    }
    schema
}

fn headers(signature: String) -> Vec<Parameter> {
    let text = |pattern: Option<&str>, format: Option<SchemaFormat>| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(pattern)
            .format(format)
    };
    vec![
        ParameterBuilder::new()
            .name("X-Signature")
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some(
                "`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">`, keyed with the \
                 subscription's `secret`. Check it over the body's bytes as received, before \
                 parsing them, compare in constant time, and refuse a `t` more than 5 minutes \
                 old. (The example signs the example body, written compact, with the secret of \
                 `POST /api/v1/webhooks`' example.)",
            ))
            .schema(Some(text(Some("^t=[0-9]+,v1=[0-9a-f]{64}$"), None)))
            .example(Some(json!(signature)))
            .build(),
        ParameterBuilder::new()
            .name("X-Delivery-Id")
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some(
                "This event's delivery to this subscription: the same on every retry and \
                 redelivery, and the `id` of its entry in the subscription's delivery log.",
            ))
            .schema(Some(text(
                None,
                Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)),
            )))
            .example(Some(json!("01958e47-9f8e-7d6c-b5a4-3c2b1a0f9e8d")))
            .build(),
    ]
}

/// The name in `components.schemas` of the body of `event`'s deliveries and feed items:
/// `application.status_changed` → `ApplicationStatusChangedEvent`.
fn component_name(event: EventType) -> String {
    let words = event.as_str().split(['.', '_']).map(|word| {
        let mut chars = word.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_ascii_uppercase().to_string() + chars.as_str()
        })
    });
    words.collect::<String>() + "Event"
}

fn path_item(event: EventType) -> PathItem {
    let (summary, _) = described(event);
    let fired_by = match event {
        EventType::ApplicationStatusChanged => {
            "Sent for every move, beside the event of the move if it has one.".to_owned()
        }
        EventType::MessageCreated => "Sent when a group's member or the maker's staff post a \
                                      message on an application; staff are named only as the \
                                      `maker` side. Internal notes are never sent."
            .to_owned(),
        EventType::DocumentUploaded => {
            "Sent when a group's member uploads a document to an application.".to_owned()
        }
        EventType::DocumentDeleted => {
            "Sent when a group's member removes a document from an application; its bytes \
             are no longer served."
                .to_owned()
        }
        EventType::OnboardingTaskUpdated => "Sent when the side a task belongs to marks it \
                                             done, or not done again (`PATCH .../onboarding/\
                                             {task_code}`)."
            .to_owned(),
        EventType::DealerGroupCreated => "Sent when a dealer group registers.".to_owned(),
        EventType::DealerGroupUpdated => "Sent when a group's profile changes: its owners' \
                                          edits, an approved identity change, an admin's \
                                          confirmation of its parent."
            .to_owned(),
        _ => {
            let moves: Vec<String> = moves_firing(event)
                .iter()
                .map(|row| format!("`{}` (to `{}`)", row.action, row.to))
                .collect();
            format!("Sent for the move {}.", moves.join(", "))
        }
    };
    let order = match event {
        EventType::MessageCreated => "`data.message.created_at` orders an application's messages",
        EventType::DocumentUploaded | EventType::DocumentDeleted => {
            "a document is uploaded once and deleted at most once"
        }
        EventType::OnboardingTaskUpdated => {
            "the task's state is the one it has now: read the checklist when in doubt"
        }
        EventType::DealerGroupCreated | EventType::DealerGroupUpdated => {
            "`data.version` orders the events of one group"
        }
        _ => "`data.version` orders the events of one application",
    };
    let (example, signature) = example(event);
    let operation = OperationBuilder::new()
        .tags(Some(["webhooks"]))
        .summary(Some(summary))
        .description(Some(format!(
            "{fired_by} POSTed to each subscription to `{}` whose manager may receive it (an \
             integrator client needs `{}`), and listed in the change feed \
             (`GET /api/v1/changes`) with the same `id`. Anything but a 2xx within 10 seconds \
             is retried with exponential back-off and jitter for more than a day, under the same \
             `X-Delivery-Id`: answer at once and do the work afterwards. Deliveries go out \
             concurrently and are retried, so they can arrive out of order; {order}.",
            event.as_str(),
            event.required_scope().as_str(),
        )))
        .operation_id(Some(format!(
            "{}_webhook",
            event.as_str().replace('.', "_")
        )))
        .parameters(Some(headers(signature)))
        .request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(component_name(event))))
                        .example(Some(example))
                        .build(),
                )
                .build(),
        ))
        .response(
            "2XX",
            ResponseBuilder::new().description("Received: the delivery is done"),
        )
        .response(
            "default",
            ResponseBuilder::new()
                .description("Not received: the delivery is tried again later, then given up"),
        )
        .build();
    PathItem::new(HttpMethod::Post, operation)
}

/// Adds each event type's body to the components, the `webhooks` key (an entry per event type),
/// and the change feed's items as any of those bodies, told apart by `type`, so that a client
/// generated from the document reads each item as its type.
pub fn add(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    for event in EventType::ALL {
        let (_, data) = described(event);
        components
            .schemas
            .insert(component_name(event), body_schema(event, data));
    }
    if let Some(RefOr::T(Schema::Object(page))) =
        components.schemas.get_mut(ChangePage::name().as_ref())
    {
        let any_event = EventType::ALL
            .into_iter()
            .fold(OneOfBuilder::new(), |one_of, event| {
                one_of.item(Ref::from_schema_name(component_name(event)))
            })
            .discriminator(Some(Discriminator::with_mapping(
                "type",
                EventType::ALL.map(|event| {
                    (
                        event.as_str(),
                        format!("#/components/schemas/{}", component_name(event)),
                    )
                }),
            )));
        let items = ArrayBuilder::new().items(any_event).description(Some(
            "The changes, oldest first: the bodies the webhooks POST (`webhooks` in this \
             document), with the same `id`.",
        ));
        page.properties.insert("items".to_owned(), items.into());
    }
    let webhooks: BTreeMap<&str, PathItem> = EventType::ALL
        .into_iter()
        .map(|event| (event.as_str(), path_item(event)))
        .collect();
    let webhooks = serde_json::to_value(webhooks)
        .unwrap_or_else(|error| json!({ "error": error.to_string() }));
    doc.extensions
        .get_or_insert_with(Default::default)
        .insert("webhooks".to_owned(), webhooks);
}

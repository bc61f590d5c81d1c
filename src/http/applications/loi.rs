use actix_web::http::header::Header;
use actix_web::http::header::{self, ACCEPT};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::client_address::client_address;
use crate::auth::{AnyPrincipal, AnyUser, Authorized, Principal};
use crate::db::lois::{self, Loi, Signature};
use crate::domain::loi::{LoiStatus, LoiTerms};
use crate::domain::scope::Scope;
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::workflow::Access;
use crate::workflow::letters;

/// A letter of intent and, once signed, the evidence of the signature.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "status": "signed",
    "status_label": "Signed",
    "terms": {
        "valid_days": 30,
        "stores": 1,
        "terms_note": "Open the 2S store within nine months of signing, fitted out to the maker's showroom design guide."
    },
    "issued_at": "2026-04-02T02:00:00Z",
    "expires_at": "2026-05-02T02:00:00Z",
    "document_sha256": "404851176f25a3a816a2592ef7b74fc5253415ff51747adde3ccbd1bd9da5558",
    "signed_at": "2026-04-08T06:31:12Z",
    "signer_name": "Li Wei",
    "signer_title": "General Manager",
    "signer_address": "203.0.113.24",
    "signer_user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "signature_page_sha256": "8d2a0b6f1c3e5d7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f"
}))]
pub struct LoiResponse {
    pub status: LoiStatus,
    /// `status` in the caller's language.
    pub status_label: String,
    pub terms: LoiTerms,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// SHA-256 (hex) of the letter's bytes as served by `GET .../loi/document`: what is signed.
    pub document_sha256: String,
    pub signed_at: Option<DateTime<Utc>>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    /// The network address the signature came from.
    pub signer_address: Option<String>,
    pub signer_user_agent: Option<String>,
    /// SHA-256 (hex) of the signature page's bytes as served by `GET .../loi/signature-page`:
    /// made when the letter was signed, and never changed. Null before the signature (and for
    /// letters signed before signature pages existed).
    pub signature_page_sha256: Option<String>,
}

impl LoiResponse {
    fn new(loi: Loi, locale: Locale) -> Self {
        Self {
            status_label: loi.status.label(locale).to_owned(),
            status: loi.status,
            terms: loi.terms,
            issued_at: loi.issued_at,
            expires_at: loi.expires_at,
            document_sha256: loi.document_sha256,
            signed_at: loi.signed_at,
            signer_name: loi.signer_name,
            signer_title: loi.signer_title,
            signer_address: loi.signer_address,
            signer_user_agent: loi.signer_user_agent,
            signature_page_sha256: loi.signature_page_sha256,
        }
    }
}

/// The letter, if the caller may read the application (the group's members, staff, integrators
/// with `letters:read`), and the caller's language (`Accept-Language`'s, else the account's).
async fn load_letter(
    state: &AppState,
    principal: Principal,
    locale: Option<Locale>,
    id: Uuid,
) -> Result<(Loi, Locale), AppError> {
    state
        .db
        .run(move |conn| {
            let access = Access::reading(&principal, Scope::LettersRead, locale)?;
            access.load(conn, id)?;
            let letter = lois::find(conn, id)?.ok_or(AppError::NotFound)?;
            Ok((letter, access.locale))
        })
        .await
}

/// The application's letter of intent (the group's members, staff, integrators with
/// `letters:read`); 404 before one is offered.
#[utoipa::path(
    tag = "letters-of-intent",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The letter", body = LoiResponse))
)]
#[get("/applications/{id}/loi")]
pub async fn get_loi(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<LoiResponse>, AppError> {
    let locale = Locale::from_request(&req);
    let (letter, locale) = load_letter(&state, principal, locale, id.into_inner()).await?;
    Ok(web::Json(LoiResponse::new(letter, locale)))
}

/// Whether the client takes HTML: no `Accept` (or one that cannot be read), or one that names
/// `text/html`, `text/*` or `*/*` with a quality above zero.
fn accepts_html(req: &HttpRequest) -> bool {
    if !req.headers().contains_key(ACCEPT) {
        return true;
    }
    let Ok(accept) = header::Accept::parse(req) else {
        return true;
    };
    accept.iter().any(|pref| {
        pref.quality > header::Quality::ZERO
            && matches!(pref.item.essence_str(), "text/html" | "text/*" | "*/*")
    })
}

/// The rendered letter: Chinese first, English below, naming the parties, the city, the store
/// format, the terms and the expiry.
///
/// Its bytes were fixed when the letter was offered and never change: their SHA-256 is the
/// `ETag` and the `document_sha256` the applicant signs. HTML only: a client that accepts
/// neither `text/html` nor a wildcard gets 406.
#[utoipa::path(
    tag = "letters-of-intent",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The letter", content_type = "text/html", body = String),
        (status = 406, description = "The client accepts no HTML (`not_acceptable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/applications/{id}/loi/document")]
pub async fn get_loi_document(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let (letter, _) = load_letter(&state, principal, None, id.into_inner()).await?;
    if !accepts_html(&req) {
        return Err(AppError::NotAcceptable);
    }
    Ok(fixed_document(
        letter.document_html,
        &letter.document_sha256,
    ))
}

/// The signed letter's signature page.
///
/// Who signed the letter (name, title), when (China time, to the second), from which network
/// address and browser, and the letter's SHA-256, naming the parties as the letter does; Chinese
/// first, English below, printable on A4. Made when the letter was signed and never changed: its SHA-256 is the `ETag` and the letter's
/// `signature_page_sha256`. 404 before the letter is signed (and for letters signed before
/// signature pages existed). HTML only, like the letter.
#[utoipa::path(
    tag = "letters-of-intent",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signature page", content_type = "text/html", body = String),
        (status = 406, description = "The client accepts no HTML (`not_acceptable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/applications/{id}/loi/signature-page")]
pub async fn get_loi_signature_page(
    Authorized(principal): Authorized<AnyPrincipal>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let (letter, _) = load_letter(&state, principal, None, id.into_inner()).await?;
    let (Some(html), Some(sha256)) = (letter.signature_page_html, letter.signature_page_sha256)
    else {
        return Err(AppError::NotFound);
    };
    if !accepts_html(&req) {
        return Err(AppError::NotAcceptable);
    }
    Ok(fixed_document(html, &sha256))
}

/// A document whose bytes never change, served as such: its SHA-256 the `ETag`, nothing it may
/// run or fetch.
fn fixed_document(html: String, sha256: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::ETAG, format!("\"{sha256}\"")))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        // The letter is a document, not an app: no scripts, no requests; and no page may frame
        // it (a framed letter under a decoy is how a signature is clickjacked).
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .body(html)
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "signer_name": "Li Wei",
    "signer_title": "General Manager",
    "document_sha256": "404851176f25a3a816a2592ef7b74fc5253415ff51747adde3ccbd1bd9da5558",
    "accept": true
}))]
pub struct SignatureRequest {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub signer_name: String,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub signer_title: String,
    /// The SHA-256 (hex) of the letter the signer was shown.
    #[validate(length(equal = 64))]
    #[schema(min_length = 64, max_length = 64, pattern = "^[0-9a-fA-F]{64}$")]
    pub document_sha256: String,
    /// Must be true: the signer accepts the letter.
    pub accept: bool,
}

/// Sign the letter of intent (an owner or a signatory of the applying group).
///
/// The signer is the signing member: `signer_name` must be its account's `display_name` (case
/// and spaces aside) and, when the member has a `title` on record (a signatory always has),
/// `signer_title` must be that title; otherwise 422 naming `signer_name` / `signer_title`.
/// Editors get 403. Send the SHA-256 of the letter you were shown; if it is not the letter's,
/// nothing is signed (409 `document_hash_mismatch`). The signature is kept with its evidence (signer, time,
/// network address, user agent, hash) and the application moves to `loi_signed`. A letter past
/// its expiry cannot be signed (409 `loi_expired`).
#[utoipa::path(
    tag = "letters-of-intent",
    request_body = SignatureRequest,
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Signed; the letter with the signature's evidence", body = LoiResponse),
        (status = 409, description = "Wrong hash (`document_hash_mismatch`), expired (`loi_expired`), or no open letter (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications/{id}/loi/signature")]
pub async fn sign_loi(
    Authorized(user): Authorized<AnyUser>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    ValidatedJson(body): ValidatedJson<SignatureRequest>,
) -> Result<HttpResponse, AppError> {
    if !body.accept {
        return Err(AppError::field("accept", "must_accept"));
    }
    let id = id.into_inner();
    let fingerprint = key.fingerprint(&req, user.id);
    let address = client_address(&req, state.config.trust_proxy_headers).map(|a| a.to_string());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(500).collect::<String>());
    let user_id = user.id;
    let access = Access::of(&Principal::User(user), Locale::from_request(&req))?;
    let maker = state.config.maker.clone();
    let answer = state
        .write(move |work| {
            idempotency::run(work, fingerprint.as_ref(), 200, |work| {
                let application = access.load(work, id)?;
                let signature = Signature {
                    user_id,
                    name: body.signer_name.trim(),
                    title: body.signer_title.trim(),
                    document_sha256: &body.document_sha256,
                    address: address.as_deref(),
                    user_agent: user_agent.as_deref(),
                };
                letters::sign(work, &access, &application, &signature, &maker)?;
                let letter = lois::find(work, id)?.ok_or(AppError::NotFound)?;
                Ok((LoiResponse::new(letter, access.locale), Vec::new()))
            })
        })
        .await?;
    Ok(answer.into_response())
}

//! Operational endpoints at the root: liveness, readiness, metrics. (The OpenAPI document and
//! its page are served by `crate::openapi`.)

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::outbox;
use crate::error::{AppError, Problem};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when alive, `ready` when the database answers.
    pub status: &'static str,
}

/// Liveness: the process is up and serving.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Alive", body = Health, example = json!({"status": "ok"})))
)]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness: the database answers. Load balancers send traffic only while this is 200.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health, example = json!({"status": "ready"})),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<Health>, AppError> {
    state.db.ping().await?;
    Ok(web::Json(Health { status: "ready" }))
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Metrics", body = String, content_type = "text/plain",
        example = "# HELP http_requests_total HTTP requests by route, method and status\n# TYPE http_requests_total counter\nhttp_requests_total{method=\"GET\",route=\"/api/v1/cities\",status=\"200\"} 42\n"))
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    // A database outage must not hide the other metrics, so the depth is best effort.
    match state.db.run(outbox::pending_count).await {
        Ok(depth) => state.metrics.outbox_depth.set(depth),
        Err(error) => tracing::warn!(%error, "could not read the outbox depth"),
    }
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        ))
        .body(state.metrics.render())
}

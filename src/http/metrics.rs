//! The access log and the request metrics (`crate::metrics`), as one middleware.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use crate::state::AppState;

/// Middleware: times every request. Routes are labelled by their pattern (`/api/v1/staff/{id}`),
/// never by the raw path, so that the number of series stays bounded.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().to_string();
    let res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    let status = res.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    tracing::info!(%method, %route, status, millis = seconds * 1000.0, "request");
    if let Some(state) = state {
        state.metrics.observe(&method, &route, status, seconds);
    }
    Ok(res)
}

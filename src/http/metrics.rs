//! The access log and the request metrics (`crate::metrics`), as one middleware.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

use crate::state::AppState;

/// Middleware: times every request. Every label has a bounded set of values, so that no request
/// adds series of its own: routes are labelled by their pattern (`/api/v1/staff/{id}`), never by
/// the raw path (`unmatched` when none matched), and methods outside the standard ones are `OTHER`.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = method_label(req.method());
    let res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    let status = res.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    tracing::info!(method = %res.request().method(), %route, status, millis = seconds * 1000.0, "request");
    if let Some(state) = state {
        state.metrics.observe(method, &route, status, seconds);
    }
    Ok(res)
}

/// The method's label: one of the standard methods, or `OTHER`.
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    KNOWN
        .iter()
        .find(|known| *known == method)
        .map_or("OTHER", Method::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_outside_the_standard_ones_share_one_label() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        let odd = Method::from_bytes(b"XYZZY").unwrap_or_else(|_| unreachable!());
        assert_eq!(method_label(&odd), "OTHER");
    }
}

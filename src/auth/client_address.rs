//! The client's network address, for per-address rate limits and signature evidence.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// The connection's peer; behind a trusted reverse proxy (`TRUST_PROXY_HEADERS=1`), the last
/// `X-Forwarded-For` entry instead. Only the last one: the proxy appends it, while earlier entries
/// come from the client and can say anything.
pub fn client_address(req: &HttpRequest, trust_proxy_headers: bool) -> Option<IpAddr> {
    let forwarded = trust_proxy_headers
        .then(|| {
            req.headers()
                .get_all("x-forwarded-for")
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .last()
                .and_then(|last| last.trim().parse().ok())
        })
        .flatten();
    forwarded.or_else(|| req.peer_addr().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn only_a_trusted_proxys_last_entry_counts() {
        let req = TestRequest::default()
            .peer_addr("10.0.0.2:4000".parse().unwrap_or_else(|_| unreachable!()))
            .insert_header(("X-Forwarded-For", "1.1.1.1, 203.0.113.7"))
            .to_http_request();
        assert_eq!(client_address(&req, true), "203.0.113.7".parse().ok());
        assert_eq!(client_address(&req, false), "10.0.0.2".parse().ok());
        let plain = TestRequest::default()
            .peer_addr("10.0.0.2:4000".parse().unwrap_or_else(|_| unreachable!()))
            .to_http_request();
        assert_eq!(client_address(&plain, true), "10.0.0.2".parse().ok());
    }
}

//! Where a webhook may point. A URL whose host resolves to a loopback, private, link-local or
//! otherwise internal address is refused (SSRF), unless `WEBHOOK_ALLOW_PRIVATE_TARGETS=1`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use reqwest::Url;

/// Why a URL cannot be a webhook target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not an absolute `http` or `https` URL with a host.
    NotHttp,
    /// The host does not resolve.
    Unresolvable,
    /// The host resolves to an internal address.
    PrivateTarget,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::NotHttp => "webhook_url",
            Self::Unresolvable => "unresolvable_host",
            Self::PrivateTarget => "private_target",
        }
    }
}

/// An address no webhook may reach from here.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal_v4(v4),
            None => is_internal_v6(v6),
        },
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // "This network", 0.0.0.0/8, and reserved 240.0.0.0/4.
        || a == 0
        || a >= 240
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local fc00::/7 and link-local fe80::/10.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

/// Checks `url` as a webhook target, resolving its host.
pub async fn check(url: &str, allow_private: bool) -> Result<Url, Refusal> {
    let parsed = Url::parse(url).map_err(|_| Refusal::NotHttp)?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Refusal::NotHttp);
    }
    let host = parsed.host_str().ok_or(Refusal::NotHttp)?.to_owned();
    let port = parsed.port_or_known_default().ok_or(Refusal::NotHttp)?;
    if allow_private {
        return Ok(parsed);
    }
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let addresses: Vec<IpAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|_| Refusal::Unresolvable)?
        .map(|address| address.ip())
        .collect();
    if addresses.is_empty() {
        return Err(Refusal::Unresolvable);
    }
    if addresses.into_iter().any(is_internal) {
        return Err(Refusal::PrivateTarget);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(
                is_internal(ip.parse().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))),
                "{ip}"
            );
        }
        for ip in [
            "8.8.8.8",
            "203.0.114.1",
            "2001:4860:4860::8888",
            "100.128.0.1",
        ] {
            assert!(
                !is_internal(ip.parse().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))),
                "{ip}"
            );
        }
    }

    #[tokio::test]
    async fn urls_are_checked_before_they_are_stored() {
        assert_eq!(
            check("ftp://example.com/x", false).await,
            Err(Refusal::NotHttp)
        );
        assert_eq!(check("not a url", false).await, Err(Refusal::NotHttp));
        assert_eq!(
            check("http://127.0.0.1:9/hook", false).await,
            Err(Refusal::PrivateTarget)
        );
        assert_eq!(
            check("http://[::1]:9/hook", false).await,
            Err(Refusal::PrivateTarget)
        );
        assert!(check("http://127.0.0.1:9/hook", true).await.is_ok());
    }
}

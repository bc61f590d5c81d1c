//! Where a webhook may point, and the only addresses a delivery connects to.
//!
//! A URL whose host is, or resolves to, an address that is not globally reachable (loopback,
//! private, link-local, shared, reserved, documentation, benchmarking, NAT64 or 6to4 of such an
//! address, ...: IANA's IPv4 and IPv6 special-purpose address registries) is refused (SSRF),
//! unless `WEBHOOK_ALLOW_PRIVATE_TARGETS=1`. The check at subscription gives an early answer;
//! what protects a delivery is `GuardedResolver`: the HTTP client resolves names through it, and
//! it hands the client only addresses that pass the same check, so a name that resolves to a
//! public address when checked and to an internal one when connected (DNS rebinding) reaches
//! nothing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

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

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refused target: {}", self.code())
    }
}

impl std::error::Error for Refusal {}

/// An address no webhook may reach from here: anything IANA's special-purpose address
/// registries do not mark globally reachable, multicast, and (IPv6) anything outside global
/// unicast `2000::/3`. Addresses that carry an IPv4 address (IPv4-mapped, NAT64 `64:ff9b::/96`,
/// 6to4 `2002::/16`) are judged by that address; IPv4-compatible `::a.b.c.d` (deprecated) and
/// every other address outside `2000::/3` are refused.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => is_internal_v6(v6),
    }
}

/// Does `ip` lie in `prefix/len`?
fn in_v4(ip: Ipv4Addr, prefix: [u8; 4], len: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(prefix)) & mask
}

fn in_v6(ip: Ipv6Addr, prefix: Ipv6Addr, len: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
    u128::from(ip) & mask == u128::from(prefix) & mask
}

/// IANA IPv4 Special-Purpose Address Registry entries that are not globally reachable (or are
/// for documentation, benchmarking or deprecated), plus multicast and the limited broadcast.
const INTERNAL_V4: [([u8; 4], u32); 17] = [
    ([0, 0, 0, 0], 8),          // "this network" (RFC 791)
    ([10, 0, 0, 0], 8),         // private-use (RFC 1918)
    ([100, 64, 0, 0], 10),      // shared address space, carrier-grade NAT (RFC 6598)
    ([127, 0, 0, 0], 8),        // loopback (RFC 1122)
    ([169, 254, 0, 0], 16),     // link-local, cloud metadata (RFC 3927)
    ([172, 16, 0, 0], 12),      // private-use (RFC 1918)
    ([192, 0, 0, 0], 24),       // IETF protocol assignments (RFC 6890)
    ([192, 0, 2, 0], 24),       // documentation TEST-NET-1 (RFC 5737)
    ([192, 88, 99, 0], 24),     // deprecated 6to4 relay anycast (RFC 7526)
    ([192, 168, 0, 0], 16),     // private-use (RFC 1918)
    ([198, 18, 0, 0], 15),      // benchmarking (RFC 2544)
    ([198, 51, 100, 0], 24),    // documentation TEST-NET-2 (RFC 5737)
    ([203, 0, 113, 0], 24),     // documentation TEST-NET-3 (RFC 5737)
    ([224, 0, 0, 0], 4),        // multicast (RFC 5771)
    ([240, 0, 0, 0], 4),        // reserved (RFC 1112)
    ([255, 255, 255, 255], 32), // limited broadcast (RFC 919)
    ([233, 252, 0, 0], 24),     // documentation MCAST-TEST-NET (RFC 5771), inside multicast too
];

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    INTERNAL_V4
        .iter()
        .any(|&(prefix, len)| in_v4(ip, prefix, len))
}

/// IANA IPv6 Special-Purpose Address Registry entries inside global unicast `2000::/3` that are
/// not globally reachable or are for documentation.
const INTERNAL_V6_GLOBAL_UNICAST: [(Ipv6Addr, u32); 3] = [
    // IETF protocol assignments, TEREDO among them (RFC 2928, RFC 4380)
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
    // documentation (RFC 3849)
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32),
    // documentation (RFC 9637)
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),
];

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    // IPv4-mapped ::ffff:0:0/96 (RFC 4291) and the NAT64 well-known prefix 64:ff9b::/96
    // (RFC 6052): what they reach is the IPv4 address inside.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_internal_v4(v4);
    }
    let embedded_low = || Ipv4Addr::from(u32::try_from(u128::from(ip) & 0xffff_ffff).unwrap_or(0));
    if in_v6(ip, Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96) {
        return is_internal_v4(embedded_low());
    }
    // 6to4 2002::/16 (RFC 3056): the IPv4 address is bits 16 to 48.
    if in_v6(ip, Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16) {
        let [_, a, b, ..] = ip.segments();
        let v4 = Ipv4Addr::from((u32::from(a) << 16) | u32::from(b));
        return is_internal_v4(v4);
    }
    // Outside global unicast lie loopback, unspecified, IPv4-compatible ::/96, discard-only
    // 100::/64, local-use NAT64 64:ff9b:1::/48, SRv6 5f00::/16, unique local fc00::/7,
    // site-local fec0::/10, link-local fe80::/10 and multicast ff00::/8.
    if !in_v6(ip, Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3) {
        return true;
    }
    INTERNAL_V6_GLOBAL_UNICAST
        .iter()
        .any(|&(prefix, len)| in_v6(ip, prefix, len))
}

/// Checks `url`'s form: an absolute `http` or `https` URL with a host and port, whose host, if
/// it is an address, may be reached. Names are not looked up here (see `check` and
/// `GuardedResolver`).
pub fn check_url(url: &str, allow_private: bool) -> Result<Url, Refusal> {
    let parsed = Url::parse(url).map_err(|_| Refusal::NotHttp)?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Refusal::NotHttp);
    }
    parsed.port_or_known_default().ok_or(Refusal::NotHttp)?;
    if !allow_private && literal_address(&parsed)?.is_some_and(is_internal) {
        return Err(Refusal::PrivateTarget);
    }
    Ok(parsed)
}

/// Checks `url` as a webhook target, resolving its host: every address it resolves to must be
/// reachable. For an early answer when a subscription is made; deliveries rely on
/// `GuardedResolver`, which judges the addresses actually connected to.
pub async fn check(url: &str, allow_private: bool) -> Result<Url, Refusal> {
    let parsed = check_url(url, allow_private)?;
    if allow_private {
        return Ok(parsed);
    }
    if literal_address(&parsed)?.is_some() {
        return Ok(parsed);
    }
    let host = parsed.host_str().ok_or(Refusal::NotHttp)?;
    let addresses = system_lookup(host)
        .await
        .map_err(|_| Refusal::Unresolvable)?;
    if addresses.is_empty() {
        return Err(Refusal::Unresolvable);
    }
    if addresses.iter().any(|a| is_internal(a.ip())) {
        return Err(Refusal::PrivateTarget);
    }
    Ok(parsed)
}

/// The URL's host when it is an address (the URL parser has normalised it), None for a name.
fn literal_address(url: &Url) -> Result<Option<IpAddr>, Refusal> {
    let host = url.host_str().ok_or(Refusal::NotHttp)?;
    Ok(host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .ok())
}

async fn system_lookup(host: &str) -> std::io::Result<Vec<SocketAddr>> {
    Ok(tokio::net::lookup_host((host, 0)).await?.collect())
}

/// The system's resolver (`getaddrinfo` on the blocking pool), as reqwest's `Resolve`.
#[derive(Debug, Default)]
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let addresses = system_lookup(name.as_str()).await?;
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

/// The resolver of the webhook client: it passes on only the addresses of `inner`'s answer
/// that are not internal (all of them when private targets are allowed), and fails when none is
/// left. The client connects to nothing else, so the address judged is the address used.
pub struct GuardedResolver {
    inner: Arc<dyn Resolve>,
    allow_private: bool,
}

impl GuardedResolver {
    pub fn new(inner: Arc<dyn Resolve>, allow_private: bool) -> Self {
        Self {
            inner,
            allow_private,
        }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let answer = self.inner.resolve(name);
        let allow_private = self.allow_private;
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = answer
                .await?
                .filter(|address| allow_private || !is_internal(address.ip()))
                .collect();
            if addresses.is_empty() {
                return Err(Box::new(Refusal::PrivateTarget) as _);
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn internal(ip: &str) -> bool {
        is_internal(ip.parse().unwrap())
    }

    /// One address inside and, where there is one, one just outside each range.
    fn assert_range(inside: &[&str], outside: &[&str]) {
        for ip in inside {
            assert!(internal(ip), "{ip} should be refused");
        }
        for ip in outside {
            assert!(!internal(ip), "{ip} should be allowed");
        }
    }

    #[test]
    fn public_addresses_pass() {
        assert_range(
            &[],
            &[
                "8.8.8.8",
                "1.1.1.1",
                "203.0.114.1",
                "100.128.0.1",
                "2001:4860:4860::8888",
                "2606:4700::1111",
                "::ffff:8.8.8.8",
                "64:ff9b::808:808",
                "2002:808:808::1",
            ],
        );
    }

    #[test]
    fn ipv4_this_network_private_loopback_link_local() {
        assert_range(&["0.0.0.0", "0.255.255.255"], &["1.0.0.0"]);
        assert_range(
            &["10.0.0.1", "10.255.255.255"],
            &["11.0.0.0", "9.255.255.255"],
        );
        assert_range(&["127.0.0.1", "127.1.2.3"], &["128.0.0.1"]);
        assert_range(&["169.254.169.254"], &["169.255.0.1"]);
        assert_range(
            &["172.16.0.1", "172.31.255.255"],
            &["172.32.0.1", "172.15.255.255"],
        );
        assert_range(&["192.168.1.1"], &["192.169.0.1"]);
    }

    #[test]
    fn ipv4_shared_address_space() {
        assert_range(
            &["100.64.0.1", "100.127.255.255"],
            &["100.63.255.255", "100.128.0.1"],
        );
    }

    #[test]
    fn ipv4_ietf_protocol_assignments() {
        assert_range(&["192.0.0.1", "192.0.0.255"], &["192.0.1.1"]);
    }

    #[test]
    fn ipv4_documentation() {
        assert_range(
            &["192.0.2.1", "198.51.100.7", "203.0.113.9", "233.252.0.1"],
            &["192.0.3.1", "198.51.101.1", "203.0.112.1"],
        );
    }

    #[test]
    fn ipv4_benchmarking() {
        assert_range(
            &["198.18.0.1", "198.19.255.255"],
            &["198.17.255.255", "198.20.0.1"],
        );
    }

    #[test]
    fn ipv4_deprecated_6to4_relay_anycast() {
        assert_range(&["192.88.99.1"], &["192.88.98.1", "192.88.100.1"]);
    }

    #[test]
    fn ipv4_multicast_reserved_broadcast() {
        assert_range(
            &[
                "224.0.0.1",
                "239.255.255.255",
                "240.0.0.1",
                "255.255.255.255",
            ],
            &["223.255.255.255"],
        );
    }

    #[test]
    fn ipv6_loopback_unspecified_and_ipv4_compatible() {
        assert_range(&["::1", "::", "::127.0.0.1", "::8.8.8.8", "::2"], &[]);
    }

    #[test]
    fn ipv6_ipv4_mapped_is_judged_by_its_ipv4_address() {
        assert_range(
            &["::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:198.18.0.1"],
            &["::ffff:8.8.8.8"],
        );
    }

    #[test]
    fn ipv6_nat64_is_judged_by_its_ipv4_address() {
        assert_range(
            &["64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::c0a8:101"],
            &["64:ff9b::808:808"],
        );
        // The local-use NAT64 prefix is never global.
        assert_range(&["64:ff9b:1::808:808"], &[]);
    }

    #[test]
    fn ipv6_6to4_is_judged_by_its_ipv4_address() {
        assert_range(
            &[
                "2002:7f00:1::1",
                "2002:a00:1::",
                "2002:c0a8:101::1",
                "2002:a9fe:a9fe::",
            ],
            &["2002:808:808::1"],
        );
    }

    #[test]
    fn ipv6_ietf_protocol_assignments_teredo_and_documentation() {
        assert_range(
            &[
                "2001::1",
                "2001:0:4136:e378::1",
                "2001:1ff::1",
                "2001:db8::1",
                "3fff::1",
                "3fff:fff::1",
            ],
            &["2001:200::1", "2001:dc8::1", "3fff:1000::1"],
        );
    }

    #[test]
    fn ipv6_local_scopes_multicast_and_other_non_global_blocks() {
        assert_range(
            &[
                "fc00::1", "fd00::1", "fe80::1", "febf::1", "fec0::1", "feff::1", "ff02::1",
                "100::1", "5f00::1", "4000::1", "1fff::1",
            ],
            &["2400:cb00::1"],
        );
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
        for literal in [
            "http://[::127.0.0.1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2002:7f00:1::]/",
            "http://[fec0::1]/",
            "http://198.18.0.1/",
            "http://192.0.0.8/",
            "http://2130706433/",
        ] {
            assert_eq!(
                check_url(literal, false),
                Err(Refusal::PrivateTarget),
                "{literal}"
            );
            assert!(check_url(literal, true).is_ok(), "{literal}");
        }
        assert!(check("http://127.0.0.1:9/hook", true).await.is_ok());
    }
}

//! SSRF guard: refuse loopback, private, link-local, unique-local, CGNAT, unspecified and other
//! non-global addresses unless `--allow-private` is given.
//!
//! IPv6 is judged by an allow list, not a deny list: only global unicast (`2000::/3`) can be
//! public, less the special ranges inside it, and an address that embeds an IPv4 address is
//! as public as that address: IPv4-mapped (`::ffff:0:0/96`), IPv4-translated
//! (`::ffff:0:0:0/96`), NAT64 (`64:ff9b::/96`), 6to4 (`2002::/16`) and ISATAP interface
//! identifiers (`…:0:5efe:a.b.c.d`, `…:200:5efe:a.b.c.d`). The rest of `::/8`
//! (IPv4-compatible `::a.b.c.d` included), local-use NAT64 (`64:ff9b:1::/48`), Teredo
//! (`2001::/32`, whose client address is obfuscated) and the other IETF assignments in
//! `2001::/23` are refused whole.
//!
//! Checking the URL alone is not enough (lychee's `--exclude-private` only looks at literal IPs),
//! because a public-looking name can resolve to `127.0.0.1` or `169.254.169.254`. So the check
//! sits in the DNS resolver that reqwest uses: reqwest only connects to the addresses the
//! resolver returns, which leaves no rebinding window. Literal-IP URLs never reach a resolver;
//! the crawler checks those itself on the first URL and on every redirect hop
//! ([`is_public_ip`]). `--resolve` pins are served by the same resolver, so they are guarded too.

use crate::model::host;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// A host whose only addresses are non-global, refused by the guard.
#[derive(Debug, thiserror::Error)]
#[error("`{host}` resolves to the non-public address {addr}; pass --allow-private to allow it")]
pub struct PrivateAddressError {
    /// The host name.
    pub host: String,
    /// The first refused address.
    pub addr: IpAddr,
}

/// A host name that does not resolve.
#[derive(Debug, thiserror::Error)]
#[error("cannot resolve `{host}`: {reason}")]
pub struct DnsError {
    /// The host name.
    pub host: String,
    /// Why.
    pub reason: String,
}

/// Whether `ip` is a globally routable unicast address (the only kind fetched by default).
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0                                   // "this network", includes 0.0.0.0
        || a == 10                             // private
        || a == 127                            // loopback
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 169 && b == 254)              // link-local (cloud metadata lives here)
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 0 && c == 0)      // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)      // TEST-NET-1
        || (a == 192 && b == 88 && c == 99)    // 6to4 relay anycast (deprecated)
        || (a == 192 && b == 168)              // private
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || (a == 198 && b == 51 && c == 100)   // TEST-NET-2
        || (a == 203 && b == 0 && c == 113)    // TEST-NET-3
        || a >= 224) // multicast, reserved, broadcast
}

/// The IPv4 address in the last 32 bits of `seg`.
fn low_v4(seg: &[u16; 8]) -> Ipv4Addr {
    let [a, b] = seg[6].to_be_bytes();
    let [c, d] = seg[7].to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    match seg {
        // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d (SIIT).
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0xffff, 0, _, _] => {
            return is_public_v4(low_v4(&seg));
        }
        // NAT64 well-known prefix 64:ff9b::/96.
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => return is_public_v4(low_v4(&seg)),
        // 6to4: the IPv4 address sits in bits 16..48.
        [0x2002, hi, lo, ..] => {
            let [a, b] = hi.to_be_bytes();
            let [c, d] = lo.to_be_bytes();
            return is_public_v4(Ipv4Addr::new(a, b, c, d));
        }
        _ => {}
    }
    // Only global unicast 2000::/3 is ever public; everything else — the rest of ::/8
    // (unspecified, loopback, IPv4-compatible), 64:ff9b:1::/48, 100::/64, unique local
    // fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast ff00::/8, 5f00::/16
    // (SRv6) and the unallocated space — is not.
    if seg[0] & 0xe000 != 0x2000 {
        return false;
    }
    // ISATAP: any /64 prefix with the interface identifier 0:5efe or 200:5efe (with or
    // without the group bit) before an IPv4 address, which the tunnel delivers to.
    if seg[5] == 0x5efe && seg[4] & 0xfcff == 0 && !is_public_v4(low_v4(&seg)) {
        return false;
    }
    // IETF protocol assignments 2001::/23, Teredo 2001::/32 among them.
    let ietf = seg[0] == 0x2001 && seg[1] < 0x0200;
    // Documentation: 2001:db8::/32 and 3fff::/20.
    let documentation = (seg[0] == 0x2001 && seg[1] == 0x0db8) || (seg[0] & 0xfff0) == 0x3ff0;
    !(ietf || documentation)
}

/// A `--resolve HOST:PORT:ADDR` pin (curl's syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvePin {
    /// Lower-case host name.
    pub host: String,
    /// The port as written. reqwest's resolver hook does not see the port, so a pin applies
    /// to every port of the host; the port is kept for curl compatibility and display.
    pub port: u16,
    /// The address to connect to.
    pub addr: IpAddr,
}

impl std::str::FromStr for ResolvePin {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "invalid --resolve `{s}`: expected HOST:PORT:ADDR, e.g. blog.test:8080:127.0.0.1"
            )
        };
        let mut parts = s.splitn(3, ':');
        let host = parts.next().filter(|h| !h.is_empty()).ok_or_else(bad)?;
        let port = parts
            .next()
            .and_then(|p| p.parse::<u16>().ok())
            .ok_or_else(bad)?;
        let addr = parts.next().ok_or_else(bad)?;
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        // `*.test` pins every host under `test` (not `test` itself), as curl does.
        let host = match host.strip_prefix("*.") {
            Some(rest) => format!("*.{}", crate::model::host::parse(rest).ok_or_else(bad)?),
            None => crate::model::host::parse(host).ok_or_else(bad)?,
        };
        Ok(ResolvePin { host, port, addr })
    }
}

impl std::fmt::Display for ResolvePin {
    /// curl's syntax, as `--resolve` takes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.addr {
            IpAddr::V4(a) => write!(f, "{}:{}:{a}", self.host, self.port),
            IpAddr::V6(a) => write!(f, "{}:{}:[{a}]", self.host, self.port),
        }
    }
}

/// Which non-public destinations are allowed.
#[derive(Debug, Clone, Default)]
pub struct PrivatePolicy {
    /// `--allow-private`: every address is allowed.
    pub allow_all: bool,
    /// `--allow-private-host`: these host names (lower-case) may resolve to non-public
    /// addresses; every other name and every redirect elsewhere stays guarded.
    pub hosts: HashSet<String>,
}

impl PrivatePolicy {
    /// Whether `host` may use the non-public address `ip`.
    pub fn allows(&self, host: &str, ip: IpAddr) -> bool {
        self.allow_all || is_public_ip(ip) || self.hosts.contains(&host::normalize(host))
    }
}

/// The pinned address of `host`: its own pin, else the pin of the nearest wildcard above it
/// (`*.blog.test`, then `*.test`). `get` looks a pin's host up.
pub fn pinned(host: &str, get: impl Fn(&str) -> Option<IpAddr>) -> Option<IpAddr> {
    if let Some(ip) = get(host) {
        return Some(ip);
    }
    let mut rest = host;
    while let Some((_, parent)) = rest.split_once('.') {
        if let Some(ip) = get(&format!("*.{parent}")) {
            return Some(ip);
        }
        rest = parent;
    }
    None
}

/// The resolver reqwest uses: `--resolve` pins first, then the system resolver (so
/// `/etc/hosts` works), then the guard.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    pins: Arc<HashMap<String, IpAddr>>,
    policy: Arc<PrivatePolicy>,
}

impl GuardedResolver {
    /// A resolver with the given pins and private-address policy.
    pub fn new(pins: &[ResolvePin], policy: PrivatePolicy) -> Self {
        let pins = pins.iter().map(|p| (p.host.clone(), p.addr)).collect();
        GuardedResolver {
            pins: Arc::new(pins),
            policy: Arc::new(policy),
        }
    }
}

impl GuardedResolver {
    /// Whether `host` resolves (through the pins, else the system) only to addresses the
    /// policy refuses. A name that does not resolve is not refused here.
    pub async fn refuses(&self, host: &str) -> bool {
        let host = host::normalize(host);
        match lookup(&self.pins, &host).await {
            Ok(addrs) => {
                !addrs.is_empty() && addrs.iter().all(|ip| !self.policy.allows(&host, *ip))
            }
            Err(_) => false,
        }
    }
}

/// The addresses of `host` (normalised): its pin, else the system resolver's answer.
async fn lookup(pins: &HashMap<String, IpAddr>, host: &str) -> std::io::Result<Vec<IpAddr>> {
    match pinned(host, |h| pins.get(h).copied()) {
        Some(ip) => Ok(vec![ip]),
        None => Ok(tokio::net::lookup_host((host, 0))
            .await?
            .map(|a| a.ip())
            .collect()),
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = host::normalize(name.as_str());
        let pins = Arc::clone(&self.pins);
        let policy = Arc::clone(&self.policy);
        Box::pin(async move {
            let addrs = lookup(&pins, &host).await.map_err(|e| DnsError {
                host: host.clone(),
                reason: e.to_string(),
            })?;
            let Some(&first) = addrs.first() else {
                return Err(DnsError {
                    host,
                    reason: "no addresses".into(),
                }
                .into());
            };
            let public: Vec<SocketAddr> = addrs
                .into_iter()
                .filter(|ip| policy.allows(&host, *ip))
                .map(|ip| SocketAddr::new(ip, 0))
                .collect();
            if public.is_empty() {
                return Err(PrivateAddressError { host, addr: first }.into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn wildcard_pins_cover_the_hosts_below_only() {
        let pin: ResolvePin = "*.Blog.Test:80:127.0.0.1".parse().unwrap();
        assert_eq!(pin.host, "*.blog.test");
        let pins: HashMap<String, IpAddr> = [(pin.host.clone(), pin.addr)].into();
        let get = |h: &str| pins.get(h).copied();
        assert!(pinned("a.blog.test", get).is_some());
        assert!(pinned("x.a.blog.test", get).is_some());
        assert!(pinned("blog.test", get).is_none());
        assert!(pinned("ablog.test", get).is_none());
        assert!("*.:80:127.0.0.1".parse::<ResolvePin>().is_err());
    }

    use super::*;

    fn public(s: &str) -> bool {
        is_public_ip(s.parse().unwrap())
    }

    #[test]
    fn non_global_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "::127.0.0.1",
            "2001:db8::1",
            "ff02::1",
            // Every range that embeds an IPv4 address, with a private one inside.
            "::ffff:10.0.0.1",
            "::ffff:0:127.0.0.1",
            "::ffff:0:169.254.169.254",
            "::10.0.0.1",
            "::8.8.8.8",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::808:808",
            "64:ff9b:1:ffff::1",
            "2002:a00:1::1",
            "2002:a9fe:a9fe::",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001::1",
            "2001:2::1",
            "2606:4700::5efe:7f00:1",
            "2606:4700::200:5efe:a9fe:a9fe",
            "2606:4700::100:5efe:c0a8:1",
            "fe80::5efe:a00:1",
            // Other special or unallocated ranges.
            "100::1",
            "5f00::1",
            "3fff::1",
            "4000::1",
            "fec0::1",
            "::2",
            "192.88.99.1",
        ] {
            assert!(!public(ip), "{ip} should be refused");
        }
    }

    #[test]
    fn global_addresses_pass() {
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "::ffff:0:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2606:4700::5efe:808:808",
            "2a00:1450:4001:80b::200e",
        ] {
            assert!(public(ip), "{ip} should pass");
        }
    }

    #[test]
    fn url_parser_normalises_odd_ipv4_forms() {
        // Decimal, octal and hex forms all become 127.0.0.1 in the WHATWG parser, so the
        // literal-IP check sees the real address.
        for u in [
            "http://2130706433/",
            "http://0177.0.0.1/",
            "http://0x7f.0.0.1/",
            "http://127.1/",
        ] {
            let url = url::Url::parse(u).unwrap();
            assert_eq!(url.host_str(), Some("127.0.0.1"), "{u}");
        }
    }

    #[test]
    fn resolve_pins_parse() {
        let p: ResolvePin = "Blog.Test:8080:127.0.0.1".parse().unwrap();
        assert_eq!(p.host, "blog.test");
        assert_eq!(p.port, 8080);
        let p: ResolvePin = "v6.test:80:[::1]".parse().unwrap();
        assert_eq!(p.addr, "::1".parse::<IpAddr>().unwrap());
        assert!("nohost".parse::<ResolvePin>().is_err());
        assert!("a:b:127.0.0.1".parse::<ResolvePin>().is_err());
    }
}

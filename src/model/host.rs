//! Host names and domains, compared one way everywhere: ASCII lower case, IDNA (punycode) for
//! international names, no trailing dot, no port. Hosts taken from a parsed [`Url`] are already
//! IDNA and lower case; hosts a person typed (a config entry, a flag, a line of a keep list, a
//! cell of an export) go through [`parse`] first, so `Bücher.Example.` matches the pages of
//! `xn--bcher-kva.example`.
//!
//! Pure functions, no I/O: the registrable domain (eTLD+1) comes from the Public Suffix List
//! compiled into the `psl` crate.

use url::Url;

/// A host as hosts are compared: without trailing dots, ASCII lower case. For hosts that are
/// already IDNA (those of a [`Url`]); typed input goes through [`parse`].
pub fn normalize(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// A host name as a person writes it: trimmed, IDNA to ASCII, lower case, without a trailing
/// dot or a port; `None` when it is not a host name or address (a path, a query, user info or
/// spaces in it, or characters no host can hold).
pub fn parse(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.contains(['/', '?', '#', '@', '\\']) || s.contains(char::is_whitespace) {
        return None;
    }
    let url = Url::parse(&format!("http://{s}/")).ok()?;
    let host = normalize(url.host_str()?);
    (!host.is_empty()).then_some(host)
}

/// The registrable domain (eTLD+1) of `host` according to the Public Suffix List, or the host
/// itself for IP addresses and names that have no registrable part (`localhost`).
pub fn registrable_domain(host: &str) -> String {
    let host = normalize(host);
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host;
    }
    match psl::domain_str(&host) {
        Some(d) => d.to_string(),
        None => host,
    }
}

/// The registrable domain of a URL's host (empty for a URL without one).
pub fn domain_of(url: &Url) -> String {
    registrable_domain(url.host_str().unwrap_or_default())
}

/// The host of an http(s) URL, normalised; `None` for other URLs and for text that is not one.
pub fn of_url(url: &str) -> Option<String> {
    let u = Url::parse(url).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    u.host_str().map(normalize)
}

/// Whether `host` is `domain` or one of its subdomains, ignoring ASCII case and a trailing dot
/// of `host`. Look-alikes do not match: `example.com.evil.net` and `notexample.com` are not
/// within `example.com`.
pub fn is_within(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.eq_ignore_ascii_case(domain)
        || (host.len() > domain.len()
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
            && host.as_bytes()[host.len() - domain.len()..].eq_ignore_ascii_case(domain.as_bytes()))
}

/// The last label of a host (its top-level domain), without a trailing dot.
pub fn tld(host: &str) -> &str {
    host.trim_end_matches('.')
        .rsplit('.')
        .next()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn typed_hosts_are_idna_lower_case_and_bare() {
        assert_eq!(
            parse(" Bücher.Example. ").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(parse("Blog.Test:8080").as_deref(), Some("blog.test"));
        assert_eq!(parse("127.0.0.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(parse("[::1]").as_deref(), Some("[::1]"));
        for bad in [
            "",
            "a b.test",
            "x.test/path",
            "u@x.test",
            "x.test?q",
            "exa mple",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable_domain("a.b.example.co.uk"), "example.co.uk");
        assert_eq!(registrable_domain("WWW.Example.COM."), "example.com");
        assert_eq!(registrable_domain("127.0.0.1"), "127.0.0.1");
        assert_eq!(registrable_domain("[::1]"), "[::1]");
        assert_eq!(registrable_domain("localhost"), "localhost");
        assert_eq!(registrable_domain("blog.referrer.test"), "referrer.test");
        let u = Url::parse("https://news.bücher.example/a").unwrap();
        assert_eq!(domain_of(&u), "xn--bcher-kva.example");
    }

    #[test]
    fn url_hosts_are_for_web_urls_only() {
        assert_eq!(
            of_url("https://Blog.Example.com./x").as_deref(),
            Some("blog.example.com")
        );
        assert_eq!(of_url("mailto:a@example.com"), None);
        assert_eq!(of_url("ftp://example.com/"), None);
        assert_eq!(of_url("not a url"), None);
    }

    #[test]
    fn subdomains_are_within_and_look_alikes_are_not() {
        for ok in [
            "example.com",
            "www.example.com",
            "a.b.example.com",
            "Example.COM.",
        ] {
            assert!(is_within(ok, "example.com"), "{ok}");
        }
        for bad in [
            "notexample.com",
            "example.com.evil.net",
            "example.co",
            "xexample.com",
            "",
        ] {
            assert!(!is_within(bad, "example.com"), "{bad}");
        }
        assert_eq!(tld("www.example.CLICK."), "CLICK");
        assert_eq!(tld("localhost"), "localhost");
    }

    fn label() -> impl Strategy<Value = String> {
        "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?"
    }

    fn host() -> impl Strategy<Value = String> {
        prop::collection::vec(label(), 1..5).prop_map(|l| l.join("."))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// A host is within its own registrable domain, which is one of its suffixes.
        #[test]
        fn a_host_is_within_its_registrable_domain(h in host(), upper in any::<bool>(), dot in any::<bool>()) {
            let typed = format!("{}{}", if upper { h.to_ascii_uppercase() } else { h.clone() }, if dot { "." } else { "" });
            let d = registrable_domain(&typed);
            prop_assert!(h.ends_with(&d), "{d} is not a suffix of {h}");
            prop_assert!(is_within(&typed, &d));
            prop_assert_eq!(normalize(&typed), h.clone());
        }

        /// `is_within` is exactly "equal, or ends with a dot and the domain".
        #[test]
        fn within_means_equal_or_a_dotted_suffix(h in host(), d in host()) {
            let expected = h == d || h.ends_with(&format!(".{d}"));
            prop_assert_eq!(is_within(&h, &d), expected);
            let sub = format!("{h}.{d}");
            prop_assert!(is_within(&sub, &d));
            // A look-alike: the domain glued to another label.
            let glued = format!("x{d}");
            prop_assert!(!is_within(&glued, &d));
        }

        /// Parsing what parsing gave changes nothing, and a URL's host parses to itself.
        #[test]
        fn parsing_is_idempotent(h in host()) {
            let once = parse(&h);
            prop_assert_eq!(once.as_deref().and_then(parse), once.clone());
            if let Ok(u) = Url::parse(&format!("https://{h}/")) {
                prop_assert_eq!(parse(u.host_str().unwrap()), once);
            }
        }
    }
}

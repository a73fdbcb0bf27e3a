//! Security of the crawler (issue 10): the SSRF guard against every spelling of a private
//! address, what third-party sites receive (no cookies, referrers or credentials), proxies
//! only on request, and TLS verification.
//!
//! Only loopback addresses are ever connected to here. Cases whose failure would mean
//! traffic to another address (the cloud metadata address 169.254.169.254) are checked in
//! process against the resolver, or through `--proxy` pointed at the local server, so that
//! a broken guard sends the request to 127.0.0.1 where the test sees it.

use crate::support::tls::TlsServer;
use crate::support::{Reply, Run, Server, audit_cmd, page, run, write};
use reqwest::dns::Resolve;
use std::str::FromStr;

const LINK: &str = "<p><a href='https://example.com/'>Example</a></p>";

/// `audit` over `urls` with the given extra flags (no politeness waits, no target pages).
fn audit(urls: &[String], extra: &[String]) -> Run {
    audit_env(urls, extra, &[])
}

fn audit_env(urls: &[String], extra: &[String], env: &[(&str, String)]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let list = write(dir.path(), "links.txt", &urls.join("\n"));
    let mut cmd = audit_cmd();
    cmd.args(["--target-pages", "0"])
        .args(["--delay", "0", "--retries", "0", "--timeout", "5", "--from"])
        .arg(&list)
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The page of `url` as the report names it (the URL normalised as inputs are).
fn page_of<'a>(j: &'a serde_json::Value, url: &str) -> &'a serde_json::Value {
    let mut u = url::Url::parse(url).unwrap();
    if let Some(h) = u
        .host_str()
        .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
    {
        u.set_host(Some(&h)).unwrap();
    }
    page(j, u.as_str())
}

#[test]
fn every_spelling_of_a_private_address_is_refused() {
    let s = Server::start();
    let port = s.port;
    for host in ["127.0.0.1", "localhost", "evil.test", "redir.test"] {
        s.route(host, "/p", Reply::html(LINK));
    }
    let direct: Vec<String> = [
        "2130706433",         // decimal
        "0177.0.0.1",         // octal
        "0x7f.0.0.1",         // hex, dotted
        "0x7f000001",         // hex
        "127.1",              // short form
        "[::ffff:127.0.0.1]", // IPv4-mapped IPv6
        "[::ffff:7f00:1]",    // the same, in hex
        // Every other range that embeds an IPv4 address, around 127.0.0.1 and the metadata
        // address: IPv4-translated, IPv4-compatible, NAT64 (well-known and local-use), 6to4,
        // Teredo and ISATAP.
        "[::ffff:0:7f00:1]",
        "[::7f00:1]",
        "[64:ff9b::a9fe:a9fe]",
        "[64:ff9b:1::7f00:1]",
        "[2002:7f00:1::1]",
        "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
        "[2606:4700::5efe:a9fe:a9fe]",
        "[::1]",
        "localhost",
        "localhost.", // trailing dot
        "LocalHost.",
        "evil.test", // a public-looking name pinned to 127.0.0.1
    ]
    .iter()
    .map(|h| format!("http://{h}:{port}/p"))
    .collect();
    let targets = [
        format!("http://2130706433:{port}/p"),
        format!("http://localhost.:{port}/p"),
        format!("http://[::ffff:127.0.0.1]:{port}/p"),
        format!("http://evil.test:{port}/p"),
    ];
    let mut redirects = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let path = format!("/r{i}");
        s.route("redir.test", &path, Reply::redirect(302, t));
        redirects.push(s.url("redir.test", &path));
    }
    let urls: Vec<String> = direct.iter().chain(&redirects).cloned().collect();
    let mut pins = s.pins(&["evil.test", "redir.test"]);
    // The redirecting site itself may be private; where it sends us may not.
    pins.extend(strings(&["--allow-private-host", "redir.test"]));
    let r = audit(&urls, &pins);
    // Every page was refused, so the run is no trustworthy result (exit 2); the report stands.
    assert_eq!(r.code, 2, "{}", r.stderr);
    let j = r.json();
    // Inputs are normalised (`localhost.` and `LocalHost.` are `localhost`, the two mapped
    // forms one address), so the report has fewer pages than the list has lines; the
    // redirects keep the raw spellings.
    let pages = j["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 12 + redirects.len(), "{pages:#?}");
    for p in pages {
        assert_eq!(
            (p["status"].as_str(), p["error"].as_str()),
            (Some("skipped"), Some("private-address")),
            "{p:#}"
        );
    }
    for (r, t) in redirects.iter().zip(&targets) {
        assert_eq!(
            page(&j, r)["final_url"],
            url::Url::parse(t).unwrap().as_str()
        );
    }
    assert!(
        s.all_hits().iter().all(|h| h.path != "/p"),
        "a private address was fetched: {:?}",
        s.all_hits()
    );
    // The same pages with --allow-private: it is the guard that refused them, nothing else.
    let mut allow = pins.to_vec();
    allow.push("--allow-private".into());
    let j = audit(&urls, &allow).json();
    // (The server listens on IPv4 only: IPv6 literals cannot reach it either way.)
    let reachable = direct.iter().filter(|u| !u.contains('[')).chain(
        redirects
            .iter()
            .zip(&targets)
            .filter(|(_, t)| !t.contains('['))
            .map(|(r, _)| r),
    );
    for u in reachable {
        assert_eq!(page_of(&j, u)["status"], "live", "{u}");
    }
}

fn resolver(pins: &[&str]) -> backlinks::crawl::guard::GuardedResolver {
    let pins: Vec<backlinks::crawl::ResolvePin> = pins.iter().map(|p| p.parse().unwrap()).collect();
    backlinks::crawl::guard::GuardedResolver::new(&pins, Default::default())
}

#[tokio::test]
async fn names_resolving_to_metadata_or_private_addresses_are_refused_by_the_resolver() {
    let r = resolver(&[
        "metadata.test:80:169.254.169.254",
        "mapped.test:80:[::ffff:169.254.169.254]",
        "ten.test:80:10.0.0.1",
        "loop.test:80:127.0.0.1",
        "public.test:80:93.184.215.14",
    ]);
    for host in [
        "metadata.test",
        "Metadata.Test.",
        "mapped.test",
        "ten.test",
        "loop.test",
        "localhost",
        "localhost.",
    ] {
        let err = match r.resolve(reqwest::dns::Name::from_str(host).unwrap()).await {
            Ok(addrs) => panic!("{host} resolved to {:?}", addrs.collect::<Vec<_>>()),
            Err(e) => e,
        };
        assert!(
            err.to_string().contains("non-public address"),
            "{host}: {err}"
        );
        assert!(r.refuses(host).await, "{host}");
    }
    let addrs: Vec<_> = r
        .resolve(reqwest::dns::Name::from_str("public.test").unwrap())
        .await
        .unwrap()
        .collect();
    assert_eq!(addrs[0].ip().to_string(), "93.184.215.14");
    assert!(!r.refuses("public.test").await);
}

#[test]
fn proxies_are_used_only_when_asked_and_stay_guarded() {
    // The local server plays the proxy: it answers absolute-URL requests by path.
    let s = Server::start();
    s.route("site.test", "/p", Reply::html(LINK));
    s.route(
        "site.test",
        "/to-metadata",
        Reply::redirect(302, "http://169.254.169.254/latest/meta-data/"),
    );
    let proxy = format!("http://127.0.0.1:{}", s.port);
    let page_url = s.url("site.test", "/p");
    let mut pin = s.pins(&["site.test"]);
    pin.extend(strings(&["--allow-private-host", "site.test"]));

    // Direct by default, even with proxy variables set.
    let env = [
        ("HTTP_PROXY", proxy.clone()),
        ("http_proxy", proxy.clone()),
        ("ALL_PROXY", proxy.clone()),
    ];
    let r = audit_env(std::slice::from_ref(&page_url), &pin, &env);
    assert_eq!(page(&r.json(), &page_url)["status"], "live", "{}", r.stderr);
    let hits = s.hits("site.test", "/p");
    assert_eq!(hits.len(), 1);
    assert!(!hits[0].proxied, "the environment's proxy was used unasked");

    // --proxy-from-env opts in.
    let mut flags = pin.clone();
    flags.push("--proxy-from-env".into());
    let r = audit_env(std::slice::from_ref(&page_url), &flags, &env);
    assert_eq!(page(&r.json(), &page_url)["status"], "live", "{}", r.stderr);
    let hits = s.hits("site.test", "/p");
    assert!(hits[1].proxied, "{hits:?}");

    // --proxy URL: pages go through it, and private destinations are still refused before
    // the proxy is asked (a literal address, a pinned name, a redirect).
    let urls = vec![
        page_url.clone(),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        format!("http://metadata.test:{}/", s.port),
        s.url("site.test", "/to-metadata"),
    ];
    let mut flags = pin.clone();
    flags.extend(strings(&[
        "--proxy",
        &proxy,
        "--resolve",
        &format!("metadata.test:{}:169.254.169.254", s.port),
    ]));
    let r = audit(&urls, &flags);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(page(&j, &page_url)["status"], "live");
    assert!(s.hits("site.test", "/p")[2].proxied);
    for u in &urls[1..] {
        assert_eq!(page_of(&j, u)["error"], "private-address", "{u}");
    }
    let leaked: Vec<_> = s
        .all_hits()
        .into_iter()
        .filter(|h| h.host.contains("169.254") || h.host == "metadata.test")
        .collect();
    assert!(leaked.is_empty(), "{leaked:?}");

    let r = audit(
        &[page_url],
        &strings(&["--proxy", "socks5://127.0.0.1:1080"]),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("only http:// and https://"),
        "{}",
        r.stderr
    );
}

#[test]
fn third_party_sites_get_no_cookies_referrers_or_credentials() {
    let s = Server::start();
    let third = s.url("third.test", "/landing");
    s.route(
        "first.test",
        "/a",
        Reply::html(LINK)
            .header("set-cookie", "session=secret; Path=/")
            .header("set-cookie", "tracker=1; Domain=test; Path=/"),
    );
    s.route(
        "first.test",
        "/b",
        Reply::redirect(302, &third).header("set-cookie", "hop=1; Path=/"),
    );
    s.route("third.test", "/landing", Reply::html(LINK));
    s.route("creds.test", "/p", Reply::html(LINK));
    let urls = vec![
        s.url("first.test", "/a"),
        s.url("first.test", "/b"),
        format!("http://user:secret@creds.test:{}/p", s.port),
    ];
    let mut flags = strings(&["--allow-private", "--per-host", "1"]);
    flags.extend(s.pins(&["first.test", "third.test", "creds.test"]));
    let r = audit(&urls, &flags);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(page(&j, &s.url("first.test", "/b"))["status"], "live");
    assert_eq!(s.hits("third.test", "/landing").len(), 1);
    assert_eq!(s.hits("creds.test", "/p").len(), 1);
    let hits = s.all_hits();
    assert!(hits.len() >= 6, "{hits:?}"); // three robots.txt, four pages
    for h in &hits {
        let names: Vec<&str> = h.headers.iter().map(|(k, _)| k.as_str()).collect();
        for n in &names {
            assert!(
                ["host", "user-agent", "accept", "accept-encoding"].contains(n),
                "{} {} sent `{n}`: {:?}",
                h.host,
                h.path,
                h.headers
            );
        }
        assert!(h.header("user-agent").unwrap().starts_with("backlinks/"));
        assert_eq!(h.header("accept"), Some("*/*"));
        assert_eq!(h.header("accept-encoding"), Some("gzip,deflate,br"));
    }
}

#[test]
fn tls_certificates_are_verified_unless_insecure_which_warns() {
    let tls = TlsServer::start(LINK);
    let url = format!("https://tls.test:{}/page", tls.port);
    let base = strings(&[
        "--allow-private",
        "--resolve",
        &format!("tls.test:{}:127.0.0.1", tls.port),
    ]);
    let r = audit(std::slice::from_ref(&url), &base);
    // The one page fails verification: exit 2, the report still says why.
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("1 tls-error"), "{}", r.stderr);
    let p = r.json();
    let p = page(&p, &url);
    assert_eq!(
        (p["status"].as_str(), p["error"].as_str()),
        (Some("unreachable"), Some("tls-error")),
        "{p:#}\n{}",
        r.stderr
    );
    assert_eq!(
        tls.served(),
        0,
        "a page was sent over an unverified connection"
    );
    assert!(!r.stderr.contains("insecure"), "{}", r.stderr);

    let mut insecure = base.clone();
    insecure.push("--insecure".into());
    let r = audit(std::slice::from_ref(&url), &insecure);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(page(&r.json(), &url)["status"], "live");
    assert_eq!(tls.served(), 1);
    assert!(
        r.stderr
            .contains("warning: --insecure: TLS certificates are not verified"),
        "{}",
        r.stderr
    );
}

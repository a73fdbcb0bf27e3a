//! Crawl behaviour: politeness, robots.txt, retries and the SSRF guard.

use crate::support::{Reply, Run, Server, audit_cmd, page, run, write};
use std::time::Duration;

fn audit_with<S: AsRef<str>>(server: &Server, urls: &[S], hosts: &[&str], extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<&str> = urls.iter().map(AsRef::as_ref).collect();
    let list = write(dir.path(), "links.txt", &lines.join("\n"));
    let mut cmd = audit_cmd();
    // The target's own pages are not served here: don't look for them (no internet in tests).
    cmd.args(["--target-pages", "0"])
        .arg("--from")
        .arg(&list)
        .args(server.pins(hosts))
        .args(extra);
    run(&mut cmd)
}

const LINK: &str = "<p><a href='https://example.com/'>Example</a></p>";

#[test]
fn requests_to_one_host_are_spaced_by_the_delay() {
    let s = Server::start();
    let urls: Vec<String> = (0..3)
        .map(|i| {
            let path = format!("/p{i}");
            s.route("blog.polite.test", &path, Reply::html(LINK));
            s.url("blog.polite.test", &path)
        })
        .collect();
    let r = audit_with(
        &s,
        &urls,
        &["blog.polite.test"],
        &["--allow-private", "--delay", "400", "--per-host", "2"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["summary"]["live"], 3);
    let mut times: Vec<_> = (0..3)
        .flat_map(|i| s.hits("blog.polite.test", &format!("/p{i}")))
        .map(|h| h.at)
        .collect();
    times.extend(
        s.hits("blog.polite.test", "/robots.txt")
            .iter()
            .map(|h| h.at),
    );
    times.sort();
    assert_eq!(times.len(), 4, "robots.txt once, then each page once");
    // The crawler spaces the moments it sends; the server sees arrivals, which a loaded
    // machine can only delay. A delayed arrival shortens the gap before the next one by as
    // much, so each gap is checked against the delay less a scheduling allowance, and the
    // whole span (which only the first arrival's delay can shorten) against three delays
    // less the same allowance. Without spacing, per-host 2 would put two requests together.
    let allowance = Duration::from_millis(200);
    for w in times.windows(2) {
        let gap = w[1] - w[0];
        assert!(
            gap >= Duration::from_millis(400) - allowance,
            "requests only {gap:?} apart"
        );
    }
    let span = times[3] - times[0];
    assert!(
        span >= Duration::from_millis(3 * 400) - allowance,
        "four requests within {span:?}"
    );
}

#[test]
fn robots_txt_is_honoured_fetched_once_and_identifies_us() {
    let s = Server::start();
    s.route(
        "blog.robots.test",
        "/robots.txt",
        Reply::new(200).body(b"User-agent: *\nDisallow: /private\n\nUser-agent: backlinks\nDisallow: /no-backlinks\n"),
    );
    for p in ["/ok", "/private/page", "/no-backlinks"] {
        s.route("blog.robots.test", p, Reply::html(LINK));
    }
    let urls: Vec<String> = ["/ok", "/private/page", "/no-backlinks"]
        .iter()
        .map(|p| s.url("blog.robots.test", p))
        .collect();
    let base = ["--allow-private", "--delay", "0"];
    let r = audit_with(&s, &urls, &["blog.robots.test"], &base);
    let j = r.json();
    assert_eq!(page(&j, &urls[0])["status"], "live");
    // Our own group replaces the `*` group, as in Google's interpretation.
    assert_eq!(page(&j, &urls[1])["status"], "live");
    assert_eq!(page(&j, &urls[2])["status"], "skipped");
    assert_eq!(page(&j, &urls[2])["error"], "robots-disallowed");
    assert_eq!(s.hits("blog.robots.test", "/robots.txt").len(), 1);
    assert!(s.hits("blog.robots.test", "/no-backlinks").is_empty());
    let ua = &s.hits("blog.robots.test", "/ok")[0].user_agent;
    assert!(ua.starts_with("backlinks/"), "{ua}");

    let r = audit_with(
        &s,
        &urls[2..],
        &["blog.robots.test"],
        &[&base[..], &["--ignore-robots"]].concat(),
    );
    assert_eq!(page(&r.json(), &urls[2])["status"], "live");
}

#[test]
fn robots_5xx_means_disallow_and_4xx_means_allow() {
    let s = Server::start();
    s.route("down.robots.test", "/robots.txt", Reply::new(503));
    s.route("down.robots.test", "/p", Reply::html(LINK));
    s.route("none.robots.test", "/p", Reply::html(LINK));
    let urls = [
        s.url("down.robots.test", "/p"),
        s.url("none.robots.test", "/p"),
    ];
    let r = audit_with(
        &s,
        &urls,
        &["down.robots.test", "none.robots.test"],
        &["--allow-private", "--delay", "0"],
    );
    let j = r.json();
    assert_eq!(page(&j, &urls[0])["error"], "robots-unavailable");
    assert_eq!(page(&j, &urls[1])["status"], "live");
}

#[test]
fn a_broken_connection_is_retried_but_a_refused_one_is_not() {
    use crate::support::Misbehave;
    let s = Server::start();
    s.route(
        "flaky.test",
        "/reset",
        Reply::hostile(Misbehave::Reset).then(Reply::html(LINK)),
    );
    let reset = s.url("flaky.test", "/reset");
    // Nothing listens on port 9 of 127.0.0.1: the connection is refused.
    let refused = "http://refused.test:9/p".to_string();
    let r = audit_with(
        &s,
        &[reset.clone(), refused.clone()],
        &["flaky.test"],
        &[
            "--allow-private",
            "--delay",
            "0",
            "--retry-wait",
            "10",
            "--resolve",
            "refused.test:9:127.0.0.1",
        ],
    );
    let j = r.json();
    assert_eq!(page(&j, &reset)["status"], "live", "{}", r.stderr);
    assert_eq!(s.hits("flaky.test", "/reset").len(), 2);
    assert_eq!(page(&j, &refused)["error"], "connection-failed");
}

#[test]
fn retries_503_honouring_retry_after_but_not_404() {
    let s = Server::start();
    s.route(
        "flaky.test",
        "/p",
        Reply::new(503)
            .header("retry-after", "1")
            .then(Reply::html(LINK)),
    );
    s.route("flaky.test", "/gone", Reply::new(404));
    let urls = [s.url("flaky.test", "/p"), s.url("flaky.test", "/gone")];
    let r = audit_with(
        &s,
        &urls,
        &["flaky.test"],
        &["--allow-private", "--delay", "0", "--retry-wait", "10"],
    );
    let j = r.json();
    assert_eq!(page(&j, &urls[0])["status"], "live");
    let hits = s.hits("flaky.test", "/p");
    assert_eq!(hits.len(), 2);
    assert!(
        hits[1].at - hits[0].at >= Duration::from_millis(950),
        "Retry-After was not honoured"
    );
    assert_eq!(
        s.hits("flaky.test", "/gone").len(),
        1,
        "a 404 is not retried"
    );
}

#[test]
fn private_addresses_are_refused_without_allow_private() {
    let s = Server::start();
    s.route("blog.referrer.test", "/p", Reply::html(LINK));
    s.route("127.0.0.1", "/p", Reply::html(LINK));
    let urls = [
        s.url("blog.referrer.test", "/p"),
        s.url("127.0.0.1", "/p"),
        s.url("[::ffff:127.0.0.1]", "/p"),
    ];
    let r = audit_with(&s, &urls, &["blog.referrer.test"], &["--delay", "0"]);
    // Every page was refused: the report is written, with the --allow-private hint and exit 2.
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--allow-private"), "{}", r.stderr);
    let j = r.json();
    for u in &urls {
        let url = url::Url::parse(u).unwrap().to_string();
        assert_eq!(page(&j, &url)["status"], "skipped", "{u}");
        assert_eq!(page(&j, &url)["error"], "private-address", "{u}");
    }
    assert!(s.hits("blog.referrer.test", "/p").is_empty());
    assert!(s.hits("127.0.0.1", "/p").is_empty());
}

#[test]
fn every_redirect_hop_is_guarded() {
    let s = Server::start();
    // start.test may use a private address (--allow-private-host); its redirects may not.
    s.route(
        "start.test",
        "/to-ip",
        Reply::redirect(302, &s.url("127.0.0.1", "/p")),
    );
    s.route(
        "start.test",
        "/to-name",
        Reply::redirect(301, &s.url("internal.test", "/p")),
    );
    s.route("start.test", "/ok", Reply::html(LINK));
    s.route("127.0.0.1", "/p", Reply::html(LINK));
    s.route("internal.test", "/p", Reply::html(LINK));
    let urls = [
        s.url("start.test", "/to-ip"),
        s.url("start.test", "/to-name"),
        s.url("start.test", "/ok"),
    ];
    let r = audit_with(
        &s,
        &urls,
        &["start.test", "internal.test"],
        &["--delay", "0", "--allow-private-host", "start.test"],
    );
    let j = r.json();
    for u in &urls[..2] {
        assert_eq!(page(&j, u)["status"], "skipped", "{u}");
        assert_eq!(page(&j, u)["error"], "private-address", "{u}");
    }
    assert_eq!(page(&j, &urls[0])["final_url"], s.url("127.0.0.1", "/p"));
    assert_eq!(page(&j, &urls[2])["status"], "live");
    assert!(s.hits("127.0.0.1", "/p").is_empty());
    assert!(s.hits("internal.test", "/p").is_empty());
}

#[test]
fn redirect_loops_and_limits() {
    let s = Server::start();
    s.route("loop.test", "/a", Reply::redirect(302, "/b"));
    s.route("loop.test", "/b", Reply::redirect(302, "/a"));
    for i in 0..12 {
        s.route(
            "loop.test",
            &format!("/chain{i}"),
            Reply::redirect(301, &format!("/chain{}", i + 1)),
        );
    }
    s.route("loop.test", "/chain12", Reply::html(LINK));
    let urls = [
        s.url("loop.test", "/a"),
        s.url("loop.test", "/chain0"),
        s.url("loop.test", "/chain2"),
    ];
    let j = audit_with(
        &s,
        &urls,
        &["loop.test"],
        &["--allow-private", "--delay", "0"],
    )
    .json();
    assert_eq!(page(&j, &urls[0])["error"], "redirect-loop");
    assert_eq!(page(&j, &urls[1])["error"], "too-many-redirects");
    assert_eq!(
        page(&j, &urls[2])["status"],
        "live",
        "10 redirects are allowed"
    );
}

//! The hostile web (issue 10): pages that bomb, stall, loop, nest, flood, lie about their
//! type or charset, smuggle terminal escapes, or break HTTP itself. For each one the audit
//! finishes, reports the page with a specific code, leaves the other pages alone and stays
//! within a bounded amount of memory.

use crate::support::bombs::{brotli_gib, gzip_gib};
use crate::support::{Misbehave, Reply, Server, audit_cmd, backlinks, page, run_measured, write};
use std::time::Duration;

const LINK: &str = "<p>A fine article. <a href='https://example.com/'>Example</a></p>";

/// Peak memory allowed for a whole hostile run (the issue asks for well under 300 MB). Alone,
/// the run peaks at about 125 MiB in a debug build (the 50,000-link page's two parse trees are
/// most of it); with the rest of the suite running beside it, timing and allocator arenas add
/// up to about 100 MiB more. A bomb decoded in full would be a gibibyte.
const MAX_RSS_MIB: u64 = 256;

/// One hostile page: its host, path, what the server does, and what the report must say.
struct Case {
    host: &'static str,
    path: &'static str,
    reply: Reply,
    status: &'static str,
    error: Option<&'static str>,
}

fn case(
    host: &'static str,
    path: &'static str,
    reply: Reply,
    status: &'static str,
    error: Option<&'static str>,
) -> Case {
    Case {
        host,
        path,
        reply,
        status,
        error,
    }
}

fn html(status: u16, content_type: &str, body: &[u8]) -> Reply {
    Reply::new(status)
        .header("content-type", content_type)
        .body(body)
}

fn cases() -> Vec<Case> {
    let deep = format!(
        "<html><body>{}<a href='https://example.com/deep'>deep link</a></body></html>",
        "<div>".repeat(100_000)
    );
    let mut flood = String::from("<html><body><ul>");
    for i in 0..50_000 {
        flood.push_str(&format!(
            "<li><a href='https://site{i}.other.test/'>link {i}</a></li>"
        ));
    }
    flood.push_str("<li><a href='https://example.com/flood'>Example</a></li></ul></body></html>");
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n";
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let jpeg = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0";
    let bad_utf8 = b"<html><head><title>caf\xe9 \xff\xfe</title></head><body>\
        <p>Broken \xc3\x28 bytes <a href='https://example.com/utf8'>ok \xed\xa0\x80 link</a></p></body></html>";
    let nul = b"<html><head><title>t\0itle</title></head><body>\
        <p>nul\0 <a href='https://example.com/nul'>an\0chor</a></p></body></html>";
    // UTF-8 bytes declared as windows-1251: mojibake text, but the link is still found.
    let wrong = "<html><body><p>Café résumé <a href='https://example.com/charset'>Ссылка</a></p></body></html>";
    let escapes = "<html><head><title>\u{1b}[2J\u{1b}]0;pwned\u{7}Title\u{9b}31m</title></head>\
        <body><p><a href='https://example.com/esc'>\u{1b}[31mred\u{1b}[0m\u{7}\u{1b}]8;;https://evil.test/\u{1b}\\click</a></p></body></html>";
    let huge_header = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nx-junk: {}\r\ncontent-length: {}\r\n\r\n{LINK}",
        "a".repeat(200 * 1024),
        LINK.len()
    );
    let giant_header = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nx-junk: {}\r\n\r\n{LINK}",
        "a".repeat(1024 * 1024),
    );
    vec![
        case(
            "gzip.bomb.test",
            "/",
            html(200, "text/html", gzip_gib()).header("content-encoding", "gzip"),
            "unreachable",
            Some("body-too-large"),
        ),
        case(
            "brotli.bomb.test",
            "/",
            html(200, "text/html", &brotli_gib()).header("content-encoding", "br"),
            "unreachable",
            Some("body-too-large"),
        ),
        case(
            "endless.test",
            "/",
            Reply::hostile(Misbehave::EndlessChunked(
                b"<p>more and more and more</p>".repeat(64),
            )),
            "unreachable",
            Some("body-too-large"),
        ),
        case(
            "slowloris.test",
            "/",
            Reply::html(LINK).trickle(Duration::from_secs(1)),
            "unreachable",
            Some("timeout"),
        ),
        case(
            "loop.hostile.test",
            "/a",
            Reply::redirect(302, "/b"),
            "unreachable",
            Some("redirect-loop"),
        ),
        case(
            "loop.hostile.test",
            "/b",
            Reply::redirect(302, "/a"),
            "unreachable",
            Some("redirect-loop"),
        ),
        case("deep.test", "/", Reply::html(&deep), "live", None),
        case("flood.test", "/", Reply::html(&flood), "live", None),
        case(
            "pdf-as-html.test",
            "/",
            html(200, "text/html; charset=utf-8", pdf),
            "unreachable",
            Some("not-html"),
        ),
        case(
            "png-as-html.test",
            "/",
            html(200, "text/html", png),
            "unreachable",
            Some("not-html"),
        ),
        case(
            "pdf.test",
            "/",
            html(200, "application/pdf", pdf),
            "unreachable",
            Some("not-html"),
        ),
        case(
            "jpeg-untyped.test",
            "/",
            Reply::new(200).body(jpeg),
            "unreachable",
            Some("not-html"),
        ),
        case(
            "bad-utf8.test",
            "/",
            html(200, "text/html; charset=utf-8", bad_utf8),
            "live",
            None,
        ),
        case(
            "nul.test",
            "/",
            html(200, "text/html; charset=utf-8", nul),
            "live",
            None,
        ),
        case(
            "wrong-charset.test",
            "/",
            html(200, "text/html; charset=windows-1251", wrong.as_bytes()),
            "live",
            None,
        ),
        case(
            "escapes.test",
            "/",
            html(200, "text/html; charset=utf-8", escapes.as_bytes()),
            "live",
            None,
        ),
        case(
            "reset.test",
            "/",
            Reply::hostile(Misbehave::Reset),
            "unreachable",
            Some("connection-failed"),
        ),
        case(
            "huge-header.test",
            "/",
            Reply::raw(huge_header.as_bytes()),
            "live",
            None,
        ),
        case(
            "giant-header.test",
            "/",
            Reply::raw(giant_header.as_bytes()),
            "unreachable",
            Some("protocol-error"),
        ),
        case(
            "bogus-status.test",
            "/",
            Reply::raw(b"HTTP/1.1 two-hundred OK\r\ncontent-length: 0\r\n\r\n"),
            "unreachable",
            Some("protocol-error"),
        ),
        case(
            "garbage.test",
            "/",
            Reply::raw(b"\x00\x01\x02\x03 this is not HTTP\r\n\r\n"),
            "unreachable",
            Some("protocol-error"),
        ),
        case(
            "status-999.test",
            "/",
            html(999, "text/html", LINK.as_bytes()),
            "unreachable",
            Some("http-error"),
        ),
        case(
            "empty.test",
            "/",
            html(200, "text/html", b""),
            "unreachable",
            Some("empty-body"),
        ),
        case("fine.test", "/", Reply::html(LINK), "live", None),
    ]
}

/// The audit command over `urls` with every `.test` host of `hosts` pinned to the server and
/// short limits, so the whole hostile suite runs in seconds.
fn audit(
    dir: &std::path::Path,
    server: &Server,
    urls: &[String],
    hosts: &[&str],
    extra: &[&str],
) -> std::process::Command {
    let list = write(dir, "links.txt", &urls.join("\n"));
    let mut cmd = audit_cmd();
    cmd.arg("--from").arg(&list).args([
        "--allow-private",
        "--target-pages",
        "0",
        "--delay",
        "0",
        "--retries",
        "0",
        "--timeout",
        "3",
        // The 50,000-link page is 3.5 MB.
        "--max-body",
        "4M",
        "--concurrency",
        "64",
        "--per-host",
        "4",
    ]);
    let mut pinned: Vec<&str> = hosts.to_vec();
    pinned.sort_unstable();
    pinned.dedup();
    cmd.args(server.pins(&pinned)).args(extra);
    cmd
}

#[test]
fn every_hostile_page_gets_a_specific_code_in_one_bounded_run() {
    let s = Server::start();
    let cases = cases();
    for c in &cases {
        s.route(c.host, c.path, c.reply.clone());
    }
    let urls: Vec<String> = cases
        .iter()
        .filter(|c| c.path != "/b")
        .map(|c| s.url(c.host, c.path))
        .collect();
    let hosts: Vec<&str> = cases.iter().map(|c| c.host).collect();
    let dir = tempfile::tempdir().unwrap();
    let m = run_measured(
        &mut audit(dir.path(), &s, &urls, &hosts, &[]),
        Duration::from_secs(120),
    );
    let r = &m.run;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let wrong: Vec<String> = cases
        .iter()
        .filter(|c| c.path != "/b")
        .filter_map(|c| {
            let url = s.url(c.host, c.path);
            let p = page(&j, &url);
            let got = (p["status"].as_str(), p["error"].as_str());
            (got != (Some(c.status), c.error))
                .then(|| format!("{url}: want {:?}, got {got:?}", (c.status, c.error)))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let peak = m.peak_rss_kib / 1024;
    assert!(
        peak < MAX_RSS_MIB,
        "peak memory {peak} MiB (limit {MAX_RSS_MIB} MiB)"
    );

    // What the survivors say.
    let links = |host: &str| page(&j, &s.url(host, "/"))["links"].clone();
    assert_eq!(
        links("deep.test")[0]["target_url"],
        "https://example.com/deep"
    );
    assert_eq!(links("flood.test").as_array().unwrap().len(), 1);
    assert_eq!(
        links("bad-utf8.test")[0]["anchor_text"],
        "ok \u{fffd}\u{fffd}\u{fffd} link"
    );
    assert_eq!(
        links("nul.test")[0]["target_url"],
        "https://example.com/nul"
    );
    assert_eq!(
        links("wrong-charset.test")[0]["target_url"],
        "https://example.com/charset"
    );
    assert_eq!(page(&j, &s.url("status-999.test", "/"))["http_status"], 999);
    let bomb = page(&j, &s.url("gzip.bomb.test", "/"));
    assert_eq!(bomb["http_status"], 200);
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "hostile run: peak {peak} MiB");
}

/// Control characters a terminal acts on, and characters that reorder or hide text (bidi
/// overrides and isolates, zero-width characters); reports may only hold line breaks.
fn controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| (c.is_control() && *c != '\n') || backlinks::report::sanitize::is_hidden(*c))
        .collect()
}

#[test]
fn terminal_escapes_in_titles_and_anchors_never_reach_the_output() {
    let s = Server::start();
    let hostile = "<html><head><title>\u{1b}[2J\u{1b}]0;pwned\u{7}Title\u{9b}31m</title></head>\
        <body><p><a href='https://example.com/esc' rel='=cmd|calc!a0 nofollow \u{1b}[2J'>=cmd|' /C calc'!A0\u{1b}[31mred\u{1b}[0m\u{7}\
        \u{1b}]8;;https://evil.test/\u{1b}\\click\u{85}\u{7f}&lt;script&gt;alert(1)&lt;/script&gt;\
        \u{202e}moc.elpmaxe\u{2066}x\u{2069}\u{200b}\u{feff}</a></p></body></html>";
    s.route("escapes.test", "/", Reply::html(hostile));
    let url = s.url("escapes.test", "/");
    let dir = tempfile::tempdir().unwrap();
    for format in ["table", "csv", "json", "markdown", "html"] {
        let mut cmd = audit(
            dir.path(),
            &s,
            std::slice::from_ref(&url),
            &["escapes.test"],
            &[],
        );
        cmd.args(["--format", format]);
        let r = crate::support::run(&mut cmd);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            controls(&r.stdout),
            [] as [char; 0],
            "{format}: {}",
            r.stdout
        );
        assert_eq!(
            controls(&r.stderr),
            [] as [char; 0],
            "{format}: {}",
            r.stderr
        );
        match format {
            "csv" => {
                assert!(r.stdout.contains(",'=cmd|"), "{}", r.stdout);
                // No cell a spreadsheet would evaluate: the anchor and the rel value alike.
                let mut rows = csv::Reader::from_reader(r.stdout.as_bytes());
                for row in rows.records() {
                    for cell in row.unwrap().iter() {
                        assert!(
                            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                            "formula cell {cell:?}"
                        );
                    }
                }
            }
            "json" => {
                // Escaped, not lost: the JSON still says exactly what the page said.
                let j = r.json();
                let p = page(&j, &url);
                assert_eq!(p["title"], "\u{1b}[2J\u{1b}]0;pwned\u{7}Title\u{9b}31m");
                assert!(
                    p["links"][0]["anchor_text"]
                        .as_str()
                        .unwrap()
                        .contains("\u{1b}[31mred")
                );
                // Bidi and zero-width characters too, written as escapes.
                assert!(
                    p["links"][0]["anchor_text"]
                        .as_str()
                        .unwrap()
                        .contains("\u{202e}moc.elpmaxe\u{2066}")
                );
                assert!(r.stdout.contains("\\u202e"), "{}", r.stdout);
            }
            "table" => {
                assert!(r.stdout.contains("[31mred"), "{}", r.stdout);
                assert!(r.stdout.contains("=cmd|calc!a0 nofollow"), "{}", r.stdout);
            }
            // Markup is escaped: page text never becomes an element of the report.
            _ => assert!(!r.stdout.contains("<script>alert(1)"), "{}", r.stdout),
        }
    }
    // The diff of two stored audits, in every format: the hostile link is new.
    let db = dir.path().join("h.sqlite3");
    s.route("escapes.test", "/before", Reply::html(LINK));
    for path in ["/before", "/"] {
        let mut cmd = audit(
            dir.path(),
            &s,
            &[s.url("escapes.test", path)],
            &["escapes.test"],
            &[],
        );
        cmd.arg("--db").arg(&db);
        let r = crate::support::run(&mut cmd);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    for format in ["table", "csv", "json", "markdown", "html"] {
        let r = crate::support::run(
            backlinks()
                .args(["diff", "example.com", "--format", format, "--db"])
                .arg(&db),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("escapes.test"), "{format}: {}", r.stdout);
        assert_eq!(
            controls(&r.stdout),
            [] as [char; 0],
            "diff {format}: {}",
            r.stdout
        );
        if format == "csv" {
            assert!(
                r.stdout.contains(",'=cmd|calc!a0 nofollow [2j,"),
                "{}",
                r.stdout
            );
        }
    }
    // `inspect` prints page text too.
    let file = write(dir.path(), "escapes.html", hostile);
    for format in ["json", "table"] {
        let r = crate::support::run(
            backlinks()
                .arg("inspect")
                .arg(&file)
                .args(["--format", format]),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            controls(&r.stdout),
            [] as [char; 0],
            "{format}: {}",
            r.stdout
        );
        if format == "table" {
            assert!(
                r.stdout.contains("=cmd|calc!a0 nofollow [2j"),
                "{}",
                r.stdout
            );
        }
    }
}

#[test]
fn robots_txt_values_of_any_size_never_end_the_audit() {
    let s = Server::start();
    // Crawl-delay: 1e30 used to panic in Duration::from_secs_f32 and end the whole audit.
    s.route(
        "delay.test",
        "/robots.txt",
        Reply::new(200).body(b"User-agent: *\nCrawl-delay: 1e30\nAllow: /\n"),
    );
    s.route("delay.test", "/", Reply::html(LINK));
    // A 503 with a Retry-After no integer type holds: the answer is reported, not retried for
    // ever and not a crash.
    s.route(
        "retry.test",
        "/",
        Reply::new(503).header("retry-after", &"9".repeat(40)),
    );
    // robots.txt over 500 KiB: cut there, so the rules before the cut still apply. The page
    // it disallows used to be fetched (a file over the limit was ignored whole).
    let mut big = b"User-agent: *\nDisallow: /private\n".to_vec();
    while big.len() < 600 * 1024 {
        big.extend(b"# padding padding padding padding padding padding padding padding\n");
    }
    big.extend(b"Allow: /private\n");
    s.route("big-robots.test", "/robots.txt", Reply::new(200).body(&big));
    s.route("big-robots.test", "/private", Reply::html(LINK));
    s.route("big-robots.test", "/public", Reply::html(LINK));
    let urls = [
        s.url("delay.test", "/"),
        s.url("retry.test", "/"),
        s.url("big-robots.test", "/private"),
        s.url("big-robots.test", "/public"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = audit(
        dir.path(),
        &s,
        &urls,
        &["delay.test", "retry.test", "big-robots.test"],
        &["--retries", "2"],
    );
    let r = crate::support::run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let got = |u: &str| {
        let p = page(&j, u);
        (p["status"].clone(), p["error"].clone())
    };
    assert_eq!(got(&urls[0]).0, "live");
    assert_eq!(got(&urls[1]), ("unreachable".into(), "http-error".into()));
    assert_eq!(
        s.hits("retry.test", "/").len(),
        1,
        "a wait beyond 60 s is not waited for"
    );
    assert_eq!(
        got(&urls[2]),
        ("skipped".into(), "robots-disallowed".into())
    );
    assert!(s.hits("big-robots.test", "/private").is_empty());
    assert_eq!(got(&urls[3]).0, "live");
}

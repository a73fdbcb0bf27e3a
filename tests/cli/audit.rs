//! `audit` end to end against the local server: what counts as a link, rel, charsets,
//! compression, redirects, HTTP errors, timeouts, output formats.

use crate::support::{Reply, Run, Server, audit_cmd, codes, page, run, write};
use std::time::Duration;

/// Runs `audit example.com` over the given page URLs, with every `.test` host used here
/// pinned to the server, and returns the run.
fn audit<S: AsRef<str>>(server: &Server, urls: &[S], extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<&str> = urls.iter().map(AsRef::as_ref).collect();
    let list = write(dir.path(), "links.txt", &lines.join("\n"));
    let mut cmd = audit_cmd();
    cmd.arg("--from")
        .arg(&list)
        .args(["--allow-private", "--delay", "0", "--retries", "0"])
        .args(server.pins(&HOSTS))
        .args(extra);
    run(&mut cmd)
}

const HOSTS: [&str; 6] = [
    "blog.referrer.test",
    "news.other.test",
    "www.example.com",
    "example.com",
    "shop.example.com",
    "slow.referrer.test",
];

fn links(report: &serde_json::Value, url: &str) -> Vec<serde_json::Value> {
    page(report, url)["links"].as_array().unwrap().clone()
}

#[test]
fn every_form_of_target_link_is_found_and_no_decoy() {
    let s = Server::start();
    let html = r#"<!doctype html><html><head><base href="https://www.example.com/base/"></head><body>
<p>Real links, in document order:
<a href="relative-to-base">one</a>
<a href="HTTPS://WWW.EXAMPLE.COM:8443/upper">two</a>
<a href="//shop.example.com/proto-relative">three</a>
<a href="http://example.com">four</a>
<area href="https://example.com/map" alt="five">
<a href="  https://blog.example.com/x  ">six</a>
<a href="ftp://example.com/file">seven</a>
</p>
<!-- <a href="https://example.com/commented">decoy</a> -->
<script>var s = '<a href="https://example.com/in-script">decoy</a>';</script>
<textarea><a href="https://example.com/in-textarea">decoy</a></textarea>
<template><a href="https://example.com/in-template">decoy</a></template>
<a href="https://example.com.evil.net/">decoy</a>
<a href="https://notexample.com/">decoy</a>
<a href="https://other.test/?u=https://example.com/">decoy</a>
<a href="mailto:hello@example.com">decoy</a>
<a href="javascript:void(0)">decoy</a>
<a>no href</a>
</body></html>"#;
    s.route("blog.referrer.test", "/post", Reply::html(html));
    let url = s.url("blog.referrer.test", "/post");
    let r = audit(&s, &[&url], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let got: Vec<String> = links(&j, &url)
        .iter()
        .map(|l| l["target_url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        got,
        [
            "https://www.example.com/base/relative-to-base",
            "https://www.example.com:8443/upper",
            "https://shop.example.com/proto-relative",
            "http://example.com/",
            "https://example.com/map",
            "https://blog.example.com/x",
            "ftp://example.com/file",
        ]
    );
    let l = links(&j, &url);
    assert_eq!(l[4]["anchor_text"], "five");
    assert_eq!(l[4]["anchor_type"], "image");
    assert_eq!(page(&j, &url)["status"], "live");
}

#[test]
fn anchor_text_rel_and_page_signals() {
    let s = Server::start();
    let html = r#"<html><head><meta name="ROBOTS" content="index, NoFollow"><title> A  &amp; B </title></head><body>
<a href="https://example.com/a" rel="NOFOLLOW">Fish &amp;   <b>Chips</b>
  &eacute;t&eacute;</a>
<a href="https://example.com/b" rel="ugc Sponsored noopener ugc"><img src="x.png" alt="Example logo"></a>
<a href="https://example.com/c" title="Title fallback"></a>
<a href="https://example.com/d" rel="external"></a>
</body></html>"#;
    s.route("blog.referrer.test", "/rel", Reply::html(html));
    let url = s.url("blog.referrer.test", "/rel");
    let r = audit(&s, &[&url], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let l = links(&j, &url);
    assert_eq!(l[0]["anchor_text"], "Fish & Chips été");
    assert_eq!(l[0]["rel"], serde_json::json!(["nofollow"]));
    assert_eq!(
        l[1]["rel"],
        serde_json::json!(["ugc", "sponsored", "noopener"])
    );
    assert_eq!(l[1]["anchor_text"], "Example logo");
    assert_eq!(l[1]["anchor_type"], "image");
    assert_eq!(l[2]["anchor_text"], "Title fallback");
    assert_eq!(l[3]["anchor_type"], "empty");
    // The page-level nofollow makes every link nofollow in the summary, with evidence.
    assert_eq!(j["summary"]["dofollow"], 0);
    assert_eq!(j["summary"]["nofollow"], 4);
    assert_eq!(j["summary"]["sponsored"], 1);
    assert_eq!(j["summary"]["ugc"], 1);
    let p = page(&j, &url);
    assert_eq!(p["title"], "A & B");
    assert_eq!(p["flags"][0]["code"], "page-nofollow");
    assert!(p["flags"][0]["evidence"].as_str().unwrap().contains("meta"));
    assert_eq!(l[3]["dofollow"], false);
}

#[test]
fn x_robots_tag_header_is_a_page_signal() {
    let s = Server::start();
    s.route(
        "blog.referrer.test",
        "/x",
        Reply::html(r#"<a href="https://example.com/">Example</a>"#)
            .header("x-robots-tag", "otherbot: noindex")
            .header("x-robots-tag", "noindex, nofollow"),
    );
    let url = s.url("blog.referrer.test", "/x");
    let j = audit(&s, &[&url], &[]).json();
    assert_eq!(
        codes(&page(&j, &url)["flags"]),
        ["noindex-page", "page-nofollow"]
    );
}

#[test]
fn windows_1252_and_gzip_pages_decode() {
    let s = Server::start();
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252
        .encode("<p>Caf\u{e9} \u{201c}quoted\u{201d}: <a href='https://example.com/'>R\u{e9}sum\u{e9} \u{2013} Example</a></p>");
    s.route(
        "blog.referrer.test",
        "/cp1252",
        Reply::new(200)
            .header("content-type", "text/html")
            .body(&[b"<meta charset=windows-1252>".as_slice(), &cp1252].concat()),
    );
    s.route(
        "news.other.test",
        "/gz",
        Reply::html("<p>compressed <a href='https://example.com/gz'>gzip link</a></p>").gzip(),
    );
    let a = s.url("blog.referrer.test", "/cp1252");
    let b = s.url("news.other.test", "/gz");
    let j = audit(&s, &[a.clone(), b.clone()], &[]).json();
    assert_eq!(links(&j, &a)[0]["anchor_text"], "Résumé – Example");
    assert!(
        links(&j, &a)[0]["context"]
            .as_str()
            .unwrap()
            .contains("Café “quoted”")
    );
    assert_eq!(links(&j, &b)[0]["anchor_text"], "gzip link");
}

#[test]
fn redirect_chains_are_followed_and_recorded() {
    let s = Server::start();
    s.route("blog.referrer.test", "/old", Reply::redirect(301, "/new"));
    let hop2 = s.url("news.other.test", "/hop2");
    s.route("blog.referrer.test", "/hop1", Reply::redirect(302, &hop2));
    s.route("news.other.test", "/hop2", Reply::redirect(301, "/final"));
    let page_html = Reply::html("<p><a href='https://example.com/'>Example</a></p>");
    s.route("blog.referrer.test", "/new", page_html.clone());
    s.route("news.other.test", "/final", page_html);
    let a = s.url("blog.referrer.test", "/old");
    let b = s.url("blog.referrer.test", "/hop1");
    let r = audit(&s, &[a.clone(), b.clone()], &[]);
    let j = r.json();
    let pa = page(&j, &a);
    assert_eq!(pa["status"], "live");
    assert_eq!(pa["final_url"], s.url("blog.referrer.test", "/new"));
    assert_eq!(pa["redirects"].as_array().unwrap().len(), 1);
    let pb = page(&j, &b);
    assert_eq!(pb["status"], "live");
    let hops: Vec<u64> = pb["redirects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_u64().unwrap())
        .collect();
    assert_eq!(hops, [302, 301]);
    assert_eq!(pb["final_url"], s.url("news.other.test", "/final"));
    assert_eq!(pb["redirects"][1]["url"], hop2);
}

#[test]
fn http_errors_timeouts_and_lost_links() {
    let s = Server::start();
    s.route("blog.referrer.test", "/404", Reply::new(404));
    s.route("blog.referrer.test", "/410", Reply::new(410));
    s.route(
        "blog.referrer.test",
        "/lost",
        Reply::html("<p><a href='https://other.test/'>x</a></p>"),
    );
    s.route(
        "slow.referrer.test",
        "/slow",
        Reply::html("<a href='https://example.com/'>late</a>").delay(Duration::from_secs(4)),
    );
    s.route(
        "blog.referrer.test",
        "/pdf",
        Reply::new(200)
            .header("content-type", "application/pdf")
            .body(b"%PDF-1.4"),
    );
    let urls: Vec<String> = [
        ("blog.referrer.test", "/404"),
        ("blog.referrer.test", "/410"),
        ("blog.referrer.test", "/lost"),
        ("slow.referrer.test", "/slow"),
        ("blog.referrer.test", "/pdf"),
    ]
    .iter()
    .map(|(h, p)| s.url(h, p))
    .collect();
    let r = audit(&s, &urls, &["--timeout", "1"]);
    // One page was read without the link: a lost link is verified evidence, so the run stands.
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let st = |u: &str| {
        let p = page(&j, u);
        (
            p["status"].as_str().unwrap().to_string(),
            p["http_status"].clone(),
            p["error"].clone(),
        )
    };
    assert_eq!(
        st(&urls[0]),
        ("unreachable".into(), 404.into(), "http-error".into())
    );
    assert_eq!(
        st(&urls[1]),
        ("unreachable".into(), 410.into(), "http-error".into())
    );
    assert_eq!(
        st(&urls[2]),
        ("lost".into(), 200.into(), serde_json::Value::Null)
    );
    assert_eq!(
        st(&urls[3]),
        (
            "unreachable".into(),
            serde_json::Value::Null,
            "timeout".into()
        )
    );
    assert_eq!(
        st(&urls[4]),
        ("unreachable".into(), 200.into(), "not-html".into())
    );
    assert_eq!(j["summary"]["unreachable"], 4);
    assert_eq!(j["summary"]["lost"], 1);
}

#[test]
fn output_is_deterministic_and_csv_is_formula_safe() {
    let s = Server::start();
    s.route(
        "blog.referrer.test",
        "/a",
        Reply::html("<p><a href='https://example.com/'>=HYPERLINK(\"http://evil.test\")</a> <a href='https://example.com/2'>\u{1b}[2Jclear</a></p>"),
    );
    s.route(
        "news.other.test",
        "/b",
        Reply::html("<p><a href='https://example.com/'>Example</a></p>"),
    );
    let urls = [
        s.url("news.other.test", "/b"),
        s.url("blog.referrer.test", "/a"),
    ];
    // Everything but the time and where the (differently ordered) input lists were.
    let strip = |r: Run| {
        let mut j = r.json();
        j["generated_at"] = serde_json::Value::Null;
        for p in j["pages"].as_array_mut().unwrap() {
            p["sources"] = serde_json::Value::Null;
            p["provenance"] = serde_json::Value::Null;
        }
        j
    };
    let one = strip(audit(&s, &urls, &[]));
    let two = strip(audit(
        &s,
        &[urls[1].clone(), urls[0].clone()],
        &["--concurrency", "1"],
    ));
    assert_eq!(one, two);
    let sources: Vec<&str> = one["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["source_url"].as_str().unwrap())
        .collect();
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted);

    let csv = audit(&s, &urls, &["--format", "csv"]);
    assert!(csv.stdout.contains("'=HYPERLINK"), "{}", csv.stdout);
    let table = audit(&s, &urls, &["--format", "table"]);
    assert!(
        !table.stdout.contains('\u{1b}'),
        "escape sequence reached the terminal"
    );
    assert!(table.stdout.contains("[2Jclear"));
}

#[test]
fn report_file_is_written_atomically() {
    let s = Server::start();
    s.route(
        "blog.referrer.test",
        "/a",
        Reply::html("<a href='https://example.com/'>Example</a>"),
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let url = s.url("blog.referrer.test", "/a");
    let r = audit(&s, &[&url], &["-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(j["summary"]["live"], 1);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");

    let missing = dir.path().join("no/such/dir/report.json");
    let r = audit(&s, &[url], &["-o", missing.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    assert!(!missing.exists());
}

#[test]
fn decompression_bomb_stops_at_the_body_cap() {
    let s = Server::start();
    // 64 MiB of zeros compress to about 64 KiB; the cap applies after decompression.
    let zeros = vec![0u8; 64 << 20];
    s.route(
        "blog.referrer.test",
        "/bomb",
        Reply::new(200)
            .header("content-type", "text/html")
            .body(&zeros)
            .gzip(),
    );
    s.route(
        "news.other.test",
        "/fine",
        Reply::html("<a href='https://example.com/'>Example</a>"),
    );
    let urls = [
        s.url("blog.referrer.test", "/bomb"),
        s.url("news.other.test", "/fine"),
    ];
    let r = audit(&s, &urls, &["--max-body", "1M"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let bomb = page(&j, &urls[0]);
    assert_eq!(bomb["status"], "unreachable");
    assert_eq!(bomb["error"], "body-too-large");
    assert_eq!(
        page(&j, &urls[1])["status"],
        "live",
        "other pages are unaffected"
    );
}

//! The bundled sample (`fixtures/sample/`): its WARC archive is generated from the hand-made
//! pages and `manifest.tsv`, and the README's first command must audit it correctly.

use crate::support::{backlinks, codes, fixture, page, run};
use std::io::Write;

/// Builds `sample.warc.gz` from the manifest: a warcinfo record, then one response record
/// per line, each in its own gzip member (as Common Crawl writes them). Fixed record IDs and
/// dates keep the output byte-for-byte reproducible.
fn build_sample_warc() -> Vec<u8> {
    let manifest = std::fs::read_to_string(fixture("sample/manifest.tsv")).unwrap();
    let mut out = Vec::new();
    push_record(
        &mut out,
        0,
        "warcinfo",
        None,
        "application/warc-fields",
        b"software: backlinks sample fixture generator\r\nformat: WARC File Format 1.1\r\n",
    );
    let entries = manifest
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    for (i, line) in entries.enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        let [url, status, content_type, last] = cols[..] else {
            panic!("manifest line needs 4 tab-separated columns: {line}")
        };
        let status: u16 = status.parse().unwrap();
        let mut http = format!(
            "HTTP/1.1 {status} {}\r\n",
            if status < 300 {
                "OK"
            } else {
                "Moved Permanently"
            }
        );
        let body = if (300..400).contains(&status) {
            http.push_str(&format!("Location: {last}\r\n"));
            Vec::new()
        } else {
            std::fs::read(fixture(&format!("sample/{last}"))).unwrap()
        };
        if content_type != "-" {
            http.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        http.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut block = http.into_bytes();
        block.extend_from_slice(&body);
        push_record(
            &mut out,
            i + 1,
            "response",
            Some(url),
            "application/http;msgtype=response",
            &block,
        );
    }
    out
}

fn push_record(
    out: &mut Vec<u8>,
    n: usize,
    kind: &str,
    uri: Option<&str>,
    content_type: &str,
    block: &[u8],
) {
    let mut rec = Vec::new();
    write!(rec, "WARC/1.1\r\nWARC-Type: {kind}\r\n").unwrap();
    write!(
        rec,
        "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{n:012}>\r\n"
    )
    .unwrap();
    write!(rec, "WARC-Date: 2026-11-01T00:00:00Z\r\n").unwrap();
    if let Some(u) = uri {
        write!(rec, "WARC-Target-URI: {u}\r\n").unwrap();
    }
    write!(
        rec,
        "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .unwrap();
    rec.extend_from_slice(block);
    rec.extend_from_slice(b"\r\n\r\n");
    let mut gz = flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::best());
    gz.write_all(&rec).unwrap();
    out.extend(gz.finish().unwrap());
}

#[test]
fn archive_matches_manifest() {
    let built = build_sample_warc();
    let path = fixture("sample/sample.warc.gz");
    if std::env::var_os("BACKLINKS_REGENERATE_FIXTURES").is_some() {
        std::fs::write(&path, &built).unwrap();
    }
    let committed = std::fs::read(&path).expect("fixtures/sample/sample.warc.gz exists");
    assert!(
        committed == built,
        "fixtures/sample/sample.warc.gz is out of date with manifest.tsv and pages/; \
         regenerate with BACKLINKS_REGENERATE_FIXTURES=1 cargo test sample"
    );
}

/// The README's first command.
fn audit_sample(format: &str) -> crate::support::Run {
    run(backlinks().current_dir(crate::support::root()).args([
        "audit",
        "example.com",
        "--from",
        "fixtures/sample/links.txt",
        "--archive",
        "fixtures/sample/sample.warc.gz",
        "--keyword",
        "trail running shoes",
        "--no-store",
        "--format",
        format,
    ]))
}

#[test]
fn sample_audit_finds_every_case() {
    let r = audit_sample("json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["schema_version"], 1);
    assert_eq!(j["target"], "example.com");
    let s = &j["summary"];
    assert_eq!(s["referring_pages"], 7);
    assert_eq!(
        (
            s["live"].as_u64(),
            s["lost"].as_u64(),
            s["skipped"].as_u64()
        ),
        (Some(5), Some(1), Some(1))
    );

    // Blog post: two links in the editorial body, one branded and followed, one sponsored.
    let blog = page(&j, "https://blog.trailnotes.test/2026/best-trail-shoes");
    assert_eq!(blog["status"], "live");
    let links = blog["links"].as_array().unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0]["anchor_text"], "Example Outfitters");
    assert_eq!(links[0]["anchor_type"], "branded");
    assert_eq!(links[0]["placement"], "content");
    assert_eq!(links[1]["anchor_type"], "naked_url");
    assert_eq!(
        links[1]["rel"],
        serde_json::json!(["sponsored", "noopener"])
    );

    // The old URL redirects to the post inside the archive.
    let old = page(&j, "https://old.trailnotes.test/best-shoes");
    assert_eq!(old["status"], "live");
    assert_eq!(
        old["final_url"],
        "https://blog.trailnotes.test/2026/best-trail-shoes"
    );
    assert_eq!(old["redirects"][0]["status"], 301);

    // windows-1252 directory: footer link with an exact-match anchor, title decoded.
    let dir = page(&j, "https://www.outdoor-directory.test/sports/running/");
    assert_eq!(dir["title"], "Outdoor Directory – Running – Cafés & Clubs");
    assert_eq!(dir["links"][0]["placement"], "footer");
    assert_eq!(dir["links"][0]["anchor_type"], "exact_match");

    // Forum reply: comments, ugc + nofollow (upper-case in the markup).
    let forum = page(
        &j,
        "https://forum.hikers.test/t/which-trail-shoes-for-wet-rock/42",
    );
    assert_eq!(forum["links"][0]["placement"], "comments");
    assert_eq!(
        forum["links"][0]["rel"],
        serde_json::json!(["ugc", "nofollow"])
    );
    assert_eq!(forum["links"][0]["dofollow"], false);

    let lost = page(
        &j,
        "https://news.mountainweekly.test/2026/spring-gear-roundup",
    );
    assert_eq!(lost["status"], "lost");
    assert_eq!(lost["flags"][0]["code"], "link-lost");

    let spam = page(&j, "http://cheap-seo-links.xyz/links/page-7.html");
    assert_eq!(
        codes(&spam["links"][1]["flags"]),
        ["hidden-link", "link-farm", "spam-tld"]
    );
    assert_eq!(spam["links"][1]["toxicity"], 100);
    assert!(s["toxic"].as_u64().unwrap() >= 2);

    let gone = page(&j, "https://gone.hikingblog.test/2024/shoes");
    assert_eq!(gone["status"], "skipped");
    assert_eq!(gone["error"], "not-in-archive");
    crate::support::assert_null(gone, "final_url");
}

#[test]
fn sample_table_and_csv_render() {
    let t = audit_sample("table");
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert!(
        t.stdout.starts_with("backlinks audit of example.com"),
        "{}",
        t.stdout
    );
    assert!(t.stdout.contains("not-in-archive"));
    let c = audit_sample("csv");
    assert_eq!(c.code, 0);
    let mut rdr = csv::Reader::from_reader(c.stdout.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    // 8 links on 5 live pages, plus the lost and the skipped page.
    assert_eq!(rows.len(), 10);
}

//! `audit --from` with backlink tools' exports against the local server: provenance with the
//! vendors' claims, domain-level candidates, reconciliation findings, `--columns`.

use crate::support::{Reply, Run, Server, backlinks, codes, page, run, write};
use std::path::{Path, PathBuf};

const HOSTS: [&str; 3] = ["blog.referrer.test", "news.other.test", "example.com"];

fn audit(server: &Server, from: &[PathBuf], extra: &[&str]) -> Run {
    let mut cmd = backlinks();
    cmd.args([
        "audit",
        "example.com",
        "--allow-private",
        "--delay",
        "0",
        "--retries",
        "0",
    ]);
    for f in from {
        cmd.arg("--from").arg(f);
    }
    cmd.args(server.pins(&HOSTS)).args(extra);
    run(&mut cmd)
}

/// Writes `text` as Ahrefs does: UTF-16 LE with a BOM.
fn write_utf16(dir: &Path, name: &str, text: &str) -> PathBuf {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn exports_are_merged_with_provenance_and_reconciled_with_the_live_pages() {
    let s = Server::start();
    s.route(
        "blog.referrer.test",
        "/a",
        Reply::html("<article><p>Read <a href='https://example.com/' rel='nofollow'>Example</a> now.</p></article>"),
    );
    s.route(
        "news.other.test",
        "/b",
        Reply::html("<p>No link here any more.</p>"),
    );
    s.route(
        "news.other.test",
        "/c",
        Reply::html(
            "<article><p>See <a href='https://www.example.com/shoes'>the shoes</a>.</p></article>",
        ),
    );
    let (a, b, c) = (
        s.url("blog.referrer.test", "/a"),
        s.url("news.other.test", "/b"),
        s.url("news.other.test", "/c"),
    );
    let dir = tempfile::tempdir().unwrap();
    let ahrefs = write_utf16(
        dir.path(),
        "ahrefs.tsv",
        &format!(
            "Referring page title\tReferring page URL\tDomain rating\tUR\tTarget URL\tAnchor\tNofollow\tUGC\tSponsored\tFirst seen\tLast seen\tLost\n\
             A\t{a}\t54\t23\thttps://example.com/\tExample\tfalse\tfalse\tfalse\t2026-03-02 10:00:00\t2026-09-20 08:00:00\t\n\
             B\t{b}\t70\t30\thttps://example.com/reviews\tthis review\tfalse\tfalse\tfalse\t2025-11-01\t2026-09-01\t\n"
        ),
    );
    let semrush = write(
        dir.path(),
        "semrush.csv",
        &format!(
            "\u{feff}Page ascore,Source title,Source url,Target url,Anchor,Nofollow,Sponsored,Ugc,First seen,Last seen,New link,Lost link\n\
             38,C,{c},https://www.example.com/shoes,the shoes,FALSE,FALSE,FALSE,5/10/26,9/18/26,FALSE,FALSE\n\
             12,B,{b},https://example.com/reviews,this review,false,false,false,12/24/25,9/1/26,false,true\n"
        ),
    );
    let gsc = write(
        dir.path(),
        "gsc.csv",
        &format!("Linking page,Last crawled\n{a},Sep 15, 2026\n")
            .replace("Sep 15, 2026", "\"Sep 15, 2026\""),
    );
    let sites = write(
        dir.path(),
        "sites.csv",
        "Site,Linking pages,Target pages\nfarside.test,\"1,204\",3\nreferrer.test,2,1\n",
    );
    let inputs = [ahrefs, semrush, gsc, sites];
    let r = audit(&s, &inputs, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let (a, b, c) = (page(&j, &a), page(&j, &b), page(&j, &c));

    // Provenance: every listing with its format, line and the vendor's own claims.
    let prov = a["provenance"].as_array().unwrap();
    assert_eq!(prov.len(), 2);
    assert_eq!(prov[0]["format"], "ahrefs");
    assert_eq!(prov[0]["line"], 2);
    assert_eq!(prov[0]["anchor"], "Example");
    assert_eq!(prov[0]["nofollow"], false);
    assert_eq!(prov[0]["first_seen"], "2026-03-02");
    assert_eq!(prov[0]["metrics"]["ahrefs_dr"], 54.0);
    assert_eq!(prov[0]["metrics"]["ahrefs_ur"], 23.0);
    assert_eq!(prov[1]["format"], "gsc-links");
    assert_eq!(prov[1]["last_crawled"], "2026-09-15");
    let sources: Vec<&str> = a["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(sources.len(), 2);
    assert!(
        sources[0].ends_with("ahrefs.tsv") && sources[1].ends_with("gsc.csv"),
        "{sources:?}"
    );
    let semrush_prov = &c["provenance"][0];
    assert_eq!(semrush_prov["format"], "semrush-backlinks");
    assert_eq!(semrush_prov["first_seen"], "2026-05-10");
    assert_eq!(semrush_prov["metrics"]["semrush_page_ascore"], 38.0);

    // Reconciliation.
    assert_eq!(a["status"], "live");
    assert_eq!(codes(&a["flags"]), ["vendor-rel-mismatch"]);
    let ev = a["flags"][0]["evidence"].as_str().unwrap();
    assert!(
        ev.contains("ahrefs.tsv:2 says not nofollow; the live link has rel=\"nofollow\""),
        "{ev}"
    );
    assert_eq!(b["status"], "lost");
    assert_eq!(codes(&b["flags"]), ["link-lost", "vendor-link-missing"]);
    let ev = b["flags"][1]["evidence"].as_str().unwrap();
    assert!(
        ev.contains("ahrefs.tsv:3 reported a live link") && !ev.contains("semrush"),
        "{ev}"
    );
    assert_eq!(c["status"], "live");
    assert_eq!(codes(&c["flags"]), ["missing-from-gsc"]);

    // Domain-level candidates: listed, counted, never fetched.
    let dc = j["domain_candidates"].as_array().unwrap();
    let domains: Vec<(&str, u64)> = dc
        .iter()
        .map(|d| {
            (
                d["domain"].as_str().unwrap(),
                d["pages_audited"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(domains, [("farside.test", 0), ("referrer.test", 1)]);
    assert_eq!(dc[0]["linking_pages"], 1204);
    assert_eq!(dc[0]["provenance"][0]["format"], "gsc-top-linking-sites");
    assert_eq!(j["summary"]["domain_only"], 1);
    assert_eq!(j["summary"]["referring_pages"], 3);
    assert!(s.hits("farside.test", "/").is_empty());

    let r = audit(&s, &inputs, &["--format", "table"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("1 known only at domain level (GSC top linking sites): no page to fetch"),
        "{}",
        r.stdout
    );
}

#[test]
fn unknown_csv_stops_the_audit_and_columns_reads_it() {
    let s = Server::start();
    s.route(
        "blog.referrer.test",
        "/a",
        Reply::html("<p><a href='https://example.com/'>Example</a></p>"),
    );
    let url = s.url("blog.referrer.test", "/a");
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        dir.path(),
        "tool.csv",
        &format!("Referrer;Anchor phrase;Seen\n{url};Example;01/09/2026\n"),
    );
    let r = audit(&s, std::slice::from_ref(&csv), &["--format", "json"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("tool.csv:1: not a backlink export this tool recognises"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("header found: \"Referrer;Anchor phrase;Seen\""),
        "{}",
        r.stderr
    );
    assert!(s.hits("blog.referrer.test", "/a").is_empty());

    let r = audit(
        &s,
        &[csv],
        &[
            "--format",
            "json",
            "--columns",
            "url=Referrer,anchor=anchor-phrase,first_seen=3",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let p = page(&j, &url);
    assert_eq!(p["status"], "live");
    assert_eq!(p["provenance"][0]["format"], "columns");
    assert_eq!(p["provenance"][0]["anchor"], "Example");
    assert_eq!(p["provenance"][0]["first_seen"], "2026-09-01");
}

#[test]
fn an_old_json_report_seeds_a_new_audit() {
    let s = Server::start();
    s.route(
        "blog.referrer.test",
        "/a",
        Reply::html("<p><a href='https://example.com/'>Example</a></p>"),
    );
    let url = s.url("blog.referrer.test", "/a");
    let dir = tempfile::tempdir().unwrap();
    let list = write(dir.path(), "links.txt", &format!("{url}\n"));
    let mut cmd = backlinks();
    cmd.args([
        "audit",
        "example.com",
        "--allow-private",
        "--delay",
        "0",
        "--format",
        "json",
    ])
    .arg("--from")
    .arg(&list)
    .args(s.pins(&["blog.referrer.test"]));
    let old = run(&mut cmd);
    assert_eq!(old.code, 0, "{}", old.stderr);
    let old_path = write(dir.path(), "old.json", &old.stdout);
    let r = audit(&s, &[old_path], &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let p = page(&j, &url);
    assert_eq!(p["status"], "live");
    assert_eq!(p["provenance"][0]["format"], "backlinks-json");
    assert_eq!(p["provenance"][0]["anchor"], "Example");
    assert_eq!(p["provenance"][0]["lost"], false);
    assert!(p["provenance"][0]["line"].as_u64().unwrap() > 1);
    // Our own report is not a vendor: no reconciliation finding comes from it.
    assert!(codes(&p["flags"]).is_empty(), "{p}");
}

#[test]
fn explain_documents_the_reconciliation_codes() {
    for code in [
        "vendor-link-missing",
        "missing-from-gsc",
        "vendor-rel-mismatch",
    ] {
        let r = run(backlinks().args(["explain", code]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.starts_with(code) && r.stdout.contains("fires when:"),
            "{}",
            r.stdout
        );
    }
}

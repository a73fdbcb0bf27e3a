//! Hostile files (issue 10): property tests over every parser of user input — URL lists and
//! this tool's own JSON report (vendor exports have theirs next to the ingest code), WARC
//! archives, `backlinks.toml`, rank lists, disavow files, baseline reports, and the
//! `--resolve`, `--columns`, `--max-body` and `--proxy` arguments. Whatever the bytes: no panic, and either a result or an error that
//! names the file (and the line, for line-level errors). `fuzz/` has a cargo-fuzz target per
//! parser for longer runs (see docs/security.md).

use crate::support::{backlinks, run, write};
use backlinks::ingest::{IngestError, IngestOptions, read_candidates};
use proptest::prelude::*;
use std::path::Path;

/// Lines a URL list or a sloppy export may hold.
fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"https://blog.test/post".to_vec()),
        Just(b"http://www.example.com:8080/a?b=c#frag".to_vec()),
        Just(b"  https://news.test/x  ".to_vec()),
        Just(b"# a comment".to_vec()),
        Just(b"".to_vec()),
        Just(b"url".to_vec()),
        Just(b"ftp://files.test/".to_vec()),
        Just(b"not a url".to_vec()),
        Just(b"http://".to_vec()),
        Just(b"https://[::1/".to_vec()),
        Just(b"https://xn--nxasmq6b.test/".to_vec()),
        Just("https://b\u{fc}cher.test/\u{e9}t\u{e9}".as_bytes().to_vec()),
        Just(b"https://a.test/\x00nul".to_vec()),
        Just(b"\xef\xbb\xbfhttps://bom.test/".to_vec()),
        Just(b"https://a.test/\xff\xfe".to_vec()),
        Just(b"https://user:pw@creds.test/".to_vec()),
        Just(b"https://2130706433/".to_vec()),
        Just(b"a,b,c\r".to_vec()),
        Just(vec![b'h'; 70 * 1024]),
        proptest::collection::vec(any::<u8>(), 0..60),
        "[ -~]{0,80}".prop_map(String::into_bytes),
    ]
}

fn lines() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec(line(), 0..24),
        prop_oneof![Just(&b"\n"[..]), Just(&b"\r\n"[..]), Just(&b"\r"[..])],
    )
        .prop_map(|(lines, eol)| lines.join(eol))
}

/// Reads `bytes` as the input `name`: a result, or an error that names the file, with a
/// line number inside the file when it names one.
fn read_names_the_file(dir: &Path, name: &str, bytes: &[u8], skip_invalid: bool) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let opts = IngestOptions {
        skip_invalid,
        target: Some("example.com".into()),
        ..IngestOptions::default()
    };
    match read_candidates(&[path], &opts) {
        Ok(got) => {
            for w in &got.warnings {
                assert!(w.contains(name), "warning without the file: {w}");
            }
        }
        Err(e @ IngestError::InvalidLine { line, .. })
        | Err(e @ IngestError::Unrecognised { line, .. }) => {
            let count = bytes.split(|&b| b == b'\n').count() as u64;
            let msg = e.to_string();
            assert!(
                msg.starts_with(&format!("{}:{line}:", dir.join(name).display())),
                "{msg}"
            );
            assert!(
                line >= 1 && line <= count.max(1),
                "line {line} of {count}: {msg}"
            );
        }
        Err(e) => assert!(e.to_string().contains(name), "{e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn url_lists_read_or_fail_naming_file_and_line(bytes in lines(), skip in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        read_names_the_file(dir.path(), "links.txt", &bytes, skip);
    }

    #[test]
    fn own_json_reports_read_or_fail_naming_the_file(doc in report(), cut in any::<u16>(), truncate in any::<bool>()) {
        let mut bytes = doc.into_bytes();
        if truncate && !bytes.is_empty() {
            bytes.truncate(usize::from(cut) % bytes.len());
        }
        let dir = tempfile::tempdir().unwrap();
        read_names_the_file(dir.path(), "old-audit.json", &bytes, false);
    }

    #[test]
    fn warc_archives_open_or_fail_naming_the_file(bytes in warc()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pages.warc");
        std::fs::write(&path, &bytes).unwrap();
        match backlinks::crawl::archive::Archive::open(&path, None) {
            Ok(archive) => {
                // Every page the archive lists is found in it, as the answer recorded (the
                // list leaves out redirects, so none is followed).
                for u in archive.page_urls() {
                    let page = archive.fetch(&u, 10);
                    prop_assert_eq!(&page.url, &u);
                    prop_assert!(page.redirects.is_empty(), "{:?}", page.redirects);
                    prop_assert!(
                        !matches!(
                            page.outcome,
                            backlinks::model::FetchOutcome::Skipped(backlinks::model::SkipReason::NotInArchive)
                        ),
                        "{u} is listed but not found"
                    );
                }
            }
            Err(e) => prop_assert!(e.to_string().contains("pages.warc"), "{e}"),
        }
    }

    #[test]
    fn config_files_load_or_fail_naming_file_and_line(text in config()) {
        match backlinks::config::Config::parse(&text, "backlinks.toml") {
            Ok(c) => {
                // What is accepted is in range: points, thresholds and target pages.
                for r in backlinks::score::rules::ALL {
                    let s = c.scoring.rule(&r);
                    prop_assert!(s.points <= 100, "{}: {} points", r.code, s.points);
                    for t in r.thresholds {
                        let v = c.scoring.threshold(&r, t.key);
                        prop_assert!((t.min..=t.max).contains(&v), "{}.{} = {v}", r.code, t.key);
                    }
                }
                prop_assert!(c.relevance.target_pages <= 200);
                // The name is only for messages: the same text gives the same settings.
                prop_assert_eq!(backlinks::config::Config::parse(&text, "other.toml"), Ok(c));
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.starts_with("backlinks.toml"), "{msg}");
                if let Some(line) = e.line {
                    prop_assert!(line >= 1 && line <= text.lines().count().max(1) + 1, "{msg}\n{text}");
                }
            }
        }
    }

    #[test]
    fn arguments_parse_or_are_usage_errors(
        value in prop_oneof![
            "[ -~]{0,40}",
            "[a-z.]{1,12}:[0-9]{1,6}:[0-9a-f.:\\[\\]]{0,40}",
            "(url|anchor|target|rel|nofollow|first_seen|domain)=[A-Za-z0-9 ]{0,12}(,[a-z_]{0,10}=[0-9]{0,3}){0,4}",
            "[0-9]{0,25}[kKmMgG]?",
            "(http|https|socks5|)://?[a-z0-9.]{0,12}(:[0-9]{0,6})?",
        ],
        flag in prop_oneof![Just("--resolve"), Just("--columns"), Just("--max-body"), Just("--proxy"), Just("--timeout")],
    ) {
        use clap::Parser;
        let args = ["backlinks", "audit", "example.com", "--from", "x.txt", flag, &value];
        if let Err(e) = backlinks::cli::Cli::try_parse_from(args) {
            // clap exits with 2 on a usage error: the contract's "bad arguments".
            prop_assert_eq!(e.exit_code(), 2, "{}", e);
        }
        // What parses shows in a form that parses back to the same value.
        if let Ok(pin) = value.parse::<backlinks::crawl::ResolvePin>() {
            prop_assert_eq!(pin.to_string().parse::<backlinks::crawl::ResolvePin>(), Ok(pin));
        }
        if let Ok(map) = value.parse::<backlinks::ingest::ColumnMap>() {
            prop_assert_eq!(map.to_string().parse::<backlinks::ingest::ColumnMap>(), Ok(map));
        }
    }
}

/// Lines of a disavow file, good and hostile.
fn disavow() -> impl Strategy<Value = Vec<u8>> {
    const LINES: [&str; 16] = [
        "# comment",
        "domain:spam.test",
        "domain:SPAM.test.",
        "domain:",
        "domain:*.spam.test",
        "domain:https://spam.test/",
        "https://spam.test/page",
        "http://spam.test/page#frag",
        "ftp://spam.test/",
        "spam.test/page",
        "  https://padded.test/  ",
        "domain:xn--nxasmq6b.test",
        "domain:b\u{fc}cher.test",
        "\u{feff}domain:bom.test",
        "",
        "\t",
    ];
    (
        proptest::collection::vec(
            prop_oneof![
                8 => proptest::sample::select(&LINES[..]).prop_map(|l| l.as_bytes().to_vec()),
                1 => proptest::collection::vec(any::<u8>(), 0..40),
                1 => Just(vec![b'x'; 3000]),
            ],
            0..30,
        ),
        prop_oneof![Just(&b"\n"[..]), Just(&b"\r\n"[..])],
    )
        .prop_map(|(lines, eol)| lines.join(eol))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn disavow_files_validate_parse_and_render_back(bytes in disavow()) {
        let report = backlinks::actions::disavow::validate::validate(&bytes, "disavow.txt");
        let lines = bytes.split(|&b| b == b'\n').count();
        for f in &report.findings {
            if let Some(line) = f.line {
                prop_assert!(line >= 1 && line <= lines, "line {line} of {lines}: {}", f.message);
            }
        }
        let parsed = backlinks::actions::disavow::DisavowFile::parse(&String::from_utf8_lossy(&bytes));
        prop_assert!(parsed.lines.len() <= lines);
        // The rendered file reads back as itself: every line, comment and blank kept.
        let rendered = parsed.render();
        let again = backlinks::actions::disavow::DisavowFile::parse(&rendered);
        prop_assert_eq!(again.render(), rendered);
        prop_assert_eq!(again.entries().count(), parsed.entries().count());
        prop_assert_eq!(again.lines.len(), parsed.lines.len());
    }

    #[test]
    fn baselines_load_or_fail_naming_the_file(doc in report(), cut in any::<u16>(), truncate in any::<bool>()) {
        let mut bytes = doc.into_bytes();
        if truncate && !bytes.is_empty() {
            bytes.truncate(usize::from(cut) % bytes.len());
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, &bytes).unwrap();
        if let Err(e) = backlinks::store::baseline::load(&path, "example.com") {
            prop_assert!(e.to_string().contains("baseline.json"), "{e}");
        }
    }
}

/// JSON documents shaped like this tool's report, with hostile values.
fn report() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("\"https://blog.test/p\"".to_string()),
        Just("\"not a url\"".to_string()),
        Just("null".to_string()),
        Just("12".to_string()),
        Just("-1e999".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("\"\\u0000\\ud800\"".to_string()),
        Just("\"live\"".to_string()),
        "\"[ -~&&[^\"\\\\]]{0,20}\"",
    ];
    let field = (
        prop_oneof![
            Just("source_url"),
            Just("status"),
            Just("links"),
            Just("provenance"),
            Just("anchor_text"),
            Just("target_url"),
            Just("line"),
        ],
        value,
    )
        .prop_map(|(k, v)| format!("\"{k}\": {v}"));
    let page = proptest::collection::vec(field, 0..6).prop_map(|f| format!("{{{}}}", f.join(", ")));
    (proptest::collection::vec(page, 0..5), any::<bool>()).prop_map(|(pages, versioned)| {
        let version = if versioned { "\"schema_version\": 1, " } else { "" };
        format!(
            "{{{version}\"target\": \"example.com\", \"tool\": {{\"name\": \"backlinks\"}}, \"pages\": [{}]}}",
            pages.join(", ")
        )
    })
}

/// WARC files: well-formed records with hostile fields, mangled, or truncated.
fn warc() -> impl Strategy<Value = Vec<u8>> {
    let record = (
        prop_oneof![Just("response"), Just("request"), Just("warcinfo"), Just("bogus")],
        prop_oneof![
            Just(b"https://blog.test/p".to_vec()),
            Just(b"not a url".to_vec()),
            Just(Vec::new()),
            // Not UTF-8: the warc crate's header accessor panics on these.
            Just(b"https://blog.test/\xca\xd0\x9d".to_vec()),
            "[ -~]{0,30}".prop_map(String::into_bytes),
        ],
        prop_oneof![
            Just(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<a href='https://example.com/'>x</a>".to_vec()),
            Just(b"HTTP/1.1 301 Moved\r\nLocation: /elsewhere\r\n\r\n".to_vec()),
            Just(b"HTTP/1.1 999 ?\r\n\r\n".to_vec()),
            Just(b"garbage".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..80),
        ],
        prop_oneof![Just(0i64), Just(-3), Just(7), Just(1 << 40)],
    )
        .prop_map(|(kind, uri, block, skew)| {
            let len = (block.len() as i64 + skew).max(0);
            let mut r = format!("WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: ").into_bytes();
            r.extend(uri);
            r.extend(
                format!(
                    "\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n\
                     Content-Type: application/http; msgtype=response\r\n\
                     Content-Length: {len}\r\n\r\n"
                )
                .into_bytes(),
            );
            r.extend(block);
            r.extend(b"\r\n\r\n");
            r
        });
    (
        proptest::collection::vec(record, 0..4),
        any::<u16>(),
        any::<bool>(),
    )
        .prop_map(|(records, cut, truncate)| {
            let mut bytes = records.concat();
            if truncate && !bytes.is_empty() {
                bytes.truncate(usize::from(cut) % bytes.len());
            }
            bytes
        })
}

/// `backlinks.toml` files: known sections and keys with good and bad values, and noise.
fn config() -> impl Strategy<Value = String> {
    const LINES: [&str; 27] = [
        "[anchors]",
        "[relevance]",
        "[domains]",
        "[rules.link-farm]",
        "[rules.no-such-rule]",
        "[[rules]]",
        "brand = [\"Example\"]",
        "keywords = \"not a list\"",
        "topics = [1, 2]",
        "target-pages = 10",
        "target-pages = -1",
        "target-pages = 99999999999999999999",
        "language = \"en\"",
        "language = \"klingon\"",
        "allow = [\"partner.example.org\"]",
        "deny = [\"not a domain!\"]",
        "level = \"warn\"",
        "level = \"loud\"",
        "points = 40",
        "points = 1e9",
        "min-external-links = -5",
        "min-external-links = nan",
        "allow-domains = [\"x.test\", 3]",
        "unknown-key = true",
        "= broken",
        "key = \"unterminated",
        "\u{feff}",
    ];
    let key = prop_oneof![
        proptest::sample::select(&LINES[..]).prop_map(String::from),
        "[ -~]{0,30}",
    ];
    proptest::collection::vec(key, 0..16).prop_map(|lines| lines.join("\n"))
}

/// Covers issue 10 (found by `fuzz/` target `archive`): a response record whose target URI is
/// not UTF-8 made the WARC reader panic.
#[test]
fn r10_warc_record_with_a_non_utf8_uri_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let body =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<a href='https://example.com/'>x</a>";
    let mut warc = Vec::new();
    for uri in [&b"https://blog.test/\xca\xd0"[..], b"https://blog.test/ok"] {
        warc.extend(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: ");
        warc.extend(uri);
        warc.extend(
            format!(
                "\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n\
                 Content-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes(),
        );
        warc.extend(body);
        warc.extend(b"\r\n\r\n");
    }
    let path = dir.path().join("pages.warc");
    std::fs::write(&path, warc).unwrap();
    let archive = backlinks::crawl::archive::Archive::open(&path, None).unwrap();
    let urls: Vec<String> = archive.page_urls().iter().map(|u| u.to_string()).collect();
    assert_eq!(urls, ["https://blog.test/ok"]);
}

#[test]
fn rank_lists_import_or_fail_naming_file_and_line() {
    // Through the binary (the parser is private to the command): fewer cases, each a run.
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 24,
        ..ProptestConfig::default()
    });
    let rows = proptest::collection::vec(
        prop_oneof![
            Just("1,example.org".to_string()),
            Just("2,www.example.net".to_string()),
            Just("rank,domain".to_string()),
            Just("x,example.com".to_string()),
            Just("3".to_string()),
            Just("4,".to_string()),
            Just("-1,neg.test".to_string()),
            Just("99999999999999999999999,big.test".to_string()),
            Just("5\tcom.example\t3".to_string()),
            Just("6,bad domain!".to_string()),
            "[ -~]{0,30}",
        ],
        0..12,
    );
    runner
        .run(&rows, |rows| {
            let dir = tempfile::tempdir().unwrap();
            let file = write(dir.path(), "ranks.csv", &rows.join("\n"));
            let r = run(backlinks()
                .args(["authority", "import"])
                .arg(&file)
                .arg("--data-dir")
                .arg(dir.path().join("data")));
            prop_assert!(r.code == 0 || r.code == 2, "exit {}: {}", r.code, r.stderr);
            prop_assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
            if r.code == 2 {
                prop_assert!(r.stderr.contains("ranks.csv"), "{}", r.stderr);
            }
            Ok(())
        })
        .unwrap();
}

/// Tag soup from the constructs that stress an HTML parser: nesting, misnested formatting,
/// foreign content, raw text, tables, broken attributes.
fn soup() -> impl Strategy<Value = String> {
    const PIECES: [&str; 30] = [
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<b id=1>",
        "<b id=2>",
        "</b>",
        "<i>",
        "</i>",
        "<span>",
        "</span>",
        "<table>",
        "<tr>",
        "<td>",
        "</table>",
        "<svg>",
        "</svg>",
        "<math><mi>",
        "<script>",
        "</script>",
        "<style>",
        "<!--",
        "-->",
        "<template>",
        "</template>",
        "<a href='https://example.com/'>",
        "</a>",
        "<li>",
        "<x =\"",
        "text ",
    ];
    proptest::collection::vec(
        prop_oneof![
            9 => proptest::sample::select(&PIECES[..]).prop_map(String::from),
            1 => "[ -~]{0,8}",
        ],
        0..400,
    )
    .prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn html_files_never_panic_the_extractor(html in soup(), repeat in 1usize..40) {
        // Repeated, the soup reaches the nesting and formatting limits.
        let html = html.repeat(repeat);
        let guarded = backlinks_html::nesting::limit_nesting(&html);
        prop_assert!(guarded.len() <= html.len() + 64 * 16 * 8);
        // (The parser may clone an `<a>` that misnested blocks split, so links can outnumber
        // the tags.) What each link says is as documented: anchor text with its whitespace
        // collapsed, `rel` tokens lower case and de-duplicated.
        let found = backlinks::extract::analyze(&html, None, &[], backlinks::extract::LinkFilter::All);
        for l in &found.links {
            let collapsed = l.anchor_text.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(&l.anchor_text, &collapsed);
            let mut rel = l.rel.clone();
            rel.sort();
            rel.dedup();
            prop_assert_eq!(rel.len(), l.rel.len(), "{:?}", l.rel);
            prop_assert!(l.rel.iter().all(|t| *t == t.to_ascii_lowercase()), "{:?}", l.rel);
        }
        // Only links to the target are kept when it is given.
        let target = backlinks::model::Target::parse("example.com").unwrap();
        let to_target = backlinks::extract::analyze(&html, None, &[], backlinks::extract::LinkFilter::Target(&target));
        prop_assert!(to_target.links.len() <= found.links.len());
        for l in &to_target.links {
            let host = url::Url::parse(&l.href).ok().and_then(|u| u.host_str().map(str::to_string));
            prop_assert!(host.is_some_and(|h| target.matches_host(&h)), "{}", l.href);
        }
    }
}

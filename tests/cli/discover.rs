//! `backlinks discover wat` end to end on generated WAT files (issue 20, tier 3): links to
//! every host of the target, relative links and `<base href>`, rel, the target's own pages,
//! damaged records and a truncated gzip member counted, several inputs in parallel, downloads
//! from a server on 127.0.0.1 (resumed after a lost connection), unreadable inputs, and the
//! result read back by `sources` and `audit --from` against live pages. The Spark driver of
//! `contrib/spark/` is checked against the same command when pyspark and Java are installed.

use crate::support::wat::{self, Capture, Link};
use crate::support::{Reply, Server, audit_cmd, backlinks, codes, page, run};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const DATE: &str = "2025-02-07T15:43:21Z";

/// A WAT file of the tests' usual captures, and what its damaged parts are.
fn sample(crawl: &str) -> Vec<u8> {
    let mut base = Capture::new(
        "https://docs.partner.test/guide/intro",
        DATE,
        vec![
            Link::a("../setup", "Set up"),
            Link::a("pricing", "Pricing page"),
        ],
    );
    base.base = Some("https://www.example.com/docs/".into());
    let records = vec![
        wat::warcinfo(
            "CC-MAIN-20250207154122-20250207184122-00000.warc.wat.gz",
            crawl,
        ),
        wat::request("https://news.alpha.test/story", DATE),
        wat::capture(&Capture::new(
            "https://news.alpha.test/story",
            DATE,
            vec![
                Link::a("https://example.com/", "Example"),
                Link::a(
                    "https://www.example.com/pricing#plans",
                    "  best\n  pricing ",
                ),
                Link::a("https://blog.example.com/post", "a post").rel("nofollow ugc"),
                Link::a("https://example.com/", "Example again"),
                Link::a("https://notexample.com/", "look-alike"),
                Link::a("https://example.com.evil.test/", "look-alike 2"),
                Link {
                    path: "IMG@/src",
                    url: "https://example.com/logo.png".into(),
                    text: None,
                    rel: None,
                },
            ],
        )),
        wat::capture(&base),
        wat::capture(&Capture::new(
            "http://forum.beta.test/thread?id=7",
            DATE,
            vec![Link::a("//shop.example.com/deal", "=cheap deal").rel("sponsored")],
        )),
        // The target's own page: internal links.
        wat::capture(&Capture::new(
            "https://www.example.com/about",
            DATE,
            vec![Link::a("/", "Home")],
        )),
        wat::record(
            "metadata",
            Some("https://broken.test/"),
            DATE,
            b"{\"Envelope\": {\"Payload-Metadata\": ",
        ),
        wat::capture(&Capture::new(
            "https://nolinks.gamma.test/",
            DATE,
            vec![Link::a("https://other.test/", "elsewhere")],
        )),
    ];
    wat::file(&records)
}

/// A truncated gzip member at the end: half of one more capture.
fn truncated(mut file: Vec<u8>) -> Vec<u8> {
    let last = wat::gzip(&wat::capture(&Capture::new(
        "https://cut.delta.test/",
        DATE,
        vec![Link::a("https://example.com/cut", "cut")],
    )));
    file.extend_from_slice(&last[..last.len() / 2]);
    file
}

fn crawl_path(dir: &Path, crawl: &str, name: &str, bytes: &[u8]) -> PathBuf {
    let d = dir
        .join("crawl-data")
        .join(crawl)
        .join("segments/1738000000000.0/wat");
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn discover(args: &[&str]) -> crate::support::Run {
    let mut cmd = backlinks();
    cmd.args(["discover", "wat", "--no-progress"]).args(args);
    run(&mut cmd)
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn finds_links_to_every_host_of_the_target_and_counts_what_it_skips() {
    let dir = tempfile::tempdir().unwrap();
    let f = crawl_path(
        dir.path(),
        "CC-MAIN-2025-08",
        "CC-MAIN-20250207154122-20250207184122-00000.warc.wat.gz",
        &truncated(sample("CC-MAIN-2025-08")),
    );
    let out = dir.path().join("cc.csv");
    let r = discover(&[
        "example.com",
        f.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let rows = csv_rows(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(
        rows[0],
        [
            "source_url",
            "target_url",
            "anchor_text",
            "rel",
            "captured_at",
            "crawl",
            "wat_file",
            "wat_record_offset"
        ]
    );
    let got: Vec<(&str, &str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "http://forum.beta.test/thread?id=7",
                "http://shop.example.com/deal",
                "'=cheap deal",
                "sponsored"
            ),
            (
                "https://docs.partner.test/guide/intro",
                "https://www.example.com/docs/pricing",
                "Pricing page",
                ""
            ),
            (
                "https://docs.partner.test/guide/intro",
                "https://www.example.com/setup",
                "Set up",
                ""
            ),
            (
                "https://news.alpha.test/story",
                "https://blog.example.com/post",
                "a post",
                "nofollow ugc"
            ),
            (
                "https://news.alpha.test/story",
                "https://example.com/",
                "Example",
                ""
            ),
            (
                "https://news.alpha.test/story",
                "https://www.example.com/pricing",
                "best pricing",
                ""
            ),
        ]
    );
    for row in &rows[1..] {
        assert_eq!(row[4], DATE);
        assert_eq!(row[5], "CC-MAIN-2025-08");
        assert_eq!(row[6], f.to_str().unwrap());
    }
    // The offset is where the record's gzip member starts: it decompresses on its own.
    let bytes = std::fs::read(&f).unwrap();
    let news = rows
        .iter()
        .find(|r| r[0] == "https://news.alpha.test/story")
        .unwrap();
    let at: usize = news[7].parse().unwrap();
    let mut member = String::new();
    flate2::read::GzDecoder::new(&bytes[at..])
        .read_to_string(&mut member)
        .unwrap();
    assert!(
        member.starts_with("WARC/1.0\r\nWARC-Type: metadata\r\n"),
        "{member}"
    );
    assert!(member.contains("news.alpha.test/story"));

    let e = &r.stderr;
    assert!(
        e.contains("6 links to example.com from 3 referring pages"),
        "{e}"
    );
    assert!(e.contains("1 metadata records with malformed JSON"), "{e}");
    assert!(e.contains("1 truncated gzip members"), "{e}");
    assert!(e.contains("1 captures of the target's own pages"), "{e}");
    assert!(
        e.contains("2 damaged records or gzip members were skipped"),
        "{e}"
    );

    // The same as JSON Lines on standard output, with the counts in a last line.
    let r = discover(&["example.com", f.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[3]["rel"], serde_json::json!(["nofollow", "ugc"]));
    assert_eq!(lines[0]["anchor_text"], "=cheap deal");
    let s = &lines[6]["summary"];
    assert_eq!(s["inputs"], 1);
    assert_eq!(s["malformed_json"], 1);
    assert_eq!(s["truncated_members"], 1);
    assert_eq!(s["own_pages"], 1);
    assert_eq!(s["linking_pages"], 3);
    // warcinfo, request, 5 captures, the malformed one.
    assert_eq!(s["records"], 8);
    assert_eq!(s["metadata_records"], 7);
    assert_eq!(s["bytes"], bytes.len());
}

#[test]
fn several_inputs_in_parallel_keep_the_earliest_capture_of_each_link() {
    let dir = tempfile::tempdir().unwrap();
    let page = |date: &str, anchor: &str| {
        wat::file(&[wat::capture(&Capture::new(
            "https://news.alpha.test/story",
            date,
            vec![Link::a("https://example.com/", anchor)],
        ))])
    };
    let later = crawl_path(
        dir.path(),
        "CC-MAIN-2025-13",
        "b.warc.wat.gz",
        &page("2025-03-20T10:00:00Z", "later"),
    );
    let earlier = crawl_path(
        dir.path(),
        "CC-MAIN-2025-08",
        "a.warc.wat.gz",
        &page("2025-02-10T10:00:00Z", "earlier"),
    );
    // A plain (uncompressed) file, without a crawl in its name or a warcinfo record.
    let plain = dir.path().join("plain.wat");
    std::fs::write(
        &plain,
        wat::capture(&Capture::new(
            "https://blog.beta.test/",
            DATE,
            vec![Link::a("https://example.com/x", "x")],
        )),
    )
    .unwrap();
    let mut outputs = Vec::new();
    for order in [[&later, &earlier, &plain], [&plain, &earlier, &later]] {
        let args: Vec<&str> = order.iter().map(|p| p.to_str().unwrap()).collect();
        let r = discover(&[&["example.com", "--jobs", "2"], &args[..]].concat());
        assert_eq!(r.code, 0, "{}", r.stderr);
        outputs.push(r.stdout);
    }
    assert_eq!(
        outputs[0], outputs[1],
        "the order of the inputs does not matter"
    );
    let rows = csv_rows(&outputs[0]);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][0], "https://blog.beta.test/");
    assert_eq!((rows[1][5].as_str(), rows[1][7].as_str()), ("", "0"));
    assert_eq!(rows[2][2], "earlier");
    assert_eq!(rows[2][5], "CC-MAIN-2025-08");
}

#[test]
fn an_unreadable_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.wat.gz");
    std::fs::write(&good, sample("CC-MAIN-2025-08")).unwrap();
    let out = dir.path().join("cc.csv");
    let missing = dir.path().join("missing.wat.gz");
    let r = discover(&[
        "example.com",
        good.to_str().unwrap(),
        missing.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("missing.wat.gz"), "{}", r.stderr);
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // A download that fails for good: the URL is named, nothing is written.
    let server = WatServer::start(Vec::new(), Behaviour::NotFound);
    let r = discover(&[
        "example.com",
        good.to_str().unwrap(),
        &server.url("/gone.wat.gz"),
        "-o",
        out.to_str().unwrap(),
        "--retries",
        "0",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("gone.wat.gz") && r.stderr.contains("HTTP 404"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

/// How the test's WAT server answers.
#[derive(Clone, Copy, PartialEq)]
enum Behaviour {
    /// The whole file.
    Serve,
    /// The first answer announces the whole file and closes the connection half-way; later
    /// ones answer `Range` requests with 206.
    DropOnce,
    /// 404.
    NotFound,
}

/// A minimal HTTP/1.1 server for one WAT file, with `Range` support (the support server has
/// none): every request is recorded with its `Range` header.
struct WatServer {
    port: u16,
    ranges: Arc<Mutex<Vec<Option<String>>>>,
}

impl WatServer {
    fn start(body: Vec<u8>, how: Behaviour) -> WatServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let ranges: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
        let seen = Arc::clone(&ranges);
        let served = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut range = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("range:") {
                        range = Some(v.trim().to_string());
                    }
                }
                seen.lock().unwrap().push(range.clone());
                let n = served.fetch_add(1, Ordering::SeqCst);
                let from: usize = range
                    .as_deref()
                    .and_then(|r| r.strip_prefix("bytes="))
                    .and_then(|r| r.trim_end_matches('-').parse().ok())
                    .unwrap_or(0);
                let answer = match how {
                    Behaviour::NotFound => {
                        b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                            .to_vec()
                    }
                    Behaviour::DropOnce if n == 0 => {
                        let mut a = format!(
                            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        a.extend_from_slice(&body[..body.len() / 2]);
                        a
                    }
                    _ if from > 0 => {
                        let mut a = format!(
                            "HTTP/1.1 206 Partial Content\r\ncontent-length: {}\r\n\
                             content-range: bytes {from}-{}/{}\r\nconnection: close\r\n\r\n",
                            body.len() - from,
                            body.len() - 1,
                            body.len()
                        )
                        .into_bytes();
                        a.extend_from_slice(&body[from..]);
                        a
                    }
                    _ => {
                        let mut a = format!(
                            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        a.extend_from_slice(&body);
                        a
                    }
                };
                let _ = conn.write_all(&answer);
                let _ = conn.flush();
            }
        });
        WatServer { port, ranges }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

#[test]
fn downloads_are_streamed_and_resumed_after_a_lost_connection() {
    let dir = tempfile::tempdir().unwrap();
    let body = sample("CC-MAIN-2025-08");
    let local = dir.path().join("local.wat.gz");
    std::fs::write(&local, &body).unwrap();
    let expected = discover(&["example.com", local.to_str().unwrap()]);
    assert_eq!(expected.code, 0, "{}", expected.stderr);
    let rows = |text: &str| -> Vec<Vec<String>> {
        // Everything but the file name.
        csv_rows(text)
            .into_iter()
            .map(|mut r| {
                r.remove(6);
                r
            })
            .collect()
    };

    for how in [Behaviour::Serve, Behaviour::DropOnce] {
        let server = WatServer::start(body.clone(), how);
        let url = server.url("/crawl-data/CC-MAIN-2025-08/segments/1/wat/x.warc.wat.gz");
        let mut cmd = backlinks();
        cmd.args(["discover", "wat", "example.com", &url, "--no-progress"]);
        let r = run(&mut cmd);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(rows(&r.stdout), rows(&expected.stdout));
        assert!(r.stdout.contains(&url));
        let ranges = server.ranges.lock().unwrap().clone();
        if how == Behaviour::DropOnce {
            assert_eq!(
                ranges,
                [None, Some(format!("bytes={}-", body.len() / 2))],
                "resumed where the connection was lost"
            );
        } else {
            assert_eq!(ranges, [None]);
        }
    }
}

#[test]
fn inputs_can_be_listed_in_a_file_or_on_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.wat.gz");
    std::fs::write(&f, sample("CC-MAIN-2025-08")).unwrap();
    let list = dir.path().join("wat.paths");
    std::fs::write(&list, format!("# one file\n\n{}\n", f.display())).unwrap();
    let r = discover(&["example.com", "--paths-from", list.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(csv_rows(&r.stdout).len(), 7);
    let mut cmd = backlinks();
    cmd.args([
        "discover",
        "wat",
        "example.com",
        "--paths-from",
        "-",
        "--no-progress",
    ])
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    writeln!(child.stdin.take().unwrap(), "{}", f.display()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), r.stdout);
}

const HOSTS: [&str; 3] = ["news.alpha.test", "blog.beta.test", "shop.gamma.test"];

fn article(links: &str) -> Reply {
    Reply::html(&format!(
        "<html><head><title>Story</title></head><body><article><p>We compared a dozen services \
         for this long review and wrote down everything we found along the way. {links} It was \
         the fastest of them all by a long way.</p></article></body></html>"
    ))
}

#[test]
fn the_output_is_an_export_that_audit_verifies_against_the_live_pages() {
    let server = Server::start();
    // Still linking, as Common Crawl saw it.
    server.route(
        HOSTS[0],
        "/story",
        article(r#"<a href="https://example.com/">Example</a>"#),
    );
    // The link was removed since the capture.
    server.route(HOSTS[1], "/post", article("No links here any more."));
    // Still linking, but nofollow now.
    server.route(
        HOSTS[2],
        "/deal",
        article(r#"<a href="https://example.com/shop" rel="nofollow">shop</a>"#),
    );
    let captures = [
        (HOSTS[0], "/story", "https://example.com/", ""),
        (HOSTS[1], "/post", "https://www.example.com/pricing", ""),
        (HOSTS[2], "/deal", "https://example.com/shop", ""),
    ];
    let mut records = vec![wat::warcinfo("x.warc.wat.gz", "CC-MAIN-2025-08")];
    for (host, path, target, rel) in captures {
        let mut link = Link::a(target, "Example");
        if !rel.is_empty() {
            link = link.rel(rel);
        }
        records.push(wat::capture(&Capture::new(
            &server.url(host, path),
            DATE,
            vec![link],
        )));
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.wat.gz");
    std::fs::write(&f, wat::file(&records)).unwrap();
    let cc = dir.path().join("cc.csv");
    let r = discover(&[
        "example.com",
        f.to_str().unwrap(),
        "-o",
        cc.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // `sources` recognises the file.
    let mut cmd = backlinks();
    cmd.args(["sources", "--format", "json"]).arg(&cc);
    let s = run(&mut cmd);
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert_eq!(s.json()["inputs"][0]["format"], "commoncrawl-wat");
    assert_eq!(s.json()["inputs"][0]["pages"], 3);

    let mut cmd = audit_cmd();
    cmd.args(["--allow-private", "--delay", "0", "--target-pages", "0"])
        .args(["--retries", "0", "--no-store", "--reclaim-urls", "0"])
        .arg("--from")
        .arg(&cc)
        .args(server.pins(&HOSTS));
    let a = run(&mut cmd);
    assert_eq!(a.code, 0, "{}", a.stderr);
    let report = a.json();
    let live = page(&report, &server.url(HOSTS[0], "/story"));
    assert_eq!(live["status"], "live");
    let prov = &live["provenance"][0];
    assert_eq!(prov["format"], "commoncrawl-wat");
    assert_eq!(prov["origin"], "commoncrawl:CC-MAIN-2025-08");
    assert_eq!(prov["first_seen"], "2025-02-07");
    assert_eq!(prov["anchor"], "Example");
    assert_eq!(prov["nofollow"], false);
    assert!(codes(&live["flags"]).is_empty(), "{live:#}");

    let lost = page(&report, &server.url(HOSTS[1], "/post"));
    assert_eq!(lost["status"], "lost");
    assert_eq!(codes(&lost["flags"]), ["link-lost", "vendor-link-missing"]);
    let ev = lost["flags"][1]["evidence"].as_str().unwrap();
    assert!(ev.contains("cc.csv:2 reported a live link"), "{ev}");

    let changed = page(&report, &server.url(HOSTS[2], "/deal"));
    assert_eq!(changed["status"], "live");
    assert_eq!(codes(&changed["flags"]), ["vendor-rel-mismatch"]);

    // The JSON Lines form reads the same.
    let jsonl = dir.path().join("cc.jsonl");
    let r = discover(&[
        "example.com",
        f.to_str().unwrap(),
        "--format",
        "jsonl",
        "-o",
        jsonl.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut cmd = backlinks();
    cmd.args(["sources", "--format", "json", "--target", "example.com"])
        .arg(&jsonl);
    let s = run(&mut cmd);
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert_eq!(s.json()["inputs"][0]["format"], "commoncrawl-wat");
    assert_eq!(s.json()["inputs"][0]["pages"], 3);
}

/// Whether `cmd` runs; the reason to skip when it does not.
fn missing(program: &str, args: &[&str]) -> Option<String> {
    match std::process::Command::new(program).args(args).output() {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or_default()
        )),
        Err(e) => Some(format!("`{program}` cannot be run: {e}")),
    }
}

#[test]
fn the_spark_driver_in_local_mode_gives_the_same_links() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let skip =
        missing(&python, &["-c", "import pyspark"]).or_else(|| missing("java", &["-version"]));
    if let Some(why) = skip {
        let msg = format!(
            "SKIPPED the_spark_driver_in_local_mode_gives_the_same_links: it needs pyspark and \
             Java (`pip install pyspark`): {why}\n"
        );
        let _ = std::io::stderr().write_all(msg.as_bytes());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut rng = wat::Rng(0x5eed);
    let mut paths = Vec::new();
    for (n, crawl) in ["CC-MAIN-2025-08", "CC-MAIN-2025-13", "CC-MAIN-2025-08"]
        .iter()
        .enumerate()
    {
        let mut records = vec![wat::warcinfo("x", crawl)];
        for p in 0..40u64 {
            // Pages repeat across files: the merge must pick the same capture.
            let c = wat::realistic(&mut rng, p % 30, "example.com", (p % 4) as usize);
            records.push(wat::capture(&c));
        }
        records.push(wat::record(
            "metadata",
            Some("https://x.test/"),
            DATE,
            b"{bad",
        ));
        let f = crawl_path(
            dir.path(),
            crawl,
            &format!("f{n}.warc.wat.gz"),
            &wat::file(&records),
        );
        paths.push(f);
    }
    let list = dir.path().join("wat.paths");
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    std::fs::write(&list, names.join("\n")).unwrap();
    let single = discover(&["example.com", "--paths-from", list.to_str().unwrap()]);
    assert_eq!(single.code, 0, "{}", single.stderr);
    assert!(csv_rows(&single.stdout).len() > 20);

    let out = dir.path().join("spark.csv");
    let driver = crate::support::root().join("contrib/spark/discover_wat.py");
    let spark = std::process::Command::new(&python)
        .arg(&driver)
        .args(["--master", "local[2]", "--partitions", "3"])
        .args(["--backlinks", env!("CARGO_BIN_EXE_backlinks")])
        .arg("example.com")
        .arg(&list)
        .arg(&out)
        .env("PYSPARK_PYTHON", &python)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&spark.stderr);
    assert!(spark.status.success(), "{stderr}");
    let got = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv_rows(&got), csv_rows(&single.stdout));
    let summary = String::from_utf8_lossy(&spark.stdout);
    assert!(summary.contains("\"malformed_json\": 3"), "{summary}");
}

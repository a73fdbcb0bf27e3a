//! `backlinks discover graph`: the referring domains of a target in a Common Crawl web-graph
//! release (a transposed BVGraph written here with the `webgraph` crate, a gzipped vertex list
//! and rank list in Common Crawl's layout), read back by `sources` and `audit --from`; and
//! `discover graph fetch`, which downloads a release from a local server with `Range` support:
//! sizes said first, a truncated download resumed by the next run, a bad range reply.

use crate::support::{backlinks, fixture, run};
use dsi_bitstream::prelude::BE;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use webgraph::graphs::vec_graph::VecGraph;
use webgraph::prelude::*;

const RELEASE: &str = "cc-main-2026-test";

/// The vertices of the test graph, in Common Crawl's order (sorted by reversed name).
const VERTICES: [&str; 6] = [
    "com.alpha",
    "com.blogspot",
    "com.example",
    "com.unrelated",
    "org.gamma",
    "test.beta",
];

fn gz(text: &str) -> Vec<u8> {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(text.as_bytes()).unwrap();
    z.finish().unwrap()
}

/// Writes the release into `dir/RELEASE/`: alpha, blogspot, gamma and beta link to example;
/// example and unrelated link to alpha.
fn write_release(dir: &Path) -> std::path::PathBuf {
    let at = dir.join(RELEASE);
    std::fs::create_dir_all(&at).unwrap();
    let id = |rev: &str| VERTICES.iter().position(|v| *v == rev).unwrap();
    let arcs = [
        ("com.alpha", "com.example"),
        ("com.blogspot", "com.example"),
        ("org.gamma", "com.example"),
        ("test.beta", "com.example"),
        ("com.example", "com.alpha"),
        ("com.unrelated", "com.alpha"),
    ];
    // The transpose: an arc from each linked domain to the domain linking to it.
    let transposed = VecGraph::from_arcs(arcs.iter().map(|(a, b)| (id(b), id(a))));
    BvComp::with_basename(at.join(format!("{RELEASE}-domain-t")))
        .comp_graph::<BE>(&transposed)
        .unwrap();
    let vertices: String = VERTICES
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{i}\t{v}\t{}\n", i + 1))
        .collect();
    std::fs::write(
        at.join(format!("{RELEASE}-domain-vertices.txt.gz")),
        gz(&vertices),
    )
    .unwrap();
    let ranks = "#harmonicc_pos\t#harmonicc_val\t#pr_pos\t#pr_val\t#host_rev\t#n_hosts\n\
                 1\t9.5\t2\t0.1\torg.gamma\t5\n\
                 2\t8.0\t1\t0.2\tcom.alpha\t1\n\
                 3\t7.1\t3\t0.05\tcom.example\t3\n\
                 4\t2.0\t4\t0.01\tcom.blogspot\t2\n";
    std::fs::write(at.join(format!("{RELEASE}-domain-ranks.txt.gz")), gz(ranks)).unwrap();
    at
}

fn graph(dir: &Path, extra: &[&str]) -> crate::support::Run {
    run(backlinks()
        .args(["discover", "graph", "example.com", "--graph-dir"])
        .arg(dir)
        .args(extra))
}

fn rows(csv: &str) -> Vec<String> {
    csv.lines().skip(1).map(str::to_string).collect()
}

#[test]
fn referring_domains_come_from_the_transposed_graph_most_central_first() {
    let dir = tempfile::tempdir().unwrap();
    write_release(dir.path());
    let r = graph(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.lines().next(),
        Some("referring_domain,hosts,harmonic_centrality_rank,release")
    );
    assert_eq!(
        rows(&r.stdout),
        [
            format!("gamma.org,5,1,{RELEASE}"),
            format!("alpha.com,1,2,{RELEASE}"),
            format!("beta.test,6,,{RELEASE}"),
        ],
        "blogspot.com is a platform; unrelated.com links elsewhere"
    );
    assert!(
        r.stderr.contains("1 platforms left out (blogspot.com"),
        "{}",
        r.stderr
    );

    let kept = graph(dir.path(), &["--keep-platforms", "--max", "3"]);
    assert_eq!(kept.code, 0, "{}", kept.stderr);
    let domains: Vec<String> = rows(&kept.stdout)
        .iter()
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(domains, ["gamma.org", "alpha.com", "blogspot.com"]);
    let dropped = graph(dir.path(), &["--drop", "www.gamma.org"]);
    assert!(!dropped.stdout.contains("gamma.org"), "{}", dropped.stdout);

    // A target nobody links to, and one that is not in the graph: no rows, said so.
    let none = run(backlinks()
        .args(["discover", "graph", "nowhere.test", "--graph-dir"])
        .arg(dir.path()));
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert!(rows(&none.stdout).is_empty());
    assert!(none.stderr.contains("not in the graph"), "{}", none.stderr);
}

#[test]
fn audit_and_sources_read_the_graph_csv_as_referring_domains() {
    let dir = tempfile::tempdir().unwrap();
    write_release(dir.path());
    let out = dir.path().join("graph.csv");
    let r = graph(dir.path(), &["-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("backlinks audit example.com --from"),
        "{}",
        r.stderr
    );
    let s = run(backlinks().args(["sources", "--format", "json"]).arg(&out));
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert!(s.stdout.contains("commoncrawl-graph"), "{}", s.stdout);
    let a = run(backlinks()
        .args([
            "audit",
            "example.com",
            "--no-store",
            "--format",
            "json",
            "--from",
        ])
        .arg(fixture("sample/links.txt"))
        .arg("--from")
        .arg(&out)
        .arg("--archive")
        .arg(fixture("sample/sample.warc.gz")));
    assert_eq!(a.code, 0, "{}", a.stderr);
    let report = a.json();
    let listed: Vec<&str> = report["domain_candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["domain"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["alpha.com", "beta.test", "gamma.org"]);
    assert_eq!(
        report["domain_candidates"][0]["provenance"][0]["format"],
        "commoncrawl-graph"
    );
}

#[test]
fn a_missing_release_file_names_itself_and_the_fetch_command() {
    let dir = tempfile::tempdir().unwrap();
    let at = write_release(dir.path());
    std::fs::remove_file(at.join(format!("{RELEASE}-domain-ranks.txt.gz"))).unwrap();
    let r = graph(dir.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("-domain-ranks.txt.gz` is missing"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("discover graph fetch cc-main-2026-test"),
        "{}",
        r.stderr
    );
    let empty = tempfile::tempdir().unwrap();
    let r = graph(empty.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no web-graph release"), "{}", r.stderr);
    let r = run(backlinks().args(["discover", "graph", "fetch", "../etc"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("not a web-graph release name"),
        "{}",
        r.stderr
    );
}

/// How the release server answers a `GET`.
#[derive(Clone, Copy, PartialEq)]
enum Serve {
    /// Whole files, and ranges with 206.
    Honest,
    /// The first `GET` of the graph file announces it whole and stops half-way.
    CutGraphOnce,
    /// Ranges are answered from the wrong offset.
    BadRanges,
}

/// An HTTP/1.1 server for a release's files, with `HEAD` and `Range`; it records each
/// request as `METHOD PATH RANGE`.
struct ReleaseServer {
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl ReleaseServer {
    fn start(files: BTreeMap<String, Vec<u8>>, how: Serve) -> ReleaseServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let seen = Arc::clone(&log);
        let cut_done = Arc::new(AtomicBool::new(false));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut first = String::new();
                if reader.read_line(&mut first).unwrap_or(0) == 0 {
                    continue;
                }
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
                let mut parts = first.split_whitespace();
                let method = parts.next().unwrap_or_default().to_string();
                let path = parts.next().unwrap_or_default().to_string();
                seen.lock().unwrap().push(format!(
                    "{method} {path} {}",
                    range.clone().unwrap_or_default()
                ));
                let Some(body) = files.get(&path) else {
                    let _ = conn.write_all(
                        b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    );
                    continue;
                };
                if method == "HEAD" {
                    let _ = write!(
                        conn,
                        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    continue;
                }
                let from: usize = range
                    .as_deref()
                    .and_then(|r| r.strip_prefix("bytes="))
                    .and_then(|r| r.trim_end_matches('-').parse().ok())
                    .unwrap_or(0);
                let head = |status: &str, len: usize, extra: String| {
                    format!(
                        "HTTP/1.1 {status}\r\ncontent-length: {len}\r\n{extra}connection: \
                         close\r\n\r\n"
                    )
                    .into_bytes()
                };
                let cut = how == Serve::CutGraphOnce
                    && path.ends_with(".graph")
                    && from == 0
                    && !cut_done.swap(true, Ordering::SeqCst);
                let answer = if cut {
                    let mut a = head("200 OK", body.len(), String::new());
                    a.extend_from_slice(&body[..body.len() / 2]);
                    a
                } else if from > 0 {
                    let start = if how == Serve::BadRanges { 0 } else { from };
                    let mut a = head(
                        "206 Partial Content",
                        body.len() - start,
                        format!(
                            "content-range: bytes {start}-{}/{}\r\n",
                            body.len() - 1,
                            body.len()
                        ),
                    );
                    a.extend_from_slice(&body[start..]);
                    a
                } else {
                    let mut a = head("200 OK", body.len(), String::new());
                    a.extend_from_slice(body);
                    a
                };
                let _ = conn.write_all(&answer);
                let _ = conn.flush();
            }
        });
        ReleaseServer { port, log }
    }
}

/// The release's files as the server publishes them, by URL path.
fn published(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let at = write_release(dir);
    let mut files = BTreeMap::new();
    for suffix in [
        "-t.graph",
        "-t.properties",
        "-vertices.txt.gz",
        "-ranks.txt.gz",
    ] {
        let name = format!("{RELEASE}-domain{suffix}");
        files.insert(
            format!("/{RELEASE}/domain/{name}"),
            std::fs::read(at.join(&name)).unwrap(),
        );
    }
    files
}

fn fetch(server: &ReleaseServer, into: &Path) -> crate::support::Run {
    run(backlinks()
        .args([
            "discover",
            "graph",
            "fetch",
            RELEASE,
            "--retries",
            "0",
            "--no-progress",
        ])
        .arg("--graph-dir")
        .arg(into)
        .args(["--base-url", &format!("http://127.0.0.1:{}/", server.port)]))
}

fn same_files(files: &BTreeMap<String, Vec<u8>>, into: &Path) {
    for (path, body) in files {
        let name = path.rsplit('/').next().unwrap();
        let got = std::fs::read(into.join(RELEASE).join(name)).unwrap();
        assert!(got == *body, "{name} differs");
        assert!(!into.join(RELEASE).join(format!("{name}.part")).exists());
    }
}

#[test]
fn a_release_is_fetched_with_its_size_said_first_and_then_read() {
    let src = tempfile::tempdir().unwrap();
    let files = published(src.path());
    let server = ReleaseServer::start(files.clone(), Serve::Honest);
    let into = tempfile::tempdir().unwrap();
    let r = fetch(&server, into.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let total: usize = files.values().map(Vec::len).sum();
    assert!(
        r.stderr.contains(&format!("4 files of {RELEASE}"))
            && r.stderr.contains(&format!("{total} B in all")),
        "{}",
        r.stderr
    );
    same_files(&files, into.path());
    // Fetched again: nothing is downloaded twice.
    let before = server
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("GET"))
        .count();
    let again = fetch(&server, into.path());
    assert_eq!(again.code, 0, "{}", again.stderr);
    let after = server
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("GET"))
        .count();
    assert_eq!(before, after, "complete files are not fetched again");
    // And read.
    let r = graph(into.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(rows(&r.stdout).len(), 3, "{}", r.stdout);
}

#[test]
fn a_truncated_download_is_resumed_by_the_next_run() {
    let src = tempfile::tempdir().unwrap();
    let files = published(src.path());
    let server = ReleaseServer::start(files.clone(), Serve::CutGraphOnce);
    let into = tempfile::tempdir().unwrap();
    let first = fetch(&server, into.path());
    assert_eq!(first.code, 2, "the connection was lost: {}", first.stderr);
    let part = into
        .path()
        .join(RELEASE)
        .join(format!("{RELEASE}-domain-t.graph.part"));
    let kept = std::fs::metadata(&part).expect("the part is kept").len();
    assert!(kept > 0);
    let second = fetch(&server, into.path());
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        server
            .log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.starts_with("GET")
                && l.contains(".graph")
                && l.ends_with(&format!("bytes={kept}-"))),
        "resumed with a range: {:?}",
        server.log.lock().unwrap()
    );
    same_files(&files, into.path());
}

#[test]
fn a_bad_range_reply_restarts_the_file_instead_of_mixing_it() {
    let src = tempfile::tempdir().unwrap();
    let files = published(src.path());
    let server = ReleaseServer::start(files.clone(), Serve::BadRanges);
    let into = tempfile::tempdir().unwrap();
    let name = format!("{RELEASE}-domain-t.graph");
    let body = &files[&format!("/{RELEASE}/domain/{name}")];
    std::fs::create_dir_all(into.path().join(RELEASE)).unwrap();
    std::fs::write(
        into.path().join(RELEASE).join(format!("{name}.part")),
        &body[..body.len() / 2],
    )
    .unwrap();
    let r = fetch(&server, into.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("downloading it again from the start"),
        "{}",
        r.stderr
    );
    same_files(&files, into.path());
}

#[test]
fn audit_discover_adds_the_releases_referring_domains() {
    let data = tempfile::tempdir().unwrap();
    write_release(&data.path().join("commoncrawl"));
    let audit = |extra: &[&str]| {
        run(backlinks()
            .args([
                "audit",
                "example.com",
                "--no-store",
                "--format",
                "json",
                "--data-dir",
            ])
            .arg(data.path())
            .arg("--from")
            .arg(fixture("sample/links.txt"))
            .arg("--archive")
            .arg(fixture("sample/sample.warc.gz"))
            .args(extra))
    };
    let a = audit(&["--discover"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert!(
        a.stderr.contains("--discover: 3 referring domains of example.com in cc-main-2026-test (1 platforms left out)"),
        "{}",
        a.stderr
    );
    let report = a.json();
    let gamma = report["domain_candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == "gamma.org")
        .expect("gamma.org is a domain candidate");
    assert_eq!(
        gamma["provenance"][0]["input"],
        "commoncrawl:cc-main-2026-test"
    );
    assert_eq!(gamma["provenance"][0]["line"], 1, "the most central first");
    assert_eq!(gamma["pages_audited"], 0);
    let r = audit(&["--discover", "--discover-release", "cc-main-2099-none"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is missing"), "{}", r.stderr);
}

//! End-to-end audit benchmark: the release binary audits N generated referring pages (default
//! 20,000) served by a local HTTP/1.1 keep-alive server inside this benchmark, and the report is
//! checked against what the generator put on the pages.
//!
//! ```sh
//! cargo bench --bench audit                        # 20,000 pages
//! cargo bench --bench audit -- --pages 5000        # another size
//! cargo bench --bench audit -- --memory            # peak RSS at 5,000 / 20,000 / 100,000 pages
//! cargo bench --bench audit -- --archive           # the same pages from a WARC (`--archive`)
//! cargo bench --bench audit -- --keep DIR          # keep the URL list and the report in DIR
//! ```
//!
//! One run prints:
//! - the fetch-only ceiling: the same HTTP stack (reqwest, 64 requests in flight, keep-alive,
//!   gzip) downloading every body and following redirects, with no parsing;
//! - the full audit (`--allow-private --per-host 64 --delay 0 --concurrency 64`: fetch,
//!   decode, parse, extract, placement, signals, scoring, JSON report), with wall time,
//!   pages/s, the audit's CPU seconds and peak RSS, and its ratio to the ceiling;
//! - with `--archive`, instead of the two above: the same pages written to a WARC file (the
//!   responses the server would send, redirects included) and audited from it, which sends no
//!   request: parsing alone sets the pace, so this is where both cores show;
//! - correctness: precision and recall of the links to the target (source page, URL, anchor
//!   text), agreement of page statuses (status and HTTP status), and how often the placement is
//!   the region the generator put the link in.
//!
//! The pages (`support/pages.rs`) live on 40 fake sites, each pinned with `--resolve` to its
//! own loopback address (127.0.1.1, 127.0.2.1...);
//! the audit does not read the target's own pages (`--target-pages 0`, they would be on the
//! internet) and compares with `--topic` instead. Server and audit share the machine: the
//! server's CPU time is printed too.

#[path = "support/pages.rs"]
mod pages;

use pages::{Corpus, Kind, PageSpec, TARGET, TOPIC};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

struct Options {
    pages: usize,
    memory: bool,
    archive: bool,
    serve: bool,
    keep: Option<PathBuf>,
}

fn options() -> Options {
    let mut o = Options {
        pages: 20_000,
        memory: false,
        archive: false,
        serve: false,
        keep: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pages" => {
                o.pages = args
                    .next()
                    .and_then(|v| v.replace('_', "").parse().ok())
                    .expect("--pages N")
            }
            "--memory" => o.memory = true,
            "--archive" => o.archive = true,
            "--serve" => o.serve = true,
            "--keep" => o.keep = Some(args.next().expect("--keep DIR").into()),
            // `cargo bench` passes `--bench`; filters of other harnesses are ignored.
            _ => {}
        }
    }
    o
}

fn main() {
    let o = options();
    let corpus = Arc::new(Corpus::new());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (port, listeners) = rt.block_on(bind(&corpus));
    let state = Arc::new(State {
        corpus: Arc::clone(&corpus),
        gzip: std::sync::RwLock::new(Arc::new(Vec::new())),
    });
    for listener in listeners {
        rt.spawn(serve(listener, Arc::clone(&state)));
    }
    let mut out = std::io::stdout().lock();
    if o.serve {
        // For profiling by hand: write the URL list and the audit command, then serve until
        // killed.
        let work = Workdir::new(&o.keep, o.pages);
        write_urls(&corpus, o.pages, port, &work.dir);
        state.prepare(o.pages);
        let cmd = audit_command(&corpus, port, &work.dir);
        let mut script = String::from("#!/bin/sh\nexec");
        for part in std::iter::once(cmd.get_program()).chain(cmd.get_args()) {
            let _ = write!(script, " '{}'", part.to_string_lossy());
        }
        script.push('\n');
        let path = work.dir.join("audit.sh");
        std::fs::write(&path, script).expect("write audit.sh");
        let _ = writeln!(
            out,
            "serving {} pages on port {port}; run `sh audit.sh` in {}",
            o.pages,
            work.dir.display()
        );
        let _ = out.flush();
        rt.block_on(std::future::pending::<()>());
    }
    if o.memory {
        let mut rows = Vec::new();
        for n in [5_000, 20_000, 100_000] {
            let work = Workdir::new(&o.keep, n);
            let urls = write_urls(&corpus, n, port, &work.dir);
            state.prepare(n);
            let audit = run_audit(&corpus, &urls, port, &work.dir);
            let _ = writeln!(
                out,
                "{n:>7} pages: {:>6.0} pages/s, CPU {:>6.1} s, peak RSS {:>6.1} MiB, links P {:.4} R {:.4}, statuses {:.2}%",
                n as f64 / audit.wall,
                audit.cpu,
                audit.rss_mib,
                audit.check.precision(),
                audit.check.recall(),
                audit.check.status_share() * 100.0
            );
            rows.push(audit.rss_mib);
        }
        let (lo, hi) = rows
            .iter()
            .fold((f64::MAX, 0f64), |(lo, hi), r| (lo.min(*r), hi.max(*r)));
        let _ = writeln!(
            out,
            "peak RSS spread: largest / smallest = {:.2} (flat within 20% when ≤ 1.20)",
            hi / lo
        );
        return;
    }

    let n = o.pages;
    let work = Workdir::new(&o.keep, n);
    let urls = write_urls(&corpus, n, port, &work.dir);
    let stats = corpus_stats(&corpus, n);
    let _ = writeln!(
        out,
        "{n} candidate pages on {} sites: {} HTML pages averaging {:.0} KB ({:.0}% gzip, {:.0}% windows-1252), \
         {} lost, {} redirected, {} 404/410, {} slow",
        pages::SITES,
        stats.html,
        stats.bytes as f64 / stats.html.max(1) as f64 / 1024.0,
        stats.gzip as f64 * 100.0 / stats.html.max(1) as f64,
        stats.cp1252 as f64 * 100.0 / stats.html.max(1) as f64,
        stats.lost,
        stats.redirected,
        stats.errors,
        stats.slow
    );

    if o.archive {
        let warc = work.dir.join("pages.warc");
        let t = Instant::now();
        let bytes = write_warc(&state, &urls, &warc);
        let _ = writeln!(
            out,
            "archive of {:.0} MB written in {:.1} s (before the clock starts)",
            bytes as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
        let mut cmd = audit_command(&corpus, port, &work.dir);
        cmd.arg("--archive").arg(&warc);
        let audit = run_audit_with(cmd, &corpus, &urls, &work.dir);
        let c = &audit.check;
        let _ = writeln!(
            out,
            "archive audit:      {:.2} s, {:.0} pages/s, CPU {:.2} s ({:.2} ms/page, {:.2} cores), peak RSS {:.1} MiB",
            audit.wall,
            n as f64 / audit.wall,
            audit.cpu,
            audit.cpu * 1000.0 / n as f64,
            audit.cpu / audit.wall,
            audit.rss_mib,
        );
        let _ = writeln!(
            out,
            "correctness: target links precision {:.4} recall {:.4}; statuses {}/{} agree",
            c.precision(),
            c.recall(),
            c.status_ok,
            c.pages
        );
        return;
    }

    let t = Instant::now();
    state.prepare(n);
    let _ = writeln!(
        out,
        "gzip bodies made in {:.1} s (level 1, before the clocks start)",
        t.elapsed().as_secs_f64()
    );
    let fetch = rt.block_on(fetch_only(&corpus, &urls, port));
    let _ = writeln!(
        out,
        "fetch-only ceiling: {:.2} s, {:.0} pages/s, {:.0} MB of bodies, CPU {:.2} s (client and server)",
        fetch.wall,
        n as f64 / fetch.wall,
        fetch.bytes as f64 / 1e6,
        fetch.cpu
    );

    let audit = run_audit(&corpus, &urls, port, &work.dir);
    let c = &audit.check;
    let _ = writeln!(
        out,
        "full audit:         {:.2} s, {:.0} pages/s, CPU {:.2} s ({:.2} ms/page), peak RSS {:.1} MiB; server CPU {:.2} s",
        audit.wall,
        n as f64 / audit.wall,
        audit.cpu,
        audit.cpu * 1000.0 / n as f64,
        audit.rss_mib,
        audit.server_cpu
    );
    let _ = writeln!(
        out,
        "ratio to the fetch-only ceiling: {:.2}",
        fetch.wall / audit.wall
    );
    let _ = writeln!(
        out,
        "correctness: target links precision {:.4} recall {:.4} ({} expected, {} reported, {} matched); \
         statuses {}/{} agree ({:.2}%); placement as generated {:.2}% of matched links",
        c.precision(),
        c.recall(),
        c.expected,
        c.reported,
        c.matched,
        c.status_ok,
        c.pages,
        c.status_share() * 100.0,
        c.placement_share() * 100.0
    );
    for (what, n) in &c.placement_misses {
        let _ = writeln!(out, "  placement {what}: {n}");
    }
    for line in c.examples.iter().take(10) {
        let _ = writeln!(out, "  {line}");
    }
}

/// The working directory of one run (temporary unless `--keep`).
struct Workdir {
    dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl Workdir {
    fn new(keep: &Option<PathBuf>, n: usize) -> Workdir {
        match keep {
            Some(d) => {
                let dir = d.join(n.to_string());
                std::fs::create_dir_all(&dir).expect("create --keep directory");
                Workdir { dir, _temp: None }
            }
            None => {
                let t = tempfile::tempdir().expect("temporary directory");
                Workdir {
                    dir: t.path().to_path_buf(),
                    _temp: Some(t),
                }
            }
        }
    }
}

fn write_urls(corpus: &Corpus, n: usize, port: u16, dir: &Path) -> Vec<String> {
    let urls: Vec<String> = (0..n).map(|i| corpus.url(&corpus.spec(i), port)).collect();
    let mut text = String::with_capacity(n * 48);
    for u in &urls {
        text.push_str(u);
        text.push('\n');
    }
    std::fs::write(dir.join("urls.txt"), text).expect("write the URL list");
    urls
}

#[derive(Default)]
struct CorpusStats {
    html: usize,
    bytes: usize,
    gzip: usize,
    cp1252: usize,
    lost: usize,
    redirected: usize,
    errors: usize,
    slow: usize,
}

fn corpus_stats(corpus: &Corpus, n: usize) -> CorpusStats {
    let mut s = CorpusStats::default();
    for i in 0..n {
        let spec = corpus.spec(i);
        match spec.kind {
            Kind::Status(_) => s.errors += 1,
            Kind::Lost => s.lost += 1,
            Kind::Live => {}
        }
        if !matches!(spec.kind, Kind::Status(_)) {
            s.html += 1;
            s.gzip += usize::from(spec.gzip);
            s.cp1252 += usize::from(spec.windows_1252);
            // Measuring every body would double the run; a sample of one in 50 suffices.
            if i % 50 == 0 {
                s.bytes += 50 * corpus.body(&spec).len();
            }
        }
        s.redirected += usize::from(!spec.redirects.is_empty());
        s.slow += usize::from(spec.delay_ms > 0);
    }
    s
}

/// (seconds of user + system CPU, peak RSS in KiB) of this process so far.
/// Polls `VmHWM` (the peak resident set, in KiB) of a running process every 10 ms until it
/// exits; the thread returns the last value read. What the process adds in its last 10 ms
/// can be missed; it is shutting down then.
fn peak_rss_watcher(pid: libc::pid_t) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let path = format!("/proc/{pid}/status");
        let mut peak = 0;
        while let Ok(status) = std::fs::read_to_string(&path) {
            let hwm = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            // A zombie has no memory left to report: its last reading stands.
            let Some(hwm) = hwm else { break };
            peak = peak.max(hwm);
            std::thread::sleep(Duration::from_millis(10));
        }
        peak
    })
}

fn self_usage() -> (f64, f64) {
    usage(libc::RUSAGE_SELF)
}

fn usage(who: libc::c_int) -> (f64, f64) {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(who, &mut u) } != 0 {
        return (f64::NAN, f64::NAN);
    }
    (cpu_secs(&u), u.ru_maxrss as f64)
}

fn cpu_secs(u: &libc::rusage) -> f64 {
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

struct Fetch {
    wall: f64,
    cpu: f64,
    bytes: u64,
}

/// Downloads every page with 64 requests in flight: the ceiling of what the network side can
/// deliver to the parser.
async fn fetch_only(corpus: &Corpus, urls: &[String], port: u16) -> Fetch {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::limited(10))
        .user_agent("backlinks-bench");
    for site in &corpus.sites {
        builder = builder.resolve(&site.host, (site.addr, port).into());
    }
    let client = builder.build().expect("HTTP client");
    let (cpu0, _) = self_usage();
    let t = Instant::now();
    let owned: Vec<String> = urls.to_vec();
    let queue = Arc::new(std::sync::Mutex::new(owned.into_iter()));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let client = client.clone();
        let queue = Arc::clone(&queue);
        tasks.spawn(async move {
            let mut bytes = 0u64;
            loop {
                let next = queue.lock().expect("queue").next();
                let Some(url) = next else { break };
                if let Ok(resp) = client.get(&url).send().await
                    && let Ok(body) = resp.bytes().await
                {
                    bytes += body.len() as u64;
                }
            }
            bytes
        });
    }
    let mut bytes = 0;
    while let Some(b) = tasks.join_next().await {
        bytes += b.expect("fetch task");
    }
    let wall = t.elapsed().as_secs_f64();
    let (cpu1, _) = self_usage();
    Fetch {
        wall,
        cpu: cpu1 - cpu0,
        bytes,
    }
}

struct Audit {
    wall: f64,
    cpu: f64,
    rss_mib: f64,
    server_cpu: f64,
    check: Check,
}

/// The audit command line.
fn audit_command(corpus: &Corpus, port: u16, dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlinks"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .current_dir(dir)
        .args(["audit", TARGET, "--from", "urls.txt", "--allow-private"])
        .args(["--per-host", "64", "--delay", "0", "--concurrency", "64"])
        .args(["--format", "json", "--no-progress", "--target-pages", "0"])
        .args(["--topic", TOPIC, "--data-dir"])
        .arg(dir.join("data"))
        .arg("-o")
        .arg(dir.join("report.json"));
    for site in &corpus.sites {
        cmd.arg("--resolve")
            .arg(format!("{}:{port}:{}", site.host, site.addr));
    }
    cmd
}

fn run_audit(corpus: &Corpus, urls: &[String], port: u16, dir: &Path) -> Audit {
    run_audit_with(audit_command(corpus, port, dir), corpus, urls, dir)
}

/// Writes to `path` a WARC file with the response the server gives for each URL and each
/// redirect hop after it (identity-encoded; slow pages without their wait); returns its size.
fn write_warc(state: &State, urls: &[String], path: &Path) -> u64 {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create the WARC"));
    let mut http = Vec::new();
    let mut size = 0u64;
    let mut record = |url: &str, http: &[u8]| {
        let head = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n\
             WARC-Date: 2026-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n\
             Content-Length: {}\r\n\r\n",
            http.len()
        );
        file.write_all(head.as_bytes()).expect("write the WARC");
        file.write_all(http).expect("write the WARC");
        file.write_all(b"\r\n\r\n").expect("write the WARC");
        size += (head.len() + http.len() + 4) as u64;
    };
    for (i, url) in urls.iter().enumerate() {
        let spec = state.corpus.spec(i);
        let base = url.split('?').next().unwrap_or(url);
        for hop in 0..=spec.redirects.len() {
            let (u, path) = match hop {
                0 => (url.clone(), format!("/post/{i}")),
                h => (format!("{base}/hop{h}"), format!("/post/{i}/hop{h}")),
            };
            response(state, &path, false, &mut http);
            record(&u, &http);
        }
    }
    file.flush().expect("write the WARC");
    size
}

fn run_audit_with(mut cmd: Command, corpus: &Corpus, urls: &[String], dir: &Path) -> Audit {
    let report = dir.join("report.json");
    let (server0, _) = self_usage();
    let t = Instant::now();
    #[expect(
        clippy::zombie_processes,
        reason = "reaped by wait4 below, which also gives its resource usage"
    )]
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run backlinks");
    let pid = child.id() as libc::pid_t;
    // The audit's peak RSS is read from its own /proc entry while it runs: the `ru_maxrss`
    // that wait4 reports carries over, through the exec, the resident memory of the process
    // that spawned it, which here is this benchmark with its whole corpus in memory.
    let hwm = peak_rss_watcher(pid);
    // wait4 gives this child's own resource usage (RUSAGE_CHILDREN would mix runs).
    let mut status = 0;
    // SAFETY: wait4 writes only into the status and rusage it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    let wall = t.elapsed().as_secs_f64();
    let (server1, _) = self_usage();
    assert_eq!(rc, pid, "wait for the audit");
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr {
        use std::io::Read as _;
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the audit failed (status {status}):\n{stderr}"
    );
    let text = std::fs::read(&report).expect("read the report");
    let json: serde_json::Value = serde_json::from_slice(&text).expect("the report is JSON");
    Audit {
        wall,
        cpu: cpu_secs(&ru),
        rss_mib: hwm.join().expect("the RSS watcher") as f64 / 1024.0,
        server_cpu: server1 - server0,
        check: check(corpus, urls, &json),
    }
}

#[derive(Default)]
struct Check {
    pages: usize,
    status_ok: usize,
    expected: usize,
    reported: usize,
    matched: usize,
    placement_ok: usize,
    placement_misses: Vec<(String, usize)>,
    examples: Vec<String>,
}

impl Check {
    fn precision(&self) -> f64 {
        self.matched as f64 / self.reported.max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.matched as f64 / self.expected.max(1) as f64
    }
    fn status_share(&self) -> f64 {
        self.status_ok as f64 / self.pages.max(1) as f64
    }
    fn placement_share(&self) -> f64 {
        self.placement_ok as f64 / self.matched.max(1) as f64
    }
}

/// Compares the report with the generator's expectations.
fn check(corpus: &Corpus, urls: &[String], report: &serde_json::Value) -> Check {
    let mut c = Check::default();
    let pages: HashMap<&str, &serde_json::Value> = report["pages"]
        .as_array()
        .expect("pages[]")
        .iter()
        .filter_map(|p| Some((p["source_url"].as_str()?, p)))
        .collect();
    let mut misses: HashMap<String, usize> = HashMap::new();
    for (i, url) in urls.iter().enumerate() {
        let spec = corpus.spec(i);
        c.pages += 1;
        let Some(page) = pages.get(url.as_str()) else {
            c.examples.push(format!("missing from the report: {url}"));
            continue;
        };
        let (status, http) = match spec.kind {
            Kind::Status(s) => ("unreachable", s),
            Kind::Live => ("live", 200),
            Kind::Lost => ("lost", 200),
        };
        let got_status = page["status"].as_str().unwrap_or("");
        let got_http = page["http_status"].as_u64().unwrap_or(0);
        if got_status == status && got_http == u64::from(http) {
            c.status_ok += 1;
        } else if c.examples.len() < 20 {
            c.examples.push(format!(
                "{url}: status {got_status} {got_http}, expected {status} {http} ({})",
                page["error"]
            ));
        }
        let expected = expected_links(corpus, &spec);
        let got: Vec<(String, String, String)> = page["links"]
            .as_array()
            .map(|ls| {
                ls.iter()
                    .map(|l| {
                        let s = |k: &str| l[k].as_str().unwrap_or("").to_string();
                        (s("target_url"), s("anchor_text"), s("placement"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        c.expected += expected.len();
        c.reported += got.len();
        let mut unmatched: Vec<&(String, String, String)> = got.iter().collect();
        for e in &expected {
            if let Some(k) = unmatched
                .iter()
                .position(|g| g.0 == e.href && g.1 == e.anchor)
            {
                let g = unmatched.remove(k);
                c.matched += 1;
                if g.2 == e.region.placement() {
                    c.placement_ok += 1;
                } else {
                    *misses
                        .entry(format!(
                            "{} as {} ({:?})",
                            e.region.placement(),
                            g.2,
                            spec.style
                        ))
                        .or_default() += 1;
                    if c.examples.len() < 20 {
                        c.examples.push(format!(
                            "{url}: {} placed {}, generated in {}",
                            e.href,
                            g.2,
                            e.region.placement()
                        ));
                    }
                }
            } else if c.examples.len() < 20 {
                c.examples
                    .push(format!("{url}: missing link {} \"{}\"", e.href, e.anchor));
            }
        }
        for g in unmatched {
            if c.examples.len() < 20 {
                c.examples
                    .push(format!("{url}: unexpected link {} \"{}\"", g.0, g.1));
            }
        }
    }
    let mut misses: Vec<(String, usize)> = misses.into_iter().collect();
    misses.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    c.placement_misses = misses;
    c
}

fn expected_links(corpus: &Corpus, spec: &PageSpec) -> Vec<pages::ExpectedLink> {
    match spec.kind {
        Kind::Live | Kind::Lost => corpus.render(spec).links,
        Kind::Status(_) => Vec::new(),
    }
}

/// One listener per site address, all on one port.
async fn bind(corpus: &Corpus) -> (u16, Vec<TcpListener>) {
    'again: for _ in 0..20 {
        let first = TcpListener::bind((corpus.sites[0].addr, 0))
            .await
            .expect("bind a loopback port");
        let port = first.local_addr().expect("local address").port();
        let mut all = vec![first];
        for site in &corpus.sites[1..] {
            match TcpListener::bind((site.addr, port)).await {
                Ok(l) => all.push(l),
                Err(_) => continue 'again,
            }
        }
        return (port, all);
    }
    panic!("no port free on every site address");
}

/// What the server serves: the corpus, and the gzip bodies of the current run.
struct State {
    corpus: Arc<Corpus>,
    gzip: std::sync::RwLock<Arc<Vec<Option<Vec<u8>>>>>,
}

impl State {
    /// Compresses the gzipped pages among the first `n` (outside any measurement).
    fn prepare(&self, n: usize) {
        let bodies = Arc::new(Vec::new());
        *self.gzip.write().expect("gzip bodies") = bodies;
        let bodies = Arc::new(self.corpus.gzip_bodies(n));
        *self.gzip.write().expect("gzip bodies") = bodies;
    }
}

/// The page server: HTTP/1.1 with keep-alive, one task per connection.
async fn serve(listener: TcpListener, state: Arc<State>) {
    loop {
        let Ok((sock, _)) = listener.accept().await else {
            continue;
        };
        let _ = sock.set_nodelay(true);
        tokio::spawn(connection(sock, Arc::clone(&state)));
    }
}

async fn connection(mut sock: TcpStream, state: Arc<State>) {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut out: Vec<u8> = Vec::with_capacity(64 * 1024);
    loop {
        let (path, gzip_ok, close, used) = loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut req = httparse::Request::new(&mut headers);
            match req.parse(&buf) {
                Ok(httparse::Status::Complete(used)) => {
                    let header = |name: &str| {
                        req.headers
                            .iter()
                            .find(|h| h.name.eq_ignore_ascii_case(name))
                            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
                            .unwrap_or_default()
                    };
                    break (
                        req.path.unwrap_or("/").to_string(),
                        header("accept-encoding").contains("gzip"),
                        header("connection") == "close",
                        used,
                    );
                }
                Ok(httparse::Status::Partial) => {}
                Err(_) => return,
            }
            match sock.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        };
        buf.drain(..used);
        respond(&state, &path, gzip_ok, &mut out).await;
        if sock.write_all(&out).await.is_err() || close {
            return;
        }
    }
}

async fn respond(state: &State, path: &str, gzip_ok: bool, out: &mut Vec<u8>) {
    if let Some(index) = path
        .strip_prefix("/post/")
        .and_then(|p| p.split('/').next())
        .and_then(|i| i.parse::<usize>().ok())
    {
        let spec = state.corpus.spec(index);
        let hop = path
            .rsplit_once("/hop")
            .and_then(|(_, h)| h.parse::<usize>().ok());
        if spec.delay_ms > 0 && hop.unwrap_or(0) >= spec.redirects.len() {
            tokio::time::sleep(Duration::from_millis(spec.delay_ms)).await;
        }
    }
    response(state, path, gzip_ok, out);
}

/// The server's answer to `path`, without the wait of slow pages.
fn response(state: &State, path: &str, gzip_ok: bool, out: &mut Vec<u8>) {
    let corpus = &*state.corpus;
    out.clear();
    if path == "/robots.txt" {
        let body = b"User-agent: *\nAllow: /\n";
        head(out, 200, "text/plain", None, None, body.len());
        out.extend_from_slice(body);
        return;
    }
    let mut parts = path.trim_start_matches("/post/").splitn(2, '/');
    let index = parts.next().and_then(|i| i.parse::<usize>().ok());
    let hop = parts
        .next()
        .and_then(|h| h.strip_prefix("hop"))
        .and_then(|h| h.parse::<usize>().ok())
        .unwrap_or(0);
    let Some(index) = index.filter(|_| path.starts_with("/post/")) else {
        head(out, 404, "text/html", None, None, 0);
        return;
    };
    let spec = corpus.spec(index);
    if let Some(status) = spec.redirects.get(hop) {
        let location = format!("/post/{index}/hop{}", hop + 1);
        head(out, *status, "text/html", None, Some(&location), 0);
        return;
    }
    match spec.kind {
        Kind::Status(status) => {
            let body = b"<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>Not found</h1></body></html>";
            head(out, status, "text/html", None, None, body.len());
            out.extend_from_slice(body);
        }
        Kind::Live | Kind::Lost => {
            let gz = (spec.gzip && gzip_ok)
                .then(|| {
                    let bodies = Arc::clone(&state.gzip.read().expect("gzip bodies"));
                    bodies.get(index).cloned().flatten()
                })
                .flatten();
            let enc = gz.is_some().then_some("gzip");
            let body = gz.unwrap_or_else(|| corpus.body(&spec));
            head(out, 200, Corpus::content_type(&spec), enc, None, body.len());
            out.extend_from_slice(&body);
        }
    }
}

fn head(
    out: &mut Vec<u8>,
    status: u16,
    content_type: &str,
    encoding: Option<&str>,
    location: Option<&str>,
    len: usize,
) {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        404 => "Not Found",
        410 => "Gone",
        _ => "Status",
    };
    let _ = write!(
        out,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n"
    );
    if let Some(e) = encoding {
        let _ = write!(out, "Content-Encoding: {e}\r\n");
    }
    if let Some(l) = location {
        let _ = write!(out, "Location: {l}\r\n");
    }
    out.extend_from_slice(b"Connection: keep-alive\r\n\r\n");
}

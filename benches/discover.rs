//! WAT scan benchmark: generates Common Crawl-like WAT files (the tests' generator: a request
//! and a response `metadata` record per capture, each in its own gzip member, 40–160 links per
//! page, 0–3 of them to the target) in a temporary directory, runs the release binary's
//! `backlinks discover wat` on them with every core and then with one, and prints records/s,
//! MB/s (compressed, as downloaded, and uncompressed), CPU seconds and peak memory, and
//! checks that every generated link to the target was found.
//!
//! ```sh
//! cargo bench --bench discover                               # 4 files × 10,000 captures
//! BACKLINKS_BENCH_CAPTURES=50000 cargo bench --bench discover   # captures per file
//! ```

#[path = "../tests/cli/support/wat.rs"]
#[allow(
    dead_code,
    reason = "the tests use more of the generator than the benchmark"
)]
mod wat;

use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::process::Command;
use std::time::Instant;

const FILES: usize = 4;

/// Writes one WAT file; returns (uncompressed bytes, records, distinct links to the target).
fn generate(
    path: &std::path::Path,
    first_page: u64,
    captures: u64,
    rng: &mut wat::Rng,
) -> std::io::Result<(u64, u64, u64)> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let info = wat::warcinfo("bench.warc.wat.gz", "CC-MAIN-2025-08");
    let (mut raw, mut records, mut links) = (info.len() as u64, 1, 0);
    w.write_all(&wat::gzip(&info))?;
    for p in first_page..first_page + captures {
        let to_target = [0, 0, 0, 0, 0, 0, 1, 1, 2, 3][(p % 10) as usize];
        let c = wat::realistic(rng, p, "example.com", to_target);
        let distinct: BTreeSet<&str> = c
            .links
            .iter()
            .map(|l| l.url.as_str())
            .filter(|u| u.contains("example.com/product/"))
            .collect();
        links += distinct.len() as u64;
        for record in [wat::request(&c.url, &c.date), wat::capture(&c)] {
            raw += record.len() as u64;
            records += 1;
            w.write_all(&wat::gzip(&record))?;
        }
    }
    w.flush()?;
    Ok((raw, records, links))
}

/// (peak resident set size in MiB, user + system CPU seconds) of finished children.
fn children_usage() -> (f64, f64) {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    if rc != 0 {
        return (f64::NAN, f64::NAN);
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        usage.ru_maxrss as f64 / 1024.0,
        secs(usage.ru_utime) + secs(usage.ru_stime),
    )
}

fn main() {
    let captures: u64 = std::env::var("BACKLINKS_BENCH_CAPTURES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut out = std::io::stdout().lock();
    let t = Instant::now();
    let mut rng = wat::Rng(0x5eed_1234);
    let (mut raw, mut records, mut links, mut paths) = (0, 0, 0, Vec::new());
    for f in 0..FILES {
        let path = dir
            .path()
            .join(format!("CC-MAIN-2025-08-{f:05}.warc.wat.gz"));
        let (r, n, l) = generate(&path, f as u64 * captures, captures, &mut rng).expect("write");
        raw += r;
        records += n;
        links += l;
        paths.push(path);
    }
    let size: u64 = paths
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    let _ = writeln!(
        out,
        "generated {FILES} WAT files: {records} records, {:.0} MB gzip ({:.0} MB uncompressed), \
         {links} links to the target, in {:.1} s",
        size as f64 / 1e6,
        raw as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut cpu_before = children_usage().1;
    for jobs in [cores, 1] {
        let t = Instant::now();
        let result = Command::new(env!("CARGO_BIN_EXE_backlinks"))
            .args([
                "discover",
                "wat",
                "example.com",
                "--no-progress",
                "--format",
                "jsonl",
            ])
            .args(["--jobs", &jobs.to_string()])
            .args(&paths)
            .output()
            .expect("run backlinks");
        let secs = t.elapsed().as_secs_f64();
        assert!(
            result.status.success(),
            "backlinks discover wat failed: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        let text = String::from_utf8_lossy(&result.stdout);
        let last = text.lines().last().unwrap_or_default();
        let summary: serde_json::Value = serde_json::from_str(last).expect("a summary line");
        let read = summary["summary"]["records"].as_u64().unwrap_or(0);
        assert_eq!(read, records, "every record is read");
        let found = text.lines().count() as u64 - 1;
        assert_eq!(found, links, "every link to the target is found");
        let (rss, cpu_total) = children_usage();
        let cpu = cpu_total - cpu_before;
        cpu_before = cpu_total;
        let _ = writeln!(
            out,
            "discover wat --jobs {jobs}: {read} records in {secs:.2} s = {:.0} records/s, \
             {:.1} MB/s gzip, {:.1} MB/s uncompressed; CPU {cpu:.2} s ({:.0} records per \
             CPU-second); peak RSS {rss:.1} MiB (the largest run so far)",
            read as f64 / secs,
            size as f64 / 1e6 / secs,
            raw as f64 / 1e6 / secs,
            read as f64 / cpu,
        );
    }
}

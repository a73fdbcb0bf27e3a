//! Import benchmark: generates an Ahrefs-style backlinks export of 1,000,000 rows (UTF-16 LE
//! with BOM, TAB-separated, the current 31 columns; about 400 MB) in a temporary directory,
//! runs the release binary's `backlinks sources` on it, and prints rows per second, seconds and
//! the peak resident memory of the child process.
//!
//! ```sh
//! cargo bench --bench import                    # 1,000,000 rows
//! BACKLINKS_BENCH_ROWS=200000 cargo bench --bench import
//! ```
//!
//! The target is under 10 s with flat memory on a 2-core machine: the file is streamed, never
//! read whole, so peak memory depends on the distinct pages (a 16-byte fingerprint each), not
//! on the file size.

use std::io::{BufWriter, Write};
use std::process::Command;
use std::time::Instant;

const HEADER: &str = "Referring page title\tReferring page URL\tLanguage\tPlatform\tReferring page HTTP code\tDomain rating\tUR\tDomain traffic\tReferring domains\tLinked domains\tExternal links\tPage traffic\tKeywords\tTarget URL\tLeft context\tAnchor\tRight context\tType\tContent\tNofollow\tUGC\tSponsored\tRendered\tRaw\tLost status\tDrop reason\tDiscovered status\tFirst seen\tLast seen\tLost\tLinks in group";

fn write_utf16(w: &mut impl Write, text: &str, buf: &mut Vec<u8>) -> std::io::Result<()> {
    buf.clear();
    buf.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    w.write_all(buf)
}

fn generate(path: &std::path::Path, rows: usize) -> std::io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut buf = Vec::new();
    w.write_all(&[0xFF, 0xFE])?;
    write_utf16(&mut w, HEADER, &mut buf)?;
    write_utf16(&mut w, "\n", &mut buf)?;
    let mut line = String::with_capacity(512);
    for i in 0..rows {
        use std::fmt::Write as _;
        line.clear();
        let domain = i % 50_000;
        let nofollow = i % 7 == 0;
        let _ = writeln!(
            line,
            "Trail running shoes compared, part {i}\thttps://www.site{domain}.test/blog/{i}/trail-running-shoes-review\ten\tblogs\t200\t{dr}\t{ur}\t{traffic}\t{rd}\t{ld}\t{el}\t{pt}\t{kw}\thttps://example.com/shoes/{t}\tWe tested a dozen pairs and\tExample trail shoes\twere the lightest by far\ttext\ttrue\t{nofollow}\tfalse\tfalse\tfalse\ttrue\t\t\t\t2026-0{m}-1{d} 10:11:12\t2026-09-2{d} 08:00:00\t\t1",
            dr = i % 100,
            ur = (i / 3) % 100,
            traffic = i * 7 % 100_000,
            rd = i % 5000,
            ld = i % 300,
            el = i % 120,
            pt = i % 900,
            kw = i % 400,
            t = i % 40,
            m = 1 + i % 9,
            d = i % 9,
        );
        write_utf16(&mut w, &line, &mut buf)?;
    }
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
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
    // ru_maxrss is in KiB on Linux.
    (
        usage.ru_maxrss as f64 / 1024.0,
        secs(usage.ru_utime) + secs(usage.ru_stime),
    )
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter this harness ignores.
    let rows: usize = std::env::var("BACKLINKS_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("ahrefs-backlinks.tsv");
    let t = Instant::now();
    let size = generate(&path, rows).expect("generate the export");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "generated {rows} rows, {:.0} MB UTF-16 TSV in {:.1} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let result = Command::new(env!("CARGO_BIN_EXE_backlinks"))
        .args(["sources", "--format", "json"])
        .arg(&path)
        .output()
        .expect("run backlinks");
    let secs = t.elapsed().as_secs_f64();
    assert!(
        result.status.success(),
        "backlinks sources failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&result.stdout).expect("JSON");
    let read = report["total"]["rows"].as_u64().unwrap_or(0);
    assert_eq!(read, rows as u64, "every generated row is read");
    let (rss, cpu) = children_usage();
    let _ = writeln!(
        out,
        "backlinks sources: {read} rows ({} distinct pages on {} domains) in {secs:.2} s = {:.0} rows/s, {:.0} MB/s; CPU {cpu:.2} s; peak RSS {rss:.1} MiB",
        report["total"]["pages"],
        report["total"]["domains"],
        read as f64 / secs,
        size as f64 / 1e6 / secs,
    );
}

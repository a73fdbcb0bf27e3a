//! Rank-table benchmark: builds a table of one million synthetic domains (the size of the
//! Tranco list), then times lookups of listed hosts (a subdomain, so one parent step) and of
//! unlisted ones. Run with `cargo bench --bench authority`.

use backlinks::score::ranks::{INFO_FILE, RankInfo, RankTable, TABLE_FILE, build, reverse_labels};
use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

const DOMAINS: u64 = 1_000_000;

fn name(i: u64) -> String {
    // Spread over a few TLDs like a real list.
    let tld = ["com", "org", "net", "de", "co.uk", "io"][(i % 6) as usize];
    format!(
        "site{:07x}-{}.{tld}",
        i.wrapping_mul(2_654_435_761) % 10_000_019,
        i
    )
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let t = Instant::now();
    let mut keys: Vec<(Vec<u8>, u64)> = (1..=DOMAINS)
        .map(|i| (reverse_labels(&name(i)).into_bytes(), i))
        .collect();
    keys.sort_unstable();
    let file = std::fs::File::create(dir.path().join(TABLE_FILE)).expect("table file");
    build(std::io::BufWriter::new(file), keys.into_iter()).expect("build");
    let info = RankInfo {
        source: "synthetic".into(),
        format: "tranco".into(),
        entries: DOMAINS,
        max_rank: DOMAINS,
        imported_at: "2026-01-01T00:00:00Z".into(),
    };
    std::fs::write(
        dir.path().join(INFO_FILE),
        serde_json::to_vec(&info).expect("json"),
    )
    .expect("info file");
    let built = t.elapsed();
    let size = std::fs::metadata(dir.path().join(TABLE_FILE))
        .expect("size")
        .len();

    let t = Instant::now();
    let table = RankTable::open(dir.path()).expect("open").expect("table");
    let opened = t.elapsed();

    let hosts: Vec<String> = (1..=100_000u64)
        .map(|i| format!("www.{}", name(i * 7 % DOMAINS + 1)))
        .collect();
    let missing: Vec<String> = (1..=100_000u64)
        .map(|i| format!("www.nowhere{i}.com"))
        .collect();
    let time = |list: &[String]| {
        let t = Instant::now();
        let mut found = 0;
        for h in list {
            found += usize::from(black_box(table.rank(h)).is_some());
        }
        (t.elapsed().as_nanos() as f64 / list.len() as f64, found)
    };
    let (hit_ns, found) = time(&hosts);
    let (miss_ns, none) = time(&missing);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "rank table: {DOMAINS} domains, {:.1} MB ({:.1} bytes/domain), built in {:.2} s, opened in {:?}",
        size as f64 / 1e6,
        size as f64 / DOMAINS as f64,
        built.as_secs_f64(),
        opened
    )
    .expect("stdout");
    writeln!(
        out,
        "lookup of a listed host (one parent step): {hit_ns:.0} ns ({found} found)"
    )
    .expect("stdout");
    writeln!(
        out,
        "lookup of an unlisted host: {miss_ns:.0} ns ({none} found)"
    )
    .expect("stdout");
}

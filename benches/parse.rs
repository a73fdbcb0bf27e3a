//! The two HTML parsers side by side: the fast parser against html5ever on the pages it takes,
//! and end to end `backlinks_html::parse` (fast path, html5ever behind it) against what parsing
//! would cost without the fast path (the guard and html5ever on every page). Prints MB/s and
//! the speed ratios, best of a few rounds, for the generated pages of the audit benchmark and,
//! when `../shared/placement-dev` is there, for its real pages.
//!
//! Then hostile pages of the default `--max-body` (5 MiB), one per superlinear corner the
//! parsers guard against, with the time and the counted cost of parsing each: the worst case
//! per page that docs/security.md states.
//!
//! `cargo bench --bench parse` (`-- --rounds N`, default 3).

#[path = "support/pages.rs"]
mod pages;

use backlinks::crawl::decode::decode_html;
use backlinks_html::{nesting, parse, parse_counted, parse_fast, parse_html5ever};
use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

fn main() {
    let mut rounds = 3;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--rounds" {
            rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(rounds);
        }
    }
    let corpus = pages::Corpus::new();
    let generated: Vec<String> = (0..300)
        .map(|i| {
            let spec = corpus.spec(i);
            let body = corpus.body(&spec);
            decode_html(&body, Some(pages::Corpus::content_type(&spec)), None).0
        })
        .collect();
    let mut out = std::io::stdout();
    bench(&mut out, "generated pages", &generated, rounds);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/placement-dev");
    for (set, dir) in [
        ("placement-dev pages", root.join("pages")),
        ("wcxb-dev pages", root.join("wcxb-dev/pages")),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            writeln!(out, "{set}: {} not found", dir.display()).unwrap();
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        let pages: Vec<String> = paths
            .iter()
            .map(|p| {
                let raw = std::fs::read(p).unwrap();
                let bytes = if p.extension().is_some_and(|x| x == "gz") {
                    let mut v = Vec::new();
                    flate2::read::GzDecoder::new(&raw[..])
                        .read_to_end(&mut v)
                        .unwrap();
                    v
                } else {
                    raw
                };
                decode_html(&bytes, None, None).0
            })
            .collect();
        bench(&mut out, set, &pages, rounds);
    }
    hostile(&mut out);
}

/// `piece` repeated to 5 MiB after `head`.
fn fill(head: &str, piece: impl Fn(usize) -> String) -> String {
    let mut s = String::from(head);
    let mut i = 0;
    while s.len() < 5 << 20 {
        s.push_str(&piece(i));
        i += 1;
    }
    s
}

fn hostile(out: &mut impl Write) {
    let deep = "<div>".repeat(510);
    let pages: Vec<(&str, String)> = vec![
        ("<li> at depth 510", fill(&deep, |_| "<li>".into())),
        ("<p> at depth 510", fill(&deep, |_| "<p>".into())),
        ("nested <div>", fill("", |_| "<div>".into())),
        (
            "<p><b id=N>x</p>",
            fill("", |i| format!("<p><b id={i}>x</p>")),
        ),
        ("<body bN=x>", fill("", |i| format!("<body b{i}=x>"))),
        (
            "distinct attributes on one tag",
            fill("<div", |i| format!(" a{i}=v")) + ">x",
        ),
        (
            "x<!----> in a table",
            fill("<table>", |_| "x<!---->".into()),
        ),
        (
            "comments on a declined page",
            fill("<template></template>", |_| "<!-- c -->".into()),
        ),
        (
            "misnested <b><div></b>",
            fill(&"<b>".repeat(60), |_| "<div></b>x".into()),
        ),
        ("<a> in <a>", fill("", |_| "<a href=x>".into())),
        (
            "<table><tr><td><b>",
            fill("", |_| "<table><tr><td><b>".into()),
        ),
        ("entities", fill("", |_| "&notit;&#x00041;&amp".into())),
    ];
    writeln!(out, "hostile pages of 5 MiB (parse(), one run each):").unwrap();
    for (what, html) in &pages {
        let start = Instant::now();
        let (parsed, cost) = parse_counted(html);
        let took = start.elapsed();
        writeln!(
            out,
            "  {what}: {:.2} s, {:?}, {:.0} steps/byte, tree {:.1} bytes/byte",
            took.as_secs_f64(),
            parsed.by,
            cost.steps as f64 / html.len() as f64,
            cost.tree_bytes as f64 / html.len() as f64
        )
        .unwrap();
    }
}

/// The best time of `rounds` runs of `f` over `pages`.
fn best(rounds: usize, pages: &[&String], f: impl Fn(&str) -> usize) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        let mut nodes = 0;
        for p in pages {
            nodes += f(p);
        }
        std::hint::black_box(nodes);
        best = best.min(start.elapsed());
    }
    best
}

fn mb_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn bench(out: &mut impl Write, set: &str, pages: &[String], rounds: usize) {
    let all: Vec<&String> = pages.iter().collect();
    let accepted: Vec<&String> = pages.iter().filter(|p| parse_fast(p).is_ok()).collect();
    let bytes: usize = all.iter().map(|p| p.len()).sum();
    let accepted_bytes: usize = accepted.iter().map(|p| p.len()).sum();
    let fast = best(rounds, &accepted, |p| parse_fast(p).map_or(0, |d| d.len()));
    let reference = best(rounds, &accepted, |p| parse_html5ever(p).len());
    let end_to_end = best(rounds, &all, |p| parse(p).document.len());
    let without = best(rounds, &all, |p| {
        parse_html5ever(&nesting::limit_nesting(p)).len()
    });
    writeln!(
        out,
        "{set}: {} pages, {:.1} MB; the fast parser takes {} ({:.1} MB)",
        pages.len(),
        bytes as f64 / 1e6,
        accepted.len(),
        accepted_bytes as f64 / 1e6
    )
    .unwrap();
    writeln!(
        out,
        "  on the pages it takes: fast parser {:.1} MB/s, html5ever {:.1} MB/s: {:.2}x",
        mb_s(accepted_bytes, fast),
        mb_s(accepted_bytes, reference),
        reference.as_secs_f64() / fast.as_secs_f64()
    )
    .unwrap();
    writeln!(
        out,
        "  end to end on every page: parse() {:.1} MB/s, guard + html5ever alone {:.1} MB/s: {:.2}x",
        mb_s(bytes, end_to_end),
        mb_s(bytes, without),
        without.as_secs_f64() / end_to_end.as_secs_f64()
    )
    .unwrap();
}

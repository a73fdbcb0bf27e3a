//! The fast parser's promise, checked on real pages: wherever it takes a page, its tree is
//! exactly html5ever's. Every page of `../shared/placement-dev` (the 91 `pages/*.html` and
//! the 1,476 `wcxb-dev/pages/*.html.gz`), decoded as the crawler decodes a body, and the
//! benchmark generator's pages (every markup style and charset) go through both parsers; the
//! test prints how many pages each set has, how many the fast parser took, how many of those
//! came out identical and why it declined the others, and fails on any difference.
//!
//! The real pages are not part of the repository; without them the generated pages are still
//! compared, and the test says the real set was not found.

#[path = "../benches/support/pages.rs"]
mod pages;

use backlinks::crawl::decode::decode_html;
use backlinks_html::{Decline, parse_fast, parse_html5ever};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What comparing one set of pages found.
#[derive(Default)]
struct Tally {
    pages: usize,
    accepted: usize,
    identical: usize,
    declined: BTreeMap<Decline, usize>,
    differing: Vec<String>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.pages += other.pages;
        self.accepted += other.accepted;
        self.identical += other.identical;
        for (k, v) in other.declined {
            *self.declined.entry(k).or_default() += v;
        }
        self.differing.extend(other.differing);
    }

    fn report(&self, set: &str) -> String {
        let declined: Vec<String> = self
            .declined
            .iter()
            .map(|(why, n)| format!("{why} {n}"))
            .collect();
        format!(
            "{set}: {} pages, {} accepted by the fast parser, {} identical to html5ever; \
             declined {} ({})",
            self.pages,
            self.accepted,
            self.identical,
            self.pages - self.accepted,
            declined.join(", ")
        )
    }
}

/// Compares the parsers on one page.
fn compare(name: &str, html: &str) -> Tally {
    let mut t = Tally {
        pages: 1,
        ..Tally::default()
    };
    match parse_fast(html) {
        Ok(fast) => {
            t.accepted = 1;
            if fast.outline() == parse_html5ever(html).outline() {
                t.identical = 1;
            } else {
                t.differing.push(name.to_string());
            }
        }
        Err(why) => {
            t.declined.insert(why, 1);
        }
    }
    t
}

/// Runs `each` over `items` on every core and adds up the tallies.
fn on_all_cores<T: Sync>(items: &[T], each: impl Fn(&T) -> Tally + Sync) -> Tally {
    let total = Mutex::new(Tally::default());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut mine = Tally::default();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    mine.add(each(item));
                }
                total.lock().unwrap().add(mine);
            });
        }
    });
    total.into_inner().unwrap()
}

/// The files of `dir` ending in `suffix`, sorted.
fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    out.sort();
    out
}

fn real_page(path: &PathBuf) -> Tally {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let bytes = if path.extension().is_some_and(|x| x == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out
    } else {
        raw
    };
    let (html, _, _) = decode_html(&bytes, None, None);
    compare(&path.display().to_string(), &html)
}

#[test]
fn the_fast_parser_builds_html5evers_tree_wherever_it_accepts() {
    let mut err = std::io::stderr();
    let mut differing = Vec::new();

    let corpus = pages::Corpus::new();
    let indexes: Vec<usize> = (0..120).collect();
    let generated = on_all_cores(&indexes, |&i| {
        let spec = corpus.spec(i);
        let (html, _, _) = decode_html(
            &corpus.body(&spec),
            Some(pages::Corpus::content_type(&spec)),
            None,
        );
        compare(&format!("generated page {i}"), &html)
    });
    writeln!(err, "{}", generated.report("generated pages")).unwrap();
    assert_eq!(generated.pages, 120);
    assert!(
        generated.accepted > 0,
        "the fast parser took no generated page"
    );
    differing.extend(generated.differing);

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/placement-dev");
    if root.join("pages").is_dir() && root.join("wcxb-dev/pages").is_dir() {
        for (set, dir, suffix, expected) in [
            ("placement-dev pages", root.join("pages"), ".html", 91),
            (
                "wcxb-dev pages",
                root.join("wcxb-dev/pages"),
                ".html.gz",
                1_476,
            ),
        ] {
            let list = files(&dir, suffix);
            let tally = on_all_cores(&list, real_page);
            writeln!(err, "{}", tally.report(set)).unwrap();
            assert_eq!(tally.pages, expected, "{set}");
            differing.extend(tally.differing);
        }
    } else {
        writeln!(
            err,
            "../shared/placement-dev was not found: only generated pages were compared"
        )
        .unwrap();
    }
    assert!(
        differing.is_empty(),
        "the fast parser's tree differs from html5ever's on {differing:?}"
    );
}

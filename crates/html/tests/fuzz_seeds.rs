//! The `parsers` fuzz target's body (`fuzz/parsers/fuzz_targets/body.rs`) as an ordinary test:
//! run over the fuzzer's seed corpus and every fixture page, so its checks (the fast parser's
//! tree is html5ever's, work and memory stay linear) run in every `cargo test`, also where no
//! fuzzer is built.

#[path = "../../../fuzz/parsers/fuzz_targets/body.rs"]
mod body;

use std::path::{Path, PathBuf};

/// Every file under `dir` whose name ends in `.html`.
fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = e.unwrap().path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "html") {
            out.push(path);
        }
    }
}

#[test]
fn the_fuzz_target_holds_on_its_seeds_and_the_fixture_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    html_files(&root.join("fuzz/parsers/seeds"), &mut files);
    let seeds = files.len();
    html_files(&root.join("fixtures"), &mut files);
    assert!(
        seeds >= 6 && files.len() >= seeds + 20,
        "{seeds} seeds, {} files",
        files.len()
    );
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        body::check(&bytes);
        // Every prefix cut at a tag boundary, too: truncated pages are the common hostile case.
        for (i, _) in bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'<')
            .take(200)
        {
            body::check(&bytes[..i]);
        }
    }
}

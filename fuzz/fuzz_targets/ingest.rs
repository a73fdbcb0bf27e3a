//! Any input file given to `--from` or `backlinks sources`: format detection, URL lists,
//! every vendor export (CSV/TSV in any encoding), Search Console zips, gzip, this tool's own
//! JSON and CSV reports, and `--columns` mapping. The first byte picks the options.
#![no_main]

use backlinks::ingest::{IngestOptions, read_candidates};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input");
    std::fs::write(&path, bytes).unwrap();
    let opts = IngestOptions {
        skip_invalid: flags & 1 != 0,
        columns: (flags & 2 != 0).then(|| "url=1,anchor=2,first_seen=3".parse().unwrap()),
        target: (flags & 4 != 0).then(|| "example.com".to_string()),
    };
    if let Err(e) = read_candidates(&[path], &opts) {
        // Every error names the input.
        assert!(e.to_string().contains("input"), "{e}");
    }
});

//! `audit --baseline FILE`: a previous JSON report, loaded or refused naming the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baseline.json");
    std::fs::write(&path, data).unwrap();
    if let Err(e) = backlinks::store::baseline::load(&path, "example.com") {
        assert!(e.to_string().contains("baseline.json"), "{e}");
    }
});

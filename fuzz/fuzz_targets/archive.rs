//! `--archive FILE.warc[.gz]`: opened and every page read, or refused naming the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pages.warc");
    std::fs::write(&path, data).unwrap();
    match backlinks::crawl::archive::Archive::open(&path, None) {
        Ok(archive) => {
            for url in archive.page_urls() {
                let _ = archive.fetch(&url, 10);
            }
        }
        Err(e) => assert!(e.to_string().contains("pages.warc"), "{e}"),
    }
});

//! One line of a URL list (or a URL cell of an export): parsed as a page URL or refused.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(url) = backlinks::ingest::parse_page_url(text)
    {
        assert!(matches!(url.scheme(), "http" | "https"));
    }
});

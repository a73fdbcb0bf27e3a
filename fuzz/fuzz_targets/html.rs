//! A referring page, as `inspect FILE` and every audit read it: the HTML parsers, the nesting
//! guard and link extraction with placement. Must not panic; the parsers' own checks (same
//! tree as html5ever, linear work) are those of the `parsers` target (`parsers/`).
#![no_main]

use backlinks::extract::{LinkFilter, analyze};
use libfuzzer_sys::fuzz_target;

#[path = "../parsers/fuzz_targets/body.rs"]
mod body;

fuzz_target!(|data: &[u8]| {
    body::check(data);
    let html = String::from_utf8_lossy(data);
    let page = url::Url::parse("https://blog.test/post").unwrap();
    let _ = analyze(&html, Some(&page), &[], LinkFilter::All);
});

//! A referring page, as `inspect FILE` and every audit read it: the nesting guard, the HTML
//! parser and link extraction with placement. Must neither panic nor take superlinear time
//! (run with `-timeout=10`).
#![no_main]

use backlinks::extract::{LinkFilter, analyze, nesting::limit_nesting};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let _ = limit_nesting(&html);
    let page = url::Url::parse("https://blog.test/post").unwrap();
    let _ = analyze(&html, Some(&page), &[], LinkFilter::All);
});

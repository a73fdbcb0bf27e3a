//! A referring page, as `inspect FILE` and every audit read it: the HTML parsers, the nesting
//! guard and link extraction with placement. Must neither panic nor take superlinear time
//! (run with `-timeout=10`), and whenever the fast parser takes a page its tree must be the one
//! html5ever builds.
#![no_main]

use backlinks::extract::dom::Document;
use backlinks::extract::{LinkFilter, analyze, nesting::limit_nesting, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let _ = limit_nesting(&html);
    if let Ok(fast) = parse::parse(&html) {
        assert_eq!(fast.outline(), Document::parse_html5ever(&html).outline());
    }
    let page = url::Url::parse("https://blog.test/post").unwrap();
    let _ = analyze(&html, Some(&page), &[], LinkFilter::All);
});

//! `backlinks.toml`: loaded, or refused with an error naming the file (and line).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = backlinks::config::Config::parse(text, "backlinks.toml") {
        assert!(e.to_string().starts_with("backlinks.toml"), "{e}");
    }
});

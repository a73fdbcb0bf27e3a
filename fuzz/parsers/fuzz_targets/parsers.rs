//! Any bytes as a page: whenever the fast parser takes it, its tree is html5ever's, and
//! parsing stays within the linear bounds on work and memory (see `body.rs`).
#![no_main]

mod body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| body::check(data));

//! The values of `--resolve`, `--columns`, `--max-body`, `--proxy` and `--timeout`: parsed,
//! or a usage error (exit code 2). The first byte picks the flag.
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;

const FLAGS: [&str; 5] = ["--resolve", "--columns", "--max-body", "--proxy", "--timeout"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(value) = std::str::from_utf8(rest) else {
        return;
    };
    let flag = FLAGS[usize::from(pick) % FLAGS.len()];
    let args = ["backlinks", "audit", "example.com", "--from", "x", flag, value];
    if let Err(e) = backlinks::cli::Cli::try_parse_from(args) {
        assert_eq!(e.exit_code(), 2, "{e}");
    }
    let _ = value.parse::<backlinks::crawl::ResolvePin>();
    let _ = value.parse::<backlinks::ingest::ColumnMap>();
});

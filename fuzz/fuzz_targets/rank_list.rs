//! `backlinks authority import FILE`: a Tranco or Common Crawl rank list, imported or refused
//! naming the file and line. Runs the command in process (its parser is private to it).
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ranks.csv");
    std::fs::write(&path, data).unwrap();
    let data_dir = dir.path().join("data");
    let cli = backlinks::cli::Cli::parse_from([
        "backlinks".as_ref(),
        "authority".as_ref(),
        "import".as_ref(),
        path.as_os_str(),
        "--data-dir".as_ref(),
        data_dir.as_os_str(),
    ]);
    if let Err(e) = backlinks::run(cli) {
        assert!(format!("{e:#}").contains("ranks.csv"), "{e:#}");
    }
});

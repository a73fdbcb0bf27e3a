//! Disavow files (`disavow validate FILE`, `disavow --merge FILE`): validated with findings on
//! lines that exist, and parsed, without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = backlinks::actions::disavow::validate::validate(data, "disavow.txt");
    let lines = data.split(|&b| b == b'\n').count();
    for f in &report.findings {
        if let Some(line) = f.line {
            assert!(line >= 1 && line <= lines, "line {line} of {lines}");
        }
    }
    let _ = backlinks::actions::disavow::DisavowFile::parse(&String::from_utf8_lossy(data));
});

//! Golden files of what people read: `--help`, and the table and Markdown reports of the
//! bundled sample. A change to any of them shows up as a diff to review; regenerate them with
//! `BACKLINKS_REGENERATE_FIXTURES=1 cargo test --test cli snapshots` and read the diff.

use crate::support::{backlinks, fixture, run};
use std::path::PathBuf;

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/cli/snapshots/{name}"))
}

/// Replaces each RFC 3339 or `YYYY-MM-DD HH:MM:SS UTC` time with `<time>`: the only part of
/// these outputs that changes from run to run.
fn without_times(text: &str) -> String {
    let b = text.as_bytes();
    let digits =
        |i: usize, n: usize| i + n <= b.len() && b[i..i + n].iter().all(u8::is_ascii_digit);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let is_time = digits(i, 4)
            && b.get(i + 4) == Some(&b'-')
            && digits(i + 5, 2)
            && b.get(i + 7) == Some(&b'-')
            && digits(i + 8, 2)
            && matches!(b.get(i + 10), Some(b'T' | b' '))
            && digits(i + 11, 2)
            && b.get(i + 13) == Some(&b':')
            && digits(i + 14, 2)
            && b.get(i + 16) == Some(&b':')
            && digits(i + 17, 2);
        if !is_time {
            // Copy one whole character.
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        i += 19;
        while i < b.len() && (b[i] == b'.' || b[i].is_ascii_digit()) {
            i += 1;
        }
        if b.get(i) == Some(&b'Z') {
            i += 1;
        } else if text[i..].starts_with(" UTC") {
            i += 4;
        }
        out.push_str("<time>");
    }
    out
}

fn check(name: &str, got: &str) {
    let path = golden(name);
    if std::env::var_os("BACKLINKS_REGENERATE_FIXTURES").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no golden file {}", path.display()));
    if want != got {
        let first = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| want.lines().count().min(got.lines().count()));
        panic!(
            "{name} differs from {} from line {} on (regenerate with \
             BACKLINKS_REGENERATE_FIXTURES=1 cargo test --test cli snapshots and review the \
             diff):\n--- want\n{}\n--- got\n{}",
            path.display(),
            first + 1,
            want.lines()
                .skip(first)
                .take(5)
                .collect::<Vec<_>>()
                .join("\n"),
            got.lines()
                .skip(first)
                .take(5)
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
}

fn sample(format: &str) -> String {
    let r = run(backlinks()
        .args(["audit", "example.com", "--no-store", "--format", format])
        .args(["--keyword", "trail running shoes", "--from"])
        .arg(fixture("sample/links.txt"))
        .arg("--archive")
        .arg(fixture("sample/sample.warc.gz")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    without_times(&r.stdout)
}

#[test]
fn the_sample_table_reads_as_committed() {
    check("sample-table.txt", &sample("table"));
}

#[test]
fn the_sample_markdown_reads_as_committed() {
    check("sample-markdown.md", &sample("markdown"));
}

#[test]
fn help_reads_as_committed() {
    for (name, args) in [
        ("help.txt", &["--help"][..]),
        ("audit-help.txt", &["audit", "--help"]),
        ("audit-h.txt", &["audit", "-h"]),
    ] {
        let r = run(backlinks().args(args));
        assert_eq!(r.code, 0, "{}", r.stderr);
        check(name, &r.stdout);
    }
}

#[test]
fn times_are_the_only_thing_normalised() {
    assert_eq!(
        without_times("at 2026-12-04T04:25:47.123456Z and 2026-12-04 04:25:47 UTC, 2026-12-04."),
        "at <time> and <time>, 2026-12-04."
    );
    assert_eq!(without_times("€ 12:30 é"), "€ 12:30 é");
}

#[test]
fn the_readme_names_every_finding_code_and_counts_them_right() {
    let r = run(backlinks().arg("explain"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let codes: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(codes.len() > 20, "{}", r.stdout);
    let readme = std::fs::read_to_string(crate::support::root().join("README.md")).unwrap();
    let said = format!("{} finding codes", codes.len());
    assert!(readme.contains(&said), "the README should say `{said}`");
    for code in codes {
        assert!(
            readme.contains(&format!("`{code}`")),
            "the README does not name `{code}`"
        );
    }
}

#[test]
fn the_readme_lists_the_json_report_keys_in_their_order() {
    let r = run(backlinks()
        .args([
            "audit",
            "example.com",
            "--no-store",
            "--format",
            "json",
            "--from",
        ])
        .arg(fixture("sample/links.txt"))
        .arg("--archive")
        .arg(fixture("sample/sample.warc.gz")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A parsed `serde_json::Value` sorts its keys: read the top-level keys, in order, from
    // the text (each `"key":` at depth 1).
    let mut keys = Vec::new();
    let (mut depth, mut in_str, mut esc, mut start) = (0i32, false, false, None);
    for (i, c) in r.stdout.char_indices() {
        if in_str {
            match c {
                _ if esc => esc = false,
                '\\' => esc = true,
                '"' => {
                    in_str = false;
                    if depth == 1 && r.stdout[i + 1..].trim_start().starts_with(':') {
                        keys.push(r.stdout[start.unwrap()..i].to_string());
                    }
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                start = Some(i + 1);
            }
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            _ => {}
        }
    }
    let readme = std::fs::read_to_string(crate::support::root().join("README.md")).unwrap();
    let block = readme
        .split("```\nschema_version        1\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README's JSON section");
    let documented: Vec<String> = std::iter::once("schema_version".to_string())
        .chain(block.lines().filter_map(|l| {
            let word = l.split_whitespace().next()?;
            (!l.starts_with(' ')).then(|| word.trim_end_matches("[]").to_string())
        }))
        .collect();
    assert_eq!(documented, keys, "README vs `--format json`");
}

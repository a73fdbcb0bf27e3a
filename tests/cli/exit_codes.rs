//! The exit-code contract: 0 for a finished audit, 2 for anything that makes the result
//! untrustworthy, with a message naming the file and line.

use crate::support::{backlinks, fixture, run, write};

#[test]
fn exit_0_when_the_audit_ran() {
    let r = run(backlinks()
        .args(["audit", "example.com", "--format", "json", "--archive"])
        .arg(fixture("sample/sample.warc.gz")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Without --from, every page of the archive is a candidate (its one redirect is not a page).
    assert_eq!(r.json()["summary"]["referring_pages"], 5);
}

#[test]
fn exit_2_on_a_bad_from_line_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "links.txt",
        "# header\nhttps://ok.test/\nnot a url\n",
    );
    let r = run(backlinks()
        .args(["audit", "example.com", "--from"])
        .arg(&list));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("links.txt:3: not an http(s) URL: \"not a url\""),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn skip_invalid_turns_bad_lines_into_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "links.txt",
        "https://blog.trailnotes.test/2026/best-trail-shoes\nftp://x.test/\n",
    );
    let r = run(backlinks()
        .args([
            "audit",
            "example.com",
            "--skip-invalid",
            "--format",
            "json",
            "--from",
        ])
        .arg(&list)
        .arg("--archive")
        .arg(fixture("sample/sample.warc.gz")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: skipped") && r.stderr.contains("links.txt:2"),
        "{}",
        r.stderr
    );
    assert_eq!(r.json()["summary"]["live"], 1);
}

#[test]
fn exit_2_on_missing_or_empty_input() {
    let r = run(backlinks().args(["audit", "example.com", "--from", "no-such-file.txt"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read `no-such-file.txt`"),
        "{}",
        r.stderr
    );

    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.txt", "# nothing here\n\n");
    let r = run(backlinks()
        .args(["audit", "example.com", "--from"])
        .arg(&empty));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no candidate pages"), "{}", r.stderr);

    let r = run(backlinks().args(["audit", "example.com"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nothing to audit"), "{}", r.stderr);
}

#[test]
fn exit_2_on_bad_arguments() {
    let r = run(backlinks().args(["audit", "example.com", "--concurrency", "0"]));
    assert_eq!(r.code, 2);
    let r = run(backlinks().args(["audit", "ftp://example.com", "--from", "x"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("invalid target"), "{}", r.stderr);
    let r = run(backlinks().args(["explain", "no-such-rule"]));
    assert_eq!(r.code, 2);
    let r = run(backlinks().args(["explain", "link-farm"]));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("link-farm") && r.stdout.contains("deny"));
}

#[test]
fn exit_2_on_a_corrupt_archive() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.warc", "this is not a warc file\r\n\r\n");
    let r = run(backlinks()
        .args(["audit", "example.com", "--archive"])
        .arg(&bad));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.warc"), "{}", r.stderr);
}

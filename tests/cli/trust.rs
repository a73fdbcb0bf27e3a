//! No clean bill of health without evidence: a run that verified no referring page exits 2
//! with the dominant failure and its likely fix, and saves no snapshot.

use crate::support::{audit_cmd, backlinks, fixture, run, write};

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The number of snapshots of example.com in the store `db` (0 when it was never created).
fn snapshots(db: &std::path::Path) -> usize {
    if !db.exists() {
        return 0;
    }
    let h = run(backlinks()
        .args(["history", "example.com", "--format", "json", "--db"])
        .arg(db));
    if h.code != 0 {
        return 0;
    }
    h.json()["snapshots"].as_array().map_or(0, |a| a.len())
}

#[test]
fn all_unreachable_exits_2_and_saves_no_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let port = closed_port();
    let list = write(
        dir.path(),
        "links.txt",
        &format!("http://127.0.0.1:{port}/a\nhttp://127.0.0.1:{port}/b\n"),
    );
    let db = dir.path().join("history.db");
    let out = dir.path().join("report.json");
    let r = run(audit_cmd()
        .args(["--allow-private", "--retries", "0", "--from"])
        .arg(&list)
        .arg("--db")
        .arg(&db)
        .arg("--output")
        .arg(&out));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no trustworthy result"), "{}", r.stderr);
    assert!(r.stderr.contains("verified 0 of 2"), "{}", r.stderr);
    // The report is still written, and shows the failures as data.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(report["summary"]["live"], 0);
    assert_eq!(snapshots(&db), 0);
}

#[test]
fn all_private_exits_2_with_the_allow_private_hint() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "links.txt",
        "http://pinned.test/a\nhttp://pinned.test/b\n",
    );
    let db = dir.path().join("history.db");
    let r = run(audit_cmd()
        .args(["--resolve", "pinned.test:80:127.0.0.1", "--from"])
        .arg(&list)
        .arg("--db")
        .arg(&db));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("2 private-address"), "{}", r.stderr);
    assert!(r.stderr.contains("--allow-private"), "{}", r.stderr);
    assert_eq!(snapshots(&db), 0);
}

#[test]
fn a_good_run_still_exits_0_and_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let r = run(audit_cmd()
        .arg("--archive")
        .arg(fixture("sample/sample.warc.gz"))
        .arg("--db")
        .arg(&db));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("no trustworthy result"), "{}", r.stderr);
    assert_eq!(snapshots(&db), 1);
}

//! `backlinks outreach`: the removal worklist with the contact routes found during the crawl,
//! `outreach mark URL` (and `--undo`), and "request removal twice, then disavow".

use crate::disavow::{HOSTS, audit, serve};
use crate::support::{Server, backlinks, run};
use std::path::Path;

fn outreach(db: &Path, args: &[&str]) -> crate::support::Run {
    let mut cmd = backlinks();
    cmd.arg("outreach").args(args).arg("--db").arg(db);
    run(&mut cmd)
}

fn status_of(list: &serde_json::Value, url: &str) -> String {
    list["outreach"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["source_url"] == url)
        .unwrap_or_else(|| panic!("{url} not in {list:#}"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn request_twice_then_disavow() {
    let s = Server::start();
    serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let report = audit(&s, dir.path(), &db);
    let forum = s.url("forum.gamma.test", "/page");

    // The audit's own worklist carries the contact routes found on the page.
    let item = report["actions"]["outreach"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["source_url"] == forum.as_str())
        .unwrap();
    assert_eq!(item["status"], "request");
    assert!(item["toxicity"].as_u64().unwrap() >= 50);
    assert_eq!(
        item["contacts"],
        serde_json::json!([
            {"kind": "email", "value": "owner@spam.test"},
            {"kind": "imprint", "value": s.url("forum.gamma.test", "/impressum")},
        ])
    );
    assert!(
        report["actions"]["outreach"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["source_domain"] != "alpha.test" && i["source_domain"] != "epsilon.test"),
        "clean pages and nofollow links are not on the list"
    );

    let r = outreach(&db, &["example.com", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(status_of(&r.json(), &forum), "request");
    let table = outreach(&db, &["example.com"]);
    assert!(table.stdout.contains("owner@spam.test"), "{}", table.stdout);
    assert!(
        table.stdout.contains("ask the site owner"),
        "{}",
        table.stdout
    );

    // First request (before the audit): the link is still there, so follow up.
    let mark = |date: &str| {
        outreach(
            &db,
            &[
                "mark",
                &forum,
                "--requested",
                "--via",
                "owner@spam.test",
                "--date",
                date,
            ],
        )
    };
    let r = mark("2020-01-01");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("recorded removal request 1"),
        "{}",
        r.stderr
    );
    let r = outreach(&db, &["example.com", "--format", "json"]);
    assert_eq!(status_of(&r.json(), &forum), "follow-up");

    // Not a disavow candidate yet with --outreach-first...
    let r = run(backlinks()
        .args(["disavow", "example.com", "--outreach-first", "--db"])
        .arg(&db));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains(&forum), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("left out until their removal was requested twice")
    );

    // ...until the second request without effect.
    assert_eq!(mark("2020-01-15").code, 0);
    let r = outreach(&db, &["example.com", "--format", "json"]);
    assert_eq!(status_of(&r.json(), &forum), "disavow");
    let r = run(backlinks()
        .args(["disavow", "example.com", "--outreach-first", "--db"])
        .arg(&db));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(&forum), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("removal requested 2020-01-01, 2020-01-15 without effect"),
        "{}",
        r.stdout
    );

    // A request made after the latest audit waits for the next one.
    let r = outreach(
        &db,
        &[
            "mark",
            &s.url("links.cheap-one.click", "/page"),
            "--requested",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = outreach(&db, &["example.com", "--format", "csv"]);
    assert!(
        r.stdout.lines().any(|l| l.starts_with("waiting,")),
        "{}",
        r.stdout
    );

    // The next audit carries the requests into its own worklist.
    let again = audit(&s, dir.path(), &db);
    let statuses: Vec<&str> = again["actions"]["outreach"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"disavow"), "{statuses:?}");
    assert!(statuses.contains(&"follow-up"), "{statuses:?}");
}

#[test]
fn marking_an_unknown_page_is_an_error() {
    let s = Server::start();
    serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    audit(&s, dir.path(), &db);
    for (args, says) in [
        (
            vec!["mark", "https://nowhere.test/x", "--requested"],
            "not a referring page",
        ),
        (
            vec!["mark", "not a url", "--requested"],
            "not an http(s) URL",
        ),
        (
            vec![
                "mark",
                "https://nowhere.test/x",
                "--requested",
                "--date",
                "soon",
            ],
            "not a date",
        ),
    ] {
        let r = outreach(&db, &args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains(says), "{}", r.stderr);
    }
    let r = outreach(&db, &["mark", &s.url(HOSTS[2], "/page"), "--undo"]);
    assert_eq!(r.code, 2, "nothing to undo");
    let r = outreach(
        &db,
        &[
            "mark",
            &s.url(HOSTS[2], "/page"),
            "--undo",
            "--via",
            "x@y.test",
        ],
    );
    assert_eq!(r.code, 2, "--undo records nothing");
}

#[test]
fn a_mark_is_the_default_action_and_can_be_undone() {
    let s = Server::start();
    serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    audit(&s, dir.path(), &db);
    let forum = s.url("forum.gamma.test", "/page");
    let status = || {
        status_of(
            &outreach(&db, &["example.com", "--format", "json"]).json(),
            &forum,
        )
    };
    assert_eq!(status(), "request");
    let r = outreach(&db, &["mark", &forum]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("recorded removal request 1"),
        "{}",
        r.stderr
    );
    // Asked today: the site owner gets time to answer.
    assert_eq!(status(), "waiting");
    let r = outreach(&db, &["mark", &forum, "--undo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("0 request(s) left"), "{}", r.stderr);
    assert_eq!(status(), "request");
    let r = outreach(&db, &["mark", &forum, "--undo"]);
    assert_eq!(r.code, 2, "nothing left to undo");
}

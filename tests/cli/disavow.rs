//! `backlinks disavow`: writing a disavow file from a stored audit (golden files under
//! `fixtures/disavow/golden/`, regenerated with `BACKLINKS_REGENERATE_FIXTURES=1`), merging
//! into an existing file without losing the user's lines, the keep list, `validate` with line
//! numbers and exit code 2, and `diff`.

use crate::support::{Reply, Run, Server, audit_cmd, backlinks, fixture, run, write};
use std::path::Path;

pub const HOSTS: [&str; 7] = [
    "blog.alpha.test",
    "news.beta.test",
    "forum.gamma.test",
    "links.cheap-one.click",
    "more.cheap-one.click",
    "partner.delta.test",
    "comments.epsilon.test",
];

/// A page that links to the target in its body.
pub fn clean() -> Reply {
    Reply::html(
        "<html><head><title>Review</title></head><body><article><p>We compared a dozen \
         services for this long review and wrote down everything we found along the way. \
         <a href=\"https://example.com/\">Example</a> was the fastest of them all by a long \
         way.</p></article><footer><a href=\"/contact\">Contact</a></footer></body></html>",
    )
}

/// A hidden link (toxicity 60), with contact routes.
pub fn hidden() -> Reply {
    Reply::html(
        "<html><body><p>best links cheap links <a href=\"https://example.com/\" \
         style=\"display:none\">example</a></p><footer><a href=\"mailto:Owner@Spam.test\">\
         mail</a> <a href=\"/impressum\">Impressum</a></footer></body></html>",
    )
}

/// Serves the pages: two clean, one hidden link on a .test site, two pages of a .click site
/// (spam TLD + hidden link), a hidden link on a partner site, and a hidden nofollow link
/// (toxic, but passing nothing: never to remove or disavow).
pub fn serve(s: &Server) {
    s.route("blog.alpha.test", "/page", clean());
    s.route("news.beta.test", "/page", clean());
    s.route("forum.gamma.test", "/page", hidden());
    s.route("links.cheap-one.click", "/page", hidden());
    s.route("more.cheap-one.click", "/page", hidden());
    s.route("partner.delta.test", "/page", hidden());
    s.route(
        "comments.epsilon.test",
        "/page",
        Reply::html(
            "<html><body><p>best links <a href=\"https://example.com/\" rel=\"nofollow\" \
             style=\"display:none\">example</a></p></body></html>",
        ),
    );
}

/// Audits every host's `/page` into `db`; returns the JSON report.
pub fn audit(s: &Server, dir: &Path, db: &Path) -> serde_json::Value {
    let list: Vec<String> = HOSTS.iter().map(|h| s.url(h, "/page")).collect();
    let from = write(dir, "links.txt", &list.join("\n"));
    let mut cmd = audit_cmd();
    cmd.args(["--allow-private", "--delay", "0"])
        .args(["--target-pages", "0", "--retries", "0"])
        .arg("--db")
        .arg(db)
        .arg("--from")
        .arg(from)
        .args(s.pins(&HOSTS));
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

/// Replaces what changes between runs (the port, the audit time) with placeholders.
fn normalize(text: &str, s: &Server, report: &serde_json::Value) -> String {
    let at = report["generated_at"].as_str().unwrap();
    text.replace(&format!(":{}/", s.port), ":PORT/")
        .replace(at, "GENERATED_AT")
        .replace(&at[..10], "DATE")
        .replace(env!("CARGO_PKG_VERSION"), "VERSION")
}

fn golden(name: &str, actual: &str) {
    let path = fixture(&format!("disavow/golden/{name}"));
    if std::env::var_os("BACKLINKS_REGENERATE_FIXTURES").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing", path.display()));
    assert_eq!(
        actual, expected,
        "{name} differs from the golden file (regenerate with BACKLINKS_REGENERATE_FIXTURES=1)"
    );
}

fn disavow(db: &Path, args: &[&str]) -> Run {
    let mut cmd = backlinks();
    cmd.args(["disavow", "example.com", "--db"])
        .arg(db)
        .args(args);
    run(&mut cmd)
}

#[test]
fn disavow_file_from_the_latest_audit() {
    let s = Server::start();
    serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let report = audit(&s, dir.path(), &db);
    let keep = write(dir.path(), "keep.txt", "# partners\ndelta.test\n");
    let r = disavow(&db, &["--keep", keep.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    golden("written.txt", &normalize(&r.stdout, &s, &report));
    let epsilon = s.url("comments.epsilon.test", "/page");
    let nofollow = report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["source_url"] == epsilon.as_str())
        .unwrap();
    assert!(nofollow["links"][0]["toxicity"].as_u64().unwrap() >= 50);
    assert!(
        !r.stdout.contains("epsilon"),
        "a nofollow link is not disavowed"
    );
    assert!(
        r.stderr.contains("not disavowed (keep list)"),
        "{}",
        r.stderr
    );
    // What it wrote is valid for Google.
    let out = write(dir.path(), "disavow.txt", &r.stdout);
    let v = run(backlinks().args(["disavow", "validate"]).arg(&out));
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);

    // URLs only, and a stricter threshold that leaves the 85-point page out.
    let r = disavow(&db, &["--granularity", "url", "--threshold", "90"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("cheap-one.click") && !r.stdout.contains("domain:"));
    assert!(!r.stdout.contains("forum.gamma.test"), "{}", r.stdout);
}

#[test]
fn merge_keeps_the_users_lines_and_reports_drops() {
    let s = Server::start();
    serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let report = audit(&s, dir.path(), &db);
    let existing = std::fs::read_to_string(fixture("disavow/existing-with-comments.txt"))
        .unwrap()
        .replace(":PORT/", &format!(":{}/", s.port));
    let existing = write(dir.path(), "existing.txt", &existing);
    let out = dir.path().join("merged.txt");
    let r = disavow(
        &db,
        &[
            "--merge",
            existing.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let merged = std::fs::read_to_string(&out).unwrap();
    golden("merged.txt", &normalize(&merged, &s, &report));
    let stderr = normalize(&r.stderr, &s, &report);
    assert!(
        stderr.contains("existing.txt:4 `http://links.cheap-one.click:PORT/page`: covered by domain:cheap-one.click"),
        "{stderr}"
    );
    assert!(
        stderr.contains("kept") && stderr.contains("blog.alpha.test") && stderr.contains("--prune"),
        "{stderr}"
    );

    // --prune removes the entries the audit no longer backs, and says so.
    let r = disavow(&db, &["--merge", existing.to_str().unwrap(), "--prune"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("blog.alpha.test"), "{}", r.stdout);
    assert!(
        r.stdout.contains("domain:unknown-spam.test"),
        "not audited: kept"
    );
    assert!(r.stderr.contains("pruned"), "{}", r.stderr);
}

#[test]
fn bad_inputs_are_errors_naming_the_line() {
    let s = Server::start();
    serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    audit(&s, dir.path(), &db);
    let bad = write(dir.path(), "bad.txt", "# ok\ndomain:*.spam.test\n");
    let out = dir.path().join("out.txt");
    let r = disavow(
        &db,
        &[
            "--merge",
            bad.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.txt:2: wildcards"), "{}", r.stderr);
    assert!(!out.exists(), "nothing half-written");
    let keep = write(dir.path(), "keep.txt", "ok.test\nhttps://x.test/page\n");
    let r = disavow(&db, &["--keep", keep.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("keep.txt:2:"), "{}", r.stderr);
    let r = run(backlinks().args(["disavow", "other.test", "--db"]).arg(&db));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no stored audits of other.test"),
        "{}",
        r.stderr
    );
    let r = run(backlinks()
        .args(["disavow", "example.com", "--db"])
        .arg(dir.path().join("missing.sqlite3")));
    assert_eq!(r.code, 2);
}

#[test]
fn validate_lists_every_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(
        dir.path(),
        "good.txt",
        "# reviewed 2026-01-01\ndomain:spam.test\n\nhttps://blog.test/post\n",
    );
    let r = run(backlinks().args(["disavow", "validate"]).arg(&good));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("1 domain entries, 1 URL entries; 0 problems")
    );
    let bad = write(
        dir.path(),
        "bad.txt",
        "domain:spam.test\nhttps://www.spam.test/x\nspam.test/page\n*.spam.test\n\
         domain:spam.test/blog\nhttps://a.test/ https://b.test/\ndomain:https://c.test/\n",
    );
    let r = run(backlinks().args(["disavow", "validate"]).arg(&bad));
    assert_eq!(r.code, 2);
    let name = bad.display().to_string();
    for line in [
        format!("{name}:2: warning: already covered by domain:spam.test (line 1)"),
        format!(
            "{name}:3: error: missing scheme: write `https://spam.test/page` (or \
             `domain:spam.test` for the whole site)"
        ),
        format!("{name}:4: error: wildcards"),
        format!("{name}:5: error: a domain: entry cannot hold a path"),
        format!("{name}:6: error: one URL or domain: entry per line"),
        format!("{name}:7: error: a domain: entry takes a domain name, not a https URL"),
    ] {
        assert!(r.stdout.contains(&line), "{line}\n{}", r.stdout);
    }
    assert!(r.stdout.contains("5 problems, 1 warning"), "{}", r.stdout);
    assert!(
        r.stderr.contains("not a valid disavow file"),
        "{}",
        r.stderr
    );
    let csv = write(dir.path(), "disavow.csv", "domain:spam.test\n");
    let r = run(backlinks().args(["disavow", "validate"]).arg(&csv));
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("must end in .txt"), "{}", r.stdout);
    let r = run(backlinks()
        .args(["disavow", "validate"])
        .arg(dir.path().join("none.txt")));
    assert_eq!(r.code, 2);
}

#[test]
fn diff_says_what_an_upload_changes() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(
        dir.path(),
        "old.txt",
        "domain:a.test\nhttps://b.test/1\nhttps://c.test/1\n",
    );
    let new = write(
        dir.path(),
        "new.txt",
        "# new\ndomain:a.test\ndomain:b.test\nhttps://d.test/1\n",
    );
    let r = run(backlinks().args(["disavow", "diff"]).arg(&old).arg(&new));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "+ domain:b.test\n+ https://d.test/1\n- https://b.test/1  (still disavowed through \
         domain:b.test)\n- https://c.test/1\n2 added, 2 removed, 1 unchanged\n"
    );
}

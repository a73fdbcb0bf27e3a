//! What a user of ripgrep, fd or lychee expects: request headers they choose, report files
//! that honour the umask, "did you mean" for codes and targets, a history that lists what it
//! holds, a table that explains itself, and no silently ignored flag.

use crate::history::{HOSTS, article, audit};
use crate::support::{Server, audit_cmd, backlinks, fixture, run, write};

#[test]
fn user_agent_and_headers_are_sent_and_framing_headers_refused() {
    let s = Server::start();
    let dir = tempfile::tempdir().unwrap();
    s.route(
        HOSTS[0],
        "/page",
        article(r#"<a href="https://example.com/">Example</a>"#),
    );
    let list = write(dir.path(), "links.txt", &s.url(HOSTS[0], "/page"));
    let db = dir.path().join("h.db");
    let r = audit(
        &s,
        &db,
        Some(&list),
        &[
            "--user-agent",
            "AuditBot/1.0",
            "--header",
            "Accept-Language: de",
            "--header",
            "X-Token:abc",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hit = &s.hits(HOSTS[0], "/page")[0];
    assert_eq!(hit.header("user-agent"), Some("AuditBot/1.0"));
    assert_eq!(hit.header("accept-language"), Some("de"));
    assert_eq!(hit.header("x-token"), Some("abc"));
    let r = run(audit_cmd()
        .args(["--header", "Host: evil.test", "--from"])
        .arg(&list));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`Host` is set by backlinks itself"),
        "{}",
        r.stderr
    );
    let r = run(audit_cmd()
        .args(["--header", "no colon", "--from"])
        .arg(&list));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("write a header as `Name: value`"),
        "{}",
        r.stderr
    );
}

/// The process umask, from /proc (Linux).
#[cfg(target_os = "linux")]
fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line.trim_start_matches("Umask:").trim(), 8).unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn reports_honour_the_umask_and_keep_an_existing_files_mode() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let sample = || {
        run(audit_cmd()
            .arg("--archive")
            .arg(fixture("sample/sample.warc.gz"))
            .args(["--no-store", "-q", "-o"])
            .arg(&out))
    };
    assert_eq!(sample().code, 0);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode(&out),
        0o666 & !umask(),
        "a new report gets the umask's mode"
    );
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(sample().code, 0);
    assert_eq!(mode(&out), 0o640, "an overwritten report keeps its mode");
}

#[test]
fn history_lists_targets_and_refuses_an_unknown_one_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let r = run(audit_cmd()
        .arg("--archive")
        .arg(fixture("sample/sample.warc.gz"))
        .args(["-q", "--db"])
        .arg(&db));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let h = run(backlinks().args(["history", "--db"]).arg(&db));
    assert_eq!(h.code, 0, "{}", h.stderr);
    assert!(
        h.stdout.starts_with("1 target with stored audits"),
        "{}",
        h.stdout
    );
    assert!(
        h.stdout.contains("  example.com  1 audit, latest "),
        "{}",
        h.stdout
    );
    let j = run(backlinks()
        .args(["history", "--format", "json", "--db"])
        .arg(&db))
    .json();
    assert_eq!(j["targets"][0]["target"], "example.com");
    let h = run(backlinks()
        .args(["history", "exmaple.com", "--db"])
        .arg(&db));
    assert_eq!(h.code, 2);
    assert!(
        h.stderr.contains("no stored audits of exmaple.com"),
        "{}",
        h.stderr
    );
    assert!(
        h.stderr.contains("did you mean `example.com`?"),
        "{}",
        h.stderr
    );
}

#[test]
fn explain_suggests_the_code_meant() {
    let r = run(backlinks().args(["explain", "link-fram"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean `link-farm`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_table_explains_itself_and_lists_a_redirect_once() {
    let r = run(backlinks()
        .args(["audit", "example.com", "--no-store", "--from"])
        .arg(fixture("sample/links.txt"))
        .arg("--archive")
        .arg(fixture("sample/sample.warc.gz")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = &r.stdout;
    for header in [
        "links to",
        "anchor type",
        "authority",
        "quality",
        "toxicity",
        "findings / error",
    ] {
        assert!(t.contains(header), "missing column {header}:\n{t}");
    }
    assert!(t.contains("authority ~ = estimated"), "{t}");
    assert!(t.contains("20~"), "estimated authority is marked:\n{t}");
    let redirect = t
        .lines()
        .find(|l| l.contains("old.trailnotes.test"))
        .unwrap();
    assert!(
        redirect.contains("live via 301 → https://blog.trailnotes.test/"),
        "{redirect}"
    );
    assert!(
        redirect.contains("listed under the page it redirects to"),
        "{redirect}"
    );
    // The page missing from the archive has its code in the findings column, not the anchor's.
    let skipped = t
        .lines()
        .find(|l| l.contains("gone.hikingblog.test"))
        .unwrap();
    let cells: Vec<&str> = skipped.split('┆').map(str::trim).collect();
    assert_eq!(cells[3], "", "{skipped}");
    assert!(
        cells.last().unwrap().starts_with("not-in-archive"),
        "{skipped}"
    );
}

#[test]
fn explain_with_a_machine_format_says_it_is_ignored() {
    let r = run(audit_cmd()
        .arg("--archive")
        .arg(fixture("sample/sample.warc.gz"))
        .args(["--no-store", "--explain"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "--explain adds the score components to the table; the json report ignores it"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn standard_input_is_named_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let list = std::fs::read_to_string(fixture("sample/links.txt")).unwrap();
    let mut child = audit_cmd()
        .args(["--no-store", "--from", "-", "--archive"])
        .arg(fixture("sample/sample.warc.gz"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(list.as_bytes())
        .unwrap();
    let r: crate::support::Run = child.wait_with_output().unwrap().into();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["pages"][0]["sources"][0], "stdin");
    drop(dir);
}

#[test]
fn resolve_wildcards_pin_every_host_under_a_domain() {
    let s = Server::start();
    let dir = tempfile::tempdir().unwrap();
    for host in &HOSTS[..2] {
        s.route(
            host,
            "/page",
            article(r#"<a href="https://example.com/">Example</a>"#),
        );
    }
    let urls = format!("{}\n{}", s.url(HOSTS[0], "/page"), s.url(HOSTS[1], "/page"));
    let list = write(dir.path(), "links.txt", &urls);
    let r = run(audit_cmd()
        .args([
            "--allow-private",
            "--delay",
            "0",
            "--target-pages",
            "0",
            "--retries",
            "0",
        ])
        .args(["--no-store", "--resolve"])
        .arg(format!("*.test:{}:127.0.0.1", s.port))
        .arg("--from")
        .arg(&list));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["summary"]["live"], 2);
}

#[test]
fn url_lists_take_bare_domains_and_sources_reports_every_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(
        dir.path(),
        "domains.txt",
        "example.org\nblog.example.net/post\n",
    );
    let bad = write(dir.path(), "bad.txt", "nope\n");
    let worse = write(dir.path(), "worse.txt", "also not a url\n");
    let r = run(backlinks()
        .args(["sources", "--format", "json"])
        .arg(&good)
        .arg(&bad)
        .arg(&worse));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["total"]["pages"], 2, "the good file is surveyed: {j}");
    assert!(
        r.stderr.contains("bad.txt:1: not an http(s) URL"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("worse.txt:1: not an http(s) URL"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("2 of 3 inputs could not be read"),
        "{}",
        r.stderr
    );
}

#[test]
fn no_store_still_compares_with_the_store_but_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let sample = |extra: &[&str]| {
        run(audit_cmd()
            .arg("--archive")
            .arg(fixture("sample/sample.warc.gz"))
            .args(["--db"])
            .arg(&db)
            .args(extra))
    };
    assert_eq!(sample(&[]).code, 0);
    let r = sample(&["--no-store"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["comparison"]["previous"]["snapshot_id"], 1);
    let h = run(backlinks()
        .args(["history", "example.com", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(h.json()["snapshots"].as_array().unwrap().len(), 1);
}

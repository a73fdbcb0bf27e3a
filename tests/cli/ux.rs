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

#[test]
fn verbose_and_log_level_log_each_phase_and_request_on_stderr_only() {
    let s = Server::start();
    let dir = tempfile::tempdir().unwrap();
    s.route(
        HOSTS[0],
        "/page",
        article(r#"<a href="https://example.com/">Example</a>"#),
    );
    let list = write(dir.path(), "links.txt", &s.url(HOSTS[0], "/page"));
    let db = dir.path().join("h.db");
    let quiet = audit(&s, &db, Some(&list), &["--format", "json"]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(
        !quiet.stderr.contains(" INFO ") && !quiet.stderr.contains("DEBUG"),
        "no logs unless asked: {}",
        quiet.stderr
    );
    let info = audit(&s, &db, Some(&list), &["--format", "json", "-v"]);
    assert_eq!(info.code, 0, "{}", info.stderr);
    assert!(info.stderr.contains(" INFO "), "{}", info.stderr);
    assert!(info.stderr.contains("inputs read"), "{}", info.stderr);
    assert!(info.stderr.contains("fetching"), "{}", info.stderr);
    assert!(!info.stderr.contains("DEBUG"), "{}", info.stderr);
    // The report on stdout is untouched.
    let _: serde_json::Value = serde_json::from_str(&info.stdout).unwrap();
    for flags in [
        &["-vv"][..],
        &["-L", "debug"],
        &["-v", "--log-level", "debug"],
    ] {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(flags);
        let debug = audit(&s, &db, Some(&list), &args);
        assert_eq!(debug.code, 0, "{}", debug.stderr);
        let page = s.url(HOSTS[0], "/page");
        assert!(
            debug
                .stderr
                .lines()
                .any(|l| l.contains("DEBUG") && l.contains(&page) && l.contains("status=200")),
            "{flags:?}: every request is logged with its answer: {}",
            debug.stderr
        );
    }
    let r = run(audit_cmd().args(["-L", "loud", "--from"]).arg(&list));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("debug"),
        "the levels are listed: {}",
        r.stderr
    );
}

/// `audit --cache` against `s` with the data directory `data`.
fn cached_audit(
    s: &Server,
    data: &std::path::Path,
    list: &std::path::Path,
    extra: &[&str],
) -> crate::support::Run {
    let mut cmd = audit_cmd();
    cmd.args([
        "--allow-private",
        "--delay",
        "0",
        "--target-pages",
        "0",
        "--retries",
        "0",
    ])
    .args(["--no-store", "--no-progress", "--cache", "--data-dir"])
    .arg(data)
    .arg("--from")
    .arg(list)
    .args(s.pins(&HOSTS))
    .args(extra);
    run(&mut cmd)
}

#[test]
fn the_page_cache_answers_a_second_run_and_keeps_no_failure() {
    let s = Server::start();
    let dir = tempfile::tempdir().unwrap();
    s.route(
        HOSTS[0],
        "/page",
        article(r#"<a href="https://example.com/">Example</a>"#),
    );
    s.route(HOSTS[1], "/busy", crate::support::Reply::new(503));
    let urls = [s.url(HOSTS[0], "/page"), s.url(HOSTS[1], "/busy")];
    let list = write(dir.path(), "links.txt", &urls.join("\n"));
    let data = dir.path().join("data");
    let first = cached_audit(&s, &data, &list, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let report = first.json();
    let links_first = report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["source_url"] == urls[0].as_str())
        .unwrap()["links"]
        .clone();
    assert!(
        report["pages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p.get("cached_at").is_none())
    );
    assert!(data.join("cache.sqlite3").is_file());
    assert_eq!(s.hits(HOSTS[0], "/page").len(), 1);

    let second = cached_audit(&s, &data, &list, &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(
        s.hits(HOSTS[0], "/page").len(),
        1,
        "the page came from the cache"
    );
    assert_eq!(s.hits(HOSTS[1], "/busy").len(), 2, "a 503 is asked again");
    let report = second.json();
    let page = report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["source_url"] == urls[0].as_str())
        .unwrap();
    assert!(page["cached_at"].as_str().unwrap().ends_with('Z'), "{page}");
    assert_eq!(page["links"], links_first, "the same links as fetched");
    let warning = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "cached-pages")
        .expect("the report says pages came from the cache");
    assert!(
        warning["message"].as_str().unwrap().starts_with("1 of 2"),
        "{warning}"
    );

    // Too old for --max-cache-age: fetched again; other fetch settings: not read.
    let third = cached_audit(&s, &data, &list, &["--max-cache-age", "0"]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert_eq!(s.hits(HOSTS[0], "/page").len(), 2);
    let other = cached_audit(&s, &data, &list, &["--user-agent", "OtherBot/2"]);
    assert_eq!(other.code, 0, "{}", other.stderr);
    assert_eq!(s.hits(HOSTS[0], "/page").len(), 3);

    // Nothing to cache from an archive, and a bad age is refused.
    let r = run(audit_cmd()
        .args(["--cache", "--archive"])
        .arg(fixture("sample/sample.warc.gz")));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = cached_audit(&s, &data, &list, &["--max-cache-age", "soon"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn an_interrupted_cached_crawl_finishes_without_refetching() {
    let s = Server::start();
    let dir = tempfile::tempdir().unwrap();
    s.route(
        HOSTS[0],
        "/a",
        article(r#"<a href="https://example.com/">A</a>"#),
    );
    s.route(
        HOSTS[1],
        "/b",
        article(r#"<a href="https://example.com/b">B</a>"#),
    );
    s.route(
        HOSTS[2],
        "/slow",
        crate::support::Reply::new(200).delay(std::time::Duration::from_secs(600)),
    );
    let urls = [
        s.url(HOSTS[0], "/a"),
        s.url(HOSTS[1], "/b"),
        s.url(HOSTS[2], "/slow"),
    ];
    let list = write(dir.path(), "links.txt", &urls.join("\n"));
    let data = dir.path().join("data");
    let mut cmd = audit_cmd();
    cmd.args([
        "--allow-private",
        "--delay",
        "0",
        "--target-pages",
        "0",
        "--timeout",
        "600",
    ])
    .args(["--no-store", "--no-progress", "--cache", "--data-dir"])
    .arg(&data)
    .arg("--from")
    .arg(&list)
    .args(s.pins(&HOSTS));
    let child = crate::support::spawn(&mut cmd);
    let started = std::time::Instant::now();
    while s.hits(HOSTS[2], "/slow").is_empty()
        || s.hits(HOSTS[0], "/a").is_empty()
        || s.hits(HOSTS[1], "/b").is_empty()
    {
        assert!(started.elapsed().as_secs() < 30, "the crawl did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // The two fast pages are committed a moment after they arrive.
    std::thread::sleep(std::time::Duration::from_millis(700));
    // SAFETY: kill(2) on the child's own pid.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let done = crate::support::wait_measured(child, std::time::Duration::from_secs(30));
    assert_eq!(done.run.code, 130, "{}", done.run.stderr);

    s.route(
        HOSTS[2],
        "/slow",
        article(r#"<a href="https://example.com/c">C</a>"#),
    );
    let again = cached_audit(&s, &data, &list, &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(s.hits(HOSTS[0], "/a").len(), 1, "not fetched again");
    assert_eq!(s.hits(HOSTS[1], "/b").len(), 1, "not fetched again");
    let report = again.json();
    let live = report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "live")
        .count();
    assert_eq!(live, 3, "{report:#}");
}

#[test]
fn include_and_exclude_choose_the_pages_audited() {
    let s = Server::start();
    let dir = tempfile::tempdir().unwrap();
    for path in ["/a", "/tag/shoes", "/b"] {
        s.route(
            HOSTS[0],
            path,
            article(r#"<a href="https://example.com/">Example</a>"#),
        );
    }
    s.route(
        HOSTS[1],
        "/c",
        article(r#"<a href="https://example.com/">Example</a>"#),
    );
    let urls = [
        s.url(HOSTS[0], "/a"),
        s.url(HOSTS[0], "/tag/shoes"),
        s.url(HOSTS[0], "/b"),
        s.url(HOSTS[1], "/c"),
    ];
    let list = write(dir.path(), "links.txt", &urls.join("\n"));
    let db = dir.path().join("h.db");
    let r = audit(
        &s,
        &db,
        Some(&list),
        &["--no-store", "--exclude", "/tag/", "--include", HOSTS[0]],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("2 of 4 candidate pages left out by --include/--exclude"),
        "{}",
        r.stderr
    );
    let audited: Vec<String> = r.json()["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["source_url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(audited, [urls[0].clone(), urls[2].clone()]);
    assert!(s.hits(HOSTS[0], "/tag/shoes").is_empty(), "never requested");
    assert!(s.hits(HOSTS[1], "/c").is_empty(), "never requested");

    let r = audit(
        &s,
        &db,
        Some(&list),
        &["--no-store", "--include", "nothing-matches"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("left out every candidate page"),
        "{}",
        r.stderr
    );
    let r = audit(
        &s,
        &db,
        Some(&list),
        &["--no-store", "--exclude", "(unclosed"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("`(unclosed` is not a regular expression"),
        "{}",
        r.stderr
    );
}

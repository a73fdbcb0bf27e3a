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

mod evidence {
    //! Partial verification, health without live links, a misspelt target, exports about
    //! another site, settings that change between runs, and runs too close for rates.

    use crate::history::{HOSTS, article, audit};
    use crate::support::{Reply, Server, age_store, audit_cmd, fixture, run, write};

    fn urls(s: &Server, hosts: &[&str]) -> String {
        hosts
            .iter()
            .map(|h| s.url(h, "/page"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn codes(report: &serde_json::Value) -> Vec<String> {
        report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["code"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn partial_verification_says_over_how_many_pages_and_gates_on_it() {
        let s = Server::start();
        let dir = tempfile::tempdir().unwrap();
        s.route(
            HOSTS[0],
            "/page",
            article(r#"<a href="https://example.com/">Example</a>"#),
        );
        s.route(HOSTS[1], "/page", Reply::new(404));
        s.route(HOSTS[2], "/page", Reply::new(500));
        let list = write(dir.path(), "links.txt", &urls(&s, &HOSTS[..3]));
        let db = dir.path().join("h.db");
        let md = dir.path().join("report.md");
        let report_arg = format!("markdown={}", md.display());
        let r = audit(
            &s,
            &db,
            Some(&list),
            &["--fail-on", "verified<90%", "--report", &report_arg],
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        let j = r.json();
        assert_eq!(j["summary"]["verified"], 1);
        assert_eq!(codes(&j), ["partial-verification"]);
        let msg = j["warnings"][0]["message"].as_str().unwrap();
        assert!(msg.starts_with("verified 1 of 3 referring pages"), "{msg}");
        assert!(
            r.stderr
                .contains("verified<90% (33.3% of referring pages verified: 1 of 3)"),
            "{}",
            r.stderr
        );
        let md = std::fs::read_to_string(&md).unwrap();
        assert!(
            md.contains("**Warning:** verified 1 of 3 referring pages"),
            "{md}"
        );
    }

    #[test]
    fn health_is_na_without_live_links_and_a_health_gate_fails() {
        let s = Server::start();
        let dir = tempfile::tempdir().unwrap();
        // Read, but no link to the target: lost, which is evidence (exit 0/1, saved).
        s.route(
            HOSTS[0],
            "/page",
            Reply::html("<html><body><p>No link to the target here.</p></body></html>"),
        );
        let list = write(dir.path(), "links.txt", &urls(&s, &HOSTS[..1]));
        let db = dir.path().join("h.db");
        let r = audit(&s, &db, Some(&list), &["--fail-on", "health<60"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let j = r.json();
        assert!(j["summary"]["health_score"].is_null(), "{}", j["summary"]);
        assert!(
            r.stderr
                .contains("health<60 (health score n/a: no live links to judge)"),
            "{}",
            r.stderr
        );
        let t = run(crate::support::backlinks()
            .args([
                "audit",
                "example.com",
                "--allow-private",
                "--target-pages",
                "0",
                "--no-store",
            ])
            .args(["--retries", "0", "--from"])
            .arg(&list)
            .args(s.pins(&HOSTS)));
        assert!(t.stdout.contains("health score n/a"), "{}", t.stdout);
    }

    #[test]
    fn a_misspelt_target_gets_a_suggestion_exit_2_and_no_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.db");
        let r = run(crate::support::backlinks()
            .args(["audit", "exmaple.com", "--format", "json", "--from"])
            .arg(fixture("sample/links.txt"))
            .arg("--archive")
            .arg(fixture("sample/sample.warc.gz"))
            .arg("--db")
            .arg(&db));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("did you mean `example.com`?"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("no snapshot was saved"), "{}", r.stderr);
        assert_eq!(codes(&r.json())[0], "no-trustworthy-result");
        assert_eq!(super::snapshots(&db), 0);
    }

    /// An Ahrefs export (the fixture's header) with one row per (page, target URL).
    fn ahrefs(dir: &std::path::Path, rows: &[(&str, &str)]) -> std::path::PathBuf {
        let fixture =
            std::fs::read_to_string(fixture("exports/ahrefs/backlinks-utf8-comma.csv")).unwrap();
        let header = fixture.lines().next().unwrap();
        let cols = header.split(',').count();
        let mut text = format!("{header}\n");
        for (page, target) in rows {
            let mut cells = vec!["\"\"".to_string(); cols];
            cells[1] = format!("\"{page}\"");
            cells[13] = format!("\"{target}\"");
            cells[15] = "\"Example\"".into();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        write(dir, "ahrefs.csv", &text)
    }

    #[test]
    fn an_export_about_another_site_is_refused_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let port = super::closed_port();
        let page = |p: &str| format!("http://127.0.0.1:{port}/{p}");
        let (a, b) = (page("a"), page("b"));
        let foreign = ahrefs(
            dir.path(),
            &[
                (&a, "https://othersite.com/x"),
                (&b, "https://www.othersite.com/"),
            ],
        );
        let r = run(audit_cmd()
            .args(["--allow-private", "--retries", "0", "--no-store", "--from"])
            .arg(&foreign));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("none of its 2 rows with a target URL links to example.com (they point at othersite.com ×2; e.g. line 2: https://othersite.com/x)"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("--force-target"), "{}", r.stderr);
        assert!(r.stdout.is_empty(), "nothing is audited: {}", r.stdout);
        // Forced, the pages are audited (and here fail to connect: another exit-2 reason).
        let r = run(audit_cmd()
            .args([
                "--allow-private",
                "--retries",
                "0",
                "--no-store",
                "--force-target",
                "--from",
            ])
            .arg(&foreign));
        assert!(!r.stderr.contains("--force-target"), "{}", r.stderr);
        assert!(r.stderr.contains("verified 0 of 2"), "{}", r.stderr);

        // Some rows about another site: a warning with counts and an example.
        let mixed = ahrefs(
            dir.path(),
            &[
                (&a, "https://example.com/"),
                (&b, "https://othersite.com/x"),
            ],
        );
        let r = run(audit_cmd()
            .args(["--allow-private", "--retries", "0", "--no-store", "--from"])
            .arg(&mixed));
        assert!(
            r.stderr.contains("1 of 2 rows have a target URL on another site than example.com (they point at othersite.com ×1; e.g. line 3"),
            "{}",
            r.stderr
        );
    }

    /// A forum-style page whose dofollow comment link has a money anchor: toxic only once
    /// "trail running shoes" is a keyword.
    fn comment_page() -> Reply {
        Reply::html(
            "<html><body><article><h1>Wet rock</h1><p>Which shoes grip on wet rock? We tried a \
             few pairs this autumn on the coast path and wrote down what held and what did \
             not.</p></article><section id=\"comments\"><ol class=\"comment-list\"><li \
             class=\"comment\"><p>Great post, buy here: <a href=\"https://example.com/shoes\">trail \
             running shoes</a></p></li></ol></section></body></html>",
        )
    }

    #[test]
    fn changed_keywords_on_unchanged_pages_are_no_new_toxic_domain_nor_a_spike() {
        let s = Server::start();
        let dir = tempfile::tempdir().unwrap();
        s.route(
            HOSTS[0],
            "/page",
            article(r#"<a href="https://example.com/">Example</a>"#),
        );
        s.route(HOSTS[1], "/page", comment_page());
        let list = write(dir.path(), "links.txt", &urls(&s, &HOSTS[..2]));
        let db = dir.path().join("h.db");
        let gate = ["--fail-on", "toxic-domains-new>0", "--fail-on", "spike"];
        let r1 = audit(&s, &db, Some(&list), &gate);
        assert_eq!(r1.code, 0, "{}", r1.stderr);
        assert_eq!(r1.json()["summary"]["toxic"], 0);
        age_store(&db, 7);
        let mut with_keyword = gate.to_vec();
        with_keyword.extend(["--keyword", "trail running shoes"]);
        let r2 = audit(&s, &db, Some(&list), &with_keyword);
        assert_eq!(r2.code, 0, "{}", r2.stderr);
        let j = r2.json();
        assert_eq!(
            j["summary"]["toxic"], 1,
            "the keyword makes the comment link toxic"
        );
        let c = &j["comparison"];
        assert_eq!(
            c["settings_changed"]["changed"],
            serde_json::json!(["keywords"])
        );
        assert_eq!(
            c["settings_changed"]["toxic_by_settings"],
            serde_json::json!(["beta.test"])
        );
        assert_eq!(c["new_toxic_domains"], serde_json::json!([]));
        assert_eq!(c["spike"]["detected"], false);
        assert!(codes(&j).contains(&"settings-changed".to_string()));
        // A third run reuses the stored keyword without being given it: nothing changed.
        age_store(&db, 7);
        let r3 = audit(&s, &db, Some(&list), &gate);
        assert_eq!(r3.code, 0, "{}", r3.stderr);
        let j = r3.json();
        assert!(
            j["comparison"]["settings_changed"].is_null(),
            "{}",
            j["comparison"]
        );
        assert_eq!(j["summary"]["toxic"], 1);
    }

    #[test]
    fn a_config_change_is_named_and_the_config_file_is_printed() {
        let s = Server::start();
        let dir = tempfile::tempdir().unwrap();
        s.route(
            HOSTS[0],
            "/page",
            article(r#"<a href="https://example.com/">Example</a>"#),
        );
        let list = write(dir.path(), "links.txt", &urls(&s, &HOSTS[..1]));
        let db = dir.path().join("h.db");
        let config = write(
            dir.path(),
            "backlinks.toml",
            "[rules.hidden-link]\npoints = 60\n",
        );
        let cfg = config.to_str().unwrap().to_string();
        let r1 = audit(&s, &db, Some(&list), &["--config", &cfg]);
        assert_eq!(r1.code, 0, "{}", r1.stderr);
        age_store(&db, 7);
        write(
            dir.path(),
            "backlinks.toml",
            "[rules.hidden-link]\npoints = 70\n",
        );
        let r2 = audit(&s, &db, Some(&list), &["--config", &cfg]);
        assert_eq!(r2.code, 0, "{}", r2.stderr);
        let j = r2.json();
        assert_eq!(
            j["comparison"]["settings_changed"]["changed"],
            serde_json::json!(["rules.hidden-link.points"])
        );
        // The table says which file the settings came from.
        let t = run(crate::support::backlinks()
            .args([
                "audit",
                "example.com",
                "--allow-private",
                "--target-pages",
                "0",
                "--no-store",
            ])
            .args(["--retries", "0", "--config", &cfg, "--from"])
            .arg(&list)
            .args(s.pins(&HOSTS)));
        assert!(
            t.stdout.contains(&format!("settings   from {cfg}")),
            "{}",
            t.stdout
        );
    }

    #[test]
    fn runs_a_minute_apart_give_no_rates_and_no_spike() {
        let s = Server::start();
        let dir = tempfile::tempdir().unwrap();
        s.route(
            HOSTS[0],
            "/page",
            article(r#"<a href="https://example.com/">Example</a>"#),
        );
        let list = write(dir.path(), "links.txt", &urls(&s, &HOSTS[..1]));
        let db = dir.path().join("h.db");
        assert_eq!(audit(&s, &db, Some(&list), &[]).code, 0);
        s.route(
            HOSTS[1],
            "/page",
            article(r#"<a href="https://example.com/">Example</a>"#),
        );
        let list = write(dir.path(), "links.txt", &urls(&s, &HOSTS[..2]));
        let r = audit(&s, &db, Some(&list), &["--fail-on", "spike"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let c = &r.json()["comparison"];
        assert_eq!(c["counts"]["new_domains"], 1);
        assert!(c["velocity"]["new_domains_per_week"].is_null(), "{c}");
        let why = c["velocity"]["too_short"].as_str().unwrap();
        assert!(why.starts_with("interval too short:"), "{why}");
        let spike = c["spike"]["new_domains"]["reason"].as_str().unwrap();
        assert!(spike.starts_with("interval too short:"), "{spike}");
    }
}

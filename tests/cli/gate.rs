//! The CI gate and cron mode end to end: one acceptance test per exit code, baselines,
//! `--quiet`, `--notify-cmd`, the store lock with concurrent runs, and crash safety of the
//! store (a run killed in the middle of saving).

use crate::history::{HOSTS, audit, first_run, spammy};
use crate::support::{Server, backlinks, run, write};
use std::time::{Duration, Instant};

fn setup() -> (Server, tempfile::TempDir, std::path::PathBuf) {
    let s = Server::start();
    first_run(&s);
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = HOSTS[..4].iter().map(|h| s.url(h, "/page")).collect();
    let list = write(dir.path(), "links.txt", &urls.join("\n"));
    (s, dir, list)
}

#[test]
fn exit_0_when_every_condition_passes() {
    let (s, dir, list) = setup();
    let db = dir.path().join("h.sqlite3");
    let r = audit(
        &s,
        &db,
        Some(&list),
        &[
            "--fail-on",
            "toxic>0",
            "--fail-on",
            "health<60",
            "--fail-on",
            "spike",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr.trim(),
        "gate: passed — 3 conditions checked (toxic>0: 0, health<60: 100, spike: no) → exit 0"
    );
    let gate = &r.json()["gate"];
    assert_eq!(gate["passed"], true);
    assert_eq!(gate["conditions"][1]["condition"], "health<60");
    assert_eq!(gate["conditions"][1]["actual"], 100.0);
}

#[test]
fn exit_1_when_a_condition_fails_with_the_numbers() {
    let (s, dir, list) = setup();
    let db = dir.path().join("h.sqlite3");
    assert_eq!(audit(&s, &db, Some(&list), &[]).code, 0);
    crate::support::age_store(&db, 7);
    for host in &HOSTS[4..] {
        s.route(host, "/page", spammy());
    }
    let spam: Vec<String> = HOSTS[4..].iter().map(|h| s.url(h, "/page")).collect();
    let spam = write(dir.path(), "spam.txt", &spam.join("\n"));
    let r = audit(
        &s,
        &db,
        Some(&spam),
        &[
            "--fail-on",
            "toxic-new>2",
            "--fail-on",
            "toxic-share > 10%",
            "--fail-on",
            "lost-dofollow>=3",
            "--fail-on",
            "rule:hidden-link",
            "--fail-on",
            "spike:toxic",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr.trim(),
        "gate: FAILED — 4 of 5 conditions failed: toxic-new>2 (new toxic links = 3); \
         toxic-share>10% (27.3% of links are toxic: 3 of 11); rule:hidden-link (3 pages with \
         finding hidden-link); spike:toxic (spike: 3 new toxic domains) → exit 1"
    );
    // The JSON report on stdout is intact and says the same.
    let j = r.json();
    let failed: Vec<(&str, bool)> = j["gate"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["condition"].as_str().unwrap(),
                c["failed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [
            ("toxic-new>2", true),
            ("toxic-share>10%", true),
            ("lost-dofollow>=3", false),
            ("rule:hidden-link", true),
            ("spike:toxic", true),
        ]
    );
    assert_eq!(j["gate"]["conditions"][0]["actual"], 3.0);
    // The table report lists every condition.
    let r = audit(
        &s,
        &db,
        None,
        &["--format", "table", "--fail-on", "toxic>=3"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("gate       FAILED (1 of 1 conditions)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("  FAIL  toxic>=3  toxic links = 3"),
        "{}",
        r.stdout
    );
}

#[test]
fn exit_2_on_a_bad_condition_naming_it() {
    let (s, dir, list) = setup();
    let db = dir.path().join("h.sqlite3");
    let r = audit(&s, &db, Some(&list), &["--fail-on", "toxic-nwe>5"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("invalid --fail-on condition `toxic-nwe>5`: unknown metric `toxic-nwe`"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    assert!(!db.exists(), "nothing was audited or stored");
    let r = audit(&s, &db, Some(&list), &["--fail-on", "rule:made-up"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown rule `made-up`"), "{}", r.stderr);
}

#[test]
fn baseline_files_replace_the_store_in_ci() {
    let (s, dir, list) = setup();
    let base = dir.path().join("baseline.json");
    let nodb = dir.path().join("unused.sqlite3");
    let r = audit(
        &s,
        &nodb,
        Some(&list),
        &["--no-store", "--write-baseline", base.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(base.is_file());
    s.route("news.beta.test", "/page", Reply::new(200).body(b""));
    s.route("shop.delta.test", "/page", crate::history::article(""));
    let base2 = dir.path().join("baseline2.json");
    let r = audit(
        &s,
        &nodb,
        None,
        &[
            "--no-store",
            "--baseline",
            base.to_str().unwrap(),
            "--write-baseline",
            base2.to_str().unwrap(),
            "--fail-on",
            "lost-dofollow>=1",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    let c = &j["comparison"];
    assert_eq!(c["previous"]["source"], "baseline");
    assert_eq!(c["previous"]["file"], base.to_str().unwrap());
    assert_eq!(c["counts"]["lost_dofollow"], 1);
    assert_eq!(c["counts"]["unreachable_pages"], 1);
    assert!(!nodb.exists());
    // The history travels with the baseline: a third run sees two intervals.
    let r = audit(
        &s,
        &nodb,
        None,
        &["--no-store", "--baseline", base2.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.json()["comparison"]["velocity"]["intervals"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Bad baselines are errors naming the file.
    let other = write(
        dir.path(),
        "other.json",
        r#"{"target": "other.test", "generated_at": "2026-01-01T00:00:00Z", "pages": []}"#,
    );
    let r = audit(
        &s,
        &nodb,
        Some(&list),
        &["--no-store", "--baseline", other.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("is an audit of other.test, not of example.com"),
        "{}",
        r.stderr
    );
    let broken = write(
        dir.path(),
        "broken.json",
        "{\n  \"target\": \"example.com\",\n  oops\n}",
    );
    let r = audit(
        &s,
        &nodb,
        Some(&list),
        &["--no-store", "--baseline", broken.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("broken.json` is not a backlinks JSON report (line 3"),
        "{}",
        r.stderr
    );
}

use crate::support::Reply;

#[test]
fn quiet_prints_only_failures_and_notify_cmd_gets_the_verdict() {
    let (s, dir, list) = setup();
    let db = dir.path().join("h.sqlite3");
    let r = audit(&s, &db, Some(&list), &["--quiet", "--fail-on", "toxic>0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));

    let out = dir.path().join("notified.md");
    let env = dir.path().join("env.txt");
    let cmd = format!(
        "cat > '{}'; printf '%s|%s|%s' \"$BACKLINKS_TARGET\" \"$BACKLINKS_FAILED\" \
         \"$BACKLINKS_SNAPSHOT_ID\" > '{}'; echo sent",
        out.display(),
        env.display()
    );
    let r = audit(
        &s,
        &db,
        None,
        &["--quiet", "--fail-on", "backlinks>=8", "--notify-cmd", &cmd],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "", "quiet: no report");
    assert_eq!(
        r.stderr,
        "gate: FAILED — 1 of 1 condition failed: backlinks>=8 (links = 8) → exit 1\nsent\n"
    );
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.starts_with("## backlinks audit of example.com"), "{md}");
    assert!(md.contains("| `backlinks>=8` | links = 8 |"), "{md}");
    assert_eq!(
        std::fs::read_to_string(&env).unwrap(),
        "example.com|backlinks>=8|2"
    );

    // A failing notification command is a warning; the gate's exit code stands.
    let r = audit(
        &s,
        &db,
        None,
        &["--fail-on", "backlinks>=8", "--notify-cmd", "exit 3"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("warning: --notify-cmd failed"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_locked_store_waits_then_exits_2_naming_the_lock() {
    let (s, dir, list) = setup();
    let db = dir.path().join("h.sqlite3");
    let lock = std::fs::File::create(dir.path().join("h.sqlite3.lock")).unwrap();
    lock.lock().unwrap();
    let start = Instant::now();
    let r = audit(&s, &db, Some(&list), &["--lock-timeout", "1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(start.elapsed() >= Duration::from_secs(1));
    assert!(
        r.stderr
            .contains("locked by another backlinks run (lock file `")
            && r.stderr
                .contains("h.sqlite3.lock`); gave up after waiting 1s"),
        "{}",
        r.stderr
    );
    drop(lock);
    assert_eq!(
        audit(&s, &db, Some(&list), &["--lock-timeout", "1"]).code,
        0
    );
}

#[test]
fn concurrent_runs_on_one_store_take_turns() {
    let (s, dir, list) = setup();
    // A slow page keeps each run busy while the other one starts.
    s.route(
        "shop.delta.test",
        "/page",
        crate::history::article(r#"<a href="https://example.com/">Example</a>"#)
            .delay(Duration::from_millis(800)),
    );
    let db = dir.path().join("h.sqlite3");
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let (list, db, pins) = (list.clone(), db.clone(), s.pins(&HOSTS));
            std::thread::spawn(move || {
                let mut cmd = backlinks();
                cmd.args(["audit", "example.com", "--allow-private", "--delay", "0"])
                    // The target's own pages are not served here: never look for them on the internet.
                    .args(["--target-pages", "0"])
                    .args(["--format", "json", "--db"])
                    .arg(&db)
                    .arg("--from")
                    .arg(&list)
                    .args(pins);
                run(&mut cmd)
            })
        })
        .collect();
    let mut previous: Vec<i64> = Vec::new();
    for r in runs {
        let r = r.join().unwrap();
        assert_eq!(r.code, 0, "{}", r.stderr);
        if let Some(id) = r.json()["comparison"]["previous"]["snapshot_id"].as_i64() {
            previous.push(id);
        }
    }
    previous.sort();
    // Each run compared with the one saved before it: never two with the same predecessor.
    assert_eq!(previous, [1, 2]);
    let h = run(backlinks()
        .args(["history", "example.com", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(h.json()["snapshots"].as_array().unwrap().len(), 3);
    let store = backlinks::store::Store::open_existing(&db).unwrap();
    assert!(store.verify().unwrap().is_empty());
}

#[test]
fn a_run_killed_while_saving_leaves_the_previous_state() {
    let (s, dir, list) = setup();
    let db = dir.path().join("h.sqlite3");
    assert_eq!(audit(&s, &db, Some(&list), &[]).code, 0);
    for round in 0..2 {
        let marker = dir.path().join(format!("paused-{round}"));
        let mut cmd = backlinks();
        cmd.args([
            "audit",
            "example.com",
            "--allow-private",
            "--delay",
            "0",
            "--target-pages",
            "0",
            "--db",
        ])
        .arg(&db)
        .arg("--from")
        .arg(&list)
        .env(backlinks::store::TEST_PAUSE_ENV, &marker)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .args(s.pins(&HOSTS));
        let mut child = cmd.spawn().unwrap();
        let start = Instant::now();
        while !marker.exists() {
            assert!(start.elapsed() < Duration::from_secs(30), "never paused");
            assert!(child.try_wait().unwrap().is_none(), "exited before saving");
            std::thread::sleep(Duration::from_millis(20));
        }
        // SIGKILL in the middle of the save transaction: the snapshot row and half the pages
        // are written but not committed.
        child.kill().unwrap();
        child.wait().unwrap();
        let store = backlinks::store::Store::open_existing(&db).unwrap();
        assert_eq!(store.verify().unwrap(), Vec::<String>::new());
        let snaps = store.snapshots("example.com").unwrap();
        assert_eq!(snaps.len(), 1, "only the first audit is stored");
        assert_eq!(
            store.load("example.com", snaps[0].id).unwrap().pages.len(),
            4
        );
    }
    // The store is usable afterwards, and the lock of the killed run is gone.
    let r = audit(&s, &db, None, &["--lock-timeout", "0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["comparison"]["previous"]["snapshot_id"], 1);
}

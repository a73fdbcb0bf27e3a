//! Faults around a run (issue 10): Ctrl-C in the middle of a crawl, and reports that cannot
//! be written (missing or read-only directory, full disk, special files). Each ends with a
//! clear message and the right exit code, and never leaves half a report behind.

use crate::support::{Reply, Server, backlinks, fixture, run, spawn, wait_measured, write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// An audit of the bundled sample archive (no network) writing its JSON report to `out`, and
/// nothing to the history store (whose directory `nobody` could not write).
fn sample_audit(out: &Path) -> Command {
    let mut cmd = backlinks();
    cmd.args([
        "audit",
        "example.com",
        "--no-store",
        "--format",
        "json",
        "--archive",
    ])
    .arg(fixture("sample/sample.warc.gz"))
    .arg("-o")
    .arg(out);
    cmd
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn ctrl_c_during_a_crawl_stops_fetching_writes_nothing_and_exits_130() {
    let s = Server::start();
    let link = "<a href='https://example.com/'>Example</a>";
    s.route(
        "slow.test",
        "/p1",
        Reply::html(link).delay(Duration::from_secs(20)),
    );
    for p in ["/p2", "/p3"] {
        s.route("slow.test", p, Reply::html(link));
    }
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = ["/p1", "/p2", "/p3"]
        .iter()
        .map(|p| s.url("slow.test", p))
        .collect();
    let list = write(dir.path(), "links.txt", &urls.join("\n"));
    let out = dir.path().join("report.json");
    let mut cmd = backlinks();
    cmd.args([
        "audit",
        "example.com",
        "--allow-private",
        "--target-pages",
        "0",
    ])
    .args(["--delay", "0", "--per-host", "1", "--format", "json"])
    .args(s.pins(&["slow.test"]))
    .arg("--from")
    .arg(&list)
    .arg("-o")
    .arg(&out);
    let child = spawn(&mut cmd);
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    while s.hits("slow.test", "/p1").is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the crawl never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: a plain syscall on the pid of our own running child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let m = wait_measured(child, Duration::from_secs(10));
    let r = m.run;
    assert_eq!(r.code, 130, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.contains("interrupted"), "{}", r.stderr);
    assert_eq!(
        names(dir.path()),
        ["links.txt"],
        "no report, no temporary file"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        s.hits("slow.test", "/p2").is_empty() && s.hits("slow.test", "/p3").is_empty(),
        "fetching went on after Ctrl-C"
    );
}

#[test]
fn report_in_a_missing_directory_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no/such/dir/report.json");
    let r = run(&mut sample_audit(&out));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("directory") && r.stderr.contains("does not exist"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

#[test]
fn report_in_a_read_only_directory_is_exit_2_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let ro = dir.path().join("read-only");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = ro.join("report.json");
    let mut cmd = sample_audit(&out);
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // Permissions do not bind root: run the binary as `nobody` instead.
        use std::os::unix::process::CommandExt;
        cmd.uid(65534).gid(65534);
    }
    let r = run(&mut cmd);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot write") && r.stderr.contains("ermission denied"),
        "{}",
        r.stderr
    );
    assert!(names(&ro).is_empty());
}

#[test]
fn full_disk_is_exit_2_and_keeps_the_previous_report() {
    let dir = tempfile::tempdir().unwrap();
    // A device that is always full: written in place (never replaced), and every write fails.
    let full = dir.path().join("full.json");
    std::os::unix::fs::symlink("/dev/full", &full).unwrap();
    let r = run(&mut sample_audit(&full));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
    assert_eq!(std::fs::read_link(&full).unwrap(), Path::new("/dev/full"));

    // A real file system that fills up: a tiny tmpfs, where mounting one is allowed (root
    // with CAP_SYS_ADMIN, as on CI). Elsewhere the in-process test of `output` covers a
    // writer failing half-way.
    let mnt = dir.path().join("tiny");
    std::fs::create_dir(&mnt).unwrap();
    let Some(_mounted) = Tmpfs::mount(&mnt, "8k") else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "tmpfs unavailable here: full-disk case checked with /dev/full only"
        );
        return;
    };
    let out = mnt.join("report.json");
    std::fs::write(&out, "previous report").unwrap();
    let r = run(&mut sample_audit(&out));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous report");
    assert_eq!(names(&mnt), ["report.json"], "no temporary file is left");
}

#[test]
fn a_report_that_cannot_be_written_records_no_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let full = dir.path().join("full.json");
    std::os::unix::fs::symlink("/dev/full", &full).unwrap();
    // The sample audit, saved to a history store.
    let audit = |out: &Path| {
        run(backlinks()
            .args(["audit", "example.com", "--format", "json", "--archive"])
            .arg(fixture("sample/sample.warc.gz"))
            .arg("--db")
            .arg(&db)
            .arg("-o")
            .arg(out))
    };
    let r = audit(&full);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // The failed run saved nothing: the first successful run is the first snapshot.
    let ok = audit(&dir.path().join("report.json"));
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let h = run(backlinks()
        .args(["history", "example.com", "--format", "json", "--db"])
        .arg(&db));
    let snapshots: serde_json::Value = serde_json::from_str(&h.stdout).unwrap();
    assert_eq!(
        snapshots["snapshots"].as_array().unwrap().len(),
        1,
        "{}",
        h.stdout
    );
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs<'a>(&'a Path);

impl<'a> Tmpfs<'a> {
    fn mount(dir: &'a Path, size: &str) -> Option<Tmpfs<'a>> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs(dir))
    }
}

impl Drop for Tmpfs<'_> {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0).status();
    }
}

#[test]
fn special_files_are_written_in_place_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let r = run(&mut sample_audit(&fifo));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert_eq!(report["target"], "example.com");
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo(),
        "the pipe is still a pipe"
    );
}

#[test]
fn reports_naming_the_store_an_input_or_each_other_are_refused_before_fetching() {
    let s = Server::start();
    s.route(
        "blog.test",
        "/",
        Reply::html("<p><a href='https://example.com/'>x</a></p>"),
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let list = write(d, "links.txt", &s.url("blog.test", "/"));
    let db = d.join("history.sqlite3");
    let audit = |extra: &[&std::ffi::OsStr]| {
        let mut cmd = backlinks();
        cmd.args(["audit", "example.com", "--allow-private", "--delay", "0"])
            .args(["--target-pages", "0", "--format", "json"])
            .args(s.pins(&["blog.test"]))
            .arg("--from")
            .arg(&list)
            .arg("--db")
            .arg(&db)
            .args(extra);
        run(&mut cmd)
    };
    // A first audit creates the store.
    let r = audit(&["-o".as_ref(), d.join("first.json").as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hits = s.hits("blog.test", "/").len();
    let store = std::fs::read(&db).unwrap();
    std::fs::hard_link(&db, d.join("hard.sqlite3")).unwrap();
    std::os::unix::fs::symlink(&list, d.join("link.txt")).unwrap();
    let cases: Vec<(Vec<std::ffi::OsString>, &str)> = vec![
        (vec!["-o".into(), db.clone().into()], "is the history store"),
        (
            vec!["-o".into(), d.join("hard.sqlite3").into()],
            "is the history store",
        ),
        (
            vec!["-o".into(), d.join("history.sqlite3-wal").into()],
            "history store",
        ),
        (
            vec!["-o".into(), list.clone().into()],
            "is the --from input",
        ),
        (
            vec!["-o".into(), d.join("link.txt").into()],
            "is the --from input",
        ),
        (
            vec!["--report".into(), format!("html={}", db.display()).into()],
            "is the history store",
        ),
        (
            vec![
                "-o".into(),
                d.join("r.json").into(),
                "--report".into(),
                format!("csv={}", d.join("./r.json").display()).into(),
            ],
            "are the same file",
        ),
    ];
    for (args, want) in cases {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let r = audit(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
    }
    // With --no-store the default store is still no place for a report.
    let r = run(backlinks()
        .env("BACKLINKS_DATA_DIR", d)
        .args(["audit", "example.com", "--no-store", "--allow-private"])
        .args(s.pins(&["blog.test"]))
        .arg("--from")
        .arg(&list)
        .arg("-o")
        .arg(&db));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is the history store"), "{}", r.stderr);
    assert_eq!(s.hits("blog.test", "/").len(), hits, "nothing was fetched");
    assert_eq!(std::fs::read(&db).unwrap(), store, "the store is untouched");
    assert_eq!(
        std::fs::read_to_string(&list).unwrap(),
        s.url("blog.test", "/")
    );
    // The commands that read the store refuse it as their output too.
    for cmd in [
        vec!["diff", "example.com"],
        vec!["outreach", "example.com"],
        vec!["disavow", "example.com"],
    ] {
        let r = run(backlinks()
            .args(&cmd)
            .arg("--db")
            .arg(&db)
            .arg("-o")
            .arg(&db));
        assert_eq!(r.code, 2, "{cmd:?}: {}", r.stderr);
        assert!(r.stderr.contains("is the history store"), "{}", r.stderr);
    }
    assert_eq!(std::fs::read(&db).unwrap(), store);
}

#[test]
fn reading_commands_work_on_a_read_only_store() {
    let s = Server::start();
    crate::disavow::serve(&s);
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let ro = dir.path().join("store");
    std::fs::create_dir(&ro).unwrap();
    let db = ro.join("h.sqlite3");
    crate::disavow::audit(&s, dir.path(), &db);
    crate::disavow::audit(&s, dir.path(), &db);
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = names(&ro);
    for args in [
        vec!["history", "example.com"],
        vec!["diff", "example.com"],
        vec!["outreach", "example.com"],
        vec!["disavow", "example.com"],
    ] {
        let mut cmd = backlinks();
        cmd.args(&args).arg("--db").arg(&db);
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            // Permissions do not bind root: run as `nobody`.
            use std::os::unix::process::CommandExt;
            cmd.uid(65534).gid(65534);
        }
        let r = run(&mut cmd);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(!r.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(names(&ro), before, "nothing was created beside the store");
}

/// Waits until `dir` holds a staged report (`.backlinks-*.tmp`) or `child` has ended.
fn wait_for_staging(dir: &Path, child: &mut std::process::Child) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if names(dir).iter().any(|n| n.starts_with(".backlinks-")) {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

#[test]
fn every_signal_while_reports_are_written_leaves_no_temporary_file_and_exits_130() {
    // An archive of 1,500 pages: rendering its reports takes long enough to be caught.
    let dir = tempfile::tempdir().unwrap();
    let mut warc = Vec::new();
    for i in 0..1500 {
        let body = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head><title>Page {i}\
             </title></head><body><article><p>Review number {i} of many, with a long enough \
             text to be read as content. <a href='https://example.com/p{i}'>Example {i}</a> \
             was the fastest.</p></article></body></html>"
        );
        warc.extend(
            format!(
                "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://site{i}.test/\r\n\
                 Content-Length: {}\r\n\r\n{body}\r\n\r\n",
                body.len()
            )
            .into_bytes(),
        );
    }
    let archive = dir.path().join("pages.warc");
    std::fs::write(&archive, warc).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut caught = 0;
    for signal in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT] {
        let mut cmd = backlinks();
        cmd.args([
            "audit",
            "example.com",
            "--no-store",
            "--format",
            "html",
            "--archive",
        ])
        .arg(&archive)
        .arg("-o")
        .arg(out.join("report.html"));
        for (i, f) in ["json", "csv", "markdown", "html"].iter().enumerate() {
            cmd.arg("--report")
                .arg(format!("{f}={}", out.join(format!("r{i}.{f}")).display()));
        }
        let mut child = spawn(&mut cmd);
        if !wait_for_staging(&out, &mut child) {
            // The run finished before a report was seen staged: nothing to interrupt.
            let _ = child.wait();
            for f in names(&out) {
                std::fs::remove_file(out.join(f)).unwrap();
            }
            continue;
        }
        // SAFETY: a plain syscall on the pid of our own running child.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
        let r = wait_measured(child, Duration::from_secs(30)).run;
        assert_eq!(r.code, 130, "signal {signal}: {}", r.stderr);
        assert!(r.stderr.contains("interrupted"), "{}", r.stderr);
        let left = names(&out);
        assert!(
            !left.iter().any(|n| n.starts_with(".backlinks-")),
            "signal {signal} left {left:?}"
        );
        for f in left {
            std::fs::remove_file(out.join(f)).unwrap();
        }
        caught += 1;
    }
    assert!(caught > 0, "no run was caught while writing its reports");
}

#[test]
fn sigterm_ends_a_run_waiting_for_its_input_with_130() {
    // Outside any crawl: reading `--from -` from a pipe that never closes.
    let mut cmd = backlinks();
    cmd.args(["audit", "example.com", "--no-store", "--from", "-"]);
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: a plain syscall on the pid of our own running child.
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) },
        0
    );
    let r = wait_measured(child, Duration::from_secs(10)).run;
    drop(stdin);
    assert_eq!(r.code, 130, "{}", r.stderr);
    assert!(r.stderr.contains("interrupted (SIGTERM)"), "{}", r.stderr);
}

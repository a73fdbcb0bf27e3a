//! Test support: a local HTTP server, and helpers to run the binary and read its JSON.

pub mod bombs;
mod server;
pub mod tls;
pub mod wat;

pub use server::{Misbehave, Reply, Server};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// The binary, with an environment that cannot leak the developer's own settings: its data
/// directory (audit history) is a fresh one under cargo's test scratch directory, never the
/// user's.
pub fn backlinks() -> Command {
    let data = tempfile::Builder::new()
        .prefix("data-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a scratch data directory")
        .keep();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlinks"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .env("BACKLINKS_DATA_DIR", data);
    cmd
}

/// The output of a finished command, with helpers.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Runs a command to completion.
pub fn run(cmd: &mut Command) -> Run {
    cmd.output().expect("the binary runs").into()
}

/// Writes `text` to `name` in `dir` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The page of an audit JSON report with this source URL.
pub fn page<'a>(report: &'a serde_json::Value, url: &str) -> &'a serde_json::Value {
    report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["source_url"] == url)
        .unwrap_or_else(|| panic!("no page {url} in {report:#}"))
}

/// The codes of a JSON array of flags (`[{"code": ...}, ...]`), in order.
pub fn codes(flags: &serde_json::Value) -> Vec<String> {
    flags
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// `backlinks audit example.com --format json`, for the modules' audit helpers to add their
/// own flags to.
pub fn audit_cmd() -> Command {
    let mut cmd = backlinks();
    cmd.args(["audit", "example.com", "--format", "json"]);
    cmd
}

/// A finished child with its peak resident memory.
pub struct Measured {
    pub run: Run,
    /// Peak resident set size of the child, in KiB (`ru_maxrss` of `wait4`).
    pub peak_rss_kib: u64,
}

/// Runs `cmd`, killing it if it is still running after `limit` (a hang fails the test
/// instead of stalling the suite), and measures its peak memory. The child is reaped with
/// `wait4`, whose resource usage covers that one child only, unlike `RUSAGE_CHILDREN`, which
/// would mix in the children of tests running in parallel.
pub fn run_measured(cmd: &mut Command, limit: std::time::Duration) -> Measured {
    let child = spawn(cmd);
    wait_measured(child, limit)
}

/// Starts `cmd` with piped output (read by [`wait_measured`]).
pub fn spawn(cmd: &mut Command) -> std::process::Child {
    use std::process::Stdio;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// Waits for a child started by [`spawn`]; see [`run_measured`].
pub fn wait_measured(mut child: std::process::Child, limit: std::time::Duration) -> Measured {
    use std::io::Read;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let pid = child.id() as libc::pid_t;
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let done = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicBool::new(false));
    let (d, k) = (Arc::clone(&done), Arc::clone(&killed));
    std::thread::spawn(move || {
        let start = std::time::Instant::now();
        while !d.load(Ordering::SeqCst) {
            if start.elapsed() > limit {
                k.store(true, Ordering::SeqCst);
                // SAFETY: plain syscall on the pid of our own, not yet reaped, child.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    });
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value, filled in by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the two locals.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    done.store(true, Ordering::SeqCst);
    assert_eq!(r, pid, "wait4 failed");
    assert!(
        !killed.load(Ordering::SeqCst),
        "the run did not finish within {limit:?}"
    );
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let run = Run {
        code,
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    };
    Measured {
        run,
        peak_rss_kib: usage.ru_maxrss as u64,
    }
}

/// Asserts that `v` has the key `key` and that its value is null: indexing a JSON value gives
/// null for a missing key too, so `v[key].is_null()` would pass after a rename.
#[track_caller]
pub fn assert_null(v: &serde_json::Value, key: &str) {
    match v.get(key) {
        Some(serde_json::Value::Null) => {}
        Some(other) => panic!("`{key}` is {other}, not null"),
        None => panic!("no key `{key}` in {v}"),
    }
}

/// Moves every audit saved in the history store `db` `days` days into the past, as if it had
/// run then: velocity and spikes need at least a day between audits, and tests run seconds
/// apart.
pub fn age_store(db: &Path, days: u32) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute(
        "UPDATE snapshots SET generated_at = strftime('%Y-%m-%dT%H:%M:%fZ', generated_at, ?1)",
        [format!("-{days} days")],
    )
    .unwrap();
}

/// The system's Chromium, if installed (the names `--render` looks for, and Google's
/// stable build).
pub fn chromium() -> Option<PathBuf> {
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| {
        std::env::var_os("PATH")
            .map(|p| {
                std::env::split_paths(&p)
                    .map(|d| d.join(name))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    })
    .find(|p| p.is_file())
}

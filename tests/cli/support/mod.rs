//! Test support: a local HTTP server, and helpers to run the binary and read its JSON.

mod server;

pub use server::{Reply, Server};

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

//! Logs for people debugging a run: what each phase did and, at `debug`, every request with
//! its answer and every retry. Off unless asked for, so that reports, cron mails and CI logs
//! carry only the report and its warnings; asked for with `-v` (info), `-vv` (debug), `-vvv`
//! (trace), `-L LEVEL` (cargo-deny's flag) or `RUST_LOG` (any `tracing` directive, e.g.
//! `RUST_LOG=backlinks=debug,reqwest=trace`). Lines go to standard error; while they are on,
//! the progress bar is not drawn, so the two never interleave.

use clap::ValueEnum;
use std::sync::atomic::{AtomicBool, Ordering};
use tracing_subscriber::EnvFilter;

/// `-L/--log-level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    /// Only failures of the run itself.
    Error,
    /// Also what may need a look (retries given up, unreadable robots.txt).
    Warn,
    /// Also each phase: inputs read, pages fetched, the report written.
    Info,
    /// Also every request, its answer and time, every retry and robots.txt decision.
    Debug,
    /// Everything backlinks logs.
    Trace,
}

impl LogLevel {
    fn directive(self) -> &'static str {
        match self {
            LogLevel::Error => "backlinks=error",
            LogLevel::Warn => "backlinks=warn",
            LogLevel::Info => "backlinks=info",
            LogLevel::Debug => "backlinks=debug",
            LogLevel::Trace => "backlinks=trace",
        }
    }
}

static ON: AtomicBool = AtomicBool::new(false);

/// Whether log lines are written (the progress bar stays hidden then).
pub fn enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

/// The filter: `-L` wins over `-v`, which wins over `RUST_LOG`; none of them means no logs.
fn filter(verbose: u8, level: Option<LogLevel>, rust_log: Option<&str>) -> Option<EnvFilter> {
    let level = level.or(match verbose {
        0 => None,
        1 => Some(LogLevel::Info),
        2 => Some(LogLevel::Debug),
        _ => Some(LogLevel::Trace),
    });
    if let Some(level) = level {
        return Some(EnvFilter::new(level.directive()));
    }
    let directives = rust_log.map(str::trim).filter(|d| !d.is_empty())?;
    // A directive tracing cannot read is skipped by `EnvFilter::new`, as RUST_LOG is in
    // other tools: a typo in an environment variable must not stop a cron audit.
    Some(EnvFilter::new(directives))
}

/// Starts writing logs to standard error when asked for.
pub fn init(verbose: u8, level: Option<LogLevel>) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let Some(filter) = filter(verbose, level, rust_log.as_deref()) else {
        return;
    };
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_timer(tracing_subscriber::fmt::time::uptime())
        .try_init();
    if installed.is_ok() {
        ON.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_flag_wins_over_verbose_and_rust_log() {
        assert!(filter(0, None, None).is_none());
        assert!(filter(0, None, Some("  ")).is_none());
        let f = |v, l, r| filter(v, l, r).map(|f| f.to_string());
        assert_eq!(f(1, None, Some("trace")).as_deref(), Some("backlinks=info"));
        assert_eq!(f(2, None, None).as_deref(), Some("backlinks=debug"));
        assert_eq!(f(5, None, None).as_deref(), Some("backlinks=trace"));
        assert_eq!(
            f(3, Some(LogLevel::Warn), None).as_deref(),
            Some("backlinks=warn")
        );
        assert_eq!(
            f(0, None, Some("backlinks=debug")).as_deref(),
            Some("backlinks=debug")
        );
    }
}

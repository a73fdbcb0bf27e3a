//! Exit statuses: the contract cron and CI rely on (see the README's "Exit codes").

use std::process::ExitCode;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The run finished and no gate failed (0).
    Pass,
    /// The run finished and a `--fail-on` gate failed (1).
    GateFailed,
    /// No trustworthy result (2). Errors normally travel as `Err`; this is for callers that
    /// report an error themselves.
    Error,
    /// Interrupted by Ctrl-C (130); nothing was written.
    Interrupted,
}

impl ExitStatus {
    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Pass => 0,
            ExitStatus::GateFailed => 1,
            ExitStatus::Error => 2,
            ExitStatus::Interrupted => 130,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        ExitCode::from(s.code())
    }
}

//! One function per subcommand. Each resolves its raw arguments into settings once
//! ([`resolve`]), runs the pipeline stages, and returns how the run ended; run-ending problems
//! are `Err` (exit 2).

pub mod audit;
pub mod authority;
pub mod disavow;
pub mod explain;
pub mod gap;
pub mod history;
pub mod init;
pub mod inspect;
pub mod outreach;
pub mod resolve;
pub mod sources;

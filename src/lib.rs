//! `backlinks` audits a site's backlink profile: it takes candidate referring pages, fetches
//! each one politely, finds every link to the target with its anchor text, `rel` and placement,
//! scores each link from named rules with evidence, and renders a report.
//!
//! The pipeline, one module per stage, one type per stage boundary:
//!
//! ```text
//! ingest            pipeline: a PageSource   extract (pure)      score (pure)     report
//! inputs ─► Candidate ─► FetchedPage ─────► PageVerdict ───────► Audit ─────────► table/json/csv
//!                      (network: crawl,      (links, placement,  (quality,
//!                       or an archive)        signals)            toxicity, flags)
//! ```
//!
//! Each command first resolves its arguments, the environment, `backlinks.toml` and the
//! stored settings into one [`settings`] value; the stages below receive that (or plain
//! parts of it), never the command line's types.
//!
//! Per-page failures are data (`FetchOutcome`, `PageStatus`), never errors; only problems that
//! make the whole run untrustworthy are `Err` and exit with code 2.
//!
//! ```
//! use backlinks::extract::{analyze, LinkFilter};
//! use backlinks::model::{Placement, Target};
//!
//! let target = Target::parse("example.com").unwrap();
//! let html = r#"<article><p>We tested many tools; <a href="https://www.example.com/">Example</a>
//!     was the fastest of them all by a long way, and it is free.</p></article>"#;
//! let page = url::Url::parse("https://blog.test/post").unwrap();
//! let found = analyze(html, Some(&page), &[], LinkFilter::Target(&target));
//! assert_eq!(found.links.len(), 1);
//! assert_eq!(found.links[0].placement, Placement::Content);
//! ```

#![warn(missing_docs)]

pub mod actions;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod config;
pub mod crawl;
pub mod discover;
pub mod exit;
pub mod extract;
pub mod gap;
pub mod gate;
pub mod ingest;
pub mod interrupt;
pub mod logging;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod report;
pub mod score;
pub mod settings;
pub mod store;
pub mod trust;

pub use exit::ExitStatus;

/// Runs a parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<ExitStatus> {
    // SIGINT, SIGTERM and SIGHUP end every command alike (exit 130, no temporary files).
    interrupt::install();
    report::color::set(cli.color);
    logging::init(cli.verbose, cli.log_level);
    match cli.command {
        cli::Command::Audit(args) => commands::audit::run(args, &cli.given),
        cli::Command::Inspect(args) => commands::inspect::run(args, &cli.given),
        cli::Command::Sources(args) => commands::sources::run(args),
        cli::Command::Explain(args) => commands::explain::run(&args),
        cli::Command::Authority(args) => commands::authority::run(args),
        cli::Command::Init(args) => commands::init::run(&args),
        cli::Command::History(args) => commands::history::run_history(args),
        cli::Command::Diff(args) => commands::history::run_diff(args),
        cli::Command::Disavow(args) => commands::disavow::run(args),
        cli::Command::Outreach(args) => commands::outreach::run(args),
        cli::Command::Gap(args) => commands::gap::run(args, &cli.given),
        cli::Command::Completions(args) => commands::completions::completions(&args),
        cli::Command::Man => commands::completions::man(),
        cli::Command::Discover(args) => commands::discover::run(args),
    }
}

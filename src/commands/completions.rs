//! `completions` and `man`: the shell completion scripts and the man page, generated from the
//! same clap definition that parses the command line, so they never disagree with `--help`.

use crate::ExitStatus;
use crate::cli::{Cli, CompletionsArgs};
use crate::output;
use clap::CommandFactory;

/// Writes the completion script for the chosen shell to standard output.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitStatus> {
    // Generated into memory first: clap_complete panics when its writer fails.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "backlinks", &mut script);
    output::write_report(None, |w| w.write_all(&script))?;
    Ok(ExitStatus::Pass)
}

/// Writes the man page, in roff, to standard output.
pub fn man() -> anyhow::Result<ExitStatus> {
    output::write_report(None, |w| clap_mangen::Man::new(Cli::command()).render(w))?;
    Ok(ExitStatus::Pass)
}

//! `completions` and `man`: the shell completion scripts and the man page, generated from the
//! same clap definition that parses the command line, so they never disagree with `--help`.

use crate::ExitStatus;
use crate::cli::{Cli, CompletionsArgs};
use clap::CommandFactory;
use std::io::Write;

/// Writes the completion script for the chosen shell to standard output.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitStatus> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "backlinks", &mut out);
    write_stdout(&out)
}

/// Writes the man page, in roff, to standard output.
pub fn man() -> anyhow::Result<ExitStatus> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    write_stdout(&out)
}

/// One write of the whole text: a closed pipe (`backlinks man | head`) is an error, not a panic.
fn write_stdout(text: &[u8]) -> anyhow::Result<ExitStatus> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text)?;
    stdout.flush()?;
    Ok(ExitStatus::Pass)
}

//! The `backlinks` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

// See the note on `tikv-jemallocator` in Cargo.toml.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2 (the contract's "bad arguments").
    let cli = backlinks::cli::Cli::parse_args();
    let outcome = backlinks::run(cli);
    backlinks::interrupt::settle();
    match outcome {
        Ok(status) => status.into(),
        Err(err) => {
            backlinks::output::error(&err);
            backlinks::ExitStatus::Error.into()
        }
    }
}

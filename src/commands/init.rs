//! `backlinks init`: writes the commented `backlinks.toml` template (compiled into the binary)
//! with every setting at its default, ready to be edited.

use crate::cli::InitArgs;
use crate::config::TEMPLATE;
use crate::exit::ExitStatus;
use crate::output;
use anyhow::bail;

/// Runs `init`.
pub fn run(args: &InitArgs) -> anyhow::Result<ExitStatus> {
    if args.output.exists() && !args.force {
        bail!(
            "`{}` already exists; pass --force to overwrite it",
            args.output.display()
        );
    }
    output::write_report(Some(&args.output), |w| w.write_all(TEMPLATE.as_bytes()))?;
    output::write_report(None, |w| {
        writeln!(
            w,
            "wrote {}: every setting is commented out at its default; uncomment what you change",
            args.output.display()
        )
    })?;
    Ok(ExitStatus::Pass)
}

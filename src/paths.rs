//! Where `backlinks` keeps its data between runs (the authority rank table, the audit history):
//! `--data-dir`, else `BACKLINKS_DATA_DIR`, else the XDG data directory (`$XDG_DATA_HOME`,
//! default `~/.local/share`) + `/backlinks`, on every Unix including macOS, so that a cron job
//! and an interactive shell agree on one place.

use anyhow::Context;
use clap::Args;
use std::path::{Path, PathBuf};

/// Environment variable naming the data directory.
pub const DATA_DIR_ENV: &str = "BACKLINKS_DATA_DIR";

/// The `--data-dir` option, shared by every command that reads or writes stored data.
#[derive(Debug, Clone, Default, Args)]
pub struct DataDirArgs {
    /// Directory for stored data (rank tables, history). Default: $BACKLINKS_DATA_DIR, else
    /// $XDG_DATA_HOME/backlinks (~/.local/share/backlinks).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl DataDirArgs {
    /// The data directory, or `None` when none can be determined (no flag, no environment
    /// variable and no home directory). It may not exist yet.
    pub fn resolve(&self) -> Option<PathBuf> {
        resolve(
            self.data_dir.as_deref(),
            std::env::var_os(DATA_DIR_ENV).map(PathBuf::from),
        )
    }

    /// The data directory (it may not exist yet); an error when it cannot be determined.
    pub fn require(&self) -> anyhow::Result<PathBuf> {
        self.resolve().with_context(|| {
            format!(
                "cannot find a data directory: there is no home directory; \
                 give one with --data-dir DIR or {DATA_DIR_ENV}"
            )
        })
    }

    /// The data directory, created if missing; an error when it cannot be determined or made.
    pub fn create(&self) -> anyhow::Result<PathBuf> {
        let dir = self.require()?;
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the data directory `{}`", dir.display()))?;
        Ok(dir)
    }
}

fn resolve(flag: Option<&Path>, env: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(p) = flag {
        return Some(p.to_path_buf());
    }
    if let Some(p) = env.filter(|p| !p.as_os_str().is_empty()) {
        return Some(p);
    }
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.data_dir().join("backlinks"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_environment() {
        let flag = Path::new("/tmp/flag");
        assert_eq!(
            resolve(Some(flag), Some("/tmp/env".into())),
            Some(flag.to_path_buf())
        );
        assert_eq!(
            resolve(None, Some("/tmp/env".into())),
            Some(PathBuf::from("/tmp/env"))
        );
        // An empty variable counts as unset.
        let fallback = resolve(None, Some(PathBuf::new()));
        assert!(fallback.is_none_or(|p| p.ends_with("backlinks")));
    }
}

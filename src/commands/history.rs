//! `backlinks history` and `backlinks diff`: read the history store, never write it (beyond
//! upgrading its schema), so they need no lock and run while an audit is saving (WAL).

use super::resolve;
use crate::cli::{DiffArgs, HistoryArgs};
use crate::compare::compare;
use crate::exit::ExitStatus;
use crate::model::{Diff, History, PreviousAudit, Target};
use crate::output;
use crate::report::{RenderOptions, history};
use crate::settings::Env;
use crate::store::{self, Store};
use anyhow::bail;

/// Runs `history`.
pub fn run_history(args: HistoryArgs) -> anyhow::Result<ExitStatus> {
    if args.gap {
        return super::gap::run_history(&args);
    }
    let store = Store::open_read_only(resolve::storage(&args.db, &Env::from_process()).db()?)?;
    let targets = store.targets()?;
    let Some(target) = &args.target else {
        // No target: what the store holds, one line per target.
        output::write_report(None, |w| history::render_targets(args.format, &targets, w))?;
        return Ok(ExitStatus::Pass);
    };
    let target = Target::parse(target)?;
    let snapshots = store.snapshots(&target.domain)?;
    if snapshots.is_empty() {
        let names: Vec<&str> = targets.iter().map(|t| t.target.as_str()).collect();
        let hint = match crate::model::closest(&target.domain, names.iter().copied()) {
            Some(t) => format!(": did you mean `{t}`?"),
            None if names.is_empty() => " (it holds no audits)".to_string(),
            None => format!("; it holds audits of {}", names.join(", ")),
        };
        bail!(
            "no stored audits of {} in `{}`{hint}",
            target.domain,
            store.path().display()
        );
    }
    let doc = History {
        snapshots,
        target: target.domain,
    };
    let opts = RenderOptions {
        fit_terminal: output::stdout_is_terminal(),
        ..RenderOptions::default()
    };
    output::write_report(None, |w| {
        history::render_history(args.format, &doc, &opts, w)
    })?;
    Ok(ExitStatus::Pass)
}

/// Runs `diff`.
pub fn run_diff(args: DiffArgs) -> anyhow::Result<ExitStatus> {
    if args.gap {
        return super::gap::run_diff(&args);
    }
    let target = Target::parse(&args.target)?;
    let db = resolve::storage(&args.db, &Env::from_process())
        .db()?
        .to_path_buf();
    if let Some(out) = &args.output {
        output::check_output_beside_store(out, &db)?;
    }
    let store = Store::open_read_only(&db)?;
    let shown = store.path().display().to_string();
    let snaps = store.snapshots(&target.domain)?;
    let find = |id: i64| {
        snaps
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| store::StoreError::NoSnapshot {
                path: shown.clone(),
                target: target.domain.clone(),
                id,
            })
    };
    let to = match args.to {
        Some(id) => find(id)?,
        None if snaps.is_empty() => bail!(
            "no stored audits of {} in `{shown}`: run `backlinks audit {}` first",
            target.domain,
            target.domain
        ),
        None => snaps.len() - 1,
    };
    let from = match args.from {
        Some(id) => find(id)?,
        None if to == 0 => bail!(
            "snapshot {} is the first stored audit of {}: a diff needs an earlier one (run \
             `backlinks audit` again, or pass --from/--to)",
            snaps[to].id,
            target.domain
        ),
        None => to - 1,
    };
    if from >= to {
        bail!(
            "--from {} must be an older snapshot of {} than --to {}",
            snaps[from].id,
            target.domain,
            snaps[to].id
        );
    }
    let (from, to) = (&snaps[from], &snaps[to]);
    let previous = store.load(&target.domain, from.id)?;
    let current = store.load(&target.domain, to.id)?;
    let history = store::intervals_of(&snaps, from.id);
    let changed = match (store.settings_of(from.id)?, store.settings_of(to.id)?) {
        (Some(a), Some(b)) => crate::settings::scoring_changes(&a, &b),
        _ => Vec::new(),
    };
    let comparison = compare(
        &previous,
        &current,
        PreviousAudit {
            source: "store".into(),
            snapshot_id: Some(from.id),
            file: None,
            generated_at: from.generated_at.clone(),
        },
        &history,
        &changed,
    );
    let doc = Diff {
        target: target.domain.clone(),
        from: from.clone(),
        to: to.clone(),
        comparison,
    };
    let opts = RenderOptions {
        fit_terminal: args.output.is_none() && output::stdout_is_terminal(),
        ..RenderOptions::default()
    };
    output::write_report(args.output.as_deref(), |w| {
        history::render_diff(args.format, &doc, &opts, w)
    })?;
    Ok(ExitStatus::Pass)
}

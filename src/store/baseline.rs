//! `--baseline FILE`: a previous `audit --format json` report used instead of the store, for CI
//! runners without persistent disk (the baseline is committed to the repository and refreshed
//! with `--write-baseline`). Only the fields a comparison needs are read, so reports of older
//! and newer versions (extra fields) are accepted. The report's own `comparison.velocity`
//! carries the history forward, so velocity and spikes work from baselines too.

use crate::compare::{SnapLink, SnapPage, Snapshot};
use crate::model::{Interval, PageStatus, PreviousAudit};
use serde::Deserialize;
use std::path::Path;

/// A baseline that cannot be used (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be read.
    #[error("cannot read baseline `{path}`: {source}")]
    Read {
        /// The file as named.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a backlinks JSON report.
    #[error(
        "baseline `{path}` is not a backlinks JSON report (line {line}, column {column}): {reason}"
    )]
    Invalid {
        /// The file as named.
        path: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde said.
        reason: String,
    },
    /// The report audits another site.
    #[error("baseline `{path}` is an audit of {found}, not of {target}")]
    OtherTarget {
        /// The file as named.
        path: String,
        /// Its target.
        found: String,
        /// The target of this run.
        target: String,
    },
}

#[derive(Deserialize)]
struct Doc {
    target: String,
    generated_at: String,
    pages: Vec<Page>,
    #[serde(default)]
    comparison: Option<Cmp>,
}

#[derive(Deserialize)]
struct Page {
    source_url: String,
    source_domain: String,
    status: PageStatus,
    #[serde(default)]
    http_status: Option<u16>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    links: Vec<Link>,
}

#[derive(Deserialize)]
struct Link {
    target_url: String,
    #[serde(default)]
    anchor_text: String,
    #[serde(default)]
    rel: Vec<String>,
    placement: String,
    dofollow: bool,
    #[serde(default)]
    toxicity: u8,
}

#[derive(Deserialize)]
struct Cmp {
    velocity: Vel,
}

#[derive(Deserialize)]
struct Vel {
    intervals: Vec<Interval>,
}

/// A loaded baseline.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// The previous audit.
    pub snapshot: Snapshot,
    /// Where it came from, for the report.
    pub source: PreviousAudit,
    /// The intervals that led up to it (from its own comparison), oldest first.
    pub history: Vec<Interval>,
}

/// Reads the baseline report at `path` for an audit of `target`.
pub fn load(path: &Path, target: &str) -> Result<Baseline, BaselineError> {
    let name = path.display().to_string();
    // Parsed whole: read under the JSON report cap.
    let bytes = crate::ingest::decode::read_file(path, crate::ingest::MAX_JSON_BYTES).map_err(
        |source| BaselineError::Read {
            path: name.clone(),
            source,
        },
    )?;
    let doc: Doc = serde_json::from_slice(&bytes).map_err(|e| BaselineError::Invalid {
        path: name.clone(),
        line: e.line(),
        column: e.column(),
        reason: e.to_string(),
    })?;
    if doc.target != target {
        return Err(BaselineError::OtherTarget {
            path: name,
            found: doc.target,
            target: target.to_string(),
        });
    }
    let pages = doc
        .pages
        .into_iter()
        .map(|p| SnapPage {
            source_url: p.source_url,
            source_domain: p.source_domain,
            status: p.status,
            http_status: p.http_status,
            error: p.error,
            links: p
                .links
                .into_iter()
                .map(|l| SnapLink {
                    target_url: l.target_url,
                    anchor_text: l.anchor_text,
                    rel: l.rel,
                    placement: l.placement,
                    dofollow: l.dofollow,
                    toxicity: l.toxicity,
                })
                .collect(),
        })
        .collect();
    Ok(Baseline {
        source: PreviousAudit {
            source: "baseline".into(),
            snapshot_id: None,
            file: Some(name),
            generated_at: doc.generated_at.clone(),
        },
        snapshot: Snapshot {
            generated_at: doc.generated_at,
            pages,
        },
        history: doc
            .comparison
            .map(|c| c.velocity.intervals)
            .unwrap_or_default(),
    })
}

//! Competitor gap runs in the store: each `backlinks gap` run with its headline numbers and
//! settings, and what it concluded about every referring domain (opportunity, excluded,
//! already linking, gone) with the opportunities' scores, best pages and contact routes — what
//! `history --gap`, `diff --gap` and the `acquire` entries of `backlinks outreach` read.
//!
//! The tables are their own migration ([`MIGRATION`]); nothing here alters the audit tables.

use super::{Store, StoreError, sql_err};
use crate::actions::worklist::Prospect;
use crate::gap::compare::{self, DomainStatus, RunDomain};
use crate::model::{ContactKind, ContactRoute, GapReport, GapRunInfo};
use rusqlite::{TransactionBehavior, params};

/// The gap tables (appended to [`super::MIGRATIONS`]).
pub const MIGRATION: &str = r#"
-- The competitor gap (backlinks gap): one row per run, one per referring domain it concluded
-- about, and the contact routes of its opportunities.
CREATE TABLE gap_runs (
    id                 INTEGER PRIMARY KEY,
    target             TEXT NOT NULL,
    generated_at       TEXT NOT NULL,
    saved_at           TEXT NOT NULL,
    tool_version       TEXT NOT NULL,
    competitors        TEXT NOT NULL,   -- space-separated registrable domains, sorted
    settings           TEXT NOT NULL,
    pages              INTEGER NOT NULL,
    opportunities      INTEGER NOT NULL,
    excluded           INTEGER NOT NULL,
    already_linking    INTEGER NOT NULL,
    gone               INTEGER NOT NULL,
    mentions           INTEGER NOT NULL,
    -- against the previous run of the same target; NULL for the first one
    new_opportunities  INTEGER,
    lost_opportunities INTEGER
);
CREATE INDEX gap_runs_by_target ON gap_runs (target, id);
CREATE TABLE gap_domains (
    run_id      INTEGER NOT NULL REFERENCES gap_runs (id) ON DELETE CASCADE,
    domain      TEXT NOT NULL,
    status      TEXT NOT NULL,      -- opportunity | excluded | already-linking | gone
    score       INTEGER NOT NULL,   -- 0 unless an opportunity
    competitors TEXT NOT NULL,      -- space-separated
    authority   INTEGER,
    toxicity    INTEGER NOT NULL,
    source_url  TEXT,               -- an opportunity's best page
    links       INTEGER NOT NULL,   -- an opportunity's live competitor links
    PRIMARY KEY (run_id, domain)
) WITHOUT ROWID;
CREATE TABLE gap_contacts (
    run_id INTEGER NOT NULL REFERENCES gap_runs (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    kind   TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (run_id, domain, kind, value)
) WITHOUT ROWID;
"#;

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

impl Store {
    /// Saves a gap run in one transaction; returns its id.
    pub fn save_gap(
        &mut self,
        report: &GapReport,
        settings: &serde_json::Value,
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        let sql = sql_err(&path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        let s = &report.summary;
        let n = |v: usize| v as i64;
        tx.execute(
            "INSERT INTO gap_runs (target, generated_at, saved_at, tool_version, competitors, \
             settings, pages, opportunities, excluded, already_linking, gone, mentions, \
             new_opportunities, lost_opportunities) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                report.target,
                report.generated_at,
                jiff::Timestamp::now().to_string(),
                report.tool.version,
                report.competitors.join(" "),
                settings.to_string(),
                n(s.pages),
                n(s.opportunities),
                n(s.excluded),
                n(s.already_linking),
                n(s.gone),
                n(s.mentions),
                report.comparison.as_ref().map(|c| n(c.new.len())),
                report.comparison.as_ref().map(|c| n(c.lost.len())),
            ],
        )
        .map_err(&sql)?;
        let id = tx.last_insert_rowid();
        {
            let mut domain = tx
                .prepare(
                    "INSERT INTO gap_domains (run_id, domain, status, score, competitors, \
                     authority, toxicity, source_url, links) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(&sql)?;
            let mut contact = tx
                .prepare(
                    "INSERT OR IGNORE INTO gap_contacts (run_id, domain, kind, value) \
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(&sql)?;
            for d in compare::domains_of(report) {
                let o = report.opportunities.iter().find(|o| o.domain == d.domain);
                let toxicity = o.map(|o| o.toxicity).or_else(|| {
                    report
                        .excluded
                        .iter()
                        .find(|e| e.domain == d.domain)
                        .map(|e| e.toxicity)
                });
                domain
                    .execute(params![
                        id,
                        d.domain,
                        d.status.as_str(),
                        d.score,
                        d.competitors.join(" "),
                        o.and_then(|o| o.authority),
                        toxicity.unwrap_or(0),
                        o.map(|o| o.source_url.as_str()),
                        n(o.map_or(0, |o| o.links.len())),
                    ])
                    .map_err(&sql)?;
                for c in o.iter().flat_map(|o| &o.contacts) {
                    contact
                        .execute(params![id, d.domain, c.kind.as_str(), c.value])
                        .map_err(&sql)?;
                }
            }
        }
        tx.commit().map_err(&sql)?;
        Ok(id)
    }

    /// Every gap run of `target`, oldest first.
    pub fn gap_runs(&self, target: &str) -> Result<Vec<GapRunInfo>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, generated_at, competitors, pages, opportunities, excluded, \
                 already_linking, gone, mentions, new_opportunities, lost_opportunities \
                 FROM gap_runs WHERE target = ?1 ORDER BY id",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([target], |r| {
                let count = |i: usize| -> rusqlite::Result<usize> {
                    Ok(r.get::<_, i64>(i)?.max(0) as usize)
                };
                let opt = |i: usize| -> rusqlite::Result<Option<usize>> {
                    Ok(r.get::<_, Option<i64>>(i)?.map(|v| v.max(0) as usize))
                };
                Ok(GapRunInfo {
                    id: r.get(0)?,
                    generated_at: r.get(1)?,
                    competitors: words(&r.get::<_, String>(2)?),
                    pages: count(3)?,
                    opportunities: count(4)?,
                    excluded: count(5)?,
                    already_linking: count(6)?,
                    gone: count(7)?,
                    mentions: count(8)?,
                    new: opt(9)?,
                    lost: opt(10)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// What gap run `id` concluded about each referring domain, by domain.
    pub fn gap_domains(&self, id: i64) -> Result<Vec<RunDomain>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT domain, status, score, competitors FROM gap_domains WHERE run_id = ?1 \
                 ORDER BY domain",
            )
            .map_err(self.sql())?;
        let mut rows = stmt.query([id]).map_err(self.sql())?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(self.sql())? {
            let status: String = r.get(1).map_err(self.sql())?;
            let status = DomainStatus::parse(&status).ok_or_else(|| StoreError::Corrupt {
                path: self.path.display().to_string(),
                reason: format!("unknown gap status `{status}` in gap run {id}"),
            })?;
            out.push(RunDomain {
                domain: r.get(0).map_err(self.sql())?,
                status,
                score: r.get(2).map_err(self.sql())?,
                competitors: words(&r.get::<_, String>(3).map_err(self.sql())?),
            });
        }
        Ok(out)
    }

    /// The opportunities of gap run `id`, best first.
    pub fn gap_opportunities(&self, id: i64) -> Result<Vec<Prospect>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT domain, score, competitors, authority, toxicity, source_url, links \
                 FROM gap_domains WHERE run_id = ?1 AND status = 'opportunity' \
                 ORDER BY score DESC, domain",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([id], |r| {
                Ok(Prospect {
                    domain: r.get(0)?,
                    score: r.get(1)?,
                    competitors: words(&r.get::<_, String>(2)?),
                    authority: r.get(3)?,
                    toxicity: r.get(4)?,
                    source_url: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                    links: r.get::<_, i64>(6)?.max(0) as usize,
                    contacts: Vec::new(),
                })
            })
            .map_err(self.sql())?;
        let mut out: Vec<Prospect> = rows.collect::<Result<_, _>>().map_err(self.sql())?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT domain, kind, value FROM gap_contacts WHERE run_id = ?1 \
                 ORDER BY domain, kind, value",
            )
            .map_err(self.sql())?;
        let mut rows = stmt.query([id]).map_err(self.sql())?;
        while let Some(r) = rows.next().map_err(self.sql())? {
            let domain: String = r.get(0).map_err(self.sql())?;
            let kind: String = r.get(1).map_err(self.sql())?;
            let kind = ContactKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                path: self.path.display().to_string(),
                reason: format!("unknown contact kind `{kind}` in gap run {id}"),
            })?;
            if let Some(o) = out.iter_mut().find(|o| o.domain == domain) {
                o.contacts.push(ContactRoute {
                    kind,
                    value: r.get(2).map_err(self.sql())?,
                });
            }
        }
        Ok(out)
    }

    /// The targets whose latest gap run has `url` as the page of an opportunity (an `acquire`
    /// entry of the worklist), sorted.
    pub fn prospect_targets(&self, url: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT r.target FROM gap_domains d JOIN gap_runs r ON r.id = d.run_id \
                 WHERE d.source_url = ?1 AND d.status = 'opportunity' AND r.id = \
                 (SELECT max(id) FROM gap_runs WHERE target = r.target) ORDER BY r.target",
            )
            .map_err(self.sql())?;
        let rows = stmt.query_map([url], |r| r.get(0)).map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// The registrable domains of the live pages of snapshot `id` (the target's referring
    /// domains in that audit), sorted.
    pub fn live_domains(&self, id: super::SnapshotId) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT source_domain FROM pages WHERE snapshot_id = ?1 AND \
                 status = 'live' ORDER BY source_domain",
            )
            .map_err(self.sql())?;
        let rows = stmt.query_map([id], |r| r.get(0)).map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }
}

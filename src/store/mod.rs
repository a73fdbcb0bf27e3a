//! History store: every audit of every target, kept in an embedded SQLite database (WAL mode).
//!
//! A snapshot is one audit: its headline numbers, settings, tool and scoring versions and time
//! in `snapshots`, and normalised rows in `pages`, `links`, `flags` and `domains`, keyed by
//! `(snapshot_id, page_no[, link_no])` so that loading one snapshot for a diff is a range scan.
//! Each audit is saved in one transaction: a crash or `kill -9` at any moment leaves the old or
//! the new state, never half an audit. The schema version lives in `PRAGMA user_version`;
//! [`MIGRATIONS`] upgrades older files in place (also in one transaction).
//!
//! Writers are serialised by a lock file beside the database ([`lock::StoreLock`]), so that
//! overlapping cron runs wait for each other instead of interleaving.

pub mod baseline;
pub mod gap;
pub mod lock;
mod outreach;

use crate::compare::{SnapLink, SnapPage, Snapshot};
use crate::model::{Audit, Interval, PageStatus, SnapshotInfo};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The id of a stored snapshot (1, 2, 3... in order of saving, across targets).
pub type SnapshotId = i64;

/// Test-only hook: when set to a file path, saving an audit stops half-way through its
/// transaction, creates that file and sleeps (at most 60 s), so that a test can kill the
/// process mid-save and check that the store holds the old state.
pub const TEST_PAUSE_ENV: &str = "BACKLINKS_TEST_PAUSE_IN_SAVE";

/// Schema migrations; migration `i` brings `user_version` from `i` to `i + 1`. Append only.
pub const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE snapshots (
    id                INTEGER PRIMARY KEY,
    target            TEXT NOT NULL,
    generated_at      TEXT NOT NULL,
    saved_at          TEXT NOT NULL,
    tool_version      TEXT NOT NULL,
    scoring_version   INTEGER NOT NULL,
    schema_version    INTEGER NOT NULL,
    settings          TEXT NOT NULL,
    referring_pages   INTEGER NOT NULL,
    referring_domains INTEGER NOT NULL,
    live              INTEGER NOT NULL,
    lost              INTEGER NOT NULL,
    unreachable       INTEGER NOT NULL,
    skipped           INTEGER NOT NULL,
    backlinks         INTEGER NOT NULL,
    dofollow          INTEGER NOT NULL,
    nofollow          INTEGER NOT NULL,
    toxic             INTEGER NOT NULL,
    live_domains      INTEGER NOT NULL,
    health_score      INTEGER NOT NULL,
    -- against the previous snapshot of the same target; NULL for the first one
    new_links         INTEGER,
    lost_links        INTEGER,
    changed_links     INTEGER,
    new_domains       INTEGER,
    lost_domains      INTEGER,
    new_toxic_domains INTEGER
);
CREATE INDEX snapshots_by_target ON snapshots (target, id);
CREATE TABLE pages (
    snapshot_id   INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    page_no       INTEGER NOT NULL,
    source_url    TEXT NOT NULL,
    source_domain TEXT NOT NULL,
    status        TEXT NOT NULL,
    http_status   INTEGER,
    final_url     TEXT,
    error         TEXT,
    title         TEXT,
    sources       TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, page_no)
) WITHOUT ROWID;
CREATE TABLE links (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    page_no     INTEGER NOT NULL,
    link_no     INTEGER NOT NULL,
    target_url  TEXT NOT NULL,
    anchor_text TEXT NOT NULL,
    anchor_type TEXT NOT NULL,
    rel         TEXT NOT NULL,
    placement   TEXT NOT NULL,
    dofollow    INTEGER NOT NULL,
    quality     INTEGER NOT NULL,
    toxicity    INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, page_no, link_no)
) WITHOUT ROWID;
CREATE TABLE flags (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    page_no     INTEGER NOT NULL,
    link_no     INTEGER,            -- NULL: a finding on the page itself
    code        TEXT NOT NULL,
    severity    TEXT NOT NULL,
    evidence    TEXT NOT NULL
);
CREATE INDEX flags_by_snapshot ON flags (snapshot_id, code);
CREATE TABLE domains (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    domain      TEXT NOT NULL,
    pages       INTEGER NOT NULL,
    links       INTEGER NOT NULL,
    authority   INTEGER,
    toxicity    INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, domain)
) WITHOUT ROWID;
"#,
    r#"
-- 2: the removal workflow (issue 8). Contact routes of the pages on the removal worklist, per
-- snapshot, and the removal requests made (per target and page, not per snapshot: a request
-- outlives the audit it followed).
CREATE TABLE contacts (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    source_url  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, source_url, kind, value)
) WITHOUT ROWID;
CREATE TABLE outreach (
    id           INTEGER PRIMARY KEY,
    target       TEXT NOT NULL,
    source_url   TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    via          TEXT,
    note         TEXT
);
CREATE INDEX outreach_by_page ON outreach (target, source_url);
"#,
    gap::MIGRATION,
    r#"
-- 4: a health score is n/a without live links (no evidence is no clean bill of health). The
-- score column stays NOT NULL (0 then) and this flag says it is n/a.
ALTER TABLE snapshots ADD COLUMN health_na INTEGER NOT NULL DEFAULT 0;
"#,
];

/// A run-ending problem with the history store (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or read.
    #[error("history store `{path}`: {source}")]
    Sql {
        /// The database file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The directory for the database could not be created.
    #[error("cannot create the directory of the history store `{path}`: {source}")]
    Dir {
        /// The database file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Reading commands need an existing store.
    #[error(
        "no audit history: `{path}` does not exist (run `backlinks audit` first, or pass --db)"
    )]
    Missing {
        /// The database file.
        path: String,
    },
    /// The file was written by a newer version of the tool.
    #[error(
        "history store `{path}` has schema version {found}, newer than this backlinks knows \
         ({known}): upgrade backlinks"
    )]
    TooNew {
        /// The database file.
        path: String,
        /// Its `user_version`.
        found: i64,
        /// The newest this build knows.
        known: usize,
    },
    /// A stored value this build cannot read.
    #[error("history store `{path}` is damaged: {reason}")]
    Corrupt {
        /// The database file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// No such snapshot of the target.
    #[error("no snapshot {id} of {target} in `{path}` (see `backlinks history {target}`)")]
    NoSnapshot {
        /// The database file.
        path: String,
        /// The target.
        target: String,
        /// The id asked for.
        id: SnapshotId,
    },
    /// Another run holds the store's lock.
    #[error(
        "the history store is locked by another backlinks run (lock file `{lock}`); gave up \
         after waiting {waited}s (raise --lock-timeout, or use --no-store)"
    )]
    Locked {
        /// The lock file.
        lock: String,
        /// Seconds waited.
        waited: u64,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock the history store with `{lock}`: {source}")]
    Lock {
        /// The lock file.
        lock: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// An open history database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating it and its directory if needed) and migrates the database.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Dir {
                path: path.display().to_string(),
                source,
            })?;
        }
        Self::open_with(path, OpenFlags::default())
    }

    /// Opens an existing database (for reading commands); a missing file is an error.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Missing {
                path: path.display().to_string(),
            });
        }
        Self::open_with(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    }

    /// Opens an existing database for reading only (`history`, `diff`, `outreach`, `disavow`):
    /// such a command never changes the store, and works on one in a read-only file or
    /// directory. SQLite's reader of a WAL database needs its `-shm` and `-wal` files; where
    /// they cannot be created (a read-only directory) and no `-wal` file holds unmerged
    /// changes, the file is read as immutable instead. A store of an older schema is migrated
    /// once by a writing open, which needs write access (the error says so).
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Missing {
                path: path.display().to_string(),
            });
        }
        let store = match Self::connect_read_only(path, false) {
            Err(StoreError::Sql { .. }) if !has_pending_wal(path) => {
                Self::connect_read_only(path, true)?
            }
            other => other?,
        };
        let found = store
            .conn
            .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .map_err(store.sql())?;
        if found > MIGRATIONS.len() as i64 {
            return Err(StoreError::TooNew {
                path: path.display().to_string(),
                found,
                known: MIGRATIONS.len(),
            });
        }
        if found < MIGRATIONS.len() as i64 {
            drop(store);
            return Self::open_existing(path);
        }
        Ok(store)
    }

    /// A read-only connection whose first read has succeeded (opening is lazy in SQLite).
    fn connect_read_only(path: &Path, immutable: bool) -> Result<Store, StoreError> {
        let sql = sql_err(path);
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = if immutable {
            let uri = file_uri(path).ok_or_else(|| StoreError::Corrupt {
                path: path.display().to_string(),
                reason: "cannot name it as a file URI".into(),
            })?;
            Connection::open_with_flags(uri, flags)
        } else {
            Connection::open_with_flags(path, flags)
        }
        .map_err(&sql)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(&sql)?;
        conn.pragma_update(None, "query_only", "ON").map_err(&sql)?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(&sql)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn open_with(path: &Path, flags: OpenFlags) -> Result<Store, StoreError> {
        let sql = sql_err(path);
        let conn = Connection::open_with_flags(path, flags).map_err(&sql)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(&sql)?;
        // WAL: readers (history, diff) never block the writer and a crash never corrupts;
        // synchronous=FULL makes a committed audit survive a power cut too.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(&sql)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(&sql)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(&sql)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        sql_err(&self.path)
    }

    /// Brings the schema to the newest version, in one transaction.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = sql_err(&path);
        let version = |c: &Connection| -> Result<i64, StoreError> {
            c.pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(sql_err(&path))
        };
        let check = |found: i64| {
            if found > MIGRATIONS.len() as i64 {
                Err(StoreError::TooNew {
                    path: path.display().to_string(),
                    found,
                    known: MIGRATIONS.len(),
                })
            } else {
                Ok(found)
            }
        };
        if check(version(&self.conn)?)? == MIGRATIONS.len() as i64 {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        // Read again under the write lock: another process may have migrated meanwhile.
        let current = check(version(&tx)?)?;
        for step in &MIGRATIONS[current as usize..] {
            tx.execute_batch(step).map_err(&sql)?;
        }
        tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)
            .map_err(&sql)?;
        tx.commit().map_err(&sql)
    }

    /// Saves `audit` as a new snapshot in one transaction. `interval` holds its changes since
    /// the previous snapshot of the target (None for the first); `settings` is the effective
    /// configuration of the run.
    pub fn save_audit(
        &mut self,
        audit: &Audit,
        interval: Option<&crate::model::ChangeCounts>,
        settings: &serde_json::Value,
    ) -> Result<SnapshotId, StoreError> {
        let path = self.path.clone();
        let sql = sql_err(&path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        let s = &audit.summary;
        let n = |v: usize| v as i64;
        tx.execute(
            "INSERT INTO snapshots (target, generated_at, saved_at, tool_version, \
             scoring_version, schema_version, settings, referring_pages, referring_domains, \
             live, lost, unreachable, skipped, backlinks, dofollow, nofollow, toxic, \
             live_domains, health_score, new_links, lost_links, changed_links, new_domains, \
             lost_domains, new_toxic_domains, health_na) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
             ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, \
             ?26)",
            params![
                audit.target,
                audit.generated_at,
                jiff::Timestamp::now().to_string(),
                audit.tool.version,
                audit.tool.scoring_version,
                audit.schema_version,
                settings.to_string(),
                n(s.referring_pages),
                n(s.referring_domains),
                n(s.live),
                n(s.lost),
                n(s.unreachable),
                n(s.skipped),
                n(s.backlinks),
                n(s.dofollow),
                n(s.nofollow),
                n(s.toxic),
                n(s.live_domains),
                s.health_score.unwrap_or(0),
                interval.map(|c| n(c.new_links)),
                interval.map(|c| n(c.lost_links)),
                interval.map(|c| n(c.changed_links)),
                interval.map(|c| n(c.new_domains)),
                interval.map(|c| n(c.lost_domains)),
                interval.map(|c| n(c.new_toxic_domains)),
                s.health_score.is_none(),
            ],
        )
        .map_err(&sql)?;
        let id = tx.last_insert_rowid();
        {
            let mut page = tx
                .prepare(
                    "INSERT INTO pages (snapshot_id, page_no, source_url, source_domain, status, \
                     http_status, final_url, error, title, sources) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(&sql)?;
            let mut link = tx
                .prepare(
                    "INSERT INTO links (snapshot_id, page_no, link_no, target_url, anchor_text, \
                     anchor_type, rel, placement, dofollow, quality, toxicity) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .map_err(&sql)?;
            let mut flag = tx
                .prepare(
                    "INSERT INTO flags (snapshot_id, page_no, link_no, code, severity, evidence) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(&sql)?;
            let pause_at = audit.pages.len() / 2;
            for (pno, p) in audit.pages.iter().enumerate() {
                if pno == pause_at {
                    test_pause();
                }
                page.execute(params![
                    id,
                    pno as i64,
                    p.source_url,
                    p.source_domain,
                    p.status.as_str(),
                    p.http_status,
                    p.final_url,
                    p.error,
                    p.title,
                    serde_json::to_string(&p.sources).unwrap_or_default(),
                ])
                .map_err(&sql)?;
                for f in &p.flags {
                    flag.execute(params![
                        id,
                        pno as i64,
                        None::<i64>,
                        f.code,
                        f.severity.as_str(),
                        f.evidence
                    ])
                    .map_err(&sql)?;
                }
                for (lno, l) in p.links.iter().enumerate() {
                    link.execute(params![
                        id,
                        pno as i64,
                        lno as i64,
                        l.target_url,
                        l.anchor_text,
                        l.anchor_type.as_str(),
                        l.rel.join(" "),
                        l.placement.as_str(),
                        l.dofollow,
                        l.quality,
                        l.toxicity,
                    ])
                    .map_err(&sql)?;
                    for f in &l.flags {
                        flag.execute(params![
                            id,
                            pno as i64,
                            lno as i64,
                            f.code,
                            f.severity.as_str(),
                            f.evidence
                        ])
                        .map_err(&sql)?;
                    }
                }
            }
            let mut domain = tx
                .prepare(
                    "INSERT INTO domains (snapshot_id, domain, pages, links, authority, toxicity) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(&sql)?;
            for d in &audit.domains {
                domain
                    .execute(params![
                        id,
                        d.domain,
                        n(d.pages),
                        n(d.links),
                        d.authority,
                        d.toxicity
                    ])
                    .map_err(&sql)?;
            }
            let mut contact = tx
                .prepare(
                    "INSERT OR IGNORE INTO contacts (snapshot_id, source_url, kind, value) \
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(&sql)?;
            for item in &audit.actions.outreach {
                for c in &item.contacts {
                    contact
                        .execute(params![id, item.source_url, c.kind.as_str(), c.value])
                        .map_err(&sql)?;
                }
            }
        }
        tx.commit().map_err(&sql)?;
        Ok(id)
    }

    /// Every snapshot of `target`, oldest first.
    pub fn snapshots(&self, target: &str) -> Result<Vec<SnapshotInfo>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, target, generated_at, tool_version, scoring_version, referring_pages, \
                 live, lost, unreachable, backlinks, dofollow, toxic, live_domains, health_score, \
                 new_links, lost_links, new_domains, lost_domains, new_toxic_domains, health_na \
                 FROM snapshots WHERE target = ?1 ORDER BY id",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([target], |r| {
                Ok(SnapshotInfo {
                    id: r.get(0)?,
                    target: r.get(1)?,
                    generated_at: r.get(2)?,
                    tool_version: r.get(3)?,
                    scoring_version: r.get(4)?,
                    referring_pages: r.get(5)?,
                    live: r.get(6)?,
                    lost: r.get(7)?,
                    unreachable: r.get(8)?,
                    backlinks: r.get(9)?,
                    dofollow: r.get(10)?,
                    toxic: r.get(11)?,
                    live_domains: r.get(12)?,
                    health_score: if r.get::<_, bool>(19)? {
                        None
                    } else {
                        Some(r.get(13)?)
                    },
                    new_links: r.get(14)?,
                    lost_links: r.get(15)?,
                    new_domains: r.get(16)?,
                    lost_domains: r.get(17)?,
                    new_toxic_domains: r.get(18)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// The intervals between consecutive snapshots of `target` up to and including snapshot
    /// `up_to`, oldest first (see [`intervals_of`], for a caller that holds the snapshots).
    pub fn intervals(&self, target: &str, up_to: SnapshotId) -> Result<Vec<Interval>, StoreError> {
        Ok(intervals_of(&self.snapshots(target)?, up_to))
    }

    /// The newest snapshot of `target`.
    pub fn latest(&self, target: &str) -> Result<Option<SnapshotId>, StoreError> {
        self.conn
            .query_row(
                "SELECT max(id) FROM snapshots WHERE target = ?1",
                [target],
                |r| r.get(0),
            )
            .map_err(self.sql())
    }

    /// Every target with stored audits: how many, and the latest one's time, by target.
    pub fn targets(&self) -> Result<Vec<crate::model::StoredTarget>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT target, count(*), max(generated_at) FROM snapshots GROUP BY target \
                 ORDER BY target",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(crate::model::StoredTarget {
                    target: r.get(0)?,
                    audits: r.get(1)?,
                    latest: r.get(2)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// The settings document saved with snapshot `id` (as given to [`Store::save_audit`]).
    pub fn settings_of(&self, id: SnapshotId) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT settings FROM snapshots WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.sql())
    }

    /// Loads snapshot `id` of `target` for comparison.
    pub fn load(&self, target: &str, id: SnapshotId) -> Result<Snapshot, StoreError> {
        let generated_at: Option<String> = self
            .conn
            .query_row(
                "SELECT generated_at FROM snapshots WHERE id = ?1 AND target = ?2",
                params![id, target],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql())?;
        let Some(generated_at) = generated_at else {
            return Err(StoreError::NoSnapshot {
                path: self.path.display().to_string(),
                target: target.to_string(),
                id,
            });
        };
        let mut pages: Vec<SnapPage> = Vec::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT source_url, source_domain, status, http_status, error FROM pages \
                 WHERE snapshot_id = ?1 ORDER BY page_no",
            )
            .map_err(self.sql())?;
        let mut rows = stmt.query([id]).map_err(self.sql())?;
        while let Some(r) = rows.next().map_err(self.sql())? {
            let status: String = r.get(2).map_err(self.sql())?;
            let status = PageStatus::parse(&status).ok_or_else(|| StoreError::Corrupt {
                path: self.path.display().to_string(),
                reason: format!("unknown page status `{status}` in snapshot {id}"),
            })?;
            pages.push(SnapPage {
                source_url: r.get(0).map_err(self.sql())?,
                source_domain: r.get(1).map_err(self.sql())?,
                status,
                http_status: r.get(3).map_err(self.sql())?,
                error: r.get(4).map_err(self.sql())?,
                links: Vec::new(),
            });
        }
        let mut stmt = self
            .conn
            .prepare(
                "SELECT page_no, target_url, anchor_text, rel, placement, dofollow, toxicity \
                 FROM links WHERE snapshot_id = ?1 ORDER BY page_no, link_no",
            )
            .map_err(self.sql())?;
        let mut rows = stmt.query([id]).map_err(self.sql())?;
        while let Some(r) = rows.next().map_err(self.sql())? {
            let pno: i64 = r.get(0).map_err(self.sql())?;
            let rel: String = r.get(3).map_err(self.sql())?;
            let link = SnapLink {
                target_url: r.get(1).map_err(self.sql())?,
                anchor_text: r.get(2).map_err(self.sql())?,
                rel: rel.split_whitespace().map(str::to_string).collect(),
                placement: r.get(4).map_err(self.sql())?,
                dofollow: r.get(5).map_err(self.sql())?,
                toxicity: r.get(6).map_err(self.sql())?,
            };
            let page = usize::try_from(pno)
                .ok()
                .and_then(|i| pages.get_mut(i))
                .ok_or_else(|| StoreError::Corrupt {
                    path: self.path.display().to_string(),
                    reason: format!("link of a missing page {pno} in snapshot {id}"),
                })?;
            page.links.push(link);
        }
        Ok(Snapshot {
            generated_at,
            pages,
        })
    }

    /// Every page URL of `target` known from its snapshots, sorted (the pages a cron audit
    /// re-verifies).
    pub fn known_pages(&self, target: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT p.source_url FROM pages p JOIN snapshots s \
                 ON s.id = p.snapshot_id WHERE s.target = ?1 ORDER BY p.source_url",
            )
            .map_err(self.sql())?;
        let rows = stmt.query_map([target], |r| r.get(0)).map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// `PRAGMA integrity_check` and a check that every snapshot is complete (its page rows
    /// match its `referring_pages`): the crash-safety guarantee, checked.
    pub fn verify(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let ok: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(self.sql())?;
        if ok != "ok" {
            problems.push(format!("integrity check: {ok}"));
        }
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.id, s.referring_pages, s.backlinks, \
                 (SELECT count(*) FROM pages p WHERE p.snapshot_id = s.id), \
                 (SELECT count(*) FROM links l WHERE l.snapshot_id = s.id) FROM snapshots s",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .map_err(self.sql())?;
        for row in rows {
            let (id, pages, backlinks, got_pages, got_links) = row.map_err(self.sql())?;
            if pages != got_pages || got_links < backlinks {
                problems.push(format!(
                    "snapshot {id}: {got_pages} of {pages} pages and {got_links} links for \
                     {backlinks} backlinks"
                ));
            }
        }
        Ok(problems)
    }
}

/// Whether the database's `-wal` file holds changes not yet merged into it (a writer is
/// running, or one was killed): then the file alone is not the store's state.
fn has_pending_wal(db: &Path) -> bool {
    let mut wal = db.as_os_str().to_os_string();
    wal.push("-wal");
    std::fs::metadata(wal).is_ok_and(|m| m.len() > 0)
}

/// `file:///…?immutable=1`: SQLite reads the file without locking it or creating anything
/// beside it.
fn file_uri(db: &Path) -> Option<String> {
    let abs = std::path::absolute(db).ok()?;
    let mut url = url::Url::from_file_path(abs).ok()?;
    url.set_query(Some("immutable=1"));
    Some(url.to_string())
}

fn sql_err(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sql {
        path: path.display().to_string(),
        source,
    }
}

/// The intervals between consecutive snapshots of one target ([`Store::snapshots`], oldest
/// first) up to and including snapshot `up_to`, oldest first, from the changes stored with each
/// snapshot (an interval whose changes were not stored is left out).
pub fn intervals_of(snaps: &[SnapshotInfo], up_to: SnapshotId) -> Vec<Interval> {
    let n = snaps.iter().take_while(|s| s.id <= up_to).count();
    snaps[..n]
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (&w[0], &w[1]);
            Some(Interval {
                from: a.generated_at.clone(),
                to: b.generated_at.clone(),
                days: (crate::compare::days_between(&a.generated_at, &b.generated_at) * 100.0)
                    .round()
                    / 100.0,
                new_domains: b.new_domains? as usize,
                lost_domains: b.lost_domains? as usize,
                new_toxic_domains: b.new_toxic_domains? as usize,
            })
        })
        .collect()
}

fn test_pause() {
    let Some(marker) = std::env::var_os(TEST_PAUSE_ENV) else {
        return;
    };
    let _ = std::fs::write(&marker, b"paused inside the save transaction\n");
    std::thread::sleep(Duration::from_secs(60));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        AnchorType, ChangeCounts, Flag, LinkReport, PageReport, Placement, Severity, Summary,
        ToolInfo,
    };

    fn link(url: &str, rel: &[&str], toxicity: u8) -> LinkReport {
        LinkReport {
            target_url: url.into(),
            anchor_text: "Example".into(),
            anchor_type: AnchorType::Branded,
            alt_anchor_type: None,
            rel: rel.iter().map(|r| r.to_string()).collect(),
            placement: Placement::Content,
            evidence: vec![],
            context: String::new(),
            authority: None,
            authority_source: None,
            relevance: None,
            quality: 90,
            toxicity,
            dofollow: rel.is_empty(),
            components: vec![],
            flags: vec![Flag {
                code: "hidden-link",
                severity: Severity::Deny,
                evidence: "display:none".into(),
            }],
            found: Default::default(),
        }
    }

    fn page(url: &str, status: PageStatus, links: Vec<LinkReport>) -> PageReport {
        PageReport {
            source_url: url.into(),
            source_domain: crate::model::registrable_domain(
                url::Url::parse(url).unwrap().host_str().unwrap(),
            ),
            sources: vec!["links.txt".into()],
            provenance: vec![],
            status,
            http_status: Some(if status == PageStatus::Unreachable {
                503
            } else {
                200
            }),
            final_url: Some(url.into()),
            error: (status == PageStatus::Unreachable).then(|| "http-error".into()),
            redirects: vec![],
            title: Some("A page".into()),
            language: None,
            flags: vec![],
            links,
            rendered: false,
            cached_at: None,
        }
    }

    fn audit(at: &str, pages: Vec<PageReport>) -> Audit {
        let backlinks = pages.iter().map(|p| p.links.len()).sum();
        Audit {
            schema_version: 1,
            tool: ToolInfo {
                name: "backlinks",
                version: "0.0.0",
                scoring_version: 1,
                config: None,
            },
            target: "example.com".into(),
            generated_at: at.into(),
            warnings: vec![],
            summary: Summary {
                referring_pages: pages.len(),
                backlinks,
                ..Summary::default()
            },
            anchor_mix: Default::default(),
            placement_mix: Default::default(),
            pages,
            domains: vec![],
            domain_candidates: vec![],
            profile: Default::default(),
            comparison: None,
            gate: None,
            actions: Default::default(),
            mentions: Vec::new(),
        }
    }

    #[test]
    fn snapshots_round_trip_with_their_changes() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sub").join("history.sqlite3");
        let mut store = Store::open(&db).unwrap();
        let first = audit(
            "2026-01-01T00:00:00Z",
            vec![
                page(
                    "https://a.test/1",
                    PageStatus::Live,
                    vec![
                        link("https://example.com/", &[], 0),
                        link("https://example.com/", &["nofollow", "ugc"], 60),
                    ],
                ),
                page("https://b.test/1", PageStatus::Unreachable, vec![]),
            ],
        );
        let id1 = store
            .save_audit(&first, None, &serde_json::json!({}))
            .unwrap();
        let loaded = store.load("example.com", id1).unwrap();
        assert_eq!(loaded, Snapshot::from_audit(&first));
        let counts = ChangeCounts {
            new_domains: 2,
            lost_domains: 1,
            new_toxic_domains: 1,
            ..ChangeCounts::default()
        };
        let id2 = store
            .save_audit(
                &audit("2026-01-08T00:00:00Z", vec![]),
                Some(&counts),
                &serde_json::json!({}),
            )
            .unwrap();
        assert_eq!(store.latest("example.com").unwrap(), Some(id2));
        assert_eq!(store.latest("other.test").unwrap(), None);
        let intervals = store.intervals("example.com", id2).unwrap();
        assert_eq!(intervals.len(), 1);
        assert_eq!(intervals[0].days, 7.0);
        assert_eq!(intervals[0].new_domains, 2);
        assert!(store.intervals("example.com", id1).unwrap().is_empty());
        assert_eq!(
            store.known_pages("example.com").unwrap(),
            ["https://a.test/1", "https://b.test/1"]
        );
        let infos = store.snapshots("example.com").unwrap();
        assert_eq!(infos.len(), 2);
        assert_eq!(infos[0].new_domains, None);
        assert_eq!(infos[1].new_domains, Some(2));
        assert!(store.verify().unwrap().is_empty());
        assert!(matches!(
            store.load("example.com", 99),
            Err(StoreError::NoSnapshot { id: 99, .. })
        ));
        drop(store);
        // Re-opening an up-to-date store changes nothing.
        let again = Store::open_existing(&db).unwrap();
        assert_eq!(again.snapshots("example.com").unwrap(), infos);
    }

    #[test]
    fn schema_versions_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.sqlite3");
        assert!(matches!(
            Store::open_existing(&db),
            Err(StoreError::Missing { .. })
        ));
        let store = Store::open(&db).unwrap();
        let v: i64 = store
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        store.conn.pragma_update(None, "user_version", 99).unwrap();
        drop(store);
        let err = Store::open(&db).unwrap_err();
        assert!(
            err.to_string().contains("schema version 99, newer"),
            "{err}"
        );
    }
}

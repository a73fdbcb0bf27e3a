//! The removal workflow in the store: removal requests recorded with `backlinks outreach
//! mark`, and the findings of a stored snapshot in the compact form the disavow planner and
//! the worklist read ([`PageFindings`]).

use super::{SnapshotId, Store, StoreError};
use crate::actions::disavow::plan::{PageFindings, Reason};
use crate::actions::worklist::Request;
use crate::model::{ContactKind, ContactRoute, PageStatus, Severity};
use rusqlite::params;
use std::collections::BTreeMap;

impl Store {
    /// Records a removal request of `source_url` (a referring page of `target`).
    pub fn record_request(&mut self, target: &str, request: &Request) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO outreach (target, source_url, requested_at, recorded_at, via, note) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    target,
                    request.source_url,
                    request.requested_at,
                    jiff::Timestamp::now().to_string(),
                    request.via,
                    request.note
                ],
            )
            .map_err(self.sql())?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Deletes the latest request recorded for `source_url` of `target` and returns it; `None`
    /// when there is none.
    pub fn undo_request(
        &mut self,
        target: &str,
        source_url: &str,
    ) -> Result<Option<Request>, StoreError> {
        let sql = super::sql_err(&self.path);
        let tx = self.conn.transaction().map_err(&sql)?;
        let latest = {
            let mut stmt = tx
                .prepare(
                    "SELECT id, source_url, requested_at, via, note FROM outreach \
                     WHERE target = ?1 AND source_url = ?2 ORDER BY id DESC LIMIT 1",
                )
                .map_err(&sql)?;
            let mut rows = stmt
                .query_map(params![target, source_url], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        Request {
                            source_url: r.get(1)?,
                            requested_at: r.get(2)?,
                            via: r.get(3)?,
                            note: r.get(4)?,
                        },
                    ))
                })
                .map_err(&sql)?;
            rows.next().transpose().map_err(&sql)?
        };
        let Some((id, request)) = latest else {
            return Ok(None);
        };
        tx.execute("DELETE FROM outreach WHERE id = ?1", [id])
            .map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        Ok(Some(request))
    }

    /// Every removal request recorded for `target`, in order of recording.
    pub fn requests(&self, target: &str) -> Result<Vec<Request>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT source_url, requested_at, via, note FROM outreach WHERE target = ?1 \
                 ORDER BY id",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([target], |r| {
                Ok(Request {
                    source_url: r.get(0)?,
                    requested_at: r.get(1)?,
                    via: r.get(2)?,
                    note: r.get(3)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// The targets whose latest snapshot lists `url` as a referring page (as listed or where
    /// it redirected), sorted.
    pub fn targets_of_page(&self, url: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT s.target FROM pages p JOIN snapshots s ON s.id = p.snapshot_id \
                 WHERE (p.source_url = ?1 OR p.final_url = ?1) AND s.id = \
                 (SELECT max(id) FROM snapshots WHERE target = s.target) ORDER BY s.target",
            )
            .map_err(self.sql())?;
        let rows = stmt.query_map([url], |r| r.get(0)).map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// The findings of snapshot `id`, one entry per page in page order.
    pub fn page_findings(&self, id: SnapshotId) -> Result<Vec<PageFindings>, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            path: self.path.display().to_string(),
            reason,
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT p.source_url, p.final_url, p.source_domain, p.status, d.authority, \
                 (SELECT max(toxicity) FROM links l WHERE l.snapshot_id = p.snapshot_id AND \
                  l.page_no = p.page_no AND l.dofollow), \
                 (SELECT count(*) FROM links l WHERE l.snapshot_id = p.snapshot_id AND \
                  l.page_no = p.page_no) \
                 FROM pages p LEFT JOIN domains d ON d.snapshot_id = p.snapshot_id AND \
                 d.domain = p.source_domain WHERE p.snapshot_id = ?1 ORDER BY p.page_no",
            )
            .map_err(self.sql())?;
        let mut rows = stmt.query([id]).map_err(self.sql())?;
        let mut pages = Vec::new();
        while let Some(r) = rows.next().map_err(self.sql())? {
            let source_url: String = r.get(0).map_err(self.sql())?;
            let final_url: Option<String> = r.get(1).map_err(self.sql())?;
            let status: String = r.get(3).map_err(self.sql())?;
            let status = PageStatus::parse(&status)
                .ok_or_else(|| corrupt(format!("unknown page status `{status}`")))?;
            let toxicity: Option<u8> = r.get(5).map_err(self.sql())?;
            let links: i64 = r.get(6).map_err(self.sql())?;
            pages.push(PageFindings {
                final_url: final_url.filter(|f| *f != source_url),
                source_url,
                source_domain: r.get(2).map_err(self.sql())?,
                status,
                toxicity: toxicity.unwrap_or(0),
                links: links as usize,
                authority: r.get(4).map_err(self.sql())?,
                reasons: Vec::new(),
                contacts: Vec::new(),
            });
        }
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT page_no, code, severity FROM flags WHERE snapshot_id = ?1 AND \
                 severity IN ('warn', 'deny') ORDER BY page_no, code",
            )
            .map_err(self.sql())?;
        let mut rows = stmt.query([id]).map_err(self.sql())?;
        while let Some(r) = rows.next().map_err(self.sql())? {
            let pno: i64 = r.get(0).map_err(self.sql())?;
            let code: String = r.get(1).map_err(self.sql())?;
            let sev: String = r.get(2).map_err(self.sql())?;
            let page = usize::try_from(pno)
                .ok()
                .and_then(|i| pages.get_mut(i))
                .ok_or_else(|| corrupt(format!("finding of a missing page {pno}")))?;
            let severity = Severity::parse(&sev)
                .ok_or_else(|| corrupt(format!("unknown severity `{sev}`")))?;
            page.reasons.push(Reason { code, severity });
        }
        for p in &mut pages {
            p.reasons.sort();
            p.reasons.dedup();
        }
        let mut by_url: BTreeMap<String, Vec<ContactRoute>> = BTreeMap::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT source_url, kind, value FROM contacts WHERE snapshot_id = ?1 \
                 ORDER BY source_url, kind, value",
            )
            .map_err(self.sql())?;
        let mut rows = stmt.query([id]).map_err(self.sql())?;
        while let Some(r) = rows.next().map_err(self.sql())? {
            let url: String = r.get(0).map_err(self.sql())?;
            let kind: String = r.get(1).map_err(self.sql())?;
            let kind = ContactKind::parse(&kind)
                .ok_or_else(|| corrupt(format!("unknown contact kind `{kind}`")))?;
            by_url.entry(url).or_default().push(ContactRoute {
                kind,
                value: r.get(2).map_err(self.sql())?,
            });
        }
        for p in &mut pages {
            if let Some(mut c) = by_url.remove(&p.source_url) {
                c.sort();
                p.contacts = c;
            }
        }
        Ok(pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_and_old_stores_are_upgraded() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.sqlite3");
        {
            // A store of schema version 1, as the previous release wrote it.
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch(super::super::MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
        }
        let mut store = Store::open(&db).unwrap();
        let r = Request {
            source_url: "https://spam.test/a".into(),
            requested_at: "2026-01-01T00:00:00Z".into(),
            via: Some("editor@spam.test".into()),
            note: None,
        };
        store.record_request("example.com", &r).unwrap();
        assert_eq!(store.requests("example.com").unwrap(), [r]);
        assert!(store.requests("other.test").unwrap().is_empty());
        assert!(store.page_findings(1).unwrap().is_empty());
    }
}

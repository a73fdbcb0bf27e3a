//! History store benchmark: save two snapshots of 100,000 links each, then diff them the way
//! `backlinks diff` does (load both, compare). Target: the diff in under 2 s.
//!
//! `cargo bench --bench history` (set `BACKLINKS_BENCH_LINKS` for another size; set
//! `BACKLINKS_BENCH_KEEP=DIR` to keep the database for timing `backlinks diff --db` by hand).

use backlinks::compare::{Snapshot, compare};
use backlinks::model::{
    AnchorType, Audit, ChangeCounts, Flag, LinkReport, PageReport, PageStatus, Placement,
    PreviousAudit, Severity, Summary, ToolInfo,
};
use backlinks::store::Store;
use std::io::Write;
use std::time::Instant;

const LINKS_PER_PAGE: usize = 4;

/// A synthetic audit: `links / 4` pages on `links / 40` domains. `variant` 1 drops every 20th
/// page's last link, makes every 50th link nofollow and adds 5% new pages.
fn audit(links: usize, variant: u8) -> Audit {
    let pages = links / LINKS_PER_PAGE;
    let extra = if variant == 1 { pages / 20 } else { 0 };
    let mut reports = Vec::with_capacity(pages + extra);
    for p in 0..pages + extra {
        let domain = format!("site{}.test", p / 10);
        let mut page_links: Vec<LinkReport> = (0..LINKS_PER_PAGE)
            .map(|l| {
                let nofollow = variant == 1 && (p * LINKS_PER_PAGE + l).is_multiple_of(50);
                LinkReport {
                    target_url: format!("https://example.com/page/{l}"),
                    anchor_text: format!("anchor {p} {l}"),
                    anchor_type: AnchorType::Other,
                    alt_anchor_type: None,
                    rel: if nofollow {
                        vec!["nofollow".into()]
                    } else {
                        vec![]
                    },
                    placement: Placement::Content,
                    evidence: vec![],
                    context: String::new(),
                    authority: None,
                    authority_source: None,
                    relevance: None,
                    quality: 80,
                    toxicity: if p.is_multiple_of(97) { 60 } else { 0 },
                    dofollow: !nofollow,
                    components: vec![],
                    flags: if p.is_multiple_of(97) {
                        vec![Flag {
                            code: "link-farm",
                            severity: Severity::Deny,
                            evidence: "synthetic".into(),
                        }]
                    } else {
                        vec![]
                    },
                    found: Default::default(),
                }
            })
            .collect();
        if variant == 1 && p.is_multiple_of(20) {
            page_links.pop();
        }
        reports.push(PageReport {
            source_url: format!("https://www.{domain}/post/{p}"),
            source_domain: domain,
            sources: vec!["links.txt".into()],
            provenance: vec![],
            status: PageStatus::Live,
            http_status: Some(200),
            final_url: None,
            error: None,
            redirects: vec![],
            title: Some(format!("Post {p}")),
            language: None,
            flags: vec![],
            links: page_links,
            rendered: false,
            cached_at: None,
        });
    }
    reports.sort_by(|a, b| a.source_url.cmp(&b.source_url));
    let backlinks = reports.iter().map(|p| p.links.len()).sum();
    Audit {
        schema_version: 1,
        tool: ToolInfo {
            name: "backlinks",
            version: "bench",
            scoring_version: 1,
            config: None,
        },
        target: "example.com".into(),
        generated_at: if variant == 0 {
            "2026-01-01T00:00:00Z".into()
        } else {
            "2026-01-08T00:00:00Z".into()
        },
        warnings: Vec::new(),
        summary: Summary {
            referring_pages: reports.len(),
            backlinks,
            live: reports.len(),
            ..Summary::default()
        },
        anchor_mix: Default::default(),
        placement_mix: Default::default(),
        pages: reports,
        domains: vec![],
        domain_candidates: vec![],
        profile: Default::default(),
        comparison: None,
        gate: None,
        actions: Default::default(),
        mentions: Vec::new(),
    }
}

fn main() {
    let mut out = std::io::stdout().lock();
    let links: usize = std::env::var("BACKLINKS_BENCH_LINKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let keep = std::env::var_os("BACKLINKS_BENCH_KEEP").map(std::path::PathBuf::from);
    let db = keep
        .clone()
        .unwrap_or_else(|| dir.path().to_path_buf())
        .join("history.sqlite3");
    let _ = std::fs::remove_file(&db);
    let mut store = Store::open(&db).expect("store");
    let (a, b) = (audit(links, 0), audit(links, 1));
    writeln!(
        out,
        "snapshots: {} and {} links",
        a.summary.backlinks, b.summary.backlinks
    )
    .expect("stdout");

    let t = Instant::now();
    let id_a = store
        .save_audit(&a, None, &serde_json::json!({}))
        .expect("save");
    writeln!(out, "save (one transaction): {:>8.1} ms", ms(t)).expect("stdout");
    let id_b = store
        .save_audit(&b, Some(&ChangeCounts::default()), &serde_json::json!({}))
        .expect("save");

    for round in 1..=3 {
        let t = Instant::now();
        let old = store.load("example.com", id_a).expect("load");
        let new = store.load("example.com", id_b).expect("load");
        let loaded = ms(t);
        let history = store.intervals("example.com", id_a).expect("intervals");
        let c = compare(
            &old,
            &new,
            PreviousAudit {
                source: "store".into(),
                snapshot_id: Some(id_a),
                file: None,
                generated_at: old.generated_at.clone(),
            },
            &history,
            &[],
        );
        writeln!(
            out,
            "diff round {round}: {:>8.1} ms (load both {loaded:.1} ms): +{} -{} ~{} links",
            ms(t),
            c.counts.new_links,
            c.counts.lost_links,
            c.counts.changed_links
        )
        .expect("stdout");
    }
    let t = Instant::now();
    let _ = compare(
        &Snapshot::from_audit(&a),
        &Snapshot::from_audit(&b),
        PreviousAudit {
            source: "store".into(),
            snapshot_id: None,
            file: None,
            generated_at: String::new(),
        },
        &[],
        &[],
    );
    writeln!(out, "compare alone (in memory): {:>8.1} ms", ms(t)).expect("stdout");
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(db.with_extension("sqlite3-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    writeln!(out, "database size: {:.1} MB", size as f64 / 1e6).expect("stdout");
    if let Some(k) = keep {
        writeln!(out, "kept {}", k.join("history.sqlite3").display()).expect("stdout");
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

//! The gap report in Markdown, for pull-request comments, `$GITHUB_STEP_SUMMARY` and mail:
//! headline numbers, the top opportunities, what is excluded and why, the changes since the
//! previous run and the unlinked mentions, each list cut at [`MAX_ROWS`] rows. Page-supplied
//! text is escaped with the audit Markdown's [`cell`].

use super::super::markdown::{MAX_ROWS, cell};
use crate::model::{GapComparison, GapReport};
use std::io::{self, Write};

pub fn render(r: &GapReport, out: &mut dyn Write) -> io::Result<()> {
    let s = &r.summary;
    writeln!(
        out,
        "## backlinks gap of {} against {}\n",
        cell(&r.target, 100),
        cell(&r.competitors.join(", "), 300)
    )?;
    writeln!(
        out,
        "| pages | opportunities | excluded | already link to you | gone | mentions | best prospects |"
    )?;
    writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|")?;
    writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} |\n",
        s.pages,
        s.opportunities,
        s.excluded,
        s.already_linking,
        s.gone,
        s.mentions,
        s.best_prospects
    )?;
    if r.opportunities.is_empty() {
        writeln!(out, "_No opportunities._\n")?;
    } else {
        writeln!(out, "### Opportunities\n")?;
        writeln!(
            out,
            "| # | domain | score | competitors | authority | relevance | best link | marks |"
        )?;
        writeln!(out, "|---:|---|---:|---|---:|---:|---|---|")?;
        let opt = |v: Option<u8>| v.map_or("-".to_string(), |n| n.to_string());
        for (i, o) in r.opportunities.iter().take(MAX_ROWS).enumerate() {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                i + 1,
                cell(&o.domain, 80),
                o.score,
                cell(&o.competitors.join(", "), 120),
                opt(o.authority),
                opt(o.relevance),
                cell(&o.source_url, 80),
                if o.marks.is_empty() {
                    "editorial, followed".to_string()
                } else {
                    cell(&o.marks.join(", "), 60)
                }
            )?;
        }
        if r.opportunities.len() > MAX_ROWS {
            writeln!(out, "\n…and {} more", r.opportunities.len() - MAX_ROWS)?;
        }
        writeln!(out)?;
    }
    if !r.excluded.is_empty() {
        writeln!(out, "### Excluded (toxic or link farms)\n")?;
        for e in r.excluded.iter().take(MAX_ROWS) {
            let reasons: Vec<String> = e
                .reasons
                .iter()
                .map(|f| format!("{}: {}", f.code, cell(&f.evidence, 120)))
                .collect();
            writeln!(
                out,
                "- {} (toxicity {}): {}",
                cell(&e.domain, 80),
                e.toxicity,
                reasons.join("; ")
            )?;
        }
        writeln!(out)?;
    }
    if let Some(c) = &r.comparison {
        comparison(c, out)?;
    }
    super::super::mentions::markdown(&r.mentions, out)?;
    writeln!(
        out,
        "<sub>backlinks {} · gap schema v{} · {}</sub>",
        r.tool.version, r.schema_version, r.generated_at
    )
}

/// New and lost opportunities.
pub fn comparison(c: &GapComparison, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "### Since gap run {}\n\n{} new, {} lost opportunities.\n",
        c.previous.run_id,
        c.new.len(),
        c.lost.len()
    )?;
    for n in c.new.iter().take(MAX_ROWS) {
        writeln!(out, "- new: {} (score {})", cell(&n.domain, 80), n.score)?;
    }
    for l in c.lost.iter().take(MAX_ROWS) {
        writeln!(
            out,
            "- lost: {} (score {} then; {})",
            cell(&l.domain, 80),
            l.score,
            l.reason
        )?;
    }
    writeln!(out)
}

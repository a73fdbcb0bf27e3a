//! Markdown: a short summary for `$GITHUB_STEP_SUMMARY`, pull-request comments and mail —
//! headline numbers, the gate's failed conditions, what changed since the previous audit and
//! the top findings. Lists are cut at [`MAX_ROWS`] rows so that the document stays far below
//! GitHub's comment limit (65,536 characters). Page-supplied text is escaped so that it can
//! neither inject HTML nor break the tables.

use super::changes::{previous_label, spike_line};
use super::sanitize::{strip_controls, truncate};
use crate::model::{Audit, Comparison, Diff, GateReport, History, LinkRef, Severity};
use std::io::{self, Write};

/// Rows shown per list.
pub const MAX_ROWS: usize = 10;

/// Escapes text for a Markdown table cell: no HTML, no emphasis or links, no `|`, one line.
pub fn cell(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in truncate(&strip_controls(s), max).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The audit summary.
pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## backlinks audit of {}\n", cell(&audit.target, 100))?;
    for w in &audit.warnings {
        writeln!(out, "> **Warning:** {}\n", cell(&w.message, 600))?;
    }
    if let Some(g) = &audit.gate {
        write_gate(g, out)?;
    }
    let s = &audit.summary;
    writeln!(
        out,
        "| pages | live | lost | unreachable | backlinks | dofollow | toxic | domains | health |"
    )?;
    writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
        s.referring_pages,
        s.live,
        s.lost,
        s.unreachable,
        s.backlinks,
        s.dofollow,
        s.toxic,
        s.live_domains,
        s.health_text()
    )?;
    match &audit.comparison {
        Some(c) => write_comparison(c, out)?,
        None => writeln!(
            out,
            "_First audit of this target: nothing to compare with yet._\n"
        )?,
    }
    write_findings(audit, out)?;
    write_actions(audit, out)?;
    super::mentions::markdown(&audit.mentions, out)?;
    writeln!(
        out,
        "<sub>backlinks {} · scoring v{} · {} · {}</sub>",
        audit.tool.version,
        audit.tool.scoring_version,
        crate::model::display_time(&audit.generated_at),
        match &audit.tool.config {
            Some(c) => format!("settings from {}", cell(c, 200)),
            None => "built-in settings (no config file)".to_string(),
        }
    )
}

fn write_gate(g: &GateReport, out: &mut dyn Write) -> io::Result<()> {
    let failed: Vec<_> = g.conditions.iter().filter(|c| c.failed).collect();
    if failed.is_empty() {
        writeln!(
            out,
            "**Gate: passed** ({} condition{} checked)\n",
            g.conditions.len(),
            if g.conditions.len() == 1 { "" } else { "s" }
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "**Gate: FAILED** ({} of {} conditions)\n",
        failed.len(),
        g.conditions.len()
    )?;
    writeln!(out, "| failed condition | measured |")?;
    writeln!(out, "|---|---|")?;
    for c in failed {
        writeln!(
            out,
            "| `{}` | {} |",
            strip_controls(&c.condition).replace(['`', '|'], ""),
            cell(&c.detail, 300)
        )?;
    }
    writeln!(out)
}

fn links_table(title: &str, list: &[LinkRef], out: &mut dyn Write) -> io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    writeln!(out, "**{title}** ({})\n", list.len())?;
    writeln!(out, "| page | link | anchor | rel | placement | toxicity |")?;
    writeln!(out, "|---|---|---|---|---|---:|")?;
    for l in list.iter().take(MAX_ROWS) {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&l.source_url, 80),
            cell(&l.target_url, 60),
            cell(&l.anchor_text, 40),
            if l.rel.is_empty() {
                "-".to_string()
            } else {
                cell(&l.rel.join(" "), 30)
            },
            l.placement,
            l.toxicity
        )?;
    }
    if list.len() > MAX_ROWS {
        writeln!(out, "\n…and {} more", list.len() - MAX_ROWS)?;
    }
    writeln!(out)
}

/// The "since the previous audit" section.
pub fn write_comparison(c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
    let n = &c.counts;
    writeln!(out, "### Since {}\n", cell(&previous_label(c), 200))?;
    writeln!(
        out,
        "- **links:** +{} new ({} dofollow, {} toxic), −{} lost ({} dofollow), {} changed; {} \
         page(s) now unreachable",
        n.new_links,
        n.new_dofollow,
        n.new_toxic_links,
        n.lost_links,
        n.lost_dofollow,
        n.changed_links,
        n.unreachable_pages
    )?;
    writeln!(
        out,
        "- **referring domains:** +{} new, −{} lost, +{} newly toxic",
        n.new_domains, n.lost_domains, n.new_toxic_domains
    )?;
    writeln!(
        out,
        "- **velocity:** {}",
        super::changes::velocity_text(&c.velocity)
    )?;
    writeln!(
        out,
        "- **spike:** {}",
        if c.spike.detected { "DETECTED" } else { "none" }
    )?;
    for (what, k) in [
        ("new referring domains", &c.spike.new_domains),
        ("new toxic domains", &c.spike.new_toxic_domains),
    ] {
        writeln!(out, "  - {}", cell(&spike_line(what, k), 300))?;
    }
    writeln!(out)?;
    links_table("New links", &c.new_links, out)?;
    links_table("Lost links", &c.lost_links, out)?;
    if !c.changed_links.is_empty() {
        writeln!(out, "**Changed links** ({})\n", c.changed_links.len())?;
        writeln!(out, "| page | link | change | before | after |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for ch in c.changed_links.iter().take(MAX_ROWS) {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&ch.source_url, 80),
                cell(&ch.target_url, 60),
                ch.kind.as_str(),
                if ch.before.is_empty() {
                    "(none)".to_string()
                } else {
                    cell(&ch.before, 40)
                },
                if ch.after.is_empty() {
                    "(none)".to_string()
                } else {
                    cell(&ch.after, 40)
                }
            )?;
        }
        if c.changed_links.len() > MAX_ROWS {
            writeln!(out, "\n…and {} more", c.changed_links.len() - MAX_ROWS)?;
        }
        writeln!(out)?;
    }
    for (label, list) in [
        ("New referring domains", &c.new_domains),
        ("Lost referring domains", &c.lost_domains),
        ("Newly toxic domains", &c.new_toxic_domains),
    ] {
        if !list.is_empty() {
            let shown: Vec<String> = list.iter().take(MAX_ROWS).map(|d| cell(d, 80)).collect();
            let more = if list.len() > MAX_ROWS {
                format!(" …and {} more", list.len() - MAX_ROWS)
            } else {
                String::new()
            };
            writeln!(out, "**{label}:** {}{more}\n", shown.join(", "))?;
        }
    }
    Ok(())
}

/// The pages with deny- or warn-level findings, most toxic first.
fn write_findings(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let mut rows: Vec<(u8, Severity, &str, Vec<&str>, &str)> = audit
        .pages
        .iter()
        .filter_map(|p| {
            let flags = p.flags.iter().chain(p.links.iter().flat_map(|l| &l.flags));
            let mut codes: Vec<(&str, Severity)> = flags
                .filter(|f| f.severity >= Severity::Warn)
                .map(|f| (f.code, f.severity))
                .collect();
            if codes.is_empty() {
                return None;
            }
            codes.sort();
            codes.dedup();
            let worst = codes.iter().map(|c| c.1).max().unwrap_or(Severity::Warn);
            let toxicity = p.links.iter().map(|l| l.toxicity).max().unwrap_or(0);
            Some((
                toxicity,
                worst,
                p.source_url.as_str(),
                codes.into_iter().map(|c| c.0).collect(),
                p.status.as_str(),
            ))
        })
        .collect();
    if rows.is_empty() {
        return writeln!(out, "_No warn- or deny-level findings._\n");
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)).then(a.2.cmp(b.2)));
    writeln!(out, "### Top findings\n")?;
    writeln!(out, "| page | status | toxicity | findings |")?;
    writeln!(out, "|---|---|---:|---|")?;
    for (toxicity, _, url, codes, status) in rows.iter().take(MAX_ROWS) {
        writeln!(
            out,
            "| {} | {status} | {toxicity} | {} |",
            cell(url, 80),
            codes.join(", ")
        )?;
    }
    if rows.len() > MAX_ROWS {
        writeln!(
            out,
            "\n…and {} more pages with findings",
            rows.len() - MAX_ROWS
        )?;
    }
    writeln!(out)
}

/// One line on what to do: removal requests, disavow candidates, links to reclaim.
fn write_actions(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    use crate::model::OutreachStatus as S;
    let count = |s: S| {
        audit
            .actions
            .outreach
            .iter()
            .filter(|i| i.status == s)
            .count()
    };
    let reclaim = audit
        .actions
        .reclamation
        .as_ref()
        .map_or(0, |r| r.targets.len());
    let (ask, follow, disavow) = (count(S::Request), count(S::FollowUp), count(S::Disavow));
    if ask + follow + disavow + reclaim == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "**Next steps:** {ask} page(s) to ask for link removal, {follow} to ask again, \
         {disavow} to disavow (`backlinks outreach`, `backlinks disavow`); {reclaim} target \
         URL(s) losing links to 404s or redirect chains.\n"
    )
}

/// `backlinks history --format markdown`.
pub fn render_history(h: &History, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Stored audits of {}\n", cell(&h.target, 100))?;
    if h.snapshots.is_empty() {
        return writeln!(out, "_None yet._");
    }
    writeln!(
        out,
        "| id | audited | pages | live | backlinks | toxic | domains | health | +domains | −domains |"
    )?;
    writeln!(out, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    let opt = |v: Option<i64>| v.map_or("-".to_string(), |n| n.to_string());
    for s in &h.snapshots {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            s.id,
            crate::model::display_time(&s.generated_at),
            s.referring_pages,
            s.live,
            s.backlinks,
            s.toxic,
            s.live_domains,
            crate::model::health_text(s.health_score),
            opt(s.new_domains),
            opt(s.lost_domains)
        )?;
    }
    Ok(())
}

/// `backlinks diff --format markdown`.
pub fn render_diff(d: &Diff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "## backlinks diff of {}: snapshot {} → {}\n",
        cell(&d.target, 100),
        d.from.id,
        d.to.id
    )?;
    write_comparison(&d.comparison, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped() {
        assert_eq!(
            cell("<img src=x onerror=alert(1)> | **bold** [x](y)", 200),
            "&lt;img src=x onerror=alert(1)&gt; \\| \\*\\*bold\\*\\* \\[x\\](y)"
        );
        assert_eq!(cell("a\nb\x1b[2J", 200), "a b\\[2J");
    }
}

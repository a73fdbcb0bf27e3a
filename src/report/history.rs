//! Reports of the history commands: `backlinks history` (the stored snapshots) and
//! `backlinks diff` (what changed between two of them), in every report format. Like every
//! renderer, they compute nothing: the [`History`] and [`Diff`] documents are complete.

use super::sanitize::{csv_cell, strip_controls};
use super::{Format, RenderOptions, changes, markdown};
use crate::model::{Diff, History};
use comfy_table::{Cell, ContentArrangement, Table, presets};
use std::io::{self, Write};

/// The targets a store holds (`backlinks history` without a target), in any format.
pub fn render_targets(
    format: Format,
    targets: &[crate::model::StoredTarget],
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Json => {
            super::sanitize::write_json(
                &mut *out,
                &serde_json::json!({ "targets": targets }),
                true,
            )?;
            out.write_all(b"\n")
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(["target", "audits", "latest"])?;
            for t in targets {
                w.write_record([csv_cell(&t.target), t.audits.to_string(), t.latest.clone()])?;
            }
            w.flush()
        }
        _ => {
            if targets.is_empty() {
                return writeln!(out, "no stored audits");
            }
            writeln!(
                out,
                "{} target{} with stored audits (`backlinks history TARGET` for one):",
                targets.len(),
                if targets.len() == 1 { "" } else { "s" }
            )?;
            for t in targets {
                writeln!(
                    out,
                    "  {}  {} audit{}, latest {}",
                    strip_controls(&t.target),
                    t.audits,
                    if t.audits == 1 { "" } else { "s" },
                    crate::model::display_time(&t.latest)
                )?;
            }
            Ok(())
        }
    }
}

/// Renders the list of stored snapshots.
pub fn render_history(
    format: Format,
    h: &History,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let opt = |v: Option<i64>| v.map_or(String::new(), |n| n.to_string());
    match format {
        Format::Json => {
            super::sanitize::write_json(&mut *out, h, true)?;
            out.write_all(b"\n")
        }
        Format::Markdown => markdown::render_history(h, out),
        Format::Html => {
            let mut text = Vec::new();
            render_history(Format::Table, h, &RenderOptions::default(), &mut text)?;
            let title = format!("Stored audits of {}", h.target);
            super::html::page_of_text(&title, &String::from_utf8_lossy(&text), out)
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "generated_at",
                "tool_version",
                "scoring_version",
                "referring_pages",
                "live",
                "lost",
                "unreachable",
                "backlinks",
                "dofollow",
                "toxic",
                "live_domains",
                "health_score",
                "new_links",
                "lost_links",
                "new_domains",
                "lost_domains",
                "new_toxic_domains",
            ])?;
            for s in &h.snapshots {
                w.write_record([
                    s.id.to_string(),
                    csv_cell(&s.generated_at),
                    csv_cell(&s.tool_version),
                    s.scoring_version.to_string(),
                    s.referring_pages.to_string(),
                    s.live.to_string(),
                    s.lost.to_string(),
                    s.unreachable.to_string(),
                    s.backlinks.to_string(),
                    s.dofollow.to_string(),
                    s.toxic.to_string(),
                    s.live_domains.to_string(),
                    s.health_score.map(|h| h.to_string()).unwrap_or_default(),
                    opt(s.new_links),
                    opt(s.lost_links),
                    opt(s.new_domains),
                    opt(s.lost_domains),
                    opt(s.new_toxic_domains),
                ])?;
            }
            w.flush()
        }
        Format::Table => {
            writeln!(
                out,
                "{} stored audit{} of {}",
                h.snapshots.len(),
                if h.snapshots.len() == 1 { "" } else { "s" },
                h.target
            )?;
            if h.snapshots.is_empty() {
                return Ok(());
            }
            let mut table = Table::new();
            table.load_style(presets::UTF8_FULL_CONDENSED);
            table.set_content_arrangement(if opts.fit_terminal {
                ContentArrangement::Dynamic
            } else {
                ContentArrangement::Disabled
            });
            table.set_header([
                "id",
                "audited",
                "pages",
                "live",
                "lost",
                "unreach.",
                "links",
                "dofollow",
                "toxic",
                "domains",
                "health",
                "+links",
                "-links",
                "+dom",
                "-dom",
                "+toxic dom",
            ]);
            let dash = |v: Option<i64>| v.map_or("-".to_string(), |n| n.to_string());
            for s in &h.snapshots {
                table.add_row([
                    Cell::new(s.id),
                    Cell::new(strip_controls(&crate::model::display_time(&s.generated_at))),
                    Cell::new(s.referring_pages),
                    Cell::new(s.live),
                    Cell::new(s.lost),
                    Cell::new(s.unreachable),
                    Cell::new(s.backlinks),
                    Cell::new(s.dofollow),
                    Cell::new(s.toxic),
                    Cell::new(s.live_domains),
                    Cell::new(crate::model::health_text(s.health_score)),
                    Cell::new(dash(s.new_links)),
                    Cell::new(dash(s.lost_links)),
                    Cell::new(dash(s.new_domains)),
                    Cell::new(dash(s.lost_domains)),
                    Cell::new(dash(s.new_toxic_domains)),
                ]);
            }
            writeln!(out, "{table}")
        }
    }
}

/// Renders the changes between two snapshots.
pub fn render_diff(
    format: Format,
    d: &Diff,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Json => {
            super::sanitize::write_json(&mut *out, d, true)?;
            out.write_all(b"\n")
        }
        Format::Markdown => markdown::render_diff(d, out),
        Format::Html => {
            let mut text = Vec::new();
            render_diff(Format::Table, d, &RenderOptions::default(), &mut text)?;
            let title = format!("backlinks diff of {}", d.target);
            super::html::page_of_text(&title, &String::from_utf8_lossy(&text), out)
        }
        Format::Csv => diff_csv(d, out),
        Format::Table => {
            writeln!(
                out,
                "backlinks diff of {}: snapshot {} ({}) -> snapshot {} ({})",
                strip_controls(&d.target),
                d.from.id,
                strip_controls(&d.from.generated_at),
                d.to.id,
                strip_controls(&d.to.generated_at)
            )?;
            changes::write_summary(&d.comparison, out)?;
            writeln!(out)?;
            changes::write_table(&d.comparison, opts.fit_terminal, out)
        }
    }
}

/// One row per change: new/lost links, changed links, then new/lost/newly toxic domains.
fn diff_csv(d: &Diff, out: &mut dyn Write) -> io::Result<()> {
    let c = &d.comparison;
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "change",
        "source_url",
        "source_domain",
        "target_url",
        "anchor_text",
        "rel",
        "placement",
        "dofollow",
        "toxicity",
        "before",
        "after",
    ])?;
    for (what, list) in [("new", &c.new_links), ("lost", &c.lost_links)] {
        for l in list {
            w.write_record([
                what.to_string(),
                csv_cell(&l.source_url),
                csv_cell(&l.source_domain),
                csv_cell(&l.target_url),
                csv_cell(&l.anchor_text),
                csv_cell(&l.rel.join(" ")),
                csv_cell(&l.placement),
                l.dofollow.to_string(),
                l.toxicity.to_string(),
                String::new(),
                String::new(),
            ])?;
        }
    }
    for ch in &c.changed_links {
        w.write_record([
            ch.kind.as_str().to_string(),
            csv_cell(&ch.source_url),
            csv_cell(&ch.source_domain),
            csv_cell(&ch.target_url),
            String::new(),
            String::new(),
            String::new(),
            ch.dofollow_before.to_string(),
            String::new(),
            csv_cell(&ch.before),
            csv_cell(&ch.after),
        ])?;
    }
    for (what, list) in [
        ("new-domain", &c.new_domains),
        ("lost-domain", &c.lost_domains),
        ("new-toxic-domain", &c.new_toxic_domains),
    ] {
        for domain in list {
            let mut row = vec![what.to_string(), String::new(), csv_cell(domain)];
            row.extend(std::iter::repeat_n(String::new(), 8));
            w.write_record(&row)?;
        }
    }
    w.flush()
}

//! Reports of `backlinks gap`: one [`GapReport`] rendered as a table, JSON, CSV, Markdown or
//! HTML, and the stored runs (`history --gap`) and their differences (`diff --gap`). Like every
//! renderer, they compute nothing, and page-supplied text gets the audit reports' escaping:
//! controls stripped in tables and CSV (formulas neutralised), escaped in JSON, Markdown and
//! HTML.

mod csv;
mod html;
mod markdown;
mod table;

use super::sanitize::{csv_cell, write_json};
use super::{Format, RenderOptions};
use crate::model::{GapComparison, GapDiff, GapHistory, GapReport};
use std::io::{self, Write};

/// Renders `report` in `format`.
pub fn render(
    format: Format,
    report: &GapReport,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table::render(report, opts, out),
        Format::Json => {
            write_json(&mut *out, report, true)?;
            out.write_all(b"\n")
        }
        Format::Csv => csv::render(report, out),
        Format::Markdown => markdown::render(report, out),
        Format::Html => html::render(report, out),
    }
}

/// Renders the stored gap runs of a target.
pub fn render_history(format: Format, h: &GapHistory, out: &mut dyn Write) -> io::Result<()> {
    let opt = |v: Option<usize>| v.map_or("-".to_string(), |n| n.to_string());
    match format {
        Format::Json => {
            write_json(&mut *out, h, true)?;
            out.write_all(b"\n")
        }
        Format::Csv => {
            let mut w = ::csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "generated_at",
                "competitors",
                "pages",
                "opportunities",
                "excluded",
                "already_linking",
                "gone",
                "mentions",
                "new",
                "lost",
            ])?;
            for r in &h.runs {
                let blank = |v: Option<usize>| v.map_or(String::new(), |n| n.to_string());
                w.write_record([
                    r.id.to_string(),
                    r.generated_at.clone(),
                    csv_cell(&r.competitors.join(" ")),
                    r.pages.to_string(),
                    r.opportunities.to_string(),
                    r.excluded.to_string(),
                    r.already_linking.to_string(),
                    r.gone.to_string(),
                    r.mentions.to_string(),
                    blank(r.new),
                    blank(r.lost),
                ])?;
            }
            w.flush()
        }
        Format::Markdown => {
            writeln!(
                out,
                "## Stored gap runs of {}\n",
                super::markdown::cell(&h.target, 100)
            )?;
            if h.runs.is_empty() {
                return writeln!(out, "_None yet._");
            }
            writeln!(
                out,
                "| run | time | competitors | pages | opportunities | excluded | already linking | gone | mentions | new | lost |"
            )?;
            writeln!(
                out,
                "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
            )?;
            for r in &h.runs {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    r.id,
                    r.generated_at,
                    super::markdown::cell(&r.competitors.join(", "), 120),
                    r.pages,
                    r.opportunities,
                    r.excluded,
                    r.already_linking,
                    r.gone,
                    r.mentions,
                    opt(r.new),
                    opt(r.lost)
                )?;
            }
            Ok(())
        }
        Format::Html => {
            let mut text = Vec::new();
            render_history(Format::Table, h, &mut text)?;
            let title = format!("Stored gap runs of {}", h.target);
            super::html::page_of_text(&title, &String::from_utf8_lossy(&text), out)
        }
        Format::Table => {
            writeln!(out, "stored gap runs of {}", h.target)?;
            if h.runs.is_empty() {
                return writeln!(
                    out,
                    "none yet: run `backlinks gap {} --competitor ...`",
                    h.target
                );
            }
            for r in &h.runs {
                writeln!(
                    out,
                    "  run {:<4} {}  {} pages: {} opportunities ({} new, {} lost), {} excluded, \
                     {} already linking, {} gone, {} mentions  [{}]",
                    r.id,
                    r.generated_at,
                    r.pages,
                    r.opportunities,
                    opt(r.new),
                    opt(r.lost),
                    r.excluded,
                    r.already_linking,
                    r.gone,
                    r.mentions,
                    super::sanitize::strip_controls(&r.competitors.join(", "))
                )?;
            }
            Ok(())
        }
    }
}

/// Renders the new and lost opportunities between two stored runs.
pub fn render_diff(format: Format, d: &GapDiff, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => {
            write_json(&mut *out, d, true)?;
            out.write_all(b"\n")
        }
        Format::Csv => comparison_csv(&d.comparison, out),
        Format::Markdown => {
            writeln!(
                out,
                "## backlinks gap of {}: run {} → run {}\n",
                super::markdown::cell(&d.target, 100),
                d.from.id,
                d.to.id
            )?;
            markdown::comparison(&d.comparison, out)
        }
        Format::Html => {
            let mut text = Vec::new();
            render_diff(Format::Table, d, &mut text)?;
            let title = format!("backlinks gap diff of {}", d.target);
            super::html::page_of_text(&title, &String::from_utf8_lossy(&text), out)
        }
        Format::Table => {
            writeln!(
                out,
                "backlinks gap diff of {}: run {} ({}) -> run {} ({})",
                d.target, d.from.id, d.from.generated_at, d.to.id, d.to.generated_at
            )?;
            table::comparison(&d.comparison, out)
        }
    }
}

/// One row per new and lost opportunity.
fn comparison_csv(c: &GapComparison, out: &mut dyn Write) -> io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(["change", "domain", "score", "competitors", "reason"])?;
    for n in &c.new {
        w.write_record([
            "new".to_string(),
            csv_cell(&n.domain),
            n.score.to_string(),
            csv_cell(&n.competitors.join(" ")),
            String::new(),
        ])?;
    }
    for l in &c.lost {
        w.write_record([
            "lost".to_string(),
            csv_cell(&l.domain),
            l.score.to_string(),
            String::new(),
            l.reason.to_string(),
        ])?;
    }
    w.flush()
}

//! `backlinks sources PATH...`: what each input was detected as, rows read, skipped (with
//! reasons and line numbers) and filtered, duplicates merged, distinct pages and domains —
//! reading the inputs exactly as `audit` does, without fetching anything.

use crate::cli::{SourcesArgs, SourcesFormat};
use crate::exit::ExitStatus;
use crate::ingest::{self, IngestOptions, InputReport, Survey, stats::lines_text};
use crate::model::Target;
use crate::output;
use crate::report::sanitize::strip_controls;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use std::io::{self, Write};

/// Runs `sources`.
pub fn run(args: SourcesArgs) -> anyhow::Result<ExitStatus> {
    let target = match &args.target {
        Some(t) => Some(Target::parse(t)?.domain),
        None => None,
    };
    let opts = IngestOptions {
        skip_invalid: args.skip_invalid,
        columns: args.columns.clone(),
        target,
        ..IngestOptions::default()
    };
    // Each file on its own first, so that one bad file is reported with the others still
    // surveyed (standard input cannot be read twice: with it, the first error stops the run).
    let mut failed = Vec::new();
    let mut good = Vec::new();
    if args.inputs.iter().any(|p| p.as_os_str() == "-") {
        good = args.inputs.clone();
    } else {
        for path in &args.inputs {
            match ingest::survey(std::slice::from_ref(path), &opts) {
                Ok(_) => good.push(path.clone()),
                Err(e) => failed.push(e),
            }
        }
    }
    if good.is_empty() {
        let last = failed.pop().map(anyhow::Error::from);
        for e in failed {
            output::error(&anyhow::Error::from(e));
        }
        return Err(last.unwrap_or_else(|| anyhow::anyhow!("no input")));
    }
    let survey = ingest::survey(&good, &opts)?;
    let fit = output::stdout_is_terminal();
    output::write_report(None, |w| match args.format {
        SourcesFormat::Json => {
            crate::report::sanitize::write_json(&mut *w, &survey, true)?;
            w.write_all(b"\n")
        }
        SourcesFormat::Table => render_table(&survey, fit, w),
    })?;
    if failed.is_empty() {
        return Ok(ExitStatus::Pass);
    }
    let n = failed.len();
    for e in failed {
        output::error(&anyhow::Error::from(e));
    }
    output::error(&anyhow::anyhow!(
        "{n} of {} inputs could not be read (the others are surveyed above)",
        args.inputs.len()
    ));
    Ok(ExitStatus::Error)
}

fn format_cell(i: &InputReport) -> String {
    match (i.format, i.language) {
        (None, _) => "ignored".into(),
        (Some(f), Some(lang)) => format!("{f} ({lang})"),
        (Some(f), None) => f.to_string(),
    }
}

/// The table: one row per input, then the details (skipped and filtered rows, notes), then
/// the totals.
pub fn render_table(s: &Survey, fit_terminal: bool, out: &mut dyn Write) -> io::Result<()> {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    table.set_content_arrangement(if fit_terminal {
        ContentArrangement::Dynamic
    } else {
        ContentArrangement::Disabled
    });
    table.set_header([
        "input",
        "format",
        "encoding",
        "rows",
        "pages",
        "domains",
        "domain-only",
        "duplicates",
        "skipped",
        "filtered",
    ]);
    for i in &s.inputs {
        let encoding = match (&i.encoding, i.delimiter) {
            (Some(e), Some(d)) => format!("{e}, {d}"),
            (Some(e), None) => e.clone(),
            (None, _) => String::new(),
        };
        let num = |n: u64| Cell::new(n).set_alignment(CellAlignment::Right);
        table.add_row([
            Cell::new(strip_controls(&i.input)),
            Cell::new(format_cell(i)),
            Cell::new(encoding),
            num(i.rows),
            num(i.pages),
            num(i.domains),
            num(i.domain_candidates),
            num(i.duplicates),
            num(i.skipped),
            num(i.filtered),
        ]);
    }
    writeln!(out, "{table}")?;
    let mut details = Vec::new();
    for i in &s.inputs {
        let name = strip_controls(&i.input);
        let header = i
            .header_line
            .map(|l| format!(", header on line {l}"))
            .unwrap_or_default();
        let what = i.format.map_or("ignored", |f| f.describe());
        details.push(format!("{name}: {what}{header}"));
        for r in &i.skipped_reasons {
            let example = r
                .example
                .as_deref()
                .filter(|e| !e.is_empty())
                .map(|e| format!(" ({})", strip_controls(e)))
                .unwrap_or_default();
            details.push(format!(
                "  skipped {} {}: {}{example}; {}",
                r.count,
                rows(r.count),
                r.reason,
                lines_text(&r.lines, r.count)
            ));
        }
        for r in &i.filtered_reasons {
            details.push(format!(
                "  filtered {} {}: {}; {}",
                r.count,
                rows(r.count),
                r.reason,
                lines_text(&r.lines, r.count)
            ));
        }
        for n in &i.notes {
            details.push(format!("  note: {}", strip_controls(n)));
        }
    }
    for d in details {
        writeln!(out, "{d}")?;
    }
    let t = &s.total;
    writeln!(
        out,
        "\ntotal: {} {}, {} {} read: {} distinct {} on {} {}, {} merged as duplicates, \
         {} skipped, {} filtered",
        t.inputs,
        if t.inputs == 1 { "input" } else { "inputs" },
        t.rows,
        rows(t.rows),
        t.pages,
        if t.pages == 1 { "page" } else { "pages" },
        t.domains,
        if t.domains == 1 { "domain" } else { "domains" },
        t.duplicates,
        t.skipped,
        t.filtered,
    )?;
    if t.domain_candidates > 0 {
        writeln!(
            out,
            "       {} {} known only at domain level (Search Console top linking sites): no \
             page to fetch",
            t.domain_candidates,
            if t.domain_candidates == 1 {
                "domain"
            } else {
                "domains"
            }
        )?;
    }
    Ok(())
}

fn rows(n: u64) -> &'static str {
    if n == 1 { "row" } else { "rows" }
}

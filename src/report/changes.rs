//! The comparison and gate sections of the terminal report, shared by `audit --format table`
//! and `diff --format table`. Presentation only: every number comes from the
//! [`Comparison`] and [`GateReport`] computed before rendering.

use super::sanitize::{strip_controls, truncate};
use crate::model::{Comparison, GateReport, SpikeCheck};
use comfy_table::{Cell, ContentArrangement, Table, presets};
use std::io::{self, Write};

/// `1`, `2.5`: numbers without noise.
/// The velocity line: rates per week over the intervals, or why there are none.
pub(super) fn velocity_text(v: &crate::model::Velocity) -> String {
    match (
        &v.too_short,
        v.new_domains_per_week,
        v.lost_domains_per_week,
    ) {
        (None, Some(new), Some(lost)) => format!(
            "+{} / -{} referring domains per week over {} interval{} ({} days)",
            num(new),
            num(lost),
            v.intervals.len(),
            if v.intervals.len() == 1 { "" } else { "s" },
            num(v.days)
        ),
        (Some(why), _, _) => why.clone(),
        _ => "no rates".to_string(),
    }
}

pub(super) fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// Where the previous audit came from, in words.
pub(super) fn previous_label(c: &Comparison) -> String {
    match (&c.previous.snapshot_id, &c.previous.file) {
        (Some(id), _) => format!(
            "snapshot {id} ({})",
            crate::model::display_time(&c.previous.generated_at)
        ),
        (None, Some(f)) => format!(
            "baseline {f} ({})",
            crate::model::display_time(&c.previous.generated_at)
        ),
        (None, None) => c.previous.generated_at.clone(),
    }
}

/// One line about a spike check.
pub(super) fn spike_line(what: &str, k: &SpikeCheck) -> String {
    format!(
        "{}{what}: {}",
        if k.detected { "SPIKE in " } else { "" },
        k.reason
    )
}

/// The headline lines of a comparison (no lists).
pub(super) fn write_summary(c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
    let n = &c.counts;
    writeln!(out, "since {}", strip_controls(&previous_label(c)))?;
    writeln!(
        out,
        "  links      +{} new ({} dofollow, {} toxic), -{} lost ({} dofollow), {} changed; {} \
         page(s) now unreachable",
        n.new_links,
        n.new_dofollow,
        n.new_toxic_links,
        n.lost_links,
        n.lost_dofollow,
        n.changed_links,
        n.unreachable_pages
    )?;
    if n.not_rechecked_pages > 0 {
        writeln!(
            out,
            "             {} pages of the previous audit were not re-checked",
            n.not_rechecked_pages
        )?;
    }
    writeln!(
        out,
        "  domains    +{} new, -{} lost, +{} newly toxic",
        n.new_domains, n.lost_domains, n.new_toxic_domains
    )?;
    let v = &c.velocity;
    writeln!(out, "  velocity   {}", velocity_text(v))?;
    writeln!(
        out,
        "  spike      {}",
        if c.spike.detected { "DETECTED" } else { "none" }
    )?;
    writeln!(
        out,
        "             {}",
        spike_line("new referring domains", &c.spike.new_domains)
    )?;
    writeln!(
        out,
        "             {}",
        spike_line("new toxic domains", &c.spike.new_toxic_domains)
    )
}

/// Every change as one table: change, page, link, detail.
pub(super) fn write_table(c: &Comparison, fit: bool, out: &mut dyn Write) -> io::Result<()> {
    if c.new_links.is_empty() && c.lost_links.is_empty() && c.changed_links.is_empty() {
        return writeln!(out, "no link changed");
    }
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    table.set_content_arrangement(if fit {
        ContentArrangement::Dynamic
    } else {
        ContentArrangement::Disabled
    });
    table.set_header(["change", "page", "link", "detail"]);
    let clean = |s: &str, max| truncate(&strip_controls(s), max);
    for (what, list) in [("new", &c.new_links), ("lost", &c.lost_links)] {
        for l in list {
            let rel = if l.rel.is_empty() {
                "-".to_string()
            } else {
                l.rel.join(" ")
            };
            table.add_row([
                Cell::new(what),
                Cell::new(clean(&l.source_url, 60)),
                Cell::new(clean(&l.target_url, 40)),
                Cell::new(format!(
                    "\"{}\", rel {}, {}, toxicity {}",
                    clean(&l.anchor_text, 30),
                    clean(&rel, 24),
                    l.placement,
                    l.toxicity
                )),
            ]);
        }
    }
    let shown = |v: &str| {
        if v.is_empty() {
            "(none)".to_string()
        } else {
            clean(v, 30)
        }
    };
    for ch in &c.changed_links {
        table.add_row([
            Cell::new(ch.kind.as_str()),
            Cell::new(clean(&ch.source_url, 60)),
            Cell::new(clean(&ch.target_url, 40)),
            Cell::new(format!("{} -> {}", shown(&ch.before), shown(&ch.after))),
        ]);
    }
    writeln!(out, "{table}")?;
    let domains = [
        ("new referring domains", &c.new_domains),
        ("lost referring domains", &c.lost_domains),
        ("newly toxic domains", &c.new_toxic_domains),
    ];
    for (label, list) in domains {
        if !list.is_empty() {
            writeln!(out, "{label}: {}", strip_controls(&list.join(", ")))?;
        }
    }
    Ok(())
}

/// The gate section: one line per condition.
pub(super) fn write_gate(g: &GateReport, out: &mut dyn Write) -> io::Result<()> {
    let failed = g.conditions.iter().filter(|c| c.failed).count();
    if g.passed {
        writeln!(out, "gate       passed ({} conditions)", g.conditions.len())?;
    } else {
        writeln!(
            out,
            "gate       FAILED ({failed} of {} conditions)",
            g.conditions.len()
        )?;
    }
    let width = g
        .conditions
        .iter()
        .map(|c| c.condition.len())
        .max()
        .unwrap_or(0);
    for c in &g.conditions {
        writeln!(
            out,
            "  {}  {:width$}  {}",
            if c.failed { "FAIL" } else { "pass" },
            strip_controls(&c.condition),
            strip_controls(&c.detail)
        )?;
    }
    Ok(())
}

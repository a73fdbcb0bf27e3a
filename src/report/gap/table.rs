//! The terminal gap report: headline numbers, the ranked opportunities (their best link, its
//! marks), then the excluded, already-linking and gone domains, the unlinked mentions and, with
//! `--explain`, every score component. Page-supplied text is stripped of controls and cut.

use super::super::RenderOptions;
use super::super::sanitize::{strip_controls, truncate};
use crate::model::{GapComparison, GapReport};
use comfy_table::{ContentArrangement, Table, presets};
use std::io::{self, Write};

pub fn render(r: &GapReport, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let s = &r.summary;
    writeln!(
        out,
        "backlinks gap of {} against {}",
        r.target,
        strip_controls(&r.competitors.join(", "))
    )?;
    writeln!(
        out,
        "  pages          {} fetched once each: {} answered, {} unreachable or skipped",
        s.pages, s.fetched, s.unreachable
    )?;
    writeln!(
        out,
        "  domains        {} link to competitors: {} opportunities, {} excluded, {} already link to you",
        s.referring_domains, s.opportunities, s.excluded, s.already_linking
    )?;
    writeln!(
        out,
        "  gone           {} listed links no longer there (dropped)",
        s.gone
    )?;
    writeln!(
        out,
        "  your links     {} referring domains known (latest audit, your export rows, this crawl)",
        s.target_domains
    )?;
    for i in &r.inputs {
        let per: Vec<String> = i
            .competitors
            .iter()
            .map(|(c, n)| format!("{} {n}", strip_controls(c)))
            .collect();
        writeln!(
            out,
            "  input          {} ({}): {} rows{}{}{}{}{}",
            strip_controls(&i.input),
            i.format,
            i.rows,
            if per.is_empty() {
                String::new()
            } else {
                format!("; {}", per.join(", "))
            },
            count(", every competitor", i.any_competitor),
            count(", you", i.target),
            count(", internal", i.internal),
            if i.elsewhere > 0 {
                format!(
                    ", {} pointing elsewhere (lines {})",
                    i.elsewhere,
                    i.elsewhere_lines
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                String::new()
            }
        )?;
    }
    writeln!(
        out,
        "  mentions       {} unlinked, {} best prospects",
        s.mentions, s.best_prospects
    )?;
    if let Some(c) = &r.comparison {
        writeln!(
            out,
            "  since run {}  {} new, {} lost opportunities",
            c.previous.run_id,
            c.new.len(),
            c.lost.len()
        )?;
    }
    writeln!(out)?;

    if r.opportunities.is_empty() {
        writeln!(
            out,
            "no opportunities: every live competitor link is on a domain that links to you, is toxic, or is gone"
        )?;
    } else {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED);
        t.set_content_arrangement(if opts.fit_terminal {
            ContentArrangement::Dynamic
        } else {
            ContentArrangement::Disabled
        });
        t.set_header([
            "#",
            "domain",
            "score",
            "competitors",
            "authority",
            "relevance",
            "toxicity",
            "best link",
            "anchor",
            "marks",
        ]);
        let opt = |v: Option<u8>| v.map_or_else(|| "-".to_string(), |n| n.to_string());
        for (i, o) in r.opportunities.iter().enumerate() {
            let best = &o.links[0];
            t.add_row([
                (i + 1).to_string(),
                strip_controls(&o.domain),
                o.score.to_string(),
                strip_controls(&o.competitors.join(" ")),
                opt(o.authority),
                opt(o.relevance),
                o.toxicity.to_string(),
                truncate(&strip_controls(&o.source_url), 60),
                truncate(&strip_controls(&best.link.anchor_text), 30),
                if o.marks.is_empty() {
                    "editorial, followed".to_string()
                } else {
                    o.marks.join(" ")
                },
            ]);
        }
        writeln!(out, "{t}")?;
    }
    if !r.excluded.is_empty() {
        writeln!(out, "\nexcluded (toxic or link farms)")?;
        for e in &r.excluded {
            writeln!(
                out,
                "  {}  T {}  links {}",
                strip_controls(&e.domain),
                e.toxicity,
                strip_controls(&e.competitors.join(", "))
            )?;
            for f in &e.reasons {
                writeln!(
                    out,
                    "      {}: {}",
                    f.code,
                    truncate(&strip_controls(&f.evidence), 110)
                )?;
            }
        }
    }
    if !r.already_linking.is_empty() {
        writeln!(out, "\nalready link to you (and to competitors)")?;
        for a in &r.already_linking {
            writeln!(
                out,
                "  {}  links {}; known from {}",
                strip_controls(&a.domain),
                strip_controls(&a.competitors.join(", ")),
                strip_controls(&a.known_from.join(", "))
            )?;
        }
    }
    if !r.gone.is_empty() {
        writeln!(out, "\ngone (dropped)")?;
        for g in &r.gone {
            writeln!(
                out,
                "  {:<11}  {}  (listed for {}){}",
                g.reason,
                truncate(&strip_controls(&g.source_url), 80),
                strip_controls(&g.competitors.join(", ")),
                g.error
                    .as_deref()
                    .map(|e| format!(" {e}"))
                    .unwrap_or_default()
            )?;
        }
    }
    if let Some(c) = &r.comparison {
        writeln!(out)?;
        comparison(c, out)?;
    }
    super::super::mentions::table(&r.mentions, out)?;
    if opts.explain {
        explain(r, out)?;
    }
    Ok(())
}

fn count(what: &str, n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("{what} {n}")
    }
}

/// New and lost opportunities since a run.
pub fn comparison(c: &GapComparison, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "since gap run {} ({}): {} new, {} lost opportunities",
        c.previous.run_id,
        c.previous.generated_at,
        c.new.len(),
        c.lost.len()
    )?;
    for n in &c.new {
        writeln!(
            out,
            "  + {}  score {}  links {}",
            strip_controls(&n.domain),
            n.score,
            strip_controls(&n.competitors.join(", "))
        )?;
    }
    for l in &c.lost {
        writeln!(
            out,
            "  - {}  score {} then  {}",
            strip_controls(&l.domain),
            l.score,
            l.reason
        )?;
    }
    Ok(())
}

/// `--explain`: every component of every opportunity's score, and its links.
fn explain(r: &GapReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "\nOpportunity score components (value × weight = points):"
    )?;
    for o in &r.opportunities {
        writeln!(out, "\n{}  score {}", strip_controls(&o.domain), o.score)?;
        for c in &o.components {
            writeln!(
                out,
                "    {:<12} {:>4.2} × {:>3} = {:>5.1}  {}",
                c.name,
                c.value,
                c.weight,
                c.value * c.weight,
                truncate(&strip_controls(&c.reason), 120)
            )?;
        }
        for l in &o.links {
            writeln!(
                out,
                "    link to {}: \"{}\" {} rel {} on {}{}",
                strip_controls(&l.competitor),
                truncate(&strip_controls(&l.link.anchor_text), 40),
                l.link.placement.as_str(),
                if l.link.rel.is_empty() {
                    "-".to_string()
                } else {
                    strip_controls(&l.link.rel.join(" "))
                },
                truncate(&strip_controls(&l.source_url), 70),
                if l.marks.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", l.marks.join(" "))
                }
            )?;
        }
    }
    Ok(())
}

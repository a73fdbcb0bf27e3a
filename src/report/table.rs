//! The terminal report: a summary block, then one row per link (and per page without links).
//! Page-supplied text is stripped of control characters and shortened.

use super::RenderOptions;
use super::color::{self, paint};
use super::sanitize::{strip_controls, truncate};
use crate::model::{Audit, PageStatus};
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use std::io::{self, Write};

pub fn render(audit: &Audit, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let s = &audit.summary;
    writeln!(out, "backlinks audit of {}", audit.target)?;
    for w in &audit.warnings {
        writeln!(out, "  warning    {}", strip_controls(&w.message))?;
    }
    writeln!(
        out,
        "  pages      {} on {} domains: {} live, {} lost, {} unreachable, {} skipped (verified {} of {})",
        s.referring_pages,
        s.referring_domains,
        s.live,
        s.lost,
        s.unreachable,
        s.skipped,
        s.verified,
        s.referring_pages
    )?;
    writeln!(
        out,
        "  settings   {}",
        match &audit.tool.config {
            Some(c) => format!("from {}", strip_controls(c)),
            None => "built-in (no config file)".to_string(),
        }
    )?;
    writeln!(
        out,
        "  backlinks  {} from {} domains: {} dofollow, {} nofollow, {} sponsored, {} ugc",
        s.backlinks, s.live_domains, s.dofollow, s.nofollow, s.sponsored, s.ugc
    )?;
    if s.domain_only > 0 {
        writeln!(
            out,
            "  domains    {} known only at domain level (GSC top linking sites): no page to fetch",
            s.domain_only
        )?;
    }
    writeln!(
        out,
        "  toxic      {} links (toxicity >= {}), health score {}",
        s.toxic,
        crate::score::TOXIC_THRESHOLD,
        s.health_text()
    )?;
    let mix = |pairs: Vec<(&str, usize)>| {
        pairs
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let anchors = mix(audit
        .anchor_mix
        .entries()
        .iter()
        .map(|(t, n)| (t.as_str(), *n))
        .collect());
    let placements = mix(audit
        .placement_mix
        .entries()
        .iter()
        .map(|(p, n)| (p.as_str(), *n))
        .collect());
    writeln!(
        out,
        "  anchors    {}",
        if anchors.is_empty() { "-" } else { &anchors }
    )?;
    writeln!(
        out,
        "  placement  {}",
        if placements.is_empty() {
            "-"
        } else {
            &placements
        }
    )?;
    let d = &audit.summary.diversity;
    if let Some(top) = &d.top_domain {
        writeln!(
            out,
            "  domains    top {} with {}% of links{}{}",
            strip_controls(top),
            d.top_domain_share,
            d.ip_blocks
                .map(|n| format!(", {n} IP block{}", if n == 1 { "" } else { "s" }))
                .unwrap_or_default(),
            if audit.summary.sitewide_links > 0 {
                format!(", {} sitewide links", audit.summary.sitewide_links)
            } else {
                String::new()
            }
        )?;
    }
    let bands: Vec<String> = audit
        .summary
        .authority_distribution
        .iter()
        .filter(|b| b.domains > 0)
        .map(|b| format!("{}-{} {}", b.from, b.to, b.domains))
        .collect();
    if !bands.is_empty() {
        writeln!(
            out,
            "  authority  live referring domains per authority band: {}",
            bands.join(", ")
        )?;
    }
    for f in &audit.profile.flags {
        writeln!(
            out,
            "  {:<9}  {}: {}",
            f.severity.as_str(),
            f.code,
            strip_controls(&f.evidence)
        )?;
    }
    for n in &audit.profile.not_evaluated {
        writeln!(out, "  skipped    {}: {}", n.code, n.reason)?;
    }
    writeln!(out)?;
    if let Some(g) = &audit.gate {
        super::changes::write_gate(g, out)?;
        writeln!(out)?;
    }
    if let Some(c) = &audit.comparison {
        super::changes::write_summary(c, out)?;
        writeln!(out)?;
    }

    let on = color::enabled(opts.fit_terminal);
    let mut table = Table::new();
    // In a narrow terminal eleven columns would wrap into unreadable slivers: one block per
    // link instead.
    if let Some(width) = table.width().filter(|w| opts.fit_terminal && *w < NARROW) {
        narrow(audit, on, usize::from(width), out)?;
        return finish(audit, opts, out);
    }
    if on {
        table.enforce_styling();
    }
    table.load_style(presets::UTF8_FULL_CONDENSED);
    table.set_content_arrangement(if opts.fit_terminal {
        ContentArrangement::Dynamic
    } else {
        ContentArrangement::Disabled
    });
    table.set_header([
        "page",
        "status",
        "links to",
        "anchor",
        "anchor type",
        "rel",
        "placement",
        "authority",
        "relevance",
        "quality",
        "toxicity",
        "findings / error",
    ]);
    let opt = |v: Option<u8>| v.map_or_else(|| "-".to_string(), |n| n.to_string());
    // Which candidate shows the links of a page several candidates land on (redirects): the
    // page itself when it is a candidate, else the first.
    let mut home: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, p) in audit
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.links.is_empty())
    {
        let landed = p.final_url.as_deref().unwrap_or(&p.source_url);
        let e = home.entry(landed).or_insert(i);
        if p.source_url == landed {
            *e = i;
        }
    }
    for (i, p) in audit.pages.iter().enumerate() {
        let page = truncate(&strip_controls(&p.source_url), 60);
        let status = match (p.status, p.http_status) {
            (PageStatus::Live | PageStatus::Lost, _) | (_, None) => p.status.as_str().to_string(),
            (_, Some(code)) => format!("{} ({code})", p.status.as_str()),
        };
        let landed = p.final_url.as_deref().unwrap_or(&p.source_url);
        // A candidate that redirects to a page listed already: one row that says so, its
        // links are those of that page (and counted once in the summary).
        if !p.links.is_empty() && home.get(landed) != Some(&i) {
            let via = p
                .redirects
                .first()
                .map_or(String::new(), |r| format!(" via {}", r.status));
            table.add_row(page_row(
                Cell::new(page),
                paint(
                    Cell::new(format!(
                        "{}{via} → {}",
                        p.status.as_str(),
                        truncate(&strip_controls(landed), 50)
                    )),
                    on,
                    status_color(p.status),
                ),
                format!(
                    "{} links, listed under the page it redirects to",
                    p.links.len()
                ),
            ));
            continue;
        }
        if p.links.is_empty() {
            let mut detail: Vec<String> = p.error.iter().cloned().collect();
            detail.extend(p.flags.iter().map(|f| f.code.to_string()));
            table.add_row(page_row(
                Cell::new(page),
                paint(Cell::new(status), on, status_color(p.status)),
                detail.join(" "),
            ));
            continue;
        }
        for l in &p.links {
            let flags: Vec<&str> = l.flags.iter().map(|f| f.code).collect();
            let rel = if l.rel.is_empty() {
                "-".to_string()
            } else {
                l.rel.join(" ")
            };
            let authority = authority_text(l);
            table.add_row([
                Cell::new(&page),
                paint(Cell::new(&status), on, status_color(p.status)),
                Cell::new(truncate(&strip_controls(&target_path(&l.target_url)), 30)),
                Cell::new(truncate(&strip_controls(&l.anchor_text), 40)),
                Cell::new(l.anchor_type.as_str()),
                Cell::new(truncate(&strip_controls(&rel), 24)),
                Cell::new(l.placement.as_str()),
                Cell::new(authority),
                Cell::new(opt(l.relevance)),
                Cell::new(l.quality),
                if crate::score::counts_as_toxic(l.dofollow, l.toxicity) {
                    paint(Cell::new(l.toxicity), on, Color::Red)
                } else {
                    Cell::new(l.toxicity)
                },
                Cell::new(flags.join(" ")),
            ]);
        }
    }
    writeln!(out, "{table}")?;
    writeln!(
        out,
        "authority ~ = estimated (no vendor metric or rank list for the domain); toxicity in red \
         counts as toxic (>= {} on a link that passes authority); `backlinks explain CODE` for a \
         finding",
        crate::score::TOXIC_THRESHOLD
    )?;
    finish(audit, opts, out)
}

/// A row of a page without links of its own: page, status, empty link columns, and `last`
/// in the findings column.
fn page_row(page: Cell, status: Cell, last: String) -> Vec<Cell> {
    let mut row = vec![page, status];
    row.extend((0..9).map(|_| Cell::new("")));
    row.push(Cell::new(last));
    row
}

/// The part of a target URL worth a column: its path (and query), the host only when it is
/// not the bare registrable domain's home.
fn target_path(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => {
            let host = u.host_str().unwrap_or_default();
            let path = match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_string(),
            };
            format!("{host}{path}")
        }
        Err(_) => url.to_string(),
    }
}

/// Terminals narrower than this get one block per link instead of the wide table.
const NARROW: u16 = 100;

fn status_color(s: PageStatus) -> Color {
    match s {
        PageStatus::Live => Color::Green,
        PageStatus::Lost => Color::Yellow,
        PageStatus::Unreachable => Color::Red,
        PageStatus::Skipped => Color::DarkGrey,
    }
}

/// The sections after the link table: changes, the worklist and reclamation, `--explain`.
fn finish(audit: &Audit, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    if let Some(c) = &audit.comparison {
        writeln!(out)?;
        super::changes::write_table(c, opts.fit_terminal, out)?;
    }
    actions(audit, out)?;
    super::mentions::table(&audit.mentions, out)?;
    if opts.explain {
        explain(audit, out)?;
    }
    Ok(())
}

/// The removal worklist and the reclamation section, briefly (`backlinks outreach` has the
/// full list).
fn actions(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let items = &audit.actions.outreach;
    if !items.is_empty() {
        writeln!(
            out,
            "\nremoval worklist ({} page{}; `backlinks outreach {}` for contacts and history)",
            items.len(),
            if items.len() == 1 { "" } else { "s" },
            audit.target
        )?;
        for i in items.iter().take(10) {
            writeln!(
                out,
                "  {:<9}  toxicity {:>3}  {}",
                i.status.as_str(),
                i.toxicity,
                truncate(&strip_controls(&i.source_url), 90)
            )?;
        }
        if items.len() > 10 {
            writeln!(out, "  …and {} more", items.len() - 10)?;
        }
    }
    if let Some(r) = &audit.actions.reclamation
        && !r.targets.is_empty()
    {
        writeln!(
            out,
            "\nlost-link reclamation ({} of {} checked target URLs)",
            r.targets.len(),
            r.checked
        )?;
        for t in &r.targets {
            writeln!(
                out,
                "  {:<14}  {}\n                  {}",
                t.problem.as_str(),
                truncate(&strip_controls(&t.target_url), 90),
                strip_controls(&t.fix)
            )?;
        }
    }
    Ok(())
}

/// One block per page and link, for narrow terminals: nothing is cut off, lines wrap at
/// `width`.
fn narrow(audit: &Audit, on: bool, width: usize, out: &mut dyn Write) -> io::Result<()> {
    let opt = |v: Option<u8>| v.map_or_else(|| "-".to_string(), |n| n.to_string());
    let max = width.saturating_sub(4).max(20);
    for p in &audit.pages {
        let status = p.status.as_str();
        let shown = if on {
            let code = match p.status {
                PageStatus::Live => 32,
                PageStatus::Lost => 33,
                PageStatus::Unreachable => 31,
                PageStatus::Skipped => 90,
            };
            format!("\x1b[{code}m{status}\x1b[0m")
        } else {
            status.to_string()
        };
        writeln!(
            out,
            "{} {shown}{}",
            truncate(&strip_controls(&p.source_url), max),
            p.error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        )?;
        for l in &p.links {
            let flags: Vec<&str> = l.flags.iter().map(|f| f.code).collect();
            let line = format!(
                "\"{}\" {} · {} · rel {} · authority {} · relevance {} · quality {} · toxicity {}{}",
                truncate(&strip_controls(&l.anchor_text), 30),
                l.anchor_type.as_str(),
                l.placement.as_str(),
                if l.rel.is_empty() {
                    "-".to_string()
                } else {
                    strip_controls(&l.rel.join(" "))
                },
                authority_text(l),
                opt(l.relevance),
                l.quality,
                l.toxicity,
                if flags.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", flags.join(" "))
                }
            );
            for chunk in wrap(&line, max) {
                writeln!(out, "    {chunk}")?;
            }
        }
    }
    Ok(())
}

/// A link's authority, `~` marking an estimate (no vendor metric or rank list).
fn authority_text(l: &crate::model::LinkReport) -> String {
    match (l.authority, l.authority_source) {
        (Some(a), Some("estimated")) => format!("{a}~"),
        (Some(a), _) => a.to_string(),
        (None, _) => "-".to_string(),
    }
}

/// Splits text into lines of at most `max` characters at spaces (words longer than a line are
/// cut).
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let cur = lines.last_mut().expect("never empty");
        let len = cur.chars().count();
        if len > 0 && len + 1 + word.chars().count() > max {
            lines.push(word.chars().take(max).collect());
        } else {
            if len > 0 {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    lines
}

/// `--explain`: every component of every link's scores, then the health score's.
fn explain(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "\nScore components (value × weight = points; scoring version {}):",
        audit.tool.scoring_version
    )?;
    let line = |out: &mut dyn Write, c: &crate::model::ScoreComponent| {
        writeln!(
            out,
            "    {:<34} {:>4.2} × {:>3} = {:>5.1}  {}",
            c.name,
            c.value,
            c.weight,
            c.value * c.weight,
            truncate(&strip_controls(&c.reason), 120)
        )
    };
    for p in &audit.pages {
        for l in &p.links {
            writeln!(
                out,
                "\n{} → {} \"{}\"",
                truncate(&strip_controls(&p.source_url), 80),
                truncate(&strip_controls(&l.target_url), 60),
                truncate(&strip_controls(&l.anchor_text), 40)
            )?;
            writeln!(out, "  quality {}", l.quality)?;
            for c in l.components.iter().filter(|c| c.score == "quality") {
                line(out, c)?;
            }
            writeln!(out, "  toxicity {}", l.toxicity)?;
            for c in l.components.iter().filter(|c| c.score == "toxicity") {
                line(out, c)?;
            }
        }
    }
    writeln!(out, "\nhealth score {}", audit.summary.health_text())?;
    for c in &audit.profile.health_components {
        line(out, c)?;
    }
    Ok(())
}

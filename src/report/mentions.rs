//! The "unlinked mentions" section, as the audit and gap reports show it in a terminal, in
//! Markdown and in HTML (JSON carries `mentions[]` as it is): each page that names the target
//! without linking to it, the sentence, its placement, the page's authority and a contact
//! route, best prospects (a competitor linked next to the mention) marked and first. Page text
//! goes through the same escaping as the rest of each report.

use super::html::{esc, link, url_link};
use super::markdown::{MAX_ROWS, cell};
use super::sanitize::{strip_controls, truncate};
use crate::model::{ContactKind, MentionReport};
use std::io::{self, Write};

/// The first contact route, as text ("none found" without one).
fn contact(m: &MentionReport) -> String {
    m.contacts
        .first()
        .map_or_else(|| "none found".to_string(), |c| c.value.clone())
}

/// What marks a best prospect, in words.
fn prospect(m: &MentionReport) -> String {
    let rivals: Vec<&str> = m
        .competitor_links
        .iter()
        .map(|c| c.competitor.as_str())
        .collect();
    format!("best prospect: links {} next to it", rivals.join(", "))
}

/// The terminal section (nothing when there are no mentions).
pub fn table(mentions: &[MentionReport], out: &mut dyn Write) -> io::Result<()> {
    if mentions.is_empty() {
        return Ok(());
    }
    let best = mentions.iter().filter(|m| m.best_prospect).count();
    writeln!(
        out,
        "\nunlinked mentions ({} on pages that do not link to you; {best} best prospects)",
        mentions.len()
    )?;
    for m in mentions {
        writeln!(
            out,
            "  {}  A {:>3}  {}  [{}]",
            if m.best_prospect { "★" } else { " " },
            m.authority.map_or("-".into(), |a| a.to_string()),
            truncate(&strip_controls(&m.source_url), 80),
            m.placement.as_str()
        )?;
        writeln!(
            out,
            "           \"{}\"",
            truncate(&strip_controls(&m.sentence), 160)
        )?;
        if m.best_prospect {
            writeln!(out, "           {}", strip_controls(&prospect(m)))?;
        }
        writeln!(
            out,
            "           contact: {}",
            truncate(&strip_controls(&contact(m)), 80)
        )?;
    }
    Ok(())
}

/// The Markdown section, at most [`MAX_ROWS`] rows.
pub fn markdown(mentions: &[MentionReport], out: &mut dyn Write) -> io::Result<()> {
    if mentions.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "### Unlinked mentions\n\nPages that name you without linking to you; ★ a competitor \
         is linked next to the mention (the best prospects).\n"
    )?;
    writeln!(
        out,
        "| | page | sentence | placement | authority | contact |"
    )?;
    writeln!(out, "|---|---|---|---|---:|---|")?;
    for m in mentions.iter().take(MAX_ROWS) {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            if m.best_prospect { "★" } else { "" },
            cell(&m.source_url, 80),
            cell(&m.sentence, 160),
            m.placement.as_str(),
            m.authority.map_or("-".into(), |a| a.to_string()),
            cell(&contact(m), 60)
        )?;
    }
    if mentions.len() > MAX_ROWS {
        writeln!(out, "\n…and {} more", mentions.len() - MAX_ROWS)?;
    }
    writeln!(out)
}

/// The HTML section.
pub fn html(mentions: &[MentionReport], out: &mut dyn Write) -> io::Result<()> {
    write!(out, "<h2>Unlinked mentions</h2>")?;
    if mentions.is_empty() {
        return writeln!(
            out,
            "<p class=\"muted\">No page names the site without linking to it.</p>"
        );
    }
    write!(
        out,
        "<p class=\"muted\">Pages that name the site without linking to it: the easiest links \
         to ask for. ★ marks the best prospects, where a competitor is linked next to the \
         mention.</p><table><thead><tr><th></th><th>page</th><th>sentence</th>\
         <th>placement</th><th>authority</th><th>contact</th></tr></thead><tbody>"
    )?;
    for m in mentions {
        write!(
            out,
            "<tr><td>{}</td><td class=\"url\">",
            if m.best_prospect { "★" } else { "" }
        )?;
        url_link(out, &m.source_url)?;
        write!(out, "</td><td>{}", esc(&m.sentence))?;
        if m.best_prospect {
            write!(
                out,
                "<br><span class=\"muted\">{}</span>",
                esc(&prospect(m))
            )?;
        }
        write!(
            out,
            "</td><td>{}</td><td class=\"n\">{}</td><td class=\"url\">",
            esc(m.placement.as_str()),
            m.authority.map_or("-".into(), |a| a.to_string())
        )?;
        match m.contacts.first() {
            None => write!(out, "<span class=\"muted\">none found</span>")?,
            Some(c) => {
                let href = match c.kind {
                    ContactKind::Email => format!("mailto:{}", c.value),
                    _ => c.value.clone(),
                };
                link(out, &href, &c.value)?;
            }
        }
        writeln!(out, "</td></tr>")?;
    }
    writeln!(out, "</tbody></table>")
}

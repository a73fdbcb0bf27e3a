//! The gap report as one self-contained HTML page: summary cards, the ranked opportunities
//! (each opening its score components and links with `<details>`, so the page needs no script
//! at all), the excluded, already-linking and gone domains, the changes since the previous run
//! and the unlinked mentions. The whole report is embedded as JSON.
//!
//! Safety as in the audit's HTML report: every page-supplied string is escaped, links are only
//! made for http(s) and mailto addresses, the embedded JSON escapes `<`, `>`, `&`, U+2028 and
//! U+2029, and the Content-Security-Policy allows no script.

use super::super::html::{esc, head, json_for_script, link};
use crate::model::{GapReport, Opportunity};
use std::io::{self, Write};

pub fn render(r: &GapReport, out: &mut dyn Write) -> io::Result<()> {
    let target = esc(&r.target);
    head(out, &format!("Competitor gap of {}", r.target), None)?;
    write!(
        out,
        "<header><h1>Competitor gap of {target}</h1><div class=\"meta\">against {} · {} · \
         backlinks {}</div></header>\n<main>\n",
        esc(&r.competitors.join(", ")),
        esc(&r.generated_at),
        esc(r.tool.version)
    )?;
    let s = &r.summary;
    write!(out, "<div class=\"cards\">")?;
    for (v, l) in [
        (s.opportunities, "opportunities"),
        (s.excluded, "excluded (toxic, link farms)"),
        (s.already_linking, "already link to you"),
        (s.gone, "listed links gone"),
        (s.mentions, "unlinked mentions"),
        (s.best_prospects, "best prospects"),
    ] {
        write!(
            out,
            "<div class=\"card\"><div class=\"v\">{v}</div><div class=\"l\">{l}</div></div>"
        )?;
    }
    writeln!(out, "</div>")?;
    opportunities(r, out)?;
    if !r.excluded.is_empty() {
        write!(
            out,
            "<h2>Excluded</h2><table><thead><tr><th>domain</th><th>toxicity</th>\
             <th>competitors</th><th>why</th></tr></thead><tbody>"
        )?;
        for e in &r.excluded {
            write!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>",
                esc(&e.domain),
                e.toxicity,
                esc(&e.competitors.join(", "))
            )?;
            for f in &e.reasons {
                write!(
                    out,
                    "<span class=\"pill {}\">{}</span> {}<br>",
                    esc(f.severity.as_str()),
                    esc(f.code),
                    esc(&f.evidence)
                )?;
            }
            writeln!(out, "</td></tr>")?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    if !r.already_linking.is_empty() {
        write!(
            out,
            "<h2>Already link to you</h2><table><thead><tr><th>domain</th><th>competitors</th>\
             <th>known from</th></tr></thead><tbody>"
        )?;
        for a in &r.already_linking {
            writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.domain),
                esc(&a.competitors.join(", ")),
                esc(&a.known_from.join(", "))
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    if !r.gone.is_empty() {
        write!(
            out,
            "<h2>Gone</h2><p class=\"muted\">Listed links that are not there any more; dropped \
             from the opportunities.</p><table><thead><tr><th>page</th><th>listed for</th>\
             <th>why</th></tr></thead><tbody>"
        )?;
        for g in &r.gone {
            write!(out, "<tr><td class=\"url\">")?;
            link(out, &g.source_url, &g.source_url)?;
            writeln!(
                out,
                "</td><td>{}</td><td>{}{}</td></tr>",
                esc(&g.competitors.join(", ")),
                esc(g.reason),
                g.error
                    .as_deref()
                    .map(|e| format!(" ({})", esc(e)))
                    .unwrap_or_default()
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    if let Some(c) = &r.comparison {
        write!(
            out,
            "<h2>Since gap run {}</h2><p>{} new, {} lost opportunities.</p><ul>",
            c.previous.run_id,
            c.new.len(),
            c.lost.len()
        )?;
        for n in &c.new {
            write!(out, "<li>new: {} (score {})</li>", esc(&n.domain), n.score)?;
        }
        for l in &c.lost {
            write!(
                out,
                "<li>lost: {} (score {} then; {})</li>",
                esc(&l.domain),
                l.score,
                esc(l.reason)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    super::super::mentions::html(&r.mentions, out)?;
    let mut json = Vec::new();
    serde_json::to_writer(&mut json, r)?;
    write!(
        out,
        "</main>\n<script type=\"application/json\" id=\"gap-data\">{}</script>\n</body></html>\n",
        json_for_script(&String::from_utf8_lossy(&json))
    )
}

fn opportunities(r: &GapReport, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "<h2>Opportunities</h2>")?;
    if r.opportunities.is_empty() {
        return writeln!(
            out,
            "<p class=\"muted\">No referring domain links to a competitor without linking to \
             you (or every one is toxic or gone).</p>"
        );
    }
    write!(
        out,
        "<table><thead><tr><th>#</th><th>domain</th><th>score</th><th>competitors</th>\
         <th>authority</th><th>relevance</th><th>best link</th><th>contact</th></tr></thead>\
         <tbody>"
    )?;
    for (i, o) in r.opportunities.iter().enumerate() {
        write!(
            out,
            "<tr><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"url\">",
            i + 1,
            esc(&o.domain),
            o.score,
            esc(&o.competitors.join(", ")),
            o.authority.map_or("-".into(), |a| a.to_string()),
            o.relevance.map_or("-".into(), |a| a.to_string())
        )?;
        link(out, &o.source_url, &o.source_url)?;
        for m in &o.marks {
            write!(out, " <span class=\"pill warn\">{}</span>", esc(m))?;
        }
        write!(out, "{}</td><td class=\"url\">", details(o))?;
        match o.contacts.first() {
            None => write!(out, "<span class=\"muted\">none found</span>")?,
            Some(c) => {
                let href = match c.kind {
                    crate::model::ContactKind::Email => format!("mailto:{}", c.value),
                    _ => c.value.clone(),
                };
                link(out, &href, &c.value)?;
            }
        }
        writeln!(out, "</td></tr>")?;
    }
    writeln!(out, "</tbody></table>")
}

/// The score's components and every link of an opportunity, folded.
fn details(o: &Opportunity) -> String {
    let mut s = String::from("<details><summary class=\"muted\">score and links</summary><table>");
    s.push_str(
        "<tr><th>component</th><th>value</th><th>weight</th><th>points</th><th>reason</th></tr>",
    );
    for c in &o.components {
        s.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{:.2}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}</td><td>{}</td></tr>",
            esc(c.name),
            c.value,
            c.weight,
            c.value * c.weight,
            esc(&c.reason)
        ));
    }
    s.push_str("</table><table><tr><th>to</th><th>anchor</th><th>rel</th><th>placement</th><th>context</th></tr>");
    for l in &o.links {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
            esc(&l.competitor),
            esc(&l.link.anchor_text),
            esc(&l.link.rel.join(" ")),
            esc(l.link.placement.as_str()),
            if l.marks.is_empty() {
                String::new()
            } else {
                format!(" ({})", esc(&l.marks.join(", ")))
            },
            esc(&l.link.context)
        ));
    }
    s.push_str("</table></details>");
    s
}

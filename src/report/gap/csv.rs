//! The gap report as CSV: one row per live competitor link of every opportunity (in rank
//! order), then one row per excluded, already-linking and gone domain or page with empty link
//! fields. Page-supplied cells are neutralised against spreadsheet formula injection.

use super::super::sanitize::csv_cell;
use crate::model::GapReport;
use std::io::{self, Write};

const HEADER: [&str; 20] = [
    "status",
    "rank",
    "domain",
    "score",
    "competitors",
    "authority",
    "relevance",
    "toxicity",
    "marks",
    "competitor",
    "source_url",
    "target_url",
    "anchor_text",
    "rel",
    "placement",
    "dofollow",
    "context",
    "contacts",
    "reasons",
    "error",
];

pub fn render(r: &GapReport, out: &mut dyn Write) -> io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    let opt = |v: Option<u8>| v.map(|n| n.to_string()).unwrap_or_default();
    let blank = |row: &mut Vec<String>, n: usize| row.extend(std::iter::repeat_n(String::new(), n));
    for (i, o) in r.opportunities.iter().enumerate() {
        let contacts: Vec<&str> = o.contacts.iter().map(|c| c.value.as_str()).collect();
        for l in &o.links {
            w.write_record([
                "opportunity".to_string(),
                (i + 1).to_string(),
                csv_cell(&o.domain),
                o.score.to_string(),
                csv_cell(&o.competitors.join(" ")),
                opt(o.authority),
                opt(o.relevance),
                o.toxicity.to_string(),
                l.marks.join(" "),
                csv_cell(&l.competitor),
                csv_cell(&l.source_url),
                csv_cell(&l.link.target_url),
                csv_cell(&l.link.anchor_text),
                csv_cell(&l.link.rel.join(" ")),
                l.link.placement.as_str().to_string(),
                l.link.dofollow.to_string(),
                csv_cell(&l.link.context),
                csv_cell(&contacts.join(" ")),
                String::new(),
                String::new(),
            ])?;
        }
    }
    for e in &r.excluded {
        let reasons: Vec<&str> = e.reasons.iter().map(|f| f.code).collect();
        let mut row = vec![
            "excluded".to_string(),
            String::new(),
            csv_cell(&e.domain),
            String::new(),
            csv_cell(&e.competitors.join(" ")),
            String::new(),
            String::new(),
            e.toxicity.to_string(),
        ];
        blank(&mut row, 10);
        row.push(reasons.join(" "));
        row.push(String::new());
        w.write_record(&row)?;
    }
    for a in &r.already_linking {
        let mut row = vec![
            "already-linking".to_string(),
            String::new(),
            csv_cell(&a.domain),
            String::new(),
            csv_cell(&a.competitors.join(" ")),
        ];
        blank(&mut row, 13);
        row.push(csv_cell(&a.known_from.join(" ")));
        row.push(String::new());
        w.write_record(&row)?;
    }
    for g in &r.gone {
        let mut row = vec![
            "gone".to_string(),
            String::new(),
            csv_cell(&g.source_domain),
            String::new(),
            csv_cell(&g.competitors.join(" ")),
        ];
        blank(&mut row, 5);
        row.push(csv_cell(&g.source_url));
        blank(&mut row, 7);
        row.push(g.reason.to_string());
        row.push(g.error.clone().unwrap_or_default());
        w.write_record(&row)?;
    }
    w.flush()
}

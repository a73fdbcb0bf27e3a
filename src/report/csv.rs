//! CSV: one row per link on live pages, plus one row (empty link fields) per lost,
//! unreachable or skipped page, in the audit's order. Every cell of third-party text (URLs,
//! anchors, `rel` values, input names) goes through [`csv_cell`]: no controls, no hidden
//! characters, no formula.

use super::sanitize::csv_cell;
use crate::model::{Audit, Found};
use std::io::{self, Write};

const HEADER: [&str; 19] = [
    "source_url",
    "source_domain",
    "status",
    "http_status",
    "error",
    "final_url",
    "sources",
    "target_url",
    "anchor_text",
    "anchor_type",
    "rel",
    "placement",
    "dofollow",
    "authority",
    "relevance",
    "quality",
    "toxicity",
    "flags",
    // Last, so that readers of the earlier columns by position keep working (issue 22).
    "found",
];

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    let opt = |v: Option<u8>| v.map(|n| n.to_string()).unwrap_or_default();
    for p in &audit.pages {
        let page = [
            csv_cell(&p.source_url),
            csv_cell(&p.source_domain),
            p.status.as_str().to_string(),
            p.http_status.map(|s| s.to_string()).unwrap_or_default(),
            p.error.clone().unwrap_or_default(),
            csv_cell(p.final_url.as_deref().unwrap_or_default()),
            csv_cell(&p.sources.join(" ")),
        ];
        if p.links.is_empty() {
            let flags: Vec<&str> = p.flags.iter().map(|f| f.code).collect();
            let mut row: Vec<String> = page.to_vec();
            row.extend(std::iter::repeat_n(String::new(), 10));
            row.push(flags.join(" "));
            row.push(String::new());
            w.write_record(&row)?;
        }
        for l in &p.links {
            let flags: Vec<&str> = l.flags.iter().map(|f| f.code).collect();
            let mut row: Vec<String> = page.to_vec();
            row.extend([
                csv_cell(&l.target_url),
                csv_cell(&l.anchor_text),
                l.anchor_type.as_str().to_string(),
                csv_cell(&l.rel.join(" ")),
                l.placement.as_str().to_string(),
                l.dofollow.to_string(),
                opt(l.authority),
                opt(l.relevance),
                l.quality.to_string(),
                l.toxicity.to_string(),
                flags.join(" "),
                match l.found {
                    Found::Served => "served",
                    Found::Rendered => "rendered",
                }
                .to_string(),
            ]);
            w.write_record(&row)?;
        }
    }
    w.flush()
}

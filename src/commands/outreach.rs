//! `backlinks outreach TARGET`: the removal worklist from the latest stored audit (toxic links
//! with the contact routes found on their pages and the requests made so far), and
//! `backlinks outreach mark URL --requested`, which records a request in the store.

use super::disavow::latest;
use super::resolve::{self, ActionSettings};
use crate::actions::worklist::{self, Request};
use crate::cli::{OutreachArgs, OutreachCommand, OutreachMarkArgs, WorklistFormat};
use crate::exit::ExitStatus;
use crate::model::{OutreachItem, Target, normalize_url};
use crate::output;
use crate::report::color;
use crate::report::sanitize::{csv_cell, strip_controls, truncate};
use crate::settings::Env;
use crate::store::Store;
use anyhow::{Context, bail};
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use std::io::{self, Write};

/// Runs `outreach` and `outreach mark`.
pub fn run(args: OutreachArgs) -> anyhow::Result<ExitStatus> {
    match args.command {
        Some(OutreachCommand::Mark(m)) => mark(m),
        None => list(args),
    }
}

fn list(args: OutreachArgs) -> anyhow::Result<ExitStatus> {
    let env = Env::from_process();
    let file = resolve::file(&args.config, &env)?;
    let target = Target::parse(args.target.as_deref().unwrap_or_default())?;
    let db = resolve::storage(&args.db, &env).db()?.to_path_buf();
    if let Some(out) = &args.output {
        output::check_output_beside_store(out, &db)?;
    }
    let settings = ActionSettings::resolve(&file, args.threshold, None, &args.keep, false)?;
    let store = Store::open_read_only(&db)?;
    let latest = latest(&store, &target.domain)?;
    let items = worklist::worklist(
        &latest.pages,
        &latest.requests,
        settings.threshold.value,
        &settings.keep,
        &latest.generated_at,
    );
    let to_terminal = args.output.is_none() && output::stdout_is_terminal();
    output::write_report(args.output.as_deref(), |w| match args.format {
        WorklistFormat::Json => {
            let doc = serde_json::json!({
                "target": latest.target,
                "snapshot_id": latest.id,
                "generated_at": latest.generated_at,
                "outreach": items,
            });
            crate::report::sanitize::write_json(&mut *w, &doc, true)?;
            w.write_all(b"\n")
        }
        WorklistFormat::Csv => csv(&items, w),
        WorklistFormat::Table => table(&latest, &items, to_terminal, w),
    })?;
    Ok(ExitStatus::Pass)
}

fn contacts(i: &OutreachItem) -> String {
    if i.contacts.is_empty() {
        return "none found (try the site's WHOIS record)".into();
    }
    i.contacts
        .iter()
        .map(|c| c.value.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn table(
    latest: &super::disavow::Latest,
    items: &[OutreachItem],
    to_terminal: bool,
    w: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        w,
        "removal worklist of {} (audit of {}, snapshot {})",
        latest.target, latest.generated_at, latest.id
    )?;
    if items.is_empty() {
        return writeln!(w, "nothing to do: no toxic links and no removal requests");
    }
    let on = color::enabled(to_terminal);
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.set_content_arrangement(if to_terminal {
        ContentArrangement::Dynamic
    } else {
        ContentArrangement::Disabled
    });
    if on {
        t.enforce_styling();
    }
    t.set_header([
        "status",
        "page",
        "T",
        "A",
        "reasons",
        "contact",
        "requested",
    ]);
    for i in items {
        let status_color = match i.status {
            crate::model::OutreachStatus::Disavow => Color::Red,
            crate::model::OutreachStatus::Removed => Color::Green,
            _ => Color::Yellow,
        };
        t.add_row([
            color::paint(Cell::new(i.status.as_str()), on, status_color),
            Cell::new(truncate(&strip_controls(&i.source_url), 60)),
            Cell::new(i.toxicity),
            Cell::new(i.authority.map_or("-".into(), |a| a.to_string())),
            Cell::new(i.reasons.join(" ")),
            Cell::new(truncate(&strip_controls(&contacts(i)), 80)),
            Cell::new(
                i.requests
                    .iter()
                    .map(|d| d.get(..10).unwrap_or(d))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ]);
    }
    writeln!(w, "{t}")?;
    let mut counts = std::collections::BTreeMap::new();
    for i in items {
        *counts.entry(i.status).or_insert(0usize) += 1;
    }
    for (status, n) in counts {
        writeln!(w, "{n} × {}: {}", status.as_str(), status.next_step())?;
    }
    writeln!(
        w,
        "record a request: backlinks outreach mark URL --requested [--via CONTACT]"
    )
}

fn csv(items: &[OutreachItem], w: &mut dyn Write) -> io::Result<()> {
    let mut c = ::csv::Writer::from_writer(w);
    c.write_record([
        "status",
        "source_url",
        "source_domain",
        "toxicity",
        "authority",
        "links",
        "reasons",
        "contacts",
        "requests",
        "next_step",
    ])?;
    for i in items {
        c.write_record([
            i.status.as_str().to_string(),
            csv_cell(&i.source_url),
            csv_cell(&i.source_domain),
            i.toxicity.to_string(),
            i.authority.map_or(String::new(), |a| a.to_string()),
            i.links.to_string(),
            i.reasons.join(" "),
            csv_cell(&contacts(i)),
            i.requests.join(" "),
            i.status.next_step().to_string(),
        ])?;
    }
    c.flush()
}

/// Parses `--date`: `YYYY-MM-DD` (midnight UTC) or an RFC 3339 timestamp.
fn parse_date(s: &str) -> anyhow::Result<String> {
    let s = s.trim();
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t.to_string());
    }
    let d: jiff::civil::Date = s
        .parse()
        .with_context(|| format!("--date `{s}` is not a date (YYYY-MM-DD or RFC 3339)"))?;
    Ok(d.to_zoned(jiff::tz::TimeZone::UTC)
        .context("date out of range")?
        .timestamp()
        .to_string())
}

fn mark(args: OutreachMarkArgs) -> anyhow::Result<ExitStatus> {
    let url = url::Url::parse(args.url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(normalize_url)
        .with_context(|| format!("`{}` is not an http(s) URL", strip_controls(&args.url)))?;
    let requested_at = match &args.date {
        Some(d) => parse_date(d)?,
        None => jiff::Timestamp::now().to_string(),
    };
    let mut store = Store::open_existing(resolve::storage(&args.db, &Env::from_process()).db()?)?;
    let known = store.targets_of_page(url.as_str())?;
    let target = match &args.target {
        Some(t) => {
            let t = Target::parse(t)?.domain;
            if !known.contains(&t) {
                bail!(
                    "{url} is not a referring page in the latest audit of {t} (see `backlinks \
                     outreach {t}`)"
                );
            }
            t
        }
        None => match known.as_slice() {
            [one] => one.clone(),
            [] => bail!(
                "{url} is not a referring page in the latest audit of any target in `{}` (see \
                 `backlinks outreach TARGET`)",
                store.path().display()
            ),
            many => bail!(
                "{url} links to several audited targets ({}): choose one with --target",
                many.join(", ")
            ),
        },
    };
    let request = Request {
        source_url: url.to_string(),
        requested_at,
        via: args.via.clone(),
        note: args.note.clone(),
    };
    store.record_request(&target, &request)?;
    let n = store
        .requests(&target)?
        .iter()
        .filter(|r| r.source_url == request.source_url)
        .count();
    output::verdict(&format!(
        "outreach: recorded removal request {n} for {url} ({target}){}",
        if n >= worklist::REQUESTS_BEFORE_DISAVOW {
            "; if the next audit still finds the link, it moves to the disavow candidates"
        } else {
            ""
        }
    ));
    Ok(ExitStatus::Pass)
}

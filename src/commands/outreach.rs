//! `backlinks outreach TARGET`: the removal worklist from the latest stored audit (toxic links
//! with the contact routes found on their pages and the requests made so far), and
//! `backlinks outreach mark URL`, which records a request in the store (`--undo` deletes the
//! latest one).

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
    // The link requests to make come from the latest gap run, next to the removal requests of
    // the latest audit; either may be missing, not both.
    let gap_run = store.gap_runs(&target.domain)?.pop();
    let latest = match (store.latest(&target.domain)?, &gap_run) {
        (None, Some(_)) => None,
        _ => Some(latest(&store, &target.domain)?),
    };
    let mut items = match &latest {
        Some(l) => worklist::worklist(
            &l.pages,
            &l.requests,
            settings.threshold.value,
            &settings.keep,
            &l.generated_at,
        ),
        None => Vec::new(),
    };
    if let Some(run) = &gap_run {
        items.extend(worklist::acquire(
            &store.gap_opportunities(run.id)?,
            &store.requests(&target.domain)?,
            &settings.keep,
        ));
    }
    let to_terminal = args.output.is_none() && output::stdout_is_terminal();
    let heading = Heading {
        target: &target.domain,
        audit: latest.as_ref(),
        gap_run: gap_run.as_ref(),
    };
    output::write_report(args.output.as_deref(), |w| match args.format {
        WorklistFormat::Json => {
            let doc = serde_json::json!({
                "target": target.domain,
                "snapshot_id": latest.as_ref().map(|l| l.id),
                "generated_at": latest.as_ref().map(|l| &l.generated_at),
                "gap_run_id": gap_run.as_ref().map(|r| r.id),
                "outreach": items,
            });
            crate::report::sanitize::write_json(&mut *w, &doc, true)?;
            w.write_all(b"\n")
        }
        WorklistFormat::Csv => csv(&items, w),
        WorklistFormat::Table => table(&heading, &items, to_terminal, w),
    })?;
    Ok(ExitStatus::Pass)
}

/// What the worklist was made from.
struct Heading<'a> {
    target: &'a str,
    audit: Option<&'a super::disavow::Latest>,
    gap_run: Option<&'a crate::model::GapRunInfo>,
}

/// Why the page is on the list: its findings, or for an `acquire` entry the competitors it
/// links to and its opportunity score.
fn reasons(i: &OutreachItem) -> String {
    match i.opportunity_score {
        Some(score) => format!("links {} (score {score})", i.competitors.join(" ")),
        None => i.reasons.join(" "),
    }
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
    heading: &Heading<'_>,
    items: &[OutreachItem],
    to_terminal: bool,
    w: &mut dyn Write,
) -> io::Result<()> {
    match heading.audit {
        Some(latest) => writeln!(
            w,
            "removal worklist of {} (audit of {}, snapshot {})",
            heading.target,
            crate::model::display_time(&latest.generated_at),
            latest.id
        )?,
        None => writeln!(w, "worklist of {} (no stored audit)", heading.target)?,
    }
    if let Some(run) = heading.gap_run {
        writeln!(
            w,
            "link requests from gap run {} ({}) against {}",
            run.id,
            crate::model::display_time(&run.generated_at),
            strip_controls(&run.competitors.join(", "))
        )?;
    }
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
        "toxicity",
        "authority",
        "reasons",
        "contact",
        "requested",
    ]);
    for i in items {
        let status_color = match i.status {
            crate::model::OutreachStatus::Disavow => Color::Red,
            crate::model::OutreachStatus::Removed | crate::model::OutreachStatus::Acquire => {
                Color::Green
            }
            _ => Color::Yellow,
        };
        t.add_row([
            color::paint(Cell::new(i.status.as_str()), on, status_color),
            Cell::new(truncate(&strip_controls(&i.source_url), 60)),
            Cell::new(i.toxicity),
            Cell::new(i.authority.map_or("-".into(), |a| a.to_string())),
            Cell::new(reasons(i)),
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
        "record a request: backlinks outreach mark URL [--via CONTACT]"
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
            csv_cell(&reasons(i)),
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
    let mut known = store.targets_of_page(url.as_str())?;
    // Pages of the latest gap runs' opportunities: a request for a link, not its removal.
    let prospects = store.prospect_targets(url.as_str())?;
    known.extend(prospects.iter().cloned());
    known.sort();
    known.dedup();
    let target = match &args.target {
        Some(t) => {
            let t = Target::parse(t)?.domain;
            if !known.contains(&t) {
                bail!(
                    "{url} is not a referring page in the latest audit or gap run of {t} (see \
                     `backlinks outreach {t}`)"
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
    if args.undo {
        let Some(undone) = store.undo_request(&target, url.as_str())? else {
            bail!("no request is recorded for {url} ({target}): nothing to undo");
        };
        let left = store
            .requests(&target)?
            .iter()
            .filter(|r| r.source_url == undone.source_url)
            .count();
        output::verdict(&format!(
            "outreach: deleted the request of {} for {url} ({target}); {left} request(s) left",
            undone.requested_at
        ));
        return Ok(ExitStatus::Pass);
    }
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
    if prospects.contains(&target) && !store.targets_of_page(url.as_str())?.contains(&target) {
        output::verdict(&format!(
            "outreach: recorded link request {n} for {url} ({target}); the next `backlinks gap` \
             run tells whether the page links to you"
        ));
        return Ok(ExitStatus::Pass);
    }
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

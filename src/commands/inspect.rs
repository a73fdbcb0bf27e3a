//! `backlinks inspect`: every link of HTML files or URLs, with anchor text, rel, placement and
//! evidence, using the same extract stage as `audit`. JSON Lines by default (one object per
//! input), or a readable table.

use super::resolve;
use crate::cli::{Given, InspectArgs, InspectFormat};
use crate::crawl::decode;
use crate::exit::ExitStatus;
use crate::extract::{self, LinkFilter};
use crate::ingest::decode::{read_to_cap, size as decode_size};
use crate::model::{FetchOutcome, Found, LinkObservation, Target};
use crate::output;
use crate::pipeline::PageSource;
use crate::pipeline::network::NetworkSource;
use crate::pipeline::render::{PageRender, RenderLog};
use crate::report::sanitize::{strip_controls, truncate};
use crate::settings::Env;
use anyhow::Context;
use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;
use std::sync::Arc;
use url::Url;

/// One input's result: the JSON Lines record.
#[derive(Debug, Serialize)]
struct Inspected {
    /// The input as given.
    input: String,
    /// The URL links were resolved against (final URL for fetched pages), if any.
    url: Option<String>,
    /// HTTP status for fetched pages.
    http_status: Option<u16>,
    /// Why the page has no links to show (fetch failures), else null.
    error: Option<String>,
    /// The links, in document order.
    links: Vec<InspectedLink>,
    /// With `--render`: whether the links are those of the rendered DOM (absent without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    rendered: Option<bool>,
    /// With `--render`: why the page was rendered, or why rendering failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    render: Option<String>,
    /// With `--render`: the page's requests the SSRF guard refused (`URL (reason)`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    blocked: Vec<String>,
}

/// One link of the record.
#[derive(Debug, Serialize)]
struct InspectedLink {
    #[serde(flatten)]
    link: LinkObservation,
    /// With `--render`: `served` or `rendered` (absent without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<Found>,
}

fn plain(links: Vec<LinkObservation>) -> Vec<InspectedLink> {
    links
        .into_iter()
        .map(|link| InspectedLink { link, found: None })
        .collect()
}

/// Runs `inspect`.
pub fn run(args: InspectArgs, given: &Given) -> anyhow::Result<ExitStatus> {
    let target = args.target.as_deref().map(Target::parse).transpose()?;
    let filter = match &target {
        Some(t) => LinkFilter::Target(t),
        None => LinkFilter::All,
    };
    let needs_network = args.inputs.iter().any(|i| is_url(i));
    let fetch = resolve::fetch(&args.fetch, given);
    let max_body = fetch.max_body.value;
    let render = resolve::render(&args.render, given, &Env::from_process());
    let fetcher = if needs_network {
        let network = NetworkSource::new(&fetch, false)?;
        let (source, log): (Arc<dyn PageSource>, _) = match render.enabled() {
            true => {
                let (s, l) = crate::pipeline::render::open(
                    network,
                    &render,
                    &fetch.crawl(),
                    target.as_ref(),
                    HashSet::new(),
                    false,
                )?;
                (s, Some(l))
            }
            false => (Arc::new(network), None),
        };
        Some((source, log, crate::pipeline::runtime()?))
    } else {
        None
    };
    // Everything is read before anything is printed, so a bad input leaves no partial output.
    let mut results = Vec::new();
    for input in &args.inputs {
        let r = match (&fetcher, is_url(input)) {
            (Some((source, log, rt)), true) => {
                let url = Url::parse(input).with_context(|| format!("invalid URL `{input}`"))?;
                inspect_url(&**source, log.as_deref(), rt, input, &url, filter)
            }
            _ => inspect_file(input, args.base_url.as_ref(), filter, max_body)?,
        };
        results.push(r);
    }
    output::write_report(None, |w| match args.format {
        InspectFormat::Json => {
            for r in &results {
                crate::report::sanitize::write_json(&mut *w, r, false)?;
                w.write_all(b"\n")?;
            }
            Ok(())
        }
        InspectFormat::Table => render_table(&results, w),
    })?;
    Ok(ExitStatus::Pass)
}

fn is_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Reads a local page, plain or gzipped, of at most `max_body` bytes after decompression (the
/// cap of a fetched page, `--max-body`): a larger one is an error, not a page read in part.
fn inspect_file(
    input: &str,
    base: Option<&Url>,
    filter: LinkFilter<'_>,
    max_body: usize,
) -> anyhow::Result<Inspected> {
    let cap = max_body as u64;
    let too_large = || {
        anyhow::anyhow!(
            "`{input}` is larger than --max-body ({}); raise --max-body to read it",
            decode_size(cap)
        )
    };
    let mut file = std::fs::File::open(input).with_context(|| format!("cannot read `{input}`"))?;
    let mut raw = Vec::new();
    // A compressed page may take a little more than the cap before it is inflated.
    let raw_cap = cap.saturating_add(1024 * 1024);
    if !read_to_cap(&mut file, &mut raw, raw_cap)
        .with_context(|| format!("cannot read `{input}`"))?
    {
        return Err(too_large());
    }
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let fits = read_to_cap(
            &mut flate2::read::MultiGzDecoder::new(&raw[..]),
            &mut out,
            cap,
        )
        .with_context(|| format!("cannot read `{input}`: invalid gzip data"))?;
        if !fits {
            return Err(too_large());
        }
        out
    } else if raw.len() as u64 > cap {
        return Err(too_large());
    } else {
        raw
    };
    let (text, _, _) = decode::decode_html(&bytes, None, None);
    let analysis = extract::analyze(&text, base, &[], filter);
    Ok(Inspected {
        input: input.to_string(),
        url: base.map(Url::to_string),
        http_status: None,
        error: None,
        links: plain(analysis.links),
        rendered: None,
        render: None,
        blocked: Vec::new(),
    })
}

fn inspect_url(
    source: &dyn PageSource,
    log: Option<&RenderLog>,
    rt: &tokio::runtime::Runtime,
    input: &str,
    url: &Url,
    filter: LinkFilter<'_>,
) -> Inspected {
    let page = rt.block_on(source.fetch(url));
    let mut r = Inspected {
        input: input.to_string(),
        url: Some(page.final_url.to_string()),
        http_status: None,
        error: None,
        links: Vec::new(),
        rendered: None,
        render: None,
        blocked: Vec::new(),
    };
    match page.outcome {
        FetchOutcome::Html(body) => {
            r.http_status = Some(body.status);
            let links = extract::analyze(
                &body.text,
                Some(&page.final_url),
                &body.x_robots_tag,
                filter,
            )
            .links;
            r.links = plain(links);
            if let Some(log) = log {
                mark_rendered(&mut r, log.page(page.url.as_str()));
            }
        }
        FetchOutcome::NotHtml { status, .. } => {
            r.http_status = Some(status);
            r.error = Some("not-html".into());
        }
        FetchOutcome::HttpError { status } => {
            r.http_status = Some(status);
            r.error = Some("http-error".into());
        }
        FetchOutcome::Failed { error, status } => {
            r.http_status = status;
            r.error = Some(error.code().into());
        }
        FetchOutcome::Skipped(reason) => r.error = Some(reason.code().into()),
    }
    r
}

/// Says how the links of a page inspected with `--render` were found.
fn mark_rendered(r: &mut Inspected, record: Option<PageRender>) {
    let Some(record) = record else {
        r.rendered = Some(false);
        r.render = Some("not rendered: the served HTML was enough".into());
        for l in &mut r.links {
            l.found = Some(Found::Served);
        }
        return;
    };
    r.blocked = record
        .blocked
        .iter()
        .map(|b| format!("{} ({})", b.url, b.reason))
        .collect();
    match &record.outcome {
        Ok(()) => {
            r.rendered = Some(true);
            r.render = Some(record.why.clone());
        }
        Err(e) => {
            r.rendered = Some(false);
            r.render = Some(format!("{e}; the served HTML was read"));
        }
    }
    let mut served: std::collections::HashMap<(&str, &str), usize> = Default::default();
    for (href, anchor) in &record.served {
        *served.entry((href, anchor)).or_default() += 1;
    }
    for l in &mut r.links {
        let key = (l.link.href.as_str(), l.link.anchor_text.as_str());
        l.found = Some(match served.get_mut(&key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                Found::Served
            }
            _ if record.outcome.is_err() => Found::Served,
            _ => Found::Rendered,
        });
    }
}

fn render_table(results: &[Inspected], w: &mut dyn Write) -> std::io::Result<()> {
    use comfy_table::{ContentArrangement, Table, presets};
    for r in results {
        writeln!(w, "{}", strip_controls(&r.input))?;
        if let Some(e) = &r.error {
            writeln!(w, "  error: {e}")?;
        }
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED);
        t.set_content_arrangement(ContentArrangement::Disabled);
        t.set_header(["#", "href", "anchor", "rel", "placement", "evidence"]);
        for (i, l) in r.links.iter().enumerate() {
            let found = l.found;
            let l = &l.link;
            let mut evidence = l.evidence.join("; ");
            if let Some(h) = &l.hidden {
                evidence.push_str("; HIDDEN: ");
                evidence.push_str(h);
            }
            if found == Some(Found::Rendered) {
                evidence.push_str("; ");
                evidence.push_str(crate::model::RENDERED_ONLY);
            }
            t.add_row([
                (i + 1).to_string(),
                truncate(&strip_controls(&l.href), 60),
                truncate(&strip_controls(&l.anchor_text), 40),
                strip_controls(&l.rel.join(" ")),
                l.placement.to_string(),
                strip_controls(&evidence),
            ]);
        }
        writeln!(w, "{t}\n")?;
    }
    Ok(())
}

//! Rendered pages as a [`PageSource`] (`--render`, issue 22): the network source fetches each
//! page as always (robots.txt, politeness and the SSRF guard apply), then this source decides
//! whether the page needs its scripts run, renders it in headless Chromium
//! ([`crate::render`]) and hands the rendered DOM on in place of the served HTML, so the same
//! extract stage reads it (placement, context, evidence).
//!
//! Which pages: `always` renders every HTML page of a referring site; `auto` only those whose
//! served HTML has no link to the target and either look script-built ([`script_built`]: a
//! framework root with little text, almost no text beside scripts, or a lot of script) or are
//! claimed by an export to link to the target. The target's own pages (its profile and the
//! reclamation checks) are never rendered.
//!
//! What was rendered, which links were in the served HTML, and which requests the browser was
//! refused is kept in a [`RenderLog`]; [`annotate`] writes it into the scored audit: a link
//! present only after rendering says so (`found: "rendered"`, finding `rendered-only-link`), a
//! rendered page carries `rendered-page` (with the refused requests as evidence) and a page
//! whose rendering failed `render-failed` (its served HTML was read instead).

use super::network::NetworkSource;
use super::source::{BoxFuture, PageSender, PageSource};
use crate::extract::{self, LinkFilter};
use crate::model::{Audit, FetchOutcome, FetchedPage, Flag, Severity, Target, Warning};
use crate::render::{Blocked, RenderFailure, Renderer};
use crate::score::link_network::Dns;
use crate::score::rule_settings::ScoringSettings;
use crate::score::rules;
use crate::settings::{RenderMode, RenderSettings};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use url::Url;

/// The warning code of a run that wanted rendering (`auto`) but had no browser.
pub const RENDER_UNAVAILABLE: &str = "render-unavailable";

/// Served pages waiting for a tab, per tab: enough to keep the tabs busy, few enough that
/// waiting bodies stay bounded.
const WAITING_PER_TAB: usize = 4;

/// What rendering did to one page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRender {
    /// Why the page was rendered.
    pub why: String,
    /// The links to the target in the served HTML: (href, anchor text), in document order.
    pub served: Vec<(String, String)>,
    /// `Ok` when the rendered DOM replaced the served HTML.
    pub outcome: Result<(), RenderFailure>,
    /// Requests the guard refused.
    pub blocked: Vec<Blocked>,
    /// Requests the page made.
    pub requests: usize,
}

/// What rendering did in a run, by candidate URL.
#[derive(Debug, Default)]
pub struct RenderLog {
    pages: Mutex<BTreeMap<String, PageRender>>,
    /// Why rendering was wanted but could not run (`auto` without a browser).
    pub unavailable: Option<String>,
}

impl RenderLog {
    /// The record of the page requested as `url`.
    pub fn page(&self, url: &str) -> Option<PageRender> {
        self.lock().get(url).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, PageRender>> {
        self.pages.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What a run with rendering keeps besides its source: the log, and the browser's closer, so
/// that the browser is closed and its profile deleted when the run ends, whoever still holds
/// the source (an interrupted run does not wait for its tasks).
pub struct Rendering {
    log: Arc<RenderLog>,
    _closer: Option<crate::render::browser::Closer>,
}

impl std::ops::Deref for Rendering {
    type Target = RenderLog;

    fn deref(&self) -> &RenderLog {
        &self.log
    }
}

/// The network source, with rendering.
pub struct RenderSource {
    inner: Arc<NetworkSource>,
    mode: RenderMode,
    renderer: Option<Renderer>,
    /// The target (`inspect` may have none: then every link counts, and `auto` goes by the
    /// look of the page alone).
    target: Option<Target>,
    /// Candidate URLs an export claims a live link to the target from.
    claimed: HashSet<String>,
    tabs: usize,
    log: Arc<RenderLog>,
}

/// Opens the source of a run with `--render auto|always`. Without a browser, `always` is an
/// error (nothing was fetched yet) and `auto` warns once (unless `quiet`) and goes on with the
/// network alone, saying so in the log (and so in the report).
pub fn open(
    inner: NetworkSource,
    settings: &RenderSettings,
    crawl: &crate::crawl::CrawlSettings,
    target: Option<&Target>,
    claimed: HashSet<String>,
    quiet: bool,
) -> anyhow::Result<(Arc<dyn PageSource>, Rendering)> {
    let started =
        crate::render::browser::find(settings.chromium.value.as_deref(), std::env::var_os("PATH"))
            .map_err(anyhow::Error::msg)
            .and_then(|binary| {
                Renderer::start(
                    &binary,
                    crawl,
                    settings.concurrency.value,
                    std::time::Duration::from_secs(settings.timeout_s.value),
                )
            });
    let (renderer, unavailable) = match started {
        Ok(r) => (Some(r), None),
        Err(e) if settings.mode.value == RenderMode::Always => {
            return Err(e.context("--render always needs a working Chromium"));
        }
        Err(e) => {
            let why = format!("{e:#}");
            if !quiet {
                crate::output::warn(&format!(
                    "--render auto: rendering is unavailable, pages are read as served: {why}"
                ));
            }
            (None, Some(why))
        }
    };
    let log = Arc::new(RenderLog {
        pages: Mutex::default(),
        unavailable,
    });
    let rendering = Rendering {
        log: Arc::clone(&log),
        _closer: renderer.as_ref().map(Renderer::closer),
    };
    let source = RenderSource {
        inner: Arc::new(inner),
        mode: settings.mode.value,
        renderer,
        target: target.cloned(),
        claimed,
        tabs: settings.concurrency.value.max(1),
        log,
    };
    Ok((Arc::new(source), rendering))
}

impl RenderSource {
    /// The page, rendered when it needs to be.
    async fn finish(&self, mut page: FetchedPage) -> FetchedPage {
        let Some(renderer) = &self.renderer else {
            return page;
        };
        let own_page = self
            .target
            .as_ref()
            .is_some_and(|t| t.matches_url(&page.url));
        if self.mode == RenderMode::Never || own_page {
            return page;
        }
        let FetchOutcome::Html(body) = &mut page.outcome else {
            return page;
        };
        // Parsing is CPU work: off the async threads, as the pipeline's parsers are.
        let (html, base, robots, target) = (
            body.text.clone(),
            page.final_url.clone(),
            body.x_robots_tag.clone(),
            self.target.clone(),
        );
        let served = tokio::task::spawn_blocking(move || {
            let filter = match &target {
                Some(t) => LinkFilter::Target(t),
                None => LinkFilter::All,
            };
            let a = extract::analyze(&html, Some(&base), &robots, filter);
            let served: Vec<(String, String)> = a
                .links
                .into_iter()
                .map(|l| (l.href, l.anchor_text))
                .collect();
            (served, script_built(&html, a.signals.text_words))
        })
        .await;
        let Ok((served, looks_built)) = served else {
            return page; // the parser panicked: the pipeline reports it on the served HTML
        };
        let why = match self.mode {
            RenderMode::Always => "--render always".to_string(),
            _ if self.target.is_some() && !served.is_empty() => return page,
            _ if self.claimed.contains(page.url.as_str()) => {
                "an export claims a link to the target that the served HTML lacks".to_string()
            }
            _ => match looks_built {
                Some(why) => format!("the served HTML looks script-built: {why}"),
                None => return page,
            },
        };
        let rendered = renderer.render(&page.final_url, body.text.clone()).await;
        let outcome = match rendered.dom {
            Ok(dom) => {
                body.text = dom;
                Ok(())
            }
            Err(e) => Err(e),
        };
        self.log.lock().insert(
            page.url.to_string(),
            PageRender {
                why,
                served,
                outcome,
                blocked: rendered.blocked,
                requests: rendered.requests,
            },
        );
        page
    }
}

impl PageSource for RenderSource {
    fn kind(&self) -> &'static str {
        "network"
    }

    fn name(&self) -> &str {
        "network"
    }

    fn live(&self) -> bool {
        true
    }

    fn fetch<'a>(&'a self, url: &'a Url) -> BoxFuture<'a, FetchedPage> {
        Box::pin(async move {
            let page = self.inner.fetch(url).await;
            self.finish(page).await
        })
    }

    fn fetch_all(self: Arc<Self>, urls: Vec<Url>, tx: PageSender) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            let (mid_tx, mut mid_rx) = mpsc::channel(self.tabs);
            let crawl = tokio::spawn(Arc::clone(&self.inner).fetch_all(urls, mid_tx));
            let mut set = JoinSet::new();
            while let Some((i, page)) = mid_rx.recv().await {
                // Backpressure: the crawler waits while the tabs are behind.
                while set.len() >= self.tabs * WAITING_PER_TAB {
                    set.join_next().await;
                }
                let me = Arc::clone(&self);
                let tx = tx.clone();
                set.spawn(async move {
                    let page = me.finish(page).await;
                    let _ = tx.send((i, page)).await;
                });
            }
            while set.join_next().await.is_some() {}
            let _ = crawl.await;
        })
    }

    fn addresses(&self, hosts: BTreeMap<String, String>) -> BoxFuture<'_, Dns> {
        self.inner.addresses(hosts)
    }
}

/// Why served HTML looks built by scripts, if it does: a framework's root element with little
/// text, almost no text beside a script, or a lot of script. Pure, for the unit tests.
pub fn script_built(html: &str, text_words: usize) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let scripts = lower.matches("<script").count();
    let inline_bytes: usize = lower
        .split("<script")
        .skip(1)
        .filter_map(|rest| {
            let open = rest.find('>')?;
            let close = rest.find("</script").unwrap_or(rest.len());
            Some(close.saturating_sub(open + 1))
        })
        .sum();
    let root = [
        "root",
        "app",
        "__next",
        "__nuxt",
        "___gatsby",
        "svelte",
        "main-app",
    ]
    .iter()
    .find(|id| {
        lower.contains(&format!("id=\"{id}\""))
            || lower.contains(&format!("id='{id}'"))
            || lower.contains(&format!("id={id}>"))
    });
    let framework_attr = ["data-reactroot", "ng-version", "ng-app", "data-v-app"]
        .iter()
        .find(|a| lower.contains(*a));
    if text_words < 200
        && let Some(marker) = root
            .map(|id| format!("root element id=\"{id}\""))
            .or_else(|| framework_attr.map(|a| format!("`{a}` attribute")))
    {
        return Some(format!("{marker}, {text_words} words of text"));
    }
    if scripts > 0 && text_words < 50 {
        return Some(format!("{text_words} words of text, {scripts} scripts"));
    }
    if scripts >= 20 || inline_bytes >= 200 * 1024 {
        return Some(format!(
            "{scripts} scripts, {} KiB of inline script",
            inline_bytes / 1024
        ));
    }
    None
}

/// The URLs of candidates that an export claims link to the target (what `auto` renders when
/// the served HTML lacks the link).
pub fn claimed_urls(candidates: &[crate::model::Candidate]) -> HashSet<String> {
    candidates
        .iter()
        .filter(|c| {
            c.provenance
                .iter()
                .any(|p| p.format.is_vendor() && p.claims.lost != Some(true))
        })
        .map(|c| c.url.to_string())
        .collect()
}

/// Writes what rendering did into the scored `audit`: the warning of a run without a browser,
/// each rendered page's `rendered-page` or `render-failed` finding, and each link found only
/// in the rendered DOM (its evidence entry [`crate::model::RENDERED_ONLY`], which the link's
/// `found` reads, and its `rendered-only-link` finding). The scorer builds the links; this
/// runs after it, so the rendered-only findings add no toxicity (all three rules are
/// informational).
pub fn annotate(audit: &mut Audit, log: &RenderLog, scoring: &ScoringSettings) {
    if let Some(why) = &log.unavailable {
        audit.warnings.push(Warning {
            code: RENDER_UNAVAILABLE,
            message: format!(
                "--render auto: rendering was unavailable ({why}); every page was read as \
                 served, so links inserted by scripts are missing"
            ),
        });
    }
    let mut by_domain: HashMap<String, Vec<Flag>> = HashMap::new();
    for page in &mut audit.pages {
        let Some(r) = log.page(&page.source_url) else {
            continue;
        };
        let host = crate::model::host::of_url(&page.source_url).unwrap_or_default();
        let mut added = Vec::new();
        let blocked = blocked_text(&r.blocked);
        match &r.outcome {
            Ok(()) => {
                page.rendered = true;
                // `rendered-page` records how the page was read: it is always on, at its
                // level (info unless raised).
                let severity = scoring
                    .rule(&rules::RENDERED_PAGE)
                    .level
                    .unwrap_or(Severity::Info);
                added.push(Flag {
                    code: rules::RENDERED_PAGE.code,
                    severity,
                    evidence: format!(
                        "rendered in headless Chromium ({}); {} requests{blocked}",
                        r.why, r.requests
                    ),
                });
            }
            Err(e) => added.extend(scoring.flag(
                &rules::RENDER_FAILED,
                &host,
                format!("{e}; the served HTML was read ({}){blocked}", r.why),
            )),
        }
        if r.outcome.is_ok() {
            let mut served: HashMap<(&str, &str), usize> = HashMap::new();
            for (href, anchor) in &r.served {
                *served.entry((href, anchor)).or_default() += 1;
            }
            for link in &mut page.links {
                let key = (link.target_url.as_str(), link.anchor_text.as_str());
                match served.get_mut(&key) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => {
                        link.evidence.push(crate::model::RENDERED_ONLY.to_string());
                        link.found = crate::model::Found::Rendered;
                        if let Some(f) = scoring.flag(
                            &rules::RENDERED_ONLY_LINK,
                            &host,
                            "the link is not in the HTML the server sends; the page's scripts \
                             insert it",
                        ) {
                            link.flags.push(f.clone());
                            link.flags.sort();
                            added.push(f);
                        }
                    }
                }
            }
        }
        for f in &added {
            if f.code != rules::RENDERED_ONLY_LINK.code {
                page.flags.push(f.clone());
            }
        }
        page.flags.sort();
        by_domain
            .entry(page.source_domain.clone())
            .or_default()
            .extend(added);
    }
    for d in &mut audit.domains {
        let Some(flags) = by_domain.remove(&d.domain) else {
            continue;
        };
        for f in flags {
            if !d.flags.iter().any(|g| g.code == f.code) {
                d.flags.push(f);
            }
        }
        d.flags.sort();
    }
}

/// The refused requests as evidence: `; blocked: URL (reason), ...` (the first five).
fn blocked_text(blocked: &[Blocked]) -> String {
    if blocked.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = blocked
        .iter()
        .take(5)
        .map(|b| format!("{} ({})", b.url, b.reason))
        .collect();
    let more = match blocked.len() {
        n if n > 5 => format!(" and {} more", n - 5),
        _ => String::new(),
    };
    format!(", {} blocked: {}{more}", blocked.len(), shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_shells_look_script_built_and_articles_do_not() {
        let shell =
            r#"<html><body><div id="root"></div><script src="/app.js"></script></body></html>"#;
        let why = script_built(shell, 0).unwrap();
        assert!(why.contains("id=\"root\""), "{why}");
        assert!(script_built(r#"<div id='__next'></div>"#, 30).is_some());
        // Hardly any text, one script: built by it.
        assert!(script_built("<p>Loading…</p><script>go()</script>", 1).is_some());
        // An article with a script or two is not.
        let article = "<article><p>words</p></article><script>analytics()</script>";
        assert_eq!(script_built(article, 800), None);
        // A framework root on a long server-rendered page is not either.
        assert_eq!(script_built(r#"<div id="app"><p>...</p></div>"#, 900), None);
        // Twenty scripts are a lot, whatever the text.
        let many = "<script></script>".repeat(20);
        assert!(script_built(&many, 900).is_some());
        assert_eq!(script_built("<p>no scripts</p>", 3), None);
    }

    #[test]
    fn blocked_requests_are_listed_briefly() {
        assert_eq!(blocked_text(&[]), "");
        let b: Vec<Blocked> = (0..7)
            .map(|i| Blocked {
                url: format!("http://10.0.0.{i}/"),
                reason: "private-address",
            })
            .collect();
        let t = blocked_text(&b);
        assert!(
            t.starts_with(", 7 blocked: http://10.0.0.0/ (private-address)"),
            "{t}"
        );
        assert!(t.ends_with(" and 2 more"), "{t}");
    }
}

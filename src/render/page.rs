//! Rendering one page in a tab: the served HTML is loaded into a fresh browser context, every
//! request the page makes is answered by backlinks itself through the SSRF guard, and the
//! final DOM is read once the page has loaded and the network has been quiet.
//!
//! Why answer requests instead of letting Chromium fetch them: checking a URL's host and then
//! letting the browser connect (`Fetch.continueRequest`) would resolve the name twice, and a
//! name whose answer changes in between (DNS rebinding) would reach an address the guard
//! refused. Here each paused request is fetched with a reqwest client whose resolver is the
//! guard's own ([`GuardedResolver`], `--resolve` pins included, so no rebinding window is left,
//! as for the crawler) and handed back with `Fetch.fulfillRequest`; refused ones fail with
//! `Fetch.failRequest` `BlockedByClient` and are recorded ([`Blocked`]). The page document
//! itself is the HTML the crawler already fetched (robots.txt, politeness and the guard
//! applied), so the page is not requested twice and the rendered DOM grows from exactly the
//! served HTML.

use super::browser::Browser;
use crate::crawl::guard::{GuardedResolver, PrivateAddressError, is_public_ip};
use crate::crawl::{CrawlSettings, ProxyChoice, USER_AGENT};
use base64::Engine;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::error::Error as StdError;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
use url::Url;

/// Most requests one page may make; the rest are refused (a script in a loop).
const MAX_REQUESTS: usize = 300;
/// After the load event, how long to wait at most for the network to go quiet (Chromium's
/// `networkIdle`: no request for 500 ms) before the DOM is read anyway: a page that polls
/// forever still gives its DOM.
const IDLE_AFTER_LOAD: Duration = Duration::from_secs(5);
/// Subresource answers in flight per page.
const IN_FLIGHT: usize = 8;
/// Scripts run in every frame before the page's own: the APIs that open connections the
/// interception cannot see, or new windows, are removed. (The browser's dead proxy and
/// resolver refuse such connections anyway; this keeps pages from waiting on them.)
const PRELUDE: &str = "(() => { try { \
    delete window.WebSocket; delete window.WebTransport; delete window.EventSource; \
    Object.defineProperty(Navigator.prototype, 'serviceWorker', {get: () => undefined}); \
    window.open = () => null; } catch (e) {} })();";

/// A request of the page that the guard refused.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Blocked {
    /// The URL requested.
    pub url: String,
    /// Why: `private-address`, `unsupported-scheme` or `request-limit`.
    pub reason: &'static str,
}

/// Why a page has no rendered DOM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderFailure {
    /// The page did not finish loading within the per-page time.
    Timeout(Duration),
    /// The tab crashed (out of memory, a renderer bug).
    Crashed,
    /// The browser refused a command or went away.
    Browser(String),
    /// The rendered document is larger than `--max-body`.
    TooLarge,
}

impl std::fmt::Display for RenderFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderFailure::Timeout(d) => write!(
                f,
                "rendering timed out after {} s (the page never finished loading)",
                d.as_secs()
            ),
            RenderFailure::Crashed => f.write_str("the browser tab crashed while rendering"),
            RenderFailure::Browser(e) => write!(f, "the browser failed: {e}"),
            RenderFailure::TooLarge => f.write_str("the rendered document exceeds --max-body"),
        }
    }
}

/// What rendering one page gave.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// `document.documentElement.outerHTML` after load and network quiet, or why not.
    pub dom: Result<String, RenderFailure>,
    /// Requests refused by the guard, in the order made.
    pub blocked: Vec<Blocked>,
    /// Requests the page made (its document included).
    pub requests: usize,
}

/// The HTTP client that answers the pages' requests: the crawler's guard, pins, proxy, TLS
/// and header settings, no redirects followed (the browser follows them, each hop paused and
/// guarded again), no cookie store (the browser context keeps a page's cookies, and is
/// discarded with the page).
pub struct Fetcher {
    client: reqwest::Client,
    settings: CrawlSettings,
}

impl Fetcher {
    /// A client for `settings` (the run's crawl settings).
    pub fn new(settings: &CrawlSettings) -> Result<Fetcher, reqwest::Error> {
        let mut policy = settings.private.clone();
        // The proxy named by the user may be private (as for the crawler).
        if let ProxyChoice::Url(u) = &settings.proxy
            && let Some(h) = u.host_str()
        {
            policy.hosts.insert(crate::model::host::normalize(h));
        }
        let builder = reqwest::Client::builder()
            .user_agent(settings.user_agent.as_deref().unwrap_or(USER_AGENT))
            .default_headers(crate::crawl::header_map(&settings.headers))
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver::new(&settings.resolve, policy)))
            .referer(false)
            .tls_danger_accept_invalid_certs(settings.insecure)
            .pool_max_idle_per_host(2);
        let builder = match &settings.proxy {
            ProxyChoice::Direct => builder.no_proxy(),
            ProxyChoice::Url(u) => builder.proxy(reqwest::Proxy::all(u.as_str())?),
            ProxyChoice::Environment => builder,
        };
        Ok(Fetcher {
            client: builder.build()?,
            settings: settings.clone(),
        })
    }

    /// Whether the guard refuses `url` before any lookup: a literal non-public address the
    /// policy does not allow (names are judged by the resolver when connecting).
    fn refuses_literal(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return true;
        };
        match host.trim_matches(['[', ']']).parse::<IpAddr>() {
            Ok(ip) => !is_public_ip(ip) && !self.settings.private.allows(host, ip),
            Err(_) => false,
        }
    }
}

/// One page's request log.
#[derive(Default)]
struct Log {
    blocked: Vec<Blocked>,
    requests: usize,
    limit_noted: bool,
}

/// Renders `url` whose served HTML is `html` in a new tab of `browser`, within `timeout`.
pub async fn render(
    browser: Arc<Browser>,
    fetcher: Arc<Fetcher>,
    url: &Url,
    html: String,
    timeout: Duration,
) -> Rendered {
    let log = Arc::new(Mutex::new(Log::default()));
    let start = Instant::now();
    let cdp = &browser.cdp;
    // A context of its own: no cookie, storage or cache of another page is seen.
    let context = match cdp
        .call(
            None,
            "Target.createBrowserContext",
            json!({"disposeOnDetach": true}),
        )
        .await
    {
        Ok(v) => v["browserContextId"].as_str().unwrap_or("").to_string(),
        Err(e) => return failed(&log, RenderFailure::Browser(e.to_string())),
    };
    let dom = match open_tab(&browser, &context).await {
        Ok((target, session)) => {
            let tab = Tab {
                browser: Arc::clone(&browser),
                fetcher,
                session: session.clone(),
                url: url.clone(),
                html,
                log: Arc::clone(&log),
            };
            let deadline = start + timeout;
            let dom = tab.run(deadline, timeout).await;
            cdp.unsubscribe(&session);
            let _ = cdp
                .call(None, "Target.closeTarget", json!({"targetId": target}))
                .await;
            dom
        }
        Err(e) => Err(e),
    };
    let _ = cdp
        .call(
            None,
            "Target.disposeBrowserContext",
            json!({"browserContextId": context}),
        )
        .await;
    let log = std::mem::take(&mut *log.lock().unwrap_or_else(PoisonError::into_inner));
    Rendered {
        dom,
        blocked: log.blocked,
        requests: log.requests,
    }
}

fn failed(log: &Mutex<Log>, why: RenderFailure) -> Rendered {
    let log = std::mem::take(&mut *log.lock().unwrap_or_else(PoisonError::into_inner));
    Rendered {
        dom: Err(why),
        blocked: log.blocked,
        requests: log.requests,
    }
}

/// Opens a blank tab in `context` and attaches to it: (target id, session id).
async fn open_tab(browser: &Browser, context: &str) -> Result<(String, String), RenderFailure> {
    let err = |e: super::cdp::CdpError| RenderFailure::Browser(e.to_string());
    let target = browser
        .cdp
        .call(
            None,
            "Target.createTarget",
            json!({"url": "about:blank", "browserContextId": context}),
        )
        .await
        .map_err(err)?["targetId"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let session = browser
        .cdp
        .call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        )
        .await
        .map_err(err)?["sessionId"]
        .as_str()
        .unwrap_or("")
        .to_string();
    Ok((target, session))
}

struct Tab {
    browser: Arc<Browser>,
    fetcher: Arc<Fetcher>,
    session: String,
    url: Url,
    html: String,
    log: Arc<Mutex<Log>>,
}

impl Tab {
    async fn call(&self, method: &str, params: Value) -> Result<Value, RenderFailure> {
        self.browser
            .cdp
            .call(Some(&self.session), method, params)
            .await
            .map_err(|e| RenderFailure::Browser(e.to_string()))
    }

    /// Loads the page and reads its DOM, by `deadline`.
    async fn run(&self, deadline: Instant, timeout: Duration) -> Result<String, RenderFailure> {
        let mut events = self.browser.cdp.subscribe(&self.session);
        self.call(
            "Fetch.enable",
            json!({"patterns": [{"urlPattern": "*", "requestStage": "Request"}]}),
        )
        .await?;
        self.call("Page.enable", json!({})).await?;
        self.call("Page.setLifecycleEventsEnabled", json!({"enabled": true}))
            .await?;
        self.call(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": PRELUDE}),
        )
        .await?;
        let navigate = self.call("Page.navigate", json!({"url": self.url.as_str()}));
        tokio::pin!(navigate);
        let mut navigated = false;
        let mut loader: Option<String> = None;
        // Lifecycle events by loader: they may arrive before the navigation's answer names it.
        let mut seen: HashSet<(String, String)> = HashSet::new();
        let mut loaded_at: Option<Instant> = None;
        let mut document_served = false;
        let mut handlers = JoinSet::new();
        let limit = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
        let sleep = tokio::time::sleep_until(deadline.into());
        tokio::pin!(sleep);
        loop {
            if let (Some(l), None) = (&loader, loaded_at)
                && seen.contains(&(l.clone(), "load".to_string()))
            {
                loaded_at = Some(Instant::now());
            }
            if let (Some(l), Some(at)) = (&loader, loaded_at)
                && (seen.contains(&(l.clone(), "networkIdle".to_string()))
                    || at.elapsed() >= IDLE_AFTER_LOAD)
            {
                break;
            }
            let idle_wait = match loaded_at {
                Some(at) => IDLE_AFTER_LOAD.saturating_sub(at.elapsed()),
                None => Duration::from_secs(3600),
            };
            tokio::select! {
                _ = &mut sleep => return Err(RenderFailure::Timeout(timeout)),
                _ = tokio::time::sleep(idle_wait) => {}
                done = &mut navigate, if !navigated => {
                    navigated = true;
                    let v = done?;
                    if let Some(text) = v.get("errorText").and_then(Value::as_str) {
                        return Err(RenderFailure::Browser(format!("navigation failed: {text}")));
                    }
                    loader = v["loaderId"].as_str().map(str::to_string);
                }
                event = events.recv() => {
                    let Some(event) = event else {
                        return Err(RenderFailure::Browser("the browser went away".into()));
                    };
                    match event.method.as_str() {
                        "Fetch.requestPaused" => {
                            let document = !document_served
                                && event.params["resourceType"] == "Document"
                                && same_document(&event.params["request"]["url"], &self.url);
                            if document {
                                document_served = true;
                                self.serve_document(&event.params);
                            } else {
                                self.spawn_answer(&mut handlers, &limit, event.params);
                            }
                        }
                        "Page.lifecycleEvent" => {
                            if let (Some(l), Some(n)) = (
                                event.params["loaderId"].as_str(),
                                event.params["name"].as_str(),
                            ) {
                                seen.insert((l.to_string(), n.to_string()));
                            }
                        }
                        "Inspector.targetCrashed" => return Err(RenderFailure::Crashed),
                        _ => {}
                    }
                }
            }
        }
        let v = tokio::select! {
            _ = &mut sleep => return Err(RenderFailure::Timeout(timeout)),
            v = self.call(
                "Runtime.evaluate",
                json!({
                    "expression": "document.documentElement ? document.documentElement.outerHTML : ''",
                    "returnByValue": true,
                }),
            ) => v?,
        };
        let dom = v["result"]["value"].as_str().unwrap_or("").to_string();
        if dom.len() > self.fetcher.settings.max_body {
            return Err(RenderFailure::TooLarge);
        }
        Ok(dom)
    }

    /// Answers the navigation with the served HTML.
    fn serve_document(&self, params: &Value) {
        self.note_request();
        let body = base64::engine::general_purpose::STANDARD.encode(self.html.as_bytes());
        self.browser.cdp.notify(
            Some(&self.session),
            "Fetch.fulfillRequest",
            json!({
                "requestId": params["requestId"],
                "responseCode": 200,
                "responseHeaders": [{"name": "Content-Type", "value": "text/html; charset=utf-8"}],
                "body": body,
            }),
        );
    }

    /// Counts a request; false once the page has made too many.
    fn note_request(&self) -> bool {
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        log.requests += 1;
        log.requests <= MAX_REQUESTS
    }

    fn block(&self, request_id: &Value, url: &str, reason: &'static str) {
        {
            let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
            // One record for the limit, not one per refused request.
            if reason != "request-limit" || !log.limit_noted {
                log.limit_noted |= reason == "request-limit";
                log.blocked.push(Blocked {
                    url: url.to_string(),
                    reason,
                });
            }
        }
        fail(&self.browser, &self.session, request_id, "BlockedByClient");
    }

    /// Answers a subresource request through the guard, on a task of its own.
    fn spawn_answer(
        &self,
        handlers: &mut JoinSet<()>,
        limit: &Arc<tokio::sync::Semaphore>,
        params: Value,
    ) {
        let id = params["requestId"].clone();
        let raw = params["request"]["url"].as_str().unwrap_or("").to_string();
        if !self.note_request() {
            return self.block(&id, &raw, "request-limit");
        }
        let url = match Url::parse(&raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => u,
            _ => return self.block(&id, &raw, "unsupported-scheme"),
        };
        if self.fetcher.refuses_literal(&url) {
            return self.block(&id, &raw, "private-address");
        }
        let browser = Arc::clone(&self.browser);
        let fetcher = Arc::clone(&self.fetcher);
        let session = self.session.clone();
        let log = Arc::clone(&self.log);
        let limit = Arc::clone(limit);
        handlers.spawn(async move {
            let _permit = limit.acquire_owned().await;
            match fetch(&fetcher, &url, &params["request"]).await {
                Ok(answer) => browser.cdp.notify(
                    Some(&session),
                    "Fetch.fulfillRequest",
                    json!({
                        "requestId": id,
                        "responseCode": answer.status,
                        "responseHeaders": answer.headers,
                        "body": base64::engine::general_purpose::STANDARD.encode(&answer.body),
                    }),
                ),
                Err(Failure::Private) => {
                    log.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .blocked
                        .push(Blocked {
                            url: raw,
                            reason: "private-address",
                        });
                    fail(&browser, &session, &id, "BlockedByClient");
                }
                Err(Failure::Other(reason)) => fail(&browser, &session, &id, reason),
            }
        });
    }
}

fn fail(browser: &Browser, session: &str, request_id: &Value, reason: &str) {
    browser.cdp.notify(
        Some(session),
        "Fetch.failRequest",
        json!({"requestId": request_id, "errorReason": reason}),
    );
}

/// Whether a paused request's URL is the page's (fragments aside).
fn same_document(requested: &Value, page: &Url) -> bool {
    let Some(r) = requested.as_str().and_then(|s| Url::parse(s).ok()) else {
        return false;
    };
    let strip = |u: &Url| {
        let mut u = u.clone();
        u.set_fragment(None);
        u
    };
    strip(&r) == strip(page)
}

struct Answer {
    status: u16,
    headers: Vec<Value>,
    body: Vec<u8>,
}

enum Failure {
    /// The guard refused the host's addresses.
    Private,
    /// Any other failure, as a `Network.ErrorReason`.
    Other(&'static str),
}

/// Request headers not passed on: the client sets them (framing, compression, its own
/// User-Agent, as the crawler sends) or they describe the browser's connection.
const DROPPED_REQUEST_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
    "te",
    "accept-encoding",
    "user-agent",
    "proxy-authorization",
    "proxy-connection",
];
/// Response headers not passed back: the body is handed over decompressed and whole.
const DROPPED_RESPONSE_HEADERS: &[&str] = &[
    "content-encoding",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
];

/// Fetches one subresource as the page asked for it (method, headers, body).
async fn fetch(fetcher: &Fetcher, url: &Url, request: &Value) -> Result<Answer, Failure> {
    let method = request["method"]
        .as_str()
        .and_then(|m| reqwest::Method::from_bytes(m.as_bytes()).ok())
        .unwrap_or(reqwest::Method::GET);
    let mut req = fetcher.client.request(method, url.as_str());
    if let Some(headers) = request["headers"].as_object() {
        for (name, value) in headers {
            let lower = name.to_ascii_lowercase();
            if DROPPED_REQUEST_HEADERS.contains(&lower.as_str()) {
                continue;
            }
            if let Some(v) = value.as_str() {
                req = req.header(name.as_str(), v);
            }
        }
    }
    if let Some(body) = request_body(request) {
        req = req.body(body);
    }
    let mut resp = req.send().await.map_err(|e| classify(&e))?;
    let status = resp.status().as_u16();
    let mut headers = Vec::new();
    for (name, value) in resp.headers() {
        if DROPPED_RESPONSE_HEADERS.contains(&name.as_str()) {
            continue;
        }
        if let Ok(v) = value.to_str() {
            headers.push(json!({"name": name.as_str(), "value": v}));
        }
    }
    let max = fetcher.settings.max_body;
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&e))? {
        if body.len() + chunk.len() > max {
            return Err(Failure::Other("Failed"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// The body of a paused request: its `postDataEntries` (base64), else `postData` (text).
fn request_body(request: &Value) -> Option<Vec<u8>> {
    if let Some(entries) = request["postDataEntries"].as_array() {
        let mut out = Vec::new();
        for e in entries {
            if let Some(b) = e["bytes"].as_str() {
                out.extend(base64::engine::general_purpose::STANDARD.decode(b).ok()?);
            }
        }
        return Some(out);
    }
    request["postData"].as_str().map(|s| s.as_bytes().to_vec())
}

/// The `Network.ErrorReason` for a failed request, or [`Failure::Private`] when the guard
/// refused the host.
fn classify(err: &reqwest::Error) -> Failure {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if e.is::<PrivateAddressError>() {
            return Failure::Private;
        }
        let mut io = e.downcast_ref::<std::io::Error>();
        while let Some(inner) = io.and_then(std::io::Error::get_ref) {
            if inner.is::<PrivateAddressError>() {
                return Failure::Private;
            }
            io = inner.downcast_ref::<std::io::Error>();
        }
        if e.is::<crate::crawl::guard::DnsError>() {
            return Failure::Other("NameNotResolved");
        }
        cur = e.source();
    }
    if err.is_timeout() {
        Failure::Other("TimedOut")
    } else if err.is_connect() {
        Failure::Other("ConnectionFailed")
    } else {
        Failure::Other("Failed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_private_addresses_are_refused_unless_allowed() {
        let u = |s: &str| Url::parse(s).unwrap();
        let guarded = Fetcher::new(&CrawlSettings::default()).unwrap();
        assert!(guarded.refuses_literal(&u("http://10.0.0.1/x.png")));
        assert!(guarded.refuses_literal(&u("http://[::1]:8080/")));
        assert!(guarded.refuses_literal(&u("http://169.254.169.254/latest/meta-data/")));
        assert!(!guarded.refuses_literal(&u("http://93.184.216.34/")));
        // Names are judged by the resolver when connecting.
        assert!(!guarded.refuses_literal(&u("http://intranet.test/")));
        let mut open = CrawlSettings::default();
        open.private.allow_all = true;
        let open = Fetcher::new(&open).unwrap();
        assert!(!open.refuses_literal(&u("http://10.0.0.1/x.png")));
    }

    #[test]
    fn the_document_is_matched_without_its_fragment() {
        let page = Url::parse("http://blog.test/post").unwrap();
        assert!(same_document(&json!("http://blog.test/post#top"), &page));
        assert!(!same_document(&json!("http://blog.test/other"), &page));
        assert!(!same_document(&json!(null), &page));
    }

    #[test]
    fn request_bodies_come_from_entries_or_text() {
        let entries = json!({"postDataEntries": [{"bytes": "aGk="}, {"bytes": "IQ=="}]});
        assert_eq!(request_body(&entries), Some(b"hi!".to_vec()));
        assert_eq!(
            request_body(&json!({"postData": "a=1"})),
            Some(b"a=1".to_vec())
        );
        assert_eq!(request_body(&json!({})), None);
    }
}

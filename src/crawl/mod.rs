//! Crawl stage, the only async part: candidate URLs in, [`FetchedPage`]s out.
//!
//! Politeness first: global concurrency (`--concurrency`), per-host concurrency (`--per-host`)
//! and spacing (`--delay`, raised by robots.txt `Crawl-delay`), robots.txt honoured, retries
//! only for timeouts, broken connections, 429 and 5xx (honouring `Retry-After`). Safety: every
//! request goes through the SSRF guard ([`guard`]), bodies are capped after decompression,
//! the whole exchange has a deadline, redirects are followed by hand (at most 10) so that every
//! hop is checked and recorded. Per-page failures are data ([`FetchOutcome`]), never `Err`.
//!
//! What third-party sites receive: a `GET` with `Host`, our `User-Agent`, `Accept: */*` and
//! `Accept-Encoding: gzip,deflate,br`; never a cookie (there is no cookie store), a
//! `Referer`, or credentials (`user:pass@` in a URL is removed before sending). Proxies are
//! used only when asked for ([`ProxyChoice`]); TLS certificates are always verified unless
//! `--insecure` says otherwise.

pub mod archive;
pub mod decode;
pub mod guard;
mod host;
mod http;
mod robots;

pub use guard::{PrivatePolicy, ResolvePin};

/// Which proxy requests go through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxyChoice {
    /// None: every connection is direct (the default; the environment is ignored).
    #[default]
    Direct,
    /// This HTTP(S) proxy for every request (`--proxy URL`).
    Url(Url),
    /// `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (`--proxy-from-env`).
    Environment,
}

impl ProxyChoice {
    /// The host names of the proxies in use, which may have private addresses (a proxy is
    /// trusted by the user who named it).
    fn hosts(&self) -> Vec<String> {
        let urls: Vec<Url> = match self {
            ProxyChoice::Direct => Vec::new(),
            ProxyChoice::Url(u) => vec![u.clone()],
            ProxyChoice::Environment => [
                "HTTP_PROXY",
                "http_proxy",
                "HTTPS_PROXY",
                "https_proxy",
                "ALL_PROXY",
                "all_proxy",
            ]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .filter_map(|v| {
                Url::parse(&v)
                    .or_else(|_| Url::parse(&format!("http://{v}")))
                    .ok()
            })
            .collect(),
        };
        urls.iter()
            .filter_map(|u| u.host_str())
            .map(crate::model::host::normalize)
            .collect()
    }
}
pub use robots::ROBOTS_AGENT;

use crate::model::{FetchError, FetchOutcome, FetchedPage, HtmlBody, RedirectHop, SkipReason};
use guard::GuardedResolver;
use host::{Host, HostPool, MAX_HOST_WAIT};
use http::{BodyCap, RawResponse, RequestFailure};
use robots::{RobotsCache, RobotsVerdict};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use url::Url;

/// The User-Agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "backlinks/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/backlinks-cli/backlinks)"
);

/// Crawl settings (resolved from the command line).
#[derive(Debug, Clone)]
pub struct CrawlSettings {
    /// Requests in flight across all hosts.
    pub concurrency: usize,
    /// Requests in flight per host key.
    pub per_host: usize,
    /// Minimum time between request starts to one host key.
    pub delay: Duration,
    /// Deadline for one request, connection to last body byte.
    pub timeout: Duration,
    /// Deadline for the TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Largest body read, after decompression.
    pub max_body: usize,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// Extra attempts for retryable failures.
    pub retries: u32,
    /// First retry wait; doubles with each attempt.
    pub retry_wait: Duration,
    /// Honour robots.txt.
    pub respect_robots: bool,
    /// Which non-public addresses may be fetched.
    pub private: PrivatePolicy,
    /// `--resolve` pins.
    pub resolve: Vec<ResolvePin>,
    /// The proxy, if any.
    pub proxy: ProxyChoice,
    /// Skip TLS certificate verification (`--insecure`).
    pub insecure: bool,
    /// `--user-agent`, instead of [`USER_AGENT`].
    pub user_agent: Option<String>,
    /// `--header` name/value pairs sent with every request (validated when parsed).
    pub headers: Vec<(String, String)>,
}

impl Default for CrawlSettings {
    fn default() -> Self {
        CrawlSettings {
            concurrency: 32,
            per_host: 2,
            delay: Duration::from_millis(1000),
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            max_body: 5 * 1024 * 1024,
            max_redirects: 10,
            retries: 3,
            retry_wait: Duration::from_secs(1),
            respect_robots: true,
            private: PrivatePolicy::default(),
            resolve: Vec::new(),
            proxy: ProxyChoice::Direct,
            insecure: false,
            user_agent: None,
            headers: Vec::new(),
        }
    }
}

/// The crawler: one HTTP client, the host pool and the robots.txt cache of one run.
pub struct Crawler {
    client: reqwest::Client,
    /// The resolver of page hosts, for the checks made before asking a proxy.
    resolver: GuardedResolver,
    settings: CrawlSettings,
    hosts: HostPool,
    robots: RobotsCache,
    global: Semaphore,
}

/// Outcome of one hop of a fetch.
pub(crate) enum Hop {
    Redirect {
        status: u16,
        location: Option<String>,
    },
    Done(FetchOutcome),
}

/// Idle keep-alive connections kept per host: what the default `--per-host` uses. Each idle
/// connection keeps its read buffer, sized by the largest body it carried; with 8 per host
/// they held 50 MB at the end of the audit benchmark (40 hosts), with 2 about 12 MB, and the
/// benchmark's speed did not change.
const IDLE_PER_HOST: usize = 2;

/// The `--header` pairs as request headers. They were checked when the flag was parsed; a
/// pair that fails here is skipped.
pub fn header_map(pairs: &[(String, String)]) -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in pairs {
        if let (Ok(n), Ok(v)) = (
            reqwest::header::HeaderName::from_bytes(name.as_bytes()),
            reqwest::header::HeaderValue::from_str(value),
        ) {
            headers.append(n, v);
        }
    }
    headers
}

impl Crawler {
    /// Builds the client. Fails only if the TLS backend cannot be initialised.
    pub fn new(settings: CrawlSettings) -> Result<Crawler, reqwest::Error> {
        let resolver = GuardedResolver::new(&settings.resolve, settings.private.clone());
        // The connection resolver also resolves the proxy's own name, which the user chose.
        let mut connect_policy = settings.private.clone();
        connect_policy.hosts.extend(settings.proxy.hosts());
        let builder = reqwest::Client::builder()
            .user_agent(settings.user_agent.as_deref().unwrap_or(USER_AGENT))
            .default_headers(header_map(&settings.headers))
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            // Redirects are followed by hand so each hop is guarded, rate-limited and recorded.
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver::new(
                &settings.resolve,
                connect_policy,
            )))
            .referer(false)
            .tls_danger_accept_invalid_certs(settings.insecure)
            // Idle connections keep their read buffers (and TLS state): an audit visits each
            // host's pages together and rarely comes back, so only a few are kept, briefly.
            .pool_max_idle_per_host(IDLE_PER_HOST)
            .pool_idle_timeout(Duration::from_secs(10));
        let builder = match &settings.proxy {
            // Proxies from the environment are opt-in: a proxy resolves names itself, out of
            // reach of the resolver-level SSRF guard.
            ProxyChoice::Direct => builder.no_proxy(),
            ProxyChoice::Url(u) => builder.proxy(reqwest::Proxy::all(u.as_str())?),
            // reqwest reads HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY by default.
            ProxyChoice::Environment => builder,
        };
        let client = builder.build()?;
        Ok(Crawler {
            client,
            resolver,
            hosts: HostPool::new(settings.per_host, settings.delay),
            robots: RobotsCache::default(),
            global: Semaphore::new(settings.concurrency.max(1)),
            settings,
        })
    }

    /// Fetches every URL and sends `(index, page)` for each as it completes. URLs are grouped
    /// by host key; each group is crawled by up to `per_host` workers, and many groups run at
    /// once so that hosts waiting out their delay do not idle the global budget.
    pub async fn run(self: Arc<Self>, urls: Vec<Url>, tx: mpsc::Sender<(usize, FetchedPage)>) {
        let mut groups: Vec<VecDeque<(usize, Url)>> = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        for (i, url) in urls.into_iter().enumerate() {
            let key = host_key(&url);
            let g = *by_key.entry(key).or_insert_with(|| {
                groups.push(VecDeque::new());
                groups.len() - 1
            });
            groups[g].push_back((i, url));
        }
        let active = self.settings.concurrency.max(1).saturating_mul(4);
        // Pages being fetched or waiting to be handed over. Without this bound, when the
        // consumer (parsing) is slower than the network, every worker of every active group
        // holds a fetched body while it waits for the channel: most of the crawl in memory.
        let in_hand = Arc::new(Semaphore::new(
            self.settings.concurrency.max(1).saturating_mul(2),
        ));
        let mut set = JoinSet::new();
        let mut groups = groups.into_iter();
        loop {
            while set.len() < active {
                let Some(group) = groups.next() else { break };
                set.spawn(Arc::clone(&self).crawl_group(group, tx.clone(), Arc::clone(&in_hand)));
            }
            if set.join_next().await.is_none() {
                break;
            }
        }
    }

    async fn crawl_group(
        self: Arc<Self>,
        group: VecDeque<(usize, Url)>,
        tx: mpsc::Sender<(usize, FetchedPage)>,
        in_hand: Arc<Semaphore>,
    ) {
        let workers = self.settings.per_host.max(1).min(group.len());
        let queue = Arc::new(Mutex::new(group));
        let mut set = JoinSet::new();
        for _ in 0..workers {
            let me = Arc::clone(&self);
            let queue = Arc::clone(&queue);
            let tx = tx.clone();
            let in_hand = Arc::clone(&in_hand);
            set.spawn(async move {
                loop {
                    let _slot = in_hand.acquire().await.expect("never closed");
                    let next = queue
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .pop_front();
                    let Some((i, url)) = next else { break };
                    let page = me.fetch(&url).await;
                    if tx.send((i, page)).await.is_err() {
                        break; // the receiver is gone: the run was cancelled
                    }
                }
            });
        }
        while set.join_next().await.is_some() {}
    }

    /// Fetches one page, following redirects by hand.
    pub async fn fetch(&self, start: &Url) -> FetchedPage {
        let mut chain = RedirectChain::new(start, self.settings.max_redirects);
        loop {
            match self.fetch_hop(chain.url()).await {
                Hop::Done(outcome) => return chain.finish(start, outcome),
                Hop::Redirect { status, location } => {
                    if let Some(stop) = chain.follow(status, location.as_deref()) {
                        return chain.finish(start, stop);
                    }
                }
            }
        }
    }

    async fn fetch_hop(&self, url: &Url) -> Hop {
        if self.refuses(url).await {
            return Hop::Done(FetchOutcome::Skipped(SkipReason::PrivateAddress));
        }
        if self.settings.respect_robots {
            match self.robots.check(self, url).await {
                RobotsVerdict::Allowed => {}
                RobotsVerdict::Disallowed => {
                    return Hop::Done(FetchOutcome::Skipped(SkipReason::RobotsDisallowed));
                }
                RobotsVerdict::Unavailable => {
                    return Hop::Done(FetchOutcome::Skipped(SkipReason::RobotsUnavailable));
                }
            }
        }
        let host = self.host_for(url);
        let mut attempt = 0;
        loop {
            let started = std::time::Instant::now();
            let result = self
                .request_on(&host, url, BodyCap::Fail(self.settings.max_body))
                .await;
            match &result {
                Ok(r) => tracing::debug!(
                    url = %url,
                    status = r.status,
                    bytes = r.body.len(),
                    ms = started.elapsed().as_millis() as u64,
                    attempt,
                    "answered"
                ),
                Err(f) => tracing::debug!(
                    url = %url,
                    failure = ?f,
                    ms = started.elapsed().as_millis() as u64,
                    attempt,
                    "request failed"
                ),
            }
            let retry_in = match &result {
                Ok(r) if r.status == 429 || (500..600).contains(&r.status) => {
                    match r.retry_after() {
                        // A server asking for a longer pause than we wait gets its answer as is.
                        Some(wait) if wait > MAX_HOST_WAIT => None,
                        Some(wait) => Some(wait.max(self.backoff(attempt))),
                        None => Some(self.backoff(attempt)),
                    }
                }
                Err(f) if f.is_retryable() => Some(self.backoff(attempt)),
                _ => None,
            };
            if let Some(wait) = retry_in
                && attempt < self.settings.retries
            {
                attempt += 1;
                tracing::debug!(url = %url, attempt, wait_ms = wait.as_millis() as u64, "retrying");
                host.back_off(wait);
                continue;
            }
            return match result {
                Ok(resp) => classify_response(url, resp),
                Err(RequestFailure::PrivateAddress) => {
                    Hop::Done(FetchOutcome::Skipped(SkipReason::PrivateAddress))
                }
                Err(RequestFailure::Broken) => Hop::Done(FetchOutcome::Failed {
                    error: FetchError::ConnectionFailed,
                    status: None,
                }),
                Err(RequestFailure::Fetch(error, status)) => {
                    Hop::Done(FetchOutcome::Failed { error, status })
                }
            };
        }
    }

    /// Whether the SSRF guard refuses `url` before any connection: literal-IP URLs never
    /// reach the guarded resolver, and with a proxy neither do host names (the proxy
    /// resolves them), so those are resolved here first. A name that does not resolve here
    /// is left to the proxy, which may see a DNS this machine does not.
    async fn refuses(&self, url: &Url) -> bool {
        let host = url.host_str().unwrap_or_default();
        if let Some(ip) = literal_ip(url) {
            return !self.settings.private.allows(host, ip);
        }
        if self.settings.proxy == ProxyChoice::Direct {
            return false;
        }
        self.resolver.refuses(host).await
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.settings
            .retry_wait
            .saturating_mul(1 << attempt.min(10))
            .min(MAX_HOST_WAIT)
    }

    /// The politeness state for a URL's host key.
    fn host_for(&self, url: &Url) -> Arc<Host> {
        self.hosts.get(&host_key(url))
    }

    /// One guarded, rate-limited request (used for pages and robots.txt).
    async fn request(&self, url: &Url, cap: BodyCap) -> Result<RawResponse, RequestFailure> {
        if self.refuses(url).await {
            return Err(RequestFailure::PrivateAddress);
        }
        let host = self.host_for(url);
        self.request_on(&host, url, cap).await
    }

    async fn request_on(
        &self,
        host: &Host,
        url: &Url,
        cap: BodyCap,
    ) -> Result<RawResponse, RequestFailure> {
        let _host_permit = host.acquire().await;
        let _global = self.global.acquire().await.expect("never closed");
        http::get(&self.client, url, cap, self.settings.timeout).await
    }
}

/// Turns a final (non-failed) response into a hop result: a redirect to follow or an outcome.
pub(crate) fn classify_response(url: &Url, resp: RawResponse) -> Hop {
    let status = resp.status;
    match status {
        300..=399 if status != 304 && resp.location().is_some() => Hop::Redirect {
            status,
            location: resp.location().map(str::to_string),
        },
        200..=299 => {
            if resp.body.is_empty() {
                return Hop::Done(FetchOutcome::Failed {
                    error: FetchError::EmptyBody,
                    status: Some(status),
                });
            }
            let content_type = resp.content_type().map(str::to_string);
            if !decode::is_html(content_type.as_deref(), &resp.body) {
                return Hop::Done(FetchOutcome::NotHtml {
                    status,
                    content_type: content_type.unwrap_or_default(),
                });
            }
            let x_robots_tag = resp
                .headers
                .get_all("x-robots-tag")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(str::to_string)
                .collect();
            let tld = url.host_str().map(crate::model::host::tld);
            let (text, encoding, encoding_source) =
                decode::decode_html(&resp.body, content_type.as_deref(), tld.map(str::as_bytes));
            Hop::Done(FetchOutcome::Html(HtmlBody {
                status,
                text,
                encoding: encoding.name(),
                encoding_source,
                x_robots_tag,
            }))
        }
        _ => Hop::Done(FetchOutcome::HttpError { status }),
    }
}

/// The politeness key of a URL: its registrable domain.
fn host_key(url: &Url) -> String {
    crate::model::host::domain_of(url)
}

/// The IP address of a URL whose host is a literal address.
fn literal_ip(url: &Url) -> Option<std::net::IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(ip.into()),
        url::Host::Ipv6(ip) => Some(ip.into()),
        url::Host::Domain(_) => None,
    }
}

/// The redirects of one fetch: records each hop, refuses loops, counts the limit.
pub(crate) struct RedirectChain {
    url: Url,
    hops: Vec<RedirectHop>,
    seen: HashSet<Url>,
    max: usize,
}

impl RedirectChain {
    pub(crate) fn new(start: &Url, max: usize) -> Self {
        RedirectChain {
            url: start.clone(),
            hops: Vec::new(),
            seen: HashSet::from([start.clone()]),
            max,
        }
    }

    /// The URL to request next.
    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// Records a redirect answer of the current URL and moves to its target; returns the
    /// outcome to stop with when the redirect cannot be followed.
    pub(crate) fn follow(&mut self, status: u16, location: Option<&str>) -> Option<FetchOutcome> {
        self.hops.push(RedirectHop {
            url: self.url.to_string(),
            status,
        });
        let fail = |error| {
            Some(FetchOutcome::Failed {
                error,
                status: Some(status),
            })
        };
        let next = location
            .and_then(|l| self.url.join(l.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        let Some(mut next) = next else {
            return fail(FetchError::InvalidRedirect);
        };
        next.set_fragment(None);
        let looped = !self.seen.insert(next.clone());
        self.url = next;
        if looped {
            return fail(FetchError::RedirectLoop);
        }
        if self.hops.len() > self.max {
            return fail(FetchError::TooManyRedirects);
        }
        None
    }

    /// The fetched page, ending at the current URL.
    pub(crate) fn finish(self, start: &Url, outcome: FetchOutcome) -> FetchedPage {
        FetchedPage {
            url: start.clone(),
            final_url: self.url,
            redirects: self.hops,
            outcome,
        }
    }
}

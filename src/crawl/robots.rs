//! robots.txt: fetched once per origin per run and honoured for our product token
//! (`backlinks`), Crawl-delay included, with Google's interpretation (texting_robots).
//!
//! Policy, following Google's documented behaviour: 2xx → parse; 4xx → everything allowed;
//! 5xx or 429 → everything disallowed for this run (`robots-unavailable`). Network failures
//! fetching robots.txt let the page request go ahead, so that the page reports its own,
//! more precise error (a DNS failure shows as `dns-failure`, not as a robots problem).

use super::Crawler;
use super::http::RequestFailure;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use texting_robots::Robot;
use tokio::sync::OnceCell;
use url::Url;

/// The product token matched against `User-agent:` lines.
pub const ROBOTS_AGENT: &str = "backlinks";

/// Google reads at most 500 KiB of a robots.txt.
const MAX_ROBOTS_BYTES: usize = 500 * 1024;

/// Redirects followed for robots.txt (Google follows at least five).
const MAX_ROBOTS_REDIRECTS: usize = 5;

/// What robots.txt says about one URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RobotsVerdict {
    /// Fetching is allowed.
    Allowed,
    /// A rule disallows the URL.
    Disallowed,
    /// robots.txt answered 5xx/429: nothing may be fetched from this origin in this run.
    Unavailable,
}

enum Rules {
    AllowAll,
    DisallowAll,
    Parsed(Box<Robot>),
}

/// robots.txt rules per origin, fetched on first use.
#[derive(Default)]
pub struct RobotsCache {
    origins: Mutex<HashMap<String, Arc<OnceCell<Rules>>>>,
}

impl RobotsCache {
    /// Checks `url` against its origin's robots.txt, fetching it on first use. Concurrent
    /// callers for one origin wait for a single fetch.
    pub async fn check(&self, crawler: &Crawler, url: &Url) -> RobotsVerdict {
        let origin = url.origin().ascii_serialization();
        let cell = {
            let mut map = self.origins.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(map.entry(origin.clone()).or_default())
        };
        let rules = cell.get_or_init(|| fetch_rules(crawler, url, origin)).await;
        match rules {
            Rules::AllowAll => RobotsVerdict::Allowed,
            Rules::DisallowAll => RobotsVerdict::Unavailable,
            Rules::Parsed(robot) if robot.allowed(url.as_str()) => RobotsVerdict::Allowed,
            Rules::Parsed(_) => RobotsVerdict::Disallowed,
        }
    }
}

async fn fetch_rules(crawler: &Crawler, page: &Url, origin: String) -> Rules {
    let Ok(mut url) = Url::parse(&format!("{origin}/robots.txt")) else {
        return Rules::AllowAll;
    };
    for _ in 0..=MAX_ROBOTS_REDIRECTS {
        let resp = match crawler.request(&url, MAX_ROBOTS_BYTES).await {
            Ok(r) => r,
            Err(
                RequestFailure::Fetch(..) | RequestFailure::PrivateAddress | RequestFailure::Broken,
            ) => {
                return Rules::AllowAll;
            }
        };
        match resp.status {
            200..=299 => {
                return match Robot::new(ROBOTS_AGENT, &resp.body) {
                    Ok(robot) => {
                        if let Some(delay) = robot.delay.filter(|d| d.is_finite() && *d > 0.0) {
                            crawler
                                .host_for(page)
                                .raise_interval(Duration::from_secs_f32(delay));
                        }
                        Rules::Parsed(Box::new(robot))
                    }
                    // An unparsable file says nothing; Google treats it as allow-all.
                    Err(_) => Rules::AllowAll,
                };
            }
            300..=399 => match resp.location().and_then(|l| url.join(l).ok()) {
                Some(next) if matches!(next.scheme(), "http" | "https") => url = next,
                _ => return Rules::AllowAll,
            },
            429 | 500..=599 => return Rules::DisallowAll,
            _ => return Rules::AllowAll,
        }
    }
    Rules::AllowAll
}

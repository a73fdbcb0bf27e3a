//! robots.txt: fetched once per origin per run and honoured for our product token
//! (`backlinks`), Crawl-delay included, with Google's interpretation (texting_robots).
//!
//! Policy, following Google's documented behaviour: 2xx → parse; 4xx → everything allowed;
//! 5xx or 429 → everything disallowed for this run (`robots-unavailable`). Network failures
//! fetching robots.txt let the page request go ahead, so that the page reports its own,
//! more precise error (a DNS failure shows as `dns-failure`, not as a robots problem).
//!
//! A robots.txt over 500 KiB is cut there, at the end of its last whole line, and the rules
//! before the cut apply (Google: "content after the maximum file size is ignored"); a
//! `Crawl-delay` of any size, `1e30` or `inf` included, saturates at the longest wait
//! ([`super::host::MAX_HOST_WAIT`]).

use super::Crawler;
use super::host::saturating_secs;
use super::http::{BodyCap, RequestFailure};
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
    let rules = read_rules(crawler, page, &origin).await;
    tracing::debug!(
        origin = %origin,
        rules = match &rules {
            Rules::AllowAll => "allow-all",
            Rules::DisallowAll => "disallow-all (unavailable)",
            Rules::Parsed(_) => "parsed",
        },
        "robots.txt"
    );
    rules
}

async fn read_rules(crawler: &Crawler, page: &Url, origin: &str) -> Rules {
    let Ok(mut url) = Url::parse(&format!("{origin}/robots.txt")) else {
        return Rules::AllowAll;
    };
    for _ in 0..=MAX_ROBOTS_REDIRECTS {
        let resp = match crawler.request(&url, BodyCap::Cut(MAX_ROBOTS_BYTES)).await {
            Ok(r) => r,
            Err(
                RequestFailure::Fetch(..) | RequestFailure::PrivateAddress | RequestFailure::Broken,
            ) => {
                return Rules::AllowAll;
            }
        };
        match resp.status {
            200..=299 => {
                let body = whole_lines(&resp.body, resp.truncated);
                return match Robot::new(ROBOTS_AGENT, body) {
                    Ok(robot) => {
                        if let Some(delay) = robot.delay.and_then(crawl_delay) {
                            crawler.host_for(page).raise_interval(delay);
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

/// A robots.txt cut at the size limit, without the line the cut went through: half of
/// `Disallow: /private` would be `Disallow: /p`, half of `Allow: /public/` `Allow: /`.
fn whole_lines(body: &[u8], truncated: bool) -> &[u8] {
    if !truncated {
        return body;
    }
    match body.iter().rposition(|&b| b == b'\n') {
        Some(end) => &body[..=end],
        None => &[],
    }
}

/// The interval a `Crawl-delay` value asks for: None for zero, negative and NaN values;
/// any other value saturates at the longest wait.
fn crawl_delay(secs: f32) -> Option<Duration> {
    (secs > 0.0).then(|| saturating_secs(f64::from(secs)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::host::MAX_HOST_WAIT;

    #[test]
    fn crawl_delays_of_any_size_saturate() {
        assert_eq!(crawl_delay(2.5), Some(Duration::from_millis(2500)));
        for huge in [1e30, f32::MAX, f32::INFINITY, 3601.0] {
            assert_eq!(crawl_delay(huge), Some(MAX_HOST_WAIT), "{huge}");
        }
        for none in [0.0, -1.0, f32::NAN, f32::NEG_INFINITY] {
            assert_eq!(crawl_delay(none), None, "{none}");
        }
        let robot = Robot::new(ROBOTS_AGENT, b"User-agent: *\nCrawl-delay: 1e30\n").unwrap();
        assert_eq!(robot.delay.and_then(crawl_delay), Some(MAX_HOST_WAIT));
    }

    #[test]
    fn a_cut_robots_txt_keeps_its_whole_lines() {
        let body = b"User-agent: *\nDisallow: /private\nAllow: /pub";
        assert_eq!(whole_lines(body, false), body);
        assert_eq!(
            whole_lines(body, true),
            b"User-agent: *\nDisallow: /private\n"
        );
        assert_eq!(whole_lines(b"no newline", true), b"");
    }
}

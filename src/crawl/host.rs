//! Per-host politeness: at most `--per-host` requests in flight and at least `--delay` between
//! request starts, per politeness key (the registrable domain, so `a.example.com` and
//! `b.example.com` share one budget).
//!
//! The spacing is a reservation clock rather than a `governor` limiter: governor's quota is
//! fixed when the limiter is built, but here the interval changes at run time (robots.txt
//! `Crawl-delay` raises it, `Retry-After` pushes the next slot out), and a reservation clock
//! with burst 1 is exactly GCRA for that case in a few lines.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// Longest interval a robots.txt `Crawl-delay` or `Retry-After` may impose; beyond that a host
/// is treated as unavailable rather than stalling the run.
pub const MAX_HOST_WAIT: Duration = Duration::from_secs(60);

/// `secs` seconds as a wait, saturating: negative and NaN values are zero, anything longer
/// than [`MAX_HOST_WAIT`] (`1e30`, infinity) is `MAX_HOST_WAIT`. Every duration read from
/// the network goes through here or is compared with `MAX_HOST_WAIT` before use, so no
/// server can make a conversion panic or a deadline overflow.
pub fn saturating_secs(secs: f64) -> Duration {
    if secs.is_nan() || secs <= 0.0 {
        return Duration::ZERO;
    }
    if secs >= MAX_HOST_WAIT.as_secs_f64() {
        return MAX_HOST_WAIT;
    }
    Duration::from_secs_f64(secs)
}

/// Politeness state of one host key.
#[derive(Debug)]
pub struct Host {
    permits: Semaphore,
    clock: Mutex<Clock>,
}

#[derive(Debug)]
struct Clock {
    next: Option<Instant>,
    interval: Duration,
}

impl Host {
    fn new(per_host: usize, interval: Duration) -> Self {
        Host {
            permits: Semaphore::new(per_host.max(1)),
            clock: Mutex::new(Clock {
                next: None,
                interval,
            }),
        }
    }

    /// Waits for a free per-host slot and for this host's next start time; the returned permit
    /// is held for the whole request.
    pub async fn acquire(&self) -> SemaphorePermit<'_> {
        // The semaphore is never closed, so acquire cannot fail.
        let permit = self
            .permits
            .acquire()
            .await
            .expect("host semaphore is never closed");
        let start = {
            let mut c = self.clock.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let start = c.next.map_or(now, |n| n.max(now));
            c.next = Some(start + c.interval);
            start
        };
        tokio::time::sleep_until(start).await;
        permit
    }

    /// Raises the minimum interval (robots.txt `Crawl-delay`), capped at [`MAX_HOST_WAIT`].
    pub fn raise_interval(&self, interval: Duration) {
        let mut c = self.clock.lock().unwrap_or_else(PoisonError::into_inner);
        c.interval = c.interval.max(interval.min(MAX_HOST_WAIT));
    }

    /// Keeps every request to this host from starting before `wait` from now (429/503 with
    /// `Retry-After`, or the retry back-off).
    pub fn back_off(&self, wait: Duration) {
        let mut c = self.clock.lock().unwrap_or_else(PoisonError::into_inner);
        let until = Instant::now() + wait.min(MAX_HOST_WAIT);
        c.next = Some(c.next.map_or(until, |n| n.max(until)));
    }
}

/// All hosts seen in a run, created on first use.
#[derive(Debug)]
pub struct HostPool {
    per_host: usize,
    interval: Duration,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

impl HostPool {
    /// A pool whose hosts allow `per_host` requests in flight, `interval` apart.
    pub fn new(per_host: usize, interval: Duration) -> Self {
        HostPool {
            per_host,
            interval,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// The host for a politeness key.
    pub fn get(&self, key: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            hosts
                .entry(key.to_string())
                .or_insert_with(|| Arc::new(Host::new(self.per_host, self.interval))),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_to_one_host_are_spaced() {
        let pool = HostPool::new(2, Duration::from_millis(1000));
        let host = pool.get("a.test");
        let t0 = Instant::now();
        drop(host.acquire().await);
        drop(host.acquire().await);
        drop(host.acquire().await);
        assert_eq!(t0.elapsed(), Duration::from_millis(2000));
        host.back_off(Duration::from_secs(5));
        drop(host.acquire().await);
        assert!(t0.elapsed() >= Duration::from_millis(7000));
        // Another key is independent.
        let t1 = Instant::now();
        drop(pool.get("b.test").acquire().await);
        assert_eq!(t1.elapsed(), Duration::ZERO);
    }
}

//! The progress bar: on standard error, only when it is a terminal and not disabled, so that
//! cron mails and CI logs stay clean and standard output carries nothing but the report. It
//! says which phase the run is in, the rate to three significant digits and the page just
//! read; an interruption clears it before `backlinks: interrupted` is printed.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Mutex, PoisonError};

/// The bars on screen now, cleared by [`clear`] when the run is interrupted.
static SHOWN: Mutex<Vec<ProgressBar>> = Mutex::new(Vec::new());

/// A progress bar over `total` pages in the phase `phase` ("fetching"), hidden unless stderr
/// is a terminal and `enabled`. [`ProgressBar::set_message`] shows the page just read.
pub fn pages(total: u64, enabled: bool, phase: &'static str) -> ProgressBar {
    if !enabled || crate::logging::enabled() || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {prefix} {elapsed} [{bar:24}] {pos}/{len} pages  {rate}  ETA {eta}  {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&rate(s.per_sec()));
        })
        .progress_chars("=> "),
    );
    bar.set_prefix(phase);
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    SHOWN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(bar.clone());
    bar
}

/// A spinner for a phase without a known length ("reading the target's pages").
pub fn spinner(enabled: bool, phase: &str) -> ProgressBar {
    if !enabled || crate::logging::enabled() || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix} {elapsed}  {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_prefix(phase.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    SHOWN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(bar.clone());
    bar
}

/// A progress bar over bytes read (`discover wat`), its length set as inputs are sized.
pub fn bytes(enabled: bool, phase: &'static str) -> ProgressBar {
    if !enabled || crate::logging::enabled() || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {prefix} {elapsed} [{bar:24}] {bytes}/{total_bytes} {bytes_per_sec}  {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_prefix(phase);
    SHOWN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(bar.clone());
    bar
}

/// Clears every bar from the screen (on interruption, before the process exits).
pub fn clear() {
    for bar in SHOWN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .drain(..)
    {
        bar.finish_and_clear();
    }
}

/// A rate in pages per second, to three significant digits at most: `0.25/s`, `2.52/s`,
/// `38.1/s`, `812/s`.
pub fn rate(per_sec: f64) -> String {
    if !per_sec.is_finite() || per_sec <= 0.0 {
        return "–/s".to_string();
    }
    let digits = match per_sec {
        r if r >= 100.0 => 0,
        r if r >= 10.0 => 1,
        _ => 2,
    };
    format!("{per_sec:.digits$}/s")
}

/// The text after the bar: `url`, shortened in the middle to at most `max` characters.
pub fn current(url: &str, max: usize) -> String {
    let n = url.chars().count();
    if n <= max || max < 5 {
        return url.to_string();
    }
    let keep = max - 1;
    let head: String = url.chars().take(keep / 2).collect();
    let tail: String = url.chars().skip(n - (keep - keep / 2)).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_have_three_significant_digits_at_most() {
        assert_eq!(rate(2.5219), "2.52/s");
        assert_eq!(rate(0.25), "0.25/s");
        assert_eq!(rate(38.149), "38.1/s");
        assert_eq!(rate(812.4), "812/s");
        assert_eq!(rate(0.0), "–/s");
        assert_eq!(rate(f64::NAN), "–/s");
    }

    #[test]
    fn long_urls_are_shortened_in_the_middle() {
        let url = "https://blog.example/2026/11/a-very-long-post-title-about-trail-shoes";
        let short = current(url, 30);
        assert_eq!(short.chars().count(), 30);
        assert!(short.starts_with("https://blog.e"), "{short}");
        assert!(short.ends_with("trail-shoes"), "{short}");
        assert_eq!(current("https://a.test/", 30), "https://a.test/");
    }
}

//! `backlinks explain [CODE]`: what a finding or page error code means. The text comes from the
//! same rule definitions the scorer uses, so it cannot drift from what the audit does.

use super::resolve;
use crate::cli::ExplainArgs;
use crate::exit::ExitStatus;
use crate::model::{FetchError, SkipReason};
use crate::output;
use crate::score::rules;
use crate::settings::Env;
use anyhow::bail;

/// Page `error` codes that are not fetch errors or skip reasons.
const OTHER_PAGE_ERRORS: [(&str, &str); 2] = [
    (
        "http-error",
        "The page answered with an HTTP error status (4xx/5xx, see http_status), after retries for 429 and 5xx.",
    ),
    (
        "not-html",
        "The page answered 2xx but is not an HTML document (PDF, image...; a binary body counts as such whatever its Content-Type says), so its links cannot be verified.",
    ),
];

/// Runs `explain`.
pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitStatus> {
    let file = resolve::file(&args.config, &Env::from_process())?;
    let settings = &file.config.scoring;
    let Some(code) = args.code.as_deref() else {
        output::write_report(None, |w| {
            writeln!(w, "Finding codes (backlinks explain CODE for details):")?;
            for r in rules::ALL {
                let s = settings.rule(&r);
                writeln!(
                    w,
                    "  {:<34} {:<5} {:>3}  {}",
                    r.code,
                    level_name(s.level),
                    s.points,
                    first_sentence(r.description)
                )?;
            }
            writeln!(w, "\nPage error codes (the `error` field of a page):")?;
            for (code, text) in page_errors() {
                writeln!(w, "  {code:<34} {}", first_sentence(&text))?;
            }
            Ok(())
        })?;
        return Ok(ExitStatus::Pass);
    };
    if let Some(r) = rules::find(code) {
        let s = settings.rule(r);
        output::write_report(None, |w| {
            writeln!(w, "{}", r.code)?;
            writeln!(
                w,
                "  level:      {}{}",
                level_name(s.level),
                changed(s.level != Some(r.severity), r.severity.as_str())
            )?;
            if r.scope == rules::Scope::Profile {
                writeln!(
                    w,
                    "  toxicity:   none (a profile finding: it lowers the health score)"
                )?;
            } else {
                writeln!(
                    w,
                    "  toxicity:   +{} points on each affected link{}",
                    s.points,
                    changed(s.points != r.weight, &r.weight.to_string())
                )?;
            }
            writeln!(w, "  applies to: {}", r.scope.describe())?;
            writeln!(
                w,
                "  fires when: {}",
                r.condition_with(|k| settings.threshold(r, k))
            )?;
            writeln!(w, "\n{}", r.description)?;
            writeln!(w, "\nSettings ([rules.{}] in backlinks.toml):", r.code)?;
            let mut setting = |left: String, help: &str| writeln!(w, "  {left:<36} {help}");
            setting(
                format!("level = \"{}\"", level_name(s.level)),
                "allow (off), info, warn or deny",
            )?;
            setting(format!("points = {}", s.points), "toxicity points, 0-100")?;
            for t in r.thresholds {
                let v = settings.threshold(r, t.key);
                let help = if v != t.default {
                    format!("{} (default {})", t.help, rules::fmt_number(t.default))
                } else {
                    t.help.to_string()
                };
                setting(format!("{} = {}", t.key, rules::fmt_number(v)), &help)?;
            }
            let domains = s
                .allow_domains
                .iter()
                .map(|d| format!("\"{d}\""))
                .collect::<Vec<_>>()
                .join(", ");
            setting(
                format!("allow-domains = [{domains}]"),
                "referring domains it never fires on",
            )?;
            writeln!(
                w,
                "\n[domains] allow = [...] silences every rule with points for those domains; \
                 [domains] deny = [...] makes their links toxic."
            )?;
            if let Some(p) = file.shown_path() {
                writeln!(w, "(settings from {p})")?;
            }
            Ok(())
        })?;
        return Ok(ExitStatus::Pass);
    }
    if let Some((code, text)) = page_errors().into_iter().find(|(c, _)| *c == code) {
        output::write_report(None, |w| writeln!(w, "{code} (page error)\n\n{text}"))?;
        return Ok(ExitStatus::Pass);
    }
    let known: Vec<&str> = rules::ALL
        .iter()
        .map(|r| r.code)
        .chain(page_errors().into_iter().map(|(c, _)| c))
        .collect();
    if let Some(hint) = crate::model::closest(code, known.iter().copied()) {
        bail!(
            "unknown code `{code}`: did you mean `{hint}`? (`backlinks explain` lists every code)"
        );
    }
    bail!(
        "unknown code `{code}`; finding codes are: {}",
        known.join(", ")
    )
}

fn level_name(level: Option<crate::model::Severity>) -> String {
    level.map_or("allow", |l| l.as_str()).to_string()
}

fn changed(is: bool, default: &str) -> String {
    if is {
        format!(" (default {default})")
    } else {
        String::new()
    }
}

fn first_sentence(s: &str) -> &str {
    s.split_once(". ").map_or(s, |(a, _)| a)
}

fn page_errors() -> Vec<(&'static str, String)> {
    use FetchError as F;
    use SkipReason as S;
    let fetch = [
        (
            F::Timeout,
            "The request took longer than --timeout, connection to last body byte, after retries.",
        ),
        (F::DnsFailure, "The host name does not resolve."),
        (
            F::ConnectionFailed,
            "The connection was refused, reset or closed before a complete answer.",
        ),
        (
            F::TlsError,
            "The TLS handshake failed or the certificate is invalid (expired, self-signed, wrong name). --insecure skips verification, with a warning.",
        ),
        (
            F::ProtocolError,
            "The server's answer is not valid HTTP (a bogus status line, a head over about 400 KB).",
        ),
        (
            F::BodyError,
            "The connection broke or the compressed body was corrupt while reading it.",
        ),
        (
            F::BodyTooLarge,
            "The decompressed body exceeded --max-body (5 MB by default); reading stopped there.",
        ),
        (
            F::EmptyBody,
            "The page answered 2xx with an empty body, so there is nothing to verify.",
        ),
        (F::TooManyRedirects, "More than 10 redirects."),
        (
            F::RedirectLoop,
            "A redirect led back to a URL already visited.",
        ),
        (
            F::InvalidRedirect,
            "A redirect had no usable Location (missing, unparsable or not http(s)).",
        ),
        (
            F::ParseFailed,
            "The page was fetched but the HTML parser failed on it; the failure was contained to this page (please report it with the page).",
        ),
    ];
    let skip = [
        (
            S::RobotsDisallowed,
            "robots.txt disallows this page for the backlinks user agent (--ignore-robots to override).",
        ),
        (
            S::RobotsUnavailable,
            "robots.txt answered 429 or 5xx, which means 'disallow everything' for this run, as for Google.",
        ),
        (
            S::PrivateAddress,
            "The page or a redirect hop resolves to a loopback, private, link-local or other non-public address; refused without --allow-private.",
        ),
        (
            S::NotInArchive,
            "--archive was given and the archive holds no response for this URL.",
        ),
    ];
    fetch
        .into_iter()
        .map(|(e, t)| (e.code(), t.to_string()))
        .chain(skip.into_iter().map(|(s, t)| (s.code(), t.to_string())))
        .chain(
            OTHER_PAGE_ERRORS
                .into_iter()
                .map(|(c, t)| (c, t.to_string())),
        )
        .collect()
}

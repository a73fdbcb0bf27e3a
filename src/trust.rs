//! Trust stage: what limits the trust in a finished audit, as [`Warning`]s every renderer shows
//! first, and whether the run is a result at all.
//!
//! The rule is that no verdict claims more than was verified: a run that read no referring
//! page is "no trustworthy result" (exit 2, no snapshot), a run that read only part of them
//! says over how many pages its numbers stand, and a target that none of the read pages links
//! to while many link to one other site gets a "did you mean". Pure: no I/O.

use crate::model::{
    Audit, Candidate, PageStatus, PageVerdict, SkipReason, VerdictOutcome, Warning,
};
use std::collections::BTreeMap;

/// Code of the warning that makes the run exit 2 without saving a snapshot.
pub const NO_TRUSTWORTHY_RESULT: &str = "no-trustworthy-result";
/// Code of the warning for a run that read only some of the referring pages.
pub const PARTIAL_VERIFICATION: &str = "partial-verification";
/// Code of the warning that suggests another target.
pub const TARGET_MISMATCH: &str = "target-mismatch";

/// Code of the warning for export rows whose target URL is on another site.
pub const FOREIGN_TARGET_ROWS: &str = "foreign-target-rows";

/// Code of the warning for scoring inputs that changed since the previous audit.
pub const SETTINGS_CHANGED: &str = "settings-changed";

/// Share of the read pages (percent) below which a run whose pages mostly link elsewhere
/// suggests the other domain: "few or no pages link to the target".
const FEW_LIVE_PERCENT: usize = 20;
/// Pages that must link to one other domain before it is suggested.
const MIN_SUGGESTION_PAGES: usize = 2;

/// The verification warnings of `audit`: none when every page was read, `partial-verification`
/// when some were, `no-trustworthy-result` when none was (and there were pages to read).
pub fn verification(audit: &Audit) -> Option<Warning> {
    let s = &audit.summary;
    let total = audit.pages.len();
    if total == 0 || s.verified == total {
        return None;
    }
    let (counts, fix) = failures(audit);
    if s.verified == 0 {
        return Some(Warning {
            code: NO_TRUSTWORTHY_RESULT,
            message: format!(
                "no trustworthy result: verified 0 of {total} referring pages ({counts}); {fix}; \
                 no snapshot was saved"
            ),
        });
    }
    Some(Warning {
        code: PARTIAL_VERIFICATION,
        message: format!(
            "verified {} of {total} referring pages ({counts} not read): health, counts and rates \
             cover the {} read pages only; {fix}",
            s.verified, s.verified
        ),
    })
}

/// The pages that were not read, counted by cause (most frequent first, ties by code), and
/// the likely fix for the most frequent cause.
fn failures(audit: &Audit) -> (String, &'static str) {
    let mut causes: BTreeMap<String, usize> = BTreeMap::new();
    for p in audit
        .pages
        .iter()
        .filter(|p| !matches!(p.status, PageStatus::Live | PageStatus::Lost))
    {
        let cause = p
            .error
            .clone()
            .unwrap_or_else(|| p.status.as_str().to_string());
        *causes.entry(cause).or_default() += 1;
    }
    let mut ranked: Vec<(String, usize)> = causes.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let counts: Vec<String> = ranked.iter().map(|(c, n)| format!("{n} {c}")).collect();
    // The skip reasons' own codes, not copies of their spellings.
    let top = ranked.first().map_or("", |(c, _)| c.as_str());
    let fix = fix_for(top);
    (counts.join(", "), fix)
}

/// The likely fix when most unread pages failed with `code` (a skip reason's or a fetch
/// error's code, or a page status).
fn fix_for(code: &str) -> &'static str {
    use crate::model::FetchError;
    // The codes' own spellings, not copies of them.
    let is = |c: &str| c == code;
    if is(SkipReason::PrivateAddress.code()) {
        "pages resolve to private addresses: add --allow-private if they are yours (e.g. pinned \
         with --resolve)"
    } else if is(SkipReason::RobotsDisallowed.code()) || is(SkipReason::RobotsUnavailable.code()) {
        "robots.txt refused the pages"
    } else if is(SkipReason::NotInArchive.code()) {
        "the archive holds no capture of them: audit them over the network (without --archive)"
    } else if is(FetchError::DnsFailure.code()) {
        "their host names do not resolve: check the input URLs and this machine's DNS"
    } else if is(FetchError::Timeout.code()) {
        "they did not answer in time: raise --timeout, or retry later"
    } else if is(FetchError::TlsError.code()) {
        "TLS failed: check the system clock and the sites' certificates"
    } else if is(FetchError::ConnectionFailed.code()) {
        "connections failed: check the network and the input URLs"
    } else if is(PageStatus::Unreachable.as_str()) {
        "they answered with HTTP errors: check the input URLs"
    } else {
        "check the network, DNS and the input URLs"
    }
}

/// The "did you mean" warning: when few or none of the read pages link to the target but at
/// least [`MIN_SUGGESTION_PAGES`] of them (and more than link to the target) link to one other
/// registrable domain whose name is close to the target's (a typo: one or two edits, or the
/// same name under another suffix), that domain. `linked` counts, per registrable domain,
/// the read pages that link to it (the pages' own domains excluded).
pub fn suggestion(audit: &Audit, linked: &BTreeMap<String, usize>) -> Option<Warning> {
    let s = &audit.summary;
    if s.verified == 0 || s.live * 100 > s.verified * FEW_LIVE_PERCENT {
        return None;
    }
    let (domain, pages) = linked
        .iter()
        .filter(|(d, n)| **n >= MIN_SUGGESTION_PAGES && **n > s.live && *d != &audit.target)
        .filter(|(d, _)| similar(d, &audit.target))
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))?;
    if s.live == 0 {
        // Every read page names another site: the audit of this one says nothing.
        return Some(Warning {
            code: NO_TRUSTWORTHY_RESULT,
            message: format!(
                "no trustworthy result: none of the {} read pages links to {}, but {pages} link \
                 to {domain}: did you mean `{domain}`? (check the target's spelling); no snapshot \
                 was saved",
                s.verified, audit.target
            ),
        });
    }
    Some(Warning {
        code: TARGET_MISMATCH,
        message: format!(
            "only {} of {} read pages link to {}, but {pages} link to {domain}: did you mean \
             `{domain}`?",
            s.live, s.verified, audit.target
        ),
    })
}

/// What the inputs' own target column says about the audited site, per input: rows whose
/// reported target URL is on another registrable domain. An export whose every such row
/// points elsewhere is probably another site's: [`TargetCheck::refused`] names it.
#[derive(Debug, Default)]
pub struct TargetCheck {
    /// Warnings for inputs with some rows about other sites.
    pub warnings: Vec<Warning>,
    /// The error for inputs none of whose rows is about the target.
    pub refused: Option<String>,
}

/// Checks the candidates' target-URL claims against `target` (see [`TargetCheck`]).
pub fn target_claims(candidates: &[Candidate], target: &crate::model::Target) -> TargetCheck {
    #[derive(Default)]
    struct Input {
        rows: usize,
        foreign: usize,
        domains: BTreeMap<String, usize>,
        example: Option<(u64, String)>,
    }
    let mut inputs: BTreeMap<&str, Input> = BTreeMap::new();
    for p in candidates.iter().flat_map(|c| &c.provenance) {
        let Some(claimed) = p.claims.target_url.as_deref() else {
            continue;
        };
        // A claim that is no URL says nothing about the site.
        let Ok(url) = url::Url::parse(claimed) else {
            continue;
        };
        let i = inputs.entry(p.input.as_str()).or_default();
        i.rows += 1;
        if !target.matches_url(&url) {
            i.foreign += 1;
            *i.domains
                .entry(crate::model::host::domain_of(&url))
                .or_default() += 1;
            if i.example.as_ref().is_none_or(|(line, _)| p.line < *line) {
                i.example = Some((p.line, claimed.to_string()));
            }
        }
    }
    let mut check = TargetCheck::default();
    let mut refused = Vec::new();
    for (name, i) in inputs.iter().filter(|(_, i)| i.foreign > 0) {
        let mut top: Vec<(&String, &usize)> = i.domains.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let domains: Vec<String> = top
            .iter()
            .take(3)
            .map(|(d, n)| format!("{d} ×{n}"))
            .collect();
        let (line, url) = i.example.clone().unwrap_or_default();
        let what = format!(
            "they point at {}{}; e.g. line {line}: {url}",
            domains.join(", "),
            if top.len() > 3 { ", ..." } else { "" }
        );
        if i.foreign == i.rows {
            refused.push(format!(
                "`{name}`: none of its {} rows with a target URL links to {} ({what})",
                i.rows, target.domain
            ));
        } else {
            check.warnings.push(Warning {
                code: FOREIGN_TARGET_ROWS,
                message: format!(
                    "`{name}`: {} of {} rows have a target URL on another site than {} ({what}); \
                     their pages are audited for links to {} only",
                    i.foreign, i.rows, target.domain, target.domain
                ),
            });
        }
    }
    if !refused.is_empty() {
        check.refused = Some(format!(
            "{}: is it another site's export? Check the target, or give --force-target to audit \
             these pages for links to {} anyway",
            refused.join("; "),
            target.domain
        ));
    }
    check
}

/// The settings warning: the scoring inputs differ from the previous audit's, so scores moved
/// for reasons other than the pages; names the settings and the domains put down to them.
pub fn settings(audit: &Audit) -> Option<Warning> {
    let change = audit.comparison.as_ref()?.settings_changed.as_ref()?;
    let mut message = format!(
        "scoring settings changed since the previous audit ({}): scores are not comparable \
         one to one",
        change.changed.join(", ")
    );
    if !change.toxic_by_settings.is_empty() {
        message.push_str(&format!(
            "; {} referring domain{} toxic only under the new settings {} not counted as newly \
             toxic nor in the spike check: {}",
            change.toxic_by_settings.len(),
            if change.toxic_by_settings.len() == 1 {
                ""
            } else {
                "s"
            },
            if change.toxic_by_settings.len() == 1 {
                "is"
            } else {
                "are"
            },
            change.toxic_by_settings.join(", ")
        ));
    }
    Some(Warning {
        code: SETTINGS_CHANGED,
        message,
    })
}

/// Per registrable domain, the read pages without a link to the target that link to it (see
/// [`suggestion`]).
pub fn linked_domains(verdicts: &[(Candidate, PageVerdict)]) -> BTreeMap<String, usize> {
    let mut linked: BTreeMap<String, usize> = BTreeMap::new();
    for (_, v) in verdicts {
        if let VerdictOutcome::Analyzed(a) = &v.outcome {
            for d in &a.signals.linked_domains {
                *linked.entry(d.clone()).or_default() += 1;
            }
        }
    }
    linked
}

/// Whether two registrable domains look like one misspelt as the other: at most two edits
/// apart (transpositions count once), or the same first label under another suffix.
fn similar(a: &str, b: &str) -> bool {
    let label = |d: &str| d.split('.').next().unwrap_or("").to_string();
    if label(a) == label(b) && !label(a).is_empty() {
        return true;
    }
    strsim::damerau_levenshtein(a, b) <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_and_other_suffixes_are_similar() {
        assert!(similar("example.com", "exmaple.com"));
        assert!(similar("example.com", "example.org"));
        assert!(similar("example.com", "exampel.co"));
        assert!(!similar("example.com", "wikipedia.org"));
        assert!(!similar("example.com", "sample.net"));
    }
}

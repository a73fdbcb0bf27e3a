//! Gate stage: the `--fail-on` conditions of a CI or cron run, evaluated on a finished audit
//! (after [`crate::compare`]) → a [`GateReport`] that decides exit code 1.
//!
//! Pure: no I/O. A condition *describes a failure*: `toxic-new>5` fails the gate when there are
//! more than five new toxic links. The grammar (documented in the README, "CI gate"):
//!
//! ```text
//! condition := metric op number ['%']     e.g.  toxic-new>5   toxic-share>10%   health<60
//!            | 'rule:' code [op number]    any page with that finding (or: count op number)
//!            | 'spike' [':domains' | ':toxic']
//! op        := '>' | '>=' | '<' | '<=' | '=' | '==' | '!='
//! ```
//!
//! [`GateConfig`] is a plain struct so that a configuration file can fill it as well as the
//! command line.

use crate::model::{Audit, ConditionResult, GateReport, PageReport, Severity};
use crate::score::rules;
use std::fmt;
use std::str::FromStr;

/// The gate settings: every condition that fails the run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GateConfig {
    /// The conditions, in the order given (command line first, then configuration).
    pub fail_on: Vec<Condition>,
}

/// A `--fail-on` expression that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid --fail-on condition `{expr}`: {reason}")]
pub struct GateError {
    /// The expression as given.
    pub expr: String,
    /// What is wrong with it.
    pub reason: String,
}

/// One parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The expression, without spaces (as shown in reports).
    pub text: String,
    check: Check,
}

#[derive(Debug, Clone, PartialEq)]
enum Check {
    Compare {
        metric: Metric,
        op: Op,
        threshold: f64,
    },
    Rule {
        code: &'static str,
        op: Op,
        threshold: f64,
    },
    Spike(SpikeKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SpikeKind {
    Any,
    Domains,
    Toxic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

impl Op {
    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Eq => a == b,
            Op::Ne => a != b,
        }
    }
}

/// The measured quantities a condition compares with a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    Toxic,
    ToxicShare,
    ToxicNew,
    ToxicDomainsNew,
    New,
    NewDofollow,
    Lost,
    LostDofollow,
    Changed,
    DomainsNew,
    DomainsLost,
    Unreachable,
    Health,
    Backlinks,
    Domains,
    Deny,
    Warn,
    Verified,
}

/// (metric, name, description) for parsing, errors and `--help`.
const METRICS: [(Metric, &str, &str); 18] = [
    (Metric::Toxic, "toxic", "toxic links"),
    (
        Metric::ToxicShare,
        "toxic-share",
        "% of links that are toxic",
    ),
    (Metric::ToxicNew, "toxic-new", "new toxic links"),
    (
        Metric::ToxicDomainsNew,
        "toxic-domains-new",
        "new toxic referring domains",
    ),
    (Metric::New, "new", "new links"),
    (Metric::NewDofollow, "new-dofollow", "new dofollow links"),
    (Metric::Lost, "lost", "lost links"),
    (Metric::LostDofollow, "lost-dofollow", "lost dofollow links"),
    (Metric::Changed, "changed", "changed links"),
    (Metric::DomainsNew, "domains-new", "new referring domains"),
    (
        Metric::DomainsLost,
        "domains-lost",
        "lost referring domains",
    ),
    (
        Metric::Unreachable,
        "unreachable",
        "pages with links that became unreachable",
    ),
    (Metric::Health, "health", "health score"),
    (Metric::Backlinks, "backlinks", "links"),
    (
        Metric::Domains,
        "domains",
        "referring domains with live links",
    ),
    (Metric::Deny, "deny", "pages with a deny-level finding"),
    (Metric::Warn, "warn", "pages with a warn-level finding"),
    (
        Metric::Verified,
        "verified",
        "% of referring pages whose content was read",
    ),
];

impl Metric {
    fn describe(self) -> &'static str {
        METRICS.iter().find(|m| m.0 == self).map_or("", |m| m.2)
    }

    fn needs_previous(self) -> bool {
        matches!(
            self,
            Metric::ToxicNew
                | Metric::ToxicDomainsNew
                | Metric::New
                | Metric::NewDofollow
                | Metric::Lost
                | Metric::LostDofollow
                | Metric::Changed
                | Metric::DomainsNew
                | Metric::DomainsLost
                | Metric::Unreachable
        )
    }
}

/// The grammar and metrics, for `backlinks audit --help`.
pub const HELP: &str = "\
--fail-on conditions (each describes a failure; spaces are ignored):
  METRIC OP NUMBER[%]    toxic-new>5, toxic-share>10%, lost-dofollow>=3, health<60, verified<90%
  rule:CODE [OP NUMBER]  pages with that finding (alone: more than 0), e.g. rule:link-farm
  spike[:domains|:toxic] a spike of new referring domains / new toxic domains (alone: either)
  OP: > >= < <= = == !=
Metrics: toxic, toxic-share (%), toxic-new, toxic-domains-new, new, new-dofollow, lost,
  lost-dofollow, changed, domains-new, domains-lost, unreachable, health, backlinks, domains,
  deny, warn, verified (%). Metrics about changes are 0 when there is no previous audit;
  health<N fails when health is n/a (no live links: nothing verified to judge).";

/// The metric names, for help texts and error messages.
pub fn metric_names() -> Vec<&'static str> {
    METRICS.iter().map(|m| m.1).collect()
}

fn split_op(s: &str) -> Option<(&str, Op, &str)> {
    let i = s.find(['<', '>', '=', '!'])?;
    let (lhs, rest) = s.split_at(i);
    let (op, n) = [
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("=", Op::Eq),
    ]
    .into_iter()
    .find_map(|(t, op)| rest.strip_prefix(t).map(|r| (op, r)))?;
    Some((lhs, op, n))
}

impl Condition {
    /// Parses one expression (spaces anywhere are ignored).
    pub fn parse(expr: &str) -> Result<Condition, GateError> {
        let err = |reason: String| GateError {
            expr: expr.to_string(),
            reason,
        };
        let text: String = expr.chars().filter(|c| !c.is_whitespace()).collect();
        let text = text.to_ascii_lowercase();
        if text.is_empty() {
            return Err(err("it is empty".into()));
        }
        let number = |n: &str, percent_ok: bool| -> Result<f64, GateError> {
            let (digits, percent) = match n.strip_suffix('%') {
                Some(d) => (d, true),
                None => (n, false),
            };
            if percent && !percent_ok {
                return Err(err("`%` only applies to toxic-share and verified".into()));
            }
            match digits.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
                _ => Err(err(format!(
                    "`{n}` is not a number (write e.g. `toxic-new>5` or `toxic-share>10%`)"
                ))),
            }
        };
        let check = if let Some(kind) = text.strip_prefix("spike") {
            Check::Spike(match kind {
                "" => SpikeKind::Any,
                ":domains" => SpikeKind::Domains,
                ":toxic" => SpikeKind::Toxic,
                other => {
                    return Err(err(format!(
                        "unknown spike check `{other}` (use `spike`, `spike:domains` or \
                         `spike:toxic`)"
                    )));
                }
            })
        } else if let Some(rest) = text.strip_prefix("rule:") {
            let (code, op, threshold) = match split_op(rest) {
                Some((code, op, n)) => (code, op, number(n, false)?),
                None => (rest, Op::Gt, 0.0),
            };
            let Some(rule) = rules::find(code) else {
                let known: Vec<&str> = rules::ALL.iter().map(|r| r.code).collect();
                return Err(err(format!(
                    "unknown rule `{code}` (known: {})",
                    known.join(", ")
                )));
            };
            Check::Rule {
                code: rule.code,
                op,
                threshold,
            }
        } else {
            let Some((name, op, n)) = split_op(&text) else {
                return Err(err(
                    "expected METRIC OP NUMBER (e.g. `toxic-new>5`), `rule:CODE` or `spike`".into(),
                ));
            };
            let Some(&(metric, _, _)) = METRICS.iter().find(|m| m.1 == name) else {
                return Err(err(format!(
                    "unknown metric `{name}` (known: {}, rule:CODE, spike)",
                    metric_names().join(", ")
                )));
            };
            Check::Compare {
                metric,
                op,
                threshold: number(n, matches!(metric, Metric::ToxicShare | Metric::Verified))?,
            }
        };
        Ok(Condition { text, check })
    }
}

impl FromStr for Condition {
    type Err = GateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Condition::parse(s)
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Pages with at least one finding matching `hit` (on the page or on one of its links).
fn pages_with(audit: &Audit, hit: impl Fn(&crate::model::Flag) -> bool) -> usize {
    let has = |p: &PageReport| {
        p.flags.iter().any(&hit) || p.links.iter().flat_map(|l| &l.flags).any(&hit)
    };
    audit.pages.iter().filter(|p| has(p)).count()
}

fn show(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Evaluates every condition; `None` when there are none.
pub fn evaluate(audit: &Audit, gate: &GateConfig) -> Option<GateReport> {
    if gate.fail_on.is_empty() {
        return None;
    }
    let conditions: Vec<ConditionResult> = gate
        .fail_on
        .iter()
        .map(|c| evaluate_one(audit, c))
        .collect();
    let failed: Vec<&ConditionResult> = conditions.iter().filter(|c| c.failed).collect();
    let verdict = if failed.is_empty() {
        format!(
            "gate: passed — {} condition{} checked ({}) → exit 0",
            conditions.len(),
            if conditions.len() == 1 { "" } else { "s" },
            conditions
                .iter()
                .map(|c| {
                    let v = match &c.condition {
                        spike if spike.starts_with("spike") => "no".to_string(),
                        _ => show(c.actual),
                    };
                    format!("{}: {v}", c.condition)
                })
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!(
            "gate: FAILED — {} of {} condition{} failed: {} → exit 1",
            failed.len(),
            conditions.len(),
            if conditions.len() == 1 { "" } else { "s" },
            failed
                .iter()
                .map(|c| format!("{} ({})", c.condition, c.detail))
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    Some(GateReport {
        passed: failed.is_empty(),
        conditions,
        verdict,
    })
}

fn evaluate_one(audit: &Audit, c: &Condition) -> ConditionResult {
    let s = &audit.summary;
    let cmp = audit.comparison.as_ref();
    let counts = cmp.map(|c| c.counts.clone()).unwrap_or_default();
    let no_previous = " (no previous audit to compare with)";
    let (failed, actual, threshold, detail) = match &c.check {
        Check::Spike(kind) => {
            let (checks, label) = match (cmp, kind) {
                (None, _) => (Vec::new(), "spike"),
                (Some(c), SpikeKind::Any) => (
                    vec![&c.spike.new_domains, &c.spike.new_toxic_domains],
                    "spike",
                ),
                (Some(c), SpikeKind::Domains) => {
                    (vec![&c.spike.new_domains], "spike of new referring domains")
                }
                (Some(c), SpikeKind::Toxic) => (
                    vec![&c.spike.new_toxic_domains],
                    "spike of new toxic domains",
                ),
            };
            let hit = checks.iter().any(|k| k.detected);
            let detail = match cmp {
                None => format!("no {label}{no_previous}"),
                Some(_) => {
                    let parts: Vec<String> = checks
                        .iter()
                        .zip(match kind {
                            SpikeKind::Any => {
                                ["new referring domains", "new toxic domains"].as_slice()
                            }
                            SpikeKind::Domains => ["new referring domains"].as_slice(),
                            SpikeKind::Toxic => ["new toxic domains"].as_slice(),
                        })
                        .map(|(k, what)| {
                            format!(
                                "{}: {} {what}{}",
                                if k.detected { "spike" } else { "no spike" },
                                k.count,
                                k.z.map(|z| format!(", z {z:.2}")).unwrap_or_default()
                            )
                        })
                        .collect();
                    parts.join("; ")
                }
            };
            (hit, f64::from(u8::from(hit)), 0.0, detail)
        }
        Check::Rule {
            code,
            op,
            threshold,
        } => {
            let n = pages_with(audit, |f| f.code == *code) as f64;
            let failed = op.holds(n, *threshold);
            (
                failed,
                n,
                *threshold,
                format!(
                    "{} page{} with finding {code}",
                    show(n),
                    if n == 1.0 { "" } else { "s" },
                ),
            )
        }
        Check::Compare {
            metric,
            op,
            threshold,
        } => {
            let v = match metric {
                Metric::Toxic => s.toxic as f64,
                Metric::ToxicShare => {
                    if s.backlinks == 0 {
                        0.0
                    } else {
                        100.0 * s.toxic as f64 / s.backlinks as f64
                    }
                }
                Metric::ToxicNew => counts.new_toxic_links as f64,
                Metric::ToxicDomainsNew => counts.new_toxic_domains as f64,
                Metric::New => counts.new_links as f64,
                Metric::NewDofollow => counts.new_dofollow as f64,
                Metric::Lost => counts.lost_links as f64,
                Metric::LostDofollow => counts.lost_dofollow as f64,
                Metric::Changed => counts.changed_links as f64,
                Metric::DomainsNew => counts.new_domains as f64,
                Metric::DomainsLost => counts.lost_domains as f64,
                Metric::Unreachable => counts.unreachable_pages as f64,
                // No live links: no score to compare. Reported as -1 and failed below.
                Metric::Health => s.health_score.map_or(-1.0, f64::from),
                Metric::Backlinks => s.backlinks as f64,
                Metric::Domains => s.live_domains as f64,
                Metric::Deny => pages_with(audit, |f| f.severity == Severity::Deny) as f64,
                Metric::Warn => pages_with(audit, |f| f.severity == Severity::Warn) as f64,
                Metric::Verified => {
                    if s.referring_pages == 0 {
                        100.0
                    } else {
                        100.0 * s.verified as f64 / s.referring_pages as f64
                    }
                }
            };
            let v = (v * 100.0).round() / 100.0;
            let mut detail = if *metric == Metric::ToxicShare {
                format!(
                    "{}% of links are toxic: {} of {}",
                    show(v),
                    s.toxic,
                    s.backlinks
                )
            } else if *metric == Metric::Verified {
                format!(
                    "{}% of referring pages verified: {} of {}",
                    show(v),
                    s.verified,
                    s.referring_pages
                )
            } else {
                format!("{} = {}", metric.describe(), show(v))
            };
            if metric.needs_previous() && cmp.is_none() {
                detail.push_str(no_previous);
            }
            // A health condition cannot pass without a health score: no live links is no
            // evidence that the profile is healthy.
            if *metric == Metric::Health && s.health_score.is_none() {
                let detail = "health score n/a: no live links to judge".to_string();
                (true, v, *threshold, detail)
            } else {
                (op.holds(v, *threshold), v, *threshold, detail)
            }
        }
    };
    ConditionResult {
        condition: c.text.clone(),
        failed,
        actual,
        threshold,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ChangeCounts, Comparison, Flag, PageStatus, PreviousAudit, SpikeCheck, SpikeReport,
        Summary, Velocity,
    };

    fn conds(list: &[&str]) -> GateConfig {
        GateConfig {
            fail_on: list.iter().map(|c| Condition::parse(c).unwrap()).collect(),
        }
    }

    fn audit() -> Audit {
        let page = |url: &str, flags: Vec<Flag>| PageReport {
            source_url: url.into(),
            source_domain: "a.test".into(),
            sources: vec![],
            provenance: vec![],
            status: PageStatus::Live,
            http_status: Some(200),
            final_url: None,
            error: None,
            redirects: vec![],
            title: None,
            language: None,
            flags,
            links: vec![],
            rendered: false,
            cached_at: None,
        };
        let farm = Flag {
            code: "link-farm",
            severity: Severity::Deny,
            evidence: "x".into(),
        };
        Audit {
            schema_version: 1,
            tool: crate::model::ToolInfo {
                name: "backlinks",
                version: "0",
                scoring_version: 1,
                config: None,
            },
            target: "example.com".into(),
            generated_at: "2026-01-01T00:00:00Z".into(),
            warnings: vec![],
            summary: Summary {
                backlinks: 20,
                toxic: 3,
                live_domains: 9,
                health_score: Some(85),
                ..Summary::default()
            },
            anchor_mix: Default::default(),
            placement_mix: Default::default(),
            pages: vec![
                page("https://a.test/1", vec![farm.clone()]),
                page("https://a.test/2", vec![]),
            ],
            domains: vec![],
            domain_candidates: vec![],
            profile: Default::default(),
            comparison: None,
            gate: None,
            actions: Default::default(),
            mentions: Vec::new(),
        }
    }

    fn spike(detected: bool) -> SpikeCheck {
        SpikeCheck {
            detected,
            count: 4,
            rate_per_day: 4.0,
            history: 5,
            median: Some(0.0),
            mad: Some(0.0),
            z: None,
            reason: String::new(),
        }
    }

    fn with_comparison(mut a: Audit, toxic_spike: bool) -> Audit {
        a.comparison = Some(Comparison {
            previous: PreviousAudit {
                source: "store".into(),
                snapshot_id: Some(1),
                file: None,
                generated_at: String::new(),
            },
            counts: ChangeCounts {
                new_links: 8,
                new_toxic_links: 6,
                lost_links: 3,
                lost_dofollow: 3,
                new_domains: 4,
                ..ChangeCounts::default()
            },
            new_links: vec![],
            lost_links: vec![],
            changed_links: vec![],
            new_domains: vec![],
            lost_domains: vec![],
            new_toxic_domains: vec![],
            velocity: Velocity::default(),
            settings_changed: None,
            spike: SpikeReport {
                detected: toxic_spike,
                new_domains: spike(false),
                new_toxic_domains: spike(toxic_spike),
            },
        });
        a
    }

    fn failed(a: &Audit, cond: &str) -> bool {
        let r = evaluate(a, &conds(&[cond])).unwrap();
        assert_eq!(r.passed, !r.conditions[0].failed);
        r.conditions[0].failed
    }

    #[test]
    fn each_condition_passes_and_fails() {
        let a = with_comparison(audit(), true);
        let quiet = with_comparison(audit(), false);
        for (fails, passes) in [
            ("toxic-new>5", "toxic-new>6"),
            ("toxic-share>10%", "toxic-share>15%"),
            ("toxic-share>=15", "toxic-share>15"),
            ("lost-dofollow>=3", "lost-dofollow>3"),
            ("health<90", "health<85"),
            ("toxic>2", "toxic>=4"),
            ("new>7", "new>8"),
            ("lost=3", "lost!=3"),
            ("domains-new>3", "domains-new>4"),
            ("domains<10", "domains<9"),
            ("backlinks>=20", "backlinks>20"),
            ("deny>0", "deny>1"),
            ("warn<1", "warn>0"),
            ("rule:link-farm", "rule:hidden-link"),
            ("rule:link-farm>=1", "rule:link-farm>1"),
        ] {
            assert!(failed(&a, fails), "{fails} should fail");
            assert!(!failed(&a, passes), "{passes} should pass");
        }
        assert!(failed(&a, "spike"));
        assert!(failed(&a, "spike:toxic"));
        assert!(!failed(&a, "spike:domains"));
        assert!(!failed(&quiet, "spike"));
    }

    #[test]
    fn first_run_compares_nothing() {
        let a = audit();
        let r = evaluate(&a, &conds(&["toxic-new>0", "spike", "lost-dofollow>=1"])).unwrap();
        assert!(r.passed, "{r:?}");
        assert!(r.conditions[0].detail.contains("no previous audit"));
        assert!(
            r.verdict.starts_with("gate: passed — 3 conditions checked"),
            "{}",
            r.verdict
        );
    }

    #[test]
    fn verdict_names_failed_conditions_with_numbers() {
        let a = with_comparison(audit(), false);
        let r = evaluate(
            &a,
            &conds(&["toxic-new > 5", "health<60", "toxic-share>10%"]),
        )
        .unwrap();
        assert!(!r.passed);
        assert_eq!(
            r.verdict,
            "gate: FAILED — 2 of 3 conditions failed: toxic-new>5 (new toxic links = 6); \
             toxic-share>10% (15% of links are toxic: 3 of 20) → exit 1"
        );
        assert!(evaluate(&a, &GateConfig::default()).is_none());
    }

    #[test]
    fn help_lists_every_metric() {
        for name in metric_names() {
            assert!(HELP.contains(&format!(" {name}")), "{name}");
        }
    }

    #[test]
    fn parse_errors_name_the_expression() {
        for (bad, why) in [
            ("toxic-nwe>5", "unknown metric `toxic-nwe`"),
            ("toxic-new", "expected METRIC OP NUMBER"),
            ("toxic-new>lots", "`lots` is not a number"),
            ("toxic-new>5%", "`%` only applies to toxic-share"),
            ("rule:no-such-rule", "unknown rule `no-such-rule`"),
            ("spike:everything", "unknown spike check"),
            ("", "it is empty"),
            ("health<-1", "is not a number"),
        ] {
            let e = Condition::parse(bad).unwrap_err();
            assert_eq!(e.expr, bad);
            assert!(e.to_string().contains(why), "{bad}: {e}");
            assert!(e.to_string().contains(&format!("`{bad}`")), "{e}");
        }
        assert_eq!(
            Condition::parse(" Toxic-New >= 5 ").unwrap().text,
            "toxic-new>=5"
        );
    }
}

//! The scoring settings in force for one run: every rule's level, points and thresholds, and
//! the per-domain allow/deny lists. Built-in defaults come from [`rules::ALL`]; `backlinks.toml`
//! (see `crate::config`) overrides them. The scorer asks [`ScoringSettings::flag`] before raising any
//! finding, so a level of `allow`, a per-rule domain exemption or the domain allowlist is
//! honoured in exactly one place.

use super::rules::{self, Rule};
use crate::model::{Flag, Severity};
use std::collections::BTreeMap;

/// How one rule behaves in this run.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSettings {
    /// Level of its findings; `None` is `allow` (the rule is off).
    pub level: Option<Severity>,
    /// Toxicity points it adds to each affected link.
    pub points: u8,
    /// Threshold values by key (every key of the rule is present).
    pub thresholds: BTreeMap<&'static str, f64>,
    /// Referring domains the rule never fires on (lower-case; a host matches a domain when it
    /// equals it or ends with `.` + it).
    pub allow_domains: Vec<String>,
}

impl RuleSettings {
    fn defaults(rule: &Rule) -> RuleSettings {
        RuleSettings {
            level: Some(rule.severity),
            points: rule.weight,
            thresholds: rule.thresholds.iter().map(|t| (t.key, t.default)).collect(),
            allow_domains: Vec::new(),
        }
    }
}

/// Every rule's settings plus the domain lists.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoringSettings {
    rules: BTreeMap<&'static str, RuleSettings>,
    /// `[domains] allow`: no rule with toxicity points fires on these referring domains.
    pub allow_domains: Vec<String>,
    /// `[domains] deny`: every link from these referring domains is toxic.
    pub deny_domains: Vec<String>,
}

impl Default for ScoringSettings {
    fn default() -> Self {
        ScoringSettings {
            rules: rules::ALL
                .iter()
                .map(|r| (r.code, RuleSettings::defaults(r)))
                .collect(),
            allow_domains: Vec::new(),
            deny_domains: Vec::new(),
        }
    }
}

impl ScoringSettings {
    /// The settings of `rule`.
    pub fn rule(&self, rule: &Rule) -> &RuleSettings {
        self.rule_by_code(rule.code)
            .expect("every rule of rules::ALL has settings")
    }

    /// The settings of the rule with this code, if it is one.
    pub fn rule_by_code(&self, code: &str) -> Option<&RuleSettings> {
        self.rules.get(code)
    }

    /// Mutable settings of `rule` (used by the config loader).
    pub fn rule_mut(&mut self, rule: &Rule) -> &mut RuleSettings {
        self.rules
            .get_mut(rule.code)
            .expect("every rule of rules::ALL has settings")
    }

    /// A threshold of `rule` in force.
    pub fn threshold(&self, rule: &Rule, key: &str) -> f64 {
        self.rule(rule)
            .thresholds
            .get(key)
            .copied()
            .unwrap_or_else(|| rule.default_threshold(key))
    }

    /// Whether `rule` can fire at all.
    pub fn enabled(&self, rule: &Rule) -> bool {
        self.rule(rule).level.is_some()
    }

    /// Whether `host` is on the domain allowlist.
    pub fn allowed(&self, host: &str) -> bool {
        listed(&self.allow_domains, host)
    }

    /// Whether `host` is on the domain denylist.
    pub fn denied(&self, host: &str) -> bool {
        listed(&self.deny_domains, host)
    }

    /// A finding of `rule` on a link from `host`, or `None` when the rule is off, exempts that
    /// domain, or would add toxicity to an allowlisted domain.
    pub fn flag(&self, rule: &Rule, host: &str, evidence: impl Into<String>) -> Option<Flag> {
        let s = self.rule(rule);
        let severity = s.level?;
        if listed(&s.allow_domains, host) || (s.points > 0 && self.allowed(host)) {
            return None;
        }
        Some(Flag {
            code: rule.code,
            severity,
            evidence: evidence.into(),
        })
    }

    /// Toxicity points of the rule with this code (0 for codes that are not rules).
    pub fn points(&self, code: &str) -> u8 {
        self.rule_by_code(code).map_or(0, |r| r.points)
    }
}

/// Whether `host` equals or is a subdomain of an entry of `list`.
fn listed(list: &[String], host: &str) -> bool {
    list.iter().any(|d| crate::model::host::is_within(host, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_are_honoured_in_one_place() {
        let mut s = ScoringSettings::default();
        assert!(s.flag(&rules::SPAM_TLD, "a.xyz", "x").is_some());
        s.rule_mut(&rules::SPAM_TLD).allow_domains = vec!["ok.xyz".into()];
        assert!(s.flag(&rules::SPAM_TLD, "www.ok.xyz", "x").is_none());
        assert!(s.flag(&rules::SPAM_TLD, "notok.xyz", "x").is_some());
        s.allow_domains = vec!["friend.test".into()];
        // Rules with points are silenced for allowlisted domains, facts are not.
        assert!(s.flag(&rules::LINK_FARM, "friend.test", "x").is_none());
        assert!(s.flag(&rules::NOINDEX_PAGE, "friend.test", "x").is_some());
        s.rule_mut(&rules::NOINDEX_PAGE).level = None;
        assert!(s.flag(&rules::NOINDEX_PAGE, "other.test", "x").is_none());
        s.rule_mut(&rules::LINK_FARM).level = Some(Severity::Info);
        let f = s.flag(&rules::LINK_FARM, "other.test", "x").unwrap();
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(s.threshold(&rules::LINK_FARM, "min-external-links"), 100.0);
    }
}

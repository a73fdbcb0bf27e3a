//! `backlinks.toml`: the schema of the project's settings file and its parser. Which file is
//! read (`--config PATH`, else `$BACKLINKS_CONFIG`, else `./backlinks.toml` when it exists) and
//! how its values are merged with the command line's is [`crate::settings`]' job; without a
//! file, the built-in defaults apply.
//!
//! Every table rejects unknown keys (`deny_unknown_fields`), so a typo is an error naming the
//! file, the line and the key (exit code 2), never a silently ignored setting. Each section is
//! its own struct: a new section (e.g. `[gate]` or `[disavow]`) is a new field of [`Raw`] and
//! [`Config`] with its own resolve step, without touching the others.
//!
//! ```toml
//! [anchors]
//! brand = ["Example Outfitters"]
//! keywords = ["trail running shoes"]
//!
//! [relevance]
//! topics = ["trail running", "hiking boots"]
//! language = "en"
//! target-pages = 10
//!
//! [domains]
//! allow = ["partner.example.org"]
//! deny = ["cheap-links.example"]
//!
//! [gate]
//! fail-on = ["toxic-new>5", "health<60"]
//!
//! [disavow]
//! keep = ["partner.example.org"]   # never disavowed
//! threshold = 50
//! granularity = "auto"            # auto | domain | url
//! outreach-first = false
//!
//! [rules.link-farm]
//! level = "warn"            # allow (off) | info | warn | deny
//! points = 40
//! min-external-links = 150
//! allow-domains = ["bignews.example"]
//! ```

use crate::gate::Condition;
use crate::model::Severity;
use crate::score::rule_settings::ScoringSettings;
use crate::score::rules;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The commented template `backlinks init` writes.
pub const TEMPLATE: &str = include_str!("config-template.toml");
/// Largest accepted `[relevance] target-pages`.
pub const MAX_TARGET_PAGES: usize = 200;
/// Default `[relevance] target-pages`.
pub const DEFAULT_TARGET_PAGES: usize = 10;

/// A config file that cannot be used: names the file, the line and the key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}{}: {}{message}", line.map(|l| format!(":{l}")).unwrap_or_default(), key.as_ref().map(|k| format!("{k}: ")).unwrap_or_default())]
pub struct ConfigError {
    /// The file as named by the user.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The dotted key, when the problem is one key.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// What a settings file says, over the built-in defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `[anchors]`.
    pub anchors: AnchorConfig,
    /// `[relevance]`.
    pub relevance: RelevanceConfig,
    /// `[rules.*]` and `[domains]`: everything the scorer reads.
    pub scoring: ScoringSettings,
    /// `[gate]`: CI conditions, added after those of `--fail-on`.
    pub gate: GateSettings,
    /// `[disavow]`: how `backlinks disavow` and `backlinks outreach` choose.
    pub disavow: DisavowSettings,
    /// `[mentions]`: what counts as a mention of the target.
    pub mentions: MentionSettings,
    /// `[gap]`: the target's competitors.
    pub gap: GapSettings,
}

/// `[mentions]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentionSettings {
    /// `terms`: further names of the target (product names, the company's legal name)
    /// searched for unlinked mentions, besides the brand terms and the domain.
    pub terms: Vec<String>,
}

/// `[gap]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GapSettings {
    /// `competitors`: the competitors' domains (`gap --competitor` replaces them); `audit`
    /// marks a competitor link next to an unlinked mention as the best prospect.
    pub competitors: Vec<String>,
}

/// `[disavow]`.
#[derive(Debug, Clone, PartialEq)]
pub struct DisavowSettings {
    /// `keep`: domains never to disavow or ask for removal (also `--keep FILE`).
    pub keep: Vec<String>,
    /// `threshold`: links at or above this toxicity are disavow candidates.
    pub threshold: u8,
    /// `granularity`: `domain:` entries for site-wide problems, URLs otherwise (`auto`).
    pub granularity: crate::actions::disavow::plan::Granularity,
    /// `outreach-first`: only disavow links whose removal was requested twice without effect.
    pub outreach_first: bool,
}

impl Default for DisavowSettings {
    fn default() -> Self {
        DisavowSettings {
            keep: Vec::new(),
            threshold: crate::score::TOXIC_THRESHOLD,
            granularity: crate::actions::disavow::plan::Granularity::Auto,
            outreach_first: false,
        }
    }
}

/// `[gate]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GateSettings {
    /// `fail-on`: conditions in the `--fail-on` grammar.
    pub fail_on: Vec<Condition>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            anchors: AnchorConfig::default(),
            relevance: RelevanceConfig {
                target_pages: DEFAULT_TARGET_PAGES,
                ..RelevanceConfig::default()
            },
            scoring: ScoringSettings::default(),
            gate: GateSettings::default(),
            disavow: DisavowSettings::default(),
            mentions: MentionSettings::default(),
            gap: GapSettings::default(),
        }
    }
}

/// `[anchors]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnchorConfig {
    /// Brand terms (`--brand` replaces them).
    pub brand: Vec<String>,
    /// Money keywords (`--keyword` replaces them).
    pub keywords: Vec<String>,
}

/// `[relevance]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelevanceConfig {
    /// Topic terms describing the target (`--topic` replaces them).
    pub topics: Vec<String>,
    /// The target's language (ISO 639-3, as whatlang names it), instead of detecting it.
    pub language: Option<String>,
    /// How many of the target's own pages are read for its profile (0: none).
    pub target_pages: usize,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    #[serde(default)]
    anchors: RawAnchors,
    #[serde(default)]
    relevance: RawRelevance,
    #[serde(default)]
    domains: RawDomains,
    #[serde(default)]
    gate: RawGate,
    #[serde(default)]
    disavow: RawDisavow,
    #[serde(default)]
    mentions: RawMentions,
    #[serde(default)]
    gap: RawGap,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAnchors {
    #[serde(default)]
    brand: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRelevance {
    #[serde(default)]
    topics: Vec<String>,
    language: Option<Spanned<String>>,
    target_pages: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawGate {
    #[serde(default)]
    fail_on: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDisavow {
    #[serde(default)]
    keep: Vec<Spanned<String>>,
    threshold: Option<Spanned<i64>>,
    granularity: Option<Spanned<String>>,
    outreach_first: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawMentions {
    #[serde(default)]
    terms: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawGap {
    #[serde(default)]
    competitors: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDomains {
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
}

impl Config {
    /// Parses config text; `name` is used in errors.
    pub fn parse(text: &str, name: &str) -> Result<Config, ConfigError> {
        let err = |span: Option<std::ops::Range<usize>>, key: Option<String>, message: String| {
            ConfigError {
                file: name.to_string(),
                line: span.map(|s| line_of(text, s.start)),
                key,
                message,
            }
        };
        let raw: Raw = toml::from_str(text)
            .map_err(|e| err(e.span(), None, e.message().trim().to_string()))?;
        let mut config = Config::default();
        config.anchors.brand = raw.anchors.brand;
        config.anchors.keywords = raw.anchors.keywords;
        config.relevance.topics = raw.relevance.topics;
        if let Some(lang) = raw.relevance.language {
            config.relevance.language = Some(language_code(lang.get_ref()).ok_or_else(|| {
                err(
                    Some(lang.span()),
                    Some("relevance.language".into()),
                    format!(
                        "unknown language `{}`; use a code such as en, es, de or an ISO 639-3 \
                         code such as eng, spa, deu",
                        lang.get_ref()
                    ),
                )
            })?);
        }
        if let Some(n) = raw.relevance.target_pages {
            let v = *n.get_ref();
            if !(0..=MAX_TARGET_PAGES as i64).contains(&v) {
                return Err(err(
                    Some(n.span()),
                    Some("relevance.target-pages".into()),
                    format!("must be between 0 and {MAX_TARGET_PAGES}, not {v}"),
                ));
            }
            config.relevance.target_pages = v as usize;
        }
        let domains = |list: Vec<Spanned<String>>, key: &str| -> Result<Vec<String>, ConfigError> {
            list.into_iter()
                .map(|d| {
                    parse_domain(d.get_ref())
                        .map_err(|why| err(Some(d.span()), Some(key.to_string()), why))
                })
                .collect()
        };
        for expr in raw.gate.fail_on {
            let condition = Condition::parse(expr.get_ref()).map_err(|e| {
                err(
                    Some(expr.span()),
                    Some("gate.fail-on".into()),
                    e.to_string(),
                )
            })?;
            config.gate.fail_on.push(condition);
        }
        config.disavow.keep = domains(raw.disavow.keep, "disavow.keep")?;
        if let Some(t) = raw.disavow.threshold {
            let v = *t.get_ref();
            config.disavow.threshold =
                u8::try_from(v).ok().filter(|v| *v <= 100).ok_or_else(|| {
                    err(
                        Some(t.span()),
                        Some("disavow.threshold".into()),
                        format!("must be a toxicity from 0 to 100, not {v}"),
                    )
                })?;
        }
        if let Some(g) = raw.disavow.granularity {
            config.disavow.granularity = crate::actions::disavow::plan::Granularity::parse(
                g.get_ref(),
            )
            .ok_or_else(|| {
                err(
                    Some(g.span()),
                    Some("disavow.granularity".into()),
                    "must be \"auto\", \"domain\" or \"url\"".into(),
                )
            })?;
        }
        if let Some(b) = raw.disavow.outreach_first {
            config.disavow.outreach_first = b;
        }
        config.mentions.terms = raw.mentions.terms;
        config.gap.competitors = domains(raw.gap.competitors, "gap.competitors")?;
        config.scoring.allow_domains = domains(raw.domains.allow, "domains.allow")?;
        config.scoring.deny_domains = domains(raw.domains.deny, "domains.deny")?;
        for (code, table) in raw.rules {
            let Some(rule) = rules::find(code.get_ref()) else {
                let known: Vec<&str> = rules::ALL.iter().map(|r| r.code).collect();
                return Err(err(
                    Some(code.span()),
                    Some(format!("rules.{}", code.get_ref())),
                    format!("unknown rule; rules are: {}", known.join(", ")),
                ));
            };
            for (key, value) in table {
                let dotted = format!("rules.{}.{}", rule.code, key.get_ref());
                let bad = |message: String| err(Some(value.span()), Some(dotted.clone()), message);
                let s = config.scoring.rule_mut(rule);
                match key.get_ref().as_str() {
                    "level" => {
                        let level = value.get_ref().as_str();
                        s.level = match level {
                            Some("allow") => None,
                            _ => Some(level.and_then(Severity::parse).ok_or_else(|| {
                                bad(
                                    "must be one of \"allow\" (off), \"info\", \"warn\", \"deny\""
                                        .into(),
                                )
                            })?),
                        }
                    }
                    "points" => {
                        s.points = value
                            .get_ref()
                            .as_integer()
                            .and_then(|v| u8::try_from(v).ok())
                            .filter(|v| *v <= 100)
                            .ok_or_else(|| bad("must be a whole number from 0 to 100".into()))?;
                    }
                    "allow-domains" => {
                        let list = value
                            .get_ref()
                            .as_array()
                            .ok_or_else(|| bad("must be a list of domain names".into()))?;
                        s.allow_domains = list
                            .iter()
                            .map(|v| {
                                v.as_str()
                                    .and_then(domain)
                                    .ok_or_else(|| bad(format!("`{v}` is not a domain name")))
                            })
                            .collect::<Result<_, _>>()?;
                    }
                    k => {
                        let Some(th) = rule.thresholds.iter().find(|t| t.key == k) else {
                            let mut known = vec!["level", "points", "allow-domains"];
                            known.extend(rule.thresholds.iter().map(|t| t.key));
                            return Err(bad(format!(
                                "unknown setting; {} takes: {}",
                                rule.code,
                                known.join(", ")
                            )));
                        };
                        let v = match value.get_ref() {
                            toml::Value::Integer(i) => *i as f64,
                            toml::Value::Float(f) => *f,
                            _ => f64::NAN,
                        };
                        if !(th.min..=th.max).contains(&v) {
                            return Err(bad(format!(
                                "must be a number from {} to {} ({})",
                                rules::fmt_number(th.min),
                                rules::fmt_number(th.max),
                                th.help
                            )));
                        }
                        s.thresholds.insert(th.key, v);
                    }
                }
            }
        }
        Ok(config)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// A domain entry: a host name ([`crate::model::host::parse`]: IDNA, lower case), with a
/// leading `*.` and dots trimmed, and no port.
pub(crate) fn domain(s: &str) -> Option<String> {
    parse_domain(s).ok()
}

/// [`domain`], or why the entry is not one. An entry means that domain and every subdomain
/// (`*.spam.example` is the same as `spam.example`). A wildcard elsewhere (`spam*.com`) is
/// refused, and so is a public suffix (`*.com`, `co.uk`, an unknown top-level domain): it
/// would cover every site under it. Suffixes that companies run for their users
/// (`blogspot.com`, `github.io`: the list's private section) are domains here.
pub(crate) fn parse_domain(s: &str) -> Result<String, String> {
    let given = s.trim();
    let s = given.trim_start_matches("*.").trim_matches('.');
    let not_a_domain = || format!("`{given}` is not a domain name");
    if s.contains(':') {
        return Err(not_a_domain());
    }
    if s.contains('*') {
        return Err(format!(
            "`{given}`: only a leading `*.` is understood (it means the domain and every \
             subdomain, as a plain domain does); list each domain"
        ));
    }
    let host = crate::model::host::parse(s).ok_or_else(not_a_domain)?;
    let suffix = psl::suffix(host.as_bytes()).filter(|x| x.as_bytes() == host.as_bytes());
    if suffix.is_some_and(|x| x.typ() != Some(psl::Type::Private)) {
        return Err(format!(
            "`{given}` is a public suffix (`{host}`): it would cover every site under it; \
             name a domain (e.g. `spam.{host}`)"
        ));
    }
    Ok(host)
}

/// ISO 639-3 code (whatlang's naming) for a two- or three-letter language code.
pub fn language_code(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_lowercase();
    const TWO: [(&str, &str); 31] = [
        ("ar", "ara"),
        ("cs", "ces"),
        ("da", "dan"),
        ("de", "deu"),
        ("el", "ell"),
        ("en", "eng"),
        ("es", "spa"),
        ("fa", "pes"),
        ("fi", "fin"),
        ("fr", "fra"),
        ("he", "heb"),
        ("hi", "hin"),
        ("hu", "hun"),
        ("id", "ind"),
        ("it", "ita"),
        ("ja", "jpn"),
        ("ko", "kor"),
        ("nb", "nob"),
        ("nl", "nld"),
        ("no", "nob"),
        ("pl", "pol"),
        ("pt", "por"),
        ("ro", "ron"),
        ("ru", "rus"),
        ("sv", "swe"),
        ("ta", "tam"),
        ("th", "tha"),
        ("tr", "tur"),
        ("uk", "ukr"),
        ("vi", "vie"),
        ("zh", "cmn"),
    ];
    if let Some((_, three)) = TWO.iter().find(|(two, _)| *two == s) {
        return Some(three.to_string());
    }
    whatlang::Lang::from_code(s.as_str()).map(|l| l.code().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, "backlinks.toml")
    }

    #[test]
    fn the_template_is_valid_and_matches_the_defaults() {
        assert_eq!(parse(TEMPLATE).unwrap(), Config::default());
        // Uncommented (`#key = value` lines), it still gives exactly the defaults, so the
        // values it shows are the real ones; and it shows every rule and threshold.
        let uncommented: String = TEMPLATE
            .lines()
            .map(|l| match l.strip_prefix('#') {
                Some(rest) if !rest.starts_with([' ', '#']) && !rest.is_empty() => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(parse(&uncommented).unwrap(), Config::default());
        for r in rules::ALL {
            assert!(
                uncommented.contains(&format!("[rules.{}]", r.code)),
                "{}",
                r.code
            );
            for t in r.thresholds {
                assert!(
                    uncommented.contains(&format!("\n{} = ", t.key)),
                    "{}",
                    t.key
                );
            }
        }
    }

    #[test]
    fn settings_are_read() {
        let c = parse(
            "[anchors]\nbrand = [\"Example Outfitters\"]\n\
             [relevance]\ntopics = [\"trail running\"]\nlanguage = \"es\"\ntarget-pages = 3\n\
             [domains]\nallow = [\"*.Partner.example.org\"]\n\
             [rules.link-farm]\nlevel = \"warn\"\npoints = 40\nmin-external-links = 150\n\
             allow-domains = [\"bignews.test\"]\n\
             [rules.noindex-page]\nlevel = \"allow\"\n",
        )
        .unwrap();
        assert_eq!(c.anchors.brand, ["Example Outfitters"]);
        let g = parse("[gap]\ncompetitors = [\"Rival.test\"]\n[mentions]\nterms = [\"Peak\"]\n")
            .unwrap();
        assert_eq!(g.gap.competitors, ["rival.test"]);
        assert_eq!(g.mentions.terms, ["Peak"]);
        let e = parse("[gap]\n\ncompetitors = [\"a b\"]\n").unwrap_err();
        assert_eq!(
            (e.line, e.key.as_deref()),
            (Some(3), Some("gap.competitors"))
        );
        assert_eq!(c.relevance.language.as_deref(), Some("spa"));
        assert_eq!(c.relevance.target_pages, 3);
        assert_eq!(c.scoring.allow_domains, ["partner.example.org"]);
        let lf = c.scoring.rule(&rules::LINK_FARM);
        assert_eq!(lf.level, Some(Severity::Warn));
        assert_eq!(lf.points, 40);
        assert_eq!(lf.allow_domains, ["bignews.test"]);
        assert_eq!(
            c.scoring.threshold(&rules::LINK_FARM, "min-external-links"),
            150.0
        );
        assert_eq!(
            c.scoring
                .threshold(&rules::LINK_FARM, "min-external-domains"),
            50.0
        );
        assert!(!c.scoring.enabled(&rules::NOINDEX_PAGE));
    }

    #[test]
    fn disavow_settings_are_read() {
        let c = parse(
            "[disavow]\nkeep = [\"Partner.example.org\"]\nthreshold = 60\n\
             granularity = \"url\"\noutreach-first = true\n",
        )
        .unwrap();
        assert_eq!(c.disavow.keep, ["partner.example.org"]);
        assert_eq!(c.disavow.threshold, 60);
        assert_eq!(
            c.disavow.granularity,
            crate::actions::disavow::plan::Granularity::Url
        );
        assert!(c.disavow.outreach_first);
        let e = parse("[disavow]\n\nthreshold = 101\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert_eq!(e.key.as_deref(), Some("disavow.threshold"));
        let e = parse("[disavow]\ngranularity = \"page\"\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("disavow.granularity"));
        let e = parse("[disavow]\nkeep = [\"https://x.test/a\"]\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("disavow.keep"));
    }

    #[test]
    fn gate_conditions_come_from_the_file() {
        let c = parse("[gate]\nfail-on = [\"toxic-new>5\", \"rule:link-farm\"]\n").unwrap();
        let shown: Vec<String> = c.gate.fail_on.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["toxic-new>5", "rule:link-farm"]);
        let e = parse("[gate]\nfail-on = [\n  \"toxic>1\",\n  \"toxicity>>3\",\n]\n").unwrap_err();
        assert_eq!(e.line, Some(4));
        assert_eq!(e.key.as_deref(), Some("gate.fail-on"));
        let e = parse("[gate]\nfail_on = []\n").unwrap_err();
        assert!(e.message.contains("unknown field `fail_on`"), "{e}");
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let e = parse("[rules.link-farm]\nmin-external-link = 3\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert_eq!(e.key.as_deref(), Some("rules.link-farm.min-external-link"));
        assert!(
            e.to_string().starts_with(
                "backlinks.toml:2: rules.link-farm.min-external-link: unknown setting"
            ),
            "{e}"
        );

        let e = parse("\n[rules.no-such-rule]\nlevel = \"warn\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().contains("unknown rule"), "{e}");

        let e = parse("[rules.spam-tld]\nlevel = \"error\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "backlinks.toml:2: rules.spam-tld.level: must be one of \"allow\" (off), \"info\", \"warn\", \"deny\""
        );

        let e = parse("[rules.link-farm]\nmin-external-links = -1\n").unwrap_err();
        assert!(e.to_string().contains("from 0 to"), "{e}");

        let e = parse("[anchor]\nbrand = []\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("unknown field `anchor`"), "{e}");

        let e = parse("[domains]\ndeny = [\"not a domain\"]\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("domains.deny"));
        // Patterns that would cover whole public suffixes, and wildcards that mean nothing.
        for bad in [
            "*.com",
            "com",
            "co.uk",
            "*.co.uk",
            "*.*.com",
            "spam*.com",
            "*.zzzz",
        ] {
            let e = parse(&format!(
                "[domains]\nallow = []\ndeny = [\n  \"ok.test\",\n  \"{bad}\"]\n"
            ))
            .unwrap_err();
            assert_eq!(e.line, Some(5), "{bad}: {e}");
            assert!(e.to_string().contains(bad), "{e}");
        }
        let c = parse("[domains]\ndeny = [\"*.Spam.example\", \"blogspot.com\"]\n").unwrap();
        assert_eq!(c.scoring.deny_domains, ["spam.example", "blogspot.com"]);

        let e = parse("[relevance]\nlanguage = \"klingon\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));

        let e = parse("[rules.spam-tld]\npoints = 101\n").unwrap_err();
        assert!(e.to_string().contains("0 to 100"));

        assert!(parse("this is = not toml =").is_err());
    }
}

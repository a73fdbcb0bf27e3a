//! The command line's half of settings resolution: each command's raw arguments ([`crate::cli`])
//! with the environment and the config file → the [`crate::settings`] it runs with. This is
//! the only place that reads the argument types; merging is always the same: the command line,
//! then the environment, then `backlinks.toml`, then the stored settings, then the defaults.

use crate::cli::{
    AuditArgs, ConfigArgs, DataDirArgs, DbArgs, FetchArgs, GapArgs, Given, PolitenessArgs,
    ProfileArgs, ReadingArgs, RenderArgs, RenderMode,
};
use crate::config::DisavowSettings;
use crate::crawl::ProxyChoice;
use crate::ingest::IngestOptions;
use crate::model::Target;
use crate::report::Format;
use crate::report::sanitize::strip_controls;
use crate::settings::{
    self, AuditSettings, Env, FetchSettings, FileLayer, GapSettings, HistorySettings,
    InputSettings, Layer, RenderSettings, ReportSettings, Setting, Storage, Terms,
};
use anyhow::{Context, bail};
use std::path::PathBuf;

/// The config file of `--config`.
pub fn file(args: &ConfigArgs, env: &Env) -> anyhow::Result<FileLayer> {
    Ok(FileLayer::load(args.config.as_deref(), env)?)
}

/// The data directory and database of `--db` and `--data-dir`.
pub fn storage(args: &DbArgs, env: &Env) -> Storage {
    Storage::resolve(args.db.as_deref(), args.data.data_dir.as_deref(), env)
}

/// The data directory of `--data-dir`.
pub fn data_dir(args: &DataDirArgs, env: &Env) -> Storage {
    Storage::resolve(None, args.data_dir.as_deref(), env)
}

/// The fetch options; the politeness options keep their defaults (`audit` sets them).
pub fn fetch(args: &FetchArgs, given: &Given) -> FetchSettings {
    let proxy = match (&args.proxy, args.proxy_from_env) {
        (Some(url), _) => Setting::new(ProxyChoice::Url(url.clone()), Layer::Cli),
        (None, true) => Setting::new(ProxyChoice::Environment, Layer::Cli),
        (None, false) => Setting::default(ProxyChoice::Direct),
    };
    let switch = |on: bool| Setting::flag(on, on);
    FetchSettings {
        timeout: Setting::flag(args.timeout, given.has("timeout")),
        max_body: Setting::flag(args.max_body, given.has("max_body")),
        respect_robots: Setting::flag(!args.ignore_robots, args.ignore_robots),
        allow_private: switch(args.allow_private),
        allow_private_hosts: Setting::flag(
            args.allow_private_host.clone(),
            !args.allow_private_host.is_empty(),
        ),
        resolve: Setting::flag(args.resolve.clone(), !args.resolve.is_empty()),
        proxy,
        insecure: switch(args.insecure),
        user_agent: Setting::flag(args.user_agent.clone(), args.user_agent.is_some()),
        headers: Setting::flag(args.headers.clone(), !args.headers.is_empty()),
        ..FetchSettings::default()
    }
}

/// The rendering options (`--render`, `--chromium` or `$CHROME`, tabs, per-page timeout).
pub fn render(args: &RenderArgs, given: &Given, env: &Env) -> RenderSettings {
    let mode = match args.render {
        RenderMode::Never => settings::RenderMode::Never,
        RenderMode::Auto => settings::RenderMode::Auto,
        RenderMode::Always => settings::RenderMode::Always,
    };
    RenderSettings {
        mode: Setting::flag(mode, given.has("render")),
        chromium: RenderSettings::chromium_from(args.chromium.as_deref(), env),
        concurrency: Setting::flag(
            args.render_concurrency as usize,
            given.has("render_concurrency"),
        ),
        timeout_s: Setting::flag(args.render_timeout, given.has("render_timeout")),
    }
}

/// The fetch options with the politeness options of `audit` and `gap`.
pub fn polite_fetch(args: &FetchArgs, polite: &PolitenessArgs, given: &Given) -> FetchSettings {
    let mut fetch = fetch(args, given);
    fetch.concurrency = Setting::flag(polite.concurrency as usize, given.has("concurrency"));
    fetch.per_host = Setting::flag(polite.per_host as usize, given.has("per_host"));
    fetch.delay_ms = Setting::flag(polite.delay, given.has("delay"));
    fetch.retries = Setting::flag(polite.retries, given.has("retries"));
    fetch.retry_wait_ms = Setting::flag(polite.retry_wait, given.has("retry_wait"));
    fetch
}

/// How the inputs are read; `target` filters internal links (and crawl exports' links to
/// other sites) out.
pub fn ingest(args: ReadingArgs, target: Option<String>) -> IngestOptions {
    IngestOptions {
        skip_invalid: args.skip_invalid,
        columns: args.columns,
        target,
        urls: crate::ingest::UrlFilter {
            include: args.include,
            exclude: args.exclude,
        },
    }
}

/// The target as `audit` and `gap` describe it: how many of its pages are read for its
/// profile, its terms (command line over file), and the target with those terms and the
/// extra mention terms applied.
fn described(
    profile: ProfileArgs,
    target: &str,
    file: &FileLayer,
) -> anyhow::Result<(Setting<usize>, Terms, Target)> {
    let pages = target_pages(&profile, file);
    let terms = Terms::resolve(profile.brand, profile.keyword, profile.topic, file);
    let target = terms
        .apply_to(Target::parse(target)?)
        .with_mention_terms(&file.config.mentions.terms);
    Ok((pages, terms, target))
}

/// How many of the target's pages are read for its profile: `--target-pages`, else
/// `[relevance] target-pages`.
pub fn target_pages(args: &ProfileArgs, file: &FileLayer) -> Setting<usize> {
    Setting::cli_or(args.target_pages.map(|n| n as usize), || {
        file.setting("relevance.target-pages", file.config.relevance.target_pages)
    })
}

/// Everything `audit` runs with, but the stored layer (which needs the open store; see
/// [`Terms::apply_stored`]).
pub fn audit(args: AuditArgs, given: &Given, env: &Env) -> anyhow::Result<AuditSettings> {
    let file = file(&args.config, env)?;
    let c = &file.config;
    let (target_pages, terms, target) = described(args.profile, &args.target, &file)?;
    let target = target.with_competitors(&c.gap.competitors);
    let mut gate: Vec<Setting<_>> = args
        .fail_on
        .into_iter()
        .map(|c| Setting::new(c, Layer::Cli))
        .collect();
    gate.extend(
        c.gate
            .fail_on
            .iter()
            .map(|cond| file.setting("gate.fail-on", cond.clone())),
    );
    let fetch = polite_fetch(&args.fetch, &args.politeness, given);
    if args.explain && args.format != Format::Table && !args.quiet {
        crate::output::warn(&format!(
            "--explain adds the score components to the table; the {} report ignores it{}",
            clap::ValueEnum::to_possible_value(&args.format)
                .map_or_else(String::new, |v| v.get_name().to_string()),
            if matches!(args.format, Format::Json | Format::Html) {
                " (every link's `components` are in it already)"
            } else {
                ""
            }
        ));
    }
    let history_storage = storage(&args.db, env);
    let cache = match args.cache {
        false => None,
        true => {
            if args.render.render != crate::cli::RenderMode::Never {
                bail!(
                    "--cache keeps the pages as served; it cannot be used with --render (a \
                     rendered page depends on today's subresources)"
                );
            }
            Some(crate::pipeline::cache::CacheSettings {
                path: history_storage
                    .data_dir()
                    .context("--cache keeps its pages in the data directory")?
                    .join(crate::pipeline::cache::FILE),
                max_age: args.max_cache_age,
            })
        }
    };
    let discover = match args.discover {
        false => None,
        true => {
            let dir = history_storage
                .data_dir()
                .context("--discover reads the web graph from the data directory")?
                .join("commoncrawl");
            Some(crate::discover::graph::choose(
                &dir,
                args.discover_release.as_deref(),
            )?)
        }
    };
    let settings = AuditSettings {
        discover,
        cache,
        language: file.setting("relevance.language", c.relevance.language.clone()),
        target_pages,
        reclaim_urls: Setting::flag(args.reclaim_urls as usize, given.has("reclaim_urls")),
        inputs: InputSettings {
            ingest: ingest(args.reading, Some(target.domain.clone())),
            from: args.from,
            archive: args.archive,
            force_target: args.force_target,
        },
        fetch,
        render: render(&args.render, given, env),
        scoring: c.scoring.clone(),
        gate,
        worklist: c.disavow.clone(),
        report: ReportSettings {
            format: Setting::flag(args.format, given.has("format")),
            output: args.output,
            reports: args.reports,
            write_baseline: args.write_baseline,
            explain: args.explain,
            quiet: args.quiet,
            progress: !args.no_progress && !args.quiet,
            notify_cmd: args.notify_cmd,
        },
        history: HistorySettings {
            storage: history_storage,
            save: !args.no_store,
            baseline: args.baseline,
            lock_timeout: Setting::flag(args.lock_timeout, given.has("lock_timeout")),
        },
        target,
        terms,
        file,
    };
    Ok(settings)
}

/// Everything `gap` runs with, but the stored layer (see [`GapSettings::apply_stored`]).
pub fn gap(args: GapArgs, given: &Given, env: &Env) -> anyhow::Result<GapSettings> {
    let file = file(&args.config, env)?;
    let c = &file.config;
    let (target_pages, terms, target) = described(args.profile, &args.target, &file)?;
    let named = Setting::cli_or(
        (!args.competitor.is_empty()).then_some(args.competitor),
        || file.setting("gap.competitors", c.gap.competitors.clone()),
    );
    for n in &named.value {
        if target.matches_host(n) {
            bail!(
                "competitor `{n}` is the target {} itself (--competitor names another site)",
                target.domain
            );
        }
    }
    let target = target.with_competitors(&named.value);
    if target.competitors.is_empty() {
        bail!(
            "no competitors to compare with: give --competitor DOMAIN (repeatable) or \
             `competitors = [...]` under [gap] in backlinks.toml"
        );
    }
    let competitors = Setting::new(target.competitors.clone(), named.from);
    Ok(GapSettings {
        language: file.setting("relevance.language", c.relevance.language.clone()),
        target_pages,
        competitors,
        inputs: InputSettings {
            // Rows are sorted by the site they point to afterwards (`gap::inputs`): the
            // audit's filter would drop every row about a competitor.
            ingest: ingest(args.reading, None),
            from: args.from,
            archive: args.archive,
            // The gap reads exports about competitors on purpose.
            force_target: true,
        },
        fetch: polite_fetch(&args.fetch, &args.politeness, given),
        scoring: c.scoring.clone(),
        report: ReportSettings {
            format: Setting::flag(args.format, given.has("format")),
            output: args.output,
            reports: Vec::new(),
            write_baseline: None,
            explain: args.explain,
            quiet: false,
            progress: !args.no_progress,
            notify_cmd: None,
        },
        history: HistorySettings {
            storage: storage(&args.db, env),
            save: !args.no_store,
            baseline: None,
            lock_timeout: Setting::flag(args.lock_timeout, given.has("lock_timeout")),
        },
        target,
        terms,
        file,
    })
}

/// How `disavow` and `outreach` choose: the command line's values over `[disavow]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionSettings {
    /// Links at or above this toxicity are candidates.
    pub threshold: Setting<u8>,
    /// Domains never to disavow or ask: `[disavow] keep` and every `--keep FILE`, sorted.
    pub keep: Vec<String>,
    /// `domain:` or URL entries.
    pub granularity: Setting<crate::actions::disavow::plan::Granularity>,
    /// Only disavow links whose removal was requested twice without effect.
    pub outreach_first: Setting<bool>,
}

impl ActionSettings {
    /// Resolves the options of `disavow` (and, without granularity and outreach-first, of
    /// `outreach`) over the file's `[disavow]`.
    pub fn resolve(
        file: &FileLayer,
        threshold: Option<u8>,
        granularity: Option<crate::actions::disavow::plan::Granularity>,
        keep_files: &[PathBuf],
        outreach_first: bool,
    ) -> anyhow::Result<ActionSettings> {
        let d: &DisavowSettings = &file.config.disavow;
        Ok(ActionSettings {
            threshold: Setting::cli_or(threshold, || {
                file.setting("disavow.threshold", d.threshold)
            }),
            keep: keep_list(d, keep_files)?,
            granularity: Setting::cli_or(granularity, || {
                file.setting("disavow.granularity", d.granularity)
            }),
            outreach_first: match outreach_first {
                true => Setting::new(true, Layer::Cli),
                false => file.setting("disavow.outreach-first", d.outreach_first),
            },
        })
    }
}

/// Largest `--keep FILE` read.
const MAX_KEEP_LIST_BYTES: u64 = 16 * 1024 * 1024;

/// The keep list: `[disavow] keep` and every `--keep FILE` (one domain per line, `#`
/// comments and blank lines ignored); a line that is not a domain is an error with its line.
fn keep_list(disavow: &DisavowSettings, files: &[PathBuf]) -> anyhow::Result<Vec<String>> {
    let mut keep = disavow.keep.clone();
    for file in files {
        let bytes = crate::ingest::decode::read_file(file, MAX_KEEP_LIST_BYTES)
            .with_context(|| format!("cannot read keep list `{}`", file.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let line = crate::ingest::decode::utf8_error_line(e.as_bytes(), &e.utf8_error());
            anyhow::anyhow!("{}:{line}: not UTF-8 text", file.display())
        })?;
        for (i, line) in text.lines().enumerate() {
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let l = l.strip_prefix("domain:").unwrap_or(l);
            // The same normalisation as `[disavow] keep` (IDNA, so `bücher.example` matches
            // the hosts of the audit), without its `*.` leniency: a file line is exact.
            let host = (!l.contains('*') && l.contains('.'))
                .then(|| crate::config::domain(l))
                .flatten();
            let Some(host) = host else {
                bail!(
                    "{}:{}: `{}` is not a domain name (one domain per line, e.g. partner.example)",
                    file.display(),
                    i + 1,
                    strip_controls(l)
                );
            };
            keep.push(host);
        }
    }
    keep.sort();
    keep.dedup();
    Ok(keep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};

    #[test]
    fn keep_file_domains_are_normalised_like_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keep.txt");
        std::fs::write(
            &file,
            "# partners\nBücher.Example.\ndomain:partner.example\n",
        )
        .unwrap();
        let none = DisavowSettings::default();
        let keep = keep_list(&none, std::slice::from_ref(&file)).unwrap();
        assert_eq!(keep, ["partner.example", "xn--bcher-kva.example"]);
        std::fs::write(&file, "ok.example\n*.wild.example\n").unwrap();
        let err = keep_list(&none, &[file]).unwrap_err().to_string();
        assert!(err.ends_with(":2: `*.wild.example` is not a domain name (one domain per line, e.g. partner.example)"), "{err}");
    }

    fn audit_settings(args: &[&str], env: &Env) -> AuditSettings {
        let mut argv = vec!["backlinks", "audit"];
        argv.extend(args);
        let cli = Cli::try_parse_args_from(argv).unwrap();
        let Command::Audit(a) = cli.command else {
            panic!("an audit")
        };
        audit(a, &cli.given, env).unwrap()
    }

    #[test]
    fn render_settings_come_from_the_flags_then_chrome_then_the_defaults() {
        let s = audit_settings(&["example.com"], &Env::default());
        assert_eq!(s.render.mode, Setting::default(settings::RenderMode::Never));
        assert!(!s.render.enabled());
        assert_eq!(s.render.chromium, Setting::default(None));
        assert_eq!(s.render.concurrency, Setting::default(2));
        assert_eq!(s.render.timeout_s, Setting::default(15));
        let env = Env::default().with(crate::settings::CHROME_ENV, "/opt/chrome/chrome");
        let s = audit_settings(
            &["example.com", "--render", "auto", "--render-timeout", "5"],
            &env,
        );
        assert_eq!(
            s.render.mode,
            Setting::new(settings::RenderMode::Auto, Layer::Cli)
        );
        assert_eq!(
            s.render.chromium,
            Setting::new(
                Some(PathBuf::from("/opt/chrome/chrome")),
                Layer::Env(crate::settings::CHROME_ENV)
            )
        );
        assert_eq!(s.render.timeout_s, Setting::new(5, Layer::Cli));
        let s = audit_settings(
            &[
                "example.com",
                "--render",
                "always",
                "--chromium",
                "/usr/bin/chromium",
            ],
            &env,
        );
        assert_eq!(
            s.render.chromium,
            Setting::new(Some(PathBuf::from("/usr/bin/chromium")), Layer::Cli)
        );
        // Saved with the snapshot, with the layers.
        let stored = s.to_stored();
        assert_eq!(stored["render"]["mode"]["value"], "always");
        assert_eq!(stored["render"]["chromium"]["from"], "cli");
    }

    #[test]
    fn each_audit_value_names_its_layer() {
        let dir = tempfile::tempdir().unwrap();
        let toml = dir.path().join("b.toml");
        std::fs::write(
            &toml,
            "[relevance]\ntarget-pages = 3\ntopics = [\"trail\"]\n[gate]\nfail-on = [\"health<60\"]\n",
        )
        .unwrap();
        let in_file = Layer::Config(toml.display().to_string());
        let env = Env::default()
            .with(crate::settings::CONFIG_ENV, toml.as_os_str())
            .with(crate::settings::DATA_DIR_ENV, dir.path().as_os_str());
        let s = audit_settings(
            &[
                "example.com",
                "--keyword",
                "Shoes",
                "--per-host",
                "2",
                "--delay",
                "0",
                "--fail-on",
                "toxic>1",
            ],
            &env,
        );
        assert_eq!(s.target.keywords, ["shoes"]);
        assert_eq!(s.terms.keywords.from, Layer::Cli);
        assert_eq!(s.terms.brand, Setting::default(Vec::new()));
        assert_eq!(s.terms.topics.from, in_file);
        assert_eq!(s.target_pages, Setting::new(3, in_file.clone()));
        assert_eq!(s.language.from, Layer::Default);
        // Given on the command line, even when it equals the default.
        assert_eq!(s.fetch.per_host, Setting::new(2, Layer::Cli));
        assert_eq!(s.fetch.delay_ms, Setting::new(0, Layer::Cli));
        assert_eq!(s.fetch.concurrency, Setting::default(32));
        assert_eq!(s.fetch.crawl().delay, std::time::Duration::ZERO);
        let gate: Vec<(String, Layer)> = s
            .gate
            .iter()
            .map(|c| (c.value.to_string(), c.from.clone()))
            .collect();
        assert_eq!(
            gate,
            [
                ("toxic>1".to_string(), Layer::Cli),
                ("health<60".to_string(), in_file.clone())
            ]
        );
        assert_eq!(
            s.history.storage.data_dir.from,
            Layer::Env(crate::settings::DATA_DIR_ENV)
        );
        assert_eq!(
            s.history.db().unwrap(),
            Some(dir.path().join(crate::settings::DB_FILE))
        );

        let stored = s.to_stored();
        assert_eq!(stored["format"], crate::settings::STORED_FORMAT);
        assert_eq!(stored["keywords"]["from"], "cli");
        assert_eq!(stored["target_pages"]["from"], in_file.to_string());
        assert_eq!(stored["fetch"]["per_host"]["from"], "cli");
        assert_eq!(stored["fetch"]["concurrency"]["from"], "default");
        assert_eq!(stored["config"]["found"], "env:BACKLINKS_CONFIG");
        assert_eq!(
            stored["scoring"]["rules.link-farm.points"]["from"],
            "default"
        );
        assert_eq!(stored["fail_on"][1]["from"], in_file.to_string());
    }

    #[test]
    fn disavow_options_win_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let toml = dir.path().join("b.toml");
        std::fs::write(&toml, "[disavow]\nthreshold = 60\noutreach-first = true\n").unwrap();
        let file = FileLayer::load(Some(&toml), &Env::default()).unwrap();
        let in_file = Layer::Config(toml.display().to_string());
        let a = ActionSettings::resolve(&file, None, None, &[], false).unwrap();
        assert_eq!(a.threshold, Setting::new(60, in_file.clone()));
        assert_eq!(a.outreach_first, Setting::new(true, in_file));
        assert_eq!(a.granularity.from, Layer::Default);
        let a = ActionSettings::resolve(&file, Some(70), None, &[], true).unwrap();
        assert_eq!(a.threshold, Setting::new(70, Layer::Cli));
        assert_eq!(a.outreach_first.from, Layer::Cli);
    }
}

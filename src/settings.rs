//! The resolved settings of one command, and where each value came from.
//!
//! Every command turns its raw arguments into one settings value before it does anything else
//! (`commands::resolve`, the command line's half of ripgrep's LowArgs → HiArgs), from five
//! layers, the first that sets a value winning:
//!
//! ```text
//! cli                 the command line
//! env:NAME            BACKLINKS_CONFIG, BACKLINKS_DATA_DIR
//! config:PATH         backlinks.toml (--config, else $BACKLINKS_CONFIG, else ./backlinks.toml)
//! stored:snapshot N   the settings saved with the target's latest snapshot
//! default             the built-in defaults
//! ```
//!
//! Each value is a [`Setting`]: the value and its [`Layer`]. The stages and the store receive
//! these values (or the plain parts they need), never the command line's types, and an audit
//! saves its settings with the snapshot ([`AuditSettings::to_stored`]), so that a snapshot
//! explains itself and a later audit can read them back ([`StoredSettings`]).
//!
//! Nothing here parses arguments: this module reads the environment (captured once, as
//! [`Env`]), the config file and the stored JSON, and merges.

use crate::config::{Config, ConfigError, DisavowSettings};
use crate::crawl::{CrawlSettings, PrivatePolicy, ProxyChoice, ResolvePin};
use crate::gate::Condition;
use crate::ingest::IngestOptions;
use crate::model::Target;
use crate::report::Format;
use crate::score::rule_settings::ScoringSettings;
use crate::score::rules;
use anyhow::Context;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Environment variable naming the config file.
pub const CONFIG_ENV: &str = "BACKLINKS_CONFIG";
/// Environment variable naming the data directory.
pub const DATA_DIR_ENV: &str = "BACKLINKS_DATA_DIR";
/// Environment variable naming the Chromium binary for `--render` (the name Puppeteer and
/// Lighthouse read too).
pub const CHROME_ENV: &str = "CHROME";
/// The config file looked for in the current directory.
pub const CONFIG_FILE_NAME: &str = "backlinks.toml";
/// File name of the history database in the data directory.
pub const DB_FILE: &str = "history.sqlite3";

/// Largest `backlinks.toml` read: a settings file of more is not one.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// Version of the stored settings document ([`AuditSettings::to_stored`]). Snapshots saved
/// before it have a flat object of the command line's values (read by [`StoredSettings`] too).
pub const STORED_FORMAT: u32 = 2;

/// Which layer set a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layer {
    /// The command line.
    Cli,
    /// An environment variable.
    Env(&'static str),
    /// The config file, as named.
    Config(String),
    /// The settings saved with this snapshot of the target.
    Stored(i64),
    /// The built-in default.
    Default,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layer::Cli => f.write_str("cli"),
            Layer::Env(name) => write!(f, "env:{name}"),
            Layer::Config(path) => write!(f, "config:{path}"),
            Layer::Stored(id) => write!(f, "stored:snapshot {id}"),
            Layer::Default => f.write_str("default"),
        }
    }
}

impl Serialize for Layer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A value and the layer that set it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting<T> {
    /// The value in force.
    pub value: T,
    /// Where it came from.
    pub from: Layer,
}

impl<T> Setting<T> {
    /// A value set by `from`.
    pub fn new(value: T, from: Layer) -> Setting<T> {
        Setting { value, from }
    }

    /// A built-in default.
    pub fn default(value: T) -> Setting<T> {
        Setting::new(value, Layer::Default)
    }

    /// The command line's value when it gave one, else `otherwise`.
    pub fn cli_or(cli: Option<T>, otherwise: impl FnOnce() -> Setting<T>) -> Setting<T> {
        match cli {
            Some(v) => Setting::new(v, Layer::Cli),
            None => otherwise(),
        }
    }

    /// A value with a built-in default that the command line may have set: `given` says
    /// whether it did (an option with a default always has a value).
    pub fn flag(value: T, given: bool) -> Setting<T> {
        Setting::new(value, if given { Layer::Cli } else { Layer::Default })
    }
}

/// The environment variables settings read, captured once per command so that resolving is
/// a function of its inputs.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<&'static str, OsString>,
}

impl Env {
    /// The variables of this process (an empty value counts as unset).
    pub fn from_process() -> Env {
        let mut env = Env::default();
        for name in [CONFIG_ENV, DATA_DIR_ENV, CHROME_ENV] {
            if let Some(v) = std::env::var_os(name) {
                env = env.with(name, v);
            }
        }
        env
    }

    /// This environment with `name` set (an empty value unsets it).
    pub fn with(mut self, name: &'static str, value: impl Into<OsString>) -> Env {
        let value = value.into();
        if value.is_empty() {
            self.vars.remove(name);
        } else {
            self.vars.insert(name, value);
        }
        self
    }

    fn path(&self, name: &'static str) -> Option<Setting<PathBuf>> {
        self.vars
            .get(name)
            .map(|v| Setting::new(PathBuf::from(v), Layer::Env(name)))
    }
}

/// Where stored data lives: the data directory (rank tables, history) and the history
/// database.
#[derive(Debug, Clone, PartialEq)]
pub struct Storage {
    /// `--data-dir`, else `$BACKLINKS_DATA_DIR`, else the XDG data directory (`$XDG_DATA_HOME`,
    /// default `~/.local/share`) + `/backlinks` on every Unix including macOS, so that a cron
    /// job and an interactive shell agree; `None` when there is no home directory either.
    pub data_dir: Setting<Option<PathBuf>>,
    /// `--db`, else `history.sqlite3` in the data directory.
    pub db: Setting<Option<PathBuf>>,
}

impl Storage {
    /// Resolves the flags `--db` and `--data-dir` with the environment.
    pub fn resolve(db: Option<&Path>, data_dir: Option<&Path>, env: &Env) -> Storage {
        let data_dir = match data_dir {
            Some(p) => Setting::new(Some(p.to_path_buf()), Layer::Cli),
            None => match env.path(DATA_DIR_ENV) {
                Some(s) => Setting::new(Some(s.value), s.from),
                None => {
                    use etcetera::BaseStrategy;
                    Setting::default(
                        etcetera::choose_base_strategy()
                            .ok()
                            .map(|s| s.data_dir().join("backlinks")),
                    )
                }
            },
        };
        let db = match db {
            Some(p) => Setting::new(Some(p.to_path_buf()), Layer::Cli),
            None => Setting::new(
                data_dir.value.as_ref().map(|d| d.join(DB_FILE)),
                data_dir.from.clone(),
            ),
        };
        Storage { data_dir, db }
    }

    /// The data directory (it may not exist yet); an error when it cannot be determined.
    pub fn data_dir(&self) -> anyhow::Result<&Path> {
        self.data_dir.value.as_deref().with_context(|| {
            format!(
                "cannot find a data directory: there is no home directory; give one with \
                 --data-dir DIR or {DATA_DIR_ENV}"
            )
        })
    }

    /// The data directory, created if missing.
    pub fn create_data_dir(&self) -> anyhow::Result<&Path> {
        let dir = self.data_dir()?;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory `{}`", dir.display()))?;
        Ok(dir)
    }

    /// The history database; an error when there is no place for it.
    pub fn db(&self) -> anyhow::Result<&Path> {
        if let Some(p) = &self.db.value {
            return Ok(p);
        }
        // Without --db, the database lives in the data directory, which is unknown here.
        let why = match self.data_dir() {
            Err(e) => e,
            Ok(dir) => anyhow::anyhow!("no database in `{}`", dir.display()),
        };
        Err(why.context("no place for the history store (pass --db PATH)"))
    }
}

/// The config file in force, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigFile {
    /// The file as named.
    pub path: PathBuf,
    /// How it was found: `--config` (cli), `$BACKLINKS_CONFIG` (env) or `./backlinks.toml`
    /// (default).
    pub found: Layer,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
    /// Its text.
    pub contents: String,
    /// The dotted keys it sets (`rules.link-farm.points`, `anchors.brand`, ...).
    keys: BTreeSet<String>,
}

/// The config layer: the file (if any) and the settings it resolves to over the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct FileLayer {
    /// The file; `None` for the built-in defaults.
    pub file: Option<ConfigFile>,
    /// Its settings (the defaults without a file).
    pub config: Config,
}

impl FileLayer {
    /// Finds and reads the config file: `--config` (`flag`), else `$BACKLINKS_CONFIG`, else
    /// `./backlinks.toml` when it exists.
    pub fn load(flag: Option<&Path>, env: &Env) -> Result<FileLayer, ConfigError> {
        let found = match flag {
            Some(p) => Some(Setting::new(p.to_path_buf(), Layer::Cli)),
            None => env.path(CONFIG_ENV).or_else(|| {
                let local = Path::new(CONFIG_FILE_NAME);
                local
                    .is_file()
                    .then(|| Setting::default(local.to_path_buf()))
            }),
        };
        match found {
            None => Ok(FileLayer {
                file: None,
                config: Config::default(),
            }),
            Some(Setting { value: path, from }) => FileLayer::read(&path, from),
        }
    }

    fn read(path: &Path, found: Layer) -> Result<FileLayer, ConfigError> {
        let name = path.display().to_string();
        let bytes =
            crate::ingest::decode::read_file(path, MAX_CONFIG_BYTES).map_err(|e| ConfigError {
                file: name.clone(),
                line: None,
                key: None,
                message: format!("cannot read the config file: {e}"),
            })?;
        let text = String::from_utf8(bytes).map_err(|e| ConfigError {
            file: name.clone(),
            line: Some(crate::ingest::decode::utf8_error_line(
                e.as_bytes(),
                &e.utf8_error(),
            )),
            key: None,
            message: "cannot read the config file: not UTF-8 text".into(),
        })?;
        let config = Config::parse(&text, &name)?;
        // The file parsed, so it is a table.
        let keys = text
            .parse::<toml::Table>()
            .map(|t| dotted_keys(&t))
            .unwrap_or_default();
        Ok(FileLayer {
            file: Some(ConfigFile {
                path: path.to_path_buf(),
                found,
                sha256: sha256_hex(text.as_bytes()),
                contents: text,
                keys,
            }),
            config,
        })
    }

    /// The layer of the value at a dotted key: the file when it sets the key, else the default.
    pub fn layer_of(&self, key: &str) -> Layer {
        match &self.file {
            Some(f) if f.keys.contains(key) => Layer::Config(f.path.display().to_string()),
            _ => Layer::Default,
        }
    }

    /// A value of the file's settings, with its layer.
    pub fn setting<T>(&self, key: &str, value: T) -> Setting<T> {
        Setting::new(value, self.layer_of(key))
    }

    /// The file's name as reports show it.
    pub fn shown_path(&self) -> Option<String> {
        self.file.as_ref().map(|f| f.path.display().to_string())
    }
}

/// Every dotted key of a TOML table that holds a value (tables are walked into, arrays are
/// values).
fn dotted_keys(table: &toml::Table) -> BTreeSet<String> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut BTreeSet<String>) {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) => walk(&key, t, out),
                _ => {
                    out.insert(key);
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk("", table, &mut out);
    out
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    use std::fmt::Write;
    sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// How pages are fetched: the shared fetch options and `audit`'s politeness options.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchSettings {
    /// Seconds allowed for one request.
    pub timeout: Setting<u64>,
    /// Largest body read, after decompression (bytes).
    pub max_body: Setting<usize>,
    /// Honour robots.txt.
    pub respect_robots: Setting<bool>,
    /// Allow every non-public address.
    pub allow_private: Setting<bool>,
    /// Host names allowed to resolve to non-public addresses (lower case, no trailing dot).
    pub allow_private_hosts: Setting<Vec<String>>,
    /// `--resolve` pins.
    pub resolve: Setting<Vec<ResolvePin>>,
    /// The proxy.
    pub proxy: Setting<ProxyChoice>,
    /// Skip TLS certificate verification.
    pub insecure: Setting<bool>,
    /// `--user-agent`.
    pub user_agent: Setting<Option<String>>,
    /// `--header` pairs.
    pub headers: Setting<Vec<(String, String)>>,
    /// Requests in flight across all hosts.
    pub concurrency: Setting<usize>,
    /// Requests in flight per host.
    pub per_host: Setting<usize>,
    /// Milliseconds between requests to one host.
    pub delay_ms: Setting<u64>,
    /// Extra attempts for retryable failures.
    pub retries: Setting<u32>,
    /// Milliseconds before the first retry.
    pub retry_wait_ms: Setting<u64>,
}

impl Default for FetchSettings {
    fn default() -> Self {
        let d = CrawlSettings::default();
        FetchSettings {
            timeout: Setting::default(d.timeout.as_secs()),
            max_body: Setting::default(d.max_body),
            respect_robots: Setting::default(d.respect_robots),
            allow_private: Setting::default(d.private.allow_all),
            allow_private_hosts: Setting::default(Vec::new()),
            resolve: Setting::default(d.resolve),
            proxy: Setting::default(d.proxy),
            insecure: Setting::default(d.insecure),
            user_agent: Setting::default(None),
            headers: Setting::default(Vec::new()),
            concurrency: Setting::default(d.concurrency),
            per_host: Setting::default(d.per_host),
            delay_ms: Setting::default(d.delay.as_millis() as u64),
            retries: Setting::default(d.retries),
            retry_wait_ms: Setting::default(d.retry_wait.as_millis() as u64),
        }
    }
}

impl FetchSettings {
    /// The crawler's settings.
    pub fn crawl(&self) -> CrawlSettings {
        CrawlSettings {
            timeout: Duration::from_secs(self.timeout.value),
            max_body: self.max_body.value,
            respect_robots: self.respect_robots.value,
            private: PrivatePolicy {
                allow_all: self.allow_private.value,
                hosts: self.allow_private_hosts.value.iter().cloned().collect(),
            },
            resolve: self.resolve.value.clone(),
            proxy: self.proxy.value.clone(),
            insecure: self.insecure.value,
            user_agent: self.user_agent.value.clone(),
            headers: self.headers.value.clone(),
            concurrency: self.concurrency.value,
            per_host: self.per_host.value,
            delay: Duration::from_millis(self.delay_ms.value),
            retries: self.retries.value,
            retry_wait: Duration::from_millis(self.retry_wait_ms.value),
            ..CrawlSettings::default()
        }
    }

    fn to_stored(&self) -> Value {
        let pins: Vec<String> = self.resolve.value.iter().map(ToString::to_string).collect();
        let proxy = match &self.proxy.value {
            ProxyChoice::Direct => Value::Null,
            ProxyChoice::Url(u) => json!(u.as_str()),
            ProxyChoice::Environment => json!("environment"),
        };
        json!({
            "timeout_s": self.timeout,
            "max_body": self.max_body,
            "respect_robots": self.respect_robots,
            "allow_private": self.allow_private,
            "allow_private_host": self.allow_private_hosts,
            "resolve": Setting::new(pins, self.resolve.from.clone()),
            "proxy": Setting::new(proxy, self.proxy.from.clone()),
            "insecure": self.insecure,
            "user_agent": self.user_agent,
            // Names only: a header may carry a credential, and the store is not a vault.
            "headers": Setting::new(
                self.headers.value.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
                self.headers.from.clone(),
            ),
            "concurrency": self.concurrency,
            "per_host": self.per_host,
            "delay_ms": self.delay_ms,
            "retries": self.retries,
            "retry_wait_ms": self.retry_wait_ms,
        })
    }
}

/// When pages are rendered in headless Chromium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RenderMode {
    /// Never: the served HTML is read, as without `--render`.
    Never,
    /// Only pages whose served HTML lacks a link to the target and looks script-built, or
    /// lacks a link an export claims.
    Auto,
    /// Every HTML page.
    Always,
}

/// How pages are rendered (`--render`, issue 22). Rendering has no config-file keys, like the
/// fetch options it extends: it is chosen per run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderSettings {
    /// When to render.
    pub mode: Setting<RenderMode>,
    /// The browser binary named by `--chromium` or `$CHROME`; `None`: looked for on `PATH`.
    pub chromium: Setting<Option<PathBuf>>,
    /// Pages rendered at once (tabs).
    pub concurrency: Setting<usize>,
    /// Seconds allowed for one page.
    pub timeout_s: Setting<u64>,
}

impl Default for RenderSettings {
    fn default() -> Self {
        RenderSettings {
            mode: Setting::default(RenderMode::Never),
            chromium: Setting::default(None),
            concurrency: Setting::default(2),
            timeout_s: Setting::default(15),
        }
    }
}

impl RenderSettings {
    /// The browser binary: `cli` (`--chromium`), else `$CHROME` of `env`.
    pub fn chromium_from(cli: Option<&Path>, env: &Env) -> Setting<Option<PathBuf>> {
        match cli {
            Some(p) => Setting::new(Some(p.to_path_buf()), Layer::Cli),
            None => match env.path(CHROME_ENV) {
                Some(s) => Setting::new(Some(s.value), s.from),
                None => Setting::default(None),
            },
        }
    }

    /// Whether any page may be rendered.
    pub fn enabled(&self) -> bool {
        self.mode.value != RenderMode::Never
    }

    fn to_stored(&self) -> Value {
        json!({
            "mode": self.mode,
            "chromium": Setting::new(
                self.chromium.value.as_ref().map(|p| p.display().to_string()),
                self.chromium.from.clone(),
            ),
            "concurrency": self.concurrency,
            "timeout_s": self.timeout_s,
        })
    }
}

/// The brand terms, money keywords and topics that classify anchors and describe the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    /// Brand terms (`--brand`, `[anchors] brand`; empty: the domain's first label).
    pub brand: Setting<Vec<String>>,
    /// Money keywords (`--keyword`, `[anchors] keywords`).
    pub keywords: Setting<Vec<String>>,
    /// Topic terms (`--topic`, `[relevance] topics`).
    pub topics: Setting<Vec<String>>,
}

impl Terms {
    /// Each list from the command line when it gives any (it replaces the file's), else from
    /// the file.
    pub fn resolve(
        brand: Vec<String>,
        keywords: Vec<String>,
        topics: Vec<String>,
        file: &FileLayer,
    ) -> Terms {
        let pick = |cli: Vec<String>, key: &str, from_file: &Vec<String>| {
            Setting::cli_or((!cli.is_empty()).then_some(cli), || {
                file.setting(key, from_file.clone())
            })
        };
        let c = &file.config;
        Terms {
            brand: pick(brand, "anchors.brand", &c.anchors.brand),
            keywords: pick(keywords, "anchors.keywords", &c.anchors.keywords),
            topics: pick(topics, "relevance.topics", &c.relevance.topics),
        }
    }

    /// Fills each list that no layer above set (still at its default) from the settings saved
    /// with the target's latest snapshot.
    pub fn apply_stored(&mut self, stored: &StoredSettings) {
        let fill = |s: &mut Setting<Vec<String>>, v: &Option<Vec<String>>| {
            if s.from == Layer::Default
                && let Some(v) = v.as_ref().filter(|v| !v.is_empty())
            {
                *s = Setting::new(v.clone(), Layer::Stored(stored.snapshot));
            }
        };
        fill(&mut self.brand, &stored.brand);
        fill(&mut self.keywords, &stored.keywords);
        fill(&mut self.topics, &stored.topics);
    }

    /// The topics the target's profile is built from: the topic terms, then the money
    /// keywords of `target` (they say what the site sells, so they describe its topic too).
    pub fn profile_topics(&self, target: &Target) -> Vec<String> {
        let mut topics = self.topics.value.clone();
        topics.extend(target.keywords.iter().cloned());
        topics
    }

    /// The target with these brand terms and keywords.
    pub fn apply_to(&self, target: Target) -> Target {
        target
            .with_brand_terms(&self.brand.value)
            .with_keywords(&self.keywords.value)
    }
}

/// Where the candidate pages come from.
#[derive(Debug, Clone)]
pub struct InputSettings {
    /// `--from` files (`-` is standard input).
    pub from: Vec<PathBuf>,
    /// `--archive`: a WARC file read instead of the network.
    pub archive: Option<PathBuf>,
    /// How the inputs are read.
    pub ingest: IngestOptions,
    /// `--force-target`: audit exports whose rows all name another site as the target.
    pub force_target: bool,
}

/// What is written where, and what is said.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSettings {
    /// The main report's format.
    pub format: Setting<Format>,
    /// `-o`: the main report's file (standard output without).
    pub output: Option<PathBuf>,
    /// `--report FORMAT=PATH`: further reports.
    pub reports: Vec<(Format, PathBuf)>,
    /// `--write-baseline`.
    pub write_baseline: Option<PathBuf>,
    /// `--explain`: every score component in the table.
    pub explain: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// Show the progress bar (when standard error is a terminal).
    pub progress: bool,
    /// `--notify-cmd`.
    pub notify_cmd: Option<String>,
}

/// The audit history: what the run is compared with and saved to.
#[derive(Debug, Clone, PartialEq)]
pub struct HistorySettings {
    /// The data directory and the database.
    pub storage: Storage,
    /// Save the audit (`--no-store` turns it off).
    pub save: bool,
    /// `--baseline`: compare with this report instead of the store.
    pub baseline: Option<PathBuf>,
    /// How long to wait for the store's lock.
    pub lock_timeout: Setting<Duration>,
}

impl HistorySettings {
    /// The database the audit is compared with and saved to; `None` with `--no-store`.
    pub fn db(&self) -> anyhow::Result<Option<PathBuf>> {
        match self.save {
            true => Ok(Some(self.storage.db()?.to_path_buf())),
            false => Ok(None),
        }
    }
}

/// Everything `backlinks audit` runs with.
#[derive(Debug, Clone)]
pub struct AuditSettings {
    /// The target, with the brand terms and keywords of [`AuditSettings::terms`].
    pub target: Target,
    /// Brand terms, keywords and topics.
    pub terms: Terms,
    /// `--discover`: the web-graph release whose referring domains are added.
    pub discover: Option<crate::discover::graph::Release>,
    /// `--cache`: the page cache, if used.
    pub cache: Option<crate::pipeline::cache::CacheSettings>,
    /// The target's language, instead of detecting it (`[relevance] language`).
    pub language: Setting<Option<String>>,
    /// How many of the target's own pages are read for its topical profile.
    pub target_pages: Setting<usize>,
    /// How many linked target URLs are checked for lost-link reclamation.
    pub reclaim_urls: Setting<usize>,
    /// The inputs.
    pub inputs: InputSettings,
    /// How pages are fetched.
    pub fetch: FetchSettings,
    /// Whether and how pages are rendered in headless Chromium.
    pub render: RenderSettings,
    /// Rule levels, points, thresholds and domain lists.
    pub scoring: ScoringSettings,
    /// The gate's conditions: the command line's, then the file's.
    pub gate: Vec<Setting<Condition>>,
    /// The removal worklist's threshold and keep list (`[disavow]`).
    pub worklist: DisavowSettings,
    /// The reports.
    pub report: ReportSettings,
    /// The history store and baseline.
    pub history: HistorySettings,
    /// The config file.
    pub file: FileLayer,
}

impl AuditSettings {
    /// Takes the terms no layer above set from the settings saved with the target's latest
    /// snapshot, and applies them to the target.
    pub fn apply_stored(&mut self, stored: &StoredSettings) {
        self.terms.apply_stored(stored);
        self.target = self.terms.apply_to(self.target.clone());
    }

    /// The topics the target's profile is built from ([`Terms::profile_topics`]).
    pub fn profile_topics(&self) -> Vec<String> {
        self.terms.profile_topics(&self.target)
    }

    /// The gate's conditions.
    pub fn gate_conditions(&self) -> Vec<Condition> {
        self.gate.iter().map(|c| c.value.clone()).collect()
    }

    /// The settings document saved with the snapshot: every value that shapes the result,
    /// with its layer, the config file (path, SHA-256 and text) and the rule-set version.
    pub fn to_stored(&self) -> Value {
        let paths =
            |v: &[PathBuf]| -> Vec<String> { v.iter().map(|p| p.display().to_string()).collect() };
        let file = self.file.file.as_ref().map(|f| {
            json!({
                "path": f.path.display().to_string(),
                "found": f.found,
                "sha256": f.sha256,
                "contents": f.contents,
            })
        });
        let gate: Vec<Setting<String>> = self
            .gate
            .iter()
            .map(|c| Setting::new(c.value.to_string(), c.from.clone()))
            .collect();
        json!({
            "format": STORED_FORMAT,
            "rules_version": crate::score::SCORING_VERSION,
            "target": self.target.domain,
            "from": paths(&self.inputs.from),
            "archive": self.inputs.archive.as_ref().map(|p| p.display().to_string()),
            "brand": self.terms.brand,
            "keywords": self.terms.keywords,
            "topics": self.terms.topics,
            "language": self.language,
            "target_pages": self.target_pages,
            "reclaim_urls": self.reclaim_urls,
            "mention_terms": self.file.setting("mentions.terms", self.target.mention_terms.clone()),
            "competitors": self.file.setting("gap.competitors", self.target.competitors.clone()),
            "config": file,
            "fetch": self.fetch.to_stored(),
            "render": self.render.to_stored(),
            "scoring": scoring_to_stored(&self.scoring, &self.file),
            "fail_on": gate,
            "worklist": {
                "threshold": self.file.setting("disavow.threshold", self.worklist.threshold),
                "keep": self.file.setting("disavow.keep", self.worklist.keep.clone()),
            },
            "baseline": self.history.baseline.as_ref().map(|p| p.display().to_string()),
        })
    }
}

/// Everything `backlinks gap` runs with, but the stored layer (the terms saved with the
/// target's latest audit, applied with [`GapSettings::apply_stored`]).
#[derive(Debug, Clone)]
pub struct GapSettings {
    /// The target, with its terms, mention terms and competitors.
    pub target: Target,
    /// Brand terms, keywords and topics.
    pub terms: Terms,
    /// The competitors (`--competitor`, else `[gap] competitors`), registrable domains.
    pub competitors: Setting<Vec<String>>,
    /// The target's language, instead of detecting it.
    pub language: Setting<Option<String>>,
    /// How many of the target's own pages are read for its topical profile.
    pub target_pages: Setting<usize>,
    /// The inputs.
    pub inputs: InputSettings,
    /// How pages are fetched.
    pub fetch: FetchSettings,
    /// Rule levels, points, thresholds and domain lists (toxicity of referring domains).
    pub scoring: ScoringSettings,
    /// The report (`--format`, `-o`, `--explain`, progress).
    pub report: ReportSettings,
    /// The history store: the target's known links are read from it, the run saved to it.
    pub history: HistorySettings,
    /// The config file.
    pub file: FileLayer,
}

impl GapSettings {
    /// Takes the terms no layer above set from the settings saved with the target's latest
    /// audit, and applies them to the target.
    pub fn apply_stored(&mut self, stored: &StoredSettings) {
        self.terms.apply_stored(stored);
        self.target = self.terms.apply_to(self.target.clone());
    }

    /// The settings document saved with the run.
    pub fn to_stored(&self) -> Value {
        let paths: Vec<String> = self
            .inputs
            .from
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        json!({
            "format": STORED_FORMAT,
            "rules_version": crate::score::SCORING_VERSION,
            "target": self.target.domain,
            "competitors": self.competitors,
            "from": paths,
            "archive": self.inputs.archive.as_ref().map(|p| p.display().to_string()),
            "brand": self.terms.brand,
            "keywords": self.terms.keywords,
            "topics": self.terms.topics,
            "mention_terms": self.file.setting("mentions.terms", self.target.mention_terms.clone()),
            "language": self.language,
            "target_pages": self.target_pages,
            "config": self.file.file.as_ref().map(|f| json!({
                "path": f.path.display().to_string(),
                "found": f.found,
                "sha256": f.sha256,
            })),
            "fetch": self.fetch.to_stored(),
            "scoring": scoring_to_stored(&self.scoring, &self.file),
        })
    }
}

/// Every rule setting and domain list, by dotted key, with its layer.
fn scoring_to_stored(scoring: &ScoringSettings, file: &FileLayer) -> Value {
    let mut out = serde_json::Map::new();
    let mut put = |key: String, value: Value| {
        let from = file.layer_of(&key);
        out.insert(key, json!({"value": value, "from": from}));
    };
    for r in rules::ALL {
        let s = scoring.rule(&r);
        let key = |k: &str| format!("rules.{}.{k}", r.code);
        put(key("level"), json!(s.level.map_or("allow", |l| l.as_str())));
        put(key("points"), json!(s.points));
        put(key("allow-domains"), json!(s.allow_domains));
        for t in r.thresholds {
            put(key(t.key), json!(scoring.threshold(&r, t.key)));
        }
    }
    put("domains.allow".into(), json!(scoring.allow_domains));
    put("domains.deny".into(), json!(scoring.deny_domains));
    Value::Object(out)
}

/// The scoring inputs of a stored settings document, by name, values only (not the layer they
/// came from: the same keywords from the command line or the store score the same). None for
/// a document that does not record them (saved before settings had layers).
fn scoring_inputs(text: &str) -> Option<BTreeMap<String, Value>> {
    let doc: Value = serde_json::from_str(text).ok()?;
    doc.get("format")?.as_u64()?;
    let value = |v: &Value| v.get("value").cloned().unwrap_or(Value::Null);
    let mut out = BTreeMap::new();
    out.insert(
        "rules_version".to_string(),
        doc.get("rules_version").cloned().unwrap_or(Value::Null),
    );
    for key in ["brand", "keywords", "topics", "language"] {
        out.insert(
            key.to_string(),
            doc.get(key).map(value).unwrap_or(Value::Null),
        );
    }
    if let Some(rules) = doc.get("scoring").and_then(Value::as_object) {
        for (k, v) in rules {
            out.insert(k.clone(), value(v));
        }
    }
    Some(out)
}

/// The scoring inputs that differ between two stored settings documents (the earlier audit's
/// and the later one's), sorted; empty when they agree or either does not record them.
pub fn scoring_changes(before: &str, after: &str) -> Vec<String> {
    let (Some(a), Some(b)) = (scoring_inputs(before), scoring_inputs(after)) else {
        return Vec::new();
    };
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// What a later audit reads back from the settings saved with a snapshot: the terms that
/// describe the target. Both the current document and the flat one saved before it (which
/// held only the command line's lists) are read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredSettings {
    /// The snapshot the settings were saved with.
    pub snapshot: i64,
    /// Its brand terms, when known.
    pub brand: Option<Vec<String>>,
    /// Its keywords, when known.
    pub keywords: Option<Vec<String>>,
    /// Its topics, when known.
    pub topics: Option<Vec<String>>,
}

impl StoredSettings {
    /// Reads the stored document of `snapshot`; a document this build cannot read gives
    /// nothing rather than an error (the stored layer is only a fallback).
    pub fn parse(snapshot: i64, text: &str) -> StoredSettings {
        let doc: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let list = |v: &Value| -> Option<Vec<String>> {
            v.as_array()?
                .iter()
                .map(|s| s.as_str().map(str::to_string))
                .collect()
        };
        let current = doc.get("format").and_then(Value::as_u64).is_some();
        let term = |new: &str, old: &str| {
            if current {
                doc.get(new).and_then(|s| s.get("value")).and_then(list)
            } else {
                // The flat document held the command line's list: empty means "not given".
                doc.get(old).and_then(list).filter(|v| !v.is_empty())
            }
        };
        StoredSettings {
            snapshot,
            brand: term("brand", "brand"),
            keywords: term("keywords", "keyword"),
            topics: term("topics", "topic"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_are_named_as_documented() {
        let shown: Vec<String> = [
            Layer::Cli,
            Layer::Env(CONFIG_ENV),
            Layer::Config("backlinks.toml".into()),
            Layer::Stored(3),
            Layer::Default,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            shown,
            [
                "cli",
                "env:BACKLINKS_CONFIG",
                "config:backlinks.toml",
                "stored:snapshot 3",
                "default"
            ]
        );
        let s = serde_json::to_value(Setting::new(7, Layer::Env(DATA_DIR_ENV))).unwrap();
        assert_eq!(s, json!({"value": 7, "from": "env:BACKLINKS_DATA_DIR"}));
    }

    #[test]
    fn the_data_directory_flag_beats_the_environment() {
        let env = Env::default().with(DATA_DIR_ENV, "/tmp/env");
        let s = Storage::resolve(None, Some(Path::new("/tmp/flag")), &env);
        assert_eq!(s.data_dir.value.as_deref(), Some(Path::new("/tmp/flag")));
        assert_eq!(s.data_dir.from, Layer::Cli);
        assert_eq!(s.db.value, Some(PathBuf::from("/tmp/flag").join(DB_FILE)));

        let s = Storage::resolve(None, None, &env);
        assert_eq!(s.data_dir.value.as_deref(), Some(Path::new("/tmp/env")));
        assert_eq!(s.data_dir.from, Layer::Env(DATA_DIR_ENV));
        assert_eq!(s.db.from, Layer::Env(DATA_DIR_ENV));

        let s = Storage::resolve(Some(Path::new("/tmp/h.sqlite3")), None, &env);
        assert_eq!(s.db.value, Some(PathBuf::from("/tmp/h.sqlite3")));
        assert_eq!(s.db.from, Layer::Cli);

        // An empty variable counts as unset: the default applies.
        let s = Storage::resolve(None, None, &Env::default().with(DATA_DIR_ENV, ""));
        assert_eq!(s.data_dir.from, Layer::Default);
        assert!(s.data_dir.value.is_none_or(|p| p.ends_with("backlinks")));
    }

    #[test]
    fn the_config_file_records_what_it_sets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.toml");
        let text = "[anchors]\nbrand = [\"Acme\"]\n[rules.link-farm]\npoints = 40\n";
        std::fs::write(&path, text).unwrap();
        let env = Env::default().with(CONFIG_ENV, path.as_os_str());
        let file = FileLayer::load(None, &env).unwrap();
        let f = file.file.as_ref().unwrap();
        assert_eq!(f.found, Layer::Env(CONFIG_ENV));
        assert_eq!(f.contents, text);
        assert_eq!(f.sha256, sha256_hex(text.as_bytes()));
        let shown = Layer::Config(path.display().to_string());
        assert_eq!(file.layer_of("rules.link-farm.points"), shown);
        assert_eq!(file.layer_of("anchors.brand"), shown);
        assert_eq!(file.layer_of("rules.link-farm.level"), Layer::Default);
        // The command line's flag wins over the environment.
        let other = dir.path().join("missing.toml");
        let e = FileLayer::load(Some(&other), &env).unwrap_err();
        assert_eq!(e.file, other.display().to_string());

        let terms = Terms::resolve(vec![], vec!["shoes".into()], vec![], &file);
        assert_eq!(terms.brand, Setting::new(vec!["Acme".to_string()], shown));
        assert_eq!(terms.keywords.from, Layer::Cli);
        assert_eq!(terms.topics, Setting::default(Vec::new()));
    }

    #[test]
    fn sha256_is_the_standard_one() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn stored_terms_are_read_from_both_documents() {
        let flat = r#"{"from":["links.txt"],"brand":["Acme"],"keyword":[],"topic":["trail"],"concurrency":32}"#;
        let s = StoredSettings::parse(4, flat);
        assert_eq!(s.brand, Some(vec!["Acme".to_string()]));
        assert_eq!(s.keywords, None, "an empty flat list was not given");
        assert_eq!(s.topics, Some(vec!["trail".to_string()]));
        let current = json!({
            "format": STORED_FORMAT,
            "brand": {"value": ["acme"], "from": "cli"},
            "keywords": {"value": [], "from": "default"},
            "topics": {"value": ["hiking"], "from": "config:b.toml"},
        })
        .to_string();
        let s = StoredSettings::parse(5, &current);
        assert_eq!(s.brand, Some(vec!["acme".to_string()]));
        assert_eq!(s.keywords, Some(Vec::new()));
        assert_eq!(s.topics, Some(vec!["hiking".to_string()]));
        assert_eq!(StoredSettings::parse(6, "not json").brand, None);

        let mut terms = Terms {
            brand: Setting::default(Vec::new()),
            keywords: Setting::new(vec!["cli".into()], Layer::Cli),
            topics: Setting::default(Vec::new()),
        };
        terms.apply_stored(&StoredSettings::parse(5, &current));
        assert_eq!(
            terms.brand,
            Setting::new(vec!["acme".into()], Layer::Stored(5))
        );
        assert_eq!(terms.keywords.from, Layer::Cli);
        assert_eq!(terms.topics.from, Layer::Stored(5));
    }
}

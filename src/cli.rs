//! Command-line interface (clap derive): every command, option and environment-free parse of
//! a value. No logic here: `commands::resolve` turns these raw arguments into the resolved
//! [`crate::settings`] of a run, and nothing below the commands sees these types.

use crate::crawl::ResolvePin;
use crate::ingest::ColumnMap;
use crate::report::Format;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0    the audit ran; no gate failed
  1    the audit ran and a --fail-on gate failed
  2    no trustworthy result: bad arguments, unreadable or unrecognised input, unwritable
       output, history store error or locked store
  130  interrupted (Ctrl-C); nothing was written

A page that cannot be fetched is a finding in the report, not an error.";

/// Audit your backlink profile: fetch every referring page, find the links to your site,
/// score them and flag toxic patterns, with evidence for every number.
#[derive(Debug, Parser)]
#[command(name = "backlinks", version, after_long_help = EXIT_CODES, max_term_width = 100)]
#[command(args_override_self = true)]
pub struct Cli {
    /// Colours in terminal output: auto (when writing to a terminal and NO_COLOR is not set),
    /// always, or never.
    #[arg(long, global = true, value_enum, default_value_t = crate::report::color::ColorChoice::Auto,
          help_heading = "Global", hide_possible_values = true)]
    pub color: crate::report::color::ColorChoice,
    /// Log what the run does on standard error: -v each phase, -vv every request, -vvv
    /// everything (RUST_LOG is read when neither -v nor -L is given).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Global")]
    pub verbose: u8,
    /// Log at this level (error, warn, info, debug, trace); overrides -v.
    #[arg(
        short = 'L',
        long,
        global = true,
        value_enum,
        value_name = "LEVEL",
        help_heading = "Global",
        hide_possible_values = true
    )]
    pub log_level: Option<crate::logging::LogLevel>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// The options of the subcommand given on the command line (not by a default), by id: an
    /// option with a default always has a value, and provenance needs to tell them apart.
    #[arg(skip)]
    pub given: Given,
}

/// The ids of the options a command line gave explicitly (see [`Cli::parse_args`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Given(BTreeSet<String>);

impl Given {
    /// Whether the option with this id (its field name) was on the command line.
    pub fn has(&self, id: &str) -> bool {
        self.0.contains(id)
    }
}

impl Cli {
    /// Parses the process's arguments like [`Parser::parse`] (printing usage errors and exiting
    /// with 2), also recording which options were given ([`Cli::given`]).
    pub fn parse_args() -> Cli {
        Cli::try_parse_args_from(std::env::args_os()).unwrap_or_else(|e| {
            if !e.use_stderr() {
                e.exit() // --help and --version, on standard output with exit code 0
            }
            // Usage errors in the style of every other error: `backlinks: error: ...`.
            crate::output::usage_error(&e.render().to_string());
            std::process::exit(2)
        })
    }

    /// Parses `args` (the first is the program name), recording which options were given.
    pub fn try_parse_args_from(
        args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    ) -> Result<Cli, clap::Error> {
        let matches = Cli::command().try_get_matches_from(args)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        if let Some((_, sub)) = matches.subcommand() {
            cli.given = Given(
                sub.ids()
                    .filter(|id| sub.value_source(id.as_str()) == Some(ValueSource::CommandLine))
                    .map(|id| id.as_str().to_string())
                    .collect(),
            );
        }
        Ok(cli)
    }
}

/// The `--config` option.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Settings")]
pub struct ConfigArgs {
    /// Settings file (default: $BACKLINKS_CONFIG, else ./backlinks.toml if present).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// The `--data-dir` option, shared by every command that reads or writes stored data.
#[derive(Debug, Clone, Default, Args)]
pub struct DataDirArgs {
    /// Directory for stored data (rank tables, history). Default: $BACKLINKS_DATA_DIR, else
    /// $XDG_DATA_HOME/backlinks (~/.local/share/backlinks).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// The subcommands. Two of them (`audit`, `gap`) carry most of the options, so the variants
/// are of similar size and none needs boxing.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit the backlinks of TARGET from a list of candidate referring pages.
    Audit(AuditArgs),
    /// Show every link of HTML files or URLs with anchor, rel and placement (JSON Lines).
    Inspect(InspectArgs),
    /// Show what each input file was detected as, rows read and skipped, duplicates, distinct
    /// pages and domains, without fetching anything.
    Sources(SourcesArgs),
    /// Explain a finding code: what it means, its level and when it fires.
    Explain(ExplainArgs),
    /// Manage the domain rank table used for authority when no vendor metric is known.
    Authority(AuthorityArgs),
    /// Write a commented backlinks.toml with every setting and its default.
    Init(InitArgs),
    /// List the stored audits of TARGET with their headline numbers.
    History(HistoryArgs),
    /// Show new, lost and changed links and referring domains between two stored audits.
    Diff(DiffArgs),
    /// Write a Google disavow file from the latest stored audit of TARGET (or merge into an
    /// existing one); `disavow validate FILE` checks a file, `disavow diff OLD NEW` compares.
    Disavow(DisavowArgs),
    /// The removal worklist of TARGET: toxic links to ask site owners to remove, with contact
    /// routes; `outreach mark URL` records a request (`--undo` takes it back).
    Outreach(OutreachArgs),
    /// Competitor gap: the referring domains that link to competitors but not to TARGET,
    /// verified live and ranked by an explained opportunity score, with unlinked mentions.
    Gap(GapArgs),
    /// Print a shell completion script to standard output, e.g.
    /// `backlinks completions bash > ~/.local/share/bash-completion/completions/backlinks`.
    Completions(CompletionsArgs),
    /// Print the man page (roff) to standard output, e.g. `backlinks man > backlinks.1`.
    Man,
    /// Find candidate referring pages in Common Crawl's data: `discover wat` scans WAT files
    /// for links to TARGET and writes an export `audit --from` reads.
    Discover(DiscoverArgs),
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `disavow`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct DisavowArgs {
    /// Check or compare disavow files instead.
    #[command(subcommand)]
    pub command: Option<DisavowCommand>,
    /// The audited site (domain or URL).
    #[arg(required = true)]
    pub target: Option<String>,
    /// The history database.
    #[command(flatten)]
    pub db: DbArgs,
    /// Write the file to PATH (atomically) instead of standard output.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Merge into this existing disavow file: its lines and comments are kept, new entries
    /// are appended in a dated section, URLs covered by a domain: entry are dropped (each
    /// reported on standard error).
    #[arg(long, value_name = "EXISTING.txt")]
    pub merge: Option<PathBuf>,
    /// With --merge, also remove existing entries the audit no longer backs (the audited page
    /// or domain is not toxic any more, or the domain is on the keep list), each reported.
    #[arg(long, requires = "merge")]
    pub prune: bool,
    /// Links at or above this toxicity are candidates (default 50, [disavow] threshold).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub threshold: Option<u8>,
    /// domain: entries for problems of the whole site and page URLs otherwise (auto), or
    /// always one kind ([disavow] granularity).
    #[arg(long, value_enum)]
    pub granularity: Option<crate::actions::disavow::plan::Granularity>,
    /// A file of domains never to disavow, one per line (# comments allowed); repeatable.
    /// Added to [disavow] keep.
    #[arg(long, value_name = "FILE")]
    pub keep: Vec<PathBuf>,
    /// Only disavow links whose removal was requested twice without effect (see `backlinks
    /// outreach`); other toxic links are listed on standard error.
    #[arg(long)]
    pub outreach_first: bool,
    /// Settings file.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Subcommands of `disavow`.
#[derive(Debug, Subcommand)]
pub enum DisavowCommand {
    /// Check a disavow file against Google's rules; every problem with its line number, exit
    /// code 2 when the file is invalid.
    Validate(DisavowValidateArgs),
    /// What uploading NEW in place of OLD would add and remove.
    Diff(DisavowDiffArgs),
}

/// Arguments of `disavow validate`.
#[derive(Debug, Args)]
pub struct DisavowValidateArgs {
    /// The disavow file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Arguments of `disavow diff`.
#[derive(Debug, Args)]
pub struct DisavowDiffArgs {
    /// The file uploaded now.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The file to upload.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
}

/// Output formats of `outreach`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WorklistFormat {
    /// A table, for reading in a terminal.
    Table,
    /// One JSON document.
    Json,
    /// One row per page.
    Csv,
}

/// Arguments of `outreach`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct OutreachArgs {
    /// Record a removal request instead.
    #[command(subcommand)]
    pub command: Option<OutreachCommand>,
    /// The audited site (domain or URL).
    #[arg(required = true)]
    pub target: Option<String>,
    /// The history database.
    #[command(flatten)]
    pub db: DbArgs,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = WorklistFormat::Table)]
    pub format: WorklistFormat,
    /// Write the worklist to PATH (atomically) instead of standard output.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Links at or above this toxicity are on the list (default 50, [disavow] threshold).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub threshold: Option<u8>,
    /// A file of domains never to ask (one per line); repeatable. Added to [disavow] keep.
    #[arg(long, value_name = "FILE")]
    pub keep: Vec<PathBuf>,
    /// Settings file.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Subcommands of `outreach`.
#[derive(Debug, Subcommand)]
pub enum OutreachCommand {
    /// Record that removal of URL's link was requested (after two requests without removal,
    /// the link is a disavow candidate); `--undo` takes back the latest record.
    Mark(OutreachMarkArgs),
}

/// Arguments of `outreach mark`.
#[derive(Debug, Args)]
pub struct OutreachMarkArgs {
    /// The referring page (as the worklist lists it).
    #[arg(value_name = "URL")]
    pub url: String,
    /// Record a removal request (what `mark` does without --undo; accepted for clarity).
    #[arg(long)]
    pub requested: bool,
    /// Delete the latest request recorded for URL instead (a mistaken or duplicate mark).
    #[arg(long, conflicts_with_all = ["requested", "via", "note", "date"])]
    pub undo: bool,
    /// The audited site, when the page links to several audited targets.
    #[arg(long, value_name = "TARGET")]
    pub target: Option<String>,
    /// The contact route used (an e-mail address or contact page).
    #[arg(long, value_name = "CONTACT")]
    pub via: Option<String>,
    /// A note to keep with the request.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// When the request was made (YYYY-MM-DD or RFC 3339; default now).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// The history database.
    #[command(flatten)]
    pub db: DbArgs,
}

/// Where the audit history is kept, and the data directory (which also holds rank tables).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "History")]
pub struct DbArgs {
    /// The history database (SQLite). Default: history.sqlite3 in the data directory.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The data directory.
    #[command(flatten)]
    pub data: DataDirArgs,
}

/// Arguments of `history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The audited site (domain or URL); without it, the targets the store holds.
    pub target: Option<String>,
    /// The history database.
    #[command(flatten)]
    pub db: DbArgs,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// List the stored `gap` runs instead of the audits.
    #[arg(long)]
    pub gap: bool,
}

/// Arguments of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The audited site (domain or URL).
    pub target: String,
    /// The history database.
    #[command(flatten)]
    pub db: DbArgs,
    /// The older snapshot id (default: the one before --to).
    #[arg(long, value_name = "ID")]
    pub from: Option<i64>,
    /// The newer snapshot id (default: the latest).
    #[arg(long, value_name = "ID")]
    pub to: Option<i64>,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to PATH (atomically) instead of standard output.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Compare two stored `gap` runs (new and lost opportunities) instead of two audits; the
    /// ids are run ids (`backlinks history TARGET --gap`).
    #[arg(long)]
    pub gap: bool,
}

/// Fetch options shared by `audit` and `inspect`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Network")]
pub struct FetchArgs {
    /// Allow fetching loopback, private, link-local and other non-public addresses (refused by
    /// default, also when reached through DNS or a redirect).
    #[arg(long)]
    pub allow_private: bool,
    /// Allow only this host name to resolve to a non-public address (e.g. an intranet
    /// staging host); redirects elsewhere stay guarded. Repeatable.
    #[arg(long, value_name = "HOST", value_parser = parse_host)]
    pub allow_private_host: Vec<String>,
    /// Pin HOST to ADDR (curl's syntax, e.g. blog.test:8080:127.0.0.1); repeatable. The pin
    /// applies to every port of HOST.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<ResolvePin>,
    /// Seconds allowed for one request, from connecting to the last byte of the body.
    #[arg(long, value_name = "SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Largest page body read, after decompression (bytes, or with K/M suffix).
    #[arg(long, value_name = "SIZE", default_value = "5M", value_parser = parse_size)]
    pub max_body: usize,
    /// Do not fetch or obey robots.txt.
    #[arg(long)]
    pub ignore_robots: bool,
    /// Send every request through this HTTP(S) proxy (http://host:port). Without it, and
    /// without --proxy-from-env, connections are direct and proxy variables are ignored.
    #[arg(long, value_name = "URL", value_parser = parse_proxy, conflicts_with = "proxy_from_env")]
    pub proxy: Option<url::Url>,
    /// Use the proxies of HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY, as curl does.
    #[arg(long)]
    pub proxy_from_env: bool,
    /// Do not verify TLS certificates (e.g. a staging site with a self-signed certificate).
    /// Prints a warning: anyone on the path can then impersonate any site.
    #[arg(long)]
    pub insecure: bool,
    /// Send this User-Agent instead of backlinks' own (robots.txt is still read for the
    /// `backlinks` token).
    #[arg(long, value_name = "STRING")]
    pub user_agent: Option<String>,
    /// Add a header to every request, e.g. `--header 'Accept-Language: de'`; repeatable.
    #[arg(long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,
}

/// When pages are rendered in headless Chromium (`--render`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderMode {
    /// Read the HTML the server sends, as without the option.
    Never,
    /// Render a page only when its served HTML has no link to the target and looks
    /// script-built, or an export claims a link the HTML lacks.
    Auto,
    /// Render every HTML page.
    Always,
}

/// JavaScript rendering options of `audit` and `inspect`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Rendering")]
pub struct RenderArgs {
    /// Run the pages' scripts in headless Chromium before reading their links: never, auto
    /// (pages that look script-built or lack a link an export claims) or always.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = RenderMode::Never)]
    pub render: RenderMode,
    /// The Chromium (or Chrome) binary; else $CHROME, else chromium, chromium-browser or
    /// google-chrome on PATH.
    #[arg(long, value_name = "PATH")]
    pub chromium: Option<PathBuf>,
    /// Pages rendered at once (browser tabs).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub render_concurrency: u32,
    /// Seconds allowed to render one page, from navigation to the final DOM.
    #[arg(long, value_name = "SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub render_timeout: u64,
}

/// Parses `--header NAME: VALUE`: a valid header name and value; the headers that framing and
/// the safety checks depend on are refused.
fn parse_header(s: &str) -> Result<(String, String), String> {
    let (name, value) = s
        .split_once(':')
        .ok_or_else(|| format!("`{s}`: write a header as `Name: value`"))?;
    let (name, value) = (name.trim(), value.trim());
    let parsed = reqwest::header::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))?;
    reqwest::header::HeaderValue::from_str(value)
        .map_err(|_| format!("the value of `{name}` is not a valid header value"))?;
    if matches!(
        parsed.as_str(),
        "host" | "content-length" | "transfer-encoding" | "connection" | "upgrade" | "te"
    ) {
        return Err(format!(
            "`{name}` is set by backlinks itself and cannot be given"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

/// What describes the target: brand terms, money keywords, topics and how many of its own
/// pages are read for its topical profile (`audit` and `gap`).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Scoring")]
pub struct ProfileArgs {
    /// Brand term: makes an anchor "branded" and is searched for unlinked mentions (default:
    /// the domain's first label); repeatable.
    #[arg(long, value_name = "TERM")]
    pub brand: Vec<String>,
    /// Money keyword that makes an anchor "exact_match"/"partial_match"; repeatable.
    #[arg(long, value_name = "TERM")]
    pub keyword: Vec<String>,
    /// Topic of the target site for topical relevance (e.g. "trail running"); repeatable.
    /// Replaces [relevance] topics of backlinks.toml.
    #[arg(long, value_name = "TERM")]
    pub topic: Vec<String>,
    /// How many of the target's own pages (its home page, then the most linked ones) are read
    /// for its topical profile; 0 reads none. Default 10 ([relevance] target-pages).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=200))]
    pub target_pages: Option<u32>,
}

/// How the `--from` inputs are read (`audit` and `gap`).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Input")]
pub struct ReadingArgs {
    /// Warn about and skip lines of URL lists that are not valid, instead of failing (invalid
    /// rows of backlink exports are always skipped with a counted warning).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Read a CSV that no known format matches by naming its columns:
    /// url=COLUMN[,anchor=COLUMN,target=COLUMN,rel=COLUMN,nofollow=COLUMN,first_seen=COLUMN,
    /// last_seen=COLUMN,lost=COLUMN,domain=COLUMN]. COLUMN is a header name or a 1-based
    /// position.
    #[arg(long, value_name = "FIELD=COLUMN,...")]
    pub columns: Option<ColumnMap>,
    /// Audit only the candidate pages whose URL matches this regular expression (searched
    /// anywhere in the URL, e.g. `^https://blog\.`); repeatable: any one matching is enough.
    #[arg(long, value_name = "REGEX", value_parser = parse_regex)]
    pub include: Vec<regex::Regex>,
    /// Leave out the candidate pages whose URL matches this regular expression (e.g.
    /// `/tag/|\?replytocom=`); repeatable. Wins over --include.
    #[arg(long, value_name = "REGEX", value_parser = parse_regex)]
    pub exclude: Vec<regex::Regex>,
}

/// Parses `--include`/`--exclude`, with the regex crate's own explanation of a bad pattern.
fn parse_regex(s: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(s)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| format!("`{s}` is not a regular expression: {e}"))
}

/// How politely pages are fetched (`audit` and `gap`).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Network")]
pub struct PolitenessArgs {
    /// Requests in flight across all hosts.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,
    /// Requests in flight per host (per registrable domain).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub per_host: u32,
    /// Minimum milliseconds between requests to one host (raised by robots.txt Crawl-delay).
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub delay: u64,
    /// Extra attempts after a timeout, a broken connection, 429 or 5xx.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: u32,
    /// Milliseconds before the first retry; doubles each attempt (Retry-After wins if longer).
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub retry_wait: u64,
}

/// Parses a host name option (IDNA, lower case, no trailing dot).
fn parse_host(s: &str) -> Result<String, String> {
    crate::model::host::parse(s).ok_or_else(|| format!("`{s}` is not a host name"))
}

/// Parses `--proxy`: an http(s) URL (a bare `host:port` means http).
fn parse_proxy(s: &str) -> Result<url::Url, String> {
    let bad = || format!("`{s}` is not a proxy URL (e.g. http://proxy.example:3128)");
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("http://{s}")
    };
    let url = url::Url::parse(&with_scheme).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "`{s}`: only http:// and https:// proxies are supported"
        ));
    }
    Ok(url)
}

/// Arguments of `audit`.
#[derive(Debug, Args)]
#[command(after_long_help = crate::gate::HELP)]
pub struct AuditArgs {
    /// The site whose backlinks are audited: a domain (example.com) or URL. Every host of its
    /// registrable domain counts as the target.
    pub target: String,
    /// Candidate referring pages: an export of Search Console (CSV or zip), Ahrefs, Semrush,
    /// Moz, Majestic or Screaming Frog, a backlinks JSON/CSV report, or a URL list (one per
    /// line); detected from the content. Repeatable; `-` reads standard input.
    #[arg(help_heading = "Input", long = "from", value_name = "PATH")]
    pub from: Vec<PathBuf>,
    /// Read the referring pages from this WARC archive (.warc or .warc.gz) instead of the
    /// network. Without --from, every page in the archive is a candidate.
    #[arg(help_heading = "Input", long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
    /// Audit an export even when none of its rows' target URLs is on TARGET (without it,
    /// such an export is refused: it is probably another site's).
    #[arg(help_heading = "Input", long)]
    pub force_target: bool,
    /// Also list the referring domains of TARGET in the downloaded Common Crawl web-graph
    /// release (`discover graph fetch`) under the report's domain candidates, platforms left
    /// out: the domains no export of yours names show up with no page audited.
    #[arg(help_heading = "Input", long)]
    pub discover: bool,
    /// With --discover, the release to read (default: the only one downloaded).
    #[arg(
        help_heading = "Input",
        long,
        value_name = "RELEASE",
        requires = "discover"
    )]
    pub discover_release: Option<String>,
    /// How the inputs are read.
    #[command(flatten)]
    pub reading: ReadingArgs,
    /// Brand terms, keywords, topics and the target's pages.
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Politeness: concurrency, per-host limit, delay and retries.
    #[command(flatten)]
    pub politeness: PolitenessArgs,
    /// Fetch options.
    #[command(flatten)]
    pub fetch: FetchArgs,
    /// How many of the target URLs the live links point to (most linked first) are requested
    /// once to find 404s, 410s and redirect chains (lost-link reclamation); 0 checks none.
    /// Like the profile pages, nothing is requested from the target with --target-pages 0.
    #[arg(help_heading = "Network", long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    pub reclaim_urls: u32,
    /// Keep the fetched pages in the data directory's page cache as they arrive, and read
    /// those fetched less than --max-cache-age ago instead of fetching them again: an
    /// interrupted crawl finishes without refetching what it has.
    #[arg(help_heading = "Network", long, conflicts_with = "archive")]
    pub cache: bool,
    /// With --cache, how old a cached page may be (seconds, or with s/m/h/d suffix).
    #[arg(help_heading = "Network", long, value_name = "DURATION", default_value = "1d", value_parser = parse_duration, requires = "cache")]
    pub max_cache_age: std::time::Duration,
    /// JavaScript rendering.
    #[command(flatten)]
    pub render: RenderArgs,
    /// Report format.
    #[arg(help_heading = "Output", short = 'f', long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to PATH (atomically) instead of standard output.
    #[arg(help_heading = "Output", short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Also write the report in FORMAT to PATH (e.g. html=report.html), besides --format;
    /// repeatable.
    #[arg(help_heading = "Output", long = "report", value_name = "FORMAT=PATH", value_parser = parse_report)]
    pub reports: Vec<(Format, PathBuf)>,
    /// In the table, show every score component of every link.
    #[arg(help_heading = "Output", long)]
    pub explain: bool,
    /// Print nothing unless the gate fails (then only the verdict on stderr); -o still writes.
    #[arg(help_heading = "Output", short, long)]
    pub quiet: bool,
    /// Never show the progress bar (it is only shown when stderr is a terminal).
    #[arg(help_heading = "Output", long)]
    pub no_progress: bool,
    /// The history database the audit is saved to and compared with.
    #[command(flatten)]
    pub db: DbArgs,
    /// Do not save this audit to the history store (it is still compared with the store's
    /// latest audit when there is one, or with --baseline).
    #[arg(help_heading = "History", long)]
    pub no_store: bool,
    /// Compare with this earlier `--format json` report instead of the history store (for CI
    /// runners without persistent disk).
    #[arg(help_heading = "History", long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Also write this audit's JSON report to FILE, to serve as the next --baseline.
    #[arg(help_heading = "History", long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// How long to wait for another run that holds the history store's lock (seconds, or with
    /// s/m/h suffix) before giving up with exit code 2.
    #[arg(help_heading = "History", long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub lock_timeout: std::time::Duration,
    /// Fail (exit 1) when EXPR holds, e.g. toxic-new>5, toxic-share>10%, lost-dofollow>=3,
    /// health<60, spike, rule:link-farm. Repeatable; `--help` lists every metric.
    #[arg(help_heading = "Gate", long, value_name = "EXPR")]
    pub fail_on: Vec<crate::gate::Condition>,
    /// Run CMD through the shell when the gate fails, with the Markdown report on its standard
    /// input and BACKLINKS_* variables set (see the README).
    #[arg(help_heading = "Gate", long, value_name = "CMD")]
    pub notify_cmd: Option<String>,
    /// Settings file.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Arguments of `gap`.
#[derive(Debug, Args)]
pub struct GapArgs {
    /// Your site (domain or URL): referring domains that already link to it are not
    /// opportunities.
    pub target: String,
    /// A competitor's domain; repeatable. Replaces [gap] competitors of backlinks.toml.
    #[arg(help_heading = "Input", long, value_name = "DOMAIN", value_parser = parse_host)]
    pub competitor: Vec<String>,
    /// The competitors' backlinks: exports of Ahrefs, Semrush, Moz or Majestic (each row is
    /// assigned to the competitor its target column points to; rows pointing at TARGET are
    /// its known links) or URL lists (candidates for every competitor). Repeatable; `-`
    /// reads standard input.
    #[arg(
        help_heading = "Input",
        long = "from",
        value_name = "PATH",
        required = true
    )]
    pub from: Vec<PathBuf>,
    /// Read the pages from this WARC archive instead of the network.
    #[arg(help_heading = "Input", long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
    /// How the inputs are read.
    #[command(flatten)]
    pub reading: ReadingArgs,
    /// Brand terms, keywords, topics and the target's pages.
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Politeness: concurrency, per-host limit, delay and retries.
    #[command(flatten)]
    pub politeness: PolitenessArgs,
    /// Fetch options.
    #[command(flatten)]
    pub fetch: FetchArgs,
    /// Report format.
    #[arg(help_heading = "Output", short = 'f', long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to PATH (atomically) instead of standard output.
    #[arg(help_heading = "Output", short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// In the table, show every component of every opportunity's score.
    #[arg(help_heading = "Output", long)]
    pub explain: bool,
    /// Never show the progress bar.
    #[arg(help_heading = "Output", long)]
    pub no_progress: bool,
    /// The history database: the target's latest audit (its known links) is read from it,
    /// the run is saved to it and compared with the previous run.
    #[command(flatten)]
    pub db: DbArgs,
    /// Do not read or save the history store.
    #[arg(help_heading = "History", long)]
    pub no_store: bool,
    /// How long to wait for another run that holds the history store's lock.
    #[arg(help_heading = "History", long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub lock_timeout: std::time::Duration,
    /// Settings file.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Output formats of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    /// One JSON object per input, one per line.
    Json,
    /// A table per input, for reading in a terminal.
    Table,
}

/// Arguments of `inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// HTML files (any charset, optionally .gz) or http(s) URLs.
    #[arg(required = true, value_name = "PATH_OR_URL")]
    pub inputs: Vec<String>,
    /// Resolve relative links of files against this URL (without it they are kept as written).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<url::Url>,
    /// Only show links to hosts of this domain's registrable domain.
    #[arg(long, value_name = "DOMAIN")]
    pub target: Option<String>,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = InspectFormat::Json)]
    pub format: InspectFormat,
    /// Fetch options (for URL inputs).
    #[command(flatten)]
    pub fetch: FetchArgs,
    /// JavaScript rendering (for URL inputs).
    #[command(flatten)]
    pub render: RenderArgs,
}

/// Output formats of `sources`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourcesFormat {
    /// A table per input, for reading in a terminal.
    Table,
    /// One JSON document.
    Json,
}

/// Arguments of `sources`.
#[derive(Debug, Args)]
pub struct SourcesArgs {
    /// Input files (exports, zips, URL lists, reports); `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = SourcesFormat::Table)]
    pub format: SourcesFormat,
    /// The audited site: count only links to it (crawl exports list every link) and drop
    /// internal links, as `audit` does.
    #[arg(long, value_name = "DOMAIN")]
    pub target: Option<String>,
    /// Read a CSV no known format matches by naming its columns (see `audit --columns`).
    #[arg(long, value_name = "FIELD=COLUMN,...")]
    pub columns: Option<ColumnMap>,
    /// Treat invalid lines of URL lists as counted warnings instead of errors.
    #[arg(long)]
    pub skip_invalid: bool,
}

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A finding or error code (e.g. link-farm); without it, every code is listed.
    pub code: Option<String>,
    /// Show the levels and thresholds of this settings file instead of the defaults.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Arguments of `authority`.
#[derive(Debug, Args)]
pub struct AuthorityArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AuthorityCommand,
}

/// Subcommands of `authority`.
#[derive(Debug, Subcommand)]
pub enum AuthorityCommand {
    /// Import a domain rank list (Tranco `rank,domain` CSV, or Common Crawl host/domain ranks),
    /// plain or gzipped, replacing the current table.
    Import(AuthorityImportArgs),
    /// Show the imported table, or the rank and authority of DOMAINs.
    Show(AuthorityShowArgs),
}

/// Arguments of `authority import`.
#[derive(Debug, Args)]
pub struct AuthorityImportArgs {
    /// The rank list (`-` reads standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Data directory.
    #[command(flatten)]
    pub data: DataDirArgs,
}

/// Arguments of `authority show`.
#[derive(Debug, Args)]
pub struct AuthorityShowArgs {
    /// Domains or host names to look up.
    #[arg(value_name = "DOMAIN")]
    pub domains: Vec<String>,
    /// Data directory.
    #[command(flatten)]
    pub data: DataDirArgs,
}

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the file.
    #[arg(
        short = 'o',
        long,
        value_name = "PATH",
        default_value = "backlinks.toml"
    )]
    pub output: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// Parses `html=report.html` (an extra report of `audit`).
fn parse_report(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not FORMAT=PATH (e.g. html=report.html)"))?;
    let format = Format::from_str(format.trim(), true).map_err(|_| {
        format!("unknown report format `{format}`: table, json, csv, markdown or html")
    })?;
    if path.is_empty() {
        return Err(format!("`{s}` names no file"));
    }
    Ok((format, PathBuf::from(path)))
}

/// Parses `90`, `90s`, `5m`, `1h` into a duration.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, 's')) => (&s[..i], 1),
        Some((i, 'm')) => (&s[..i], 60),
        Some((i, 'h')) => (&s[..i], 3600),
        Some((i, 'd')) => (&s[..i], 86_400),
        _ => (s, 1),
    };
    let n: u64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (e.g. 90, 30s, 5m, 1h, 2d)"))?;
    n.checked_mul(mult)
        .map(std::time::Duration::from_secs)
        .ok_or_else(|| format!("`{s}` is too long"))
}

/// Parses `5M`, `512K`, `1048576`.
fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 1024),
        Some((i, 'm' | 'M')) => (&s[..i], 1024 * 1024),
        Some((i, 'g' | 'G')) => (&s[..i], 1024 * 1024 * 1024),
        _ => (s, 1),
    };
    let n: usize = num
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 5M, 512K, 1048576)"))?;
    match n.checked_mul(mult) {
        Some(0) | None => Err(format!("`{s}` is not a usable size")),
        Some(v) => Ok(v),
    }
}

/// Arguments of `discover`.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// Where to look.
    #[command(subcommand)]
    pub command: DiscoverCommand,
}

/// Subcommands of `discover`.
#[derive(Debug, Subcommand)]
pub enum DiscoverCommand {
    /// Scan Common Crawl WAT files (local, plain or .gz, or http(s) URLs) for links to TARGET:
    /// one row per referring page and target URL, with anchor, rel, capture date, crawl and
    /// the file and offset it came from.
    Wat(DiscoverWatArgs),
    /// The referring domains of TARGET in a Common Crawl web-graph release (downloaded once
    /// with `discover graph fetch RELEASE`), most central first, platforms left out.
    Graph(Box<DiscoverGraphArgs>),
}

/// Arguments of `discover graph`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct DiscoverGraphArgs {
    /// Download a release instead.
    #[command(subcommand)]
    pub command: Option<DiscoverGraphCommand>,
    /// The site whose referring domains are listed (domain or URL).
    #[arg(required = true)]
    pub target: Option<String>,
    /// The release to read (default: the only one downloaded).
    #[arg(long, value_name = "RELEASE")]
    pub release: Option<String>,
    /// Where the releases are (default: commoncrawl/ in the data directory).
    #[arg(long, value_name = "DIR")]
    pub graph_dir: Option<PathBuf>,
    /// At most N referring domains, the most central first.
    #[arg(long, value_name = "N")]
    pub max: Option<usize>,
    /// Also leave out this domain (e.g. a network you know of); repeatable.
    #[arg(long, value_name = "DOMAIN", value_parser = parse_host)]
    pub drop: Vec<String>,
    /// Keep the blogging platforms, social networks and site-statistics domains that are left
    /// out by default (see the README).
    #[arg(long)]
    pub keep_platforms: bool,
    /// Write the CSV to PATH (atomically) instead of standard output.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// The data directory.
    #[command(flatten)]
    pub data: DataDirArgs,
}

/// Subcommands of `discover graph`.
#[derive(Debug, Subcommand)]
pub enum DiscoverGraphCommand {
    /// Download the domain-level files of RELEASE (e.g. cc-main-2026-mar-apr-may): the
    /// transposed graph, the vertex list and the ranks; resumable, sizes said first.
    Fetch(DiscoverGraphFetchArgs),
}

/// Arguments of `discover graph fetch`.
#[derive(Debug, Args)]
pub struct DiscoverGraphFetchArgs {
    /// The release, as Common Crawl names it.
    #[arg(value_name = "RELEASE")]
    pub release: String,
    /// Where the releases go (default: commoncrawl/ in the data directory).
    #[arg(long, value_name = "DIR")]
    pub graph_dir: Option<PathBuf>,
    /// Where the releases are published (a mirror).
    #[arg(long, value_name = "URL", default_value = crate::discover::fetch::BASE_URL)]
    pub base_url: url::Url,
    /// Extra attempts for a failed request or a connection lost mid-file (resumed where it
    /// stopped).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// Deadline for connecting and for each read, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Never show the progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// The data directory.
    #[command(flatten)]
    pub data: DataDirArgs,
}

/// Output formats of `discover wat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiscoverFormat {
    /// CSV with a header row (what `audit --from` reads).
    Csv,
    /// One JSON object per link, then a `{"summary": ...}` line with the counts.
    Jsonl,
}

/// Arguments of `discover wat`.
#[derive(Debug, Args)]
pub struct DiscoverWatArgs {
    /// The site whose backlinks are searched for (domain or URL): links to every host of its
    /// registrable domain count.
    pub target: String,
    /// WAT files (plain or gzip) or http(s) URLs of them.
    #[arg(value_name = "PATH|URL", required_unless_present = "paths_from")]
    pub inputs: Vec<String>,
    /// Also read the inputs from FILE, one path or URL per line (`-` reads standard input;
    /// blank lines and # comments ignored).
    #[arg(long, value_name = "FILE")]
    pub paths_from: Option<PathBuf>,
    /// Write the rows to PATH (atomically) instead of standard output.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = DiscoverFormat::Csv)]
    pub format: DiscoverFormat,
    /// Inputs read at once (default: the number of CPUs).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: Option<u16>,
    /// Extra attempts for a failed download or a connection lost mid-file (resumed where it
    /// stopped), waiting 1 s, 2 s, 4 s...
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// Deadline for connecting and for each read of a download, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Never show the progress bar (it is only shown when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn given_options_are_told_from_defaults() {
        let cli = Cli::try_parse_args_from([
            "backlinks",
            "audit",
            "example.com",
            "--from",
            "links.txt",
            "--concurrency",
            "32",
            "--timeout=5",
        ])
        .unwrap();
        for id in ["target", "from", "concurrency", "timeout"] {
            assert!(cli.given.has(id), "{id}");
        }
        // Defaulted: a value, but not given.
        assert!(!cli.given.has("per_host"));
        assert!(!cli.given.has("max_body"));
        let Command::Audit(a) = cli.command else {
            panic!("an audit")
        };
        assert_eq!((a.politeness.concurrency, a.politeness.per_host), (32, 2));
    }

    #[test]
    fn proxies() {
        assert_eq!(
            parse_proxy("proxy.test:3128").unwrap().as_str(),
            "http://proxy.test:3128/"
        );
        assert!(parse_proxy("https://p.test").is_ok());
        assert!(parse_proxy("socks5://p.test:1080").is_err());
        assert!(parse_proxy("http://").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("5M"), Ok(5 * 1024 * 1024));
        assert_eq!(parse_size("512k"), Ok(512 * 1024));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn durations() {
        use std::time::Duration;
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("soon").is_err());
    }
}

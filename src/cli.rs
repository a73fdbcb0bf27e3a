//! Command-line interface (clap derive). No logic here: commands turn these raw arguments into
//! settings and run.

use crate::config::ConfigArgs;
use crate::crawl::ResolvePin;
use crate::ingest::ColumnMap;
use crate::paths::DataDirArgs;
use crate::report::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0    the audit ran; no gate failed
  1    the audit ran and a --fail-on gate failed
  2    no trustworthy result: bad arguments, unreadable or unrecognised input,
       unwritable output
  130  interrupted (Ctrl-C); nothing was written

A page that cannot be fetched is a finding in the report, not an error.";

/// Audit your backlink profile: fetch every referring page, find the links to your site,
/// score them and flag toxic patterns, with evidence for every number.
#[derive(Debug, Parser)]
#[command(name = "backlinks", version, after_long_help = EXIT_CODES, max_term_width = 100)]
#[command(args_override_self = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
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
}

/// Fetch options shared by `audit` and `inspect`.
#[derive(Debug, Clone, Args)]
pub struct FetchArgs {
    /// Allow fetching loopback, private, link-local and other non-public addresses (refused by
    /// default, also when reached through DNS or a redirect).
    #[arg(long)]
    pub allow_private: bool,
    /// Allow only this host name to resolve to a non-public address (e.g. an intranet
    /// staging host); redirects elsewhere stay guarded. Repeatable.
    #[arg(long, value_name = "HOST")]
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
pub struct AuditArgs {
    /// The site whose backlinks are audited: a domain (example.com) or URL. Every host of its
    /// registrable domain counts as the target.
    pub target: String,
    /// Candidate referring pages: an export of Search Console (CSV or zip), Ahrefs, Semrush,
    /// Moz, Majestic or Screaming Frog, a backlinks JSON/CSV report, or a URL list (one per
    /// line); detected from the content. Repeatable; `-` reads standard input.
    #[arg(long = "from", value_name = "PATH")]
    pub from: Vec<PathBuf>,
    /// Read the referring pages from this WARC archive (.warc or .warc.gz) instead of the
    /// network. Without --from, every page in the archive is a candidate.
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to PATH (atomically) instead of standard output.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Brand term that makes an anchor "branded" (default: the domain's first label);
    /// repeatable.
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
    /// In the table, show every score component of every link.
    #[arg(long)]
    pub explain: bool,
    /// Requests in flight across all hosts.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=4096))]
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
    /// Never show the progress bar (it is only shown when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// Fetch options.
    #[command(flatten)]
    pub fetch: FetchArgs,
    /// Settings file.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Data directory.
    #[command(flatten)]
    pub data: DataDirArgs,
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
    #[arg(long, value_enum, default_value_t = InspectFormat::Json)]
    pub format: InspectFormat,
    /// Fetch options (for URL inputs).
    #[command(flatten)]
    pub fetch: FetchArgs,
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
    #[arg(long, value_enum, default_value_t = SourcesFormat::Table)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
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
}

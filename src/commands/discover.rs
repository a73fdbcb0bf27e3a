//! `backlinks discover wat`: scans Common Crawl WAT files for links to the target and writes
//! them as an export `audit --from` reads (see [`crate::discover`]). The rows are written only
//! once every input has been read, atomically with `-o`: an input that cannot be read ends the
//! run with exit code 2 and nothing written.

use crate::cli::{
    DiscoverArgs, DiscoverCommand, DiscoverFormat, DiscoverGraphArgs, DiscoverGraphCommand,
    DiscoverGraphFetchArgs, DiscoverWatArgs,
};
use crate::discover::{self, Discovery, Input, Meter, ScanOptions, http::HttpSettings};
use crate::exit::ExitStatus;
use crate::model::Target;
use crate::output;
use anyhow::Context;
use std::io::BufRead;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Runs `discover`.
pub fn run(args: DiscoverArgs) -> anyhow::Result<ExitStatus> {
    match args.command {
        DiscoverCommand::Wat(a) => run_wat(a),
        DiscoverCommand::Graph(a) => match a.command {
            Some(DiscoverGraphCommand::Fetch(f)) => run_graph_fetch(f),
            None => run_graph(*a),
        },
    }
}

/// Where the web-graph releases are: `--graph-dir`, else `commoncrawl/` in the data directory.
pub fn graph_dir(
    given: Option<&std::path::Path>,
    data: &crate::cli::DataDirArgs,
) -> anyhow::Result<std::path::PathBuf> {
    if let Some(dir) = given {
        return Ok(dir.to_path_buf());
    }
    let storage = super::resolve::data_dir(data, &crate::settings::Env::from_process());
    Ok(storage
        .data_dir()
        .context("the web graphs are kept in the data directory")?
        .join("commoncrawl"))
}

fn run_graph(args: DiscoverGraphArgs) -> anyhow::Result<ExitStatus> {
    use crate::discover::graph;
    let target = Target::parse(args.target.as_deref().unwrap_or_default())?;
    let dir = graph_dir(args.graph_dir.as_deref(), &args.data)?;
    let release = graph::choose(&dir, args.release.as_deref())?;
    if let Some(out) = &args.output {
        output::check_output_path(out)?;
    }
    let mut drop = if args.keep_platforms {
        Default::default()
    } else {
        graph::platforms()
    };
    drop.extend(
        args.drop
            .iter()
            .map(|d| crate::model::registrable_domain(d)),
    );
    let started = Instant::now();
    let found = graph::referring_domains(&release, &target.domain, &drop, args.max)?;
    output::write_report(args.output.as_deref(), |w| graph::write_csv(&found, w))?;
    let mut msg = format!(
        "discover graph: {} referring domains of {} in {} ({} arcs read in {:.1} s)",
        found.domains.len(),
        target.domain,
        found.release,
        found.arcs_read,
        started.elapsed().as_secs_f64()
    );
    if !found.dropped.is_empty() {
        msg.push_str(&format!(
            "; {} platforms left out ({}; --keep-platforms keeps them)",
            found.dropped.len(),
            found.dropped.join(", ")
        ));
    }
    if found.domains.is_empty() && found.dropped.is_empty() {
        msg.push_str("; the target is not in the graph or nothing links to it");
    }
    if let Some(out) = &args.output {
        msg.push_str(&format!(
            "; wrote {} (read it with `backlinks audit {} --from {}`)",
            out.display(),
            target.domain,
            out.display()
        ));
    }
    output::verdict(&msg);
    Ok(ExitStatus::Pass)
}

fn run_graph_fetch(args: DiscoverGraphFetchArgs) -> anyhow::Result<ExitStatus> {
    use crate::discover::fetch;
    fetch::check_release(&args.release)?;
    let mut base = args.base_url.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    let dir = graph_dir(args.graph_dir.as_deref(), &args.data)?.join(&args.release);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let settings = HttpSettings {
        retries: args.retries,
        timeout: Duration::from_secs(args.timeout),
        ..HttpSettings::default()
    };
    let rt = crate::pipeline::runtime()?;
    let handle = rt.handle().clone();
    // The client's connection pool lives on the runtime, and responses are dropped on this
    // thread: inside the runtime.
    let _entered = rt.enter();
    let client = discover::http::client(&settings)?;
    let files = fetch::plan(&handle, &client, &base, &args.release, &dir)?;
    let total: Option<u64> = files.iter().map(|f| f.size).sum();
    let have: u64 = files.iter().map(|f| f.have).sum();
    output::verdict(&format!(
        "discover graph fetch: {} files of {} into {}: {} in all{}",
        files.len(),
        args.release,
        dir.display(),
        total.map_or("size unknown".to_string(), fetch::human_bytes),
        if have > 0 {
            format!(", {} already here", fetch::human_bytes(have))
        } else {
            String::new()
        }
    ));
    let bar = crate::progress::bytes(!args.no_progress, "downloading");
    bar.set_length(total.unwrap_or(0));
    bar.set_position(have);
    for f in &files {
        bar.set_message(
            f.path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
        );
        fetch::download(&handle, &client, &settings, f, &mut |n| bar.inc(n))?;
    }
    bar.finish_and_clear();
    output::verdict(&format!(
        "discover graph fetch: {} is complete; list the referring domains with `backlinks \
         discover graph TARGET --release {}`",
        args.release, args.release
    ));
    Ok(ExitStatus::Pass)
}

fn run_wat(args: DiscoverWatArgs) -> anyhow::Result<ExitStatus> {
    let target = Target::parse(&args.target)?;
    let mut names = args.inputs.clone();
    if let Some(list) = &args.paths_from {
        names.extend(read_list(list)?);
    }
    if names.is_empty() {
        anyhow::bail!("no WAT files given");
    }
    let inputs = names
        .iter()
        .map(|n| Input::parse(n))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if let Some(out) = &args.output {
        output::check_output_path(out)?;
        let mut kept = output::Kept::new();
        for i in &inputs {
            if let Input::File(p) = i {
                kept.add("a WAT input", p);
            }
        }
        kept.check(&[("-o", out)])?;
    }
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let opts = ScanOptions {
        jobs,
        http: HttpSettings {
            retries: args.retries,
            timeout: Duration::from_secs(args.timeout),
            ..HttpSettings::default()
        },
    };
    let bar = crate::progress::bytes(!args.no_progress, "scanning");
    let started = Instant::now();
    let mut tick = |m: &Meter| {
        bar.set_length(m.total.load(Ordering::Relaxed));
        bar.set_position(m.bytes.load(Ordering::Relaxed));
        let records = m.records.load(Ordering::Relaxed);
        let secs = started.elapsed().as_secs_f64().max(0.001);
        bar.set_message(format!(
            "{records} records ({:.0}/s), {} links",
            records as f64 / secs,
            m.links.load(Ordering::Relaxed)
        ));
    };
    let found = discover::scan(&target, &inputs, &opts, &mut tick);
    bar.finish_and_clear();
    let found = found?;
    let elapsed = started.elapsed();
    output::write_report(args.output.as_deref(), |w| match args.format {
        DiscoverFormat::Csv => discover::write_csv(&found.links, w),
        DiscoverFormat::Jsonl => discover::write_jsonl(&found.links, &found.stats, w),
    })?;
    summary(&found, &target, elapsed, args.output.as_deref());
    Ok(ExitStatus::Pass)
}

/// The inputs listed in a file (`-`: standard input).
fn read_list(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let shown = path.display();
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(path).with_context(|| format!("cannot read `{shown}`"))?;
        Box::new(std::io::BufReader::new(f))
    };
    let mut out = Vec::new();
    for line in reader.lines() {
        let line = line.with_context(|| format!("cannot read `{shown}`"))?;
        let line = line.trim();
        if !line.is_empty() && !line.starts_with('#') {
            out.push(line.to_string());
        }
    }
    Ok(out)
}

/// What was read and skipped, on standard error.
fn summary(found: &Discovery, target: &Target, elapsed: Duration, out: Option<&std::path::Path>) {
    let s = &found.stats;
    let secs = elapsed.as_secs_f64().max(0.001);
    let mut lines = vec![format!(
        "discover wat: {} links to {} from {} referring pages ({} before merging captures), \
         {} input{}, {} records, {:.1} MB in {:.1} s ({:.0} records/s, {:.1} MB/s)",
        found.links.len(),
        target.domain,
        found.pages(),
        s.links,
        s.inputs,
        if s.inputs == 1 { "" } else { "s" },
        s.records,
        s.bytes as f64 / 1e6,
        secs,
        s.records as f64 / secs,
        s.bytes as f64 / 1e6 / secs,
    )];
    let skipped: Vec<String> = [
        (
            s.other_records,
            "records of other types (warcinfo, request...)",
        ),
        (s.own_pages, "captures of the target's own pages"),
        (s.malformed_json, "metadata records with malformed JSON"),
        (s.no_page_url, "records without a page URL"),
        (s.oversized_records, "records larger than 32 MiB"),
        (s.damaged_records, "records with damaged WARC headers"),
        (
            s.truncated_members,
            "truncated gzip members (the rest of that file)",
        ),
        (
            s.corrupt_members,
            "corrupt gzip members (the rest of that file)",
        ),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if !skipped.is_empty() {
        lines.push(format!("  skipped: {}", skipped.join(", ")));
    }
    if let Some(p) = out {
        lines.push(format!("  written to {}", p.display()));
    }
    if s.damaged() > 0 {
        output::warn(&format!(
            "{} damaged records or gzip members were skipped (see the counts below)",
            s.damaged()
        ));
    }
    for l in lines {
        output::verdict(&l);
    }
}

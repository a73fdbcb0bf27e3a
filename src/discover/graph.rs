//! Referring domains from Common Crawl's domain-level web graph (issue 20, tier 1): the
//! domains whose captured pages link to the target, read from a release's published files —
//! the transposed graph in WebGraph's BVGraph format (`RELEASE-domain-t.graph` and
//! `.properties`, read with the `webgraph` crate), the vertex list (`RELEASE-domain-vertices
//! .txt.gz`: `id`, reversed domain, hosts) and the harmonic-centrality ranks
//! (`RELEASE-domain-ranks.txt.gz`).
//!
//! Common Crawl publishes no offsets for its graphs, so the transposed graph is read
//! sequentially up to the target's vertex: the predecessors of a vertex are the successors of
//! its vertex in the transpose. The vertex list is read twice (the target's id, then the
//! names of its predecessors, both in id order) and the rank list once; memory follows the
//! number of referring domains, never the size of the graph.
//!
//! Domains that host many unrelated sites or that link to every domain by design (blogging
//! platforms, site-statistics pages) say nothing about who links to the target: they are left
//! out, each one counted, unless asked for (`data/platforms.txt`, `--drop`, `--keep-platforms`).

use anyhow::{Context, bail};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// The header of the CSV `discover graph` writes (and `audit --from` reads).
pub const CSV_HEADER: [&str; 4] = [
    "referring_domain",
    "hosts",
    "harmonic_centrality_rank",
    "release",
];

/// What a release directory holds, by file-name suffix after `RELEASE-domain`.
pub const FILES: [&str; 4] = [
    "-t.graph",
    "-t.properties",
    "-vertices.txt.gz",
    "-ranks.txt.gz",
];

/// The platforms left out unless `--keep-platforms` (one registrable domain per line).
pub fn platforms() -> BTreeSet<String> {
    include_str!("data/platforms.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// One release's files in a directory.
#[derive(Debug, Clone)]
pub struct Release {
    /// The release name, e.g. `cc-main-2026-mar-apr-may`.
    pub name: String,
    /// The directory holding its files.
    pub dir: PathBuf,
}

impl Release {
    /// The path of the file with this suffix (one of [`FILES`]).
    pub fn file(&self, suffix: &str) -> PathBuf {
        self.dir.join(format!("{}-domain{suffix}", self.name))
    }

    /// The basename of the transposed graph (without `.graph`).
    fn transpose(&self) -> PathBuf {
        self.dir.join(format!("{}-domain-t", self.name))
    }

    /// The release in `dir` (`dir/RELEASE`), checking that its files are there: a missing
    /// file names itself and the command that downloads it.
    pub fn open(dir: &Path, name: &str) -> anyhow::Result<Release> {
        let release = Release {
            name: name.to_string(),
            dir: dir.join(name),
        };
        for suffix in FILES {
            let path = release.file(suffix);
            if !path.is_file() {
                bail!(
                    "`{}` is missing: download the release with `backlinks discover graph fetch \
                     {name}`",
                    path.display()
                );
            }
        }
        Ok(release)
    }
}

/// The releases in `dir` (its subdirectories), sorted.
pub fn releases(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// The release `name` in `dir`, or the only one there.
pub fn choose(dir: &Path, name: Option<&str>) -> anyhow::Result<Release> {
    let name = match name {
        Some(n) => n.to_string(),
        None => match releases(dir).as_slice() {
            [one] => one.clone(),
            [] => bail!(
                "no web-graph release in `{}`: download one with `backlinks discover graph fetch \
                 RELEASE` (e.g. cc-main-2026-mar-apr-may)",
                dir.display()
            ),
            many => bail!(
                "several web-graph releases in `{}` ({}): choose one with --release",
                dir.display(),
                many.join(", ")
            ),
        },
    };
    Release::open(dir, &name)
}

/// A referring domain found in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphDomain {
    /// Its registrable domain.
    pub domain: String,
    /// Hosts of the domain in the crawl, when the vertex list says.
    pub hosts: Option<u64>,
    /// Its harmonic-centrality rank in the release (1 is the most central), when ranked.
    pub harmonic_rank: Option<u64>,
}

/// What the graph says about a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphFound {
    /// The release read.
    pub release: String,
    /// The referring domains, most central first (unranked last, by name).
    pub domains: Vec<GraphDomain>,
    /// The platforms left out, by name.
    pub dropped: Vec<String>,
    /// Arcs read from the transposed graph before the target's vertex was reached.
    pub arcs_read: u64,
}

/// `com.example` → `example.com`.
fn unreverse(rev: &str) -> String {
    rev.rsplit('.').collect::<Vec<_>>().join(".")
}

/// `example.com` → `com.example`.
fn reverse(domain: &str) -> String {
    domain.rsplit('.').collect::<Vec<_>>().join(".")
}

fn gz_lines(path: &Path) -> anyhow::Result<impl Iterator<Item = (u64, std::io::Result<String>)>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let reader = BufReader::with_capacity(
        1 << 16,
        flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 16, file)),
    );
    Ok((1u64..).zip(reader.lines()))
}

/// One line of the vertex list: `id`, reversed domain, and optionally the hosts.
fn vertex(line: &str) -> Option<(u64, &str, Option<u64>)> {
    let mut f = line.split('\t');
    let id = f.next()?.trim().parse().ok()?;
    let name = f.next()?.trim();
    let hosts = f.next().and_then(|h| h.trim().parse().ok());
    (!name.is_empty()).then_some((id, name, hosts))
}

/// The id of `domain` in the vertex list.
fn find_vertex(path: &Path, domain: &str) -> anyhow::Result<Option<u64>> {
    let wanted = reverse(domain);
    for (n, line) in gz_lines(path)? {
        let line = line.with_context(|| format!("{}:{n}: cannot read the line", path.display()))?;
        let Some((id, name, _)) = vertex(&line) else {
            bail!(
                "{}:{n}: not a vertex line (`id<TAB>reversed domain`)",
                path.display()
            );
        };
        if name == wanted {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The successors of `node` in the graph of basename `base`, read sequentially.
fn successors(base: &Path, node: u64) -> anyhow::Result<(Vec<u64>, u64)> {
    use lender::Lender;
    use webgraph::prelude::*;
    let graph = BvGraphSeq::with_basename(base)
        .load()
        .with_context(|| format!("cannot read the graph `{}.graph`", base.display()))?;
    let nodes = graph.num_nodes() as u64;
    if node >= nodes {
        bail!(
            "the vertex list names vertex {node}, but `{}.graph` has {nodes} vertices: the files \
             are of different releases",
            base.display()
        );
    }
    let mut arcs = 0u64;
    let mut iter = graph.iter();
    while let Some((src, succ)) = iter.next() {
        let succ: Vec<u64> = succ.into_iter().map(|s| s as u64).collect();
        if src as u64 == node {
            return Ok((succ, arcs));
        }
        arcs += succ.len() as u64;
    }
    bail!("`{}.graph` ended before vertex {node}", base.display())
}

/// Reads the referring domains of `target` (a registrable domain) from `release`, leaving out
/// `drop` (platforms), at most `max` (the most central).
pub fn referring_domains(
    release: &Release,
    target: &str,
    drop: &BTreeSet<String>,
    max: Option<usize>,
) -> anyhow::Result<GraphFound> {
    let vertices = release.file("-vertices.txt.gz");
    let Some(id) = find_vertex(&vertices, target)? else {
        return Ok(GraphFound {
            release: release.name.clone(),
            domains: Vec::new(),
            dropped: Vec::new(),
            arcs_read: 0,
        });
    };
    let (ids, arcs_read) = successors(&release.transpose(), id)?;
    let wanted: BTreeSet<u64> = ids.into_iter().filter(|&i| i != id).collect();
    // The names, in one more pass (the vertex list is in id order, but reading it is cheap
    // next to a seek-less gzip).
    let mut named: BTreeMap<u64, (String, Option<u64>)> = BTreeMap::new();
    for (n, line) in gz_lines(&vertices)? {
        let line =
            line.with_context(|| format!("{}:{n}: cannot read the line", vertices.display()))?;
        if let Some((vid, name, hosts)) = vertex(&line)
            && wanted.contains(&vid)
        {
            named.insert(vid, (unreverse(name), hosts));
            if named.len() == wanted.len() {
                break;
            }
        }
    }
    let mut dropped = Vec::new();
    let mut by_rev: HashMap<String, GraphDomain> = HashMap::new();
    for (domain, hosts) in named.into_values() {
        if drop.contains(&domain) {
            dropped.push(domain);
            continue;
        }
        by_rev.insert(
            reverse(&domain),
            GraphDomain {
                domain,
                hosts,
                harmonic_rank: None,
            },
        );
    }
    ranks(&release.file("-ranks.txt.gz"), &mut by_rev)?;
    let mut domains: Vec<GraphDomain> = by_rev.into_values().collect();
    domains.sort_by(|a, b| {
        (a.harmonic_rank.is_none(), a.harmonic_rank, &a.domain).cmp(&(
            b.harmonic_rank.is_none(),
            b.harmonic_rank,
            &b.domain,
        ))
    });
    if let Some(max) = max {
        domains.truncate(max);
    }
    dropped.sort();
    Ok(GraphFound {
        release: release.name.clone(),
        domains,
        dropped,
        arcs_read,
    })
}

/// Sets the harmonic-centrality rank of the domains in `by_rev` (keyed by reversed name) from
/// the release's rank list: `#harmonicc_pos #harmonicc_val #pr_pos #pr_val #host_rev
/// [#n_hosts]`, tab-separated, a `#` header first.
fn ranks(path: &Path, by_rev: &mut HashMap<String, GraphDomain>) -> anyhow::Result<()> {
    let mut left = by_rev.len();
    for (n, line) in gz_lines(path)? {
        if left == 0 {
            break;
        }
        let line = line.with_context(|| format!("{}:{n}: cannot read the line", path.display()))?;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(pos), Some(name)) = (f.first(), f.get(4)) else {
            bail!(
                "{}:{n}: not a rank line (five tab-separated columns)",
                path.display()
            );
        };
        if let Some(d) = by_rev.get_mut(name.trim()) {
            let pos = pos
                .trim()
                .parse()
                .with_context(|| format!("{}:{n}: `{pos}` is not a rank", path.display()))?;
            d.harmonic_rank = Some(pos);
            left -= 1;
        }
    }
    Ok(())
}

/// Writes the CSV of [`CSV_HEADER`].
pub fn write_csv(found: &GraphFound, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(CSV_HEADER)?;
    for d in &found.domains {
        out.write_record([
            d.domain.as_str(),
            &d.hosts.map(|h| h.to_string()).unwrap_or_default(),
            &d.harmonic_rank.map(|r| r.to_string()).unwrap_or_default(),
            &found.release,
        ])?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_reversed_both_ways() {
        assert_eq!(reverse("blog.example.co.uk"), "uk.co.example.blog");
        assert_eq!(unreverse("uk.co.example"), "example.co.uk");
        assert_eq!(
            vertex("12\tcom.example\t3"),
            Some((12, "com.example", Some(3)))
        );
        assert_eq!(vertex("12\tcom.example"), Some((12, "com.example", None)));
        assert_eq!(vertex("x\tcom.example"), None);
    }

    #[test]
    fn the_platform_list_is_domains() {
        let p = platforms();
        assert!(p.contains("blogspot.com"), "{p:?}");
        assert!(p.iter().all(|d| d.contains('.') && !d.contains(' ')));
    }
}

//! `backlinks authority import FILE` and `backlinks authority show [DOMAIN...]`: the domain
//! rank table behind `rank_list` authority (see `score::ranks`).
//!
//! Import streams the list: lines are parsed one by one into (reversed-label key, rank) pairs,
//! sorted in chunks of a million that spill to temporary files in the data directory, and
//! merged into the `fst` map, so a Common Crawl list of a hundred million hosts needs no more
//! memory than a chunk. The new table replaces the old one only when it is complete.
//!
//! Formats, detected from the first line:
//! - Tranco: `rank,domain` per line (an optional `rank,domain` header is skipped);
//! - Common Crawl host or domain ranks: a header `#harmonicc_pos #harmonicc_val #pr_pos
//!   #pr_val #host_rev [#n_hosts]` (tab-separated), then one row per host or domain with its
//!   name reversed (`com.example`); the harmonic-centrality position is the rank.

use super::resolve;
use crate::cli::{AuthorityArgs, AuthorityCommand, AuthorityImportArgs, AuthorityShowArgs};
use crate::exit::ExitStatus;
use crate::ingest::decode::{Container, container};
use crate::output;
use crate::score::ranks::{self, INFO_FILE, RankInfo, RankTable, TABLE_FILE, rank_authority};
use crate::settings::Env;
use anyhow::{Context, bail};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Entries sorted in memory before spilling to a temporary file.
const CHUNK: usize = 1_000_000;

/// Longest line of a rank list (`rank,domain` is under 300 bytes).
const MAX_LINE: usize = 64 * 1024;

/// Runs `authority`.
pub fn run(args: AuthorityArgs) -> anyhow::Result<ExitStatus> {
    match args.command {
        AuthorityCommand::Import(a) => import(&a),
        AuthorityCommand::Show(a) => show(&a),
    }
}

/// The list formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Tranco,
    CommonCrawl { rank: usize, host: usize },
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Tranco => "tranco",
            Format::CommonCrawl { .. } => "common-crawl",
        }
    }
}

/// A bad line of the list, naming the file and line.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ImportError {
    file: String,
    line: u64,
    message: String,
}

fn import(args: &AuthorityImportArgs) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let name = args.file.display().to_string();
    let storage = resolve::data_dir(&args.data, &Env::from_process());
    let dir = storage.create_data_dir()?.to_path_buf();
    let mut input = open(&args.file)?;
    // Registered for deletion if the import is interrupted (its sorted chunks can be large).
    let (work, _registration) = crate::interrupt::create_temp(|| {
        let work = tempfile::Builder::new()
            .prefix(".authority-import-")
            .tempdir_in(&dir)?;
        let path = work.path().to_path_buf();
        Ok((work, path))
    })
    .with_context(|| format!("cannot write in `{}`", dir.display()))?;

    let mut format: Option<Format> = None;
    let mut chunk: Vec<(Vec<u8>, u64)> = Vec::new();
    let mut spilled: Vec<PathBuf> = Vec::new();
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut rows = 0u64;
    loop {
        buf.clear();
        // At most one byte past the longest line: a file without line breaks is refused
        // after 64 KiB, not held whole.
        let n = (&mut input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .with_context(|| format!("cannot read `{name}`"))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if buf.len() > MAX_LINE {
            return Err(ImportError {
                file: name.clone(),
                line: line_no,
                message: format!(
                    "a line longer than {} KiB: not a rank list",
                    MAX_LINE / 1024
                ),
            }
            .into());
        }
        let bad = |message: String| ImportError {
            file: name.clone(),
            line: line_no,
            message,
        };
        let line = std::str::from_utf8(&buf)
            .map_err(|_| bad("not UTF-8 text".into()))?
            .trim_start_matches('\u{feff}')
            .trim();
        if line.is_empty() {
            continue;
        }
        let f = match format {
            Some(f) => f,
            None => {
                let f = detect(line).map_err(&bad)?;
                format = Some(f);
                if matches!(f, Format::CommonCrawl { .. })
                    || line.eq_ignore_ascii_case("rank,domain")
                {
                    continue;
                }
                f
            }
        };
        if line.starts_with('#') {
            continue;
        }
        chunk.push(parse(line, f).map_err(bad)?);
        rows += 1;
        if chunk.len() >= CHUNK {
            spilled.push(spill(&mut chunk, work.path(), spilled.len())?);
        }
    }
    let Some(format) = format else {
        bail!("`{name}` holds no ranks");
    };
    if rows == 0 {
        bail!("`{name}` holds no ranks");
    }

    let merged: Box<dyn Iterator<Item = (Vec<u8>, u64)>> = if spilled.is_empty() {
        sort_dedup(&mut chunk);
        Box::new(std::mem::take(&mut chunk).into_iter())
    } else {
        spilled.push(spill(&mut chunk, work.path(), spilled.len())?);
        Box::new(Merge::open(&spilled)?)
    };
    // Both files are written completely before either replaces the old one.
    let mut max_rank = 0;
    let mut entries = 0;
    let table = output::stage(&dir.join(TABLE_FILE), |w| {
        entries = ranks::build(w, merged.inspect(|(_, r)| max_rank = max_rank.max(*r)))
            .map_err(std::io::Error::other)?;
        Ok(())
    })?;
    let info = RankInfo {
        source: crate::ingest::display_name(&args.file),
        format: format.name().into(),
        entries,
        max_rank,
        imported_at: jiff::Timestamp::now().to_string(),
    };
    let info_file = output::stage(&dir.join(INFO_FILE), |w| {
        serde_json::to_writer_pretty(w, &info).map_err(std::io::Error::from)
    })?;
    table.commit()?;
    info_file.commit()?;
    let size = std::fs::metadata(dir.join(TABLE_FILE)).map_or(0, |m| m.len());
    output::write_report(None, |w| {
        writeln!(
            w,
            "imported {entries} domains from {} ({} format, {rows} rows) into {} ({:.1} MB) in {:.1} s",
            info.source,
            info.format,
            dir.join(TABLE_FILE).display(),
            size as f64 / 1e6,
            started.elapsed().as_secs_f64()
        )
    })?;
    Ok(ExitStatus::Pass)
}

/// Opens the list, plain or gzipped; `-` is standard input.
fn open(path: &Path) -> anyhow::Result<Box<dyn BufRead>> {
    let name = path.display();
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).with_context(|| format!("cannot read `{name}`"))?)
    };
    let mut reader = BufReader::with_capacity(1 << 20, raw);
    let head = reader
        .fill_buf()
        .with_context(|| format!("cannot read `{name}`"))?;
    match container(head) {
        Container::Gzip => Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::bufread::MultiGzDecoder::new(reader),
        ))),
        Container::Zip => {
            bail!("`{name}` is a zip archive; unzip it first (e.g. `unzip top-1m.csv.zip`)")
        }
        // Anything else is read as text, and a binary file fails as "not a rank list".
        _ => Ok(Box::new(reader)),
    }
}

fn detect(first: &str) -> Result<Format, String> {
    if first.starts_with("#harmonicc_pos") || first.starts_with("#harmonicc") {
        let cols: Vec<&str> = first.split_whitespace().collect();
        let find = |c: &str| cols.iter().position(|x| *x == c);
        return match (find("#harmonicc_pos"), find("#host_rev")) {
            (Some(rank), Some(host)) => Ok(Format::CommonCrawl { rank, host }),
            _ => Err(format!(
                "a Common Crawl ranks header needs #harmonicc_pos and #host_rev columns, found `{first}`"
            )),
        };
    }
    if first.eq_ignore_ascii_case("rank,domain") || parse(first, Format::Tranco).is_ok() {
        return Ok(Format::Tranco);
    }
    Err(format!(
        "not a rank list: expected Tranco's `rank,domain` (e.g. `1,google.com`) or a Common \
         Crawl ranks header (`#harmonicc_pos #harmonicc_val #pr_pos #pr_val #host_rev`), found `{}`",
        shorten(first)
    ))
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s.to_string()
    }
}

/// One row → (reversed-label key, rank).
fn parse(line: &str, format: Format) -> Result<(Vec<u8>, u64), String> {
    let (rank, name, reversed) = match format {
        Format::Tranco => {
            let (r, d) = line.split_once(',').ok_or_else(|| {
                format!(
                    "expected `rank,domain` (e.g. `1,google.com`), found `{}`",
                    shorten(line)
                )
            })?;
            (r.trim(), d.trim(), false)
        }
        Format::CommonCrawl { rank, host } => {
            let cols: Vec<&str> = line.split_whitespace().collect();
            match (cols.get(rank), cols.get(host)) {
                (Some(r), Some(h)) => (*r, *h, true),
                _ => {
                    return Err(format!(
                        "expected {} columns as in the header, found `{}`",
                        rank.max(host) + 1,
                        shorten(line)
                    ));
                }
            }
        }
    };
    let rank: u64 = rank
        .parse()
        .ok()
        .filter(|r| *r >= 1)
        .ok_or_else(|| format!("`{}` is not a rank (a whole number from 1)", shorten(rank)))?;
    let name = crate::model::host::normalize(name);
    let valid = !name.is_empty()
        && name.contains('.')
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !valid {
        return Err(format!("`{}` is not a domain name", shorten(&name)));
    }
    let key = if reversed {
        name
    } else {
        ranks::reverse_labels(&name)
    };
    Ok((key.into_bytes(), rank))
}

/// Sorts by key and keeps the best (smallest) rank of each.
fn sort_dedup(chunk: &mut Vec<(Vec<u8>, u64)>) {
    chunk.sort_unstable();
    chunk.dedup_by(|later, first| later.0 == first.0);
}

/// Sorts a chunk and writes it to a temporary file: per entry a u32 key length, the key and a
/// u64 rank, little-endian.
fn spill(chunk: &mut Vec<(Vec<u8>, u64)>, dir: &Path, n: usize) -> anyhow::Result<PathBuf> {
    sort_dedup(chunk);
    let path = dir.join(format!("chunk-{n}"));
    let mut w = BufWriter::new(
        std::fs::File::create(&path)
            .with_context(|| format!("cannot write `{}`", path.display()))?,
    );
    for (k, r) in chunk.drain(..) {
        w.write_all(&(k.len() as u32).to_le_bytes())?;
        w.write_all(&k)?;
        w.write_all(&r.to_le_bytes())?;
    }
    w.flush()
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(path)
}

/// A k-way merge of sorted chunk files, yielding each key once with its best rank.
struct Merge {
    readers: Vec<BufReader<std::fs::File>>,
    heap: BinaryHeap<Reverse<(Vec<u8>, u64, usize)>>,
}

impl Merge {
    fn open(paths: &[PathBuf]) -> anyhow::Result<Merge> {
        let mut m = Merge {
            readers: Vec::new(),
            heap: BinaryHeap::new(),
        };
        for (i, p) in paths.iter().enumerate() {
            m.readers.push(BufReader::new(std::fs::File::open(p)?));
            m.refill(i);
        }
        Ok(m)
    }

    fn refill(&mut self, i: usize) {
        let r = &mut self.readers[i];
        let mut len = [0u8; 4];
        if r.read_exact(&mut len).is_err() {
            return;
        }
        let mut key = vec![0u8; u32::from_le_bytes(len) as usize];
        let mut rank = [0u8; 8];
        // Our own files, just written: a short read can only mean the disk failed, and the fst
        // builder then sees a truncated stream, which is caught by the entry count below.
        if r.read_exact(&mut key).is_ok() && r.read_exact(&mut rank).is_ok() {
            self.heap.push(Reverse((key, u64::from_le_bytes(rank), i)));
        }
    }
}

impl Iterator for Merge {
    type Item = (Vec<u8>, u64);

    fn next(&mut self) -> Option<(Vec<u8>, u64)> {
        let Reverse((key, rank, i)) = self.heap.pop()?;
        self.refill(i);
        // The same key from other chunks: ranks come out smallest first, so drop the rest.
        while let Some(Reverse((k, _, _))) = self.heap.peek() {
            if *k != key {
                break;
            }
            let Reverse((_, _, j)) = self.heap.pop().expect("peeked");
            self.refill(j);
        }
        Some((key, rank))
    }
}

fn show(args: &AuthorityShowArgs) -> anyhow::Result<ExitStatus> {
    let storage = resolve::data_dir(&args.data, &Env::from_process());
    let dir = storage.data_dir()?.to_path_buf();
    let Some(table) = RankTable::open(&dir)? else {
        bail!(
            "no rank table in `{}`; import one with `backlinks authority import FILE`",
            dir.display()
        );
    };
    output::write_report(None, |w| {
        let i = &table.info;
        writeln!(
            w,
            "{}: {} domains from {} ({} format, ranks 1-{}), imported {}",
            dir.join(TABLE_FILE).display(),
            i.entries,
            i.source,
            i.format,
            i.max_rank,
            i.imported_at
        )?;
        for d in &args.domains {
            match table.rank(d) {
                Some((rank, name)) => writeln!(
                    w,
                    "{d}: rank {rank} ({name}), authority {}",
                    rank_authority(rank)
                )?,
                None => writeln!(w, "{d}: not listed")?,
            }
        }
        Ok(())
    })?;
    Ok(ExitStatus::Pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_and_rows_parsed() {
        assert_eq!(detect("1,google.com"), Ok(Format::Tranco));
        assert_eq!(detect("rank,domain"), Ok(Format::Tranco));
        let cc = detect("#harmonicc_pos\t#harmonicc_val\t#pr_pos\t#pr_val\t#host_rev\t#n_hosts")
            .unwrap();
        assert_eq!(cc, Format::CommonCrawl { rank: 0, host: 4 });
        assert!(detect("hello world").is_err());
        assert_eq!(
            parse("7,Example.COM", Format::Tranco),
            Ok((b"com.example".to_vec(), 7))
        );
        assert_eq!(
            parse("12\t3.4E7\t9\t0.01\tcom.example.www\t3", cc),
            Ok((b"com.example.www".to_vec(), 12))
        );
        assert!(parse("x,example.com", Format::Tranco).is_err());
        assert!(parse("0,example.com", Format::Tranco).is_err());
        assert!(parse("3,not a domain", Format::Tranco).is_err());
        assert!(parse("3", Format::Tranco).is_err());
    }

    #[test]
    fn chunks_merge_with_best_rank() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = vec![(b"com.b".to_vec(), 5), (b"com.a".to_vec(), 9)];
        let mut b = vec![
            (b"com.a".to_vec(), 2),
            (b"com.c".to_vec(), 1),
            (b"com.c".to_vec(), 4),
        ];
        let pa = spill(&mut a, dir.path(), 0).unwrap();
        let pb = spill(&mut b, dir.path(), 1).unwrap();
        let merged: Vec<(Vec<u8>, u64)> = Merge::open(&[pa, pb]).unwrap().collect();
        assert_eq!(
            merged,
            [
                (b"com.a".to_vec(), 2),
                (b"com.b".to_vec(), 5),
                (b"com.c".to_vec(), 1)
            ]
        );
    }
}

//! The domain rank table behind `rank_list` authority: an open rank list (Tranco, Common Crawl
//! host or domain ranks) imported once with `backlinks authority import` into the data
//! directory as an `fst` map (`authority.fst`, reversed-label keys such as `com.example.www` →
//! rank) plus a small JSON description (`authority.json`). The map is memory-mapped, so a
//! table of millions of domains costs no load time and only the pages a lookup touches.
//!
//! Opening the table is this module's only I/O; lookups are pure.

use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// File name of the map in the data directory.
pub const TABLE_FILE: &str = "authority.fst";
/// File name of its description.
pub const INFO_FILE: &str = "authority.json";

/// What was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankInfo {
    /// The imported file's name.
    pub source: String,
    /// `tranco` or `common-crawl`.
    pub format: String,
    /// Distinct domains (or hosts) in the table.
    pub entries: u64,
    /// Largest rank in the table.
    pub max_rank: u64,
    /// When it was imported, RFC 3339.
    pub imported_at: String,
}

/// An opened rank table.
pub struct RankTable {
    map: fst::Map<memmap2::Mmap>,
    /// Its description.
    pub info: RankInfo,
}

impl std::fmt::Debug for RankTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RankTable")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl RankTable {
    /// Opens the table of `data_dir`; `Ok(None)` when none was imported.
    pub fn open(data_dir: &Path) -> anyhow::Result<Option<RankTable>> {
        let path = data_dir.join(TABLE_FILE);
        if !path.is_file() {
            return Ok(None);
        }
        let info_path = data_dir.join(INFO_FILE);
        let info: RankInfo = serde_json::from_slice(
            &std::fs::read(&info_path)
                .with_context(|| format!("cannot read `{}`", info_path.display()))?,
        )
        .with_context(|| {
            format!(
                "`{}` is damaged; import the rank list again",
                info_path.display()
            )
        })?;
        let file = std::fs::File::open(&path)
            .with_context(|| format!("cannot open `{}`", path.display()))?;
        // SAFETY: the file is never modified in place: `authority import` writes a new file
        // and renames it over the old one, so this mapping keeps seeing the old inode.
        let mmap = unsafe { memmap2::Mmap::map(&file) }
            .with_context(|| format!("cannot map `{}`", path.display()))?;
        let map = fst::Map::new(mmap).with_context(|| {
            format!(
                "`{}` is not a rank table; import the rank list again",
                path.display()
            )
        })?;
        Ok(Some(RankTable { map, info }))
    }

    /// The rank of `host`, trying the host itself and then each parent domain (so both host
    /// ranks and registrable-domain ranks answer); returns the rank and the name that matched.
    pub fn rank(&self, host: &str) -> Option<(u64, String)> {
        let host = crate::model::host::normalize(host);
        let mut name = host.as_str();
        loop {
            if let Some(rank) = self.map.get(reverse_labels(name)) {
                return Some((rank, name.to_string()));
            }
            // Stop before bare public suffixes such as `com` or `co.uk`.
            let (_, parent) = name.split_once('.')?;
            if !parent.contains('.') {
                return None;
            }
            name = parent;
        }
    }
}

/// `www.example.com` → `com.example.www` (the key order of the table: shared suffixes make
/// shared prefixes, which the fst stores once).
pub fn reverse_labels(host: &str) -> String {
    let mut labels: Vec<&str> = host.split('.').collect();
    labels.reverse();
    labels.join(".")
}

/// Authority 0-100 from a rank: `100 − 100 × log10(rank) / 7`, so rank 1 is 100, rank 1,000 is
/// 57, rank 100,000 is 29, rank 1,000,000 is 14, rank 10,000,000 and beyond 1 (being listed at
/// all is worth something).
pub fn rank_authority(rank: u64) -> u8 {
    let a = 100.0 - 100.0 * (rank.max(1) as f64).log10() / 7.0;
    a.round().clamp(1.0, 100.0) as u8
}

/// Builds a table from `(reversed key, rank)` pairs in key order into `writer`.
pub fn build<W: std::io::Write>(
    writer: W,
    sorted: impl Iterator<Item = (Vec<u8>, u64)>,
) -> Result<u64, fst::Error> {
    let mut b = fst::MapBuilder::new(writer)?;
    let mut n = 0;
    for (k, v) in sorted {
        b.insert(k, v)?;
        n += 1;
    }
    b.finish()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_scale() {
        assert_eq!(rank_authority(1), 100);
        assert_eq!(rank_authority(10), 86);
        assert_eq!(rank_authority(1_000), 57);
        assert_eq!(rank_authority(100_000), 29);
        assert_eq!(rank_authority(1_000_000), 14);
        assert_eq!(rank_authority(500_000_000), 1);
        assert!(rank_authority(2) < 100);
    }

    #[test]
    fn lookups_fall_back_to_parent_domains() {
        let dir = tempfile::tempdir().unwrap();
        let mut entries = vec![
            (reverse_labels("example.com").into_bytes(), 7),
            (reverse_labels("blog.other.org").into_bytes(), 42),
        ];
        entries.sort();
        let f = std::fs::File::create(dir.path().join(TABLE_FILE)).unwrap();
        build(std::io::BufWriter::new(f), entries.into_iter()).unwrap();
        let info = RankInfo {
            source: "t.csv".into(),
            format: "tranco".into(),
            entries: 2,
            max_rank: 42,
            imported_at: "2026-01-01T00:00:00Z".into(),
        };
        std::fs::write(
            dir.path().join(INFO_FILE),
            serde_json::to_vec(&info).unwrap(),
        )
        .unwrap();
        let t = RankTable::open(dir.path()).unwrap().unwrap();
        assert_eq!(t.rank("www.example.com"), Some((7, "example.com".into())));
        assert_eq!(t.rank("EXAMPLE.com."), Some((7, "example.com".into())));
        assert_eq!(
            t.rank("blog.other.org"),
            Some((42, "blog.other.org".into()))
        );
        assert_eq!(t.rank("other.org"), None);
        assert_eq!(t.rank("com"), None);
        assert!(RankTable::open(&dir.path().join("none")).unwrap().is_none());
    }
}

//! `discover graph fetch RELEASE`: downloads a web-graph release's domain-level files once
//! into the data directory (`commoncrawl/RELEASE/`), saying their size before it starts. Each
//! file is written to `NAME.part` and renamed when complete, so a file under its own name is
//! whole; an interrupted download (Ctrl-C, a lost connection beyond the retries) is resumed
//! from the bytes already there by the next run, with a `Range` request. A server that ignores
//! the range sends the whole file, the bytes already there are skipped; one that answers
//! another range than asked is not trusted: the part is discarded and the file downloaded
//! from the start.

use super::graph::FILES;
use super::http::{HttpReader, HttpSettings};
use anyhow::{Context, bail};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use url::Url;

/// Where Common Crawl publishes the web graphs over HTTPS.
pub const BASE_URL: &str = "https://data.commoncrawl.org/projects/hyperlinkgraph/";

/// One file of a release to download.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Its URL.
    pub url: Url,
    /// Where it goes.
    pub path: PathBuf,
    /// Its size, when the server said.
    pub size: Option<u64>,
    /// Bytes already downloaded (the complete file, or the part kept).
    pub have: u64,
}

impl Planned {
    fn part(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".part");
        self.path.with_file_name(name)
    }

    /// Whether the file is already complete.
    pub fn done(&self) -> bool {
        self.path.is_file()
    }
}

/// Checks a release name: Common Crawl's `cc-main-YYYY-...` names (letters, digits, `-`).
pub fn check_release(name: &str) -> anyhow::Result<()> {
    let ok = name.starts_with("cc-main-")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        bail!(
            "`{name}` is not a web-graph release name (e.g. cc-main-2026-mar-apr-may; the \
             releases are listed at https://commoncrawl.org/web-graphs)"
        );
    }
    Ok(())
}

/// The files of `release` under `base` (a URL ending in `/`) and where they go in `dir`, with
/// their sizes (one `HEAD` request each) and what is already there.
pub fn plan(
    handle: &tokio::runtime::Handle,
    client: &reqwest::Client,
    base: &Url,
    release: &str,
    dir: &Path,
) -> anyhow::Result<Vec<Planned>> {
    let mut out = Vec::new();
    for suffix in FILES {
        let name = format!("{release}-domain{suffix}");
        let url = base
            .join(&format!("{release}/domain/{name}"))
            .with_context(|| format!("cannot make a URL of `{base}` and `{name}`"))?;
        let path = dir.join(&name);
        let resp = handle
            .block_on(client.head(url.clone()).send())
            .with_context(|| format!("{url}: the request failed"))?;
        if !resp.status().is_success() {
            bail!(
                "{url}: HTTP {} (is `{release}` a published release?)",
                resp.status().as_u16()
            );
        }
        // The header itself: a HEAD response has no body, so its size hint is 0.
        let size = resp
            .headers()
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let mut p = Planned {
            url,
            path,
            size,
            have: 0,
        };
        p.have = if p.done() {
            std::fs::metadata(&p.path).map_or(0, |m| m.len())
        } else {
            std::fs::metadata(p.part()).map_or(0, |m| m.len())
        };
        out.push(p);
    }
    Ok(out)
}

/// Downloads one planned file, resuming its part, calling `progress(bytes)` with each chunk.
pub fn download(
    handle: &tokio::runtime::Handle,
    client: &reqwest::Client,
    settings: &HttpSettings,
    file: &Planned,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<()> {
    if file.done() {
        return Ok(());
    }
    let part = file.part();
    let mut from = std::fs::metadata(&part).map_or(0, |m| m.len());
    if file.size.is_some_and(|s| from > s) {
        // Longer than the file: not a part of it.
        from = 0;
    }
    match fetch_into(handle, client, settings, file, &part, from, progress) {
        Err(e) if from > 0 && is_bad_range(&e) => {
            crate::output::warn(&format!(
                "{}: {e:#}; downloading it again from the start",
                file.url
            ));
            fetch_into(handle, client, settings, file, &part, 0, progress)?;
        }
        other => other?,
    }
    let got = std::fs::metadata(&part).map_or(0, |m| m.len());
    if let Some(size) = file.size
        && got != size
    {
        bail!(
            "{}: {got} of {size} bytes downloaded; run the command again to resume",
            file.url
        );
    }
    std::fs::rename(&part, &file.path).with_context(|| {
        format!(
            "cannot rename `{}` to `{}`",
            part.display(),
            file.path.display()
        )
    })
}

fn is_bad_range(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData)
    })
}

fn fetch_into(
    handle: &tokio::runtime::Handle,
    client: &reqwest::Client,
    settings: &HttpSettings,
    file: &Planned,
    part: &Path,
    from: u64,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<()> {
    let mut body = HttpReader::open_at(
        handle.clone(),
        client.clone(),
        file.url.clone(),
        settings.clone(),
        from,
    )
    .with_context(|| format!("{}: the download failed", file.url))?;
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(from == 0)
        .append(from > 0)
        .open(part)
        .with_context(|| format!("cannot write `{}`", part.display()))?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = body
            .read(&mut buf)
            .with_context(|| format!("{}: the download failed", file.url))?;
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n])
            .with_context(|| format!("cannot write `{}`", part.display()))?;
        progress(n as u64);
    }
    out.flush()
        .with_context(|| format!("cannot write `{}`", part.display()))
}

/// `1.2 GB`, `640 MB`, `12 kB`.
pub fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{:.1} GB", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{:.0} MB", n as f64 / 1e6),
        n if n >= 1_000 => format!("{:.0} kB", n as f64 / 1e3),
        n => format!("{n} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names_are_checked() {
        assert!(check_release("cc-main-2026-mar-apr-may").is_ok());
        assert!(check_release("../etc").is_err());
        assert!(check_release("CC-MAIN-2025-08").is_err());
        assert_eq!(human_bytes(15_300_000_000), "15.3 GB");
        assert_eq!(human_bytes(640_000_000), "640 MB");
    }
}

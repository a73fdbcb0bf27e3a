//! Feature dump for training the placement model: for every page of a labelled set, every link
//! `inspect` reports, with its resolved href, anchor text, the rules' placement and the feature
//! vector the model reads (one JSON object per link, document order).
//!
//! ```sh
//! cargo run --release --example placement_features -- SET_DIR OUT.jsonl
//! ```
//!
//! `SET_DIR` holds `pages/<id>.html[.gz]` and `pages.json` (`{"<id>": "<page URL>"}`), the
//! layout `scripts/placement/train.py` and the evaluator read. The first line of the output
//! names the features.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [set, out] = args.as_slice() else {
        anyhow::bail!("usage: placement_features SET_DIR OUT.jsonl");
    };
    let set = PathBuf::from(set);
    let urls: std::collections::BTreeMap<String, String> =
        serde_json::from_reader(std::fs::File::open(set.join("pages.json"))?)?;
    let pages: Vec<(String, String)> = urls.into_iter().collect();
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    writeln!(
        w,
        "{}",
        serde_json::json!({
            "features": backlinks::extract::FEATURE_NAMES.as_slice(),
            "model": backlinks::extract::model_version().0,
        })
    )?;
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = Mutex::new(0usize);
    let (tx, rx) = mpsc::channel::<(usize, String)>();
    std::thread::scope(|s| -> anyhow::Result<()> {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, pages, set) = (&next, &pages, &set);
            s.spawn(move || {
                loop {
                    let i = {
                        let mut n = next.lock().expect("lock");
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some((id, url)) = pages.get(i) else { break };
                    let lines = dump_page(set, id, url).unwrap_or_else(|e| {
                        serde_json::json!({ "page": id, "error": e.to_string() }).to_string() + "\n"
                    });
                    if tx.send((i, lines)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Pages come back in any order; they are written in id order.
        let mut pending = std::collections::BTreeMap::new();
        let mut at = 0usize;
        for (i, lines) in rx {
            pending.insert(i, lines);
            while let Some(lines) = pending.remove(&at) {
                w.write_all(lines.as_bytes())?;
                at += 1;
            }
        }
        Ok(())
    })?;
    w.flush()?;
    Ok(())
}

fn dump_page(set: &Path, id: &str, url: &str) -> anyhow::Result<String> {
    let plain = set.join("pages").join(format!("{id}.html"));
    let path = if plain.exists() {
        plain
    } else {
        set.join("pages").join(format!("{id}.html.gz"))
    };
    let raw = std::fs::read(&path)?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut out)?;
        out
    } else {
        raw
    };
    let (text, _, _) = backlinks::crawl::decode::decode_html(&bytes, None, None);
    let base = url::Url::parse(url).ok();
    let mut lines = String::new();
    for (link, x) in backlinks::extract::dump_features(&text, base.as_ref()) {
        lines.push_str(
            &serde_json::json!({
                "page": id,
                "href": link.href,
                "anchor_text": link.anchor_text,
                "placement": link.placement,
                "x": x,
            })
            .to_string(),
        );
        lines.push('\n');
    }
    Ok(lines)
}

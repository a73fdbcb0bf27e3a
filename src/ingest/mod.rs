//! Ingest stage: the user's inputs → a de-duplicated list of [`Candidate`] pages.
//!
//! Synchronous and free of network access. Each input is read whole, recognised, parsed into
//! (line, URL) listings, and every listing is merged into one candidate per normalised URL that
//! remembers where it was listed (`provenance`). Input problems that make the audit
//! untrustworthy are [`IngestError`]s (exit 2); with `--skip-invalid` a bad line becomes a
//! warning instead.

mod url_list;

use crate::model::{Candidate, Claims, InputFormat, Provenance, normalize_url, registrable_domain};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use url::Url;

pub use url_list::parse_url_list;

/// A run-ending input problem. Every variant names the input and, where there is one, the line.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The input as named by the user.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line is not what the format requires.
    #[error("{path}:{line}: {reason}")]
    InvalidLine {
        /// The input as named by the user.
        path: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong, quoting the offending text.
        reason: String,
    },
    /// The input is not text this tool can read.
    #[error("`{path}` {reason}")]
    Unreadable {
        /// The input as named by the user.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// All inputs together listed no page.
    #[error("no candidate pages found in {inputs}")]
    Empty {
        /// The inputs, comma-separated.
        inputs: String,
    },
    /// `-` was given more than once.
    #[error("standard input (`-`) can be given only once")]
    StdinTwice,
}

/// A listing found in an input, before merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The page URL as parsed (not yet normalised).
    pub url: Url,
    /// 1-based line.
    pub line: u64,
}

/// What the ingest stage produced.
#[derive(Debug, Default)]
pub struct Ingested {
    /// One per normalised URL, in first-seen order.
    pub candidates: Vec<Candidate>,
    /// Problems that did not stop the run (skipped invalid lines...), for stderr.
    pub warnings: Vec<String>,
}

/// Options of the ingest stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct IngestOptions {
    /// Turn invalid lines into warnings instead of errors.
    pub skip_invalid: bool,
}

/// Reads every input (`-` is standard input) and merges the candidates.
pub fn read_candidates(paths: &[PathBuf], opts: IngestOptions) -> Result<Ingested, IngestError> {
    let mut merger = Merger::default();
    let mut warnings = Vec::new();
    let mut stdin_used = false;
    for path in paths {
        let name = display_name(path);
        let bytes = if path.as_os_str() == "-" {
            if stdin_used {
                return Err(IngestError::StdinTwice);
            }
            stdin_used = true;
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .map_err(|source| IngestError::Read {
                    path: name.clone(),
                    source,
                })?;
            buf
        } else {
            read_file(path, &name)?
        };
        let listings = parse_url_list(&name, &bytes, opts, &mut warnings)?;
        for l in listings {
            merger.add(
                l.url,
                Provenance {
                    input: name.clone(),
                    line: l.line,
                    format: InputFormat::UrlList,
                    claims: Claims::default(),
                },
            );
        }
    }
    let candidates = merger.finish();
    if candidates.is_empty() {
        let inputs = paths.iter().map(|p| display_name(p)).collect::<Vec<_>>();
        return Err(IngestError::Empty {
            inputs: inputs.join(", "),
        });
    }
    Ok(Ingested {
        candidates,
        warnings,
    })
}

/// The name of an input as reports show it: the path as given, `-` for standard input.
pub fn display_name(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn read_file(path: &Path, name: &str) -> Result<Vec<u8>, IngestError> {
    if path.is_dir() {
        return Err(IngestError::Unreadable {
            path: name.to_string(),
            reason: "is a directory, not a file".into(),
        });
    }
    std::fs::read(path).map_err(|source| IngestError::Read {
        path: name.to_string(),
        source,
    })
}

/// Merges listings into candidates keyed by normalised URL, keeping first-seen order.
#[derive(Default)]
pub struct Merger {
    index: HashMap<Url, usize>,
    candidates: Vec<Candidate>,
}

impl Merger {
    /// Adds one listing.
    pub fn add(&mut self, url: Url, provenance: Provenance) {
        let url = normalize_url(url);
        match self.index.get(&url) {
            Some(&i) => self.candidates[i].provenance.push(provenance),
            None => {
                let domain = registrable_domain(url.host_str().unwrap_or_default());
                self.index.insert(url.clone(), self.candidates.len());
                self.candidates.push(Candidate {
                    url,
                    domain,
                    provenance: vec![provenance],
                });
            }
        }
    }

    /// The merged candidates.
    pub fn finish(self) -> Vec<Candidate> {
        self.candidates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merger_deduplicates_and_keeps_every_source() {
        let mut m = Merger::default();
        let p = |input: &str, line| Provenance {
            input: input.into(),
            line,
            format: InputFormat::UrlList,
            claims: Claims::default(),
        };
        m.add(Url::parse("https://A.test/x#frag").unwrap(), p("a.txt", 1));
        m.add(Url::parse("https://a.test:443/x").unwrap(), p("b.txt", 7));
        m.add(Url::parse("https://a.test/y").unwrap(), p("a.txt", 2));
        let c = m.finish();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].url.as_str(), "https://a.test/x");
        assert_eq!(c[0].sources(), ["a.txt", "b.txt"]);
        assert_eq!(c[0].provenance[1].line, 7);
    }
}

//! Google's rules for a disavow file, checked before an upload is rejected (or, worse,
//! half-accepted): a `.txt` file of UTF-8 or 7-bit ASCII text, at most 2 MB and 100,000 lines
//! (comments and blank lines count), one URL or `domain:` entry per line, URLs at most 2,048
//! characters, no wildcards, no paths or schemes in `domain:` entries, no URLs without a
//! scheme. Each problem names its line.
//!
//! Problems make the file invalid; warnings (duplicates, URLs already covered by a `domain:`
//! entry, a byte-order mark) do not, but are worth cleaning up.

use super::{DisavowFile, Entry};
use crate::model::host;
use std::collections::HashMap;

/// Largest file Google accepts, in bytes (2 MB, read strictly as 2,000,000 bytes).
pub const MAX_BYTES: usize = 2_000_000;
/// Most lines Google accepts, comments and blank lines included.
pub const MAX_LINES: usize = 100_000;

/// One finding of the validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line, None for the file as a whole.
    pub line: Option<usize>,
    /// True for a problem that makes the file invalid, false for a warning.
    pub invalid: bool,
    /// What is wrong, and how to fix it.
    pub message: String,
}

/// The validator's verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Problems and warnings, by line (file-level ones first).
    pub findings: Vec<Finding>,
    /// Lines in the file.
    pub lines: usize,
    /// `domain:` entries.
    pub domains: usize,
    /// URL entries.
    pub urls: usize,
}

impl Report {
    /// Problems that make the file invalid.
    pub fn problems(&self) -> usize {
        self.findings.iter().filter(|f| f.invalid).count()
    }

    /// Warnings.
    pub fn warnings(&self) -> usize {
        self.findings.len() - self.problems()
    }
}

/// Checks the bytes of a disavow file named `name`. A file over [`MAX_BYTES`] is reported as
/// that alone: Google rejects it whatever its lines say, and parsing 100 MB to say more
/// would only take time (`disavow validate` reads no more than one byte past the limit).
pub fn validate(bytes: &[u8], name: &str) -> Report {
    validate_sized(bytes, name, bytes.len() as u64)
}

/// [`validate`] for a file of `size` bytes of which `bytes` were read (all of them, or the
/// first [`MAX_BYTES`] + 1 of a larger one).
pub fn validate_sized(bytes: &[u8], name: &str, size: u64) -> Report {
    let mut file_level = Vec::new();
    let mut problem = |message: String| {
        file_level.push(Finding {
            line: None,
            invalid: true,
            message,
        })
    };
    let ext_ok = std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"));
    if !ext_ok {
        problem("the file name must end in .txt".into());
    }
    if size > MAX_BYTES as u64 || bytes.len() > MAX_BYTES {
        problem(format!(
            "{} bytes; Google accepts at most 2 MB ({MAX_BYTES} bytes): use domain: entries \
             instead of many URLs of one site (the lines were not checked)",
            size.max(bytes.len() as u64)
        ));
        return Report {
            findings: file_level,
            ..Report::default()
        };
    }
    let mut findings = Vec::new();
    let mut bad_line = None;
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(e) => {
            let line = crate::ingest::decode::utf8_error_line(bytes, &e);
            bad_line = Some(line);
            findings.push(Finding {
                line: Some(line),
                invalid: true,
                message: "not UTF-8 text (an invalid byte sequence): save the file as UTF-8".into(),
            });
            String::from_utf8_lossy(bytes)
        }
    };
    if text.starts_with('\u{feff}') {
        findings.push(Finding {
            line: Some(1),
            invalid: false,
            message: "starts with a byte-order mark; plain UTF-8 without one is safest".into(),
        });
    }
    let file = DisavowFile::parse(&text);
    if file.lines.len() > MAX_LINES {
        problem(format!(
            "{} lines; Google accepts at most {MAX_LINES}, comments and blank lines included",
            file.lines.len()
        ));
    }
    let mut report = Report {
        lines: file.lines.len(),
        ..Report::default()
    };
    // First line of each entry, and the domain entries, for duplicates and coverage.
    let mut first: HashMap<&Entry, usize> = HashMap::new();
    let mut domains: HashMap<&str, usize> = HashMap::new();
    for (no, e) in file.entries() {
        if let Entry::Domain(d) = e {
            domains.entry(d.as_str()).or_insert(no);
        }
    }
    for (i, line) in file.lines.iter().enumerate() {
        let no = i + 1;
        if bad_line == Some(no) {
            continue;
        }
        if line.text.contains('\0') {
            findings.push(Finding {
                line: Some(no),
                invalid: true,
                message: "holds a NUL byte: the file must be plain text".into(),
            });
            continue;
        }
        match &line.kind {
            super::LineKind::Invalid(why) => findings.push(Finding {
                line: Some(no),
                invalid: true,
                message: why.clone(),
            }),
            super::LineKind::Entry(e) => {
                match e {
                    Entry::Domain(_) => report.domains += 1,
                    Entry::Url(_) => report.urls += 1,
                }
                if let Some(&earlier) = first.get(e) {
                    findings.push(Finding {
                        line: Some(no),
                        invalid: false,
                        message: format!("duplicate of line {earlier}"),
                    });
                    continue;
                }
                first.insert(e, no);
                if let Entry::Url(u) = e
                    && let Some(host) = host::of_url(u)
                    && let Some((d, at)) = covering(&domains, &host)
                {
                    findings.push(Finding {
                        line: Some(no),
                        invalid: false,
                        message: format!("already covered by domain:{d} (line {at})"),
                    });
                }
            }
            _ => {}
        }
    }
    findings.sort_by_key(|f| f.line);
    file_level.extend(findings);
    report.findings = file_level;
    report
}

/// The `domain:` entry covering `host` (the host itself or a parent), if any.
fn covering<'a>(domains: &HashMap<&'a str, usize>, host: &str) -> Option<(&'a str, usize)> {
    let mut rest = host;
    loop {
        if let Some((d, at)) = domains.get_key_value(rest) {
            return Some((d, *at));
        }
        rest = rest.split_once('.')?.1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(r: &Report) -> Vec<(Option<usize>, bool)> {
        r.findings.iter().map(|f| (f.line, f.invalid)).collect()
    }

    #[test]
    fn a_good_file_passes() {
        let r = validate(
            b"# spam\ndomain:spam.test\n\nhttps://blog.test/post\n",
            "disavow.txt",
        );
        assert_eq!(r.findings, []);
        assert_eq!((r.lines, r.domains, r.urls), (4, 1, 1));
    }

    #[test]
    fn every_problem_names_its_line() {
        let r = validate(
            b"domain:spam.test\nhttps://www.spam.test/x\nspam.test/page\n*.spam.test\n\
              domain:spam.test\ndomain:spam.test/blog\nhttps://a.test/ https://b.test/\n\xff\n",
            "disavow.csv",
        );
        assert_eq!(
            lines(&r),
            [
                (None, true),
                (Some(2), false),
                (Some(3), true),
                (Some(4), true),
                (Some(5), false),
                (Some(6), true),
                (Some(7), true),
                (Some(8), true),
            ]
        );
        assert_eq!(r.problems(), 6);
        assert_eq!(r.warnings(), 2);
        assert!(r.findings[0].message.contains(".txt"));
    }

    #[test]
    fn size_and_line_limits() {
        let many = "\n".repeat(MAX_LINES + 1);
        let r = validate(many.as_bytes(), "d.txt");
        assert!(r.findings[0].message.contains("100000"), "{:?}", r.findings);
        let big = format!("# {}\n", "x".repeat(MAX_BYTES));
        let r = validate(big.as_bytes(), "d.txt");
        assert!(r.findings[0].message.contains("2 MB"));
        // Over the size limit, nothing else is looked at.
        let big = format!("*.bad\n{}", "#\n".repeat(MAX_BYTES));
        let r = validate(big.as_bytes(), "d.txt");
        assert_eq!(lines(&r), [(None, true)]);
        let r = validate_sized(b"domain:a.test\n", "d.txt", 100_000_000);
        assert!(
            r.findings[0].message.starts_with("100000000 bytes"),
            "{:?}",
            r.findings
        );
    }
}

//! Plain URL lists: one URL per line; blank lines and `#` comments ignored; surrounding
//! whitespace and a UTF-8 byte-order mark tolerated.

use super::{IngestError, IngestOptions, Listing};
use url::Url;

/// Parses a URL list. A line that is not an absolute http(s) URL is an error naming the file
/// and line, or with `skip_invalid` a warning pushed to `warnings`.
pub fn parse_url_list(
    name: &str,
    bytes: &[u8],
    opts: IngestOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<Listing>, IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = i as u64 + 1;
        let text = match std::str::from_utf8(raw) {
            Ok(t) => t,
            Err(_) => {
                return Err(IngestError::InvalidLine {
                    path: name.to_string(),
                    line,
                    reason: "is not UTF-8 text (save the list as UTF-8)".into(),
                });
            }
        };
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        match parse_page_url(text) {
            Ok(url) => out.push(Listing { url, line }),
            Err(reason) => {
                let err = IngestError::InvalidLine {
                    path: name.to_string(),
                    line,
                    reason,
                };
                if opts.skip_invalid {
                    warnings.push(format!("skipped {err}"));
                } else {
                    return Err(err);
                }
            }
        }
    }
    Ok(out)
}

/// Parses one absolute http(s) URL with a host, explaining a rejection in words.
pub fn parse_page_url(text: &str) -> Result<Url, String> {
    let shown = quote(text);
    let url = Url::parse(text).map_err(|e| format!("not an http(s) URL: {shown} ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "not an http(s) URL: {shown} (scheme `{}`)",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("not an http(s) URL: {shown} (no host)"));
    }
    Ok(url)
}

/// Quotes user text for an error message, shortened and without control characters.
fn quote(text: &str) -> String {
    let mut s: String = text.chars().filter(|c| !c.is_control()).take(80).collect();
    if text.chars().count() > 80 {
        s.push('…');
    }
    format!("\"{s}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, skip: bool) -> (Result<Vec<Listing>, IngestError>, Vec<String>) {
        let mut w = Vec::new();
        let r = parse_url_list(
            "links.txt",
            text.as_bytes(),
            IngestOptions { skip_invalid: skip },
            &mut w,
        );
        (r, w)
    }

    #[test]
    fn comments_blanks_bom_and_whitespace() {
        let (r, _) = parse(
            "\u{feff}# list\n\n  https://a.test/x  \r\nhttp://b.test\n",
            false,
        );
        let l = r.unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].line, 3);
        assert_eq!(l[1].url.as_str(), "http://b.test/");
        assert_eq!(l[1].line, 4);
    }

    #[test]
    fn invalid_line_names_file_and_line() {
        let (r, _) = parse("https://a.test\nnot a url\n", false);
        let e = r.unwrap_err().to_string();
        assert!(
            e.starts_with("links.txt:2: not an http(s) URL: \"not a url\""),
            "{e}"
        );
        let (r, _) = parse("mailto:x@a.test\n", false);
        assert!(r.unwrap_err().to_string().contains("scheme `mailto`"));
    }

    #[test]
    fn skip_invalid_turns_errors_into_warnings() {
        let (r, w) = parse("ftp://a.test/\nhttps://ok.test/\n", true);
        assert_eq!(r.unwrap().len(), 1);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("links.txt:1"));
    }
}

//! Plain URL lists: one URL per line; blank lines and `#` comments ignored; surrounding
//! whitespace and a byte-order mark tolerated; a lone column title on the first line (`url`,
//! `links`...) skipped. Read line by line, so a list of any size streams.

use super::IngestError;
use super::schema::{Skip, header_key, quote};
use super::stats::Tally;
use std::io::{BufRead, Read};
use url::Url;

/// Longest line read; a longer one is not a URL anyone typed or exported.
pub const MAX_LINE: usize = 64 * 1024;

/// Column titles a one-column CSV of URLs starts with.
const TITLES: [&str; 12] = [
    "url",
    "urls",
    "link",
    "links",
    "page",
    "pages",
    "address",
    "sourceurl",
    "referringpage",
    "referringpageurl",
    "linkingpage",
    "backlinks",
];

/// Reads a URL list, calling `listed(line, url)` for every URL. A line that is not an
/// absolute http(s) URL is an error naming the input and line, or with `skip_invalid` a
/// counted warning.
pub fn read_url_list(
    name: &str,
    reader: &mut dyn BufRead,
    skip_invalid: bool,
    tally: &mut Tally,
    mut listed: impl FnMut(&mut Tally, u64, Url),
) -> Result<(), IngestError> {
    let mut buf = Vec::new();
    let mut line = 0u64;
    let mut seen_content = false;
    loop {
        buf.clear();
        let n = Read::take(&mut *reader, MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|source| IngestError::Read {
                path: name.to_string(),
                source,
            })?;
        if n == 0 {
            break;
        }
        line += 1;
        let too_long = buf.len() > MAX_LINE && !buf.ends_with(b"\n");
        if too_long {
            // Drop the rest of the line without keeping it.
            let mut rest = 0;
            loop {
                let chunk = reader.fill_buf().map_err(|source| IngestError::Read {
                    path: name.to_string(),
                    source,
                })?;
                if chunk.is_empty() {
                    break;
                }
                match chunk.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        reader.consume(i + 1);
                        break;
                    }
                    None => {
                        rest += chunk.len();
                        let len = chunk.len();
                        reader.consume(len);
                    }
                }
            }
            let reason = format!(
                "line is longer than {} KiB ({} bytes or more): not a URL",
                MAX_LINE / 1024,
                buf.len() + rest
            );
            // A skipped line is still a row read: rows = listed + skipped + filtered.
            tally.rows += 1;
            fail(
                name,
                line,
                skip_invalid,
                tally,
                Skip::new("line too long", reason),
            )?;
            continue;
        }
        let Ok(text) = std::str::from_utf8(&buf) else {
            let skip = Skip::new(
                "not UTF-8 text",
                "is not UTF-8 text (save the list as UTF-8)".to_string(),
            );
            tally.rows += 1;
            fail(name, line, skip_invalid, tally, skip)?;
            continue;
        };
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let first = !seen_content;
        seen_content = true;
        if first && TITLES.contains(&header_key(text).as_str()) {
            continue;
        }
        tally.rows += 1;
        let parsed = parse_page_url(text).or_else(|reason| match schemeless(text) {
            // A bare domain or a URL without its scheme, as Moz exports and people write
            // them: read as http:// (a site that wants https redirects), and counted.
            Some(url) => {
                tally.odd.schemeless += 1;
                Ok(url)
            }
            None => Err(reason),
        });
        match parsed {
            Ok(url) => listed(tally, line, url),
            Err(reason) => fail(
                name,
                line,
                skip_invalid,
                tally,
                Skip::new("not an http(s) URL", reason),
            )?,
        }
    }
    Ok(())
}

fn fail(
    name: &str,
    line: u64,
    skip_invalid: bool,
    tally: &mut Tally,
    skip: Skip,
) -> Result<(), IngestError> {
    if skip_invalid {
        tally.skip(line, skip);
        Ok(())
    } else {
        Err(IngestError::InvalidLine {
            path: name.to_string(),
            line,
            reason: skip.detail,
        })
    }
}

/// A page written without its scheme (`example.org/page`, or a bare `example.org`), as
/// http://; None for text that does not look like a host name first.
pub fn schemeless(text: &str) -> Option<Url> {
    let looks_like = !text.contains("://")
        && !text.contains(char::is_whitespace)
        && text
            .split('/')
            .next()
            .is_some_and(|host| host.contains('.') && !host.contains(':'));
    looks_like
        .then(|| parse_page_url(&format!("http://{text}")).ok())
        .flatten()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, skip: bool) -> (Result<Vec<(u64, String)>, IngestError>, Tally) {
        let mut tally = Tally::default();
        let mut out = Vec::new();
        let r = read_url_list(
            "links.txt",
            &mut text.as_bytes(),
            skip,
            &mut tally,
            |_, line, url| out.push((line, url.to_string())),
        );
        (r.map(|()| out), tally)
    }

    #[test]
    fn comments_blanks_bom_whitespace_and_a_title() {
        let (r, _) = parse(
            "\u{feff}# list\nURL\n\n  https://a.test/x  \r\nhttp://b.test\n",
            false,
        );
        let l = r.unwrap();
        assert_eq!(
            l,
            [(4, "https://a.test/x".into()), (5, "http://b.test/".into())]
        );
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
    fn skip_invalid_turns_errors_into_counted_warnings() {
        let long = format!(
            "https://a.test/{}\nhttps://ok.test/\n",
            "x".repeat(MAX_LINE * 3)
        );
        let (r, t) = parse(&format!("ftp://a.test/\n{long}"), true);
        assert_eq!(r.unwrap(), [(3, "https://ok.test/".into())]);
        assert_eq!(t.skipped(), 2);
        let (r, _) = parse(&long, false);
        assert!(
            r.unwrap_err()
                .to_string()
                .contains("links.txt:1: line is longer than 64 KiB")
        );
    }
}

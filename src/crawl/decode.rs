//! Character decoding of fetched bodies, in the order browsers use: byte-order mark, then the
//! `Content-Type` charset, then a `<meta charset>` / `http-equiv` prescan of the first 1024
//! bytes, then a statistical guess (chardetng, Firefox's detector). `reqwest`'s `text()` only
//! looks at the header and would mangle the many windows-1252 and Shift_JIS pages that declare
//! their charset in `<meta>` or nowhere.

use crate::model::EncodingSource;
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How many bytes the `<meta>` prescan looks at (the HTML standard's limit).
const PRESCAN_BYTES: usize = 1024;

/// Decodes an HTML body. `tld` (e.g. `b"jp"`) helps the detector when nothing is declared.
pub fn decode_html(
    bytes: &[u8],
    content_type: Option<&str>,
    tld: Option<&[u8]>,
) -> (String, &'static Encoding, EncodingSource) {
    let (encoding, source) = sniff(bytes, content_type, tld);
    // `decode` strips a BOM of the chosen encoding and replaces malformed sequences with U+FFFD.
    let (text, _, _) = encoding.decode(bytes);
    (text.into_owned(), encoding, source)
}

fn sniff(
    bytes: &[u8],
    content_type: Option<&str>,
    tld: Option<&[u8]>,
) -> (&'static Encoding, EncodingSource) {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return (enc, EncodingSource::Bom);
    }
    if let Some(enc) = content_type.and_then(charset_param).and_then(label) {
        return (enc, EncodingSource::Header);
    }
    if let Some(enc) = prescan_meta(&bytes[..bytes.len().min(PRESCAN_BYTES)]) {
        return (enc, EncodingSource::Meta);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(
        &bytes[..bytes.len().min(64 * 1024)],
        bytes.len() <= 64 * 1024,
    );
    (
        detector.guess(tld, chardetng::Utf8Detection::Allow),
        EncodingSource::Detected,
    )
}

/// Maps a label to an encoding the way the HTML standard does for documents: UTF-16 labels in
/// `<meta>` or headers mean UTF-8 (the bytes were already parsed as ASCII-compatible), and
/// `x-user-defined` means windows-1252.
fn label(l: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(l.trim().as_bytes())?;
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        Some(UTF_8)
    } else if enc == encoding_rs::X_USER_DEFINED {
        Some(WINDOWS_1252)
    } else {
        Some(enc)
    }
}

/// The `charset` parameter of a `Content-Type`-like value (`text/html; charset="utf-8"`).
pub fn charset_param(value: &str) -> Option<&str> {
    let lower = value.to_ascii_lowercase();
    let idx = lower.find("charset")?;
    let rest = value[idx + "charset".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    let v = &rest[..end];
    (!v.is_empty()).then_some(v)
}

/// A simplified version of the HTML standard's prescan: finds the first `<meta>` with a
/// `charset` attribute, or `http-equiv=content-type` with a charset in `content`, skipping
/// comments.
fn prescan_meta(head: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0;
    while i < head.len() {
        if head[i..].starts_with(b"<!--") {
            i = find(&head[i + 4..], b"-->").map_or(head.len(), |p| i + 4 + p + 3);
            continue;
        }
        if head[i] == b'<'
            && head.len() > i + 5
            && head[i + 1..i + 5].eq_ignore_ascii_case(b"meta")
            && matches!(head[i + 5], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/')
        {
            let (attrs, end) = attributes(&head[i + 5..]);
            i += 5 + end;
            let get = |name: &str| {
                attrs
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            };
            if let Some(cs) = get("charset").and_then(label) {
                return Some(cs);
            }
            if get("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("content-type"))
                && let Some(cs) = get("content").and_then(charset_param).and_then(label)
            {
                return Some(cs);
            }
            continue;
        }
        i += 1;
    }
    None
}

/// Parses `name=value` attributes up to `>`; returns them and the offset after the tag.
fn attributes(s: &[u8]) -> (Vec<(String, String)>, usize) {
    let mut attrs = Vec::new();
    let mut i = 0;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    loop {
        while i < s.len() && (s[i].is_ascii_whitespace() || s[i] == b'/') {
            i += 1;
        }
        if i >= s.len() || s[i] == b'>' {
            return (attrs, (i + 1).min(s.len()));
        }
        let start = i;
        while i < s.len() && !s[i].is_ascii_whitespace() && !matches!(s[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = text(&s[start..i]);
        while i < s.len() && s[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < s.len() && s[i] == b'=' {
            i += 1;
            while i < s.len() && s[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < s.len() && (s[i] == b'"' || s[i] == b'\'') {
                let q = s[i];
                let vstart = i + 1;
                let vend = s[vstart..]
                    .iter()
                    .position(|&b| b == q)
                    .map_or(s.len(), |p| vstart + p);
                value = text(&s[vstart..vend]);
                i = (vend + 1).min(s.len());
            } else {
                let vstart = i;
                while i < s.len() && !s[i].is_ascii_whitespace() && s[i] != b'>' {
                    i += 1;
                }
                value = text(&s[vstart..i]);
            }
        }
        if name.is_empty() {
            i += 1;
        } else {
            attrs.push((name, value));
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Whether a `Content-Type` (or its absence, judged by the first bytes) means an HTML document.
/// A body that starts with the signature of a binary format (a PDF or an image served as
/// `text/html`, as misconfigured and hostile servers do) is never HTML, whatever the header.
pub fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    if binary_signature(body).is_some() {
        return false;
    }
    match content_type {
        Some(ct) => {
            let mime = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            matches!(mime.as_str(), "text/html" | "application/xhtml+xml")
                || (mime.is_empty() && looks_like_html(body))
        }
        None => looks_like_html(body),
    }
}

/// The format whose signature ("magic number") starts `body`, for the binary formats servers
/// send in place of pages: documents, images, archives, media, executables (the signatures
/// of the WHATWG MIME Sniffing standard, plus a few). Only unambiguous signatures are listed:
/// none of them can start a text document.
pub fn binary_signature(body: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 15] = [
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"\x00\x00\x01\x00", "image/x-icon"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1f\x8b\x08", "application/gzip"),
        (b"Rar!\x1a\x07", "application/vnd.rar"),
        (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
        (b"\x1a\x45\xdf\xa3", "video/webm"),
        (b"OggS\x00", "application/ogg"),
        (b"\x00asm", "application/wasm"),
        (b"\x7fELF", "application/x-executable"),
        (b"%!PS-Adobe-", "application/postscript"),
    ];
    if let Some((_, kind)) = SIGNATURES.iter().find(|(sig, _)| body.starts_with(sig)) {
        return Some(kind);
    }
    // RIFF containers (WebP, WAV, AVI) and ISO media (MP4, AVIF, HEIC) carry their type later.
    if body.len() >= 12 && body.starts_with(b"RIFF") {
        return Some(match &body[8..12] {
            b"WEBP" => "image/webp",
            b"WAVE" => "audio/wav",
            _ => "application/octet-stream",
        });
    }
    if body.len() >= 12 && &body[4..8] == b"ftyp" {
        return Some("video/mp4");
    }
    None
}

fn looks_like_html(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    body.get(start) == Some(&b'<')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_wins_over_meta() {
        let body = b"<meta charset=utf-8><p>caf\xe9</p>";
        let (text, enc, src) = decode_html(body, Some("text/html; charset=ISO-8859-1"), None);
        assert_eq!(enc, WINDOWS_1252);
        assert_eq!(src, EncodingSource::Header);
        assert!(text.contains("café"));
    }

    #[test]
    fn meta_charset_and_http_equiv() {
        let (t, enc, src) = decode_html(
            b"<!-- <meta charset=utf-8> --><meta charset='windows-1252'>\x93hi\x94",
            None,
            None,
        );
        assert_eq!((enc, src), (WINDOWS_1252, EncodingSource::Meta));
        assert!(t.contains("\u{201c}hi\u{201d}"));
        let body = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">\x83e\x83X\x83g";
        let (t, enc, _) = decode_html(body, Some("text/html"), None);
        assert_eq!(enc, encoding_rs::SHIFT_JIS);
        assert!(t.contains("テスト"), "{t}");
    }

    #[test]
    fn bom_wins_and_detection_is_last() {
        let (_, enc, src) = decode_html(
            b"\xEF\xBB\xBF<p>x</p>",
            Some("text/html; charset=windows-1252"),
            None,
        );
        assert_eq!((enc, src), (UTF_8, EncodingSource::Bom));
        let sjis = "<p>日本語のテキストです。これはテストのページです。リンクはこちら。</p>";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(sjis);
        let (t, enc, src) = decode_html(&bytes, Some("text/html"), Some(b"jp"));
        assert_eq!(
            (enc, src),
            (encoding_rs::SHIFT_JIS, EncodingSource::Detected)
        );
        assert_eq!(t, sjis);
    }

    #[test]
    fn charset_parameter_forms() {
        assert_eq!(charset_param("text/html; charset=\"UTF-8\""), Some("UTF-8"));
        assert_eq!(
            charset_param("text/html;charset=euc-jp;x=y"),
            Some("euc-jp")
        );
        assert_eq!(charset_param("text/html"), None);
    }

    #[test]
    fn html_detection() {
        assert!(is_html(Some("text/html; charset=utf-8"), b""));
        assert!(is_html(Some("application/xhtml+xml"), b""));
        assert!(!is_html(Some("application/pdf"), b"<html>"));
        assert!(is_html(None, b"  \n<!doctype html>"));
        assert!(!is_html(None, b"%PDF-1.4"));
        // Binary bodies are not pages, whatever the header says.
        assert!(!is_html(Some("text/html"), b"%PDF-1.7\n"));
        assert!(!is_html(Some("text/html"), b"\x89PNG\r\n\x1a\n\0\0"));
        assert!(!is_html(Some("text/html"), b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!is_html(Some("text/html"), b"\0\0\0\x18ftypmp42\0\0"));
        assert_eq!(binary_signature(b"\xff\xd8\xff\xe0"), Some("image/jpeg"));
        // Text that merely starts with letters of a signature stays HTML.
        assert!(is_html(Some("text/html"), b"PK is a nice place"));
        assert!(is_html(Some("text/html"), b"ID 3 <p>x</p>"));
    }
}

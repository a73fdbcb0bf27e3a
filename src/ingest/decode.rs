//! Byte streams → UTF-8 text streams, without ever holding a whole file: the first
//! [`SNIFF_BYTES`] tell the container (zip, gzip, Excel) and the encoding (UTF-8 with or
//! without BOM, UTF-16 LE/BE with or without BOM, or a legacy charset guessed by chardetng),
//! and the rest is transcoded as it streams (`encoding_rs_io`).

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use std::io::{self, Cursor, Read};

/// How many bytes are looked at to recognise a file.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// What the first bytes say the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// Text (CSV, TSV, URL list, JSON) in some encoding.
    Text,
    /// A zip archive (Search Console's "Download CSV", or an .xlsx workbook).
    Zip,
    /// gzip-compressed.
    Gzip,
    /// An old binary Excel workbook (.xls).
    Xls,
    /// A PDF.
    Pdf,
}

/// Recognises the container from the first bytes.
pub fn container(head: &[u8]) -> Container {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Container::Zip
    } else if head.starts_with(&[0x1f, 0x8b]) {
        Container::Gzip
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Container::Xls
    } else if head.starts_with(b"%PDF-") {
        Container::Pdf
    } else {
        Container::Text
    }
}

/// The encoding of a text input and how it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextEncoding {
    /// The encoding.
    pub encoding: &'static Encoding,
    /// Found from a byte-order mark.
    pub bom: bool,
    /// Guessed from the bytes (no BOM, not UTF-8).
    pub guessed: bool,
}

impl TextEncoding {
    /// How reports show it: `utf-8`, `utf-16le (BOM)`, `windows-1252 (guessed)`.
    pub fn label(&self) -> String {
        let name = self.encoding.name().to_ascii_lowercase();
        if self.bom {
            format!("{name} (BOM)")
        } else if self.guessed {
            format!("{name} (guessed)")
        } else {
            name
        }
    }
}

/// Finds the encoding of a text input from its first bytes (`eof`: they are the whole input).
pub fn sniff_encoding(head: &[u8], eof: bool) -> TextEncoding {
    let with_bom = |encoding| TextEncoding {
        encoding,
        bom: true,
        guessed: false,
    };
    if head.starts_with(b"\xEF\xBB\xBF") {
        return with_bom(UTF_8);
    }
    if head.starts_with(b"\xFF\xFE") {
        return with_bom(UTF_16LE);
    }
    if head.starts_with(b"\xFE\xFF") {
        return with_bom(UTF_16BE);
    }
    let plain = |encoding| TextEncoding {
        encoding,
        bom: false,
        guessed: false,
    };
    if let Some(e) = utf16_without_bom(head) {
        return plain(e);
    }
    match std::str::from_utf8(head) {
        Ok(_) => plain(UTF_8),
        // A multi-byte character cut by the end of the sniffed bytes is still UTF-8.
        Err(e) if e.error_len().is_none() && !eof => plain(UTF_8),
        // Mostly UTF-8 with a few rows in another encoding (pasted together): read as UTF-8
        // so the odd rows are skipped and counted instead of garbling the good ones.
        Err(_) if mostly_utf8(head) => plain(UTF_8),
        Err(_) => {
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(head, eof);
            let encoding = det.guess(None, chardetng::Utf8Detection::Allow);
            TextEncoding {
                encoding,
                bom: false,
                guessed: true,
            }
        }
    }
}

/// Whether valid non-ASCII UTF-8 characters outnumber invalid sequences.
fn mostly_utf8(head: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in head.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    good > 0 && good >= bad
}

/// UTF-16 without a BOM: text in Latin script has a zero byte in every other position, on
/// the odd positions for little-endian and the even ones for big-endian.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let sample = &head[..head.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd * 10 >= pairs * 4 && even * 10 < pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 4 && odd * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Reads up to `limit` bytes (fewer only at the end of the input). Returns the bytes and
/// whether the input ended.
pub fn read_head(r: &mut dyn Read, limit: usize) -> io::Result<(Vec<u8>, bool)> {
    let mut buf = Vec::with_capacity(limit.min(SNIFF_BYTES));
    let n = r.take(limit as u64).read_to_end(&mut buf)?;
    Ok((buf, n < limit))
}

/// Reads the rest of `r` into `buf` unless `buf` would then hold more than `cap` bytes: it
/// stops one byte past the cap and returns false, so a decompression bomb costs the cap, not
/// its size.
pub fn read_to_cap(r: &mut dyn Read, buf: &mut Vec<u8>, cap: u64) -> io::Result<bool> {
    let room = cap.saturating_sub(buf.len() as u64).saturating_add(1);
    // Room for the whole cap at once: growing by doubling would copy the buffer near the cap
    // and, for a bomb, take twice the cap. Untouched pages of the reservation cost no memory.
    if let Ok(room) = usize::try_from(room) {
        buf.reserve_exact(room);
    }
    r.take(room).read_to_end(buf)?;
    Ok(buf.len() as u64 <= cap)
}

/// Reads the whole file at `path` if it holds at most `cap` bytes. A larger one is an error
/// of kind [`io::ErrorKind::FileTooLarge`] that says the limit; no more than one byte past
/// the cap is read.
pub fn read_file(path: &std::path::Path, cap: u64) -> io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = Vec::new();
    if read_to_cap(&mut file, &mut buf, cap)? {
        return Ok(buf);
    }
    Err(too_large(cap))
}

/// The error of a read that passed its cap.
pub fn too_large(cap: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("larger than {}, the most this reads", size(cap)),
    )
}

/// A byte count for messages: `256 MiB`, `64 KiB`, `2000000 bytes`.
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    match bytes {
        b if b >= KIB * KIB && b % (KIB * KIB) == 0 => format!("{} MiB", b / (KIB * KIB)),
        b if b >= KIB && b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

/// The input as a UTF-8 stream: the sniffed head followed by the rest, transcoded when the
/// encoding is not UTF-8. A UTF-8 BOM is dropped; UTF-16 BOMs are consumed by the decoder.
/// Malformed sequences become U+FFFD (in UTF-8 input they stay as they are, and the row
/// reader reports them).
pub fn utf8_stream<'a>(
    head: Vec<u8>,
    rest: Box<dyn Read + 'a>,
    enc: TextEncoding,
) -> Box<dyn Read + 'a> {
    if enc.encoding == UTF_8 {
        let skip = if enc.bom { 3 } else { 0 };
        let mut head = Cursor::new(head);
        head.set_position(skip);
        return Box::new(head.chain(rest));
    }
    Box::new(
        encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(enc.encoding))
            .bom_sniffing(true)
            .build(Cursor::new(head).chain(rest)),
    )
}

/// The line (1-based) of the first byte that is not UTF-8, for errors naming the line.
pub fn utf8_error_line(bytes: &[u8], e: &std::str::Utf8Error) -> usize {
    bytes[..e.valid_up_to()]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    fn decode_all(bytes: Vec<u8>) -> (String, String) {
        decode_with(bytes, 8)
    }

    fn decode_with(bytes: Vec<u8>, limit: usize) -> (String, String) {
        let (head, eof) = read_head(&mut bytes.as_slice(), limit).unwrap();
        let enc = sniff_encoding(&head, eof);
        let rest = bytes[head.len()..].to_vec();
        let mut out = String::new();
        utf8_stream(head, Box::new(Cursor::new(rest)), enc)
            .read_to_string(&mut out)
            .unwrap();
        (enc.label(), out)
    }

    #[test]
    fn encodings_are_recognised_and_streamed() {
        let text = "Referring page URL\tAnchor\nhttps://a.test/é\tx\n";
        assert_eq!(
            decode_all(utf16le(text, true)),
            ("utf-16le (BOM)".into(), text.into())
        );
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode_all(be).1, text);
        let mut bom8 = b"\xEF\xBB\xBF".to_vec();
        bom8.extend(text.as_bytes());
        assert_eq!(decode_all(bom8), ("utf-8 (BOM)".into(), text.into()));
        let (head, eof) = read_head(&mut utf16le(text, false).as_slice(), SNIFF_BYTES).unwrap();
        assert_eq!(sniff_encoding(&head, eof).encoding, UTF_16LE);
        let latin1 = b"Source,Anchor\nhttps://a.test/,caf\xE9 cr\xE8me br\xFBl\xE9e\n".to_vec();
        let (label, out) = decode_with(latin1, SNIFF_BYTES);
        assert!(label.ends_with("(guessed)"), "{label}");
        assert!(out.contains("café crème"), "{out}");
    }

    #[test]
    fn reads_stop_one_byte_past_the_cap() {
        let mut buf = b"ab".to_vec();
        assert!(read_to_cap(&mut &b"cd"[..], &mut buf, 4).unwrap());
        assert_eq!(buf, b"abcd");
        let mut buf = Vec::new();
        let mut endless = std::io::repeat(b'x');
        assert!(!read_to_cap(&mut endless, &mut buf, 1000).unwrap());
        assert_eq!(buf.len(), 1001);
        assert_eq!(size(256 * 1024 * 1024), "256 MiB");
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(2_000_000), "2000000 bytes");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "12345").unwrap();
        assert_eq!(read_file(&path, 5).unwrap(), b"12345");
        let e = read_file(&path, 4).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(e.to_string().contains("4 bytes"), "{e}");
    }

    #[test]
    fn containers() {
        assert_eq!(container(b"PK\x03\x04rest"), Container::Zip);
        assert_eq!(container(&[0x1f, 0x8b, 8]), Container::Gzip);
        assert_eq!(container(b"%PDF-1.7"), Container::Pdf);
        assert_eq!(container(b"Linking page"), Container::Text);
    }
}

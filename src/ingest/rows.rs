//! The records of a delimited export, read with `csv-core` so that the row limit holds while a
//! row is read: the `csv` crate's reader grows its record buffer to whatever one row holds,
//! so a 1 MB `.csv.gz` inflating to one 1 GiB row took 2 GB before the row could be skipped.
//! Here a row's fields fill a buffer of at most [`MAX_ROW_BYTES`]; the rest of a longer row
//! is read and thrown away, and the row is reported as too long with its line.

use super::MAX_ROW_BYTES;
use csv::ByteRecord;
use csv_core::{ReadRecordResult, Reader, ReaderBuilder, Terminator};
use std::io::{self, BufRead, BufReader, Read};

/// Most fields kept of one row: more (`,,,,` for a megabyte) is no export row either.
pub const MAX_FIELDS: usize = 65_536;

/// Why a row was not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLong {
    /// Its fields hold more than [`MAX_ROW_BYTES`] bytes (the count read).
    Bytes(u64),
    /// It has more than [`MAX_FIELDS`] fields.
    Fields,
}

/// One row read: its first line (1-based, counted from the start of the stream), and whether
/// it was too long to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRead {
    /// The line the row starts on.
    pub line: u64,
    /// Set when the row was skipped; its fields are then empty.
    pub too_long: Option<TooLong>,
}

/// Reads rows one at a time from a stream.
pub struct Rows<R> {
    core: Reader,
    src: BufReader<R>,
    out: Vec<u8>,
    ends: Vec<usize>,
    done: bool,
}

impl<R: Read> Rows<R> {
    /// Rows separated by `\n` (a `\r` before it stays in the last field, which is trimmed
    /// later), fields by `delimiter`, quoted with `"` (doubled inside a quoted field), as
    /// the `csv` crate reads them by default.
    pub fn new(src: R, delimiter: u8) -> Self {
        Rows {
            core: ReaderBuilder::new()
                .delimiter(delimiter)
                .terminator(Terminator::Any(b'\n'))
                .build(),
            src: BufReader::with_capacity(256 * 1024, src),
            out: vec![0; 4096],
            ends: vec![0; 64],
            done: false,
        }
    }

    /// Reads the next row into `rec` (cleared first); None at the end of the input.
    pub fn next(&mut self, rec: &mut ByteRecord) -> io::Result<Option<RowRead>> {
        rec.clear();
        if self.done {
            return Ok(None);
        }
        let line = self.core.line();
        let (mut outlen, mut endlen) = (0, 0);
        let mut read: u64 = 0;
        let mut too_long = None;
        loop {
            let input = self.src.fill_buf()?;
            let (res, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.out[outlen..], &mut self.ends[endlen..]);
            self.src.consume(nin);
            outlen += nout;
            endlen += nend;
            read += nout as u64;
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull if too_long.is_some() => outlen = 0,
                ReadRecordResult::OutputFull if self.out.len() >= MAX_ROW_BYTES => {
                    // Over the limit: keep reading the row into the same buffer, keeping none
                    // of it.
                    too_long = Some(TooLong::Bytes(read));
                    outlen = 0;
                    endlen = 0;
                }
                ReadRecordResult::OutputFull => {
                    let len = (self.out.len() * 2).min(MAX_ROW_BYTES);
                    self.out.resize(len, 0);
                }
                ReadRecordResult::OutputEndsFull if too_long.is_some() => endlen = 0,
                ReadRecordResult::OutputEndsFull if self.ends.len() >= MAX_FIELDS => {
                    too_long = Some(TooLong::Fields);
                    outlen = 0;
                    endlen = 0;
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = (self.ends.len() * 2).min(MAX_FIELDS);
                    self.ends.resize(len, 0);
                }
                ReadRecordResult::Record => break,
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(None);
                }
            }
        }
        if let Some(t) = too_long {
            return Ok(Some(RowRead {
                line,
                too_long: Some(match t {
                    TooLong::Bytes(_) => TooLong::Bytes(read),
                    TooLong::Fields => TooLong::Fields,
                }),
            }));
        }
        let mut start = 0;
        for &end in &self.ends[..endlen] {
            rec.push_field(&self.out[start..end]);
            start = end;
        }
        Ok(Some(RowRead {
            line,
            too_long: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &[u8], delimiter: u8) -> Vec<(u64, Result<Vec<String>, TooLong>)> {
        let mut rows = Rows::new(text, delimiter);
        let mut rec = ByteRecord::new();
        let mut out = Vec::new();
        while let Some(r) = rows.next(&mut rec).unwrap() {
            let fields = rec
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            out.push((r.line, r.too_long.map_or(Ok(fields), Err)));
        }
        out
    }

    #[test]
    fn rows_are_read_like_the_csv_crate_reads_them() {
        let text = b"a,b\n\"q,1\",\"line\nbreak\"\r\n\"x\"\"y\",\nlast";
        let f = |v: &[&str]| Ok(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            all(text, b','),
            [
                (1, f(&["a", "b"])),
                (2, f(&["q,1", "line\nbreak\r"])),
                (4, f(&["x\"y", ""])),
                (5, f(&["last"])),
            ]
        );
        assert_eq!(all(b"a\tb\n", b'\t'), [(1, f(&["a", "b"]))]);
        assert_eq!(all(b"", b','), []);
    }

    #[test]
    fn a_row_over_the_limit_is_skipped_while_it_is_read() {
        // One quoted field of 3 MiB spanning many lines, then an ordinary row.
        let mut text = b"h1,h2\n\"".to_vec();
        text.extend(b"x\n".repeat(3 * 512 * 1024));
        text.extend(b"\",y\nok,row\n");
        let rows = all(&text, b',');
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].0, 2);
        assert!(
            matches!(rows[1].1, Err(TooLong::Bytes(n)) if n > 3 * 1024 * 1024),
            "{:?}",
            rows[1].1
        );
        assert_eq!(
            rows[2],
            (3 * 512 * 1024 + 3, Ok(vec!["ok".into(), "row".into()]))
        );
        let mut rows = Rows::new(&text[..], b',');
        let mut rec = ByteRecord::new();
        while rows.next(&mut rec).unwrap().is_some() {}
        assert!(
            rows.out.len() <= MAX_ROW_BYTES,
            "the buffer stays at the limit"
        );
        let many = ",".repeat(MAX_FIELDS + 10);
        assert_eq!(all(many.as_bytes(), b',')[0].1, Err(TooLong::Fields));
    }
}

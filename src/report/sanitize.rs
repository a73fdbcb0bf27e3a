//! Making page-supplied text safe to print. Referring pages are written by strangers: a title
//! or anchor can carry terminal escape sequences (`ESC[2J`, OSC title changes, BEL) or start
//! with `=` to run as a spreadsheet formula.
//!
//! Tables and CSV drop control characters ([`strip_controls`], [`csv_cell`]); JSON keeps every
//! character but writes the ones a terminal would act on as `\uXXXX` escapes
//! ([`write_json`]), so a report printed to a terminal is inert and still exact.

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use std::io::{self, Write};

/// Removes control characters (C0, DEL, C1 — which covers ESC and the CSI/OSC introducers) so
/// that no escape sequence reaches a terminal; the printable remainder is kept.
pub fn strip_controls(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .filter(|c| !c.is_control())
        .collect()
}

/// A page-supplied CSV cell: control characters removed (a CSV printed to a terminal must not
/// drive it), then neutralised if a spreadsheet would evaluate it as a formula (OWASP's advice:
/// prefix a `'` when the cell starts with `=`, `+`, `-`, `@`, tab or carriage return).
pub fn csv_cell(s: &str) -> String {
    let s = strip_controls(s);
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s,
    }
}

/// Writes `value` as JSON (indented, or one line), with DEL and the C1 controls (U+007F to
/// U+009F, which include the single-character CSI and OSC introducers) escaped as `\u00XX`
/// like the C0 controls serde_json already escapes. The document means exactly the same.
pub fn write_json<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
    pretty: bool,
) -> io::Result<()> {
    if pretty {
        let mut ser =
            serde_json::Serializer::with_formatter(out, TerminalSafe(PrettyFormatter::new()));
        value.serialize(&mut ser).map_err(io::Error::from)
    } else {
        let mut ser = serde_json::Serializer::with_formatter(out, TerminalSafe(CompactFormatter));
        value.serialize(&mut ser).map_err(io::Error::from)
    }
}

/// A JSON formatter that escapes DEL and C1 controls in strings, and otherwise lays out the
/// document as the formatter it wraps.
struct TerminalSafe<F>(F);

impl<F: Formatter> Formatter for TerminalSafe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if ('\u{7f}'..='\u{9f}').contains(&c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Shortens `s` to at most `max` characters, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_removed() {
        assert_eq!(strip_controls("a\x1b[2Jb\x07c\u{9b}d"), "a[2Jbcd");
        assert_eq!(strip_controls("x\x1b]0;pwned\x07y"), "x]0;pwnedy");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("plain"), "plain");
        // Escapes go first, so they cannot hide a formula from the check.
        assert_eq!(csv_cell("\x1b[0m=1+1"), "[0m=1+1");
        assert_eq!(csv_cell("\x07=1+1"), "'=1+1");
    }

    #[test]
    fn json_escapes_every_control_and_stays_exact() {
        let text = "a\x1b[2Jb\x07c\u{9b}31md\x7fe\u{85}f \u{e9}\u{1f600}";
        for pretty in [false, true] {
            let mut out = Vec::new();
            write_json(&mut out, &serde_json::json!({ "t": text }), pretty).unwrap();
            let s = String::from_utf8(out).unwrap();
            assert!(!s.chars().any(|c| c.is_control() && c != '\n'), "{s:?}");
            assert!(s.contains("\\u009b") && s.contains("\\u007f"), "{s}");
            let back: serde_json::Value = serde_json::from_str(&s).unwrap();
            assert_eq!(back["t"], text);
        }
        let mut out = Vec::new();
        write_json(&mut out, &serde_json::json!({"a": [1, 2]}), true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
        );
    }
}

//! The one sanitiser for third-party text. Referring pages, exports and stored audits are
//! written by strangers: a title, anchor, `rel` value or URL can carry terminal escape
//! sequences (`ESC[2J`, OSC title changes, BEL), bidirectional overrides and isolates that
//! display text reversed (`U+202E`: `moc.elpmaxe` shown as `example.com`), invisible
//! characters that make two different strings look alike, or start with `=` to run as a
//! spreadsheet formula.
//!
//! Every renderer that writes such text for a terminal, a CSV file, HTML or Markdown passes it
//! through [`strip_controls`] (or [`csv_cell`], which adds the formula guard); standard
//! error goes through [`terminal_lines`]. JSON keeps every character but writes the ones a
//! terminal or a bidi-aware viewer would act on as `\uXXXX` escapes ([`write_json`]), so a
//! report printed to a terminal is inert and still exact. [`HIDDEN`] is the list of the
//! characters that are dropped besides the controls; the HTML report's script removes the
//! same set ([`hidden_js_class`]).

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use std::io::{self, Write};

/// Characters that are invisible or reorder the text around them, dropped from displayed text
/// besides the controls: Unicode's `Default_Ignorable_Code_Point` set (DerivedCoreProperties),
/// which holds the bidi controls (U+061C, U+200E–200F, U+202A–202E, U+2066–2069), the
/// zero-width characters (U+200B–200D, U+2060, U+FEFF), the tags (U+E0000–E007F) and the
/// variation selectors, plus the interlinear annotation characters (U+FFF9–FFFB), which
/// hide the text between them in some viewers. Inclusive ranges, sorted.
pub const HIDDEN: &[(char, char)] = &[
    ('\u{ad}', '\u{ad}'),
    ('\u{34f}', '\u{34f}'),
    ('\u{61c}', '\u{61c}'),
    ('\u{115f}', '\u{1160}'),
    ('\u{17b4}', '\u{17b5}'),
    ('\u{180b}', '\u{180f}'),
    ('\u{200b}', '\u{200f}'),
    ('\u{202a}', '\u{202e}'),
    ('\u{2060}', '\u{206f}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{fe00}', '\u{fe0f}'),
    ('\u{feff}', '\u{feff}'),
    ('\u{ffa0}', '\u{ffa0}'),
    ('\u{fff0}', '\u{fffb}'),
    ('\u{1bca0}', '\u{1bca3}'),
    ('\u{1d173}', '\u{1d17a}'),
    ('\u{e0000}', '\u{e0fff}'),
];

/// Whether `c` is one of the [`HIDDEN`] characters.
pub fn is_hidden(c: char) -> bool {
    // Everything hidden is at or above U+00AD: ASCII text takes the first comparison only.
    c >= '\u{ad}' && HIDDEN.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// What happens to one character of displayed text.
enum Shown {
    Keep,
    Space,
    Drop,
}

fn shown(c: char, keep_newline: bool) -> Shown {
    match c {
        '\n' if keep_newline => Shown::Keep,
        // Line and paragraph separators break lines like `\n` in some terminals and viewers.
        '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' => Shown::Space,
        c if c.is_control() || is_hidden(c) => Shown::Drop,
        _ => Shown::Keep,
    }
}

fn clean(s: &str, keep_newline: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match shown(c, keep_newline) {
            Shown::Keep => out.push(c),
            Shown::Space => out.push(' '),
            Shown::Drop => {}
        }
    }
    out
}

/// Third-party text made safe to display on one line: control characters (C0, DEL, C1 —
/// which covers ESC and the CSI/OSC introducers) and the [`HIDDEN`] characters removed, so no
/// escape sequence reaches a terminal and nothing displays reversed or hides a difference; tabs,
/// line breaks and the Unicode line separators become spaces. The visible remainder is kept.
pub fn strip_controls(s: &str) -> String {
    clean(s, false)
}

/// [`strip_controls`] for messages of several lines (warnings and errors on standard error):
/// line breaks are kept.
pub fn terminal_lines(s: &str) -> String {
    clean(s, true)
}

/// Whether `c` is dropped from HTML text (controls other than tab and line feed, and the
/// [`HIDDEN`] characters).
pub fn dropped_from_html(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_hidden(c)
}

/// The controls and [`HIDDEN`] characters as a JavaScript regular expression character class
/// (for the `u` flag), so that the HTML report's script removes exactly what the renderers do.
pub fn hidden_js_class() -> String {
    let mut class = String::from("[\\u{0}-\\u{8}\\u{b}-\\u{1f}\\u{7f}-\\u{9f}");
    for &(lo, hi) in HIDDEN {
        class.push_str(&format!("\\u{{{:x}}}", u32::from(lo)));
        if hi != lo {
            class.push_str(&format!("-\\u{{{:x}}}", u32::from(hi)));
        }
    }
    class.push(']');
    class
}

/// A third-party CSV cell: [`strip_controls`] (a CSV printed to a terminal must not drive it),
/// then neutralised if a spreadsheet would evaluate it as a formula (OWASP's advice: prefix a
/// `'` when the cell starts with `=`, `+`, `-`, `@`, tab or carriage return). The controls go
/// first, so an escape or an invisible character cannot hide a formula from the check.
pub fn csv_cell(s: &str) -> String {
    let s = strip_controls(s);
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s,
    }
}

/// Writes `value` as JSON (indented, or one line), with DEL, the C1 controls (U+007F to
/// U+009F, which include the single-character CSI and OSC introducers), the Unicode line
/// separators and the [`HIDDEN`] characters escaped as `\uXXXX` like the C0 controls
/// serde_json already escapes. The document means exactly the same.
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

/// A JSON formatter that escapes DEL, C1 controls, line separators and hidden characters in
/// strings, and otherwise lays out the document as the formatter it wraps.
struct TerminalSafe<F>(F);

impl<F: Formatter> Formatter for TerminalSafe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if ('\u{7f}'..='\u{9f}').contains(&c)
                || c == '\u{2028}'
                || c == '\u{2029}'
                || is_hidden(c)
            {
                w.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{u:04x}")?;
                }
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
    fn bidi_overrides_and_invisible_characters_are_removed() {
        // `moc.elpmaxe` displayed as `example.com` by a right-to-left override.
        assert_eq!(
            strip_controls("https://\u{202e}moc.elpmaxe"),
            "https://moc.elpmaxe"
        );
        for c in [
            '\u{202a}',
            '\u{202b}',
            '\u{202c}',
            '\u{202d}',
            '\u{202e}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200e}',
            '\u{200f}',
            '\u{61c}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{2060}',
            '\u{feff}',
            '\u{ad}',
            '\u{e0041}',
            '\u{fe0f}',
            '\u{fff9}',
        ] {
            assert_eq!(
                strip_controls(&format!("a{c}b")),
                "ab",
                "U+{:04X}",
                u32::from(c)
            );
            assert!(is_hidden(c));
        }
        assert_eq!(strip_controls("a\u{2028}b\u{2029}c"), "a b c");
        assert_eq!(terminal_lines("a\nb\x1b[2J\u{202e}c"), "a\nb[2Jc");
        // Ordinary text of every script is kept.
        let text = "caf\u{e9} \u{65e5}\u{672c} \u{5e9}\u{5dc}\u{5d5}\u{5dd} \u{645}\u{631}\u{62d}\u{628}\u{627} \u{1f600}";
        assert_eq!(strip_controls(text), text);
        assert!(
            HIDDEN.windows(2).all(|w| w[0].1 < w[1].0),
            "sorted, disjoint"
        );
    }

    #[test]
    fn the_script_class_lists_every_hidden_range() {
        let class = hidden_js_class();
        assert!(
            class.starts_with("[\\u{0}-\\u{8}") && class.ends_with(']'),
            "{class}"
        );
        assert!(class.contains("\\u{202a}-\\u{202e}"), "{class}");
        assert!(class.contains("\\u{e0000}-\\u{e0fff}"), "{class}");
        assert_eq!(
            class.matches("\\u{").count(),
            6 + HIDDEN
                .iter()
                .map(|(a, b)| 1 + usize::from(a != b))
                .sum::<usize>()
        );
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("plain"), "plain");
        // Escapes go first, so they cannot hide a formula from the check.
        assert_eq!(csv_cell("\x1b[0m=1+1"), "[0m=1+1");
        assert_eq!(csv_cell("\x07=1+1"), "'=1+1");
        assert_eq!(csv_cell("\u{200b}=1+1"), "'=1+1");
        assert_eq!(csv_cell("\u{202e}@SUM(A1)"), "'@SUM(A1)");
        // A tab becomes a space, and a cell starting with a space is text.
        assert_eq!(csv_cell("\t=1"), " =1");
    }

    #[test]
    fn json_escapes_every_control_and_stays_exact() {
        let text = "a\x1b[2Jb\x07c\u{9b}31md\x7fe\u{85}f \u{e9}\u{1f600}\u{202e}g\u{e0041}";
        for pretty in [false, true] {
            let mut out = Vec::new();
            write_json(&mut out, &serde_json::json!({ "t": text }), pretty).unwrap();
            let s = String::from_utf8(out).unwrap();
            assert!(!s.chars().any(|c| c.is_control() && c != '\n'), "{s:?}");
            assert!(s.contains("\\u009b") && s.contains("\\u007f"), "{s}");
            assert!(s.contains("\\u202e") && s.contains("\\udb40\\udc41"), "{s}");
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

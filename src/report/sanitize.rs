//! Making page-supplied text safe to print. Referring pages are written by strangers: a title
//! or anchor can carry terminal escape sequences (`ESC[2J`, OSC title changes, BEL) or start
//! with `=` to run as a spreadsheet formula.

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

/// Neutralises a CSV cell that a spreadsheet would evaluate as a formula (OWASP's advice:
/// prefix a `'` when the cell starts with `=`, `+`, `-`, `@`, tab or carriage return).
pub fn csv_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
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
    }
}

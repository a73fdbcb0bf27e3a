//! Cell values as backlink tools write them: booleans (`true`, `TRUE`, `+`, `1`), dates in the
//! export's locale (`2026-08-01`, `Sep 15, 2026`, `28/09/2026`, `9/15/26`, `2026年9月15日`),
//! metrics with decimal commas and counts with thousands separators.

/// Which number comes first in an all-numeric date like `03/04/2026`. A part above 12 decides
/// on its own; the order only settles the ambiguous cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `M/D/Y` (US English, Semrush).
    MonthFirst,
    /// `D/M/Y` (most other locales).
    DayFirst,
}

/// A boolean cell. Empty and unknown values are `None`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "+" | "x" | "on" | "wahr" | "vrai" | "sí" | "si" | "sim" => {
            Some(true)
        }
        "false" | "no" | "n" | "0" | "-" | "off" | "falsch" | "faux" | "não" | "nao" => {
            Some(false)
        }
        _ => None,
    }
}

/// A metric: `45`, `45.5`, `45,5`, `12%`, `1,234.5`, `1.234,5`. `None` when not a finite number.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(v) = s.parse::<f64>() {
        return v.is_finite().then_some(v);
    }
    let cleaned: String = s
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'' && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let last_dot = cleaned.rfind('.');
    let last_comma = cleaned.rfind(',');
    let normal = match (last_dot, last_comma) {
        (Some(d), Some(c)) if c > d => cleaned.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => cleaned.replace(',', ""),
        (None, Some(c)) => {
            // One comma followed by exactly three digits is a thousands separator (`1,234`);
            // otherwise it is a decimal comma (`45,5`).
            let after = cleaned.len() - c - 1;
            if cleaned.matches(',').count() == 1 && after != 3 {
                cleaned.replace(',', ".")
            } else {
                cleaned.replace(',', "")
            }
        }
        _ => cleaned,
    };
    normal.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A count: digits with any thousands separators (`1,234`, `1.234`, `1 234`).
pub fn parse_count(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty()
        || !s.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, ',' | '.' | ' ' | '\'' | '\u{a0}' | '\u{202f}')
        })
    {
        return None;
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    digits.parse().ok()
}

const MONTHS: [(&str, u8); 27] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    // Abbreviations of other languages that differ from the English ones.
    ("mär", 3),
    ("mai", 5),
    ("okt", 10),
    ("dez", 12),
    ("janv", 1),
    ("févr", 2),
    ("avr", 4),
    ("juil", 7),
    ("août", 8),
    ("ene", 1),
    ("abr", 4),
    ("dic", 12),
    ("mars", 3),
    ("mei", 5),
    ("maart", 3),
];

fn month_from_word(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .find(|(name, _)| name.starts_with(&w) || w.starts_with(name))
        .map(|&(_, m)| m)
}

/// A date in any of the forms backlink tools write, as `YYYY-MM-DD`; `None` when it is not
/// one (or not a real day). A time after the date is ignored.
pub fn parse_date(s: &str, order: DateOrder) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let (y, m, d) = numeric_date(s, order).or_else(|| worded_date(s))?;
    let y = if y < 100 { 2000 + y } else { y };
    let date = jiff::civil::Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()?;
    Some(date.to_string())
}

fn numeric_date(s: &str, order: DateOrder) -> Option<(u32, u32, u32)> {
    // The date part ends at the first space or `T` that follows a digit (`2026-08-01T10:00Z`,
    // `9/15/26 10:00 AM`).
    let date_part = s.split([' ', 'T', ',']).next().unwrap_or(s);
    let (parts, sep): (Vec<&str>, char) = if date_part.contains('年') {
        let cleaned = date_part.replace(['年', '月'], "-").replace('日', "");
        let p: Vec<String> = cleaned.split('-').map(str::to_string).collect();
        return (p.len() == 3)
            .then(|| Some((p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?)))
            .flatten();
    } else if let Some(sep) = ['-', '/', '.'].into_iter().find(|c| date_part.contains(*c)) {
        (date_part.trim_end_matches('.').split(sep).collect(), sep)
    } else {
        return None;
    };
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts[0].len() == 4 {
        return Some((n[0], n[1], n[2]));
    }
    if parts[2].len() != 4 && parts[2].len() != 2 {
        return None;
    }
    let day_first = if n[0] > 12 {
        true
    } else if n[1] > 12 {
        false
    } else {
        // `28.09.2026` is always day first.
        sep == '.' || order == DateOrder::DayFirst
    };
    Some(if day_first {
        (n[2], n[1], n[0])
    } else {
        (n[2], n[0], n[1])
    })
}

fn worded_date(s: &str) -> Option<(u32, u32, u32)> {
    let mut month = None;
    let mut year = None;
    let mut day = None;
    for token in s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-' || c == '/')
        .filter(|t| !t.is_empty())
    {
        let digits = token.trim_end_matches('.');
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let v: u32 = digits.parse().ok()?;
            if digits.len() == 4 && year.is_none() {
                year = Some(v);
            } else if day.is_none() && (1..=31).contains(&v) {
                day = Some(v);
            }
        } else if token.contains(':') {
            break;
        } else if month.is_none() {
            month = month_from_word(token).map(u32::from);
        }
    }
    Some((year?, month?, day?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateOrder::*;

    #[test]
    fn dates_in_every_locale_form() {
        let d = |s, o| parse_date(s, o);
        assert_eq!(d("2026-08-01", DayFirst).as_deref(), Some("2026-08-01"));
        assert_eq!(
            d("2026-08-01 13:05:00", DayFirst).as_deref(),
            Some("2026-08-01")
        );
        assert_eq!(
            d("2026-08-01T13:05:00Z", DayFirst).as_deref(),
            Some("2026-08-01")
        );
        assert_eq!(d("Sep 15, 2026", DayFirst).as_deref(), Some("2026-09-15"));
        assert_eq!(
            d("15 September 2026", MonthFirst).as_deref(),
            Some("2026-09-15")
        );
        assert_eq!(d("28/09/2026", MonthFirst).as_deref(), Some("2026-09-28"));
        assert_eq!(d("03/04/2026", DayFirst).as_deref(), Some("2026-04-03"));
        assert_eq!(d("03/04/2026", MonthFirst).as_deref(), Some("2026-03-04"));
        assert_eq!(d("9/15/26", MonthFirst).as_deref(), Some("2026-09-15"));
        assert_eq!(
            d("1/2/26 10:00 AM", MonthFirst).as_deref(),
            Some("2026-01-02")
        );
        assert_eq!(d("28.09.2026", MonthFirst).as_deref(), Some("2026-09-28"));
        assert_eq!(d("2026/09/28", DayFirst).as_deref(), Some("2026-09-28"));
        assert_eq!(d("2026年9月28日", DayFirst).as_deref(), Some("2026-09-28"));
        assert_eq!(d("15. Okt. 2026", DayFirst).as_deref(), Some("2026-10-15"));
        assert_eq!(d("15 août 2026", DayFirst).as_deref(), Some("2026-08-15"));
        assert_eq!(d("2026-02-30", DayFirst), None);
        assert_eq!(d("yesterday", DayFirst), None);
        assert_eq!(d("", DayFirst), None);
        assert_eq!(d("13/13/2026", DayFirst), None);
    }

    #[test]
    fn numbers_counts_and_booleans() {
        assert_eq!(parse_number("45"), Some(45.0));
        assert_eq!(parse_number("45,5"), Some(45.5));
        assert_eq!(parse_number("12%"), Some(12.0));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("1,234"), Some(1234.0));
        assert_eq!(parse_number("n/a"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_count("1,234"), Some(1234));
        assert_eq!(parse_count("1.234.567"), Some(1_234_567));
        assert_eq!(parse_count("1\u{a0}234"), Some(1234));
        assert_eq!(parse_count("12 pages"), None);
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool(" false "), Some(false));
        assert_eq!(parse_bool("+"), Some(true));
        assert_eq!(parse_bool("-"), Some(false));
        assert_eq!(parse_bool(""), None);
        assert_eq!(parse_bool("maybe"), None);
    }
}

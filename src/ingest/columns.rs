//! `--columns url=COL[,anchor=COL,...]`: read any other tool's CSV by naming its columns. A
//! column is named by its header text (compared like every header: case, spaces and
//! punctuation do not matter) or by its 1-based position.

use super::schema::{Binding, Role, header_key};
use super::values::DateOrder;
use crate::model::InputFormat;
use std::fmt;
use std::str::FromStr;

/// The fields `--columns` can map, with their roles.
pub const FIELDS: [(&str, Role, &str); 9] = [
    ("url", Role::Page, "the referring page URL (required)"),
    ("anchor", Role::Anchor, "anchor text"),
    ("target", Role::Target, "the linked URL on your site"),
    (
        "rel",
        Role::RelWords,
        "rel words: nofollow, ugc, sponsored, dofollow",
    ),
    ("nofollow", Role::Nofollow, "true/false"),
    ("first_seen", Role::FirstSeen, "a date"),
    ("last_seen", Role::LastSeen, "a date"),
    ("lost", Role::LinkStatus, "lost/live or a status word"),
    (
        "domain",
        Role::Site,
        "a referring site (domain-level, no page)",
    ),
];

/// A column reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRef {
    /// By header name (normalised key), with the name as written for messages.
    Name(String, String),
    /// By 1-based position.
    Position(usize),
}

/// A parsed `--columns` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    /// (field name, role, column) in the order given.
    pub entries: Vec<(&'static str, Role, ColumnRef)>,
}

impl FromStr for ColumnMap {
    type Err = String;

    fn from_str(s: &str) -> Result<ColumnMap, String> {
        let mut entries: Vec<(&'static str, Role, ColumnRef)> = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((field, col)) = part.split_once('=') else {
                return Err(format!(
                    "`{part}` is not FIELD=COLUMN (e.g. url=Referring URL)"
                ));
            };
            let field = field.trim().to_ascii_lowercase().replace('-', "_");
            let Some(&(name, role, _)) = FIELDS.iter().find(|(n, ..)| *n == field) else {
                let known: Vec<&str> = FIELDS.iter().map(|(n, ..)| *n).collect();
                return Err(format!(
                    "unknown field `{field}`; fields are: {}",
                    known.join(", ")
                ));
            };
            if entries.iter().any(|(n, ..)| *n == name) {
                return Err(format!("field `{name}` is given twice"));
            }
            let col = col.trim().trim_matches('"');
            let r = match col.parse::<usize>() {
                Ok(0) => return Err(format!("column positions start at 1 (`{part}`)")),
                Ok(n) => ColumnRef::Position(n),
                Err(_) if header_key(col).is_empty() => {
                    return Err(format!("`{part}` names no column"));
                }
                Err(_) => ColumnRef::Name(header_key(col), col.to_string()),
            };
            entries.push((name, role, r));
        }
        if !entries.iter().any(|(n, ..)| *n == "url" || *n == "domain") {
            return Err("--columns needs url=COLUMN (the referring page URL)".into());
        }
        Ok(ColumnMap { entries })
    }
}

impl fmt::Display for ColumnMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, _, col)) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            match col {
                ColumnRef::Name(_, shown) => write!(f, "{name}={shown}")?,
                ColumnRef::Position(n) => write!(f, "{name}={n}")?,
            }
        }
        Ok(())
    }
}

impl ColumnMap {
    /// Binds the map to a header, or says which column is missing.
    pub fn bind(&self, keys: &[String]) -> Result<Binding, String> {
        let mut cols = Vec::new();
        for (name, role, col) in &self.entries {
            let i = match col {
                ColumnRef::Name(key, shown) => keys
                    .iter()
                    .position(|k| k == key)
                    .ok_or_else(|| format!("--columns {name}={shown}: no such column"))?,
                ColumnRef::Position(n) if *n <= keys.len() => n - 1,
                ColumnRef::Position(n) => {
                    return Err(format!(
                        "--columns {name}={n}: the header has only {} columns",
                        keys.len()
                    ));
                }
            };
            cols.push((*role, i));
        }
        Ok(Binding {
            format: InputFormat::Columns,
            language: None,
            dates: DateOrder::DayFirst,
            cols,
            width: keys.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_positions() {
        let m: ColumnMap = "url=Referring URL, anchor=3,first-seen=\"Found on\""
            .parse()
            .unwrap();
        assert_eq!(m.entries.len(), 3);
        assert_eq!(
            m.entries[0].2,
            ColumnRef::Name("referringurl".into(), "Referring URL".into())
        );
        assert_eq!(m.entries[1].2, ColumnRef::Position(3));
        assert_eq!(m.entries[2].0, "first_seen");
        let keys: Vec<String> = ["Referring URL", "x", "Anchor", "Found on"]
            .iter()
            .map(|h| header_key(h))
            .collect();
        let b = m.bind(&keys).unwrap();
        assert_eq!(
            b.cols,
            [(Role::Page, 0), (Role::Anchor, 2), (Role::FirstSeen, 3)]
        );
    }

    #[test]
    fn rejects_bad_maps() {
        assert!(
            "anchor=2"
                .parse::<ColumnMap>()
                .unwrap_err()
                .contains("needs url=")
        );
        assert!(
            "url=1,colour=2"
                .parse::<ColumnMap>()
                .unwrap_err()
                .contains("unknown field")
        );
        assert!(
            "url=0"
                .parse::<ColumnMap>()
                .unwrap_err()
                .contains("start at 1")
        );
        assert!(
            "url"
                .parse::<ColumnMap>()
                .unwrap_err()
                .contains("FIELD=COLUMN")
        );
        assert!(
            "url=1,url=2"
                .parse::<ColumnMap>()
                .unwrap_err()
                .contains("twice")
        );
        let m: ColumnMap = "url=Page".parse().unwrap();
        assert!(
            m.bind(&["x".into()])
                .unwrap_err()
                .contains("no such column")
        );
        let m: ColumnMap = "url=5".parse().unwrap();
        assert!(
            m.bind(&["x".into()])
                .unwrap_err()
                .contains("only 1 columns")
        );
    }
}

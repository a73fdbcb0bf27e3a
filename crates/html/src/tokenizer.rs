//! The HTML tokenizer's rules, once, for both readers of raw markup: the fast parser
//! (`crate::fast`), which builds the tree from them, and the nesting guard
//! ([`crate::nesting`]), which models tree construction on them to cut hostile structure
//! before html5ever sees a page. One set of rules means the guard sees the same tags, comments
//! and raw text as the parsers do: what one reads as a comment the other cannot read as tags.
//!
//! Every function here is a single forward scan that stops at the end of the construct it
//! reads (memchr/memmem to the next delimiter), so tokenizing a page is linear: the old guard
//! searched the whole rest of the page for `--!>` at every comment, which made a page of
//! 40,000 comments take 30 s.

/// Whitespace to the tokenizer. CR counts too: the guard reads pages before the input stream's
/// newline normalization (the fast parser's input has no CR left).
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// What the markup starting at a `<` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Markup {
    /// A start tag; its name starts after the `<`.
    StartTag,
    /// An end tag; its name starts after the `</`.
    EndTag,
    /// `</>`, which the tokenizer drops; the markup ends at `end`.
    EmptyEndTag { end: usize },
    /// A comment (also the abrupt `<!-->` and `<!--->`), ending at `end`.
    Comment { end: usize },
    /// A doctype: its text after `<!doctype` runs to `body_end`, the markup to `end`.
    Doctype {
        body_start: usize,
        body_end: usize,
        end: usize,
    },
    /// `<![CDATA[...]]>` in foreign content: text from `start` to `text_end`, markup to `end`.
    Cdata {
        start: usize,
        text_end: usize,
        end: usize,
    },
    /// A bogus comment (`<?x>`, `<!x>`, `</1>`): up to the next `>`, or the end of the input.
    Bogus { end: usize },
    /// No markup: the `<` is text (only `</` at the very end reaches here from the parser).
    Text,
}

/// Reads the markup at `b[at] == b'<'`. `foreign`: the adjusted current node is not an HTML
/// element (only then is `<![CDATA[` a CDATA section).
pub(crate) fn markup(b: &[u8], at: usize, foreign: bool) -> Markup {
    match b.get(at + 1) {
        Some(c) if c.is_ascii_alphabetic() => Markup::StartTag,
        Some(b'/') => match b.get(at + 2) {
            Some(c) if c.is_ascii_alphabetic() => Markup::EndTag,
            Some(b'>') => Markup::EmptyEndTag { end: at + 3 },
            Some(_) => Markup::Bogus {
                end: bogus_end(b, at + 2),
            },
            None => Markup::Text,
        },
        Some(b'!') => {
            let p = at + 2;
            if b[p..].starts_with(b"--") {
                return Markup::Comment {
                    end: comment_end(b, p + 2),
                };
            }
            if b.len() >= p + 7 && b[p..p + 7].eq_ignore_ascii_case(b"doctype") {
                let end = memchr::memchr(b'>', &b[p..]).map_or(b.len(), |o| p + o + 1);
                let body_end = if b.get(end.wrapping_sub(1)) == Some(&b'>') && end > p + 7 {
                    end - 1
                } else {
                    end
                };
                return Markup::Doctype {
                    body_start: p + 7,
                    body_end: body_end.max(p + 7),
                    end,
                };
            }
            if foreign && b[p..].starts_with(b"[CDATA[") {
                let start = p + 7;
                let (text_end, end) = match memchr::memmem::find(&b[start..], b"]]>") {
                    Some(off) => (start + off, start + off + 3),
                    None => (b.len(), b.len()),
                };
                return Markup::Cdata {
                    start,
                    text_end,
                    end,
                };
            }
            Markup::Bogus {
                end: bogus_end(b, p),
            }
        }
        Some(b'?') => Markup::Bogus {
            end: bogus_end(b, at + 1),
        },
        _ => Markup::Text,
    }
}

/// Where a bogus comment whose text starts at `from` ends: after the next `>`, or at the end.
fn bogus_end(b: &[u8], from: usize) -> usize {
    match memchr::memchr(b'>', &b[from..]) {
        Some(off) => from + off + 1,
        None => b.len(),
    }
}

/// Where the comment whose text starts at `i` (after `<!--`) ends: after `-->` or `--!>`,
/// after the abrupt `<!-->` and `<!--->`, or at the end of the input.
pub(crate) fn comment_end(b: &[u8], i: usize) -> usize {
    if b.get(i) == Some(&b'>') {
        return i + 1;
    }
    if b.get(i) == Some(&b'-') && b.get(i + 1) == Some(&b'>') {
        return i + 2;
    }
    let mut j = i;
    while let Some(off) = memchr::memchr(b'-', &b[j..]) {
        let at = j + off;
        if b.get(at + 1) == Some(&b'-') {
            match b.get(at + 2) {
                Some(b'>') => return at + 3,
                Some(b'!') if b.get(at + 3) == Some(&b'>') => return at + 4,
                _ => {}
            }
        }
        j = at + 1;
    }
    b.len()
}

/// One attribute as written: its name and value as byte ranges of the input (the value
/// without its quotes, empty when there is none). Names are not lower-cased nor values
/// decoded: that is the reader's business.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawAttr {
    pub(crate) name: (usize, usize),
    pub(crate) value: (usize, usize),
}

/// A tag read to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TagEnd {
    /// Where the name ends (it starts where the scan started).
    pub(crate) name_end: usize,
    /// After the closing `>`.
    pub(crate) end: usize,
    /// Whether it closed with `/>`.
    pub(crate) self_closing: bool,
}

/// The tokenizer's tag states from the first letter of the name at `from` to after the
/// closing `>`, calling `attr` for each attribute in order (duplicates included). `None` when
/// the input ends inside the tag: the tokenizer then drops it.
pub(crate) fn scan_tag(b: &[u8], from: usize, mut attr: impl FnMut(RawAttr)) -> Option<TagEnd> {
    let n = b.len();
    let name_end = from
        + b[from..]
            .iter()
            .position(|&c| is_ws(c) || c == b'/' || c == b'>')
            .unwrap_or(n - from);
    let mut i = name_end;
    loop {
        // Before attribute name.
        while i < n && is_ws(b[i]) {
            i += 1;
        }
        match b.get(i)? {
            b'>' => {
                return Some(TagEnd {
                    name_end,
                    end: i + 1,
                    self_closing: false,
                });
            }
            b'/' => {
                if b.get(i + 1) == Some(&b'>') {
                    return Some(TagEnd {
                        name_end,
                        end: i + 2,
                        self_closing: true,
                    });
                }
                if i + 1 >= n {
                    return None;
                }
                i += 1; // a stray solidus is ignored
                continue;
            }
            _ => {}
        }
        // Attribute name (an `=` here is part of the name).
        let an_start = i;
        i += 1;
        while i < n && !is_ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let an_end = i;
        // After attribute name.
        while i < n && is_ws(b[i]) {
            i += 1;
        }
        let mut value = (i, i);
        if *b.get(i)? == b'=' {
            i += 1;
            while i < n && is_ws(b[i]) {
                i += 1;
            }
            match *b.get(i)? {
                q @ (b'"' | b'\'') => {
                    let v_start = i + 1;
                    let v_end = v_start + memchr::memchr(q, &b[v_start..])?;
                    value = (v_start, v_end);
                    // After a quoted value anything but whitespace, `/` or `>` starts the next
                    // attribute (a parse error the tokenizer recovers from that way).
                    i = v_end + 1;
                }
                b'>' => value = (i, i),
                _ => {
                    let v_start = i;
                    while i < n && !is_ws(b[i]) && b[i] != b'>' {
                        i += 1;
                    }
                    if i >= n {
                        return None;
                    }
                    value = (v_start, i);
                }
            }
        }
        attr(RawAttr {
            name: (an_start, an_end),
            value,
        });
    }
}

/// Where the raw text that starts at `from` ends for the element `name` (lower case): the
/// start of the first `</name` followed by whitespace, `/` or `>`. `None`: it runs to the end.
pub(crate) fn raw_text_end(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut search = from;
    while let Some(off) = memchr::memmem::find(&b[search..], b"</") {
        let at = search + off;
        let name_end = at + 2 + name.len();
        if name_end <= b.len()
            && b[at + 2..name_end].eq_ignore_ascii_case(name)
            && b.get(name_end)
                .is_some_and(|c| is_ws(*c) || matches!(c, b'/' | b'>'))
        {
            return Some(at);
        }
        search = at + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(tag: &str) -> (Option<TagEnd>, Vec<(String, String)>) {
        let b = tag.as_bytes();
        let mut out = Vec::new();
        let end = scan_tag(b, 1, |a| {
            out.push((
                tag[a.name.0..a.name.1].to_string(),
                tag[a.value.0..a.value.1].to_string(),
            ))
        });
        (end, out)
    }

    #[test]
    fn tags_read_as_the_tokenizer_does() {
        let (end, a) = attrs("<a href='x y' =b c = d e/ f>rest");
        assert_eq!(end.unwrap().end, "<a href='x y' =b c = d e/ f>".len());
        assert_eq!(
            a,
            [
                ("href", "x y"),
                ("=b", ""),
                ("c", "d"),
                ("e", ""),
                ("f", ""),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert!(attrs("<br/>").0.unwrap().self_closing);
        assert_eq!(attrs("<a x='unterminated>").0, None);
        assert_eq!(attrs("<a x=1").0, None);
        assert_eq!(attrs("<a x=\"1\"y=2>").1.len(), 2);
    }

    #[test]
    fn comments_end_at_the_first_close() {
        let b = b"<!-- a -- b --!> <!---->";
        assert_eq!(markup(b, 0, false), Markup::Comment { end: 16 });
        assert_eq!(markup(b, 17, false), Markup::Comment { end: b.len() });
        assert_eq!(markup(b"<!-->x", 0, false), Markup::Comment { end: 5 });
        assert_eq!(markup(b"<!--->x", 0, false), Markup::Comment { end: 6 });
        assert_eq!(markup(b"<!-- open", 0, false), Markup::Comment { end: 9 });
    }

    #[test]
    fn other_markup() {
        assert_eq!(markup(b"</>", 0, false), Markup::EmptyEndTag { end: 3 });
        assert_eq!(markup(b"</", 0, false), Markup::Text);
        assert_eq!(markup(b"< a", 0, false), Markup::Text);
        assert_eq!(markup(b"<?pi?>x", 0, false), Markup::Bogus { end: 6 });
        assert_eq!(markup(b"</1>x", 0, false), Markup::Bogus { end: 4 });
        assert_eq!(
            markup(b"<![CDATA[x]]>", 0, false),
            Markup::Bogus { end: 13 }
        );
        assert_eq!(
            markup(b"<![CDATA[x]]>", 0, true),
            Markup::Cdata {
                start: 9,
                text_end: 10,
                end: 13
            }
        );
        assert_eq!(
            markup(b"<!DOCTYPE html>", 0, false),
            Markup::Doctype {
                body_start: 9,
                body_end: 14,
                end: 15
            }
        );
        assert_eq!(
            raw_text_end(b"a</scriptx></SCRIPT >", 0, b"script"),
            Some(11)
        );
        assert_eq!(raw_text_end(b"a</script", 0, b"script"), None);
    }
}

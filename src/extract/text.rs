//! Text helpers over the parsed tree: visible text of an element, the words around a link.
//! Every walk here is iterative, so a document nested 100,000 levels deep cannot overflow the
//! stack.

use super::dom::{Edge, Node, NodeRef};

/// Elements whose text is never visible page text.
pub fn is_invisible_container(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "noscript" | "template" | "textarea" | "select" | "option"
    )
}

/// Block-level elements: context stops at their boundaries.
pub fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dd"
            | "dt"
            | "td"
            | "th"
            | "tr"
            | "table"
            | "blockquote"
            | "pre"
            | "section"
            | "article"
            | "aside"
            | "nav"
            | "header"
            | "footer"
            | "main"
            | "body"
            | "html"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "address"
            | "hr"
            | "br"
    )
}

/// Appends `s` to `out` with runs of whitespace (including no-break spaces) collapsed to one
/// space; adjacent text nodes without whitespace between them stay joined.
pub fn push_collapsed(out: &mut String, s: &str) {
    let leading_ws = s.starts_with(char::is_whitespace);
    for (i, part) in s.split_whitespace().enumerate() {
        if (i > 0 || leading_ws) && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(part);
    }
    if s.ends_with(char::is_whitespace) && !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// Visible text of a node's subtree, whitespace collapsed and trimmed. Text inside `script`,
/// `style`, `noscript`, `template`... is skipped.
pub fn visible_text(node: NodeRef<'_>) -> String {
    visible_text_upto(node, usize::MAX).0
}

/// [`visible_text`], stopping once at least `limit` bytes are collected: `(text, true)` for the
/// whole (trimmed) text, `(prefix, false)` for a prefix of it (untrimmed, so it may end with the
/// one space the whole text would have trimmed off).
pub fn visible_text_upto(node: NodeRef<'_>, limit: usize) -> (String, bool) {
    let mut out = String::new();
    let mut skip_depth = 0usize;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(e) if skip_depth > 0 || is_invisible_container(e.name()) => {
                    skip_depth += 1;
                }
                Node::Element(e) if e.name() == "br" => out.push(' '),
                Node::Text(t) if skip_depth == 0 => {
                    push_collapsed(&mut out, t);
                    if out.len() >= limit {
                        return (out, false);
                    }
                }
                _ => {}
            },
            Edge::Close(n) => {
                if let Node::Element(_) = n.value()
                    && skip_depth > 0
                {
                    skip_depth -= 1;
                }
            }
        }
    }
    (out.trim().to_string(), true)
}

/// Whether a text node's parent hides it.
fn text_is_hidden(n: NodeRef<'_>) -> bool {
    n.parent()
        .and_then(|p| {
            p.value()
                .as_element()
                .map(|e| is_invisible_container(e.name()))
        })
        .unwrap_or(false)
}

fn element_name<'a>(n: &NodeRef<'a>) -> Option<&'a str> {
    n.value().as_element().map(|e| e.name())
}

/// Up to `max_chars` of text before `node` in its block, walking backwards in document order.
pub fn text_before(node: NodeRef<'_>, max_chars: usize) -> String {
    let mut pieces: Vec<&str> = Vec::new();
    let mut len = 0;
    let mut cur = node;
    'walk: loop {
        // Step to the previous node in document order, staying inside the block.
        let prev = match cur.prev_sibling() {
            Some(mut p) => {
                if element_name(&p).is_some_and(is_block) {
                    break 'walk;
                }
                while let Some(last) = p.last_child() {
                    if element_name(&p).is_some_and(is_invisible_container) {
                        break;
                    }
                    p = last;
                }
                p
            }
            None => match cur.parent() {
                Some(parent) if !element_name(&parent).is_some_and(is_block) => {
                    cur = parent;
                    continue 'walk;
                }
                _ => break 'walk,
            },
        };
        cur = prev;
        if let Node::Text(t) = cur.value()
            && !text_is_hidden(cur)
        {
            pieces.push(t);
            len += t.len();
            if len >= max_chars {
                break;
            }
        } else if element_name(&cur).is_some_and(is_block) {
            break;
        }
    }
    let mut out = String::new();
    for p in pieces.iter().rev() {
        push_collapsed(&mut out, p);
    }
    tail_chars(out.trim(), max_chars)
}

/// Up to `max_chars` of text after `node` in its block.
pub fn text_after(node: NodeRef<'_>, max_chars: usize) -> String {
    let mut out = String::new();
    let mut cur = node;
    'walk: loop {
        let next = match cur.next_sibling() {
            Some(n) => n,
            None => match cur.parent() {
                Some(parent) if !element_name(&parent).is_some_and(is_block) => {
                    cur = parent;
                    continue 'walk;
                }
                _ => break 'walk,
            },
        };
        if element_name(&next).is_some_and(is_block) {
            break;
        }
        // Collect the sibling's subtree in order.
        if let Node::Text(t) = next.value() {
            push_collapsed(&mut out, t);
        } else if !element_name(&next).is_some_and(is_invisible_container) {
            let t = visible_text_bounded(next, max_chars);
            if !t.is_empty() {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
                out.push_str(&t);
                out.push(' ');
            }
        }
        if out.len() >= max_chars {
            break;
        }
        cur = next;
    }
    head_chars(out.trim(), max_chars)
}

fn visible_text_bounded(node: NodeRef<'_>, max_chars: usize) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value()
            && !text_is_hidden(d)
        {
            push_collapsed(&mut out, t);
            if out.len() >= max_chars {
                break;
            }
        }
    }
    out.trim().to_string()
}

/// The last `max` characters of `s`, cut at a word boundary.
fn tail_chars(s: &str, max: usize) -> String {
    let count = s.chars().count();
    if count <= max {
        return s.to_string();
    }
    let cut: String = s.chars().skip(count - max).collect();
    match cut.find(' ') {
        Some(i) => format!("…{}", &cut[i + 1..]),
        None => format!("…{cut}"),
    }
}

/// The first `max` characters of `s`, cut at a word boundary.
fn head_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

//! The features of one link that the placement model reads: the signals the rules of
//! [`super`] already compute (main-content verdict, landmarks, roles, schema.org items, class/id
//! vocabulary, replies, link columns, structure), the shape of the blocks around the link (text,
//! link density, look-alike siblings), the link itself (anchor, rel, kind of href) and cues of
//! the page as a whole (how much prose, how many links, headings, dates and authors).
//!
//! One function, [`link_features`], serves both training (the feature dump of
//! `examples/placement_features.rs`) and inference, so the two cannot drift apart. Every value
//! is finite: absent things get a sentinel ([`FAR`] for "no such ancestor").

use super::{
    BlockStats, PageContext, block_stats, content_signal, has_rel, is_home_link, landmark,
    link_column, region_with, reply_structure, sibling_rank, structural,
};
use crate::extract::dom::{Node, NodeRef};
use crate::extract::vocabulary;
use crate::model::Placement;

/// Distance recorded when no ancestor carries a signal.
pub const FAR: f32 = 99.0;
/// Ancestors looked at for region and cue signals (deep pages are cut here).
const MAX_LEVELS: usize = 64;
/// Ancestors looked at for look-alike sibling runs and word cues.
const SHAPE_LEVELS: usize = 8;

/// Names of the features, in the order of the vector [`link_features`] returns. The model file
/// records the same list, and loading checks it.
pub const NAMES: [&str; N] = [
    "page_links",
    "page_text_chars",
    "page_link_text_ratio",
    "page_long_paragraphs",
    "page_headings",
    "page_articles",
    "page_dates",
    "page_author_marks",
    "page_cells",
    "page_images",
    "page_inputs",
    "page_list_items",
    "page_post_marks",
    "page_product_marks",
    "main_available",
    "main_confident",
    "main_text_chars",
    "main_kept_fraction",
    "kept",
    "position",
    "span_side",
    "span_position",
    "depth",
    "anchor_chars",
    "anchor_words",
    "image_link",
    "href_kind",
    "rel_nofollow",
    "rel_ugc",
    "rel_sponsored",
    "href_external",
    "href_profile",
    "href_control",
    "href_taxonomy",
    "anchor_numeric",
    "dist_navigation",
    "dist_header",
    "dist_footer",
    "dist_sidebar",
    "dist_comments",
    "dist_author_bio",
    "region_class",
    "region_strong",
    "dist_landmark",
    "dist_content_signal",
    "dist_article",
    "dist_main",
    "reply_count",
    "link_column",
    "structural_class",
    "dist_heading",
    "dist_list_item",
    "dist_table_cell",
    "dist_form",
    "dist_paragraph",
    "dist_blockquote",
    "dist_figure",
    "para_text_chars",
    "para_link_density",
    "para_links",
    "block1_text_chars",
    "block1_links",
    "block1_link_density",
    "block2_text_chars",
    "block2_links",
    "block2_link_density",
    "block3_text_chars",
    "block3_links",
    "block3_link_density",
    "block3_text_share",
    "parent_other_text",
    "same_link_siblings",
    "run_length",
    "run_level",
    "run_item_links",
    "run_item_text_chars",
    "run_rank",
    "run_item_heading",
    "run_item_image",
    "run_item_authored",
    "first_run_length",
    "dist_item_words",
    "dist_post_words",
    "dist_content_words",
    "dist_button_words",
];

/// Number of features.
pub const N: usize = 85;

/// Facts about the whole page, computed once per page.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PageStats {
    links: f32,
    text_chars: f32,
    link_text_ratio: f32,
    long_paragraphs: f32,
    headings: f32,
    articles: f32,
    dates: f32,
    author_marks: f32,
    cells: f32,
    images: f32,
    inputs: f32,
    list_items: f32,
    post_marks: f32,
    product_marks: f32,
}

/// Per element, what the ancestor walks want to know (cached: every link of a list shares its
/// ancestors).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Marks {
    /// Index into [`CLASSES`] plus one of the region the element names, 0 for none.
    region: u8,
    strong: bool,
    landmark: bool,
    content: bool,
    /// Bits of [`CUES`] its class/id words carry.
    cues: u8,
}

/// The finer classes a region can name, in feature order.
const CLASSES: [Placement; 6] = [
    Placement::Navigation,
    Placement::Header,
    Placement::Footer,
    Placement::Sidebar,
    Placement::Comments,
    Placement::AuthorBio,
];

fn class_code(p: Placement) -> f32 {
    CLASSES
        .iter()
        .position(|c| *c == p)
        .map_or(0.0, |i| (i + 1) as f32)
}

/// Class/id words of repeated items (cards, grids, product tiles), of posts (forum and Q&A
/// threads), of editorial bodies and of controls.
const CUES: [&[&str]; 4] = [
    &[
        "card",
        "cards",
        "item",
        "items",
        "product",
        "products",
        "tile",
        "tiles",
        "grid",
        "teaser",
        "teasers",
        "thumb",
        "thumbnail",
        "listing",
        "listings",
        "result",
        "results",
        "collection",
        "catalog",
        "price",
        "carousel",
        "slider",
        "swiper",
        "slide",
        "feed",
        "loop",
        "archive",
        "list",
    ],
    &[
        "post", "posts", "message", "messages", "reply", "topic", "thread", "answer", "question",
        "postbody", "cooked", "bbcode", "forum",
    ],
    &[
        "content",
        "body",
        "text",
        "article",
        "entry",
        "story",
        "prose",
        "richtext",
        "rte",
        "markdown",
        "description",
        "main",
    ],
    &[
        "btn", "button", "buttons", "cta", "action", "actions", "share", "social", "meta", "tags",
        "tag", "filter", "filters", "facet", "sort", "toolbar", "controls", "icon",
    ],
];

fn marks(node: NodeRef<'_>, ctx: &PageContext) -> Marks {
    if let Some(m) = ctx.marks.borrow().get(&node.id()) {
        return *m;
    }
    let mut m = Marks::default();
    if let Some(el) = node.value().as_element() {
        if let Some(r) = region_with(el, node, ctx.signals) {
            m.region = class_code(r.placement) as u8;
            m.strong = r.strong;
        }
        m.landmark = landmark(el, node).is_some()
            || (el.attr("role").is_some() && m.region != 0 && el.name() != "a");
        m.content = content_signal(el, ctx.signals).is_some();
        for value in [el.attr("id"), el.attr("class")].into_iter().flatten() {
            for w in value.split_whitespace().flat_map(vocabulary::split_words) {
                for (bit, words) in CUES.iter().enumerate() {
                    if words.contains(&w.as_str()) {
                        m.cues |= 1 << bit;
                    }
                }
            }
        }
    }
    ctx.marks.borrow_mut().insert(node.id(), m);
    m
}

fn page_stats(link: NodeRef<'_>, ctx: &PageContext) -> PageStats {
    if let Some(p) = ctx.page.get() {
        return *p;
    }
    let root = link.document().root();
    let st = block_stats(root, ctx);
    let mut p = PageStats {
        links: st.links as f32,
        text_chars: st.text_chars as f32,
        link_text_ratio: st.link_chars as f32 / st.text_chars.max(1) as f32,
        ..PageStats::default()
    };
    for d in root.descendants() {
        let Some(e) = d.value().as_element() else {
            continue;
        };
        match e.name() {
            "p" => {
                let s = block_stats(d, ctx);
                if s.text_chars >= 80 && s.link_chars * 2 < s.text_chars {
                    p.long_paragraphs += 1.0;
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => p.headings += 1.0,
            "article" => p.articles += 1.0,
            "td" => p.cells += 1.0,
            "img" => p.images += 1.0,
            "input" | "select" | "textarea" | "button" => p.inputs += 1.0,
            "li" => p.list_items += 1.0,
            _ => {}
        }
        if e.name() == "time" || e.attr("datetime").is_some() {
            p.dates += 1.0;
        }
        let authorish = e.attr("itemprop").is_some_and(|v| v.trim() == "author")
            || [e.attr("class"), e.attr("id")]
                .into_iter()
                .flatten()
                .any(|v| {
                    let v = v.to_ascii_lowercase();
                    v.contains("author") || v.contains("username") || v.contains("avatar")
                });
        if authorish {
            p.author_marks += 1.0;
        }
        if let Some(c) = e.attr("class") {
            let c = c.to_ascii_lowercase();
            if ["post", "message", "reply", "comment", "answer"]
                .iter()
                .any(|w| c.contains(w))
            {
                p.post_marks += 1.0;
            }
            if ["price", "product", "cart", "sku"]
                .iter()
                .any(|w| c.contains(w))
            {
                p.product_marks += 1.0;
            }
        }
    }
    let _ = ctx.page.set(p);
    p
}

fn density(st: &BlockStats) -> f32 {
    st.link_chars as f32 / st.text_chars.max(1) as f32
}

/// The blocks the model's "enclosing block" features were trained with. Not
/// `text::is_block`: that list (context boundaries) also stops at `body`, `pre`, `figcaption`
/// and form parts, and changing this one changes every feature the model reads — it would
/// need retraining.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "div"
            | "p"
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
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "form"
            | "figure"
            | "blockquote"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "center"
            | "body"
    )
}

/// What a look-alike item holds: (a heading, an image).
fn item_contents(item: NodeRef<'_>) -> (bool, bool) {
    let (mut heading, mut image) = (false, false);
    for d in item.descendants().take(300) {
        if let Some(e) = d.value().as_element() {
            match e.name() {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => heading = true,
                "img" | "picture" => image = true,
                _ => {}
            }
        }
    }
    (heading, image)
}

/// Path and query words of links that act on the page rather than lead to content.
const CONTROL_WORDS: &[&str] = &[
    "reply",
    "quote",
    "report",
    "login",
    "logon",
    "signin",
    "register",
    "signup",
    "share",
    "sharer",
    "like",
    "vote",
    "edit",
    "cart",
    "basket",
    "wishlist",
    "compare",
    "print",
    "subscribe",
    "unsubscribe",
    "newreply",
    "post_reply",
    "replytocom",
    "permalink",
    "account",
];
/// Path and query words of taxonomy, archive and listing links.
const TAXONOMY_WORDS: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "collections",
    "archive",
    "archives",
    "page",
    "sort",
    "filter",
    "search",
    "forum",
    "forums",
    "board",
    "topics",
    "label",
];

/// The words of an href's path and query (host left out), lower case.
fn href_words(href: &str) -> impl Iterator<Item = String> + '_ {
    let rest = match href.split_once("://") {
        Some((_, r)) => r.find('/').map_or("", |i| &r[i..]),
        None => href,
    };
    rest.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

fn href_has(href: &str, words: &[&str]) -> bool {
    href_words(href).any(|w| words.contains(&w.as_str()))
}

/// A link to a member's profile (`/u/ana`, `member.php?u=2`, `/users/17/ana`, `/profile/...`).
pub fn is_profile_href(href: &str) -> bool {
    href_words(href).any(|w| {
        matches!(
            w.as_str(),
            "u" | "user"
                | "users"
                | "member"
                | "members"
                | "memberlist"
                | "profile"
                | "profiles"
                | "viewprofile"
                | "userprofile"
        )
    })
}

/// Records values in [`NAMES`] order; in debug builds each name is checked against the list.
struct Row {
    values: [f32; N],
    at: usize,
}

impl Row {
    fn put(&mut self, name: &str, value: f32) {
        debug_assert_eq!(NAMES[self.at], name, "feature order");
        self.values[self.at] = if value.is_finite() { value } else { 0.0 };
        self.at += 1;
    }
}

/// The features of the link element `link`, the `ordinal`-th link of its page.
pub fn link_features(link: NodeRef<'_>, ordinal: usize, ctx: &PageContext) -> [f32; N] {
    let mut r = Row {
        values: [0.0; N],
        at: 0,
    };
    let page = page_stats(link, ctx);
    r.put("page_links", page.links);
    r.put("page_text_chars", page.text_chars);
    r.put("page_link_text_ratio", page.link_text_ratio);
    r.put("page_long_paragraphs", page.long_paragraphs);
    r.put("page_headings", page.headings);
    r.put("page_articles", page.articles);
    r.put("page_dates", page.dates);
    r.put("page_author_marks", page.author_marks);
    r.put("page_cells", page.cells);
    r.put("page_images", page.images);
    r.put("page_inputs", page.inputs);
    r.put("page_list_items", page.list_items);
    r.put("page_post_marks", page.post_marks);
    r.put("page_product_marks", page.product_marks);

    let main = ctx.main.as_ref().ok();
    let n_links = main.map_or(0, |m| m.kept.len());
    r.put("main_available", f32::from(main.is_some()));
    r.put(
        "main_confident",
        f32::from(main.is_some_and(|m| m.confident)),
    );
    r.put("main_text_chars", main.map_or(0.0, |m| m.text_chars as f32));
    let kept_fraction = main.map_or(0.0, |m| {
        m.kept.iter().filter(|k| **k).count() as f32 / m.kept.len().max(1) as f32
    });
    r.put("main_kept_fraction", kept_fraction);
    r.put(
        "kept",
        match ctx.kept(ordinal) {
            Some(true) => 1.0,
            Some(false) => 0.0,
            None => -1.0,
        },
    );
    let total = if n_links > 0 {
        n_links
    } else {
        page.links as usize
    };
    r.put("position", ordinal as f32 / total.max(1) as f32);
    let (side, span_pos) = match ctx.main_span {
        Some((first, last)) => {
            let side = if ordinal < first {
                -1.0
            } else if ordinal > last {
                1.0
            } else {
                0.0
            };
            let pos = (ordinal as f32 - first as f32) / (last - first + 1) as f32;
            (side, pos)
        }
        None => (-2.0, -2.0),
    };
    r.put("span_side", side);
    r.put("span_position", span_pos);

    // One walk up: distances to the nearest ancestor of each kind.
    let mut dist = [FAR; 6];
    let mut nearest: Option<Marks> = None;
    let (mut d_landmark, mut d_content, mut d_article, mut d_main) = (FAR, FAR, FAR, FAR);
    let (mut d_heading, mut d_li, mut d_td, mut d_form, mut d_p, mut d_quote, mut d_fig) =
        (FAR, FAR, FAR, FAR, FAR, FAR, FAR);
    let mut d_cue = [FAR; 4];
    let mut depth = 0usize;
    let mut para = None;
    let mut blocks: Vec<NodeRef<'_>> = Vec::with_capacity(3);
    for (level, anc) in std::iter::once(link).chain(link.ancestors()).enumerate() {
        let Some(el) = anc.value().as_element() else {
            continue;
        };
        depth += 1;
        if level >= MAX_LEVELS {
            continue;
        }
        let lv = level as f32;
        let m = marks(anc, ctx);
        if m.region != 0 {
            let i = usize::from(m.region - 1);
            dist[i] = dist[i].min(lv);
            nearest.get_or_insert(m);
        }
        if m.landmark && d_landmark == FAR {
            d_landmark = lv;
        }
        if m.content && d_content == FAR {
            d_content = lv;
        }
        if level <= SHAPE_LEVELS {
            for (bit, d) in d_cue.iter_mut().enumerate() {
                if m.cues & (1 << bit) != 0 && *d == FAR {
                    *d = lv;
                }
            }
        }
        let set = |d: &mut f32| {
            if *d == FAR {
                *d = lv;
            }
        };
        match el.name() {
            "article" => set(&mut d_article),
            "main" => set(&mut d_main),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => set(&mut d_heading),
            "li" => set(&mut d_li),
            "td" | "th" => set(&mut d_td),
            "form" => set(&mut d_form),
            "p" => set(&mut d_p),
            "blockquote" => set(&mut d_quote),
            "figure" => set(&mut d_fig),
            _ => {}
        }
        if el
            .attr("role")
            .is_some_and(|v| v.eq_ignore_ascii_case("main"))
        {
            set(&mut d_main);
        }
        if level > 0 {
            if para.is_none() && matches!(el.name(), "p" | "li" | "td" | "dd" | "blockquote") {
                para = Some(anc);
            }
            if blocks.len() < 3 && is_block(el.name()) {
                blocks.push(anc);
            }
        }
    }
    r.put("depth", depth as f32);
    let own = block_stats(link, ctx);
    let el = link.value().as_element();
    let anchor_words = {
        let mut words = 0usize;
        for d in link.descendants() {
            if let Node::Text(t) = d.value() {
                words += t.split_whitespace().count();
            }
        }
        words
    };
    r.put("anchor_chars", own.text_chars as f32);
    r.put("anchor_words", anchor_words as f32);
    let image = link
        .descendants()
        .any(|d| d.value().as_element().is_some_and(|e| e.name() == "img"));
    r.put("image_link", f32::from(image));
    let href = el.and_then(|e| e.attr("href")).unwrap_or_default().trim();
    let lower = href.get(..11).unwrap_or(href).to_ascii_lowercase();
    let kind = if href.starts_with('#') {
        2.0
    } else if lower.starts_with("javascript:")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
    {
        3.0
    } else if is_home_link(link) {
        4.0
    } else if href.contains("://") || href.starts_with("//") {
        1.0
    } else {
        0.0
    };
    r.put("href_kind", kind);
    r.put("rel_nofollow", f32::from(has_rel(link, "nofollow")));
    r.put("rel_ugc", f32::from(has_rel(link, "ugc")));
    r.put("rel_sponsored", f32::from(has_rel(link, "sponsored")));
    r.put(
        "href_external",
        match ctx.leaves_site(link) {
            Some(true) => 1.0,
            Some(false) => 0.0,
            None => -1.0,
        },
    );
    r.put("href_profile", f32::from(is_profile_href(href)));
    r.put("href_control", f32::from(href_has(href, CONTROL_WORDS)));
    r.put("href_taxonomy", f32::from(href_has(href, TAXONOMY_WORDS)));
    let anchor = crate::extract::text::visible_text(link);
    let numeric = !anchor.is_empty()
        && anchor
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || "#.,:/-".contains(c));
    r.put("anchor_numeric", f32::from(numeric));
    for (name, d) in [
        "dist_navigation",
        "dist_header",
        "dist_footer",
        "dist_sidebar",
        "dist_comments",
        "dist_author_bio",
    ]
    .into_iter()
    .zip(dist)
    {
        r.put(name, d);
    }
    r.put("region_class", nearest.map_or(0.0, |m| f32::from(m.region)));
    r.put(
        "region_strong",
        f32::from(nearest.is_some_and(|m| m.strong)),
    );
    r.put("dist_landmark", d_landmark);
    r.put("dist_content_signal", d_content);
    r.put("dist_article", d_article);
    r.put("dist_main", d_main);
    let reply = reply_structure(link, ctx).map_or(0.0, |(c, _)| c as f32);
    r.put("reply_count", reply);
    let column = link_column(link, ctx).map_or(0.0, |(p, _)| class_code(p));
    r.put("link_column", column);
    let structure = structural(link, ordinal, ctx).map_or(0.0, |(p, _)| class_code(p));
    r.put("structural_class", structure);
    r.put("dist_heading", d_heading);
    r.put("dist_list_item", d_li);
    r.put("dist_table_cell", d_td);
    r.put("dist_form", d_form);
    r.put("dist_paragraph", d_p);
    r.put("dist_blockquote", d_quote);
    r.put("dist_figure", d_fig);
    let ps = para.map(|p| block_stats(p, ctx));
    r.put("para_text_chars", ps.map_or(0.0, |s| s.text_chars as f32));
    r.put("para_link_density", ps.map_or(-1.0, |s| density(&s)));
    r.put("para_links", ps.map_or(0.0, |s| s.links as f32));
    let mut last = None;
    for (i, names) in [
        ["block1_text_chars", "block1_links", "block1_link_density"],
        ["block2_text_chars", "block2_links", "block2_link_density"],
        ["block3_text_chars", "block3_links", "block3_link_density"],
    ]
    .iter()
    .enumerate()
    {
        let st = blocks.get(i).map(|b| block_stats(*b, ctx));
        if st.is_some() {
            last = st;
        }
        r.put(names[0], st.map_or(0.0, |s| s.text_chars as f32));
        r.put(names[1], st.map_or(0.0, |s| s.links as f32));
        r.put(names[2], st.map_or(-1.0, |s| density(&s)));
    }
    r.put(
        "block3_text_share",
        last.map_or(0.0, |s| s.text_chars as f32 / page.text_chars.max(1.0)),
    );
    let parent = link.parent();
    let parent_text = parent.map_or(0, |p| block_stats(p, ctx).text_chars);
    r.put(
        "parent_other_text",
        parent_text.saturating_sub(own.text_chars) as f32,
    );
    let same_links = parent
        .and_then(|p| sibling_rank(p, link, ctx))
        .map_or(1.0, |(c, _, _)| c as f32);
    r.put("same_link_siblings", same_links);

    // The longest run of look-alike siblings among the nearest ancestors: list items, cards,
    // table rows, posts.
    let mut best: Option<(usize, usize, usize, NodeRef<'_>)> = None;
    let mut first_run = 0usize;
    for (level, anc) in link.ancestors().take(SHAPE_LEVELS).enumerate() {
        let Some(el) = anc.value().as_element() else {
            continue;
        };
        if matches!(el.name(), "body" | "html") {
            break;
        }
        let Some(p) = anc.parent() else { break };
        let Some((count, rank, _)) = sibling_rank(p, anc, ctx) else {
            continue;
        };
        if count >= 2 && first_run == 0 {
            first_run = count;
        }
        if count >= 2 && best.is_none_or(|(c, _, _, _)| count > c) {
            best = Some((count, level + 1, rank, anc));
        }
    }
    match best {
        Some((count, level, rank, item)) => {
            let st = block_stats(item, ctx);
            let (heading, image) = item_contents(item);
            r.put("run_length", count as f32);
            r.put("run_level", level as f32);
            r.put("run_item_links", st.links as f32);
            r.put("run_item_text_chars", st.text_chars as f32);
            r.put("run_rank", rank as f32 / count as f32);
            r.put("run_item_heading", f32::from(heading));
            r.put("run_item_image", f32::from(image));
            r.put(
                "run_item_authored",
                f32::from(super::is_authored(item, ctx)),
            );
        }
        None => {
            r.put("run_length", 1.0);
            r.put("run_level", FAR);
            r.put("run_item_links", 0.0);
            r.put("run_item_text_chars", 0.0);
            r.put("run_rank", 0.0);
            r.put("run_item_heading", 0.0);
            r.put("run_item_image", 0.0);
            r.put("run_item_authored", 0.0);
        }
    }
    r.put("first_run_length", first_run as f32);
    r.put("dist_item_words", d_cue[0]);
    r.put("dist_post_words", d_cue[1]);
    r.put("dist_content_words", d_cue[2]);
    r.put("dist_button_words", d_cue[3]);
    debug_assert_eq!(r.at, N);
    r.values
}

/// The feature `index` with value `v` in words, for evidence (`block link density 0.81`,
/// `inside a 12-item run of look-alike blocks`).
pub fn describe(index: usize, v: f32, x: &[f32; N]) -> String {
    let dist = |what: &str| {
        if v >= FAR {
            format!("no {what} ancestor")
        } else if v == 0.0 {
            format!("the link itself is {what}")
        } else {
            format!("{what} {v:.0} levels up")
        }
    };
    match NAMES[index] {
        "kept" => match v {
            1.0 => "inside the main content block (Readability)".into(),
            0.0 => "outside the main content block (Readability)".into(),
            _ => "no main-content verdict".into(),
        },
        "page_links" => format!("page has {v:.0} links"),
        "page_text_chars" => format!("page text {v:.0} chars"),
        "page_link_text_ratio" => format!("page link-text ratio {v:.2}"),
        "page_long_paragraphs" => format!("page has {v:.0} paragraphs of prose"),
        "page_headings" => format!("page has {v:.0} headings"),
        "page_dates" => format!("page names {v:.0} dates"),
        "page_author_marks" => format!("page names {v:.0} authors"),
        "main_text_chars" => format!("main content {v:.0} chars"),
        "main_kept_fraction" => format!("main content holds {:.0}% of links", v * 100.0),
        "position" => format!("link at {:.0}% of the page's links", v * 100.0),
        "span_side" => match v {
            -1.0 => "before the main content".into(),
            0.0 => "within the main content's span".into(),
            1.0 => "after the main content".into(),
            _ => "no main-content span".into(),
        },
        "anchor_chars" => format!("anchor text {v:.0} chars"),
        "anchor_words" => format!("anchor text {v:.0} words"),
        "image_link" if v > 0.0 => "image link".into(),
        "href_kind" => match v as u8 {
            0 => "relative link".into(),
            1 => "absolute link".into(),
            2 => "link to a fragment of the page".into(),
            3 => "javascript/mailto/tel link".into(),
            _ => "link to the home page".into(),
        },
        "dist_navigation" => dist("navigation region"),
        "dist_header" => dist("header region"),
        "dist_footer" => dist("footer region"),
        "dist_sidebar" => dist("sidebar region"),
        "dist_comments" => dist("comments region"),
        "dist_author_bio" => dist("author-box region"),
        "dist_landmark" => dist("landmark"),
        "dist_content_signal" => dist("editorial container"),
        "dist_article" => dist("<article>"),
        "dist_main" => dist("<main>"),
        "dist_heading" => dist("heading"),
        "dist_list_item" => dist("<li>"),
        "dist_table_cell" => dist("table cell"),
        "dist_form" => dist("<form>"),
        "dist_paragraph" => dist("<p>"),
        "reply_count" if v > 0.0 => format!("inside a run of {v:.0} replies"),
        "para_text_chars" => format!("paragraph text {v:.0} chars"),
        "para_link_density" if v >= 0.0 => format!("paragraph link density {v:.2}"),
        "block1_text_chars" => format!("block text {v:.0} chars"),
        "block1_link_density" if v >= 0.0 => format!("block link density {v:.2}"),
        "block1_links" => format!("block holds {v:.0} links"),
        "block2_link_density" if v >= 0.0 => format!("outer block link density {v:.2}"),
        "block2_text_chars" => format!("outer block text {v:.0} chars"),
        "block3_link_density" if v >= 0.0 => format!("enclosing section link density {v:.2}"),
        "block3_text_share" => format!(
            "enclosing section holds {:.0}% of the page's text",
            v * 100.0
        ),
        "parent_other_text" => format!("{v:.0} chars of text beside the link"),
        "run_length" if v >= 2.0 => format!(
            "inside a {v:.0}-item list of same-shaped blocks ({:.0} links each)",
            x[NAMES
                .iter()
                .position(|n| *n == "run_item_links")
                .unwrap_or(0)]
        ),
        "run_length" => "not in a list of same-shaped blocks".into(),
        "same_link_siblings" if v >= 2.0 => format!("one of {v:.0} same-shaped sibling links"),
        "dist_item_words" => dist("card/item/grid-named"),
        "dist_post_words" => dist("post/message-named"),
        "dist_content_words" => dist("content/body-named"),
        "dist_button_words" => dist("button/share/tag-named"),
        name => format!("{name} {v:.2}"),
    }
}

//! A deterministic generator of realistic referring pages, shared by the audit and extract
//! benchmarks.
//!
//! Page `i` of a corpus is a pure function of `i`: its site, its kind (live, lost, 404, 410,
//! redirect chain, slow), its charset and compression, its markup style and its body. The
//! expected links (every link to the target, with its anchor text and the region it was put
//! in) come from the same rendering, so a benchmark can check the report against them.
//!
//! Pages are 30–150 KB like real ones: a doctype, a head with meta tags, inline CSS, JSON-LD and
//! analytics scripts; a header with a 20–60-link menu; an article; a sidebar of widgets;
//! comments; a footer. Five markup styles: an HTML5 WordPress theme, a Blogger-style layout of
//! classed `<div>`s, a 2000s table layout with no semantic tags nor telling classes (and sloppy
//! markup: unclosed `<p>`, upper-case tags, unquoted attributes), a news site with related
//! lists and share bars, and a phpBB-style forum thread. Decoys that are not links to the
//! target appear throughout: look-alike domains, links inside scripts, comments and
//! `<noscript>`, plain-text mentions.
//!
//! Bodies are assembled from fragments: the big shared parts (style sheets, scripts, site
//! templates, paragraphs of prose, comments) are built once, and a page adds its own small parts
//! (title, metadata, the paragraphs with links to the target), so serving a page costs little
//! more than copying it and the server does not compete with the audit for the CPU. Gzip bodies
//! are whole pages compressed at level 1 (nginx's default), made before a benchmark starts its
//! clock ([`Corpus::gzip_bodies`]).

#![allow(dead_code)] // each benchmark uses part of it

use flate2::Compression;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;

/// The audited site.
pub const TARGET: &str = "example.com";
/// Topic of the target (for `--topic`).
pub const TOPIC: &str = "trail running shoes";

/// splitmix64: small, fast, and the same everywhere.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut r = Rng(seed ^ 0x9e37_79b9_7f4a_7c15);
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "trail",
    "running",
    "shoes",
    "grip",
    "cushioning",
    "mountain",
    "race",
    "runners",
    "weather",
    "training",
    "distance",
    "summit",
    "descent",
    "climb",
    "rocky",
    "muddy",
    "forest",
    "ridge",
    "valley",
    "river",
    "miles",
    "kilometres",
    "pace",
    "heart",
    "rate",
    "watch",
    "pack",
    "water",
    "bottle",
    "jacket",
    "layers",
    "socks",
    "blisters",
    "ankle",
    "knee",
    "stride",
    "cadence",
    "recovery",
    "nutrition",
    "gels",
    "breakfast",
    "coffee",
    "morning",
    "evening",
    "season",
    "winter",
    "summer",
    "spring",
    "autumn",
    "rain",
    "snow",
    "wind",
    "sun",
    "shade",
    "path",
    "track",
    "road",
    "gravel",
    "roots",
    "stones",
    "bridge",
    "lake",
    "hill",
    "peak",
    "route",
    "map",
    "compass",
    "headlamp",
    "night",
    "friends",
    "club",
    "coach",
    "plan",
    "week",
    "month",
    "year",
    "goal",
    "finish",
    "line",
    "start",
    "crowd",
    "volunteers",
    "aid",
    "station",
    "medal",
    "time",
    "record",
    "test",
    "review",
    "pair",
    "model",
    "brand",
    "weight",
    "drop",
    "stack",
    "foam",
    "rubber",
    "lugs",
    "upper",
    "mesh",
    "laces",
    "fit",
    "size",
    "width",
    "toe",
    "heel",
    "comfort",
    "stability",
    "durability",
    "price",
    "value",
    "budget",
    "quality",
    "design",
    "colour",
    "light",
    "heavy",
    "soft",
    "firm",
    "fast",
    "slow",
    "long",
    "short",
    "steep",
    "flat",
    "technical",
    "smooth",
    "wet",
    "dry",
    "cold",
    "warm",
    "fresh",
    "tired",
    "strong",
    "easy",
    "hard",
    "good",
    "better",
    "best",
    "new",
    "old",
    "first",
    "last",
    "every",
    "many",
    "few",
    "most",
    "some",
    "other",
    "several",
    "great",
    "small",
    "large",
    "local",
    "favourite",
];

const CONNECT: &[&str] = &[
    "and", "but", "with", "for", "on", "in", "after", "before", "during", "over", "through",
    "because", "while", "so", "yet", "the", "a", "our", "their", "this", "that", "we", "you",
    "they", "it", "is", "was", "were", "felt", "looked", "seemed", "ran", "tested", "wore",
    "liked", "found", "noticed", "tried", "chose", "needed", "kept", "made", "took", "gave",
];

const FIRST_NAMES: &[&str] = &[
    "Anna", "Ben", "Carla", "Dev", "Elena", "Finn", "Greta", "Hugo", "Ines", "Jonas", "Kira",
    "Lars", "Mia", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Uli", "Vera",
];
const LAST_NAMES: &[&str] = &[
    "Berg", "Costa", "Dahl", "Evans", "Fischer", "Garcia", "Holm", "Ito", "Jensen", "Kowalski",
    "Lopez", "Meyer", "Novak", "Olsen", "Petit", "Rossi", "Silva", "Tanaka", "Urban", "Weber",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A sentence of plausible English about trail running.
fn sentence(r: &mut Rng, out: &mut String) {
    let n = r.range(8, 22);
    for i in 0..n {
        let w = if i % 2 == 0 || r.chance(0.3) {
            r.pick(WORDS)
        } else {
            r.pick(CONNECT)
        };
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(w);
        }
        if i + 1 < n && i > 2 && r.chance(0.08) {
            out.push(',');
        }
    }
    out.push_str(if r.chance(0.1) { "?" } else { "." });
}

/// Running text of `sentences` sentences.
fn prose(r: &mut Rng, sentences: usize) -> String {
    let mut s = String::new();
    for i in 0..sentences {
        if i > 0 {
            s.push(' ');
        }
        sentence(r, &mut s);
    }
    s
}

/// `prose` with a random number of sentences in `lo..=hi`.
fn prose_n(r: &mut Rng, (lo, hi): (usize, usize)) -> String {
    let n = r.range(lo, hi);
    prose(r, n)
}

fn menu_links_n(r: &mut Rng, (lo, hi): (usize, usize), sep: &str, item: (&str, &str)) -> String {
    let n = r.range(lo, hi);
    menu_links(r, n, sep, item)
}

fn headline(r: &mut Rng) -> String {
    let mut t = String::new();
    let n = r.range(4, 9);
    for i in 0..n {
        let w = r.pick(WORDS);
        if i > 0 {
            t.push(' ');
        }
        let mut c = w.chars();
        if let Some(f) = c.next() {
            t.extend(f.to_uppercase());
            t.push_str(c.as_str());
        }
    }
    t
}

fn person(r: &mut Rng) -> String {
    format!("{} {}", r.pick(FIRST_NAMES), r.pick(LAST_NAMES))
}

fn slug(r: &mut Rng) -> String {
    let n = r.range(2, 5);
    (0..n).map(|_| *r.pick(WORDS)).collect::<Vec<_>>().join("-")
}

/// One shared piece of a page.
pub struct Fragment {
    pub raw: String,
}

impl Fragment {
    fn new(raw: String) -> Arc<Fragment> {
        Arc::new(Fragment { raw })
    }
}

/// A piece of a page body.
pub enum Part {
    Shared(Arc<Fragment>),
    Own(String),
}

impl Part {
    fn text(&self) -> &str {
        match self {
            Part::Shared(f) => &f.raw,
            Part::Own(s) => s,
        }
    }
}

/// Markup styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// HTML5 WordPress theme (landmarks, `entry-content`, `comment-list`, widgets).
    WordPress,
    /// Blogger-style classed `<div>`s (`post-body`, `sidebar-wrapper`, `comment-thread`).
    Blogger,
    /// A 2000s table layout: no semantic tags, no telling classes, sloppy markup.
    Tables,
    /// A news site: related lists, most-read box, share bar.
    News,
    /// A phpBB-style forum thread.
    Forum,
}

const STYLES: [Style; 5] = [
    Style::WordPress,
    Style::Blogger,
    Style::Tables,
    Style::News,
    Style::Forum,
];

/// Where a link to the target was put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Content,
    Sidebar,
    Footer,
    Comments,
}

impl Region {
    /// The placement the report should give it.
    pub fn placement(self) -> &'static str {
        match self {
            Region::Content => "content",
            Region::Sidebar => "sidebar",
            Region::Footer => "footer",
            Region::Comments => "comments",
        }
    }
}

/// A link to the target that the page holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedLink {
    /// The resolved URL as the report prints it.
    pub href: String,
    /// The anchor text as the report prints it (whitespace collapsed, entities decoded).
    pub anchor: String,
    pub region: Region,
}

/// What a candidate URL leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An HTML page that links to the target.
    Live,
    /// An HTML page without a link to the target.
    Lost,
    /// An error status (404, 410).
    Status(u16),
}

/// Everything about one page but its body.
#[derive(Debug, Clone)]
pub struct PageSpec {
    pub index: usize,
    pub site: usize,
    pub kind: Kind,
    /// Redirect statuses answered before the page itself (301, 302).
    pub redirects: Vec<u16>,
    /// Milliseconds the server waits before answering.
    pub delay_ms: u64,
    pub windows_1252: bool,
    /// windows-1252 declared only in `<meta>` (else in `Content-Type`).
    pub charset_in_meta: bool,
    pub gzip: bool,
    pub style: Style,
    /// Approximate body size in bytes.
    pub size: usize,
    seed: u64,
}

/// A rendered body.
pub struct Rendered {
    pub parts: Vec<Part>,
    pub links: Vec<ExpectedLink>,
    pub title: String,
}

/// A site: host name, style and its template fragments.
pub struct Site {
    pub host: String,
    /// The loopback address it is served on (one /24 per site, as distinct hosts would be).
    pub addr: std::net::Ipv4Addr,
    pub name: String,
    pub style: Style,
    header: Arc<Fragment>,
    sidebar: Arc<Fragment>,
    footer: Arc<Fragment>,
}

/// The shared fragments and sites of one corpus.
pub struct Corpus {
    pub sites: Vec<Site>,
    css: Vec<Arc<Fragment>>,
    scripts: Vec<Arc<Fragment>>,
    paragraphs: Vec<Arc<Fragment>>,
    /// Whole comments (or forum replies), per style.
    comment_items: Vec<Vec<Arc<Fragment>>>,
    related: Vec<Arc<Fragment>>,
}

/// Number of referring sites.
pub const SITES: usize = 40;

impl Corpus {
    pub fn new() -> Corpus {
        let mut r = Rng::new(7);
        let css = (0..12).map(|k| Fragment::new(css(&mut r, k))).collect();
        let scripts = (0..12).map(|k| Fragment::new(script(&mut r, k))).collect();
        let paragraphs = (0..600).map(|_| Fragment::new(paragraph(&mut r))).collect();
        let comment_items = STYLES
            .iter()
            .map(|style| {
                (0..150)
                    .map(|k| {
                        let title = headline(&mut r);
                        let mut c = comment_open(&mut r, *style, k, &title);
                        let _ = write!(c, "<p>{}</p>", prose_n(&mut r, (1, 4)));
                        c.push_str(comment_close(*style));
                        Fragment::new(c)
                    })
                    .collect()
            })
            .collect();
        let related = (0..40)
            .map(|k| Fragment::new(related_list(&mut r, k)))
            .collect();
        let sites = (0..SITES)
            .map(|k| {
                let style = STYLES[k % STYLES.len()];
                let name = format!(
                    "{} {}",
                    capitalise(r.pick::<&str>(WORDS)),
                    ["Journal", "Runner", "Trails", "Notes", "Forum", "Daily"][k % 6]
                );
                let host = format!(
                    "{}{}-{k}.test",
                    ["www.", "blog.", "", "news.", "forum."][k % 5],
                    r.pick(WORDS)
                );
                Site {
                    addr: std::net::Ipv4Addr::new(127, 0, k as u8 + 1, 1),
                    header: Fragment::new(header(&mut r, style, &name)),
                    sidebar: Fragment::new(sidebar(&mut r, style)),
                    footer: Fragment::new(footer(&mut r, style, &name)),
                    host,
                    name,
                    style,
                }
            })
            .collect();
        Corpus {
            sites,
            css,
            scripts,
            paragraphs,
            comment_items,
            related,
        }
    }

    /// The description of page `i`.
    pub fn spec(&self, i: usize) -> PageSpec {
        let mut r = Rng::new(0x5eed_0000 + i as u64);
        // Zipf-like: a few sites hold many of the pages.
        let site = {
            let a = r.below(SITES);
            let b = r.below(SITES);
            a.min(b)
        };
        let roll = r.below(1000);
        let (kind, redirects) = match roll {
            0..=29 => (Kind::Status(404), vec![]),
            30..=39 => (Kind::Status(410), vec![]),
            40..=59 => (Kind::Live, vec![301]),
            60..=79 => (Kind::Live, vec![301, 302]),
            80..=119 => (Kind::Lost, vec![]),
            _ => (Kind::Live, vec![]),
        };
        let delay_ms = if r.below(1000) < 5 {
            r.range(150, 400) as u64
        } else {
            0
        };
        let windows_1252 = r.chance(0.05);
        PageSpec {
            index: i,
            site,
            kind,
            redirects,
            delay_ms,
            windows_1252,
            charset_in_meta: r.chance(0.5),
            gzip: !windows_1252 && r.chance(0.3),
            style: self.sites[site].style,
            size: r.range(30, 150) * 1024,
            seed: r.next(),
        }
    }

    /// The URL of page `i` on a server listening on `port`.
    pub fn url(&self, spec: &PageSpec, port: u16) -> String {
        format!(
            "http://{}:{port}/post/{}",
            self.sites[spec.site].host, spec.index
        )
    }

    /// The body of an HTML page (live or lost).
    pub fn render(&self, spec: &PageSpec) -> Rendered {
        let mut r = Rng::new(spec.seed);
        let site = &self.sites[spec.site];
        let mut b = Builder::default();
        let title = headline(&mut r);
        let links_in_body = match spec.kind {
            Kind::Live if r.chance(0.04) => 0, // only elsewhere on the page
            Kind::Live => r.range(1, 3),
            _ => 0,
        };
        let elsewhere = match spec.kind {
            Kind::Live if links_in_body == 0 => 1,
            Kind::Live if r.chance(0.15) => 1,
            _ => 0,
        };
        // Decide where the paragraphs carrying target links go.
        let paragraphs = r.range(4, 14);
        let mut link_slots: Vec<usize> = (0..links_in_body).map(|_| r.below(paragraphs)).collect();
        link_slots.sort_unstable();

        // <head>
        let lang = if spec.style == Style::Tables {
            ""
        } else {
            " lang=\"en\""
        };
        let doctype = if spec.style == Style::Tables {
            "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n"
        } else {
            "<!DOCTYPE html>\n"
        };
        let _ = write!(b.own, "{doctype}<html{lang}><head>");
        if spec.windows_1252 {
            if spec.charset_in_meta {
                b.own.push_str(
                    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">",
                );
            }
        } else {
            b.own.push_str("<meta charset=\"utf-8\">");
        }
        let url = format!("http://{}/post/{}", site.host, spec.index);
        let _ = write!(
            b.own,
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} | {}</title>\
             <meta name=\"description\" content=\"{}\">\
             <link rel=\"canonical\" href=\"{url}\">\
             <meta property=\"og:title\" content=\"{title}\"><meta property=\"og:type\" content=\"article\">\
             <link rel=\"stylesheet\" href=\"/wp-content/themes/site/style.css?ver=6.4\">",
            site.name,
            prose(&mut r, 1)
        );
        if r.chance(0.08) {
            b.own
                .push_str("<meta name=\"robots\" content=\"noindex, follow\">");
        }
        b.own.push_str("<style>");
        b.shared(&self.css[r.below(self.css.len())]);
        b.own.push_str("</style>");
        let _ = write!(
            b.own,
            "<script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\
             \"@type\":\"BlogPosting\",\"headline\":\"{title}\",\"author\":{{\"@type\":\"Person\",\
             \"name\":\"{}\"}},\"datePublished\":\"2024-0{}-1{}\",\"url\":\"{url}\",\
             \"publisher\":{{\"@type\":\"Organization\",\"name\":\"{}\"}}}}</script>",
            person(&mut r),
            r.range(1, 9),
            r.range(0, 9),
            site.name
        );
        let _ = write!(
            b.own,
            "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-{:08X}\"></script>\
             <script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}\
             gtag('js',new Date());gtag('config','G-{:08X}');</script>",
            spec.site * 7919 + 0x1000_0000,
            spec.site * 7919 + 0x1000_0000
        );
        b.own.push_str("<script>");
        b.shared(&self.scripts[r.below(self.scripts.len())]);
        b.own.push_str("</script></head>");

        // <body>, the site header and menu
        b.own.push_str(match spec.style {
            Style::WordPress => {
                "<body class=\"post-template-default single single-post\"><div id=\"page\" class=\"site\">"
            }
            Style::Blogger => "<body class=\"variant-indie\"><div class=\"outer-wrapper\">",
            Style::Tables => "<BODY bgcolor=#ffffff topmargin=0>",
            Style::News => "<body class=\"article-page\"><div class=\"page-wrap\">",
            Style::Forum => "<body id=\"phpbb\" class=\"section-viewtopic ltr\"><div id=\"wrap\">",
        });
        b.shared(&site.header);

        // the article
        let author = person(&mut r);
        let (day, month, year) = (r.range(1, 28), r.below(12), r.range(2015, 2025));
        match spec.style {
            Style::WordPress => {
                let _ = write!(
                    b.own,
                    "<div id=\"content\" class=\"site-content\"><div id=\"primary\" class=\"content-area\">\
                     <main id=\"main\" class=\"site-main\"><article id=\"post-{i}\" class=\"post-{i} post type-post status-publish format-standard hentry\">\
                     <header class=\"entry-header\"><h1 class=\"entry-title\">{title}</h1><div class=\"entry-meta\">\
                     <span class=\"posted-on\"><time class=\"entry-date published\" datetime=\"{year}-01-01\">{} {day}, {year}</time></span>\
                     <span class=\"byline\"> by <span class=\"author vcard\"><a class=\"url fn n\" href=\"/author/{}/\">{author}</a></span></span></div></header>\
                     <div class=\"entry-content\">",
                    MONTHS[month],
                    author.to_lowercase().replace(' ', "-"),
                    i = spec.index
                );
            }
            Style::Blogger => {
                let _ = write!(
                    b.own,
                    "<div class=\"main-outer\"><div class=\"main-inner\"><div class=\"blog-posts hfeed\">\
                     <div class=\"date-outer\"><h2 class=\"date-header\"><span>{day} {} {year}</span></h2>\
                     <div class=\"post-outer\"><div class=\"post hentry\" itemscope itemtype=\"http://schema.org/BlogPosting\">\
                     <h3 class=\"post-title entry-title\" itemprop=\"name\">{title}</h3>\
                     <div class=\"post-header\"><div class=\"post-header-line-1\"></div></div>\
                     <div class=\"post-body entry-content\" id=\"post-body-{}\" itemprop=\"description articleBody\">",
                    MONTHS[month],
                    spec.seed % 1_000_000_007
                );
            }
            Style::Tables => {
                let _ = write!(
                    b.own,
                    "<TD valign=top width=\"75%\"><FONT face=\"Verdana, Arial\" size=2>\
                     <B><FONT size=4>{title}</FONT></B><BR>{author}, {day}.{}.{year}<BR><BR>",
                    month + 1
                );
            }
            Style::News => {
                let _ = write!(
                    b.own,
                    "<main id=\"main-content\"><article class=\"story\"><div class=\"story-header\">\
                     <h1 class=\"headline\">{title}</h1><div class=\"byline\">By <a href=\"/authors/{}\" rel=\"author\">{author}</a>\
                     <time datetime=\"{year}-01-01T08:00:00Z\">{} {day}, {year}</time></div></div>\
                     <figure class=\"lead-image\"><img src=\"/img/{}.jpg\" alt=\"{}\"><figcaption>{}</figcaption></figure>\
                     <div class=\"story-body\" itemprop=\"articleBody\">",
                    author.to_lowercase().replace(' ', "-"),
                    MONTHS[month],
                    spec.index,
                    prose(&mut r, 1).trim_end_matches('.'),
                    prose(&mut r, 1)
                );
            }
            Style::Forum => {
                let _ = write!(
                    b.own,
                    "<div id=\"page-body\" class=\"page-body\"><h2 class=\"topic-title\"><a href=\"./viewtopic.php?t={}\">{title}</a></h2>\
                     <div class=\"action-bar bar-top\"><a href=\"./posting.php?mode=reply\" class=\"button\">Post Reply</a></div>\
                     <div id=\"p{}\" class=\"post has-profile bg2\"><div class=\"inner\">\
                     <dl class=\"postprofile\"><dt class=\"has-profile-rank\"><a href=\"./memberlist.php?mode=viewprofile&amp;u={}\" class=\"username\">{}</a></dt>\
                     <dd class=\"profile-rank\">Member</dd><dd class=\"profile-posts\"><strong>Posts:</strong> {}</dd></dl>\
                     <div class=\"postbody\"><div><h3 class=\"first\">{title}</h3>\
                     <p class=\"author\"><span class=\"responsive-hide\">by <strong><a href=\"./memberlist.php?mode=viewprofile&amp;u={}\" class=\"username\">{}</a></strong> » </span>Mon {} {day:02}, {year} 7:12 pm</p>\
                     <div class=\"content\">",
                    spec.index,
                    spec.index * 10,
                    spec.index % 977,
                    author.replace(' ', "_"),
                    r.range(3, 4000),
                    spec.index % 977,
                    author.replace(' ', "_"),
                    &MONTHS[month][..3]
                );
            }
        }
        let mut slot = 0;
        let mut decoy_done = false;
        for p in 0..paragraphs {
            while slot < link_slots.len() && link_slots[slot] == p {
                b.link_paragraph(&mut r, spec.style, Region::Content);
                slot += 1;
            }
            let frag = &self.paragraphs[r.below(self.paragraphs.len())];
            match spec.style {
                Style::Tables if r.chance(0.5) => {
                    // unclosed <P>: the next <P> closes it
                    b.own.push_str("<P>");
                    let inner = frag.raw.trim_start_matches("<p>").trim_end_matches("</p>");
                    b.own.push_str(inner);
                    b.own.push('\n');
                }
                Style::Blogger if r.chance(0.3) => {
                    // Blogger's <br><br> paragraphs
                    let inner = frag.raw.trim_start_matches("<p>").trim_end_matches("</p>");
                    b.own.push_str(inner);
                    b.own.push_str("<br /><br />\n");
                }
                _ => b.shared(frag),
            }
            if !decoy_done && r.chance(0.15) {
                decoy_done = true;
                b.decoy(&mut r);
            }
            if spec.style == Style::News && p == 2 {
                b.own.push_str(
                    "<aside class=\"inline-promo\"><a href=\"/newsletter\">Sign up for our newsletter</a></aside>",
                );
            }
        }
        if matches!(spec.kind, Kind::Lost) && r.chance(0.5) {
            // The page mentions the target without linking to it.
            let _ = write!(
                b.own,
                "<p>We used to link to {TARGET} here, but the shop moved; see www.{TARGET} for details.</p>"
            );
        }
        match spec.style {
            Style::WordPress => {
                b.own.push_str(
                    "</div><footer class=\"entry-footer\"><span class=\"cat-links\">Posted in \
                     <a href=\"/category/reviews/\" rel=\"category tag\">Reviews</a></span>\
                     <span class=\"tags-links\">Tagged <a href=\"/tag/trail/\" rel=\"tag\">trail</a></span></footer></article>",
                );
                let _ = write!(
                    b.own,
                    "<nav class=\"navigation post-navigation\" aria-label=\"Posts\"><div class=\"nav-links\">\
                     <div class=\"nav-previous\"><a href=\"/{}/\" rel=\"prev\">{}</a></div></div></nav>",
                    slug(&mut r),
                    headline(&mut r)
                );
            }
            Style::Blogger => {
                b.own.push_str(
                    "<div style=\"clear: both;\"></div></div><div class=\"post-footer\"><div class=\"post-footer-line post-footer-line-1\">\
                     <span class=\"post-labels\">Labels: <a href=\"/search/label/trail\" rel=\"tag\">trail</a></span></div></div></div>",
                );
            }
            Style::Tables => b.own.push_str("</FONT>"),
            Style::News => {
                b.own.push_str(
                    "</div><div class=\"share-bar\"><a href=\"https://twitter.com/intent/tweet\">Share on X</a>\
                     <a href=\"https://www.facebook.com/sharer/sharer.php\">Share on Facebook</a></div></article>",
                );
                b.shared(&self.related[r.below(self.related.len())]);
            }
            Style::Forum => {
                b.own.push_str("</div></div></div></div></div>");
            }
        }

        // comments / replies
        let comments = match spec.style {
            Style::Tables => 0,
            _ => r.range(0, 25),
        };
        let comment_link = elsewhere > 0 && comments > 0 && r.chance(0.4);
        let link_at = if comment_link {
            r.below(comments)
        } else {
            usize::MAX
        };
        if comments > 0 {
            match spec.style {
                Style::WordPress => {
                    let _ = write!(
                        b.own,
                        "<div id=\"comments\" class=\"comments-area\"><h2 class=\"comments-title\">{comments} thoughts on &ldquo;{title}&rdquo;</h2><ol class=\"comment-list\">"
                    );
                }
                Style::Blogger => b.own.push_str(
                    "<div class=\"comments\" id=\"comments\"><h4>Comments</h4><div class=\"comment-thread\"><ol>",
                ),
                Style::News => b.own.push_str(
                    "<section class=\"comments-section\" id=\"comments\"><h2>Reader comments</h2><ul class=\"comment-list\">",
                ),
                _ => {}
            }
            for k in 0..comments {
                if k == link_at {
                    let open = comment_open(&mut r, spec.style, k, &title);
                    b.own.push_str(&open);
                    b.link_paragraph(&mut r, spec.style, Region::Comments);
                    b.own.push_str(comment_close(spec.style));
                } else {
                    let pool = &self.comment_items[spec.style as usize];
                    b.shared(&pool[r.below(pool.len())]);
                }
            }
            b.own.push_str(match spec.style {
                Style::WordPress => "</ol></div>",
                Style::Blogger => "</ol></div></div>",
                Style::News => "</ul></section>",
                _ => "",
            });
        }
        b.own.push_str(match spec.style {
            Style::WordPress => "</main></div>",
            Style::Blogger => "</div></div></div></div>",
            Style::Tables => "</TD>",
            Style::News => "</main>",
            Style::Forum => "</div>",
        });

        // sidebar, footer; the page's own link there when it has one elsewhere
        let other = if elsewhere > 0 && !comment_link {
            if spec.style == Style::Forum || r.chance(0.5) {
                Region::Footer
            } else {
                Region::Sidebar
            }
        } else {
            Region::Content
        };
        if spec.style == Style::Forum {
            // forums have no sidebar
        } else {
            if other == Region::Sidebar {
                // the blogroll widget with the target in it, then the site's usual widgets
                b.own.push_str(match spec.style {
                    Style::WordPress => "<aside id=\"secondary\" class=\"widget-area\"><section id=\"linkcat-2\" class=\"widget widget_links\"><h2 class=\"widget-title\">Blogroll</h2><ul class=\"xoxo blogroll\">",
                    Style::Blogger => "<div class=\"sidebar-wrapper\"><div class=\"widget LinkList\" id=\"LinkList1\"><h2>Blogroll</h2><div class=\"widget-content\"><ul>",
                    Style::Tables => "<TD valign=top width=\"25%\" bgcolor=#eeeeee><B>Friends</B><BR><UL>",
                    _ => "<aside class=\"rail\"><div class=\"partners\"><h3>Partners</h3><ul>",
                });
                for _ in 0..r.range(3, 8) {
                    let _ = write!(
                        b.own,
                        "<li><a href=\"https://{}-{}.test/\">{}</a></li>",
                        r.pick(WORDS),
                        r.below(500),
                        headline(&mut r)
                    );
                }
                b.link_item(&mut r, Region::Sidebar);
                b.own.push_str(match spec.style {
                    Style::WordPress => "</ul></section>",
                    Style::Blogger => "</ul></div></div>",
                    Style::Tables => "</UL>",
                    _ => "</ul></div>",
                });
                b.shared(&site.sidebar);
                b.own.push_str(match spec.style {
                    Style::WordPress => "</aside>",
                    Style::Blogger => "</div>",
                    Style::Tables => "</TD>",
                    _ => "</aside>",
                });
            } else {
                b.own.push_str(match spec.style {
                    Style::WordPress => "<aside id=\"secondary\" class=\"widget-area\">",
                    Style::Blogger => "<div class=\"sidebar-wrapper\">",
                    Style::Tables => "<TD valign=top width=\"25%\" bgcolor=#eeeeee>",
                    _ => "<aside class=\"rail\">",
                });
                b.shared(&site.sidebar);
                b.own.push_str(match spec.style {
                    Style::WordPress => "</aside>",
                    Style::Blogger => "</div>",
                    Style::Tables => "</TD>",
                    _ => "</aside>",
                });
            }
        }
        if spec.style == Style::WordPress {
            b.own.push_str("</div>");
        }
        if other == Region::Footer {
            b.own.push_str(match spec.style {
                Style::WordPress => "<footer id=\"colophon\" class=\"site-footer\"><div class=\"site-info\">Theme by ",
                Style::Blogger => "<div class=\"footer-outer\"><div class=\"widget Attribution\">Design by ",
                Style::Tables => "<TR><TD colspan=2 align=center><FONT size=1>Hosted by ",
                Style::News => "<footer class=\"site-footer\"><div class=\"footer-credits\">Partner: ",
                Style::Forum => "<div class=\"copyright\">Sponsored by ",
            });
            b.link_item(&mut r, Region::Footer);
            b.own.push_str(match spec.style {
                Style::WordPress => "</div></footer>",
                Style::Blogger => "</div></div>",
                Style::Tables => "</FONT></TD></TR>",
                Style::News => "</div></footer>",
                Style::Forum => "</div>",
            });
        }
        b.shared(&site.footer);
        // Padding to the page's size: what real pages carry at the end of <body> (app state,
        // tag managers, consent banners).
        while b.len() + 40 < spec.size {
            b.own.push_str("<script>");
            b.shared(&self.scripts[r.below(self.scripts.len())]);
            b.own.push_str("</script>");
        }
        b.own.push_str(match spec.style {
            Style::Tables => "</BODY></HTML>\n",
            _ => "</div></body></html>\n",
        });
        let (parts, links) = b.finish();
        Rendered {
            parts,
            links,
            title,
        }
    }

    /// The body of an HTML page as served, without compression (see [`Corpus::gzip_bodies`]).
    pub fn body(&self, spec: &PageSpec) -> Vec<u8> {
        let rendered = self.render(spec);
        if spec.windows_1252 {
            let mut text = String::with_capacity(spec.size + 1024);
            for p in &rendered.parts {
                text.push_str(p.text());
            }
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
            bytes.into_owned()
        } else {
            let mut out = Vec::with_capacity(spec.size + 1024);
            for p in &rendered.parts {
                out.extend_from_slice(p.text().as_bytes());
            }
            out
        }
    }

    /// The gzip bodies of the gzipped pages among the first `n`, made on every core.
    pub fn gzip_bodies(&self, n: usize) -> Vec<Option<Vec<u8>>> {
        let threads = std::thread::available_parallelism().map_or(2, |t| t.get());
        let mut out: Vec<Option<Vec<u8>>> = vec![None; n];
        std::thread::scope(|scope| {
            let chunks: Vec<_> = out
                .chunks_mut(n.div_ceil(threads).max(1))
                .enumerate()
                .map(|(k, chunk)| {
                    let start = k * n.div_ceil(threads).max(1);
                    scope.spawn(move || {
                        for (j, slot) in chunk.iter_mut().enumerate() {
                            let spec = self.spec(start + j);
                            if spec.gzip && matches!(spec.kind, Kind::Live | Kind::Lost) {
                                let mut gz = flate2::write::GzEncoder::new(
                                    Vec::with_capacity(spec.size / 3),
                                    Compression::fast(),
                                );
                                gz.write_all(&self.body(&spec)).expect("compress in memory");
                                *slot = Some(gz.finish().expect("compress in memory"));
                            }
                        }
                    })
                })
                .collect();
            for c in chunks {
                c.join().expect("compression thread");
            }
        });
        out
    }

    /// The `Content-Type` of an HTML page.
    pub fn content_type(spec: &PageSpec) -> &'static str {
        if spec.windows_1252 && !spec.charset_in_meta {
            "text/html; charset=windows-1252"
        } else if spec.windows_1252 {
            "text/html"
        } else {
            "text/html; charset=UTF-8"
        }
    }
}

impl Default for Corpus {
    fn default() -> Self {
        Corpus::new()
    }
}

/// Collects parts and expected links.
#[derive(Default)]
struct Builder {
    parts: Vec<Part>,
    own: String,
    links: Vec<ExpectedLink>,
    size: usize,
}

/// Anchor texts: (as written in HTML, as reported).
const ANCHORS: &[(&str, &str)] = &[
    ("Example", "Example"),
    ("Example Shoes", "Example Shoes"),
    ("example.com", "example.com"),
    ("www.example.com", "www.example.com"),
    ("trail running shoes", "trail running shoes"),
    (
        "the best trail running shoes",
        "the best trail running shoes",
    ),
    ("this review", "this review"),
    ("click here", "click here"),
    ("their lightweight racer", "their lightweight racer"),
    ("Example&#8217;s new line", "Example\u{2019}s new line"),
    ("shoes &amp; socks", "shoes & socks"),
    ("Example&nbsp;Outfitters", "Example Outfitters"),
    ("caf&eacute; racer shoes", "caf\u{e9} racer shoes"),
    ("  Example\n   trail   shop ", "Example trail shop"),
    ("<strong>Example</strong> store", "Example store"),
    (
        "Bergschuhe f\u{fc}r L\u{e4}ufer",
        "Bergschuhe f\u{fc}r L\u{e4}ufer",
    ),
];

impl Builder {
    fn shared(&mut self, f: &Arc<Fragment>) {
        self.flush();
        self.size += f.raw.len();
        self.parts.push(Part::Shared(Arc::clone(f)));
    }

    fn flush(&mut self) {
        if !self.own.is_empty() {
            self.size += self.own.len();
            self.parts.push(Part::Own(std::mem::take(&mut self.own)));
        }
    }

    fn len(&self) -> usize {
        self.size + self.own.len()
    }

    fn finish(mut self) -> (Vec<Part>, Vec<ExpectedLink>) {
        self.flush();
        (self.parts, self.links)
    }

    /// A link to the target: (the `<a>` markup, the expected link).
    fn target_link(&mut self, r: &mut Rng, region: Region) -> String {
        let k = r.below(100_000);
        let (written, resolved) = match r.below(8) {
            0 => (
                "https://www.example.com/".to_string(),
                "https://www.example.com/".to_string(),
            ),
            1 => (
                format!("https://example.com/shoes/{k}"),
                format!("https://example.com/shoes/{k}"),
            ),
            2 => (
                format!("http://blog.example.com/2024/{k}/review"),
                format!("http://blog.example.com/2024/{k}/review"),
            ),
            3 => (
                format!("https://www.example.com/p?id={k}&amp;utm_source=blog&amp;utm_medium=link"),
                format!("https://www.example.com/p?id={k}&utm_source=blog&utm_medium=link"),
            ),
            4 => (
                format!("//example.com/c/{k}"),
                format!("http://example.com/c/{k}"),
            ),
            5 => (
                format!("HTTPS://WWW.EXAMPLE.COM/Trail/{k}"),
                format!("https://www.example.com/Trail/{k}"),
            ),
            6 => (
                format!(" https://shop.example.com/en/{k}#reviews "),
                format!("https://shop.example.com/en/{k}#reviews"),
            ),
            _ => (
                format!("https://www.example.com/{}/", slug(r)),
                String::new(),
            ),
        };
        let resolved = if resolved.is_empty() {
            written.clone()
        } else {
            resolved
        };
        let rel = match r.below(10) {
            0 => " rel=\"nofollow\"",
            1 => " rel=\"sponsored\"",
            2 => " rel=\"noopener\" target=\"_blank\"",
            _ => "",
        };
        let (html, anchor) = if r.chance(0.06) {
            (
                format!(
                    "<a href=\"{written}\"{rel}><img src=\"/img/banner.png\" alt=\"Example trail shoes\" width=\"300\"></a>"
                ),
                "Example trail shoes".to_string(),
            )
        } else {
            let (w, a) = *r.pick(ANCHORS);
            (format!("<a href=\"{written}\"{rel}>{w}</a>"), a.to_string())
        };
        self.links.push(ExpectedLink {
            href: resolved,
            anchor,
            region,
        });
        html
    }

    /// A paragraph of prose with a link to the target in it.
    fn link_paragraph(&mut self, r: &mut Rng, style: Style, region: Region) {
        let before = prose_n(r, (1, 3));
        let link = self.target_link(r, region);
        let after = prose_n(r, (1, 3));
        let (open, close) = match style {
            Style::Tables if region == Region::Content => ("<P>", "\n"),
            _ => ("<p>", "</p>"),
        };
        let _ = write!(
            self.own,
            "{open}{before} We recommend {link} for {after}{close}"
        );
    }

    /// A list item linking to the target.
    fn link_item(&mut self, r: &mut Rng, region: Region) {
        let link = self.target_link(r, region);
        let _ = write!(self.own, "<li>{link}</li>");
    }

    /// Things that mention the target but are not links to it.
    fn decoy(&mut self, r: &mut Rng) {
        let _ = match r.below(6) {
            0 => write!(
                self.own,
                "<p>Compare with <a href=\"https://example.com.mirror-{}.test/\">a mirror</a> and \
                 <a href=\"https://notexample.com/\">another shop</a>.</p>",
                r.below(50)
            ),
            1 => write!(
                self.own,
                "<!-- old link: <a href=\"https://www.example.com/old\">Example</a> -->"
            ),
            2 => write!(
                self.own,
                "<script>var promo = '<a href=\"https://www.example.com/promo\">Example</a>';</script>"
            ),
            3 => write!(
                self.own,
                "<noscript><a href=\"https://www.example.com/nojs\">Example without JS</a></noscript>"
            ),
            4 => write!(
                self.own,
                "<p>Readers asked about examples.com and example.co, which are other shops.</p>"
            ),
            _ => write!(
                self.own,
                "<textarea readonly><a href=\"https://www.example.com/embed\">Embed this</a></textarea>"
            ),
        };
    }
}

/// The markup that opens comment or reply `k` (its author, date and the block its text goes in).
fn comment_open(r: &mut Rng, style: Style, k: usize, title: &str) -> String {
    let who = person(r);
    let (d, m, y) = (r.range(1, 28), r.below(12), r.range(2015, 2025));
    let mut s = String::new();
    match style {
        Style::WordPress => {
            let _ = write!(
                s,
                "<li id=\"comment-{k}\" class=\"comment even thread-even depth-1\"><article class=\"comment-body\">\
                             <footer class=\"comment-meta\"><div class=\"comment-author vcard\"><img alt='' src='/avatar/{k}.png' class='avatar avatar-42 photo' height='42' width='42'>\
                             <b class=\"fn\"><a href=\"https://{}-{k}.test/\" rel=\"external nofollow ugc\" class=\"url\">{who}</a></b> <span class=\"says\">says:</span></div>\
                             <div class=\"comment-metadata\"><a href=\"#comment-{k}\"><time datetime=\"{y}-01-01\">{} {d}, {y} at 7:12 pm</time></a></div></footer>\
                             <div class=\"comment-content\">",
                who.to_lowercase().replace(' ', ""),
                MONTHS[m]
            );
        }
        Style::Blogger => {
            let _ = write!(
                s,
                "<li class=\"comment\" id=\"c{k}\"><div class=\"avatar-image-container\"><img src=\"/a/{k}.png\"></div>\
                             <div class=\"comment-block\"><div class=\"comment-header\"><cite class=\"user\"><a href=\"https://www.blogger.com/profile/{k}\" rel=\"nofollow\">{who}</a></cite>\
                             <span class=\"datetime secondary-text\"><a rel=\"nofollow\" href=\"#c{k}\">{} {d}, {y} at 10:{:02} AM</a></span></div><div class=\"comment-content\">",
                MONTHS[m],
                k % 60
            );
        }
        Style::News => {
            let _ = write!(
                s,
                "<li class=\"comment\"><div class=\"comment-author\">{who}</div><div class=\"comment-date\">{} {d}, {y}</div><div class=\"comment-text\">",
                MONTHS[m]
            );
        }
        Style::Forum => {
            let _ = write!(
                s,
                "<div id=\"p{}\" class=\"post has-profile bg{}\"><div class=\"inner\">\
                             <dl class=\"postprofile\"><dt><a href=\"./memberlist.php?mode=viewprofile&amp;u={k}\" class=\"username\">{}</a></dt><dd class=\"profile-posts\"><strong>Posts:</strong> {}</dd></dl>\
                             <div class=\"postbody\"><div><h3>Re: {title}</h3><p class=\"author\">by <strong><a href=\"./memberlist.php?mode=viewprofile&amp;u={k}\" class=\"username\">{}</a></strong> » Tue {} {d:02}, {y} 9:{:02} am</p><div class=\"content\">",
                k + 1,
                1 + k % 2,
                who.replace(' ', "_"),
                r.range(1, 900),
                who.replace(' ', "_"),
                &MONTHS[m][..3],
                k % 60
            );
        }
        Style::Tables => {}
    }
    s
}

fn comment_close(style: Style) -> &'static str {
    match style {
        Style::WordPress => "</div></article></li>",
        Style::Blogger => "</div></div></li>",
        Style::News => "</div></li>",
        Style::Forum => "</div></div></div></div>",
        Style::Tables => "",
    }
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A paragraph of prose, sometimes with emphasis and links to other sites.
fn paragraph(r: &mut Rng) -> String {
    let mut s = String::from("<p>");
    let sentences = r.range(2, 7);
    for i in 0..sentences {
        if i > 0 {
            s.push(' ');
        }
        match r.below(10) {
            0 => {
                let _ = write!(
                    s,
                    "<a href=\"https://{}-{}.test/{}\">{}</a> ",
                    r.pick(WORDS),
                    r.below(300),
                    slug(r),
                    headline(r)
                );
                sentence(r, &mut s);
            }
            1 => {
                s.push_str("<em>");
                sentence(r, &mut s);
                s.push_str("</em>");
            }
            2 => {
                s.push_str("<strong>");
                sentence(r, &mut s);
                s.push_str("</strong>");
            }
            _ => sentence(r, &mut s),
        }
    }
    s.push_str("</p>\n");
    s
}

fn css(r: &mut Rng, k: usize) -> String {
    let mut s = String::new();
    let rules = 20 + k * 15;
    for i in 0..rules {
        let _ = writeln!(
            s,
            ".{}-{i} .{}{{margin:{}px {}px;padding:0 {}px;color:#{:06x};font-size:{}px;line-height:1.{}}}",
            r.pick(WORDS),
            r.pick(WORDS),
            r.below(40),
            r.below(40),
            r.below(20),
            r.next() & 0xff_ffff,
            12 + r.below(10),
            r.below(9)
        );
        if i % 25 == 0 {
            s.push_str("@media (max-width:600px){.site-header{display:block}.widget{margin:0}}\n");
        }
    }
    s
}

fn script(r: &mut Rng, k: usize) -> String {
    let mut s = String::from("(function(w,d){'use strict';");
    let fns = 12 + k * 12;
    for i in 0..fns {
        let _ = write!(
            s,
            "function {}{i}(a,b){{var c=a||{{}};if(c.{}&&b<{}){{return d.querySelector('.{}-{i}')}}\
             for(var j=0;j<b;j++){{c[j]=(j*{})%{};}}return c}};",
            r.pick(WORDS),
            r.pick(WORDS),
            r.below(100),
            r.pick(WORDS),
            r.below(97),
            1 + r.below(31)
        );
        if i % 37 == 0 {
            // markup in strings is not markup
            s.push_str("var tpl='<div class=\"promo\"><a href=\"/deals\">Deals</a></div>';");
        }
        if i % 53 == 0 {
            s.push_str("if(a<b&&b>c){x='</div>'}");
        }
    }
    s.push_str("})(window,document);");
    s
}

fn related_list(r: &mut Rng, _k: usize) -> String {
    let mut s = String::from("<section class=\"related-stories\"><h2>Related stories</h2><ul>");
    for _ in 0..r.range(4, 10) {
        let _ = write!(
            s,
            "<li><a href=\"/news/{}\"><img src=\"/thumb/{}.jpg\" alt=\"\">{}</a></li>",
            slug(r),
            r.below(9999),
            headline(r)
        );
    }
    s.push_str("</ul></section><section class=\"most-read\"><h2>Most read</h2><ol>");
    for _ in 0..10 {
        let _ = write!(
            s,
            "<li><a href=\"/news/{}\">{}</a></li>",
            slug(r),
            headline(r)
        );
    }
    s.push_str("</ol></section>");
    s
}

fn menu_links(r: &mut Rng, n: usize, sep: &str, item: (&str, &str)) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push_str(sep);
        }
        let _ = write!(
            s,
            "{}<a href=\"/{}/\">{}</a>{}",
            item.0,
            slug(r),
            capitalise(r.pick::<&str>(WORDS)),
            item.1
        );
    }
    s
}

fn header(r: &mut Rng, style: Style, name: &str) -> String {
    let n = r.range(20, 60);
    match style {
        Style::WordPress => format!(
            "<a class=\"skip-link screen-reader-text\" href=\"#content\">Skip to content</a>\
             <header id=\"masthead\" class=\"site-header\"><div class=\"site-branding\"><p class=\"site-title\"><a href=\"/\" rel=\"home\">{name}</a></p>\
             <p class=\"site-description\">{}</p></div><nav id=\"site-navigation\" class=\"main-navigation\" aria-label=\"Primary\">\
             <button class=\"menu-toggle\" aria-controls=\"primary-menu\">Menu</button><ul id=\"primary-menu\" class=\"menu\">{}</ul></nav></header>",
            prose(r, 1),
            menu_links(r, n, "", ("<li class=\"menu-item\">", "</li>"))
        ),
        Style::Blogger => format!(
            "<div class=\"header-outer\"><div class=\"header section\" id=\"header\"><div class=\"widget Header\" id=\"Header1\">\
             <h1 class=\"title\"><a href=\"/\">{name}</a></h1><p class=\"description\">{}</p></div></div>\
             <div class=\"tabs-outer\"><div class=\"widget PageList\" id=\"PageList1\"><ul>{}</ul></div></div></div>",
            prose(r, 1),
            menu_links(r, n, "", ("<li>", "</li>"))
        ),
        Style::Tables => format!(
            "<TABLE width=\"100%\" border=0 cellpadding=4 cellspacing=0><TR><TD colspan=3 bgcolor=#336699>\
             <A href=\"/\"><IMG src=\"/logo.gif\" alt=\"{name}\" border=0></A></TD></TR>\
             <TR><TD valign=top width=160 bgcolor=#eeeeee><FONT size=2>{}</FONT></TD>",
            menu_links(r, n, "<BR>\n", ("", ""))
        ),
        Style::News => format!(
            "<header class=\"site-header\"><div class=\"masthead\"><a class=\"logo\" href=\"/\">{name}</a></div>\
             <nav class=\"primary-nav\"><ul>{}</ul></nav><div class=\"trending-bar\"><span>Trending:</span> {}</div></header>",
            menu_links(r, n, "", ("<li>", "</li>")),
            menu_links(r, 6, " ", ("", ""))
        ),
        Style::Forum => format!(
            "<div id=\"page-header\"><div class=\"headerbar\"><div class=\"inner\"><div id=\"site-description\">\
             <a id=\"logo\" class=\"logo\" href=\"./index.php\"><span class=\"site_logo\"></span></a><h1>{name}</h1><p>{}</p></div></div></div>\
             <div class=\"navbar\"><ul id=\"nav-main\" class=\"nav-main linklist\">{}</ul>\
             <ul id=\"nav-breadcrumbs\" class=\"nav-breadcrumbs linklist navlinks\"><li class=\"breadcrumbs\"><span class=\"crumb\"><a href=\"./index.php\">Board index</a></span></li></ul></div></div>",
            prose(r, 1),
            menu_links(r, n, "", ("<li>", "</li>"))
        ),
    }
}

fn sidebar(r: &mut Rng, style: Style) -> String {
    let recent = menu_links_n(r, (8, 15), "", ("<li>", "</li>"));
    let cats = menu_links_n(r, (6, 20), "", ("<li class=\"cat-item\">", "</li>"));
    match style {
        Style::WordPress => format!(
            "<section id=\"search-2\" class=\"widget widget_search\"><form role=\"search\" method=\"get\" class=\"search-form\" action=\"/\">\
             <label><span class=\"screen-reader-text\">Search for:</span><input type=\"search\" class=\"search-field\" name=\"s\"></label>\
             <input type=\"submit\" class=\"search-submit\" value=\"Search\"></form></section>\
             <section id=\"recent-posts-2\" class=\"widget widget_recent_entries\"><h2 class=\"widget-title\">Recent Posts</h2><ul>{recent}</ul></section>\
             <section id=\"categories-2\" class=\"widget widget_categories\"><h2 class=\"widget-title\">Categories</h2><ul>{cats}</ul></section>"
        ),
        Style::Blogger => format!(
            "<div class=\"widget BlogArchive\" id=\"BlogArchive1\"><h2>Blog Archive</h2><div class=\"widget-content\"><ul class=\"hierarchy\">{recent}</ul></div></div>\
             <div class=\"widget Label\" id=\"Label1\"><h2>Labels</h2><div class=\"widget-content list-label-widget-content\"><ul>{cats}</ul></div></div>"
        ),
        Style::Tables => format!(
            "<B>Archive</B><BR>{}<BR><BR><B>Topics</B><BR>{}",
            menu_links(r, 10, "<BR>", ("", "")),
            menu_links(r, 8, "<BR>", ("", ""))
        ),
        _ => format!(
            "<div class=\"rail-module\"><h3>Latest</h3><ul>{recent}</ul></div><div class=\"rail-module ad-slot\">Advertisement</div>"
        ),
    }
}

fn footer(r: &mut Rng, style: Style, name: &str) -> String {
    let links = menu_links_n(r, (10, 30), " | ", ("", ""));
    match style {
        Style::WordPress => format!(
            "<footer id=\"colophon\" class=\"site-footer\"><nav class=\"footer-navigation\"><ul class=\"footer-menu\"><li>{links}</li></ul></nav>\
             <div class=\"site-info\"><a href=\"https://wordpress.org/\">Proudly powered by WordPress</a> &copy; 2024 {name}</div></footer>"
        ),
        Style::Blogger => format!(
            "<div class=\"footer-outer\"><div class=\"widget Attribution\" id=\"Attribution1\"><div class=\"widget-content\">{links}<br>Powered by <a href=\"https://www.blogger.com\">Blogger</a>.</div></div></div>"
        ),
        Style::Tables => format!(
            "<TR><TD colspan=3 align=center><FONT size=1>{links}<BR>Copyright &copy; 2003 {name}. All rights reserved.</FONT></TD></TR></TABLE>"
        ),
        Style::News => format!(
            "<footer class=\"site-footer\"><div class=\"footer-links\">{links}</div><p class=\"legal\">&copy; 2024 {name} Media Group</p></footer>"
        ),
        Style::Forum => format!(
            "<div id=\"page-footer\" class=\"page-footer\"><div class=\"navbar\"><ul class=\"linklist\"><li>{links}</li></ul></div>\
             <div class=\"copyright\">Powered by <a href=\"https://www.phpbb.com/\">phpBB</a>&reg; Forum Software &copy; phpBB Limited</div></div>"
        ),
    }
}

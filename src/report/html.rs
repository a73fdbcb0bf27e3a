//! The HTML report: one self-contained page (inline CSS, JavaScript and SVG; no request leaves
//! the page, which a Content-Security-Policy enforces) that opens offline and prints well.
//! Summary cards, charts (anchor mix, placement, authority and toxicity distributions, new and
//! lost referring domains over time; bar charts with axis titles, and a legend where colours
//! mean something), the removal worklist and reclamation sections, and a sortable, filterable
//! link table grouped by page: a page's row opens the page's evidence and findings (once), each
//! link's row the link's own findings, evidence and score components. URLs wrap between their
//! parts ([`UrlText`]); below 900 px wide tables scroll inside themselves, so the page itself
//! never scrolls sideways (checked at 400 px in Chromium by `tests/cli/report.rs`).
//!
//! Safety: every page-supplied string (titles, anchors, URLs, evidence) is escaped with
//! [`esc`], and attributes are always double-quoted; the audit is embedded as JSON in a
//! `<script type="application/json">` block with `<`, `>`, `&`, U+2028 and U+2029 escaped
//! ([`json_for_script`]), and the page's own script builds details with `textContent` only.
//! The CSP allows only the page's own script, by hash, so even a missed escape could not run
//! injected code. Templates are plain `write!` calls: a template engine would add a
//! proc-macro build for a single page whose structure is fixed.

use super::sanitize::{dropped_from_html, hidden_js_class, strip_controls};
use crate::model::{Audit, LinkReport, PageReport, PageStatus, Severity};
use std::fmt::{self, Display};
use std::io::{self, Write};
use std::sync::OnceLock;

/// HTML-escapes text for element content and double- or single-quoted attribute values, and
/// drops control characters and the sanitiser's hidden characters (bidi overrides,
/// zero-width characters: [`super::sanitize::HIDDEN`]).
pub struct Esc<'a>(pub &'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                c if dropped_from_html(c) => {}
                c => write!(f, "{c}")?,
            }
        }
        Ok(())
    }
}

/// Shorthand for [`Esc`].
pub fn esc(s: &str) -> Esc<'_> {
    Esc(s)
}

/// JSON that is safe inside `<script type="application/json">`: no `</script>`, no `<!--`, no
/// characters a JavaScript parser would read as line breaks, no terminal controls. `<`, `>` and `&` can only occur
/// inside JSON strings, where their `\uXXXX` escapes mean the same.
pub fn json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            // DEL, C1 controls and the hidden characters: inert when the file is printed to a
            // terminal.
            c if ('\u{7f}'..='\u{9f}').contains(&c) || super::sanitize::is_hidden(c) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A URL as displayed text: escaped like [`Esc`], with a `<wbr>` (a line-break opportunity
/// that adds nothing to copied text) after each `/`, `.`, `?`, `&`, `=` and `-`, so that long
/// URLs wrap between their parts instead of mid-word. A run of those characters (the `//`
/// after the scheme) breaks after its last one only.
pub struct UrlText<'a>(pub &'a str);

/// Where [`UrlText`] lets a URL wrap: after these characters.
const URL_BREAKS: [char; 6] = ['/', '.', '?', '&', '=', '-'];

impl Display for UrlText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The characters `Esc` drops are dropped first, so that no break follows a separator
        // at the end of the shown text.
        let mut chars = self.0.chars().filter(|c| !dropped_from_html(*c)).peekable();
        let mut buf = [0u8; 4];
        while let Some(c) = chars.next() {
            write!(f, "{}", Esc(c.encode_utf8(&mut buf)))?;
            if URL_BREAKS.contains(&c) && chars.peek().is_some_and(|n| !URL_BREAKS.contains(n)) {
                f.write_str("<wbr>")?;
            }
        }
        Ok(())
    }
}

/// [`link`] whose text is the URL itself, wrapping between its parts ([`UrlText`]).
pub(super) fn url_link(out: &mut dyn Write, url: &str) -> io::Result<()> {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        write!(
            out,
            "<a href=\"{}\" rel=\"noopener noreferrer nofollow\">{}</a>",
            esc(url),
            UrlText(&strip_controls(url))
        )
    } else {
        write!(out, "{}", UrlText(&strip_controls(url)))
    }
}

/// An `href` only for http(s) and mailto URLs (a hostile `javascript:` link is shown as text).
pub(super) fn link(out: &mut dyn Write, url: &str, text: &str) -> io::Result<()> {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        write!(
            out,
            "<a href=\"{}\" rel=\"noopener noreferrer nofollow\">{}</a>",
            esc(url),
            esc(text)
        )
    } else {
        write!(out, "{}", esc(text))
    }
}

const STYLE: &str = r#"
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#f6f7fa;--card:#fff;--ok:#1a7f4b;--warn:#b26a00;--bad:#c0262d;--accent:#2f5bd3}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:break-word}
header,main{max-width:1280px;margin:0 auto;padding:16px 20px}
header h1{margin:0 0 4px;font-size:22px}
.meta{color:var(--muted);font-size:12px}
h2{font-size:17px;margin:28px 0 10px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(170px,100%),1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px;break-inside:avoid}
.card .v{font-size:26px;font-weight:650}
.card .l{color:var(--muted);font-size:12px}
.bad{color:var(--bad)}.ok{color:var(--ok)}.warn{color:var(--warn)}
.warning{background:#fdf0dc;border-left:4px solid var(--warn);padding:.5em .8em;overflow-wrap:anywhere}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(300px,100%),1fr));gap:12px}
.chart{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px;break-inside:avoid}
.chart h3{font-size:13px;margin:0 0 6px}
.chart svg{width:100%;height:auto}
.legend{font-size:12px;columns:2}
.legend span{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
table{border-collapse:collapse;width:100%;background:var(--card);font-size:12.5px}
th,td{border-bottom:1px solid var(--line);padding:5px 6px;text-align:left;vertical-align:top}
th{background:#eef1f6;position:sticky;top:0;white-space:nowrap}
th[data-sort]{cursor:pointer}th[data-sort]:after{content:" \2195";color:var(--muted)}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.url{max-width:360px;overflow-wrap:break-word}
tr.detail td{background:#fafbfd}
tbody.page{border-top:2px solid var(--line)}tr.page td{background:#f3f5f9}
.gate{padding:10px 14px;border-radius:8px;border:1px solid var(--line);background:var(--card)}
.gate.failed{border-color:var(--bad)}
.controls{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.controls select,.controls input{font:inherit;padding:3px 6px;max-width:100%}
.pill{display:inline-block;border-radius:9px;padding:0 6px;font-size:11px;background:#eef1f6;margin:1px}
.pill.deny{background:#fbe3e4;color:var(--bad)}.pill.warn{background:#fdf0dc;color:var(--warn)}
button.more{font:inherit;font-size:11px;cursor:pointer}
.kv{display:grid;grid-template-columns:minmax(0,max-content) minmax(0,1fr);gap:2px 10px}.kv div{overflow-wrap:anywhere}
.muted{color:var(--muted)}
pre{overflow-x:auto}
@media screen and (max-width:900px){main table{display:block;overflow-x:auto}th{position:static}}
@media screen and (max-width:600px){header,main{padding:12px 10px}.legend{columns:1}td.url{max-width:240px}}
@media print{body{background:#fff}.controls,button.more{display:none}th{position:static}
 header,main{max-width:none;padding:0 6px}a{color:inherit;text-decoration:none}tr{break-inside:avoid}}
"#;

/// The page's script: filters, sorting (links within their page, pages by their first link)
/// and details on demand. Builds nodes with
/// `textContent`, never with `innerHTML`, and removes from every text it shows the characters
/// the renderers drop (`HIDDEN_CLASS` is replaced by [`hidden_js_class`]: the details come
/// from the embedded JSON, which keeps the page's text exact).
const SCRIPT_TEMPLATE: &str = r##"(function(){"use strict";
var data=JSON.parse(document.getElementById("audit-data").textContent);
var table=document.getElementById("links");if(!table)return;
function all(root,sel){return Array.prototype.slice.call(root.querySelectorAll(sel));}
var groups=all(table,"tbody.page");
var rows=all(table,"tr.item");
var f={status:"",placement:"",anchor:"",flag:"",q:""};
function closeDetails(){all(table,"tr.detail").forEach(function(d){d.remove();});all(table,"button.more").forEach(function(b){b.textContent="details";});}
function apply(){var n=0;closeDetails();rows.forEach(function(r){var d=r.dataset,head=r.parentNode.rows[0];
var text=(head===r?"":head.textContent+" ")+r.textContent;
var ok=(!f.status||d.status===f.status)&&(!f.placement||d.placement===f.placement)&&(!f.anchor||d.anchor===f.anchor)&&(!f.flag||(" "+d.flags+" ").indexOf(" "+f.flag+" ")>=0)&&(!f.q||text.toLowerCase().indexOf(f.q)>=0);
r.hidden=!ok;if(ok)n++;});groups.forEach(function(g){g.hidden=!g.querySelector("tr.item:not([hidden])");});
document.getElementById("shown").textContent=n+" of "+rows.length+" rows";}
all(document,"[data-filter]").forEach(function(el){el.addEventListener("input",function(){f[el.dataset.filter]=el.dataset.filter==="q"?el.value.toLowerCase():el.value;apply();});});
var dir={};
all(table,"th[data-sort]").forEach(function(th){th.addEventListener("click",function(){
var k=th.dataset.sort,num=th.dataset.num==="1";dir[k]=-(dir[k]||-1);closeDetails();
function cmp(a,b){var x=a.dataset[k]||"",y=b.dataset[k]||"";if(num){x=x===""?-1:+x;y=y===""?-1:+y;}return (x<y?-1:x>y?1:0)*dir[k];}
function first(g){return g.querySelector("tr.link")||g.rows[0];}
groups.forEach(function(g){all(g,"tr.link").sort(cmp).forEach(function(r){g.appendChild(r);});});
groups.sort(function(a,b){return cmp(first(a),first(b));});groups.forEach(function(g){table.appendChild(g);});});});
var hidden=new RegExp("HIDDEN_CLASS","gu");
function el(tag,text,cls){var e=document.createElement(tag);if(text!==undefined&&text!==null)e.textContent=String(text).replace(hidden,"");if(cls)e.className=cls;return e;}
function kv(box,k,v){if(v===null||v===undefined||v===""||(v.length===0))return;box.appendChild(el("div",k,"muted"));box.appendChild(el("div",Array.isArray(v)?v.join(", "):v));}
function same(a,b){return a.code===b.code&&a.severity===b.severity&&a.evidence===b.evidence;}
function detail(p,l){var td=el("td");td.colSpan=12;var page=data.pages[p];var box=el("div",null,"kv");td.appendChild(box);
if(l<0){kv(box,"page",page.source_url);kv(box,"title",page.title);kv(box,"final URL",page.final_url!==page.source_url?page.final_url:null);
kv(box,"redirects",(page.redirects||[]).map(function(h){return h.status+" "+h.url;}));kv(box,"error",page.error);
kv(box,"inputs",(page.provenance||[]).map(function(s){return s.input+(s.line?":"+s.line:"")+" ("+s.format+")";}));
(page.flags||[]).forEach(function(fl){kv(box,fl.severity+" "+fl.code,fl.evidence);});
var o=(data.actions.outreach||[]).filter(function(i){return i.source_url===page.source_url;})[0];
if(o){kv(box,"removal",o.status+(o.requests.length?" (requested "+o.requests.join(", ")+")":""));kv(box,"contact",o.contacts.map(function(c){return c.kind+": "+c.value;}));}}
else{var k=page.links[l];kv(box,"link",k.target_url);kv(box,"anchor",k.anchor_text);kv(box,"context",k.context);kv(box,"placement",k.placement+" — "+(k.evidence||[]).join("; "));
(k.flags||[]).filter(function(fl){return !(page.flags||[]).some(function(g){return same(fl,g);});}).forEach(function(fl){kv(box,fl.severity+" "+fl.code,fl.evidence);});
var t=el("table");var h=el("tr");["score","component","value","weight","points","reason"].forEach(function(c){h.appendChild(el("th",c));});t.appendChild(h);
(k.components||[]).forEach(function(c){var r=el("tr");[c.score,c.name,c.value.toFixed(2),c.weight,(c.value*c.weight).toFixed(1),c.reason].forEach(function(v,i){r.appendChild(el("td",v,i>=2&&i<=4?"n":null));});t.appendChild(r);});
td.appendChild(el("div","quality "+k.quality+", toxicity "+k.toxicity,"muted"));td.appendChild(t);}
var tr=el("tr",null,"detail");tr.appendChild(td);return tr;}
table.addEventListener("click",function(e){var b=e.target.closest("button.more");if(!b)return;var r=b.closest("tr");var n=r.nextElementSibling;
if(n&&n.classList.contains("detail")){n.remove();b.textContent="details";return;}
r.parentNode.insertBefore(detail(+r.dataset.page,+r.dataset.link),r.nextSibling);b.textContent="hide";});
apply();})();"##;

/// The page's script ([`SCRIPT_TEMPLATE`] with the sanitiser's character class).
fn script() -> &'static str {
    static S: OnceLock<String> = OnceLock::new();
    S.get_or_init(|| {
        // Inside a JavaScript string literal: each backslash of the class doubled.
        SCRIPT_TEMPLATE.replace("HIDDEN_CLASS", &hidden_js_class().replace('\\', "\\\\"))
    })
}

/// `'sha256-…'` of [`script`], for the Content-Security-Policy.
fn script_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| csp_hash(script().as_bytes()))
}

/// A CSP hash source: `'sha256-` + the base64 of the SHA-256 of `bytes` + `'`.
fn csp_hash(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Chart colours, in anchor/placement order.
const PALETTE: [&str; 8] = [
    "#2f5bd3", "#1a9c8c", "#8a94a6", "#c0262d", "#e08a1e", "#7b4fc9", "#d0d4dc", "#4f7d2f",
];

/// The start of a report page up to `<body>`: the Content-Security-Policy (nothing loaded
/// from anywhere; only the script whose hash is `script` runs, none without one), the style
/// and the title.
pub(super) fn head(out: &mut dyn Write, title: &str, script: Option<&str>) -> io::Result<()> {
    write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; {}img-src data:; base-uri 'none'; \
         form-action 'none'\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n",
        script
            .map(|h| format!("script-src {h}; "))
            .unwrap_or_default(),
        esc(title)
    )
}

/// Renders the page.
pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let target = esc(&audit.target);
    head(
        out,
        &format!("Backlink audit of {}", audit.target),
        Some(script_hash()),
    )?;
    write!(
        out,
        "<header><h1>Backlink audit of {target}</h1><div class=\"meta\">{} · backlinks {} · \
         scoring v{}{}</div></header>\n<main>\n",
        esc(&crate::model::display_time(&audit.generated_at)),
        esc(audit.tool.version),
        audit.tool.scoring_version,
        audit
            .tool
            .config
            .as_deref()
            .map(|c| format!(" · settings {}", esc(c)))
            .unwrap_or_default()
    )?;
    for w in &audit.warnings {
        writeln!(
            out,
            "<p class=\"warning\" data-code=\"{}\"><strong>warning</strong> {}</p>",
            w.code,
            esc(&w.message)
        )?;
    }
    gate(audit, out)?;
    cards(audit, out)?;
    charts(audit, out)?;
    changes(audit, out)?;
    outreach(audit, out)?;
    reclamation(audit, out)?;
    super::mentions::html(&audit.mentions, out)?;
    findings(audit, out)?;
    links_table(audit, out)?;
    let mut json = Vec::new();
    serde_json::to_writer(&mut json, audit)?;
    write!(
        out,
        "</main>\n<script type=\"application/json\" id=\"audit-data\">{}</script>\n\
         <script>{}</script>\n</body></html>\n",
        json_for_script(&String::from_utf8_lossy(&json)),
        script()
    )
}

/// A minimal self-contained page showing preformatted text (`history` and `diff` in HTML).
pub fn page_of_text(title: &str, text: &str, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\"><title>{}</title><style>{STYLE}</style></head><body>\
         <main><h1>{}</h1><pre>{}</pre></main></body></html>",
        esc(title),
        esc(title),
        esc(text)
    )
}

fn gate(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let Some(g) = &audit.gate else {
        return Ok(());
    };
    write!(
        out,
        "<div class=\"gate{}\"><strong class=\"{}\">Gate {}</strong><ul>",
        if g.passed { "" } else { " failed" },
        if g.passed { "ok" } else { "bad" },
        if g.passed { "passed" } else { "FAILED" }
    )?;
    for c in &g.conditions {
        write!(
            out,
            "<li><span class=\"{}\">{}</span> <code>{}</code>: {}</li>",
            if c.failed { "bad" } else { "ok" },
            if c.failed { "FAIL" } else { "pass" },
            esc(&c.condition),
            esc(&c.detail)
        )?;
    }
    writeln!(out, "</ul></div>")
}

fn card(out: &mut dyn Write, value: &str, class: &str, label: &str) -> io::Result<()> {
    write!(
        out,
        "<div class=\"card\"><div class=\"v {class}\">{}</div><div class=\"l\">{}</div></div>",
        esc(value),
        esc(label)
    )
}

fn cards(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let s = &audit.summary;
    write!(out, "<section class=\"cards\">")?;
    card(
        out,
        &s.live_domains.to_string(),
        "",
        &format!(
            "referring domains with live links ({} audited)",
            s.referring_domains
        ),
    )?;
    card(
        out,
        &format!("{} / {}", s.live, s.lost),
        "",
        &format!(
            "live / lost pages ({} unreachable, {} skipped)",
            s.unreachable, s.skipped
        ),
    )?;
    let share = (s.dofollow * 100 + s.backlinks / 2)
        .checked_div(s.backlinks)
        .map_or_else(|| "-".to_string(), |p| format!("{p}%"));
    card(
        out,
        &share,
        "",
        &format!("dofollow ({} of {} links)", s.dofollow, s.backlinks),
    )?;
    card(
        out,
        &s.toxic.to_string(),
        if s.toxic > 0 { "bad" } else { "ok" },
        &format!("toxic links (toxicity ≥ {})", crate::score::TOXIC_THRESHOLD),
    )?;
    let class = match s.health_score {
        Some(80..) => "ok",
        Some(50..80) => "warn",
        Some(_) => "bad",
        None => "",
    };
    card(out, &s.health_text(), class, "health score")?;
    writeln!(out, "</section>")
}

fn charts(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<h2>Profile</h2><section class=\"charts\">")?;
    let anchors: Vec<(&str, usize)> = audit
        .anchor_mix
        .entries()
        .iter()
        .map(|(t, n)| (t.as_str(), *n))
        .collect();
    donut(out, "Anchor mix", &anchors)?;
    let placements: Vec<(&str, usize)> = audit
        .placement_mix
        .entries()
        .iter()
        .map(|(p, n)| (p.as_str(), *n))
        .collect();
    hbars(out, "Placement", &placements, "links", "placement")?;
    let authority: Vec<(String, usize, &str)> = audit
        .summary
        .authority_distribution
        .iter()
        .map(|b| (b.from.to_string(), b.domains, PALETTE[0]))
        .collect();
    columns(
        out,
        "Authority of live referring domains",
        &authority,
        ("authority band (lowest value)", "referring domains"),
        &[],
    )?;
    // The toxicity colours: the bands below 30, up to the toxic threshold, and toxic.
    const LOW: &str = "#1a9c8c";
    const ELEVATED: &str = "#e08a1e";
    const TOXIC: &str = "#c0262d";
    let toxic = crate::score::TOXIC_THRESHOLD;
    let toxicity: Vec<(String, usize, &str)> = audit
        .summary
        .toxicity_distribution
        .iter()
        .map(|b| {
            let color = if b.from >= toxic {
                TOXIC
            } else if b.from >= 30 {
                ELEVATED
            } else {
                LOW
            };
            (b.from.to_string(), b.links, color)
        })
        .collect();
    columns(
        out,
        "Toxicity of links",
        &toxicity,
        ("toxicity band (lowest value)", "links"),
        &[
            (LOW, "below 30".to_string()),
            (ELEVATED, format!("30 to {}", toxic.saturating_sub(1))),
            (TOXIC, format!("toxic ({toxic} and more)")),
        ],
    )?;
    velocity(audit, out)?;
    writeln!(out, "</section>")
}

fn donut(out: &mut dyn Write, title: &str, parts: &[(&str, usize)]) -> io::Result<()> {
    write!(out, "<div class=\"chart\"><h3>{}</h3>", esc(title))?;
    let total: usize = parts.iter().map(|p| p.1).sum();
    write!(
        out,
        "<svg viewBox=\"0 0 200 160\" role=\"img\" aria-label=\"{}\">",
        esc(title)
    )?;
    let r = 55.0_f64;
    let c = 2.0 * std::f64::consts::PI * r;
    if total == 0 {
        write!(
            out,
            "<circle cx=\"100\" cy=\"80\" r=\"{r}\" fill=\"none\" stroke=\"#d9dee7\" \
             stroke-width=\"22\"/>"
        )?;
    }
    let mut offset = 0.0;
    for (i, (_, n)) in parts.iter().enumerate() {
        if *n == 0 {
            continue;
        }
        let len = c * (*n as f64) / (total as f64);
        write!(
            out,
            "<circle cx=\"100\" cy=\"80\" r=\"{r}\" fill=\"none\" stroke=\"{}\" \
             stroke-width=\"22\" stroke-dasharray=\"{len:.2} {:.2}\" \
             stroke-dashoffset=\"{:.2}\" transform=\"rotate(-90 100 80)\"/>",
            PALETTE[i % PALETTE.len()],
            c - len,
            -offset
        )?;
        offset += len;
    }
    write!(
        out,
        "<text x=\"100\" y=\"86\" text-anchor=\"middle\" font-size=\"20\" \
         font-weight=\"600\">{total}</text></svg><div class=\"legend\">"
    )?;
    for (i, (name, n)) in parts.iter().enumerate() {
        write!(
            out,
            "<div><span style=\"background:{}\"></span>{} {n}</div>",
            PALETTE[i % PALETTE.len()],
            esc(name)
        )?;
    }
    writeln!(out, "</div></div>")
}

/// An axis title: `text` centred at (`x`, `y`), turned upright for a vertical axis.
fn axis_title(out: &mut dyn Write, x: f64, y: f64, vertical: bool, text: &str) -> io::Result<()> {
    write!(
        out,
        "<text class=\"axis-title\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" \
         font-size=\"10\" fill=\"#5b6475\"{}>{}</text>",
        if vertical {
            format!(" transform=\"rotate(-90 {x:.1} {y:.1})\"")
        } else {
            String::new()
        },
        esc(text)
    )
}

/// A legend: one colour swatch and label per entry.
fn legend(out: &mut dyn Write, entries: &[(&str, String)]) -> io::Result<()> {
    write!(out, "<div class=\"legend\">")?;
    for (color, label) in entries {
        write!(
            out,
            "<div><span style=\"background:{color}\"></span>{}</div>",
            esc(label)
        )?;
    }
    write!(out, "</div>")
}

/// Horizontal bars, one per named count: `y_title` names the bars, `x_title` what they count.
fn hbars(
    out: &mut dyn Write,
    title: &str,
    parts: &[(&str, usize)],
    x_title: &str,
    y_title: &str,
) -> io::Result<()> {
    let max = parts.iter().map(|p| p.1).max().unwrap_or(0).max(1);
    let bottom = parts.len() * 18 + 2;
    let h = bottom + 18;
    write!(
        out,
        "<div class=\"chart\"><h3>{}</h3><svg viewBox=\"0 0 300 {h}\" role=\"img\" \
         aria-label=\"{}: {} per {}\">",
        esc(title),
        esc(title),
        esc(x_title),
        esc(y_title)
    )?;
    axis_title(out, 8.0, bottom as f64 / 2.0, true, y_title)?;
    for (i, (name, n)) in parts.iter().enumerate() {
        let y = i * 18 + 2;
        let w = 164.0 * (*n as f64) / (max as f64);
        write!(
            out,
            "<text x=\"90\" y=\"{}\" text-anchor=\"end\" font-size=\"11\">{}</text>\
             <rect x=\"96\" y=\"{y}\" width=\"{w:.1}\" height=\"13\" rx=\"2\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{n}</text>",
            y + 11,
            esc(name),
            PALETTE[0],
            100.0 + w,
            y + 11
        )?;
    }
    write!(
        out,
        "<line x1=\"96\" x2=\"260\" y1=\"{bottom}\" y2=\"{bottom}\" stroke=\"#d9dee7\"/>"
    )?;
    axis_title(out, 178.0, (h - 4) as f64, false, x_title)?;
    writeln!(out, "</svg></div>")
}

/// Columns, one per band: `x_title` names the bands, `y_title` what they count; the legend
/// explains the colours when they mean something.
fn columns(
    out: &mut dyn Write,
    title: &str,
    bars: &[(String, usize, &str)],
    (x_title, y_title): (&str, &str),
    key: &[(&str, String)],
) -> io::Result<()> {
    write!(
        out,
        "<div class=\"chart\"><h3>{}</h3><svg viewBox=\"0 0 300 170\" role=\"img\" \
         aria-label=\"{}: {} per {}\">",
        esc(title),
        esc(title),
        esc(y_title),
        esc(x_title)
    )?;
    axis_title(out, 9.0, 70.0, true, y_title)?;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let w = 272.0 / bars.len().max(1) as f64;
    for (i, (label, n, color)) in bars.iter().enumerate() {
        let x = 22.0 + i as f64 * w;
        let bh = 105.0 * (*n as f64) / (max as f64);
        write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{color}\" \
             rx=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" \
             font-size=\"10\">{n}</text><text x=\"{:.1}\" y=\"140\" text-anchor=\"middle\" \
             font-size=\"10\" fill=\"#5b6475\">{}</text>",
            x + 2.0,
            125.0 - bh,
            w - 4.0,
            x + w / 2.0,
            120.0 - bh,
            x + w / 2.0,
            esc(label)
        )?;
    }
    write!(
        out,
        "<line x1=\"22\" x2=\"294\" y1=\"125\" y2=\"125\" stroke=\"#8a94a6\"/>"
    )?;
    axis_title(out, 158.0, 162.0, false, x_title)?;
    write!(out, "</svg>")?;
    if !key.is_empty() {
        legend(out, key)?;
    }
    writeln!(out, "</div>")
}

fn velocity(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "<div class=\"chart\"><h3>New and lost referring domains per audit</h3>"
    )?;
    let intervals = audit
        .comparison
        .as_ref()
        .map(|c| c.velocity.intervals.as_slice())
        .unwrap_or_default();
    // Nothing to draw: a sentence instead of empty axes.
    if intervals.is_empty() {
        return writeln!(
            out,
            "<p class=\"muted\">No earlier audit to compare with: audit again later (the \
             history store or --baseline keeps the earlier audits).</p></div>"
        );
    }
    if intervals
        .iter()
        .all(|i| i.new_domains == 0 && i.lost_domains == 0)
    {
        let first = intervals[0].from.as_str();
        return writeln!(
            out,
            "<p class=\"muted\">No new or lost referring domains since {}.</p></div>",
            esc(first.get(..10).unwrap_or(first))
        );
    }
    let max = intervals
        .iter()
        .map(|i| i.new_domains.max(i.lost_domains))
        .max()
        .unwrap_or(0)
        .max(1);
    let w = 270.0 / intervals.len() as f64;
    write!(
        out,
        "<svg viewBox=\"0 0 300 172\" role=\"img\" aria-label=\"new and lost referring \
         domains per audit\"><line x1=\"22\" x2=\"292\" y1=\"75\" y2=\"75\" \
         stroke=\"#8a94a6\"/>"
    )?;
    axis_title(out, 9.0, 75.0, true, "referring domains")?;
    write!(
        out,
        "<text x=\"20\" y=\"19\" text-anchor=\"end\" font-size=\"9\" fill=\"#5b6475\">+{max}\
         </text><text x=\"20\" y=\"138\" text-anchor=\"end\" font-size=\"9\" \
         fill=\"#5b6475\">−{max}</text>"
    )?;
    for (i, iv) in intervals.iter().enumerate() {
        let x = 22.0 + i as f64 * w;
        let up = 60.0 * iv.new_domains as f64 / max as f64;
        let down = 60.0 * iv.lost_domains as f64 / max as f64;
        write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{up:.1}\" fill=\"#1a7f4b\">\
             <title>{}: +{} new, -{} lost, {} newly toxic</title></rect>\
             <rect x=\"{:.1}\" y=\"75\" width=\"{:.1}\" height=\"{down:.1}\" fill=\"#c0262d\"/>",
            x + 1.0,
            75.0 - up,
            (w - 2.0).max(1.0),
            esc(&iv.to),
            iv.new_domains,
            iv.lost_domains,
            iv.new_toxic_domains,
            x + 1.0,
            (w - 2.0).max(1.0)
        )?;
    }
    let first = intervals.first().map(|i| i.from.as_str()).unwrap_or("");
    let last = intervals.last().map(|i| i.to.as_str()).unwrap_or("");
    write!(
        out,
        "<text x=\"22\" y=\"150\" font-size=\"10\" fill=\"#5b6475\">{}</text><text x=\"292\" \
         y=\"150\" font-size=\"10\" text-anchor=\"end\" fill=\"#5b6475\">{}</text>",
        esc(first.get(..10).unwrap_or(first)),
        esc(last.get(..10).unwrap_or(last))
    )?;
    axis_title(out, 157.0, 166.0, false, "audits, oldest first")?;
    write!(out, "</svg>")?;
    legend(
        out,
        &[
            ("#1a7f4b", "new referring domains".to_string()),
            ("#c0262d", "lost referring domains".to_string()),
        ],
    )?;
    writeln!(out, "</div>")
}

fn changes(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let Some(c) = &audit.comparison else {
        return Ok(());
    };
    let n = &c.counts;
    write!(
        out,
        "<h2>Since the previous audit ({})</h2><p>+{} new links ({} dofollow, {} toxic), \
         −{} lost ({} dofollow), {} changed; referring domains +{} new, −{} lost, +{} newly \
         toxic; spike: {}</p>",
        esc(&crate::model::display_time(&c.previous.generated_at)),
        n.new_links,
        n.new_dofollow,
        n.new_toxic_links,
        n.lost_links,
        n.lost_dofollow,
        n.changed_links,
        n.new_domains,
        n.lost_domains,
        n.new_toxic_domains,
        if c.spike.detected {
            "<strong class=\"bad\">DETECTED</strong>"
        } else {
            "none"
        }
    )?;
    if c.new_links.is_empty() && c.lost_links.is_empty() && c.changed_links.is_empty() {
        return Ok(());
    }
    write!(
        out,
        "<table><thead><tr><th>change</th><th>page</th><th>link</th><th>detail</th></tr>\
         </thead><tbody>"
    )?;
    for (what, list) in [("new", &c.new_links), ("lost", &c.lost_links)] {
        for l in list {
            write!(out, "<tr><td>{what}</td><td class=\"url\">")?;
            url_link(out, &l.source_url)?;
            write!(
                out,
                "</td><td class=\"url\">{}</td><td>“{}” · {} · toxicity {}</td></tr>",
                UrlText(&l.target_url),
                esc(&l.anchor_text),
                esc(&l.placement),
                l.toxicity
            )?;
        }
    }
    for ch in &c.changed_links {
        write!(out, "<tr><td>{}</td><td class=\"url\">", ch.kind.as_str())?;
        url_link(out, &ch.source_url)?;
        write!(
            out,
            "</td><td class=\"url\">{}</td><td>{} → {}</td></tr>",
            UrlText(&ch.target_url),
            esc(if ch.before.is_empty() {
                "(none)"
            } else {
                &ch.before
            }),
            esc(if ch.after.is_empty() {
                "(none)"
            } else {
                &ch.after
            })
        )?;
    }
    writeln!(out, "</tbody></table>")
}

fn outreach(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let items = &audit.actions.outreach;
    write!(out, "<h2>Removal worklist</h2>")?;
    if items.is_empty() {
        return writeln!(
            out,
            "<p class=\"muted\">No toxic links to ask for removal.</p>"
        );
    }
    write!(
        out,
        "<p class=\"muted\">Ask each site owner to remove the link; after two requests without \
         effect, disavow it. Record requests with <code>backlinks outreach mark URL \
         --requested</code>.</p><table><thead><tr><th>status</th><th>page</th><th>toxicity</th>\
         <th>authority</th><th>findings</th><th>contact</th><th>requested</th></tr></thead><tbody>"
    )?;
    for i in items {
        write!(
            out,
            "<tr><td>{}</td><td class=\"url\">",
            esc(i.status.as_str())
        )?;
        url_link(out, &i.source_url)?;
        write!(
            out,
            "</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"url\">",
            i.toxicity,
            i.authority.map_or("-".into(), |a| a.to_string()),
            esc(&i.reasons.join(", "))
        )?;
        if i.contacts.is_empty() {
            write!(out, "<span class=\"muted\">none found</span>")?;
        }
        for c in &i.contacts {
            let href = match c.kind {
                crate::model::ContactKind::Email => format!("mailto:{}", c.value),
                _ => c.value.clone(),
            };
            match c.kind {
                crate::model::ContactKind::Email => link(out, &href, &c.value)?,
                _ => url_link(out, &href)?,
            }
            write!(out, " ")?;
        }
        writeln!(out, "</td><td>{}</td></tr>", esc(&i.requests.join(", ")))?;
    }
    writeln!(out, "</tbody></table>")
}

fn reclamation(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let Some(r) = &audit.actions.reclamation else {
        return Ok(());
    };
    write!(
        out,
        "<h2>Lost-link reclamation</h2><p class=\"muted\">{} target URLs checked ({}), {} not \
         checked.</p>",
        r.checked,
        esc(&r.source),
        r.unchecked
    )?;
    if r.targets.is_empty() {
        return writeln!(
            out,
            "<p>Every checked target URL answers directly: nothing to reclaim.</p>"
        );
    }
    write!(
        out,
        "<table><thead><tr><th>target URL</th><th>problem</th><th>fix</th><th>linked from</th>\
         </tr></thead><tbody>"
    )?;
    for t in &r.targets {
        write!(
            out,
            "<tr><td class=\"url\">{}</td><td>{}{}</td><td>{}</td><td class=\"url\">",
            UrlText(&t.target_url),
            esc(t.problem.as_str()),
            t.http_status.map(|s| format!(" ({s})")).unwrap_or_default(),
            esc(&t.fix)
        )?;
        for l in &t.links {
            url_link(out, &l.source_url)?;
            write!(
                out,
                " <span class=\"muted\">authority {}{}</span><br>",
                l.authority.map_or("-".into(), |a| a.to_string()),
                if l.dofollow { "" } else { ", nofollow" }
            )?;
        }
        writeln!(out, "</td></tr>")?;
    }
    writeln!(out, "</tbody></table>")
}

fn findings(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let p = &audit.profile;
    if p.flags.is_empty() && p.not_evaluated.is_empty() {
        return Ok(());
    }
    write!(out, "<h2>Profile findings</h2><ul>")?;
    for f in &p.flags {
        write!(
            out,
            "<li><span class=\"pill {}\">{}</span> <strong>{}</strong>: {}</li>",
            f.severity.as_str(),
            f.severity.as_str(),
            esc(f.code),
            esc(&f.evidence)
        )?;
    }
    for n in &p.not_evaluated {
        write!(
            out,
            "<li class=\"muted\">not evaluated: {}: {}</li>",
            esc(n.code),
            esc(&n.reason)
        )?;
    }
    writeln!(out, "</ul>")
}

/// The distinct values of a column, for a filter.
fn select(out: &mut dyn Write, key: &str, label: &str, values: &[String]) -> io::Result<()> {
    write!(
        out,
        "<label>{label} <select data-filter=\"{key}\"><option value=\"\">all</option>"
    )?;
    for v in values {
        write!(out, "<option>{}</option>", esc(v))?;
    }
    write!(out, "</select></label>")
}

fn links_table(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    let distinct = |f: &dyn Fn(&PageReport, Option<&LinkReport>) -> Vec<String>| {
        let mut set = std::collections::BTreeSet::new();
        for p in &audit.pages {
            if p.links.is_empty() {
                set.extend(f(p, None));
            }
            for l in &p.links {
                set.extend(f(p, Some(l)));
            }
        }
        set.into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
    };
    write!(out, "<h2>Links</h2><div class=\"controls\">")?;
    select(
        out,
        "status",
        "status",
        &distinct(&|p, _| vec![p.status.as_str().to_string()]),
    )?;
    select(
        out,
        "placement",
        "placement",
        &distinct(&|_, l| {
            l.map(|l| l.placement.as_str().to_string())
                .into_iter()
                .collect()
        }),
    )?;
    select(
        out,
        "anchor",
        "anchor type",
        &distinct(&|_, l| {
            l.map(|l| l.anchor_type.as_str().to_string())
                .into_iter()
                .collect()
        }),
    )?;
    select(
        out,
        "flag",
        "finding",
        &distinct(&|p, l| {
            p.flags
                .iter()
                .chain(l.into_iter().flat_map(|l| &l.flags))
                .map(|f| f.code.to_string())
                .collect()
        }),
    )?;
    write!(
        out,
        "<label>search <input type=\"search\" data-filter=\"q\" placeholder=\"URL, anchor…\">\
         </label><span id=\"shown\" class=\"muted\"></span></div>"
    )?;
    writeln!(
        out,
        "<table id=\"links\"><thead><tr><th data-sort=\"url\">page / link</th>\
         <th data-sort=\"status\">status</th><th data-sort=\"anchortext\">anchor</th>\
         <th data-sort=\"anchor\">type</th><th>rel</th><th data-sort=\"placement\">placement</th>\
         <th data-sort=\"a\" data-num=\"1\" title=\"authority\">A</th>\
         <th data-sort=\"r\" data-num=\"1\" title=\"relevance\">R</th>\
         <th data-sort=\"q\" data-num=\"1\" title=\"quality\">Q</th>\
         <th data-sort=\"t\" data-num=\"1\" title=\"toxicity\">T</th><th>findings</th><th></th>\
         </tr></thead>"
    )?;
    let opt = |v: Option<u8>| v.map_or(String::new(), |n| n.to_string());
    // One `<tbody>` per page: the page's row (its status, title and findings, whose details
    // are the page's), then one row per link (the link's own findings and details). A link's
    // flags include its page's: those are shown once, in the page's row.
    for (pi, p) in audit.pages.iter().enumerate() {
        let status = match (p.status, p.http_status) {
            (PageStatus::Unreachable, Some(code)) => format!("unreachable ({code})"),
            _ => p.status.as_str().to_string(),
        };
        let page_codes: Vec<&str> = p.flags.iter().map(|f| f.code).collect();
        // A page without links is a row of the table itself (filtered and counted).
        let item = if p.links.is_empty() { " item" } else { "" };
        write!(
            out,
            "<tbody class=\"page\" data-page=\"{pi}\"><tr class=\"page{item}\" data-page=\"{pi}\" \
             data-link=\"-1\" data-url=\"{}\" data-status=\"{}\" data-flags=\"{}\">\
             <td class=\"url\">",
            esc(&p.source_url),
            p.status.as_str(),
            esc(&page_codes.join(" ")),
        )?;
        url_link(out, &p.source_url)?;
        let about = match (&p.error, &p.title) {
            (Some(e), _) => e.as_str(),
            (None, _) if p.links.is_empty() => "no link to the target",
            (None, Some(t)) => t.as_str(),
            (None, None) => "",
        };
        write!(
            out,
            "</td><td>{}</td><td colspan=\"8\" class=\"muted\">{}</td><td>",
            esc(&status),
            esc(about)
        )?;
        pills(out, p.flags.iter())?;
        writeln!(
            out,
            "</td><td><button class=\"more\" type=\"button\">details</button></td></tr>"
        )?;
        for (li, l) in p.links.iter().enumerate() {
            let own: Vec<&crate::model::Flag> =
                l.flags.iter().filter(|f| !p.flags.contains(f)).collect();
            let mut codes: Vec<&str> = own.iter().map(|f| f.code).collect();
            for c in &page_codes {
                if !codes.contains(c) {
                    codes.push(c);
                }
            }
            write!(
                out,
                "<tr class=\"link item\" data-page=\"{pi}\" data-link=\"{li}\" data-url=\"{}\" \
                 data-status=\"{}\" data-placement=\"{}\" data-anchor=\"{}\" \
                 data-anchortext=\"{}\" data-flags=\"{}\" data-a=\"{}\" data-r=\"{}\" \
                 data-q=\"{}\" data-t=\"{}\"><td class=\"url\"><span class=\"muted\" \
                 title=\"link to\">→</span> {}</td><td></td>",
                esc(&p.source_url),
                p.status.as_str(),
                l.placement.as_str(),
                l.anchor_type.as_str(),
                esc(&l.anchor_text.to_lowercase()),
                esc(&codes.join(" ")),
                opt(l.authority),
                opt(l.relevance),
                l.quality,
                l.toxicity,
                UrlText(&l.target_url),
            )?;
            write!(
                out,
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n {}\">{}</td><td>",
                esc(&l.anchor_text),
                l.anchor_type.as_str(),
                esc(&l.rel.join(" ")),
                l.placement.as_str(),
                opt(l.authority),
                opt(l.relevance),
                l.quality,
                if l.toxicity >= crate::score::TOXIC_THRESHOLD {
                    "bad"
                } else {
                    ""
                },
                l.toxicity
            )?;
            pills(out, own.into_iter())?;
            writeln!(
                out,
                "</td><td><button class=\"more\" type=\"button\">details</button></td></tr>"
            )?;
        }
        writeln!(out, "</tbody>")?;
    }
    writeln!(out, "</table>")
}

/// A pill per finding, its evidence as the tooltip.
fn pills<'a>(
    out: &mut dyn Write,
    flags: impl Iterator<Item = &'a crate::model::Flag>,
) -> io::Result<()> {
    for f in flags {
        let class = match f.severity {
            Severity::Deny => "deny",
            Severity::Warn => "warn",
            Severity::Info => "",
        };
        write!(
            out,
            "<span class=\"pill {class}\" title=\"{}\">{}</span>",
            esc(&f.evidence),
            esc(f.code)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_json_are_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\"\x1b[2J").to_string(),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;[2J"
        );
        assert_eq!(esc("a\u{202e}b\u{200b}c\u{e0041}").to_string(), "abc");
        let text = "</script><!-- \u{2028}&\u{202e}\u{e0041}";
        let json = serde_json::to_string(&text).unwrap();
        let safe = json_for_script(&json);
        assert!(!safe.contains('<') && !safe.contains('\u{2028}'), "{safe}");
        assert!(
            !safe.contains('\u{202e}') && safe.contains("\\udb40\\udc41"),
            "{safe}"
        );
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, text);
    }

    #[test]
    fn urls_wrap_after_their_separators_and_stay_escaped() {
        assert_eq!(
            UrlText("https://a.test/x-y?q=\"<b>\"&r=1").to_string(),
            "https://<wbr>a.<wbr>test/<wbr>x-<wbr>y?<wbr>q=<wbr>&quot;&lt;b&gt;&quot;&amp;<wbr>\
             r=<wbr>1"
        );
        // Nothing after a trailing separator, hidden characters dropped as by `esc`.
        assert_eq!(UrlText("a.test/\u{202e}").to_string(), "a.<wbr>test/");
        let mut out = Vec::new();
        url_link(&mut out, "https://a.test/p?x=1&y=2").unwrap();
        url_link(&mut out, "javascript:alert(1)").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<a href=\"https://a.test/p?x=1&amp;y=2\" rel=\"noopener noreferrer nofollow\">\
             https://<wbr>a.<wbr>test/<wbr>p?<wbr>x=<wbr>1&amp;<wbr>y=<wbr>2</a>javascript:\
             alert(1)"
        );
    }

    #[test]
    fn only_web_and_mail_links_get_an_href() {
        let mut out = Vec::new();
        link(&mut out, "javascript:alert(1)", "x").unwrap();
        link(&mut out, "https://a.test/?q=\"><b>", "y").unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(
            s,
            "x<a href=\"https://a.test/?q=&quot;&gt;&lt;b&gt;\" rel=\"noopener noreferrer \
             nofollow\">y</a>"
        );
    }

    #[test]
    fn csp_hashes_are_standard_sha256_in_base64() {
        // FIPS 180-2's "abc" example, in base64 with padding.
        assert_eq!(
            csp_hash(b"abc"),
            "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='"
        );
        assert_eq!(script_hash(), csp_hash(script().as_bytes()));
        assert!(!script().contains("HIDDEN_CLASS"));
        assert_eq!(script_hash().len(), 53);
    }
}

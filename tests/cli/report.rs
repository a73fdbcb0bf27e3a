//! Report formats end to end: the HTML report (self-contained, hostile page text escaped,
//! checked in a real headless Chromium when one is installed), the Markdown summary, the
//! lost-link reclamation section and `--color`.

use crate::support::{Reply, Server, backlinks, run, write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Page text that tries to run script in a report: in the title, the anchor and the URL.
const HOSTILE_TITLE: &str = "<script>document.title='PWNED-TITLE'</script>";

fn hostile() -> Reply {
    Reply::html(
        "<html><head><title><script>document.title='PWNED-TITLE'</script></title></head><body>\
         <article><p>We compared a dozen services for this long review and wrote down everything \
         we found. <a href=\"https://example.com/?q=%22%3E%3Cscript%3E\">&lt;img src=x \
         onerror=\"document.title='PWNED-ANCHOR'\"&gt;&lt;/script&gt;&lt;script&gt;\
         document.title='PWNED-SCRIPT'&lt;/script&gt;</a> was fast. \u{2028}</p></article>\
         <a href=\"https://example.com/x\" style=\"display:none\">\u{1b}[2Jhidden</a>\
         </body></html>",
    )
}

/// Audits the hostile page to `out` in `format`.
fn audit_hostile(dir: &Path, format: &str, extra: &[&str]) -> (crate::support::Run, PathBuf) {
    audit_pages(
        dir,
        format,
        vec![
            ("evil.test", "/page", hostile()),
            ("blog.alpha.test", "/page", crate::disavow::clean()),
        ],
        extra,
    )
    .0
}

/// Audits `pages` (host, path, reply) of example.com's backlinks to `out` in `format`; also
/// returns the server, for its port.
fn audit_pages(
    dir: &Path,
    format: &str,
    pages: Vec<(&str, &str, Reply)>,
    extra: &[&str],
) -> ((crate::support::Run, PathBuf), Server) {
    let s = Server::start();
    let mut list = String::new();
    let mut hosts = Vec::new();
    for (host, path, reply) in pages {
        s.route(host, path, reply);
        list.push_str(&s.url(host, path));
        list.push('\n');
        hosts.push(host);
    }
    let list = write(dir, "links.txt", &list);
    let out = dir.join(format!("report.{format}"));
    let mut cmd = backlinks();
    cmd.args(["audit", "example.com", "--allow-private", "--delay", "0"])
        .args(["--target-pages", "0", "--retries", "0", "--no-store"])
        .args(["--format", format, "--from"])
        .arg(&list)
        .arg("-o")
        .arg(&out)
        .args(s.pins(&hosts))
        .args(extra);
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    ((r, out), s)
}

/// The `<div class="chart">` whose title is `title`, up to the next chart or section.
fn chart<'a>(html: &'a str, title: &str) -> &'a str {
    let start = html
        .find(&format!("<div class=\"chart\"><h3>{title}</h3>"))
        .unwrap_or_else(|| panic!("no chart {title:?}"));
    let rest = &html[start + 1..];
    let end = rest
        .find("<div class=\"chart\">")
        .or_else(|| rest.find("</section>"))
        .unwrap();
    &html[start..start + 1 + end]
}

/// The texts of the axis titles of an SVG chart.
fn axis_titles(chart: &str) -> Vec<String> {
    chart
        .split("<text class=\"axis-title\"")
        .skip(1)
        .map(|t| {
            let t = &t[t.find('>').unwrap() + 1..];
            t[..t.find("</text>").unwrap()].to_string()
        })
        .collect()
}

/// The texts of the legend entries of a chart.
fn legend(chart: &str) -> Vec<String> {
    let Some(start) = chart.find("<div class=\"legend\">") else {
        return Vec::new();
    };
    chart[start..]
        .split("</span>")
        .skip(1)
        .map(|t| t[..t.find("</div>").unwrap()].to_string())
        .collect()
}

#[test]
fn html_bar_charts_have_axis_titles_and_a_legend_for_their_colours() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = audit_hostile(dir.path(), "html", &[]);
    let html = std::fs::read_to_string(&out).unwrap();
    let placement = chart(&html, "Placement");
    assert_eq!(
        axis_titles(placement),
        ["placement", "links"],
        "{placement}"
    );
    // One colour: nothing for a legend to explain.
    assert!(legend(placement).is_empty(), "{placement}");
    let authority = chart(&html, "Authority of live referring domains");
    assert_eq!(
        axis_titles(authority),
        ["referring domains", "authority band (lowest value)"],
        "{authority}"
    );
    let toxicity = chart(&html, "Toxicity of links");
    assert_eq!(
        axis_titles(toxicity),
        ["links", "toxicity band (lowest value)"],
        "{toxicity}"
    );
    assert_eq!(
        legend(toxicity),
        ["below 30", "30 to 49", "toxic (50 and more)"],
        "{toxicity}"
    );
    // The bars are the report's numbers: the toxicity bands' link counts as bar labels.
    let start = html.find("id=\"audit-data\">").unwrap() + "id=\"audit-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    for band in data["summary"]["toxicity_distribution"].as_array().unwrap() {
        let n = band["links"].as_u64().unwrap();
        assert!(
            toxicity.contains(&format!("font-size=\"10\">{n}</text>")),
            "{band}"
        );
    }
}

#[test]
fn html_new_and_lost_chart_is_a_sentence_when_there_is_nothing_to_draw() {
    let dir = tempfile::tempdir().unwrap();
    let title = "New and lost referring domains per audit";
    let base = dir.path().join("base.json");
    let base_arg = base.to_str().unwrap().to_string();
    // First audit: nothing to compare with.
    let (_, out) = audit_hostile(dir.path(), "html", &["--write-baseline", &base_arg]);
    let html = std::fs::read_to_string(&out).unwrap();
    let first = chart(&html, title);
    assert!(
        first.contains("No earlier audit to compare with"),
        "{first}"
    );
    assert!(!first.contains("<svg"), "{first}");
    // The same pages again: no domain came or went.
    let (_, out) = audit_hostile(dir.path(), "html", &["--baseline", &base_arg]);
    let html = std::fs::read_to_string(&out).unwrap();
    let same = chart(&html, title);
    assert!(same.contains("No new or lost referring domains"), "{same}");
    assert!(!same.contains("<svg"), "{same}");
    // A baseline without blog.alpha.test's page: one new referring domain, drawn with axis
    // titles and a legend.
    let mut earlier: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    earlier["pages"]
        .as_array_mut()
        .unwrap()
        .retain(|p| p["source_domain"] != "alpha.test");
    let fewer = write(dir.path(), "fewer.json", &earlier.to_string());
    let (_, out) = audit_hostile(dir.path(), "html", &["--baseline", fewer.to_str().unwrap()]);
    let html = std::fs::read_to_string(&out).unwrap();
    let drawn = chart(&html, title);
    assert!(drawn.contains("<svg"), "{drawn}");
    assert!(drawn.contains("+1 new, -0 lost"), "{drawn}");
    assert_eq!(
        axis_titles(drawn),
        ["referring domains", "audits, oldest first"],
        "{drawn}"
    );
    assert_eq!(
        legend(drawn),
        ["new referring domains", "lost referring domains"],
        "{drawn}"
    );
}

#[test]
fn html_urls_wrap_between_their_parts_and_copy_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = "/long-review/part-2.html?a=1&b=2";
    // And a page with a very long URL, one part of it longer than a phone is wide.
    let long = "/an-unusually-long-article-name-that-goes-on-and-on-about-many-things/\
                averyveryverylongpathsegmentwithoutanyseparatorswhatsoever1234567890/\
                index.html?utm_source=newsletter&utm_medium=email&utm_campaign=spring";
    let ((_, out), s) = audit_pages(
        dir.path(),
        "html",
        vec![
            ("news.beta.test", path, crate::disavow::clean()),
            ("blog.alpha.test", long, crate::disavow::clean()),
        ],
        &[],
    );
    let html = std::fs::read_to_string(&out).unwrap();
    let url = s.url("news.beta.test", path);
    let port = s.port;
    // The link text breaks after / . ? & = - (after the `//` as a whole), escaped first.
    let shown = format!(
        "http://<wbr>news.<wbr>beta.<wbr>test:{port}/<wbr>long-<wbr>review/<wbr>part-<wbr>2.\
         <wbr>html?<wbr>a=<wbr>1&amp;<wbr>b=<wbr>2"
    );
    assert!(
        html.contains(&format!(
            "<td class=\"url\"><a href=\"{}\" rel=\"noopener noreferrer nofollow\">{shown}</a>",
            url.replace('&', "&amp;")
        )),
        "{html}"
    );
    // Without the break opportunities the text is the escaped URL: copying it copies the URL.
    assert_eq!(shown.replace("<wbr>", ""), url.replace('&', "&amp;"));
    // No break opportunity inside attributes or in the JSON data.
    assert!(!html.contains("<wbr>\""), "a <wbr> in an attribute");
    let data = &html[html.find("id=\"audit-data\">").unwrap()..];
    assert!(!data.contains("wbr"));
    // The link's own URL (the target) wraps the same way.
    assert!(
        html.contains("→</span> https://<wbr>example.<wbr>com/</td>"),
        "{html}"
    );
    // At 400 px the long URL wraps (its long part broken as a last resort) or its table
    // scrolls inside itself: the page does not scroll sideways.
    if let Some(browser) = crate::support::chromium() {
        let f = framed(&browser, dir.path(), &out, 400);
        for (scroll, inner, wider) in [f.layout, f.open] {
            assert!(scroll <= inner, "{scroll} > {inner}: {wider}");
        }
    }
}

/// A page that asks not to be indexed and links twice to example.com.
fn noindex_page() -> Reply {
    Reply::html(
        "<html><head><title>Reviews</title><meta name=\"robots\" content=\"noindex\"></head>\
         <body><article><p>We compared a dozen services for this long review and wrote down \
         everything we found. <a href=\"https://example.com/\">Example</a> was fast and \
         <a href=\"https://example.com/pricing\">its pricing</a> was fair.</p></article>\
         </body></html>",
    )
}

#[test]
fn html_page_findings_are_shown_once_per_page_not_per_link() {
    let dir = tempfile::tempdir().unwrap();
    let ((_, out), _s) = audit_pages(
        dir.path(),
        "html",
        vec![("reviews.gamma.test", "/page", noindex_page())],
        &[],
    );
    let html = std::fs::read_to_string(&out).unwrap();
    let table = &html[html.find("<table id=\"links\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    // The JSON report has the page finding on the page and, inherited, on both links.
    let start = html.find("id=\"audit-data\">").unwrap() + "id=\"audit-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    let page = &data["pages"][0];
    assert!(crate::support::codes(&page["flags"]).contains(&"noindex-page".to_string()));
    assert_eq!(page["links"].as_array().unwrap().len(), 2);
    for l in page["links"].as_array().unwrap() {
        assert!(crate::support::codes(&l["flags"]).contains(&"noindex-page".to_string()));
    }
    // The table shows it once: in the page's row, not in its two link rows.
    assert_eq!(table.matches(">noindex-page</span>").count(), 1, "{table}");
    let rows: Vec<&str> = table.split("<tr ").skip(1).collect();
    assert_eq!(rows.len(), 3, "the page and its two links:\n{table}");
    assert!(rows[0].starts_with("class=\"page\""), "{}", rows[0]);
    assert!(rows[0].contains(">noindex-page</span>"), "{}", rows[0]);
    for link in &rows[1..] {
        assert!(link.starts_with("class=\"link item\""), "{link}");
        assert!(!link.contains(">noindex-page</span>"), "{link}");
        // The finding filter still finds the links of a noindex page.
        let flags = &link[link.find("data-flags=\"").unwrap() + 12..];
        let flags = &flags[..flags.find('"').unwrap()];
        assert!(flags.split(' ').any(|c| c == "noindex-page"), "{link}");
    }
    // The details panels (built by the report's script) show it once too: in the page's
    // panel, not in the links'.
    let Some(browser) = crate::support::chromium() else {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"SKIPPED the details panels of html_page_findings_are_shown_once_per_page_not_per_link: \
              no chromium on PATH\n",
        );
        return;
    };
    let f = framed(&browser, dir.path(), &out, 1400);
    let panels: Vec<&str> = f.details.split(" ¦ ").collect();
    assert_eq!(panels.len(), 3, "{}", f.details);
    assert_eq!(
        f.details.matches("noindex-page").count(),
        1,
        "{}",
        f.details
    );
    assert!(
        panels[0].contains("noindex-page"),
        "the page's panel: {}",
        panels[0]
    );
    assert!(
        panels[1].contains("score") && panels[2].contains("score"),
        "{}",
        f.details
    );
}

#[test]
fn html_report_escapes_page_text_and_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = audit_hostile(dir.path(), "html", &[]);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    // Exactly the two scripts of the page itself: its data block and its code.
    assert_eq!(html.matches("<script").count(), 2, "{html}");
    assert!(html.contains("<script type=\"application/json\" id=\"audit-data\">"));
    for hostile in [
        HOSTILE_TITLE,
        "<img src=x",
        "</script><script>",
        "\u{1b}",
        "\u{2028}",
    ] {
        assert!(!html.contains(hostile), "unescaped {hostile:?}");
    }
    assert!(html.contains("&lt;img src=x onerror=&quot;document.title=&#39;PWNED-ANCHOR"));
    // Nothing is loaded from elsewhere: no external scripts, styles, images or fonts.
    for external in ["src=\"http", "href=\"//", "@import", "url(http", "<link "] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(html.contains("Content-Security-Policy"));
    // Charts and sections are there.
    for part in [
        "Anchor mix",
        "Placement",
        "Authority of live referring domains",
        "Toxicity of links",
        "New and lost referring domains",
        "Removal worklist",
        "id=\"links\"",
    ] {
        assert!(html.contains(part), "{part}");
    }
    // The embedded data is the JSON report.
    let start = html.find("id=\"audit-data\">").unwrap() + "id=\"audit-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(data["target"], "example.com");
    assert_eq!(data["pages"].as_array().unwrap().len(), 2);
}

/// Runs headless Chromium with no network chatter and a fresh profile.
fn headless(browser: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--virtual-time-budget=3000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args);
    // A hung browser must not hang the test suite.
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > std::time::Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn html_report_runs_no_page_script_in_a_real_browser() {
    let Some(browser) = crate::support::chromium() else {
        // Skipped only when no browser is installed (README: `apt-get install chromium`).
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"SKIPPED html_report_runs_no_page_script_in_a_real_browser: no chromium on PATH \
              (install it with `apt-get install chromium`)\n",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = audit_hostile(dir.path(), "html", &[]);
    let url = format!("file://{}", out.display());
    let dom = headless(
        &browser,
        &dir.path().join("profile-dom"),
        &["--dump-dom", &url],
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<title>Backlink audit of example.com</title>"),
        "the title was changed:\n{dom}"
    );
    assert!(!dom.contains("PWNED-TITLE</title>") && !dom.contains("<title>PWNED"));
    // The page's own script ran (it fills in the row count) under the CSP.
    assert!(
        dom.contains(" of 3 rows"),
        "the report's script did not run:\n{dom}"
    );
    // The hostile anchor is shown as text.
    assert!(dom.contains("&lt;img src=x onerror="), "{dom}");
    assert!(!dom.contains("<img src=\"x\""), "{dom}");

    // Screenshots at desktop and phone width, to catch a blank page: a rendered report has
    // many colours. A blank 1400×1600 page is a PNG of about 9 KB.
    let wide = screenshot(&browser, dir.path(), "wide", 1400, &url);
    assert!(
        wide > 40_000,
        "the 1400 px screenshot looks blank ({wide} bytes)"
    );
    // Headless Chromium never makes its window narrower than 500 CSS px (at
    // `--window-size=400,…` the page still lays out at innerWidth 500, and the PNG is cropped
    // to 400 px whatever the page's width), so the 400 px layout is the report in a 400 px
    // wide frame of a test page: both the screenshot and the overflow check use that frame.
    let frame = frame_page(dir.path(), &out, 400);
    let narrow = screenshot(&browser, dir.path(), "narrow", 400, &frame);
    assert!(
        narrow > 20_000,
        "the 400 px screenshot looks blank ({narrow} bytes)"
    );
    for width in [400, 1400] {
        let f = framed(&browser, dir.path(), &out, width);
        // As loaded, and with every details panel open (they are rows of the links table).
        for (state, (scroll, inner, wider)) in [("", f.layout), (" with details open", f.open)] {
            assert_eq!(inner, width, "the frame is {inner} px wide, not {width}");
            assert!(
                scroll <= inner,
                "at {width} px{state} the page scrolls sideways: scrollWidth {scroll} > \
                 {inner}; elements reaching past the viewport: {wider}"
            );
        }
        // Five panels (two pages, three links), built by the report's script under its CSP.
        assert_eq!(f.details.matches(" ¦ ").count(), 4, "{}", f.details);
        assert!(f.details.contains("hidden-link"), "{}", f.details);
    }
}

/// A screenshot of `url` in a window `width` px wide; returns the PNG's size in bytes after
/// checking that it is a PNG of that width.
fn screenshot(browser: &Path, dir: &Path, name: &str, width: u32, url: &str) -> usize {
    let png = dir.join(format!("shot-{name}.png"));
    let shot = headless(
        browser,
        &dir.join(format!("profile-shot-{name}")),
        &[
            &format!("--window-size={width},1600"),
            &format!("--screenshot={}", png.display()),
            url,
        ],
    );
    let bytes = std::fs::read(&png)
        .unwrap_or_else(|_| panic!("no screenshot: {}", String::from_utf8_lossy(&shot.stderr)));
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    // IHDR: the width is the big-endian u32 at byte 16.
    let png_width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    assert_eq!(png_width, width, "{name} screenshot width");
    bytes.len()
}

/// A test page (not part of the report) showing `report` in a frame `width` px wide. Once the
/// report has loaded, the test page's own script measures the frame, presses every
/// "details" button of the report, measures again and writes into its body's attributes:
/// `data-layout` and `data-layout-open` (`scrollWidth innerWidth elements-past-the-edge…`,
/// before and after) and `data-details` (the text of every details panel, ` ¦ `-separated).
/// Needs `--allow-file-access-from-files` to reach into the framed file.
fn frame_page(dir: &Path, report: &Path, width: u32) -> String {
    let page = write(
        dir,
        &format!("frame-{width}.html"),
        &format!(
            "<!doctype html><html><body style=\"margin:0\"><iframe id=\"f\" src=\"file://{}\" \
             style=\"width:{width}px;height:1600px;border:0;display:block\"></iframe><script>\
             document.getElementById('f').addEventListener('load',function(){{\
             var w=this.contentWindow,d=w.document,b=document.body;\
             function all(s){{return Array.prototype.slice.call(d.querySelectorAll(s));}}\
             function measure(){{var wide=[];all('body *').forEach(function(e){{\
             var r=e.getBoundingClientRect();if(r.right>w.innerWidth+0.5&&wide.length<8)\
             wide.push(e.tagName.toLowerCase()+(e.className?'.'+e.className:'')+' '+\
             Math.round(r.right));}});\
             return d.documentElement.scrollWidth+' '+w.innerWidth+' '+wide.join(', ');}}\
             b.setAttribute('data-layout',measure());\
             all('button.more').forEach(function(x){{x.click();}});\
             b.setAttribute('data-layout-open',measure());\
             b.setAttribute('data-details',all('tr.detail').map(function(r){{\
             return r.textContent;}}).join(' ¦ '));}});</script></body></html>",
            report.display()
        ),
    );
    format!("file://{}", page.display())
}

/// What the test page of [`frame_page`] found.
struct Framed {
    /// `(scrollWidth, innerWidth, elements past the right edge)` as loaded.
    layout: (u32, u32, String),
    /// The same with every details panel open.
    open: (u32, u32, String),
    /// The text of the details panels.
    details: String,
}

/// Loads `report` in a frame `width` px wide (see [`frame_page`]).
fn framed(browser: &Path, dir: &Path, report: &Path, width: u32) -> Framed {
    let frame = frame_page(dir, report, width);
    let dom = headless(
        browser,
        &dir.join(format!("profile-frame-{width}")),
        &[
            "--allow-file-access-from-files",
            &format!("--window-size={},1600", width.max(500)),
            "--dump-dom",
            &frame,
        ],
    );
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    let attr = |name: &str| {
        let key = format!("{name}=\"");
        let start = dom
            .find(&key)
            .unwrap_or_else(|| panic!("the frame page did not measure the report:\n{dom}"))
            + key.len();
        dom[start..start + dom[start..].find('"').unwrap()].to_string()
    };
    let layout = |value: String| {
        let mut parts = value.splitn(3, ' ');
        let scroll = parts.next().unwrap().parse().unwrap();
        let inner = parts.next().unwrap().parse().unwrap();
        (scroll, inner, parts.next().unwrap_or("").to_string())
    };
    Framed {
        layout: layout(attr("data-layout")),
        open: layout(attr("data-layout-open")),
        details: attr("data-details"),
    }
}

#[test]
fn markdown_is_short_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = audit_hostile(dir.path(), "markdown", &["--fail-on", "toxic>100"]);
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("| pages | live |"), "{md}");
    assert!(md.contains("**Gate: passed**"), "{md}");
    assert!(md.contains("### Top findings"), "{md}");
    assert!(md.contains("hidden-link"), "{md}");
    assert!(!md.contains("<img") && !md.contains("<script"), "{md}");
    assert!(md.len() < 65_536);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = audit_hostile(dir.path(), "table", &["--color", "always"]);
    let table = std::fs::read_to_string(&out).unwrap();
    assert!(table.contains("\u{1b}["), "--color always colours");
    // The page's own escape sequence never reaches the terminal.
    assert!(!table.contains("\u{1b}[2J"));
    let (_, out) = audit_hostile(dir.path(), "table", &[]);
    let table = std::fs::read_to_string(&out).unwrap();
    assert!(!table.contains('\u{1b}'), "auto: a file is never coloured");
}

#[test]
fn reclamation_finds_broken_and_chained_target_urls() {
    let s = Server::start();
    let site = "example.test";
    s.route(site, "/old-guide", Reply::new(404))
        .route(site, "/retired", Reply::new(410))
        .route(site, "/a", Reply::redirect(301, "/b"))
        .route(site, "/b", Reply::redirect(301, "/c"))
        .route(
            site,
            "/c",
            Reply::html("<html><body><p>here</p></body></html>"),
        )
        .route(
            site,
            "/fine",
            Reply::html("<html><body><p>fine</p></body></html>"),
        );
    let links = |paths: &[&str]| {
        paths
            .iter()
            .map(|p| format!("<a href=\"http://{site}:{}{p}\">Example</a>", s.port))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let page = |l: String| {
        Reply::html(&format!(
            "<html><body><article><p>We compared a dozen services for this long review and \
             wrote down everything we found: {l} were the fastest.</p></article></body></html>"
        ))
    };
    s.route(
        "blog.alpha.test",
        "/page",
        page(links(&["/old-guide", "/a", "/fine"])),
    );
    s.route(
        "news.beta.test",
        "/page",
        page(links(&["/old-guide", "/retired"])),
    );
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "links.txt",
        &format!(
            "{}\n{}\n",
            s.url("blog.alpha.test", "/page"),
            s.url("news.beta.test", "/page")
        ),
    );
    let mut cmd = backlinks();
    cmd.args([
        "audit",
        site,
        "--allow-private",
        "--delay",
        "0",
        "--retries",
        "0",
    ])
    .args([
        "--no-store",
        "--format",
        "json",
        "--target-pages",
        "1",
        "--from",
    ])
    .arg(&list)
    .args(s.pins(&[site, "blog.alpha.test", "news.beta.test"]));
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let rec = &j["actions"]["reclamation"];
    assert_eq!(rec["source"], "network");
    assert_eq!(rec["checked"], 4);
    let found: Vec<(String, String, usize)> = rec["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["target_url"]
                    .as_str()
                    .unwrap()
                    .replace(&s.port.to_string(), "PORT"),
                t["problem"].as_str().unwrap().to_string(),
                t["links"].as_array().unwrap().len(),
            )
        })
        .collect();
    let u = |p: &str| format!("http://{site}:PORT{p}");
    assert_eq!(
        found,
        [
            (u("/old-guide"), "not-found".to_string(), 2),
            (u("/a"), "redirect-chain".to_string(), 1),
            (u("/retired"), "gone".to_string(), 1),
        ]
    );
    assert!(
        rec["targets"][0]["fix"]
            .as_str()
            .unwrap()
            .starts_with("restore the page, or 301-redirect"),
        "{rec:#}"
    );
    // Each target URL was requested once.
    assert_eq!(s.hits(site, "/old-guide").len(), 1);
    assert_eq!(s.hits(site, "/a").len(), 1);

    // With --target-pages 0 nothing is requested from the target's site.
    let mut cmd = backlinks();
    cmd.args([
        "audit",
        site,
        "--allow-private",
        "--delay",
        "0",
        "--retries",
        "0",
    ])
    .args([
        "--no-store",
        "--format",
        "json",
        "--target-pages",
        "0",
        "--from",
    ])
    .arg(&list)
    .args(s.pins(&[site, "blog.alpha.test", "news.beta.test"]));
    let r = run(&mut cmd);
    crate::support::assert_null(&r.json()["actions"], "reclamation");
    assert_eq!(s.hits(site, "/old-guide").len(), 1);
}

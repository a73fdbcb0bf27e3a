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
    let s = Server::start();
    s.route("evil.test", "/page", hostile());
    s.route("blog.alpha.test", "/page", crate::disavow::clean());
    let list = write(
        dir,
        "links.txt",
        &format!(
            "{}\n{}\n",
            s.url("evil.test", "/page"),
            s.url("blog.alpha.test", "/page")
        ),
    );
    let out = dir.join(format!("report.{format}"));
    let mut cmd = backlinks();
    cmd.args(["audit", "example.com", "--allow-private", "--delay", "0"])
        .args(["--target-pages", "0", "--retries", "0", "--no-store"])
        .args(["--format", format, "--from"])
        .arg(&list)
        .arg("-o")
        .arg(&out)
        .args(s.pins(&["evil.test", "blog.alpha.test"]))
        .args(extra);
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (r, out)
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

    // A screenshot, to catch a blank page: a rendered report has many colours.
    let png = dir.path().join("shot.png");
    let shot = headless(
        &browser,
        &dir.path().join("profile-shot"),
        &[
            "--window-size=1280,1600",
            &format!("--screenshot={}", png.display()),
            &url,
        ],
    );
    let bytes = std::fs::read(&png)
        .unwrap_or_else(|_| panic!("no screenshot: {}", String::from_utf8_lossy(&shot.stderr)));
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    // A blank 1280×1600 page is a PNG of about 9 KB; the rendered report is far larger.
    assert!(
        bytes.len() > 40_000,
        "the screenshot looks blank ({} bytes)",
        bytes.len()
    );
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

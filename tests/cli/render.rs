//! `--render` (issue 22): links that exist only after a page's scripts ran, found by
//! rendering pages in headless Chromium, with every request of the browser through the SSRF
//! guard. The tests that need a browser skip, saying so, when none is installed (CI installs
//! `chromium`); the missing-browser behaviour is tested everywhere.

use crate::support::{Reply, Run, Server, audit_cmd, backlinks, codes, page, run, write};
use std::time::{Duration, Instant};

/// Whether a browser is installed; prints why the test is skipped when not.
fn have_chromium(test: &str) -> bool {
    if crate::support::chromium().is_some() {
        return true;
    }
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "SKIPPED {test}: no chromium on PATH (install it with `apt-get install chromium`)\n"
        )
        .as_bytes(),
    );
    false
}

/// An audit of `urls` with the local server's hosts pinned, politeness off.
fn audit(server: &Server, urls: &[String], hosts: &[&str], extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let list = write(dir.path(), "links.txt", &urls.join("\n"));
    let mut cmd = audit_cmd();
    cmd.args(["--target-pages", "0", "--no-store", "--no-progress"])
        .args(["--per-host", "64", "--delay", "0"])
        .arg("--from")
        .arg(&list)
        .args(server.pins(hosts))
        .args(extra);
    run(&mut cmd)
}

/// (a) An app shell whose only content, a link to the target among it, is written by an
/// inline script.
const APP_SHELL: &str = r#"<!doctype html><html><head><title>Trail journal</title></head>
<body><div id="root"></div>
<script>
document.getElementById('root').innerHTML =
  '<article><h1>Best trail shoes of the year</h1><p>We ran in many pairs over a long summer ' +
  'of rocky trails and muddy paths, and wrote down everything. The clear winner was ' +
  '<a href="https://example.com/shoes">Example trail shoes</a>, light, grippy and ' +
  'comfortable for hours on end.</p></article>';
</script></body></html>"#;

/// (b) A page whose script fetches its list of sources from the same server.
const XHR_PAGE: &str = r#"<!doctype html><html><head><title>Sources</title></head>
<body><div id="app"><p>Loading…</p></div>
<script>
fetch('/api/sources.json').then(r => r.json()).then(links => {
  document.getElementById('app').innerHTML =
    '<article><p>This long review of running gear draws on these sources, which we read ' +
    'and checked one by one: ' +
    links.map(l => '<a href="' + l.href + '">' + l.text + '</a>').join(', ') +
    '.</p></article>';
});
</script></body></html>"#;

const SOURCES_JSON: &str = r#"[{"href": "https://example.com/guide", "text": "Example guide"},
 {"href": "https://news.other.test/", "text": "Other news"}]"#;

#[test]
fn auto_finds_links_inserted_by_scripts_and_never_keeps_todays_behaviour() {
    if !have_chromium("auto_finds_links_inserted_by_scripts_and_never_keeps_todays_behaviour") {
        return;
    }
    let s = Server::start();
    s.route("shell.blog.test", "/post", Reply::html(APP_SHELL));
    s.route("xhr.blog.test", "/review", Reply::html(XHR_PAGE));
    s.route(
        "xhr.blog.test",
        "/api/sources.json",
        Reply::new(200)
            .header("content-type", "application/json")
            .body(SOURCES_JSON.as_bytes()),
    );
    let shell = s.url("shell.blog.test", "/post");
    let xhr = s.url("xhr.blog.test", "/review");
    let urls = [shell.clone(), xhr.clone()];
    let hosts = ["shell.blog.test", "xhr.blog.test"];

    // Today's behaviour: the served HTML has no link, both pages are lost.
    let never = audit(&s, &urls, &hosts, &["--allow-private"]);
    assert_eq!(never.code, 0, "{}", never.stderr);
    let report = never.json();
    assert_eq!(report["summary"]["lost"], 2, "{report:#}");
    for url in [&shell, &xhr] {
        let p = page(&report, url);
        assert_eq!(p["rendered"], false);
        assert!(!codes(&p["flags"]).contains(&"rendered-page".to_string()));
    }
    assert!(s.hits("xhr.blog.test", "/api/sources.json").is_empty());

    let auto = audit(&s, &urls, &hosts, &["--allow-private", "--render", "auto"]);
    assert_eq!(auto.code, 0, "{}", auto.stderr);
    let report = auto.json();
    assert_eq!(report["summary"]["live"], 2, "{report:#}");
    let p = page(&report, &shell);
    assert_eq!(p["status"], "live");
    assert_eq!(p["rendered"], true);
    let flags = codes(&p["flags"]);
    assert!(flags.contains(&"rendered-page".to_string()), "{flags:?}");
    let why = &p["flags"].as_array().unwrap()[0]["evidence"];
    assert!(
        why.as_str().unwrap().contains("id=\"root\""),
        "the evidence says why the page was rendered: {why}"
    );
    let links = p["links"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{p:#}");
    assert_eq!(links[0]["target_url"], "https://example.com/shoes");
    assert_eq!(links[0]["anchor_text"], "Example trail shoes");
    assert_eq!(links[0]["placement"], "content", "{:#}", links[0]);
    assert_eq!(links[0]["found"], "rendered");
    assert!(codes(&links[0]["flags"]).contains(&"rendered-only-link".to_string()));

    // The XHR page: the list came from the same server, through the guard.
    let p = page(&report, &xhr);
    assert_eq!(p["rendered"], true);
    let links = p["links"].as_array().unwrap();
    assert_eq!(links.len(), 1, "only the link to the target: {p:#}");
    assert_eq!(links[0]["target_url"], "https://example.com/guide");
    assert_eq!(links[0]["placement"], "content");
    assert_eq!(links[0]["found"], "rendered");
    assert_eq!(s.hits("xhr.blog.test", "/api/sources.json").len(), 1);
    // The page itself was fetched once per run: the browser was handed the served HTML.
    assert_eq!(s.hits("shell.blog.test", "/post").len(), 2);
    // The domain lists the finding too.
    let domain = report["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == "blog.test")
        .unwrap();
    assert!(codes(&domain["flags"]).contains(&"rendered-only-link".to_string()));
}

#[test]
fn a_served_link_stays_served_and_auto_leaves_plain_pages_alone() {
    if !have_chromium("a_served_link_stays_served_and_auto_leaves_plain_pages_alone") {
        return;
    }
    let s = Server::start();
    // A server-rendered article that also gets a second link from a script.
    let both = r#"<html><body><article><p>A long and careful review of trail shoes, written
        after a summer of running: <a href="https://example.com/">Example</a> came first.</p>
        <div id="more"></div></article>
        <script>document.getElementById('more').innerHTML =
          '<p>See also <a href="https://example.com/sale">the Example sale</a>.</p>';</script>
        </body></html>"#;
    s.route("mixed.blog.test", "/a", Reply::html(both));
    let url = s.url("mixed.blog.test", "/a");
    let hosts = ["mixed.blog.test"];
    // auto: the served HTML links to the target, so the page is not rendered.
    let auto = audit(
        &s,
        std::slice::from_ref(&url),
        &hosts,
        &["--allow-private", "--render", "auto"],
    );
    assert_eq!(auto.code, 0, "{}", auto.stderr);
    let report = auto.json();
    let p = page(&report, &url);
    assert_eq!(p["rendered"], false);
    assert_eq!(p["links"].as_array().unwrap().len(), 1);
    assert_eq!(p["links"][0]["found"], "served");
    // always: both links, the served one `served`, the scripted one `rendered`.
    let always = audit(
        &s,
        std::slice::from_ref(&url),
        &hosts,
        &["--allow-private", "--render", "always"],
    );
    assert_eq!(always.code, 0, "{}", always.stderr);
    let report = always.json();
    let p = page(&report, &url);
    assert_eq!(p["rendered"], true);
    let found: Vec<(String, String)> = p["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["target_url"].as_str().unwrap().to_string(),
                l["found"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("https://example.com/".to_string(), "served".to_string()),
            (
                "https://example.com/sale".to_string(),
                "rendered".to_string()
            ),
        ]
    );
    assert!(!codes(&p["links"][0]["flags"]).contains(&"rendered-only-link".to_string()));
}

#[test]
fn requests_of_a_rendered_page_to_private_addresses_are_refused() {
    if !have_chromium("requests_of_a_rendered_page_to_private_addresses_are_refused") {
        return;
    }
    let s = Server::start();
    // The page may be fetched (its host alone is allowed a private address); its script
    // tries a literal private address and a name pinned to loopback that is not allowed.
    let port = s.port;
    let page_html = format!(
        r#"<html><body><div id="root"></div>
        <img src="http://10.0.0.1/pixel.gif">
        <iframe src="http://frames.test:{port}/frame"></iframe>
        <script>new Worker('/worker.js');</script>
        <script>
        fetch('http://intranet.test:{port}/secret').then(r => r.text()).then(t => {{
          document.getElementById('root').innerHTML = '<p>' + t + '</p>';
        }}).catch(() => {{
          document.getElementById('root').innerHTML =
            '<article><p>A page whose script tried to reach the intranet and failed, and ' +
            'then linked to <a href="https://example.com/">Example</a> anyway.</p></article>';
        }});
        </script></body></html>"#
    );
    s.route("blog.referrer.test", "/p", Reply::html(&page_html));
    // A worker and a cross-site frame: their own requests are guarded too.
    s.route(
        "blog.referrer.test",
        "/worker.js",
        Reply::new(200)
            .header("content-type", "text/javascript")
            .body(b"fetch('http://10.0.0.4/from-worker').catch(() => {});"),
    );
    s.route(
        "frames.test",
        "/frame",
        Reply::html(r#"<img src="http://10.0.0.3/in-frame.gif"><img src="/ok.gif">"#),
    );
    s.route(
        "intranet.test",
        "/secret",
        Reply::html("<a href='https://example.com/leak'>secret</a>"),
    );
    let url = s.url("blog.referrer.test", "/p");
    let r = audit(
        &s,
        std::slice::from_ref(&url),
        &["blog.referrer.test", "intranet.test", "frames.test"],
        &[
            "--allow-private-host",
            "blog.referrer.test",
            "--allow-private-host",
            "frames.test",
            "--render",
            "auto",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let p = page(&report, &url);
    assert_eq!(p["status"], "live", "{p:#}");
    assert_eq!(p["rendered"], true);
    let evidence = p["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "rendered-page")
        .unwrap()["evidence"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        evidence.contains("http://10.0.0.1/pixel.gif (private-address)"),
        "{evidence}"
    );
    assert!(
        evidence.contains(&format!(
            "http://intranet.test:{port}/secret (private-address)"
        )),
        "{evidence}"
    );
    for refused in [
        "http://10.0.0.3/in-frame.gif",
        "http://10.0.0.4/from-worker",
    ] {
        assert!(
            evidence.contains(&format!("{refused} (private-address)")),
            "{evidence}"
        );
    }
    // The frame's allowed request was made, by backlinks.
    let ok = s.hits("frames.test", "/ok.gif");
    assert_eq!(ok.len(), 1);
    assert!(
        ok[0].user_agent.starts_with("backlinks/"),
        "{}",
        ok[0].user_agent
    );
    // The refused request never reached the server; the script's fallback link was found.
    assert!(s.hits("intranet.test", "/secret").is_empty());
    assert_eq!(p["links"][0]["target_url"], "https://example.com/");
    assert_eq!(p["links"][0]["found"], "rendered");
}

#[test]
fn a_page_that_never_finishes_loading_times_out_and_the_audit_finishes() {
    if !have_chromium("a_page_that_never_finishes_loading_times_out_and_the_audit_finishes") {
        return;
    }
    let s = Server::start();
    // The image is held open far longer than the render timeout: no load event ever.
    s.route(
        "slow.blog.test",
        "/endless",
        Reply::html(r#"<html><body><div id="root"></div><img src="/forever.gif"></body></html>"#),
    );
    s.route(
        "slow.blog.test",
        "/forever.gif",
        Reply::new(200).delay(Duration::from_secs(600)),
    );
    s.route("fine.blog.test", "/post", Reply::html(APP_SHELL));
    let slow = s.url("slow.blog.test", "/endless");
    let fine = s.url("fine.blog.test", "/post");
    let started = Instant::now();
    let r = audit(
        &s,
        &[slow.clone(), fine.clone()],
        &["slow.blog.test", "fine.blog.test"],
        &[
            "--allow-private",
            "--render",
            "auto",
            "--render-timeout",
            "3",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "the endless page did not hold the audit: {:?}",
        started.elapsed()
    );
    let report = r.json();
    let p = page(&report, &slow);
    assert_eq!(p["rendered"], false);
    let failed = p["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "render-failed")
        .unwrap_or_else(|| panic!("a render-failed finding: {p:#}"));
    assert!(
        failed["evidence"]
            .as_str()
            .unwrap()
            .contains("timed out after 3 s"),
        "{failed:#}"
    );
    // Read as served: the page has no link, so it is lost, as without rendering.
    assert_eq!(p["status"], "lost");
    // The other page rendered normally in the same run.
    assert_eq!(page(&report, &fine)["rendered"], true);
    assert_eq!(page(&report, &fine)["status"], "live");
}

#[test]
fn render_always_without_a_browser_is_an_error_before_any_fetch() {
    let s = Server::start();
    s.route("shell.blog.test", "/post", Reply::html(APP_SHELL));
    let url = s.url("shell.blog.test", "/post");
    let r = audit(
        &s,
        std::slice::from_ref(&url),
        &["shell.blog.test"],
        &[
            "--allow-private",
            "--render",
            "always",
            "--chromium",
            "/nonexistent/chromium",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("/nonexistent/chromium"), "{}", r.stderr);
    assert!(r.stderr.contains("--render always"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(s.all_hits().is_empty(), "nothing was fetched");
}

#[test]
fn render_auto_without_a_browser_warns_once_and_reads_pages_as_served() {
    let s = Server::start();
    s.route("shell.blog.test", "/post", Reply::html(APP_SHELL));
    s.route("other.blog.test", "/post", Reply::html(APP_SHELL));
    let urls = [
        s.url("shell.blog.test", "/post"),
        s.url("other.blog.test", "/post"),
    ];
    // Also through $CHROME, the variable Puppeteer reads.
    let dir = tempfile::tempdir().unwrap();
    let list = write(dir.path(), "links.txt", &urls.join("\n"));
    let mut cmd = audit_cmd();
    cmd.args(["--target-pages", "0", "--no-store", "--no-progress"])
        .args(["--per-host", "64", "--delay", "0", "--allow-private"])
        .args(["--render", "auto"])
        .arg("--from")
        .arg(&list)
        .args(s.pins(&["shell.blog.test", "other.blog.test"]))
        .env("CHROME", "/nonexistent/chrome");
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("rendering is unavailable").count(),
        1,
        "one warning: {}",
        r.stderr
    );
    let report = r.json();
    assert_eq!(report["summary"]["lost"], 2);
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(warnings.contains(&"render-unavailable"), "{warnings:?}");
    assert!(
        report["pages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["rendered"] == false)
    );
}

#[test]
fn inspect_render_says_how_each_link_was_found() {
    if !have_chromium("inspect_render_says_how_each_link_was_found") {
        return;
    }
    let s = Server::start();
    s.route("shell.blog.test", "/post", Reply::html(APP_SHELL));
    let url = s.url("shell.blog.test", "/post");
    let mut cmd = backlinks();
    cmd.args([
        "inspect",
        &url,
        "--target",
        "example.com",
        "--allow-private",
    ])
    .args(s.pins(&["shell.blog.test"]))
    .args(["--render", "always"]);
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(line["rendered"], true, "{line:#}");
    assert_eq!(line["links"][0]["href"], "https://example.com/shoes");
    assert_eq!(line["links"][0]["found"], "rendered");
    assert_eq!(line["links"][0]["placement"], "content");
    // Without --render the record is as before: no rendering fields at all.
    let mut cmd = backlinks();
    cmd.args([
        "inspect",
        &url,
        "--target",
        "example.com",
        "--allow-private",
    ])
    .args(s.pins(&["shell.blog.test"]));
    let r = run(&mut cmd);
    let line: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert!(line.get("rendered").is_none(), "{line:#}");
    assert_eq!(line["links"].as_array().unwrap().len(), 0);
}

#[test]
fn explain_describes_the_rendering_findings() {
    for code in ["rendered-only-link", "rendered-page", "render-failed"] {
        let r = run(backlinks().args(["explain", code]));
        assert_eq!(r.code, 0, "{code}: {}", r.stderr);
        assert!(r.stdout.contains(code), "{}", r.stdout);
    }
    let r = run(backlinks().args(["explain", "rendered-only-link"]));
    assert!(r.stdout.contains("some crawlers"), "{}", r.stdout);
}

#[test]
fn auto_renders_a_page_an_export_claims_a_link_from_and_the_csv_says_how_it_was_found() {
    if !have_chromium("auto_renders_a_page_an_export_claims_a_link_from") {
        return;
    }
    let s = Server::start();
    // A long server-rendered article (not script-built by its look) whose "sources" box, with
    // the link Moz reports, is added by a widget script.
    let words =
        "We spent a whole season running on rocky and muddy trails in every weather. ".repeat(30);
    let article = format!(
        r#"<html><head><title>Trail season</title></head><body><article><h1>Trail season</h1>
        <p>{words}</p><div id="sources"></div></article>
        <script>document.getElementById('sources').innerHTML =
          '<p>Sources: <a href="https://example.com/">Example</a></p>';</script></body></html>"#
    );
    s.route("widget.blog.test", "/article", Reply::html(&article));
    let url = s.url("widget.blog.test", "/article");
    let dir = tempfile::tempdir().unwrap();
    let export = write(
        dir.path(),
        "moz.csv",
        &format!(
            "URL,Title,Anchor Text,Spam Score,Domain Authority,Page Authority,Target URL,Link Type,\
             Link State,Date First Seen,Date Last Seen\n\
             {url},Trail season,Example,1%,30,20,https://example.com/,follow,active,03/02/2026,\
             09/20/2026\n"
        ),
    );
    let run_with = |extra: &[&str]| {
        let mut cmd = audit_cmd();
        cmd.args(["--target-pages", "0", "--no-store", "--no-progress"])
            .args(["--per-host", "64", "--delay", "0", "--allow-private"])
            .arg("--from")
            .arg(&export)
            .args(s.pins(&["widget.blog.test"]))
            .args(extra);
        run(&mut cmd)
    };
    let never = run_with(&[]);
    assert_eq!(never.code, 0, "{}", never.stderr);
    let report = never.json();
    let p = page(&report, &url);
    assert_eq!(p["status"], "lost");
    assert!(codes(&p["flags"]).contains(&"vendor-link-missing".to_string()));

    let auto = run_with(&["--render", "auto"]);
    assert_eq!(auto.code, 0, "{}", auto.stderr);
    let report = auto.json();
    let p = page(&report, &url);
    assert_eq!(p["status"], "live", "{p:#}");
    assert_eq!(p["rendered"], true);
    let flags = codes(&p["flags"]);
    assert!(
        !flags.contains(&"vendor-link-missing".to_string()),
        "{flags:?}"
    );
    let evidence = p["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "rendered-page")
        .unwrap()["evidence"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(evidence.contains("an export claims a link"), "{evidence}");
    assert_eq!(p["links"][0]["found"], "rendered");

    // The CSV has the same answer in its last column.
    let csv = run_with(&["--render", "auto", "--format", "csv"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let mut lines = csv.stdout.lines();
    assert!(lines.next().unwrap().ends_with(",flags,found"));
    let row = lines.next().unwrap();
    assert!(row.ends_with(",rendered"), "{row}");
}

#[test]
fn an_interrupted_render_leaves_no_browser_profile_behind() {
    if !have_chromium("an_interrupted_render_leaves_no_browser_profile_behind") {
        return;
    }
    let s = Server::start();
    s.route(
        "slow.blog.test",
        "/endless",
        Reply::html(r#"<html><body><div id="root"></div><img src="/forever.gif"></body></html>"#),
    );
    s.route(
        "slow.blog.test",
        "/forever.gif",
        Reply::new(200).delay(Duration::from_secs(600)),
    );
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let list = write(
        dir.path(),
        "links.txt",
        &s.url("slow.blog.test", "/endless"),
    );
    let mut cmd = audit_cmd();
    cmd.args(["--target-pages", "0", "--no-store", "--no-progress"])
        .args(["--allow-private", "--render", "always"])
        .arg("--from")
        .arg(&list)
        .args(s.pins(&["slow.blog.test"]))
        .env("TMPDIR", &tmp);
    let child = crate::support::spawn(&mut cmd);
    let profiles = || {
        std::fs::read_dir(&tmp)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("backlinks-chromium-")
            })
            .count()
    };
    // The profile exists while the page renders (it never finishes).
    let started = Instant::now();
    while profiles() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no profile appeared"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: kill(2) on the child's own pid.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let done = crate::support::wait_measured(child, Duration::from_secs(30));
    assert_eq!(done.run.code, 130, "{}", done.run.stderr);
    assert_eq!(profiles(), 0, "the browser profile was deleted");
}

#[test]
fn render_with_an_archive_is_a_usage_error() {
    let archive = crate::support::fixture("sample/sample.warc.gz");
    let r = run(backlinks()
        .args(["audit", "example.com", "--no-store", "--render", "auto"])
        .arg("--archive")
        .arg(&archive));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--archive"), "{}", r.stderr);
}

//! `backlinks gap`: the referring domains of two competitors, from a hand-made Ahrefs export
//! (UTF-16, as Ahrefs writes it) and a Semrush export (`fixtures/gap/`), each page fetched once
//! from 127.0.0.1, ranked by the opportunity score; what is excluded, already linking and
//! gone; the stored runs (`history --gap`, `diff --gap`) and the `acquire` entries of
//! `backlinks outreach`.

use crate::support::{Reply, Run, Server, backlinks, fixture, run, write};
use std::path::{Path, PathBuf};

pub const TARGET: &str = "trailpeak.test";
pub const RIVAL: &str = "rivalgear.test";
pub const SUMMIT: &str = "summitshoes.test";

/// Every host the exports list (and the audit's mention pages).
pub const HOSTS: [&str; 11] = [
    "blog.trailnotes.test",
    "news.runmag.test",
    "forum.hikers.test",
    "links.cheap-farm.test",
    "zine.trailzine.test",
    "review.shoeguide.test",
    "misc.blogroll.test",
    "directory.outdoorlist.test",
    "old.gearblog.test",
    "gone.hikeblog.test",
    "notes.walkers.test",
];

fn page(name: &str) -> Reply {
    Reply::html(&std::fs::read_to_string(fixture(&format!("gap/pages/{name}"))).unwrap())
}

/// A link farm: 120 links to 60 sites and hardly any text, one of them to the competitor.
fn farm() -> Reply {
    let mut html = String::from("<html><head><title>Best links</title></head><body><ul>");
    for i in 0..120 {
        html.push_str(&format!(
            "<li><a href=\"https://site{}.test/p{i}\">link {i}</a></li>",
            i % 60
        ));
    }
    html.push_str("<li><a href=\"https://rivalgear.test/\">rivalgear</a></li></ul></body></html>");
    Reply::html(&html)
}

/// Serves the pages the exports list. `gone.hikeblog.test` has no route (404).
pub fn serve(s: &Server) {
    s.route(
        "blog.trailnotes.test",
        "/best-shoes",
        page("trailnotes-best-shoes.html"),
    );
    s.route("news.runmag.test", "/roundup", page("runmag-roundup.html"));
    s.route("forum.hikers.test", "/thread/7", page("hikers-thread.html"));
    s.route("links.cheap-farm.test", "/page", farm());
    s.route(
        "zine.trailzine.test",
        "/review",
        page("trailzine-review.html"),
    );
    s.route(
        "directory.outdoorlist.test",
        "/shoes",
        page("outdoorlist-directory.html"),
    );
    s.route(
        "old.gearblog.test",
        "/2024/notes",
        page("gearblog-old-post.html"),
    );
    s.route(
        "notes.walkers.test",
        "/coast-path",
        page("walkers-notes.html"),
    );
}

/// The two exports with the server's port in their URLs: (Ahrefs, Semrush).
pub fn exports(s: &Server, dir: &Path) -> (PathBuf, PathBuf) {
    let port = s.port.to_string();
    let raw = std::fs::read(fixture("gap/ahrefs-rivalgear.tsv")).unwrap();
    assert_eq!(
        &raw[..2],
        b"\xff\xfe",
        "the Ahrefs export is UTF-16 LE with a BOM"
    );
    let units: Vec<u16> = raw[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap().replace("{PORT}", &port);
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let ahrefs = dir.join("ahrefs-rivalgear.tsv");
    std::fs::write(&ahrefs, bytes).unwrap();
    let semrush = std::fs::read_to_string(fixture("gap/semrush-summitshoes.csv"))
        .unwrap()
        .replace("{PORT}", &port);
    let semrush = write(dir, "semrush-summitshoes.csv", &semrush);
    (ahrefs, semrush)
}

/// `backlinks gap` over the two exports, polite limits lifted, no target pages read; saved
/// to `db`, or nowhere.
pub fn gap_cmd(s: &Server, dir: &Path, db: Option<&Path>) -> std::process::Command {
    let (ahrefs, semrush) = exports(s, dir);
    let mut cmd = backlinks();
    cmd.args(["gap", TARGET, "--competitor", RIVAL, "--competitor", SUMMIT])
        .arg("--from")
        .arg(ahrefs)
        .arg("--from")
        .arg(semrush)
        .args(["--brand", "Trail Peak", "--topic", "trail running shoes"])
        .args(["--target-pages", "0", "--allow-private", "--delay", "0"])
        .args(["--retries", "0"])
        .args(s.pins(&HOSTS));
    match db {
        Some(db) => cmd.arg("--db").arg(db),
        None => cmd.arg("--no-store"),
    };
    cmd
}

fn gap_json(s: &Server, dir: &Path, db: &Path) -> serde_json::Value {
    let r = run(gap_cmd(s, dir, Some(db)).args(["--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

fn url(s: &Server, host: &str, path: &str) -> String {
    s.url(host, path)
}

fn domains(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|o| o["domain"].as_str().unwrap().to_string())
        .collect()
}

/// The end-to-end test of the issue: two competitors, pages linking to both, one also to the
/// target, one in a footer, one nofollow, one on a link farm, one gone, and pages mentioning
/// the brand without a link.
#[test]
fn the_gap_ranks_verified_opportunities_and_explains_them() {
    let s = Server::start();
    serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let report = gap_json(&s, dir.path(), &db);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["target"], TARGET);
    assert_eq!(report["competitors"], serde_json::json!([RIVAL, SUMMIT]));

    // One fetch per page, whatever the number of competitors that listed it.
    assert_eq!(s.hits("blog.trailnotes.test", "/best-shoes").len(), 1);
    // The target's own known link (a row of the Ahrefs export) is not fetched.
    assert!(s.hits("review.shoeguide.test", "/top").is_empty());

    // The editorial, relevant, followed page linking to both competitors ranks first.
    let opps = &report["opportunities"];
    let order = domains(opps);
    assert_eq!(order[0], "trailnotes.test", "{opps:#}");
    let first = &opps[0];
    assert_eq!(first["competitors"], serde_json::json!([RIVAL, SUMMIT]));
    assert_eq!(first["marks"], serde_json::json!([]));
    assert_eq!(
        first["source_url"],
        url(&s, "blog.trailnotes.test", "/best-shoes")
    );
    let names: Vec<&str> = first["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "authority",
            "relevance",
            "competitors",
            "placement",
            "dofollow"
        ]
    );
    let total: f64 = first["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_f64().unwrap() * c["weight"].as_f64().unwrap())
        .sum();
    assert_eq!(first["score"].as_f64().unwrap(), total.round());
    assert!(first["relevance"].as_u64().unwrap() > 0, "{first:#}");
    // Links are reported as the audit reports them: anchor, rel, placement, context.
    let link = &first["links"][0];
    assert_eq!(link["placement"], "content");
    assert_eq!(link["dofollow"], true);
    assert!(link["context"].as_str().unwrap().contains('['), "{link:#}");
    assert!(
        link["anchor_text"]
            .as_str()
            .unwrap()
            .starts_with("RivalGear")
    );
    assert_eq!(
        first["contacts"],
        serde_json::json!([{"kind": "contact-page", "value": url(&s, "blog.trailnotes.test", "/contact")}])
    );

    // The footer and nofollow links are there, marked, and weigh less.
    let find = |d: &str| {
        opps.as_array()
            .unwrap()
            .iter()
            .find(|o| o["domain"] == d)
            .unwrap_or_else(|| panic!("no opportunity {d} in {opps:#}"))
    };
    let footer = find("outdoorlist.test");
    assert_eq!(footer["marks"], serde_json::json!(["footer"]));
    let nofollow = find("hikers.test");
    assert_eq!(nofollow["marks"], serde_json::json!(["nofollow"]));
    for weaker in [footer, nofollow] {
        assert!(weaker["score"].as_u64() < first["score"].as_u64());
    }
    assert!(
        nofollow["authority"].as_u64() > first["authority"].as_u64(),
        "the nofollow page has the higher authority and still ranks below"
    );
    assert!(order.contains(&"trailzine.test".to_string()));

    // The link farm is excluded with its reason.
    let excluded = &report["excluded"];
    assert_eq!(domains(excluded), ["cheap-farm.test"]);
    let reasons: Vec<&str> = excluded[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"link-farm"), "{excluded:#}");

    // The page that also links to the target is no opportunity.
    assert_eq!(
        report["already_linking"],
        serde_json::json!([{"domain": "runmag.test", "competitors": [RIVAL], "known_from": ["crawl"]}])
    );

    // The gone links are dropped and counted: no link any more, and a 404.
    let gone: Vec<(&str, &str)> = report["gone"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["source_domain"].as_str().unwrap(),
                g["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        gone,
        [
            ("hikeblog.test", "unreachable"),
            ("gearblog.test", "no-link")
        ]
    );
    for d in ["gearblog.test", "hikeblog.test"] {
        assert!(!order.iter().any(|o| o == d));
    }
    let summary = &report["summary"];
    assert_eq!(summary["gone"], 2);
    assert_eq!(summary["opportunities"], 4);
    assert_eq!(summary["excluded"], 1);
    assert_eq!(summary["already_linking"], 1);
    assert_eq!(summary["rows_elsewhere"], 1);

    // Each row went to its site: the Ahrefs export's rows are the rival's, one the target's,
    // one elsewhere.
    let inputs = report["inputs"].as_array().unwrap();
    assert_eq!(inputs[0]["format"], "ahrefs");
    assert_eq!(inputs[0]["competitors"], serde_json::json!({RIVAL: 5}));
    assert_eq!(inputs[0]["target"], 1);
    assert_eq!(inputs[0]["elsewhere"], 1);
    assert_eq!(inputs[0]["elsewhere_lines"], serde_json::json!([8]));
    assert_eq!(inputs[1]["competitors"], serde_json::json!({SUMMIT: 4}));

    // The page that names the brand next to a competitor link is the best prospect.
    let mentions = report["mentions"].as_array().unwrap();
    assert_eq!(mentions.len(), 1, "{mentions:#?}");
    assert_eq!(mentions[0]["source_domain"], "trailzine.test");
    assert_eq!(mentions[0]["best_prospect"], true);
    assert!(
        mentions[0]["sentence"]
            .as_str()
            .unwrap()
            .contains("the new Trail Peak Summit matched it on the descents")
    );
    assert_eq!(mentions[0]["competitor_links"][0]["competitor"], RIVAL);
}

#[test]
fn the_table_marks_weaker_links_and_explains_the_score() {
    let s = Server::start();
    serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let r = run(gap_cmd(&s, dir.path(), Some(&db)).arg("--explain"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = &r.stdout;
    assert!(
        t.contains("backlinks gap of trailpeak.test against rivalgear.test, summitshoes.test"),
        "{t}"
    );
    assert!(t.contains("editorial, followed"), "{t}");
    assert!(t.contains("footer"), "{t}");
    assert!(t.contains("nofollow"), "{t}");
    assert!(t.contains("excluded (toxic or link farms)"), "{t}");
    assert!(t.contains("link-farm:"), "{t}");
    assert!(t.contains("gone (dropped)"), "{t}");
    assert!(t.contains("Opportunity score components"), "{t}");
    assert!(
        t.contains("links to 2 of 2 competitors: rivalgear.test, summitshoes.test"),
        "{t}"
    );
    assert!(t.contains("unlinked mentions (1"), "{t}");
}

#[test]
fn every_format_renders_and_escapes_page_text() {
    let s = Server::start();
    serve(&s);
    // A hostile anchor on an opportunity page.
    s.route(
        "forum.hikers.test",
        "/thread/7",
        Reply::html(
            "<html><body><article><p>Long enough text about trail running shoes and grip on \
             the mountain trails, written for runners who want to know.</p><p><a \
             href=\"https://rivalgear.test/\">&lt;script&gt;alert(1)&lt;/script&gt;=cmd</a> \
             and more words about trail running shoes here.</p></article></body></html>",
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let html = run(gap_cmd(&s, dir.path(), None).args(["--format", "html"]));
    assert_eq!(html.code, 0, "{}", html.stderr);
    let h = &html.stdout;
    assert!(h.starts_with("<!doctype html>"));
    assert!(h.contains("Content-Security-Policy"));
    assert!(!h.contains("<script>alert(1)"), "the anchor is escaped");
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{h}");
    assert!(h.contains("<h2>Opportunities</h2>") && h.contains("<h2>Unlinked mentions</h2>"));
    assert!(!h.contains("{{"));

    let md = run(gap_cmd(&s, dir.path(), None).args(["--format", "markdown"]));
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(md.stdout.contains("### Opportunities"), "{}", md.stdout);
    assert!(md.stdout.contains("### Excluded (toxic or link farms)"));
    assert!(!md.stdout.contains("<script>"));

    let csv = run(gap_cmd(&s, dir.path(), None).args(["--format", "csv"]));
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let mut rdr = ::csv::Reader::from_reader(csv.stdout.as_bytes());
    let header = rdr.headers().unwrap().clone();
    assert_eq!(&header[0], "status");
    let rows: Vec<::csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let statuses: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.get(0).unwrap()).collect();
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        ["already-linking", "excluded", "gone", "opportunity"]
    );
    let anchor = rows
        .iter()
        .find(|r| r.get(2) == Some("hikers.test"))
        .unwrap()
        .get(12)
        .unwrap()
        .to_string();
    assert!(!anchor.starts_with('='), "{anchor}");
    assert!(!db.exists(), "--no-store saves nothing");
}

#[test]
fn runs_are_stored_compared_and_feed_the_outreach_worklist() {
    let s = Server::start();
    serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    let first = gap_json(&s, dir.path(), &db);
    assert!(first["comparison"].is_null());

    // The directory now links to the target too, and a new page links to the rival.
    s.route(
        "directory.outdoorlist.test",
        "/shoes",
        Reply::html(
            "<html><body><main><p>Shops and brands we like, sorted by town, with opening \
             hours and repair services.</p><p><a href=\"https://trailpeak.test/\">Trail \
             Peak</a></p></main><footer><a href=\"https://summitshoes.test/\">Summit</a>\
             </footer></body></html>",
        ),
    );
    let second = gap_json(&s, dir.path(), &db);
    let c = &second["comparison"];
    assert_eq!(c["previous"]["run_id"], 1);
    assert_eq!(
        c["lost"],
        serde_json::json!([{"domain": "outdoorlist.test", "score": find_score(&first, "outdoorlist.test"), "reason": "links-to-target"}])
    );
    assert_eq!(c["new"], serde_json::json!([]));

    let h = run(backlinks()
        .args(["history", TARGET, "--gap", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(h.code, 0, "{}", h.stderr);
    let runs = h.json()["runs"].as_array().unwrap().clone();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1]["lost"], 1);
    assert_eq!(runs[0]["new"], serde_json::Value::Null);
    let d = run(backlinks().args(["diff", TARGET, "--gap", "--db"]).arg(&db));
    assert_eq!(d.code, 0, "{}", d.stderr);
    assert!(d.stdout.contains("- outdoorlist.test"), "{}", d.stdout);
    assert!(d.stdout.contains("links-to-target"), "{}", d.stdout);

    // The outreach worklist lists the opportunities as `acquire` entries.
    let o: Run = run(backlinks()
        .args(["outreach", TARGET, "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc = o.json();
    assert_eq!(doc["gap_run_id"], 2);
    assert!(doc["snapshot_id"].is_null(), "no audit stored yet");
    let items = doc["outreach"].as_array().unwrap();
    assert!(items.iter().all(|i| i["status"] == "acquire"));
    assert_eq!(items[0]["source_domain"], "trailnotes.test");
    assert_eq!(items[0]["competitors"], serde_json::json!([RIVAL, SUMMIT]));
    assert!(items[0]["opportunity_score"].as_u64().unwrap() > 0);
    let page = url(&s, "blog.trailnotes.test", "/best-shoes");
    let m = run(backlinks()
        .args([
            "outreach",
            "mark",
            &page,
            "--requested",
            "--date",
            "2026-01-02",
            "--db",
        ])
        .arg(&db));
    assert_eq!(m.code, 0, "{}", m.stderr);
    assert!(m.stderr.contains("recorded link request 1"), "{}", m.stderr);
    let t = run(backlinks().args(["outreach", TARGET, "--db"]).arg(&db));
    assert!(t.stdout.contains("acquire"), "{}", t.stdout);
    assert!(
        t.stdout.contains("link requests from gap run 2"),
        "{}",
        t.stdout
    );
    assert!(t.stdout.contains("2026-01-02"), "{}", t.stdout);
}

fn find_score(report: &serde_json::Value, domain: &str) -> u64 {
    report["opportunities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["domain"] == domain)
        .unwrap()["score"]
        .as_u64()
        .unwrap()
}

#[test]
fn the_latest_audit_says_which_domains_link_to_the_target() {
    let s = Server::start();
    serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    // An audit of the target that finds the zine's link (the zine links to it now).
    s.route(
        "zine.trailzine.test",
        "/review",
        Reply::html(
            "<html><body><article><p>We liked <a href=\"https://trailpeak.test/\">Trail \
             Peak</a> for long runs on rocky trails, and the grip was good.</p></article>\
             </body></html>",
        ),
    );
    let list = write(
        dir.path(),
        "links.txt",
        &url(&s, "zine.trailzine.test", "/review"),
    );
    let a = run(backlinks()
        .args([
            "audit",
            TARGET,
            "--allow-private",
            "--delay",
            "0",
            "--target-pages",
            "0",
        ])
        .arg("--from")
        .arg(&list)
        .arg("--db")
        .arg(&db)
        .args(s.pins(&HOSTS)));
    assert_eq!(a.code, 0, "{}", a.stderr);
    // The zine no longer links to the target, but the stored audit knows it did.
    serve(&s);
    let report = gap_json(&s, dir.path(), &db);
    let shared = report["already_linking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == "trailzine.test")
        .unwrap_or_else(|| panic!("{:#}", report["already_linking"]));
    assert_eq!(
        shared["known_from"],
        serde_json::json!(["store:snapshot 1"])
    );
    assert!(!domains(&report["opportunities"]).contains(&"trailzine.test".to_string()));
}

#[test]
fn bad_gap_arguments_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(dir.path(), "links.txt", "https://blog.test/a\n");
    let r = run(backlinks().args(["gap", TARGET, "--from"]).arg(&list));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no competitors to compare with"),
        "{}",
        r.stderr
    );
    let r = run(backlinks()
        .args([
            "gap",
            TARGET,
            "--competitor",
            "www.trailpeak.test",
            "--from",
        ])
        .arg(&list));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is the target trailpeak.test itself"),
        "{}",
        r.stderr
    );
    // An export of other sites only: nothing to check.
    let other = write(
        dir.path(),
        "semrush.csv",
        "Page ascore,Source title,Source url,Target url,Anchor,External links,Internal links,\
         Nofollow,Sponsored,Ugc,Text,Frame,Form,Image,Sitewide,First seen,Last seen,New link,\
         Lost link\n10,T,https://a.test/x,https://elsewhere.test/,x,1,1,false,false,false,\
         true,false,false,false,false,3/2/26,9/20/26,false,false\n",
    );
    let r = run(backlinks()
        .args(["gap", TARGET, "--competitor", RIVAL, "--no-store", "--from"])
        .arg(&other));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nothing to check"), "{}", r.stderr);
    assert!(
        r.stderr.contains("1 rows point at other sites"),
        "{}",
        r.stderr
    );
    // A diff needs two stored runs.
    let db = dir.path().join("none.sqlite3");
    let r = run(backlinks().args(["diff", TARGET, "--gap", "--db"]).arg(&db));
    assert_eq!(r.code, 2);
}

#[test]
fn pages_can_come_from_an_archive() {
    // The bundled sample: its referring pages link to example.com, here the competitor.
    let r = run(backlinks()
        .args(["gap", TARGET, "--competitor", "example.com", "--no-store"])
        .args(["--target-pages", "0", "--format", "json", "--from"])
        .arg(crate::support::fixture("sample/links.txt"))
        .arg("--archive")
        .arg(crate::support::fixture("sample/sample.warc.gz")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    assert_eq!(
        domains(&report["opportunities"]),
        ["trailnotes.test", "outdoor-directory.test", "hikers.test"]
    );
    assert_eq!(domains(&report["excluded"]), ["cheap-seo-links.xyz"]);
    let gone: Vec<&str> = report["gone"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["error"].as_str().unwrap_or("no-link"))
        .collect();
    assert_eq!(gone, ["not-in-archive", "no-link"]);
    assert_eq!(report["inputs"][0]["any_competitor"], 7);
}

//! The history store end to end: three audits of one target against a local server whose
//! pages change between runs (a link removed, a rel changed to nofollow, a page turning 404,
//! spammy pages appearing), then `history` and `diff` in every format. Every run uses its own
//! temporary `--db`.

use crate::support::{Reply, Run, Server, audit_cmd, backlinks, run, write};
use std::path::Path;

pub const HOSTS: [&str; 7] = [
    "blog.alpha.test",
    "news.beta.test",
    "forum.gamma.test",
    "shop.delta.test",
    "links.cheap-one.click",
    "links.cheap-two.click",
    "links.cheap-three.click",
];

/// `backlinks audit example.com` against the server, saving to `db`, JSON on stdout.
pub fn audit(server: &Server, db: &Path, from: Option<&Path>, extra: &[&str]) -> Run {
    let mut cmd = audit_cmd();
    cmd.args(["--allow-private", "--delay", "0"])
        // The target's own pages are not served here: never look for them on the internet.
        .args(["--target-pages", "0"])
        .args(["--retries", "0"]);
    if !extra.contains(&"--no-store") {
        cmd.arg("--db").arg(db);
    }
    if let Some(list) = from {
        cmd.arg("--from").arg(list);
    }
    cmd.args(server.pins(&HOSTS)).args(extra);
    run(&mut cmd)
}

pub fn article(links: &str) -> Reply {
    Reply::html(&format!(
        "<html><head><title>Story</title></head><body><article><p>We compared a dozen services \
         for this long review and wrote down everything we found along the way. {links} It was \
         the fastest of them all by a long way.</p></article>\
         <footer><a href=\"https://example.com/pricing\">pricing</a></footer></body></html>"
    ))
}

/// A hidden link on a page of an abused TLD: toxicity above the toxic threshold.
pub fn spammy() -> Reply {
    Reply::html(
        "<html><body><p>best links cheap links <a href=\"https://example.com/\" \
         style=\"display:none\">example</a></p></body></html>",
    )
}

fn urls(server: &Server, hosts: &[&str]) -> String {
    hosts
        .iter()
        .map(|h| server.url(h, "/page"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The pages of the first run.
pub fn first_run(server: &Server) {
    for host in &HOSTS[..4] {
        server.route(
            host,
            "/page",
            article(r#"<a href="https://example.com/">Example</a>"#),
        );
    }
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn three_runs_give_history_diff_velocity_and_spike() {
    let s = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    first_run(&s);
    let list = write(dir.path(), "links.txt", &urls(&s, &HOSTS[..4]));

    // Run 1: the first audit has nothing to compare with.
    let r1 = audit(&s, &db, Some(&list), &[]);
    assert_eq!(r1.code, 0, "{}", r1.stderr);
    let j1 = r1.json();
    crate::support::assert_null(&j1, "comparison");
    crate::support::assert_null(&j1, "gate");
    assert_eq!(j1["summary"]["backlinks"], 8);

    // Run 2, without --from: every known page is re-verified. Alpha lost its footer link,
    // beta's link became nofollow, gamma answers 404.
    s.route(
        "blog.alpha.test",
        "/page",
        Reply::html(
            "<html><body><article><p>We compared a dozen services for this long review and \
             wrote down everything. <a href=\"https://example.com/\">Example</a> was the \
             fastest of them all by a long way.</p></article></body></html>",
        ),
    );
    s.route(
        "news.beta.test",
        "/page",
        article(r#"<a href="https://example.com/" rel="nofollow">Example</a>"#),
    );
    s.route("forum.gamma.test", "/page", Reply::new(404));
    crate::support::age_store(&db, 7);
    let r2 = audit(&s, &db, None, &[]);
    assert_eq!(r2.code, 0, "{}", r2.stderr);
    let j2 = r2.json();
    assert_eq!(j2["summary"]["referring_pages"], 4);
    assert_eq!(j2["pages"][0]["provenance"][0]["format"], "history");
    let c2 = &j2["comparison"];
    assert_eq!(c2["previous"]["source"], "store");
    assert_eq!(c2["previous"]["snapshot_id"], 1);
    let lost: Vec<(&str, &str)> = c2["lost_links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["source_url"].as_str().unwrap(),
                l["target_url"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lost,
        [(
            s.url("blog.alpha.test", "/page").as_str(),
            "https://example.com/pricing"
        )]
    );
    let changes: Vec<(String, String, String, String)> = c2["changed_links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let f = |k: &str| c[k].as_str().unwrap().to_string();
            (f("source_domain"), f("kind"), f("before"), f("after"))
        })
        .collect();
    let expect = |d: &str, k: &str, b: &str, a: &str| (d.into(), k.into(), b.into(), a.into());
    assert_eq!(
        changes,
        [
            expect(
                "gamma.test",
                "unreachable",
                "live",
                "unreachable (HTTP 404)"
            ),
            expect(
                "gamma.test",
                "unreachable",
                "live",
                "unreachable (HTTP 404)"
            ),
            expect("beta.test", "rel", "", "nofollow"),
        ]
    );
    assert_eq!(c2["counts"]["lost_dofollow"], 1);
    assert_eq!(c2["counts"]["unreachable_pages"], 1);
    assert_eq!(c2["counts"]["new_links"], 0);
    assert!(
        strings(&c2["lost_domains"]).is_empty(),
        "gamma is unreachable, not lost"
    );
    assert_eq!(c2["spike"]["detected"], false);

    // Run 3, with --from: the union of the new list (three spammy pages) and every known page.
    for host in &HOSTS[4..] {
        s.route(host, "/page", spammy());
    }
    let spam = write(dir.path(), "spam.txt", &urls(&s, &HOSTS[4..]));
    crate::support::age_store(&db, 7);
    let r3 = audit(&s, &db, Some(&spam), &[]);
    assert_eq!(r3.code, 0, "{}", r3.stderr);
    let j3 = r3.json();
    assert_eq!(j3["summary"]["referring_pages"], 7);
    let c3 = &j3["comparison"];
    assert_eq!(c3["previous"]["snapshot_id"], 2);
    let spam_domains = ["cheap-one.click", "cheap-three.click", "cheap-two.click"];
    assert_eq!(strings(&c3["new_domains"]), spam_domains);
    assert_eq!(strings(&c3["new_toxic_domains"]), spam_domains);
    assert_eq!(c3["counts"]["new_links"], 3);
    assert_eq!(c3["counts"]["new_toxic_links"], 3);
    // Two intervals of history: too few to judge new domains, but three new toxic domains are
    // a spike from the first run on.
    assert_eq!(c3["velocity"]["intervals"].as_array().unwrap().len(), 2);
    assert_eq!(c3["velocity"]["intervals"][1]["new_domains"], 3);
    assert_eq!(c3["velocity"]["intervals"][1]["lost_domains"], 0);
    // Three new domains over two weekly intervals.
    assert_eq!(c3["velocity"]["new_domains_per_day"], 0.21);
    assert_eq!(c3["velocity"]["new_domains_per_week"], 1.5);
    assert_eq!(c3["spike"]["detected"], true);
    assert_eq!(c3["spike"]["new_toxic_domains"]["detected"], true);
    assert_eq!(c3["spike"]["new_toxic_domains"]["count"], 3);
    assert_eq!(c3["spike"]["new_domains"]["detected"], false);

    // history: three snapshots with their headline numbers.
    let h = run(backlinks()
        .args(["history", "example.com", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(h.code, 0, "{}", h.stderr);
    let h = h.json();
    let snaps = h["snapshots"].as_array().unwrap();
    let col = |k: &str| -> Vec<serde_json::Value> { snaps.iter().map(|s| s[k].clone()).collect() };
    assert_eq!(col("id"), [1, 2, 3]);
    assert_eq!(col("backlinks"), [8, 5, 8]);
    assert_eq!(
        col("new_domains"),
        [serde_json::Value::Null, 0.into(), 3.into()]
    );
    assert_eq!(
        col("lost_links"),
        [serde_json::Value::Null, 1.into(), 0.into()]
    );
    let table = run(backlinks()
        .args(["history", "https://www.example.com/", "--db"])
        .arg(&db));
    assert_eq!(table.code, 0);
    assert!(
        table.stdout.starts_with("3 stored audits of example.com"),
        "{}",
        table.stdout
    );

    // diff: default is the latest against the one before it.
    let d = run(backlinks()
        .args(["diff", "example.com", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(d.code, 0, "{}", d.stderr);
    let d = d.json();
    assert_eq!(
        (d["from"]["id"].clone(), d["to"]["id"].clone()),
        (2.into(), 3.into())
    );
    assert_eq!(d["comparison"], *c3);

    // diff --from 1 --to 3: everything that happened over both intervals.
    let d13 = run(backlinks()
        .args([
            "diff",
            "example.com",
            "--from",
            "1",
            "--to",
            "3",
            "--format",
            "json",
        ])
        .arg("--db")
        .arg(&db));
    assert_eq!(d13.code, 0, "{}", d13.stderr);
    let c13 = &d13.json()["comparison"];
    assert_eq!(c13["counts"]["new_links"], 3);
    assert_eq!(c13["counts"]["lost_links"], 1);
    assert_eq!(c13["counts"]["changed_links"], 3);

    // ...in the other formats.
    let fmt = |f: &str| {
        let r = run(backlinks()
            .args(["diff", "example.com", "--from", "1", "--format", f, "--db"])
            .arg(&db));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let csv = fmt("csv");
    assert!(
        csv.starts_with("change,source_url,source_domain,target_url,"),
        "{csv}"
    );
    assert!(csv.contains("\nlost,http://blog.alpha.test:"), "{csv}");
    assert!(csv.contains(",true,,,nofollow\n"), "{csv}");
    assert!(
        csv.contains("\nnew-toxic-domain,,cheap-one.click,"),
        "{csv}"
    );
    let md = fmt("markdown");
    assert!(
        md.starts_with("## backlinks diff of example.com: snapshot 1 → 3"),
        "{md}"
    );
    assert!(md.contains("**Lost links** (1)"), "{md}");
    assert!(md.contains("- **spike:** DETECTED"), "{md}");
    let table = fmt("table");
    assert!(
        table.contains("+3 new (3 dofollow, 3 toxic), -1 lost (1 dofollow), 3 changed; 1 page(s) now unreachable"),
        "{table}"
    );
    assert!(table.contains("unreachable (HTTP 404)"), "{table}");
}

#[test]
fn history_and_diff_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.sqlite3");
    let r = run(backlinks()
        .args(["history", "example.com", "--db"])
        .arg(&db));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("none.sqlite3` does not exist"),
        "{}",
        r.stderr
    );
    assert!(!db.exists(), "reading commands never create a store");

    let s = Server::start();
    first_run(&s);
    let list = write(dir.path(), "links.txt", &s.url("blog.alpha.test", "/page"));
    let db = dir.path().join("h.sqlite3");
    assert_eq!(audit(&s, &db, Some(&list), &[]).code, 0);
    let r = run(backlinks().args(["diff", "example.com", "--db"]).arg(&db));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is the first stored audit"),
        "{}",
        r.stderr
    );
    let r = run(backlinks()
        .args(["diff", "example.com", "--to", "7", "--db"])
        .arg(&db));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no snapshot 7 of example.com"),
        "{}",
        r.stderr
    );
    let r = run(backlinks().args(["diff", "other.test", "--db"]).arg(&db));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no stored audits of other.test"),
        "{}",
        r.stderr
    );
    // A target without stored audits is an error for `history` too (a typo must not look
    // like an empty history), naming what the store holds.
    let r = run(backlinks()
        .args(["history", "other.test", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("no stored audits of other.test") && r.stderr.contains("example.com"),
        "{}",
        r.stderr
    );
}

#[test]
fn no_store_writes_nothing_and_the_default_store_is_in_the_data_dir() {
    let s = Server::start();
    first_run(&s);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let list = write(dir.path(), "links.txt", &s.url("blog.alpha.test", "/page"));
    let mut cmd = backlinks();
    cmd.env("BACKLINKS_DATA_DIR", &data)
        .args([
            "audit",
            "example.com",
            "--allow-private",
            "--delay",
            "0",
            "--target-pages",
            "0",
            "--no-store",
        ])
        .arg("--from")
        .arg(&list)
        .args(s.pins(&["blog.alpha.test"]));
    assert_eq!(run(&mut cmd).code, 0);
    assert!(!data.exists());
    let mut cmd = backlinks();
    cmd.env("BACKLINKS_DATA_DIR", &data)
        .args(["audit", "example.com", "--allow-private", "--delay", "0"])
        // The target's own pages are not served here: never look for them on the internet.
        .args(["--target-pages", "0"])
        .arg("--from")
        .arg(&list)
        .args(s.pins(&["blog.alpha.test"]));
    assert_eq!(run(&mut cmd).code, 0);
    assert!(data.join("history.sqlite3").is_file());
    let r = run(backlinks()
        .env("BACKLINKS_DATA_DIR", &data)
        .args(["history", "example.com"]));
    assert!(
        r.stdout.starts_with("1 stored audit of example.com"),
        "{}",
        r.stdout
    );
    // `--data-dir` finds the same store as the variable does, for the reading commands too.
    let r = run(backlinks()
        .arg("history")
        .arg("example.com")
        .arg("--data-dir")
        .arg(&data));
    assert!(
        r.stdout.starts_with("1 stored audit of example.com"),
        "{}",
        r.stdout
    );
}

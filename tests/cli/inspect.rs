//! `inspect`: JSON Lines per input, links in document order with placement and evidence.

use crate::support::{Reply, Server, backlinks, run, write};

#[test]
fn inspect_prints_one_json_object_per_input() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.html",
        "<nav><a href='/home'>Home</a></nav><article><p>Running text that is long enough to count \
         as a paragraph of the body, with <a href='https://example.com/x' rel='nofollow'>a link</a> \
         inside it and more words after.</p></article><footer><a href='https://example.com/'>Ex</a></footer>",
    );
    let b = write(dir.path(), "b.html", "<p>no links</p>");
    let r = run(backlinks()
        .arg("inspect")
        .arg(&a)
        .arg(&b)
        .args(["--base-url", "https://news.test/a"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["input"], a.to_str().unwrap());
    assert_eq!(lines[0]["url"], "https://news.test/a");
    let links = lines[0]["links"].as_array().unwrap();
    assert_eq!(links.len(), 3);
    assert_eq!(links[0]["href"], "https://news.test/home");
    assert_eq!(links[0]["placement"], "navigation");
    assert_eq!(links[0]["evidence"][0], "ancestor <nav>");
    assert_eq!(links[1]["placement"], "content");
    assert_eq!(links[1]["rel"], serde_json::json!(["nofollow"]));
    assert_eq!(links[2]["placement"], "footer");
    assert_eq!(lines[1]["links"], serde_json::json!([]));

    // --target keeps only links to the target; without --base-url relative links stay as written.
    let r = run(backlinks()
        .arg("inspect")
        .arg(&a)
        .args(["--target", "example.com"]));
    let line: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(line["links"].as_array().unwrap().len(), 2);
    let r = run(backlinks().arg("inspect").arg(&a));
    let line: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(line["links"][0]["href"], "/home");

    let t = run(backlinks()
        .arg("inspect")
        .arg(&a)
        .args(["--format", "table"]));
    assert!(t.stdout.contains("ancestor <nav>"), "{}", t.stdout);
}

#[test]
fn inspect_fetches_urls_and_reports_failures_as_data() {
    let s = Server::start();
    s.route(
        "blog.referrer.test",
        "/p",
        Reply::html("<a href='https://example.com/'>Example</a>"),
    );
    let r = run(backlinks()
        .args(["inspect", "--allow-private"])
        .args(s.pins(&["blog.referrer.test"]))
        .arg(s.url("blog.referrer.test", "/p"))
        .arg(s.url("blog.referrer.test", "/missing")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["links"][0]["anchor_text"], "Example");
    assert_eq!(lines[1]["error"], "http-error");
    assert_eq!(lines[1]["http_status"], 404);
}

#[test]
fn inspect_missing_file_is_an_error() {
    let r = run(backlinks().args(["inspect", "does-not-exist.html"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does-not-exist.html"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

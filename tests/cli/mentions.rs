//! Unlinked mentions in the audit: candidate pages that name the target without linking to
//! it, with the sentence, placement, authority and contact route, in every report; a
//! competitor linked next to the mention (`[gap] competitors`) makes the best prospect.

use crate::gap::{HOSTS, TARGET, serve};
use crate::support::{Reply, Server, backlinks, run, write};
use std::path::Path;

fn audit(s: &Server, dir: &Path, extra: &[&str]) -> crate::support::Run {
    let pages = [
        s.url("zine.trailzine.test", "/review"),
        s.url("notes.walkers.test", "/coast-path"),
        s.url("news.runmag.test", "/roundup"),
    ];
    let list = write(dir, "links.txt", &pages.join("\n"));
    let mut cmd = backlinks();
    cmd.args(["audit", TARGET, "--brand", "Trail Peak", "--no-store"])
        .args(["--allow-private", "--delay", "0", "--target-pages", "0"])
        .arg("--from")
        .arg(list)
        .args(extra)
        .args(s.pins(&HOSTS));
    run(&mut cmd)
}

#[test]
fn the_audit_lists_unlinked_mentions_with_their_sentence() {
    let s = Server::start();
    serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "backlinks.toml",
        "[gap]\ncompetitors = [\"rivalgear.test\", \"summitshoes.test\"]\n",
    );
    let r = audit(
        &s,
        dir.path(),
        &["--format", "json", "--config", config.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let mentions = report["mentions"].as_array().unwrap();
    let found: Vec<(&str, bool)> = mentions
        .iter()
        .map(|m| {
            (
                m["source_domain"].as_str().unwrap(),
                m["best_prospect"].as_bool().unwrap(),
            )
        })
        .collect();
    // Best prospects first; the page that links to the target has no unlinked mention.
    assert_eq!(found, [("trailzine.test", true), ("walkers.test", false)]);
    let walkers = &mentions[1];
    assert_eq!(
        walkers["sentence"],
        "My old Trail Peak boots kept my feet dry through the worst of it."
    );
    assert_eq!(walkers["term"], "trail peak");
    assert_eq!(walkers["placement"], "content");
    assert!(walkers["authority"].is_u64());
    assert_eq!(walkers["competitor_links"], serde_json::json!([]));
    let zine = &mentions[0];
    assert_eq!(
        zine["competitor_links"][0]["href"],
        "https://rivalgear.test/shoes/grip"
    );
    assert_eq!(
        zine["contacts"],
        serde_json::json!([{"kind": "email", "value": "editor@trailzine.test"}])
    );

    // Without competitors, no mention is a best prospect.
    let plain = audit(&s, dir.path(), &["--format", "json"]).json();
    assert!(
        plain["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["best_prospect"] == false)
    );
}

#[test]
fn every_audit_report_has_the_mentions_section_escaped() {
    let s = Server::start();
    serve(&s);
    s.route(
        "notes.walkers.test",
        "/coast-path",
        Reply::html(
            "<html><body><article><p>We took Trail Peak boots &lt;script&gt;alert(1)&lt;/script&gt; \
             on the coast path | and *loved* them.</p></article></body></html>",
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let table = audit(&s, dir.path(), &[]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(
        table.stdout.contains("unlinked mentions (2"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("\"The RivalGear Grip impressed us"),
        "{}",
        table.stdout
    );

    let md = audit(&s, dir.path(), &["--format", "markdown"]);
    assert!(md.stdout.contains("### Unlinked mentions"), "{}", md.stdout);
    assert!(!md.stdout.contains("<script>"), "{}", md.stdout);
    assert!(md.stdout.contains("&lt;script&gt;"), "{}", md.stdout);
    assert!(
        md.stdout.contains("path \\| and \\*loved\\*"),
        "{}",
        md.stdout
    );

    let html = audit(&s, dir.path(), &["--format", "html"]);
    assert!(html.stdout.contains("<h2>Unlinked mentions</h2>"));
    assert!(
        !html.stdout.contains("<script>alert(1)"),
        "the sentence is escaped"
    );
    assert!(
        html.stdout
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
}

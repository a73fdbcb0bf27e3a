//! Resolved settings end to end: each value's layer saved with the snapshot, and the stored
//! layer — terms no other layer sets come from the target's latest snapshot.

use crate::history::{HOSTS, article, audit};
use crate::support::{Server, write};
use std::path::PathBuf;

/// A server with one referring page holding `link`, a temporary directory, its database path
/// and a URL list of the page.
fn one_page(link: &str) -> (Server, tempfile::TempDir, PathBuf, PathBuf) {
    let server = Server::start();
    server.route(HOSTS[0], "/page", article(link));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let list = write(dir.path(), "links.txt", &server.url(HOSTS[0], "/page"));
    (server, dir, db, list)
}

fn stored(db: &std::path::Path, id: i64) -> serde_json::Value {
    let store = backlinks::store::Store::open_existing(db).unwrap();
    let text = store
        .settings_of(id)
        .unwrap()
        .expect("the snapshot has settings");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_later_audit_reuses_the_stored_keywords() {
    let (server, _dir, db, list) =
        one_page(r#"<a href="https://example.com/">trail running shoes</a>"#);
    let anchor = |r: &serde_json::Value| r["pages"][0]["links"][0]["anchor_type"].clone();

    let first = audit(
        &server,
        &db,
        Some(&list),
        &["--keyword", "Trail Running Shoes"],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(anchor(&first.json()), "exact_match");
    let s = stored(&db, 1);
    assert_eq!(s["format"], backlinks::settings::STORED_FORMAT);
    assert_eq!(s["keywords"]["value"][0], "Trail Running Shoes");
    assert_eq!(s["keywords"]["from"], "cli");
    assert_eq!(s["brand"]["from"], "default");
    assert_eq!(s["fetch"]["delay_ms"]["value"], 0);
    assert_eq!(s["fetch"]["delay_ms"]["from"], "cli");
    assert_eq!(s["fetch"]["per_host"]["from"], "default");
    assert_eq!(s["target_pages"]["value"], 0);
    crate::support::assert_null(&s, "config");

    // No --keyword: the stored ones classify the anchor, and say where they came from.
    let second = audit(&server, &db, Some(&list), &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(anchor(&second.json()), "exact_match");
    let s = stored(&db, 2);
    assert_eq!(s["keywords"]["value"][0], "Trail Running Shoes");
    assert_eq!(s["keywords"]["from"], "stored:snapshot 1");

    // The command line wins over the stored layer.
    let third = audit(&server, &db, Some(&list), &["--keyword", "hiking boots"]);
    assert_eq!(anchor(&third.json()), "other");
    assert_eq!(stored(&db, 3)["keywords"]["from"], "cli");
}

#[test]
fn the_config_file_is_saved_with_its_hash() {
    let (server, dir, db, list) = one_page(r#"<a href="https://example.com/">Example</a>"#);
    let text = "[rules.link-farm]\npoints = 40\n";
    let config = write(dir.path(), "backlinks.toml", text);
    let r = audit(
        &server,
        &db,
        Some(&list),
        &["--config", config.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = stored(&db, 1);
    assert_eq!(s["config"]["contents"], text);
    assert_eq!(s["config"]["found"], "cli");
    assert_eq!(
        s["config"]["sha256"],
        backlinks::settings::sha256_hex(text.as_bytes())
    );
    let layer = format!("config:{}", config.display());
    assert_eq!(s["scoring"]["rules.link-farm.points"]["value"], 40);
    assert_eq!(s["scoring"]["rules.link-farm.points"]["from"], layer);
    assert_eq!(s["scoring"]["rules.link-farm.level"]["from"], "default");
    assert_eq!(s["rules_version"], backlinks::score::SCORING_VERSION);
}

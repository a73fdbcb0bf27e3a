//! Placement on hand-made pages of each CMS convention (`fixtures/placement/`): every link of
//! every page must get the placement its `.expected` file gives.

use crate::support::{backlinks, run};
use std::collections::BTreeMap;
use std::path::Path;

#[test]
fn every_fixture_link_gets_its_expected_placement() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/placement");
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    pages.sort();
    assert!(pages.len() >= 12, "fixtures missing: {pages:?}");
    let mut wrong = Vec::new();
    for page in &pages {
        let name = page.file_stem().unwrap().to_str().unwrap();
        let expected = std::fs::read_to_string(page.with_extension("expected")).unwrap();
        let want: BTreeMap<&str, &str> = expected
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| l.split_once('\t').expect("href<TAB>placement"))
            .collect();
        let r = run(backlinks()
            .arg("inspect")
            .arg(page)
            .args(["--base-url", &format!("https://{name}.test/page")]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let out: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
        let mut got = BTreeMap::new();
        for l in out["links"].as_array().unwrap() {
            got.insert(l["href"].as_str().unwrap().to_string(), l.clone());
        }
        for (href, placement) in &want {
            match got.get(*href) {
                Some(l) if l["placement"] == *placement => {}
                Some(l) => wrong.push(format!(
                    "{name}: {href}: want {placement}, got {} ({})",
                    l["placement"], l["evidence"]
                )),
                None => wrong.push(format!("{name}: {href}: not reported")),
            }
        }
        for href in got.keys() {
            if !want.contains_key(href.as_str()) {
                wrong.push(format!("{name}: {href}: reported but not expected"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn table_format_shows_placement_and_evidence() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/placement/wordpress.html");
    let r = run(backlinks().arg("inspect").arg(&page).args([
        "--base-url",
        "https://wordpress.test/page",
        "--target",
        "example.com",
        "--format",
        "table",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("inside the main content block"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("sidebar"), "{}", r.stdout);
    // --target keeps only the three links to example.com.
    assert!(!r.stdout.contains("trailnotes.test"), "{}", r.stdout);
}

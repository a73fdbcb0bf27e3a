//! The embedded placement model: it loads, and on a hand-made page it tells the editorial body
//! from the menu, a grid of related cards and the footer, with a confidence and the features
//! that drove each decision in the evidence.

use backlinks::extract::{FEATURE_NAMES, LinkFilter, analyze, dump_features, model_version};
use backlinks::model::Placement;

fn page() -> String {
    let mut s = String::from(
        "<!DOCTYPE html><html><head><title>Trail shoes</title></head><body>\
         <header class='site-header'><a href='/'>Trail Notes</a>\
         <nav class='main-nav'><ul>",
    );
    for (i, name) in ["Shoes", "Packs", "Poles", "Maps", "About"]
        .iter()
        .enumerate()
    {
        s.push_str(&format!("<li><a href='/c/{i}'>{name}</a></li>"));
    }
    s.push_str("</ul></nav></header><main><article><h1>Choosing trail shoes</h1>");
    let words = "Grip matters more than cushioning on wet rock, and a softer rubber compound \
                 holds better on polished granite than the harder ones that last longer";
    for i in 0..6 {
        s.push_str(&format!(
            "<p>{words}, which is why paragraph {i} points readers to \
             <a href='https://www.example.com/guide/{i}'>the grip guide</a> before they buy, \
             and then goes on about fit, lacing, drop and the weight of the shoe.</p>"
        ));
    }
    s.push_str(
        "</article><section class='related-posts'><h2>You may also like</h2><div class='grid'>",
    );
    for i in 0..8 {
        s.push_str(&format!(
            "<div class='card'><a href='/p/{i}'><img src='/i/{i}.jpg' alt=''></a>\
             <h3><a href='/p/{i}'>Related story {i}</a></h3></div>"
        ));
    }
    s.push_str("</div></section></main><footer class='site-footer'>");
    for i in 0..4 {
        s.push_str(&format!("<a href='/legal/{i}'>Legal {i}</a> "));
    }
    s.push_str("© 2026 Trail Notes</footer></body></html>");
    s
}

#[test]
fn embedded_model_loads_with_its_version() {
    let (version, sha) = model_version();
    assert!(!version.is_empty());
    assert_eq!(sha.len(), 64, "{sha}");
    assert!(!FEATURE_NAMES.is_empty());
}

#[test]
fn model_separates_the_body_from_menus_cards_and_footer() {
    let url = url::Url::parse("https://trail.test/shoes").unwrap();
    let found = analyze(&page(), Some(&url), &[], LinkFilter::All);
    for l in &found.links {
        let body = l.href.starts_with("https://www.example.com/guide/");
        if body {
            assert_eq!(l.placement, Placement::Content, "{l:?}");
        } else {
            assert_ne!(l.placement, Placement::Content, "{l:?}");
        }
        assert!(l.placement_confidence <= 1000);
        assert!(
            l.evidence
                .iter()
                .any(|e| e.starts_with("placement model: ")),
            "{l:?}"
        );
    }
    let nav = found
        .links
        .iter()
        .find(|l| l.href.ends_with("/c/1"))
        .unwrap();
    assert_eq!(nav.placement, Placement::Navigation, "{nav:?}");
    let legal = found
        .links
        .iter()
        .find(|l| l.href.ends_with("/legal/2"))
        .unwrap();
    assert_eq!(legal.placement, Placement::Footer, "{legal:?}");
    let body = &found
        .links
        .iter()
        .find(|l| l.href.ends_with("/guide/3"))
        .unwrap();
    assert!(body.placement_confidence > 500, "{body:?}");
}

#[test]
fn the_dump_has_one_feature_vector_per_reported_link() {
    let url = url::Url::parse("https://trail.test/shoes").unwrap();
    let rows = dump_features(&page(), Some(&url));
    let found = analyze(&page(), Some(&url), &[], LinkFilter::All);
    assert_eq!(rows.len(), found.links.len());
    for (link, x) in &rows {
        assert_eq!(x.len(), FEATURE_NAMES.len());
        assert!(x.iter().all(|v| v.is_finite()), "{link:?}");
    }
}

//! Scoring end to end: every rule fires on a page made to trigger it and stays quiet on a
//! look-alike that must not (a news article with many outbound links is no link farm, a
//! Spanish page linking to a Spanish site is not foreign); authority from an imported rank
//! list; relevance from the target's own pages; backlinks.toml overrides; determinism.

use crate::support::{Reply, Run, Server, backlinks, codes, page, run, write};
use serde_json::Value;
use std::path::Path;

/// A scoring scenario: pages on the local server under `.test` hosts, a temporary directory
/// for the URL list, config and data directory.
struct Scenario {
    server: Server,
    dir: tempfile::TempDir,
    hosts: Vec<String>,
    urls: Vec<String>,
}

impl Scenario {
    fn new() -> Scenario {
        Scenario {
            server: Server::start(),
            dir: tempfile::tempdir().unwrap(),
            hosts: vec!["example.com".into(), "www.example.com".into()],
            urls: Vec::new(),
        }
    }

    /// Serves `html` at `http://host:port/path` and lists it as a candidate; returns its URL.
    fn page(&mut self, host: &str, path: &str, html: &str) -> String {
        self.server.route(host, path, Reply::html(html));
        if !self.hosts.iter().any(|h| h == host) {
            self.hosts.push(host.to_string());
        }
        let url = self.server.url(host, path);
        self.urls.push(url.clone());
        url
    }

    /// A URL of the target on the server (the target's own pages are read from there).
    fn target(&self, path: &str) -> String {
        self.server.url("example.com", path)
    }

    fn config(&self, toml: &str) -> String {
        write(self.dir.path(), "backlinks.toml", toml)
            .display()
            .to_string()
    }

    fn audit(&self, extra: &[&str]) -> Run {
        let list = write(self.dir.path(), "links.txt", &self.urls.join("\n"));
        let mut cmd = backlinks();
        cmd.args([
            "audit",
            "example.com",
            "--format",
            "json",
            "--allow-private",
        ])
        .args([
            "--delay",
            "0",
            "--retries",
            "0",
            "--per-host",
            "8",
            "--from",
        ])
        .arg(&list)
        .arg("--data-dir")
        .arg(self.dir.path().join("data"))
        .args(self.server.pins(&self.hosts))
        .args(extra);
        run(&mut cmd)
    }

    fn audit_json(&self, extra: &[&str]) -> Value {
        let r = self.audit(extra);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.json()
    }
}

/// Codes of the flags of the first link of a page (page, domain and link findings).
fn link_codes(j: &Value, url: &str) -> Vec<String> {
    codes(&page(j, url)["links"][0]["flags"])
}

fn has(j: &Value, url: &str, code: &str) -> bool {
    link_codes(j, url).iter().any(|c| c == code)
}

fn evidence<'a>(j: &'a Value, url: &str, code: &str) -> &'a str {
    page(j, url)["links"][0]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .and_then(|f| f["evidence"].as_str())
        .unwrap_or_else(|| panic!("no {code} on {url}"))
}

/// An article of `words` words of ordinary prose around `link`.
fn article(title: &str, body: &str, link: &str) -> String {
    format!(
        "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>\
         <p>{body}</p><p>More on this: {link} and that is all for today.</p></article></body></html>"
    )
}

const PROSE: &str = "We spent the spring walking the coastal path from village to village, \
    stopping at small cafes, talking to fishermen about the weather and the season, and \
    writing down the names of birds we saw along the cliffs. The path is well marked and \
    easy to follow, although a few stretches after the lighthouse are steep and muddy after \
    rain. Most evenings we stayed in guest houses run by families who have lived on the coast \
    for generations and who were happy to tell stories about storms, shipwrecks and festivals.";

/// Content rules: vocabularies, link farm, hidden, comment spam, paid links, redirects,
/// noindex, each with a look-alike that must stay clean.
#[test]
fn page_and_link_rules_fire_with_evidence_and_spare_look_alikes() {
    let mut s = Scenario::new();
    let home = s.target("/");
    let link = format!("<a href='{home}'>Example</a>");
    let kw = format!("<a href='{home}'>trail running shoes</a>");

    let adult = s.page(
        "adult.test",
        "/",
        &article(
            "Hot",
            "Free porn and xxx sex videos with nude cam girls all night.",
            &link,
        ),
    );
    let health = s.page(
        "health.test",
        "/",
        &article(
            "Sex education",
            "Sex education for teenagers: a guide for parents and schools.",
            &link,
        ),
    );
    let casino = s.page(
        "casino.test",
        "/",
        &article(
            "Win",
            "Online casino with free spins, a no deposit bonus and live roulette.",
            &link,
        ),
    );
    let pharma = s.page(
        "pills.test",
        "/",
        &article(
            "Pills",
            "Buy viagra and cialis online without prescription, cheap pills.",
            &link,
        ),
    );
    let many: String = (0..130)
        .map(|i| format!("<li><a href='https://site{i}.other/'>site {i}</a></li>"))
        .collect();
    let farm = s.page(
        "farm.test",
        "/",
        &format!("<html><body><h1>Links</h1><ul>{many}</ul><p>{link}</p></body></html>"),
    );
    let citations: String = (0..130)
        .map(|i| {
            format!(
                "<p>{PROSE} As reported by <a href='https://source{}.other/story'>source {i}</a>.</p>",
                i % 70
            )
        })
        .collect();
    let news = s.page(
        "news.test",
        "/roundup",
        &format!(
            "<html><body><article>{citations}<p>{link} sells shoes.</p></article></body></html>"
        ),
    );
    let hidden = s.page(
        "hidden.test",
        "/",
        &format!("<html><body><article><p>{PROSE}</p><div style='display: none'>{link}</div></article></body></html>"),
    );
    let visible = s.page("visible.test", "/", &article("Walk", PROSE, &link));
    let comment_spam = s.page(
        "forum.test",
        "/t/1",
        &format!("<html><body><article><p>{PROSE}</p></article><div class='comments'><div class='comment'>Great post {kw}</div></div></body></html>"),
    );
    let comment_ok = s.page(
        "forum2.test",
        "/t/1",
        &format!("<html><body><article><p>{PROSE}</p></article><div class='comments'><div class='comment'>I buy from {link}</div></div></body></html>"),
    );
    let paid = s.page(
        "paid.test",
        "/",
        &article("Shoes", &format!("Sponsored post. {PROSE}"), &link),
    );
    let paid_ok = s.page(
        "paid2.test",
        "/",
        &article(
            "Shoes",
            &format!("Sponsored post. {PROSE}"),
            &format!("<a rel='sponsored' href='{home}'>Example</a>"),
        ),
    );
    let affiliate = s.page(
        "aff.test",
        "/",
        &article(
            "Deals",
            PROSE,
            &format!("<a href='{home}?aff_id=77'>Example</a>"),
        ),
    );
    let redirected = s.page(
        "redir.test",
        "/",
        &article(
            "Out",
            PROSE,
            &format!("<a href='https://out.tracker.test/r?u={home}'>Example</a>"),
        ),
    );
    let direct_too = s.page(
        "redir2.test",
        "/",
        &article(
            "Out",
            PROSE,
            &format!("{link} <a href='https://out.tracker.test/r?u={home}'>again</a>"),
        ),
    );
    let noindex = s.page(
        "noindex.test",
        "/",
        &format!("<html><head><meta name='robots' content='noindex'></head><body><p>{PROSE} {link}</p></body></html>"),
    );
    // Titles and text are all different, and IPs are all 127.0.0.1: turn the network rule off
    // here (it has its own test).
    let config = s.config("[rules.link-network-ip]\nlevel = \"allow\"\n");
    let j = s.audit_json(&["--config", &config, "--keyword", "trail running shoes"]);

    assert!(has(&j, &adult, "adult-content"));
    assert!(evidence(&j, &adult, "adult-content").contains("\"porn\""));
    assert!(
        link_codes(&j, &health).is_empty(),
        "{:?}",
        link_codes(&j, &health)
    );
    assert!(has(&j, &casino, "gambling-content"));
    assert!(has(&j, &pharma, "pharma-content"));
    assert!(evidence(&j, &pharma, "pharma-content").contains("\"viagra\""));

    assert!(has(&j, &farm, "link-farm"), "{:?}", link_codes(&j, &farm));
    assert!(
        !has(&j, &news, "link-farm"),
        "a news article citing many sources is no link farm"
    );
    let words = page(&j, &news)["links"][0]["components"][0]["reason"].clone();
    assert!(words.as_str().unwrap().starts_with("estimated"), "{words}");

    assert!(has(&j, &hidden, "hidden-link"));
    assert!(evidence(&j, &hidden, "hidden-link").contains("display:none"));
    assert!(!has(&j, &visible, "hidden-link"));

    assert!(
        has(&j, &comment_spam, "comment-spam"),
        "{:?}",
        link_codes(&j, &comment_spam)
    );
    assert!(!has(&j, &comment_ok, "comment-spam"));

    assert!(has(&j, &paid, "paid-link-without-sponsored"));
    assert!(evidence(&j, &paid, "paid-link-without-sponsored").contains("sponsored post"));
    assert!(!has(&j, &paid_ok, "paid-link-without-sponsored"));
    assert!(evidence(&j, &affiliate, "paid-link-without-sponsored").contains("aff_id=77"));

    let r = page(&j, &redirected);
    assert_eq!(r["status"], "lost");
    assert!(codes(&r["flags"]).contains(&"redirected-through".to_string()));
    let d = page(&j, &direct_too);
    assert_eq!(d["status"], "live");
    assert!(!codes(&d["flags"]).contains(&"redirected-through".to_string()));

    assert!(has(&j, &noindex, "noindex-page"));
    assert!(!has(&j, &visible, "noindex-page"));

    // Toxicity is the sum of the points of the distinct rules, as the components say.
    let l = &page(&j, &hidden)["links"][0];
    let sum: f64 = l["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["score"] == "toxicity")
        .map(|c| c["weight"].as_f64().unwrap())
        .sum();
    assert_eq!(l["toxicity"].as_f64().unwrap(), sum.min(100.0));
    assert!(j["profile"]["not_evaluated"].as_array().unwrap().is_empty());
}

/// Network rules: shared IP block, shared analytics ID, mirrored text, shared title.
#[test]
fn network_rules_need_several_domains() {
    let mut s = Scenario::new();
    let home = s.target("/");
    let link = format!("<a href='{home}'>Example</a>");
    let ga = "<script>ga('create', 'UA-5550001-1', 'auto');</script>";
    let a = s.page(
        "pbn-a.test",
        "/",
        &format!("<html><head><title>Ten best gadgets you can buy this year</title>{ga}</head><body><article><p>{PROSE}</p><p>{PROSE}</p><p>{link}</p></article></body></html>"),
    );
    let b = s.page(
        "pbn-b.test",
        "/",
        &format!("<html><head><title>Ten best gadgets you can buy this year</title>{ga}</head><body><article><p>{PROSE}</p><p>{PROSE}</p><p>{link}</p></article></body></html>"),
    );
    let c = s.page(
        "pbn-c.test",
        "/",
        &format!("<html><head><title>Ten best gadgets you can buy this year</title></head><body><article><p>A different story entirely: the council met on Tuesday to discuss the budget for roads, schools and the new library, and after three hours of debate it approved a plan that raises spending on repairs while cutting the cost of street lighting by switching to LED lamps across the town centre and the harbour.</p><p>The mayor said the savings would pay for two new buses, a cycle lane along the river and longer opening hours at the swimming pool, while the opposition asked for a public consultation before any contract is signed, and residents of the old quarter complained that their streets had been forgotten again this year despite many promises.</p><p>{link}</p></article></body></html>"),
    );
    let j = s.audit_json(&[]);
    // IP block: three domains on 127.0.0.0/24 (all pinned there).
    assert!(has(&j, &a, "link-network-ip"));
    assert!(evidence(&j, &a, "link-network-ip").contains("127.0.0.0/24"));
    assert_eq!(j["summary"]["diversity"]["ip_blocks"], 1);
    // Analytics: a and b share an account, c does not.
    assert!(
        evidence(&j, &a, "link-network-analytics").contains("UA-5550001 is also on pbn-b.test")
    );
    assert!(has(&j, &b, "link-network-analytics"));
    assert!(!has(&j, &c, "link-network-analytics"));
    // Mirrors: a and b carry the same text, c another.
    assert!(evidence(&j, &a, "mirror-pages").contains(&b));
    assert!(!has(&j, &c, "mirror-pages"));
    // Same title on three domains.
    assert!(has(&j, &c, "same-title-network"));

    // Raised thresholds: nothing fires.
    let config = s.config(
        "[rules.link-network-ip]\nmin-domains = 4\n\
         [rules.same-title-network]\nmin-domains = 4\n\
         [rules.link-network-analytics]\nmin-domains = 3\n\
         [rules.mirror-pages]\nlevel = \"allow\"\n",
    );
    let j = s.audit_json(&["--config", &config]);
    for u in [&a, &b, &c] {
        assert!(link_codes(&j, u).is_empty(), "{u}: {:?}", link_codes(&j, u));
    }
}

/// Relevance and language from the target's own pages.
#[test]
fn relevance_and_language_come_from_the_target_pages() {
    let mut s = Scenario::new();
    let shop = s.target("/zapatillas");
    s.server.route(
        "example.com",
        "/zapatillas",
        Reply::html(
            "<html lang='es'><head><title>Zapatillas de trail</title></head><body><main>\
             <h1>Zapatillas de trail running para barro y roca mojada</h1>\
             <p>Nuestras zapatillas de trail tienen tacos profundos para el barro, una placa \
             contra las piedras para los descensos largos y una parte superior que se seca \
             rápido después de cruzar ríos. Las probamos en montaña antes de venderlas y todas \
             las zapatillas tienen devolución gratuita.</p></main></body></html>",
        ),
    );
    let link = format!("<a href='{shop}'>Example</a>");
    let spanish = s.page(
        "blog.es.test",
        "/",
        &article(
            "Probamos zapatillas",
            "Este invierno corrimos cuatrocientos kilómetros por barro, piedras y bosque para \
             encontrar las zapatillas de trail que merecen la pena. El agarre en roca mojada fue \
             lo más importante, y después cómo aguantaba la parte superior tras cruzar ríos \
             durante semanas. Las zapatillas con tacos profundos ganaron en el barro.",
            &link,
        ),
    );
    let german = s.page(
        "blog.de.test",
        "/",
        &article(
            "Unser Rathaus",
            "Der Gemeinderat hat am Dienstag nach langer Debatte den Haushalt für Straßen, \
             Schulen und die neue Bibliothek beschlossen. Die Ausgaben für Reparaturen steigen, \
             während die Kosten der Straßenbeleuchtung durch neue Lampen sinken sollen. Die \
             Bürger können die Pläne im Rathaus einsehen und bis Ende des Monats Einwände \
             schriftlich einreichen, wie der Bürgermeister mitteilte.",
            &link,
        ),
    );
    let config = s.config("[rules.irrelevant-topic]\nmin-words = 30\n");
    let j = s.audit_json(&["--config", &config]);
    let es = &page(&j, &spanish)["links"][0];
    let de = &page(&j, &german)["links"][0];
    assert_eq!(page(&j, &spanish)["language"], "spa");
    assert_eq!(page(&j, &german)["language"], "deu");
    assert!(
        es["relevance"].as_u64().unwrap() > de["relevance"].as_u64().unwrap() + 20,
        "{es:#} {de:#}"
    );
    assert!(
        !has(&j, &spanish, "foreign-language"),
        "a Spanish page linking to a Spanish site is not foreign"
    );
    assert!(!has(&j, &spanish, "irrelevant-topic"));
    assert!(
        evidence(&j, &german, "foreign-language")
            .contains("German (deu), the target in Spanish (spa)")
    );
    assert!(has(&j, &german, "irrelevant-topic"));
    // A language mismatch is a finding, not toxicity.
    assert_eq!(
        s.server.hits("example.com", "/zapatillas").len(),
        1,
        "the target page is read once"
    );

    // Without target pages and topics there is no relevance, rather than a made-up one.
    let j = s.audit_json(&["--target-pages", "0"]);
    crate::support::assert_null(&page(&j, &spanish)["links"][0], "relevance");
    assert!(!has(&j, &german, "foreign-language"));
    // Topics alone make a profile.
    let j = s.audit_json(&["--target-pages", "0", "--topic", "zapatillas de trail"]);
    assert!(
        page(&j, &spanish)["links"][0]["relevance"]
            .as_u64()
            .unwrap()
            > 0
    );
}

/// Authority from an imported Tranco list beats the estimate; the exact-match rule follows it.
#[test]
fn authority_comes_from_the_rank_list_with_its_source() {
    let mut s = Scenario::new();
    let home = s.target("/");
    let kw = format!("<a href='{home}'>trail running shoes</a>");
    let big = s.page("bignews.test", "/", &article("News", PROSE, &kw));
    let small = s.page("tiny.test", "/", &article("Tiny", "Short.", &kw));
    let data = s.dir.path().join("data");
    let list = write(
        s.dir.path(),
        "top.csv",
        "1,google.com\n2,bignews.test\n3,other.test\n",
    );
    let r = run(backlinks()
        .args(["authority", "import"])
        .arg(&list)
        .arg("--data-dir")
        .arg(&data));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("imported 3 domains"), "{}", r.stdout);
    let r = run(backlinks()
        .args([
            "authority",
            "show",
            "www.bignews.test",
            "nowhere.test",
            "--data-dir",
        ])
        .arg(&data));
    assert!(
        r.stdout
            .contains("www.bignews.test: rank 2 (bignews.test), authority 96"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("nowhere.test: not listed"));

    let config = s.config("[rules.link-network-ip]\nlevel = \"allow\"\n");
    let j = s.audit_json(&["--keyword", "trail running shoes", "--config", &config]);
    let b = &page(&j, &big)["links"][0];
    assert_eq!(
        (b["authority"].as_u64(), b["authority_source"].as_str()),
        (Some(96), Some("rank_list"))
    );
    assert!(!has(&j, &big, "exact-match-anchor-low-authority"));
    let t = &page(&j, &small)["links"][0];
    assert_eq!(t["authority_source"], "estimated");
    assert!(t["authority"].as_u64().unwrap() <= 30);
    assert!(evidence(&j, &small, "exact-match-anchor-low-authority").contains("(estimated)"));
    let d = j["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == "bignews.test")
        .unwrap();
    assert_eq!(d["authority_source"], "rank_list");

    // A bad line stops the import with the file and line, and leaves the table as it was.
    let bad = write(
        s.dir.path(),
        "bad.csv",
        "1,google.com\n2,bignews.test\nthree,x.test\n",
    );
    let r = run(backlinks()
        .args(["authority", "import"])
        .arg(&bad)
        .arg("--data-dir")
        .arg(&data));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bad.csv:3: `three` is not a rank"),
        "{}",
        r.stderr
    );
    let r = run(backlinks()
        .args(["authority", "show", "other.test", "--data-dir"])
        .arg(&data));
    assert!(r.stdout.contains("other.test: rank 3"), "{}", r.stdout);
}

#[test]
fn common_crawl_ranks_import_gzipped() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(
        b"#harmonicc_pos\t#harmonicc_val\t#pr_pos\t#pr_val\t#host_rev\t#n_hosts\n\
          1\t3.4E7\t2\t0.01\tcom.facebook\t100\n\
          2\t3.1E7\t1\t0.02\tcom.google\t300\n",
    )
    .unwrap();
    let path = dir.path().join("cc-domain-ranks.txt.gz");
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let data = dir.path().join("data");
    let r = run(backlinks()
        .args(["authority", "import"])
        .arg(&path)
        .arg("--data-dir")
        .arg(&data));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("common-crawl"), "{}", r.stdout);
    let r = run(backlinks()
        .args(["authority", "show", "www.google.com", "--data-dir"])
        .arg(&data));
    assert!(r.stdout.contains("rank 2 (google.com)"), "{}", r.stdout);
    let junk = write(dir.path(), "junk.txt", "hello world\n");
    let r = run(backlinks()
        .args(["authority", "import"])
        .arg(&junk)
        .arg("--data-dir")
        .arg(&data));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("junk.txt:1: not a rank list"),
        "{}",
        r.stderr
    );
}

/// Sitewide links are flagged and collapsed; editorial links from many posts are not.
#[test]
fn sitewide_links_are_flagged_and_counted_once() {
    let mut s = Scenario::new();
    let home = s.target("/");
    let mut footer = Vec::new();
    let mut posts = Vec::new();
    for i in 0..4 {
        footer.push(s.page(
            "blogroll.test",
            &format!("/p{i}"),
            &format!("<html><body><article><p>{PROSE} {i}</p></article><footer><a href='{home}'>Example shoes</a></footer></body></html>"),
        ));
        posts.push(s.page(
            "fanblog.test",
            &format!("/p{i}"),
            &format!("<html><body><article><p>{PROSE} {i} <a href='{home}'>Example</a></p></article></body></html>"),
        ));
    }
    let config = s.config("[rules.link-network-ip]\nlevel = \"allow\"\n");
    let j = s.audit_json(&["--config", &config]);
    for u in &footer {
        assert!(evidence(&j, u, "sitewide-link").contains("on 4 pages of blogroll.test"));
    }
    for u in &posts {
        assert!(!has(&j, u, "sitewide-link"));
    }
    assert_eq!(j["summary"]["sitewide_links"], 4);
    let d = j["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == "blogroll.test")
        .unwrap();
    assert_eq!(d["sitewide_links"], 4);
    // 8 links, but the footer group counts once: 5 collapsed links, fanblog has 4 of them.
    assert_eq!(j["summary"]["diversity"]["top_domain"], "fanblog.test");
    assert_eq!(j["summary"]["diversity"]["top_domain_share"], 80);
}

/// Anchor-profile findings, with their percentages as evidence.
#[test]
fn anchor_profile_findings_report_shares() {
    let mut s = Scenario::new();
    let home = s.target("/");
    for i in 0..4 {
        s.page(
            &format!("site{i}.test"),
            "/",
            &article(
                "Shoes",
                PROSE,
                &format!("<a href='{home}'>trail running shoes</a>"),
            ),
        );
    }
    s.page(
        "brand.test",
        "/",
        &article("Shoes", PROSE, &format!("<a href='{home}'>Example</a>")),
    );
    let config = s.config(
        "[rules.link-network-ip]\nlevel = \"allow\"\n\
         [rules.exact-match-share]\nmin-links = 5\n\
         [rules.money-anchor-dominant]\nmin-links = 5\n\
         [rules.few-branded-anchors]\nmin-links = 5\nmin-percent = 25\n",
    );
    let j = s.audit_json(&["--config", &config, "--keyword", "trail running shoes"]);
    let flags = j["profile"]["flags"].as_array().unwrap();
    let find = |c: &str| {
        flags
            .iter()
            .find(|f| f["code"] == c)
            .map(|f| f["evidence"].as_str().unwrap().to_string())
    };
    assert_eq!(
        find("exact-match-share").unwrap(),
        "4 of 5 links (80.0%) have exact-match anchors; threshold 10%"
    );
    assert!(
        find("money-anchor-dominant")
            .unwrap()
            .starts_with("\"trail running shoes\" is the anchor of 4 of 5 links (80.0%)")
    );
    assert!(
        find("few-branded-anchors")
            .unwrap()
            .contains("1 of 5 links (20.0%)")
    );
    let health = j["profile"]["health_components"].as_array().unwrap();
    assert_eq!(health[1]["name"], "anchor-profile");
    assert_eq!(health[1]["value"], 0.0);

    // With the default minimum of 10 links, five links are not judged.
    let quiet = s.config("[rules.link-network-ip]\nlevel = \"allow\"\n");
    let j = s.audit_json(&["--config", &quiet, "--keyword", "trail running shoes"]);
    assert!(j["profile"]["flags"].as_array().unwrap().is_empty());
}

/// Per-domain allow and deny lists, per-rule domain exemptions and levels.
#[test]
fn config_overrides_per_domain_and_rule() {
    let mut s = Scenario::new();
    let home = s.target("/");
    let link = format!("<a href='{home}'>Example</a>");
    let casino = s.page(
        "casino.test",
        "/",
        &article(
            "Win",
            "Online casino with free spins, a no deposit bonus and live roulette.",
            &link,
        ),
    );
    let casino2 = s.page(
        "casino2.test",
        "/",
        &article(
            "Win",
            "Online casino with free spins, a no deposit bonus and live roulette.",
            &link,
        ),
    );
    let friend = s.page(
        "friend.test",
        "/",
        &article(
            "Win",
            "Online casino with free spins, a no deposit bonus and live roulette.",
            &link,
        ),
    );
    let enemy = s.page("enemy.test", "/", &article("Walk", PROSE, &link));
    let config = s.config(
        "[domains]\nallow = [\"friend.test\"]\ndeny = [\"enemy.test\"]\n\
         [rules.link-network-ip]\nlevel = \"allow\"\n\
         [rules.mirror-pages]\nlevel = \"allow\"\n\
         [rules.gambling-content]\nlevel = \"deny\"\npoints = 70\nallow-domains = [\"casino2.test\"]\n",
    );
    let j = s.audit_json(&["--config", &config]);
    let c = &page(&j, &casino)["links"][0];
    let g = c["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "gambling-content")
        .unwrap();
    assert_eq!(g["severity"], "deny");
    assert_eq!(c["toxicity"], 70);
    assert!(!has(&j, &casino2, "gambling-content"));
    assert_eq!(link_codes(&j, &friend), ["allowed-domain"]);
    assert_eq!(page(&j, &friend)["links"][0]["toxicity"], 0);
    assert!(has(&j, &enemy, "denied-domain"));
    assert_eq!(page(&j, &enemy)["links"][0]["toxicity"], 100);
    assert!(
        j["tool"]["config"]
            .as_str()
            .unwrap()
            .ends_with("backlinks.toml")
    );

    // explain shows the settings in force.
    let r = run(backlinks().args(["explain", "gambling-content", "--config", &config]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("level:      deny (default warn)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("+70 points"), "{}", r.stdout);
    assert!(r.stdout.contains("min-terms = 3"), "{}", r.stdout);
}

#[test]
fn config_errors_name_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(
        dir.path(),
        "backlinks.toml",
        "[rules.link-farm]\nlevel = \"warn\"\nmin-links = 3\n",
    );
    let list = write(dir.path(), "links.txt", "https://a.test/\n");
    let r = run(backlinks()
        .args(["audit", "example.com", "--from"])
        .arg(&list)
        .arg("--config")
        .arg(&cfg));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("backlinks.toml:3: rules.link-farm.min-links: unknown setting"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    // Found through the environment too, and in the current directory.
    let r = run(backlinks()
        .args(["explain", "link-farm"])
        .env("BACKLINKS_CONFIG", &cfg));
    assert_eq!(r.code, 2, "{}", r.stdout);
    let r = run(backlinks()
        .args(["explain", "link-farm"])
        .current_dir(dir.path()));
    assert_eq!(r.code, 2, "{}", r.stdout);
    let r = run(backlinks().args(["explain", "link-farm", "--config", "missing.toml"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.toml"), "{}", r.stderr);
}

#[test]
fn init_writes_a_template_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(backlinks().arg("init").current_dir(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("backlinks.toml")).unwrap();
    assert!(text.contains("#[rules.link-farm]"));
    let r = run(backlinks().arg("init").current_dir(dir.path()));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    // Picked up from the current directory.
    let r = run(backlinks()
        .args(["explain", "link-farm"])
        .current_dir(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("settings from backlinks.toml"),
        "{}",
        r.stdout
    );
}

#[test]
fn explain_lists_every_rule_with_thresholds() {
    let r = run(backlinks().arg("explain"));
    assert_eq!(r.code, 0);
    for code in [
        "adult-content",
        "comment-spam",
        "exact-match-anchor-low-authority",
        "foreign-language",
        "gambling-content",
        "hidden-link",
        "irrelevant-topic",
        "link-farm",
        "link-network-analytics",
        "link-network-ip",
        "mirror-pages",
        "noindex-page",
        "paid-link-without-sponsored",
        "pharma-content",
        "redirected-through",
        "same-title-network",
        "sitewide-link",
        "spam-tld",
    ] {
        assert!(r.stdout.contains(code), "{code}");
        let r = run(backlinks().args(["explain", code]));
        assert_eq!(r.code, 0, "{code}");
        assert!(
            r.stdout.contains("fires when:") && r.stdout.contains("Settings ([rules."),
            "{}",
            r.stdout
        );
    }
    let r = run(backlinks().args(["explain", "link-farm"]));
    assert!(
        r.stdout.contains("more than 100 external links"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("max-words-per-link = 15"), "{}", r.stdout);
}

/// The same pages give the same report, apart from `generated_at`.
#[test]
fn scores_are_deterministic() {
    let sample = |dir: &Path| {
        let r = run(backlinks()
            .current_dir(crate::support::root())
            .args([
                "audit",
                "example.com",
                "--from",
                "fixtures/sample/links.txt",
                "--archive",
                "fixtures/sample/sample.warc.gz",
                "--keyword",
                "trail running shoes",
                "--format",
                "json",
                "--no-store",
                "--data-dir",
            ])
            .arg(dir));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let mut j = r.json();
        j["generated_at"] = Value::Null;
        j
    };
    let dir = tempfile::tempdir().unwrap();
    let a = sample(dir.path());
    assert_eq!(a, sample(dir.path()));
    // The sample's relevance comes from the target pages stored in the archive.
    let blog = page(&a, "https://blog.trailnotes.test/2026/best-trail-shoes");
    assert!(
        blog["links"][0]["relevance"].as_u64().unwrap() >= 40,
        "{blog:#}"
    );
    assert_eq!(a["profile"]["not_evaluated"][0]["code"], "link-network-ip");
    assert_eq!(a["tool"]["scoring_version"], 2);
}

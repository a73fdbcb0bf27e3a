//! Generated Common Crawl WAT files for the `discover wat` tests and benchmark: WARC records
//! (`warcinfo`, then per capture a `metadata` record whose JSON envelope lists the page's
//! links), each in its own gzip member, as Common Crawl writes them. Nothing third-party.

use std::io::Write;

/// One link of a captured page, as WAT lists it.
#[derive(Clone, Debug)]
pub struct Link {
    /// `A@/href`, `IMG@/src`, `AREA@/href`...
    pub path: &'static str,
    pub url: String,
    pub text: Option<String>,
    pub rel: Option<String>,
}

impl Link {
    /// An `<a href>` with anchor text.
    pub fn a(url: &str, text: &str) -> Link {
        Link {
            path: "A@/href",
            url: url.into(),
            text: (!text.is_empty()).then(|| text.into()),
            rel: None,
        }
    }

    /// The same link with a `rel` attribute.
    pub fn rel(mut self, rel: &str) -> Link {
        self.rel = Some(rel.into());
        self
    }
}

/// One captured page.
#[derive(Clone, Debug)]
pub struct Capture {
    pub url: String,
    /// `WARC-Date`.
    pub date: String,
    /// `<base href>`, if the page has one.
    pub base: Option<String>,
    pub links: Vec<Link>,
}

impl Capture {
    pub fn new(url: &str, date: &str, links: Vec<Link>) -> Capture {
        Capture {
            url: url.into(),
            date: date.into(),
            base: None,
            links,
        }
    }
}

/// A WARC record with these headers and payload.
pub fn record(warc_type: &str, uri: Option<&str>, date: &str, payload: &[u8]) -> Vec<u8> {
    let mut r = format!("WARC/1.0\r\nWARC-Type: {warc_type}\r\n");
    if let Some(u) = uri {
        r.push_str(&format!("WARC-Target-URI: {u}\r\n"));
    }
    r.push_str(&format!(
        "WARC-Date: {date}\r\nWARC-Record-ID: <urn:uuid:{:08x}-0000-4000-8000-000000000000>\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        payload.len() as u32 ^ 0x5eed,
        payload.len()
    ));
    let mut bytes = r.into_bytes();
    bytes.extend_from_slice(payload);
    bytes.extend_from_slice(b"\r\n\r\n");
    bytes
}

/// The `warcinfo` record a WAT file starts with.
pub fn warcinfo(file_name: &str, crawl: &str) -> Vec<u8> {
    let payload = format!(
        "Software-Info: generated\r\nisPartOf: {crawl}\r\ndescription: Wat for {file_name}\r\n"
    );
    let mut r = record("warcinfo", None, "2025-02-07T00:00:00Z", payload.as_bytes());
    // The file's name, as Common Crawl records it.
    let at = r.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    let header = format!("WARC-Filename: {file_name}\r\n");
    r.splice(at..at, header.into_bytes());
    r
}

/// The JSON envelope of a response capture.
pub fn envelope(c: &Capture) -> String {
    let links: Vec<serde_json::Value> = c
        .links
        .iter()
        .map(|l| {
            let mut o = serde_json::json!({"path": l.path, "url": l.url});
            if let Some(t) = &l.text {
                o["text"] = t.clone().into();
            }
            if let Some(r) = &l.rel {
                o["rel"] = r.clone().into();
            }
            o
        })
        .collect();
    let mut head = serde_json::json!({"Title": "A page", "Metas": [{"name": "viewport", "content": "width=device-width"}]});
    if let Some(b) = &c.base {
        head["Base"] = b.clone().into();
    }
    serde_json::json!({
        "Container": {"Filename": "CC-MAIN-20250207154122-20250207184122-00000.warc.gz",
                      "Compressed": true, "Offset": "1234", "Gzip-Metadata": {"Deflate-Length": "5678"}},
        "Envelope": {
            "Format": "WARC",
            "WARC-Header-Length": "520",
            "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": c.url,
                                     "WARC-Date": c.date, "Content-Length": "34567"},
            "Payload-Metadata": {
                "Actual-Content-Type": "application/http; msgtype=response",
                "HTTP-Response-Metadata": {
                    "Response-Message": {"Version": "HTTP/1.1", "Status": "200", "Reason": "OK"},
                    "Headers": {"Content-Type": "text/html; charset=UTF-8", "Server": "nginx"},
                    "HTML-Metadata": {"Head": head, "Links": links}
                }
            }
        }
    })
    .to_string()
}

/// The `metadata` record of a response capture.
pub fn capture(c: &Capture) -> Vec<u8> {
    record("metadata", Some(&c.url), &c.date, envelope(c).as_bytes())
}

/// The `metadata` record of a request (WAT has one per capture; it lists no links).
pub fn request(url: &str, date: &str) -> Vec<u8> {
    let json = serde_json::json!({"Envelope": {
        "WARC-Header-Metadata": {"WARC-Type": "request", "WARC-Target-URI": url},
        "Payload-Metadata": {"Actual-Content-Type": "application/http; msgtype=request",
                             "HTTP-Request-Metadata": {"Request-Message": {"Method": "GET", "Path": "/"}}}}});
    record("metadata", Some(url), date, json.to_string().as_bytes())
}

/// A record in its own gzip member.
pub fn gzip(record: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(record).unwrap();
    e.finish().unwrap()
}

/// A WAT file: each record in its own gzip member.
pub fn file(records: &[Vec<u8>]) -> Vec<u8> {
    records.iter().flat_map(|r| gzip(r)).collect()
}

/// A deterministic pseudo-random sequence (xorshift), so corpora are the same on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: [&str; 24] = [
    "review", "guide", "best", "cheap", "news", "about", "contact", "home", "blog", "how", "to",
    "choose", "the", "right", "service", "for", "your", "team", "pricing", "features", "login",
    "privacy", "terms", "more",
];

/// A capture like a real page's: 40–160 links (navigation, body, footer; some images, some
/// scripts and styles, some relative), `to_target` of them to `target`'s hosts.
pub fn realistic(rng: &mut Rng, page: u64, target: &str, to_target: usize) -> Capture {
    let host = format!("site{}.test", page % 5000);
    let url = format!("https://{host}/articles/{page}/story-{}", rng.below(1000));
    let mut links = Vec::new();
    let n = 40 + rng.below(120) as usize;
    for i in 0..n {
        let words: Vec<&str> = (0..1 + rng.below(5))
            .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
            .collect();
        let text = words.join(" ");
        let slug = words.join("-");
        let l = match rng.below(10) {
            0 => Link {
                path: "IMG@/src",
                url: format!("/img/{slug}-{i}.jpg"),
                text: None,
                rel: None,
            },
            1 => Link {
                path: "LINK@/href",
                url: format!("/css/{slug}.css"),
                text: None,
                rel: Some("stylesheet".into()),
            },
            2 | 3 => Link::a(&format!("/{slug}/{i}"), &text),
            4 => Link::a(
                &format!("https://other{}.test/{slug}", rng.below(300)),
                &text,
            )
            .rel("nofollow noopener"),
            _ => Link::a(&format!("https://{host}/{slug}?p={i}"), &text),
        };
        links.push(l);
    }
    for k in 0..to_target {
        let at = rng.below(links.len() as u64) as usize;
        let sub = ["", "www.", "blog."][k % 3];
        links.insert(
            at,
            Link::a(
                &format!("https://{sub}{target}/product/{}", rng.below(50)),
                "our favourite tool",
            ),
        );
    }
    Capture::new(&url, "2025-02-07T15:43:21Z", links)
}

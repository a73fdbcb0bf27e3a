//! Parse + link extraction + placement per page, on generated pages of typical size (50–150 KB:
//! header, menu, an article of `paragraphs` paragraphs with links, a sidebar, comments and a
//! footer). `cargo bench --bench extract`.

use backlinks::extract::{LinkFilter, analyze};
use backlinks::model::Target;

fn main() {
    divan::main();
}

/// A blog-like page of about `paragraphs` × 0.6 KB plus boilerplate and inline CSS/JS.
fn page(paragraphs: usize) -> String {
    let mut s = String::from("<!DOCTYPE html><html><head><title>Bench page</title><style>");
    s.push_str(&"body{margin:0;padding:0} .x{color:#333}\n".repeat(200));
    s.push_str("</style><script>");
    s.push_str(&"var a=function(b){return b*2};\n".repeat(300));
    s.push_str("</script></head><body><header class='site-header'><a href='/'>Site</a><nav><ul>");
    for i in 0..40 {
        s.push_str(&format!(
            "<li class='menu-item'><a href='/section/{i}'>Section {i}</a></li>"
        ));
    }
    s.push_str(
        "</ul></nav></header><div id='content'><article><h1>Title</h1><div class='entry-content'>",
    );
    for i in 0..paragraphs {
        s.push_str(&format!(
            "<p>Paragraph {i} talks about trail running shoes, grip, cushioning and fit, with \
             enough words to look like real prose, and a <a href='https://site{}.test/p/{i}'>link \
             to a source</a> in the middle of it, before more words, commas, and a full stop at the end.</p>\n",
            i % 7
        ));
    }
    s.push_str(
        "<p>See <a href='https://www.example.com/shoes'>Example shoes</a>.</p></div></article>",
    );
    s.push_str("<aside id='secondary'><section class='widget'><ul>");
    for i in 0..60 {
        s.push_str(&format!(
            "<li><a href='/post/{i}'>Recent post number {i}</a></li>"
        ));
    }
    s.push_str("</ul></section></aside><div id='comments'><ol class='comment-list'>");
    for i in 0..20 {
        s.push_str(&format!(
            "<li class='comment'><cite class='fn'><a href='https://commenter{i}.test/' rel='ugc'>User {i}</a></cite>\
             <time datetime='2024-01-01'>Jan 1</time><p>Nice article, thanks for writing it up in such detail.</p></li>"
        ));
    }
    s.push_str("</ol></div></div><footer id='colophon'>");
    for i in 0..30 {
        s.push_str(&format!("<a href='/legal/{i}'>Legal {i}</a> "));
    }
    s.push_str("© 2024</footer></body></html>");
    s
}

#[divan::bench(args = [50, 100, 150])]
fn analyze_all_links(bencher: divan::Bencher, kb: usize) {
    let html = sized(kb);
    let url = url::Url::parse("https://blog.test/post").unwrap();
    bencher
        .counter(divan::counter::BytesCount::new(html.len()))
        .bench(|| analyze(divan::black_box(&html), Some(&url), &[], LinkFilter::All));
}

#[divan::bench(args = [50, 100, 150])]
fn analyze_target_links(bencher: divan::Bencher, kb: usize) {
    let html = sized(kb);
    let url = url::Url::parse("https://blog.test/post").unwrap();
    let target = Target::parse("example.com").unwrap();
    bencher
        .counter(divan::counter::BytesCount::new(html.len()))
        .bench(|| {
            analyze(
                divan::black_box(&html),
                Some(&url),
                &[],
                LinkFilter::Target(&target),
            )
        });
}

/// A page of about `kb` kilobytes.
fn sized(kb: usize) -> String {
    let base = page(0).len();
    let per = page(1).len() - base;
    page((kb * 1024).saturating_sub(base) / per)
}

//! Google Search Console Links report exports. Search Console writes its column names in the
//! interface language of the user, so each report is recognised in every language of
//! [`LANGUAGES`]; `docs/inputs.md` explains how to add one.
//!
//! - "Latest links" / "More sample links": `Linking page, Last crawled` → page candidates with
//!   the last crawl date.
//! - "Top linking sites": `Site, Linking pages, Target pages` → *domain-level* candidates: the
//!   export names sites, not pages, so there is no page to fetch.
//! - "Top linked pages": `Target page, Incoming links, Linking sites` → pages of the target
//!   itself: read and counted, no candidate.
//!
//! The "Download CSV" button gives a zip of several such files; the reader opens it.

use super::schema::{Role, Spec};
use super::values::DateOrder;
use crate::model::InputFormat;

/// The column names of one interface language.
#[derive(Debug, Clone, Copy)]
pub struct Language {
    /// ISO 639-1 code.
    pub code: &'static str,
    /// How this locale writes numeric dates.
    pub dates: DateOrder,
    /// "Linking page" (latest / sample links).
    pub linking_page: &'static [&'static str],
    /// "Last crawled".
    pub last_crawled: &'static [&'static str],
    /// "Site" (top linking sites).
    pub site: &'static [&'static str],
    /// "Linking pages".
    pub linking_pages: &'static [&'static str],
    /// "Target pages".
    pub target_pages: &'static [&'static str],
    /// "Target page" (top linked pages).
    pub target_page: &'static [&'static str],
    /// "Incoming links".
    pub incoming_links: &'static [&'static str],
    /// "Linking sites".
    pub linking_sites: &'static [&'static str],
}

/// Every supported interface language. Names are compared by [`super::schema::header_key`]
/// (case, spaces, quotes and punctuation do not matter).
pub const LANGUAGES: [Language; 8] = [
    Language {
        code: "en",
        dates: DateOrder::MonthFirst,
        linking_page: &["Linking page"],
        last_crawled: &["Last crawled"],
        site: &["Site"],
        linking_pages: &["Linking pages"],
        target_pages: &["Target pages"],
        target_page: &["Target page"],
        incoming_links: &["Incoming links"],
        linking_sites: &["Linking sites"],
    },
    Language {
        code: "de",
        dates: DateOrder::DayFirst,
        linking_page: &["Verweisende Seite"],
        last_crawled: &["Zuletzt gecrawlt"],
        site: &["Website"],
        linking_pages: &["Verweisende Seiten"],
        target_pages: &["Zielseiten"],
        target_page: &["Zielseite"],
        incoming_links: &["Eingehende Links"],
        linking_sites: &["Verweisende Websites"],
    },
    Language {
        code: "fr",
        dates: DateOrder::DayFirst,
        linking_page: &["Page d'origine du lien", "Page de provenance"],
        last_crawled: &["Dernière exploration"],
        site: &["Site"],
        linking_pages: &["Pages d'origine des liens", "Pages de provenance"],
        target_pages: &["Pages cibles"],
        target_page: &["Page cible"],
        incoming_links: &["Liens entrants"],
        linking_sites: &["Sites d'origine des liens", "Sites de provenance"],
    },
    Language {
        code: "es",
        dates: DateOrder::DayFirst,
        linking_page: &["Página que enlaza"],
        last_crawled: &["Último rastreo"],
        site: &["Sitio"],
        linking_pages: &["Páginas que enlazan"],
        target_pages: &["Páginas de destino"],
        target_page: &["Página de destino"],
        incoming_links: &["Enlaces entrantes"],
        linking_sites: &["Sitios que enlazan"],
    },
    Language {
        code: "pt",
        dates: DateOrder::DayFirst,
        linking_page: &["Página de referência", "Página com link"],
        last_crawled: &["Último rastreamento"],
        site: &["Site"],
        linking_pages: &["Páginas de referência", "Páginas com link"],
        target_pages: &["Páginas de destino"],
        target_page: &["Página de destino"],
        incoming_links: &["Links recebidos", "Links de entrada"],
        linking_sites: &["Sites de referência", "Sites com link"],
    },
    Language {
        code: "it",
        dates: DateOrder::DayFirst,
        linking_page: &["Pagina che rimanda", "Pagina di collegamento"],
        last_crawled: &["Ultima scansione"],
        site: &["Sito"],
        linking_pages: &["Pagine che rimandano", "Pagine di collegamento"],
        target_pages: &["Pagine di destinazione"],
        target_page: &["Pagina di destinazione"],
        incoming_links: &["Link in entrata"],
        linking_sites: &["Siti che rimandano", "Siti di collegamento"],
    },
    Language {
        code: "nl",
        dates: DateOrder::DayFirst,
        linking_page: &["Linkende pagina"],
        last_crawled: &["Laatst gecrawld"],
        site: &["Site"],
        linking_pages: &["Linkende pagina's"],
        target_pages: &["Doelpagina's"],
        target_page: &["Doelpagina"],
        incoming_links: &["Inkomende links"],
        linking_sites: &["Linkende sites"],
    },
    Language {
        code: "ja",
        dates: DateOrder::MonthFirst,
        linking_page: &["リンク元ページ"],
        last_crawled: &["前回のクロール"],
        site: &["サイト"],
        linking_pages: &["リンク元ページ数", "リンク元ページ"],
        target_pages: &["ターゲット ページ数", "ターゲット ページ"],
        target_page: &["ターゲット ページ"],
        incoming_links: &["外部リンク", "受信リンク"],
        linking_sites: &["リンク元サイト"],
    },
];

/// The three reports in every language.
pub fn specs() -> Vec<Spec> {
    let mut out = Vec::new();
    for l in LANGUAGES {
        let mut add = |format, columns: &[(Role, &[&str])], required: &[&[&str]]| {
            let mut s = Spec::new(format, l.dates, columns, required);
            s.language = Some(l.code);
            out.push(s);
        };
        add(
            InputFormat::GscLinks,
            &[
                (Role::Page, l.linking_page),
                (Role::LastCrawled, l.last_crawled),
            ],
            &[l.linking_page, l.last_crawled],
        );
        add(
            InputFormat::GscTopLinkingSites,
            &[
                (Role::Site, l.site),
                (Role::LinkingPages, l.linking_pages),
                (Role::TargetPages, l.target_pages),
            ],
            &[l.site, l.linking_pages, l.target_pages],
        );
        add(
            InputFormat::GscTopLinkedPages,
            &[],
            &[l.target_page, l.incoming_links, l.linking_sites],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::schema::header_key;
    use super::*;

    #[test]
    fn reports_of_one_language_are_told_apart() {
        let specs = specs();
        for l in LANGUAGES {
            let headers = [
                vec![l.linking_page[0], l.last_crawled[0]],
                vec![l.site[0], l.linking_pages[0], l.target_pages[0]],
                vec![l.target_page[0], l.incoming_links[0], l.linking_sites[0]],
            ];
            let expected = [
                InputFormat::GscLinks,
                InputFormat::GscTopLinkingSites,
                InputFormat::GscTopLinkedPages,
            ];
            for (h, want) in headers.iter().zip(expected) {
                let keys: Vec<String> = h.iter().map(|n| header_key(n)).collect();
                let got = specs.iter().find_map(|s| s.bind(&keys)).unwrap();
                assert_eq!(got.format, want, "{} {h:?}", l.code);
            }
        }
    }
}

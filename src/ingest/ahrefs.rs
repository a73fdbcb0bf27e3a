//! Ahrefs backlinks exports. Ahrefs writes UTF-16 LE with a BOM, TAB-separated (UTF-8 re-saves
//! with commas or TABs read the same: decoding and delimiters are detected, not assumed).
//!
//! Two generations of columns: the current one (`Referring page URL`, `Domain rating`, `UR`,
//! `Target URL`, `Anchor`, `Nofollow`, `UGC`, `Sponsored`, `Lost status`, `First seen`,
//! `Last seen`, `Lost`...) and the older one (`Referring Page URL`, `Link URL`, `Link Anchor`,
//! `Type`, `Backlink Status`, `Domain Rating`, `URL Rating`, sometimes `First Seen`,
//! `Last Check`, `Day Lost`).

use super::schema::{Metric, Role, Spec};
use super::values::DateOrder;
use crate::model::InputFormat;

/// The current and the older export.
pub fn specs() -> Vec<Spec> {
    vec![
        Spec::new(
            InputFormat::Ahrefs,
            DateOrder::DayFirst,
            &[
                (Role::Page, &["Referring page URL"]),
                (Role::Target, &["Target URL"]),
                (Role::Anchor, &["Anchor"]),
                (Role::Nofollow, &["Nofollow"]),
                (Role::Ugc, &["UGC"]),
                (Role::Sponsored, &["Sponsored"]),
                (Role::FirstSeen, &["First seen"]),
                (Role::LastSeen, &["Last seen"]),
                (Role::LostDate, &["Lost"]),
                (Role::LinkStatus, &["Lost status"]),
                (Role::Metric(Metric::AhrefsDr), &["Domain rating"]),
                (Role::Metric(Metric::AhrefsUr), &["UR", "URL rating"]),
            ],
            &[&["Referring page URL"], &["Target URL"]],
        ),
        Spec::new(
            InputFormat::AhrefsLegacy,
            DateOrder::DayFirst,
            &[
                (Role::Page, &["Referring Page URL"]),
                (Role::Target, &["Link URL"]),
                (Role::Anchor, &["Link Anchor"]),
                (Role::RelWords, &["Type"]),
                (Role::LinkStatus, &["Backlink Status"]),
                (Role::FirstSeen, &["First Seen", "Found"]),
                (Role::LastSeen, &["Last Check", "Last Seen"]),
                (Role::LostDate, &["Day Lost"]),
                (Role::Metric(Metric::AhrefsDr), &["Domain Rating"]),
                (Role::Metric(Metric::AhrefsUr), &["URL Rating"]),
            ],
            &[&["Referring Page URL"], &["Link URL"]],
        ),
    ]
}

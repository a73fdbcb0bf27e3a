//! Majestic backlinks download (`Target URL, Source URL, Anchor Text, Source Crawl Date,
//! Source First Found Date, FlagNoFollow, ..., SourceCitationFlow, SourceTrustFlow, ...`).
//! Majestic files sometimes hold rows that are not valid CSV; those are skipped with a counted
//! warning by the reader, never failing the file.

use super::schema::{Metric, Role, Spec};
use super::values::DateOrder;
use crate::model::InputFormat;

/// The backlinks download.
pub fn specs() -> Vec<Spec> {
    vec![Spec::new(
        InputFormat::Majestic,
        DateOrder::DayFirst,
        &[
            (Role::Page, &["Source URL"]),
            (Role::Target, &["Target URL"]),
            (Role::Anchor, &["Anchor Text"]),
            (Role::LastSeen, &["Source Crawl Date"]),
            (Role::FirstSeen, &["Source First Found Date"]),
            (Role::Nofollow, &["FlagNoFollow"]),
            (Role::LostFlag, &["FlagDeleted"]),
            (Role::Metric(Metric::MajesticTf), &["SourceTrustFlow"]),
            (Role::Metric(Metric::MajesticCf), &["SourceCitationFlow"]),
            (Role::Topic, &["SourceTopicalTrustFlow_Topic_0"]),
        ],
        &[&["Source URL"], &["Target URL"], &["FlagNoFollow"]],
    )]
}

//! Semrush exports: Backlink Analytics → Backlinks (`Page ascore, Source title, Source url,
//! Target url, Anchor, ..., Nofollow, Sponsored, Ugc, ..., First seen, Last seen, New link,
//! Lost link`; UTF-8 with a BOM, booleans `true`/`TRUE`, dates sometimes `M/D/YY`) and the
//! Backlink Audit export (`Source title, Source url, Target url, Anchor, Toxicity Score,
//! Toxic markers, First seen, Last seen, Nofollow`, plus more).
//!
//! Semrush cuts exports at [`ROW_LIMIT`] rows; a file of exactly that size is reported as
//! probably incomplete.

use super::schema::{Metric, Role, Spec};
use super::values::DateOrder;
use crate::model::InputFormat;

/// The most rows a Semrush export holds (with or without counting the header line).
pub const ROW_LIMIT: u64 = 30_001;

/// Backlink Analytics and Backlink Audit.
pub fn specs() -> Vec<Spec> {
    let shared: [(Role, &[&str]); 8] = [
        (Role::Page, &["Source url"]),
        (Role::Target, &["Target url"]),
        (Role::Anchor, &["Anchor"]),
        (Role::Nofollow, &["Nofollow"]),
        (Role::Sponsored, &["Sponsored"]),
        (Role::Ugc, &["Ugc"]),
        (Role::FirstSeen, &["First seen"]),
        (Role::LastSeen, &["Last seen"]),
    ];
    let with = |extra: &[(Role, &'static [&'static str])]| {
        let mut cols = shared.to_vec();
        cols.extend_from_slice(extra);
        cols
    };
    vec![
        Spec::new(
            InputFormat::SemrushBacklinks,
            DateOrder::MonthFirst,
            &with(&[
                (Role::Metric(Metric::SemrushPageAscore), &["Page ascore"]),
                (Role::LostFlag, &["Lost link"]),
            ]),
            &[&["Source url"], &["Target url"], &["Page ascore"]],
        ),
        Spec::new(
            InputFormat::SemrushBacklinkAudit,
            DateOrder::MonthFirst,
            &with(&[
                (Role::Metric(Metric::SemrushToxicity), &["Toxicity Score"]),
                (Role::Metric(Metric::SemrushPageAscore), &["Page ascore"]),
                (Role::LinkStatus, &["Link status", "Status"]),
            ]),
            &[&["Source url"], &["Target url"], &["Toxicity Score"]],
        ),
    ]
}

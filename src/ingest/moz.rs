//! Moz Link Explorer inbound links. Older files start with a few metadata lines (report title,
//! creation date) before the header; detection looks past them.

use super::schema::{Metric, Role, Spec};
use super::values::DateOrder;
use crate::model::InputFormat;

/// The inbound links export.
pub fn specs() -> Vec<Spec> {
    vec![Spec::new(
        InputFormat::Moz,
        DateOrder::MonthFirst,
        &[
            (
                Role::Page,
                &["URL", "Source URL", "Linking Page", "From URL"],
            ),
            (Role::Target, &["Target URL", "To URL"]),
            (Role::Anchor, &["Anchor Text"]),
            (Role::RelWords, &["Link Type"]),
            (Role::LinkStatus, &["Link State", "Link Status"]),
            (Role::Metric(Metric::MozSpam), &["Spam Score"]),
            (Role::Metric(Metric::MozDa), &["Domain Authority", "DA"]),
            (Role::Metric(Metric::MozPa), &["Page Authority", "PA"]),
            (Role::FirstSeen, &["Date First Seen", "First Seen"]),
            (Role::LastSeen, &["Date Last Seen", "Last Seen"]),
        ],
        &[
            &["URL", "Source URL", "Linking Page", "From URL"],
            &["Target URL", "To URL"],
            &["Spam Score", "Domain Authority", "Page Authority"],
        ],
    )]
}

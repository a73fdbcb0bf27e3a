//! Screaming Frog bulk export "All Inlinks" of a crawl of the referring pages (`Type, Source,
//! Destination, Size (Bytes), Alt Text, Anchor, Status Code, Status, Follow, Target, Rel, Path
//! Type, Link Path, Link Position, Link Origin`). A crawl lists every link of every crawled
//! page: only `Hyperlink` rows whose Destination is on the target are backlinks (the target is
//! known during an audit, or from `sources --target`).

use super::schema::{Role, Spec};
use super::values::DateOrder;
use crate::model::InputFormat;

/// The All Inlinks export.
pub fn specs() -> Vec<Spec> {
    vec![Spec::new(
        InputFormat::ScreamingFrogInlinks,
        DateOrder::DayFirst,
        &[
            (Role::LinkKind, &["Type"]),
            (Role::Page, &["Source"]),
            (Role::Target, &["Destination"]),
            (Role::Anchor, &["Anchor", "Alt Text"]),
            (Role::Follow, &["Follow"]),
            (Role::RelWords, &["Rel"]),
        ],
        &[&["Source"], &["Destination"], &["Follow"]],
    )]
}

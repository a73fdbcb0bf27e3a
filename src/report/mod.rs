//! Report stage: one [`Audit`] rendered many ways. Renderers compute nothing: every count and
//! score comes from the audit, so the table, JSON and CSV can never disagree. Every renderer
//! writes to a `&mut dyn Write`.

mod changes;
pub mod color;
mod csv;
pub mod gap;
pub mod history;
mod html;
mod json;
mod markdown;
mod mentions;
pub mod sanitize;
mod table;

use crate::model::Audit;
use std::io::{self, Write};

/// Output formats of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Summary block and a table of pages and links, for people.
    Table,
    /// The versioned JSON document (see the README).
    Json,
    /// One row per link, plus one row per lost/unreachable/skipped page.
    Csv,
    /// A short summary for `$GITHUB_STEP_SUMMARY`, pull-request comments and mail.
    Markdown,
    /// One self-contained HTML page with charts and a sortable, filterable link table.
    Html,
}

/// Options that change how (not what) a report is rendered.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Wrap tables to the width of the terminal on standard output; otherwise (files, pipes)
    /// rows stay on one line each, which is easier to grep.
    pub fit_terminal: bool,
    /// In the table, list every score component of every link (`audit --explain`).
    pub explain: bool,
}

/// Renders `audit` in `format`.
pub fn render(
    format: Format,
    audit: &Audit,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table::render(audit, opts, out),
        Format::Json => json::render(audit, out),
        Format::Csv => csv::render(audit, out),
        Format::Markdown => markdown::render(audit, out),
        Format::Html => html::render(audit, out),
    }
}

//! The JSON report: the [`Audit`] serialised as-is (its field order is the key order).

use crate::model::Audit;
use std::io::{self, Write};

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, audit)?;
    out.write_all(b"\n")
}

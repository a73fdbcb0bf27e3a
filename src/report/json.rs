//! The JSON report: the [`Audit`] serialised as-is (its field order is the key order), with
//! terminal controls in page text escaped.

use super::sanitize::write_json;
use crate::model::Audit;
use std::io::{self, Write};

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    write_json(&mut *out, audit, true)?;
    out.write_all(b"\n")
}

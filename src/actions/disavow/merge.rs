//! Writing a plan out: as a new file, or merged into the user's existing one, and comparing
//! two files (what an upload would add and remove).
//!
//! A merge keeps every line of the existing file — its comments, blank lines and order — and
//! appends the new entries in a dated section. The only lines it drops on its own are URLs
//! already covered by a `domain:` entry (each reported); entries the audit no longer backs are
//! kept and reported, and removed only with `prune` (reported too). Nothing disappears
//! silently.

use super::plan::{Backing, Plan};
use super::{DisavowFile, Entry, Line, covering_names};
use crate::model::host;
use std::collections::BTreeSet;

/// What happened to a line of the existing file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its 1-based line in the existing file.
    pub line: usize,
    /// The entry.
    pub entry: Entry,
    /// Why it was dropped, or why it deserves a look.
    pub reason: String,
}

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// New entries appended.
    pub added: Vec<Entry>,
    /// Planned entries the file already had (or covered with a `domain:` entry).
    pub already: usize,
    /// URL lines dropped because a `domain:` entry covers them.
    pub covered: Vec<Change>,
    /// Lines removed by `prune`.
    pub pruned: Vec<Change>,
    /// Lines kept although the audit does not back them (`prune` would remove them).
    pub stale: Vec<Change>,
}

/// The header of a file written from scratch.
pub fn header(target: &str, version: &str, source: &str, threshold: u8) -> Vec<Line> {
    vec![
        Line::comment(&format!(
            "Disavow file for {target}, written by backlinks {version}."
        )),
        Line::comment(&format!(
            "From {source}: links with toxicity >= {threshold}, and links whose removal was \
             requested twice without effect."
        )),
        Line::comment(
            "Review every line before uploading it with Search Console's disavow links tool.",
        ),
    ]
}

/// The planned entries, each after its comment, separated by blank lines.
fn planned_lines(plan: &Plan, skip: &BTreeSet<Entry>, added: &mut Vec<Entry>) -> Vec<Line> {
    let mut lines = Vec::new();
    for p in &plan.planned {
        let fresh: Vec<&Entry> = p.entries.iter().filter(|e| !skip.contains(e)).collect();
        if fresh.is_empty() {
            continue;
        }
        lines.push(Line::blank());
        lines.push(Line::comment(&p.comment));
        for e in fresh {
            lines.push(Line::entry(e.clone()));
            added.push(e.clone());
        }
    }
    lines
}

/// A new file: `header`, then every planned entry.
pub fn write(header: Vec<Line>, plan: &Plan) -> (DisavowFile, MergeReport) {
    let mut report = MergeReport::default();
    let mut lines = header;
    lines.extend(planned_lines(plan, &BTreeSet::new(), &mut report.added));
    (DisavowFile { lines }, report)
}

/// Merges `plan` into `existing` (which must hold no invalid lines). `section` is the comment
/// that opens the appended entries; `keep` the domains never to disavow.
pub fn merge(
    existing: &DisavowFile,
    plan: &Plan,
    section: &str,
    keep: &[String],
    prune: bool,
) -> (DisavowFile, MergeReport) {
    let mut report = MergeReport::default();
    let kept_domain = |e: &Entry| {
        e.host()
            .and_then(|h| keep.iter().find(|k| host::is_within(&h, k)).cloned())
    };
    // Domain entries of the result: the existing ones that stay, and the planned ones.
    let mut domains: BTreeSet<String> = plan
        .entries()
        .filter_map(|e| match e {
            Entry::Domain(d) => Some(d.clone()),
            Entry::Url(_) => None,
        })
        .collect();
    for (_, e) in existing.entries() {
        if let Entry::Domain(d) = e
            && !(prune && stale_reason(plan, e, kept_domain(e)).is_some())
        {
            domains.insert(d.clone());
        }
    }
    let covering = |url: &str| -> Option<&String> {
        let host = host::of_url(url)?;
        covering_names(&host).find_map(|n| domains.get(n))
    };
    let mut lines = Vec::new();
    let mut present: BTreeSet<Entry> = BTreeSet::new();
    for (i, line) in existing.lines.iter().enumerate() {
        let Some(entry) = line.as_entry() else {
            lines.push(line.clone());
            continue;
        };
        let change = |reason: String| Change {
            line: i + 1,
            entry: entry.clone(),
            reason,
        };
        if let Entry::Url(u) = entry
            && let Some(d) = covering(u)
        {
            report
                .covered
                .push(change(format!("covered by domain:{d}")));
            continue;
        }
        if let Some(why) = stale_reason(plan, entry, kept_domain(entry)) {
            if prune {
                report.pruned.push(change(why));
                continue;
            }
            report.stale.push(change(why));
        }
        present.insert(entry.clone());
        lines.push(line.clone());
    }
    // Planned entries already there, or URLs a domain entry covers, are not added again.
    let mut skip = present.clone();
    for e in plan.entries() {
        let covered = matches!(e, Entry::Url(u) if covering(u).is_some());
        if covered || present.contains(e) {
            skip.insert(e.clone());
            report.already += 1;
        }
    }
    let added = planned_lines(plan, &skip, &mut report.added);
    if !added.is_empty() {
        if lines.last().is_some_and(|l| !l.text.trim().is_empty()) {
            lines.push(Line::blank());
        }
        lines.push(Line::comment(section));
        // The first planned line is a blank separator: the section comment replaces it.
        lines.extend(added.into_iter().skip(1));
    }
    (DisavowFile { lines }, report)
}

/// Why an existing entry is no longer backed by the audit, if it is not.
fn stale_reason(plan: &Plan, entry: &Entry, kept: Option<String>) -> Option<String> {
    if let Some(k) = kept {
        return Some(format!("{k} is on the keep list"));
    }
    match plan.backing(entry) {
        Backing::NotToxic => Some("the audit finds no followed toxic link here any more".into()),
        Backing::Toxic | Backing::NotAudited => None,
    }
}

/// What uploading `new` in place of `old` changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileDiff {
    /// Entries in `new` only.
    pub added: Vec<Entry>,
    /// Entries in `old` only, each with the `domain:` entry of `new` that still covers it.
    pub removed: Vec<(Entry, Option<String>)>,
    /// Entries in both.
    pub unchanged: usize,
}

/// Compares the entries of two files (sorted, duplicates once).
pub fn diff(old: &DisavowFile, new: &DisavowFile) -> FileDiff {
    let a: BTreeSet<&Entry> = old.entries().map(|(_, e)| e).collect();
    let b: BTreeSet<&Entry> = new.entries().map(|(_, e)| e).collect();
    let new_domains: BTreeSet<&str> = b
        .iter()
        .filter_map(|e| match e {
            Entry::Domain(d) => Some(d.as_str()),
            Entry::Url(_) => None,
        })
        .collect();
    FileDiff {
        added: b.difference(&a).map(|e| (*e).clone()).collect(),
        removed: a
            .difference(&b)
            .map(|e| {
                let cover = e.host().and_then(|h| {
                    covering_names(&h)
                        .find(|n| new_domains.contains(n))
                        .map(str::to_string)
                });
                ((*e).clone(), cover)
            })
            .collect(),
        unchanged: a.intersection(&b).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::disavow::plan::tests::page;
    use crate::actions::disavow::plan::{Options, plan};
    use crate::actions::disavow::validate;
    use crate::model::PageStatus;

    fn sample_plan() -> Plan {
        let pages = [
            page("https://cheap.click/a", PageStatus::Live, 60, &["spam-tld"]),
            page(
                "https://blog.test/1",
                PageStatus::Live,
                60,
                &["hidden-link"],
            ),
            page("https://clean.test/1", PageStatus::Live, 0, &[]),
        ];
        plan(
            &pages,
            &[],
            &Options {
                threshold: 50,
                audited_at: "2026-02-01T00:00:00Z".into(),
                ..Options::default()
            },
        )
    }

    #[test]
    fn merging_forty_thousand_entries_is_linear() {
        // 20,000 domain entries and 20,000 URLs of other hosts in the existing file, 20,000
        // toxic pages audited: every coverage check used to scan every domain (19 s).
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!(
                "domain:spam{i}.test\nhttps://www.blog{i}.test/post\n"
            ));
        }
        let existing = DisavowFile::parse(&text);
        let pages: Vec<_> = (0..20_000)
            .map(|i| {
                page(
                    &format!("https://x.site{i}.test/a"),
                    PageStatus::Live,
                    60,
                    &["hidden-link"],
                )
            })
            .collect();
        let opts = Options {
            threshold: 50,
            audited_at: "2026-02-01T00:00:00Z".into(),
            ..Options::default()
        };
        let start = std::time::Instant::now();
        let p = plan(&pages, &[], &opts);
        let (merged, report) = merge(&existing, &p, "Added", &[], false);
        let d = diff(&existing, &merged);
        let took = start.elapsed();
        assert_eq!(report.added.len(), 20_000);
        assert_eq!(d.added.len(), 20_000);
        assert!(report.covered.is_empty() && report.stale.is_empty());
        // Linear, this is well under a second even unoptimised; quadratic, minutes.
        assert!(took < std::time::Duration::from_secs(20), "{took:?}");
    }

    #[test]
    fn urls_google_would_refuse_are_left_out_and_listed() {
        let long = format!("https://spam.test/{}", "x".repeat(2100));
        let pages = [
            page(&long, PageStatus::Live, 60, &["hidden-link"]),
            page("https://spam.test/short", PageStatus::Live, 10, &[]),
        ];
        let opts = Options {
            threshold: 50,
            granularity: crate::actions::disavow::plan::Granularity::Url,
            audited_at: "2026-02-01T00:00:00Z".into(),
            ..Options::default()
        };
        let p = plan(&pages, &[], &opts);
        assert_eq!(p.too_long, [long]);
        assert_eq!(p.entries().count(), 0);
        let (file, _) = write(Vec::new(), &p);
        assert_eq!(
            validate::validate(file.render().as_bytes(), "d.txt").problems(),
            0
        );
    }

    #[test]
    fn merge_keeps_the_users_lines_and_reports_every_drop() {
        let existing = DisavowFile::parse(
            "# my own notes\n\
             domain:old-spam.test\n\
             https://www.cheap.click/b\n\
             https://old-spam.test/x\n\
             \n\
             # checked by hand\n\
             https://clean.test/1\n\
             https://blog.test/1\n\
             domain:partner.test\n",
        );
        let keep = vec!["partner.test".to_string()];
        let (merged, report) = merge(&existing, &sample_plan(), "Added", &keep, false);
        assert_eq!(
            merged.render(),
            "# my own notes\n\
             domain:old-spam.test\n\
             \n\
             # checked by hand\n\
             https://clean.test/1\n\
             https://blog.test/1\n\
             domain:partner.test\n\
             \n\
             # Added\n\
             # cheap.click: spam-tld; toxicity up to 60; 1 of 1 linking page toxic; spam-tld \
             concerns the whole site; audit 2026-02-01\n\
             domain:cheap.click\n"
        );
        let covered: Vec<(usize, String)> = report
            .covered
            .iter()
            .map(|c| (c.line, c.reason.clone()))
            .collect();
        assert_eq!(
            covered,
            [
                (3, "covered by domain:cheap.click".to_string()),
                (4, "covered by domain:old-spam.test".to_string())
            ]
        );
        assert_eq!(report.already, 1);
        let stale: Vec<usize> = report.stale.iter().map(|c| c.line).collect();
        assert_eq!(stale, [7, 9]);
        assert!(report.pruned.is_empty());

        let (pruned, report) = merge(&existing, &sample_plan(), "Added", &keep, true);
        let lines: Vec<usize> = report.pruned.iter().map(|c| c.line).collect();
        assert_eq!(lines, [7, 9]);
        assert!(!pruned.render().contains("clean.test"));
        assert!(pruned.render().contains("# checked by hand"));
    }

    #[test]
    fn diff_shows_what_an_upload_changes() {
        let old = DisavowFile::parse("domain:a.test\nhttps://b.test/1\nhttps://c.test/1\n");
        let new = DisavowFile::parse("# new\ndomain:a.test\ndomain:b.test\nhttps://d.test/1\n");
        let d = diff(&old, &new);
        assert_eq!(
            d.added,
            [
                Entry::Domain("b.test".into()),
                Entry::Url("https://d.test/1".into())
            ]
        );
        assert_eq!(
            d.removed,
            [
                (Entry::Url("https://b.test/1".into()), Some("b.test".into())),
                (Entry::Url("https://c.test/1".into()), None)
            ]
        );
        assert_eq!(d.unchanged, 1);
    }
}

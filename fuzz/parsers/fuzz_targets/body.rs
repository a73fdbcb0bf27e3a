//! The body of the `parsers` fuzz target, shared with the seed-corpus test of `backlinks-html`
//! (`crates/html/tests/fuzz_seeds.rs`), which runs it where no fuzzer is built.

/// Steps per input byte the parse may take (the hostile test's bound, docs/security.md).
const STEPS_PER_BYTE: u64 = 1024;
/// Tree bytes per input byte.
const TREE_PER_BYTE: usize = 32;
/// What any small input may cost regardless of its size, with the allowance for the
/// formatting elements a page may make the parser re-create (10,000 nodes).
const BASE: usize = 64 * 1024 + 10_000 * 128;

/// Checks one input (read as UTF-8 with replacement, as any page reaches the parser decoded).
pub fn check(data: &[u8]) {
    let html = String::from_utf8_lossy(data);
    if let Ok(fast) = backlinks_html::parse_fast(&html) {
        let reference = backlinks_html::parse_html5ever(&html);
        assert_eq!(fast.outline(), reference.outline(), "input: {html:?}");
    }
    let (parsed, cost) = backlinks_html::parse_counted(&html);
    let n = cost.input;
    assert!(
        cost.steps <= STEPS_PER_BYTE * n as u64 + BASE as u64,
        "{cost:?} for {:?}",
        parsed.by
    );
    assert!(cost.tree_bytes <= TREE_PER_BYTE * n + BASE, "{cost:?}");
    assert!(cost.guarded_bytes <= n + BASE, "{cost:?}");
}

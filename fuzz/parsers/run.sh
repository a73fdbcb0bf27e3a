#!/usr/bin/env bash
# Builds the `parsers` fuzz target with libFuzzer's coverage instrumentation and runs it for
# SECONDS (default 60) from its seeds: the fast parser against html5ever, and the linear-work
# bounds, on inputs the fuzzer mutates. cargo-fuzz is not needed: these are the flags it passes,
# without AddressSanitizer (nightly-only; the parsers are safe Rust), so a stable toolchain
# builds it. CI runs it after the tests (.ci/run); a crash or a timeout exits non-zero and
# leaves the input in fuzz/parsers/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
host="$(rustc -vV | sed -n 's/^host: //p')"
# `--target` keeps the flags off build scripts, which are not linked with libFuzzer.
RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks" \
    cargo build --locked --release --bin parsers --target "$host" --target-dir ../../target/fuzz
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
cp seeds/* "$corpus"/
mkdir -p artifacts
"../../target/fuzz/$host/release/parsers" "$corpus" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix=artifacts/

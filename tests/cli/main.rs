//! End-to-end tests of the `backlinks` binary: one test binary, one module per behaviour.
//! Nothing here touches the internet: pages are served from 127.0.0.1 by [`support::Server`]
//! under fake `.test` host names pinned with `--resolve`.

mod audit;
mod crawl;
mod disavow;
mod discover;
mod exit_codes;
mod faults;
mod gap;
mod gate;
mod graph;
mod history;
mod hostile;
mod hostile_files;
mod ingest;
mod inspect;
mod install;
mod mentions;
mod outreach;
mod placement;
mod props;
mod render;
mod report;
mod sample;
mod scoring;
mod security;
mod settings;
mod snapshots;
mod sources;
mod support;
mod trust;
mod ux;

//! Hostile files (issue 18): inputs that are small on disk and huge once read — a row of a
//! gigabyte in a `.csv.gz`, a JSON report that inflates without end, a WARC record larger
//! than `--max-body`, a gzipped page for `inspect` — and damaged rows. Each is read under its
//! cap, in bounded memory, and ends with a result or a clear error naming the file; never a
//! crash or a run that fills memory. Every input is generated here, in memory or as a small
//! file: the gzip streams repeat one compressed member, which `gzip -d` and every reader of
//! this tool decode as one stream.

use crate::support::{Run, backlinks, run, write};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A finished run and the peak resident memory of the child in MiB, read from
/// `/proc/PID/status` (`VmHWM`, the high-water mark of its own memory after `exec`) while it
/// runs. `wait4`'s `ru_maxrss` is no use here: Linux carries the memory of the test process,
/// which the child shares until it execs, into it.
struct Measured {
    run: Run,
    peak_mib: u64,
}

fn run_peak(cmd: &mut Command) -> Measured {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status_file = format!("/proc/{}/status", child.id());
    let (start, mut peak_kib) = (Instant::now(), 0u64);
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the run did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Measured {
        run: Run {
            code: status.code().unwrap_or(-1),
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
        },
        peak_mib: peak_kib / 1024,
    }
}

/// A gzip member of `bytes`.
fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// `head`, then `mib` MiB of `fill`, then `tail`, as one gzip stream of concatenated members
/// (a few KiB for hundreds of MiB).
fn gz_stream(head: &[u8], fill: u8, mib: usize, tail: &[u8]) -> Vec<u8> {
    let member = gz(&vec![fill; 1 << 20]);
    let mut out = gz(head);
    for _ in 0..mib {
        out.extend(&member);
    }
    out.extend(gz(tail));
    out
}

fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn sources(path: &Path) -> Measured {
    run_peak(backlinks().args(["sources", "--format", "json"]).arg(path))
}

#[test]
fn a_gigantic_row_in_a_gzipped_export_is_skipped_while_it_is_read() {
    // 64 MiB inside one quoted cell: the old reader buffered the whole row (twice, growing)
    // before the 1 MiB limit could skip it.
    let dir = tempfile::tempdir().unwrap();
    let bytes = gz_stream(
        b"Linking page,Last crawled\nhttps://a.test/1,2026-08-01\nhttps://a.test/2,\"",
        b'x',
        64,
        b"\"\nhttps://a.test/3,2026-08-01\n",
    );
    assert!(bytes.len() < 1 << 20);
    let path = write_bytes(dir.path(), "links.csv.gz", &bytes);
    let m = sources(&path);
    let r = &m.run;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let input = &j["inputs"][0];
    assert_eq!(input["pages"], 2, "{input}");
    assert_eq!(input["skipped"], 1, "{input}");
    let reason = input["skipped_reasons"][0].to_string();
    assert!(reason.contains("row longer than 1 MiB"), "{reason}");
    let peak = m.peak_mib;
    assert!(peak < 48, "peak memory {peak} MiB for a 64 MiB row");
}

#[test]
fn a_row_with_a_nul_byte_is_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "links.csv",
        "Linking page,Last crawled\nhttps://a.test/1,2026-08-01\nhttps://a.test/\0x,2026-08-01\n\
         https://a.test/3,2026-08-01\n",
    );
    let r = &sources(&path).run;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let input = &r.json()["inputs"][0];
    assert_eq!(
        (input["pages"].clone(), input["skipped"].clone()),
        (2.into(), 1.into())
    );
    let reason = input["skipped_reasons"][0].to_string();
    assert!(reason.contains("NUL"), "{reason}");
    // Before a recognised header, a NUL still means binary data.
    let bin = write(dir.path(), "bin.csv", "\0\0Linking page,Last crawled\n");
    let r = run(backlinks().arg("sources").arg(&bin));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("bin.csv:1: contains NUL bytes"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_json_report_that_inflates_without_end_is_refused_at_the_cap() {
    // 300 MiB of spaces after the opening brace, in a 300 KiB file: read up to the 256 MiB
    // cap, then refused, naming the file.
    let dir = tempfile::tempdir().unwrap();
    let bytes = gz_stream(
        b"{\n\"schema_version\": 1,\n\"pages\": [\n",
        b' ',
        300,
        b"]}",
    );
    let path = write_bytes(dir.path(), "old-audit.json.gz", &bytes);
    let m = sources(&path);
    let r = &m.run;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("old-audit.json.gz` is a JSON report larger than 256 MiB"),
        "{}",
        r.stderr
    );
    // The cap itself, not twice it (a buffer growing by doubling) or the stream's size.
    let peak = m.peak_mib;
    assert!(peak < 320, "peak memory {peak} MiB");
}

#[test]
fn inspect_inflates_a_gzipped_page_at_most_to_max_body() {
    let dir = tempfile::tempdir().unwrap();
    let page = b"<html><body><p><a href='https://example.com/'>x</a></p>";
    let bomb = gz_stream(page, b' ', 8, b"</body></html>");
    let path = write_bytes(dir.path(), "page.html.gz", &bomb);
    let m = run_peak(
        backlinks()
            .arg("inspect")
            .arg(&path)
            .args(["--max-body", "4M"]),
    );
    assert_eq!(m.run.code, 2, "{}", m.run.stderr);
    assert!(
        m.run
            .stderr
            .contains("page.html.gz` is larger than --max-body (4 MiB)"),
        "{}",
        m.run.stderr
    );
    assert!(m.peak_mib < 48, "{} MiB", m.peak_mib);
    // Under the cap it is read.
    let r =
        run(backlinks()
            .arg("inspect")
            .arg(&path)
            .args(["--max-body", "100M", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("https://example.com/"), "{}", r.stdout);
}

/// A WARC response record for `uri` with `http` (status line, headers and body) as content.
fn warc_record(uri: &str, http: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n\
         WARC-Date: 2026-01-01T00:00:00Z\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    r.extend(http);
    r.extend(b"\r\n\r\n");
    r
}

#[test]
fn warc_records_honour_max_body() {
    let link = b"<p>A fine article. <a href='https://example.com/'>Example</a></p>";
    let ok = [
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".as_slice(),
        link,
    ]
    .concat();
    // 3 MiB of page, and a gzipped body inflating to 64 MiB, under --max-body 1M.
    let mut big = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".to_vec();
    big.extend(link);
    big.extend(vec![b' '; 3 << 20]);
    let mut bomb =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    bomb.extend(gz_stream(link, b' ', 64, b""));
    let mut warc = warc_record("https://ok.test/", &ok);
    warc.extend(warc_record("https://big.test/", &big));
    warc.extend(warc_record("https://bomb.test/", &bomb));
    let dir = tempfile::tempdir().unwrap();
    let path = write_bytes(dir.path(), "pages.warc", &warc);
    let m = run_peak(
        backlinks()
            .args(["audit", "example.com", "--no-store", "--format", "json"])
            .args(["--max-body", "1M", "--archive"])
            .arg(&path),
    );
    let r = &m.run;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let status = |u: &str| {
        let p = crate::support::page(&j, u);
        (p["status"].clone(), p["error"].clone())
    };
    assert_eq!(status("https://ok.test/").0, "live");
    for u in ["https://big.test/", "https://bomb.test/"] {
        assert_eq!(
            status(u),
            ("unreachable".into(), "body-too-large".into()),
            "{u}"
        );
    }
    assert!(m.peak_mib < 96, "{} MiB", m.peak_mib);
    // A header line without end is an error naming the archive and the record, not a buffer
    // that grows with the file.
    let mut endless = b"WARC/1.0\r\nWARC-Type: response\r\nX-Junk: ".to_vec();
    endless.extend(vec![b'a'; 200 * 1024]);
    let path = write_bytes(dir.path(), "junk.warc", &endless);
    let r = run(backlinks()
        .args(["audit", "example.com", "--no-store", "--archive"])
        .arg(&path));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("junk.warc` (record 1)") && r.stderr.contains("longer than 64 KiB"),
        "{}",
        r.stderr
    );
}

#[test]
fn disavow_validate_stops_at_the_size_limit() {
    // 100 MB of invalid lines through a pipe named .txt: the validator reads a little past
    // 2 MB, reports the size alone and stops; the writer sees the pipe close.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("huge.txt");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            let line = b"*.not valid at all\n".repeat(1000);
            let mut written = 0usize;
            while written < 100_000_000 {
                if f.write_all(&line).is_err() {
                    break;
                }
                written += line.len();
            }
            written
        })
    };
    let r = run(backlinks().args(["disavow", "validate"]).arg(&fifo));
    let written = writer.join().unwrap();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout.contains("Google accepts at most 2 MB"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("the lines were not checked"),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    assert!(written < 100_000_000, "the whole file was read");
}

#[test]
fn disavow_never_writes_a_file_its_validator_rejects() {
    let s = crate::support::Server::start();
    crate::disavow::serve(&s);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    crate::disavow::audit(&s, dir.path(), &db);
    // A valid file of 99,999 lines: merging the audit's entries would pass 100,000.
    let existing = write(dir.path(), "disavow.txt", &"# note\n".repeat(99_999));
    let out = dir.path().join("new.txt");
    let r = run(backlinks()
        .args(["disavow", "example.com", "--db"])
        .arg(&db)
        .arg("--merge")
        .arg(&existing)
        .arg("-o")
        .arg(&out));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("Google accepts at most 100000"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert!(!out.exists());
    // A thousand lines fewer, and the result passes `validate`.
    let existing = write(dir.path(), "disavow.txt", &"# note\n".repeat(99_000));
    let r = run(backlinks()
        .args(["disavow", "example.com", "--db"])
        .arg(&db)
        .arg("--merge")
        .arg(&existing)
        .arg("-o")
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = run(backlinks().args(["disavow", "validate"]).arg(&out));
    assert_eq!(v.code, 0, "{}", v.stdout);
}

//! The browser process: finding Chromium, starting it headless with a fresh profile and the
//! DevTools protocol on a pipe, and stopping it (and deleting the profile) when the run ends.
//!
//! Chromium never reaches the network itself. Every request of a page is paused by the
//! `Fetch` domain and answered by backlinks ([`super::page`]); so that nothing can slip past
//! that interception (WebSockets, service-worker fetches, prefetches of the browser's own),
//! the browser is also given a proxy that does not exist (`127.0.0.1:9`, the discard port,
//! loopback included through `<-loopback>`) and a host resolver that resolves nothing.

use super::cdp::Connection;
use anyhow::Context;
use serde_json::json;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

/// The names looked for on `PATH`, in order.
pub const NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// How long the browser may take to start and answer its first command.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The flags every run starts Chromium with (issue 22), the profile, proxy and resolver
/// flags aside.
const FLAGS: &[&str] = &[
    "--headless",
    // The sandbox needs user namespaces or a setuid helper, which containers and CI runners
    // often lack; the pages are isolated by the interception instead (no request leaves
    // without the guard's consent) and by the per-page browser context.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    // window.open and target=_blank open nothing.
    "--block-new-web-contents",
    // Cross-site frames stay in the page's process: a frame in a process of its own is a
    // target of its own, whose requests the page's `Fetch` interception would not see (the
    // dead proxy below would refuse them, unrecorded). Pages are isolated per browser context.
    "--disable-site-isolation-trials",
    "--disable-features=ServiceWorker,MediaRouter,OptimizationHints,Translate,IsolateOrigins,\
     site-per-process",
    "--disable-dev-shm-usage",
    // No disk cache: pages render in memory-only browser contexts anyway, and a cache index
    // written at exit could outlive the deleted profile.
    "--disk-cache-dir=/dev/null",
    // A page's scripts get at most this much heap (MB): a memory bomb ends that page's
    // render, not the machine.
    "--js-flags=--max-old-space-size=512",
    "--remote-debugging-pipe",
    // Nothing may connect directly: an unreachable proxy for everything, loopback too.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "about:blank",
];

/// The browser binary: `explicit` (`--chromium` or `$CHROME`) when given, else the first of
/// [`NAMES`] on `path` (`$PATH`).
pub fn find(explicit: Option<&Path>, path: Option<OsString>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return match is_executable(p) {
            true => Ok(p.to_path_buf()),
            false => Err(format!(
                "the Chromium binary `{}` does not exist or is not executable",
                p.display()
            )),
        };
    }
    let dirs: Vec<PathBuf> = path
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    for name in NAMES {
        for dir in &dirs {
            let candidate = dir.join(name);
            if is_executable(&candidate) {
                return Ok(candidate);
            }
        }
    }
    Err(format!(
        "no Chromium found: none of {} is on PATH (install the `chromium` package, or give \
         --chromium PATH or $CHROME)",
        NAMES.join(", ")
    ))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// A running headless browser. Dropping it (or calling [`Browser::shutdown`]) closes the
/// browser and deletes its profile.
pub struct Browser {
    /// The DevTools connection.
    pub cdp: Connection,
    /// What the browser says it is (`HeadlessChrome/131.0...`).
    pub version: String,
    process: Mutex<Option<Process>>,
}

/// The browser's process and profile, until shut down.
struct Process {
    // Killed before the profile is deleted on an interruption; dropped before `child` is
    // reaped.
    _child_registered: Option<crate::interrupt::ChildRegistration>,
    child: Child,
    // Deleted after the child is reaped.
    profile: tempfile::TempDir,
    _registered: crate::interrupt::TempRegistration,
}

/// Shuts the browser down when dropped, even while other holders keep it: an interrupted run
/// leaves tasks (and so the browser) alive until the process ends, and its profile must not
/// outlive the run.
pub struct Closer(Weak<Browser>);

impl Drop for Closer {
    fn drop(&mut self) {
        if let Some(b) = self.0.upgrade() {
            b.shutdown();
        }
    }
}

impl Browser {
    /// Starts `binary` with a fresh profile and waits until it answers.
    pub fn launch(binary: &Path) -> anyhow::Result<Browser> {
        // Registered, so that an interrupted run deletes the profile too.
        let (profile, registered) = crate::interrupt::create_temp(|| {
            let dir = tempfile::Builder::new()
                .prefix("backlinks-chromium-")
                .tempdir()?;
            let path = dir.path().to_path_buf();
            Ok((dir, path))
        })
        .context("cannot create a temporary browser profile")?;
        let (from_browser, browser_out) = std::io::pipe().context("cannot create a pipe")?;
        let (browser_in, to_browser) = std::io::pipe().context("cannot create a pipe")?;
        let mut cmd = Command::new(binary);
        cmd.args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        pipe_fds(&mut cmd, browser_in, browser_out)?;
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start Chromium `{}`", binary.display()))?;
        // The child's ends were moved into the command and are closed with it.
        drop(cmd);
        let cdp = Connection::new(from_browser, to_browser)
            .context("cannot start the DevTools connection threads")?;
        let mut browser = Browser {
            cdp,
            version: String::new(),
            process: Mutex::new(Some(Process {
                _child_registered: Some(crate::interrupt::register_child(child.id())),
                child,
                profile,
                _registered: registered,
            })),
        };
        let version = browser
            .cdp
            .call_blocking(None, "Browser.getVersion", json!({}), START_TIMEOUT)
            .with_context(|| {
                format!(
                    "Chromium `{}` started but did not answer on the DevTools pipe",
                    binary.display()
                )
            })?;
        browser.version = version["product"].as_str().unwrap_or("").to_string();
        // Downloads are refused for the whole browser; each page's context inherits it.
        browser
            .cdp
            .call_blocking(
                None,
                "Browser.setDownloadBehavior",
                json!({"behavior": "deny"}),
                START_TIMEOUT,
            )
            .context("Chromium refused to turn downloads off")?;
        Ok(browser)
    }
}

impl Browser {
    /// A handle that shuts this browser down when dropped.
    pub fn closer(self: &Arc<Browser>) -> Closer {
        Closer(Arc::downgrade(self))
    }

    /// Closes the browser and deletes its profile (once; later calls do nothing). Pages being
    /// rendered then fail as the browser's end.
    pub fn shutdown(&self) {
        let taken = self
            .process
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(mut p) = taken else { return };
        p._child_registered = None;
        // Killed, not asked to close: a closing browser writes its state into the profile,
        // and during an interrupt that can happen after the profile was deleted. Nothing of
        // the profile is worth keeping.
        crate::interrupt::kill_group(p.child.id());
        let _ = p.child.kill();
        let _ = p.child.wait();
        // Its helper processes end once the browser is gone; one may still be writing for a
        // moment, so the deletion is retried briefly.
        let dir = p.profile.keep();
        for _ in 0..20 {
            let _ = std::fs::remove_dir_all(&dir);
            if !dir.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Gives the child the DevTools pipe: it reads commands on fd 3 and writes on fd 4
/// (`--remote-debugging-pipe`).
#[cfg(unix)]
fn pipe_fds(
    cmd: &mut Command,
    reads: std::io::PipeReader,
    writes: std::io::PipeWriter,
) -> anyhow::Result<()> {
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    let (r, w): (OwnedFd, OwnedFd) = (reads.into(), writes.into());
    let (rfd, wfd) = (r.as_raw_fd(), w.as_raw_fd());
    // SAFETY: the closure runs in the forked child before exec and calls only fcntl, dup2
    // and prctl, which are async-signal-safe; it touches no memory of the parent but the two
    // integers it captured. `r` and `w` stay open in the parent until the closure is gone
    // (they are moved into it below), so the numbers are valid at fork time.
    // Its own process group: the browser's helpers (zygote, renderers) are killed with it in
    // one call, so none writes into the profile after it is deleted; a terminal's Ctrl-C goes
    // to backlinks alone, which ends the browser itself.
    cmd.process_group(0);
    unsafe {
        cmd.pre_exec(move || {
            let _keep = (&r, &w);
            // Copy both above 4 first: one of them may already be fd 3 or 4.
            let r2 = libc::fcntl(rfd, libc::F_DUPFD, 10);
            let w2 = libc::fcntl(wfd, libc::F_DUPFD, 10);
            if r2 < 0 || w2 < 0 || libc::dup2(r2, 3) < 0 || libc::dup2(w2, 4) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::close(r2);
            libc::close(w2);
            // If backlinks dies without closing the browser (kill -9), so does the browser.
            #[cfg(target_os = "linux")]
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn pipe_fds(_: &mut Command, _: std::io::PipeReader, _: std::io::PipeWriter) -> anyhow::Result<()> {
    anyhow::bail!("rendering needs a Unix system (the DevTools pipe is passed as fds 3 and 4)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_binary_must_exist_and_the_path_is_searched_in_order() {
        let e = find(Some(Path::new("/nonexistent/chrome")), None).unwrap_err();
        assert!(e.contains("/nonexistent/chrome"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = find(None, Some(dir.path().as_os_str().to_owned())).unwrap_err();
        assert!(e.contains("--chromium"), "{e}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for name in ["google-chrome", "chromium-browser"] {
                let p = dir.path().join(name);
                std::fs::write(&p, "#!/bin/sh\n").unwrap();
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
            let found = find(None, Some(dir.path().as_os_str().to_owned())).unwrap();
            assert_eq!(found, dir.path().join("chromium-browser"));
        }
    }
}

//! The Chrome DevTools Protocol over `--remote-debugging-pipe`: JSON messages separated by a
//! NUL byte, commands written to the browser's fd 3 and answers and events read from its fd 4.
//!
//! One [`Connection`] per browser. Two plain threads do the I/O (a pipe is blocking), so the
//! connection works with or without an async runtime: commands are answered through oneshot
//! channels, and events are routed by their `sessionId` (one tab each, attached with
//! `flatten: true`) to the receiver that [`Connection::subscribe`] handed out. When the
//! browser goes away every pending command fails with [`CdpError::Closed`] and every event
//! stream ends, so no caller waits forever on a dead browser.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{mpsc, oneshot};

/// The largest message read from the browser. A DOM is sent as one string; past this the
/// connection is treated as broken rather than buffered without end.
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// Why a command failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CdpError {
    /// The browser closed the pipe (it exited or crashed).
    #[error("the browser closed the DevTools connection")]
    Closed,
    /// The browser answered with an error.
    #[error("{method}: {message}")]
    Protocol {
        /// The command.
        method: String,
        /// The browser's message.
        message: String,
    },
}

/// An event of one session (or of the browser, session `""`).
#[derive(Debug, Clone)]
pub struct Event {
    /// `Domain.event`.
    pub method: String,
    /// Its parameters.
    pub params: Value,
}

type Pending = HashMap<u64, (String, oneshot::Sender<Result<Value, CdpError>>)>;

#[derive(Default)]
struct Shared {
    pending: Mutex<Pending>,
    sessions: Mutex<HashMap<String, mpsc::UnboundedSender<Event>>>,
    /// Set once the reader saw the end of the pipe: later commands fail at once.
    closed: Mutex<bool>,
}

/// A DevTools connection to one browser.
pub struct Connection {
    out: std::sync::mpsc::Sender<Vec<u8>>,
    shared: Arc<Shared>,
    next_id: AtomicU64,
}

impl Connection {
    /// Starts the reader and writer threads over the browser's pipes.
    pub fn new(
        from_browser: impl Read + Send + 'static,
        to_browser: impl Write + Send + 'static,
    ) -> std::io::Result<Connection> {
        let shared = Arc::new(Shared::default());
        let (out, rx) = std::sync::mpsc::channel::<Vec<u8>>();
        let mut to_browser = to_browser;
        std::thread::Builder::new()
            .name("cdp-write".into())
            .spawn(move || {
                while let Ok(msg) = rx.recv() {
                    if to_browser.write_all(&msg).is_err() || to_browser.flush().is_err() {
                        break;
                    }
                }
            })?;
        let reader_shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("cdp-read".into())
            .spawn(move || read_loop(BufReader::new(from_browser), &reader_shared))?;
        Ok(Connection {
            out,
            shared,
            next_id: AtomicU64::new(1),
        })
    }

    /// Sends `method` with `params` (to `session`, or the browser) and waits for the answer.
    pub async fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, CdpError> {
        let rx = self.send(session, method, params)?;
        rx.await.unwrap_or(Err(CdpError::Closed))
    }

    /// [`Connection::call`] for code without an async runtime (the launch check).
    pub fn call_blocking(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
        timeout: std::time::Duration,
    ) -> Result<Value, CdpError> {
        let rx = self.send(session, method, params)?;
        let (tx, done) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(rx.blocking_recv().unwrap_or(Err(CdpError::Closed)));
        });
        done.recv_timeout(timeout)
            .unwrap_or(Err(CdpError::Protocol {
                method: method.to_string(),
                message: format!("no answer within {} s", timeout.as_secs()),
            }))
    }

    /// Sends a command without waiting for its answer (a reply to a paused request: its
    /// answer carries nothing, and an error only means the tab is gone).
    pub fn notify(&self, session: Option<&str>, method: &str, params: Value) {
        let _ = self.send(session, method, params);
    }

    fn send(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<oneshot::Receiver<Result<Value, CdpError>>, CdpError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let (tx, rx) = oneshot::channel();
        {
            // Under the `closed` lock, so the reader cannot fail everything pending between
            // the check and the insertion and leave this one waiting.
            let closed = lock(&self.shared.closed);
            if *closed {
                return Err(CdpError::Closed);
            }
            lock(&self.shared.pending).insert(id, (method.to_string(), tx));
        }
        let mut bytes = serde_json::to_vec(&msg).expect("a JSON value serialises");
        bytes.push(0);
        if self.out.send(bytes).is_err() {
            lock(&self.shared.pending).remove(&id);
            return Err(CdpError::Closed);
        }
        Ok(rx)
    }

    /// The events of `session` from now on (`""`: the browser's own).
    pub fn subscribe(&self, session: &str) -> mpsc::UnboundedReceiver<Event> {
        let (tx, rx) = mpsc::unbounded_channel();
        if !*lock(&self.shared.closed) {
            lock(&self.shared.sessions).insert(session.to_string(), tx);
        }
        rx
    }

    /// Stops routing the events of `session`.
    pub fn unsubscribe(&self, session: &str) {
        lock(&self.shared.sessions).remove(session);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn read_loop(mut input: impl BufRead, shared: &Shared) {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match input
            .by_ref()
            .take(MAX_MESSAGE as u64 + 1)
            .read_until(0, &mut buf)
        {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if buf.last() == Some(&0) {
            buf.pop();
        } else if buf.len() > MAX_MESSAGE {
            break;
        }
        let Ok(msg) = serde_json::from_slice::<Value>(&buf) else {
            continue;
        };
        dispatch(msg, shared);
    }
    // The browser is gone: fail what waits, end every event stream.
    *lock(&shared.closed) = true;
    let pending: Vec<_> = lock(&shared.pending).drain().collect();
    for (_, (_, tx)) in pending {
        let _ = tx.send(Err(CdpError::Closed));
    }
    lock(&shared.sessions).clear();
}

fn dispatch(mut msg: Value, shared: &Shared) {
    if let Some(id) = msg.get("id").and_then(Value::as_u64) {
        let Some((method, tx)) = lock(&shared.pending).remove(&id) else {
            return;
        };
        let answer = match msg.get_mut("error") {
            Some(e) => Err(CdpError::Protocol {
                method,
                message: e
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("error")
                    .to_string(),
            }),
            None => Ok(msg
                .get_mut("result")
                .map(Value::take)
                .unwrap_or(Value::Null)),
        };
        let _ = tx.send(answer);
        return;
    }
    let Some(method) = msg
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return;
    };
    let session = msg
        .get("sessionId")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let params = msg
        .get_mut("params")
        .map(Value::take)
        .unwrap_or(Value::Null);
    let sessions = lock(&shared.sessions);
    if let Some(tx) = sessions.get(&session) {
        let _ = tx.send(Event { method, params });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake browser: answers every command with its method name, and sends one event to
    /// session `s1` before closing.
    #[test]
    fn answers_and_events_are_routed_and_a_closed_pipe_fails_everything() {
        let (from_browser, mut browser_out) = std::io::pipe().unwrap();
        let (browser_in, to_browser) = std::io::pipe().unwrap();
        let conn = Connection::new(from_browser, to_browser).unwrap();
        let mut events = conn.subscribe("s1");
        let fake = std::thread::spawn(move || {
            let mut input = BufReader::new(browser_in);
            let mut buf = Vec::new();
            // Two commands, then an event, then the pipe closes.
            for _ in 0..2 {
                buf.clear();
                input.read_until(0, &mut buf).unwrap();
                buf.pop();
                let cmd: Value = serde_json::from_slice(&buf).unwrap();
                let answer = if cmd["method"] == "Bad.method" {
                    json!({"id": cmd["id"], "error": {"message": "not found"}})
                } else {
                    json!({"id": cmd["id"], "result": {"echo": cmd["method"], "session": cmd["sessionId"]}})
                };
                browser_out
                    .write_all(&[serde_json::to_vec(&answer).unwrap(), vec![0]].concat())
                    .unwrap();
            }
            let event =
                json!({"method": "Page.loadEventFired", "sessionId": "s1", "params": {"t": 1}});
            browser_out
                .write_all(&[serde_json::to_vec(&event).unwrap(), vec![0]].concat())
                .unwrap();
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let ok = conn
                .call(Some("s1"), "Page.enable", json!({}))
                .await
                .unwrap();
            assert_eq!(ok, json!({"echo": "Page.enable", "session": "s1"}));
            let err = conn.call(None, "Bad.method", json!({})).await.unwrap_err();
            assert_eq!(err.to_string(), "Bad.method: not found");
            let e = events.recv().await.unwrap();
            assert_eq!(e.method, "Page.loadEventFired");
            fake.join().unwrap();
            // The fake browser is gone: the stream ends and new commands fail.
            assert!(events.recv().await.is_none());
            let gone = conn.call(None, "Browser.close", json!({})).await;
            assert_eq!(gone, Err(CdpError::Closed));
        });
    }
}

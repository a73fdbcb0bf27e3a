//! A small HTTP/1.1 server on 127.0.0.1 for end-to-end tests. Routes are keyed by host name
//! (from the `Host` header, so one server plays many sites pinned with `--resolve`) and path.
//! It records every request with its arrival time and headers, and can delay, compress or
//! misbehave ([`Misbehave`]: raw bytes, endless or trickled bodies, connection resets) for the
//! hostile-web tests. It also answers proxy-style requests (`GET http://host/path`), marking
//! them [`Hit::proxied`], so it can stand in for an HTTP proxy.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One canned answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Answer with these replies in turn on successive requests; the last one repeats.
    pub then: Vec<Reply>,
    /// Misbehave instead of sending a well-formed answer.
    pub misbehave: Option<Misbehave>,
}

/// Ways a hostile server breaks HTTP. Every one stops by itself: the server gives up writing
/// when the client hangs up, and after [`HOSTILE_LIMIT`] at the latest.
#[derive(Clone, Debug)]
pub enum Misbehave {
    /// Write these bytes as the whole answer (a bogus status line, a huge header...).
    Raw(Vec<u8>),
    /// A `200 text/html` chunked answer whose body never ends: `chunk` again and again.
    EndlessChunked(Vec<u8>),
    /// The normal answer, one byte every `Duration` (slowloris).
    Trickle(Duration),
    /// Reset the connection (TCP RST) as soon as the request has arrived.
    Reset,
}

/// The longest a misbehaving answer goes on.
pub const HOSTILE_LIMIT: Duration = Duration::from_secs(30);

impl Reply {
    pub fn new(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            then: Vec::new(),
            misbehave: None,
        }
    }

    /// A reply that misbehaves.
    pub fn hostile(how: Misbehave) -> Reply {
        let mut r = Reply::new(200);
        r.misbehave = Some(how);
        r
    }

    /// These exact bytes as the whole answer.
    pub fn raw(bytes: &[u8]) -> Reply {
        Reply::hostile(Misbehave::Raw(bytes.to_vec()))
    }

    /// Trickles this answer out one byte at a time.
    pub fn trickle(mut self, every: Duration) -> Reply {
        self.misbehave = Some(Misbehave::Trickle(every));
        self
    }

    /// A 200 `text/html; charset=utf-8` page.
    pub fn html(body: &str) -> Reply {
        Reply::new(200)
            .header("content-type", "text/html; charset=utf-8")
            .body(body.as_bytes())
    }

    /// A redirect.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::new(status).header("location", location)
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn body(mut self, body: &[u8]) -> Reply {
        self.body = body.to_vec();
        self
    }

    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = d;
        self
    }

    /// Gzip-compresses the body and says so.
    pub fn gzip(mut self) -> Reply {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&self.body).unwrap();
        self.body = enc.finish().unwrap();
        self.header("content-encoding", "gzip")
    }

    /// After this reply, answer with `next` (e.g. a 503 then a 200).
    pub fn then(mut self, next: Reply) -> Reply {
        self.then.push(next);
        self
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Hit {
    pub host: String,
    pub path: String,
    pub at: Instant,
    pub user_agent: String,
    /// Every header as received (names lower-cased), in order.
    pub headers: Vec<(String, String)>,
    /// The request named an absolute URL (`GET http://host/path`): it was sent to a proxy.
    pub proxied: bool,
}

impl Hit {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

type Routes = HashMap<(String, String), (Reply, usize)>;

/// The running server; stops when dropped (its thread ends with the test process).
pub struct Server {
    pub port: u16,
    routes: Arc<Mutex<Routes>>,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Server {
    pub fn start() -> Server {
        let routes: Arc<Mutex<Routes>> = Arc::default();
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let (tx, rx) = std::sync::mpsc::channel();
        let (r, h) = (Arc::clone(&routes), Arc::clone(&hits));
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap().port()).unwrap();
                loop {
                    let Ok((sock, _)) = listener.accept().await else {
                        continue;
                    };
                    let (r, h) = (Arc::clone(&r), Arc::clone(&h));
                    tokio::spawn(serve(sock, r, h));
                }
            });
        });
        Server {
            port: rx.recv().unwrap(),
            routes,
            hits,
        }
    }

    /// Serves `reply` for `http://{host}:{port}{path}`.
    pub fn route(&self, host: &str, path: &str, reply: Reply) -> &Server {
        self.routes
            .lock()
            .unwrap()
            .insert((host.to_string(), path.to_string()), (reply, 0));
        self
    }

    /// `http://host:port/path`.
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.port)
    }

    /// `--resolve host:port:127.0.0.1`.
    pub fn resolve(&self, host: &str) -> String {
        format!("{host}:{}:127.0.0.1", self.port)
    }

    /// `--resolve host:port:127.0.0.1` for each host, in order, as arguments: pins those
    /// names to this server (`cmd.args(s.pins(&hosts))`).
    pub fn pins<S: AsRef<str>>(&self, hosts: &[S]) -> Vec<String> {
        hosts
            .iter()
            .flat_map(|h| ["--resolve".to_string(), self.resolve(h.as_ref())])
            .collect()
    }

    /// Every request received, in arrival order.
    pub fn all_hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Requests received for `host` and `path`.
    pub fn hits(&self, host: &str, path: &str) -> Vec<Hit> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.host == host && h.path == path)
            .cloned()
            .collect()
    }
}

async fn serve(
    mut sock: tokio::net::TcpStream,
    routes: Arc<Mutex<Routes>>,
    hits: Arc<Mutex<Vec<Hit>>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 64 * 1024 {
            return;
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_string();
    // A proxy is asked for absolute URLs; route them by their path like any other request.
    let (path, proxied) = match target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        Some(rest) => (
            rest.find('/')
                .map_or("/".to_string(), |i| rest[i..].to_string()),
            true,
        ),
        None => (target.clone(), false),
    };
    let mut host = String::new();
    let mut user_agent = String::new();
    let mut headers = Vec::new();
    for l in lines.take_while(|l| !l.is_empty()) {
        if let Some((k, v)) = l.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
            match k.as_str() {
                "host" => {
                    host = v
                        .split(':')
                        .next()
                        .unwrap_or("")
                        .trim_end_matches('.')
                        .to_ascii_lowercase()
                }
                "user-agent" => user_agent = v.clone(),
                _ => {}
            }
            headers.push((k, v));
        }
    }
    hits.lock().unwrap().push(Hit {
        host: host.clone(),
        path: path.clone(),
        at: Instant::now(),
        user_agent,
        headers,
        proxied,
    });
    let reply = {
        let mut routes = routes.lock().unwrap();
        match routes.get_mut(&(host.clone(), path.clone())) {
            Some((reply, served)) => {
                let r = if *served == 0 || reply.then.is_empty() {
                    reply.clone()
                } else {
                    reply.then[(*served - 1).min(reply.then.len() - 1)].clone()
                };
                *served += 1;
                r
            }
            None => Reply::new(404)
                .header("content-type", "text/plain")
                .body(b"not found"),
        }
    };
    tokio::time::sleep(reply.delay).await;
    let deadline = tokio::time::Instant::now() + HOSTILE_LIMIT;
    match &reply.misbehave {
        None => {
            let _ = sock.write_all(&wire(&reply)).await;
        }
        Some(Misbehave::Raw(bytes)) => {
            let _ = sock.write_all(bytes).await;
        }
        Some(Misbehave::EndlessChunked(chunk)) => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\n\
                        transfer-encoding: chunked\r\n\r\n";
            if sock.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(chunk);
            framed.extend_from_slice(b"\r\n");
            // Ends when the client hangs up (the write fails) or at the deadline.
            while tokio::time::Instant::now() < deadline {
                if sock.write_all(&framed).await.is_err() {
                    return;
                }
            }
        }
        Some(Misbehave::Trickle(every)) => {
            for b in wire(&reply) {
                if tokio::time::Instant::now() >= deadline || sock.write_all(&[b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(*every).await;
            }
        }
        Some(Misbehave::Reset) => {
            // SO_LINGER 0 turns the close into a reset.
            let _ = sock.set_zero_linger();
            drop(sock);
            return;
        }
    }
    let _ = sock.shutdown().await;
}

/// A well-formed answer on the wire.
fn wire(reply: &Reply) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {} X\r\n", reply.status);
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        reply.body.len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&reply.body);
    bytes
}

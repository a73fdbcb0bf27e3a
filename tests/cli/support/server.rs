//! A small HTTP/1.1 server on 127.0.0.1 for end-to-end tests. Routes are keyed by host name
//! (from the `Host` header, so one server plays many sites pinned with `--resolve`) and path.
//! It records every request with its arrival time, and can delay, compress or misbehave.

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
}

impl Reply {
    pub fn new(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            then: Vec::new(),
        }
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
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_string();
    let mut host = String::new();
    let mut user_agent = String::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "host" => host = v.trim().split(':').next().unwrap_or("").to_string(),
                "user-agent" => user_agent = v.trim().to_string(),
                _ => {}
            }
        }
    }
    hits.lock().unwrap().push(Hit {
        host: host.clone(),
        path: path.clone(),
        at: Instant::now(),
        user_agent,
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
    let mut out = format!("HTTP/1.1 {} X\r\n", reply.status);
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        reply.body.len()
    ));
    let _ = sock.write_all(out.as_bytes()).await;
    let _ = sock.write_all(&reply.body).await;
    let _ = sock.shutdown().await;
}

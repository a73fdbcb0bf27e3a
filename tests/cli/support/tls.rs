//! A tiny HTTPS server on 127.0.0.1 with a self-signed certificate for `tls.test`
//! (`fixtures/tls/`, valid until 2126), to check that certificates are verified.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The running server; its thread ends with the test process.
pub struct TlsServer {
    pub port: u16,
    served: Arc<AtomicUsize>,
}

impl TlsServer {
    /// Serves `body` as an HTML page at every path but `/robots.txt` (404).
    pub fn start(body: &'static str) -> TlsServer {
        let cert = std::fs::read(super::fixture("tls/self-signed.der")).unwrap();
        let key = std::fs::read(super::fixture("tls/self-signed.key.der")).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(cert)],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.into()),
        )
        .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let served = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&served);
        std::thread::spawn(move || {
            for sock in listener.incoming() {
                let Ok(sock) = sock else { continue };
                let (config, count) = (Arc::clone(&config), Arc::clone(&count));
                std::thread::spawn(move || {
                    let _ = sock.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                    let conn = rustls::ServerConnection::new(config).unwrap();
                    let mut tls = rustls::StreamOwned::new(conn, sock);
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    // A client that rejects the certificate ends the handshake here.
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let robots = head.starts_with(b"GET /robots.txt ");
                    let (status, text) = if robots { (404, "") } else { (200, body) };
                    let _ = write!(
                        tls,
                        "HTTP/1.1 {status} X\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\
                         connection: close\r\n\r\n{text}",
                        text.len()
                    );
                    let _ = tls.flush();
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                    if !robots {
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        TlsServer { port, served }
    }

    /// Pages served (after a completed handshake).
    pub fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }
}

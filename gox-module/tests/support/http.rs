//! An HTTP/1.1 server on 127.0.0.1 serving a module proxy directory, which
//! can cut a response short or stall in the middle of one. Shared by
//! gox-module's and gox-cli's tests.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// An HTTP/1.1 server on 127.0.0.1 serving the files under `root`; 404 for
/// anything else. While `cut_short` holds a path suffix, responses for
/// matching paths announce the full length, send half and drop the
/// connection; while `stall` holds one, they send half and then nothing
/// (for a minute, with the connection open).
pub struct HttpServer {
    pub url: String,
    cut_short: Arc<Mutex<Option<String>>>,
    stall: Arc<Mutex<Option<String>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl HttpServer {
    pub fn start(root: &Path) -> HttpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let cut_short = Arc::new(Mutex::new(None::<String>));
        let stall = Arc::new(Mutex::new(None::<String>));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (root, cut, stalled, reqs) = (root.to_path_buf(), cut_short.clone(), stall.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (root, cut, stalled, reqs) = (root.clone(), cut.clone(), stalled.clone(), reqs.clone());
                std::thread::spawn(move || serve(stream, &root, &cut, &stalled, &reqs));
            }
        });
        HttpServer { url, cut_short, stall, requests }
    }

    pub fn cut_short(&self, path_suffix: Option<&str>) {
        *self.cut_short.lock().unwrap() = path_suffix.map(str::to_string);
    }

    pub fn stall(&self, path_suffix: Option<&str>) {
        *self.stall.lock().unwrap() = path_suffix.map(str::to_string);
    }

    /// The paths requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(
    stream: TcpStream,
    root: &Path,
    cut: &Mutex<Option<String>>,
    stall: &Mutex<Option<String>>,
    reqs: &Mutex<Vec<String>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    reqs.lock().unwrap().push(path.clone());
    let mut stream = stream;
    let file = root.join(path.trim_start_matches('/'));
    let body = if path.contains("..") { None } else { std::fs::read(&file).ok() };
    match body {
        None => {
            let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
        }
        Some(body) => {
            let header = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(header.as_bytes());
            let matches = |m: &Mutex<Option<String>>| m.lock().unwrap().as_ref().is_some_and(|s| path.ends_with(s.as_str()));
            if matches(stall) {
                let _ = stream.write_all(&body[..body.len() / 2]);
                let _ = stream.flush();
                std::thread::sleep(std::time::Duration::from_secs(60));
                return;
            }
            if matches(cut) {
                let _ = stream.write_all(&body[..body.len() / 2]);
                let _ = stream.flush();
                let _ = stream.shutdown(std::net::Shutdown::Both);
                return;
            }
            let _ = stream.write_all(&body);
        }
    }
    let _ = stream.flush();
}

//! Measures `gox lsp` the way an editor uses it, over stdio with the real
//! binary: how long after a change the changed file's diagnostics are
//! published, how long until an importer's are, and the server's memory.
//!
//! ```sh
//! python3 bench/gen.py --packages 50 --lines 100000 --out /tmp/p50
//! cargo run --release -p gox-cli --example lsp_bench -- target/release/gox /tmp/p50 p001/api.gox
//! ```
//!
//! The file must hold the generator's `seed := 17 // bench:edit` line and
//! declare `func Build(`, which other packages call.

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::{json, Value};

struct Server {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    messages: mpsc::Receiver<Message>,
    next_id: i32,
}

impl Server {
    fn start(gox: &Path, root: &Path, cache: &Path) -> Server {
        let mut child = Command::new(gox)
            .arg("lsp")
            .env("GOXCACHE", cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting gox lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(msg)) = Message::read(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut server = Server { child, stdin, messages, next_id: 0 };
        server.request("initialize", json!({ "processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {} }));
        server.notify("initialized", json!({}));
        server
    }

    fn send(&mut self, msg: Message) {
        msg.write(&mut self.stdin).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(method.to_string(), params)));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(id.clone(), method.to_string(), params)));
        loop {
            if let Message::Response(r) = self.messages.recv_timeout(Duration::from_secs(120)).expect("a response") {
                if r.id == id {
                    return r.response_result.unwrap_or(Value::Null);
                }
            }
        }
    }

    /// Waits for diagnostics published for a URI `accept` takes; returns
    /// the URI and the diagnostics.
    fn wait_publish(&mut self, accept: impl Fn(&str, &Value) -> bool) -> (String, Value) {
        loop {
            let msg = self.messages.recv_timeout(Duration::from_secs(120)).expect("diagnostics in time");
            if let Message::Notification(n) = msg {
                if n.method == "textDocument/publishDiagnostics" {
                    let uri = n.params["uri"].as_str().unwrap_or("").to_string();
                    if accept(&uri, &n.params) {
                        return (uri, n.params["diagnostics"].clone());
                    }
                }
            }
        }
    }

    /// (VmRSS, VmHWM) in MiB.
    fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)).and_then(|k| k.parse::<u64>().ok()).unwrap_or(0) / 1024
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, gox, root, file] = args.as_slice() else {
        eprintln!("usage: lsp_bench <gox binary> <project root> <file relative to the root>");
        std::process::exit(2);
    };
    let (gox, root) = (PathBuf::from(gox), std::fs::canonicalize(root).unwrap());
    let cache = tempfile::tempdir().unwrap();
    let path = root.join(file);
    let uri = format!("file://{}", path.display());
    let original = std::fs::read_to_string(&path).unwrap();
    assert!(original.contains("seed := 17 // bench:edit") && original.contains("func Build("), "not a generated api.gox");

    for round in ["cold cache", "warm cache"] {
        let mut server = Server::start(&gox, &root, cache.path());
        let opened = Instant::now();
        server.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "gox", "version": 1, "text": original } }));
        server.wait_publish(|u, _| u == uri);
        let first = opened.elapsed();
        // Let the whole-module pass finish before measuring edits.
        std::thread::sleep(Duration::from_millis(if round == "cold cache" { 4000 } else { 1500 }));
        let (rss, hwm) = server.memory();
        println!("{round}: open -> first diagnostics {first:.1?}; RSS {rss} MiB (peak {hwm} MiB)");

        let mut version = 1;
        let mut change = |server: &mut Server, text: &str| {
            version += 1;
            server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }));
            version
        };
        // A body edit, an error introduced, the error fixed: the file's own diagnostics.
        let mut body = Vec::new();
        let mut error = Vec::new();
        for i in 0..10 {
            let text = original.replace("seed := 17 // bench:edit", &format!("seed := {} // bench:edit", 1000 + i));
            let started = Instant::now();
            let v = change(&mut server, &text);
            server.wait_publish(|u, p| u == uri && p["version"] == v);
            body.push(started.elapsed());
            let text = original.replace("seed := 17 // bench:edit", "seed := \"x\" + 1 // bench:edit");
            let started = Instant::now();
            let v = change(&mut server, &text);
            server.wait_publish(|u, p| u == uri && p["version"] == v && p["diagnostics"].as_array().is_some_and(|d| !d.is_empty()));
            error.push(started.elapsed());
            std::thread::sleep(Duration::from_millis(300));
        }
        println!("  body edit -> file's diagnostics: median {:.1?}", median(body));
        println!("  error introduced -> file's diagnostics: median {:.1?}", median(error));

        // Typing: 30 changes 5 ms apart; only the last one matters.
        let started = Instant::now();
        let mut last = 0;
        for i in 0..30 {
            let text = original.replace("seed := 17 // bench:edit", &format!("seed := {} // bench:edit", 2000 + i));
            last = change(&mut server, &text);
            std::thread::sleep(Duration::from_millis(5));
        }
        let typed = started.elapsed();
        server.wait_publish(|u, p| u == uri && p["version"] == last);
        println!("  30 keystrokes in {typed:.0?} -> last one's diagnostics {:.1?} after the last keystroke", started.elapsed() - typed);
        std::thread::sleep(Duration::from_millis(1500));

        // An API change that breaks the importers.
        let text = original.replace("func Build(", "func Build2(");
        let started = Instant::now();
        change(&mut server, &text);
        let own = uri.clone();
        let (importer, _) = server.wait_publish(|u, p| u != own && p["diagnostics"].as_array().is_some_and(|d| !d.is_empty()));
        println!("  API change -> first importer's diagnostics ({}) {:.1?}", importer.rsplit('/').take(2).collect::<Vec<_>>().join(" <- "), started.elapsed());
        let (rss, hwm) = server.memory();
        println!("  RSS at the end {rss} MiB (peak {hwm} MiB)");
        server.request("shutdown", Value::Null);
        server.notify("exit", Value::Null);
        let _ = server.child.wait();
    }
}

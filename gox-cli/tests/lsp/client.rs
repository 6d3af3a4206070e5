//! An in-process LSP client: the server runs on a thread over
//! `lsp_server::Connection::memory()`, on a copy of a project in a
//! temporary directory with its own build cache and std mirror.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gox_cli::lsp::{serve, Settings};

use crate::support::copy_dir;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

/// How long a test waits for an answer before failing.
const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<()>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    pub notifications: Vec<Notification>,
    pub root: PathBuf,
    std_mirror: PathBuf,
    _tmp: tempfile::TempDir,
}

/// A response's result, or its error as `{code, message}`.
pub type Answer = Result<Value, Value>;

impl Client {
    /// A server on a new project made of `files` (path, contents).
    pub fn start(files: &[(&str, &str)]) -> Client {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("project");
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Client::start_in(tmp, root)
    }

    /// A server on a copy of `testdata/<name>`.
    pub fn start_testdata(name: &str) -> Client {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("project");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata").join(name);
        copy_dir(&src, &root);
        Client::start_in(tmp, root)
    }

    fn start_in(tmp: tempfile::TempDir, root: PathBuf) -> Client {
        let std_mirror = tmp.path().join("std");
        let settings = Settings { cache_dir: Some(tmp.path().join("cache")), std_mirror: std_mirror.clone(), build: Default::default() };
        let (server_side, conn) = Connection::memory();
        let server = std::thread::spawn(move || serve(server_side, settings).expect("server"));
        let mut client = Client { conn, server: Some(server), next_id: 0, notifications: Vec::new(), root, std_mirror, _tmp: tmp };
        let root_uri = client.uri_of(&client.root.clone());
        let init = client.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": {} }));
        assert!(init.is_ok(), "initialize: {init:?}");
        client.notify("initialized", json!({}));
        client
    }

    pub fn uri(&self, rel: &str) -> String {
        self.uri_of(&self.root.join(rel))
    }

    fn uri_of(&self, path: &Path) -> String {
        format!("file://{}", path.display())
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn send(&mut self, msg: Message) {
        self.conn.sender.send(msg).unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(method.to_string(), params)));
    }

    /// Sends a request and waits for its response.
    pub fn request(&mut self, method: &str, params: Value) -> Answer {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(id.clone(), method.to_string(), params)));
        let response = self.wait_response(&id);
        response.response_result.map_err(|e| json!({ "code": e.code, "message": e.message }))
    }

    fn recv(&mut self, deadline: Instant) -> Message {
        let left = deadline.saturating_duration_since(Instant::now());
        self.conn.receiver.recv_timeout(left).expect("the server answered in time")
    }

    fn wait_response(&mut self, id: &RequestId) -> Response {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.recv(deadline) {
                Message::Response(r) if r.id == *id => return r,
                Message::Notification(n) => self.notifications.push(n),
                _ => {}
            }
        }
    }

    /// Opens `rel` with its text on disk.
    pub fn open(&mut self, rel: &str) {
        let text = std::fs::read_to_string(self.path(rel)).unwrap();
        self.open_text(rel, &text);
    }

    pub fn open_text(&mut self, rel: &str, text: &str) {
        let uri = self.uri(rel);
        self.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "gox", "version": 1, "text": text } }));
    }

    /// Replaces the whole text of an open document.
    pub fn change(&mut self, rel: &str, version: i32, text: &str) {
        let uri = self.uri(rel);
        self.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }));
    }

    /// Waits for the diagnostics of `rel` for which `accept` holds (the
    /// newest published ones first) and returns them as (line:col message)
    /// lines, 1-based.
    pub fn diagnostics_until(&mut self, rel: &str, accept: impl Fn(&[String]) -> bool) -> Vec<String> {
        let uri = self.uri(rel);
        let deadline = Instant::now() + TIMEOUT;
        let mut last = None;
        loop {
            for n in std::mem::take(&mut self.notifications) {
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri {
                    let lines = diagnostic_lines(&n.params["diagnostics"]);
                    if accept(&lines) {
                        return lines;
                    }
                    last = Some(lines);
                }
            }
            if Instant::now() >= deadline {
                panic!("no accepted diagnostics for {rel}; last published: {last:?}");
            }
            match self.conn.receiver.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Message::Notification(n)) => self.notifications.push(n),
                Ok(_) | Err(_) => {}
            }
        }
    }

    /// `value` as text with the temporary paths replaced by `$ROOT` and `$STD`.
    pub fn redact(&self, value: &Value) -> String {
        let text = serde_json::to_string_pretty(value).unwrap();
        text.replace(&format!("file://{}", self.root.display()), "file://$ROOT")
            .replace(&format!("file://{}", self.std_mirror.display()), "file://$STD")
    }

    /// `textDocument/<method>` at a 0-based line and column of `rel`.
    pub fn at(&mut self, method: &str, rel: &str, line: u32, character: u32, extra: Value) -> Answer {
        let mut params = json!({ "textDocument": { "uri": self.uri(rel) }, "position": { "line": line, "character": character } });
        if let (Value::Object(p), Value::Object(e)) = (&mut params, extra) {
            p.extend(e);
        }
        self.request(&format!("textDocument/{method}"), params)
    }

    /// The 0-based (line, column) of the first `needle` in `rel`'s text
    /// on disk, plus `delta` columns.
    pub fn find(&self, rel: &str, needle: &str, delta: u32) -> (u32, u32) {
        let text = std::fs::read_to_string(self.path(rel)).unwrap();
        let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {rel}"));
        let line = text[..at].matches('\n').count() as u32;
        let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
        (line, col as u32 + delta)
    }

    pub fn shutdown(mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer, Ok(Value::Null));
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap();
    }
}

/// `line:col: message` for each diagnostic (1-based line and column).
pub fn diagnostic_lines(diags: &Value) -> Vec<String> {
    diags
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    let start = &d["range"]["start"];
                    let line = start["line"].as_u64().unwrap() + 1;
                    let col = start["character"].as_u64().unwrap() + 1;
                    format!("{line}:{col}: {}", d["message"].as_str().unwrap())
                })
                .collect()
        })
        .unwrap_or_default()
}


//! The main loop: the initialize handshake, documents and their versions,
//! and the dispatch of requests to the snapshot that answers them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crossbeam_channel::{select, Receiver, Sender};
use gox_common::RealFs;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions, InitializeParams, OneOf,
    PositionEncodingKind, RenameOptions, SaveOptions, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::analysis::{self, Job};
use super::convert::{self, Encoding, StdMirror};
use super::snapshot::{Ctx, Snapshot};
use super::{actions, complete, hover, navigate, symbols, LspError, Settings};
use crate::driver::workspace::find_module_root_in;

struct Document {
    version: i32,
    text: Arc<str>,
}

struct Server {
    client: Sender<Message>,
    settings: Settings,
    enc: Encoding,
    mirror: Arc<StdMirror>,
    /// The module root; found from the workspace folder, else from the
    /// first document opened.
    root: Option<PathBuf>,
    /// Open documents by path (a mirrored std file by its `/$std` path).
    docs: HashMap<PathBuf, Document>,
    /// Bumped on every change of the buffers.
    generation: u64,
    jobs: Sender<Job>,
    snapshots: Receiver<Arc<Snapshot>>,
    snapshot: Option<Arc<Snapshot>>,
    /// Requests waiting for the snapshot of the current generation.
    pending: Vec<Request>,
}

/// Serves one editor over `connection` until it says `exit` (or hangs up).
pub fn serve(connection: Connection, settings: Settings) -> anyhow::Result<()> {
    let (id, params) = connection.initialize_start()?;
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let utf8 = init
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|encodings| encodings.contains(&PositionEncodingKind::UTF8));
    let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
    #[allow(deprecated)] // root_uri: older clients send only that
    let folder = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(init.root_uri.clone())
        .and_then(|uri| convert::uri_to_path(&uri).ok());
    let root = folder.and_then(|dir| find_module_root_in(&RealFs, &dir));
    let result = serde_json::json!({
        "capabilities": capabilities(enc),
        "serverInfo": { "name": "gox", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result)?;

    let mirror = Arc::new(StdMirror::new(settings.std_mirror.clone()));
    let (snapshot_tx, snapshots) = crossbeam_channel::unbounded();
    let jobs = analysis::spawn(settings.clone(), enc, mirror.clone(), connection.sender.clone(), snapshot_tx);
    let mut server = Server {
        client: connection.sender.clone(),
        settings,
        enc,
        mirror,
        root,
        docs: HashMap::new(),
        generation: 0,
        jobs,
        snapshots,
        snapshot: None,
        pending: Vec::new(),
    };
    server.changed();
    server.run(&connection)
}

fn capabilities(enc: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(if enc == Encoding::Utf8 { PositionEncodingKind::UTF8 } else { PositionEncodingKind::UTF16 }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions { prepare_provider: Some(true), work_done_progress_options: Default::default() })),
        completion_provider: Some(CompletionOptions { trigger_characters: Some(vec![".".to_string()]), ..CompletionOptions::default() }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

impl Server {
    fn run(&mut self, connection: &Connection) -> anyhow::Result<()> {
        loop {
            select! {
                recv(connection.receiver) -> msg => {
                    let Ok(msg) = msg else { return Ok(()) };
                    match msg {
                        Message::Request(req) => {
                            if connection.handle_shutdown(&req)? {
                                return Ok(());
                            }
                            self.on_request(req);
                        }
                        Message::Notification(n) if n.method == note::Exit::METHOD => return Ok(()),
                        Message::Notification(n) => self.on_notification(n),
                        Message::Response(_) => {}
                    }
                }
                recv(self.snapshots) -> snapshot => {
                    let Ok(snapshot) = snapshot else { return Ok(()) };
                    self.snapshot = Some(snapshot);
                    if self.is_current() {
                        for req in std::mem::take(&mut self.pending) {
                            self.answer(req);
                        }
                    }
                }
            }
        }
    }

    /// Whether the snapshot saw the buffers as they are now.
    fn is_current(&self) -> bool {
        self.snapshot.as_ref().is_some_and(|s| s.generation == self.generation)
    }

    /// The buffers changed (or the server started): check them again.
    fn changed(&mut self) {
        self.generation += 1;
        let Some(root) = self.root.clone() else { return };
        let buffers = Arc::new(self.docs.iter().map(|(p, d)| (p.clone(), d.text.clone())).collect());
        let versions = Arc::new(self.docs.iter().map(|(p, d)| (p.clone(), d.version)).collect());
        let _ = self.jobs.send(Job { generation: self.generation, root, buffers, versions });
    }

    fn path(&self, uri: &lsp_types::Uri) -> Result<PathBuf, LspError> {
        Ok(self.mirror.to_virtual(&convert::uri_to_path(uri)?))
    }

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Some(p) = params::<lsp_types::DidOpenTextDocumentParams>(n) else { return };
                let Ok(path) = self.path(&p.text_document.uri) else { return };
                if self.root.is_none() {
                    self.root = path.parent().and_then(|d| find_module_root_in(&RealFs, d));
                }
                self.docs.insert(path, Document { version: p.text_document.version, text: p.text_document.text.into() });
                self.changed();
            }
            note::DidChangeTextDocument::METHOD => {
                let Some(p) = params::<lsp_types::DidChangeTextDocumentParams>(n) else { return };
                let Ok(path) = self.path(&p.text_document.uri) else { return };
                let enc = self.enc;
                let Some(doc) = self.docs.get_mut(&path) else { return };
                let mut text = doc.text.to_string();
                for change in p.content_changes {
                    match change.range {
                        Some(range) => {
                            let starts = convert::line_starts(&text);
                            let (Ok(lo), Ok(hi)) = (convert::offset(&text, &starts, range.start, enc), convert::offset(&text, &starts, range.end, enc)) else {
                                eprintln!("gox lsp: change of {} out of range: {range:?}", path.display());
                                continue;
                            };
                            text.replace_range(lo.min(hi) as usize..hi.max(lo) as usize, &change.text);
                        }
                        None => text = change.text,
                    }
                }
                doc.text = text.into();
                doc.version = p.text_document.version;
                self.changed();
            }
            note::DidCloseTextDocument::METHOD => {
                let Some(p) = params::<lsp_types::DidCloseTextDocumentParams>(n) else { return };
                let Ok(path) = self.path(&p.text_document.uri) else { return };
                if self.docs.remove(&path).is_some() {
                    self.changed();
                }
            }
            // The disk changed: files saved, changed by other programs.
            note::DidSaveTextDocument::METHOD | note::DidChangeWatchedFiles::METHOD => self.changed(),
            note::Cancel::METHOD => {
                let Some(p) = params::<lsp_types::CancelParams>(n) else { return };
                let id: RequestId = match p.id {
                    lsp_types::NumberOrString::Number(n) => n.into(),
                    lsp_types::NumberOrString::String(s) => s.into(),
                };
                if let Some(i) = self.pending.iter().position(|r| r.id == id) {
                    let req = self.pending.remove(i);
                    self.reply(Response::new_err(req.id, ErrorCode::RequestCanceled as i32, "canceled".to_string()));
                }
            }
            _ => {}
        }
    }

    fn on_request(&mut self, req: Request) {
        match req.method.as_str() {
            req::DocumentSymbolRequest::METHOD => {
                // From the current text: needs no analysis.
                let docs: HashMap<PathBuf, Arc<str>> = self.docs.iter().map(|(p, d)| (p.clone(), d.text.clone())).collect();
                let mirror = self.mirror.clone();
                let enc = self.enc;
                let response = respond(req, |p: lsp_types::DocumentSymbolParams| {
                    let path = mirror.to_virtual(&convert::uri_to_path(&p.text_document.uri)?);
                    let text = match docs.get(&path) {
                        Some(text) => text.to_string(),
                        None => std::fs::read_to_string(&path).map_err(|_| LspError::UnknownFile(format!("cannot read {}", path.display())))?,
                    };
                    Ok(lsp_types::DocumentSymbolResponse::Nested(symbols::document_symbols(path, &text, enc)))
                });
                self.reply(response);
            }
            req::HoverRequest::METHOD
            | req::GotoDefinition::METHOD
            | req::Completion::METHOD
            | req::CodeActionRequest::METHOD
            | req::References::METHOD
            | req::Rename::METHOD
            | req::PrepareRenameRequest::METHOD
            | req::WorkspaceSymbolRequest::METHOD => {
                if self.is_current() || self.root.is_none() {
                    self.answer(req);
                } else {
                    self.pending.push(req);
                }
            }
            _ => {
                let message = format!("unknown request {}", req.method);
                self.reply(Response::new_err(req.id, ErrorCode::MethodNotFound as i32, message));
            }
        }
    }

    /// Answers a request from the current snapshot.
    fn answer(&self, req: Request) {
        let Some(snap) = self.snapshot.clone().filter(|_| self.root.is_some()) else {
            let message = "no gox module: open a file of a module (a directory with a gox.mod)".to_string();
            self.reply(Response::new_err(req.id, ErrorCode::RequestFailed as i32, message));
            return;
        };
        let (enc, mirror, settings) = (self.enc, self.mirror.clone(), self.settings.clone());
        let client = self.client.clone();
        // What checks or parses the module again runs on its own thread;
        // the rest is quick.
        let heavy = [req::References::METHOD, req::Rename::METHOD, req::WorkspaceSymbolRequest::METHOD].contains(&req.method.as_str());
        let work = move || {
            let ctx = Ctx { snap: &snap, enc, mirror: &mirror };
            let response = match req.method.as_str() {
                req::HoverRequest::METHOD => respond(req, |p| hover::hover(&ctx, &p)),
                req::GotoDefinition::METHOD => respond(req, |p| navigate::definition(&ctx, &p)),
                req::Completion::METHOD => respond(req, |p| complete::completion(&ctx, &p)),
                req::CodeActionRequest::METHOD => respond(req, |p| actions::code_actions(&ctx, &p)),
                req::References::METHOD => respond(req, |p| navigate::references(&ctx, &settings, &p)),
                req::Rename::METHOD => respond(req, |p| navigate::rename(&ctx, &settings, &p)),
                req::PrepareRenameRequest::METHOD => respond(req, |p| navigate::prepare_rename(&ctx, &p)),
                req::WorkspaceSymbolRequest::METHOD => respond(req, |p: lsp_types::WorkspaceSymbolParams| {
                    let ws = ctx.snap.workspace().ok_or_else(|| LspError::Internal("the workspace could not be opened".into()))?;
                    Ok(lsp_types::WorkspaceSymbolResponse::Flat(symbols::workspace_symbols(ws, &p.query, enc)))
                }),
                _ => Response::new_err(req.id, ErrorCode::MethodNotFound as i32, format!("unknown request {}", req.method)),
            };
            let _ = client.send(Message::Response(response));
        };
        if heavy {
            std::thread::spawn(work);
        } else {
            work();
        }
    }

    fn reply(&self, response: Response) {
        let _ = self.client.send(Message::Response(response));
    }
}

/// The params of a notification, or `None` (and a note on stderr) when
/// they do not parse.
fn params<P: DeserializeOwned>(n: Notification) -> Option<P> {
    match serde_json::from_value(n.params) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("gox lsp: bad params of {}: {e}", n.method);
            None
        }
    }
}

/// Runs `f` on the request's params: its result, or an error response for
/// params that do not parse, a failure, or a panic.
fn respond<P: DeserializeOwned, R: Serialize>(req: Request, f: impl FnOnce(P) -> Result<R, LspError>) -> Response {
    let params: P = match serde_json::from_value(req.params) {
        Ok(p) => p,
        Err(e) => return Response::new_err(req.id, ErrorCode::InvalidParams as i32, format!("invalid params of {}: {e}", req.method)),
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(params))) {
        Ok(Ok(result)) => Response::new_ok(req.id, result),
        Ok(Err(e)) => Response::new_err(req.id, e.code(), e.message().to_string()),
        Err(_) => Response::new_err(req.id, ErrorCode::InternalError as i32, format!("gox lsp: {} failed (internal error)", req.method)),
    }
}

//! The analysis worker: one thread that checks what the buffers say and
//! publishes diagnostics. It always works on the newest [`Job`]: jobs that
//! queued up while it ran are dropped, so typing never queues up work.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};
use gox_common::{Diagnostic, FileSystem, RealFs, Severity, SourceMap};
use lsp_server::{Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, PublishDiagnosticsParams};

use super::convert::{self, Encoding, StdMirror};
use super::overlay::{Buffers, OverlayFs};
use super::snapshot::Snapshot;
use super::Settings;
use crate::driver::analyze::{analyze_project_with, Analysis, Options};
use crate::driver::cache::Cache;
use crate::driver::fileindex::{index_key, FileIndex, IndexedFs};
use crate::driver::load::Unit;
use crate::Workspace;

/// How long the buffers must stay unchanged before the whole module is
/// checked again (importers of the changed packages).
const MODULE_PASS_DELAY: std::time::Duration = std::time::Duration::from_millis(100);

/// What to check: the buffers at one generation.
pub struct Job {
    pub generation: u64,
    pub root: PathBuf,
    pub buffers: Buffers,
    /// Document versions, for the diagnostics published for open files.
    pub versions: Arc<HashMap<PathBuf, i32>>,
}

/// Starts the worker. It sends each snapshot of the open packages to
/// `snapshots` and publishes diagnostics through `client`.
pub fn spawn(settings: Settings, enc: Encoding, mirror: Arc<StdMirror>, client: Sender<Message>, snapshots: Sender<Arc<Snapshot>>) -> Sender<Job> {
    let (jobs, rx) = crossbeam_channel::unbounded::<Job>();
    std::thread::Builder::new()
        .name("gox-lsp-analysis".into())
        .spawn(move || {
            let cache = settings.cache_dir.clone().map(Cache::open);
            let mut worker = Worker { settings, cache, index: None, enc, mirror, client, published: HashMap::new() };
            worker.run(rx, snapshots);
        })
        .expect("spawning the analysis thread");
    jobs
}

struct Worker {
    settings: Settings,
    /// The build cache, kept across checks: its packs' indexes are read
    /// once, and listed again after each check (for new packs, ours or
    /// another process's).
    cache: Option<Cache>,
    /// The file index of the module being edited (its root, the index),
    /// renewed after each whole-module check: files on disk are read again
    /// only when they change.
    index: Option<(PathBuf, Arc<FileIndex>)>,
    enc: Encoding,
    mirror: Arc<StdMirror>,
    client: Sender<Message>,
    /// What the editor was last told, per file.
    published: HashMap<PathBuf, Vec<lsp_types::Diagnostic>>,
}

impl Worker {
    fn run(&mut self, jobs: Receiver<Job>, snapshots: Sender<Arc<Snapshot>>) {
        let mut next = None;
        loop {
            let mut job = match next.take() {
                Some(job) => job,
                None => match jobs.recv() {
                    Ok(job) => job,
                    Err(_) => return,
                },
            };
            while let Ok(newer) = jobs.try_recv() {
                job = newer;
            }
            let snapshot = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.check_open(&job)));
            let snapshot = snapshot.unwrap_or_else(|_| Snapshot::new(job.generation, job.root.clone(), job.buffers.clone(), None));
            if snapshots.send(Arc::new(snapshot)).is_err() {
                return;
            }
            self.finish_cache();
            // The whole module once the typing pauses: a keystroke that
            // comes meanwhile is checked first (the module pass cannot be
            // interrupted once it runs).
            match jobs.recv_timeout(MODULE_PASS_DELAY) {
                Ok(newer) => next = Some(newer),
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.check_module(&job)));
                    self.finish_cache();
                }
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// Writes what the last check stored (once its results are out), so
    /// that the next check and other processes find it.
    fn finish_cache(&self) {
        if let Some(cache) = &self.cache {
            cache.finish();
        }
    }

    /// The file index for `root` (with the build cache only).
    fn file_index(&mut self, root: &Path) -> Option<Arc<FileIndex>> {
        let dir = self.settings.cache_dir.as_ref()?;
        if self.index.as_ref().is_none_or(|(r, _)| r != root) {
            let index = FileIndex::load(dir, index_key(root, &self.settings.build));
            self.index = Some((root.to_path_buf(), Arc::new(index)));
        }
        self.index.as_ref().map(|(_, index)| index.clone())
    }

    /// The index for the next check: what this one read added to it, and
    /// saved when something new was indexed.
    fn renew_index(&mut self) {
        if let Some((root, index)) = self.index.take() {
            let renewed = index.renew(self.settings.cache_dir.as_deref());
            self.index = Some((root, Arc::new(renewed)));
        }
    }

    /// The module under `job.root` as the buffers show it: unsaved text
    /// over the files on disk, which the file index answers for while
    /// unchanged.
    fn workspace(&mut self, job: &Job, index: Option<&Arc<FileIndex>>) -> Result<Workspace, ()> {
        let fs: Arc<dyn FileSystem> = match index {
            Some(index) => Arc::new(OverlayFs::new(IndexedFs::new(RealFs, index.clone()), job.buffers.clone())),
            None => Arc::new(OverlayFs::new(RealFs, job.buffers.clone())),
        };
        match Workspace::open_in(fs.clone(), &job.root, self.settings.build.clone()) {
            Ok(ws) => Ok(ws),
            Err(err) => {
                // A broken gox.mod: shown in gox.mod, and nothing else is
                // checked until it is fixed.
                let map = SourceMap::new();
                let mut by_file = HashMap::new();
                by_file.insert(job.root.join("gox.mod"), Vec::new());
                if let Some(d) = err.diagnostic(&*fs, &map) {
                    let path = map.path(d.span.file);
                    by_file.entry(path).or_insert_with(Vec::new).push(d);
                }
                self.publish(&map, by_file, job, true);
                Err(())
            }
        }
    }

    /// The open packages, with full Info; everything else from the cache.
    fn check_open(&mut self, job: &Job) -> Snapshot {
        let index = self.file_index(&job.root);
        let Ok(ws) = self.workspace(job, index.as_ref()) else {
            return Snapshot::new(job.generation, job.root.clone(), job.buffers.clone(), None);
        };
        let mut patterns = Vec::new();
        let mut open_dirs = HashSet::new();
        for path in job.buffers.keys() {
            let Some(dir) = path.parent() else { continue };
            open_dirs.insert(dir.to_path_buf());
            if let Some(pattern) = pattern_for(&job.root, dir) {
                if !patterns.contains(&pattern) {
                    patterns.push(pattern);
                }
            }
        }
        patterns.sort();
        let wants_info = |u: &Unit| open_dirs.contains(&u.dir);
        let options =
            Options { cache: self.cache.as_ref(), info_for: Some(&wants_info), file_index: index.as_ref(), ..Options::default() };
        let analysis = if patterns.is_empty() { None } else { analyze_project_with(&ws, &patterns, options).ok() };
        let Some(analysis) = analysis else {
            return Snapshot::new(job.generation, job.root.clone(), job.buffers.clone(), None);
        };
        let mut by_file = files_of(&analysis, |u| u.is_root, &job.root);
        by_file.insert(job.root.join("gox.mod"), Vec::new());
        add_diagnostics(&analysis, &mut by_file);
        self.publish(&analysis.map, by_file, job, true);
        Snapshot::new(job.generation, job.root.clone(), job.buffers.clone(), Some((ws, analysis)))
    }

    /// Every package of the module from the cache: importers of a package
    /// whose API changed are checked again.
    fn check_module(&mut self, job: &Job) {
        let index = self.file_index(&job.root);
        let Ok(ws) = self.workspace(job, index.as_ref()) else { return };
        let options = Options { cache: self.cache.as_ref(), file_index: index.as_ref(), ..Options::default() };
        let Ok(analysis) = analyze_project_with(&ws, &["./...".to_string()], options) else { return };
        self.renew_index();
        let mut by_file = files_of(&analysis, |_| true, &job.root);
        // Files that had diagnostics and are no longer checked (deleted).
        for path in self.published.keys() {
            by_file.entry(path.clone()).or_default();
        }
        add_diagnostics(&analysis, &mut by_file);
        self.publish(&analysis.map, by_file, job, false);
    }

    /// Publishes the diagnostics of each file in `by_file` that changed
    /// since last told (and, with `open_too`, those of open files anyway).
    fn publish(&mut self, map: &SourceMap, by_file: HashMap<PathBuf, Vec<Diagnostic>>, job: &Job, open_too: bool) {
        let mut paths: Vec<&PathBuf> = by_file.keys().collect();
        paths.sort();
        for path in paths {
            let diagnostics: Vec<lsp_types::Diagnostic> = by_file[path].iter().filter_map(|d| self.to_lsp(map, d)).collect();
            let unchanged = self.published.get(path).map_or(diagnostics.is_empty(), |old| *old == diagnostics);
            let open = job.buffers.contains_key(path);
            if unchanged && !(open_too && open) {
                continue;
            }
            let params = PublishDiagnosticsParams {
                uri: convert::path_to_uri(path),
                diagnostics: diagnostics.clone(),
                version: job.versions.get(path).copied(),
            };
            let note = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
            let _ = self.client.send(Message::Notification(note));
            if diagnostics.is_empty() {
                self.published.remove(path);
            } else {
                self.published.insert(path.clone(), diagnostics);
            }
        }
    }

    fn to_lsp(&self, map: &SourceMap, d: &Diagnostic) -> Option<lsp_types::Diagnostic> {
        let file = map.get(d.span.file)?;
        let range = convert::range(&file, d.span, self.enc);
        let related: Vec<DiagnosticRelatedInformation> = d
            .notes
            .iter()
            .filter_map(|note| {
                let file = map.get(note.span.file)?;
                let uri = convert::path_to_uri(&self.mirror.to_disk(&file.path));
                Some(DiagnosticRelatedInformation {
                    location: Location { uri, range: convert::range(&file, note.span, self.enc) },
                    message: note.message.clone(),
                })
            })
            .collect();
        Some(lsp_types::Diagnostic {
            range,
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Note => DiagnosticSeverity::INFORMATION,
            }),
            source: Some("gox".to_string()),
            // A suggestion ends the message, as rust-analyzer shows rustc's.
            message: match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            },
            related_information: (!related.is_empty()).then_some(related),
            ..lsp_types::Diagnostic::default()
        })
    }
}

/// The pattern naming the package in `dir`: `./rel` in the module, the
/// import path of a std package; `None` for a dependency's directory or
/// one outside the module.
fn pattern_for(root: &Path, dir: &Path) -> Option<String> {
    if let Ok(rel) = dir.strip_prefix(gox_module::std::STD_ROOT) {
        return Some(rel.to_string_lossy().into_owned()).filter(|p| !p.is_empty());
    }
    if dir.starts_with(root.join(gox_module::goxdeps::GOXDEPS_DIR)) {
        return None;
    }
    let rel = dir.strip_prefix(root).ok()?;
    Some(if rel.as_os_str().is_empty() { ".".to_string() } else { format!("./{}", rel.to_string_lossy()) })
}

/// Every file of the units `select` picks that belongs to the module, with
/// no diagnostics yet.
fn files_of(analysis: &Analysis, select: impl Fn(&Unit) -> bool, root: &Path) -> HashMap<PathBuf, Vec<Diagnostic>> {
    let deps = root.join(gox_module::goxdeps::GOXDEPS_DIR);
    analysis
        .units
        .iter()
        .filter(|u| select(&u.unit))
        .flat_map(|u| &u.unit.files)
        .filter(|f| f.path.starts_with(root) && !f.path.starts_with(&deps))
        .map(|f| (f.path.clone(), Vec::new()))
        .collect()
}

/// Adds each diagnostic of the analysis to its file, for the files in `by_file`.
fn add_diagnostics(analysis: &Analysis, by_file: &mut HashMap<PathBuf, Vec<Diagnostic>>) {
    for d in analysis.diagnostics() {
        let file = analysis.map.file(d.span.file);
        if file.path_only {
            continue;
        }
        if let Some(list) = by_file.get_mut(&file.path) {
            list.push(d.clone());
        }
    }
}

//! `analyze_project`: patterns in, checked packages with diagnostics out.
//!
//! Packages are finished on the rayon pool, each as soon as everything it
//! imports is finished, so both cores stay busy on a wide graph. With a cache,
//! each package's key is computed from its sources and its imports' API
//! fingerprints; a hit gives its diagnostics and fingerprint without
//! parsing or checking. A miss is parsed and checked; the packages it
//! imports that were hits are rebuilt from their cached export data (or, if
//! that is unreadable, checked again).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use std::collections::HashMap;

use gox_analysis::export::{export_package_and_api, import_package_remapped};
use gox_analysis::{check_package, Config, ImportError, Package};
use gox_common::{Diagnostic, SourceMap};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::cache::{api_fingerprint, store_path, Cache, Entry, Hash, KeyBuilder};
use super::fileindex::FileIndex;
use super::graph::break_cycles;
use super::source::path_diagnostic;
use super::importer::ProjectImporter;
use super::load::{load_graph, PackageGraph, Unit};
use super::patterns::{expand_patterns, PatternError};
use super::workspace::Workspace;

/// One package after checking.
pub struct CheckedUnit {
    pub unit: Unit,
    /// `None` when the package's result came from the cache.
    pub package: Option<Arc<Package>>,
    /// Read, syntax, resolution and type errors of this package.
    pub diagnostics: Vec<Diagnostic>,
    pub cached: bool,
    /// What the checker learnt about the package's source, when
    /// [`Options::info`] asked for it (then nothing comes from the cache).
    pub info: Option<gox_analysis::Info>,
}

/// How [`analyze_project_with`] runs.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// Take unchanged packages from this build cache, store the others.
    pub cache: Option<&'a Cache>,
    /// Keep each checked package's full [`gox_analysis::Info`] (types of
    /// expressions, definitions, uses): for tools. Every package is
    /// checked; the cache is neither read nor written.
    pub info: bool,
    /// Keep the full Info of the packages this selects only (an editor's
    /// open packages): they are always checked; the others are taken from
    /// `cache` when unchanged.
    pub info_for: Option<&'a (dyn Fn(&Unit) -> bool + Sync)>,
    /// The index of files read by earlier runs (see [`FileIndex`]): files
    /// unchanged since are not read unless their package must be checked.
    /// Used with a `cache` only (the packages of unread files come from it).
    pub file_index: Option<&'a Arc<FileIndex>>,
    /// Told of each package as it is finished: its import path and whether
    /// it came from the cache (`gox check -v`). Called from the pool's
    /// threads, in the order packages finish.
    pub progress: Option<&'a (dyn Fn(&str, bool) + Sync)>,
}

/// Where the time went.
#[derive(Default, Debug)]
pub struct Timings {
    /// Reading files, parsing headers and resolving imports.
    pub load: Duration,
    /// Source files of the build, and how many of them were read (the
    /// others were unchanged since the file index saw them, and nothing
    /// needed their text).
    pub files: usize,
    pub files_read: usize,
    /// Hashing sources and cache lookups.
    pub cache: Duration,
    pub parse: Duration,
    pub check: Duration,
    /// Per package: (import path, parse + check time), slowest first.
    pub packages: Vec<(String, Duration)>,
    /// The chain of packages, each imported by the next, whose own times
    /// (key, cache lookup, or parse, check and store) add up to the most:
    /// no number of cores finishes the packages faster than this chain.
    /// Import path and own time, the imported package first.
    pub critical_path: Vec<(String, Duration)>,
    pub total: Duration,
}

pub struct Analysis {
    pub map: Arc<SourceMap>,
    /// Every package of the build: those the patterns matched
    /// (`unit.is_root`) and everything they import.
    pub units: Vec<CheckedUnit>,
    /// Errors of the build that belong to no package: gox.mod and
    /// `.goxdeps` problems, directories that cannot be read.
    pub diagnostics: Vec<Diagnostic>,
    /// Patterns that matched no package (a warning, as in Go).
    pub warnings: Vec<String>,
    pub timings: Timings,
}

impl Analysis {
    /// Every diagnostic of the build with the import path of its package,
    /// each once, in a stable order (file, then position, then message).
    pub fn diagnostics_by_package(&self) -> Vec<(&Diagnostic, &str)> {
        let mut all: Vec<(&Diagnostic, &str)> = self
            .units
            .iter()
            .flat_map(|u| u.diagnostics.iter().map(move |d| (d, u.unit.import_path.as_str())))
            .chain(self.diagnostics.iter().map(|d| (d, "")))
            .collect();
        all.sort_by(|(a, _), (b, _)| {
            let pa = self.map.path(a.span.file);
            let pb = self.map.path(b.span.file);
            (pa, a.span.lo, &a.message).cmp(&(pb, b.span.lo, &b.message))
        });
        all.dedup_by(|(a, _), (b, _)| a.span == b.span && a.message == b.message);
        all
    }

    /// Every diagnostic of the build, each once, in a stable order.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        self.diagnostics_by_package().into_iter().map(|(d, _)| d).collect()
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics().iter().filter(|d| d.is_error()).count()
    }
}

/// What is known about one package while the graph is being checked.
#[derive(Default)]
struct Slot {
    /// The checked package, once some importer (or the package itself)
    /// needed it.
    package: OnceLock<Arc<Package>>,
    /// Diagnostics of the check that produced `package`.
    checked_diagnostics: OnceLock<Vec<Diagnostic>>,
    /// The final result: API fingerprint, diagnostics, from the cache or not.
    outcome: OnceLock<Outcome>,
    /// Export data of a cache hit, to rebuild the package if an importer
    /// must be checked.
    export: OnceLock<Entry>,
    info: Mutex<Option<gox_analysis::Info>>,
    parse: Mutex<Duration>,
    time: Mutex<Duration>,
    /// How long finishing the package took, once it is finished.
    own: OnceLock<Duration>,
}

struct Outcome {
    fingerprint: Hash,
    diagnostics: Vec<Diagnostic>,
    cached: bool,
}

struct Run<'a> {
    ws: &'a Workspace,
    graph: &'a PackageGraph,
    map: &'a Arc<SourceMap>,
    cache: Option<&'a Cache>,
    /// Per unit: whether to keep its full Info (then it is always checked).
    info: Vec<bool>,
    progress: Option<&'a (dyn Fn(&str, bool) + Sync)>,
    slots: Vec<Slot>,
    /// Imports not yet finished, per package.
    pending: Vec<AtomicUsize>,
    /// Packages importing each package.
    importers: Vec<Vec<usize>>,
    /// Time spent hashing sources and reading and writing cache entries.
    cache_time: Mutex<Duration>,
    /// Unit index by import path (for export data's package references).
    by_path: HashMap<&'a str, usize>,
    /// The file index the graph was loaded with.
    file_index: Option<&'a Arc<FileIndex>>,
    /// The start of every unit's cache key.
    key_base: KeyBuilder,
}

impl Run<'_> {
    fn imports(&self, u: usize) -> impl Iterator<Item = usize> + '_ {
        self.graph.units[u].imports.iter().filter_map(|i| i.target.as_ref().ok().copied())
    }

    /// The checked package `u`, checking it (and first whatever it imports
    /// that has not been checked) if nobody has yet. Concurrent callers
    /// wait for the one check.
    fn package(&self, u: usize) -> Arc<Package> {
        let slot = &self.slots[u];
        if let Some(p) = slot.package.get() {
            return p.clone();
        }
        let deps: Vec<usize> = self.imports(u).collect();
        deps.par_iter().for_each(|&d| {
            self.package(d);
        });
        slot.package
            .get_or_init(|| {
                // A hit's export data, unless it is unreadable or damaged:
                // then the package is checked.
                if let Some((entry, export)) = slot.export.get().and_then(|e| Some((e, e.export()?))) {
                    let mut lookup = |path: &str| self.by_path.get(path).map(|&d| self.package(d));
                    let mut remap = entry.file_ids(self.map, &self.ws.root);
                    if let Ok(package) = import_package_remapped(&export, &mut lookup, &mut remap) {
                        return package;
                    }
                }
                let (package, diags, info, parse, time) = check_unit(self.graph, &self.slots, self.map, u, self.info[u]);
                let _ = slot.checked_diagnostics.set(diags);
                *slot.info.lock().unwrap_or_else(|e| e.into_inner()) = info;
                *slot.parse.lock().unwrap_or_else(|e| e.into_inner()) += parse;
                *slot.time.lock().unwrap_or_else(|e| e.into_inner()) += time;
                package
            })
            .clone()
    }

    /// Finishes package `u` (all its imports are finished): from the cache
    /// when its key hits, else by checking it.
    fn finish(&self, u: usize) {
        let started = Instant::now();
        let lookup = Instant::now();
        let key = self.cache.map(|_| unit_key(&self.key_base, self.ws, self.graph, &self.slots, u));
        let hit = match (self.cache, &key) {
            (Some(cache), Some(key)) if !self.info[u] => cache.get(key, self.map, &self.ws.root),
            _ => None,
        };
        *self.cache_time.lock().unwrap_or_else(|e| e.into_inner()) += lookup.elapsed();
        let outcome = match hit {
            Some(mut entry) => {
                let outcome = Outcome {
                    fingerprint: entry.fingerprint,
                    diagnostics: std::mem::take(&mut entry.diagnostics),
                    cached: true,
                };
                let _ = self.slots[u].export.set(entry);
                outcome
            }
            None => {
                let package = self.package(u);
                let diagnostics = self.slots[u].checked_diagnostics.get().cloned().unwrap_or_default();
                let exported = export_package_and_api(&package);
                let fingerprint = api_fingerprint(exported.api());
                let export = exported.data;
                // A file read late (registered from the file index) that
                // changed since: the key was made from its old hash.
                let stale = self.file_index.is_some_and(|index| index.any_stale(&self.graph.units[u].files));
                if let (Some(cache), Some(key), false) = (self.cache, &key, stale) {
                    let store = Instant::now();
                    cache.put(key, &fingerprint, &diagnostics, export, &self.graph.units[u].files, self.map, &self.ws.root);
                    *self.cache_time.lock().unwrap_or_else(|e| e.into_inner()) += store.elapsed();
                }
                Outcome { fingerprint, diagnostics, cached: false }
            }
        };
        if let Some(progress) = self.progress {
            progress(&self.graph.units[u].import_path, outcome.cached);
        }
        let _ = self.slots[u].outcome.set(outcome);
        let _ = self.slots[u].own.set(started.elapsed());
    }

    /// Finishes every package, each as soon as its imports are finished,
    /// on the rayon pool.
    fn run_all(&self) {
        rayon::scope(|scope| {
            for u in 0..self.graph.units.len() {
                if self.pending[u].load(Ordering::SeqCst) == 0 {
                    scope.spawn(move |s| self.task(s, u));
                }
            }
        });
    }

    fn task<'s>(&'s self, scope: &rayon::Scope<'s>, u: usize) {
        self.finish(u);
        for &d in &self.importers[u] {
            if self.pending[d].fetch_sub(1, Ordering::SeqCst) == 1 {
                scope.spawn(move |s| self.task(s, d));
            }
        }
    }
}

/// Parses and checks one unit; every package it imports must be checked.
fn check_unit(
    graph: &PackageGraph,
    slots: &[Slot],
    map: &Arc<SourceMap>,
    u: usize,
    info: bool,
) -> (Arc<Package>, Vec<Diagnostic>, Option<gox_analysis::Info>, Duration, Duration) {
    let unit = &graph.units[u];
    let started = Instant::now();
    let (asts, syntax) = unit.parse();
    let parse = started.elapsed();
    let mut importer = ProjectImporter::new();
    for import in &unit.imports {
        let result = match &import.target {
            // A package none of whose files has a package clause that
            // parses is empty: its own errors say why; uses of it here
            // would only echo them.
            Ok(t) if graph.units[*t].name.is_empty() => {
                Err(ImportError::reported_elsewhere(format!("package {} has no readable package clause", import.path)))
            }
            Ok(t) => slots[*t].package.get().cloned().ok_or_else(|| ImportError::new(format!("could not import {}", import.path))),
            Err(failure) => {
                let mut error = ImportError::new(failure.message(&graph.base));
                error.help = import.help.clone();
                Err(error)
            }
        };
        importer.insert(&import.path, import.external, result);
    }
    // The std is declarations only: its functions have no bodies.
    let require_bodies = !matches!(unit.id, gox_module::PackageId::Std(_));
    let config = Config { sources: Some(map.clone()), no_info: !info, require_bodies, ..Config::default() };
    let checked = check_package(&unit.import_path, &asts, &mut importer, &config);
    let mut diagnostics = unit.diagnostics.clone();
    let has_syntax_errors = syntax.iter().any(Diagnostic::is_error) || unit.diagnostics.iter().any(Diagnostic::is_error);
    diagnostics.extend(syntax);
    // A package with syntax errors is checked so that its importers see
    // what could be parsed, but its type errors would mostly be echoes of
    // the syntax errors: one root cause, one error.
    if !has_syntax_errors {
        diagnostics.extend(checked.diagnostics);
    }
    (checked.package, diagnostics, info.then_some(checked.info), parse, started.elapsed())
}

/// Packages finished at once when a remote cache answers lookups.
const REMOTE_PARALLELISM: usize = 32;

/// The pool that finds, lists and reads the packages: more threads than
/// cores, because a read of a file that is not in the page cache waits
/// for the disk, and meanwhile another thread can use the core (as the go
/// command's goroutines do). Checking stays on the global pool, a thread
/// per core. None when the threads cannot be made: loading then shares
/// the global pool.
fn loading_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = (LOADING_THREADS_PER_CORE * cores).clamp(4, 64);
        rayon::ThreadPoolBuilder::new().num_threads(threads).thread_name(|i| format!("gox-load-{i}")).build().ok()
    })
    .as_ref()
}

/// Loading threads per core (see [`loading_pool`]).
const LOADING_THREADS_PER_CORE: usize = 2;

/// What every unit's cache key starts with in a run: the build
/// configuration and where gox runs.
fn key_base(ws: &Workspace) -> KeyBuilder {
    let build = ws.resolver.build_config();
    let mut key = KeyBuilder::new();
    key.part("goos", build.goos.as_bytes())
        .part("goarch", build.goarch.as_bytes())
        .part("tags", build.tags.join(",").as_bytes())
        .part("tests", &[build.tests as u8])
        // Messages name paths relative to where gox runs; entries serve the
        // project wherever it is checked out, so paths are keyed relative
        // to the module root.
        .part("cwd", store_path(&ws.cwd, &ws.root).as_bytes());
    key
}

/// The cache key of a unit, once its imports' fingerprints are known.
fn unit_key(base: &KeyBuilder, ws: &Workspace, graph: &PackageGraph, slots: &[Slot], u: usize) -> Hash {
    let unit = &graph.units[u];
    let mut key = base.clone();
    key.part("path", unit.import_path.as_bytes());
    for (file, hash) in unit.files.iter().zip(&unit.hashes) {
        key.part("file", store_path(&file.path, &ws.root).as_bytes());
        match hash {
            Some(hash) => key.part("sha256", hash),
            None => key.part("sha256", &Sha256::digest(file.text().as_bytes())),
        };
    }
    for import in &unit.imports {
        key.part("import", import.path.as_bytes()).part("external", &[import.external as u8]);
        match &import.target {
            Ok(t) => key.part("fingerprint", &slots[*t].outcome.get().map(|o| o.fingerprint).unwrap_or_default()),
            Err(failure) => key.part("error", format!("{failure:?}").as_bytes()),
        };
    }
    key.finish()
}

/// Loads, parses and checks the packages matched by `patterns` and all they
/// import, each once. With `cache`, unchanged packages are not checked again.
pub fn analyze_project_cached(ws: &Workspace, patterns: &[String], cache: Option<&Cache>) -> Result<Analysis, PatternError> {
    analyze_project_with(ws, patterns, Options { cache, ..Options::default() })
}

/// The library entry point: the packages `patterns` match in `ws` and all
/// they import, loaded, checked (each once, in parallel) and with every
/// problem of the build as a positioned diagnostic. `Err` only for a usage
/// error in the patterns.
pub fn analyze_project_with(ws: &Workspace, patterns: &[String], options: Options) -> Result<Analysis, PatternError> {
    let started = Instant::now();
    let map = Arc::new(SourceMap::new());
    let cache = if options.info { None } else { options.cache };
    let file_index = options.file_index.filter(|_| cache.is_some());
    let load = || -> Result<_, PatternError> {
        let mut expansion = expand_patterns(ws, &map, patterns)?;
        let graph = load_graph(ws, &map, std::mem::take(&mut expansion.roots), file_index);
        Ok((expansion, graph))
    };
    let (expansion, mut graph) = match loading_pool() {
        Some(pool) => pool.install(load)?,
        None => load()?,
    };
    break_cycles(&mut graph);
    let mut timings = Timings { load: started.elapsed(), ..Timings::default() };

    let n = graph.units.len();
    let by_path: HashMap<&str, usize> = graph.units.iter().enumerate().map(|(i, u)| (u.import_path.as_str(), i)).collect();
    let mut importers = vec![Vec::new(); n];
    let mut pending = Vec::with_capacity(n);
    let mut imports = Vec::with_capacity(n);
    for (u, unit) in graph.units.iter().enumerate() {
        let mut deps: Vec<usize> = unit.imports.iter().filter_map(|i| i.target.as_ref().ok().copied()).collect();
        deps.sort_unstable();
        deps.dedup();
        for &d in &deps {
            importers[d].push(u);
        }
        pending.push(AtomicUsize::new(deps.len()));
        imports.push(deps);
    }
    let run = Run {
        ws,
        graph: &graph,
        map: &map,
        cache,
        info: graph.units.iter().map(|u| options.info || options.info_for.is_some_and(|wants| wants(u))).collect(),
        progress: options.progress,
        slots: (0..n).map(|_| Slot::default()).collect(),
        pending,
        importers,
        cache_time: Mutex::new(Duration::ZERO),
        by_path,
        file_index,
        key_base: key_base(ws),
    };
    match run.cache.and_then(Cache::remote) {
        // Finding results on a server is waiting, not computing: look up
        // every package whose key is known at once, many more than cores.
        Some(_) => match rayon::ThreadPoolBuilder::new().num_threads(REMOTE_PARALLELISM).build() {
            Ok(pool) => pool.install(|| run.run_all()),
            Err(_) => run.run_all(),
        },
        None => run.run_all(),
    }
    timings.cache = run.cache_time.into_inner().unwrap_or_else(|e| e.into_inner());
    let slots = run.slots;
    let own: Vec<Duration> = slots.iter().map(|s| s.own.get().copied().unwrap_or_default()).collect();
    timings.critical_path =
        critical_path(&imports, &run.importers, &own).into_iter().map(|u| (graph.units[u].import_path.clone(), own[u])).collect();

    let mut diagnostics = expansion.diagnostics;
    diagnostics.append(&mut graph.diagnostics);
    // Diagnostics in files found changed are about contents no longer
    // there: one error per such file replaces them.
    let stale = match file_index {
        Some(index) => changed_during_run(index, &map, &slots, &diagnostics),
        None => Vec::new(),
    };
    let current = |d: &Diagnostic| !stale.iter().any(|path| map.file(d.span.file).path == *path);
    if !stale.is_empty() {
        diagnostics.retain(current);
        diagnostics.extend(stale.iter().map(|path| path_diagnostic(&map, path, "file changed while gox was checking it; check again")));
    }
    let files = graph.units.iter().flat_map(|u| &u.files);
    timings.files = files.clone().count();
    timings.files_read = files.filter(|f| f.is_loaded()).count();
    let units: Vec<CheckedUnit> = graph
        .units
        .into_iter()
        .zip(slots)
        .map(|(unit, slot)| {
            let parse = slot.parse.into_inner().unwrap_or_else(|e| e.into_inner());
            let time = slot.time.into_inner().unwrap_or_else(|e| e.into_inner());
            timings.parse += parse;
            timings.check += time.saturating_sub(parse);
            if time > Duration::ZERO {
                timings.packages.push((unit.import_path.clone(), time));
            }
            let outcome = slot.outcome.into_inner();
            let cached = outcome.as_ref().is_some_and(|o| o.cached);
            CheckedUnit {
                unit,
                package: slot.package.into_inner(),
                diagnostics: outcome.map(|o| o.diagnostics.into_iter().filter(current).collect()).unwrap_or_default(),
                cached,
                info: slot.info.into_inner().unwrap_or_else(|e| e.into_inner()),
            }
        })
        .collect();
    timings.packages.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    timings.total = started.elapsed();
    Ok(Analysis { map, units, diagnostics, warnings: expansion.warnings, timings })
}

/// The files registered from the file index that were found changed when
/// their text was read. The files every diagnostic points into are read
/// first (they will be shown): if one of them changed since the run looked
/// at it, its positions may be wrong, and the user is told to check again
/// instead.
fn changed_during_run(index: &FileIndex, map: &SourceMap, slots: &[Slot], diagnostics: &[Diagnostic]) -> Vec<PathBuf> {
    let outcomes = slots.iter().filter_map(|s| s.outcome.get()).flat_map(|o| o.diagnostics.iter());
    for d in outcomes.chain(diagnostics) {
        for span in std::iter::once(d.span).chain(d.notes.iter().map(|n| n.span)) {
            if let Some(file) = map.get(span.file) {
                file.text();
            }
        }
    }
    index.take_stale()
}

/// The longest chain through the import graph (`imports[u]`: the packages
/// `u` imports, a graph without cycles; `importers`: the other way round)
/// when each package weighs `own[u]`: package indices, the imported one
/// first.
fn critical_path(imports: &[Vec<usize>], importers: &[Vec<usize>], own: &[Duration]) -> Vec<usize> {
    let n = imports.len();
    let mut pending: Vec<usize> = imports.iter().map(Vec::len).collect();
    let mut ready: Vec<usize> = (0..n).filter(|&u| pending[u] == 0).collect();
    // The heaviest chain ending at each package, and the package before it.
    let mut longest = vec![Duration::ZERO; n];
    let mut before: Vec<Option<usize>> = vec![None; n];
    while let Some(u) = ready.pop() {
        let heaviest = imports[u].iter().copied().max_by_key(|&d| longest[d]);
        longest[u] = own[u] + heaviest.map_or(Duration::ZERO, |d| longest[d]);
        before[u] = heaviest;
        for &i in &importers[u] {
            pending[i] -= 1;
            if pending[i] == 0 {
                ready.push(i);
            }
        }
    }
    let mut chain = Vec::new();
    let mut at = (0..n).max_by_key(|&u| longest[u]);
    while let Some(u) = at {
        chain.push(u);
        at = before[u];
    }
    chain.reverse();
    chain
}

/// [`analyze_project_cached`] without a cache: everything is checked.
pub fn analyze_project(ws: &Workspace, patterns: &[String]) -> Result<Analysis, PatternError> {
    analyze_project_cached(ws, patterns, None)
}

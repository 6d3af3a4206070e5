//! Loading the package graph: starting from the packages the patterns name,
//! read every file of each package once (in parallel) into its header
//! (package clause, imports, build constraint, encoding and syntax errors up
//! to the imports, all from gox-syntax's parser), decide from the headers
//! which files belong to the build and what the package is called, and
//! resolve the imports through the `ImportResolver`, breadth-first, each package once.
//! Full parsing waits until a package must really be checked (a cache hit
//! never parses).
//!
//! Every problem becomes a [`Diagnostic`] at the file, line and column it
//! is about (or at the path, for what cannot be read): a package is never
//! dropped silently.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use gox_common::{Diagnostic, FileSet, FileSystem, SourceFile, SourceMap, Span};
use gox_module::{PackageId, ResolveError, ResolvedPackage};
use gox_syntax::ast;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::cache::Hash;
use super::fileindex::{FileIndex, FileStamp, IndexedFile, IndexedImport};
use super::source::{path_diagnostic, read_source, read_text};
use super::workspace::Workspace;

/// One import of a package (all specs with the same path share it).
#[derive(Clone, Debug)]
pub struct Import {
    pub path: String,
    pub external: bool,
    /// The first spec that asks for it.
    pub span: Span,
    /// Index of the imported unit in [`PackageGraph::units`], or why the
    /// import cannot be resolved.
    pub target: Result<usize, ImportFailure>,
    /// For a path that names nothing: the clearly closest one that does
    /// (`did you mean "strings"?`).
    pub help: Option<String>,
}

/// Why an import names no package the checker can use. The message (see
/// [`ImportFailure::message`]) is reported at the import spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportFailure {
    /// The path resolves to no directory (or breaks a path rule).
    Resolve(ResolveError),
    /// The directory holds a `package main`.
    Program { import_path: String },
    /// The directory holds no `.gox` file of the build (`reason` says which
    /// kind: "no .gox files", ...), or cannot be read.
    NoPackage { dir: PathBuf, reason: String },
    /// Importing it would close a cycle: the import paths around it.
    Cycle { path: Vec<String> },
}

impl ImportFailure {
    /// The message, with paths shown relative to `base`.
    pub fn message(&self, base: &Path) -> String {
        match self {
            ImportFailure::Resolve(e) => e.message(base),
            ImportFailure::Program { import_path } => format!("import \"{import_path}\" is a program, not an importable package"),
            ImportFailure::NoPackage { dir, reason } => format!("{reason} in {}", display_dir(dir, base)),
            ImportFailure::Cycle { path } => format!("import cycle not allowed: {}", path.join(" imports ")),
        }
    }
}

/// For an import path that names no directory: the clearly closest path
/// that names a package, as a suggestion. A path that starts with the
/// importing module's own path, as Go spells imports of the same module
/// (`"example.com/p/utils"`), is the path in the module without it
/// (`"utils"`). Within a module, the first missing element is compared with
/// the directories beside it (`"example.com/p/utlis"` -> `"example.com/p/utils"`,
/// `@"gin/rendr"` -> `@"gin/render"`); a path like a std one is compared
/// with the std packages (`"string"` -> `"strings"`).
fn import_suggestion(ws: &Workspace, memo: &SiblingMemo, from: &PackageId, spec_path: &str, err: &ResolveError, external: bool) -> Option<String> {
    let ResolveError::NotFound { dir, .. } = err else { return None };
    if let (PackageId::Module { module, .. }, false) = (from, external) {
        let within = spec_path.strip_prefix(module.as_str()).and_then(|rest| rest.strip_prefix('/'));
        if let Some(within) = within.filter(|p| !p.is_empty()) {
            let fs = ws.resolver.fs();
            // A package of this module (not a std package of that name).
            let names_package = ws.resolver.resolve_shared(from, within, false).is_ok_and(|p| {
                matches!(&p.id, PackageId::Module { module: m, .. } if m == module) && gox_module::is_package_dir(fs.as_ref(), &p.dir)
            });
            if names_package {
                return Some(format!("did you mean \"{within}\"? (a package of this module is imported by its path in the module)"));
            }
        }
    }
    let path = match closest_sibling(ws.resolver.fs().as_ref(), memo, spec_path, dir, external) {
        Some(path) => path,
        None if external => return None,
        None => {
            static STD: OnceLock<Vec<String>> = OnceLock::new();
            let std = STD.get_or_init(gox_module::std::std_packages);
            gox_analysis::closest(spec_path, std.iter().map(String::as_str))?.to_string()
        }
    };
    let at = if external { "@" } else { "" };
    Some(format!("did you mean {at}\"{path}\"?"))
}

/// The directory beside a missing path element clearly closest to it in
/// name, by (parent directory, element): a build whose imports all miss in
/// the same way (3,000 packages imported with a wrong prefix) compares the
/// names once, not once per import.
#[derive(Default)]
struct SiblingMemo(std::sync::Mutex<rustc_hash::FxHashMap<(PathBuf, String), Option<String>>>);

impl SiblingMemo {
    fn closest_dir(&self, fs: &dyn FileSystem, parent: &Path, name: &str) -> Option<String> {
        let key = (parent.to_path_buf(), name.to_string());
        if let Some(found) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return found.clone();
        }
        let found = fs.read_dir_shared(parent).ok().and_then(|entries| {
            let dirs = entries.iter().filter(|(n, kind)| {
                *kind == gox_common::EntryKind::Dir && !n.starts_with('.') && !n.starts_with('_') && n.as_str() != "testdata"
            });
            gox_analysis::closest(name, dirs.map(|(n, _)| n.as_str())).map(str::to_string)
        });
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(key, found.clone());
        found
    }
}

/// `spec_path` (an import path as written, resolved to `dir`) with its
/// first missing element replaced by the directory beside it clearly
/// closest in name, when that makes a path to a package directory (one
/// with a non-test `.gox` file). An external path's alias is never replaced.
fn closest_sibling(fs: &dyn FileSystem, memo: &SiblingMemo, spec_path: &str, dir: &Path, external: bool) -> Option<String> {
    let elems: Vec<&str> = spec_path.split('/').collect();
    let replaceable = elems.len() - usize::from(external);
    let mut existing = dir;
    let mut missing = 0;
    while !fs.is_dir(existing) {
        existing = existing.parent()?;
        missing += 1;
        if missing > replaceable {
            return None;
        }
    }
    if missing == 0 {
        return None;
    }
    let first = elems.len() - missing;
    let pick = memo.closest_dir(fs, existing, elems[first])?;
    let mut candidate = existing.join(&pick);
    for e in &elems[first + 1..] {
        candidate.push(e);
    }
    gox_module::is_package_dir(fs, &candidate).then(|| {
        let mut fixed = elems.clone();
        fixed[first] = &pick;
        fixed.join("/")
    })
}

/// A directory as messages show it: `.` for `base` itself, else as
/// [`gox_common::display_path`] shows paths.
pub fn display_dir(dir: &Path, base: &Path) -> String {
    if dir == base {
        ".".to_string()
    } else {
        gox_common::display_path(dir, Some(base))
    }
}

/// A package of the build, before checking.
pub struct Unit {
    pub id: PackageId,
    pub import_path: String,
    /// The name in the package clauses ("" when no file has a readable one).
    pub name: String,
    pub dir: PathBuf,
    pub files: Vec<Arc<SourceFile>>,
    /// The SHA-256 of each file's text, where the loader knows it (from
    /// the file index, or computed to index the file).
    pub hashes: Vec<Option<Hash>>,
    pub imports: Vec<Import>,
    /// Problems found while reading the files and resolving imports.
    pub diagnostics: Vec<Diagnostic>,
    /// Named on the command line (as opposed to reached by an import).
    pub is_root: bool,
}

impl Unit {
    /// Parses every file in full: the ASTs (without comments, which the
    /// checker does not read) and syntax errors. On the
    /// calling thread, which checks the package and frees the ASTs:
    /// allocator pages stay with one thread, and packages already give the
    /// pool enough parallel work.
    pub fn parse(&self) -> (Vec<ast::File>, Vec<Diagnostic>) {
        let parsed: Vec<(ast::File, Vec<Diagnostic>)> = self.files.iter().map(|f| gox_syntax::parse_file_for_check(f)).collect();
        let mut asts = Vec::with_capacity(parsed.len());
        let mut diags = Vec::new();
        for (ast, d) in parsed {
            asts.push(ast);
            diags.extend(d);
        }
        (asts, diags)
    }
}

pub struct PackageGraph {
    /// The directory messages show paths relative to (where gox runs).
    pub base: PathBuf,
    pub units: Vec<Unit>,
    /// Problems that belong to no package of the graph: a directory named
    /// on the command line that holds no file of the build, say.
    pub diagnostics: Vec<Diagnostic>,
}

/// A package the command line names: a directory the `ImportResolver` resolved and,
/// for files named on the command line, exactly those files.
pub struct Root {
    pub package: ResolvedPackage,
    pub files: Option<Vec<PathBuf>>,
    /// Named on its own rather than matched by a `...` pattern: a
    /// directory without files of the build is then an error (a `...`
    /// pattern just does not match it, as in Go).
    pub explicit: bool,
}

/// One import spec of a header: what resolving it needs.
pub struct ImportRef {
    pub path: String,
    pub external: bool,
    /// The span of the path.
    pub span: Span,
}

/// One file's header: everything the loader needs from it, read once.
struct Header {
    file: Arc<SourceFile>,
    sha256: Option<Hash>,
    /// The package clause's name and its span, when the clause parsed.
    package: Option<(String, Span)>,
    imports: Vec<ImportRef>,
    /// Encoding, syntax and build-constraint errors found in the header.
    diagnostics: Vec<Diagnostic>,
    /// The `//go:build` (or `// +build`) line that leaves the file out.
    excluded_by: Option<String>,
}

/// Reads and parses the header of `path`; `Err` (a diagnostic at the
/// path) when it cannot be read. `constraints`: whether the file's build
/// constraint applies (not for files named on the command line, as in Go).
/// With a file index, a file unchanged since it was indexed is not read:
/// its header comes from the index and its text is read only if asked for.
fn read_header(ws: &Workspace, map: &SourceMap, index: Option<&Arc<FileIndex>>, path: &Path, constraints: bool) -> Result<Header, Diagnostic> {
    let index = index.filter(|_| constraints);
    let mut known = None;
    if let Some(index) = index.filter(|index| index.knows(path)) {
        let stamp = ws.fs.real_metadata(path).as_ref().and_then(FileStamp::of);
        if let Some(stamp) = stamp {
            if let Some(file) = index.get(path, &stamp) {
                return Ok(indexed_header(ws, map, index, path, &file));
            }
            known = Some(stamp);
        }
    }
    let (file, mut diagnostics, meta) = read_source(&ws.fs, map, path)?;
    let (ast, syntax) = gox_syntax::parse_package_clause_and_imports(file.id, file.text());
    let clause_end = ast.name.span.hi;
    let clause_ok = !syntax.iter().any(|d| d.is_error() && d.span.lo <= clause_end) && !ast.name.span.is_empty();
    diagnostics.extend(syntax);
    let package = clause_ok.then(|| (ast.name.name.as_str().to_string(), ast.name.span));
    // The build constraint lives in the comments before the package clause.
    let mut excluded_by = None;
    if constraints {
        match gox_syntax::build_constraint(&ast, &file) {
            Ok(constraint) => excluded_by = constraint.excluding_line(ws.resolver.build_config()).map(str::to_string),
            Err(e) => {
                let lo = file.line_range(e.line).map_or(0, |(lo, _)| lo);
                diagnostics.push(Diagnostic::error(Span::new(file.id, lo, lo), e.message));
            }
        }
    }
    let imports: Vec<ImportRef> = ast
        .imports
        .into_iter()
        .map(|spec| ImportRef { external: spec.is_external(), path: spec.path, span: spec.path_span })
        .collect();
    let mut sha256 = None;
    if let Some(index) = index {
        let hash: Hash = Sha256::digest(file.text().as_bytes()).into();
        sha256 = Some(hash);
        // A file with errors in its header is read every time: its errors
        // are reported from its text.
        let stamp = meta.as_ref().and_then(FileStamp::of).or(known);
        if let (Some(stamp), true) = (stamp, diagnostics.is_empty()) {
            let entry = IndexedFile {
                sha256: hash,
                len: file.len() as u32,
                // As `SourceFile::line_count` counts: one more than the newlines.
                lines: file.text().bytes().filter(|&b| b == b'\n').count() as u32 + 1,
                package: package.as_ref().map(|(name, span)| (name.clone(), span.lo, span.hi)),
                imports: imports
                    .iter()
                    .map(|i| IndexedImport { path: i.path.clone(), external: i.external, lo: i.span.lo, hi: i.span.hi })
                    .collect(),
                excluded_by: excluded_by.clone(),
            };
            index.insert(path, stamp, entry);
        }
    }
    Ok(Header { file, sha256, package, imports, diagnostics, excluded_by })
}

/// The header of a file the index knows as it is: the file is registered
/// unread, to be read (and checked against the index's hash) only when
/// something asks for its text.
fn indexed_header(ws: &Workspace, map: &SourceMap, index: &Arc<FileIndex>, path: &Path, entry: &IndexedFile) -> Header {
    let fs = ws.fs.inner.clone();
    let owned = path.to_path_buf();
    let expected = entry.sha256;
    let index = index.clone();
    let file = map.add_deferred(
        path,
        entry.len,
        entry.lines,
        Box::new(move || {
            let text = read_text(&fs, &owned);
            if Sha256::digest(text.as_bytes()).as_slice() != expected {
                index.note_stale(&owned);
            }
            text
        }),
    );
    let span = |lo, hi| Span::new(file.id, lo, hi);
    Header {
        sha256: Some(entry.sha256),
        package: entry.package.as_ref().map(|(name, lo, hi)| (name.clone(), span(*lo, *hi))),
        imports: entry.imports.iter().map(|i| ImportRef { path: i.path.clone(), external: i.external, span: span(i.lo, i.hi) }).collect(),
        diagnostics: Vec::new(),
        excluded_by: entry.excluded_by.clone(),
        file,
    }
}

/// A package directory after reading its headers.
struct Loaded {
    name: String,
    files: Vec<Arc<SourceFile>>,
    hashes: Vec<Option<Hash>>,
    imports: Vec<ImportRef>,
    diagnostics: Vec<Diagnostic>,
    /// Why the directory is no package of the build at all (no `.gox`
    /// files of the build, unreadable).
    unusable: Option<Unusable>,
}

struct Unusable {
    /// Said at the directory: `no .gox files in directory`.
    at_dir: String,
    /// Said at an import of it.
    at_import: ImportFailure,
}

fn load_package(ws: &Workspace, map: &SourceMap, index: Option<&Arc<FileIndex>>, rp: &ResolvedPackage, named: Option<&[PathBuf]>) -> Loaded {
    let mut loaded =
        Loaded { name: String::new(), files: Vec::new(), hashes: Vec::new(), imports: Vec::new(), diagnostics: Vec::new(), unusable: None };
    let (candidates, excluded_by_name) = match named {
        Some(files) => (files.to_vec(), Vec::new()),
        None => match FileSet::list(&ws.fs, &rp.dir, ws.resolver.build_config()) {
            Ok(set) => (set.files, set.excluded),
            Err(err) => {
                let reason = format!("cannot read directory: {}", err.reason());
                loaded.diagnostics.push(path_diagnostic(map, &rp.dir, &reason));
                loaded.unusable = Some(Unusable {
                    at_import: ImportFailure::NoPackage { dir: rp.dir.clone(), reason: reason.clone() },
                    at_dir: reason,
                });
                return loaded;
            }
        },
    };
    let headers: Vec<Result<Header, Diagnostic>> =
        candidates.par_iter().map(|path| read_header(ws, map, index, path, named.is_none())).collect();
    let mut excluded_by_constraint = 0;
    let mut unreadable = 0;
    let mut first: Option<(String, Span, String)> = None;
    for header in headers {
        let header = match header {
            Ok(h) => h,
            Err(d) => {
                unreadable += 1;
                loaded.diagnostics.push(d);
                continue;
            }
        };
        if header.excluded_by.is_some() {
            excluded_by_constraint += 1;
            continue;
        }
        loaded.diagnostics.extend(header.diagnostics);
        if let Some((name, span)) = header.package {
            let file_name = file_name(&header.file.path);
            match &first {
                None => first = Some((name, span, file_name)),
                Some((first_name, first_span, first_file)) if *first_name != name => loaded.diagnostics.push(
                    Diagnostic::error(span, format!("found packages {first_name} ({first_file}) and {name} ({file_name})"))
                        .with_note(*first_span, format!("package {first_name}")),
                ),
                Some(_) => {}
            }
        }
        loaded.imports.extend(header.imports);
        loaded.files.push(header.file);
        loaded.hashes.push(header.sha256);
    }
    loaded.name = first.map(|f| f.0).unwrap_or_default();
    if loaded.files.is_empty() && unreadable == 0 {
        let visible = excluded_by_name.iter().filter(|(p, _)| !file_name(p).starts_with(['.', '_'])).count() + excluded_by_constraint;
        let reason = if visible == 0 {
            "no .gox files"
        } else if excluded_by_constraint == 0 && excluded_by_name.iter().all(|(p, _)| file_name(p).ends_with("_test.gox")) {
            "no non-test .gox files"
        } else {
            "build constraints exclude all .gox files"
        };
        loaded.unusable = Some(Unusable {
            at_import: ImportFailure::NoPackage { dir: rp.dir.clone(), reason: reason.to_string() },
            at_dir: format!("{reason} in directory"),
        });
    }
    loaded
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// One distinct import of a package, resolved.
struct Resolved {
    spec: ImportRef,
    target: Result<Arc<ResolvedPackage>, ResolveError>,
    /// For a path that names nothing: the closest one that does.
    help: Option<String>,
}

/// Resolves the imports of package `from`, each distinct path once (the
/// first spec that names it stands for all).
fn resolve_imports(ws: &Workspace, memo: &SiblingMemo, from: &PackageId, mut specs: Vec<ImportRef>) -> Vec<Resolved> {
    let first: Vec<bool> = {
        let mut seen: rustc_hash::FxHashSet<(&str, bool)> = Default::default();
        specs.iter().map(|spec| seen.insert((spec.path.as_str(), spec.external))).collect()
    };
    let mut first = first.into_iter();
    specs.retain(|_| first.next().unwrap_or(false));
    specs
        .into_iter()
        .map(|spec| {
            let target = ws.resolver.resolve_shared(from, &spec.path, spec.external);
            let help = match &target {
                Err(err) => import_suggestion(ws, memo, from, &spec.path, err, spec.external),
                Ok(_) => None,
            };
            Resolved { spec, target, help }
        })
        .collect()
}

/// A package found to be loaded: by the command line or by an import.
struct Pending {
    package: Arc<ResolvedPackage>,
    files: Option<Vec<PathBuf>>,
    explicit: bool,
    is_root: bool,
}

/// A package loaded, its imports numbered.
struct LoadedUnit {
    unit: Unit,
    unusable: Option<Unusable>,
    /// Named on its own on the command line.
    explicit: bool,
    /// Its files were named on the command line.
    named_files: bool,
}

/// The packages of the graph so far, numbered in the order found.
#[derive(Default)]
struct Found {
    index: rustc_hash::FxHashMap<PackageId, usize>,
    /// The resolver hands out one `Arc` per package it resolved (its memo),
    /// so an import is numbered by the address of its package, one integer
    /// hashed, instead of hashing and comparing the id's strings for each
    /// of the 13,000 imports of 3,000 packages. The map keeps each `Arc`
    /// it is keyed by alive, so no address is reused; a package resolved
    /// twice (two threads at once) is still one unit, by its id.
    seen: rustc_hash::FxHashMap<usize, (usize, Arc<ResolvedPackage>)>,
    /// By number; `None` until loaded.
    loaded: Vec<Option<LoadedUnit>>,
}

impl Found {
    fn number(&mut self, id: PackageId) -> usize {
        let u = self.loaded.len();
        self.index.insert(id, u);
        self.loaded.push(None);
        u
    }
}

/// What loading one package needs, shared by the loads on the pool.
#[derive(Clone, Copy)]
struct Loader<'a> {
    ws: &'a Workspace,
    map: &'a SourceMap,
    file_index: Option<&'a Arc<FileIndex>>,
    memo: &'a SiblingMemo,
    found: &'a std::sync::Mutex<Found>,
}

impl<'a> Loader<'a> {
    /// Reads package `u`'s headers and resolves its imports, then numbers
    /// the packages it imports, starting a load for each one not seen yet.
    fn load<'s>(self, scope: &rayon::Scope<'s>, u: usize, p: Pending)
    where
        'a: 's,
    {
        let ws = self.ws;
        let mut loaded = load_package(ws, self.map, self.file_index, &p.package, p.files.as_deref());
        let resolved = resolve_imports(ws, self.memo, &p.package.id, std::mem::take(&mut loaded.imports));
        let mut unit = Unit {
            id: p.package.id.clone(),
            import_path: p.package.import_path.clone(),
            name: loaded.name,
            dir: p.package.dir.clone(),
            files: loaded.files,
            hashes: loaded.hashes,
            imports: Vec::with_capacity(resolved.len()),
            diagnostics: loaded.diagnostics,
            is_root: p.is_root,
        };
        for Resolved { spec, target, .. } in &resolved {
            if let Some(warning) = target.as_ref().ok().and_then(|dep| dep.shadow_warning(&ws.cwd)) {
                unit.diagnostics.push(Diagnostic::warning(spec.span, warning));
            }
        }
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        for Resolved { spec, target, help } in resolved {
            let target = match target {
                Ok(dep) => {
                    let at = Arc::as_ptr(&dep) as usize;
                    let idx = match found.seen.get(&at) {
                        Some(&(idx, _)) => idx,
                        None => {
                            let idx = match found.index.get(&dep.id) {
                                Some(&idx) => idx,
                                None => {
                                    let idx = found.number(dep.id.clone());
                                    let next = Pending { package: dep.clone(), files: None, explicit: false, is_root: false };
                                    scope.spawn(move |scope| self.load(scope, idx, next));
                                    idx
                                }
                            };
                            found.seen.insert(at, (idx, dep));
                            idx
                        }
                    };
                    Ok(idx)
                }
                Err(err) => Err(ImportFailure::Resolve(err)),
            };
            unit.imports.push(Import { path: spec.path, external: spec.external, span: spec.span, target, help });
        }
        found.loaded[u] = Some(LoadedUnit { unit, unusable: loaded.unusable, explicit: p.explicit, named_files: p.files.is_some() });
    }
}

/// Loads the graph reachable from `roots`. Resolution failures become
/// failed [`Import`]s, reported by the checker at the import spec.
/// With `index`, files unchanged since they were indexed are not read.
pub fn load_graph(ws: &Workspace, map: &SourceMap, roots: Vec<Root>, file_index: Option<&Arc<FileIndex>>) -> PackageGraph {
    let memo = SiblingMemo::default();
    let found = std::sync::Mutex::new(Found::default());
    let mut first = Vec::new();
    {
        let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
        for root in roots {
            if !found.index.contains_key(&root.package.id) {
                let u = found.number(root.package.id.clone());
                first.push((u, Pending { package: Arc::new(root.package), files: root.files, explicit: root.explicit, is_root: true }));
            }
        }
    }
    // The roots are numbered first: 0..roots.
    let roots = first.len();
    // Each package is loaded as soon as an importer found it, not level by
    // level: a graph 37 imports deep would otherwise wait 37 times for the
    // slowest package of a level. Only numbering what a package imports
    // takes the lock.
    let loader = Loader { ws, map, file_index, memo: &memo, found: &found };
    rayon::scope(|scope| {
        for (u, pending) in first {
            scope.spawn(move |scope| loader.load(scope, u, pending));
        }
    });
    let found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    // Packages were numbered as they were found, which depends on timing:
    // they are renumbered breadth-first from the roots, each package's
    // imports in the order of its specs, so that the graph is the same on
    // every run.
    let mut loaded: Vec<Option<LoadedUnit>> = found.loaded;
    let mut order: Vec<usize> = (0..roots).collect();
    let mut renumbered = vec![usize::MAX; loaded.len()];
    for (new, &old) in order.iter().enumerate() {
        renumbered[old] = new;
    }
    let mut i = 0;
    while i < order.len() {
        let old = order[i];
        i += 1;
        let Some(l) = &loaded[old] else { continue };
        for import in &l.unit.imports {
            if let Ok(t) = import.target {
                if renumbered[t] == usize::MAX {
                    renumbered[t] = order.len();
                    order.push(t);
                }
            }
        }
    }
    let mut units: Vec<Unit> = Vec::with_capacity(order.len());
    let mut unusable: Vec<Option<Unusable>> = Vec::with_capacity(order.len());
    let mut diagnostics = Vec::new();
    for old in order {
        // Every package numbered was spawned, and every spawned load
        // stores its package before the scope ends.
        let Some(LoadedUnit { mut unit, unusable: why_unusable, explicit, named_files }) = loaded[old].take() else { continue };
        for import in &mut unit.imports {
            if let Ok(t) = &mut import.target {
                *t = renumbered[*t];
            }
        }
        if why_unusable.is_some() && unit.is_root {
            // No package of the build. What makes it so (an unreadable
            // directory) is an error of the build when the command line
            // reached it; a directory named on its own says why it is
            // no package; an import reports it at the import spec.
            // (Files named on the command line that do not exist have
            // been reported by name.)
            if let (Some(why), true) = (&why_unusable, unit.diagnostics.is_empty() && explicit && !named_files) {
                diagnostics.push(path_diagnostic(map, &unit.dir, &why.at_dir));
            }
            diagnostics.append(&mut unit.diagnostics);
        }
        units.push(unit);
        unusable.push(why_unusable);
    }
    // Imports of what is no importable package fail at the import spec;
    // directories without files of the build leave the graph. Usually
    // there are none: the 13,000 imports of a 3,000-package graph are then
    // not visited again (each visit reads a unit at random, a cache miss,
    // on one thread).
    let blocked: Vec<bool> = units.iter().zip(&unusable).map(|(unit, why)| why.is_some() || unit.name == "main").collect();
    if blocked.contains(&true) {
        for u in 0..units.len() {
            for i in 0..units[u].imports.len() {
                let Ok(t) = units[u].imports[i].target else { continue };
                if !blocked[t] {
                    continue;
                }
                if let Some(why) = &unusable[t] {
                    units[u].imports[i].target = Err(why.at_import.clone());
                } else {
                    units[u].imports[i].target = Err(ImportFailure::Program { import_path: units[t].import_path.clone() });
                }
            }
        }
    }
    let kept = if unusable.iter().all(Option::is_none) {
        units
    } else {
        let mut new_index = vec![usize::MAX; units.len()];
        let mut n = 0;
        for (i, why) in unusable.iter().enumerate() {
            if why.is_none() {
                new_index[i] = n;
                n += 1;
            }
        }
        let mut kept = Vec::with_capacity(n);
        for (i, mut unit) in units.into_iter().enumerate() {
            if unusable[i].is_some() {
                continue;
            }
            for import in &mut unit.imports {
                if let Ok(t) = import.target {
                    import.target = Ok(new_index[t]);
                }
            }
            kept.push(unit);
        }
        kept
    };
    PackageGraph { base: ws.cwd.clone(), units: kept, diagnostics }
}

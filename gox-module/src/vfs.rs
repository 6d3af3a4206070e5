//! Import resolution: from an import written in a package of module M to a
//! package directory with one canonical identity.
//!
//! * `@"A"` / `@"A/rest"`: alias A of M's own gox.mod ([`ModVfs`]); the
//!   package is `<dir of the selected module>/rest`. Aliases of other
//!   modules are invisible.
//! * `"P"` naming a std package: the embedded std ([`StdVfs`]).
//! * `"P"` otherwise: `<M's root>/P` ([`LocalVfs`]).
//!
//! [`Vfs`] combines them for one root project (its [`ModuleClosure`]) and
//! then checks the package: the directory exists, holds `.gox` files of the
//! build that agree on the package name (read from the package clause
//! only), is not `package main`, and internal packages are only imported
//! from within the tree rooted at the parent of `internal`.
//! Errors are messages without a position: the caller knows where the
//! import spec is.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gox_common::{BuildConfig, FileSet, FileSystem, FsError};

use crate::closure::{relative_slash, Module, ModuleClosure, GOXDEPS_DIR};
use crate::error::FilePos;
use crate::std::{is_package_dir, std_dir, EmbeddedStd, STD_ROOT};

/// The canonical identity of a package: the same package reached from two
/// places has the same id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PackageId {
    /// A std package, by import path (`fmt`, `encoding/json`).
    Std(String),
    /// A package of a module of the closure: the module path and the
    /// slash-separated directory relative to the module root ("" for the root).
    Module { module: String, dir: String },
}

impl PackageId {
    /// The import path shown to users: `fmt`, `myproject/utils`,
    /// `github.com/x/y/sub`, or the module path for a module's root package.
    pub fn import_path(&self) -> String {
        match self {
            PackageId::Std(p) => p.clone(),
            PackageId::Module { module, dir } if dir.is_empty() => module.clone(),
            PackageId::Module { module, dir } => format!("{module}/{dir}"),
        }
    }

    pub fn is_std(&self) -> bool {
        matches!(self, PackageId::Std(_))
    }
}

impl fmt::Display for PackageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.import_path())
    }
}

/// Which file system a package's files are read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FsKind {
    /// The std file system (the embedded std, under [`STD_ROOT`]).
    Std,
    /// The project's file system (the root module and `.goxdeps`).
    Disk,
}

/// A package an import resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedPackage {
    pub id: PackageId,
    /// `id.import_path()`.
    pub import_path: String,
    pub dir: PathBuf,
    pub fs_kind: FsKind,
    /// The name in the package clauses.
    pub name: String,
    /// The `.gox` files of the build, in alphabetical order.
    pub files: Vec<PathBuf>,
    /// A directory of the importing module that the std package shadows
    /// (see [`ResolvedPackage::shadow_warning`]).
    pub shadowed_local_dir: Option<PathBuf>,
}

impl ResolvedPackage {
    /// The warning to show when a std package shadows a local directory.
    pub fn shadow_warning(&self) -> Option<String> {
        self.shadowed_local_dir.as_ref().map(|dir| {
            format!(
                "import \"{}\" is the std package; the local package in {} is shadowed and cannot be imported (rename the directory)",
                self.import_path,
                dir.display()
            )
        })
    }
}

/// An alias the importing module's gox.mod does not declare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAlias {
    pub alias: String,
    /// The import path as written after `@`.
    pub spec: String,
    /// The importing module's gox.mod.
    pub mod_file: PathBuf,
    /// A declared alias close to the one written.
    pub did_you_mean: Option<String>,
    /// Another module of the closure that declares the alias: (module, its require line).
    pub declared_by: Option<(String, String)>,
}

/// Why an import could not be resolved. `Display` gives the message
/// (without position, except for a file whose package clause is unreadable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResolveError {
    InvalidImportPath { path: String, reason: String },
    /// `@"alias..."` with an alias the importing module's gox.mod does not declare.
    UnknownAlias(Box<UnknownAlias>),
    /// A std package importing something other than std.
    NotInStd { path: String, dir: PathBuf, external: bool },
    /// No such directory. `place` says where it was looked for.
    NotFound { import_path: String, place: String, dir: PathBuf },
    NoGoxFiles { dir: PathBuf },
    NoNonTestGoxFiles { dir: PathBuf },
    ExcludedByConstraints { dir: PathBuf },
    /// Files disagreeing on the package name: (name, file name) twice.
    MultiplePackages { dir: PathBuf, first: (String, String), second: (String, String) },
    /// A file without a readable package clause.
    BadPackageClause { pos: FilePos, message: String },
    Internal { import_path: String },
    Program { import_path: String },
    /// The importing package names a module that is not in the closure.
    UnknownModule { module: String },
    Read(FsError),
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::InvalidImportPath { path, reason } => write!(f, "invalid import path \"{path}\": {reason}"),
            ResolveError::UnknownAlias(u) => {
                let UnknownAlias { alias, spec, mod_file, did_you_mean, declared_by } = &**u;
                write!(f, "unknown alias \"{alias}\" in @\"{spec}\": not declared in {}", mod_file.display())?;
                if let Some((module, line)) = declared_by {
                    write!(
                        f,
                        " (module {module} requires it, but the dependencies of a dependency are not visible; add to gox.mod: {line})"
                    )?;
                } else if let Some(m) = did_you_mean {
                    write!(f, " (did you mean @\"{m}\"?)")?;
                }
                Ok(())
            }
            ResolveError::NotInStd { path, dir, external } => {
                if *external {
                    write!(f, "std package cannot import @\"{path}\": std imports only std packages")
                } else {
                    write!(f, "package {path} is not in std ({})", dir.display())
                }
            }
            ResolveError::NotFound { import_path, place, dir } => {
                write!(f, "package {import_path} is not in {place} (no directory {})", dir.display())
            }
            ResolveError::NoGoxFiles { dir } => write!(f, "no .gox files in {}", dir.display()),
            ResolveError::NoNonTestGoxFiles { dir } => write!(f, "no non-test .gox files in {}", dir.display()),
            ResolveError::ExcludedByConstraints { dir } => {
                write!(f, "build constraints exclude all .gox files in {}", dir.display())
            }
            ResolveError::MultiplePackages { dir, first, second } => write!(
                f,
                "found packages {} ({}) and {} ({}) in {}",
                first.0,
                first.1,
                second.0,
                second.1,
                dir.display()
            ),
            ResolveError::BadPackageClause { pos, message } => write!(f, "{pos}: {message}"),
            ResolveError::Internal { import_path } => write!(f, "use of internal package {import_path} not allowed"),
            ResolveError::Program { import_path } => {
                write!(f, "import \"{import_path}\" is a program, not an importable package")
            }
            ResolveError::UnknownModule { module } => write!(f, "module {module} is not in the module closure"),
            ResolveError::Read(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ResolveError {}

/// Characters never allowed in an import path (as in Go's module loader).
const BAD_IMPORT_CHARS: &str = "!\"#$%&'()*,:;<=>?[\\]^`{|}";

/// Checks an import path (or the part after an alias); the error is the reason.
fn check_import_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("empty path".to_string());
    }
    if path.starts_with('/') {
        return Err("leading slash".to_string());
    }
    if path.ends_with('/') {
        return Err("trailing slash".to_string());
    }
    if let Some(c) = path.chars().find(|&c| c.is_whitespace() || c.is_control() || BAD_IMPORT_CHARS.contains(c)) {
        return Err(format!("invalid char {c:?}"));
    }
    for elem in path.split('/') {
        if elem.is_empty() {
            return Err("empty path element".to_string());
        }
        if elem == "." || elem == ".." {
            return Err("relative import paths are not supported; import packages by their path from the module root".to_string());
        }
        if elem.starts_with('.') || elem.starts_with('_') || elem == "testdata" {
            return Err(format!(
                "directory \"{elem}\" is not a package (names beginning with \".\" or \"_\", and testdata, are ignored)"
            ));
        }
    }
    Ok(())
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The declared alias closest to `alias`, if close enough to be a typo.
fn closest_alias<'a>(alias: &str, declared: impl Iterator<Item = &'a str>) -> Option<String> {
    let limit = (alias.chars().count() / 3).clamp(1, 2);
    declared
        .map(|d| (if d.eq_ignore_ascii_case(alias) { 0 } else { edit_distance(alias, d) }, d))
        .filter(|&(dist, _)| dist <= limit && dist < alias.chars().count())
        .min_by_key(|&(dist, _)| dist)
        .map(|(_, d)| d.to_string())
}

/// The std packages, in the virtual tree [`STD_ROOT`] of a file system.
#[derive(Clone, Debug)]
pub struct StdVfs<S> {
    fs: S,
}

impl StdVfs<EmbeddedStd> {
    /// The std embedded in the toolchain.
    pub fn embedded() -> StdVfs<EmbeddedStd> {
        StdVfs { fs: EmbeddedStd::new() }
    }
}

impl<S: FileSystem> StdVfs<S> {
    /// A std whose packages are the directories under [`STD_ROOT`] in `fs`.
    pub fn new(fs: S) -> StdVfs<S> {
        StdVfs { fs }
    }

    pub fn fs(&self) -> &S {
        &self.fs
    }

    /// `/$std/<import_path>`.
    pub fn dir(&self, import_path: &str) -> PathBuf {
        std_dir(import_path)
    }

    /// Whether `import_path` is a std package (a directory with non-test `.gox` files).
    pub fn is_package(&self, import_path: &str) -> bool {
        !import_path.is_empty() && is_package_dir(&self.fs, &self.dir(import_path))
    }
}

/// The packages of one module's own tree: `"P"` is `<module root>/P`.
#[derive(Clone, Debug)]
pub struct LocalVfs<F> {
    fs: F,
}

impl<F: FileSystem> LocalVfs<F> {
    pub fn new(fs: F) -> LocalVfs<F> {
        LocalVfs { fs }
    }

    pub fn fs(&self) -> &F {
        &self.fs
    }

    /// `<module.dir>/<path>`.
    pub fn dir(&self, module: &Module, path: &str) -> PathBuf {
        let mut dir = module.dir.clone();
        for elem in path.split('/').filter(|e| !e.is_empty()) {
            dir.push(elem);
        }
        dir
    }

    /// Whether `<module.dir>/<path>` holds non-test `.gox` files.
    pub fn is_package(&self, module: &Module, path: &str) -> bool {
        is_package_dir(&self.fs, &self.dir(module, path))
    }
}

/// The dependencies visible from one module: the aliases of its own gox.mod,
/// mapped to the modules the closure selected.
#[derive(Clone, Debug)]
pub struct ModVfs {
    closure: Arc<ModuleClosure>,
}

impl ModVfs {
    pub fn new(closure: Arc<ModuleClosure>) -> ModVfs {
        ModVfs { closure }
    }

    /// The module `alias` names in `module`'s own gox.mod (at the version the
    /// closure selected), or `None` if `module` does not declare `alias`.
    pub fn module_for_alias(&self, module: &Module, alias: &str) -> Option<&Module> {
        let require = module.mod_file.require_by_alias(alias)?;
        if require.module_path == self.closure.root().path {
            return Some(self.closure.root());
        }
        self.closure.module(&require.module_path)
    }

    /// `<target.dir>/<rest>`.
    pub fn dir(&self, target: &Module, rest: &str) -> PathBuf {
        let mut dir = target.dir.clone();
        for elem in rest.split('/').filter(|e| !e.is_empty()) {
            dir.push(elem);
        }
        dir
    }
}

/// What a package directory holds: its name and files.
#[derive(Clone, Debug)]
struct Scanned {
    name: String,
    files: Vec<PathBuf>,
}

/// Import resolution for one root project.
pub struct Vfs<F, S = EmbeddedStd> {
    closure: Arc<ModuleClosure>,
    std: StdVfs<S>,
    local: LocalVfs<F>,
    mods: ModVfs,
    build: BuildConfig,
    scans: Mutex<HashMap<(FsKind, PathBuf), Result<Scanned, ResolveError>>>,
    /// Successful resolutions by (importing module, path, external).
    resolved: Mutex<HashMap<(Option<String>, String, bool), ResolvedPackage>>,
}

impl<F: FileSystem> Vfs<F, EmbeddedStd> {
    /// Resolution over `fs` (the project and `.goxdeps`) and the embedded
    /// std, for the host build configuration.
    pub fn new(fs: F, closure: ModuleClosure) -> Vfs<F, EmbeddedStd> {
        Vfs::with_std(fs, closure, StdVfs::embedded(), BuildConfig::default())
    }
}

impl<F: FileSystem, S: FileSystem> Vfs<F, S> {
    pub fn with_std(fs: F, closure: ModuleClosure, std: StdVfs<S>, build: BuildConfig) -> Vfs<F, S> {
        let closure = Arc::new(closure);
        Vfs {
            mods: ModVfs::new(closure.clone()),
            closure,
            std,
            local: LocalVfs::new(fs),
            build,
            scans: Mutex::new(HashMap::new()),
            resolved: Mutex::new(HashMap::new()),
        }
    }

    pub fn closure(&self) -> &ModuleClosure {
        &self.closure
    }

    pub fn std(&self) -> &StdVfs<S> {
        &self.std
    }

    /// The project file system.
    pub fn fs(&self) -> &F {
        self.local.fs()
    }

    pub fn build_config(&self) -> &BuildConfig {
        &self.build
    }

    /// The module a package belongs to (`None` for std packages).
    pub fn module_of(&self, id: &PackageId) -> Option<&Module> {
        match id {
            PackageId::Std(_) => None,
            PackageId::Module { module, .. } => self.closure.module(module),
        }
    }

    /// The package id of a directory: a std directory under [`STD_ROOT`],
    /// or a directory of a module of the closure.
    pub fn package_for_dir(&self, dir: &Path) -> Option<PackageId> {
        if let Some(rel) = relative_slash(Path::new(STD_ROOT), dir) {
            return (!rel.is_empty()).then_some(PackageId::Std(rel));
        }
        let (module, rel) = self.closure.module_for_dir(dir)?;
        Some(PackageId::Module { module: module.path.clone(), dir: rel })
    }

    /// The directory of a package.
    pub fn dir_of(&self, id: &PackageId) -> Option<PathBuf> {
        match id {
            PackageId::Std(p) => Some(self.std.dir(p)),
            PackageId::Module { module, dir } => Some(self.local.dir(self.closure.module(module)?, dir)),
        }
    }

    /// Loads a package by identity (no import rules: for the packages named
    /// on the command line). A `main` package is fine here.
    pub fn package(&self, id: &PackageId) -> Result<ResolvedPackage, ResolveError> {
        let (dir, fs_kind, place) = match id {
            PackageId::Std(p) => (self.std.dir(p), FsKind::Std, "std".to_string()),
            PackageId::Module { module, dir } => {
                let m = self.closure.module(module).ok_or_else(|| ResolveError::UnknownModule { module: module.clone() })?;
                (self.local.dir(m, dir), FsKind::Disk, format!("module {}", m.display_name()))
            }
        };
        self.finish(id.clone(), dir, fs_kind, place, None)
    }

    /// Resolves the import `spec_path` (`external` for `@"..."`) written in
    /// package `from`.
    pub fn resolve(&self, from: &PackageId, spec_path: &str, external: bool) -> Result<ResolvedPackage, ResolveError> {
        // What an import resolves to depends only on the importing module;
        // only the internal-package rule depends on the importing package.
        let from_module = match from {
            PackageId::Std(_) => None,
            PackageId::Module { module, .. } => Some(module.clone()),
        };
        let key = (from_module, spec_path.to_string(), external);
        let memo = self.resolved.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
        if let Some(found) = memo {
            self.check_internal(from, &found.id)?;
            return Ok(found);
        }
        let found = self.resolve_uncached(from, spec_path, external)?;
        self.resolved.lock().unwrap_or_else(|e| e.into_inner()).insert(key, found.clone());
        Ok(found)
    }

    fn resolve_uncached(&self, from: &PackageId, spec_path: &str, external: bool) -> Result<ResolvedPackage, ResolveError> {
        let invalid = |reason: String| ResolveError::InvalidImportPath {
            path: if external { format!("@{spec_path}") } else { spec_path.to_string() },
            reason,
        };
        check_import_path(spec_path).map_err(invalid)?;
        let module = match from {
            PackageId::Std(_) => {
                if external {
                    return Err(ResolveError::NotInStd { path: spec_path.to_string(), dir: PathBuf::new(), external });
                }
                let dir = self.std.dir(spec_path);
                if !self.std.is_package(spec_path) && !self.std.fs().is_dir(&dir) {
                    return Err(ResolveError::NotInStd { path: spec_path.to_string(), dir, external });
                }
                let id = PackageId::Std(spec_path.to_string());
                self.check_internal(from, &id)?;
                return self.finish_import(id, dir, FsKind::Std, "std".to_string(), None);
            }
            PackageId::Module { module, .. } => {
                self.closure.module(module).ok_or_else(|| ResolveError::UnknownModule { module: module.clone() })?
            }
        };
        if external {
            let (alias, rest) = spec_path.split_once('/').unwrap_or((spec_path, ""));
            let Some(target) = self.mods.module_for_alias(module, alias) else {
                return Err(self.unknown_alias(module, alias, spec_path));
            };
            let id = PackageId::Module { module: target.path.clone(), dir: rest.to_string() };
            self.check_internal(from, &id)?;
            let dir = self.mods.dir(target, rest);
            return self.finish_import(id, dir, FsKind::Disk, format!("module {}", target.display_name()), None);
        }
        if self.std.is_package(spec_path) {
            let shadowed = Some(self.local.dir(module, spec_path)).filter(|d| is_package_dir(self.local.fs(), d));
            let id = PackageId::Std(spec_path.to_string());
            self.check_internal(from, &id)?;
            return self.finish_import(id, self.std.dir(spec_path), FsKind::Std, "std".to_string(), shadowed);
        }
        if module.is_root() && (spec_path == GOXDEPS_DIR || spec_path.starts_with(&format!("{GOXDEPS_DIR}/"))) {
            return Err(invalid(format!("{GOXDEPS_DIR} holds dependencies; import them with @\"alias\"")));
        }
        let id = PackageId::Module { module: module.path.clone(), dir: spec_path.to_string() };
        self.check_internal(from, &id)?;
        // Name the path as written: the user did not write the module path.
        let place = format!("std or in module {}", module.display_name());
        let dir = self.local.dir(module, spec_path);
        if !self.local.fs().is_dir(&dir) {
            return Err(ResolveError::NotFound { import_path: spec_path.to_string(), place, dir });
        }
        self.finish_import(id, dir, FsKind::Disk, place, None)
    }

    fn unknown_alias(&self, module: &Module, alias: &str, spec: &str) -> ResolveError {
        let declared = module.mod_file.requires().iter().map(|r| r.alias.as_str());
        let did_you_mean = closest_alias(alias, declared);
        let declared_by = self.closure.modules().iter().find_map(|m| {
            let r = m.mod_file.require_by_alias(alias)?;
            Some((m.display_name(), format!("require {} {} {}", r.alias, r.module_path, r.version_text)))
        });
        ResolveError::UnknownAlias(Box::new(UnknownAlias {
            alias: alias.to_string(),
            spec: spec.to_string(),
            mod_file: module.mod_file.path().to_path_buf(),
            did_you_mean,
            declared_by,
        }))
    }

    /// Go's rule: a path with an `internal` element may be imported only by
    /// packages in the tree rooted at the parent of the last such element.
    fn check_internal(&self, from: &PackageId, to: &PackageId) -> Result<(), ResolveError> {
        let path = to.import_path();
        let index = if path.ends_with("/internal") {
            Some(path.len() - "internal".len())
        } else if let Some(i) = path.rfind("/internal/") {
            Some(i + 1)
        } else if path == "internal" || path.starts_with("internal/") {
            Some(0)
        } else {
            None
        };
        let Some(index) = index else { return Ok(()) };
        let parent = path[..index].trim_end_matches('/');
        let importer = from.import_path();
        let same_kind = from.is_std() == to.is_std();
        let within = parent.is_empty() || importer == parent || importer.starts_with(&format!("{parent}/"));
        if same_kind && within {
            Ok(())
        } else {
            Err(ResolveError::Internal { import_path: path })
        }
    }

    fn finish_import(
        &self,
        id: PackageId,
        dir: PathBuf,
        fs_kind: FsKind,
        place: String,
        shadowed: Option<PathBuf>,
    ) -> Result<ResolvedPackage, ResolveError> {
        let package = self.finish(id, dir, fs_kind, place, shadowed)?;
        if package.name == "main" {
            return Err(ResolveError::Program { import_path: package.import_path });
        }
        Ok(package)
    }

    fn finish(
        &self,
        id: PackageId,
        dir: PathBuf,
        fs_kind: FsKind,
        place: String,
        shadowed: Option<PathBuf>,
    ) -> Result<ResolvedPackage, ResolveError> {
        let import_path = id.import_path();
        let key = (fs_kind, dir.clone());
        let cached = self.scans.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
        let is_dir = cached.is_some() || match fs_kind {
            FsKind::Std => self.std.fs().is_dir(&dir),
            FsKind::Disk => self.local.fs().is_dir(&dir),
        };
        if !is_dir {
            return Err(ResolveError::NotFound { import_path, place, dir });
        }
        let scanned = match cached {
            Some(s) => s,
            None => {
                let s = match fs_kind {
                    FsKind::Std => scan_package(self.std.fs(), &dir, &self.build),
                    FsKind::Disk => scan_package(self.local.fs(), &dir, &self.build),
                };
                self.scans.lock().unwrap_or_else(|e| e.into_inner()).insert(key, s.clone());
                s
            }
        }?;
        Ok(ResolvedPackage {
            id,
            import_path,
            dir,
            fs_kind,
            name: scanned.name,
            files: scanned.files,
            shadowed_local_dir: shadowed,
        })
    }
}

/// Collects the build's `.gox` files of `dir` and their package name.
fn scan_package<G: FileSystem + ?Sized>(fs: &G, dir: &Path, build: &BuildConfig) -> Result<Scanned, ResolveError> {
    let set = FileSet::collect(fs, dir, build).map_err(ResolveError::Read)?;
    if set.files.is_empty() {
        let file_name = |p: &PathBuf| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let visible: Vec<String> =
            set.excluded.iter().map(|(p, _)| file_name(p)).filter(|n| !n.starts_with('.') && !n.starts_with('_')).collect();
        let dir = dir.to_path_buf();
        return Err(if visible.is_empty() {
            ResolveError::NoGoxFiles { dir }
        } else if visible.iter().all(|n| n.ends_with("_test.gox")) {
            ResolveError::NoNonTestGoxFiles { dir }
        } else {
            ResolveError::ExcludedByConstraints { dir }
        });
    }
    let mut first: Option<(String, String)> = None;
    for file in &set.files {
        let bytes = fs.read_shared(file).map_err(ResolveError::Read)?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            ResolveError::Read(FsError::InvalidUtf8 { path: file.to_path_buf(), offset: e.valid_up_to() })
        })?;
        let name = package_clause(file, text)?;
        let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match &first {
            None => first = Some((name, file_name)),
            Some(f) if f.0 != name => {
                return Err(ResolveError::MultiplePackages {
                    dir: dir.to_path_buf(),
                    first: f.clone(),
                    second: (name, file_name),
                })
            }
            Some(_) => {}
        }
    }
    let name = first.map(|f| f.0).unwrap_or_default();
    Ok(Scanned { name, files: set.files })
}

/// The package name of a file's package clause, skipping a BOM, blanks and
/// comments before it.
pub fn package_clause(path: &Path, text: &str) -> Result<String, ResolveError> {
    let bytes = text.as_bytes();
    let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let skip = |mut i: usize| -> usize {
        loop {
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
            }
            if bytes[i..].starts_with(b"//") {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            } else if bytes[i..].starts_with(b"/*") {
                match text[i + 2..].find("*/") {
                    Some(end) => i += 2 + end + 2,
                    None => return bytes.len(),
                }
            } else {
                return i;
            }
        }
    };
    let word = |i: usize| -> &str {
        let end = text[i..]
            .char_indices()
            .find(|&(_, c)| !(c == '_' || c.is_alphanumeric()))
            .map_or(text.len(), |(j, _)| i + j);
        &text[i..end]
    };
    let found = |i: usize, expected: &str| -> ResolveError {
        let token = if i >= text.len() {
            "EOF".to_string()
        } else {
            let w = word(i);
            if w.is_empty() { text[i..].chars().next().map(String::from).unwrap_or_default() } else { w.to_string() }
        };
        ResolveError::BadPackageClause {
            pos: FilePos::at(path, text, i),
            message: format!("expected {expected}, found '{token}'"),
        }
    };
    i = skip(i);
    if word(i.min(text.len())) != "package" {
        return Err(found(i, "'package'"));
    }
    i = skip(i + "package".len());
    let name = word(i.min(text.len()));
    if name.is_empty() || name.starts_with(|c: char| c.is_numeric()) {
        return Err(found(i, "package name"));
    }
    Ok(name.to_string())
}

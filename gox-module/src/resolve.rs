//! Import resolution: from an import written in a package of module M to a
//! package directory with one canonical identity.
//!
//! * `@"A"` / `@"A/rest"`: alias A of M's own gox.mod ([`ModuleResolver`]); the
//!   package is `<dir of the selected module>/rest`. Aliases of other
//!   modules are invisible.
//! * `"P"` naming a std package: the embedded std ([`StdResolver`]).
//! * `"P"` otherwise: `<M's root>/P` ([`LocalResolver`]).
//!
//! [`ImportResolver`] combines them for one root project (its [`ModuleClosure`]) and
//! applies the path rules: the directory exists, and internal packages are
//! only imported from within the tree rooted at the parent of `internal`.
//! Resolution reads no file: what a directory holds (its files of the
//! build, their package clauses, whether it is a program) is the loader's
//! business, which reads each file once (gox-cli's `driver::load`).
//! Errors are messages without a position: the caller knows where the
//! import spec is.

use rustc_hash::FxHashMap as HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use gox_common::render::display_path;
use gox_common::{BuildConfig, FileSystem};

use crate::closure::{relative_slash, Module, ModuleClosure, GOXDEPS_DIR};
use crate::modpath::{check_import_path, PathError};
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
    /// A directory of the importing module that the std package shadows
    /// (see [`ResolvedPackage::shadow_warning`]).
    pub shadowed_local_dir: Option<PathBuf>,
}

impl ResolvedPackage {
    /// The warning to show when a std package shadows a local directory;
    /// paths are shown relative to `base`, as diagnostics show them.
    pub fn shadow_warning(&self, base: &Path) -> Option<String> {
        self.shadowed_local_dir.as_ref().map(|dir| {
            format!(
                "import \"{}\" is the std package; the local package in {} is shadowed and cannot be imported (rename the directory)",
                self.import_path,
                display_path(dir, Some(base))
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
    /// An import path breaking the path rules; `path` keeps the `@` of an external import.
    InvalidImportPath(PathError),
    /// An import of the root's `.goxdeps` (or a directory in it) as a local package.
    GoxdepsImport { path: String },
    /// `@"alias..."` with an alias the importing module's gox.mod does not declare.
    UnknownAlias(Box<UnknownAlias>),
    /// A std package importing something other than std.
    NotInStd { path: String, dir: PathBuf, external: bool },
    /// No such directory. `place` says where it was looked for.
    NotFound { import_path: String, place: String, dir: PathBuf },
    Internal { import_path: String },
    /// The importing package names a module that is not in the closure.
    UnknownModule { module: String },
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, None)
    }
}

impl ResolveError {
    /// The message with the paths it names shown relative to `base` (the
    /// directory the command runs in), as diagnostics show file paths.
    pub fn message(&self, base: &Path) -> String {
        struct Shown<'a>(&'a ResolveError, &'a Path);
        impl fmt::Display for Shown<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write(f, Some(self.1))
            }
        }
        Shown(self, base).to_string()
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, base: Option<&Path>) -> fmt::Result {
        let show = |p: &Path| display_path(p, base);
        match self {
            ResolveError::InvalidImportPath(err) => write!(f, "{err}"),
            ResolveError::GoxdepsImport { path } => {
                write!(f, "invalid import path \"{path}\": {GOXDEPS_DIR} holds dependencies; import them with @\"alias\"")
            }
            ResolveError::UnknownAlias(u) => {
                let UnknownAlias { alias, spec, mod_file, did_you_mean, declared_by } = &**u;
                write!(f, "unknown alias \"{alias}\" in @\"{spec}\": not declared in {}", show(mod_file))?;
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
                    write!(f, "package {path} is not in std ({})", show(dir))
                }
            }
            ResolveError::NotFound { import_path, place, dir } => match crate::std::not_in_std_reason(import_path) {
                Some(reason) => write!(f, "package {import_path} is not in GoX's std ({reason})"),
                None => write!(f, "package {import_path} is not in {place} (no directory {})", show(dir)),
            },
            ResolveError::Internal { import_path } => write!(f, "use of internal package {import_path} not allowed"),
            ResolveError::UnknownModule { module } => write!(f, "module {module} is not in the module closure"),
        }
    }
}

impl std::error::Error for ResolveError {}

/// The declared alias closest to `alias`, if close enough to be a typo.
fn closest_alias<'a>(alias: &str, declared: impl Iterator<Item = &'a str>) -> Option<String> {
    let limit = (alias.chars().count() / 3).clamp(1, 2);
    declared
        .map(|d| (if d.eq_ignore_ascii_case(alias) { 0 } else { strsim::levenshtein(alias, d) }, d))
        .filter(|&(dist, _)| dist <= limit && dist < alias.chars().count())
        .min_by_key(|&(dist, _)| dist)
        .map(|(_, d)| d.to_string())
}

/// The std packages, in the virtual tree [`STD_ROOT`] of a file system.
#[derive(Clone, Debug)]
pub struct StdResolver<S> {
    fs: S,
}

impl StdResolver<EmbeddedStd> {
    /// The std embedded in the toolchain.
    pub fn embedded() -> StdResolver<EmbeddedStd> {
        StdResolver { fs: EmbeddedStd::new() }
    }
}

impl<S: FileSystem> StdResolver<S> {
    /// A std whose packages are the directories under [`STD_ROOT`] in `fs`.
    pub fn new(fs: S) -> StdResolver<S> {
        StdResolver { fs }
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
pub struct LocalResolver<F> {
    fs: F,
}

impl<F: FileSystem> LocalResolver<F> {
    pub fn new(fs: F) -> LocalResolver<F> {
        LocalResolver { fs }
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
pub struct ModuleResolver {
    closure: Arc<ModuleClosure>,
}

impl ModuleResolver {
    pub fn new(closure: Arc<ModuleClosure>) -> ModuleResolver {
        ModuleResolver { closure }
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

/// Resolved imports by importing module, import path and whether the
/// import is external.
type Memo = HashMap<String, HashMap<String, [Option<Arc<ResolvedPackage>>; 2]>>;

/// Import resolution for one root project.
pub struct ImportResolver<F, S = EmbeddedStd> {
    closure: Arc<ModuleClosure>,
    std: StdResolver<S>,
    local: LocalResolver<F>,
    mods: ModuleResolver,
    build: BuildConfig,
    /// Successful resolutions by importing module ("" for the std), then
    /// path and whether it is external: looked up without building a key
    /// (a project of 3,000 packages resolves 13,000 imports, one after
    /// another).
    resolved: RwLock<Memo>,
}

impl<F: FileSystem> ImportResolver<F, EmbeddedStd> {
    /// Resolution over `fs` (the project and `.goxdeps`) and the embedded
    /// std, for the host build configuration.
    pub fn new(fs: F, closure: ModuleClosure) -> ImportResolver<F, EmbeddedStd> {
        ImportResolver::with_std(fs, closure, StdResolver::embedded(), BuildConfig::default())
    }
}

impl<F: FileSystem, S: FileSystem> ImportResolver<F, S> {
    pub fn with_std(fs: F, closure: ModuleClosure, std: StdResolver<S>, build: BuildConfig) -> ImportResolver<F, S> {
        let closure = Arc::new(closure);
        ImportResolver {
            mods: ModuleResolver::new(closure.clone()),
            closure,
            std,
            local: LocalResolver::new(fs),
            build,
            resolved: RwLock::new(Memo::default()),
        }
    }

    pub fn closure(&self) -> &ModuleClosure {
        &self.closure
    }

    pub fn std(&self) -> &StdResolver<S> {
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

    /// The package of an identity (no import rules: for the packages named
    /// on the command line).
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
        self.resolve_shared(from, spec_path, external).map(Arc::unwrap_or_clone)
    }

    /// [`ImportResolver::resolve`] as the memo holds it: an import of a
    /// package resolved before (most imports) copies nothing.
    pub fn resolve_shared(&self, from: &PackageId, spec_path: &str, external: bool) -> Result<Arc<ResolvedPackage>, ResolveError> {
        // What an import resolves to depends only on the importing module;
        // only the internal-package rule depends on the importing package.
        let from_module = match from {
            PackageId::Std(_) => "",
            PackageId::Module { module, .. } => module.as_str(),
        };
        let memo = self
            .resolved
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(from_module)
            .and_then(|paths| paths.get(spec_path))
            .and_then(|found| found[external as usize].clone());
        // The lock is held for the lookup only: the loader's threads
        // resolve imports at once.
        if let Some(found) = memo {
            self.check_internal_path(from, &found.id, &found.import_path)?;
            return Ok(found);
        }
        let found = Arc::new(self.resolve_uncached(from, spec_path, external)?);
        let mut memo = self.resolved.write().unwrap_or_else(|e| e.into_inner());
        let slot = memo.entry(from_module.to_string()).or_default().entry(spec_path.to_string()).or_default();
        slot[external as usize] = Some(found.clone());
        Ok(found)
    }

    fn resolve_uncached(&self, from: &PackageId, spec_path: &str, external: bool) -> Result<ResolvedPackage, ResolveError> {
        // Said before the path rules, which would only call `.goxdeps` hidden.
        if !external && (spec_path == GOXDEPS_DIR || spec_path.starts_with(&format!("{GOXDEPS_DIR}/"))) {
            return Err(ResolveError::GoxdepsImport { path: spec_path.to_string() });
        }
        // In `@"alias/rest"` the first element is an alias, an identifier
        // gox.mod declares (checked there, and found or not below), not a
        // directory: only the rest follows the import path rules.
        let rules = match (external, spec_path.split_once('/')) {
            (false, _) => check_import_path(spec_path),
            (true, Some((_, rest))) if !rest.is_empty() => check_import_path(rest),
            // `@"alias/"`: said of the whole path (a trailing slash).
            (true, Some(_)) => check_import_path(spec_path),
            (true, None) => Ok(()),
        };
        rules.map_err(|mut err| {
            if external {
                err.path = format!("@{spec_path}");
            }
            ResolveError::InvalidImportPath(err)
        })?;
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
                return self.finish(id, dir, FsKind::Std, "std".to_string(), None);
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
            return self.finish(id, dir, FsKind::Disk, format!("module {}", target.display_name()), None);
        }
        if self.std.is_package(spec_path) {
            let shadowed = Some(self.local.dir(module, spec_path)).filter(|d| is_package_dir(self.local.fs(), d));
            let id = PackageId::Std(spec_path.to_string());
            self.check_internal(from, &id)?;
            return self.finish(id, self.std.dir(spec_path), FsKind::Std, "std".to_string(), shadowed);
        }
        let id = PackageId::Module { module: module.path.clone(), dir: spec_path.to_string() };
        self.check_internal(from, &id)?;
        // Name the path as written: the user did not write the module path.
        let place = format!("std or in module {}", module.display_name());
        let dir = self.local.dir(module, spec_path);
        if !self.local.fs().is_dir(&dir) {
            return Err(ResolveError::NotFound { import_path: spec_path.to_string(), place, dir });
        }
        self.finish(id, dir, FsKind::Disk, place, None)
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
        self.check_internal_path(from, to, &to.import_path())
    }

    /// [`Self::check_internal`] with `to`'s import path at hand.
    fn check_internal_path(&self, from: &PackageId, to: &PackageId, path: &str) -> Result<(), ResolveError> {
        let Some(parent) = internal_parent(path) else { return Ok(()) };
        let importer = from.import_path();
        let same_kind = from.is_std() == to.is_std();
        let within = parent.is_empty() || importer == parent || importer.starts_with(&format!("{parent}/"));
        if same_kind && within {
            Ok(())
        } else {
            Err(ResolveError::Internal { import_path: path.to_string() })
        }
    }

    /// The package at `dir`, if `dir` is a directory of its file system.
    fn finish(
        &self,
        id: PackageId,
        dir: PathBuf,
        fs_kind: FsKind,
        place: String,
        shadowed: Option<PathBuf>,
    ) -> Result<ResolvedPackage, ResolveError> {
        let import_path = id.import_path();
        let is_dir = match fs_kind {
            FsKind::Std => self.std.fs().is_dir(&dir),
            FsKind::Disk => self.local.fs().is_dir(&dir),
        };
        if !is_dir {
            return Err(ResolveError::NotFound { import_path, place, dir });
        }
        Ok(ResolvedPackage { id, import_path, dir, fs_kind, shadowed_local_dir: shadowed })
    }
}

/// The part of an import path before its last `internal` element
/// (`a/b/internal/c` -> `a/b`, `internal/x` -> ``), if it has one. Elements
/// are compared whole: no substring search for each of thousands of imports.
fn internal_parent(path: &str) -> Option<&str> {
    let mut end = path.len();
    for elem in path.rsplit('/') {
        let start = end - elem.len();
        if elem == "internal" {
            return Some(path[..start].trim_end_matches('/'));
        }
        end = start.saturating_sub(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::internal_parent;

    #[test]
    fn the_last_internal_element_decides_who_may_import() {
        assert_eq!(internal_parent("a/b/internal"), Some("a/b"));
        assert_eq!(internal_parent("a/internal/b"), Some("a"));
        assert_eq!(internal_parent("a/internal/b/internal/c"), Some("a/internal/b"));
        assert_eq!(internal_parent("internal"), Some(""));
        assert_eq!(internal_parent("internal/x"), Some(""));
        assert_eq!(internal_parent("a/internals/x"), None);
        assert_eq!(internal_parent("a/xinternal"), None);
        assert_eq!(internal_parent("a/b"), None);
        assert_eq!(internal_parent(""), None);
    }
}

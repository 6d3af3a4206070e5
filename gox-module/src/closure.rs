//! The module closure: the root module and every module it requires,
//! directly or not, read from `.goxdeps/<module-path>@<version>/gox.mod`
//! under the root project. Never touches the network.
//!
//! Version rule: a require of a module path in the root `gox.mod` decides
//! that module's version for the whole build; otherwise every require of a
//! path in the closure must name the same version. Modules are visited
//! breadth-first in require order with a visited set, so cycles terminate
//! and the chains shown in errors are shortest ones. A require of the root
//! module's own path is satisfied by the root itself.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub(crate) use gox_common::paths::relative_slash;

use gox_common::{FileSystem, FsError};
use semver::Version;

use crate::error::FilePos;
use crate::modfile::{ModError, ModFile};

pub use crate::goxdeps::{dep_dir, GOXDEPS_DIR};
use crate::goxdeps::module_version;
/// The name of a module's manifest.
pub const MOD_FILE_NAME: &str = "gox.mod";

/// One module of the closure.
#[derive(Clone, Debug)]
pub struct Module {
    pub path: String,
    /// `None` for the root module.
    pub version: Option<Version>,
    /// The module root: the project directory, `.goxdeps/<path>@<version>`,
    /// or a workspace module's own directory.
    pub dir: PathBuf,
    pub mod_file: ModFile,
    /// Used from its directory because gox.work lists it: `version` is the
    /// version required, not what is built, and nothing is verified.
    pub workspace: bool,
}

impl Module {
    pub fn is_root(&self) -> bool {
        self.version.is_none()
    }

    /// `path` for the root, `path@vX.Y.Z` for a dependency.
    pub fn display_name(&self) -> String {
        match &self.version {
            None => self.path.clone(),
            Some(v) => module_version(&self.path, v),
        }
    }
}

/// One edge of the requirement graph: module `from` requires `path` at
/// `version` (as written) under `alias`; `selected` is the module of the
/// closure that satisfies it (whose version differs only when the root
/// decided another one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub from: usize,
    pub alias: String,
    pub path: String,
    pub version: Version,
    pub selected: usize,
}

/// A module a workspace (gox.work) uses from its directory instead of its
/// `.goxdeps` copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkModule {
    pub path: String,
    pub dir: PathBuf,
}

/// A root require that overrides another module's require of the same path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    pub path: String,
    /// What the root requires, which the build uses.
    pub root_version: Version,
    /// `path@version` of the module whose require is overridden.
    pub requirer: String,
    pub required: Version,
}

impl Override {
    /// Whether the root pins the module below what `requirer` needs.
    pub fn is_downgrade(&self) -> bool {
        self.root_version < self.required
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = if self.is_downgrade() { "lower" } else { "higher" };
        write!(
            f,
            "gox.mod requires {} v{}, {how} than v{} required by {}; the root's version is used",
            self.path, self.root_version, self.required, self.requirer
        )
    }
}

/// A failure to build the closure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClosureError {
    /// A gox.mod could not be read.
    Read(FsError),
    /// A gox.mod is invalid.
    Mod(ModError),
    /// A required module is not in `.goxdeps`. `chain` runs from the root to
    /// the module that requires it; `pos` is that require.
    Missing { pos: FilePos, path: String, version: Version, chain: Vec<String> },
    /// Two requires of a module not decided by the root disagree. Each chain
    /// runs from the root to `path@version`; `pos` is the later require.
    Conflict { pos: FilePos, path: String, chains: Vec<(Version, Vec<String>)>, suggestion: String },
    /// A dependency's gox.mod declares another module path than required.
    PathMismatch { pos: FilePos, declared: String, required: String, chain: Vec<String> },
}

impl fmt::Display for ClosureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClosureError::Read(e) => write!(f, "{e}"),
            ClosureError::Mod(e) => write!(f, "{e}"),
            ClosureError::Missing { pos, path, version, chain } => write!(
                f,
                "{pos}: missing module {path}@v{version} in {GOXDEPS_DIR} (required by {}); run: gox mod download",
                chain.join(" -> ")
            ),
            ClosureError::Conflict { pos, path, chains, suggestion } => {
                let versions: Vec<String> = chains.iter().map(|(v, _)| format!("v{v}")).collect();
                write!(f, "{pos}: conflicting versions of module {path}: {} are both required", versions.join(" and "))?;
                for (_, chain) in chains {
                    write!(f, "\n\t{}", chain.join(" -> "))?;
                }
                write!(
                    f,
                    "\nchoose one for the whole build with a require in the root gox.mod, for example: {suggestion}"
                )
            }
            ClosureError::PathMismatch { pos, declared, required, chain } => write!(
                f,
                "{pos}: module declares its path as {declared} but was required as {required} (by {})",
                chain.join(" -> ")
            ),
        }
    }
}

impl std::error::Error for ClosureError {}

impl ClosureError {
    /// The error with the paths it names shown relative to `base`.
    pub fn message(&self, base: &Path) -> String {
        let show = |p: &Path| gox_common::display_path(p, Some(base));
        match self.parts() {
            (Some(pos), _, message) => format!("{}:{}:{}: {message}", show(&pos.file), pos.line, pos.col),
            (None, Some(path), message) => format!("{}: {message}", show(path)),
            (None, None, message) => message,
        }
    }

    /// Where the error is (`None` when it is about no position of a
    /// file), the path it is about, and the message without the position.
    pub fn parts(&self) -> (Option<FilePos>, Option<&Path>, String) {
        let full = self.to_string();
        let strip = |pos: &FilePos| full.strip_prefix(&format!("{pos}: ")).unwrap_or(&full).to_string();
        match self {
            ClosureError::Read(e) => (None, Some(e.path()), e.reason()),
            ClosureError::Mod(e) => match &e.pos {
                Some(pos) => (Some(pos.clone()), Some(pos.file.as_path()), e.message.clone()),
                None => (None, None, e.message.clone()),
            },
            ClosureError::Missing { pos, .. } | ClosureError::Conflict { pos, .. } | ClosureError::PathMismatch { pos, .. } => {
                (Some(pos.clone()), Some(pos.file.as_path()), strip(pos))
            }
        }
    }
}

/// The root module and its dependencies, with the requirement graph.
#[derive(Clone, Debug)]
pub struct ModuleClosure {
    root_dir: PathBuf,
    modules: Vec<Module>,
    requirements: Vec<Requirement>,
}

fn read_mod_file<F: FileSystem + ?Sized>(fs: &F, dir: &Path) -> Result<ModFile, ClosureError> {
    let path = dir.join(MOD_FILE_NAME);
    let text = fs.read_to_string(&path).map_err(ClosureError::Read)?;
    ModFile::parse(&path, &text).map_err(ClosureError::Mod)
}

impl ModuleClosure {
    /// Reads `root_dir/gox.mod` and, recursively, the gox.mod of every
    /// required module under `root_dir/.goxdeps`, applying the version rule.
    pub fn load<F: FileSystem + ?Sized>(fs: &F, root_dir: &Path) -> Result<ModuleClosure, ClosureError> {
        ModuleClosure::load_with(fs, root_dir, &[])
    }

    /// [`ModuleClosure::load`] in a workspace: a required module that
    /// `work` lists is used from its directory (whatever version is
    /// required, so versions of it never conflict), and a dependency missing
    /// from the root's `.goxdeps` is looked for in each workspace module's
    /// `.goxdeps`, in order.
    pub fn load_with<F: FileSystem + ?Sized>(
        fs: &F,
        root_dir: &Path,
        work: &[WorkModule],
    ) -> Result<ModuleClosure, ClosureError> {
        let root_mod = read_mod_file(fs, root_dir)?;
        let root_path = root_mod.module_path().to_string();
        let decided: HashMap<String, Version> =
            root_mod.requires().iter().map(|r| (r.module_path.clone(), r.version.clone())).collect();
        let mut modules = vec![Module {
            path: root_path.clone(),
            version: None,
            dir: root_dir.to_path_buf(),
            mod_file: root_mod,
            workspace: false,
        }];
        let used = |path: &str| work.iter().find(|w| w.path == path && w.path != root_path);
        // For each module: the chain from the root to it.
        let mut chains: Vec<Vec<String>> = vec![vec![root_path.clone()]];
        let mut index: HashMap<String, usize> = HashMap::from([(root_path.clone(), 0)]);
        let mut requirements = Vec::new();
        let mut next = 0;
        while next < modules.len() {
            let from = next;
            next += 1;
            let requires = modules[from].mod_file.requires().to_vec();
            for (ri, r) in requires.iter().enumerate() {
                // Positions of the require's module path and version.
                let require_pos = |version: bool| {
                    let m = &modules[from].mod_file;
                    m.require_positions(ri)
                        .map_or_else(|| m.module_pos().clone(), |(p, v)| if version { v } else { p })
                };
                let chosen = decided.get(&r.module_path).unwrap_or(&r.version);
                if let Some(&selected) = index.get(&r.module_path) {
                    let have = &modules[selected];
                    if let Some(v) = &have.version {
                        if !decided.contains_key(&r.module_path) && v != &r.version && !have.workspace {
                            let mut second = chains[from].clone();
                            second.push(format!("{}@{}", r.module_path, r.version_text));
                            let high = if v > &r.version { (v.clone(), selected) } else { (r.version.clone(), usize::MAX) };
                            let alias = if high.1 == usize::MAX {
                                r.alias.clone()
                            } else {
                                requirements
                                    .iter()
                                    .find(|q: &&Requirement| q.selected == selected)
                                    .map_or(r.alias.clone(), |q| q.alias.clone())
                            };
                            let alias = free_alias(&modules[0].mod_file, &alias);
                            return Err(ClosureError::Conflict {
                                pos: require_pos(true),
                                path: r.module_path.clone(),
                                chains: vec![(v.clone(), chains[selected].clone()), (r.version.clone(), second)],
                                suggestion: format!("require {alias} {} v{}", r.module_path, high.0),
                            });
                        }
                    }
                    requirements.push(Requirement {
                        from,
                        alias: r.alias.clone(),
                        path: r.module_path.clone(),
                        version: r.version.clone(),
                        selected,
                    });
                    continue;
                }
                let workspace = used(&r.module_path).is_some();
                let mut dir = match used(&r.module_path) {
                    Some(w) => w.dir.clone(),
                    None => dep_dir(root_dir, &r.module_path, chosen),
                };
                if !workspace && !fs.is_file(&dir.join(MOD_FILE_NAME)) {
                    if let Some(other) = work
                        .iter()
                        .map(|w| dep_dir(&w.dir, &r.module_path, chosen))
                        .find(|d| fs.is_file(&d.join(MOD_FILE_NAME)))
                    {
                        dir = other;
                    }
                }
                if !fs.is_file(&dir.join(MOD_FILE_NAME)) {
                    // There but unreadable (permissions): say so, not "missing".
                    match fs.read(&dir.join(MOD_FILE_NAME)) {
                        Err(FsError::NotFound { .. }) => {}
                        Err(err) => return Err(ClosureError::Read(err)),
                        Ok(_) => {}
                    }
                    match fs.read_dir(&dir) {
                        Err(err) if fs.is_dir(&dir) => return Err(ClosureError::Read(err)),
                        _ => {}
                    }
                    return Err(ClosureError::Missing {
                        pos: require_pos(false),
                        path: r.module_path.clone(),
                        version: chosen.clone(),
                        chain: chains[from].clone(),
                    });
                }
                let mod_file = read_mod_file(fs, &dir)?;
                if mod_file.module_path() != r.module_path {
                    return Err(ClosureError::PathMismatch {
                        pos: mod_file.module_pos().clone(),
                        declared: mod_file.module_path().to_string(),
                        required: r.module_path.clone(),
                        chain: chains[from].clone(),
                    });
                }
                let selected = modules.len();
                let mut chain = chains[from].clone();
                chain.push(module_version(&r.module_path, &chosen));
                chains.push(chain);
                index.insert(r.module_path.clone(), selected);
                modules.push(Module { path: r.module_path.clone(), version: Some(chosen.clone()), dir, mod_file, workspace });
                requirements.push(Requirement {
                    from,
                    alias: r.alias.clone(),
                    path: r.module_path.clone(),
                    version: r.version.clone(),
                    selected,
                });
            }
        }
        Ok(ModuleClosure { root_dir: root_dir.to_path_buf(), modules, requirements })
    }

    /// The project directory (where the root gox.mod is).
    pub fn root_dir(&self) -> &Path {
        &self.root_dir
    }

    /// The root module (always `modules()[0]`).
    pub fn root(&self) -> &Module {
        &self.modules[0]
    }

    /// Every module: the root first, then in breadth-first require order.
    pub fn modules(&self) -> &[Module] {
        &self.modules
    }

    /// The module with this path.
    pub fn module(&self, path: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.path == path)
    }

    /// Where a root require decides another version than a module of the
    /// build requires (lower or higher), one per such require.
    pub fn overrides(&self) -> Vec<Override> {
        let root = &self.modules[0];
        self.requirements
            .iter()
            .filter(|q| q.from != 0 && q.selected != 0)
            .filter_map(|q| {
                let selected = &self.modules[q.selected];
                let root_version = root.mod_file.require_by_path(&q.path)?.version.clone();
                if selected.workspace || root_version == q.version {
                    return None;
                }
                Some(Override {
                    path: q.path.clone(),
                    root_version,
                    requirer: self.modules[q.from].display_name(),
                    required: q.version.clone(),
                })
            })
            .collect()
    }

    /// The requirement graph, one edge per require of every module.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// The graph as `gox mod graph` prints it: one `(from, to)` pair per
    /// edge, `to` being `path@version` as required.
    pub fn graph(&self) -> Vec<(String, String)> {
        self.requirements
            .iter()
            .map(|q| (self.modules[q.from].display_name(), module_version(&q.path, &q.version)))
            .collect()
    }

    /// The module a directory belongs to and the directory relative to that
    /// module's root (slash-separated, "" for the root itself). A directory
    /// under `.goxdeps` that is no module of the closure belongs to none.
    pub fn module_for_dir(&self, dir: &Path) -> Option<(&Module, String)> {
        for m in &self.modules[1..] {
            if let Some(rel) = relative_slash(&m.dir, dir) {
                return Some((m, rel));
            }
        }
        let rel = relative_slash(&self.root_dir, dir)?;
        if rel == GOXDEPS_DIR || rel.starts_with(&format!("{GOXDEPS_DIR}/")) {
            return None;
        }
        Some((&self.modules[0], rel))
    }
}

/// `alias`, or `alias2`, `alias3`... whichever the root gox.mod does not use.
fn free_alias(root: &ModFile, alias: &str) -> String {
    if root.require_by_alias(alias).is_none() {
        return alias.to_string();
    }
    (2..).map(|n| format!("{alias}{n}")).find(|a| root.require_by_alias(a).is_none()).unwrap_or_default()
}

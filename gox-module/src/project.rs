//! A project's dependencies as one transaction: `gox get`, `gox mod
//! download` and `gox mod tidy` open the project under its lock, edit
//! gox.mod and gox.lock in memory, fetch what the edited closure lacks, and
//! save. Nothing is written unless everything succeeded, and the writes are
//! ordered so that a process killed between any two of them leaves a state
//! the next command repairs or reports precisely:
//!
//! 1. gox.lock with the union of the old and the new entries (an extra
//!    entry is harmless: the old gox.mod still builds, and `gox mod tidy`
//!    drops it),
//! 2. gox.mod,
//! 3. gox.lock with exactly the new entries,
//! 4. last, removals from `.goxdeps` (each module renamed aside before it
//!    is deleted, so no half-deleted module stands under its real name).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use gox_common::{FileSystem, FsError, RealFs, Stamp};
use semver::Version;

use crate::closure::{ClosureError, ModuleClosure, MOD_FILE_NAME};
use crate::fetch::{FetchError, Fetched, Fetcher, Origin};
use crate::files::{write_atomic, LockedFile};
use crate::goxdeps::{Manifest, GOXDEPS_DIR};
use crate::hash::file_hashes;
use crate::lockfile::{lock_path, LockEntry, LockError, LockFile};
use crate::modfile::{ModError, ModFile};

/// The file, inside `.goxdeps`, whose exclusive lock serialises every
/// read-modify-write of a project's gox.mod and gox.lock. Distinct from the
/// fetcher's own `.goxdeps/.lock`, which is taken per download while this
/// one is held.
pub const PROJECT_LOCK_FILE: &str = ".project.lock";

/// Set to the name of a point between two writes of [`Project::save`]
/// (`lock-union`, `mod`, `lock`), the process is killed right there with
/// SIGKILL, as an impatient user or the OOM killer would: how the tests
/// open the kill window deterministically.
pub const CRASH_ENV: &str = "GOX_TEST_CRASH_AT";

fn crash_point(name: &str) {
    if std::env::var_os(CRASH_ENV).is_some_and(|v| v == name) {
        let pid = std::process::id().to_string();
        let _ = std::process::Command::new("kill").args(["-KILL", &pid]).status();
        // Only reached if `kill` could not run.
        std::process::abort();
    }
}

/// Why a dependency operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{what} {}: {source}", path.display())]
    Io { what: &'static str, path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Read(FsError),
    #[error("{0}")]
    Mod(ModError),
    #[error("{0}")]
    Lock(LockError),
    #[error("{0}")]
    Closure(ClosureError),
    #[error("{}", fetch_message(.0))]
    Fetch(FetchError),
    #[error("cannot fetch {module}@v{version}: network access disabled by --offline\n\t{} holds it but neither gox.lock nor its manifest vouches for it", dir.display())]
    UnverifiedOffline { module: String, version: Version, dir: PathBuf },
}

impl ProjectError {
    /// The message with the paths it names shown relative to `base`.
    pub fn message(&self, base: &Path) -> String {
        match self {
            ProjectError::Closure(e) => e.message(base),
            other => other.to_string(),
        }
    }
}

/// A fetch error for the user; a download that disagrees with gox.lock gets
/// Go's security warning.
fn fetch_message(err: &FetchError) -> String {
    match err {
        FetchError::HashMismatch { found_in, .. } if found_in == "downloaded" => format!(
            "{err}\n\nSECURITY ERROR\nThis download does NOT match the one recorded in gox.lock.\n\
             The module may have been replaced at its source, or the download intercepted."
        ),
        FetchError::HashMismatch { module, version, .. } => {
            format!("{err}\n\tremove {GOXDEPS_DIR}/{module}@{version} and run: gox mod download")
        }
        _ => err.to_string(),
    }
}

/// A file system that reads one file as given text: the closure of an
/// edited gox.mod is computed before anything is saved.
pub struct Overlay<'a, F: ?Sized> {
    pub fs: &'a F,
    pub path: PathBuf,
    pub text: &'a str,
}

impl<F: FileSystem + ?Sized> FileSystem for Overlay<'_, F> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        if path == self.path {
            return Ok(self.text.as_bytes().to_vec());
        }
        self.fs.read(path)
    }
    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        self.fs.read_dir(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        path == self.path || self.fs.is_file(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.fs.is_dir(path)
    }
    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        self.fs.stamp(path)
    }
}

/// A module a closure completion fetched: who first required it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Added {
    pub path: String,
    pub version: Version,
    pub required_by: String,
}

/// An open project: gox.mod and gox.lock as read under the project lock,
/// and their edited versions.
pub struct Project {
    pub root: PathBuf,
    pub modfile: ModFile,
    pub lock: LockFile,
    saved_mod: String,
    saved_lock: Option<String>,
    /// Modules downloaded by this command, removed again if it fails (so
    /// that `.goxdeps` holds only what gox.lock records).
    downloaded: Vec<PathBuf>,
    _guard: LockedFile,
}

impl Project {
    /// Takes the project lock of the module at `root`, then reads gox.mod
    /// and gox.lock (so that a concurrent command is seen in full).
    pub fn open(root: &Path) -> Result<Project, ProjectError> {
        let lock_file = root.join(GOXDEPS_DIR).join(PROJECT_LOCK_FILE);
        let guard = LockedFile::exclusive(&lock_file)
            .map_err(|source| ProjectError::Io { what: "locking", path: lock_file, source })?;
        let path = root.join(MOD_FILE_NAME);
        let text = RealFs.read_to_string(&path).map_err(ProjectError::Read)?;
        let modfile = ModFile::parse(&path, &text).map_err(ProjectError::Mod)?;
        let lpath = lock_path(root);
        let (lock, saved_lock) = if RealFs.is_file(&lpath) {
            let ltext = RealFs.read_to_string(&lpath).map_err(ProjectError::Read)?;
            (LockFile::parse(&lpath, &ltext).map_err(ProjectError::Lock)?, Some(ltext))
        } else {
            (LockFile::new(), None)
        };
        Ok(Project {
            root: root.to_path_buf(),
            modfile,
            lock,
            saved_mod: text,
            saved_lock,
            downloaded: Vec::new(),
            _guard: guard,
        })
    }

    pub fn goxdeps(&self) -> PathBuf {
        self.root.join(GOXDEPS_DIR)
    }

    /// gox.lock as it was read (empty when there was none).
    pub fn saved_lock(&self) -> LockFile {
        self.saved_lock
            .as_ref()
            .and_then(|t| LockFile::parse(&lock_path(&self.root), t).ok())
            .unwrap_or_default()
    }

    /// The closure of gox.mod as it was read, if it loads.
    pub fn saved_closure(&self) -> Option<ModuleClosure> {
        let fs = Overlay { fs: &RealFs, path: self.root.join(MOD_FILE_NAME), text: &self.saved_mod };
        ModuleClosure::load(&fs, &self.root).ok()
    }

    /// Makes `module@version` present and verified in `.goxdeps` and records
    /// it in gox.lock. A version already there is reused without network
    /// access when gox.lock records its hash, or when its files still match
    /// the manifest gox wrote when it installed them; anything else there
    /// is of unknown origin: removed and downloaded again.
    pub fn fetch(&mut self, fetcher: &Fetcher, module: &str, version: &Version) -> Result<Fetched, ProjectError> {
        let goxdeps = self.goxdeps();
        let locked = self.lock.get(module, version).cloned();
        let mut fetched =
            fetcher.fetch(&goxdeps, module, version, locked.as_ref().map(|e| e.hash.as_str())).map_err(ProjectError::Fetch)?;
        let mut manifest = None;
        if fetched.origin == Origin::AlreadyPresent {
            manifest = Manifest::read(&fetched.dir);
            let vouched = manifest.as_ref().and_then(|m| m.hash(module, version)).as_ref() == Some(&fetched.hash);
            if locked.is_none() && !vouched {
                if fetcher.is_offline() {
                    return Err(ProjectError::UnverifiedOffline {
                        module: module.to_string(),
                        version: version.clone(),
                        dir: fetched.dir,
                    });
                }
                crate::goxdeps::remove(&goxdeps, &fetched.dir)
                    .map_err(|source| ProjectError::Io { what: "removing", path: fetched.dir.clone(), source })?;
                manifest = None;
                fetched = fetcher.fetch(&goxdeps, module, version, None).map_err(ProjectError::Fetch)?;
            }
        }
        if fetched.origin != Origin::AlreadyPresent {
            self.downloaded.push(fetched.dir.clone());
        }
        let commit = fetched
            .origin
            .commit()
            .map(str::to_string)
            .or_else(|| manifest.as_ref().and_then(|m| m.commit.clone()))
            .or_else(|| locked.as_ref().and_then(|e| e.commit.clone()));
        if manifest.is_none() {
            let files = file_hashes(&RealFs, &fetched.dir).map_err(|e| ProjectError::Io {
                what: "hashing",
                path: fetched.dir.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
            Manifest { files, commit: commit.clone() }
                .write(&fetched.dir)
                .map_err(|source| ProjectError::Io { what: "writing the manifest of", path: fetched.dir.clone(), source })?;
        }
        self.lock.upsert(LockEntry { path: module.to_string(), version: version.clone(), hash: fetched.hash.clone(), commit });
        Ok(fetched)
    }

    /// The closure of the edited gox.mod, read through `fs`.
    pub fn closure_in<F: FileSystem + ?Sized>(&self, fs: &F) -> Result<ModuleClosure, ClosureError> {
        let text = self.modfile.to_string();
        let overlay = Overlay { fs, path: self.root.join(MOD_FILE_NAME), text: &text };
        ModuleClosure::load(&overlay, &self.root)
    }

    /// Fetches whatever the closure of the (edited, unsaved) gox.mod lacks
    /// until it loads; returns it and the modules fetched for it.
    pub fn complete_closure(&mut self, fetcher: &Fetcher) -> Result<(ModuleClosure, Vec<Added>), ProjectError> {
        let mut seen = HashSet::new();
        let mut added = Vec::new();
        loop {
            match self.closure_in(&RealFs) {
                Ok(closure) => return Ok((closure, added)),
                Err(ClosureError::Missing { path, version, chain, .. }) if seen.insert((path.clone(), version.clone())) => {
                    self.fetch(fetcher, &path, &version)?;
                    let required_by = chain.last().cloned().unwrap_or_default();
                    added.push(Added { path, version, required_by });
                }
                Err(err) => return Err(ProjectError::Closure(err)),
            }
        }
    }

    /// Makes gox.lock record exactly the modules of the closure: a module it
    /// does not record yet is fetched (verified, or downloaded again);
    /// entries of modules no longer in the closure go. Returns the closure,
    /// recomputed if anything was fetched again.
    pub fn lock_closure(&mut self, fetcher: &Fetcher, mut closure: ModuleClosure) -> Result<ModuleClosure, ProjectError> {
        loop {
            let mut refetched = false;
            for module in closure.modules().iter().filter(|m| !m.is_root() && !m.workspace) {
                if let Some(version) = &module.version {
                    if self.lock.get(&module.path, version).is_none() {
                        self.fetch(fetcher, &module.path, version)?;
                        refetched = true;
                    }
                }
            }
            if !refetched {
                break;
            }
            closure = self.complete_closure(fetcher)?.0;
        }
        self.lock.retain(|e| closure.module(&e.path).is_some_and(|m| m.version.as_ref() == Some(&e.version)));
        Ok(closure)
    }

    /// After a failure: removes the modules this command downloaded; gox.mod
    /// and gox.lock were not written.
    pub fn discard_downloads(&mut self) {
        let goxdeps = self.goxdeps();
        for dir in self.downloaded.drain(..) {
            // Best effort: a leftover has no manifest, so it is of unknown
            // origin, and the next command downloads it again.
            let _ = std::fs::remove_file(crate::goxdeps::manifest_path(&dir));
            let _ = crate::goxdeps::remove(&goxdeps, &dir);
        }
    }

    /// Whether saving would change gox.mod / gox.lock.
    pub fn changed(&self) -> (bool, bool) {
        let mut lock = self.lock.clone();
        lock.drop_legacy_sources();
        (self.modfile.to_string() != self.saved_mod, Some(lock.to_string()) != self.saved_lock)
    }

    /// Writes what changed, in the order the module documentation gives
    /// (each write atomic, keeping the file's permissions); unchanged files
    /// are not touched. Returns (gox.mod written, gox.lock written).
    pub fn save(&mut self) -> Result<(bool, bool), ProjectError> {
        self.lock.drop_legacy_sources();
        let mod_text = self.modfile.to_string();
        let lock_text = self.lock.to_string();
        let mod_changed = mod_text != self.saved_mod;
        let lock_changed = Some(&lock_text) != self.saved_lock.as_ref();
        let write = |path: PathBuf, text: &str| {
            write_atomic(&path, text.as_bytes()).map_err(|source| ProjectError::Io { what: "writing", path, source })
        };
        if mod_changed && lock_changed {
            let mut union = self.saved_lock();
            for e in self.lock.entries() {
                union.upsert(e.clone());
            }
            union.drop_legacy_sources();
            let union_text = union.to_string();
            if Some(&union_text) != self.saved_lock.as_ref() && union_text != lock_text {
                write(lock_path(&self.root), &union_text)?;
                crash_point("lock-union");
            }
        }
        if mod_changed {
            write(self.root.join(MOD_FILE_NAME), &mod_text)?;
            crash_point("mod");
        }
        if lock_changed {
            write(lock_path(&self.root), &lock_text)?;
            crash_point("lock");
        }
        self.saved_mod = mod_text;
        self.saved_lock = Some(lock_text);
        self.downloaded.clear();
        Ok((mod_changed, lock_changed))
    }

    /// Removes from `.goxdeps` every module version the closure does not
    /// use; returns the directories removed.
    pub fn prune_goxdeps(&self, closure: &ModuleClosure) -> Result<Vec<PathBuf>, ProjectError> {
        let goxdeps = self.goxdeps();
        let mut removed = Vec::new();
        for m in crate::goxdeps::installed(&goxdeps) {
            let used = closure.module(&m.module).is_some_and(|c| !c.workspace && c.version.as_ref() == Some(&m.version));
            if used {
                continue;
            }
            crate::goxdeps::remove(&goxdeps, &m.dir)
                .map_err(|source| ProjectError::Io { what: "removing", path: m.dir.clone(), source })?;
            removed.push(m.dir);
        }
        Ok(removed)
    }
}

//! Verifying `.goxdeps` against `gox.lock`: every module of the closure is
//! recorded, and its tree hashes to the recorded hash. Next to each module
//! directory gox keeps a manifest ([`Manifest`]) whose own hash must equal
//! the locked one; with it a mismatch names the first file that differs.
//! Modules a workspace (gox.work) uses from their directories are working
//! copies: not verified.
//!
//! Everything here reads through a [`FileSystem`], so the rules can be
//! tested on a `MemoryFs`; the driver turns the errors into diagnostics.

use std::path::{Path, PathBuf};

use gox_common::{display_path, FileSystem, FsError};

use crate::goxdeps::{Manifest, GOXDEPS_DIR};
use crate::hash::{file_hashes, first_difference, hash_file_list, Difference, HashError};
use crate::lockfile::{lock_path, LockError, LockFile};
use crate::Module;

/// Why a module of the closure is not what gox.lock vouches for.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{module}: not recorded in gox.lock; run: gox get {module}")]
    NotLocked { module: String },
    #[error("{module}: {source}")]
    Unreadable { module: String, source: HashError },
    #[error("{module}: .goxdeps does not match gox.lock: {}", mismatch_detail(.difference))]
    Mismatch {
        module: String,
        dir: PathBuf,
        locked: String,
        actual: String,
        /// The first file that differs, when the manifest tells.
        difference: Option<Difference>,
    },
}

fn mismatch_detail(difference: &Option<Difference>) -> String {
    match difference {
        Some(d) => d.to_string(),
        None => "contents differ".to_string(),
    }
}

impl VerifyError {
    /// The message with the paths it names shown relative to `base`, and
    /// for a mismatch both hashes and what to do.
    pub fn message(&self, base: &Path) -> String {
        match self {
            VerifyError::Mismatch { dir, locked, actual, .. } => format!(
                "{self}\n\tgox.lock:  {locked}\n\t.goxdeps:  {actual}\n\tremove {} and run: gox mod download",
                display_path(dir, Some(base))
            ),
            other => other.to_string(),
        }
    }
}

/// Why the root's gox.lock could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadLockError {
    #[error("{0}")]
    Read(FsError),
    #[error("{0}")]
    Parse(LockError),
}

/// Reads the gox.lock of the module at `root` (an absent file is an empty
/// lock).
pub fn read_lock<F: FileSystem + ?Sized>(fs: &F, root: &Path) -> Result<LockFile, ReadLockError> {
    let path = lock_path(root);
    if !fs.is_file(&path) {
        return Ok(LockFile::new());
    }
    let text = fs.read_to_string(&path).map_err(ReadLockError::Read)?;
    LockFile::parse(&path, &text).map_err(ReadLockError::Parse)
}

/// Which of `roots` (the root module and a workspace's members) pins
/// `module` in its gox.lock: the one whose `.goxdeps` holds it.
pub fn lock_root_of<'r>(module: &Module, roots: &'r [PathBuf]) -> Option<&'r Path> {
    roots.iter().map(PathBuf::as_path).find(|r| module.dir.starts_with(r.join(GOXDEPS_DIR)))
}

/// Checks one module of the closure against the lock. The root and
/// workspace modules pass: they are the user's own working copies.
pub fn verify_module<F: FileSystem + ?Sized>(fs: &F, lock: &LockFile, module: &Module) -> Result<(), VerifyError> {
    let Some(version) = &module.version else { return Ok(()) };
    if module.workspace {
        return Ok(());
    }
    let name = module.display_name();
    let Some(entry) = lock.get(&module.path, version) else {
        return Err(VerifyError::NotLocked { module: name });
    };
    let unreadable = |source| VerifyError::Unreadable { module: name.clone(), source };
    let files = file_hashes(fs, &module.dir).map_err(unreadable)?;
    let actual = hash_file_list(&name, &files).map_err(unreadable)?;
    if actual == entry.hash {
        return Ok(());
    }
    // The manifest names the file only when it is the one gox wrote for
    // exactly the locked content.
    let difference = Manifest::read_in(fs, &module.dir)
        .filter(|m| m.hash(&module.path, version).as_deref() == Some(entry.hash.as_str()))
        .and_then(|m| first_difference(&m.files, &files));
    Err(VerifyError::Mismatch { module: name, dir: module.dir.clone(), locked: entry.hash.clone(), actual, difference })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lockfile::LockEntry;
    use crate::ModFile;
    use gox_common::MemoryFs;
    use semver::Version;

    fn module(dir: &str) -> Module {
        let mod_path = Path::new(dir).join("gox.mod");
        Module {
            path: "example.com/a".to_string(),
            version: Some(Version::new(1, 0, 0)),
            dir: PathBuf::from(dir),
            mod_file: ModFile::parse(&mod_path, "module example.com/a\n").unwrap(),
            workspace: false,
        }
    }

    fn locked(fs: &MemoryFs, m: &Module) -> LockFile {
        let files = file_hashes(fs, &m.dir).unwrap();
        let hash = hash_file_list(&m.display_name(), &files).unwrap();
        let mut lock = LockFile::new();
        lock.upsert(LockEntry { path: m.path.clone(), version: Version::new(1, 0, 0), hash, commit: None });
        lock
    }

    #[test]
    fn unchanged_module_verifies() {
        let mut fs = MemoryFs::new();
        fs.insert("/p/.goxdeps/example.com/a@v1.0.0/a.gox", "package a\n");
        let m = module("/p/.goxdeps/example.com/a@v1.0.0");
        let lock = locked(&fs, &m);
        verify_module(&fs, &lock, &m).unwrap();
    }

    #[test]
    fn unrecorded_module_says_how_to_record_it() {
        let mut fs = MemoryFs::new();
        fs.insert("/p/.goxdeps/example.com/a@v1.0.0/a.gox", "package a\n");
        let m = module("/p/.goxdeps/example.com/a@v1.0.0");
        let err = verify_module(&fs, &LockFile::new(), &m).unwrap_err();
        assert_eq!(err.to_string(), "example.com/a@v1.0.0: not recorded in gox.lock; run: gox get example.com/a@v1.0.0");
    }

    #[test]
    fn edited_module_names_the_file_through_its_manifest() {
        let mut fs = MemoryFs::new();
        let dir = "/p/.goxdeps/example.com/a@v1.0.0";
        fs.insert(&format!("{dir}/a.gox"), "package a\n");
        let m = module(dir);
        let lock = locked(&fs, &m);
        let manifest = Manifest { files: file_hashes(&fs, &m.dir).unwrap(), commit: None };
        fs.insert(crate::goxdeps::manifest_path(&m.dir), manifest.to_text());
        fs.insert(&format!("{dir}/a.gox"), "package a // edited\n");
        let err = verify_module(&fs, &lock, &m).unwrap_err();
        let message = err.message(Path::new("/p"));
        assert!(message.starts_with("example.com/a@v1.0.0: .goxdeps does not match gox.lock: a.gox: file has been modified\n"), "{message}");
        assert!(message.ends_with("remove .goxdeps/example.com/a@v1.0.0 and run: gox mod download"), "{message}");
    }

    #[test]
    fn edited_module_without_manifest_says_contents_differ() {
        let mut fs = MemoryFs::new();
        let dir = "/p/.goxdeps/example.com/a@v1.0.0";
        fs.insert(&format!("{dir}/a.gox"), "package a\n");
        let m = module(dir);
        let lock = locked(&fs, &m);
        fs.insert(&format!("{dir}/b.gox"), "package a\n");
        let err = verify_module(&fs, &lock, &m).unwrap_err();
        assert_eq!(err.to_string(), "example.com/a@v1.0.0: .goxdeps does not match gox.lock: contents differ");
    }

    #[test]
    fn workspace_and_root_modules_are_not_verified() {
        let fs = MemoryFs::new();
        let mut m = module("/elsewhere/a");
        m.workspace = true;
        verify_module(&fs, &LockFile::new(), &m).unwrap();
        let mut root = module("/p");
        root.version = None;
        verify_module(&fs, &LockFile::new(), &root).unwrap();
    }

    #[test]
    fn absent_lock_is_empty_and_a_bad_one_is_an_error() {
        let mut fs = MemoryFs::new();
        assert!(read_lock(&fs, Path::new("/p")).unwrap().entries().is_empty());
        fs.insert("/p/gox.lock", "not a lock file\n");
        assert!(matches!(read_lock(&fs, Path::new("/p")), Err(ReadLockError::Parse(_))));
    }
}

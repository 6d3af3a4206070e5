//! The exclusive lock on `.goxdeps/.lock` that serialises every change to
//! `.goxdeps` (across threads and processes alike).

use std::path::{Path, PathBuf};

/// The name of the lock file inside `.goxdeps`.
pub const LOCK_FILE: &str = ".lock";
/// The prefix of temporary download directories inside `.goxdeps`.
pub const TEMP_PREFIX: &str = ".tmp-";

/// Holds the exclusive lock on `<goxdeps>/.lock` until dropped.
#[derive(Debug)]
pub struct GoxdepsLock {
    _file: crate::files::LockedFile,
    dir: PathBuf,
}

impl GoxdepsLock {
    /// Creates `goxdeps` if needed, then blocks until the lock is ours.
    /// Temporary directories left by interrupted downloads are removed once
    /// the lock is held (no one else can be using them then).
    pub fn acquire(goxdeps: &Path) -> std::io::Result<GoxdepsLock> {
        let file = crate::files::LockedFile::exclusive(&goxdeps.join(LOCK_FILE))?;
        let lock = GoxdepsLock { _file: file, dir: goxdeps.to_path_buf() };
        lock.remove_stale_temporaries();
        Ok(lock)
    }

    /// The `.goxdeps` directory this lock guards.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn remove_stale_temporaries(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                // Best effort: a leftover we cannot remove is retried next time.
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

//! The two file primitives every writer of gox.mod, gox.lock, gox.work and
//! `.goxdeps` shares: [`write_atomic`] (write aside, fsync, rename) and
//! [`LockedFile`] (an exclusive advisory lock held until dropped), as
//! cmd/go has one `lockedfile` and uv one `LockedFile`.

use std::fs::File;
use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` atomically: a temporary file in the same
/// directory, synced, then renamed over `path`. The new file keeps the
/// permissions of the file it replaces; a new file gets 0666 less the
/// user's umask (0644 usually), as any editor would create it.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode goes to open(2), so the umask applies to a new file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// An exclusive lock on a file (created when absent, never truncated),
/// released when dropped or when the process dies.
#[derive(Debug)]
pub struct LockedFile {
    file: File,
}

impl LockedFile {
    /// Blocks until the exclusive lock on `path` is ours; the directory
    /// holding it is created when missing.
    pub fn exclusive(path: &Path) -> std::io::Result<LockedFile> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
        fs4::fs_std::FileExt::lock_exclusive(&file)?;
        Ok(LockedFile { file })
    }
}

impl Drop for LockedFile {
    fn drop(&mut self) {
        let _ = fs4::fs_std::FileExt::unlock(&self.file);
    }
}

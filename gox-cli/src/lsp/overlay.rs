//! [`OverlayFs`]: the editor's open buffers over the real file system.
//! An open document's unsaved text wins over what is on disk, so the
//! checker sees what the user sees; the server never writes a user's file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gox_common::{EntryKind, FileSystem, FsError, Stamp};
use sha2::{Digest, Sha256};

/// The text of every open document, by absolute path. Cheap to clone: a
/// run of the checker takes one and keeps it unchanged while it runs.
pub type Buffers = Arc<HashMap<PathBuf, Arc<str>>>;

pub struct OverlayFs<F> {
    inner: F,
    buffers: Buffers,
}

impl<F: FileSystem> OverlayFs<F> {
    pub fn new(inner: F, buffers: Buffers) -> OverlayFs<F> {
        OverlayFs { inner, buffers }
    }

    fn buffer(&self, path: &Path) -> Option<&Arc<str>> {
        self.buffers.get(path)
    }

    /// Names of open documents directly in `dir` that the disk lacks
    /// (a new file not saved yet).
    fn buffers_in(&self, dir: &Path) -> impl Iterator<Item = String> + '_ {
        let dir = dir.to_path_buf();
        self.buffers
            .keys()
            .filter(move |p| p.parent() == Some(dir.as_path()))
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
    }
}

impl<F: FileSystem> FileSystem for OverlayFs<F> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        match self.buffer(path) {
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => self.inner.read(path),
        }
    }

    fn read_shared(&self, path: &Path) -> Result<Arc<[u8]>, FsError> {
        match self.buffer(path) {
            Some(text) => Ok(Arc::from(text.as_bytes())),
            None => self.inner.read_shared(path),
        }
    }

    fn read_shared_with_metadata(&self, path: &Path) -> (Result<Arc<[u8]>, FsError>, Option<std::fs::Metadata>) {
        match self.buffer(path) {
            Some(text) => (Ok(Arc::from(text.as_bytes())), None),
            None => self.inner.read_shared_with_metadata(path),
        }
    }

    /// None for an open document: what the editor holds is not on disk.
    fn real_metadata(&self, path: &Path) -> Option<std::fs::Metadata> {
        match self.buffer(path) {
            Some(_) => None,
            None => self.inner.real_metadata(path),
        }
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        Ok(self.read_dir_kinds(path)?.into_iter().map(|(name, _)| name).collect())
    }

    fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
        let mut entries = match self.inner.read_dir_kinds(path) {
            Ok(entries) => entries,
            // A directory that only unsaved documents make.
            Err(FsError::NotFound { .. }) if self.buffers_in(path).next().is_some() => Vec::new(),
            Err(e) => return Err(e),
        };
        for name in self.buffers_in(path) {
            if !entries.iter().any(|(n, _)| *n == name) {
                entries.push((name, EntryKind::File));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(entries)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.buffer(path).is_some() || self.inner.is_file(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.inner.is_dir(path) || self.buffers_in(path).next().is_some()
    }

    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        match self.buffer(path) {
            Some(text) => Ok(Stamp::Content(Sha256::digest(text.as_bytes()).into())),
            None => self.inner.stamp(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gox_common::MemoryFs;

    fn overlay() -> OverlayFs<MemoryFs> {
        let disk = MemoryFs::from_files([("/m/a.gox", "package a // disk\n"), ("/m/b.gox", "package a\n")]);
        let mut open = HashMap::new();
        open.insert(PathBuf::from("/m/a.gox"), Arc::from("package a // buffer\n"));
        open.insert(PathBuf::from("/m/new.gox"), Arc::from("package a // unsaved\n"));
        open.insert(PathBuf::from("/m/sub/n.gox"), Arc::from("package sub\n"));
        OverlayFs::new(disk, Arc::new(open))
    }

    #[test]
    fn open_buffers_win_over_the_disk() {
        let fs = overlay();
        assert_eq!(fs.read_to_string(Path::new("/m/a.gox")).unwrap(), "package a // buffer\n");
        assert_eq!(fs.read_to_string(Path::new("/m/b.gox")).unwrap(), "package a\n");
        assert_eq!(&*fs.read_shared(Path::new("/m/new.gox")).unwrap(), b"package a // unsaved\n");
    }

    #[test]
    fn unsaved_files_and_their_directories_are_listed() {
        let fs = overlay();
        assert_eq!(fs.read_dir(Path::new("/m")).unwrap(), ["a.gox", "b.gox", "new.gox"]);
        assert!(fs.is_dir(Path::new("/m/sub")));
        assert_eq!(fs.read_dir(Path::new("/m/sub")).unwrap(), ["n.gox"]);
        assert!(fs.is_file(Path::new("/m/new.gox")));
        assert!(matches!(fs.read_dir(Path::new("/nowhere")), Err(FsError::NotFound { .. })));
    }

    #[test]
    fn a_buffer_is_stamped_by_its_content() {
        let fs = overlay();
        let stamp = fs.stamp(Path::new("/m/a.gox")).unwrap();
        assert_eq!(stamp, Stamp::Content(Sha256::digest(b"package a // buffer\n").into()));
    }
}

//! [`FileSet`]: the `.gox` files that make up one package directory.

use std::path::{Path, PathBuf};

use crate::vfs::{FileSystem, FsError};

/// The `.gox` files of one package directory, in alphabetical order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSet {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
}

impl FileSet {
    /// Collects the `.gox` files of `dir`; `_test.gox` files only when
    /// `tests` is set.
    pub fn collect<F: FileSystem + ?Sized>(fs: &F, dir: &Path, tests: bool) -> Result<FileSet, FsError> {
        let mut files = Vec::new();
        for name in fs.read_dir(dir)? {
            let path = dir.join(&name);
            if !name.ends_with(".gox") || name.starts_with('.') || name.starts_with('_') || !fs.is_file(&path) {
                continue;
            }
            if name.ends_with("_test.gox") && !tests {
                continue;
            }
            files.push(path);
        }
        Ok(FileSet { dir: dir.to_path_buf(), files })
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

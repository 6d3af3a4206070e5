//! The GoX standard library, embedded in the toolchain: the directory
//! `gox-module/std` (one `<import path>/*.gox` directory per package) is
//! compiled in with `include_dir` and exposed as a [`FileSystem`] rooted at
//! the virtual directory [`STD_ROOT`] (`/$std`), so std files appear in
//! diagnostics as `/$std/fmt/print.gox`. [`StdOverlayFs`] serves that
//! virtual directory from the embedded tree and everything else from
//! another file system: the one file system the CLI reads packages through.

use std::path::{Component, Path, PathBuf};

use gox_common::{EntryKind, FileSystem, FsError, Stamp};
use include_dir::{include_dir, Dir, DirEntry};

static STD_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/std");

/// The virtual directory the embedded std lives under.
pub const STD_ROOT: &str = "/$std";

/// The embedded std as a read-only file system rooted at [`STD_ROOT`].
#[derive(Clone, Copy, Debug)]
pub struct EmbeddedStd {
    dir: &'static Dir<'static>,
}

impl Default for EmbeddedStd {
    fn default() -> Self {
        EmbeddedStd::new()
    }
}

/// The slash-separated path of `path` relative to [`STD_ROOT`]; `Some("")`
/// for the root itself, `None` outside it (or for `..` escapes).
fn std_relative(path: &Path) -> Option<String> {
    let rest = path.strip_prefix(STD_ROOT).ok()?;
    let mut elems: Vec<String> = Vec::new();
    for c in rest.components() {
        match c {
            Component::Normal(s) => elems.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(elems.join("/"))
}

impl EmbeddedStd {
    pub fn new() -> EmbeddedStd {
        EmbeddedStd { dir: &STD_DIR }
    }

    /// The root directory of the embedded tree, as it appears in paths.
    pub fn root(&self) -> &'static Path {
        Path::new(STD_ROOT)
    }

    fn entry(&self, path: &Path) -> Option<Entry> {
        let rel = std_relative(path)?;
        if rel.is_empty() {
            return Some(Entry::Dir(self.dir));
        }
        index().get(rel.as_str()).copied()
    }
}

/// Every entry of the embedded tree by its slash-separated relative path,
/// built once: `include_dir`'s own lookup scans entries linearly, and
/// resolution asks about std paths for every import of every package.
fn index() -> &'static std::collections::HashMap<String, Entry> {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<String, Entry>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        fn walk(dir: &'static Dir<'static>, out: &mut std::collections::HashMap<String, Entry>) {
            for e in dir.entries() {
                let rel = e.path().to_string_lossy().replace('\\', "/");
                match e {
                    DirEntry::Dir(d) => {
                        out.insert(rel, Entry::Dir(d));
                        walk(d, out);
                    }
                    DirEntry::File(f) => {
                        out.insert(rel, Entry::File(f.contents()));
                    }
                }
            }
        }
        let mut out = std::collections::HashMap::new();
        walk(&STD_DIR, &mut out);
        out
    })
}

#[derive(Clone, Copy)]
enum Entry {
    Dir(&'static Dir<'static>),
    File(&'static [u8]),
}

impl FileSystem for EmbeddedStd {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        match self.entry(path) {
            Some(Entry::File(bytes)) => Ok(bytes.to_vec()),
            Some(Entry::Dir(_)) => Err(FsError::IsADirectory { path: path.to_path_buf() }),
            None => Err(FsError::NotFound { path: path.to_path_buf() }),
        }
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        match self.entry(path) {
            Some(Entry::Dir(d)) => {
                let mut names: Vec<String> = d
                    .entries()
                    .iter()
                    .filter_map(|e| e.path().file_name().map(|n| n.to_string_lossy().into_owned()))
                    .collect();
                names.sort();
                Ok(names)
            }
            Some(Entry::File(_)) => Err(FsError::NotADirectory { path: path.to_path_buf() }),
            None => Err(FsError::NotFound { path: path.to_path_buf() }),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        matches!(self.entry(path), Some(Entry::File(_)))
    }

    fn is_dir(&self, path: &Path) -> bool {
        matches!(self.entry(path), Some(Entry::Dir(_)))
    }

    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        use sha2::{Digest, Sha256};
        let bytes = self.read(path)?;
        Ok(Stamp::Content(Sha256::digest(&bytes).into()))
    }
}

/// Whether `import_path` names a package of the embedded std: a directory
/// of the embedded tree holding at least one non-test `.gox` file.
pub fn is_std_package(import_path: &str) -> bool {
    let std = EmbeddedStd::new();
    is_package_dir(&std, &std_dir(import_path))
}

/// Why Go's std package `import_path` is not in GoX's std, when it is one
/// of Go 1.19's packages the generator left out (`std/NOT_IN_STD.txt`):
/// `Some("GoX has no unsafe")` for `unsafe`.
pub fn not_in_std_reason(import_path: &str) -> Option<&'static str> {
    static LIST: &str = include_str!("../std/NOT_IN_STD.txt");
    LIST.lines().filter(|l| !l.starts_with('#')).find_map(|line| line.strip_prefix(import_path)?.strip_prefix(": "))
}

/// The virtual directory of std package `import_path`: `/$std/<import_path>`.
pub fn std_dir(import_path: &str) -> PathBuf {
    let mut dir = PathBuf::from(STD_ROOT);
    for elem in import_path.split('/').filter(|e| !e.is_empty()) {
        dir.push(elem);
    }
    dir
}

/// Every std package's import path, sorted.
pub fn std_packages() -> Vec<String> {
    fn walk(std: &EmbeddedStd, dir: &Path, rel: &str, out: &mut Vec<String>) {
        if !rel.is_empty() && is_package_dir(std, dir) {
            out.push(rel.to_string());
        }
        for name in std.read_dir(dir).unwrap_or_default() {
            let child = dir.join(&name);
            if std.is_dir(&child) && !name.starts_with('.') && !name.starts_with('_') && name != "testdata" {
                let rel = if rel.is_empty() { name } else { format!("{rel}/{name}") };
                walk(std, &child, &rel, out);
            }
        }
    }
    let std = EmbeddedStd::new();
    let mut out = Vec::new();
    walk(&std, Path::new(STD_ROOT), "", &mut out);
    out.sort();
    out
}

/// Whether `dir` holds at least one non-test `.gox` file (whatever the
/// build constraints say).
pub fn is_package_dir<F: FileSystem + ?Sized>(fs: &F, dir: &Path) -> bool {
    fs.read_dir(dir).is_ok_and(|names| {
        names.iter().any(|n| {
            n.ends_with(".gox")
                && !n.ends_with("_test.gox")
                && !n.starts_with('.')
                && !n.starts_with('_')
                && fs.is_file(&dir.join(n))
        })
    })
}

/// A file system that serves [`STD_ROOT`] from the embedded std and every
/// other path from `inner`.
#[derive(Clone, Debug)]
pub struct StdOverlayFs<F> {
    pub inner: F,
    std: EmbeddedStd,
}

impl<F: FileSystem> StdOverlayFs<F> {
    pub fn new(inner: F) -> StdOverlayFs<F> {
        StdOverlayFs { inner, std: EmbeddedStd::new() }
    }

    fn std_for(&self, path: &Path) -> Option<&EmbeddedStd> {
        Some(&self.std).filter(|_| path.starts_with(STD_ROOT))
    }
}

impl<F: FileSystem> FileSystem for StdOverlayFs<F> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        match self.std_for(path) {
            Some(std) => std.read(path),
            None => self.inner.read(path),
        }
    }
    fn read_shared(&self, path: &Path) -> Result<std::sync::Arc<[u8]>, FsError> {
        match self.std_for(path) {
            Some(std) => std.read_shared(path),
            None => self.inner.read_shared(path),
        }
    }
    fn read_shared_with_metadata(&self, path: &Path) -> (Result<std::sync::Arc<[u8]>, FsError>, Option<std::fs::Metadata>) {
        match self.std_for(path) {
            Some(std) => (std.read_shared(path), None),
            None => self.inner.read_shared_with_metadata(path),
        }
    }
    fn real_metadata(&self, path: &Path) -> Option<std::fs::Metadata> {
        match self.std_for(path) {
            Some(_) => None,
            None => self.inner.real_metadata(path),
        }
    }
    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        match self.std_for(path) {
            Some(std) => std.read_dir(path),
            None => self.inner.read_dir(path),
        }
    }
    fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
        match self.std_for(path) {
            Some(std) => std.read_dir_kinds(path),
            None => self.inner.read_dir_kinds(path),
        }
    }
    fn read_dir_shared(&self, path: &Path) -> Result<std::sync::Arc<[(String, EntryKind)]>, FsError> {
        match self.std_for(path) {
            Some(std) => std.read_dir_shared(path),
            None => self.inner.read_dir_shared(path),
        }
    }
    fn is_file(&self, path: &Path) -> bool {
        match self.std_for(path) {
            Some(std) => std.is_file(path),
            None => self.inner.is_file(path),
        }
    }
    fn is_dir(&self, path: &Path) -> bool {
        match self.std_for(path) {
            Some(std) => std.is_dir(path),
            None => self.inner.is_dir(path),
        }
    }
    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        match self.std_for(path) {
            Some(std) => std.stamp(path),
            None => self.inner.stamp(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_std_is_rooted_at_the_virtual_directory() {
        let std = EmbeddedStd::new();
        assert!(std.is_dir(Path::new(STD_ROOT)));
        assert!(!std.is_dir(Path::new("/std")));
        assert_eq!(std.read(Path::new("/$std/no/such.gox")), Err(FsError::NotFound { path: "/$std/no/such.gox".into() }));
        assert!(std.read_dir(Path::new(STD_ROOT)).is_ok_and(|names| names.windows(2).all(|w| w[0] < w[1])));
        assert!(!is_std_package(""));
        assert!(!is_std_package("no/such/package"));
        assert_eq!(std_dir("encoding/json"), PathBuf::from("/$std/encoding/json"));
    }

    #[test]
    fn go_packages_left_out_of_the_std_have_a_reason() {
        assert_eq!(not_in_std_reason("unsafe"), Some("GoX has no unsafe"));
        assert_eq!(not_in_std_reason("go/ast"), Some("tools for Go source, not for GoX programs"));
        assert_eq!(not_in_std_reason("crypto/tls"), Some("not generated yet"));
        assert_eq!(not_in_std_reason("fmt"), None);
        assert_eq!(not_in_std_reason("gopher"), None);
        assert_eq!(not_in_std_reason("mycompany/unsafe"), None);
        assert_eq!(not_in_std_reason("go"), None);
        assert_eq!(not_in_std_reason("internal/db"), None);
    }

    #[test]
    fn every_listed_std_package_is_a_std_package() {
        for p in std_packages() {
            assert!(is_std_package(&p), "{p}");
            let std = EmbeddedStd::new();
            let set = gox_common::FileSet::list(&std, &std_dir(&p), &gox_common::BuildConfig::default()).unwrap();
            for f in set.files {
                assert!(std.read_to_string(&f).is_ok(), "{}", f.display());
            }
        }
    }

    #[test]
    fn overlay_serves_std_from_the_embedded_tree_and_the_rest_from_inner() {
        let inner = gox_common::MemoryFs::from_files([("/p/a.gox", "package a\n"), ("/$std/fake/x.gox", "package x\n")]);
        let fs = StdOverlayFs::new(inner);
        assert_eq!(fs.read_to_string(Path::new("/p/a.gox")).unwrap(), "package a\n");
        assert!(fs.is_dir(Path::new(STD_ROOT)));
        // The std root is never read from the inner file system.
        assert!(!fs.is_file(Path::new("/$std/fake/x.gox")));
        assert_eq!(fs.read_dir(Path::new(STD_ROOT)), EmbeddedStd::new().read_dir(Path::new(STD_ROOT)));
    }
}

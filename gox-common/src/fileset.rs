//! [`FileSet`]: the `.gox` files that make up one package directory for a
//! given [`BuildConfig`].

use std::path::{Path, PathBuf};

use crate::constraint::BuildConfig;
use crate::vfs::{EntryKind, FileSystem, FsError};

/// The `.gox` files of one package directory, in alphabetical order, and the
/// `.gox` files left out, each with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSet {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    /// `.gox` files of `dir` that are not part of the build, in alphabetical
    /// order, with why (`excluded by build constraint: //go:build windows`).
    pub excluded: Vec<(PathBuf, String)>,
}

impl FileSet {
    /// The `.gox` files of `dir` that may belong to the build described by
    /// `cfg`, judged by their names alone, as Go's go/build does: names
    /// beginning with `.` or `_` are left out, `_test.gox` files only count
    /// when `cfg.tests` is set, and `_GOOS`, `_GOARCH` and `_GOOS_GOARCH`
    /// name suffixes must match. Nothing is read: the `//go:build` line is in
    /// each file's header, which the loader parses once for everything it
    /// needs (see [`crate::constraint::header_constraint`]).
    pub fn list<F: FileSystem + ?Sized>(fs: &F, dir: &Path, cfg: &BuildConfig) -> Result<FileSet, FsError> {
        let mut files = Vec::new();
        let mut excluded = Vec::new();
        for (name, kind) in fs.read_dir_shared(dir)?.iter() {
            if !name.ends_with(".gox") || *kind != EntryKind::File {
                continue;
            }
            let path = dir.join(name);
            match name_exclusion(name, cfg) {
                Some(reason) => excluded.push((path, reason)),
                None => files.push(path),
            }
        }
        Ok(FileSet { dir: dir.to_path_buf(), files, excluded })
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Why a `.gox` file called `name` is not part of the build under `cfg`,
/// judged by its name alone; `None` if it may be.
pub fn name_exclusion(name: &str, cfg: &BuildConfig) -> Option<String> {
    if let Some(c) = name.chars().next().filter(|&c| c == '.' || c == '_') {
        return Some(format!("file name begins with \"{c}\""));
    }
    if name.ends_with("_test.gox") && !cfg.tests {
        return Some("test file (tests not enabled)".to_string());
    }
    if let Err(suffix) = cfg.matches_file_name(name) {
        return Some(format!("excluded by file name suffix: {suffix}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryFs;

    fn cfg(tests: bool) -> BuildConfig {
        BuildConfig { tests, goos: "linux".into(), goarch: "amd64".into(), tags: vec!["extra".into()] }
    }

    fn sample() -> MemoryFs {
        MemoryFs::from_files([
            ("/p/b.gox", "package p\n"),
            ("/p/a.gox", "//go:build windows\n\npackage p\n"),
            ("/p/a_test.gox", "package p\n"),
            ("/p/c_windows.gox", "package p\n"),
            ("/p/c_linux_amd64.gox", "package p\n"),
            ("/p/_x.gox", "package p\n"),
            ("/p/.y.gox", "package p\n"),
            ("/p/notes.txt", "x"),
            ("/p/sub.gox/inner.gox", "package inner\n"),
            ("/p/sub/z.gox", "package sub\n"),
        ])
    }

    fn names(paths: &[PathBuf]) -> Vec<String> {
        paths.iter().map(|p| p.display().to_string()).collect()
    }

    #[test]
    fn list_applies_name_rules_only() -> Result<(), FsError> {
        let set = FileSet::list(&sample(), Path::new("/p"), &cfg(false))?;
        // a.gox's //go:build line is the loader's business: names only here.
        assert_eq!(names(&set.files), ["/p/a.gox", "/p/b.gox", "/p/c_linux_amd64.gox"]);
        let excluded: Vec<(String, &str)> =
            set.excluded.iter().map(|(p, r)| (p.display().to_string(), r.as_str())).collect();
        assert_eq!(
            excluded,
            [
                ("/p/.y.gox".to_string(), "file name begins with \".\""),
                ("/p/_x.gox".to_string(), "file name begins with \"_\""),
                ("/p/a_test.gox".to_string(), "test file (tests not enabled)"),
                ("/p/c_windows.gox".to_string(), "excluded by file name suffix: _windows"),
            ]
        );
        Ok(())
    }

    #[test]
    fn list_includes_tests_when_asked() -> Result<(), FsError> {
        let set = FileSet::list(&sample(), Path::new("/p"), &cfg(true))?;
        assert_eq!(names(&set.files), ["/p/a.gox", "/p/a_test.gox", "/p/b.gox", "/p/c_linux_amd64.gox"]);
        let win = BuildConfig { goos: "windows".into(), goarch: "arm64".into(), ..cfg(true) };
        let set = FileSet::list(&sample(), Path::new("/p"), &win)?;
        assert_eq!(names(&set.files), ["/p/a.gox", "/p/a_test.gox", "/p/b.gox", "/p/c_windows.gox"]);
        Ok(())
    }

    #[test]
    fn list_reports_missing_directory() {
        assert_eq!(
            FileSet::list(&sample(), Path::new("/nope"), &cfg(false)),
            Err(FsError::NotFound { path: PathBuf::from("/nope") })
        );
    }
}

//! [`FileSet`]: the `.gox` files that make up one package directory for a
//! given [`BuildConfig`].

use std::path::{Path, PathBuf};

use crate::constraint::{parse_header, BuildConfig};
use crate::vfs::{FileSystem, FsError};

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
    /// Collects the `.gox` files of `dir` that belong to the build described by
    /// `cfg`, as Go's go/build does: names beginning with `.` or `_` are left
    /// out, `_test.gox` files only count when `cfg.tests` is set, `_GOOS`,
    /// `_GOARCH` and `_GOOS_GOARCH` name suffixes must match, and so must the
    /// `//go:build` line (or legacy `// +build` lines) of the file's header.
    /// A malformed `//go:build` line is a [`FsError::BuildConstraint`].
    pub fn collect<F: FileSystem + ?Sized>(fs: &F, dir: &Path, cfg: &BuildConfig) -> Result<FileSet, FsError> {
        let mut files = Vec::new();
        let mut excluded = Vec::new();
        for name in fs.read_dir(dir)? {
            let path = dir.join(&name);
            if !name.ends_with(".gox") || !fs.is_file(&path) {
                continue;
            }
            match exclusion(fs, &path, &name, cfg)? {
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

/// Why the file `name` at `path` is not part of the build, or `None` if it is.
fn exclusion<F: FileSystem + ?Sized>(
    fs: &F,
    path: &Path,
    name: &str,
    cfg: &BuildConfig,
) -> Result<Option<String>, FsError> {
    if let Some(c) = name.chars().next().filter(|&c| c == '.' || c == '_') {
        return Ok(Some(format!("file name begins with \"{c}\"")));
    }
    if name.ends_with("_test.gox") && !cfg.tests {
        return Ok(Some("test file (tests not enabled)".to_string()));
    }
    if let Err(suffix) = cfg.matches_file_name(name) {
        return Ok(Some(format!("excluded by file name suffix: {suffix}")));
    }
    let content = fs.read_shared(path)?;
    let header = parse_header(&content).map_err(|e| FsError::BuildConstraint {
        path: path.to_path_buf(),
        line: e.line,
        message: e.message,
    })?;
    Ok(header.excluding_line(cfg).map(|line| format!("excluded by build constraint: {line}")))
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
            ("/p/a.gox", "// Copyright\n\n//go:build linux && (amd64 || arm64)\n\npackage p\n"),
            ("/p/a_test.gox", "package p\n"),
            ("/p/c_windows.gox", "package p\n"),
            ("/p/c_linux_amd64.gox", "package p\n"),
            ("/p/d.gox", "//go:build !unix\n\npackage p\n"),
            ("/p/e.gox", "//go:build extra && gox\n\npackage p\n"),
            ("/p/f.gox", "// +build ignore\n\npackage p\n"),
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
    fn collect_applies_names_suffixes_and_constraints() -> Result<(), FsError> {
        let set = FileSet::collect(&sample(), Path::new("/p"), &cfg(false))?;
        assert_eq!(names(&set.files), ["/p/a.gox", "/p/b.gox", "/p/c_linux_amd64.gox", "/p/e.gox"]);
        let excluded: Vec<(String, &str)> =
            set.excluded.iter().map(|(p, r)| (p.display().to_string(), r.as_str())).collect();
        assert_eq!(
            excluded,
            [
                ("/p/.y.gox".to_string(), "file name begins with \".\""),
                ("/p/_x.gox".to_string(), "file name begins with \"_\""),
                ("/p/a_test.gox".to_string(), "test file (tests not enabled)"),
                ("/p/c_windows.gox".to_string(), "excluded by file name suffix: _windows"),
                ("/p/d.gox".to_string(), "excluded by build constraint: //go:build !unix"),
                ("/p/f.gox".to_string(), "excluded by build constraint: // +build ignore"),
            ]
        );
        Ok(())
    }

    #[test]
    fn collect_includes_tests_when_asked() -> Result<(), FsError> {
        let set = FileSet::collect(&sample(), Path::new("/p"), &cfg(true))?;
        assert_eq!(names(&set.files), ["/p/a.gox", "/p/a_test.gox", "/p/b.gox", "/p/c_linux_amd64.gox", "/p/e.gox"]);
        let win = BuildConfig { goos: "windows".into(), goarch: "arm64".into(), ..cfg(true) };
        let set = FileSet::collect(&sample(), Path::new("/p"), &win)?;
        assert_eq!(names(&set.files), ["/p/a_test.gox", "/p/b.gox", "/p/c_windows.gox", "/p/d.gox", "/p/e.gox"]);
        Ok(())
    }

    #[test]
    fn malformed_go_build_line_is_an_error_with_file_and_line() {
        let fs = MemoryFs::from_files([
            ("/q/a.gox", "package q\n"),
            ("/q/b.gox", "// doc\n//go:build linux &&& amd64\npackage q\n"),
        ]);
        let err = FileSet::collect(&fs, Path::new("/q"), &cfg(false)).map(|s| s.files);
        assert_eq!(
            err,
            Err(FsError::BuildConstraint {
                path: PathBuf::from("/q/b.gox"),
                line: 2,
                message: "parsing //go:build line: invalid syntax at &".into(),
            })
        );
        let shown = err.map_err(|e| e.to_string());
        assert_eq!(shown, Err("/q/b.gox:2: parsing //go:build line: invalid syntax at &".to_string()));
    }

    #[test]
    fn constraint_errors_in_files_excluded_by_name_are_ignored() -> Result<(), FsError> {
        let fs =
            MemoryFs::from_files([("/q/b_windows.gox", "//go:build (\npackage q\n"), ("/q/_c.gox", "//go:build (\n")]);
        let set = FileSet::collect(&fs, Path::new("/q"), &cfg(false))?;
        assert!(set.files.is_empty());
        assert_eq!(set.excluded.len(), 2);
        Ok(())
    }

    #[test]
    fn collect_reports_missing_directory() {
        let fs = sample();
        assert_eq!(
            FileSet::collect(&fs, Path::new("/nope"), &cfg(false)),
            Err(FsError::NotFound { path: PathBuf::from("/nope") })
        );
    }
}

//! Package discovery: the directories under a root that hold `.gox` files,
//! as Go's `./...` pattern finds them.

use std::path::{Path, PathBuf};

use crate::vfs::{EntryKind, FileSystem, FsError, RealFs};

/// Whether the walk descends into a subdirectory called `name`: not into
/// `testdata`, nor into names beginning with `.` (which covers `.goxdeps`)
/// or `_`.
pub fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_') || name == "testdata"
}

/// A directory holding this file is the root of a module: `./...` does not
/// reach into another module nested in the tree (as in Go).
pub const MODULE_FILE: &str = "gox.mod";

/// Whether a file called `name` makes its directory a package: a `.gox` file
/// whose name does not begin with `.` or `_` (test files count).
pub fn is_package_file(name: &str) -> bool {
    name.ends_with(".gox") && !name.starts_with('.') && !name.starts_with('_')
}

/// Every directory under `root` (`root` included, whatever its name) that
/// contains at least one `.gox` file, sorted; see [`is_skipped_dir`] for the
/// subdirectories that are not searched, and directories of nested modules
/// (holding a [`MODULE_FILE`]) are not searched either. Symbolic links are
/// followed.
pub fn discover_packages<F: FileSystem + ?Sized>(fs: &F, root: &Path) -> Result<Vec<PathBuf>, FsError> {
    let found = discover(fs, root);
    match found.errors.into_iter().next() {
        Some(err) => Err(err),
        None => Ok(found.dirs),
    }
}

/// What [`discover`] found: the package directories, and the directories
/// it could not list (each error names its path).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovery {
    pub dirs: Vec<PathBuf>,
    pub errors: Vec<FsError>,
}

/// [`discover_packages`] that goes on past directories it cannot list and
/// reports each of them: a package in an unreadable directory is an error
/// of the build, not a package that silently is not there.
///
/// The tree is walked a level at a time, the directories of a level listed
/// in parallel (a project of 3,000 packages is 3,000 directory listings;
/// listed one after another they were a tenth of a cold check), without
/// recursion however deep the tree.
pub fn discover<F: FileSystem + ?Sized>(fs: &F, root: &Path) -> Discovery {
    use rayon::prelude::*;
    let mut found = Discovery::default();
    let mut level = vec![root.to_path_buf()];
    while !level.is_empty() {
        let listed: Vec<(PathBuf, Result<std::sync::Arc<[(String, EntryKind)]>, FsError>)> = level
            .into_par_iter()
            .map(|dir| {
                let entries = fs.read_dir_shared(&dir);
                (dir, entries)
            })
            .collect();
        let mut next = Vec::new();
        for (dir, entries) in listed {
            let entries = match entries {
                Ok(entries) => entries,
                Err(err) => {
                    found.errors.push(err);
                    continue;
                }
            };
            if dir != root && entries.iter().any(|(name, kind)| name == MODULE_FILE && *kind == EntryKind::File) {
                continue;
            }
            let mut is_package = false;
            for (name, kind) in entries.iter() {
                match kind {
                    EntryKind::Dir if !is_skipped_dir(name) => next.push(dir.join(name)),
                    EntryKind::File if is_package_file(name) => is_package = true,
                    _ => {}
                }
            }
            if is_package {
                found.dirs.push(dir);
            }
        }
        level = next;
    }
    found.dirs.sort();
    found.errors.sort_by(|a, b| a.path().cmp(b.path()));
    found
}

/// [`discover_packages`] on the real file system, walking it with `walkdir`
/// (pruning skipped directories) instead of one `stat` per entry. Gives the
/// same result as `discover_packages(&RealFs, root)`, except that a symbolic
/// link loop is cut short instead of being followed until paths get too long.
pub fn discover_packages_real(root: &Path) -> Result<Vec<PathBuf>, FsError> {
    if !RealFs.is_dir(root) {
        // Same errors as the generic walk (`NotFound`, `NotADirectory`).
        RealFs.read_dir(root)?;
    }
    let mut found = Vec::new();
    let walk = walkdir::WalkDir::new(root).follow_links(true).into_iter().filter_entry(|e| {
        e.depth() == 0
            || !e.file_type().is_dir()
            || !(is_skipped_dir(&e.file_name().to_string_lossy()) || e.path().join(MODULE_FILE).is_file())
    });
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) if err.loop_ancestor().is_some() => continue,
            // A dangling symbolic link: the generic walk sees neither a file nor a directory.
            Err(err) if err.depth() > 0 && err.io_error().map(|e| e.kind()) == Some(std::io::ErrorKind::NotFound) => {
                continue
            }
            Err(err) => {
                let path = err.path().unwrap_or(root).to_path_buf();
                return Err(match err.into_io_error() {
                    Some(io) => crate::vfs::io_error(&path, io),
                    None => FsError::Io { path, message: "cannot walk directory".to_string() },
                });
            }
        };
        if entry.depth() == 0 || !entry.file_type().is_file() {
            continue;
        }
        if is_package_file(&entry.file_name().to_string_lossy()) {
            if let Some(dir) = entry.path().parent() {
                if found.last().map(|d: &PathBuf| d.as_path()) != Some(dir) {
                    found.push(dir.to_path_buf());
                }
            }
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryFs;

    #[test]
    fn discovery_finds_package_dirs_and_skips_hidden_underscore_and_testdata() -> Result<(), FsError> {
        let fs = MemoryFs::from_files([
            ("/r/main.gox", ""),
            ("/r/a/x.gox", ""),
            ("/r/a/b/c/y_test.gox", ""),
            ("/r/a-b/z.gox", ""),
            ("/r/docs/readme.md", ""),
            ("/r/docs/_hidden.gox", ""),
            ("/r/testdata/t.gox", ""),
            ("/r/a/testdata/t.gox", ""),
            ("/r/.goxdeps/m@v1.0.0/d.gox", ""),
            ("/r/.git/g.gox", ""),
            ("/r/_old/o.gox", ""),
            ("/r/dir.gox/inner.txt", ""),
        ]);
        let found = discover_packages(&fs, Path::new("/r"))?;
        let want: Vec<PathBuf> = ["/r", "/r/a", "/r/a/b/c", "/r/a-b"].iter().map(PathBuf::from).collect();
        assert_eq!(found, want);
        // The root counts whatever its name.
        assert_eq!(discover_packages(&fs, Path::new("/r/testdata"))?, [PathBuf::from("/r/testdata")]);
        assert_eq!(discover_packages(&fs, Path::new("/r/docs"))?, Vec::<PathBuf>::new());
        assert_eq!(discover_packages(&fs, Path::new("/x")), Err(FsError::NotFound { path: PathBuf::from("/x") }));
        assert_eq!(
            discover_packages(&fs, Path::new("/r/main.gox")),
            Err(FsError::NotADirectory { path: PathBuf::from("/r/main.gox") })
        );
        Ok(())
    }
}

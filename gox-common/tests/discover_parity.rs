//! `discover_packages` over `RealFs`, over a `MemoryFs` copy of the same tree
//! and `discover_packages_real` (walkdir) must find the same packages.

use std::path::{Path, PathBuf};

use gox_common::{discover_packages, discover_packages_real, FsError, MemoryFs, RealFs};

const TREE: &[&str] = &[
    "gox.mod",
    "main.gox",
    "nested/gox.mod",
    "nested/n.gox",
    "nested/sub/s.gox",
    "a/x.gox",
    "a/b/c/y_test.gox",
    "a-b/z.gox",
    "a.b/z.gox",
    "docs/readme.md",
    "docs/_hidden.gox",
    "docs/.hidden.gox",
    "testdata/t.gox",
    "a/testdata/t.gox",
    ".goxdeps/example.com/m@v1.0.0/d.gox",
    ".git/g.gox",
    "_old/o.gox",
    "dir.gox/inner.txt",
    "deep/1/2/3/4/5/leaf.gox",
    "deep/1/2/notes.txt",
];

fn build_tree() -> (tempfile::TempDir, MemoryFs) {
    let dir = tempfile::tempdir().expect("create temp dir");
    let mut mem = MemoryFs::new();
    for rel in TREE {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
        std::fs::write(&path, "package p\n").expect("write file");
        mem.insert(&path, "package p\n");
    }
    for rel in ["empty", "a/empty"] {
        std::fs::create_dir_all(dir.path().join(rel)).expect("create dir");
        mem.insert_dir(dir.path().join(rel));
    }
    (dir, mem)
}

fn rel(root: &Path, found: &[PathBuf]) -> Vec<String> {
    found.iter().map(|p| p.strip_prefix(root).map(|r| r.display().to_string()).unwrap_or_default()).collect()
}

#[test]
fn all_three_walks_find_the_same_sorted_packages() -> Result<(), FsError> {
    let (dir, mem) = build_tree();
    let root = dir.path();
    let generic = discover_packages(&RealFs, root)?;
    assert_eq!(rel(root, &generic), ["", "a", "a/b/c", "a-b", "a.b", "deep/1/2/3/4/5"]);
    assert_eq!(discover_packages_real(root)?, generic);
    assert_eq!(discover_packages(&mem, root)?, generic);
    // A nested module is left out of its parent's `./...`, but is walked
    // as a root of its own.
    assert_eq!(rel(&root.join("nested"), &discover_packages(&RealFs, &root.join("nested"))?), ["", "sub"]);
    for sub in ["a", "testdata", "docs", "empty", "nested"] {
        let sub = root.join(sub);
        let generic = discover_packages(&RealFs, &sub)?;
        assert_eq!(discover_packages_real(&sub)?, generic, "{}", sub.display());
        assert_eq!(discover_packages(&mem, &sub)?, generic, "{}", sub.display());
    }
    assert_eq!(rel(root, &discover_packages_real(&root.join("testdata"))?), ["testdata"]);
    Ok(())
}

#[test]
fn all_three_walks_report_the_same_root_errors() {
    let (dir, mem) = build_tree();
    let missing = dir.path().join("missing");
    let file = dir.path().join("main.gox");
    for root in [&missing, &file] {
        let generic = discover_packages(&RealFs, root);
        assert!(generic.is_err());
        assert_eq!(discover_packages_real(root), generic);
        assert_eq!(discover_packages(&mem, root), generic);
    }
    assert_eq!(discover_packages_real(&missing), Err(FsError::NotFound { path: missing.clone() }));
    assert_eq!(discover_packages_real(&file), Err(FsError::NotADirectory { path: file.clone() }));
}

#[cfg(unix)]
#[test]
fn both_real_walks_follow_symlinks_and_ignore_dangling_ones() -> Result<(), FsError> {
    let (dir, _) = build_tree();
    let root = dir.path();
    std::os::unix::fs::symlink(root.join("a/b"), root.join("linked")).expect("symlink");
    std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling")).expect("symlink");
    std::os::unix::fs::symlink(root.join("nowhere.gox"), root.join("dangling.gox")).expect("symlink");
    let generic = discover_packages(&RealFs, root)?;
    assert_eq!(rel(root, &generic), ["", "a", "a/b/c", "a-b", "a.b", "deep/1/2/3/4/5", "linked/c"]);
    assert_eq!(discover_packages_real(root)?, generic);
    Ok(())
}

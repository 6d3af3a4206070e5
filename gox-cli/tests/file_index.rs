//! The file index through the library entry point, on the real disk: a
//! file that changes between the moment its stamp is compared and the
//! moment its text is read (a race no stamp can see) is an error telling
//! the user to check again, never diagnostics at the wrong positions, and
//! what was checked from it is not stored under the old contents' key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gox_cli::driver::analyze::{analyze_project_with, Analysis, Options};
use gox_cli::driver::cache::Cache;
use gox_cli::driver::fileindex::{index_key, FileIndex, IndexedFs};
use gox_cli::Workspace;
use gox_common::{BuildConfig, EntryKind, FileSystem, FsError, RealFs, Stamp};

/// The real disk, except that every path keeps the metadata it had when
/// first asked about: as if each later change raced the stamp comparison.
struct FrozenStamps {
    frozen: Mutex<HashMap<PathBuf, std::fs::Metadata>>,
}

impl FrozenStamps {
    fn freeze(&self, path: &Path, meta: Option<std::fs::Metadata>) -> Option<std::fs::Metadata> {
        let meta = meta?;
        Some(self.frozen.lock().unwrap().entry(path.to_path_buf()).or_insert(meta).clone())
    }
}

impl FileSystem for FrozenStamps {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        RealFs.read(path)
    }
    fn read_shared_with_metadata(&self, path: &Path) -> (Result<Arc<[u8]>, FsError>, Option<std::fs::Metadata>) {
        let (bytes, meta) = RealFs.read_shared_with_metadata(path);
        (bytes, self.freeze(path, meta))
    }
    fn real_metadata(&self, path: &Path) -> Option<std::fs::Metadata> {
        self.freeze(path, RealFs.real_metadata(path))
    }
    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        RealFs.read_dir(path)
    }
    fn read_dir_kinds_and_links(&self, path: &Path) -> Result<(Vec<(String, EntryKind)>, bool), FsError> {
        RealFs.read_dir_kinds_and_links(path)
    }
    fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
        RealFs.read_dir_kinds(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        RealFs.is_file(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        RealFs.is_dir(path)
    }
    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        RealFs.stamp(path)
    }
}

fn check(root: &Path, fs: &Arc<FrozenStamps>, cache_dir: &Path) -> Analysis {
    let index = Arc::new(FileIndex::load(cache_dir, index_key(root, &BuildConfig::default())));
    let indexed: Arc<dyn FileSystem> = Arc::new(IndexedFs::new(fs.clone(), index.clone()));
    let ws = Workspace::open_in(Arc::new(gox_common::MemoFs::new(indexed)), root, BuildConfig::default()).unwrap();
    let cache = Cache::open(cache_dir.to_path_buf());
    let options = Options { cache: Some(&cache), file_index: Some(&index), ..Options::default() };
    let analysis = analyze_project_with(&ws, &["./...".to_string()], options).unwrap();
    cache.finish();
    index.save(cache_dir);
    analysis
}

fn shown(analysis: &Analysis, root: &Path) -> Vec<String> {
    analysis.diagnostics().iter().map(|d| gox_common::render_go_style(d, &analysis.map, Some(root))).collect()
}

#[test]
fn a_file_changed_behind_its_stamp_is_an_error_not_misplaced_diagnostics() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("app");
    std::fs::create_dir_all(root.join("util")).unwrap();
    std::fs::write(root.join("gox.mod"), "module example.com/app\n").unwrap();
    std::fs::write(root.join("util/util.gox"), "package util\n\nfunc Double(x int) int {\n\tvar s string = x\n\treturn 2 * x\n}\n").unwrap();
    std::fs::write(root.join("main.gox"), "package main\n\nimport \"util\"\n\nfunc main() { println(util.Double(1)) }\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2200));
    let cache = tmp.path().join("cache");
    let fs = Arc::new(FrozenStamps { frozen: Mutex::default() });

    let first = check(&root, &fs, &cache);
    let expected = vec![
        "util/util.gox:4:6: s declared but not used".to_string(),
        "util/util.gox:4:17: cannot use x (variable of type int) as string value in variable declaration".to_string(),
    ];
    assert_eq!(shown(&first, &root), expected);
    assert_eq!(first.timings.files_read, first.timings.files);

    // Unchanged: the same error, util.gox read only to show it.
    let second = check(&root, &fs, &cache);
    assert_eq!(shown(&second, &root), expected);
    assert!(second.timings.files_read < second.timings.files);

    // The error moves two lines down behind a stamp that says nothing
    // changed: the user is told to check again.
    std::fs::write(
        root.join("util/util.gox"),
        "package util\n\n// Double doubles.\n//\nfunc Double(x int) int {\n\tvar s string = x\n\treturn 2 * x\n}\n",
    )
    .unwrap();
    let third = check(&root, &fs, &cache);
    assert_eq!(shown(&third, &root), vec!["util/util.gox: file changed while gox was checking it; check again".to_string()]);

    // With stamps that see the change, the error is where it now is.
    let fresh = Arc::new(FrozenStamps { frozen: Mutex::default() });
    let fourth = check(&root, &fresh, &cache);
    let moved: Vec<String> = expected.iter().map(|e| e.replace("util.gox:4:", "util.gox:6:")).collect();
    assert_eq!(shown(&fourth, &root), moved);
}

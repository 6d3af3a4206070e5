//! Module zip extraction: any bytes, extracted as the module zip of
//! `example.com/m@v1.0.0`, give an error or a tree, never a panic; and
//! whatever happens, nothing is created outside the destination directory,
//! and nothing inside it is a symbolic link or a special file. A tree that
//! extracts holds exactly the zip's regular files under the module prefix,
//! with their contents.
#![no_main]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gox_module::fetch::archive::{extract_module_zip, Limits};
use gox_module::modpath::check_file_path;
use libfuzzer_sys::fuzz_target;

const MODULE: &str = "example.com/m";
const VERSION: &str = "v1.0.0";

/// Small limits, so that a zip bomb costs little.
const LIMITS: Limits = Limits { max_zip_bytes: 1 << 20, max_total_bytes: 1 << 20, max_file_bytes: 256 << 10, max_entries: 500 };

/// The directory of this process's runs, holding the zip (`module.zip`)
/// and the destination (`dest/m@v1.0.0`). In memory (`/dev/shm`) where
/// there is such a file system: runs are several times faster.
fn sandbox() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() };
        dir.expect("temporary directory")
    })
    .path()
}

/// Every path under `dir` (not following links), relative to `dir`.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("dir entry").path();
            out.push(path.strip_prefix(dir).expect("under dir").to_path_buf());
            if std::fs::symlink_metadata(&path).expect("metadata").is_dir() {
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The regular files of the zip under the module prefix: relative path -> contents.
fn zip_files(data: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let prefix = format!("{MODULE}@{VERSION}/");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(data)).expect("extracted, so a valid zip");
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        // Directories' data is never read (nor, so, its compression method).
        if archive.by_index_raw(i).expect("extracted, so a listed entry").is_dir() {
            continue;
        }
        let mut entry = archive.by_index(i).expect("extracted, so a readable entry");
        let rel = entry.name().strip_prefix(&prefix).expect("extracted, so under the prefix").to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("extracted, so readable");
        out.insert(rel, bytes);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let root = sandbox();
    let zip_path = root.join("module.zip");
    std::fs::write(&zip_path, data).expect("write the zip");
    let dest_parent = root.join("dest");
    std::fs::create_dir_all(&dest_parent).expect("create dest parent");
    let dest = dest_parent.join("m@v1.0.0");

    let result = extract_module_zip(&zip_path, &dest, MODULE, VERSION, &LIMITS);

    // Nothing outside `dest`.
    let outside: Vec<PathBuf> = tree(root)
        .into_iter()
        .filter(|p| !p.starts_with("dest/m@v1.0.0") && p != Path::new("dest") && p != Path::new("module.zip"))
        .collect();
    assert!(outside.is_empty(), "extraction created {outside:?} outside the destination");

    if dest.exists() {
        for rel in tree(&dest) {
            let meta = std::fs::symlink_metadata(dest.join(&rel)).expect("metadata");
            assert!(meta.is_file() || meta.is_dir(), "{rel:?} is neither a regular file nor a directory");
            let slashed = rel.to_str().expect("UTF-8 names only");
            assert_eq!(check_file_path(slashed), Ok(()), "extracted a malformed path {rel:?}");
        }
    }

    if result.is_ok() {
        let want = zip_files(data);
        let mut got = BTreeMap::new();
        for rel in tree(&dest) {
            let path = dest.join(&rel);
            if path.is_file() {
                got.insert(rel.to_str().expect("UTF-8").to_string(), std::fs::read(&path).expect("read"));
            }
        }
        assert!(got == want, "extracted files {:?} differ from the zip's {:?}", got.keys(), want.keys());
    }

    if dest.exists() {
        std::fs::remove_dir_all(&dest).expect("clean up");
    }
    std::fs::remove_file(&zip_path).expect("clean up");
});

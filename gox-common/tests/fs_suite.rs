//! One test suite for every [`FileSystem`]: each check runs against `RealFs`
//! on a temporary directory and against `MemoryFs` holding the same files,
//! and both must answer the same.

use std::path::{Path, PathBuf};
use std::time::Duration;

use gox_common::{discover_packages, BuildConfig, FileSet, FileSystem, FsError, MemoryFs, RealFs};

/// A file system with a known tree under `root`, which the test can change.
trait Fixture {
    type Fs: FileSystem;
    fn fs(&self) -> &Self::Fs;
    fn root(&self) -> &Path;
    /// Replaces a file's contents (a real file also gets a later mtime, as
    /// when time passes between two edits).
    fn write(&mut self, rel: &str, contents: &[u8]);
}

/// The tree every fixture starts with (paths relative to the root); `empty/`
/// is an empty directory.
const FILES: &[(&str, &[u8])] = &[
    ("a.gox", b"package a\n"),
    ("Z.gox", b"package a\n\nvar z = 1\n"),
    ("_u.gox", b""),
    ("\u{e9}.gox", "// é\npackage a\n".as_bytes()),
    ("bad.gox", b"ok\xff\xfe"),
    ("sub/b.gox", b"package sub\n"),
    ("sub/deeper/c.txt", b"text"),
];

struct RealFixture {
    dir: tempfile::TempDir,
}

impl Fixture for RealFixture {
    type Fs = RealFs;
    fn fs(&self) -> &RealFs {
        &RealFs
    }
    fn root(&self) -> &Path {
        self.dir.path()
    }
    fn write(&mut self, rel: &str, contents: &[u8]) {
        let path = self.dir.path().join(rel);
        let before = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        std::fs::write(&path, contents).expect("write fixture file");
        if let Some(before) = before {
            let file = std::fs::File::options().write(true).open(&path).expect("open fixture file");
            file.set_modified(before + Duration::from_secs(1)).expect("set mtime");
        }
    }
}

fn real_fixture() -> RealFixture {
    let dir = tempfile::tempdir().expect("create temp dir");
    for (rel, contents) in FILES {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create fixture dir");
        }
        std::fs::write(&path, contents).expect("write fixture file");
    }
    std::fs::create_dir(dir.path().join("empty")).expect("create empty dir");
    RealFixture { dir }
}

struct MemoryFixture {
    fs: MemoryFs,
    root: PathBuf,
}

impl Fixture for MemoryFixture {
    type Fs = MemoryFs;
    fn fs(&self) -> &MemoryFs {
        &self.fs
    }
    fn root(&self) -> &Path {
        &self.root
    }
    fn write(&mut self, rel: &str, contents: &[u8]) {
        self.fs.insert(self.root.join(rel), contents);
    }
}

fn memory_fixture() -> MemoryFixture {
    let root = PathBuf::from("/mem/root");
    let mut fs = MemoryFs::from_files(FILES.iter().map(|(rel, c)| (root.join(rel), *c)));
    fs.insert_dir(root.join("empty"));
    MemoryFixture { fs, root }
}

fn reads_bytes_and_text(fx: &mut impl Fixture) {
    let (fs, root) = (fx.fs(), fx.root());
    assert_eq!(fs.read(&root.join("Z.gox")), Ok(b"package a\n\nvar z = 1\n".to_vec()));
    assert_eq!(fs.read_to_string(&root.join("\u{e9}.gox")), Ok("// é\npackage a\n".to_string()));
    assert_eq!(fs.read(&root.join("_u.gox")), Ok(Vec::new()));
    // `.` and `..` through existing directories name the same file.
    assert_eq!(fs.read_to_string(&root.join("sub/./../sub/b.gox")), Ok("package sub\n".to_string()));
}

fn invalid_utf8_names_file_and_offset(fx: &mut impl Fixture) {
    let path = fx.root().join("bad.gox");
    let err = fx.fs().read_to_string(&path);
    assert_eq!(err, Err(FsError::InvalidUtf8 { path: path.clone(), offset: 2 }));
    let shown = err.map_err(|e| e.to_string());
    assert_eq!(shown, Err(format!("{}: invalid UTF-8 at byte offset 2", path.display())));
    // The bytes are still readable as bytes.
    assert_eq!(fx.fs().read(&path), Ok(b"ok\xff\xfe".to_vec()));
}

fn read_dir_lists_sorted_names(fx: &mut impl Fixture) {
    let (fs, root) = (fx.fs(), fx.root());
    let names = |p: &Path| fs.read_dir(p);
    let want: Vec<String> =
        ["Z.gox", "_u.gox", "a.gox", "bad.gox", "empty", "sub", "\u{e9}.gox"].iter().map(|s| s.to_string()).collect();
    assert_eq!(names(root), Ok(want));
    assert_eq!(names(&root.join("sub")), Ok(vec!["b.gox".to_string(), "deeper".to_string()]));
    assert_eq!(names(&root.join("empty")), Ok(Vec::new()));
}

fn predicates_agree(fx: &mut impl Fixture) {
    let (fs, root) = (fx.fs(), fx.root());
    let facts = |rel: &str| {
        let p = root.join(rel);
        (fs.is_file(&p), fs.is_dir(&p), fs.exists(&p))
    };
    assert_eq!(facts("a.gox"), (true, false, true));
    assert_eq!(facts("sub"), (false, true, true));
    assert_eq!(facts("sub/deeper"), (false, true, true));
    assert_eq!(facts("empty"), (false, true, true));
    assert_eq!(facts("missing"), (false, false, false));
    assert_eq!(facts("sub/b"), (false, false, false));
    assert_eq!(facts("a.gox/x"), (false, false, false));
    assert_eq!((fs.is_dir(root), fs.is_file(root)), (true, false));
}

fn errors_name_the_path(fx: &mut impl Fixture) {
    let (fs, root) = (fx.fs(), fx.root());
    let p = |rel: &str| root.join(rel);
    assert_eq!(fs.read(&p("missing.gox")), Err(FsError::NotFound { path: p("missing.gox") }));
    assert_eq!(fs.read(&p("nodir/x.gox")), Err(FsError::NotFound { path: p("nodir/x.gox") }));
    assert_eq!(fs.read(&p("sub")), Err(FsError::IsADirectory { path: p("sub") }));
    assert_eq!(fs.read(&p("empty")), Err(FsError::IsADirectory { path: p("empty") }));
    assert_eq!(fs.read(&p("a.gox/x")), Err(FsError::NotADirectory { path: p("a.gox/x") }));
    assert_eq!(fs.read_to_string(&p("sub")), Err(FsError::IsADirectory { path: p("sub") }));
    assert_eq!(fs.read_dir(&p("a.gox")), Err(FsError::NotADirectory { path: p("a.gox") }));
    assert_eq!(fs.read_dir(&p("a.gox/x")), Err(FsError::NotADirectory { path: p("a.gox/x") }));
    assert_eq!(fs.read_dir(&p("missing")), Err(FsError::NotFound { path: p("missing") }));
    assert_eq!(fs.stamp(&p("missing")), Err(FsError::NotFound { path: p("missing") }));
    assert_eq!(fs.stamp(&p("sub")), Err(FsError::IsADirectory { path: p("sub") }));
    let shown = fs.read(&p("missing.gox")).map_err(|e| e.to_string());
    assert_eq!(shown, Err(format!("{}: no such file or directory", p("missing.gox").display())));
}

fn stamp_changes_with_content(fx: &mut impl Fixture) {
    let path = fx.root().join("a.gox");
    let first = fx.fs().stamp(&path).expect("stamp of existing file");
    assert_eq!(fx.fs().stamp(&path), Ok(first.clone()), "stamp is stable while the file is untouched");
    assert_ne!(fx.fs().stamp(&fx.root().join("Z.gox")), Ok(first.clone()));
    fx.write("a.gox", b"package a // longer\n");
    let second = fx.fs().stamp(&path).expect("stamp after resize");
    assert_ne!(second, first, "size change");
    fx.write("a.gox", b"package b // longer\n");
    let third = fx.fs().stamp(&path).expect("stamp after same-size edit");
    assert_ne!(third, second, "same-size content change");
    assert_eq!(fx.fs().read_to_string(&path), Ok("package b // longer\n".to_string()));
}

fn fileset_and_discovery_agree(fx: &mut impl Fixture) {
    let (fs, root) = (fx.fs(), fx.root());
    let cfg = BuildConfig { tests: false, goos: "linux".into(), goarch: "amd64".into(), tags: Vec::new() };
    let set = FileSet::list(fs, root, &cfg).expect("list");
    let want: Vec<PathBuf> = ["Z.gox", "a.gox", "bad.gox", "\u{e9}.gox"].iter().map(|n| root.join(n)).collect();
    assert_eq!(set.files, want);
    assert_eq!(set.excluded, [(root.join("_u.gox"), "file name begins with \"_\"".to_string())]);
    assert_eq!(discover_packages(fs, root), Ok(vec![root.to_path_buf(), root.join("sub")]));
}

macro_rules! suite {
    ($($check:ident),* $(,)?) => {
        mod real {
            $( #[test] fn $check() { super::$check(&mut super::real_fixture()); } )*
        }
        mod memory {
            $( #[test] fn $check() { super::$check(&mut super::memory_fixture()); } )*
        }
    };
}

suite!(
    reads_bytes_and_text,
    invalid_utf8_names_file_and_offset,
    read_dir_lists_sorted_names,
    predicates_agree,
    errors_name_the_path,
    stamp_changes_with_content,
    fileset_and_discovery_agree,
);

/// A file is read in one call of the size `fstat` gives; one whose size
/// says nothing (`/proc` files report 0) is still read to its end.
#[test]
fn real_reads_whole_files_of_any_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    for len in [0usize, 1, 4095, 4096, 4097, 100_000] {
        let path = dir.path().join(format!("f{len}"));
        let contents: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &contents).expect("write");
        assert_eq!(RealFs.read(&path).expect("read"), contents, "{len} bytes");
        let (shared, meta) = RealFs.read_shared_with_metadata(&path);
        assert_eq!(&*shared.expect("read_shared"), &contents[..], "{len} bytes");
        assert_eq!(meta.map(|m| m.len()), Some(len as u64));
    }
    let status = Path::new("/proc/self/status");
    if status.exists() {
        let text = RealFs.read(status).expect("read /proc/self/status");
        assert!(text.ends_with(b"\n") && text.len() > 100, "{} bytes", text.len());
    }
}

/// A listing says what each entry leads to (symbolic links followed) and
/// that it holds links; its metadata is the directory's own.
#[test]
fn real_lists_kinds_links_and_metadata() {
    use gox_common::EntryKind;
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("a.gox"), "package a\n").expect("write");
    std::fs::create_dir(root.join("sub")).expect("mkdir");
    let (listed, meta) = RealFs.read_dir_kinds_and_links_with_metadata(root);
    let want = vec![("a.gox".to_string(), EntryKind::File), ("sub".to_string(), EntryKind::Dir)];
    assert_eq!(listed.expect("list"), (want, false));
    let meta = meta.expect("metadata");
    assert!(meta.is_dir());
    assert_eq!(meta.ino(), std::fs::metadata(root).expect("stat").ino());

    std::os::unix::fs::symlink("a.gox", root.join("to_file")).expect("symlink");
    std::os::unix::fs::symlink("sub", root.join("to_dir")).expect("symlink");
    std::os::unix::fs::symlink("missing", root.join("dangling")).expect("symlink");
    let (entries, links) = RealFs.read_dir_kinds_and_links(root).expect("list");
    assert!(links);
    let kinds: Vec<(&str, EntryKind)> = entries.iter().map(|(n, k)| (n.as_str(), *k)).collect();
    assert_eq!(
        kinds,
        [
            ("a.gox", EntryKind::File),
            ("dangling", EntryKind::Other),
            ("sub", EntryKind::Dir),
            ("to_dir", EntryKind::Dir),
            ("to_file", EntryKind::File)
        ]
    );
    // Not a directory, or missing: the error names the path.
    let (err, meta) = RealFs.read_dir_kinds_and_links_with_metadata(&root.join("a.gox"));
    assert!(matches!(err, Err(FsError::NotADirectory { .. })), "{err:?}");
    assert!(meta.is_none());
    let (err, _) = RealFs.read_dir_kinds_and_links_with_metadata(&root.join("nope"));
    assert!(matches!(err, Err(FsError::NotFound { .. })), "{err:?}");
}

//! The checked-in std (gox-module/std) is exactly what the generator
//! (gox-module/stdtools/gen) writes from Go 1.19's std. Runs when Go 1.19
//! is installed (`/usr/lib/go-1.19/bin/go`, or the `go` named by `GOX_GO119`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn go119() -> Option<PathBuf> {
    let go = std::env::var_os("GOX_GO119").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/lib/go-1.19/bin/go"));
    go.is_file().then_some(go)
}

/// Every generated file under `root` (all but README.md) by relative path.
fn generated_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, rel: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            if entry.path().is_dir() {
                walk(&entry.path(), &rel, out);
            } else if rel != "README.md" {
                out.insert(rel, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, "", &mut out);
    out
}

#[test]
fn checked_in_std_equals_the_generators_output() {
    let Some(go) = go119() else {
        eprintln!("skipped: Go 1.19 is not installed (apt-get install golang-1.19-go golang-1.19-src)");
        return;
    };
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let gocache = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(&go);
    cmd.args(["run", "./gen", "-o"]).arg(out.path()).current_dir(manifest.join("stdtools")).env("GOPROXY", "off");
    if std::env::var_os("GOCACHE").is_none() && std::env::var_os("HOME").is_none() {
        cmd.env("GOCACHE", gocache.path());
    }
    let run = cmd.output().expect("running go run ./gen");
    assert!(run.status.success(), "go run ./gen failed:\n{}", String::from_utf8_lossy(&run.stderr));
    let want = generated_files(out.path());
    let have = generated_files(&manifest.join("std"));
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&have), names(&want), "the files of gox-module/std differ from the generator's; run: cd gox-module/stdtools && go run ./gen");
    for (name, bytes) in &want {
        assert!(have[name] == *bytes, "gox-module/std/{name} differs from the generator's output; run: cd gox-module/stdtools && go run ./gen");
    }
}

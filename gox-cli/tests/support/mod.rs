//! What the CLI tests share: a command's output ([`Out`]), copying a
//! project tree, and real local components for the `gox get` tests, driven
//! through the built binary: temporary projects, module proxy directories served by an
//! HTTP/1.1 server on 127.0.0.1 or as `file://` URLs, and bare git
//! repositories reached through git's `url.<base>.insteadOf`. Every run
//! gets a private HOME, XDG_CONFIG_HOME, GIT_CONFIG_GLOBAL and GOXCACHE, so
//! the user's own configuration never takes part.
#![allow(dead_code, unused_imports)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use gox_module::fetch::archive::write_module_zip;
use gox_module::fetch::path::escape_for_proxy;

/// Files of one module version: (path relative to the module root, contents).
pub type Files<'a> = &'a [(&'a str, &'a str)];

pub struct Out {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl From<std::process::Output> for Out {
    fn from(out: std::process::Output) -> Out {
        Out {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    }
}

/// Copies the tree `src` to `dst` (files and directories).
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

/// A temporary world: `proxy/` (a proxy directory), `repos/` (bare git
/// repositories, reached as `https://git.example/<name>`), `home/`, a git
/// configuration and a build cache.
pub struct World {
    pub tmp: tempfile::TempDir,
}

/// The prefix whose modules `direct` finds in `<world>/repos`.
pub const GIT_HOST: &str = "git.example";

impl World {
    pub fn new() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let w = World { tmp };
        for d in ["proxy", "repos", "home", "xdg", "cache"] {
            std::fs::create_dir_all(w.path(d)).unwrap();
        }
        std::fs::write(
            w.gitconfig(),
            format!("[url \"file://{}/\"]\n\tinsteadOf = https://{GIT_HOST}/\n", w.repos().display()),
        )
        .unwrap();
        w
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    pub fn proxy(&self) -> PathBuf {
        self.path("proxy")
    }

    pub fn repos(&self) -> PathBuf {
        self.path("repos")
    }

    pub fn gitconfig(&self) -> PathBuf {
        self.path("gitconfig")
    }

    /// `file://<world>/proxy`.
    pub fn file_proxy_url(&self) -> String {
        format!("file://{}", self.proxy().display())
    }

    /// A new project directory `<world>/<name>` with `gox init example.com/<name>`.
    pub fn project(&self, name: &str) -> PathBuf {
        let dir = self.path(name);
        std::fs::create_dir_all(&dir).unwrap();
        let out = self.gox(&dir, "off", &["init", &format!("example.com/{name}")]);
        assert_eq!(out.code, 0, "{out:?}");
        dir
    }

    /// The `gox` command with this world's private environment.
    pub fn command(&self, dir: &Path, goxproxy: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gox"));
        cmd.args(args)
            .current_dir(dir)
            .env("GOXPROXY", goxproxy)
            .env("GOXCACHE", self.path("cache"))
            .env("HOME", self.path("home"))
            .env("XDG_CONFIG_HOME", self.path("xdg"))
            .env("GIT_CONFIG_GLOBAL", self.gitconfig())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("NO_COLOR");
        cmd
    }

    pub fn gox(&self, dir: &Path, goxproxy: &str, args: &[&str]) -> Out {
        Out::from(self.command(dir, goxproxy, args).output().expect("running gox"))
    }
}

pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

pub fn write(root: &Path, files: Files<'_>) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// The `h1:` hash gox.lock records for the module tree at `dir`.
pub fn tree_hash(dir: &Path, module: &str, version: &str) -> String {
    let version = gox_module::modfile::parse_version(version).unwrap();
    gox_module::fetch::module_hash(dir, module, &version).unwrap()
}

/// Everything under `dir` except the lock files, as sorted relative paths
/// (directories end with `/`).
pub fn contents(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let r = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            if r == ".lock" || r == ".project.lock" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                out.push(format!("{r}/"));
                walk(&e.path(), &r, out);
            } else {
                out.push(r);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

// ---------------------------------------------------------------- proxies

fn version_dir(proxy: &Path, module: &str) -> PathBuf {
    proxy.join(escape_for_proxy(module)).join("@v")
}

/// The zip file of `module@version` in the proxy directory.
pub fn zip_path(proxy: &Path, module: &str, version: &str) -> PathBuf {
    version_dir(proxy, module).join(format!("{}.zip", escape_for_proxy(version)))
}

/// Publishes `module@version` with `files` to the proxy directory `proxy`:
/// list, .info, .mod and a zip made by `write_module_zip`.
pub fn publish(proxy: &Path, module: &str, version: &str, files: Files<'_>) {
    let src = tempfile::tempdir().unwrap();
    write(src.path(), files);
    std::fs::create_dir_all(version_dir(proxy, module)).unwrap();
    let zip = std::fs::File::create(zip_path(proxy, module, version)).unwrap();
    write_module_zip(src.path(), module, version, zip).unwrap();
    publish_metadata(proxy, module, version, files);
}

fn publish_metadata(proxy: &Path, module: &str, version: &str, files: Files<'_>) {
    let dir = version_dir(proxy, module);
    std::fs::create_dir_all(&dir).unwrap();
    let v = escape_for_proxy(version);
    std::fs::write(
        dir.join(format!("{v}.info")),
        format!("{{\"Version\":\"{version}\",\"Time\":\"2020-09-13T12:26:40Z\"}}\n"),
    )
    .unwrap();
    let gox_mod = files.iter().find(|(p, _)| *p == "gox.mod").map_or("", |(_, c)| *c);
    std::fs::write(dir.join(format!("{v}.mod")), gox_mod).unwrap();
    let list = dir.join("list");
    let mut text = std::fs::read_to_string(&list).unwrap_or_default();
    text.push_str(version);
    text.push('\n');
    std::fs::write(list, text).unwrap();
}

/// Publishes a hand-made zip whose entries are exactly `entries` (names
/// taken literally), for malicious archives.
pub fn publish_raw_zip(proxy: &Path, module: &str, version: &str, entries: &[(&str, &str)]) {
    std::fs::create_dir_all(version_dir(proxy, module)).unwrap();
    let file = std::fs::File::create(zip_path(proxy, module, version)).unwrap();
    let mut w = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data.as_bytes()).unwrap();
    }
    w.finish().unwrap();
    let gox_mod = format!("module {module}\n");
    publish_metadata(proxy, module, version, &[("gox.mod", &gox_mod)]);
}

// ---------------------------------------------------------------- git

fn insert_path(repo: &git2::Repository, tree: Option<&git2::Tree<'_>>, path: &[&str], blob: git2::Oid) -> git2::Oid {
    let mut builder = repo.treebuilder(tree).unwrap();
    if path.len() == 1 {
        builder.insert(path[0], blob, 0o100644).unwrap();
    } else {
        let sub = tree.and_then(|t| t.get_name(path[0])).map(|e| repo.find_tree(e.id()).unwrap());
        let id = insert_path(repo, sub.as_ref(), &path[1..], blob);
        builder.insert(path[0], id, 0o040000).unwrap();
    }
    builder.write().unwrap()
}

/// The bare repository `<world>/repos/<name>` (created when absent), which
/// `direct` reaches as `https://git.example/<name>`.
pub fn git_repo(world: &World, name: &str) -> git2::Repository {
    let path = world.repos().join(name);
    match git2::Repository::open_bare(&path) {
        Ok(r) => r,
        Err(_) => git2::Repository::init_bare(&path).unwrap(),
    }
}

/// Commits `files` as a new snapshot on top of HEAD and tags it `tag`
/// (annotated). Returns the commit id.
pub fn commit_and_tag(repo: &git2::Repository, files: Files<'_>, tag: &str) -> String {
    let mut tree: Option<git2::Oid> = None;
    for (path, contents) in files {
        let blob = repo.blob(contents.as_bytes()).unwrap();
        let parts: Vec<&str> = path.split('/').collect();
        let current = tree.map(|id| repo.find_tree(id).unwrap());
        tree = Some(insert_path(repo, current.as_ref(), &parts, blob));
    }
    let tree = repo.find_tree(tree.unwrap()).unwrap();
    let sig = git2::Signature::new("Test", "test@example.com", &git2::Time::new(1_600_000_000, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let commit = repo.commit(Some("HEAD"), &sig, &sig, tag, &tree, &parents).unwrap();
    let object = repo.find_object(commit, None).unwrap();
    repo.tag(tag, &object, &sig, tag, false).unwrap();
    commit.to_string()
}

// ---------------------------------------------------------------- HTTP

#[path = "../../../gox-module/tests/support/http.rs"]
mod http;
pub use http::HttpServer;

// ---------------------------------------------------------------- modules

pub const GREET: &str = "example.com/greet";
pub const STRUTIL: &str = "example.com/strutil";

pub const STRUTIL_MOD: &str = "module example.com/strutil\n";
pub const STRUTIL_SRC: &str = "package strutil\n\nfunc Bracket(s string) string {\n\treturn \"<\" + s + \">\"\n}\n";

/// `example.com/greet` at `version`: requires `example.com/strutil v1.0.0`
/// as `strutil` and uses it.
pub fn greet_files(version: &str) -> (String, String) {
    let m = "module example.com/greet\n\nrequire strutil example.com/strutil v1.0.0\n".to_string();
    let src = format!(
        "package greet\n\nimport @\"strutil\"\n\nconst Version = \"{version}\"\n\nfunc Hello(name string) string {{\n\treturn \"hello \" + strutil.Bracket(name)\n}}\n"
    );
    (m, src)
}

/// Publishes example.com/strutil v1.0.0 and example.com/greet v1.0.0,
/// v1.1.0, v1.2.0, v1.2.5, v1.3.0-rc.1 to the proxy directory.
pub fn publish_greet(proxy: &Path) {
    publish(proxy, STRUTIL, "v1.0.0", &[("gox.mod", STRUTIL_MOD), ("strutil.gox", STRUTIL_SRC)]);
    for v in ["v1.0.0", "v1.1.0", "v1.2.0", "v1.2.5", "v1.3.0-rc.1"] {
        let (m, src) = greet_files(v);
        publish(proxy, GREET, v, &[("gox.mod", &m), ("greet.gox", &src)]);
    }
}

/// A main package importing `@"greet"`.
pub const MAIN_SRC: &str = "package main\n\nimport @\"greet\"\n\nfunc main() {\n\tprintln(greet.Hello(\"world\"), greet.Version)\n}\n";

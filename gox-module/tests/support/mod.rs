//! Real local components for the fetch tests: bare git repositories with
//! tags, module proxy directories, and an HTTP/1.1 server on 127.0.0.1
//! that serves a proxy directory and can cut a response short.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use gox_module::fetch::archive::write_module_zip;
use gox_module::fetch::path::escape_for_proxy;
use gox_module::fetch::UrlRewrites;

/// Files of one module version: (path relative to the module root, contents).
pub type Files<'a> = &'a [(&'a str, &'a str)];

pub fn gox_mod(module: &str) -> String {
    format!("module {module}\n")
}

// ---------------------------------------------------------------- git

fn insert_path(repo: &git2::Repository, tree: Option<&git2::Tree<'_>>, path: &[&str], blob: git2::Oid, mode: i32) -> git2::Oid {
    let mut builder = repo.treebuilder(tree).unwrap();
    if path.len() == 1 {
        builder.insert(path[0], blob, mode).unwrap();
    } else {
        let sub = tree
            .and_then(|t| t.get_name(path[0]))
            .map(|e| repo.find_tree(e.id()).unwrap());
        let id = insert_path(repo, sub.as_ref(), &path[1..], blob, mode);
        builder.insert(path[0], id, 0o040000).unwrap();
    }
    builder.write().unwrap()
}

/// Commits `files` (and `symlinks`: (path, target)) as a new root-level
/// snapshot on top of HEAD and tags it `tag` (annotated when `annotated`).
/// Returns the commit id.
pub fn commit_and_tag(
    repo: &git2::Repository,
    files: Files<'_>,
    symlinks: &[(&str, &str)],
    tag: &str,
    annotated: bool,
) -> String {
    let mut tree: Option<git2::Oid> = None;
    let entries = files.iter().map(|(p, c)| (*p, *c, 0o100644)).chain(symlinks.iter().map(|(p, t)| (*p, *t, 0o120000)));
    for (path, contents, mode) in entries {
        let blob = repo.blob(contents.as_bytes()).unwrap();
        let parts: Vec<&str> = path.split('/').collect();
        let current = tree.map(|id| repo.find_tree(id).unwrap());
        tree = Some(insert_path(repo, current.as_ref(), &parts, blob, mode));
    }
    let tree = repo.find_tree(tree.unwrap()).unwrap();
    let sig = git2::Signature::new("Test", "test@example.com", &git2::Time::new(1_600_000_000, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let commit = repo.commit(Some("HEAD"), &sig, &sig, tag, &tree, &parents).unwrap();
    let object = repo.find_object(commit, None).unwrap();
    if annotated {
        repo.tag(tag, &object, &sig, tag, false).unwrap();
    } else {
        repo.tag_lightweight(tag, &object, false).unwrap();
    }
    commit.to_string()
}

/// A bare repository at `path`.
pub fn bare_repo(path: &Path) -> git2::Repository {
    git2::Repository::init_bare(path).unwrap()
}

/// URL rewrites read from a real git config file in `dir` that maps
/// `https://example.com/` to `file://<repos>/`.
pub fn rewrites_to(dir: &Path, repos: &Path) -> UrlRewrites {
    let config_path = dir.join("gitconfig");
    std::fs::write(
        &config_path,
        format!("[url \"file://{}/\"]\n\tinsteadOf = https://example.com/\n", repos.display()),
    )
    .unwrap();
    let config = git2::Config::open(&config_path).unwrap();
    UrlRewrites::from_config(&config).unwrap()
}

// ---------------------------------------------------------------- proxies

fn version_dir(proxy: &Path, module: &str) -> PathBuf {
    proxy.join(escape_for_proxy(module)).join("@v")
}

fn append_to_list(proxy: &Path, module: &str, version: &str) {
    let dir = version_dir(proxy, module);
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("list");
    let mut text = std::fs::read_to_string(&list).unwrap_or_default();
    text.push_str(version);
    text.push('\n');
    std::fs::write(list, text).unwrap();
}

/// Publishes `module@version` with `files` to the proxy directory `proxy`:
/// list, .info, .mod and a module zip made by `write_module_zip`.
pub fn publish(proxy: &Path, module: &str, version: &str, files: Files<'_>) {
    let src = tempfile::tempdir().unwrap();
    for (p, c) in files {
        let path = src.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
    let dir = version_dir(proxy, module);
    std::fs::create_dir_all(&dir).unwrap();
    let v = escape_for_proxy(version);
    let zip = std::fs::File::create(dir.join(format!("{v}.zip"))).unwrap();
    write_module_zip(src.path(), module, version, zip).unwrap();
    publish_metadata(proxy, module, version, files);
}

fn publish_metadata(proxy: &Path, module: &str, version: &str, files: Files<'_>) {
    let dir = version_dir(proxy, module);
    let v = escape_for_proxy(version);
    std::fs::write(
        dir.join(format!("{v}.info")),
        format!("{{\"Version\":\"{version}\",\"Time\":\"2020-09-13T12:26:40Z\"}}\n"),
    )
    .unwrap();
    let gox_mod = files.iter().find(|(p, _)| *p == "gox.mod").map_or("", |(_, c)| *c);
    std::fs::write(dir.join(format!("{v}.mod")), gox_mod).unwrap();
    append_to_list(proxy, module, version);
}

/// Publishes a hand-made zip whose entries are exactly `entries` (names
/// taken literally), for malicious archives. `symlinks` are (name, target).
pub fn publish_raw_zip(proxy: &Path, module: &str, version: &str, entries: &[(&str, &[u8])], symlinks: &[(&str, &str)]) {
    let dir = version_dir(proxy, module);
    std::fs::create_dir_all(&dir).unwrap();
    let v = escape_for_proxy(version);
    let file = std::fs::File::create(dir.join(format!("{v}.zip"))).unwrap();
    let mut w = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    for (name, target) in symlinks {
        w.add_symlink(*name, *target, opts).unwrap();
    }
    w.finish().unwrap();
    publish_metadata(proxy, module, version, &[]);
}

/// Everything under `goxdeps` except the lock file, as sorted relative paths
/// (directories end with `/`).
pub fn contents(goxdeps: &Path) -> Vec<String> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let r = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            if r == ".lock" {
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
    walk(goxdeps, "", &mut out);
    out.sort();
    out
}

// ---------------------------------------------------------------- HTTP

#[path = "http.rs"]
mod http;
#[allow(unused_imports)]
pub use http::HttpServer;

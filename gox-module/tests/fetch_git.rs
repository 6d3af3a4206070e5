//! `direct`: bare git repositories with tags, reached through `insteadOf`.

mod support;

use std::path::Path;

use gox_module::fetch::{module_hash, parse_goxproxy, FetchError, Fetcher, Origin, Query};
use gox_module::modfile::parse_version;
use support::*;

const LIB: &str = "example.com/lib";

struct World {
    tmp: tempfile::TempDir,
    fetcher: Fetcher,
    commits: Vec<String>,
}

impl World {
    fn goxdeps(&self) -> std::path::PathBuf {
        self.tmp.path().join("project/.goxdeps")
    }
}

/// `example.com/lib` with tags v1.0.0, v1.2.0 (annotated), v1.2.7, v1.10.0,
/// v2.0.0-rc.1 and a non-version tag `nightly`.
fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let repos = tmp.path().join("repos");
    let repo = bare_repo(&repos.join("lib"));
    let m = gox_mod(LIB);
    let mut commits = Vec::new();
    for (tag, annotated) in [("v1.0.0", false), ("v1.2.0", true), ("v1.2.7", false), ("v1.10.0", false), ("v2.0.0-rc.1", true), ("nightly", false)] {
        let body = format!("package lib\n\nconst Version = \"{tag}\"\n");
        commits.push(commit_and_tag(&repo, &[("gox.mod", &m), ("lib.gox", &body), ("sub/x.gox", "package sub\n")], &[], tag, annotated));
    }
    let fetcher = Fetcher::new(parse_goxproxy("direct").unwrap()).with_url_rewrites(rewrites_to(tmp.path(), &repos));
    World { tmp, fetcher, commits }
}

fn resolve(w: &World, q: &str) -> String {
    format!("v{}", w.fetcher.resolve(LIB, &Query::parse(q).unwrap()).unwrap())
}

#[test]
fn git_tags_are_the_versions_in_semver_order() {
    let w = world();
    let versions: Vec<String> = w.fetcher.list_versions(LIB).unwrap().iter().map(|v| format!("v{v}")).collect();
    assert_eq!(versions, ["v1.0.0", "v1.2.0", "v1.2.7", "v1.10.0", "v2.0.0-rc.1"]);
}

#[test]
fn git_resolves_exact_latest_and_prefix_queries() {
    let w = world();
    assert_eq!(resolve(&w, "v1.2.0"), "v1.2.0");
    assert_eq!(resolve(&w, "latest"), "v1.10.0");
    assert_eq!(resolve(&w, "v1"), "v1.10.0");
    assert_eq!(resolve(&w, "v1.2"), "v1.2.7");
    assert_eq!(resolve(&w, "v2"), "v2.0.0-rc.1");
}

#[test]
fn git_unknown_version_names_the_repository_tried() {
    let w = world();
    let err = w.fetcher.resolve(LIB, &Query::parse("v1.3").unwrap()).unwrap_err();
    let url = format!("file://{}/lib", w.tmp.path().join("repos").display());
    assert_eq!(
        err.to_string(),
        format!("example.com/lib: no matching versions for query \"v1.3\"\n\ttried git ls-remote {url}: no version matches \"v1.3\"")
    );
    let err = w.fetcher.resolve(LIB, &Query::parse("v1.2.1").unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("example.com/lib@v1.2.1: invalid version: unknown revision v1.2.1\n\ttried git ls-remote {url}: no tag \"v1.2.1\"")
    );
}

#[test]
fn git_fetch_checks_out_the_tag_and_records_the_commit() {
    let w = world();
    let v = parse_version("v1.2.0").unwrap();
    let got = w.fetcher.fetch(&w.goxdeps(), LIB, &v, None).unwrap();
    let dir = w.goxdeps().join("example.com/lib@v1.2.0");
    assert_eq!(got.dir, dir);
    assert_eq!(
        got.origin,
        Origin::Git { url: format!("file://{}/lib", w.tmp.path().join("repos").display()), commit: w.commits[1].clone() }
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("lib.gox")).unwrap(),
        "package lib\n\nconst Version = \"v1.2.0\"\n"
    );
    assert_eq!(got.hash, module_hash(&dir, LIB, &parse_version("v1.2.0").unwrap()).unwrap());
    assert_eq!(
        contents(&w.goxdeps()),
        ["example.com/", "example.com/lib@v1.2.0/", "example.com/lib@v1.2.0/gox.mod", "example.com/lib@v1.2.0/lib.gox", "example.com/lib@v1.2.0/sub/", "example.com/lib@v1.2.0/sub/x.gox"]
    );
}

#[test]
fn git_and_proxy_copies_of_the_same_tree_have_the_same_hash() {
    let w = world();
    let v = parse_version("v1.0.0").unwrap();
    let from_git = w.fetcher.fetch(&w.goxdeps(), LIB, &v, None).unwrap();
    let proxy = w.tmp.path().join("proxy");
    let m = gox_mod(LIB);
    publish(&proxy, LIB, "v1.0.0", &[("gox.mod", &m), ("lib.gox", "package lib\n\nconst Version = \"v1.0.0\"\n"), ("sub/x.gox", "package sub\n")]);
    let file = Fetcher::new(parse_goxproxy(&format!("file://{}", proxy.display())).unwrap());
    let other = w.tmp.path().join("other/.goxdeps");
    let from_proxy = file.fetch(&other, LIB, &v, Some(&from_git.hash)).unwrap();
    assert_eq!(from_proxy.hash, from_git.hash);
}

#[test]
fn git_symlink_in_tree_is_rejected_and_leaves_nothing() {
    let w = world();
    let repo = git2::Repository::open_bare(w.tmp.path().join("repos/lib")).unwrap();
    let m = gox_mod(LIB);
    commit_and_tag(&repo, &[("gox.mod", &m)], &[("passwd", "/etc/passwd")], "v1.11.0", false);
    let err = w.fetcher.fetch(&w.goxdeps(), LIB, &parse_version("v1.11.0").unwrap(), None).unwrap_err();
    assert_eq!(err.to_string(), "example.com/lib@v1.11.0: \"passwd\": symbolic links are not allowed");
    assert!(contents(&w.goxdeps()).is_empty(), "{:?}", contents(&w.goxdeps()));
}

#[test]
fn git_module_declaring_another_path_is_rejected() {
    let w = world();
    let repo = git2::Repository::open_bare(w.tmp.path().join("repos/lib")).unwrap();
    commit_and_tag(&repo, &[("gox.mod", "module example.com/other\n")], &[], "v1.12.0", false);
    let err = w.fetcher.fetch(&w.goxdeps(), LIB, &parse_version("v1.12.0").unwrap(), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "example.com/lib@v1.12.0: parsing gox.mod:\n\tmodule declares its path as: example.com/other\n\t        but was required as: example.com/lib"
    );
    assert!(contents(&w.goxdeps()).is_empty());
}

#[test]
fn git_missing_repository_is_an_error_naming_the_url() {
    let w = world();
    let err = w.fetcher.list_versions("example.com/nope").unwrap_err();
    let url = format!("file://{}/nope", w.tmp.path().join("repos").display());
    let path = w.tmp.path().join("repos/nope");
    assert_eq!(
        err.to_string(),
        format!("git ls-remote {url}: failed to resolve path '{}': No such file or directory", path.display())
    );
    assert!(matches!(err, FetchError::Source { .. }), "{err:?}");
}

#[test]
fn offline_fails_at_once_naming_the_module() {
    let w = world();
    let offline = Fetcher::new(parse_goxproxy("direct").unwrap()).with_offline(true);
    let err = offline.fetch(&w.goxdeps(), LIB, &parse_version("v1.0.0").unwrap(), None).unwrap_err();
    assert_eq!(err.to_string(), "cannot fetch example.com/lib@v1.0.0: network access disabled by --offline");
    assert!(!Path::new(&w.goxdeps()).exists());
    // Once present, an offline fetch succeeds without any source.
    w.fetcher.fetch(&w.goxdeps(), LIB, &parse_version("v1.0.0").unwrap(), None).unwrap();
    let got = offline.fetch(&w.goxdeps(), LIB, &parse_version("v1.0.0").unwrap(), None).unwrap();
    assert_eq!(got.origin, Origin::AlreadyPresent);
}

#[test]
fn unreachable_https_git_names_the_url_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rewrites = gox_module::fetch::UrlRewrites::new();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    rewrites.add("https://127.0.0.1:9/", "https://example.com/");
    let f = Fetcher::new(parse_goxproxy("direct").unwrap()).with_url_rewrites(rewrites);
    let err = f.fetch(&tmp.path().join(".goxdeps"), LIB, &parse_version("v1.0.0").unwrap(), None).unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("git fetch https://127.0.0.1:9/lib: "), "{message}");
    assert!(contents(&tmp.path().join(".goxdeps")).is_empty());
}

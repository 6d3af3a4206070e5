//! `gox get` with `GOXPROXY=direct`: bare git repositories with tags, made
//! in a temporary directory and reached through git's
//! `url.<base>.insteadOf` (from the file named by GIT_CONFIG_GLOBAL).

mod support;

use support::*;

const GREET_GIT: &str = "git.example/greet";
const STRUTIL_GIT: &str = "git.example/strutil";

fn greet_git_files(version: &str) -> (String, String) {
    let m = format!("module {GREET_GIT}\n\nrequire strutil {STRUTIL_GIT} v1.0.0\n");
    let src = format!(
        "package greet\n\nimport @\"strutil\"\n\nconst Version = \"{version}\"\n\nfunc Hello(name string) string {{\n\treturn \"hello \" + strutil.Bracket(name)\n}}\n"
    );
    (m, src)
}

struct Repos {
    /// Commit of each greet tag, by tag.
    greet: Vec<(String, String)>,
    strutil: String,
}

/// `repos/greet` tagged v1.0.0, v1.1.0, v1.2.0, v1.3.0-rc.1 and
/// `repos/strutil` tagged v1.0.0.
fn repos(w: &World) -> Repos {
    let strutil_mod = format!("module {STRUTIL_GIT}\n");
    let strutil = commit_and_tag(&git_repo(w, "strutil"), &[("gox.mod", &strutil_mod), ("strutil.gox", STRUTIL_SRC)], "v1.0.0");
    let repo = git_repo(w, "greet");
    let mut greet = Vec::new();
    for v in ["v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0-rc.1"] {
        let (m, src) = greet_git_files(v);
        greet.push((v.to_string(), commit_and_tag(&repo, &[("gox.mod", &m), ("greet.gox", &src)], v)));
    }
    Repos { greet, strutil }
}

/// The hash of the same files as a proxy zip (git and proxy copies of one
/// tree hash alike).
fn zip_hash_of(w: &World, module: &str, version: &str, files: Files<'_>) -> String {
    let proxy = w.path("hashes");
    publish(&proxy, module, version, files);
    gox_module::hash::hash_zip(std::fs::File::open(zip_path(&proxy, module, version)).unwrap()).unwrap()
}

#[test]
fn direct_get_resolves_a_prefix_from_tags_and_records_the_commits() {
    let w = World::new();
    let r = repos(&w);
    let app = w.project("app");
    let out = w.gox(&app, "direct", &["get", "git.example/greet@v1"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stderr,
        "gox: downloading git.example/greet v1.2.0\n\
         gox: downloading git.example/strutil v1.0.0\n\
         gox: added git.example/greet v1.2.0 as @\"greet\"\n\
         gox: added git.example/strutil v1.0.0 (required by git.example/greet@v1.2.0)\n"
    );
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n\nrequire greet git.example/greet v1.2.0\n");
    let (m, src) = greet_git_files("v1.2.0");
    let greet_hash = zip_hash_of(&w, GREET_GIT, "v1.2.0", &[("gox.mod", &m), ("greet.gox", &src)]);
    let strutil_mod = format!("module {STRUTIL_GIT}\n");
    let strutil_hash = zip_hash_of(&w, STRUTIL_GIT, "v1.0.0", &[("gox.mod", &strutil_mod), ("strutil.gox", STRUTIL_SRC)]);
    // The lock names the content (hash, commit), never the repository
    // URL the insteadOf rule led to.
    assert_eq!(
        read(app.join("gox.lock")),
        format!(
            "version = 1\n\n\
             [[module]]\npath = \"git.example/greet\"\nversion = \"v1.2.0\"\n\
             hash = \"{greet_hash}\"\ncommit = \"{}\"\n\n\
             [[module]]\npath = \"git.example/strutil\"\nversion = \"v1.0.0\"\n\
             hash = \"{strutil_hash}\"\ncommit = \"{}\"\n",
            r.greet[2].1,
            r.strutil
        )
    );
    assert_eq!(read(app.join(".goxdeps/git.example/greet@v1.2.0/greet.gox")), src);
    // The closure is complete: build needs no network.
    write(&app, &[("main.gox", MAIN_SRC)]);
    let out = w.gox(&app, "off", &["build"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn direct_get_latest_and_exact_versions() {
    let w = World::new();
    repos(&w);
    let app = w.project("app");
    let out = w.gox(&app, "direct", &["get", "git.example/greet@latest"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n\nrequire greet git.example/greet v1.2.0\n");
    let out = w.gox(&app, "direct", &["get", "greet@v1.1.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "gox: downloading git.example/greet v1.1.0\ngox: downgraded git.example/greet v1.2.0 => v1.1.0\n");
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n\nrequire greet git.example/greet v1.1.0\n");
    let out = w.gox(&app, "direct", &["get", "git.example/greet@v1.3.0-rc.1"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n\nrequire greet git.example/greet v1.3.0-rc.1\n");
}

#[test]
fn proxy_not_knowing_the_module_falls_back_to_direct() {
    let w = World::new();
    let r = repos(&w);
    let app = w.project("app");
    let server = HttpServer::start(&w.proxy());
    let out = w.gox(&app, &format!("{},direct", server.url), &["get", "git.example/greet@v1.0.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(server.requests().contains(&"/git.example/greet/@v/v1.0.0.info".to_string()), "{:?}", server.requests());
    let lock = read(app.join("gox.lock"));
    assert!(lock.contains(&format!("commit = \"{}\"", r.greet[0].1)), "{lock}");
    assert!(!lock.contains("source"), "{lock}");
}

#[test]
fn unknown_tag_names_the_repository_url_tried() {
    let w = World::new();
    repos(&w);
    let app = w.project("app");
    let out = w.gox(&app, "direct", &["get", "git.example/greet@v1.9.9"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "gox: git.example/greet@v1.9.9: invalid version: unknown revision v1.9.9\n\
             \ttried git ls-remote file://{}/greet: no tag \"v1.9.9\"\n",
            w.repos().display()
        )
    );
    let out = w.gox(&app, "direct", &["get", "git.example/greet@v4"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "gox: git.example/greet: no matching versions for query \"v4\"\n\
             \ttried git ls-remote file://{}/greet: no version matches \"v4\"\n",
            w.repos().display()
        )
    );
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n");
}

#[test]
fn verify_names_the_modified_file_of_a_module_fetched_from_git() {
    let w = World::new();
    repos(&w);
    let app = w.project("app");
    let out = w.gox(&app, "direct", &["get", "git.example/greet@v1.2.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    // The manifest records the commit next to the file hashes.
    assert!(read(app.join(".goxdeps/git.example/greet@v1.2.0.files")).starts_with("commit "));
    write(&app, &[(".goxdeps/git.example/greet@v1.2.0/greet.gox", "package greet\n")]);
    let out = w.gox(&app, "off", &["mod", "verify"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("git.example/greet@v1.2.0: .goxdeps does not match gox.lock: greet.gox: file has been modified"), "{out:?}");
}

//! The dependency lifecycle through the real binary, against `file://` and
//! 127.0.0.1 HTTP proxies: remove (`@none`), `gox mod tidy`, `gox mod why`,
//! `gox list -m -u`, `gox get -u`, the root's overrides, fresh clones with
//! `gox mod download`, a lock that does not depend on the proxy, offline
//! reuse of `.goxdeps`, workspaces (gox.work) and the kill window between
//! the writes of gox.mod and gox.lock.

mod support;

use std::path::{Path, PathBuf};

use support::*;

const A: &str = "example.com/a";
const B: &str = "example.com/b";
const C: &str = "example.com/c";

fn b_files(version: &str) -> Vec<(&'static str, String)> {
    let mut src = "package b\n\nfunc Hello() string {\n\treturn \"hello\"\n}\n".to_string();
    if version != "v1.0.0" {
        src.push_str("\nfunc Shout() string {\n\treturn \"HELLO\"\n}\n");
    }
    vec![("gox.mod", "module example.com/b\n".to_string()), ("b.gox", src)]
}

/// Publishes b v1.0.0, v1.1.0 (adds Shout), v1.2.0; a v1.1.0 (requires b
/// v1.1.0 and calls b.Shout); c v1.0.0 (standalone).
fn publish_all(proxy: &Path) {
    for v in ["v1.0.0", "v1.1.0", "v1.2.0"] {
        let files = b_files(v);
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, c.as_str())).collect();
        publish(proxy, B, v, &refs);
    }
    publish(
        proxy,
        A,
        "v1.1.0",
        &[
            ("gox.mod", "module example.com/a\n\nrequire b example.com/b v1.1.0\n"),
            ("a.gox", "package a\n\nimport @\"b\"\n\nfunc Loud() string {\n\treturn b.Shout()\n}\n"),
        ],
    );
    publish(proxy, C, "v1.0.0", &[("gox.mod", "module example.com/c\n"), ("c.gox", "package c\n\nconst N = 1\n")]);
}

fn setup() -> (World, PathBuf) {
    let w = World::new();
    publish_all(&w.proxy());
    let app = w.project("app");
    (w, app)
}

fn ok(out: &Out) {
    assert_eq!(out.code, 0, "{out:?}");
}

fn goxdeps(app: &Path) -> Vec<String> {
    contents(&app.join(".goxdeps")).into_iter().filter(|p| p.ends_with("@v1.0.0/") || p.ends_with("@v1.1.0/") || p.ends_with("@v1.2.0/")).collect()
}

const MAIN_A: &str = "package main\n\nimport @\"a\"\n\nfunc main() {\n\tprintln(a.Loud())\n}\n";

#[test]
fn get_none_removes_the_require_its_lock_entries_and_unneeded_modules() {
    let (w, app) = setup();
    let p = w.file_proxy_url();
    ok(&w.gox(&app, &p, &["get", "example.com/a@v1.1.0", "example.com/c@v1.0.0"]));
    write(&app, &[("main.gox", MAIN_A)]);
    let out = w.gox(&app, &p, &["get", "example.com/a@none"]);
    // Refused while main.gox imports @"a", at the import.
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stderr, "./main.gox:3:8: gox get example.com/a@none: @\"a\" still imports example.com/a; remove the import first\n");
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n\nrequire a example.com/a v1.1.0\nrequire c example.com/c v1.0.0\n");
    write(&app, &[("main.gox", "package main\n\nfunc main() {}\n")]);
    let out = w.gox(&app, "off", &["get", "a@none"]);
    ok(&out);
    assert_eq!(
        out.stderr,
        "gox: removed example.com/a v1.1.0\n\
         gox: removed example.com/b v1.1.0 (no longer required)\n\
         gox: deleted .goxdeps/example.com/a@v1.1.0\n\
         gox: deleted .goxdeps/example.com/b@v1.1.0\n"
    );
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n\nrequire c example.com/c v1.0.0\n");
    let lock = read(app.join("gox.lock"));
    assert!(!lock.contains("example.com/a") && !lock.contains("example.com/b") && lock.contains("example.com/c"), "{lock}");
    assert_eq!(goxdeps(&app), ["example.com/c@v1.0.0/"]);
    assert_eq!(
        contents(&app.join(".goxdeps")),
        ["example.com/", "example.com/c@v1.0.0.files", "example.com/c@v1.0.0/", "example.com/c@v1.0.0/c.gox", "example.com/c@v1.0.0/gox.mod"]
    );
}

#[test]
fn get_none_of_a_module_not_required_is_a_positioned_error_and_writes_nothing() {
    let (w, app) = setup();
    let before = read(app.join("gox.mod"));
    let out = w.gox(&app, "off", &["get", "example.com/zzz@none"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        "./gox.mod:1:1: gox get example.com/zzz@none: module example.com/zzz is not required by example.com/app; nothing to remove\n"
    );
    assert_eq!(read(app.join("gox.mod")), before);
    assert!(!app.join("gox.lock").exists());
}

#[test]
fn tidy_drops_unused_requires_keeps_comments_and_prunes_goxdeps() {
    let (w, app) = setup();
    let p = w.file_proxy_url();
    ok(&w.gox(&app, &p, &["get", "example.com/a@v1.1.0", "example.com/c@v1.0.0"]));
    // An old version of b left behind by an earlier get.
    ok(&w.gox(&app, &p, &["get", "example.com/b@v1.2.0"]));
    ok(&w.gox(&app, &p, &["get", "example.com/b@none"]));
    std::fs::write(
        app.join("gox.mod"),
        "// the shop\nmodule example.com/app\n\nrequire (\n\ta example.com/a v1.1.0 // loud\n\tc example.com/c v1.0.0 // unused\n)\n",
    )
    .unwrap();
    // A test file's import counts.
    write(&app, &[("main.gox", "package main\n\nfunc main() {}\n"), ("main_test.gox", "package main\n\nimport @\"a\"\n\nvar _ = a.Loud\n")]);
    let out = w.gox(&app, "off", &["mod", "tidy"]);
    ok(&out);
    assert_eq!(
        out.stderr,
        "gox: removed example.com/c v1.0.0 (no package imports @\"c\")\n\
         gox: deleted .goxdeps/example.com/c@v1.0.0\n"
    );
    assert_eq!(read(app.join("gox.mod")), "// the shop\nmodule example.com/app\n\nrequire (\n\ta example.com/a v1.1.0 // loud\n)\n");
    assert_eq!(goxdeps(&app), ["example.com/a@v1.1.0/", "example.com/b@v1.1.0/"]);
    // Tidy again: nothing to do, nothing written.
    let out = w.gox(&app, "off", &["mod", "tidy"]);
    ok(&out);
    assert_eq!(out.stderr, "");
}

#[test]
fn tidy_names_each_unknown_alias_at_its_import_and_writes_nothing() {
    let (w, app) = setup();
    write(&app, &[("sub/x.gox", "package sub\n\nimport (\n\t\"fmt\"\n\t@\"money/currency\"\n)\n")]);
    let out = w.gox(&app, "off", &["mod", "tidy"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        "sub/x.gox:5:2: import @\"money/currency\": no require in gox.mod declares alias \"money\"; add one with: gox get --alias money <module-path>\n"
    );
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n");
}

#[test]
fn why_prints_the_shortest_import_chain() {
    let (w, app) = setup();
    ok(&w.gox(&app, &w.file_proxy_url(), &["get", "example.com/a@v1.1.0", "example.com/c@v1.0.0"]));
    write(&app, &[("main.gox", MAIN_A)]);
    let out = w.gox(&app, "off", &["mod", "why", "example.com/b", "example.com/c"]);
    ok(&out);
    assert_eq!(
        out.stdout,
        "# example.com/b\nexample.com/app\nexample.com/a\nexample.com/b\n\n# example.com/c\n(main module does not need module example.com/c)\n"
    );
}

#[test]
fn list_m_u_shows_newer_releases_and_get_u_upgrades_every_direct_dependency() {
    let (w, app) = setup();
    let server = HttpServer::start(&w.proxy());
    ok(&w.gox(&app, &server.url, &["get", "example.com/b@v1.0.0", "example.com/c@v1.0.0"]));
    let out = w.gox(&app, &server.url, &["list", "-m", "-u", "all"]);
    ok(&out);
    assert_eq!(out.stdout, "example.com/app\nexample.com/b v1.0.0 [v1.2.0]\nexample.com/c v1.0.0\n");
    let out = w.gox(&app, &server.url, &["get", "-u=patch"]);
    ok(&out);
    assert_eq!(out.stderr, "");
    let out = w.gox(&app, &server.url, &["get", "-u"]);
    ok(&out);
    assert_eq!(out.stderr, "gox: downloading example.com/b v1.2.0\ngox: upgraded example.com/b v1.0.0 => v1.2.0\n");
    assert_eq!(
        read(app.join("gox.mod")),
        "module example.com/app\n\nrequire b example.com/b v1.2.0\nrequire c example.com/c v1.0.0\n"
    );
    let out = w.gox(&app, "off", &["list", "-m"]);
    assert_eq!(out.stdout, "example.com/app\n");
}

#[test]
fn pinning_below_what_a_dependency_requires_is_refused_unless_forced() {
    let (w, app) = setup();
    let p = w.file_proxy_url();
    ok(&w.gox(&app, &p, &["get", "example.com/a@v1.1.0"]));
    let before = (read(app.join("gox.mod")), read(app.join("gox.lock")));
    let out = w.gox(&app, &p, &["get", "example.com/b@v1.0.0"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        "gox: downloading example.com/b v1.0.0\n\
         gox get: example.com/a@v1.1.0 requires example.com/b v1.1.0, but gox.mod would require v1.0.0: the build would use v1.0.0 and example.com/a@v1.1.0 may not compile\n\
         \tto satisfy it: gox get example.com/b@v1.1.0; to pin v1.0.0 anyway: gox get --force\n"
    );
    assert_eq!((read(app.join("gox.mod")), read(app.join("gox.lock"))), before);
    let out = w.gox(&app, &p, &["get", "--force", "example.com/b@v1.0.0"]);
    ok(&out);
    assert!(
        out.stderr.ends_with(
            "gox: warning: gox.mod requires example.com/b v1.0.0, lower than v1.1.0 required by example.com/a@v1.1.0; the root's version is used\n"
        ),
        "{out:?}"
    );
    // A higher pin is allowed, with the same kind of warning; mod graph says it too.
    let out = w.gox(&app, &p, &["get", "example.com/b@v1.2.0"]);
    ok(&out);
    let out = w.gox(&app, "off", &["mod", "graph"]);
    assert_eq!(
        out.stderr,
        "gox: warning: gox.mod requires example.com/b v1.2.0, higher than v1.1.0 required by example.com/a@v1.1.0; the root's version is used\n"
    );
}

#[test]
fn fresh_clone_says_mod_download_once_and_download_restores_the_locked_closure() {
    let (w, app) = setup();
    ok(&w.gox(&app, &w.file_proxy_url(), &["get", "example.com/a@v1.1.0"]));
    write(&app, &[("main.gox", MAIN_A)]);
    let (gox_mod, lock) = (read(app.join("gox.mod")), read(app.join("gox.lock")));
    std::fs::remove_dir_all(app.join(".goxdeps")).unwrap();
    let out = w.gox(&app, "off", &["check", "./..."]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        "./gox.mod:3:11: missing module example.com/a@v1.1.0 in .goxdeps (required by example.com/app); run: gox mod download\n"
    );
    // From another proxy (HTTP this time): same bytes, same lock.
    let server = HttpServer::start(&w.proxy());
    let out = w.gox(&app, &server.url, &["mod", "download"]);
    ok(&out);
    assert_eq!(out.stderr, "gox: downloading example.com/a v1.1.0\ngox: downloading example.com/b v1.1.0\n");
    assert_eq!((read(app.join("gox.mod")), read(app.join("gox.lock"))), (gox_mod, lock));
    ok(&w.gox(&app, "off", &["build"]));
}

#[test]
fn download_with_tampered_proxy_content_fails_against_the_lock() {
    let (w, app) = setup();
    ok(&w.gox(&app, &w.file_proxy_url(), &["get", "example.com/c@v1.0.0"]));
    std::fs::remove_dir_all(app.join(".goxdeps")).unwrap();
    let evil = w.path("evil");
    publish(&evil, C, "v1.0.0", &[("gox.mod", "module example.com/c\n"), ("c.gox", "package c\n\nconst N = 2\n")]);
    let out = w.gox(&app, &format!("file://{}", evil.display()), &["mod", "download"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("SECURITY ERROR"), "{out:?}");
    assert_eq!(goxdeps(&app), Vec::<String>::new());
}

#[test]
fn switching_back_to_a_version_in_goxdeps_needs_no_network() {
    let (w, app) = setup();
    ok(&w.gox(&app, &w.file_proxy_url(), &["get", "example.com/b@v1.0.0"]));
    let lock = read(app.join("gox.lock"));
    ok(&w.gox(&app, &w.file_proxy_url(), &["get", "example.com/b@v1.2.0"]));
    let out = w.gox(&app, "off", &["get", "example.com/b@v1.0.0"]);
    ok(&out);
    assert_eq!(out.stderr, "gox: downgraded example.com/b v1.2.0 => v1.0.0\n");
    assert_eq!(read(app.join("gox.lock")), lock);
}

#[test]
fn legacy_lock_sources_are_dropped_on_the_next_write() {
    let (w, app) = setup();
    ok(&w.gox(&app, &w.file_proxy_url(), &["get", "example.com/c@v1.0.0"]));
    let lock = read(app.join("gox.lock"));
    let legacy = lock.replace("version = \"v1.0.0\"\n", "version = \"v1.0.0\"\nsource = \"proxy+file:///tmp/somewhere\"\n");
    std::fs::write(app.join("gox.lock"), &legacy).unwrap();
    ok(&w.gox(&app, "off", &["mod", "download"]));
    assert_eq!(read(app.join("gox.lock")), lock);
}

// ---------------------------------------------------------------- workspaces

/// A library `lib` (module example.com/b, edited locally) and an app
/// requiring example.com/b v1.0.0 from the proxy.
fn workspace() -> (World, PathBuf, PathBuf) {
    let (w, app) = setup();
    ok(&w.gox(&app, &w.file_proxy_url(), &["get", "example.com/b@v1.0.0"]));
    write(&app, &[("main.gox", "package main\n\nimport @\"b\"\n\nfunc main() {\n\tprintln(b.Whisper())\n}\n")]);
    let lib = w.path("lib");
    write(
        &lib,
        &[("gox.mod", "module example.com/b\n"), ("b.gox", "package b\n\nfunc Whisper() string {\n\treturn \"psst\"\n}\n")],
    );
    (w, app, lib)
}

#[test]
fn a_workspace_uses_the_local_module_instead_of_its_goxdeps_copy() {
    let (w, app, _lib) = workspace();
    // Without a workspace, the proxy's b has no Whisper.
    let out = w.gox(&app, "off", &["check", "./..."]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("undefined: b.Whisper"), "{out:?}");
    let root = w.tmp.path().to_path_buf();
    let out = w.gox(&root, "off", &["work", "init", "./app", "./lib"]);
    ok(&out);
    assert_eq!(read(root.join("gox.work")), "use ./app\nuse ./lib\n");
    ok(&w.gox(&app, "off", &["check", "./..."]));
    let out = w.gox(&app, "off", &["list", "-m", "all"]);
    assert_eq!(out.stdout, "example.com/app\nexample.com/b v1.0.0 => ../lib\n");
    // A local edit in the library is seen at once.
    write(&w.path("lib"), &[("b.gox", "package b\n\nfunc Whisper() int {\n\treturn 1\n}\n")]);
    let out = w.gox(&app, "off", &["check", "./..."]);
    ok(&out);
    write(&w.path("lib"), &[("b.gox", "package b\n")]);
    let out = w.gox(&app, "off", &["check", "./..."]);
    assert!(out.stdout.contains("undefined: b.Whisper"), "{out:?}");
    // GOXWORK=off: the .goxdeps copy again.
    let out = w.command(&app, "off", &["check", "./..."]).env("GOXWORK", "off").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("undefined: b.Whisper"));
}

/// A workspace module's own dependencies come from its `.goxdeps`, and
/// `gox build` in another member verifies them against the gox.lock that
/// pinned them: that module's, not the building member's.
#[test]
fn a_workspace_members_dependencies_are_verified_against_its_own_lock() {
    let (w, app) = setup();
    let p = w.file_proxy_url();
    let tool = w.project("tool");
    ok(&w.gox(&tool, &p, &["get", "example.com/c@v1.0.0"]));
    write(&tool, &[("tool.gox", "package tool\n\nimport @\"c\"\n\nconst N = c.N\n")]);
    let tool_mod = read(tool.join("gox.mod"));
    assert!(tool_mod.contains("require c example.com/c v1.0.0"), "{tool_mod}");
    write(
        &app,
        &[
            ("gox.mod", "module example.com/app\n\nrequire tool example.com/tool v0.1.0\n"),
            ("main.gox", "package main\n\nimport @\"tool\"\n\nfunc main() {\n\tprintln(tool.N)\n}\n"),
        ],
    );
    let root = w.tmp.path().to_path_buf();
    ok(&w.gox(&root, "off", &["work", "init", "./app", "./tool"]));
    ok(&w.gox(&app, "off", &["check", "./..."]));
    ok(&w.gox(&app, "off", &["build"]));
    let out = w.gox(&app, "off", &["mod", "verify"]);
    assert_eq!(out.stdout, "all modules verified\n", "{out:?}");
    // Tampering with the member's copy is caught, at the member's gox.lock.
    write(&tool.join(".goxdeps/example.com/c@v1.0.0"), &[("c.gox", "package c\n\nconst N = 2\n")]);
    let out = w.gox(&app, "off", &["build"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.starts_with("../tool/gox.lock:"), "{out:?}");
    assert!(out.stdout.contains("example.com/c@v1.0.0: .goxdeps does not match gox.lock: c.gox: file has been modified"), "{out:?}");
    let out = w.gox(&app, "off", &["mod", "verify"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.starts_with("gox: example.com/c@v1.0.0: .goxdeps does not match gox.lock"), "{out:?}");
}

#[test]
fn bad_gox_work_files_are_positioned_errors_and_nothing_is_written() {
    let (w, _app, _lib) = workspace();
    let root = w.tmp.path().to_path_buf();
    let out = w.gox(&root, "off", &["work", "init", "./app", "./nowhere"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stderr, "gox: using ./app\ngox: using ./nowhere\n./gox.work:2:5: directory ./nowhere does not exist\n");
    assert!(!root.join("gox.work").exists());
    let out = w.gox(&root, "off", &["work", "init", "./home"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.ends_with("./gox.work:1:5: directory ./home holds no gox.mod\n"), "{out:?}");
    assert!(!root.join("gox.work").exists());
    // A module listed twice (two directories, one module path).
    write(&w.path("lib2"), &[("gox.mod", "module example.com/b\n")]);
    std::fs::write(root.join("gox.work"), "use (\n\t./lib\n\t./lib2\n)\n").unwrap();
    let out = w.gox(&w.path("app"), "off", &["check", "./..."]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout, "../gox.work:3:2: module example.com/b is used twice: by ./lib and by ./lib2 (first at 2:2)\n");
    std::fs::write(root.join("gox.work"), "use ./lib\nuse lib/\n").unwrap();
    let out = w.gox(&w.path("app"), "off", &["check", "./..."]);
    assert_eq!(out.stdout, "../gox.work:2:5: directory lib/ is used twice (first at 1:5)\n");
    let out = w.gox(&w.path("app"), "off", &["work", "use", "../lib2"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(read(root.join("gox.work")), "use ./lib\nuse lib/\n");
}

// ---------------------------------------------------------------- kill window

/// `gox get` killed (SIGKILL) between its writes leaves a state `gox build` accepts
/// (the old gox.mod with a lock listing more than it needs, or the new
/// gox.mod with such a lock), and `gox mod tidy` leaves the new state.
#[test]
fn a_get_killed_between_its_writes_leaves_old_or_new_state_never_a_mix() {
    for point in ["lock-union", "mod", "lock"] {
        let (w, app) = setup();
        let p = w.file_proxy_url();
        ok(&w.gox(&app, &p, &["get", "example.com/b@v1.0.0"]));
        write(&app, &[("main.gox", "package main\n\nimport @\"b\"\n\nfunc main() {\n\tprintln(b.Hello())\n}\n")]);
        let out = w.command(&app, &p, &["get", "example.com/b@v1.2.0"]).env("GOX_TEST_CRASH_AT", point).output().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(9), "{point}: the process was to be killed: {out:?}");
        let gox_mod = read(app.join("gox.mod"));
        assert!(gox_mod.contains("v1.0.0") || gox_mod.contains("v1.2.0"), "{point}: {gox_mod}");
        let out = w.gox(&app, "off", &["build"]);
        assert_eq!(out.code, 0, "{point}: {out:?}");
        ok(&w.gox(&app, "off", &["mod", "tidy"]));
        let lock = read(app.join("gox.lock"));
        let want = if gox_mod.contains("v1.2.0") { "v1.2.0" } else { "v1.0.0" };
        assert_eq!(lock.matches("[[module]]").count(), 1, "{point}: {lock}");
        assert!(lock.contains(&format!("version = \"{want}\"")), "{point}: {lock}");
        ok(&w.gox(&app, "off", &["build"]));
    }
}

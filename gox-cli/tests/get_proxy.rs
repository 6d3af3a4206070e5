//! `gox get`, `gox mod download` and `gox mod verify` through the real
//! binary, against module proxies: an HTTP server on 127.0.0.1 and `file://`
//! directories.

mod support;

use support::*;

fn zip_hash(w: &World, module: &str, version: &str) -> String {
    let file = std::fs::File::open(zip_path(&w.proxy(), module, version)).unwrap();
    gox_module::hash::hash_zip(file).unwrap()
}

/// `path@version` of every gox.lock entry, in file order.
fn locked_modules(app: &std::path::Path) -> Vec<String> {
    let lock = gox_module::LockFile::parse(&app.join("gox.lock"), &read(app.join("gox.lock"))).unwrap();
    lock.entries().iter().map(|e| format!("{}@{}", e.path, e.version_text())).collect()
}

fn lock_entry(module: &str, version: &str, hash: &str) -> String {
    format!("\n[[module]]\npath = \"{module}\"\nversion = \"{version}\"\nhash = \"{hash}\"\n")
}

/// A world with greet and strutil published, and a project `app`.
fn setup() -> (World, std::path::PathBuf) {
    let w = World::new();
    publish_greet(&w.proxy());
    let app = w.project("app");
    (w, app)
}

#[test]
fn get_exact_version_over_http_records_require_lock_and_transitive_module() {
    let (w, app) = setup();
    let server = HttpServer::start(&w.proxy());
    let out = w.gox(&app, &server.url, &["get", "example.com/greet@v1.1.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stderr,
        "gox: downloading example.com/greet v1.1.0\n\
         gox: downloading example.com/strutil v1.0.0\n\
         gox: added example.com/greet v1.1.0 as @\"greet\"\n\
         gox: added example.com/strutil v1.0.0 (required by example.com/greet@v1.1.0)\n"
    );
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n\nrequire greet example.com/greet v1.1.0\n");
    assert_eq!(
        read(app.join("gox.lock")),
        format!(
            "version = 1\n{}{}",
            lock_entry(GREET, "v1.1.0", &zip_hash(&w, GREET, "v1.1.0")),
            lock_entry(STRUTIL, "v1.0.0", &zip_hash(&w, STRUTIL, "v1.0.0"))
        )
    );
    assert_eq!(
        contents(&app.join(".goxdeps")),
        [
            "example.com/",
            "example.com/greet@v1.1.0.files",
            "example.com/greet@v1.1.0/",
            "example.com/greet@v1.1.0/gox.mod",
            "example.com/greet@v1.1.0/greet.gox",
            "example.com/strutil@v1.0.0.files",
            "example.com/strutil@v1.0.0/",
            "example.com/strutil@v1.0.0/gox.mod",
            "example.com/strutil@v1.0.0/strutil.gox",
        ]
    );
    assert!(server.requests().contains(&"/example.com/greet/@v/v1.1.0.info".to_string()), "{:?}", server.requests());
}

#[test]
fn get_latest_selects_the_highest_release_not_a_prerelease() {
    let (w, app) = setup();
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "example.com/greet@latest"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n\nrequire greet example.com/greet v1.2.5\n");
    // No version at all means latest too.
    let app2 = w.project("app2");
    let out = w.gox(&app2, &w.file_proxy_url(), &["get", "example.com/greet"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(read(app2.join("gox.mod")), "module example.com/app2\n\nrequire greet example.com/greet v1.2.5\n");
}

#[test]
fn get_major_and_minor_prefixes_select_the_highest_matching_release() {
    let (w, app) = setup();
    for (query, want) in [("v1", "v1.2.5"), ("v1.1", "v1.1.0"), ("v1.2", "v1.2.5"), ("v1.0", "v1.0.0")] {
        let out = w.gox(&app, &w.file_proxy_url(), &["get", &format!("example.com/greet@{query}")]);
        assert_eq!(out.code, 0, "{query}: {out:?}");
        assert_eq!(
            read(app.join("gox.mod")),
            format!("module example.com/app\n\nrequire greet example.com/greet {want}\n"),
            "{query}"
        );
    }
    // Only the selected versions stay in gox.lock.
    assert_eq!(locked_modules(&app), ["example.com/strutil@v1.0.0", "example.com/greet@v1.0.0"]);
}

#[test]
fn unknown_version_names_every_url_tried() {
    let (w, app) = setup();
    let server = HttpServer::start(&w.path("empty"));
    let goxproxy = format!("{},{}", server.url, w.file_proxy_url());
    let out = w.gox(&app, &goxproxy, &["get", "example.com/greet@v1.4"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "gox: example.com/greet: no matching versions for query \"v1.4\"\n\
             \ttried reading {}/example.com/greet/@v/list: 404 Not Found\n\
             \ttried reading {}/example.com/greet/@v/list: no version matches \"v1.4\"\n",
            server.url,
            w.file_proxy_url()
        )
    );
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n");
    assert!(!app.join("gox.lock").exists());
}

#[test]
fn alias_defaults_to_last_element_without_major_suffix_and_can_be_chosen() {
    let (w, app) = setup();
    let m2 = "module example.com/greet/v2\n";
    publish(&w.proxy(), "example.com/greet/v2", "v2.0.0", &[("gox.mod", m2), ("greet.gox", "package greet\n")]);
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "example.com/greet/v2@v2.0.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n\nrequire greet example.com/greet/v2 v2.0.0\n");
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "--alias", "greet1", "example.com/greet@v1.0.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        read(app.join("gox.mod")),
        "module example.com/app\n\nrequire greet example.com/greet/v2 v2.0.0\nrequire greet1 example.com/greet v1.0.0\n"
    );
}

#[test]
fn alias_clash_is_an_error_suggesting_the_alias_flag() {
    let (w, app) = setup();
    let other = "module example.org/greet\n";
    publish(&w.proxy(), "example.org/greet", "v1.0.0", &[("gox.mod", other), ("greet.gox", "package greet\n")]);
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "example.com/greet@v1.0.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    let before_mod = read(app.join("gox.mod"));
    let before_lock = read(app.join("gox.lock"));
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "example.org/greet@v1.0.0"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        "gox get example.org/greet@v1.0.0: alias \"greet\" is already used for example.com/greet in gox.mod; choose another with --alias NAME\n"
    );
    assert_eq!(read(app.join("gox.mod")), before_mod);
    assert_eq!(read(app.join("gox.lock")), before_lock);
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "-alias", "ogreet", "example.org/greet@v1.0.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        read(app.join("gox.mod")),
        "module example.com/app\n\nrequire greet example.com/greet v1.0.0\nrequire ogreet example.org/greet v1.0.0\n"
    );
}

#[test]
fn get_alias_at_version_changes_only_that_version_in_gox_mod() {
    let (w, app) = setup();
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "example.com/greet@v1.0.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    let edited = "// The app.\nmodule example.com/app\n\nrequire (\n\t// greetings\n\tgreet   example.com/greet   v1.0.0 // pinned\n\tstrutil example.com/strutil v1.0.0\n)\n";
    std::fs::write(app.join("gox.mod"), edited).unwrap();
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "greet@v1.2"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "gox: downloading example.com/greet v1.2.5\ngox: upgraded example.com/greet v1.0.0 => v1.2.5\n");
    assert_eq!(read(app.join("gox.mod")), edited.replace("v1.0.0 // pinned", "v1.2.5 // pinned"));
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "greet@v1.1.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "gox: downloading example.com/greet v1.1.0\ngox: downgraded example.com/greet v1.2.5 => v1.1.0\n");
    assert_eq!(read(app.join("gox.mod")), edited.replace("v1.0.0 // pinned", "v1.1.0 // pinned"));
    assert_eq!(locked_modules(&app), ["example.com/strutil@v1.0.0", "example.com/greet@v1.1.0"]);
}

#[test]
fn after_get_build_and_check_succeed_offline() {
    let (w, app) = setup();
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "example.com/greet@v1.2.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    write(&app, &[("main.gox", MAIN_SRC)]);
    let out = w.gox(&app, "off", &["build"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = w.gox(&app, "off", &["check", "./..."]);
    assert_eq!(out.code, 0, "{out:?}");
    // main asked for; main, greet and strutil checked.
    assert_eq!(out.stderr, "gox: 1 package (3 checked), no errors\n");
    // A type error in the use of the dependency is reported at its position.
    write(&app, &[("main.gox", "package main\n\nimport @\"greet\"\n\nfunc main() {\n\tvar n int = greet.Hello(\"x\")\n\t_ = n\n}\n")]);
    let out = w.gox(&app, "off", &["check", "./..."]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str()),
        (
            "./main.gox:6:14: cannot use greet.Hello(\"x\") (value of type string) as int value in variable declaration\n",
            "gox: 1 error in 1 package (3 checked)\n"
        )
    );
}

#[test]
fn mod_verify_names_a_tampered_module_and_build_refuses_it() {
    let (w, app) = setup();
    assert_eq!(w.gox(&app, &w.file_proxy_url(), &["get", "example.com/greet@v1.2.0"]).code, 0);
    write(&app, &[("main.gox", MAIN_SRC)]);
    let out = w.gox(&app, "off", &["mod", "verify"]);
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "all modules verified\n", ""));
    let file = app.join(".goxdeps/example.com/strutil@v1.0.0/strutil.gox");
    std::fs::write(&file, STRUTIL_SRC.replace('<', "[")).unwrap();
    let locked = zip_hash(&w, STRUTIL, "v1.0.0");
    let actual = tree_hash(&app.join(".goxdeps/example.com/strutil@v1.0.0"), STRUTIL, "v1.0.0");
    let expected = format!(
        "gox: example.com/strutil@v1.0.0: .goxdeps does not match gox.lock: strutil.gox: file has been modified\n\
         \tgox.lock:  {locked}\n\t.goxdeps:  {actual}\n\
         \tremove .goxdeps/example.com/strutil@v1.0.0 and run: gox mod download\n"
    );
    let out = w.gox(&app, "off", &["mod", "verify"]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{out:?}");
    assert_eq!(out.stderr, expected);
    // `gox build` reports it like every other error of the build: on
    // stdout, at the file it is about.
    let out = w.gox(&app, "off", &["build"]);
    assert_eq!(out.code, 1, "{out:?}");
    // At the hash gox.lock records for the module.
    let (position, message) = out.stdout.split_once(": ").unwrap_or_default();
    assert!(position.starts_with("./gox.lock:") && position.ends_with(":9"), "{out:?}");
    assert_eq!(message, expected.trim_start_matches("gox: "));
}

#[test]
fn mod_download_refetches_a_deleted_module() {
    let (w, app) = setup();
    assert_eq!(w.gox(&app, &w.file_proxy_url(), &["get", "example.com/greet@v1.2.0"]).code, 0);
    write(&app, &[("main.gox", MAIN_SRC)]);
    let lock = read(app.join("gox.lock"));
    std::fs::remove_dir_all(app.join(".goxdeps/example.com/strutil@v1.0.0")).unwrap();
    let out = w.gox(&app, "off", &["build"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("missing module example.com/strutil@v1.0.0 in .goxdeps"), "{out:?}");
    let out = w.gox(&app, &w.file_proxy_url(), &["mod", "download"]);
    assert_eq!(out.code, 0, "{out:?}");
    // Restoring what gox.lock records changes nothing: only the download is reported.
    assert_eq!(out.stderr, "gox: downloading example.com/strutil v1.0.0\n");
    assert_eq!(read(app.join("gox.lock")), lock);
    assert_eq!(read(app.join(".goxdeps/example.com/strutil@v1.0.0/strutil.gox")), STRUTIL_SRC);
    let out = w.gox(&app, "off", &["build"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn offline_get_fails_at_once_naming_the_module() {
    let (w, app) = setup();
    let server = HttpServer::start(&w.proxy());
    let out = w.gox(&app, &server.url, &["get", "--offline", "example.com/greet@latest"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stderr, "gox: cannot fetch example.com/greet@latest: network access disabled by --offline\n");
    assert_eq!(server.requests(), Vec::<String>::new());
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n");
    // A module already in .goxdeps and gox.lock needs no network.
    assert_eq!(w.gox(&app, &server.url, &["get", "example.com/greet@v1.0.0"]).code, 0);
    let requests = server.requests().len();
    let out = w.gox(&app, &server.url, &["mod", "download", "--offline"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = w.gox(&app, &server.url, &["get", "--offline", "greet@v1.0.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(server.requests().len(), requests);
    // A module that must be downloaded is named.
    std::fs::remove_dir_all(app.join(".goxdeps/example.com/strutil@v1.0.0")).unwrap();
    let out = w.gox(&app, &server.url, &["mod", "download", "--offline"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stderr, "gox: cannot fetch example.com/strutil@v1.0.0: network access disabled by --offline\n");
}

#[test]
fn bad_arguments_are_usage_errors_that_touch_nothing() {
    let (w, app) = setup();
    let cases: &[(&[&str], &str)] = &[
        (
            &["get", "example.com/greet@master"],
            "gox get example.com/greet@master: invalid version query \"master\": want a version like v1.2.3, a prefix like v1 or v1.2, or latest\n",
        ),
        (
            &["get", "greet@v1"],
            "gox get greet@v1: no require with alias \"greet\" in gox.mod, and \"greet\" is not a module path (missing dot in first path element)\n",
        ),
        (
            &["get", "--alias", "1x", "example.com/greet@v1"],
            "gox get: invalid --alias \"1x\": expected an identifier (a letter or \"_\" followed by letters, digits or \"_\")\n",
        ),
        (&["get", "--alias", "g", "example.com/greet", "example.com/strutil"], "gox get: --alias needs exactly one module\n"),
    ];
    for (args, stderr) in cases {
        let out = w.gox(&app, &w.file_proxy_url(), args);
        assert_eq!((out.code, out.stderr.as_str()), (2, *stderr), "{args:?}");
    }
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n");
    let outside = w.path("nomodule");
    std::fs::create_dir_all(&outside).unwrap();
    let out = w.gox(&outside, &w.file_proxy_url(), &["get", "example.com/greet@v1"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (2, "gox get: gox.mod file not found in current directory or any parent directory; run: gox init\n")
    );
}

#[test]
fn conflicting_transitive_versions_write_nothing_until_the_root_decides() {
    let (w, app) = setup();
    let strutil11 = STRUTIL_SRC.replace("<", "<<");
    publish(&w.proxy(), STRUTIL, "v1.1.0", &[("gox.mod", STRUTIL_MOD), ("strutil.gox", &strutil11)]);
    let other_mod = "module example.com/other\n\nrequire strutil example.com/strutil v1.1.0\n";
    publish(&w.proxy(), "example.com/other", "v1.0.0", &[("gox.mod", other_mod), ("other.gox", "package other\n")]);
    assert_eq!(w.gox(&app, &w.file_proxy_url(), &["get", "example.com/greet@v1.0.0"]).code, 0);
    let (mod_before, lock_before) = (read(app.join("gox.mod")), read(app.join("gox.lock")));
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "example.com/other@v1.0.0"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        "gox: downloading example.com/other v1.0.0\n\
         gox: .goxdeps/example.com/other@v1.0.0/gox.mod:3:37: conflicting versions of module example.com/strutil: v1.0.0 and v1.1.0 are both required\n\
         \texample.com/app -> example.com/greet@v1.0.0 -> example.com/strutil@v1.0.0\n\
         \texample.com/app -> example.com/other@v1.0.0 -> example.com/strutil@v1.1.0\n\
         choose one for the whole build with a require in the root gox.mod, for example: require strutil example.com/strutil v1.1.0\n"
    );
    assert_eq!((read(app.join("gox.mod")), read(app.join("gox.lock"))), (mod_before, lock_before));
    assert!(!app.join(".goxdeps/example.com/other@v1.0.0").exists());
    // The root decides; then both fit.
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "example.com/strutil@v1.1.0", "example.com/other@v1.0.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        read(app.join("gox.mod")),
        "module example.com/app\n\nrequire greet example.com/greet v1.0.0\nrequire strutil example.com/strutil v1.1.0\nrequire other example.com/other v1.0.0\n"
    );
    assert_eq!(locked_modules(&app), ["example.com/greet@v1.0.0", "example.com/strutil@v1.1.0", "example.com/other@v1.0.0"]);
}

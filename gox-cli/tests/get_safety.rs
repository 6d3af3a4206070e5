//! `gox get` safety through the real binary: interrupted downloads,
//! tampered and malicious archives, concurrent runs on one project.

mod support;

use support::*;

fn setup() -> (World, std::path::PathBuf) {
    let w = World::new();
    publish_greet(&w.proxy());
    let app = w.project("app");
    (w, app)
}

#[test]
fn interrupted_download_leaves_nothing_and_a_retry_succeeds() {
    let (w, app) = setup();
    let server = HttpServer::start(&w.proxy());
    server.cut_short(Some("greet/@v/v1.0.0.zip"));
    let out = w.gox(&app, &server.url, &["get", "example.com/greet@v1.0.0"]);
    assert_eq!(out.code, 1, "{out:?}");
    let zip_len = std::fs::metadata(zip_path(&w.proxy(), GREET, "v1.0.0")).unwrap().len();
    assert_eq!(
        out.stderr,
        format!(
            "gox: downloading example.com/greet v1.0.0\n\
             gox: reading {}/example.com/greet/@v/v1.0.0.zip: connection lost after {} of {zip_len} bytes: \
             end of file before message length reached\n",
            server.url,
            zip_len / 2
        )
    );
    assert_eq!(contents(&app.join(".goxdeps")), Vec::<String>::new());
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n");
    assert!(!app.join("gox.lock").exists());

    server.cut_short(None);
    let out = w.gox(&app, &server.url, &["get", "example.com/greet@v1.0.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(read(app.join(".goxdeps/example.com/greet@v1.0.0/greet.gox")), greet_files("v1.0.0").1);
}

#[test]
fn interrupted_transitive_download_writes_nothing_and_a_retry_succeeds() {
    let (w, app) = setup();
    let server = HttpServer::start(&w.proxy());
    server.cut_short(Some("strutil/@v/v1.0.0.zip"));
    let zip_len = std::fs::metadata(zip_path(&w.proxy(), STRUTIL, "v1.0.0")).unwrap().len();
    let out = w.gox(&app, &server.url, &["get", "example.com/greet@v1.0.0"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "gox: downloading example.com/greet v1.0.0\n\
             gox: downloading example.com/strutil v1.0.0\n\
             gox: reading {}/example.com/strutil/@v/v1.0.0.zip: connection lost after {} of {} bytes: \
             end of file before message length reached\n",
            server.url,
            zip_len / 2,
            zip_len
        )
    );
    // The complete download of greet is discarded with the failed one:
    // .goxdeps holds only what gox.lock records (no empty directories).
    assert_eq!(contents(&app.join(".goxdeps")), Vec::<String>::new());
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n");
    assert!(!app.join("gox.lock").exists());

    server.cut_short(None);
    let out = w.gox(&app, &server.url, &["get", "example.com/greet@v1.0.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n\nrequire greet example.com/greet v1.0.0\n");
    assert_eq!(w.gox(&app, "off", &["mod", "verify"]).stdout, "all modules verified\n");
}

#[test]
fn module_in_goxdeps_but_not_in_gox_lock_is_downloaded_again() {
    let (w, app) = setup();
    let planted = app.join(".goxdeps/example.com/strutil@v1.0.0");
    write(&planted, &[("gox.mod", STRUTIL_MOD), ("strutil.gox", "package strutil\n\nfunc Bracket(s string) string { return s }\n")]);
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "example.com/greet@v1.0.0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(read(planted.join("strutil.gox")), STRUTIL_SRC);
}

#[test]
fn tampered_zip_is_a_hard_error_naming_the_module_and_both_hashes() {
    let (w, app) = setup();
    assert_eq!(w.gox(&app, &w.file_proxy_url(), &["get", "example.com/greet@v1.0.0"]).code, 0);
    let locked = tree_hash(&app.join(".goxdeps/example.com/greet@v1.0.0"), GREET, "v1.0.0");
    // Another checkout of the project: gox.mod and gox.lock, no .goxdeps.
    let clone = w.path("clone");
    write(&clone, &[("gox.mod", &read(app.join("gox.mod"))), ("gox.lock", &read(app.join("gox.lock")))]);
    // The proxy now serves other bits for the same version.
    let (m, src) = greet_files("v1.0.0");
    let evil = src.replace("hello ", "pwned ");
    std::fs::remove_file(zip_path(&w.proxy(), GREET, "v1.0.0")).unwrap();
    let tampered = w.path("tampered");
    write(&tampered, &[("gox.mod", &m), ("greet.gox", &evil)]);
    let zip = std::fs::File::create(zip_path(&w.proxy(), GREET, "v1.0.0")).unwrap();
    gox_module::fetch::archive::write_module_zip(&tampered, GREET, "v1.0.0", zip).unwrap();
    let served = tree_hash(&tampered, GREET, "v1.0.0");
    assert_ne!(served, locked);
    let lock_before = read(clone.join("gox.lock"));

    for args in [&["mod", "download"][..], &["get", "example.com/greet@v1.0.0"][..]] {
        let out = w.gox(&clone, &w.file_proxy_url(), args);
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert_eq!(
            out.stderr,
            format!(
                "gox: downloading example.com/greet v1.0.0\n\
                 gox: verifying example.com/greet@v1.0.0: checksum mismatch\n\
                 \tdownloaded: {served}\n\tgox.lock: {locked}\n\n\
                 SECURITY ERROR\n\
                 This download does NOT match the one recorded in gox.lock.\n\
                 The module may have been replaced at its source, or the download intercepted.\n"
            ),
            "{args:?}"
        );
        assert_eq!(contents(&clone.join(".goxdeps")), Vec::<String>::new(), "{args:?}");
        assert_eq!(read(clone.join("gox.lock")), lock_before);
    }
}

#[test]
fn path_traversal_zip_is_rejected_and_nothing_is_written() {
    let (w, app) = setup();
    let module = "example.com/evil";
    publish_raw_zip(
        &w.proxy(),
        module,
        "v1.0.0",
        &[
            ("example.com/evil@v1.0.0/gox.mod", "module example.com/evil\n"),
            ("example.com/evil@v1.0.0/../../../escaped.gox", "package evil\n"),
        ],
    );
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "example.com/evil@v1.0.0"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        "gox: downloading example.com/evil v1.0.0\n\
         gox: example.com/evil@v1.0.0: malformed file path \"example.com/evil@v1.0.0/../../../escaped.gox\": invalid path element \"..\"\n"
    );
    assert_eq!(contents(&app.join(".goxdeps")), Vec::<String>::new());
    assert!(!w.path("escaped.gox").exists() && !app.join("escaped.gox").exists());
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n");
}

#[test]
fn module_declaring_another_path_is_rejected() {
    let (w, app) = setup();
    publish(&w.proxy(), "example.com/fake", "v1.0.0", &[("gox.mod", "module example.com/real\n")]);
    let out = w.gox(&app, &w.file_proxy_url(), &["get", "example.com/fake@v1.0.0"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        "gox: downloading example.com/fake v1.0.0\n\
         gox: example.com/fake@v1.0.0: parsing gox.mod:\n\
         \tmodule declares its path as: example.com/real\n\
         \t        but was required as: example.com/fake\n"
    );
    assert_eq!(contents(&app.join(".goxdeps")), Vec::<String>::new());
}

#[test]
fn concurrent_gets_on_one_project_both_succeed_and_keep_every_require() {
    let w = World::new();
    publish_greet(&w.proxy());
    for name in ["alpha", "beta"] {
        let module = format!("example.com/{name}");
        let m = format!("module {module}\n\nrequire strutil example.com/strutil v1.0.0\n");
        let src = format!("package {name}\n\nimport @\"strutil\"\n\nfunc Name() string {{\n\treturn strutil.Bracket(\"{name}\")\n}}\n");
        publish(&w.proxy(), &module, "v1.0.0", &[("gox.mod", &m), (&format!("{name}.gox"), &src)]);
    }
    let server = HttpServer::start(&w.proxy());
    for round in 0..3 {
        let app = w.project(&format!("app{round}"));
        let children: Vec<_> = ["example.com/alpha@v1.0.0", "example.com/beta@v1.0.0", "example.com/greet@v1.0.0"]
            .iter()
            .map(|t| w.command(&app, &server.url, &["get", t]).stderr(std::process::Stdio::piped()).spawn().unwrap())
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        let gox_mod = read(app.join("gox.mod"));
        let mut requires: Vec<&str> = gox_mod.lines().filter(|l| l.starts_with("require ")).collect();
        requires.sort();
        assert_eq!(
            requires,
            [
                "require alpha example.com/alpha v1.0.0",
                "require beta example.com/beta v1.0.0",
                "require greet example.com/greet v1.0.0",
            ],
            "{gox_mod}"
        );
        let lock = gox_module::LockFile::parse(&app.join("gox.lock"), &read(app.join("gox.lock"))).unwrap();
        let mut locked: Vec<String> = lock.entries().iter().map(|e| format!("{}@{}", e.path, e.version_text())).collect();
        locked.sort();
        assert_eq!(
            locked,
            ["example.com/alpha@v1.0.0", "example.com/beta@v1.0.0", "example.com/greet@v1.0.0", "example.com/strutil@v1.0.0"]
        );
        let out = w.gox(&app, "off", &["mod", "verify"]);
        assert_eq!(out.stdout, "all modules verified\n", "{out:?}");
        assert_eq!(
            contents(&app.join(".goxdeps")).iter().filter(|p| p.ends_with("@v1.0.0/")).count(),
            4,
            "{:?}",
            contents(&app.join(".goxdeps"))
        );
    }
}

#[test]
fn a_stalled_download_fails_instead_of_hanging() {
    let (w, app) = setup();
    let server = HttpServer::start(&w.proxy());
    server.stall(Some("greet/@v/v1.0.0.zip"));
    let out = w.command(&app, &server.url, &["get", "example.com/greet@v1.0.0"]).env("GOXHTTPTIMEOUT", "1").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("gox: reading {}/example.com/greet/@v/v1.0.0.zip: ", server.url)) && stderr.contains("timed out"),
        "{stderr}"
    );
    assert_eq!(contents(&app.join(".goxdeps")), Vec::<String>::new());
    assert_eq!(read(app.join("gox.mod")), "module example.com/app\n");

    let out = w.command(&app, &server.url, &["get", "example.com/greet@v1.0.0"]).env("GOXHTTPTIMEOUT", "soon").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "gox: invalid GOXHTTPTIMEOUT \"soon\": want a whole number of seconds, at least 1\n"
    );
}

//! Safety: verification against gox.lock, malicious archives, interrupted
//! downloads and concurrent fetches.

mod support;

use gox_module::fetch::{parse_goxproxy, Fetcher, Origin};
use gox_module::modfile::parse_version;
use support::*;

const LIB: &str = "example.com/lib";

fn v(s: &str) -> semver::Version {
    parse_version(s).unwrap()
}

fn file_fetcher(proxy: &std::path::Path) -> Fetcher {
    Fetcher::new(parse_goxproxy(&format!("file://{}", proxy.display())).unwrap())
}

fn publish_lib(proxy: &std::path::Path, version: &str, body: &str) {
    let m = gox_mod(LIB);
    publish(proxy, LIB, version, &[("gox.mod", &m), ("lib.gox", body)]);
}

#[test]
fn tampered_zip_fails_against_the_lock_hash_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    publish_lib(&proxy, "v1.0.0", "package lib\n");
    let good = file_fetcher(&proxy).fetch(&tmp.path().join("first"), LIB, &v("v1.0.0"), None).unwrap();

    publish_lib(&tmp.path().join("evil"), "v1.0.0", "package lib\n\nfunc init() { steal() }\n");
    std::fs::copy(
        tmp.path().join("evil/example.com/lib/@v/v1.0.0.zip"),
        proxy.join("example.com/lib/@v/v1.0.0.zip"),
    )
    .unwrap();
    let goxdeps = tmp.path().join(".goxdeps");
    let err = file_fetcher(&proxy).fetch(&goxdeps, LIB, &v("v1.0.0"), Some(&good.hash)).unwrap_err();
    let bad = file_fetcher(&tmp.path().join("evil")).fetch(&tmp.path().join("x"), LIB, &v("v1.0.0"), None).unwrap();
    assert_ne!(bad.hash, good.hash);
    assert_eq!(
        err.to_string(),
        format!("verifying example.com/lib@v1.0.0: checksum mismatch\n\tdownloaded: {}\n\tgox.lock: {}", bad.hash, good.hash)
    );
    assert!(contents(&goxdeps).is_empty(), "{:?}", contents(&goxdeps));
}

#[test]
fn modified_module_already_in_goxdeps_fails_verification() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    publish_lib(&proxy, "v1.0.0", "package lib\n");
    let goxdeps = tmp.path().join(".goxdeps");
    let f = file_fetcher(&proxy);
    let good = f.fetch(&goxdeps, LIB, &v("v1.0.0"), None).unwrap();
    std::fs::write(goxdeps.join("example.com/lib@v1.0.0/lib.gox"), "package lib // edited\n").unwrap();
    let err = f.fetch(&goxdeps, LIB, &v("v1.0.0"), Some(&good.hash)).unwrap_err();
    let now = gox_module::fetch::module_hash(&good.dir, LIB, &v("v1.0.0")).unwrap();
    assert_eq!(
        err.to_string(),
        format!("verifying example.com/lib@v1.0.0: checksum mismatch\n\t.goxdeps: {now}\n\tgox.lock: {}", good.hash)
    );
}

#[test]
fn path_traversal_zip_is_rejected_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    publish_raw_zip(
        &proxy,
        LIB,
        "v1.0.0",
        &[("example.com/lib@v1.0.0/gox.mod", b"module example.com/lib\n"), ("example.com/lib@v1.0.0/../../../escape.txt", b"pwned")],
        &[],
    );
    let goxdeps = tmp.path().join("project/.goxdeps");
    let err = file_fetcher(&proxy).fetch(&goxdeps, LIB, &v("v1.0.0"), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "example.com/lib@v1.0.0: malformed file path \"example.com/lib@v1.0.0/../../../escape.txt\": invalid path element \"..\""
    );
    assert!(contents(&goxdeps).is_empty());
    assert!(!tmp.path().join("escape.txt").exists());
    assert!(!tmp.path().join("project/escape.txt").exists());
}

#[test]
fn absolute_path_zip_entry_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    publish_raw_zip(&proxy, LIB, "v1.0.0", &[("/tmp/abs.txt", b"x")], &[]);
    let err = file_fetcher(&proxy).fetch(&tmp.path().join(".goxdeps"), LIB, &v("v1.0.0"), None).unwrap_err();
    assert_eq!(err.to_string(), "example.com/lib@v1.0.0: malformed file path \"/tmp/abs.txt\": absolute path");
}

#[test]
fn symlink_zip_entry_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    publish_raw_zip(
        &proxy,
        LIB,
        "v1.0.0",
        &[("example.com/lib@v1.0.0/gox.mod", b"module example.com/lib\n")],
        &[("example.com/lib@v1.0.0/secret", "/etc/shadow")],
    );
    let goxdeps = tmp.path().join(".goxdeps");
    let err = file_fetcher(&proxy).fetch(&goxdeps, LIB, &v("v1.0.0"), None).unwrap_err();
    assert_eq!(err.to_string(), "example.com/lib@v1.0.0: \"example.com/lib@v1.0.0/secret\": symbolic links are not allowed");
    assert!(contents(&goxdeps).is_empty());
}

#[test]
fn case_insensitive_collision_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    publish_raw_zip(
        &proxy,
        LIB,
        "v1.0.0",
        &[
            ("example.com/lib@v1.0.0/gox.mod", b"module example.com/lib\n"),
            ("example.com/lib@v1.0.0/Lib.gox", b"package lib\n"),
            ("example.com/lib@v1.0.0/lib.gox", b"package lib\n"),
        ],
        &[],
    );
    let err = file_fetcher(&proxy).fetch(&tmp.path().join(".goxdeps"), LIB, &v("v1.0.0"), None).unwrap_err();
    assert_eq!(err.to_string(), "example.com/lib@v1.0.0: case-insensitive file name collision: \"Lib.gox\" and \"lib.gox\"");
}

#[test]
fn zip_without_gox_mod_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    publish_raw_zip(&proxy, LIB, "v1.0.0", &[("example.com/lib@v1.0.0/lib.gox", b"package lib\n")], &[]);
    let goxdeps = tmp.path().join(".goxdeps");
    let err = file_fetcher(&proxy).fetch(&goxdeps, LIB, &v("v1.0.0"), None).unwrap_err();
    assert_eq!(err.to_string(), "example.com/lib@v1.0.0: missing gox.mod at the module root");
    assert!(contents(&goxdeps).is_empty());
}

#[test]
fn zip_whose_gox_mod_does_not_parse_is_rejected_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    let gox_mod: &[u8] = b"module example.com/lib\ngo 1.19\n";
    publish_raw_zip(&proxy, LIB, "v1.0.0", &[("example.com/lib@v1.0.0/gox.mod", gox_mod)], &[]);
    let goxdeps = tmp.path().join(".goxdeps");
    let err = file_fetcher(&proxy).fetch(&goxdeps, LIB, &v("v1.0.0"), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "example.com/lib@v1.0.0/gox.mod:2:1: unknown directive \"go\"; expected \"module\" or \"require\""
    );
    assert!(contents(&goxdeps).is_empty());
}

#[test]
fn interrupted_download_leaves_nothing_and_a_retry_succeeds() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    publish_lib(&proxy, "v1.0.0", &format!("package lib\n\n// {}\n", "padding ".repeat(4000)));
    let server = HttpServer::start(&proxy);
    let f = Fetcher::new(parse_goxproxy(&server.url).unwrap());
    let goxdeps = tmp.path().join(".goxdeps");

    server.cut_short(Some("v1.0.0.zip"));
    let zip_len = std::fs::metadata(proxy.join("example.com/lib/@v/v1.0.0.zip")).unwrap().len();
    let err = f.fetch(&goxdeps, LIB, &v("v1.0.0"), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "reading {}/example.com/lib/@v/v1.0.0.zip: connection lost after {} of {} bytes: \
             end of file before message length reached",
            server.url,
            zip_len / 2,
            zip_len
        )
    );
    assert!(contents(&goxdeps).is_empty(), "{:?}", contents(&goxdeps));

    server.cut_short(None);
    let got = f.fetch(&goxdeps, LIB, &v("v1.0.0"), None).unwrap();
    assert_eq!(got.origin, Origin::Proxy { url: server.url.clone() });
    assert_eq!(
        contents(&goxdeps),
        ["example.com/", "example.com/lib@v1.0.0/", "example.com/lib@v1.0.0/gox.mod", "example.com/lib@v1.0.0/lib.gox"]
    );
}

#[test]
fn stale_temporary_directory_from_a_killed_process_is_cleaned_up() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    publish_lib(&proxy, "v1.0.0", "package lib\n");
    let goxdeps = tmp.path().join(".goxdeps");
    std::fs::create_dir_all(goxdeps.join(".tmp-killed/attempt-1/mod")).unwrap();
    std::fs::write(goxdeps.join(".tmp-killed/attempt-1/module.zip"), "partial").unwrap();
    file_fetcher(&proxy).fetch(&goxdeps, LIB, &v("v1.0.0"), None).unwrap();
    assert_eq!(
        contents(&goxdeps),
        ["example.com/", "example.com/lib@v1.0.0/", "example.com/lib@v1.0.0/gox.mod", "example.com/lib@v1.0.0/lib.gox"]
    );
}

#[test]
fn concurrent_fetches_of_one_module_both_succeed_with_one_copy_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    publish_lib(&proxy, "v1.0.0", "package lib\n");
    let server = HttpServer::start(&proxy);
    let goxdeps = tmp.path().join(".goxdeps");
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (url, goxdeps) = (server.url.clone(), goxdeps.clone());
                s.spawn(move || {
                    let f = Fetcher::new(parse_goxproxy(&url).unwrap());
                    f.fetch(&goxdeps, LIB, &v("v1.0.0"), None)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let results: Vec<_> = results.into_iter().map(|r| r.unwrap()).collect();
    let mut origins: Vec<Origin> = results.iter().map(|r| r.origin.clone()).collect();
    origins.sort_by_key(|o| matches!(o, Origin::AlreadyPresent));
    assert_eq!(origins, [Origin::Proxy { url: server.url.clone() }, Origin::AlreadyPresent]);
    assert_eq!(results[0].hash, results[1].hash);
    assert_eq!(
        server.requests().iter().filter(|r| r.ends_with(".zip")).count(),
        1,
        "{:?}",
        server.requests()
    );
    assert_eq!(
        contents(&goxdeps),
        ["example.com/", "example.com/lib@v1.0.0/", "example.com/lib@v1.0.0/gox.mod", "example.com/lib@v1.0.0/lib.gox"]
    );
}

#[test]
fn goxdeps_lock_excludes_other_file_handles_until_dropped() {
    // The lock is an OS file lock: a second open of .goxdeps/.lock (as
    // another process would do) blocks until the first holder drops it.
    let tmp = tempfile::tempdir().unwrap();
    let goxdeps = tmp.path().join(".goxdeps");
    let held = gox_module::fetch::GoxdepsLock::acquire(&goxdeps).unwrap();
    let file = std::fs::OpenOptions::new().write(true).open(goxdeps.join(".lock")).unwrap();
    assert!(!fs4::fs_std::FileExt::try_lock_exclusive(&file).unwrap());
    drop(held);
    assert!(fs4::fs_std::FileExt::try_lock_exclusive(&file).unwrap());
}

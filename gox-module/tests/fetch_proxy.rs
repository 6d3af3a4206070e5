//! Module proxies: a real HTTP server on 127.0.0.1 and `file://` directories.

mod support;

use std::sync::{Arc, Mutex};

use gox_module::fetch::{parse_goxproxy, Download, FetchError, Fetcher, Origin, Progress, Query};
use gox_module::modfile::parse_version;
use support::*;

const LIB: &str = "example.com/lib";

fn lib_files(version: &str) -> (String, String) {
    (gox_mod(LIB), format!("package lib\n\nconst Version = \"{version}\"\n"))
}

/// A proxy directory with example.com/lib v1.0.0, v1.1.0, v1.1.3, v1.9.0,
/// v1.10.0-beta.1 and v2.0.0-alpha.
fn proxy_dir() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for v in ["v1.0.0", "v1.1.0", "v1.1.3", "v1.9.0", "v1.10.0-beta.1", "v2.0.0-alpha"] {
        let (m, body) = lib_files(v);
        publish(&tmp.path().join("proxy"), LIB, v, &[("gox.mod", &m), ("lib.gox", &body)]);
    }
    tmp
}

fn resolve(f: &Fetcher, module: &str, q: &str) -> String {
    format!("v{}", f.resolve(module, &Query::parse(q).unwrap()).unwrap())
}

#[test]
fn http_proxy_resolves_exact_latest_and_prefix_queries() {
    let tmp = proxy_dir();
    let server = HttpServer::start(&tmp.path().join("proxy"));
    let f = Fetcher::new(parse_goxproxy(&server.url).unwrap());
    assert_eq!(resolve(&f, LIB, "latest"), "v1.9.0");
    assert_eq!(resolve(&f, LIB, "v1"), "v1.9.0");
    assert_eq!(resolve(&f, LIB, "v1.1"), "v1.1.3");
    assert_eq!(resolve(&f, LIB, "v1.10"), "v1.10.0-beta.1");
    assert_eq!(resolve(&f, LIB, "v1.1.0"), "v1.1.0");
    assert!(server.requests().contains(&"/example.com/lib/@v/list".to_string()));
    assert!(server.requests().contains(&"/example.com/lib/@v/v1.1.0.info".to_string()));
}

#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Progress for Recorder {
    fn start(&self, d: &Download<'_>) {
        self.0.lock().unwrap().push(format!("start {} {} {} {:?}", d.module, d.version, d.url, d.total));
    }
    fn advance(&self, _: &Download<'_>, bytes: u64) {
        let mut v = self.0.lock().unwrap();
        match v.last_mut() {
            Some(last) if last.starts_with("bytes ") => {
                let n: u64 = last[6..].parse().unwrap();
                *last = format!("bytes {}", n + bytes);
            }
            _ => v.push(format!("bytes {bytes}")),
        }
    }
    fn finish(&self, d: &Download<'_>, ok: bool) {
        self.0.lock().unwrap().push(format!("finish {} {ok}", d.module));
    }
}

#[test]
fn http_proxy_fetch_extracts_the_zip_and_reports_progress() {
    let tmp = proxy_dir();
    let server = HttpServer::start(&tmp.path().join("proxy"));
    let rec = Arc::new(Recorder::default());
    let f = Fetcher::new(parse_goxproxy(&server.url).unwrap()).with_progress(Box::new(rec.clone()));
    let goxdeps = tmp.path().join(".goxdeps");
    let got = f.fetch(&goxdeps, LIB, &parse_version("v1.1.3").unwrap(), None).unwrap();
    assert_eq!(got.origin, Origin::Proxy { url: server.url.clone() });
    assert_eq!(
        std::fs::read_to_string(goxdeps.join("example.com/lib@v1.1.3/lib.gox")).unwrap(),
        "package lib\n\nconst Version = \"v1.1.3\"\n"
    );
    let zip_len = std::fs::metadata(tmp.path().join("proxy/example.com/lib/@v/v1.1.3.zip")).unwrap().len();
    assert_eq!(
        *rec.0.lock().unwrap(),
        [
            format!("start example.com/lib v1.1.3 {}/example.com/lib/@v/v1.1.3.zip Some({zip_len})", server.url),
            format!("bytes {zip_len}"),
            "finish example.com/lib true".to_string(),
        ]
    );
    assert_eq!(
        contents(&goxdeps),
        ["example.com/", "example.com/lib@v1.1.3/", "example.com/lib@v1.1.3/gox.mod", "example.com/lib@v1.1.3/lib.gox"]
    );
}

#[test]
fn file_proxy_case_encodes_upper_case_module_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = tmp.path().join("proxy");
    let module = "example.com/BigCo/Lib";
    let m = gox_mod(module);
    publish(&proxy, module, "v0.3.0", &[("gox.mod", &m), ("a.gox", "package a\n")]);
    assert!(proxy.join("example.com/!big!co/!lib/@v/v0.3.0.zip").is_file());
    let f = Fetcher::new(parse_goxproxy(&format!("file://{}", proxy.display())).unwrap());
    assert_eq!(resolve(&f, module, "latest"), "v0.3.0");
    let goxdeps = tmp.path().join(".goxdeps");
    let got = f.fetch(&goxdeps, module, &parse_version("v0.3.0").unwrap(), None).unwrap();
    assert_eq!(got.dir, goxdeps.join("example.com/BigCo/Lib@v0.3.0"));
    assert_eq!(got.origin, Origin::Proxy { url: format!("file://{}", proxy.display()) });
    assert_eq!(std::fs::read_to_string(got.dir.join("a.gox")).unwrap(), "package a\n");
    assert_eq!(f.mod_file(module, &parse_version("v0.3.0").unwrap()).unwrap(), m.as_bytes());
}

#[test]
fn comma_falls_through_on_not_found_and_says_what_was_tried() {
    let tmp = proxy_dir();
    let empty = tempfile::tempdir().unwrap();
    let server = HttpServer::start(empty.path());
    let file_url = format!("file://{}", tmp.path().join("proxy").display());
    let f = Fetcher::new(parse_goxproxy(&format!("{},{file_url}", server.url)).unwrap());
    let got = f.fetch(&tmp.path().join(".goxdeps"), LIB, &parse_version("v1.0.0").unwrap(), None).unwrap();
    assert_eq!(got.origin, Origin::Proxy { url: file_url.clone() });
    assert_eq!(server.requests(), ["/example.com/lib/@v/v1.0.0.zip"]);

    let err = f.resolve(LIB, &Query::parse("v3").unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "example.com/lib: no matching versions for query \"v3\"\n\
             \ttried reading {0}/example.com/lib/@v/list: 404 Not Found\n\
             \ttried reading {file_url}/example.com/lib/@v/list: no version matches \"v3\"",
            server.url
        )
    );
}

#[test]
fn comma_stops_at_a_network_error_and_pipe_goes_on() {
    let tmp = proxy_dir();
    // A port nobody listens on.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let file_url = format!("file://{}", tmp.path().join("proxy").display());
    let comma = Fetcher::new(parse_goxproxy(&format!("{dead},{file_url}")).unwrap());
    let err = comma.list_versions(LIB).unwrap_err();
    match &err {
        FetchError::Source { what, tried, .. } => {
            assert_eq!(what, &format!("reading {dead}/example.com/lib/@v/list"));
            assert!(tried.0.is_empty());
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "reading {dead}/example.com/lib/@v/list: error sending request: client error (Connect): \
             tcp connect error: Connection refused (os error 111)"
        )
    );

    let pipe = Fetcher::new(parse_goxproxy(&format!("{dead}|{file_url}")).unwrap());
    let versions = pipe.list_versions(LIB).unwrap();
    assert_eq!(versions.len(), 6);
}

#[test]
fn off_disables_lookups() {
    let tmp = proxy_dir();
    let f = Fetcher::new(parse_goxproxy("off").unwrap());
    let err = f.fetch(&tmp.path().join(".goxdeps"), LIB, &parse_version("v1.0.0").unwrap(), None).unwrap_err();
    assert_eq!(err.to_string(), "example.com/lib@v1.0.0: module lookup disabled by GOXPROXY=off");
    assert!(contents(&tmp.path().join(".goxdeps")).is_empty());
    let err = f.resolve(LIB, &Query::Latest).unwrap_err();
    assert_eq!(err.to_string(), "example.com/lib@latest: module lookup disabled by GOXPROXY=off");
}

#[test]
fn missing_version_is_an_unknown_revision() {
    let tmp = proxy_dir();
    let file_url = format!("file://{}", tmp.path().join("proxy").display());
    let f = Fetcher::new(parse_goxproxy(&file_url).unwrap());
    let err = f.fetch(&tmp.path().join(".goxdeps"), LIB, &parse_version("v1.0.1").unwrap(), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "example.com/lib@v1.0.1: invalid version: unknown revision v1.0.1\n\
             \ttried reading {file_url}/example.com/lib/@v/v1.0.1.zip: no such file or directory"
        )
    );
    assert!(contents(&tmp.path().join(".goxdeps")).is_empty());
}

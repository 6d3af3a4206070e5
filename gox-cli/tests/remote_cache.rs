//! The shared build cache against a real server: nginx with its WebDAV
//! module (`dav_methods PUT`) on 127.0.0.1, from the config next to this
//! file. Two "machines" (two checkouts in different directories, two empty
//! GOXCACHE directories) share results through it. The test is skipped,
//! loudly, only where nginx is not installed (the test script installs it).

mod support;

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::Out;

fn nginx() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"].iter().map(PathBuf::from).find(|p| p.is_file())
}

struct Server {
    child: Child,
    root: tempfile::TempDir,
    url: String,
}

impl Server {
    fn start(binary: &Path) -> Server {
        let root = tempfile::tempdir().unwrap();
        for dir in ["data", "tmp"] {
            std::fs::create_dir(root.path().join(dir)).unwrap();
        }
        let template = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/remote_cache/nginx.conf")).unwrap();
        for _ in 0..20 {
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let conf = template.replace("@ROOT@", &root.path().display().to_string()).replace("@PORT@", &port.to_string());
            let conf_path = root.path().join("nginx.conf");
            std::fs::write(&conf_path, conf).unwrap();
            let mut child = Command::new(binary)
                .arg("-c")
                .arg(&conf_path)
                .arg("-p")
                .arg(root.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("starting nginx");
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(5) {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Server { child, root, url: format!("http://127.0.0.1:{port}") };
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break; // the port was taken after all: try another
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("nginx did not start; see {}", root.path().join("error.log").display());
    }

    fn blobs(&self) -> Vec<PathBuf> {
        let dir = self.root.path().join("data/cas");
        std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A project of 50 packages in a chain (p(i) imports p(i-1) and p(i-2)),
/// a main package importing all of them, and one type error in p07.
fn write_project(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("gox.mod"), "module example.com/team\n").unwrap();
    let mut main = String::from("package main\n\nimport (\n");
    for i in 0..50usize {
        let name = format!("p{i:02}");
        let pkg = dir.join(&name);
        std::fs::create_dir_all(&pkg).unwrap();
        let mut src = format!("package {name}\n\n");
        let deps: Vec<String> = [i.checked_sub(1), i.checked_sub(2)].iter().flatten().map(|d| format!("p{d:02}")).collect();
        if !deps.is_empty() {
            src.push_str("import (\n");
            for d in &deps {
                src.push_str(&format!("\t\"{d}\"\n"));
            }
            src.push_str(")\n\n");
        }
        src.push_str(&format!("type T{i} struct {{\n\tN int\n\tName string\n}}\n\nfunc Make(n int) T{i} {{\n"));
        let sum: String = deps.iter().map(|d| format!(" + {d}.Make(n).N")).collect();
        src.push_str(&format!("\treturn T{i}{{N: n{sum}, Name: \"{name}\"}}\n}}\n"));
        if i == 7 {
            src.push_str("\nvar broken int = \"seven\"\n");
        }
        std::fs::write(pkg.join(format!("{name}.gox")), src).unwrap();
        main.push_str(&format!("\t\"{name}\"\n"));
    }
    main.push_str(")\n\nfunc main() {\n");
    for i in 0..50 {
        main.push_str(&format!("\tprintln(p{i:02}.Make({i}).Name)\n"));
    }
    main.push_str("}\n");
    std::fs::write(dir.join("main.gox"), main).unwrap();
}


impl Out {
    /// The packages `-v` said were checked (not taken from a cache).
    fn checked(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.stderr.lines().filter(|l| l.starts_with("example.com/team") && !l.ends_with("(cached)")).collect();
        v.sort();
        v
    }

    fn cached(&self) -> usize {
        self.stderr.lines().filter(|l| l.ends_with("(cached)")).count()
    }
}

fn gox(project: &Path, cache: &Path, remote: &str, extra_env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gox"));
    cmd.args(["check", "-v", "--timings", "./..."])
        .current_dir(project)
        .env("GOXCACHE", cache)
        .env("GOXREMOTECACHE", remote)
        .env_remove("GOXREMOTECACHE_READONLY");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("running gox");
    Out::from(out)
}

const ERROR: &str = "p07/p07.gox:17:18: cannot use \"seven\" (untyped string constant) as int value in variable declaration\n";

#[test]
fn two_machines_share_results_through_nginx() {
    let Some(binary) = nginx() else {
        eprintln!("SKIPPED two_machines_share_results_through_nginx: nginx is not installed (apt-get install nginx-core)");
        return;
    };
    let server = Server::start(&binary);
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("machine-a/src/team"), tmp.path().join("b/checkout"));
    write_project(&a);
    write_project(&b);

    // Machine A checks everything and pushes.
    let first = gox(&a, &tmp.path().join("cache-a"), &server.url, &[]);
    assert_eq!((first.code, first.stdout.as_str()), (1, ERROR), "{}", first.stderr);
    assert_eq!(first.checked().len(), 51, "{}", first.stderr);
    assert!(first.stderr.contains("remote cache    0 hits"), "{}", first.stderr);
    assert!(!server.blobs().is_empty());

    // Machine B, elsewhere on disk, with an empty cache: everything from the server.
    let second = gox(&b, &tmp.path().join("cache-b"), &server.url, &[]);
    assert_eq!((second.code, second.stdout.as_str()), (1, ERROR), "{}", second.stderr);
    assert_eq!(second.checked(), Vec::<&str>::new(), "{}", second.stderr);
    assert!(second.stderr.contains("0 checked"), "{}", second.stderr);

    // An API edit on B: the package and its importers only.
    let p10 = b.join("p10/p10.gox");
    let text = std::fs::read_to_string(&p10).unwrap();
    std::fs::write(&p10, format!("{text}\nfunc Extra() int {{ return 10 }}\n")).unwrap();
    let third = gox(&b, &tmp.path().join("cache-b"), &server.url, &[]);
    assert_eq!((third.code, third.stdout.as_str()), (1, ERROR));
    assert_eq!(third.checked(), ["example.com/team", "example.com/team/p10", "example.com/team/p11", "example.com/team/p12"]);
    // The rest came from B's own cache: the second run kept what the server gave.
    assert!(third.stderr.contains("remote cache    0 hits"), "{}", third.stderr);

    // Corrupted blobs are detected and the packages checked again.
    for blob in server.blobs() {
        std::fs::write(&blob, b"not what its name says").unwrap();
    }
    let fourth = gox(&a, &tmp.path().join("cache-c"), &server.url, &[]);
    assert_eq!((fourth.code, fourth.stdout.as_str()), (1, ERROR), "{}", fourth.stderr);
    assert_eq!(fourth.cached(), 0, "{}", fourth.stderr);
    assert!(!fourth.stderr.contains(" 0 rejected"), "{}", fourth.stderr);

    // Read-only: pulls, never pushes.
    let before: Vec<_> = server.blobs();
    let ro = gox(&b, &tmp.path().join("cache-ro"), &server.url, &[("GOXREMOTECACHE_READONLY", "1")]);
    assert_eq!(ro.code, 1);
    assert!(ro.stderr.contains("0 pushed"), "{}", ro.stderr);
    assert_eq!(server.blobs().len(), before.len());
}

#[test]
fn a_server_killed_mid_run_leaves_a_correct_result() {
    let Some(binary) = nginx() else {
        eprintln!("SKIPPED a_server_killed_mid_run_leaves_a_correct_result: nginx is not installed (apt-get install nginx-core)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    write_project(&project);
    // Killed after 0 to 90 ms of the run: whenever it dies, lookups and
    // pushes fail over to checking, and the result is the same.
    for (i, after) in [0u64, 15, 30, 60, 90].iter().enumerate() {
        let mut server = Server::start(&binary);
        let cache = tmp.path().join(format!("c{i}"));
        let pid = server.child.id();
        let killer = std::thread::spawn({
            let after = *after;
            move || {
                std::thread::sleep(Duration::from_millis(after));
                let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            }
        });
        let out = gox(&project, &cache, &server.url, &[("GOXREMOTECACHE_TIMEOUT", "1")]);
        killer.join().unwrap();
        let _ = server.child.wait();
        assert_eq!((out.code, out.stdout.as_str()), (1, ERROR), "killed after {after} ms: {}", out.stderr);
        assert!(out.stderr.matches("unavailable").count() <= 1, "{}", out.stderr);
    }
}

#[test]
fn a_dead_or_silent_server_costs_one_timeout_and_is_said_once() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    write_project(&project);

    // Nothing listens: refused at once.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dead = gox(&project, &tmp.path().join("c1"), &format!("http://127.0.0.1:{port}"), &[]);
    assert_eq!((dead.code, dead.stdout.as_str()), (1, ERROR), "{}", dead.stderr);
    assert_eq!(dead.stderr.matches("unavailable").count(), 1, "{}", dead.stderr);

    // Accepts connections and never answers: one timeout, then without it.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        let mut conns = Vec::new();
        for conn in silent.incoming().take(64).flatten() {
            conns.push(conn);
        }
        let mut buf = [0u8; 1];
        for mut c in conns {
            let _ = c.read(&mut buf);
        }
    });
    let started = Instant::now();
    let slow = gox(&project, &tmp.path().join("c2"), &url, &[("GOXREMOTECACHE_TIMEOUT", "0.5")]);
    let took = started.elapsed();
    assert_eq!((slow.code, slow.stdout.as_str()), (1, ERROR), "{}", slow.stderr);
    assert_eq!(slow.stderr.matches("unavailable (timed out)").count(), 1, "{}", slow.stderr);
    assert!(took < Duration::from_secs(20), "took {took:?}");
    drop(held);
}

//! `gox check --watch` through the real binary: the first check prints
//! everything, a save prints only what changed, Ctrl-C (SIGINT) exits 0.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const MAIN: &str = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tvar n int = \"one\"\n\tfmt.Println(n)\n}\n";

/// Lines of a child's stream, tagged, as they come.
fn lines(stream: impl std::io::Read + Send + 'static, tag: &'static str, tx: mpsc::Sender<String>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(format!("{tag}{line}")).is_err() {
                break;
            }
        }
    });
}

/// Collects lines until each of `wanted` has matched one (the two streams
/// interleave in any order); returns (stdout lines, stderr lines).
fn until(rx: &mpsc::Receiver<String>, wanted: &[&dyn Fn(&str) -> bool]) -> (Vec<String>, Vec<String>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen: Vec<String> = Vec::new();
    while !wanted.iter().all(|w| seen.iter().any(|l| w(l))) {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx.recv_timeout(left).unwrap_or_else(|_| panic!("timed out; output so far: {seen:#?}"));
        seen.push(line);
    }
    let pick = |tag: &str| seen.iter().filter_map(|l| l.strip_prefix(tag)).map(str::to_string).collect();
    (pick("out: "), pick("err: "))
}

/// Saves as editors do: the new text under another name, then renamed over
/// the file. (A plain write truncates first, and the watcher may check the
/// empty file in between, which is right but not what this test is about.)
fn save(path: &std::path::Path, text: &str) {
    let aside = path.with_extension("gox~");
    std::fs::write(&aside, text).unwrap();
    std::fs::rename(&aside, path).unwrap();
}

/// `gox check --watch ./...` in `root`, and its output lines as they come.
fn watch(root: &std::path::Path, cache: &std::path::Path) -> (std::process::Child, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gox"))
        .args(["check", "--watch", "--format", "go", "./..."])
        .current_dir(root)
        .env("GOXCACHE", cache)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    lines(child.stdout.take().unwrap(), "out: ", tx.clone());
    lines(child.stderr.take().unwrap(), "err: ", tx);
    (child, rx)
}

#[test]
fn watch_prints_what_each_save_changes_and_exits_on_ctrl_c() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("app");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("gox.mod"), "module example.com/app\n").unwrap();
    std::fs::write(root.join("main.gox"), MAIN).unwrap();
    let (mut child, rx) = watch(&root, &tmp.path().join("cache"));

    let (out, err) = until(&rx, &[&|l| l.contains("watching for changes"), &|l| l.starts_with("out: ")]);
    assert_eq!(out, ["./main.gox:6:14: cannot use \"one\" (untyped string constant) as int value in variable declaration"]);
    assert!(err[0].starts_with("gox: 1 error ("), "{err:?}");

    // Checking reads the files, and reading is no change (inotify reports
    // every open and close): nothing is checked again until a save.
    std::thread::sleep(Duration::from_millis(1000));
    let idle: Vec<String> = rx.try_iter().collect();
    assert!(idle.is_empty(), "checked again with nothing changed: {idle:?}");

    // Fix the error and add another: one new, one fixed.
    save(&root.join("main.gox"), &MAIN.replace("var n int = \"one\"", "var n int = 1\n\tn = \"two\""));
    let (out, err) = until(&rx, &[&|l| l.starts_with("err: gox: 1 error:"), &|l| l.starts_with("out: fixed:")]);
    assert_eq!(
        out,
        [
            "./main.gox:7:6: cannot use \"two\" (untyped string constant) as int value in assignment",
            "fixed: ./main.gox:6:14: cannot use \"one\" (untyped string constant) as int value in variable declaration",
        ]
    );
    // A save can arrive as more than one event: a re-check that finds
    // nothing new says "no change" and is not what this asserts.
    let err: Vec<&String> = err.iter().filter(|l| !l.starts_with("gox: no change")).collect();
    assert!(err[0].starts_with("gox: 1 error: 1 new, 1 fixed ("), "{err:?}");

    // A file that is no source changes nothing; fixing the last error does.
    std::fs::write(root.join("notes.txt"), "x").unwrap();
    save(&root.join("main.gox"), &MAIN.replace("var n int = \"one\"", "var n int = 1"));
    let (out, err) = until(&rx, &[&|l| l.starts_with("err: gox: no errors"), &|l| l.starts_with("out: fixed:")]);
    assert_eq!(out, ["fixed: ./main.gox:7:6: cannot use \"two\" (untyped string constant) as int value in assignment"]);
    let err: Vec<&String> = err.iter().filter(|l| !l.starts_with("gox: no change")).collect();
    assert!(err[0].starts_with("gox: no errors: 0 new, 1 fixed ("), "{err:?}");

    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "gox check --watch did not exit on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn watch_caps_errors_per_package_as_check_does() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("app");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("gox.mod"), "module example.com/app\n").unwrap();
    let uses: String = (1..=12).map(|i| format!("\t_ = a{i}\n")).collect();
    std::fs::write(root.join("main.gox"), format!("package main\n\nfunc main() {{\n{uses}}}\n")).unwrap();
    let (mut child, rx) = watch(&root, &tmp.path().join("cache"));
    let (out, err) = until(&rx, &[&|l| l.contains("watching for changes"), &|l| l.ends_with("too many errors")]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(out.len(), 11, "{out:#?}");
    assert_eq!(out[9], "./main.gox:13:6: undefined: a10");
    assert_eq!(out[10], "./main.gox:13:6: too many errors");
    assert!(err[0].starts_with("gox: 12 errors; 2 more not shown (--all-errors shows them) ("), "{err:?}");
}

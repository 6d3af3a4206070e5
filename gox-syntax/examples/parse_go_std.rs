//! Parses every non-generic `.go` file under a directory (default: Go's
//! standard library) and reports files, bytes and files with errors.
//! Files whose only errors are "type parameters are not supported in GoX"
//! are counted as generic and not as failures. `testdata` directories are
//! skipped.
//!
//! `cargo run --release -p gox-syntax --example parse_go_std -- [DIR] [--bench]`
//! With `--bench`, also reports lexing and parsing throughput in MB/s and
//! the time freeing the syntax trees takes.

use std::path::{Path, PathBuf};
use std::time::Instant;

/// The allocator the gox binary uses, so that the numbers are gox's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use gox_common::FileId;
use gox_syntax::lexer::Lexer;
use gox_syntax::Token;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(_) => return,
    };
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if name != "testdata" {
                collect(&p, out);
            }
        } else if name.ends_with(".go") {
            out.push(p);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench = args.iter().any(|a| a == "--bench");
    let list_out = args.iter().position(|a| a == "--list").and_then(|i| args.get(i + 1)).cloned();
    let root = args
        .iter()
        .find(|a| !a.starts_with("--") && Some(*a) != list_out.as_ref())
        .cloned()
        .unwrap_or_else(|| "/usr/lib/go-1.19/src".to_string());
    let mut paths = Vec::new();
    collect(Path::new(&root), &mut paths);
    let sources: Vec<(PathBuf, Vec<u8>)> =
        paths.into_iter().filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b))).collect();

    let mut bytes = 0usize;
    let mut generic = Vec::new();
    let mut failed = Vec::new();
    let mut ok_files = Vec::new();
    for (i, (path, src)) in sources.iter().enumerate() {
        let (_, errs) = gox_syntax::parse_bytes(FileId(i as u32), src);
        if errs.is_empty() {
            bytes += src.len();
            ok_files.push(i);
        } else if errs.iter().all(|e| e.message == "type parameters are not supported in GoX") {
            generic.push(path.clone());
        } else {
            failed.push((path.clone(), errs));
        }
    }
    let checked = ok_files.len() + failed.len();
    println!("files: {} ({} bytes in error-free files)", checked, bytes);
    println!("generic files skipped: {}", generic.len());
    println!("files with errors: {}", failed.len());
    for (path, errs) in &failed {
        let text = String::from_utf8_lossy(&sources.iter().find(|(p, _)| p == path).map(|(_, s)| s.clone()).unwrap_or_default()).into_owned();
        let sf = gox_common::SourceFile::new(FileId(0), path.clone(), text.into());
        for e in errs.iter().take(3) {
            let lc = sf.line_col(e.span.lo);
            println!("  {}:{}:{}: {}", path.display(), lc.line, lc.col, e.message);
        }
    }
    if let Some(out) = list_out {
        let list: Vec<String> = ok_files.iter().map(|&i| sources[i].0.display().to_string()).collect();
        let _ = std::fs::write(&out, list.join("\n") + "\n");
    }

    if bench {
        let files: Vec<&Vec<u8>> = ok_files.iter().map(|&i| &sources[i].1).collect();
        let mb = bytes as f64 / 1e6;
        let mut best_lex = f64::MAX;
        let mut best_parse = f64::MAX;
        let mut best_drop = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            let mut n = 0usize;
            for (i, src) in files.iter().enumerate() {
                let mut lx = Lexer::new(FileId(i as u32), src);
                while lx.next_token().kind != Token::Eof {
                    n += 1;
                }
            }
            std::hint::black_box(n);
            best_lex = best_lex.min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            let trees: Vec<_> =
                files.iter().enumerate().map(|(i, src)| std::hint::black_box(gox_syntax::parse_bytes(FileId(i as u32), src))).collect();
            best_parse = best_parse.min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            drop(trees);
            best_drop = best_drop.min(t.elapsed().as_secs_f64());
        }
        println!("lexing:  {:.1} MB/s ({:.3} s for {:.1} MB, best of 5)", mb / best_lex, best_lex, mb);
        println!("parsing: {:.1} MB/s ({:.3} s for {:.1} MB, best of 5)", mb / best_parse, best_parse, mb);
        println!("freeing the trees: {:.3} s (best of 5)", best_drop);
    }
}

//! `gox work init [dirs]` and `gox work use <dirs>`: write gox.work.

use std::path::{Path, PathBuf};

use anyhow::Result;
use gox_cli::cli::WorkCommand;
use gox_common::RealFs;
use gox_module::files::{write_atomic, LockedFile};
use gox_module::workfile::{find_work_file, WorkFile, WORK_FILE_NAME};

use super::Status;

pub fn run(cmd: &WorkCommand) -> Result<Status> {
    let cwd = std::env::current_dir()?;
    match cmd {
        WorkCommand::Init { dirs } => {
            let path = cwd.join(WORK_FILE_NAME);
            if path.exists() {
                eprintln!("gox work init: {WORK_FILE_NAME} already exists; add modules with: gox work use <dir>");
                return Ok(Status::Failure);
            }
            update(&path, WorkFile::new(&path), dirs, &cwd)
        }
        WorkCommand::Use { dirs } => {
            let Some(path) = find_work_file(&RealFs, &cwd) else {
                eprintln!("gox work use: no {WORK_FILE_NAME} in the current directory or any parent; run: gox work init");
                return Ok(Status::Usage);
            };
            let _guard = LockedFile::exclusive(&lock_path(&path))?;
            let text = std::fs::read_to_string(&path)?;
            match WorkFile::parse(&path, &text) {
                Ok(work) => update(&path, work, dirs, &cwd),
                Err(err) => {
                    eprintln!("{}", relative(&err.to_string(), &cwd));
                    Ok(Status::Failure)
                }
            }
        }
    }
}

/// The lock serialising edits of one gox.work.
fn lock_path(work: &Path) -> PathBuf {
    work.with_file_name(".gox.work.lock")
}

fn relative(message: &str, cwd: &Path) -> String {
    let prefix = format!("{}/", cwd.display());
    message.replace(&prefix, "./")
}

/// Adds each directory (as a path relative to gox.work's directory),
/// validates the whole file, then writes it; nothing is written on error.
fn update(path: &Path, mut work: WorkFile, dirs: &[String], cwd: &Path) -> Result<Status> {
    let base = path.parent().unwrap_or(Path::new("/")).to_path_buf();
    for dir in dirs {
        let abs = gox_common::paths::normalize(&cwd.join(dir));
        let rel = match gox_common::paths::relative(&base, &abs) {
            Some(r) if r.as_os_str().is_empty() => ".".to_string(),
            Some(r) if r.starts_with("..") => r.display().to_string(),
            Some(r) => format!("./{}", r.display()),
            None => abs.display().to_string(),
        };
        match work.add_use(&rel) {
            Ok(true) => eprintln!("gox: using {rel}"),
            Ok(false) => {}
            Err(err) => {
                eprintln!("{}", relative(&err.to_string(), cwd));
                return Ok(Status::Failure);
            }
        }
    }
    if let Err(err) = work.modules(&RealFs) {
        eprintln!("{}", relative(&err.to_string(), cwd));
        return Ok(Status::Failure);
    }
    write_atomic(path, work.to_string().as_bytes())?;
    Ok(Status::Success)
}

//! `gox init [module-path]`: write a new gox.mod.

use std::path::Path;

use anyhow::{Context, Result};

use super::Status;

pub fn run(module_path: Option<&str>, gitignore: bool) -> Result<Status> {
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let modfile = cwd.join("gox.mod");
    if modfile.exists() {
        eprintln!("gox: {} already exists", modfile.display());
        return Ok(Status::Failure);
    }
    let path = match module_path {
        Some(p) => p.to_string(),
        None => default_module_path(&cwd)?,
    };
    if let Err(err) = gox_module::modpath::check_module_path(&path) {
        eprintln!("gox: {err}");
        return Ok(Status::Usage);
    }
    let text = format!("module {path}\n");
    gox_module::modfile::write_atomic(&modfile, text.as_bytes())
        .with_context(|| format!("writing {}", modfile.display()))?;
    eprintln!("gox: creating new gox.mod: module {path}");
    if gitignore {
        add_to_gitignore(&cwd.join(".gitignore"))?;
    }
    Ok(Status::Success)
}

/// The line `gox init --gitignore` adds: dependencies are restored from
/// gox.lock by `gox mod download`, so they need not be committed.
const GOXDEPS_IGNORE: &str = "/.goxdeps/";

/// Adds [`GOXDEPS_IGNORE`] to `.gitignore` unless it is there, keeping the
/// rest of the file (and its permissions) as it was.
fn add_to_gitignore(path: &Path) -> Result<()> {
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    if old.lines().any(|l| matches!(l.trim(), "/.goxdeps/" | "/.goxdeps" | ".goxdeps/" | ".goxdeps")) {
        return Ok(());
    }
    let mut text = old;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(GOXDEPS_IGNORE);
    text.push('\n');
    gox_module::modfile::write_atomic(path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("gox: added {GOXDEPS_IGNORE} to .gitignore");
    Ok(())
}

fn default_module_path(dir: &Path) -> Result<String> {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .context("cannot derive a module path from the current directory; run: gox init <module-path>")?;
    Ok(name.to_string())
}

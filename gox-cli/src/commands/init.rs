//! `gox init [module-path]`: write a new gox.mod.

use std::path::Path;

use anyhow::{Context, Result};

use super::Status;

pub fn run(module_path: Option<&str>) -> Result<Status> {
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
    if let Err(err) = gox_module::modfile::check_module_path(&path) {
        eprintln!("gox: invalid module path {path:?}: {err}");
        return Ok(Status::Usage);
    }
    let text = format!("module {path}\n");
    gox_module::modfile::write_atomic(&modfile, text.as_bytes())
        .with_context(|| format!("writing {}", modfile.display()))?;
    eprintln!("gox: creating new gox.mod: module {path}");
    Ok(Status::Success)
}

fn default_module_path(dir: &Path) -> Result<String> {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .context("cannot derive a module path from the current directory; run: gox init <module-path>")?;
    Ok(name.to_string())
}

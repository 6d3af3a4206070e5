//! `gox list [-json] [-deps] [packages]`.

use anyhow::Result;
use gox_cli::cli::ListArgs;
use gox_cli::driver::load::load_graph;
use gox_cli::driver::patterns::expand_patterns;
use gox_cli::Workspace;
use gox_common::discover::discover_packages;
use gox_common::{BuildConfig, SourceMap};
use serde::Serialize;

use super::Status;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JsonPackage<'a> {
    dir: String,
    import_path: &'a str,
    name: String,
    module: Option<String>,
    standard: bool,
    gox_files: Vec<String>,
    imports: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    deps_errors: Vec<String>,
}

pub fn run(args: &ListArgs) -> Result<Status> {
    let ws = match super::check::open_workspace(&args.packages, BuildConfig::default())? {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    let roots = match expand_patterns(&ws, &args.packages) {
        Ok(r) => r,
        Err(err) => {
            eprintln!("gox: {err}");
            return Ok(Status::Usage);
        }
    };
    let map = SourceMap::new();
    let graph = load_graph(&ws, &map, roots);
    // Go lists dependencies before the packages that import them.
    let mut order: Vec<usize> = (0..graph.units.len()).filter(|&i| args.deps || graph.units[i].is_root).collect();
    if args.deps {
        order = gox_cli::driver::graph::levels(&graph).into_iter().flatten().collect();
        order.sort_by_key(|&i| (graph.units[i].is_root, graph.units[i].import_path.clone()));
    }
    for i in order {
        let unit = &graph.units[i];
        if !args.json {
            println!("{}", unit.import_path);
            continue;
        }
        let pkg = JsonPackage {
            dir: unit.dir.display().to_string(),
            import_path: &unit.import_path,
            name: unit.name.clone(),
            module: ws.vfs.module_of(&unit.id).map(|m| m.path.clone()),
            standard: unit.id.is_std(),
            gox_files: unit.files.iter().filter_map(|f| f.path.file_name()).map(|n| n.to_string_lossy().into_owned()).collect(),
            imports: unit
                .imports
                .iter()
                .map(|imp| match &imp.target {
                    Ok(t) => graph.units[*t].import_path.clone(),
                    Err(_) => imp.path.clone(),
                })
                .collect(),
            deps_errors: unit.imports.iter().filter_map(|imp| imp.target.as_ref().err().cloned()).collect(),
        };
        println!("{}", serde_json::to_string_pretty(&pkg)?);
    }
    Ok(Status::Success)
}

/// Patterns for every main package of the root module (the default of
/// `gox build`).
pub fn main_package_patterns(ws: &Workspace) -> Vec<String> {
    let Ok(dirs) = discover_packages(&ws.fs, &ws.root) else { return Vec::new() };
    dirs.into_iter()
        .filter_map(|d| {
            let id = ws.vfs.package_for_dir(&d)?;
            let rp = ws.vfs.package(&id).ok()?;
            (rp.name == "main").then(|| {
                let rel = d.strip_prefix(&ws.cwd).map(|r| r.display().to_string()).unwrap_or_else(|_| d.display().to_string());
                if rel.is_empty() { ".".to_string() } else if d.starts_with(&ws.cwd) { format!("./{rel}") } else { rel }
            })
        })
        .collect()
}

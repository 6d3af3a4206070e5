//! `gox list [-json] [-deps] [packages]`.

use anyhow::Result;
use gox_cli::cli::ListArgs;
use gox_cli::driver::load::load_graph;
use gox_cli::driver::patterns::expand_patterns;
use gox_cli::output::{print_message, Format};
use gox_common::{BuildConfig, Diagnostic, Severity, SourceMap};
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
    let ws = match super::open_workspace(&args.packages, BuildConfig::default(), Format::GoStyle)? {
        super::Opened::Workspace(ws) => ws,
        super::Opened::Reported(status) => return Ok(status),
    };
    let map = SourceMap::new();
    let expansion = match expand_patterns(&ws, &map, &args.packages) {
        Ok(r) => r,
        Err(err) => {
            eprintln!("gox: {err}");
            return Ok(Status::Usage);
        }
    };
    let mut problems: Vec<Diagnostic> = expansion.diagnostics;
    for warning in &expansion.warnings {
        print_message(Severity::Warning, warning, Format::GoStyle);
    }
    let mut graph = load_graph(&ws, &map, expansion.roots);
    problems.append(&mut graph.diagnostics);
    // Go lists dependencies before the packages that import them.
    let mut order: Vec<usize> = (0..graph.units.len()).filter(|&i| args.deps || graph.units[i].is_root).collect();
    if args.deps {
        order = gox_cli::driver::graph::levels(&graph).into_iter().flatten().collect();
        order.sort_by_key(|&i| (graph.units[i].is_root, graph.units[i].import_path.clone()));
    }
    for i in order {
        let unit = &graph.units[i];
        problems.extend(unit.diagnostics.iter().filter(|d| d.is_error()).cloned());
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
            deps_errors: unit.imports.iter().filter_map(|imp| imp.target.as_ref().err()).map(|e| e.message(&ws.cwd)).collect(),
        };
        println!("{}", serde_json::to_string_pretty(&pkg)?);
    }
    // Like `go list`: what cannot be loaded is reported, and the status says so.
    if problems.is_empty() {
        return Ok(Status::Success);
    }
    for d in &problems {
        eprintln!("{}", gox_common::render::render_go_style(d, &map, Some(&ws.cwd)));
    }
    Ok(Status::Failure)
}

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

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JsonModule {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    main: bool,
    dir: String,
    gox_mod: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    indirect: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    update: Option<JsonUpdate>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JsonUpdate {
    path: String,
    version: String,
}

/// `gox list -m [-u] [-json] [all | modules]`: the main module, every
/// module of the build, or the named ones, as `go list -m` prints them;
/// `-u` adds the newest release when it is newer (`M v1.0.0 [v1.2.0]`).
fn list_modules(args: &ListArgs) -> Result<Status> {
    let ws = match super::open_workspace(&[], BuildConfig::default(), Format::GoStyle)? {
        super::Opened::Workspace(ws) => ws,
        super::Opened::Reported(status) => return Ok(status),
    };
    let closure = ws.closure();
    let mut modules: Vec<&gox_module::Module> = Vec::new();
    if args.packages.is_empty() {
        modules.push(closure.root());
    }
    for name in &args.packages {
        if name == "all" {
            modules.extend(closure.modules().iter());
            continue;
        }
        match closure.module(name) {
            Some(m) => modules.push(m),
            None => {
                eprintln!("gox list -m: module {name}: not a module of the build");
                return Ok(Status::Failure);
            }
        }
    }
    let fetcher = if args.updates {
        match gox_cli::driver::deps::fetcher(false) {
            Ok(f) => Some(f.with_progress(Box::new(gox_module::fetch::NoProgress))),
            Err(message) => {
                eprintln!("gox: {message}");
                return Ok(Status::Failure);
            }
        }
    } else {
        None
    };
    let mut status = Status::Success;
    for m in modules {
        let mut update = None;
        if let (Some(fetcher), Some(version), false) = (&fetcher, &m.version, m.workspace) {
            match fetcher.resolve(&m.path, &gox_module::fetch::Query::Latest) {
                Ok(latest) if &latest > version => update = Some(format!("v{latest}")),
                Ok(_) => {}
                Err(err) => {
                    eprintln!("gox: {err}");
                    status = Status::Failure;
                }
            }
        }
        if args.json {
            let direct = closure.root().mod_file.require_by_path(&m.path).is_some();
            let j = JsonModule {
                path: m.path.clone(),
                version: m.version.as_ref().map(|v| format!("v{v}")),
                main: m.is_root(),
                dir: m.dir.display().to_string(),
                gox_mod: m.dir.join("gox.mod").display().to_string(),
                indirect: !m.is_root() && !direct,
                update: update.map(|version| JsonUpdate { path: m.path.clone(), version }),
            };
            println!("{}", serde_json::to_string_pretty(&j)?);
            continue;
        }
        let mut line = m.path.clone();
        if let Some(v) = &m.version {
            line.push_str(&format!(" v{v}"));
        }
        if let Some(u) = update {
            line.push_str(&format!(" [{u}]"));
        }
        if m.workspace {
            line.push_str(&format!(" => {}", ws.display(&m.dir)));
        }
        println!("{line}");
    }
    Ok(status)
}

pub fn run(args: &ListArgs) -> Result<Status> {
    if args.modules {
        return list_modules(args);
    }
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
    let mut graph = load_graph(&ws, &map, expansion.roots, None);
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
            module: ws.resolver.module_of(&unit.id).map(|m| m.path.clone()),
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

//! `gox mod graph|download|verify|tidy|why`.

use std::collections::{HashMap, VecDeque};

use anyhow::Result;
use gox_cli::cli::ModCommand;
use gox_cli::driver::deps::{dropped_lines, fetcher};
use gox_cli::driver::imports::alias_imports;
use gox_cli::driver::load::load_graph;
use gox_cli::driver::patterns::expand_patterns;
use gox_cli::output::Format;
use gox_cli::Workspace;
use gox_common::{BuildConfig, RealFs, SourceMap};
use gox_module::fetch::Fetcher;
use gox_module::project::{Project, ProjectError};
use gox_module::verify::{lock_root_of, read_lock, verify_module};

use super::{open_or_report, Status};

pub fn run(cmd: &ModCommand) -> Result<Status> {
    match cmd {
        ModCommand::Graph { dot } => graph(*dot),
        ModCommand::Verify => verify(),
        ModCommand::Download { offline } => download(*offline),
        ModCommand::Tidy { offline } => tidy(*offline),
        ModCommand::Why { targets } => why(targets),
    }
}

fn open() -> Result<Result<Workspace, Status>> {
    Ok(match super::open_workspace(&[], BuildConfig::default(), Format::GoStyle)? {
        super::Opened::Workspace(ws) => Ok(ws),
        super::Opened::Reported(status) => Err(status),
    })
}

/// One line per requirement, `from to` as `go mod graph` prints them
/// (modules as `path@version`, the root as its path); each require the
/// root overrides is named on stderr.
fn graph(dot: bool) -> Result<Status> {
    let ws = match open()? {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    let closure = ws.closure();
    let modules = closure.modules();
    let name = |i: usize| modules[i].display_name();
    if dot {
        println!("digraph modules {{");
        println!("\trankdir=LR;");
        for r in closure.requirements() {
            let label = if modules[r.selected].version.as_ref() == Some(&r.version) {
                r.alias.clone()
            } else {
                format!("{} (wants v{})", r.alias, r.version)
            };
            println!("\t\"{}\" -> \"{}\" [label=\"{}\"];", name(r.from), name(r.selected), label);
        }
        println!("}}");
    } else {
        for r in closure.requirements() {
            println!("{} {}", name(r.from), gox_module::goxdeps::module_version(&r.path, &r.version));
        }
    }
    for o in closure.overrides() {
        eprintln!("gox: warning: {o}");
    }
    Ok(Status::Success)
}

fn verify() -> Result<Status> {
    let ws = match open()? {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    // Each module against the gox.lock that pins it: a workspace member's
    // own dependencies are pinned by that member's.
    let mut roots = vec![ws.root.clone()];
    roots.extend(ws.closure().modules().iter().filter(|m| m.workspace).map(|m| m.dir.clone()));
    let mut locks = HashMap::new();
    let mut bad = 0;
    for module in ws.closure().modules().iter().filter(|m| !m.is_root()) {
        let root = lock_root_of(module, &roots).unwrap_or(&ws.root);
        if !locks.contains_key(root) {
            match read_lock(&RealFs, root) {
                Ok(lock) => {
                    locks.insert(root.to_path_buf(), lock);
                }
                Err(err) => {
                    eprintln!("gox: {err}");
                    return Ok(Status::Failure);
                }
            }
        }
        if let Err(problem) = verify_module(&RealFs, &locks[root], module) {
            eprintln!("gox: {}", problem.message(&ws.cwd));
            bad += 1;
        }
    }
    if bad == 0 {
        println!("all modules verified");
        Ok(Status::Success)
    } else {
        Ok(Status::Failure)
    }
}

/// `gox mod tidy`: requires no code imports go, then gox.lock entries and
/// `.goxdeps` versions outside the closure.
fn tidy(offline: bool) -> Result<Status> {
    let mut project = match open_or_report("gox mod tidy")? {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    let cwd = std::env::current_dir()?;
    let (imports, problems) = alias_imports(&project.root);
    for p in &problems {
        eprintln!("gox: {p}");
    }
    let mut unknown = 0;
    for (alias, uses) in &imports {
        if project.modfile.require_by_alias(alias).is_some() {
            continue;
        }
        for u in uses {
            unknown += 1;
            eprintln!(
                "{}: import @\"{}\": no require in gox.mod declares alias \"{alias}\"; add one with: gox get --alias {alias} <module-path>",
                u.position(&cwd),
                u.path
            );
        }
    }
    if unknown > 0 || !problems.is_empty() {
        return Ok(Status::Failure);
    }
    let fetcher = match fetcher(offline) {
        Ok(f) => f,
        Err(message) => {
            eprintln!("gox: {message}");
            return Ok(Status::Failure);
        }
    };
    match tidy_project(&mut project, &fetcher, &imports, &cwd) {
        Ok(()) => Ok(Status::Success),
        Err(err) => {
            project.discard_downloads();
            eprintln!("gox: {}", err.message(&cwd));
            Ok(Status::Failure)
        }
    }
}

fn tidy_project(
    project: &mut Project,
    fetcher: &gox_module::fetch::Fetcher,
    imports: &std::collections::BTreeMap<String, Vec<gox_cli::driver::imports::AliasImport>>,
    cwd: &std::path::Path,
) -> Result<(), ProjectError> {
    let mut changes = Vec::new();
    let unused: Vec<gox_module::Require> =
        project.modfile.requires().iter().filter(|r| !imports.contains_key(&r.alias)).cloned().collect();
    for r in &unused {
        project.modfile.remove_require(&r.alias).map_err(ProjectError::Mod)?;
        changes.push(format!("removed {} {} (no package imports @\"{}\")", r.module_path, r.version_text, r.alias));
    }
    let before = project.saved_lock();
    let (closure, _) = project.complete_closure(fetcher)?;
    let closure = project.lock_closure(fetcher, closure)?;
    project.save()?;
    let removed: Vec<&str> = unused.iter().map(|r| r.module_path.as_str()).collect();
    changes.extend(dropped_lines(&before, &project.lock, &removed));
    let pruned = project.prune_goxdeps(&closure)?;
    for change in &changes {
        eprintln!("gox: {change}");
    }
    for dir in &pruned {
        eprintln!("gox: deleted {}", gox_common::display_path(dir, Some(cwd)));
    }
    Ok(())
}

/// `gox mod why`: for each package or module, the shortest import chain
/// from a package of the main module (test files included), as `go mod
/// why` prints it.
fn why(targets: &[String]) -> Result<Status> {
    let cwd = std::env::current_dir()?;
    let Some(root) = gox_cli::driver::workspace::find_module_root(&cwd) else {
        eprintln!("gox mod why: gox.mod file not found in current directory or any parent directory; run: gox init");
        return Ok(Status::Usage);
    };
    let build = BuildConfig { tests: true, ..BuildConfig::default() };
    let ws = match std::env::set_current_dir(&root)
        .map_err(anyhow::Error::from)
        .and_then(|()| super::open_workspace(&[], build, Format::GoStyle))?
    {
        super::Opened::Workspace(ws) => ws,
        super::Opened::Reported(status) => return Ok(status),
    };
    let map = SourceMap::new();
    let expansion = match expand_patterns(&ws, &map, &["./...".to_string()]) {
        Ok(e) => e,
        Err(err) => {
            eprintln!("gox: {err}");
            return Ok(Status::Failure);
        }
    };
    let graph = load_graph(&ws, &map, expansion.roots, None);
    // Breadth-first from the main module's packages, in import path order.
    let mut parent: HashMap<usize, Option<usize>> = HashMap::new();
    let mut queue = VecDeque::new();
    let mut roots: Vec<usize> = (0..graph.units.len()).filter(|&i| graph.units[i].is_root).collect();
    roots.sort_by(|&a, &b| graph.units[a].import_path.cmp(&graph.units[b].import_path));
    for r in roots {
        parent.insert(r, None);
        queue.push_back(r);
    }
    let mut order = Vec::new();
    while let Some(u) = queue.pop_front() {
        order.push(u);
        let mut next: Vec<usize> = graph.units[u].imports.iter().filter_map(|i| i.target.as_ref().ok().copied()).collect();
        next.sort_by(|&a, &b| graph.units[a].import_path.cmp(&graph.units[b].import_path));
        for t in next {
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(t) {
                e.insert(Some(u));
                queue.push_back(t);
            }
        }
    }
    let closure = ws.closure();
    for (n, target) in targets.iter().enumerate() {
        if n > 0 {
            println!();
        }
        let is_module = closure.modules().iter().any(|m| &m.path == target);
        println!("# {target}");
        let found = order.iter().copied().find(|&u| {
            let unit = &graph.units[u];
            if is_module {
                ws.resolver.module_of(&unit.id).is_some_and(|m| &m.path == target)
            } else {
                &unit.import_path == target
            }
        });
        match found {
            Some(mut u) => {
                let mut chain = vec![u];
                while let Some(Some(p)) = parent.get(&u) {
                    chain.push(*p);
                    u = *p;
                }
                for u in chain.iter().rev() {
                    println!("{}", graph.units[*u].import_path);
                }
            }
            None => {
                let kind = if is_module { "module" } else { "package" };
                println!("(main module does not need {kind} {target})");
            }
        }
    }
    Ok(Status::Success)
}

/// `gox mod download`: make `.goxdeps` hold exactly the versions gox.mod and
/// gox.lock name, for the whole closure (transitive modules included),
/// each verified against gox.lock's hash. gox.mod is never written;
/// gox.lock only when it lacked a module of the closure or listed one too
/// many.
pub fn download(offline: bool) -> Result<Status> {
    let mut project = match open_or_report("gox mod download")? {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    let fetcher = match fetcher(offline) {
        Ok(f) => f,
        Err(message) => {
            eprintln!("gox: {message}");
            return Ok(Status::Failure);
        }
    };
    let cwd = std::env::current_dir()?;
    match download_closure(&mut project, &fetcher) {
        Ok(()) => Ok(Status::Success),
        Err(err) => {
            project.discard_downloads();
            eprintln!("gox: {}", err.message(&cwd));
            Ok(Status::Failure)
        }
    }
}

fn download_closure(project: &mut Project, fetcher: &Fetcher) -> Result<(), ProjectError> {
    let (closure, _) = project.complete_closure(fetcher)?;
    for module in closure.modules().iter().filter(|m| !m.is_root() && !m.workspace) {
        if let Some(version) = &module.version {
            project.fetch(fetcher, &module.path, version)?;
        }
    }
    let before = project.saved_lock();
    project.lock_closure(fetcher, closure)?;
    project.save()?;
    for line in dropped_lines(&before, &project.lock, &[]) {
        eprintln!("gox: {line}");
    }
    Ok(())
}

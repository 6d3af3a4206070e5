//! `gox get`: fetch modules into `.goxdeps`, record
//! them in gox.mod and gox.lock. The algorithm is gox-module's `Project`.

use std::path::Path;

use anyhow::Result;
use gox_cli::cli::GetArgs;
use gox_cli::driver::deps::{dropped_lines, fetcher};
use gox_cli::driver::imports::alias_imports;
use gox_module::closure::Override;
use gox_module::fetch::{Fetcher, Query};
use gox_module::project::{Project, ProjectError};
use gox_module::ModFile;

use super::{open_or_report, Status};

/// The default alias of a module: its last path element without a `/vN`
/// major suffix, made into an identifier.
pub fn default_alias(module: &str) -> String {
    let mut elems: Vec<&str> = module.split('/').collect();
    if elems.len() > 1 {
        if let Some(last) = elems.last() {
            if last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit()) {
                elems.pop();
            }
        }
    }
    let last = elems.last().copied().unwrap_or(module);
    let last = last.strip_prefix("go-").unwrap_or(last);
    let last = last.strip_suffix(".go").or_else(|| last.strip_suffix(".gox")).unwrap_or(last);
    let mut alias: String =
        last.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if alias.is_empty() || alias.starts_with(|c: char| c.is_ascii_digit()) || alias == "_" {
        alias.insert(0, 'm');
    }
    alias
}

/// What one `gox get` argument asks for.
enum Action {
    Query(Query),
    /// `-u`: the newest release (or patch) above the current version, if any.
    Upgrade { patch: bool },
    Remove,
}

/// One `gox get` argument: the module it names and what to do.
struct Target {
    text: String,
    module: String,
    action: Action,
}

/// Parses `module@query` or `alias@query` (no `@`: `latest`, or the `-u`
/// upgrade); an alias names the module gox.mod requires under it.
fn parse_target(text: &str, modfile: &ModFile, update: Option<&str>) -> Result<Target, String> {
    let (name, query_text) = match text.rsplit_once('@') {
        Some((name, q)) => (name, Some(q)),
        None => (text, None),
    };
    let action = match (query_text, update) {
        (Some("none"), _) => Action::Remove,
        (Some(q), _) => Action::Query(Query::parse(q).map_err(|e| format!("gox get {text}: {e}"))?),
        (None, Some(mode)) => Action::Upgrade { patch: mode == "patch" },
        (None, None) => Action::Query(Query::Latest),
    };
    let module = match modfile.require_by_alias(name) {
        Some(req) if !name.contains('/') && !name.contains('.') => req.module_path.clone(),
        _ => {
            if !name.contains('/') && !name.contains('.') {
                return Err(format!(
                    "gox get {text}: no require with alias \"{name}\" in gox.mod, and \"{name}\" is not a module path (missing dot in first path element)"
                ));
            }
            if let Err(err) = gox_module::modpath::check_module_path(name) {
                return Err(format!("gox get {text}: {err}"));
            }
            name.to_string()
        }
    };
    Ok(Target { text: text.to_string(), module, action })
}

pub fn run(args: &GetArgs) -> Result<Status> {
    if args.alias.is_some() && args.targets.len() != 1 {
        eprintln!("gox get: --alias needs exactly one module");
        return Ok(Status::Usage);
    }
    if let Some(alias) = &args.alias {
        if let Err(why) = gox_module::modfile::check_alias(alias) {
            eprintln!("gox get: invalid --alias \"{alias}\": {why}");
            return Ok(Status::Usage);
        }
    }
    let mut project = match open_or_report("gox get")? {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    let mut targets = Vec::new();
    let texts: Vec<String> = if args.targets.is_empty() {
        // -u alone: every direct dependency.
        project.modfile.requires().iter().map(|r| r.module_path.clone()).collect()
    } else {
        args.targets.clone()
    };
    for text in &texts {
        match parse_target(text, &project.modfile, args.update.as_deref()) {
            Ok(t) => targets.push(t),
            Err(message) => {
                eprintln!("{message}");
                return Ok(Status::Usage);
            }
        }
    }
    let fetcher = match fetcher(args.offline) {
        Ok(f) => f,
        Err(message) => {
            eprintln!("gox: {message}");
            return Ok(Status::Failure);
        }
    };
    let cwd = std::env::current_dir()?;
    let status = match get_targets(&mut project, &fetcher, &targets, args, &cwd) {
        Ok(status) => status,
        Err(err) => {
            eprintln!("gox: {}", err.message(&cwd));
            Status::Failure
        }
    };
    if status != Status::Success {
        project.discard_downloads();
    }
    Ok(status)
}

/// Fetches and requires (or removes) each target, completes the closure,
/// checks the overrides, then saves (nothing is written unless everything
/// succeeded) and reports.
fn get_targets(
    project: &mut Project,
    fetcher: &Fetcher,
    targets: &[Target],
    args: &GetArgs,
    cwd: &Path,
) -> Result<Status, ProjectError> {
    let goxdeps = project.goxdeps();
    let mut changes = Vec::new();
    let mut removed: Vec<&str> = Vec::new();
    for target in targets {
        let module = &target.module;
        let previous = project.modfile.require_by_path(module).cloned();
        if let Action::Remove = target.action {
            let Some(prev) = previous else {
                let pos = project.modfile.module_pos().clone();
                eprintln!(
                    "{}:{}:{}: gox get {}: module {module} is not required by {}; nothing to remove",
                    gox_common::display_path(&pos.file, Some(cwd)),
                    pos.line,
                    pos.col,
                    target.text,
                    project.modfile.module_path()
                );
                return Ok(Status::Failure);
            };
            let (imports, _) = alias_imports(&project.root);
            if let Some(uses) = imports.get(&prev.alias) {
                for u in uses {
                    eprintln!(
                        "{}: gox get {}: @\"{}\" still imports {module}; remove the import first",
                        u.position(cwd),
                        target.text,
                        u.path
                    );
                }
                return Ok(Status::Failure);
            }
            project.modfile.remove_require(&prev.alias).map_err(ProjectError::Mod)?;
            changes.push(format!("removed {module} {}", prev.version_text));
            removed.push(module);
            continue;
        }
        let alias = match (args.alias.as_deref(), &previous) {
            (Some(a), _) => a.to_string(),
            (None, Some(req)) => req.alias.clone(),
            (None, None) => default_alias(module),
        };
        if let Some(other) = project.modfile.require_by_alias(&alias) {
            if &other.module_path != module {
                eprintln!(
                    "gox get {}: alias \"{alias}\" is already used for {} in gox.mod; choose another with --alias NAME",
                    target.text, other.module_path
                );
                return Ok(Status::Failure);
            }
        }
        if let Err(why) = gox_module::modfile::check_alias(&alias) {
            eprintln!(
                "gox get {}: cannot use \"{alias}\" as the alias of {module}: {why}; choose one with --alias NAME",
                target.text
            );
            return Ok(Status::Failure);
        }
        let query = match (&target.action, &previous) {
            (Action::Query(q), _) => q.clone(),
            (Action::Upgrade { patch: true }, Some(prev)) => {
                Query::Prefix { major: prev.version.major, minor: Some(prev.version.minor) }
            }
            _ => Query::Latest,
        };
        // An exact version already in .goxdeps needs no lookup (and works offline).
        let version = match &query {
            Query::Exact(v) if gox_module::goxdeps::module_dir(&goxdeps, module, v).is_dir() => v.clone(),
            query => fetcher.resolve(module, query).map_err(ProjectError::Fetch)?,
        };
        if let (Action::Upgrade { .. }, Some(prev)) = (&target.action, &previous) {
            if version <= prev.version {
                continue;
            }
        }
        project.fetch(fetcher, module, &version)?;
        if let Some(prev) = &previous {
            if prev.alias != alias {
                project.modfile.remove_require(&prev.alias).map_err(ProjectError::Mod)?;
            }
        }
        project.modfile.add_or_replace_require(&alias, module, &version).map_err(ProjectError::Mod)?;
        let change = match &previous {
            Some(prev) if prev.version < version => Some(format!("upgraded {module} v{} => v{version}", prev.version)),
            Some(prev) if prev.version > version => Some(format!("downgraded {module} v{} => v{version}", prev.version)),
            Some(prev) if prev.alias != alias => Some(format!("{module} v{version} is now imported as @\"{alias}\"")),
            Some(_) => None,
            None => Some(format!("added {module} v{version} as @\"{alias}\"")),
        };
        changes.extend(change);
    }
    let before = project.saved_lock();
    // The closure of the edited gox.mod is completed before anything is
    // written: on failure gox.mod and gox.lock stay as they were.
    let (closure, added) = project.complete_closure(fetcher)?;
    for a in &added {
        if before.entries().iter().all(|e| e.path != a.path) {
            changes.push(format!("added {} v{} (required by {})", a.path, a.version, a.required_by));
        }
    }
    let closure = project.lock_closure(fetcher, closure)?;
    let old_overrides: Vec<Override> = project.saved_closure().map(|c| c.overrides()).unwrap_or_default();
    let new_overrides: Vec<Override> =
        closure.overrides().into_iter().filter(|o| !old_overrides.contains(o)).collect();
    let refused: Vec<&Override> = new_overrides.iter().filter(|o| o.is_downgrade()).collect();
    if !refused.is_empty() && !args.force {
        for o in &refused {
            eprintln!(
                "gox get: {} requires {} v{}, but gox.mod would require v{}: the build would use v{} and {} may not compile\n\
                 \tto satisfy it: gox get {}@v{}; to pin v{} anyway: gox get --force",
                o.requirer, o.path, o.required, o.root_version, o.root_version, o.requirer, o.path, o.required, o.root_version
            );
        }
        return Ok(Status::Failure);
    }
    project.save()?;
    changes.extend(dropped_lines(&before, &project.lock, &removed));
    let pruned = if removed.is_empty() { Vec::new() } else { project.prune_goxdeps(&closure)? };
    for change in &changes {
        eprintln!("gox: {change}");
    }
    for dir in &pruned {
        eprintln!("gox: deleted {}", gox_common::display_path(dir, Some(cwd)));
    }
    for o in &new_overrides {
        eprintln!("gox: warning: {o}");
    }
    Ok(Status::Success)
}

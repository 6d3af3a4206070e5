//! `analyze_project`: patterns in, checked packages with diagnostics out.
//!
//! The graph is checked level by level (a package's imports are in earlier
//! levels; one level's packages are checked in parallel). With a cache,
//! each package's key is computed from its sources and its imports' API
//! fingerprints; a hit gives its diagnostics and fingerprint without
//! parsing or checking. A miss is parsed and checked; the packages it
//! imports that were hits are checked first (silently) to give it their
//! types, since the cache keeps fingerprints, not full export data.

use std::sync::Arc;
use std::time::{Duration, Instant};

use gox_analysis::{check_package, Config, ImportError, Package};
use gox_common::{Diagnostic, SourceMap};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::cache::{fingerprint, Cache, Hash, KeyBuilder};
use super::graph::{break_cycles, levels};
use super::importer::ProjectImporter;
use super::load::{load_graph, PackageGraph, Unit};
use super::patterns::{expand_patterns, PatternError};
use super::workspace::Workspace;

/// One package after checking.
pub struct CheckedUnit {
    pub unit: Unit,
    /// `None` when the package's result came from the cache.
    pub package: Option<Arc<Package>>,
    /// Read, syntax, resolution and type errors of this package.
    pub diagnostics: Vec<Diagnostic>,
    pub cached: bool,
}

/// Where the time went.
#[derive(Default, Debug)]
pub struct Timings {
    /// Reading files, parsing headers and resolving imports.
    pub load: Duration,
    /// Hashing sources and cache lookups.
    pub cache: Duration,
    pub parse: Duration,
    pub check: Duration,
    /// Per package: (import path, parse + check time), slowest first.
    pub packages: Vec<(String, Duration)>,
    pub total: Duration,
}

pub struct Analysis {
    pub map: SourceMap,
    /// Every package of the build: those the patterns matched
    /// (`unit.is_root`) and everything they import.
    pub units: Vec<CheckedUnit>,
    pub timings: Timings,
}

impl Analysis {
    /// Every diagnostic of the build, each once, in a stable order.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.units.iter().flat_map(|u| &u.diagnostics).collect();
        all.sort_by(|a, b| {
            let pa = self.map.path(a.span.file);
            let pb = self.map.path(b.span.file);
            (pa, a.span.lo, &a.message).cmp(&(pb, b.span.lo, &b.message))
        });
        all.dedup_by(|a, b| a.span == b.span && a.message == b.message);
        all
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics().iter().filter(|d| d.is_error()).count()
    }
}

#[derive(Default)]
struct State {
    package: Option<Arc<Package>>,
    diagnostics: Option<Vec<Diagnostic>>,
    fingerprint: Option<Hash>,
    cached: bool,
    time: Duration,
    parse: Duration,
}

/// Parses and checks one unit whose imports all have packages.
fn check_unit(graph: &PackageGraph, states: &[State], u: usize) -> (Arc<Package>, Vec<Diagnostic>, Duration, Duration) {
    let unit = &graph.units[u];
    let started = Instant::now();
    let (asts, syntax) = unit.parse();
    let parse = started.elapsed();
    let mut importer = ProjectImporter::new();
    for import in &unit.imports {
        let result = match &import.target {
            Ok(t) => states[*t].package.clone().ok_or_else(|| ImportError::new(format!("could not import {}", import.path))),
            Err(message) => Err(ImportError::new(message.clone())),
        };
        importer.insert(&import.path, import.external, result);
    }
    let checked = check_package(&unit.import_path, &asts, &mut importer, &Config::default());
    let mut diagnostics = unit.diagnostics.clone();
    let has_syntax_errors = syntax.iter().any(Diagnostic::is_error) || unit.diagnostics.iter().any(Diagnostic::is_error);
    diagnostics.extend(syntax);
    // A package with syntax errors is checked so that its importers see
    // what could be parsed, but its type errors would mostly be echoes of
    // the syntax errors: one root cause, one error.
    if !has_syntax_errors {
        diagnostics.extend(checked.diagnostics);
    }
    (checked.package, diagnostics, parse, started.elapsed())
}

/// The cache key of a unit, once its imports' fingerprints are known.
fn unit_key(ws: &Workspace, graph: &PackageGraph, states: &[State], u: usize) -> Hash {
    let unit = &graph.units[u];
    let build = ws.vfs.build_config();
    let mut key = KeyBuilder::new();
    key.part("path", unit.import_path.as_bytes())
        .part("goos", build.goos.as_bytes())
        .part("goarch", build.goarch.as_bytes())
        .part("tags", build.tags.join(",").as_bytes())
        .part("tests", &[build.tests as u8]);
    for file in &unit.files {
        key.part("file", file.path.to_string_lossy().as_bytes());
        key.part("sha256", &Sha256::digest(file.text.as_bytes()));
    }
    for import in &unit.imports {
        key.part("import", import.path.as_bytes()).part("external", &[import.external as u8]);
        match &import.target {
            Ok(t) => key.part("fingerprint", &states[*t].fingerprint.unwrap_or_default()),
            Err(message) => key.part("error", message.as_bytes()),
        };
    }
    key.finish()
}

/// Makes sure every unit in `need` (and, first, everything it imports) has
/// a checked package, checking level by level in parallel.
fn materialize(graph: &PackageGraph, order: &[Vec<usize>], states: &mut [State], need: &[usize]) {
    let mut wanted = vec![false; graph.units.len()];
    let mut stack: Vec<usize> = need.to_vec();
    while let Some(u) = stack.pop() {
        if wanted[u] || states[u].package.is_some() {
            continue;
        }
        wanted[u] = true;
        stack.extend(graph.units[u].imports.iter().filter_map(|i| i.target.as_ref().ok().copied()));
    }
    for level in order {
        let todo: Vec<usize> = level.iter().copied().filter(|&u| wanted[u]).collect();
        let results: Vec<_> = todo.par_iter().map(|&u| (u, check_unit(graph, states, u))).collect();
        for (u, (package, diags, parse, time)) in results {
            let s = &mut states[u];
            s.fingerprint.get_or_insert_with(|| fingerprint(&package));
            s.package = Some(package);
            s.diagnostics.get_or_insert(diags);
            s.parse += parse;
            s.time += time;
        }
    }
}

/// Loads, parses and checks the packages matched by `patterns` and all they
/// import, each once. With `cache`, unchanged packages are not checked again.
pub fn analyze_project_cached(ws: &Workspace, patterns: &[String], cache: Option<&Cache>) -> Result<Analysis, PatternError> {
    let started = Instant::now();
    let map = SourceMap::new();
    let roots = expand_patterns(ws, patterns)?;
    let mut graph = load_graph(ws, &map, roots);
    break_cycles(&mut graph);
    let order = levels(&graph);
    let mut timings = Timings { load: started.elapsed(), ..Timings::default() };

    let n = graph.units.len();
    let mut states: Vec<State> = (0..n).map(|_| State::default()).collect();
    for (depth, level) in order.iter().enumerate() {
        let Some(cache) = cache else {
            materialize(&graph, &order[..=depth], &mut states, level);
            continue;
        };
        let lookup_started = Instant::now();
        let keys: Vec<(usize, Hash)> = level.par_iter().map(|&u| (u, unit_key(ws, &graph, &states, u))).collect();
        let mut misses = Vec::new();
        for &(u, key) in &keys {
            match cache.get(&key, &map) {
                Some(entry) => {
                    states[u].fingerprint = Some(entry.fingerprint);
                    states[u].diagnostics = Some(entry.diagnostics);
                    states[u].cached = true;
                }
                None => misses.push(u),
            }
        }
        timings.cache += lookup_started.elapsed();
        if misses.is_empty() {
            continue;
        }
        materialize(&graph, &order[..=depth], &mut states, &misses);
        let store_started = Instant::now();
        for &(u, key) in keys.iter().filter(|(u, _)| misses.contains(u)) {
            if let (Some(fp), Some(diags)) = (&states[u].fingerprint, &states[u].diagnostics) {
                cache.put(&key, fp, diags, &map);
            }
        }
        timings.cache += store_started.elapsed();
    }

    let units: Vec<CheckedUnit> = graph
        .units
        .into_iter()
        .zip(states)
        .map(|(unit, state)| {
            timings.parse += state.parse;
            timings.check += state.time.saturating_sub(state.parse);
            if state.time > Duration::ZERO {
                timings.packages.push((unit.import_path.clone(), state.time));
            }
            CheckedUnit { unit, package: state.package, diagnostics: state.diagnostics.unwrap_or_default(), cached: state.cached }
        })
        .collect();
    timings.packages.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    timings.total = started.elapsed();
    Ok(Analysis { map, units, timings })
}

/// [`analyze_project_cached`] without a cache: everything is checked.
pub fn analyze_project(ws: &Workspace, patterns: &[String]) -> Result<Analysis, PatternError> {
    analyze_project_cached(ws, patterns, None)
}

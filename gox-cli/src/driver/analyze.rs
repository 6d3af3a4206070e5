//! `analyze_project`: patterns in, checked packages with diagnostics out.

use std::sync::Arc;

use gox_analysis::{check_package, Config, ImportError, Package};
use gox_common::{Diagnostic, SourceMap};
use rayon::prelude::*;

use super::graph::{break_cycles, levels};
use super::importer::ProjectImporter;
use super::load::{load_graph, Unit};
use super::patterns::{expand_patterns, PatternError};
use super::workspace::Workspace;

/// One package after checking.
pub struct CheckedUnit {
    pub unit: Unit,
    pub package: Option<Arc<Package>>,
    /// Syntax, resolution and type errors of this package, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

pub struct Analysis {
    pub map: SourceMap,
    /// Every package of the build: those the patterns matched
    /// (`unit.is_root`) and everything they import.
    pub units: Vec<CheckedUnit>,
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

/// Loads, parses and checks the packages matched by `patterns` and all they
/// import, each once; packages of one dependency level are checked in
/// parallel.
pub fn analyze_project(ws: &Workspace, patterns: &[String]) -> Result<Analysis, PatternError> {
    let map = SourceMap::new();
    let roots = expand_patterns(ws, patterns)?;
    let mut graph = load_graph(ws, &map, roots);
    break_cycles(&mut graph);
    let order = levels(&graph);

    let n = graph.units.len();
    let mut packages: Vec<Option<Arc<Package>>> = vec![None; n];
    let mut diagnostics: Vec<Vec<Diagnostic>> = vec![Vec::new(); n];
    let config = Config::default();
    for level in order {
        let results: Vec<(usize, Arc<Package>, Vec<Diagnostic>)> = level
            .par_iter()
            .map(|&u| {
                let unit = &graph.units[u];
                let mut importer = ProjectImporter::new();
                for import in &unit.imports {
                    let result = match &import.target {
                        Ok(t) => packages[*t]
                            .clone()
                            .ok_or_else(|| ImportError::new(format!("could not import {}", import.path))),
                        Err(message) => Err(ImportError::new(message.clone())),
                    };
                    importer.insert(&import.path, import.external, result);
                }
                let checked = check_package(&unit.import_path, &unit.asts, &mut importer, &config);
                // A package with syntax errors is checked so that its importers
                // see what could be parsed, but its type errors would mostly
                // be echoes of the syntax errors: one root cause, one error.
                let has_syntax_errors = unit.diagnostics.iter().any(Diagnostic::is_error);
                let diags = if has_syntax_errors { Vec::new() } else { checked.diagnostics };
                (u, checked.package, diags)
            })
            .collect();
        for (u, package, diags) in results {
            packages[u] = Some(package);
            diagnostics[u] = diags;
        }
    }

    let units = graph
        .units
        .into_iter()
        .zip(packages)
        .zip(diagnostics)
        .map(|((mut unit, package), check_diags)| {
            let mut diags = std::mem::take(&mut unit.diagnostics);
            diags.extend(check_diags);
            CheckedUnit { unit, package, diagnostics: diags }
        })
        .collect();
    Ok(Analysis { map, units })
}

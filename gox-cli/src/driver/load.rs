//! Loading the package graph: starting from the packages the patterns name,
//! read and parse every package's files (in parallel) and resolve its
//! imports through the [`Vfs`], breadth-first, each package once.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use gox_common::{Diagnostic, SourceFile, SourceMap, Span};
use gox_module::{PackageId, ResolvedPackage};
use gox_syntax::ast;
use rayon::prelude::*;

use super::workspace::Workspace;

/// One import of a package (all specs with the same path share it).
#[derive(Clone, Debug)]
pub struct Import {
    pub path: String,
    pub external: bool,
    /// The first spec that asks for it.
    pub span: Span,
    /// Index of the imported unit in [`PackageGraph::units`], or why the
    /// import cannot be resolved.
    pub target: Result<usize, String>,
}

/// A parsed package, before checking.
pub struct Unit {
    pub id: PackageId,
    pub import_path: String,
    pub dir: PathBuf,
    pub files: Vec<Arc<SourceFile>>,
    pub asts: Vec<ast::File>,
    pub imports: Vec<Import>,
    /// Problems found while reading and parsing (syntax errors included).
    pub diagnostics: Vec<Diagnostic>,
    /// Named on the command line (as opposed to reached by an import).
    pub is_root: bool,
}

pub struct PackageGraph {
    pub units: Vec<Unit>,
    pub index: HashMap<PackageId, usize>,
}

/// Reads and parses every file of one package.
fn parse_unit(ws: &Workspace, map: &SourceMap, rp: &ResolvedPackage, is_root: bool) -> Unit {
    let parsed: Vec<(Option<Arc<SourceFile>>, Option<ast::File>, Vec<Diagnostic>)> = rp
        .files
        .par_iter()
        .map(|path| match super::source::read_source(&ws.fs, map, path) {
            Ok(file) => {
                let (ast, diags) = gox_syntax::parse_file(&file);
                (Some(file), Some(ast), diags)
            }
            Err(diag) => (None, None, vec![diag]),
        })
        .collect();
    let mut unit = Unit {
        id: rp.id.clone(),
        import_path: rp.import_path.clone(),
        dir: rp.dir.clone(),
        files: Vec::new(),
        asts: Vec::new(),
        imports: Vec::new(),
        diagnostics: Vec::new(),
        is_root,
    };
    for (file, ast, diags) in parsed {
        unit.files.extend(file);
        unit.asts.extend(ast);
        unit.diagnostics.extend(diags);
    }
    unit
}

/// Loads the graph reachable from `roots`. Resolution failures become
/// failed [`Import`]s, reported later by the checker at the import spec.
pub fn load_graph(ws: &Workspace, map: &SourceMap, roots: Vec<ResolvedPackage>) -> PackageGraph {
    let mut graph = PackageGraph { units: Vec::new(), index: HashMap::new() };
    let mut frontier: Vec<(ResolvedPackage, bool)> = Vec::new();
    for rp in roots {
        if !graph.index.contains_key(&rp.id) {
            graph.index.insert(rp.id.clone(), graph.index.len());
            frontier.push((rp, true));
        }
    }
    while !frontier.is_empty() {
        let units: Vec<Unit> = frontier.par_iter().map(|(rp, root)| parse_unit(ws, map, rp, *root)).collect();
        frontier = Vec::new();
        for mut unit in units {
            let mut seen: HashMap<(String, bool), usize> = HashMap::new();
            for file in &unit.asts {
                for spec in &file.imports {
                    let key = (spec.path.clone(), spec.is_external());
                    if seen.contains_key(&key) {
                        continue;
                    }
                    let target = match ws.vfs.resolve(&unit.id, &spec.path, spec.is_external()) {
                        Ok(rp) => {
                            if let Some(warning) = rp.shadow_warning() {
                                unit.diagnostics.push(Diagnostic::warning(spec.path_span, warning));
                            }
                            let next = graph.index.len();
                            let idx = *graph.index.entry(rp.id.clone()).or_insert_with(|| {
                                frontier.push((rp, false));
                                next
                            });
                            Ok(idx)
                        }
                        Err(err) => Err(err.to_string()),
                    };
                    seen.insert(key, unit.imports.len());
                    unit.imports.push(Import {
                        path: spec.path.clone(),
                        external: spec.is_external(),
                        span: spec.path_span,
                        target,
                    });
                }
            }
            graph.units.push(unit);
        }
    }
    // Units were pushed in index order: frontier order matches index order.
    debug_assert!(graph.units.iter().enumerate().all(|(i, u)| graph.index[&u.id] == i));
    graph
}


//! Loading the package graph: starting from the packages the patterns name,
//! read every package's files (in parallel), parse just their package
//! clauses and imports, and resolve the imports through the `Vfs`,
//! breadth-first, each package once. Full parsing waits until a package
//! must really be checked (a cache hit never parses).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use gox_common::{Diagnostic, SourceFile, SourceMap, Span};
use gox_module::{PackageId, ResolvedPackage};
use gox_syntax::ast;
use rayon::prelude::*;

use super::source::read_source;
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

/// A package of the build, before checking.
pub struct Unit {
    pub id: PackageId,
    pub import_path: String,
    /// The name in the package clauses.
    pub name: String,
    pub dir: PathBuf,
    pub files: Vec<Arc<SourceFile>>,
    pub imports: Vec<Import>,
    /// Problems found while reading the files and resolving imports.
    pub diagnostics: Vec<Diagnostic>,
    /// Named on the command line (as opposed to reached by an import).
    pub is_root: bool,
}

impl Unit {
    /// Parses every file in full: the ASTs and syntax errors. On the
    /// calling thread, which checks the package and frees the ASTs:
    /// allocator pages stay with one thread, and packages already give the
    /// pool enough parallel work.
    pub fn parse(&self) -> (Vec<ast::File>, Vec<Diagnostic>) {
        let parsed: Vec<(ast::File, Vec<Diagnostic>)> = self.files.iter().map(|f| gox_syntax::parse_file(f)).collect();
        let mut asts = Vec::with_capacity(parsed.len());
        let mut diags = Vec::new();
        for (ast, d) in parsed {
            asts.push(ast);
            diags.extend(d);
        }
        (asts, diags)
    }
}

pub struct PackageGraph {
    pub units: Vec<Unit>,
    pub index: HashMap<PackageId, usize>,
}

/// What one file contributes before full parsing.
struct Header {
    file: Arc<SourceFile>,
    read_errors: Vec<Diagnostic>,
    imports: Vec<ast::ImportSpec>,
}

fn read_headers(ws: &Workspace, map: &SourceMap, rp: &ResolvedPackage) -> Vec<Header> {
    rp.files
        .par_iter()
        .map(|path| {
            let (file, read_errors) = read_source(&ws.fs, map, path);
            let (header, _) = gox_syntax::parse_package_clause_and_imports(file.id, &file.text);
            Header { file, read_errors, imports: header.imports }
        })
        .collect()
}

/// Loads the graph reachable from `roots`. Resolution failures become
/// failed [`Import`]s, reported by the checker at the import spec.
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
        let headers: Vec<Vec<Header>> = frontier.par_iter().map(|(rp, _)| read_headers(ws, map, rp)).collect();
        let current = std::mem::take(&mut frontier);
        for ((rp, is_root), headers) in current.into_iter().zip(headers) {
            let mut unit = Unit {
                id: rp.id.clone(),
                import_path: rp.import_path.clone(),
                name: rp.name.clone(),
                dir: rp.dir.clone(),
                files: Vec::new(),
                imports: Vec::new(),
                diagnostics: Vec::new(),
                is_root,
            };
            let mut seen: HashMap<(String, bool), ()> = HashMap::new();
            for header in headers {
                unit.files.push(header.file);
                unit.diagnostics.extend(header.read_errors);
                for spec in header.imports {
                    if seen.insert((spec.path.clone(), spec.is_external()), ()).is_some() {
                        continue;
                    }
                    let target = match ws.vfs.resolve(&unit.id, &spec.path, spec.is_external()) {
                        Ok(dep) => {
                            if let Some(warning) = dep.shadow_warning() {
                                unit.diagnostics.push(Diagnostic::warning(spec.path_span, warning));
                            }
                            let next = graph.index.len();
                            let idx = *graph.index.entry(dep.id.clone()).or_insert_with(|| {
                                frontier.push((dep, false));
                                next
                            });
                            Ok(idx)
                        }
                        Err(err) => Err(err.to_string()),
                    };
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
    graph
}

//! Go to definition, find references, rename.
//!
//! References to an unexported name are all in its package, whose Info the
//! snapshot has. An exported name may be used anywhere in the module: the
//! module is checked once more with Info for every package of its own
//! (dependencies and std from the cache), on the request's thread.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gox_analysis::{Info, Obj, ObjectKind};
use gox_common::{FileId, FileSystem, RealFs, SourceMap, Span};
use gox_syntax::ast::NodeId;
use gox_syntax::visit::{self, Visitor};
use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse, Location, ReferenceParams, RenameParams, TextDocumentPositionParams, TextEdit, WorkspaceEdit};

use super::convert;
use super::locate;
use super::overlay::OverlayFs;
use super::snapshot::{At, Ctx};
use super::{LspError, Settings};
use crate::driver::analyze::{analyze_project_with, Options};
use crate::driver::cache::Cache;
use crate::driver::load::Unit;
use crate::Workspace;

pub fn definition(ctx: &Ctx, params: &GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>, LspError> {
    let at = ctx.at(&params.text_document_position_params)?;
    let obj = match target(&at) {
        Some((obj, _)) => obj,
        None => return Ok(None),
    };
    let location = match locate::imported_package(&obj) {
        // The package clause of the imported package's first file.
        Some(pkg) => package_location(ctx, pkg.path()),
        None => ctx.declaration(&obj),
    };
    Ok(location.map(GotoDefinitionResponse::Scalar))
}

fn package_location(ctx: &Ctx, import_path: &str) -> Option<Location> {
    let unit = ctx.snap.analysis()?.units.iter().find(|u| u.unit.import_path == import_path)?;
    let file = unit.unit.files.first()?;
    ctx.location(ctx.snap.ast(file).name.span)
}

/// The object under the cursor and the span of the name there.
fn target(at: &At) -> Option<(Obj, Span)> {
    if let Some(spec) = locate::import_at(&at.ast, at.offset) {
        return Some((locate::import_object(at.info, spec)?, spec.path_span));
    }
    let id = locate::ident_at(&at.ast, at.offset)?;
    Some((locate::object_of(at.info, at.file.id, &id)?, id.span))
}

/// One place an object is named.
struct Occurrence {
    path: PathBuf,
    span: Span,
    file: Arc<gox_common::SourceFile>,
}

pub fn references(ctx: &Ctx, settings: &Settings, params: &ReferenceParams) -> Result<Vec<Location>, LspError> {
    let at = ctx.at(&params.text_document_position)?;
    let Some((obj, _)) = target(&at) else { return Ok(Vec::new()) };
    let found = occurrences(ctx, settings, &at, &obj, params.context.include_declaration)?;
    Ok(found
        .iter()
        .map(|o| Location { uri: convert::path_to_uri(&ctx.mirror.to_disk(&o.path)), range: convert::range(&o.file, o.span, ctx.enc) })
        .collect())
}

pub fn rename(ctx: &Ctx, settings: &Settings, params: &RenameParams) -> Result<Option<WorkspaceEdit>, LspError> {
    let at = ctx.at(&params.text_document_position)?;
    let Some((obj, _)) = target(&at) else {
        return Err(LspError::Refused("no identifier to rename here".to_string()));
    };
    check_renamable(ctx, &obj, &params.new_name)?;
    let found = occurrences(ctx, settings, &at, &obj, true)?;
    let mut changes: HashMap<lsp_types::Uri, Vec<TextEdit>> = HashMap::new();
    for o in found {
        let edit = TextEdit { range: convert::range(&o.file, o.span, ctx.enc), new_text: params.new_name.clone() };
        changes.entry(convert::path_to_uri(&o.path)).or_default().push(edit);
    }
    Ok(Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }))
}

pub fn prepare_rename(ctx: &Ctx, params: &TextDocumentPositionParams) -> Result<Option<lsp_types::PrepareRenameResponse>, LspError> {
    let at = ctx.at(params)?;
    let Some(id) = locate::ident_at(&at.ast, at.offset) else { return Ok(None) };
    let Some(obj) = locate::object_of(at.info, at.file.id, &id) else { return Ok(None) };
    check_renamable(ctx, &obj, obj.name())?;
    Ok(Some(lsp_types::PrepareRenameResponse::Range(convert::range(&at.file, id.span, ctx.enc))))
}

/// Only names declared in the module can be renamed, to identifiers.
fn check_renamable(ctx: &Ctx, obj: &Obj, new_name: &str) -> Result<(), LspError> {
    let name = obj.name();
    let Some(pkg) = &obj.pkg else {
        return Err(LspError::Refused(format!("cannot rename {name}: it is predeclared")));
    };
    if matches!(obj.kind, ObjectKind::PkgName { .. }) {
        return Err(LspError::Refused(format!("cannot rename package name {name}")));
    }
    let path = ctx.snap.analysis().and_then(|a| a.map.get(obj.span.file)).map(|f| f.path.clone()).unwrap_or_default();
    if !ctx.snap.in_module(&path) {
        let whose = if gox_module::is_std_package(&pkg.path) { "std package" } else { "dependency" };
        return Err(LspError::Refused(format!("cannot rename {name}: it is declared in {whose} {}", pkg.path)));
    }
    if !is_identifier(new_name) {
        return Err(LspError::Refused(format!("{new_name:?} is not a valid identifier")));
    }
    Ok(())
}

fn is_identifier(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for", "func", "go", "goto", "if",
        "import", "interface", "map", "package", "range", "return", "select", "struct", "switch", "type", "var",
    ];
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&s)
}

/// Where `obj` is named, sorted by file and position.
fn occurrences(ctx: &Ctx, settings: &Settings, at: &At, obj: &Obj, include_declaration: bool) -> Result<Vec<Occurrence>, LspError> {
    let snapshot_map = &ctx.snap.analysis().ok_or_else(|| LspError::Internal("no analysis".into()))?.map;
    let decl_path = snapshot_map.get(obj.span.file).map(|f| f.path.clone()).unwrap_or_default();
    let mut found = Vec::new();
    let local = !obj.is_exported() || matches!(obj.kind, ObjectKind::PkgName { .. }) || obj.pkg.is_none();
    if local {
        collect(at.info, snapshot_map, obj, &decl_path, include_declaration, &mut found);
    } else {
        let ws = module_workspace(ctx, settings)?;
        let cache = settings.cache_dir.clone().map(Cache::open);
        let root = ctx.snap.root.clone();
        let in_module = |u: &Unit| u.dir.starts_with(&root) && !u.dir.starts_with(root.join(gox_module::goxdeps::GOXDEPS_DIR));
        let options = Options { cache: cache.as_ref(), info_for: Some(&in_module), ..Options::default() };
        let analysis = analyze_project_with(&ws, &["./...".to_string()], options).map_err(|e| LspError::Internal(e.to_string()))?;
        for unit in &analysis.units {
            if let Some(info) = &unit.info {
                collect(info, &analysis.map, obj, &decl_path, include_declaration, &mut found);
            }
        }
    }
    found.sort_by(|a, b| (&a.path, a.span.lo).cmp(&(&b.path, b.span.lo)));
    found.dedup_by(|a, b| a.path == b.path && a.span.lo == b.span.lo);
    Ok(found)
}

/// Adds the definitions (with `include_declaration`) and uses of `obj`
/// recorded in `info`, the files of `map`.
fn collect(info: &Info, map: &SourceMap, obj: &Obj, decl_path: &Path, include_declaration: bool, out: &mut Vec<Occurrence>) {
    let path_of = |o: &Obj| map.get(o.span.file).map(|f| f.path.clone()).unwrap_or_default();
    let is_target = |candidate: &Obj| locate::same_object(candidate, &path_of(candidate), obj, decl_path);
    // Info keys uses by node: their spans come from the files' trees,
    // parsed only for the files that have one.
    let mut uses: HashMap<FileId, HashSet<NodeId>> = HashMap::new();
    for ((file, node), candidate) in &info.uses {
        if is_target(candidate) {
            uses.entry(*file).or_default().insert(*node);
        }
    }
    for (file_id, nodes) in uses {
        let Some(file) = map.get(file_id) else { continue };
        let (ast, _) = gox_syntax::parse_file(&file);
        for span in ident_spans(&ast, &nodes) {
            out.push(Occurrence { path: file.path.clone(), span, file: file.clone() });
        }
    }
    if include_declaration {
        for candidate in info.defs.values().flatten() {
            if is_target(candidate) {
                if let Some(file) = map.get(candidate.span.file) {
                    out.push(Occurrence { path: file.path.clone(), span: candidate.span, file });
                }
            }
        }
    }
}

/// The spans of the identifiers `nodes` of `file`.
fn ident_spans(file: &gox_syntax::ast::File, nodes: &HashSet<NodeId>) -> Vec<Span> {
    struct Spans<'a> {
        nodes: &'a HashSet<NodeId>,
        out: Vec<Span>,
    }
    impl Visitor for Spans<'_> {
        fn visit_ident(&mut self, id: &gox_syntax::ast::Ident) {
            if self.nodes.contains(&id.id) {
                self.out.push(id.span);
            }
        }
    }
    let mut spans = Spans { nodes, out: Vec::new() };
    visit::walk_file(&mut spans, file);
    spans.out
}

/// The workspace over the snapshot's buffers.
fn module_workspace(ctx: &Ctx, settings: &Settings) -> Result<Workspace, LspError> {
    let fs: Arc<dyn FileSystem> = Arc::new(OverlayFs::new(RealFs, ctx.snap.buffers.clone()));
    Workspace::open_in(fs, &ctx.snap.root, settings.build.clone()).map_err(|e| LspError::Internal(e.to_string()))
}


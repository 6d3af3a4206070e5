//! Document symbols (the declarations of one file, from its current text)
//! and workspace symbols (the package-level declarations of the module).

use std::path::PathBuf;

use gox_common::{FileId, SourceFile};
use gox_syntax::ast::{self, Decl, ExprKind, Spec};
use lsp_types::{DocumentSymbol, Location, SymbolInformation, SymbolKind};
use rayon::prelude::*;

use super::convert::{self, Encoding};
use crate::Workspace;

/// One declaration.
struct Symbol {
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    /// The whole declaration and its name.
    span: gox_common::Span,
    name_span: gox_common::Span,
    children: Vec<Symbol>,
}

/// The declarations of `file`: functions, methods (`(*T).M`), types with
/// their fields or methods, constants and variables.
fn declarations(file: &ast::File) -> Vec<Symbol> {
    let mut out = Vec::new();
    for decl in &file.decls {
        match decl {
            Decl::Func(f) => {
                let name = match &f.recv {
                    Some(recv) => match recv.list.first().map(|r| &r.ty.kind) {
                        Some(ExprKind::Star(t)) => format!("(*{}).{}", gox_analysis::typestring::expr_string(t), f.name.name),
                        Some(_) => format!("({}).{}", gox_analysis::typestring::expr_string(&recv.list[0].ty), f.name.name),
                        None => f.name.name.to_string(),
                    },
                    None => f.name.name.to_string(),
                };
                let kind = if f.recv.is_some() { SymbolKind::METHOD } else { SymbolKind::FUNCTION };
                out.push(Symbol { name, detail: None, kind, span: f.span, name_span: f.name.span, children: Vec::new() });
            }
            Decl::Gen(g) => {
                for spec in &g.specs {
                    match spec {
                        Spec::Type(t) => out.push(type_symbol(t)),
                        Spec::Value(v) => {
                            let kind = if g.kind == ast::GenKind::Const { SymbolKind::CONSTANT } else { SymbolKind::VARIABLE };
                            for n in v.names.iter().filter(|n| !n.is_blank()) {
                                let detail = v.ty.as_ref().map(gox_analysis::typestring::expr_string);
                                out.push(Symbol { name: n.name.to_string(), detail, kind, span: v.span, name_span: n.span, children: Vec::new() });
                            }
                        }
                        Spec::Import(_) => {}
                    }
                }
            }
            Decl::Bad(_) => {}
        }
    }
    out
}

fn type_symbol(t: &ast::TypeSpec) -> Symbol {
    let (kind, fields, member_kind) = match &t.ty.kind {
        ExprKind::StructType(fields) => (SymbolKind::STRUCT, Some(fields), SymbolKind::FIELD),
        ExprKind::InterfaceType(methods) => (SymbolKind::INTERFACE, Some(methods), SymbolKind::METHOD),
        _ => (SymbolKind::CLASS, None, SymbolKind::FIELD),
    };
    let mut children = Vec::new();
    for field in fields.map(|f| f.list.as_slice()).unwrap_or(&[]) {
        let ty = gox_analysis::typestring::expr_string(&field.ty);
        for n in &field.names {
            children.push(Symbol { name: n.name.to_string(), detail: Some(ty.clone()), kind: member_kind, span: field.span, name_span: n.span, children: Vec::new() });
        }
        if field.names.is_empty() {
            // An embedded field (or interface) is named by its type's name.
            let name = ty.trim_start_matches('*').rsplit('.').next().unwrap_or(&ty).to_string();
            children.push(Symbol { name, detail: Some(ty.clone()), kind: member_kind, span: field.span, name_span: field.ty.span, children: Vec::new() });
        }
    }
    let detail = Some(match kind {
        SymbolKind::STRUCT => "struct{...}".to_string(),
        SymbolKind::INTERFACE => "interface{...}".to_string(),
        _ => gox_analysis::typestring::expr_string(&t.ty),
    });
    Symbol { name: t.name.name.to_string(), detail, kind, span: t.span, name_span: t.name.span, children }
}

/// The outline of `text` (the current text of an open document).
pub fn document_symbols(path: PathBuf, text: &str, enc: Encoding) -> Vec<DocumentSymbol> {
    let file = SourceFile::new(FileId(0), path, text.into());
    let (ast, _) = gox_syntax::parse_file(&file);
    declarations(&ast).into_iter().map(|s| document_symbol(&file, s, enc)).collect()
}

#[allow(deprecated)] // DocumentSymbol::deprecated: the protocol still has the field
fn document_symbol(file: &SourceFile, s: Symbol, enc: Encoding) -> DocumentSymbol {
    let range = convert::range(file, s.span.to(s.name_span), enc);
    let children: Vec<DocumentSymbol> = s.children.into_iter().map(|c| document_symbol(file, c, enc)).collect();
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: s.kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: convert::range(file, s.name_span, enc),
        children: (!children.is_empty()).then_some(children),
    }
}

/// The package-level declarations of the module whose names contain
/// `query` (case-insensitive; every character in order), at most 200.
#[allow(deprecated)] // SymbolInformation::deprecated
pub fn workspace_symbols(ws: &Workspace, query: &str, enc: Encoding) -> Vec<SymbolInformation> {
    let found = gox_common::discover(&ws.fs, &ws.root);
    let files: Vec<PathBuf> = found
        .dirs
        .iter()
        .filter(|d| !d.starts_with(ws.root.join(gox_module::goxdeps::GOXDEPS_DIR)))
        .filter_map(|d| gox_common::FileSet::list(&ws.fs, d, ws.resolver.build_config()).ok())
        .flat_map(|set| set.files)
        .collect();
    let query = query.to_lowercase();
    let mut out: Vec<SymbolInformation> = files
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, path)| {
            let Ok(bytes) = gox_common::FileSystem::read_shared(&ws.fs, path) else { return Vec::new() };
            let (text, _) = gox_syntax::decode_source(&bytes);
            let file = SourceFile::new(FileId(i as u32), path.clone(), text.into());
            let (ast, _) = gox_syntax::parse_file(&file);
            let uri = convert::path_to_uri(path);
            let mut symbols = Vec::new();
            let mut push = |s: &Symbol, container: Option<String>| {
                if matches_query(&s.name, &query) {
                    symbols.push(SymbolInformation {
                        name: s.name.clone(),
                        kind: s.kind,
                        tags: None,
                        deprecated: None,
                        location: Location { uri: uri.clone(), range: convert::range(&file, s.name_span, enc) },
                        container_name: container,
                    });
                }
            };
            for s in declarations(&ast) {
                push(&s, None);
                for c in &s.children {
                    push(c, Some(s.name.clone()));
                }
            }
            symbols
        })
        .collect();
    out.sort_by(|a, b| (a.name.len(), &a.name, a.location.uri.as_str()).cmp(&(b.name.len(), &b.name, b.location.uri.as_str())));
    out.truncate(200);
    out
}

/// Whether every character of `query` (lower case) appears in `name` in order.
fn matches_query(name: &str, query: &str) -> bool {
    let mut chars = name.chars().flat_map(char::to_lowercase);
    query.chars().all(|q| chars.any(|c| c == q))
}

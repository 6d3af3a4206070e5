//! Completion: after `pkg.` the package's exported members, after `x.` the
//! fields and methods of x's type (promoted ones included), elsewhere the
//! identifiers in scope.

use std::collections::HashSet;

use gox_analysis::typestring::{signature_string, type_string};
use gox_analysis::{Obj, ObjectKind, PackageId, Type, TypeKind};
use gox_syntax::ast::ExprKind;
use lsp_types::{CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse};

use super::locate;
use super::snapshot::{At, Ctx};
use super::LspError;

pub fn completion(ctx: &Ctx, params: &CompletionParams) -> Result<Option<CompletionResponse>, LspError> {
    let at = ctx.at(&params.text_document_position)?;
    let text = at.file.text().as_bytes();
    let mut start = at.offset as usize;
    while start > 0 && (text[start - 1].is_ascii_alphanumeric() || text[start - 1] == b'_' || text[start - 1] >= 0x80) {
        start -= 1;
    }
    let prefix = at.file.text().get(start..at.offset as usize).unwrap_or("").to_lowercase();
    let here = at.unit.package.as_ref().map(|p| p.id.clone());
    let candidates = if start > 0 && text[start - 1] == b'.' {
        members(&at, start as u32 - 1, here.as_deref())
    } else {
        locate::visible_objects(at.info, &at.ast, start as u32)
    };
    let mut items: Vec<CompletionItem> = candidates
        .iter()
        .filter(|o| !o.is_blank() && o.name().to_lowercase().starts_with(&prefix))
        .map(|o| item(o, here.as_deref()))
        .collect();
    items.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(Some(CompletionResponse::Array(items)))
}

/// What may follow `x.` where the dot is at byte `dot`.
fn members(at: &At, dot: u32, here: Option<&PackageId>) -> Vec<Obj> {
    let operand = locate::operand_before_dot(&at.ast, dot);
    let mut ty = None;
    if let Some(x) = &operand {
        let obj = match &x.kind {
            ExprKind::Ident(id) => locate::object_of(at.info, at.file.id, id).or_else(|| locate::lookup_at(at.info, &at.ast, x.span.lo, id.name.as_str())),
            _ => None,
        };
        if let Some(pkg) = obj.as_ref().and_then(locate::imported_package) {
            return pkg.scope.objects().into_iter().filter(|o| o.is_exported()).collect();
        }
        match at.info.type_of(at.file.id, x.id) {
            Some(tv) if tv.is_type() => return Vec::new(),
            Some(tv) => ty = Some(tv.ty.clone()),
            None => ty = obj.filter(|o| o.is_var()).map(|o| o.ty()),
        }
    } else if let Some(name) = name_before(&at.file.text(), dot) {
        // Syntax too broken for a tree: look the name up in scope.
        match locate::lookup_at(at.info, &at.ast, dot, name) {
            Some(obj) => {
                if let Some(pkg) = locate::imported_package(&obj) {
                    return pkg.scope.objects().into_iter().filter(|o| o.is_exported()).collect();
                }
                if obj.is_var() {
                    ty = Some(obj.ty());
                }
            }
            None => {}
        }
    }
    let Some(ty) = ty else { return Vec::new() };
    fields_and_methods(&ty)
        .into_iter()
        .filter(|o| o.is_exported() || o.pkg.as_deref().map(|p| &p.path) == here.map(|p| &p.path))
        .collect()
}

/// The identifier just before byte `dot` of `text`.
fn name_before(text: &str, dot: u32) -> Option<&str> {
    let bytes = text.as_bytes();
    let end = dot as usize;
    let mut start = end;
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
        start -= 1;
    }
    (start < end).then(|| &text[start..end])
}

/// The fields and methods of `ty` and of the fields it embeds, the
/// shallowest of each name (as selectors find them).
pub fn fields_and_methods(ty: &Type) -> Vec<Obj> {
    let mut out = Vec::new();
    let mut names = HashSet::new();
    let mut seen_types = HashSet::new();
    let mut level = vec![ty.clone()];
    while !level.is_empty() {
        let mut next = Vec::new();
        for t in level {
            let t = t.pointer_elem().unwrap_or(t);
            if let Some(named) = t.as_named() {
                if !seen_types.insert(std::sync::Arc::as_ptr(&named.obj) as usize) {
                    continue;
                }
                for m in named.methods() {
                    if names.insert(m.name) {
                        out.push(m);
                    }
                }
            }
            match t.underlying().kind() {
                TypeKind::Struct(s) => {
                    for f in &s.fields {
                        if names.insert(f.name) {
                            out.push(f.clone());
                        }
                        if f.is_embedded() {
                            next.push(f.ty());
                        }
                    }
                }
                TypeKind::Interface(i) => {
                    for m in i.all_methods().iter() {
                        if names.insert(m.name) {
                            out.push(m.clone());
                        }
                    }
                }
                _ => {}
            }
        }
        level = next;
    }
    out
}

fn item(obj: &Obj, here: Option<&PackageId>) -> CompletionItem {
    let ty = obj.ty();
    let (kind, detail) = match &obj.kind {
        ObjectKind::PkgName { imported } => (CompletionItemKind::MODULE, format!("package {:?}", imported.path())),
        ObjectKind::Const { .. } => (CompletionItemKind::CONSTANT, type_string(&ty, here)),
        ObjectKind::TypeName => {
            let kind = match ty.underlying().kind() {
                TypeKind::Struct(_) => CompletionItemKind::STRUCT,
                TypeKind::Interface(_) => CompletionItemKind::INTERFACE,
                _ => CompletionItemKind::CLASS,
            };
            (kind, type_string(&ty.underlying(), here))
        }
        ObjectKind::Var { field: true, .. } => (CompletionItemKind::FIELD, type_string(&ty, here)),
        ObjectKind::Var { .. } => (CompletionItemKind::VARIABLE, type_string(&ty, here)),
        ObjectKind::Func => {
            let method = matches!(ty.kind(), TypeKind::Signature(s) if s.recv.is_some());
            let kind = if method { CompletionItemKind::METHOD } else { CompletionItemKind::FUNCTION };
            (kind, format!("func{}", signature_string(&ty, here)))
        }
        ObjectKind::Builtin(_) => (CompletionItemKind::FUNCTION, "built-in".to_string()),
        ObjectKind::Label => (CompletionItemKind::REFERENCE, "label".to_string()),
        ObjectKind::Nil => (CompletionItemKind::VALUE, "untyped nil".to_string()),
    };
    CompletionItem { label: obj.name().to_string(), kind: Some(kind), detail: Some(detail), ..CompletionItem::default() }
}

//! Hover: the declaration's signature, and its doc comment when the source
//! has one.

use gox_analysis::typestring::{signature_string, type_string};
use gox_analysis::{Obj, ObjectKind, PackageId, TypeKind};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use super::locate;
use super::snapshot::Ctx;
use super::LspError;

pub fn hover(ctx: &Ctx, params: &HoverParams) -> Result<Option<Hover>, LspError> {
    let at = ctx.at(&params.text_document_position_params)?;
    let (obj, span) = if let Some(spec) = locate::import_at(&at.ast, at.offset) {
        (locate::import_object(at.info, spec), spec.path_span)
    } else {
        match locate::ident_at(&at.ast, at.offset) {
            Some(id) => (locate::object_of(at.info, at.file.id, &id), id.span),
            None => return Ok(None),
        }
    };
    let Some(obj) = obj else { return Ok(None) };
    let rel = at.unit.package.as_ref().map(|p| p.id.clone());
    let mut text = format!("```gox\n{}\n```", declaration(&obj, rel.as_deref()));
    if let Some(doc) = doc_of(ctx, &obj) {
        text.push_str("\n\n");
        text.push_str(doc.trim_end());
    }
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: text }),
        range: Some(super::convert::range(&at.file, span, ctx.enc)),
    }))
}

/// The doc comment of `obj`'s declaration, from its file's source.
pub fn doc_of(ctx: &Ctx, obj: &Obj) -> Option<String> {
    if let Some(pkg) = locate::imported_package(obj) {
        return package_doc(ctx, pkg.path());
    }
    obj.pkg.as_ref()?;
    let file = ctx.snap.analysis()?.map.get(obj.span.file)?;
    if file.path_only {
        return None;
    }
    locate::doc_comment(&ctx.snap.ast(&file), obj.span)
}

/// The package doc comment of a loaded package (from the file that has one).
fn package_doc(ctx: &Ctx, path: &str) -> Option<String> {
    let unit = ctx.snap.analysis()?.units.iter().find(|u| u.unit.import_path == path)?;
    unit.unit.files.iter().find_map(|f| ctx.snap.ast(f).doc.as_ref().map(|d| d.text()))
}

/// `obj` as a line of GoX: `func (s *Stack) Push(v int)`, `var n int`,
/// `const Max untyped int = 10`, `type Point struct{X int; Y int}`,
/// `field X int`, `package strings ("strings")`.
pub fn declaration(obj: &Obj, rel: Option<&PackageId>) -> String {
    let ty = obj.ty();
    match &obj.kind {
        ObjectKind::PkgName { imported } => format!("package {} ({:?})", imported.name(), imported.path()),
        ObjectKind::Const { .. } => {
            let value = obj.const_value();
            format!("const {} {} = {}", obj.name(), type_string(&ty, rel), value)
        }
        ObjectKind::TypeName => {
            let under = match ty.as_named() {
                Some(_) if !obj.is_alias() => type_string(&ty.underlying(), rel),
                _ => format!("= {}", type_string(&ty, rel)),
            };
            let mut s = format!("type {} {}", obj.name(), under);
            if let Some(named) = ty.as_named() {
                for m in named.methods() {
                    s.push_str(&format!("\n{}", func_declaration(&m, rel)));
                }
            }
            s
        }
        ObjectKind::Var { field: true, .. } => format!("field {} {}", obj.name(), type_string(&ty, rel)),
        ObjectKind::Var { .. } => format!("var {} {}", obj.name(), type_string(&ty, rel)),
        ObjectKind::Func => func_declaration(obj, rel),
        ObjectKind::Label => format!("label {}", obj.name()),
        ObjectKind::Builtin(_) => format!("func {}: built-in function", obj.name()),
        ObjectKind::Nil => "nil".to_string(),
    }
}

/// `func Name(params) results`, with the receiver for a method.
fn func_declaration(obj: &Obj, rel: Option<&PackageId>) -> String {
    let ty = obj.ty();
    let recv = match ty.kind() {
        TypeKind::Signature(sig) => sig.recv.as_ref().map(|r| {
            let name = if r.name().is_empty() || r.name() == "_" { String::new() } else { format!("{} ", r.name()) };
            format!("({}{}) ", name, type_string(&r.ty(), rel))
        }),
        _ => None,
    };
    format!("func {}{}{}", recv.unwrap_or_default(), obj.name(), signature_string(&ty, rel))
}

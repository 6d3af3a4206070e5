//! Code actions where the fix is certain: remove an unused import; add the
//! missing import of the one std package that has the name and exports
//! the selected member (`strings.ToUpper` without `import "strings"`).

use std::collections::HashMap;
use std::path::Path;

use gox_common::{Diagnostic, FileSystem, SourceFile};
use gox_syntax::ast::{self, Decl, GenKind, Spec};
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, WorkspaceEdit};

use super::convert;
use super::snapshot::Ctx;
use super::LspError;

pub fn code_actions(ctx: &Ctx, params: &CodeActionParams) -> Result<Vec<CodeActionOrCommand>, LspError> {
    let file = ctx.source(&params.text_document)?;
    let lo = ctx.offset(&file, params.range.start)?;
    let hi = ctx.offset(&file, params.range.end)?;
    let Some(unit) = ctx.snap.unit_of(file.id) else { return Ok(Vec::new()) };
    let ast = ctx.snap.ast(&file);
    let mut actions = Vec::new();
    let line_of = |offset: u32| file.line_col(offset).line;
    let here = |d: &&Diagnostic| d.span.file == file.id && line_of(d.span.lo) <= line_of(hi) && line_of(lo) <= line_of(d.span.hi);
    for d in unit.diagnostics.iter().filter(here) {
        let fix = if d.message.ends_with("and not used") && d.message.contains(" imported") {
            remove_import(&file, &ast, d).map(|(title, edit)| (title, vec![edit]))
        } else if let Some(name) = d.message.strip_prefix("undefined: ").filter(|n| !n.contains('.')) {
            add_import(ctx, &file, &ast, d, name).map(|(title, edit)| (title, vec![edit]))
        } else {
            None
        };
        let Some((title, edits)) = fix else { continue };
        let edits: Vec<TextEdit> = edits
            .into_iter()
            .map(|(lo, hi, new_text)| TextEdit { range: convert::range(&file, gox_common::Span::new(file.id, lo, hi), ctx.enc), new_text })
            .collect();
        let mut changes = HashMap::new();
        changes.insert(params.text_document.uri.clone(), edits);
        let diagnostic = params
            .context
            .diagnostics
            .iter()
            .find(|c| c.message == d.message)
            .cloned()
            .map(|c| vec![c]);
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: diagnostic,
            edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
            is_preferred: Some(true),
            ..CodeAction::default()
        }));
    }
    Ok(actions)
}

/// An edit: replace bytes `lo..hi` with the text.
type Edit = (u32, u32, String);

/// Deletes the import spec the diagnostic is at: its whole line(s) in a
/// parenthesised list, the whole declaration when it is the only spec.
fn remove_import(file: &SourceFile, ast: &ast::File, d: &Diagnostic) -> Option<(String, Edit)> {
    for decl in &ast.decls {
        let Decl::Gen(g) = decl else { continue };
        if g.kind != GenKind::Import {
            continue;
        }
        for spec in &g.specs {
            let Spec::Import(spec) = spec else { continue };
            if spec.span.lo != d.span.lo {
                continue;
            }
            let title = format!("Remove unused import {:?}", spec.path);
            let span = if g.specs.len() == 1 { g.span } else { spec.span };
            return Some((title, whole_lines(file, span.lo, span.hi)));
        }
    }
    None
}

/// Deletes `lo..hi`, and its line when nothing else is on it.
fn whole_lines(file: &SourceFile, lo: u32, hi: u32) -> Edit {
    let text = file.text().as_bytes();
    let mut start = lo as usize;
    while start > 0 && matches!(text[start - 1], b' ' | b'\t') {
        start -= 1;
    }
    let mut end = hi as usize;
    while end < text.len() && matches!(text[end], b' ' | b'\t' | b'\r') {
        end += 1;
    }
    let line_start = start == 0 || text[start - 1] == b'\n';
    if line_start && end < text.len() && text[end] == b'\n' {
        return (start as u32, end as u32 + 1, String::new());
    }
    (lo, hi, String::new())
}

/// Imports the std package `name` for `name.Sel` when exactly one std
/// package is called so and it declares `Sel`.
fn add_import(ctx: &Ctx, file: &SourceFile, ast: &ast::File, d: &Diagnostic, name: &str) -> Option<(String, Edit)> {
    let text = &file.text();
    let after = text.get(d.span.hi as usize..)?;
    let sel: String = after.strip_prefix('.')?.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    let ws = ctx.snap.workspace()?;
    let candidates: Vec<String> = gox_module::std::std_packages()
        .into_iter()
        .filter(|p| p.rsplit('/').next() == Some(name))
        .filter(|p| sel.is_empty() || declares(&ws.fs, &gox_module::std::std_dir(p), &sel))
        .collect();
    let [path] = candidates.as_slice() else { return None };
    let title = format!("Add import {path:?}");
    let import_decls: Vec<&ast::GenDecl> = ast
        .decls
        .iter()
        .filter_map(|d| match d {
            Decl::Gen(g) if g.kind == GenKind::Import => Some(g),
            _ => None,
        })
        .collect();
    let edit = match import_decls.last() {
        Some(g) if g.lparen.is_some() => {
            // With the std imports: on the line after the last of them,
            // else before the closing parenthesis' line.
            let last_std = g.specs.iter().rev().find_map(|s| match s {
                Spec::Import(i) if !i.is_external() && gox_module::is_std_package(&i.path) => Some(i.span.hi),
                _ => None,
            });
            let anchor = last_std.map_or(g.span.hi.saturating_sub(1), |hi| {
                let line = file.line_col(hi).line;
                file.line_range(line + 1).map_or(hi, |(lo, _)| lo)
            });
            let at = match last_std {
                Some(_) => anchor,
                None => file.line_range(file.line_col(anchor).line).map_or(anchor, |(lo, _)| lo),
            };
            (at, at, format!("\t{path:?}\n"))
        }
        Some(g) => (g.span.hi, g.span.hi, format!("\nimport {path:?}")),
        None => (ast.name.span.hi, ast.name.span.hi, format!("\n\nimport {path:?}")),
    };
    Some((title, edit))
}

/// Whether a file of the package in `dir` declares `name` at package level.
fn declares(fs: &dyn FileSystem, dir: &Path, name: &str) -> bool {
    let Ok(entries) = fs.read_dir(dir) else { return false };
    entries.iter().filter(|n| n.ends_with(".gox") && !n.ends_with("_test.gox")).any(|n| {
        let Ok(bytes) = fs.read(&dir.join(n)) else { return false };
        let (text, _) = gox_syntax::decode_source(&bytes);
        let (ast, _) = gox_syntax::parse_source(gox_common::FileId(0), &text);
        ast.decls.iter().any(|d| match d {
            Decl::Func(f) => f.recv.is_none() && f.name.name.as_str() == name,
            Decl::Gen(g) => g.specs.iter().any(|s| match s {
                Spec::Type(t) => t.name.name.as_str() == name,
                Spec::Value(v) => v.names.iter().any(|n| n.name.as_str() == name),
                Spec::Import(_) => false,
            }),
            Decl::Bad(_) => false,
        })
    })
}

//! From a position to what is there: the identifier under the cursor and
//! the object it denotes, the scope at a position, the declaration (and
//! doc comment) of an object. Built on the checker's `Info` and the
//! syntax tree; gox-analysis itself knows nothing of positions in editors.

use std::sync::Arc;

use gox_analysis::{Info, Obj, ObjectKind, Scope, ScopeKind};
use gox_common::{FileId, Span};
use gox_syntax::ast::{self, Decl, Expr, ExprKind, Ident, Spec};
use gox_syntax::visit::{self, Visitor};

/// The identifier whose text contains `offset` or ends at it.
pub fn ident_at(file: &ast::File, offset: u32) -> Option<Ident> {
    struct Find {
        offset: u32,
        found: Option<Ident>,
    }
    impl Visitor for Find {
        fn visit_ident(&mut self, id: &Ident) {
            if id.span.lo <= self.offset && self.offset <= id.span.hi && !id.span.is_empty() {
                // Prefer the identifier that starts at the cursor over the
                // one that ends there (`a|.b` is on `a`, `a.|b` on `b`).
                if self.found.as_ref().map_or(true, |f| f.span.hi == self.offset) {
                    self.found = Some(id.clone());
                }
            }
        }
    }
    let mut find = Find { offset, found: None };
    visit::walk_file(&mut find, file);
    for spec in &file.imports {
        if let Some(name) = &spec.name {
            find.visit_ident(name);
        }
    }
    find.found
}

/// The object `ident` defines or uses.
pub fn object_of(info: &Info, file: FileId, ident: &Ident) -> Option<Obj> {
    info.object_of(file, ident)
}

/// The import spec whose path literal contains `offset`.
pub fn import_at(file: &ast::File, offset: u32) -> Option<&ast::ImportSpec> {
    file.imports.iter().find(|s| s.path_span.lo <= offset && offset <= s.path_span.hi)
}

/// The package an import spec brings in, as the object naming it.
pub fn import_object(info: &Info, spec: &ast::ImportSpec) -> Option<Obj> {
    match &spec.name {
        Some(name) => info.defs.get(&(name.span.file, name.id)).cloned().flatten(),
        None => info.implicits.get(&spec.span).cloned(),
    }
}

/// The innermost scope of the file's package containing `offset`.
pub fn scope_at(info: &Info, file: &ast::File, offset: u32) -> Option<Arc<Scope>> {
    let file_scope = info.scopes.get(&file.span)?;
    Some(file_scope.innermost(Span::new(file.span.file, offset, offset)))
}

/// Every object visible at `offset` of `file`, innermost first, each name
/// once: locals declared before `offset`, the file's imports, the
/// package's objects and the universe.
pub fn visible_objects(info: &Info, file: &ast::File, offset: u32) -> Vec<Obj> {
    let mut out: Vec<Obj> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut scope = scope_at(info, file, offset);
    while let Some(s) = scope {
        let local = matches!(s.kind, ScopeKind::Func | ScopeKind::Block);
        for obj in s.objects() {
            if local && obj.span.lo >= offset {
                continue;
            }
            if seen.insert(obj.name) {
                out.push(obj);
            }
        }
        scope = s.parent.clone();
    }
    out
}

/// The object a plain identifier named `name` denotes at `offset` (for a
/// file whose syntax was too broken for the checker to record a use).
pub fn lookup_at(info: &Info, file: &ast::File, offset: u32, name: &str) -> Option<Obj> {
    visible_objects(info, file, offset).into_iter().find(|o| o.name() == name)
}

/// The operand `x` of the selector whose dot is at byte `dot` (`x.`, with
/// or without a selected name after it).
pub fn operand_before_dot(file: &ast::File, dot: u32) -> Option<Expr> {
    struct Find {
        dot: u32,
        selector_operand: Option<Expr>,
        ending: Option<Expr>,
    }
    impl Visitor for Find {
        fn visit_expr(&mut self, e: &Expr) -> bool {
            if e.span.lo > self.dot || e.span.hi < self.dot {
                return e.span.lo <= self.dot;
            }
            if let ExprKind::Selector { x, .. } = &e.kind {
                if x.span.hi == self.dot && self.selector_operand.is_none() {
                    self.selector_operand = Some((**x).clone());
                }
            }
            if e.span.hi == self.dot && self.ending.as_ref().map_or(true, |o| e.span.lo < o.span.lo) {
                self.ending = Some(e.clone());
            }
            true
        }
    }
    let mut find = Find { dot, selector_operand: None, ending: None };
    visit::walk_file(&mut find, file);
    find.selector_operand.or(find.ending)
}

/// The doc comment of the declaration of the object declared at `span`.
pub fn doc_comment(file: &ast::File, span: Span) -> Option<String> {
    struct Find {
        span: Span,
        doc: Option<String>,
    }
    impl Visitor for Find {
        fn visit_decl(&mut self, d: &Decl) -> bool {
            match d {
                Decl::Func(f) if f.name.span == self.span => {
                    self.doc = f.doc.as_ref().map(ast::CommentGroup::text);
                    false
                }
                Decl::Gen(g) => {
                    let single = g.specs.len() == 1;
                    for spec in &g.specs {
                        let (names, doc): (Vec<&Ident>, _) = match spec {
                            Spec::Type(t) => (vec![&t.name], &t.doc),
                            Spec::Value(v) => (v.names.iter().collect(), &v.doc),
                            Spec::Import(_) => continue,
                        };
                        if names.iter().any(|n| n.span == self.span) {
                            let doc = doc.as_ref().or(if single { g.doc.as_ref() } else { None });
                            self.doc = doc.map(ast::CommentGroup::text);
                            return false;
                        }
                    }
                    true
                }
                _ => true,
            }
        }
        fn visit_field(&mut self, f: &ast::Field) -> bool {
            if f.names.iter().any(|n| n.span == self.span) {
                self.doc = f.doc.as_ref().map(ast::CommentGroup::text);
            }
            true
        }
    }
    let mut find = Find { span, doc: None };
    visit::walk_file(&mut find, file);
    find.doc.filter(|d| !d.trim().is_empty())
}

/// The package-level object the given PkgName stands for, when it is one.
pub fn imported_package(obj: &Obj) -> Option<&Arc<gox_analysis::Package>> {
    match &obj.kind {
        ObjectKind::PkgName { imported } => Some(imported),
        _ => None,
    }
}

/// Whether two objects (possibly of different checks) are the same
/// declaration: same name, same declaring file and position.
pub fn same_object(a: &Obj, a_path: &std::path::Path, b: &Obj, b_path: &std::path::Path) -> bool {
    a.name == b.name && a.span.lo == b.span.lo && a.span.hi == b.span.hi && a_path == b_path
}

//! Collecting package-level objects from all files: imports (through the
//! [`Importer`](crate::Importer)), constants, variables, types, functions and
//! methods, and the file scopes.

use std::sync::Arc;

use gox_common::{Label, Span};
use gox_syntax::ast::{self, Decl, ExprKind, GenKind, Spec};
use gox_syntax::Symbol;

use crate::checker::{Checker, DeclInfo, DeclKind};
use crate::constant::Value;
use crate::importer::ImportRequest;
use crate::objects::{obj_key, Obj, Object, ObjectKind, Package, PackageId};
use crate::scope::{Scope, ScopeKind};

impl<'a> Checker<'a> {
    /// Declares a package-level object with its declaration.
    fn declare_pkg_obj(&mut self, ident: &'a ast::Ident, obj: Obj, d: DeclInfo<'a>) {
        if ident.name.as_str() == "init" {
            self.error(ident.span, "cannot declare init - must be func");
            return;
        }
        if ident.name.as_str() == "main" && self.pkg.name.as_str() == "main" {
            self.error(ident.span, "cannot declare main - must be func");
            return;
        }
        let scope = self.pkg_scope.clone();
        self.declare(&scope, Some(ident), obj.clone());
        self.decls.insert(obj_key(&obj), d);
        self.objs_in_order.push(obj);
    }

    pub(crate) fn arity_match(&mut self, s: &'a ast::ValueSpec, init: Option<&'a ast::ValueSpec>) {
        let l = s.names.len();
        let r = init.map_or(s.values.len(), |i| i.values.len());
        if init.is_none() && r == 0 {
            if s.ty.is_none() {
                self.error(s.span, "missing type or init expr");
            }
        } else if l < r {
            if l < s.values.len() {
                let n = &s.values[l];
                self.error(
                    n.span,
                    format!("extra init expr {}", crate::typestring::expr_string(n)),
                );
            } else {
                self.error(s.span, "extra init expr");
            }
        } else if l > r && (init.is_some() || r != 1) {
            let n = &s.names[r];
            self.error(n.span, format!("missing init expr for {}", n.name));
        }
    }

    /// Phase 1: create file scopes, import packages and declare every
    /// package-level object.
    pub(crate) fn collect_objects(&mut self) {
        let files = self.files;
        let mut methods: Vec<(Obj, &'a ast::FuncDecl)> = Vec::new();
        for file in files {
            let file_scope = Scope::new(Some(self.pkg_scope.clone()), ScopeKind::File, file.span);
            self.record_scope(file.span, &file_scope);
            self.file_scopes.push(file_scope.clone());
            self.record_def(&file.name, None);
            for decl in &file.decls {
                match decl {
                    Decl::Bad(_) => {}
                    Decl::Gen(g) => match g.kind {
                        GenKind::Import => {
                            for spec in &g.specs {
                                if let Spec::Import(s) = spec {
                                    self.collect_import(s, &file_scope);
                                }
                            }
                        }
                        GenKind::Const => {
                            let mut last: Option<&'a ast::ValueSpec> = None;
                            for spec in &g.specs {
                                let Spec::Value(s) = spec else { continue };
                                let inherited = s.ty.is_none() && s.values.is_empty();
                                if !inherited {
                                    last = Some(s);
                                }
                                for (i, name) in s.names.iter().enumerate() {
                                    let obj = Object::new(
                                        name.name,
                                        name.span,
                                        Some(self.pkg.clone()),
                                        ObjectKind::Const {
                                            value: Box::new(std::sync::RwLock::new(Value::Unknown)),
                                        },
                                        None,
                                    );
                                    let d = DeclInfo {
                                        file_scope: file_scope.clone(),
                                        kind: DeclKind::Const {
                                            ty: last.and_then(|l| l.ty.as_ref()),
                                            init: last.and_then(|l| l.values.get(i)),
                                            iota: s.index,
                                            inherited,
                                        },
                                    };
                                    self.declare_pkg_obj(name, obj, d);
                                }
                                match last {
                                    Some(l) => self.arity_match(s, Some(l)),
                                    None => self.arity_match(s, Some(s)),
                                }
                            }
                        }
                        GenKind::Var => {
                            for spec in &g.specs {
                                let Spec::Value(s) = spec else { continue };
                                let lhs: Vec<Obj> = s
                                    .names
                                    .iter()
                                    .map(|n| {
                                        Object::new(
                                            n.name,
                                            n.span,
                                            Some(self.pkg.clone()),
                                            ObjectKind::Var {
                                                field: false,
                                                embedded: false,
                                            },
                                            None,
                                        )
                                    })
                                    .collect();
                                for (i, name) in s.names.iter().enumerate() {
                                    let kind = if s.values.len() == 1 {
                                        DeclKind::Var {
                                            lhs: Some(lhs.clone()),
                                            ty: s.ty.as_ref(),
                                            init: s.values.first(),
                                        }
                                    } else {
                                        DeclKind::Var {
                                            lhs: None,
                                            ty: s.ty.as_ref(),
                                            init: s.values.get(i),
                                        }
                                    };
                                    let d = DeclInfo {
                                        file_scope: file_scope.clone(),
                                        kind,
                                    };
                                    self.declare_pkg_obj(name, lhs[i].clone(), d);
                                }
                                self.arity_match(s, None);
                            }
                        }
                        GenKind::Type => {
                            for spec in &g.specs {
                                let Spec::Type(t) = spec else { continue };
                                let obj = Object::new(
                                    t.name.name,
                                    t.name.span,
                                    Some(self.pkg.clone()),
                                    ObjectKind::TypeName,
                                    None,
                                );
                                let d = DeclInfo {
                                    file_scope: file_scope.clone(),
                                    kind: DeclKind::Type(t),
                                };
                                self.declare_pkg_obj(&t.name, obj, d);
                            }
                        }
                    },
                    Decl::Func(f) => {
                        let name = f.name.name.as_str();
                        let obj = Object::new(
                            f.name.name,
                            f.name.span,
                            Some(self.pkg.clone()),
                            ObjectKind::Func,
                            None,
                        );
                        let is_method = f.recv.as_ref().is_some_and(|r| r.num_fields() > 0);
                        if f.body.is_none() && self.config.require_bodies {
                            self.error(f.name.span, "missing function body");
                        }
                        if !is_method {
                            if let Some(r) = &f.recv {
                                self.error(r.open, "method is missing receiver");
                            }
                            if name == "init"
                                || (name == "main" && self.pkg.name.as_str() == "main")
                            {
                                if !f.ty.params.list.is_empty()
                                    || f.ty.results.as_ref().is_some_and(|r| !r.list.is_empty())
                                {
                                    self.error(
                                        f.span.start(),
                                        format!(
                                            "func {} must have no arguments and no return values",
                                            name
                                        ),
                                    );
                                }
                            }
                            if name == "init" {
                                self.record_def(&f.name, Some(obj.clone()));
                                if f.body.is_none() && !self.config.require_bodies {
                                    self.error(f.name.span, "missing function body");
                                }
                            } else {
                                let scope = self.pkg_scope.clone();
                                self.declare(&scope, Some(&f.name), obj.clone());
                            }
                        } else {
                            self.record_def(&f.name, Some(obj.clone()));
                            if !f.name.is_blank() {
                                methods.push((obj.clone(), f));
                            }
                        }
                        self.decls.insert(
                            obj_key(&obj),
                            DeclInfo {
                                file_scope: file_scope.clone(),
                                kind: DeclKind::Func(f),
                            },
                        );
                        self.objs_in_order.push(obj);
                    }
                }
            }
        }

        // Package-level names must not conflict with imported names.
        for fs in self.file_scopes.clone() {
            for obj in fs.objects() {
                if let Some(alt) = self.pkg_scope.lookup(obj.name) {
                    if let ObjectKind::PkgName { imported } = &obj.kind {
                        let msg = format!(
                            "{} already declared through import of package {} ({:?})",
                            alt.name(),
                            imported.name(),
                            imported.path()
                        );
                        self.error_with_notes(
                            alt.span,
                            msg,
                            vec![Label {
                                span: obj.span,
                                message: format!("other declaration of {}", obj.name()),
                            }],
                        );
                    } else {
                        let p = obj
                            .pkg
                            .as_ref()
                            .map(|p| format!("package {} ({:?})", p.name, p.path))
                            .unwrap_or_default();
                        self.error(
                            alt.span,
                            format!(
                                "{} already declared through dot-import of {}",
                                alt.name(),
                                p
                            ),
                        );
                    }
                }
            }
        }

        // Associate methods with their receiver base type names.
        for (m, f) in methods {
            if let Some(base) = self.receiver_base_name(f) {
                if let Some(tn) = self.pkg_scope.lookup(base) {
                    if tn.is_type_name() && tn.pkg.as_ref().is_some_and(|p| p.same(&self.pkg))
                    {
                        self.methods.entry(obj_key(&tn)).or_default().push(m);
                    }
                }
            }
        }
    }

    /// The receiver's base type name (`T` for `(t *T)`), syntactically.
    pub(crate) fn receiver_base_name(&self, f: &ast::FuncDecl) -> Option<Symbol> {
        let field = f.recv.as_ref()?.list.first()?;
        let mut e = field.ty.unparen();
        if let ExprKind::Star(x) = &e.kind {
            e = x.unparen();
        }
        match &e.kind {
            ExprKind::Ident(id) => Some(id.name),
            _ => None,
        }
    }

    fn collect_import(&mut self, s: &'a ast::ImportSpec, file_scope: &Arc<Scope>) {
        let req = ImportRequest {
            path: &s.path,
            external: s.is_external(),
            span: s.path_span,
        };
        let imp = match self.importer.import(&req) {
            Ok(p) => p,
            Err(e) => {
                if !e.reported_elsewhere {
                    let mut d = gox_common::Diagnostic::error(s.path_span, e.message);
                    d.notes = e.notes;
                    d.help = e.help;
                    self.diags.push(d);
                }
                // A stand-in package so that uses of its name report nothing more.
                let elem = s.path.rsplit('/').next().unwrap_or(&s.path);
                let fake = Arc::new(Package {
                    id: Arc::new(PackageId {
                        path: s.path.clone(),
                        name: Symbol::intern(elem),
                    }),
                    scope: Scope::new(None, ScopeKind::Package, Span::default()),
                    imports: Vec::new(),
                });
                self.fake_imports.push(obj_key_pkg(&fake));
                let name = s.name.map_or(fake.id.name, |n| n.name);
                if name.as_str() == "." || name.is_blank() {
                    return;
                }
                let obj = Object::new(
                    name,
                    s.span,
                    Some(self.pkg.clone()),
                    ObjectKind::PkgName { imported: fake },
                    None,
                );
                obj.mark_used();
                match &s.name {
                    Some(n) => self.record_def(n, Some(obj.clone())),
                    None => self.record_implicit(s.span, obj.clone()),
                }
                file_scope.insert(obj);
                return;
            }
        };
        if imp.is_main() {
            self.error(
                s.path_span,
                format!(
                    "import {:?} is a program, not an importable package",
                    s.path
                ),
            );
        }
        if !self.imports.iter().any(|p| Arc::ptr_eq(p, &imp)) {
            self.imports.push(imp.clone());
        }
        let name = s.name.map_or(imp.id.name, |n| n.name);
        if name.as_str() == "init" {
            self.error(
                s.name.map_or(s.span, |n| n.span),
                "cannot import package as init - init must be a func",
            );
            return;
        }
        let obj = Object::new(
            name,
            s.span.start(),
            Some(self.pkg.clone()),
            ObjectKind::PkgName {
                imported: imp.clone(),
            },
            None,
        );
        match &s.name {
            Some(n) => self.record_def(n, Some(obj.clone())),
            None => self.record_implicit(s.span, obj.clone()),
        }
        if name.as_str() == "." {
            for o in imp.scope.objects() {
                if o.is_exported() {
                    if let Some(alt) = file_scope.insert(o.clone()) {
                        let _ = alt;
                        self.error(s.span, format!("{} redeclared in this block", o.name()));
                    } else {
                        self.dot_import_map
                            .insert((Arc::as_ptr(file_scope) as usize, obj_key(&o)), obj.clone());
                    }
                }
            }
            self.dot_imports.push((obj, s));
        } else if !name.is_blank() {
            if let Some(alt) = file_scope.insert(obj.clone()) {
                self.report_redeclared(&obj, &alt);
            } else {
                self.pkg_names.push((obj, s));
            }
        }
    }

    /// Reports imports that no identifier of their file uses.
    pub(crate) fn unused_imports(&mut self) {
        for (obj, s) in self.pkg_names.clone() {
            if obj.is_used() {
                continue;
            }
            let ObjectKind::PkgName { imported } = &obj.kind else {
                continue;
            };
            let path = &s.path;
            let elem = imported.path().rsplit('/').next().unwrap_or("");
            if s.name.is_none()
                || obj.name() == elem
                || s.name.is_some_and(|n| n.name == imported.id.name)
            {
                self.error(s.span.start(), format!("{:?} imported and not used", path));
            } else {
                self.error(
                    s.span.start(),
                    format!("{:?} imported as {} and not used", path, obj.name()),
                );
            }
        }
        for (obj, s) in self.dot_imports.clone() {
            if !obj.is_used() {
                self.error(
                    s.span.start(),
                    format!("{:?} imported and not used", s.path),
                );
            }
        }
    }
}

fn obj_key_pkg(p: &Arc<Package>) -> usize {
    Arc::as_ptr(p) as usize
}

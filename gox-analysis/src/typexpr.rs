//! Type expressions: identifiers denoting objects, and the type literals
//! (arrays, slices, structs, pointers, functions, interfaces, maps, channels).

use std::sync::{Arc, RwLock};

use gox_common::{Label, Span};
use gox_syntax::ast::{self, ExprKind};
use gox_syntax::Symbol;
use rustc_hash::FxHashMap as HashMap;

use crate::checker::Checker;
use crate::lookup::is_interface_ptr;
use crate::objects::{Obj, Object, ObjectKind};
use crate::operand::{Mode, Operand};
use crate::predicates::comparable;
use crate::scope::{Scope, ScopeKind};
use crate::types::{ChanDir, Interface, Signature, Struct, Type, TypeKind};
use crate::universe::{universe, unsupported_predeclared};

impl<'a> Checker<'a> {
    /// Resolves identifier `e` into operand `x` (go/types `ident`).
    pub fn ident(&mut self, e: &'a ast::Expr, id: &'a ast::Ident, want_type: bool) -> Operand<'a> {
        let mut x = Operand::invalid(Some(e));
        // Only a dot-import's names need the scope they were found in
        // (to mark the import used).
        let found = if self.dot_import_map.is_empty() {
            self.scope.lookup_in_chain_ref(id.name).map(|obj| (0, obj))
        } else {
            self.scope.lookup_parent(id.name).map(|(scope, obj)| (Arc::as_ptr(&scope) as usize, std::borrow::Cow::Owned(obj)))
        };
        let Some((scope_key, obj)) = found else {
            if id.is_blank() {
                self.error(id.span, "cannot use _ as value");
            } else if let Some(msg) = unsupported_predeclared(id.name.as_str()) {
                self.error(id.span, msg);
            } else {
                let help = self.suggest_in_scope(id.name);
                self.error_with_help(id.span, format!("undefined: {}", id.name), help);
            }
            return x;
        };
        self.record_use(id, &obj);
        let errors_before = self.diags.len();
        if !obj.has_type() || (obj.is_type_name() && want_type) {
            self.obj_decl(&obj);
        }
        let typ = obj.ty();
        if let Some(pn) = self
            .dot_import_map
            .get(&(scope_key, crate::objects::obj_key(&obj)))
        {
            pn.mark_used();
        }
        match &obj.kind {
            ObjectKind::PkgName { .. } => {
                self.error(
                    id.span,
                    format!("use of package {} not in selector", obj.name()),
                );
                return x;
            }
            ObjectKind::Const { .. } => {
                self.add_dep(&obj);
                if typ.is_invalid() {
                    return x;
                }
                let v = if Arc::ptr_eq(&obj, &universe().iota) {
                    match &self.env.iota {
                        Some(v) => v.clone(),
                        None => {
                            self.error(id.span, "cannot use iota outside constant declaration");
                            return x;
                        }
                    }
                } else {
                    obj.const_value()
                };
                x.mode = Mode::Constant(v);
            }
            ObjectKind::TypeName => {
                // An alias used while its own type is being determined
                // (`type b = c; type c struct{ *b }`), unless that use was
                // just reported as a cycle (go/types' broken alias).
                if typ.is_invalid() && self.diags.len() == errors_before && self.is_alias_in_progress(&obj) {
                    self.error(id.span, format!("invalid use of type alias {} in recursive type", obj.name()));
                    return x;
                }
                x.mode = Mode::TypeExpr;
            }
            ObjectKind::Var { .. } => {
                if obj.pkg.as_ref().is_some_and(|p| p.same(&self.pkg)) {
                    obj.mark_used();
                }
                self.add_dep(&obj);
                if typ.is_invalid() {
                    return x;
                }
                x.mode = Mode::Variable;
            }
            ObjectKind::Func => {
                self.add_dep(&obj);
                x.mode = Mode::Value;
            }
            ObjectKind::Builtin(b) => {
                x.mode = Mode::Builtin(*b);
            }
            ObjectKind::Nil => x.mode = Mode::Value,
            ObjectKind::Label => return x,
        }
        x.ty = typ;
        x
    }

    /// The type denoted by `e`; reports `x is not a type` otherwise.
    /// Invalid types are returned as [`Type::invalid`].
    pub fn type_expr(&mut self, e: &'a ast::Expr) -> Type {
        self.defined_type(e, None)
    }

    /// Like [`Checker::type_expr`]; `def` is the named type being declared
    /// with `e` as its definition (its underlying type is set as soon as
    /// known, so that recursive references through pointers work).
    pub(crate) fn defined_type(&mut self, e: &'a ast::Expr, def: Option<&Type>) -> Type {
        let t = stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || self.typ_internal(e, def));
        self.record_type(e, &Mode::TypeExpr, &t);
        t
    }

    fn set_def(def: Option<&Type>, t: &Type) {
        if let Some(d) = def.and_then(|d| d.as_named()) {
            d.set_underlying(t.clone());
        }
    }

    fn typ_internal(&mut self, e: &'a ast::Expr, def: Option<&Type>) -> Type {
        let t = match &e.kind {
            ExprKind::Bad => Type::invalid(),
            ExprKind::Ident(id) => {
                let x = self.ident(e, id, true);
                match x.mode {
                    Mode::TypeExpr => x.ty,
                    Mode::Invalid => Type::invalid(),
                    Mode::NoValue => {
                        self.error(e.span, format!("{} used as type", self.op_str(&x)));
                        Type::invalid()
                    }
                    _ => {
                        self.error(e.span, format!("{} is not a type", self.op_str(&x)));
                        Type::invalid()
                    }
                }
            }
            ExprKind::Selector { .. } => {
                let x = self.selector(e, true);
                match x.mode {
                    Mode::TypeExpr => x.ty,
                    Mode::Invalid => Type::invalid(),
                    _ => {
                        self.error(e.span, format!("{} is not a type", self.op_str(&x)));
                        Type::invalid()
                    }
                }
            }
            ExprKind::Paren(x) => return self.defined_type(x, def),
            ExprKind::ArrayType {
                len: Some(len),
                elem,
            } => {
                if let ExprKind::Ellipsis(_) = len.kind {
                    self.error(
                        len.span,
                        "invalid use of [...] array (outside a composite literal)",
                    );
                    let _ = self.var_type(elem);
                    Type::invalid()
                } else {
                    let n = self.array_length(len);
                    let el = self.var_type(elem);
                    let t = Type::new(TypeKind::Array { len: n, elem: el });
                    if n < 0 {
                        Type::invalid()
                    } else {
                        t
                    }
                }
            }
            ExprKind::ArrayType { len: None, elem } => {
                let el = self.var_type(elem);
                Type::new(TypeKind::Slice(el))
            }
            ExprKind::Ellipsis(_) => {
                self.error(e.span, "invalid use of '...'");
                Type::invalid()
            }
            ExprKind::StructType(fields) => {
                let t = self.struct_type(fields);
                t
            }
            ExprKind::Star(base) => {
                let bt = self.var_type_allow_unresolved(base);
                let t = Type::new_pointer(bt.clone());
                Self::set_def(def, &t);
                let span = e.span;
                self.later(move |c| c.check_pointer_base(span, &bt));
                t
            }
            ExprKind::FuncType(ft) => {
                let scope = Scope::new(Some(self.scope.clone()), ScopeKind::Func, e.span);
                self.record_scope(e.span, &scope);
                self.func_type(&scope, None, ft)
            }
            ExprKind::InterfaceType(fields) => {
                let t = self.interface_type(fields, def);
                t
            }
            ExprKind::MapType { key, value } => {
                let k = self.var_type_allow_unresolved(key);
                let v = self.var_type(value);
                let span = key.span;
                let kc = k.clone();
                self.later(move |c| {
                    if !kc.is_invalid() && !comparable(&kc) {
                        c.error(span, format!("invalid map key type {}", c.type_str(&kc)));
                    }
                });
                Type::new(TypeKind::Map { key: k, elem: v })
            }
            ExprKind::ChanType { dir, elem } => {
                let el = self.var_type(elem);
                let dir = match dir {
                    ast::ChanDir::Both => ChanDir::Both,
                    ast::ChanDir::Send => ChanDir::Send,
                    ast::ChanDir::Recv => ChanDir::Recv,
                };
                Type::new(TypeKind::Chan { dir, elem: el })
            }
            ExprKind::Index { lbrack, .. } => {
                self.error(*lbrack, "type parameters are not supported in GoX");
                Type::invalid()
            }
            _ => {
                self.error(
                    e.span,
                    format!("{} is not a type", crate::typestring::expr_string(e)),
                );
                Type::invalid()
            }
        };
        Self::set_def(def, &t);
        t
    }

    /// A type used for a variable, field, parameter or element.
    pub fn var_type(&mut self, e: &'a ast::Expr) -> Type {
        self.defined_type(e, None)
    }

    fn var_type_allow_unresolved(&mut self, e: &'a ast::Expr) -> Type {
        self.defined_type(e, None)
    }

    fn check_pointer_base(&mut self, span: Span, base: &Type) {
        let u = base.under();
        if u.is_invalid() {
            return;
        }
        if !matches!(u.kind(), TypeKind::Struct(_)) {
            self.error(
                span,
                format!("pointer to non-struct type {}", self.type_str(base)),
            );
        }
    }

    /// The constant length of an array type, or -1 after an error.
    fn array_length(&mut self, e: &'a ast::Expr) -> i64 {
        if let ExprKind::Ident(id) = &e.kind {
            match self.lookup(id.name) {
                None => {
                    let help = self.suggest_in_scope(id.name);
                    self.error_with_help(id.span, format!("undefined: {}", id.name), help);
                    return -1;
                }
                Some(o) if !o.is_const() => {
                    self.error(id.span, format!("invalid array length {}", id.name));
                    return -1;
                }
                _ => {}
            }
        }
        let x = self.expr(e);
        let Mode::Constant(v) = &x.mode else {
            if !x.is_invalid() {
                self.error(
                    e.span,
                    format!("array length {} must be constant", self.op_str(&x)),
                );
            }
            return -1;
        };
        // A constant whose value was already reported bad.
        if matches!(v, crate::constant::Value::Unknown) {
            return -1;
        }
        if x.ty.is_untyped() || x.ty.is_integer() {
            let iv = v.to_int();
            if iv.is_int() {
                if self
                    .representable_value(&iv, crate::types::BasicKind::Int)
                    .is_ok()
                {
                    if let Some(n) = iv.int64_val() {
                        if n >= 0 {
                            return n;
                        }
                    }
                    self.error(e.span, format!("invalid array length {}", self.op_str(&x)));
                    return -1;
                }
            }
        }
        self.error(
            e.span,
            format!("array length {} must be integer", self.op_str(&x)),
        );
        -1
    }

    /// The signature of a function type; parameters and results are
    /// declared in `scope`. `recv` is the receiver list of a method. As in
    /// go/types, they are declared only after every type of the signature
    /// is resolved: in `func f(url string, v url.Values)` the second `url`
    /// is the package, not the parameter.
    pub fn func_type(
        &mut self,
        scope: &Arc<Scope>,
        recv: Option<&'a ast::FieldList>,
        ft: &'a ast::FuncType,
    ) -> Type {
        let mut names = Vec::new();
        let mut recv_var = None;
        if let Some(rl) = recv {
            let (rs, _) = self.collect_params(rl, false, &mut names);
            if rs.len() > 1 {
                let last = rl.list.last().map_or(rl.open, |f| f.span);
                self.error(last, "method must have exactly one receiver");
            }
            if let Some(r) = rs.first() {
                let r = r.clone();
                let span = r.span;
                let rc = r.clone();
                self.later(move |c| c.validate_receiver(span, &rc));
                recv_var = Some(r);
            }
        }
        let (params, variadic) = self.collect_params(&ft.params, true, &mut names);
        let results = match &ft.results {
            Some(r) => self.collect_params(r, false, &mut names).0,
            None => Vec::new(),
        };
        for (name, obj) in names {
            self.declare(scope, Some(name), obj);
        }
        Type::new(TypeKind::Signature(Signature {
            recv: recv_var,
            params,
            results,
            variadic,
        }))
    }

    fn validate_receiver(&mut self, span: Span, recv: &Obj) {
        let rt = recv.ty();
        let (base, is_ptr) = match rt.kind() {
            TypeKind::Pointer(b) => (b.clone(), true),
            _ => (rt.clone(), false),
        };
        if base.is_invalid() {
            return;
        }
        match base.kind() {
            TypeKind::Named(n) => {
                if n.obj.pkg.as_ref().map(|p| p.path.as_str()) != Some(self.pkg.path.as_str()) {
                    self.error(
                        span,
                        format!(
                            "cannot define new methods on non-local type {}",
                            self.type_str(&base)
                        ),
                    );
                    return;
                }
                let u = base.under();
                if matches!(u.kind(), TypeKind::Pointer(_) | TypeKind::Interface(_)) {
                    self.error(
                        span,
                        format!(
                            "invalid receiver type {} (pointer or interface type)",
                            self.type_str(&base)
                        ),
                    );
                } else if is_ptr && !u.is_invalid() && !matches!(u.kind(), TypeKind::Struct(_)) {
                    // Reported by the pointer type check already.
                }
            }
            TypeKind::Basic(_) => {
                self.error(
                    span,
                    format!(
                        "cannot define new methods on non-local type {}",
                        self.type_str(&base)
                    ),
                );
            }
            _ => self.error(
                span,
                format!("invalid receiver type {}", self.type_str(&rt)),
            ),
        }
    }

    /// The parameters of one list; each named one is added to `names`, to
    /// be declared once the whole signature is resolved.
    fn collect_params(
        &mut self,
        list: &'a ast::FieldList,
        variadic_ok: bool,
        names: &mut Vec<(&'a ast::Ident, Obj)>,
    ) -> (Vec<Obj>, bool) {
        // Exactly as long as needed: the signature keeps the list.
        let mut params = Vec::with_capacity(list.list.iter().map(|f| f.names.len().max(1)).sum());
        let mut variadic = false;
        let n = list.list.len();
        for (i, field) in list.list.iter().enumerate() {
            let mut ftype = &field.ty;
            let mut is_variadic = false;
            if let ExprKind::Ellipsis(Some(elt)) = &field.ty.kind {
                ftype = elt;
                if variadic_ok && i + 1 == n && field.names.len() <= 1 {
                    variadic = true;
                    is_variadic = true;
                } else {
                    self.error(
                        field.ty.span,
                        "can only use ... with final parameter in list",
                    );
                }
            }
            let mut typ = self.var_type(ftype);
            if is_variadic {
                typ = Type::new_slice(typ);
                self.record_type(&field.ty, &Mode::TypeExpr, &typ);
            }
            if field.names.is_empty() {
                let par = Object::new(
                    gox_syntax::Symbol::empty(),
                    ftype.span,
                    Some(self.pkg.clone()),
                    ObjectKind::Var {
                        field: false,
                        embedded: false,
                    },
                    Some(typ),
                );
                self.record_implicit(field.span, par.clone());
                params.push(par);
            } else {
                for name in &field.names {
                    let par = Object::new(
                        name.name,
                        name.span,
                        Some(self.pkg.clone()),
                        ObjectKind::Var {
                            field: false,
                            embedded: false,
                        },
                        Some(typ.clone()),
                    );
                    names.push((name, par.clone()));
                    params.push(par);
                }
            }
        }
        (params, variadic)
    }

    fn struct_type(&mut self, list: &'a ast::FieldList) -> Type {
        let mut fields: Vec<Obj> = Vec::new();
        let mut tags = Vec::new();
        let mut seen: HashMap<Symbol, Obj> = HashMap::default();
        for f in &list.list {
            let typ = self.var_type(&f.ty);
            let tag = f.tag.as_ref().map(|t| {
                crate::constant::Value::from_literal(ast::LitKind::String, &t.raw)
                    .ok()
                    .and_then(|v| {
                        v.string_bytes()
                            .map(|b| String::from_utf8_lossy(b).into_owned())
                    })
                    .unwrap_or_default()
            });
            if f.names.is_empty() {
                // Embedded field: the name is the type name.
                let mut te = f.ty.unparen();
                if let ExprKind::Star(b) = &te.kind {
                    te = b.unparen();
                }
                let name = match &te.kind {
                    ExprKind::Ident(id) => Some((id.name, id.span)),
                    ExprKind::Selector { sel, .. } => Some((sel.name, sel.span)),
                    _ => None,
                };
                let Some((name, nspan)) = name else {
                    self.error(
                        f.ty.span,
                        format!(
                            "invalid embedded field type {}",
                            crate::typestring::expr_string(&f.ty)
                        ),
                    );
                    continue;
                };
                let fld = Object::new(
                    name,
                    nspan,
                    Some(self.pkg.clone()),
                    ObjectKind::Var {
                        field: true,
                        embedded: true,
                    },
                    Some(typ.clone()),
                );
                self.record_implicit(f.span, fld.clone());
                self.add_field(&mut seen, &fld);
                fields.push(fld);
                tags.push(tag);
                let span = f.ty.span;
                self.later(move |c| {
                    let (t, is_ptr) = match typ.kind() {
                        TypeKind::Pointer(b) => (b.clone(), true),
                        _ => (typ.clone(), false),
                    };
                    match t.under().kind() {
                        TypeKind::Pointer(_) => {
                            c.error(span, "embedded field type cannot be a pointer")
                        }
                        TypeKind::Interface(_) if is_ptr => c.error(
                            span,
                            "embedded field type cannot be a pointer to an interface",
                        ),
                        _ => {}
                    }
                });
            } else {
                for name in &f.names {
                    let fld = Object::new(
                        name.name,
                        name.span,
                        Some(self.pkg.clone()),
                        ObjectKind::Var {
                            field: true,
                            embedded: false,
                        },
                        Some(typ.clone()),
                    );
                    self.record_def(name, Some(fld.clone()));
                    self.add_field(&mut seen, &fld);
                    fields.push(fld);
                    tags.push(tag.clone());
                }
            }
        }
        Type::new(TypeKind::Struct(Struct { fields, tags }))
    }

    fn add_field(&mut self, seen: &mut HashMap<Symbol, Obj>, f: &Obj) {
        if f.is_blank() {
            return;
        }
        if let Some(alt) = seen.get(&f.name) {
            let notes = vec![Label {
                span: alt.span,
                message: format!("other declaration of {}", alt.name()),
            }];
            self.error_with_notes(f.span, format!("{} redeclared", f.name()), notes);
            return;
        }
        seen.insert(f.name, f.clone());
    }

    fn interface_type(&mut self, list: &'a ast::FieldList, def: Option<&Type>) -> Type {
        // While its elements are checked, a named interface being declared
        // has no methods (go/types' incomplete interface has the top type
        // set): `type T interface{ m() [T(nil).m()[0]]int }` finds no m.
        if let Some(n) = def.and_then(|d| d.as_named()) {
            if !n.underlying_is_set() {
                n.set_underlying(Type::new(TypeKind::Interface(Interface::new(Vec::new(), Vec::new()))));
            }
        }
        let mut methods: Vec<Obj> = Vec::new();
        // Name -> position in `methods` (whose names are distinct).
        let mut method_index: HashMap<Symbol, usize> = HashMap::default();
        let mut embeddeds: Vec<Type> = Vec::new();
        let mut embedded_spans: Vec<Span> = Vec::new();
        for f in &list.list {
            if f.names.is_empty() && is_constraint_element(&f.ty) {
                // `int | string`, `~int`: a type set, which only constrains
                // type parameters. Its terms are still checked as types.
                let mut terms = vec![&f.ty];
                while let Some(t) = terms.pop() {
                    match &t.kind {
                        ExprKind::Binary { op: ast::BinaryOp::Or, x, y, .. } => {
                            terms.push(y);
                            terms.push(x);
                        }
                        ExprKind::Unary { op: ast::UnaryOp::Tilde, x, .. } => {
                            let _ = self.var_type(x);
                        }
                        _ => {
                            let _ = self.var_type(t);
                        }
                    }
                }
                self.error(
                    f.ty.span,
                    format!(
                        "cannot use {} in interface (type constraints are not supported in GoX)",
                        crate::typestring::expr_string(&f.ty)
                    ),
                );
                continue;
            }
            if f.names.is_empty() {
                let t = self.var_type(&f.ty);
                // (A named interface still being declared is kept.)
                if t.is_invalid() && !t.as_named().is_some_and(|n| !n.underlying_is_set()) {
                    continue;
                }
                embeddeds.push(t);
                embedded_spans.push(f.ty.span);
                continue;
            }
            let name = &f.names[0];
            let ExprKind::FuncType(ft) = &f.ty.kind else {
                self.error(f.ty.span, "type parameters are not supported in GoX");
                continue;
            };
            let scope = Scope::new(Some(self.scope.clone()), ScopeKind::Func, f.ty.span);
            self.record_scope(f.ty.span, &scope);
            let sig = self.func_type(&scope, None, ft);
            // The receiver is the interface itself.
            let (params, results, variadic) = match sig.kind() {
                TypeKind::Signature(s) => (s.params.clone(), s.results.clone(), s.variadic),
                _ => (vec![], vec![], false),
            };
            let recv_ty = def.cloned().unwrap_or_else(Type::invalid);
            let recv = Object::new(
                gox_syntax::Symbol::empty(),
                name.span,
                Some(self.pkg.clone()),
                ObjectKind::Var {
                    field: false,
                    embedded: false,
                },
                Some(recv_ty),
            );
            let sig = Type::new(TypeKind::Signature(Signature {
                recv: Some(recv),
                params,
                results,
                variadic,
            }));
            self.record_type(&f.ty, &Mode::TypeExpr, &sig);
            let m = Object::new(
                name.name,
                name.span,
                Some(self.pkg.clone()),
                ObjectKind::Func,
                Some(sig),
            );
            self.record_def(name, Some(m.clone()));
            if name.is_blank() {
                self.error(name.span, "methods must have a unique non-blank name");
                continue;
            }
            if let Some(alt) = method_index.get(&m.name).map(|&i| &methods[i]) {
                let notes = vec![Label {
                    span: alt.span,
                    message: format!("other declaration of {}", alt.name()),
                }];
                self.error_with_notes(m.span, format!("duplicate method {}", m.name()), notes);
                continue;
            }
            method_index.insert(m.name, methods.len());
            methods.push(m);
        }
        // Embedded interfaces may still be being declared: check them and
        // duplicate methods once all package-level types are complete.
        let t = Type::new(TypeKind::Interface(Interface::new(
            methods.clone(),
            embeddeds.clone(),
        )));
        self.later(move |c| c.check_interface_embeddings(&methods, &embeddeds, &embedded_spans));
        t
    }

    fn check_interface_embeddings(&mut self, methods: &[Obj], embeddeds: &[Type], spans: &[Span]) {
        // The methods so far by name (the first of each name).
        let mut all: HashMap<Symbol, Obj> = HashMap::default();
        for m in methods {
            all.entry(m.name).or_insert_with(|| m.clone());
        }
        for (t, span) in embeddeds.iter().zip(spans) {
            let u = t.under();
            match u.kind() {
                TypeKind::Interface(i) => {
                    for m in i.all_methods().iter() {
                        if let Some(alt) = all.get(&m.name) {
                            if !crate::predicates::identical(&alt.ty_ref(), &m.ty_ref()) {
                                let notes = vec![Label {
                                    span: alt.span,
                                    message: format!("other declaration of {}", alt.name()),
                                }];
                                self.error_with_notes(
                                    *span,
                                    format!("duplicate method {}", m.name()),
                                    notes,
                                );
                            }
                            continue;
                        }
                        all.insert(m.name, m.clone());
                    }
                }
                _ if u.is_invalid() => {}
                _ => {
                    if is_interface_ptr(t) {
                        self.error(*span, format!("{} is not an interface", self.type_str(t)));
                    } else {
                        self.error(*span, format!("cannot use {} in interface (type constraints are not supported in GoX)", self.type_str(t)));
                    }
                }
            }
        }
    }

    /// A new named type for type name `obj`, not yet with an underlying type.
    pub(crate) fn new_named(&mut self, obj: &Obj) -> Type {
        let t = Type::new(TypeKind::Named(crate::types::Named {
            obj: obj.clone(),
            underlying: Default::default(),
            methods: RwLock::default(),
        }));
        obj.set_type(t.clone());
        t
    }
}

/// Whether interface element `e` is a union or a `~T` term (go/types'
/// type set elements), not an embedded type.
fn is_constraint_element(e: &ast::Expr) -> bool {
    matches!(
        e.unparen().kind,
        ExprKind::Binary { op: ast::BinaryOp::Or, .. } | ExprKind::Unary { op: ast::UnaryOp::Tilde, .. }
    )
}

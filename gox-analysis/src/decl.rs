//! Declarations: package-level objects checked on demand with cycle
//! detection (go/types `objDecl`), constant, variable, type and function
//! declarations, and declarations inside function bodies.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use gox_common::{Label, Span};
use gox_syntax::ast::{self, GenKind, Spec};
use gox_syntax::Symbol;

use crate::checker::{Checker, Color, DeclKind, DelayedBody};
use crate::constant::Value;
use crate::objects::{obj_key, Obj, Object, ObjectKind};
use crate::operand::Mode;
use crate::scope::{Scope, ScopeKind};
use crate::types::{Type, TypeKind};

/// The first field of each name of `t`'s underlying struct (none for
/// other types): looked up once per method, as a type may have thousands
/// of both.
fn field_spans(t: &Type) -> HashMap<Symbol, Span> {
    let mut spans = HashMap::default();
    if let TypeKind::Struct(s) = t.under().kind() {
        for f in &s.fields {
            spans.entry(f.name).or_insert(f.span);
        }
    }
    spans
}

impl<'a> Checker<'a> {
    /// Phase 2: check every package-level object in source order, then the
    /// deferred checks.
    pub(crate) fn package_objects(&mut self) {
        // As go/types: type definitions first, then aliases (this avoids
        // most uses of an alias before its type is known), to reduce cycle
        // noise through method declarations. Method signatures next:
        // interface satisfaction checks in initialisers need the methods'
        // types. Everything else in source order, as go/types: which object
        // of a declaration cycle through a function signature is reached
        // first decides the error (`var r = f(); func f() r` is a cycle at r).
        let mut phases: [Vec<Obj>; 4] = Default::default();
        for o in &self.objs_in_order {
            let phase = match self.decls.get(&obj_key(o)).map(|d| &d.kind) {
                Some(DeclKind::Type(t)) if t.assign.is_none() => 0,
                Some(DeclKind::Type(_)) => 1,
                Some(DeclKind::Func(f)) if f.recv.is_some() => 2,
                _ if o.is_type_name() => 0,
                _ => 3,
            };
            phases[phase].push(o.clone());
        }
        for phase in &phases {
            for o in phase {
                self.obj_decl(o);
            }
        }
        self.process_later();
    }

    /// Type-checks package-level object `obj` if not done yet; reports
    /// declaration cycles.
    pub fn obj_decl(&mut self, obj: &Obj) {
        let key = obj_key(obj);
        let color = self.colors.get(&key).copied().unwrap_or(Color::White);
        if color == Color::White && obj.has_type() {
            self.colors.insert(key, Color::Black);
            return;
        }
        match color {
            Color::Black => return,
            Color::Grey => {
                let valid = self.valid_cycle(obj);
                match &obj.kind {
                    ObjectKind::Const { .. } | ObjectKind::Var { .. } => {
                        if !valid || !obj.has_type() {
                            obj.set_type(Type::invalid());
                        }
                    }
                    ObjectKind::TypeName => {
                        if !valid {
                            obj.set_type(Type::invalid());
                        }
                    }
                    _ => {}
                }
                return;
            }
            Color::White => {}
        }
        if !self.decls.contains_key(&key) {
            return;
        }
        if self.obj_path.len() >= crate::MAX_DECL_NESTING {
            // Reported once; the declarations cut off this way are invalid.
            if !self.nesting_reported {
                self.nesting_reported = true;
                self.error(
                    obj.span,
                    format!(
                        "declaration nesting too deep: more than {} declarations in progress",
                        crate::MAX_DECL_NESTING
                    ),
                );
            }
            obj.set_type(Type::invalid());
            self.colors.insert(key, Color::Black);
            return;
        }
        stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || {
            self.obj_decl_body(obj, key)
        });
    }

    /// [`Checker::obj_decl`] of an object not yet checked.
    fn obj_decl_body(&mut self, obj: &Obj, key: usize) {
        self.colors.insert(key, Color::Grey);
        self.obj_path.push(obj.clone());
        let saved_env = std::mem::take(&mut self.env);
        let (file_scope, kind) = {
            let d = &self.decls[&key];
            let kind = match &d.kind {
                DeclKind::Const {
                    ty,
                    init,
                    iota,
                    inherited,
                } => DeclKind::Const {
                    ty: *ty,
                    init: *init,
                    iota: *iota,
                    inherited: *inherited,
                },
                DeclKind::Var { lhs, ty, init } => DeclKind::Var {
                    lhs: lhs.clone(),
                    ty: *ty,
                    init: *init,
                },
                DeclKind::Type(t) => DeclKind::Type(t),
                DeclKind::Func(f) => DeclKind::Func(f),
            };
            (d.file_scope.clone(), kind)
        };
        let saved_scope = std::mem::replace(&mut self.scope, file_scope);
        match kind {
            DeclKind::Const {
                ty,
                init,
                iota,
                inherited,
            } => {
                self.env.decl = Some(obj.clone());
                self.const_decl(obj, ty, init, iota, inherited);
            }
            DeclKind::Var { lhs, ty, init } => {
                self.env.decl = Some(obj.clone());
                self.var_decl(obj, lhs.as_deref(), ty, init);
            }
            DeclKind::Type(t) => self.type_decl(obj, t),
            DeclKind::Func(f) => self.func_decl(obj, f),
        }
        self.scope = saved_scope;
        self.env = saved_env;
        self.obj_path.pop();
        self.colors.insert(key, Color::Black);
    }

    /// Whether `obj` is a package-level alias whose type is being
    /// determined (its declaration is on the object path).
    pub(crate) fn is_alias_in_progress(&self, obj: &Obj) -> bool {
        let key = obj_key(obj);
        self.colors.get(&key) == Some(&Color::Grey)
            && matches!(self.decls.get(&key).map(|d| &d.kind), Some(DeclKind::Type(t)) if t.assign.is_some())
    }

    /// Whether the cycle ending at `obj` is valid; reports it otherwise.
    fn valid_cycle(&mut self, obj: &Obj) -> bool {
        let Some(start) = self.obj_path.iter().position(|o| Arc::ptr_eq(o, obj)) else {
            return true;
        };
        let cycle: Vec<Obj> = self.obj_path[start..].to_vec();
        let mut nval = 0;
        let mut ndef = 0;
        for o in &cycle {
            match &o.kind {
                ObjectKind::Const { .. } | ObjectKind::Var { .. } => nval += 1,
                ObjectKind::TypeName => {
                    let alias = match self.decls.get(&obj_key(o)).map(|d| &d.kind) {
                        Some(DeclKind::Type(t)) => t.assign.is_some(),
                        _ => o.is_alias(),
                    };
                    if !alias {
                        ndef += 1;
                    }
                }
                _ => {}
            }
        }
        if nval == cycle.len() {
            return true;
        }
        if nval == 0 && ndef > 0 {
            return true;
        }
        self.cycle_error(&cycle);
        false
    }

    /// Reports a declaration cycle, starting at its first object in source order.
    pub(crate) fn cycle_error(&mut self, cycle: &[Obj]) {
        let Some(first) = (0..cycle.len()).min_by_key(|&i| (cycle[i].span.file, cycle[i].span.lo))
        else {
            return;
        };
        let obj = &cycle[first];
        let is_type = obj.is_type_name();
        if cycle.len() == 1 {
            if is_type {
                self.error(
                    obj.span,
                    format!("invalid recursive type: {} refers to itself", obj.name()),
                );
            } else {
                self.error(
                    obj.span,
                    format!(
                        "invalid cycle in declaration: {} refers to itself",
                        obj.name()
                    ),
                );
            }
            return;
        }
        let msg = if is_type {
            format!("invalid recursive type {}", obj.name())
        } else {
            format!("invalid cycle in declaration of {}", obj.name())
        };
        let mut notes = Vec::new();
        for i in 0..cycle.len() {
            let o = &cycle[(first + i) % cycle.len()];
            let next = &cycle[(first + i + 1) % cycle.len()];
            notes.push(Label {
                span: o.span,
                message: format!("{} refers to {}", o.name(), next.name()),
            });
        }
        self.error_with_notes(obj.span, msg, notes);
    }

    pub(crate) fn const_decl(
        &mut self,
        obj: &Obj,
        ty: Option<&'a ast::Expr>,
        init: Option<&'a ast::Expr>,
        iota: u32,
        inherited: bool,
    ) {
        self.env.iota = Some(Value::make_int(iota as i64));
        // An inherited type expression is evaluated again for each constant:
        // its errors stay at the expression, where they are reported once.
        let mut t = None;
        if let Some(te) = ty {
            let tt = self.type_expr(te);
            if !tt.is_invalid() && !tt.is_const_type() {
                self.error(
                    te.span,
                    format!("invalid constant type {}", self.type_str(&tt)),
                );
                obj.set_type(Type::invalid());
                self.env.errpos = None;
                return;
            }
            t = Some(tt);
        }
        // Errors in an inherited initialiser are reported at the constant.
        if inherited {
            self.env.errpos = Some(obj.span);
        }
        let mut x = match init {
            Some(e) => self.expr(e),
            None => crate::operand::Operand::invalid(None),
        };
        self.init_const(obj, &mut x, t.as_ref());
        self.env.errpos = None;
    }

    /// Gives constant `obj` the value of `x`. A constant declared with a
    /// type keeps that type when its value is bad (go/types' initConst):
    /// `const c myint = 1 << 100` is a myint of unknown value, so
    /// `c / int8(1)` still reports mismatched types.
    fn init_const(&mut self, obj: &Obj, x: &mut crate::operand::Operand<'a>, t: Option<&Type>) {
        let failed = t.cloned().unwrap_or_else(Type::invalid);
        if x.is_invalid() || x.ty.is_invalid() {
            obj.set_type(failed);
            return;
        }
        if !x.is_constant() {
            self.error(x.span(), format!("{} is not constant", self.op_str(x)));
            obj.set_type(failed);
            return;
        }
        if let Some(t) = t {
            self.assignment(x, Some(t), "constant declaration");
        }
        if x.is_invalid() {
            obj.set_type(failed);
            return;
        }
        obj.set_type(x.ty.clone());
        if let Some(v) = x.value() {
            obj.set_const_value(v.clone());
        }
    }

    pub(crate) fn var_decl(
        &mut self,
        obj: &Obj,
        lhs: Option<&[Obj]>,
        ty: Option<&'a ast::Expr>,
        init: Option<&'a ast::Expr>,
    ) {
        if let Some(te) = ty {
            let t = self.var_type(te);
            obj.set_type(t.clone());
            if let Some(l) = lhs {
                for o in l {
                    o.set_type(t.clone());
                }
            }
        }
        let Some(init) = init else {
            if ty.is_none() {
                obj.set_type(Type::invalid());
            }
            return;
        };
        match lhs {
            Some(l) if l.len() > 1 => {
                // n:1 declaration: all variables share the initialiser.
                for o in l {
                    if !Arc::ptr_eq(o, obj) {
                        let k = obj_key(o);
                        self.colors.insert(k, Color::Black);
                    }
                }
                self.init_vars(l, std::slice::from_ref(init), None);
            }
            _ => {
                if matches!(init.unparen().kind, gox_syntax::ast::ExprKind::Call { .. }) {
                    // A multi-value call reports an assignment mismatch.
                    self.init_vars_in(
                        std::slice::from_ref(obj),
                        std::slice::from_ref(init),
                        None,
                        "variable declaration",
                    );
                    return;
                }
                let mut x = self.expr(init);
                self.init_var(obj, &mut x, "variable declaration");
            }
        }
    }

    fn type_decl(&mut self, obj: &Obj, spec: &'a ast::TypeSpec) {
        if spec.assign.is_some() {
            obj.set_type(Type::invalid());
            let t = self.defined_type(&spec.ty, None);
            obj.set_type(t.clone());
            // Methods declared with the alias as receiver belong to the
            // aliased named type of this package.
            if let Some(ms) = self.methods.remove(&obj_key(obj)) {
                // `type P = *T; func (P) m()` declares m on T.
                let base = t
                    .pointer_elem()
                    .filter(|_| !t.is_named())
                    .unwrap_or_else(|| t.clone());
                let local = base
                    .as_named()
                    .is_some_and(|n| n.obj.pkg.as_ref().is_some_and(|p| p.same(&self.pkg)));
                if local {
                    let fields = field_spans(&base);
                    for m in ms {
                        self.add_method(&base, &m, &fields);
                    }
                }
            }
            return;
        }
        let named = self.new_named(obj);
        let t = named.clone();
        self.later(move |c| c.valid_type(&t));
        let rhs = self.defined_type(&spec.ty, Some(&named));
        // `type A B; type B A`: a chain of declared types leading back.
        if rhs.is_named() {
            let mut path = vec![obj.clone()];
            let mut cur = rhs.clone();
            while let Some(n) = cur.as_named() {
                if Arc::ptr_eq(&n.obj, obj) {
                    self.cycle_error(&path);
                    if let Some(nn) = named.as_named() {
                        nn.set_underlying(Type::invalid());
                    }
                    return;
                }
                if path.iter().any(|o| Arc::ptr_eq(o, &n.obj)) || path.len() > 100 {
                    break;
                }
                path.push(n.obj.clone());
                let next = n
                    .underlying.get();
                match next {
                    Some(t) => cur = t,
                    None => {
                        // Declared as another type whose declaration is in
                        // progress: a cycle through type names only.
                        let start = self.obj_path.iter().position(|o| Arc::ptr_eq(o, &n.obj));
                        let pure = |c: &Checker<'a>, o: &Obj| match c
                            .decls
                            .get(&obj_key(o))
                            .map(|d| &d.kind)
                        {
                            Some(DeclKind::Type(t)) => {
                                matches!(
                                    t.ty.unparen().kind,
                                    gox_syntax::ast::ExprKind::Ident(_)
                                        | gox_syntax::ast::ExprKind::Selector { .. }
                                )
                            }
                            _ => false,
                        };
                        if let Some(start) =
                            start.filter(|&st| self.obj_path[st..].iter().all(|o| pure(self, o)))
                        {
                            let cycle: Vec<Obj> = self.obj_path[start..].to_vec();
                            self.cycle_error(&cycle);
                            if let Some(nn) = named.as_named() {
                                nn.set_underlying(Type::invalid());
                            }
                            return;
                        }
                        break;
                    }
                }
            }
        }
        if let Some(n) = named.as_named() {
            if !n.underlying_is_set() {
                n.set_underlying(Type::invalid());
            }
            // A chain of declared types resolves to the last one's
            // underlying type, unless a type on the chain is still being
            // declared (then it resolves when that one is done).
            let mut cur = rhs.clone();
            let mut pending = false;
            for _ in 0..100 {
                let Some(cn) = cur.as_named() else { break };
                let next = cn
                    .underlying.get();
                match next {
                    Some(t) => cur = t,
                    None => {
                        pending = true;
                        break;
                    }
                }
            }
            if !pending {
                let u = n.resolved_underlying();
                n.set_underlying(u);
            }
        }
        // Collect the methods declared for this type.
        if let Some(ms) = self.methods.remove(&obj_key(obj)) {
            let fields = field_spans(&named);
            for m in ms {
                self.add_method(&named, &m, &fields);
            }
        }
    }

    /// Adds method `m` to `named`, unless a field of it (`fields`, from
    /// [`field_spans`]) or another method has the name.
    fn add_method(&mut self, named: &Type, m: &Obj, fields: &HashMap<Symbol, Span>) {
        let Some(n) = named.as_named() else { return };
        if let Some(&field) = fields.get(&m.name) {
            let notes = vec![Label {
                span: field,
                message: format!("other declaration of {}", m.name()),
            }];
            self.error_with_notes(m.span, format!("field and method with the same name {}", m.name()), notes);
            return;
        }
        if let Some(alt) = n.method_named(m.name) {
            let notes = vec![Label {
                span: alt.span,
                message: format!("other declaration of {}", m.name()),
            }];
            let tn = n.obj.name();
            self.error_with_notes(
                m.span,
                format!("method {}.{} already declared", tn, m.name()),
                notes,
            );
            return;
        }
        n.add_method(m.clone());
    }

    /// Reports `type T struct { f T }`-style infinite types (go/types
    /// `validType`). Runs once all package-level types are declared; a
    /// named type's verdict is remembered, so each type is walked once
    /// however often it is embedded (`type S2 struct{ a, b S1 }`, ...).
    fn valid_type(&mut self, t: &Type) {
        let mut path: Vec<Obj> = Vec::new();
        let mut on_path: HashMap<usize, usize> = HashMap::default();
        self.valid_type_walk(t, &mut path, &mut on_path);
    }

    fn valid_type_walk(
        &mut self,
        t: &Type,
        path: &mut Vec<Obj>,
        on_path: &mut HashMap<usize, usize>,
    ) -> bool {
        stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || {
            self.valid_type_walk_inner(t, path, on_path)
        })
    }

    fn valid_type_walk_inner(
        &mut self,
        t: &Type,
        path: &mut Vec<Obj>,
        on_path: &mut HashMap<usize, usize>,
    ) -> bool {
        match t.kind() {
            TypeKind::Array { elem, .. } => self.valid_type_walk(elem, path, on_path),
            TypeKind::Interface(i) => i
                .embeddeds
                .iter()
                .all(|e| self.valid_type_walk(e, path, on_path)),
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .all(|f| self.valid_type_walk(&f.ty_ref(), path, on_path)),
            TypeKind::Named(n) => {
                let key = obj_key(&n.obj);
                if let Some(&verdict) = self.valid_types.get(&key) {
                    return verdict;
                }
                // Only types of this package can form new cycles.
                if n.obj.pkg.as_ref().map(|p| p.path.as_str()) != Some(self.pkg.path.as_str()) {
                    return true;
                }
                let u = n
                    .underlying.get();
                let Some(u) = u.filter(|u| !u.is_invalid()) else {
                    return false;
                };
                if let Some(&start) = on_path.get(&key) {
                    let cycle: Vec<Obj> = path[start..].to_vec();
                    self.cycle_error(&cycle);
                    n.set_underlying(Type::invalid());
                    return false;
                }
                on_path.insert(key, path.len());
                path.push(n.obj.clone());
                let ok = self.valid_type_walk(&u, path, on_path);
                path.pop();
                on_path.remove(&key);
                self.valid_types.insert(key, ok);
                ok
            }
            _ => true,
        }
    }

    fn func_decl(&mut self, obj: &Obj, f: &'a ast::FuncDecl) {
        // Function types are set up before bodies are checked (bodies may
        // refer to the function itself). While its signature is checked the
        // function has an empty one, as in go/types: `func h() [h()[0]]int`
        // calls a function without results.
        obj.set_provisional_type(Type::new(TypeKind::Signature(crate::types::Signature {
            recv: None,
            params: Vec::new(),
            results: Vec::new(),
            variadic: false,
        })));
        let scope = Scope::new(
            Some(self.scope.clone()),
            ScopeKind::Func,
            f.ty.span
                .to(f.body.as_ref().map_or(f.ty.span, |b| b.span())),
        );
        self.record_scope(f.ty.span, &scope);
        let saved = std::mem::replace(&mut self.scope, scope.clone());
        let sig = self.func_type(&scope, f.recv.as_ref(), &f.ty);
        self.scope = saved;
        obj.set_type(sig.clone());
        if let Some(body) = &f.body {
            self.delayed.push(DelayedBody {
                name: f.name.name.as_str(),
                decl: Some(obj.clone()),
                sig,
                body,
                scope,
            });
        }
    }

    /// Checks the delayed function bodies (new ones may be added while
    /// checking, e.g. for function literals).
    pub(crate) fn process_delayed(&mut self) {
        let mut i = 0;
        while i < self.delayed.len() {
            let d = &self.delayed[i];
            let (name, decl, sig, body, scope) = (
                d.name,
                d.decl.clone(),
                d.sig.clone(),
                d.body,
                d.scope.clone(),
            );
            let saved_env = std::mem::take(&mut self.env);
            self.env.decl = decl;
            self.func_body(name, &sig, body, scope);
            self.env = saved_env;
            i += 1;
        }
        self.delayed.clear();
    }

    /// `const`, `var` and `type` declarations inside a function body.
    pub fn local_decl(&mut self, d: &'a ast::GenDecl) {
        match d.kind {
            GenKind::Import => {}
            GenKind::Const => {
                let mut last: Option<&'a ast::ValueSpec> = None;
                for spec in &d.specs {
                    let Spec::Value(s) = spec else { continue };
                    let inherited = s.ty.is_none() && s.values.is_empty();
                    if !inherited {
                        last = Some(s);
                    }
                    let mut objs = Vec::new();
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
                        let saved = self.env.clone();
                        self.const_decl(
                            &obj,
                            last.and_then(|l| l.ty.as_ref()),
                            last.and_then(|l| l.values.get(i)),
                            s.index,
                            inherited,
                        );
                        self.env = saved;
                        objs.push((name, obj));
                    }
                    let src = last.unwrap_or(s);
                    self.local_arity(s, src);
                    let scope = self.scope.clone();
                    for (name, obj) in objs {
                        self.declare(&scope, Some(name), obj);
                    }
                }
            }
            GenKind::Var => {
                for spec in &d.specs {
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
                    // As go/types' declStmt: pairwise initialisation, or
                    // one multi-valued initialiser for all variables.
                    for (i, o) in lhs.iter().enumerate() {
                        if s.values.len() == 1 {
                            self.var_decl(o, Some(&lhs), s.ty.as_ref(), s.values.first());
                            // The others were initialised with the first.
                            for other in &lhs {
                                if !other.has_type() {
                                    other.set_type(Type::invalid());
                                }
                            }
                            break;
                        }
                        self.var_decl(o, None, s.ty.as_ref(), s.values.get(i));
                    }
                    if s.ty.is_none() || !s.values.is_empty() {
                        self.arity_match(s, None);
                    }
                    let scope = self.scope.clone();
                    for (name, o) in s.names.iter().zip(lhs) {
                        self.declare(&scope, Some(name), o);
                    }
                }
            }
            GenKind::Type => {
                for spec in &d.specs {
                    let Spec::Type(t) = spec else { continue };
                    let obj = Object::new(
                        t.name.name,
                        t.name.span,
                        Some(self.pkg.clone()),
                        ObjectKind::TypeName,
                        None,
                    );
                    // Declared before its definition: a local type may refer to itself.
                    let scope = self.scope.clone();
                    self.declare(&scope, Some(&t.name), obj.clone());
                    // Marked in progress (as package-level declarations are)
                    // so that cycles are found.
                    let key = obj_key(&obj);
                    self.colors.insert(key, Color::Grey);
                    self.obj_path.push(obj.clone());
                    self.type_decl(&obj, t);
                    self.obj_path.pop();
                    self.colors.insert(key, Color::Black);
                }
            }
        }
    }

    fn local_arity(&mut self, s: &'a ast::ValueSpec, src: &'a ast::ValueSpec) {
        let l = s.names.len();
        let r = src.values.len();
        if l < r {
            if l < s.values.len() {
                let n = &s.values[l];
                self.error(
                    n.span,
                    format!("extra init expr {}", crate::typestring::expr_string(n)),
                );
            } else {
                self.error(s.span, "extra init expr");
            }
        } else if l > r {
            let n = &s.names[r];
            self.error(n.span, format!("missing init expr for {}", n.name));
        }
    }

    /// Records `e` as denoting a type (used by callers that resolve types
    /// outside [`Checker::type_expr`]).
    pub(crate) fn record_type_expr(&mut self, e: &ast::Expr, t: &Type) {
        self.record_type(e, &Mode::TypeExpr, t);
    }
}

impl<'a> Checker<'a> {
    /// `package main` must declare `func main()`.
    pub(crate) fn check_main_and_init(&mut self) {
        if self.pkg.name.as_str() != "main" {
            return;
        }
        let has_main = self
            .pkg_scope
            .lookup(gox_syntax::Symbol::intern("main"))
            .is_some_and(|o| o.is_func());
        // A `main` declared as something else was reported as such ("cannot
        // declare main - must be func"): one root cause, one error (Go's
        // linker, which reports a missing main, never runs after that).
        let misdeclared = self.files.iter().flat_map(|f| &f.decls).any(|d| match d {
            ast::Decl::Gen(g) => g.specs.iter().any(|s| match s {
                Spec::Value(v) => v.names.iter().any(|n| n.name.as_str() == "main"),
                Spec::Type(t) => t.name.name.as_str() == "main",
                Spec::Import(_) => false,
            }),
            _ => false,
        });
        if !has_main && !misdeclared {
            if let Some(f) = self.files.first() {
                self.error(
                    f.name.span,
                    "function main is undeclared in the main package",
                );
            }
        }
    }
}

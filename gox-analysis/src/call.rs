//! Calls (functions, methods, conversions, builtins), arguments, and
//! selectors (qualified identifiers, fields and methods).

use gox_common::Span;
use gox_syntax::ast::{self, ExprKind};

use crate::checker::{Checker, Selection, SelectionKind};
use crate::lookup::{is_interface_ptr, lookup_field_or_method, Lookup};
use crate::objects::{Obj, ObjectKind};
use crate::operand::{Mode, Operand};
use crate::types::{Signature, Type, TypeKind};
use crate::typestring::expr_string;

pub(crate) const METHOD_VALUE_MSG: &str = "method value not supported; use a func literal";

impl<'a> Checker<'a> {
    /// A call expression: a conversion, a builtin call or a function/method call.
    pub(crate) fn call_expr(&mut self, e: &'a ast::Expr) -> Operand<'a> {
        let ExprKind::Call {
            func,
            args,
            ellipsis,
            rparen,
            ..
        } = &e.kind
        else {
            return Operand::invalid(Some(e));
        };
        let ellipsis = ellipsis.map(|at| e.token_span(at, 3));
        let rparen = e.token_span(*rparen, 1);
        let fu = func.unparen();
        let saved = std::mem::replace(&mut self.calling, Some((fu.span.file, fu.id)));
        let mut x = self.raw_expr(func, None, true);
        self.calling = saved;
        match x.mode.clone() {
            Mode::Invalid => {
                self.use_exprs(args);
                x.expr = Some(e);
                return x;
            }
            Mode::TypeExpr => {
                let t = x.ty.clone();
                let mut r = Operand::invalid(Some(e));
                match args.len() {
                    0 => self.error(
                        rparen,
                        format!("missing argument in conversion to {}", self.type_str(&t)),
                    ),
                    1 => {
                        r = self.expr(&args[0]);
                        if !r.is_invalid() {
                            if ellipsis.is_some() {
                                self.error(
                                    args[0].span,
                                    format!(
                                        "invalid use of ... in conversion to {}",
                                        self.type_str(&t)
                                    ),
                                );
                                r.invalidate();
                            } else {
                                self.conversion(&mut r, &t);
                            }
                        }
                    }
                    n => {
                        self.use_exprs(args);
                        self.error(
                            args[n - 1].span,
                            format!("too many arguments in conversion to {}", self.type_str(&t)),
                        );
                    }
                }
                r.expr = Some(e);
                return r;
            }
            Mode::Builtin(b) => {
                let mut r = self.builtin(e, b, args, ellipsis, rparen);
                r.expr = Some(e);
                if !r.is_invalid() && !r.is_constant() {
                    self.env.has_call_or_recv = true;
                }
                return r;
            }
            _ => {}
        }
        let u = x.ty.under();
        let TypeKind::Signature(sig) = u.kind() else {
            self.invalid_op(
                x.span(),
                format!("cannot call non-function {}", self.op_str(&x)),
            );
            self.use_exprs(args);
            let mut r = Operand::invalid(Some(e));
            r.expr = Some(e);
            return r;
        };
        let (xs, _) = self.expr_list(args, false);
        self.arguments(e, func, sig, xs, ellipsis, rparen);
        let mut r = match sig.results.len() {
            0 => Operand::new(Mode::NoValue, Some(e), Type::invalid()),
            1 => Operand::new(Mode::Value, Some(e), sig.results[0].ty()),
            _ => Operand::new(
                Mode::Value,
                Some(e),
                sig.result_type().unwrap_or_else(Type::invalid),
            ),
        };
        r.expr = Some(e);
        self.env.has_call_or_recv = true;
        r
    }

    fn arguments(
        &mut self,
        _call: &'a ast::Expr,
        func: &'a ast::Expr,
        sig: &Signature,
        mut args: Vec<Operand<'a>>,
        ellipsis: Option<Span>,
        rparen: Span,
    ) {
        for a in &args {
            match a.mode {
                Mode::TypeExpr => {
                    self.error(a.span(), format!("{} used as value", self.op_str(a)));
                    return;
                }
                Mode::Invalid => return,
                _ => {}
            }
        }
        let nargs = args.len();
        let mut npars = sig.params.len();
        // Without `...`, the arguments from the variadic parameter's
        // position on each take its element type.
        let mut spread: Option<(usize, Type)> = None;
        if sig.variadic {
            if let Some(ell) = ellipsis {
                if nargs > 1
                    && args
                        .iter()
                        .all(|a| a.expr.map(|e| e.id) == args[0].expr.map(|e| e.id))
                {
                    self.error(
                        ell,
                        format!(
                            "cannot use ... with {}-valued {}",
                            nargs,
                            args[0].expr.map(expr_string).unwrap_or_default()
                        ),
                    );
                    return;
                }
            } else if nargs + 1 >= npars {
                let elem = match sig.params.last().map(|p| p.ty_ref()).as_deref().map(Type::kind) {
                    Some(TypeKind::Slice(e)) => e.clone(),
                    _ => Type::invalid(),
                };
                spread = Some((npars - 1, elem));
                npars = nargs;
            } else {
                npars -= 1;
            }
        } else if let Some(ell) = ellipsis {
            self.error(
                ell,
                format!(
                    "cannot use ... in call to non-variadic {}",
                    expr_string(func)
                ),
            );
            return;
        }
        if nargs != npars {
            let (at, q) = if nargs > npars {
                (args[npars].span(), "too many")
            } else {
                (rparen, "not enough")
            };
            let have: Vec<Type> = args.iter().map(|a| a.ty.clone()).collect();
            let want = self.params_summary(sig);
            let msg = format!(
                "{} arguments in call to {}\n\thave {}\n\twant {}",
                q,
                expr_string(func),
                self.types_summary(&have),
                want
            );
            self.error(at, msg);
            return;
        }
        // The parameter types are borrowed: a clone of a counted type and
        // its drop are two atomic operations, for every argument of every
        // call.
        let context = ArgumentTo(func);
        for (i, a) in args.iter_mut().enumerate() {
            match &spread {
                Some((from, elem)) if i >= *from => self.assignment_in(a, Some(elem), &context),
                _ => {
                    let t = sig.params[i].ty_ref();
                    self.assignment_in(a, Some(&t), &context);
                }
            }
        }
    }

    fn params_summary(&self, sig: &Signature) -> String {
        let mut parts = Vec::new();
        for (i, p) in sig.params.iter().enumerate() {
            let t = p.ty();
            if sig.variadic && i + 1 == sig.params.len() {
                let elem = match t.kind() {
                    TypeKind::Slice(e) => e.clone(),
                    _ => t.clone(),
                };
                parts.push(format!("...{}", self.type_str(&elem)));
            } else {
                parts.push(self.type_str(&t));
            }
        }
        format!("({})", parts.join(", "))
    }

    /// `x.sel`: a qualified identifier, field, or (when called) method.
    pub(crate) fn selector(&mut self, e: &'a ast::Expr, _want_type: bool) -> Operand<'a> {
        let ExprKind::Selector { x: base, sel } = &e.kind else {
            return Operand::invalid(Some(e));
        };
        let is_called = self.calling == Some((e.span.file, e.id));
        let mut x = Operand::invalid(Some(e));
        if let ExprKind::Ident(id) = &base.kind {
            if let Some(obj) = self.lookup(id.name) {
                if let ObjectKind::PkgName { imported } = &obj.kind {
                    self.record_use(id, &obj);
                    obj.mark_used();
                    let fake = self
                        .fake_imports
                        .contains(&(std::sync::Arc::as_ptr(imported) as usize));
                    let Some(exp) = imported.scope.lookup_ref(sel.name) else {
                        if !fake {
                            let help = self.suggest_member(imported, sel.name);
                            self.error_with_help(
                                sel.span,
                                format!("undefined: {}.{}", imported.name(), sel.name),
                                help,
                            );
                        }
                        return x;
                    };
                    if !exp.is_exported() {
                        self.error(
                            sel.span,
                            format!(
                                "name {} not exported by package {}",
                                sel.name,
                                imported.name()
                            ),
                        );
                    }
                    self.record_use(sel, &exp);
                    x.ty = exp.ty();
                    x.mode = match &exp.kind {
                        ObjectKind::Const { .. } => Mode::Constant(exp.const_value()),
                        ObjectKind::TypeName => Mode::TypeExpr,
                        ObjectKind::Var { .. } => Mode::Variable,
                        ObjectKind::Func => Mode::Value,
                        ObjectKind::Builtin(b) => Mode::Builtin(*b),
                        _ => Mode::Invalid,
                    };
                    if x.ty.is_invalid() && !matches!(x.mode, Mode::Builtin(_)) {
                        x.invalidate();
                    }
                    return x;
                }
            } else if !id.is_blank() && sel.name.is_exported() {
                // `strings.Contains` without the import: name the import.
                if let Some(help) = self.suggest_import(id.name) {
                    self.error_with_help(id.span, format!("undefined: {}", id.name), Some(help));
                    return x;
                }
            }
        }
        let bx = self.expr_or_type(base);
        // `type T T.x`: a selector on the type being declared.
        if let (Mode::TypeExpr, Some(n)) = (&bx.mode, bx.ty.as_named()) {
            if !n.underlying_is_set() {
                if let Some(start) = self
                    .obj_path
                    .iter()
                    .position(|o| std::sync::Arc::ptr_eq(o, &n.obj))
                {
                    let cycle = self.obj_path[start..].to_vec();
                    self.cycle_error(&cycle);
                    return x;
                }
            }
        }
        match bx.mode {
            Mode::Invalid => return x,
            Mode::Builtin(_) => {
                self.error(sel.span, format!("cannot select on {}", self.op_str(&bx)));
                return x;
            }
            _ => {}
        }
        let addressable = matches!(bx.mode, Mode::Variable);
        let found = lookup_field_or_method(&bx.ty, addressable, Some(&self.pkg), sel.name);
        let (obj, index, indirect) = match found {
            Lookup::Found {
                obj,
                index,
                indirect,
            } => (obj, index, indirect),
            other => {
                if bx.ty.under().is_invalid()
                    || bx
                        .ty
                        .pointer_elem()
                        .is_some_and(|b| b.under().is_invalid())
                {
                    return x;
                }
                let xs = expr_string(base);
                match other {
                    Lookup::Ambiguous => {
                        self.error(sel.span, format!("ambiguous selector {}.{}", xs, sel.name))
                    }
                    Lookup::NeedsPointerReceiver => self.error(
                        sel.span,
                        format!(
                            "cannot call pointer method {} on {}",
                            sel.name,
                            self.type_str(&bx.ty)
                        ),
                    ),
                    _ => {
                        let why = if is_interface_ptr(&bx.ty) {
                            format!(
                                "type {} is pointer to interface, not interface",
                                self.type_str(&bx.ty)
                            )
                        } else {
                            let mut w = format!(
                                "type {} has no field or method {}",
                                self.type_str(&bx.ty),
                                sel.name
                            );
                            let s = sel.name.as_str();
                            let mut cs = s.chars();
                            if let Some(c0) = cs.next() {
                                let alt = if c0.is_uppercase() {
                                    format!("{}{}", c0.to_lowercase(), cs.as_str())
                                } else {
                                    format!("{}{}", c0.to_uppercase(), cs.as_str())
                                };
                                if let Lookup::Found { .. } = lookup_field_or_method(
                                    &bx.ty,
                                    addressable,
                                    Some(&self.pkg),
                                    gox_syntax::Symbol::intern(&alt),
                                ) {
                                    w.push_str(&format!(", but does have {}", alt));
                                }
                            }
                            w
                        };
                        // ", but does have X" already names the field.
                        let help = if why.contains(", but does have ") {
                            None
                        } else {
                            self.suggest_selector(&bx.ty, addressable, sel.name)
                        };
                        self.error_with_help(sel.span, format!("{}.{} undefined ({})", xs, sel.name, why), help);
                    }
                }
                return x;
            }
        };
        if obj.is_func() && !obj.has_type() {
            self.obj_decl(&obj);
        }
        if matches!(bx.mode, Mode::TypeExpr) {
            // Method expression: not in GoX.
            if !obj.is_func() {
                self.error(
                    sel.span,
                    format!(
                        "{}.{} undefined (type {} has no method {})",
                        expr_string(base),
                        sel.name,
                        self.type_str(&bx.ty),
                        sel.name
                    ),
                );
                return x;
            }
            self.error(e.span, METHOD_VALUE_MSG);
            return x;
        }
        self.record_use(sel, &obj);
        match &obj.kind {
            ObjectKind::Var { .. } => {
                self.record_selection(e, || Selection {
                    kind: SelectionKind::FieldVal,
                    recv: bx.ty.clone(),
                    obj: obj.clone(),
                    index: index.into_vec(),
                    indirect,
                });
                x.mode = if addressable || indirect {
                    Mode::Variable
                } else {
                    Mode::Value
                };
                x.ty = obj.ty();
                // A field of an invalid type was reported at its declaration.
                if x.ty.is_invalid() {
                    x.invalidate();
                }
            }
            ObjectKind::Func => {
                self.record_selection(e, || Selection {
                    kind: SelectionKind::MethodVal,
                    recv: bx.ty.clone(),
                    obj: obj.clone(),
                    index: index.into_vec(),
                    indirect,
                });
                if !is_called {
                    self.error(e.span, METHOD_VALUE_MSG);
                    return x;
                }
                x.mode = Mode::Value;
                x.ty = strip_receiver(&obj);
                self.add_dep(&obj);
            }
            _ => return x,
        }
        x
    }
}

/// The method's signature without its receiver.
fn strip_receiver(m: &Obj) -> Type {
    match m.ty_ref().kind() {
        TypeKind::Signature(s) => Type::new(TypeKind::Signature(Signature {
            recv: None,
            params: s.params.clone(),
            results: s.results.clone(),
            variadic: s.variadic,
        })),
        _ => Type::invalid(),
    }
}

/// `argument to f`, the context of a call's arguments, written only for an
/// error message (most calls have none, and the callee's text costs
/// allocations).
struct ArgumentTo<'e>(&'e ast::Expr);

impl std::fmt::Display for ArgumentTo<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "argument to {}", expr_string(self.0))
    }
}

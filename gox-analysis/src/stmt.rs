//! Statements (go/types `stmt.go`): function bodies, every statement form,
//! switch and type switch clauses, range clauses, and the
//! `declared but not used` check for local variables.

use std::sync::Arc;

use gox_common::{Label, Span};
use gox_syntax::ast::{self, AssignOp, BinaryOp, BranchKind, ExprKind, StmtKind, UnaryOp};

use crate::checker::Checker;
use crate::constant::{Kind, Value};
use crate::objects::{Obj, Object, ObjectKind};
use crate::operand::{Mode, Operand};
use crate::predicates::{comparable, has_nil, identical};
use crate::scope::{Scope, ScopeKind};
use crate::types::{BasicKind, ChanDir, Type, TypeKind};

/// Which control-flow statements are permitted where a statement appears
/// (go/types' `stmtContext`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StmtContext(u8);

impl StmtContext {
    const BREAK_OK: u8 = 1;
    const CONTINUE_OK: u8 = 2;
    const FALLTHROUGH_OK: u8 = 4;
    const FINAL_SWITCH_CASE: u8 = 8;
    const IN_TYPE_SWITCH: u8 = 16;

    fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
    fn with(self, bit: u8) -> StmtContext {
        StmtContext(self.0 | bit)
    }
    fn without(self, bit: u8) -> StmtContext {
        StmtContext(self.0 & !bit)
    }
}

/// How an expression statement's expression counts (go/types' `exprKind`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ExprKindClass {
    Conversion,
    Expression,
    Statement,
}

/// A case value as a plain Go value, for duplicate detection (go/types'
/// `goVal`: only integer, floating-point and string constants).
#[derive(Clone, Debug, PartialEq)]
enum CaseVal {
    Int(i64),
    Uint(u64),
    Float(u64),
    Str(Vec<u8>),
}

fn case_val(v: &Value) -> Option<CaseVal> {
    match v.kind() {
        Kind::Int => {
            if let Some(i) = v.int64_val() {
                return Some(CaseVal::Int(i));
            }
            v.uint64_val().map(CaseVal::Uint)
        }
        Kind::Float => v.float64_val().map(|f| CaseVal::Float(f.to_bits())),
        Kind::String => v.string_bytes().map(|b| CaseVal::Str(b.to_vec())),
        _ => None,
    }
}

/// The expression `true` standing for a missing switch tag in messages
/// (`invalid case x in switch on true`); never recorded in [`crate::Info`].
fn true_expr() -> &'static ast::Expr {
    static TRUE: std::sync::OnceLock<ast::Expr> = std::sync::OnceLock::new();
    TRUE.get_or_init(|| {
        let name = gox_syntax::Symbol::intern("true");
        let id = ast::NodeId(u32::MAX);
        ast::Expr { id, span: Span::default(), kind: ExprKind::Ident(ast::Ident { id, name, span: Span::default() }) }
    })
}

/// Statements of `list` without the trailing empty statements (which are
/// invisible to fallthrough and terminating-statement analysis).
pub(crate) fn trim_trailing_empty(list: &[ast::Stmt]) -> &[ast::Stmt] {
    let mut n = list.len();
    while n > 0 && matches!(list[n - 1].kind, StmtKind::Empty { .. }) {
        n -= 1;
    }
    &list[..n]
}

impl<'a> Checker<'a> {
    /// Checks the body of a function (declared or literal) whose parameters
    /// are declared in `scope`: its statements, labels, `missing return`
    /// and unused variables.
    /// `name` is empty for a function literal, whose body sees the `iota`
    /// of an enclosing constant declaration (as in go/types).
    pub(crate) fn func_body(&mut self, name: &str, sig: &Type, body: &'a ast::Block, scope: Arc<Scope>) {
        // Parameters and results are always "used".
        if let TypeKind::Signature(s) = sig.kind() {
            for p in s.recv.iter().chain(&s.params).chain(&s.results) {
                p.mark_used();
            }
        }
        let saved_scope = std::mem::replace(&mut self.scope, scope.clone());
        let saved_sig = self.env.sig.replace(sig.clone());
        let saved_label = std::mem::replace(&mut self.env.has_label, false);
        let saved_iota = if name.is_empty() { self.env.iota.clone() } else { self.env.iota.take() };

        self.stmt_list(StmtContext::default(), &body.stmts);
        if self.env.has_label {
            self.labels(body);
        }
        let has_results = matches!(sig.kind(), TypeKind::Signature(s) if !s.results.is_empty());
        if has_results && !self.is_terminating_list(&body.stmts, None) {
            self.error(body.rbrace, "missing return");
        }
        self.usage(&scope);
        if self.config.no_info {
            // Nothing reads the body's block scopes again: free them now
            // rather than keep every local scope of the package alive.
            scope.clear_children();
        }

        self.scope = saved_scope;
        self.env.sig = saved_sig;
        self.env.has_label = saved_label;
        self.env.iota = saved_iota;
    }

    /// Reports the unused variables declared in `scope` and its nested
    /// block scopes (function literals report their own).
    pub(crate) fn usage(&mut self, scope: &Arc<Scope>) {
        let mut unused = scope.objects_where(|o| matches!(o.kind, ObjectKind::Var { field: false, .. }) && !o.is_used());
        unused.sort_by_key(|o| (o.span.file, o.span.lo));
        for v in unused {
            self.error(v.span, format!("{} declared but not used", v.name()));
        }
        scope.for_each_child(|child| {
            if child.kind != ScopeKind::Func {
                self.usage(child);
            }
        });
    }

    fn stmt_list(&mut self, ctxt: StmtContext, list: &'a [ast::Stmt]) {
        let fallthrough_ok = ctxt.has(StmtContext::FALLTHROUGH_OK);
        let inner = ctxt.without(StmtContext::FALLTHROUGH_OK);
        let list = trim_trailing_empty(list);
        for (i, s) in list.iter().enumerate() {
            let mut c = inner;
            if fallthrough_ok && i + 1 == list.len() {
                c = c.with(StmtContext::FALLTHROUGH_OK);
            }
            self.stmt(c, s);
        }
    }

    fn simple_stmt(&mut self, s: Option<&'a ast::Stmt>) {
        if let Some(s) = s {
            self.stmt(StmtContext::default(), s);
        }
    }

    /// Reports every `default` clause after the first.
    fn multiple_defaults(&mut self, defaults: impl Iterator<Item = Span>) {
        let mut first: Option<Span> = None;
        for d in defaults {
            match first {
                Some(f) => {
                    let msg = match self.config.sources.as_ref().and_then(|s| s.get(f.file)) {
                        Some(file) => {
                            let lc = file.line_col(f.lo);
                            format!("multiple defaults (first at {}:{}:{})", file.path.display(), lc.line, lc.col)
                        }
                        None => "multiple defaults".to_string(),
                    };
                    let notes = vec![Label { span: f, message: "first default".into() }];
                    self.error_with_notes(d, msg, notes);
                }
                None => first = Some(d),
            }
        }
    }

    fn block_stmt(&mut self, ctxt: StmtContext, b: &'a ast::Block) {
        self.open_scope(b.span(), ScopeKind::Block);
        self.stmt_list(ctxt, &b.stmts);
        self.close_scope();
    }

    /// Type-checks statement `s`.
    fn stmt(&mut self, ctxt: StmtContext, s: &'a ast::Stmt) {
        stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || self.stmt_inner(ctxt, s))
    }

    fn stmt_inner(&mut self, ctxt: StmtContext, s: &'a ast::Stmt) {
        let inner = ctxt.without(StmtContext::FALLTHROUGH_OK | StmtContext::FINAL_SWITCH_CASE | StmtContext::IN_TYPE_SWITCH);
        match &s.kind {
            StmtKind::Bad | StmtKind::Empty { .. } => {}
            StmtKind::Decl(d) => self.local_decl(d),
            StmtKind::Labeled { stmt, .. } => {
                self.env.has_label = true;
                self.stmt(ctxt, stmt);
            }
            StmtKind::Expr(e) => self.expr_stmt(e),
            StmtKind::Send { chan, arrow, value } => self.send_stmt(chan, *arrow, value),
            StmtKind::IncDec { x, inc, .. } => self.inc_dec_stmt(x, *inc),
            StmtKind::Assign { lhs, op, op_span, rhs } => match op {
                AssignOp::Assign => {
                    if !lhs.is_empty() {
                        self.assign_vars(lhs, rhs);
                    }
                }
                AssignOp::Define => {
                    if !lhs.is_empty() {
                        self.short_var_decl(*op_span, lhs, rhs);
                    }
                }
                AssignOp::Op(bop) => {
                    if lhs.len() != 1 || rhs.len() != 1 {
                        self.error(*op_span, format!("assignment operation {}= requires single-valued expressions", bop.text()));
                        return;
                    }
                    let mut x = self.binary(None, &lhs[0], &rhs[0], *bop, *op_span);
                    if x.is_invalid() {
                        return;
                    }
                    self.assign_var(&lhs[0], &mut x);
                }
            },
            StmtKind::Go { call, .. } => self.suspended_call("go", call),
            StmtKind::Defer { call, .. } => self.suspended_call("defer", call),
            StmtKind::Return { results } => self.return_stmt(s, results),
            StmtKind::Branch { kind, label } => {
                if label.is_some() {
                    // Checked by the label pass.
                    self.env.has_label = true;
                    return;
                }
                match kind {
                    BranchKind::Break => {
                        if !ctxt.has(StmtContext::BREAK_OK) {
                            self.error(s.span, "break not in for, switch, or select statement");
                        }
                    }
                    BranchKind::Continue => {
                        if !ctxt.has(StmtContext::CONTINUE_OK) {
                            self.error(s.span, "continue not in for statement");
                        }
                    }
                    BranchKind::Fallthrough => {
                        if !ctxt.has(StmtContext::FALLTHROUGH_OK) {
                            let msg = if ctxt.has(StmtContext::FINAL_SWITCH_CASE) {
                                "cannot fallthrough final case in switch"
                            } else if ctxt.has(StmtContext::IN_TYPE_SWITCH) {
                                "cannot fallthrough in type switch"
                            } else {
                                "fallthrough statement out of place"
                            };
                            self.error(s.span, msg);
                        }
                    }
                    // A goto without a label is a syntax error.
                    BranchKind::Goto => {}
                }
            }
            StmtKind::Block(b) => self.block_stmt(inner, b),
            StmtKind::If { init, cond, then, els } => {
                self.open_scope(s.span, ScopeKind::Block);
                self.simple_stmt(init.as_deref());
                let x = self.expr(cond);
                if !x.is_invalid() && !x.ty.under().is_boolean() {
                    self.error(cond.span, "non-boolean condition in if statement");
                }
                self.block_stmt(inner, then);
                if let Some(e) = els {
                    self.stmt(inner, e);
                }
                self.close_scope();
            }
            StmtKind::Switch { init, tag, lbrace, body, .. } => {
                self.switch_stmt(s, inner.with(StmtContext::BREAK_OK), init.as_deref(), tag.as_deref(), *lbrace, body)
            }
            StmtKind::TypeSwitch { init, assign, body, .. } => self.type_switch_stmt(
                s,
                inner.with(StmtContext::BREAK_OK | StmtContext::IN_TYPE_SWITCH),
                init.as_deref(),
                assign,
                body,
            ),
            StmtKind::Select { body, .. } => self.select_stmt(inner.with(StmtContext::BREAK_OK), body),
            StmtKind::For { init, cond, post, body } => {
                let inner = inner.with(StmtContext::BREAK_OK | StmtContext::CONTINUE_OK);
                self.open_scope(s.span, ScopeKind::Block);
                self.simple_stmt(init.as_deref());
                if let Some(c) = cond {
                    let x = self.expr(c);
                    if !x.is_invalid() && !x.ty.under().is_boolean() {
                        self.error(c.span, "non-boolean condition in for statement");
                    }
                }
                self.simple_stmt(post.as_deref());
                if let Some(p) = post {
                    if let StmtKind::Assign { op: AssignOp::Define, lhs, .. } = &p.kind {
                        self.error(p.span, "cannot declare in post statement");
                        self.use_exprs(lhs);
                    }
                }
                self.block_stmt(inner, body);
                self.close_scope();
            }
            StmtKind::Range { key, value, op, x, body, .. } => {
                self.range_stmt(s, inner.with(StmtContext::BREAK_OK | StmtContext::CONTINUE_OK), key.as_deref(), value.as_deref(), *op, x, body)
            }
        }
    }

    /// Classifies the (already checked) expression `e` of an expression
    /// statement.
    fn expr_kind_class(&self, e: &ast::Expr) -> ExprKindClass {
        match &e.unparen().kind {
            ExprKind::Call { func, .. } => {
                // The record of the function without parentheses: the one
                // kept without Info (see Checker::keeps_type).
                let func = func.unparen();
                match self.info.types.get(&(func.span.file, func.id)).map(|tv| &tv.mode) {
                    Some(Mode::TypeExpr) => ExprKindClass::Conversion,
                    Some(Mode::Builtin(b)) => {
                        if b.is_statement() {
                            ExprKindClass::Statement
                        } else {
                            ExprKindClass::Expression
                        }
                    }
                    _ => ExprKindClass::Statement,
                }
            }
            ExprKind::Unary { op: UnaryOp::Recv, .. } => ExprKindClass::Statement,
            _ => ExprKindClass::Expression,
        }
    }

    fn expr_stmt(&mut self, e: &'a ast::Expr) {
        let x = self.raw_expr(e, None, false);
        let msg = match x.mode {
            Mode::Invalid => return,
            Mode::Builtin(_) => "must be called",
            Mode::TypeExpr => "is not an expression",
            _ => {
                if self.expr_kind_class(e) == ExprKindClass::Statement {
                    return;
                }
                "is not used"
            }
        };
        self.error(x.span(), format!("{} {}", self.op_str(&x), msg));
    }

    fn send_stmt(&mut self, chan: &'a ast::Expr, arrow: Span, value: &'a ast::Expr) {
        let ch = self.expr(chan);
        let mut val = self.expr(value);
        if ch.is_invalid() || val.is_invalid() {
            return;
        }
        let u = ch.ty.under();
        match u.kind() {
            TypeKind::Chan { dir, elem } => {
                if *dir == ChanDir::Recv {
                    self.invalid_op(arrow, format!("cannot send to receive-only channel {}", self.op_str(&ch)));
                    return;
                }
                let elem = elem.clone();
                self.assignment(&mut val, Some(&elem), "send");
            }
            _ => {
                if !u.is_invalid() {
                    self.invalid_op(arrow, format!("cannot send to non-channel {}", self.op_str(&ch)));
                }
            }
        }
    }

    fn inc_dec_stmt(&mut self, e: &'a ast::Expr, inc: bool) {
        let x = self.expr(e);
        if x.is_invalid() {
            return;
        }
        if !x.ty.under().is_numeric() {
            let op = if inc { "++" } else { "--" };
            self.invalid_op(
                e.span,
                format!("{}{} (non-numeric type {})", crate::typestring::expr_string(e), op, self.type_str(&x.ty)),
            );
            return;
        }
        // x++ is x += 1: the result has x's type; what remains to check is
        // that x can be assigned to.
        let mut v = Operand::new(Mode::Value, Some(e), x.ty.clone());
        self.assign_var(e, &mut v);
    }

    /// `go f(x)` and `defer f(x)`: the expression must be a function or
    /// method call, or a call of a statement builtin.
    fn suspended_call(&mut self, keyword: &str, call: &'a ast::Expr) {
        let x = self.raw_expr(call, None, false);
        if x.is_invalid() {
            return;
        }
        let msg = match self.expr_kind_class(call) {
            ExprKindClass::Conversion => "requires function call, not conversion",
            ExprKindClass::Expression => "discards result of",
            ExprKindClass::Statement => return,
        };
        self.error(x.span(), format!("{} {} {}", keyword, msg, self.op_str(&x)));
    }

    fn return_stmt(&mut self, s: &'a ast::Stmt, results: &'a [ast::Expr]) {
        let res: Vec<Obj> = match self.env.sig.as_ref().map(|t| t.kind()) {
            Some(TypeKind::Signature(sig)) => sig.results.clone(),
            _ => Vec::new(),
        };
        if results.is_empty() && !res.is_empty() && !res[0].name().is_empty() {
            // A naked return: every named result must be visible.
            for obj in &res {
                if let Some(alt) = self.lookup(obj.name) {
                    if !Arc::ptr_eq(&alt, obj) {
                        let notes = vec![Label {
                            span: alt.span,
                            message: format!("inner declaration of var {} {}", alt.name(), self.type_str(&alt.ty_ref())),
                        }];
                        self.error_with_notes(s.span, format!("result parameter {} not in scope at return", obj.name()), notes);
                    }
                }
            }
            return;
        }
        if results.is_empty() && res.is_empty() {
            return;
        }
        self.init_vars(&res, results, Some(s.span));
    }

    // ---- switch ----

    fn switch_stmt(
        &mut self,
        s: &'a ast::Stmt,
        inner: StmtContext,
        init: Option<&'a ast::Stmt>,
        tag: Option<&'a ast::Expr>,
        lbrace: Span,
        body: &'a [ast::CaseClause],
    ) {
        self.open_scope(s.span, ScopeKind::Block);
        self.simple_stmt(init);
        let mut x = match tag {
            Some(t) => {
                let mut x = self.expr(t);
                // Assigning to an invisible temporary gives the tag its
                // final type and rejects untyped nil.
                self.assignment(&mut x, None, "switch expression");
                if !x.is_invalid() && !comparable(&x.ty) && !has_nil(&x.ty) {
                    self.error(x.span(), format!("cannot switch on {} ({} is not comparable)", self.op_str(&x), self.type_str(&x.ty)));
                    x.invalidate();
                }
                x
            }
            // A missing tag is the constant `true`.
            None => Operand::new(Mode::Constant(Value::make_bool(true)), Some(true_expr()), Type::basic(BasicKind::Bool)),
        };
        let _ = lbrace;
        self.multiple_defaults(body.iter().filter(|c| c.list.is_none()).map(|c| c.span.start()));
        let mut seen: Vec<(CaseVal, Span, Type)> = Vec::new();
        for (i, clause) in body.iter().enumerate() {
            if let Some(list) = &clause.list {
                self.case_values(&mut x, list, &mut seen);
            }
            self.open_scope(clause.span, ScopeKind::Block);
            let c = if i + 1 < body.len() {
                inner.with(StmtContext::FALLTHROUGH_OK)
            } else {
                inner.with(StmtContext::FINAL_SWITCH_CASE)
            };
            self.stmt_list(c, &clause.body);
            self.close_scope();
        }
        self.close_scope();
    }

    fn case_values(&mut self, x: &mut Operand<'a>, values: &'a [ast::Expr], seen: &mut Vec<(CaseVal, Span, Type)>) {
        for e in values {
            let mut v = self.expr(e);
            if x.is_invalid() || v.is_invalid() {
                continue;
            }
            let xt = x.ty.clone();
            self.convert_untyped(&mut v, &xt);
            if v.is_invalid() {
                continue;
            }
            // Comparing v against x puts errors at the case values.
            let mut res = v.clone();
            let mut xc = x.clone();
            self.comparison(&mut res, &mut xc, BinaryOp::Eql, true, None);
            if res.is_invalid() {
                continue;
            }
            let Some(val) = v.value().and_then(case_val) else { continue };
            if let Some((_, prev, _)) = seen.iter().find(|(cv, _, t)| *cv == val && identical(t, &v.ty)) {
                let notes = vec![Label { span: *prev, message: "previous case".into() }];
                self.error_with_notes(v.span(), format!("duplicate case {} in expression switch", self.op_str(&v)), notes);
                continue;
            }
            seen.push((val, v.span(), v.ty.clone()));
        }
    }

    // ---- type switch ----

    /// The types of one type switch clause; returns the last type listed
    /// (`None` for `nil` or an empty list).
    fn case_types(&mut self, x: Option<&Operand<'a>>, types: &'a [ast::Expr], seen: &mut Vec<(Option<Type>, Span)>) -> Option<Type> {
        let mut t: Option<Type> = None;
        for e in types {
            if self.is_nil_expr(e) {
                t = None;
                let _ = self.expr(e);
            } else {
                let tt = self.var_type(e);
                t = Some(tt.clone());
                if tt.is_invalid() {
                    continue;
                }
            }
            let dup = seen.iter().find(|(st, _)| match (&t, st) {
                (None, None) => true,
                (Some(a), Some(b)) => identical(a, b),
                _ => false,
            });
            if let Some((_, other)) = dup {
                let ts = t.as_ref().map_or_else(|| "nil".to_string(), |t| self.type_str(t));
                let notes = vec![Label { span: *other, message: "previous case".into() }];
                self.error_with_notes(e.span, format!("duplicate case {} in type switch", ts), notes);
                continue;
            }
            seen.push((t.clone(), e.span));
            if let (Some(x), Some(tt)) = (x, &t) {
                self.type_assertion(e, x, tt, true);
            }
        }
        t
    }

    fn type_switch_stmt(
        &mut self,
        s: &'a ast::Stmt,
        inner: StmtContext,
        init: Option<&'a ast::Stmt>,
        guard: &'a ast::Stmt,
        body: &'a [ast::CaseClause],
    ) {
        self.open_scope(s.span, ScopeKind::Block);
        self.simple_stmt(init);
        let mut lhs: Option<&'a ast::Ident> = None;
        let rhs: Option<&'a ast::Expr> = match &guard.kind {
            StmtKind::Expr(e) => Some(e),
            StmtKind::Assign { lhs: l, op: AssignOp::Define, rhs: r, .. } if l.len() == 1 && r.len() == 1 => {
                if let ExprKind::Ident(id) = &l[0].kind {
                    if id.is_blank() {
                        self.error(id.span, "no new variable on left side of :=");
                    } else {
                        self.record_def(id, None);
                        lhs = Some(id);
                    }
                }
                Some(&r[0])
            }
            _ => None,
        };
        let inner_x = match rhs.map(|r| &r.unparen().kind) {
            Some(ExprKind::TypeAssert { x, ty: None }) => Some(x),
            _ => None,
        };
        let Some(inner_x) = inner_x else {
            self.error(guard.span, "invalid AST: incorrect form of type switch guard");
            self.close_scope();
            return;
        };
        let x = self.expr(inner_x);
        if x.is_invalid() {
            self.close_scope();
            return;
        }
        let sx = if x.ty.under().is_interface() {
            Some(x.clone())
        } else {
            self.error(x.span(), format!("{} is not an interface", self.op_str(&x)));
            None
        };
        self.multiple_defaults(body.iter().filter(|c| c.list.is_none()).map(|c| c.span.start()));

        let mut lhs_vars: Vec<Obj> = Vec::new();
        let mut seen: Vec<(Option<Type>, Span)> = Vec::new();
        for clause in body {
            let list: &'a [ast::Expr] = clause.list.as_deref().unwrap_or(&[]);
            let t = self.case_types(sx.as_ref(), list, &mut seen);
            self.open_scope(clause.span, ScopeKind::Block);
            if let Some(id) = lhs {
                // The variable has the case's type in single-type clauses,
                // else the type of the switch expression.
                let t = match t {
                    Some(t) if list.len() == 1 => t,
                    _ => x.ty.clone(),
                };
                let obj = Object::new(id.name, id.span, Some(self.pkg.clone()), ObjectKind::Var { field: false, embedded: false }, Some(t));
                let scope = self.scope.clone();
                self.declare(&scope, None, obj.clone());
                self.record_implicit(clause.span, obj.clone());
                lhs_vars.push(obj);
            }
            self.stmt_list(inner, &clause.body);
            self.close_scope();
        }
        if let Some(id) = lhs {
            // The clause variables act as one for `declared but not used`.
            let used = lhs_vars.iter().any(|v| v.is_used());
            for v in &lhs_vars {
                v.mark_used();
            }
            if !used {
                self.error(id.span, format!("{} declared but not used", id.name));
            }
        }
        self.close_scope();
    }

    // ---- select ----

    fn select_stmt(&mut self, inner: StmtContext, body: &'a [ast::CommClause]) {
        self.multiple_defaults(body.iter().filter(|c| c.comm.is_none()).map(|c| c.span.start()));
        for clause in body {
            let mut valid = false;
            let mut rhs: Option<&'a ast::Expr> = None;
            match clause.comm.as_deref().map(|s| &s.kind) {
                None | Some(StmtKind::Send { .. }) => valid = true,
                Some(StmtKind::Assign { rhs: r, .. }) if r.len() == 1 => rhs = Some(&r[0]),
                Some(StmtKind::Expr(e)) => rhs = Some(e),
                _ => {}
            }
            if let Some(r) = rhs {
                if matches!(r.unparen().kind, ExprKind::Unary { op: UnaryOp::Recv, .. }) {
                    valid = true;
                }
            }
            if !valid {
                let span = clause.comm.as_ref().map_or(clause.span, |c| c.span);
                self.error(span, "select case must be send or receive (possibly with assignment)");
                continue;
            }
            self.open_scope(clause.span, ScopeKind::Block);
            if let Some(c) = &clause.comm {
                self.stmt(inner, c);
            }
            self.stmt_list(inner, &clause.body);
            self.close_scope();
        }
    }

    // ---- range ----

    #[allow(clippy::too_many_arguments)]
    fn range_stmt(
        &mut self,
        s: &'a ast::Stmt,
        inner: StmtContext,
        key: Option<&'a ast::Expr>,
        value: Option<&'a ast::Expr>,
        op: Option<(AssignOp, Span)>,
        range_x: &'a ast::Expr,
        body: &'a ast::Block,
    ) {
        let x = self.expr(range_x);
        let mut kv: (Option<Type>, Option<Type>) = (None, None);
        if !x.is_invalid() {
            let u = x.ty.under();
            let mut cause = "";
            if let TypeKind::Chan { dir, .. } = u.kind() {
                if let Some(v) = value {
                    self.error(v.span, format!("range over {} permits only one iteration variable", self.op_str(&x)));
                }
                if *dir == ChanDir::Send {
                    cause = "receive from send-only channel";
                }
            }
            kv = range_key_val(&u);
            if kv.0.is_none() || !cause.is_empty() {
                if u.is_invalid() {
                    // already reported
                } else if cause.is_empty() {
                    self.error(x.span(), format!("cannot range over {}", self.op_str(&x)));
                } else {
                    self.error(x.span(), format!("cannot range over {} ({})", self.op_str(&x), cause));
                }
            }
        }

        // The iteration variables live in the statement's scope, opened
        // after the range expression.
        self.open_scope(s.span, ScopeKind::Block);
        let lhs = [key, value];
        let rhs = [kv.0, kv.1];
        match op {
            Some((AssignOp::Define, op_span)) => {
                let mut vars: Vec<Obj> = Vec::new();
                for (l, t) in lhs.iter().zip(rhs.iter()) {
                    let Some(l) = l else { continue };
                    let obj = match &l.kind {
                        ExprKind::Ident(id) => {
                            let obj = Object::new(id.name, id.span, Some(self.pkg.clone()), ObjectKind::Var { field: false, embedded: false }, None);
                            self.record_def(id, Some(obj.clone()));
                            if !id.is_blank() {
                                vars.push(obj.clone());
                            }
                            obj
                        }
                        _ => {
                            self.use_exprs(std::slice::from_ref(l));
                            self.error(l.span, format!("non-name {} on left side of :=", crate::typestring::expr_string(l)));
                            Object::new(gox_syntax::Symbol::intern("_"), l.span, Some(self.pkg.clone()), ObjectKind::Var { field: false, embedded: false }, None)
                        }
                    };
                    match t {
                        Some(t) => {
                            let mut v = Operand::new(Mode::Value, Some(l), t.clone());
                            self.init_var(&obj, &mut v, "range clause");
                        }
                        None => {
                            obj.set_type(Type::invalid());
                            obj.mark_used();
                        }
                    }
                }
                if vars.is_empty() {
                    self.error(op_span, "no new variables on left side of :=");
                } else {
                    let scope = self.scope.clone();
                    for v in vars {
                        self.declare(&scope, None, v);
                    }
                }
            }
            Some(_) => {
                for (l, t) in lhs.iter().zip(rhs.iter()) {
                    let (Some(l), Some(t)) = (l, t) else { continue };
                    let mut v = Operand::new(Mode::Value, Some(l), t.clone());
                    self.assign_var(l, &mut v);
                }
            }
            None => {}
        }
        self.block_stmt(inner, body);
        self.close_scope();
    }
}

/// The key and value types of ranging over a value of underlying type `u`
/// (`None` when ranging is not permitted).
fn range_key_val(u: &Type) -> (Option<Type>, Option<Type>) {
    let int = || Some(Type::basic(BasicKind::Int));
    let u = match u.kind() {
        TypeKind::Pointer(b) if matches!(b.under().kind(), TypeKind::Array { .. }) => b.underlying(),
        _ => u.clone(),
    };
    match u.kind() {
        TypeKind::Basic(b) if b.kind.is_string() => (int(), Some(Type::rune())),
        TypeKind::Array { elem, .. } => (int(), Some(elem.clone())),
        TypeKind::Slice(elem) => (int(), Some(elem.clone())),
        TypeKind::Map { key, elem } => (Some(key.clone()), Some(elem.clone())),
        TypeKind::Chan { elem, .. } => (Some(elem.clone()), Some(Type::invalid())),
        _ => (None, None),
    }
}

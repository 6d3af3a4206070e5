//! A read-only [`Visitor`] over the AST and the `walk_*` functions that
//! visit every child of a node. A `visit_*` method returning `false` skips
//! the node's children. Every walk is safe on trees of any depth (see
//! [`ensure_sufficient_stack`]).

use crate::ast::*;
use crate::stack::ensure_sufficient_stack;

pub trait Visitor {
    fn visit_decl(&mut self, _d: &Decl) -> bool {
        true
    }
    fn visit_spec(&mut self, _s: &Spec) -> bool {
        true
    }
    fn visit_stmt(&mut self, _s: &Stmt) -> bool {
        true
    }
    fn visit_expr(&mut self, _e: &Expr) -> bool {
        true
    }
    /// Every identifier: declared names, labels, selectors and identifier
    /// expressions (after `visit_expr` for the latter).
    fn visit_ident(&mut self, _id: &Ident) {}
    fn visit_field(&mut self, _f: &Field) -> bool {
        true
    }
    fn visit_block(&mut self, _b: &Block) -> bool {
        true
    }
    fn visit_case_clause(&mut self, _c: &CaseClause) -> bool {
        true
    }
    fn visit_comm_clause(&mut self, _c: &CommClause) -> bool {
        true
    }
}

pub fn walk_file<V: Visitor + ?Sized>(v: &mut V, f: &File) {
    v.visit_ident(&f.name);
    for d in &f.decls {
        walk_decl(v, d);
    }
}

pub fn walk_decl<V: Visitor + ?Sized>(v: &mut V, d: &Decl) {
    if !v.visit_decl(d) {
        return;
    }
    match d {
        Decl::Gen(g) => walk_gen_decl(v, g),
        Decl::Func(f) => walk_func_decl(v, f),
        Decl::Bad(_) => {}
    }
}

pub fn walk_gen_decl<V: Visitor + ?Sized>(v: &mut V, g: &GenDecl) {
    for s in &g.specs {
        walk_spec(v, s);
    }
}

pub fn walk_func_decl<V: Visitor + ?Sized>(v: &mut V, f: &FuncDecl) {
    if let Some(r) = &f.recv {
        walk_field_list(v, r);
    }
    v.visit_ident(&f.name);
    walk_func_type(v, &f.ty);
    if let Some(b) = &f.body {
        walk_block(v, b);
    }
}

pub fn walk_spec<V: Visitor + ?Sized>(v: &mut V, s: &Spec) {
    if !v.visit_spec(s) {
        return;
    }
    match s {
        Spec::Import(i) => {
            if let Some(n) = &i.name {
                v.visit_ident(n);
            }
        }
        Spec::Value(vs) => {
            for n in &vs.names {
                v.visit_ident(n);
            }
            if let Some(t) = &vs.ty {
                walk_expr(v, t);
            }
            for e in &vs.values {
                walk_expr(v, e);
            }
        }
        Spec::Type(ts) => {
            v.visit_ident(&ts.name);
            walk_expr(v, &ts.ty);
        }
    }
}

pub fn walk_func_type<V: Visitor + ?Sized>(v: &mut V, t: &FuncType) {
    walk_field_list(v, &t.params);
    if let Some(r) = &t.results {
        walk_field_list(v, r);
    }
}

pub fn walk_field_list<V: Visitor + ?Sized>(v: &mut V, l: &FieldList) {
    for f in &l.list {
        walk_field(v, f);
    }
}

pub fn walk_field<V: Visitor + ?Sized>(v: &mut V, f: &Field) {
    if !v.visit_field(f) {
        return;
    }
    for n in &f.names {
        v.visit_ident(n);
    }
    walk_expr(v, &f.ty);
}

pub fn walk_block<V: Visitor + ?Sized>(v: &mut V, b: &Block) {
    if !v.visit_block(b) {
        return;
    }
    for s in &b.stmts {
        walk_stmt(v, s);
    }
}

/// Visits `e` and, unless [`Visitor::visit_expr`] returns false, its
/// children. A chain of first operands (`1 + 1 + ...`, `a.b.c...`) is
/// followed in a loop, so a tree of any depth is safe.
pub fn walk_expr<V: Visitor + ?Sized>(v: &mut V, e: &Expr) {
    ensure_sufficient_stack(|| {
        // The nodes whose first operand is being walked, outermost first:
        // each one's other children follow its first operand's subtree.
        let mut chain = Vec::new();
        let mut cur = e;
        while v.visit_expr(cur) {
            match cur.kind.first_operand() {
                Some(x) => {
                    chain.push(cur);
                    cur = x;
                }
                None => {
                    walk_expr_rest(v, cur);
                    break;
                }
            }
        }
        while let Some(n) = chain.pop() {
            walk_expr_rest(v, n);
        }
    })
}

/// The children of `e` other than its first operand, in source order.
fn walk_expr_rest<V: Visitor + ?Sized>(v: &mut V, e: &Expr) {
    match &e.kind {
        ExprKind::Bad
        | ExprKind::BasicLit(_)
        | ExprKind::Paren(_)
        | ExprKind::Star(_)
        | ExprKind::Unary { .. }
        | ExprKind::Ellipsis(_)
        | ExprKind::ChanType { .. } => {}
        ExprKind::Ident(id) => v.visit_ident(id),
        ExprKind::CompositeLit { ty, elts, .. } => {
            if let Some(t) = ty {
                walk_expr(v, t);
            }
            for x in elts {
                walk_expr(v, x);
            }
        }
        ExprKind::KeyValue { value: y, .. } | ExprKind::Binary { y, .. } | ExprKind::MapType { value: y, .. } => {
            walk_expr(v, y)
        }
        ExprKind::FuncLit { ty, body } => {
            walk_func_type(v, ty);
            walk_block(v, body);
        }
        ExprKind::Selector { sel, .. } => v.visit_ident(sel),
        ExprKind::Index { index, .. } => walk_expr(v, index),
        ExprKind::Slice(s) => {
            let (lo, hi, max) = (&s.lo, &s.hi, &s.max);
            for i in [lo, hi, max].into_iter().flatten() {
                walk_expr(v, i);
            }
        }
        ExprKind::TypeAssert { ty, .. } => {
            if let Some(t) = ty {
                walk_expr(v, t);
            }
        }
        ExprKind::Call { args, .. } => {
            for a in args {
                walk_expr(v, a);
            }
        }
        ExprKind::ArrayType { len, elem } => {
            if let Some(l) = len {
                walk_expr(v, l);
            }
            walk_expr(v, elem);
        }
        ExprKind::StructType(l) | ExprKind::InterfaceType(l) => walk_field_list(v, l),
        ExprKind::FuncType(t) => walk_func_type(v, t),
    }
}

pub fn walk_stmt<V: Visitor + ?Sized>(v: &mut V, s: &Stmt) {
    ensure_sufficient_stack(|| walk_stmt_inner(v, s))
}

fn walk_stmt_inner<V: Visitor + ?Sized>(v: &mut V, s: &Stmt) {
    if !v.visit_stmt(s) {
        return;
    }
    match &s.kind {
        StmtKind::Bad | StmtKind::Empty { .. } => {}
        StmtKind::Decl(g) => walk_gen_decl(v, g),
        StmtKind::Labeled { label, stmt, .. } => {
            v.visit_ident(label);
            walk_stmt(v, stmt);
        }
        StmtKind::Expr(x) => walk_expr(v, x),
        StmtKind::Send { chan, value, .. } => {
            walk_expr(v, chan);
            walk_expr(v, value);
        }
        StmtKind::IncDec { x, .. } => walk_expr(v, x),
        StmtKind::Assign { lhs, rhs, .. } => {
            for x in lhs.iter().chain(rhs) {
                walk_expr(v, x);
            }
        }
        StmtKind::Go { call, .. } | StmtKind::Defer { call, .. } => walk_expr(v, call),
        StmtKind::Return { results } => {
            for x in results {
                walk_expr(v, x);
            }
        }
        StmtKind::Branch { label, .. } => {
            if let Some(l) = label {
                v.visit_ident(l);
            }
        }
        StmtKind::Block(b) => walk_block(v, b),
        StmtKind::If { init, cond, then, els } => {
            if let Some(i) = init {
                walk_stmt(v, i);
            }
            walk_expr(v, cond);
            walk_block(v, then);
            if let Some(e) = els {
                walk_stmt(v, e);
            }
        }
        StmtKind::Switch { init, tag, body, .. } => {
            if let Some(i) = init {
                walk_stmt(v, i);
            }
            if let Some(t) = tag {
                walk_expr(v, t);
            }
            for c in body {
                walk_case_clause(v, c);
            }
        }
        StmtKind::TypeSwitch { init, assign, body, .. } => {
            if let Some(i) = init {
                walk_stmt(v, i);
            }
            walk_stmt(v, assign);
            for c in body {
                walk_case_clause(v, c);
            }
        }
        StmtKind::Select { body, .. } => {
            for c in body {
                walk_comm_clause(v, c);
            }
        }
        StmtKind::For { init, cond, post, body } => {
            if let Some(i) = init {
                walk_stmt(v, i);
            }
            if let Some(c) = cond {
                walk_expr(v, c);
            }
            if let Some(p) = post {
                walk_stmt(v, p);
            }
            walk_block(v, body);
        }
        StmtKind::Range { key, value, x, body, .. } => {
            for e in [key, value].into_iter().flatten() {
                walk_expr(v, e);
            }
            walk_expr(v, x);
            walk_block(v, body);
        }
    }
}

pub fn walk_case_clause<V: Visitor + ?Sized>(v: &mut V, c: &CaseClause) {
    if !v.visit_case_clause(c) {
        return;
    }
    for x in c.list.iter().flatten() {
        walk_expr(v, x);
    }
    for s in &c.body {
        walk_stmt(v, s);
    }
}

pub fn walk_comm_clause<V: Visitor + ?Sized>(v: &mut V, c: &CommClause) {
    if !v.visit_comm_clause(c) {
        return;
    }
    if let Some(s) = &c.comm {
        walk_stmt(v, s);
    }
    for s in &c.body {
        walk_stmt(v, s);
    }
}

//! Terminating statements (spec "Terminating statements"), for
//! `missing return`.

use gox_syntax::ast::{self, BranchKind, ExprKind, StmtKind};
use gox_syntax::Symbol;

use crate::checker::Checker;
use crate::objects::{Builtin, ObjectKind};
use crate::operand::Mode;

impl<'a> Checker<'a> {
    pub(crate) fn is_terminating_list(&self, list: &[ast::Stmt], label: Option<Symbol>) -> bool {
        // Trailing empty statements are permitted.
        let mut n = list.len();
        while n > 0 && matches!(list[n - 1].kind, StmtKind::Empty { .. }) {
            n -= 1;
        }
        n > 0 && self.is_terminating(&list[n - 1], label)
    }

    pub(crate) fn is_terminating(&self, s: &ast::Stmt, label: Option<Symbol>) -> bool {
        stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || self.is_terminating_inner(s, label))
    }

    fn is_terminating_inner(&self, s: &ast::Stmt, label: Option<Symbol>) -> bool {
        match &s.kind {
            StmtKind::Return { .. } => true,
            StmtKind::Branch { kind: BranchKind::Goto | BranchKind::Fallthrough, .. } => true,
            StmtKind::Labeled { label, stmt, .. } => self.is_terminating(stmt, Some(label.name)),
            StmtKind::Expr(e) => {
                if let ExprKind::Call { func, .. } = &e.unparen().kind {
                    let func = func.unparen();
                    if let Some(tv) = self.info.types.get(&(func.span.file, func.id)) {
                        return matches!(tv.mode, Mode::Builtin(Builtin::Panic));
                    }
                    if let ExprKind::Ident(id) = &func.kind {
                        return self.info.uses.get(&(id.span.file, id.id)).is_some_and(|o| matches!(o.kind, ObjectKind::Builtin(Builtin::Panic)));
                    }
                }
                false
            }
            StmtKind::Block(b) => self.is_terminating_list(&b.stmts, None),
            StmtKind::If { then, els: Some(e), .. } => self.is_terminating_list(&then.stmts, None) && self.is_terminating(e, None),
            StmtKind::Switch { body, .. } | StmtKind::TypeSwitch { body, .. } => {
                let mut has_default = false;
                for c in body {
                    if c.list.is_none() {
                        has_default = true;
                    }
                    if !self.is_terminating_list(&c.body, None) && !ends_in_fallthrough(&c.body) || has_break(&c.body, label, true) {
                        return false;
                    }
                }
                has_default
            }
            StmtKind::Select { body, .. } => {
                for c in body {
                    if !self.is_terminating_list(&c.body, None) || has_break(&c.body, label, true) {
                        return false;
                    }
                }
                true
            }
            StmtKind::For { cond: None, body, .. } => !has_break(&body.stmts, label, true),
            _ => false,
        }
    }
}

fn ends_in_fallthrough(list: &[ast::Stmt]) -> bool {
    list.iter()
        .rev()
        .find(|s| !matches!(s.kind, StmtKind::Empty { .. }))
        .is_some_and(|s| matches!(s.kind, StmtKind::Branch { kind: BranchKind::Fallthrough, .. }))
}

/// Whether `list` contains a break referring to the enclosing statement
/// (unlabelled when `implicit`, or labelled with `label`).
fn has_break(list: &[ast::Stmt], label: Option<Symbol>, implicit: bool) -> bool {
    stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || has_break_inner(list, label, implicit))
}

fn has_break_inner(list: &[ast::Stmt], label: Option<Symbol>, implicit: bool) -> bool {
    list.iter().any(|s| stmt_has_break(s, label, implicit))
}

fn stmt_has_break(s: &ast::Stmt, label: Option<Symbol>, implicit: bool) -> bool {
    match &s.kind {
        StmtKind::Branch { kind: BranchKind::Break, label: l } => match l {
            None => implicit,
            Some(l) => Some(l.name) == label,
        },
        StmtKind::Labeled { stmt, .. } => stmt_has_break(stmt, label, implicit),
        StmtKind::Block(b) => has_break(&b.stmts, label, implicit),
        StmtKind::If { then, els, .. } => {
            has_break(&then.stmts, label, implicit) || els.as_ref().is_some_and(|e| stmt_has_break(e, label, implicit))
        }
        StmtKind::Switch { body, .. } | StmtKind::TypeSwitch { body, .. } => {
            label.is_some() && body.iter().any(|c| has_break(&c.body, label, false))
        }
        StmtKind::Select { body, .. } => label.is_some() && body.iter().any(|c| has_break(&c.body, label, false)),
        kind => kind.loop_body().is_some_and(|body| label.is_some() && has_break(&body.stmts, label, false)),
    }
}

//! Labels (go/types `labels.go`): labelled statements, `goto` targets,
//! labelled `break`/`continue`, and unused labels. Runs once per function
//! body that contains labels, after its statements were checked.

use std::collections::HashMap;

use gox_common::{Label, Span};
use gox_syntax::ast::{self, AssignOp, BranchKind, GenKind, StmtKind};
use gox_syntax::Symbol;

use crate::checker::Checker;
use crate::objects::{Obj, Object, ObjectKind};

/// A block of statements for the label pass: the labelled statement it
/// belongs to (when it is the body of one) and the labels declared in it.
struct LabelBlock<'s> {
    parent: Option<usize>,
    lstmt: Option<&'s ast::Stmt>,
    labels: HashMap<Symbol, &'s ast::Stmt>,
}

/// A forward `goto` not yet matched with its label.
#[derive(Clone, Copy)]
struct Jump<'s> {
    label: &'s ast::Ident,
}

/// State of the label pass over one function body.
struct LabelPass<'s> {
    blocks: Vec<LabelBlock<'s>>,
    /// Every label of the function (labels have function scope).
    all: HashMap<Symbol, Obj>,
}

impl<'s> LabelPass<'s> {
    fn goto_target(&self, mut b: Option<usize>, name: Symbol) -> bool {
        while let Some(i) = b {
            if self.blocks[i].labels.contains_key(&name) {
                return true;
            }
            b = self.blocks[i].parent;
        }
        false
    }

    fn enclosing_target(&self, mut b: Option<usize>, name: Symbol) -> Option<&'s ast::Stmt> {
        while let Some(i) = b {
            if let Some(t) = self.blocks[i].lstmt {
                if let StmtKind::Labeled { label, .. } = &t.kind {
                    if label.name == name {
                        return Some(t);
                    }
                }
            }
            b = self.blocks[i].parent;
        }
        None
    }
}

fn labeled_inner(s: &ast::Stmt) -> &StmtKind {
    match &s.kind {
        StmtKind::Labeled { stmt, .. } => &stmt.kind,
        k => k,
    }
}

impl<'a> Checker<'a> {
    /// The label pass over function body `body`.
    pub(crate) fn labels(&mut self, body: &'a ast::Block) {
        let mut pass = LabelPass { blocks: Vec::new(), all: HashMap::new() };
        let fwd = self.block_branches(&mut pass, None, None, &body.stmts);
        for jmp in fwd {
            let name = jmp.label.name;
            if let Some(alt) = pass.all.get(&name) {
                alt.mark_used();
                self.error(jmp.label.span, format!("goto {} jumps into block", name));
            } else {
                self.error(jmp.label.span, format!("label {} not declared", name));
            }
        }
        let mut unused: Vec<Obj> = pass.all.values().filter(|l| !l.is_used()).cloned().collect();
        unused.sort_by_key(|l| l.span.lo);
        for l in unused {
            self.error(l.span, format!("label {} declared but not used", l.name()));
        }
    }

    /// Checks the branches of the statements `list` (a block whose
    /// labelled statement is `lstmt`); returns the unresolved forward gotos.
    fn block_branches(
        &mut self,
        pass: &mut LabelPass<'a>,
        parent: Option<usize>,
        lstmt: Option<&'a ast::Stmt>,
        list: &'a [ast::Stmt],
    ) -> Vec<Jump<'a>> {
        let b = pass.blocks.len();
        pass.blocks.push(LabelBlock { parent, lstmt, labels: HashMap::new() });
        let mut st = BlockState { lstmt, var_decl: None, fwd: Vec::new(), bad: Vec::new() };
        for s in list {
            self.stmt_branches(pass, b, &mut st, s);
        }
        st.fwd
    }

    fn stmt_branches(&mut self, pass: &mut LabelPass<'a>, b: usize, st: &mut BlockState<'a>, s: &'a ast::Stmt) {
        stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || self.stmt_branches_inner(pass, b, st, s))
    }

    fn stmt_branches_inner(&mut self, pass: &mut LabelPass<'a>, b: usize, st: &mut BlockState<'a>, s: &'a ast::Stmt) {
        match &s.kind {
            StmtKind::Decl(d) if d.kind == GenKind::Var => st.record_var_decl(d.span),
            StmtKind::Assign { op: AssignOp::Define, .. } => st.record_var_decl(s.span),
            StmtKind::Labeled { label, stmt, .. } => {
                if !label.is_blank() {
                    let lbl = Object::new(label.name, label.span, Some(self.pkg.clone()), ObjectKind::Label, None);
                    if let Some(alt) = pass.all.get(&label.name).cloned() {
                        let notes = vec![Label { span: alt.span, message: format!("other declaration of {}", label.name) }];
                        self.error_with_notes(label.span, format!("label {} already declared", label.name), notes);
                    } else {
                        pass.all.insert(label.name, lbl.clone());
                        pass.blocks[b].labels.insert(label.name, s);
                        self.record_def(label, Some(lbl.clone()));
                    }
                    // Resolve the forward jumps to this label.
                    let mut keep = Vec::new();
                    for jmp in std::mem::take(&mut st.fwd) {
                        if jmp.label.name == label.name {
                            lbl.mark_used();
                            self.record_use(jmp.label, &lbl);
                            if let Some(decl) = st.var_decl {
                                if st.bad.iter().any(|j| std::ptr::eq(j.label, jmp.label)) {
                                    self.jump_over_decl(jmp.label, decl);
                                }
                            }
                        } else {
                            keep.push(jmp);
                        }
                    }
                    st.fwd = keep;
                    st.lstmt = Some(s);
                }
                self.stmt_branches(pass, b, st, stmt);
            }
            StmtKind::Branch { kind, label: Some(label) } => {
                let name = label.name;
                match kind {
                    BranchKind::Break => {
                        let valid = pass.enclosing_target(Some(b), name).is_some_and(|t| {
                            matches!(
                                labeled_inner(t),
                                StmtKind::Switch { .. } | StmtKind::TypeSwitch { .. } | StmtKind::Select { .. } | StmtKind::For { .. } | StmtKind::Range { .. }
                            )
                        });
                        if !valid {
                            self.error(label.span, format!("invalid break label {}", name));
                            return;
                        }
                    }
                    BranchKind::Continue => {
                        let valid = pass
                            .enclosing_target(Some(b), name)
                            .is_some_and(|t| matches!(labeled_inner(t), StmtKind::For { .. } | StmtKind::Range { .. }));
                        if !valid {
                            self.error(label.span, format!("invalid continue label {}", name));
                            return;
                        }
                    }
                    BranchKind::Goto => {
                        if !pass.goto_target(Some(b), name) {
                            st.fwd.push(Jump { label });
                            return;
                        }
                    }
                    BranchKind::Fallthrough => return,
                }
                if let Some(obj) = pass.all.get(&name).cloned() {
                    obj.mark_used();
                    self.record_use(label, &obj);
                }
            }
            StmtKind::Block(blk) => {
                let f = self.block_branches(pass, Some(b), st.lstmt, &blk.stmts);
                st.fwd.extend(f);
            }
            StmtKind::If { then, els, .. } => {
                let f = self.block_branches(pass, Some(b), st.lstmt, &then.stmts);
                st.fwd.extend(f);
                if let Some(e) = els {
                    self.stmt_branches(pass, b, st, e);
                }
            }
            StmtKind::Switch { body, .. } | StmtKind::TypeSwitch { body, .. } => {
                // The clauses are blocks nested in the switch body's block.
                let inner = pass.blocks.len();
                pass.blocks.push(LabelBlock { parent: Some(b), lstmt: st.lstmt, labels: HashMap::new() });
                for c in body {
                    let f = self.block_branches(pass, Some(inner), None, &c.body);
                    st.fwd.extend(f);
                }
            }
            StmtKind::Select { body, .. } => {
                let inner = pass.blocks.len();
                pass.blocks.push(LabelBlock { parent: Some(b), lstmt: st.lstmt, labels: HashMap::new() });
                for c in body {
                    let f = self.block_branches(pass, Some(inner), None, &c.body);
                    st.fwd.extend(f);
                }
            }
            kind => {
                if let Some(body) = kind.loop_body() {
                    let f = self.block_branches(pass, Some(b), st.lstmt, &body.stmts);
                    st.fwd.extend(f);
                }
            }
        }
    }

    fn jump_over_decl(&mut self, label: &ast::Ident, decl: Span) {
        let msg = match self.line_of(decl) {
            Some(line) => format!("goto {} jumps over variable declaration at line {}", label.name, line),
            None => format!("goto {} jumps over variable declaration", label.name),
        };
        let notes = vec![Label { span: decl, message: "variable declared here".into() }];
        self.error_with_notes(label.span, msg, notes);
    }
}

/// Per-block state of the label pass.
struct BlockState<'s> {
    lstmt: Option<&'s ast::Stmt>,
    /// The last variable declaration seen in the block.
    var_decl: Option<Span>,
    fwd: Vec<Jump<'s>>,
    /// The forward jumps pending when the last variable was declared.
    bad: Vec<Jump<'s>>,
}

impl<'s> BlockState<'s> {
    fn record_var_decl(&mut self, span: Span) {
        self.var_decl = Some(span);
        self.bad = self.fwd.clone();
    }
}

impl<'a> Checker<'a> {
    /// The 1-based line of `span`, when the sources are known.
    pub(crate) fn line_of(&self, span: Span) -> Option<u32> {
        let f = self.config.sources.as_ref()?.get(span.file)?;
        Some(f.line_col(span.lo).line)
    }
}

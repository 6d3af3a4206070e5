//! [`dump_ast`]: an indented, readable rendering of a file's tree, one node
//! per line with its byte span, as `gox parse --ast` prints it.

use std::fmt::Write;

use crate::ast::*;
use crate::stack::ensure_sufficient_stack;

/// Nesting levels shown by indentation. Deeper lines (a long operator
/// chain is as deep as it is long) keep this indentation and start with
/// their depth, `[depth] `, so that the dump stays linear in the tree's size.
const MAX_INDENT: usize = 64;

/// The tree of `f`, one node per line, children indented by two spaces
/// (up to a depth of 64; deeper lines start with their depth, `[65] `).
pub fn dump_ast(f: &File) -> String {
    let mut d = Dumper { out: String::new(), depth: 0 };
    d.line(format!("File package {} {}", f.name.name, sp(f.span)));
    d.depth += 1;
    if let Some(doc) = &f.doc {
        d.line(format!("Doc {:?}", doc.text()));
    }
    for decl in &f.decls {
        d.decl(decl);
    }
    d.depth -= 1;
    d.out
}

fn sp(s: gox_common::Span) -> String {
    format!("@{}..{}", s.lo, s.hi)
}

struct Dumper {
    out: String,
    depth: usize,
}

impl Dumper {
    fn line(&mut self, s: String) {
        for _ in 0..self.depth.min(MAX_INDENT) {
            self.out.push_str("  ");
        }
        if self.depth > MAX_INDENT {
            let _ = write!(self.out, "[{}] ", self.depth);
        }
        self.out.push_str(&s);
        self.out.push('\n');
    }

    fn nested(&mut self, label: &str, f: impl FnOnce(&mut Dumper)) {
        self.line(label.to_string());
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    fn decl(&mut self, d: &Decl) {
        match d {
            Decl::Bad(s) => self.line(format!("BadDecl {}", sp(*s))),
            Decl::Gen(g) => self.gen_decl(g),
            Decl::Func(f) => {
                self.line(format!("FuncDecl {} {}", f.name.name, sp(f.span)));
                self.depth += 1;
                if let Some(doc) = &f.doc {
                    self.line(format!("Doc {:?}", doc.text()));
                }
                if let Some(r) = &f.recv {
                    self.nested("Recv", |d| d.field_list(r));
                }
                self.func_type(&f.ty);
                if let Some(b) = &f.body {
                    self.block("Body", b);
                }
                self.depth -= 1;
            }
        }
    }

    fn gen_decl(&mut self, g: &GenDecl) {
        let kw = match g.kind {
            GenKind::Import => "import",
            GenKind::Const => "const",
            GenKind::Type => "type",
            GenKind::Var => "var",
        };
        self.line(format!("GenDecl {kw} {}", sp(g.span)));
        self.depth += 1;
        if let Some(doc) = &g.doc {
            self.line(format!("Doc {:?}", doc.text()));
        }
        for s in &g.specs {
            match s {
                Spec::Import(i) => {
                    let mut l = String::from("ImportSpec");
                    if let Some(n) = &i.name {
                        let _ = write!(l, " {}", n.name);
                    }
                    let _ = write!(l, " {}{:?} {}", if i.at.is_some() { "@" } else { "" }, i.path, sp(i.span));
                    self.line(l);
                }
                Spec::Value(v) => {
                    let names: Vec<_> = v.names.iter().map(|n| n.name.as_str()).collect();
                    self.line(format!("ValueSpec #{} {} {}", v.index, names.join(", "), sp(v.span)));
                    self.depth += 1;
                    if let Some(doc) = &v.doc {
                        self.line(format!("Doc {:?}", doc.text()));
                    }
                    if let Some(t) = &v.ty {
                        self.nested("Type", |d| d.expr(t));
                    }
                    for x in &v.values {
                        self.expr(x);
                    }
                    self.depth -= 1;
                }
                Spec::Type(t) => {
                    let alias = if t.assign.is_some() { " =" } else { "" };
                    self.line(format!("TypeSpec {}{alias} {}", t.name.name, sp(t.span)));
                    self.depth += 1;
                    if let Some(doc) = &t.doc {
                        self.line(format!("Doc {:?}", doc.text()));
                    }
                    self.expr(&t.ty);
                    self.depth -= 1;
                }
            }
        }
        self.depth -= 1;
    }

    fn func_type(&mut self, t: &FuncType) {
        self.nested("Params", |d| d.field_list(&t.params));
        if let Some(r) = &t.results {
            self.nested("Results", |d| d.field_list(r));
        }
    }

    fn field_list(&mut self, l: &FieldList) {
        for f in &l.list {
            let names: Vec<_> = f.names.iter().map(|n| n.name.as_str()).collect();
            let mut s = format!("Field {}", names.join(", "));
            if let Some(tag) = &f.tag {
                let _ = write!(s, " tag {}", tag.raw);
            }
            self.line(s.trim_end().to_string());
            self.depth += 1;
            if let Some(doc) = &f.doc {
                self.line(format!("Doc {:?}", doc.text()));
            }
            self.expr(&f.ty);
            self.depth -= 1;
        }
    }

    fn block(&mut self, label: &str, b: &Block) {
        self.line(format!("{label} {}", sp(b.span())));
        self.depth += 1;
        for s in &b.stmts {
            self.stmt(s);
        }
        self.depth -= 1;
    }

    fn opt_stmt(&mut self, label: &str, s: &Option<Box<Stmt>>) {
        if let Some(s) = s {
            self.nested(label, |d| d.stmt(s));
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        ensure_sufficient_stack(|| self.stmt_inner(s))
    }

    fn stmt_inner(&mut self, s: &Stmt) {
        let at = sp(s.span);
        match &s.kind {
            StmtKind::Bad => self.line(format!("BadStmt {at}")),
            StmtKind::Decl(g) => self.gen_decl(g),
            StmtKind::Empty { implicit } => self.line(format!("EmptyStmt{} {at}", if *implicit { " implicit" } else { "" })),
            StmtKind::Labeled { label, stmt, .. } => {
                self.line(format!("LabeledStmt {} {at}", label.name));
                self.depth += 1;
                self.stmt(stmt);
                self.depth -= 1;
            }
            StmtKind::Expr(x) => self.nested(&format!("ExprStmt {at}"), |d| d.expr(x)),
            StmtKind::Send { chan, value, .. } => self.nested(&format!("SendStmt {at}"), |d| {
                d.expr(chan);
                d.expr(value);
            }),
            StmtKind::IncDec { x, inc, .. } => {
                self.nested(&format!("IncDecStmt {} {at}", if *inc { "++" } else { "--" }), |d| d.expr(x))
            }
            StmtKind::Assign { lhs, op, rhs, .. } => {
                let op = match op {
                    AssignOp::Assign => "=".to_string(),
                    AssignOp::Define => ":=".to_string(),
                    AssignOp::Op(b) => format!("{}=", b.text()),
                };
                self.nested(&format!("AssignStmt {op} {at}"), |d| {
                    d.nested("Lhs", |d| lhs.iter().for_each(|x| d.expr(x)));
                    d.nested("Rhs", |d| rhs.iter().for_each(|x| d.expr(x)));
                })
            }
            StmtKind::Go { call, .. } => self.nested(&format!("GoStmt {at}"), |d| d.expr(call)),
            StmtKind::Defer { call, .. } => self.nested(&format!("DeferStmt {at}"), |d| d.expr(call)),
            StmtKind::Return { results } => {
                self.nested(&format!("ReturnStmt {at}"), |d| results.iter().for_each(|x| d.expr(x)))
            }
            StmtKind::Branch { kind, label } => {
                let k = match kind {
                    BranchKind::Break => "break",
                    BranchKind::Continue => "continue",
                    BranchKind::Goto => "goto",
                    BranchKind::Fallthrough => "fallthrough",
                };
                let l = label.map(|l| format!(" {}", l.name)).unwrap_or_default();
                self.line(format!("BranchStmt {k}{l} {at}"));
            }
            StmtKind::Block(b) => self.block("BlockStmt", b),
            StmtKind::If { init, cond, then, els } => self.nested(&format!("IfStmt {at}"), |d| {
                d.opt_stmt("Init", init);
                d.nested("Cond", |d| d.expr(cond));
                d.block("Then", then);
                d.opt_stmt("Else", els);
            }),
            StmtKind::Switch { init, tag, body, .. } => self.nested(&format!("SwitchStmt {at}"), |d| {
                d.opt_stmt("Init", init);
                if let Some(t) = tag {
                    d.nested("Tag", |d| d.expr(t));
                }
                body.iter().for_each(|c| d.case_clause(c));
            }),
            StmtKind::TypeSwitch { init, assign, body, .. } => self.nested(&format!("TypeSwitchStmt {at}"), |d| {
                d.opt_stmt("Init", init);
                d.nested("Assign", |d| d.stmt(assign));
                body.iter().for_each(|c| d.case_clause(c));
            }),
            StmtKind::Select { body, .. } => self.nested(&format!("SelectStmt {at}"), |d| {
                for c in body {
                    let label = if c.comm.is_some() { "CommClause" } else { "CommClause default" };
                    d.nested(&format!("{label} {}", sp(c.span)), |d| {
                        d.opt_stmt("Comm", &c.comm);
                        c.body.iter().for_each(|s| d.stmt(s));
                    });
                }
            }),
            StmtKind::For { init, cond, post, body } => self.nested(&format!("ForStmt {at}"), |d| {
                d.opt_stmt("Init", init);
                if let Some(c) = cond {
                    d.nested("Cond", |d| d.expr(c));
                }
                d.opt_stmt("Post", post);
                d.block("Body", body);
            }),
            StmtKind::Range { key, value, op, x, body, .. } => {
                let op = match op {
                    Some((AssignOp::Define, _)) => " :=",
                    Some(_) => " =",
                    None => "",
                };
                self.nested(&format!("RangeStmt{op} {at}"), |d| {
                    if let Some(k) = key {
                        d.nested("Key", |d| d.expr(k));
                    }
                    if let Some(v) = value {
                        d.nested("Value", |d| d.expr(v));
                    }
                    d.nested("X", |d| d.expr(x));
                    d.block("Body", body);
                })
            }
        }
    }

    fn case_clause(&mut self, c: &CaseClause) {
        let label = if c.list.is_some() { "CaseClause" } else { "CaseClause default" };
        self.nested(&format!("{label} {}", sp(c.span)), |d| {
            for x in c.list.iter().flatten() {
                d.expr(x);
            }
            c.body.iter().for_each(|s| d.stmt(s));
        });
    }

    /// An expression and its children. A chain of first operands
    /// (`1 + 1 + ...`) is followed in a loop: each node's line, then its
    /// first operand's subtree, then (unwinding) its other children.
    fn expr(&mut self, e: &Expr) {
        ensure_sufficient_stack(|| {
            let mut chain = Vec::new();
            let mut cur = e;
            self.expr_line(cur);
            while let Some(x) = cur.kind.first_operand() {
                chain.push(cur);
                cur = x;
                self.depth += 1;
                self.expr_line(cur);
            }
            self.depth += 1;
            self.expr_rest(cur);
            self.depth -= 1;
            while let Some(n) = chain.pop() {
                self.expr_rest(n);
                self.depth -= 1;
            }
        })
    }

    fn expr_line(&mut self, e: &Expr) {
        let at = format!("#{} {}", e.id.0, sp(e.span));
        let line = match &e.kind {
            ExprKind::Bad => format!("BadExpr {at}"),
            ExprKind::Ident(id) => format!("Ident {} {at}", id.name),
            ExprKind::BasicLit(l) => format!("BasicLit {:?} {} {at}", l.kind, l.raw),
            ExprKind::CompositeLit { .. } => format!("CompositeLit {at}"),
            ExprKind::KeyValue { .. } => format!("KeyValue {at}"),
            ExprKind::FuncLit { .. } => format!("FuncLit {at}"),
            ExprKind::Paren(_) => format!("Paren {at}"),
            ExprKind::Selector { sel, .. } => format!("Selector .{} {at}", sel.name),
            ExprKind::Index { .. } => format!("Index {at}"),
            ExprKind::Slice(s) => format!("Slice{} {at}", if s.slice3 { " 3" } else { "" }),
            ExprKind::TypeAssert { .. } => format!("TypeAssert {at}"),
            ExprKind::Call { ellipsis, .. } => format!("Call{} {at}", if ellipsis.is_some() { " ..." } else { "" }),
            ExprKind::Star(_) => format!("Star {at}"),
            ExprKind::Unary { op, .. } => format!("Unary {} {at}", op.text()),
            ExprKind::Binary { op, .. } => format!("Binary {} {at}", op.text()),
            ExprKind::ArrayType { .. } => format!("ArrayType {at}"),
            ExprKind::Ellipsis(_) => format!("Ellipsis {at}"),
            ExprKind::StructType(_) => format!("StructType {at}"),
            ExprKind::FuncType(_) => format!("FuncType {at}"),
            ExprKind::InterfaceType(_) => format!("InterfaceType {at}"),
            ExprKind::MapType { .. } => format!("MapType {at}"),
            ExprKind::ChanType { dir, .. } => {
                let dir = match dir {
                    ChanDir::Both => "chan",
                    ChanDir::Send => "chan<-",
                    ChanDir::Recv => "<-chan",
                };
                format!("ChanType {dir} {at}")
            }
        };
        self.line(line);
    }

    /// The children of `e` other than its first operand (which
    /// [`expr`](Self::expr) dumps).
    fn expr_rest(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Bad
            | ExprKind::Ident(_)
            | ExprKind::BasicLit(_)
            | ExprKind::Paren(_)
            | ExprKind::Selector { .. }
            | ExprKind::Star(_)
            | ExprKind::Unary { .. }
            | ExprKind::Ellipsis(_)
            | ExprKind::ChanType { .. } => {}
            ExprKind::CompositeLit { ty, elts, .. } => {
                if let Some(t) = ty {
                    self.nested("Type", |d| d.expr(t));
                }
                elts.iter().for_each(|x| self.expr(x));
            }
            ExprKind::KeyValue { value: y, .. } | ExprKind::Binary { y, .. } | ExprKind::MapType { value: y, .. } => {
                self.expr(y)
            }
            ExprKind::FuncLit { ty, body } => {
                self.func_type(ty);
                self.block("Body", body);
            }
            ExprKind::Index { index, .. } => self.expr(index),
            ExprKind::Slice(s) => {
                let (lo, hi, max) = (&s.lo, &s.hi, &s.max);
                for (name, i) in [("Lo", lo), ("Hi", hi), ("Max", max)] {
                    if let Some(i) = i {
                        self.nested(name, |d| d.expr(i));
                    }
                }
            }
            ExprKind::TypeAssert { ty, .. } => match ty {
                Some(t) => self.expr(t),
                None => self.line("type".to_string()),
            },
            ExprKind::Call { args, .. } => args.iter().for_each(|x| self.expr(x)),
            ExprKind::ArrayType { len, elem } => {
                if let Some(l) = len {
                    self.nested("Len", |d| d.expr(l));
                }
                self.expr(elem);
            }
            ExprKind::StructType(l) | ExprKind::InterfaceType(l) => self.field_list(l),
            ExprKind::FuncType(t) => self.func_type(t),
        }
    }
}

//! Statements and blocks.

use crate::ast::{
    AssignOp, BinaryOp, Block, BranchKind, CaseClause, CommClause, Expr, ExprKind, Stmt, StmtKind,
};
use crate::token::Token;

use super::{Parser, Sync};

/// What [`Parser::parse_simple_stmt`] may accept besides a simple statement.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SimpleMode {
    Basic,
    LabelOk,
    RangeOk,
}

/// A simple statement, or the header of a range clause.
#[allow(clippy::large_enum_variant)] // short-lived, never stored
enum Simple {
    Stmt(Stmt),
    Range { lo: u32, lhs: Vec<Expr>, op: Option<(AssignOp, gox_common::Span)>, range_span: gox_common::Span, x: Expr },
}

fn assign_op(t: Token) -> Option<AssignOp> {
    use BinaryOp::*;
    Some(match t {
        Token::Assign => AssignOp::Assign,
        Token::Define => AssignOp::Define,
        Token::AddAssign => AssignOp::Op(Add),
        Token::SubAssign => AssignOp::Op(Sub),
        Token::MulAssign => AssignOp::Op(Mul),
        Token::QuoAssign => AssignOp::Op(Quo),
        Token::RemAssign => AssignOp::Op(Rem),
        Token::AndAssign => AssignOp::Op(And),
        Token::OrAssign => AssignOp::Op(Or),
        Token::XorAssign => AssignOp::Op(Xor),
        Token::ShlAssign => AssignOp::Op(Shl),
        Token::ShrAssign => AssignOp::Op(Shr),
        Token::AndNotAssign => AssignOp::Op(AndNot),
        _ => return None,
    })
}

impl<'a> Parser<'a> {
    /// A function body.
    pub(crate) fn parse_body(&mut self) -> Block {
        self.parse_block()
    }

    /// `{ stmts }`.
    #[inline(never)]
    pub(crate) fn parse_block(&mut self) -> Block {
        let lbrace = self.expect(Token::LBrace);
        let stmts = self.parse_stmt_list();
        let rbrace = self.tok_span();
        if self.tok != Token::RBrace {
            self.error_expected(self.pos, "'}'");
        }
        self.next();
        Block { lbrace, stmts, rbrace }
    }

    fn parse_stmt_list(&mut self) -> Vec<Stmt> {
        let mut list = self.stmts.take();
        while !matches!(self.tok, Token::Case | Token::Default | Token::RBrace | Token::Eof) {
            let before = (self.pos, self.tok);
            list.push(self.parse_stmt());
            if (self.pos, self.tok) == before && !matches!(self.tok, Token::RBrace | Token::Eof) {
                // No progress: skip the token rather than loop.
                self.next();
            }
        }
        self.stmts.finish(list)
    }

    fn mk_stmt(&self, lo: u32, kind: StmtKind) -> Stmt {
        Stmt { span: self.span_from(lo), kind }
    }

    pub(crate) fn parse_stmt(&mut self) -> Stmt {
        self.deeper(|p| {
            if !p.enter() {
                p.leave();
                return Stmt { span: p.span(p.pos, p.pos), kind: StmtKind::Bad };
            }
            let s = p.parse_stmt_inner();
            p.leave();
            s
        })
    }

    fn parse_stmt_inner(&mut self) -> Stmt {
        let lo = self.pos;
        match self.tok {
            Token::Const | Token::Type | Token::Var => {
                let d = self.parse_gen_decl(self.tok);
                Stmt { span: d.span, kind: StmtKind::Decl(Box::new(d)) }
            }
            Token::Ident
            | Token::Int
            | Token::Float
            | Token::Imag
            | Token::Char
            | Token::String
            | Token::Func
            | Token::LParen
            | Token::LBrack
            | Token::Struct
            | Token::Map
            | Token::Chan
            | Token::Interface
            | Token::Add
            | Token::Sub
            | Token::Mul
            | Token::And
            | Token::Xor
            | Token::Arrow
            | Token::Not
            | Token::Tilde => {
                let s = self.simple_stmt(SimpleMode::LabelOk);
                if !matches!(s.kind, StmtKind::Labeled { .. }) {
                    self.expect_semi();
                }
                s
            }
            Token::Go | Token::Defer => {
                let is_go = self.tok == Token::Go;
                let kw = self.tok_span();
                self.next();
                let call = self.parse_call_expr(if is_go { "go" } else { "defer" });
                let s = self.mk_stmt(lo, if is_go { StmtKind::Go { kw, call: Box::new(call) } } else { StmtKind::Defer { kw, call: Box::new(call) } });
                self.expect_semi();
                s
            }
            Token::Return => {
                self.next();
                let mut results = Vec::new();
                if self.tok != Token::Semicolon && self.tok != Token::RBrace {
                    results = self.parse_list(true);
                }
                let s = self.mk_stmt(lo, StmtKind::Return { results });
                self.expect_semi();
                s
            }
            Token::Break | Token::Continue | Token::Goto | Token::Fallthrough => {
                let kind = match self.tok {
                    Token::Break => BranchKind::Break,
                    Token::Continue => BranchKind::Continue,
                    Token::Goto => BranchKind::Goto,
                    _ => BranchKind::Fallthrough,
                };
                self.next();
                let label =
                    if kind != BranchKind::Fallthrough && self.tok == Token::Ident { Some(self.parse_ident()) } else { None };
                let s = self.mk_stmt(lo, StmtKind::Branch { kind, label });
                self.expect_semi();
                s
            }
            Token::LBrace => {
                let b = self.parse_block();
                let s = self.mk_stmt(lo, StmtKind::Block(b));
                self.expect_semi();
                s
            }
            Token::If => self.parse_if_stmt(),
            Token::Switch => self.parse_switch_stmt(),
            Token::Select => self.parse_select_stmt(),
            Token::For => self.parse_for_stmt(),
            Token::Semicolon => {
                let implicit = self.is_implicit_semi();
                let span = self.tok_span();
                self.next();
                Stmt { span, kind: StmtKind::Empty { implicit } }
            }
            Token::RBrace => Stmt { span: self.span(lo, lo), kind: StmtKind::Empty { implicit: true } },
            _ => {
                self.error_expected(lo, "statement");
                self.advance(Sync::Stmt);
                Stmt { span: self.span(lo, self.pos.max(lo)), kind: StmtKind::Bad }
            }
        }
    }

    /// The call of a `go` or `defer` statement.
    #[inline(never)]
    fn parse_call_expr(&mut self, what: &str) -> Expr {
        let x = self.parse_rhs_or_type();
        match x.kind {
            ExprKind::Call { .. } => x,
            ExprKind::Bad => x,
            _ => {
                self.error(x.span.hi, format!("function must be invoked in {what} statement"));
                self.bad_expr(x.span.lo, x.span.hi)
            }
        }
    }

    fn simple_stmt(&mut self, mode: SimpleMode) -> Stmt {
        match self.parse_simple_stmt(mode) {
            Simple::Stmt(s) => s,
            Simple::Range { lo, .. } => Stmt { span: self.span_from(lo), kind: StmtKind::Bad },
        }
    }

    #[inline(never)]
    fn parse_simple_stmt(&mut self, mode: SimpleMode) -> Simple {
        let lo = self.pos;
        let mut lhs = self.parse_list(false);

        if let Some(op) = assign_op(self.tok) {
            let op_span = self.tok_span();
            self.next();
            if mode == SimpleMode::RangeOk
                && self.tok == Token::Range
                && matches!(op, AssignOp::Define | AssignOp::Assign)
            {
                let range_span = self.tok_span();
                self.next();
                let x = self.parse_rhs();
                if op == AssignOp::Define {
                    self.check_define_lhs(&lhs);
                }
                return Simple::Range { lo, lhs, op: Some((op, op_span)), range_span, x };
            }
            let rhs = self.parse_list(true);
            if op == AssignOp::Define {
                self.check_define_lhs(&lhs);
            }
            return Simple::Stmt(self.mk_stmt(lo, StmtKind::Assign { lhs, op, op_span, rhs }));
        }

        if lhs.len() > 1 {
            self.error_expected(lhs[0].span.lo, "1 expression");
        }
        let x = lhs.swap_remove(0);

        match self.tok {
            Token::Colon => {
                let colon = self.tok_span();
                self.next();
                if let (SimpleMode::LabelOk, ExprKind::Ident(label)) = (mode, &x.kind) {
                    let label = *label;
                    let stmt = self.parse_stmt();
                    let span = self.span(lo, stmt.span.hi.max(colon.hi));
                    return Simple::Stmt(Stmt { span, kind: StmtKind::Labeled { label, colon, stmt: Box::new(stmt) } });
                }
                self.error(colon.lo, "illegal label declaration");
                Simple::Stmt(Stmt { span: self.span(x.span.lo, colon.hi), kind: StmtKind::Bad })
            }
            Token::Arrow => {
                let arrow = self.tok_span();
                self.next();
                let value = self.parse_rhs();
                Simple::Stmt(self.mk_stmt(lo, StmtKind::Send { chan: Box::new(x), arrow, value: Box::new(value) }))
            }
            Token::Inc | Token::Dec => {
                let inc = self.tok == Token::Inc;
                let op_span = self.tok_span();
                self.next();
                Simple::Stmt(self.mk_stmt(lo, StmtKind::IncDec { x: Box::new(x), inc, op_span }))
            }
            _ => Simple::Stmt(self.mk_stmt(lo, StmtKind::Expr(Box::new(x)))),
        }
    }

    fn check_define_lhs(&mut self, lhs: &[Expr]) {
        for x in lhs {
            if !matches!(x.kind, ExprKind::Ident(_) | ExprKind::Bad) {
                self.error_expected(x.span.lo, "identifier on left side of :=");
            }
        }
    }

    /// The expression of a statement used where an expression is needed
    /// (a condition, a switch tag).
    fn make_expr(&mut self, s: Option<Stmt>, want: &str) -> Option<Expr> {
        let s = s?;
        match s.kind {
            StmtKind::Expr(x) => Some(self.check_expr(*x)),
            StmtKind::Bad => Some(self.bad_expr(s.span.lo, s.span.hi)),
            kind => {
                let found = if matches!(kind, StmtKind::Assign { .. }) { "assignment" } else { "simple statement" };
                self.error(
                    s.span.lo,
                    format!("expected {want}, found {found} (missing parentheses around composite literal?)"),
                );
                Some(self.bad_expr(s.span.lo, s.span.hi))
            }
        }
    }

    fn parse_if_header(&mut self) -> (Option<Box<Stmt>>, Expr) {
        if self.tok == Token::LBrace {
            self.error(self.pos, "missing condition in if statement");
            return (None, self.bad_expr(self.pos, self.pos));
        }
        let prev_lev = self.expr_lev;
        self.expr_lev = -1;

        let mut init = None;
        if self.tok != Token::Semicolon {
            if self.tok == Token::Var {
                self.next();
                self.error(self.pos, "var declaration not allowed in 'IF' initializer");
            }
            init = Some(self.simple_stmt(SimpleMode::Basic));
        }

        let mut cond_stmt = None;
        let mut semi: Option<(u32, bool)> = None;
        if self.tok != Token::LBrace {
            if self.tok == Token::Semicolon {
                semi = Some((self.pos, self.is_implicit_semi()));
                self.next();
            } else {
                self.expect(Token::Semicolon);
            }
            if self.tok != Token::LBrace {
                cond_stmt = Some(self.simple_stmt(SimpleMode::Basic));
            }
        } else {
            cond_stmt = init.take();
        }

        let mut cond = None;
        if cond_stmt.is_some() {
            cond = self.make_expr(cond_stmt, "boolean expression");
        } else if let Some((pos, implicit)) = semi {
            if implicit {
                self.error(pos, "unexpected newline, expecting { after if clause");
            } else {
                self.error(pos, "missing condition in if statement");
            }
        }
        let cond = match cond {
            Some(c) => c,
            None => self.bad_expr(self.pos, self.pos),
        };
        self.expr_lev = prev_lev;
        (init.map(Box::new), cond)
    }

    #[inline(never)]
    fn parse_if_stmt(&mut self) -> Stmt {
        self.deeper(|p| p.parse_if_stmt_inner())
    }

    fn parse_if_stmt_inner(&mut self) -> Stmt {
        if !self.enter() {
            self.leave();
            return Stmt { span: self.span(self.pos, self.pos), kind: StmtKind::Bad };
        }
        let lo = self.pos;
        self.expect(Token::If);
        let (init, cond) = self.parse_if_header();
        let then = self.parse_block();
        let mut els = None;
        if self.tok == Token::Else {
            self.next();
            match self.tok {
                Token::If => els = Some(Box::new(self.parse_if_stmt())),
                Token::LBrace => {
                    let blo = self.pos;
                    let b = self.parse_block();
                    els = Some(Box::new(self.mk_stmt(blo, StmtKind::Block(b))));
                    self.expect_semi();
                }
                _ => {
                    self.error_expected(self.pos, "if statement or block");
                    els = Some(Box::new(Stmt { span: self.span(self.pos, self.pos), kind: StmtKind::Bad }));
                }
            }
        } else {
            self.expect_semi();
        }
        self.leave();
        let span = match &els {
            Some(e) => self.span(lo, e.span.hi),
            None => self.span(lo, then.rbrace.hi),
        };
        Stmt { span, kind: StmtKind::If { init, cond: Box::new(cond), then, els } }
    }

    /// `switch [init;] [tag] { cases }` and type switches.
    #[inline(never)]
    fn parse_switch_stmt(&mut self) -> Stmt {
        let lo = self.pos;
        self.expect(Token::Switch);
        let mut s1 = None;
        let mut s2 = None;
        if self.tok != Token::LBrace {
            let prev_lev = self.expr_lev;
            self.expr_lev = -1;
            if self.tok != Token::Semicolon {
                s2 = Some(self.simple_stmt(SimpleMode::Basic));
            }
            if self.tok == Token::Semicolon {
                self.next();
                s1 = s2.take();
                if self.tok != Token::LBrace {
                    s2 = Some(self.simple_stmt(SimpleMode::Basic));
                }
            }
            self.expr_lev = prev_lev;
        }
        let type_switch = self.is_type_switch_guard(s2.as_ref());
        let lbrace = self.expect(Token::LBrace);
        let mut body = Vec::new();
        while self.tok == Token::Case || self.tok == Token::Default {
            body.push(self.parse_case_clause(type_switch));
        }
        let rbrace = self.expect(Token::RBrace);
        let span = self.span_from(lo);
        self.expect_semi();
        let init = s1.map(Box::new);
        if type_switch {
            if let Some(assign) = s2 {
                return Stmt { span, kind: StmtKind::TypeSwitch { init, assign: Box::new(assign), lbrace, body, rbrace } };
            }
        }
        let tag = self.make_expr(s2, "switch expression");
        Stmt { span, kind: StmtKind::Switch { init, tag: tag.map(Box::new), lbrace, body, rbrace } }
    }

    fn is_type_switch_guard(&mut self, s: Option<&Stmt>) -> bool {
        let is_guard = |x: &Expr| matches!(x.kind, ExprKind::TypeAssert { ty: None, .. });
        match s.map(|s| &s.kind) {
            Some(StmtKind::Expr(x)) => is_guard(x),
            Some(StmtKind::Assign { lhs, op, op_span, rhs }) if lhs.len() == 1 && rhs.len() == 1 && is_guard(&rhs[0]) => {
                match op {
                    AssignOp::Define => true,
                    AssignOp::Assign => {
                        self.error(op_span.lo, "expected ':=', found '='");
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    #[inline(never)]
    fn parse_case_clause(&mut self, type_switch: bool) -> CaseClause {
        let lo = self.pos;
        let list = if self.tok == Token::Case {
            self.next();
            if type_switch {
                let mut l = self.exprs.take();
                l.push(self.parse_type());
                while self.tok == Token::Comma {
                    self.next();
                    l.push(self.parse_type());
                }
                Some(self.exprs.finish(l))
            } else {
                Some(self.parse_list(true))
            }
        } else {
            self.expect(Token::Default);
            None
        };
        let colon = self.expect(Token::Colon);
        let body = self.parse_stmt_list();
        CaseClause { span: self.span_from(lo), list, colon, body }
    }

    #[inline(never)]
    fn parse_select_stmt(&mut self) -> Stmt {
        let lo = self.pos;
        self.expect(Token::Select);
        let lbrace = self.expect(Token::LBrace);
        let mut body = Vec::new();
        while self.tok == Token::Case || self.tok == Token::Default {
            body.push(self.parse_comm_clause());
        }
        let rbrace = self.expect(Token::RBrace);
        let span = self.span_from(lo);
        self.expect_semi();
        Stmt { span, kind: StmtKind::Select { lbrace, body, rbrace } }
    }

    #[inline(never)]
    fn parse_comm_clause(&mut self) -> CommClause {
        let lo = self.pos;
        let comm = if self.tok == Token::Case {
            self.next();
            let clo = self.pos;
            let mut lhs = self.parse_list(false);
            if self.tok == Token::Arrow {
                if lhs.len() > 1 {
                    self.error_expected(lhs[0].span.lo, "1 expression");
                }
                let arrow = self.tok_span();
                self.next();
                let value = self.parse_rhs();
                let chan = lhs.swap_remove(0);
                Some(Box::new(self.mk_stmt(clo, StmtKind::Send { chan: Box::new(chan), arrow, value: Box::new(value) })))
            } else if let Some(op @ (AssignOp::Assign | AssignOp::Define)) = assign_op(self.tok) {
                if lhs.len() > 2 {
                    self.error_expected(lhs[0].span.lo, "1 or 2 expressions");
                    lhs.truncate(2);
                }
                let op_span = self.tok_span();
                self.next();
                let rhs = vec![self.parse_rhs()];
                if op == AssignOp::Define {
                    self.check_define_lhs(&lhs);
                }
                Some(Box::new(self.mk_stmt(clo, StmtKind::Assign { lhs, op, op_span, rhs })))
            } else {
                if lhs.len() > 1 {
                    self.error_expected(lhs[0].span.lo, "1 expression");
                }
                let x = lhs.swap_remove(0);
                Some(Box::new(self.mk_stmt(clo, StmtKind::Expr(Box::new(x)))))
            }
        } else {
            self.expect(Token::Default);
            None
        };
        let colon = self.expect(Token::Colon);
        let body = self.parse_stmt_list();
        CommClause { span: self.span_from(lo), comm, colon, body }
    }

    #[inline(never)]
    fn parse_for_stmt(&mut self) -> Stmt {
        let lo = self.pos;
        self.expect(Token::For);
        let mut s1 = None;
        let mut s2 = None;
        let mut s3 = None;
        let mut range = None;
        if self.tok != Token::LBrace {
            let prev_lev = self.expr_lev;
            self.expr_lev = -1;
            if self.tok != Token::Semicolon {
                if self.tok == Token::Range {
                    // `for range x`
                    let range_span = self.tok_span();
                    self.next();
                    let x = self.parse_rhs();
                    range = Some((Vec::new(), None, range_span, x));
                } else {
                    match self.parse_simple_stmt(SimpleMode::RangeOk) {
                        Simple::Stmt(s) => s2 = Some(s),
                        Simple::Range { lhs, op, range_span, x, .. } => range = Some((lhs, op, range_span, x)),
                    }
                }
            }
            if range.is_none() && self.tok == Token::Semicolon {
                self.next();
                s1 = s2.take();
                if self.tok != Token::Semicolon {
                    s2 = Some(self.simple_stmt(SimpleMode::Basic));
                }
                self.expect_semi();
                if self.tok != Token::LBrace {
                    s3 = Some(self.simple_stmt(SimpleMode::Basic));
                }
            }
            self.expr_lev = prev_lev;
        }
        let body = self.parse_block();
        let span = self.span_from(lo);
        self.expect_semi();
        if let Some((mut lhs, op, range_span, x)) = range {
            let mut key = None;
            let mut value = None;
            if lhs.len() > 2 {
                let last = lhs[lhs.len() - 1].span.lo;
                self.error_expected(last, "at most 2 expressions");
                lhs.truncate(2);
            }
            let mut it = lhs.into_iter();
            if let Some(k) = it.next() {
                key = Some(k);
            }
            if let Some(v) = it.next() {
                value = Some(v);
            }
            return Stmt { span, kind: StmtKind::Range { key: key.map(Box::new), value: value.map(Box::new), op, range_span, x: Box::new(x), body: Box::new(body) } };
        }
        let cond = self.make_expr(s2, "boolean or range expression");
        Stmt { span, kind: StmtKind::For { init: s1.map(Box::new), cond: cond.map(Box::new), post: s3.map(Box::new), body } }
    }
}

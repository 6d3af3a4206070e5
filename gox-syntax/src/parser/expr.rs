//! Expressions: operands, primary expressions, unary and binary operators,
//! composite literals and function literals.

use crate::ast::{BasicLit, BinaryOp, ChanDir, Expr, ExprKind, LitKind, SliceExpr, UnaryOp};
use crate::token::Token;

use super::{Parser, Sync};

fn binary_op(t: Token) -> Option<BinaryOp> {
    use BinaryOp::*;
    Some(match t {
        Token::Add => Add,
        Token::Sub => Sub,
        Token::Mul => Mul,
        Token::Quo => Quo,
        Token::Rem => Rem,
        Token::And => And,
        Token::Or => Or,
        Token::Xor => Xor,
        Token::Shl => Shl,
        Token::Shr => Shr,
        Token::AndNot => AndNot,
        Token::LAnd => LAnd,
        Token::LOr => LOr,
        Token::Eql => Eql,
        Token::Neq => Neq,
        Token::Lss => Lss,
        Token::Leq => Leq,
        Token::Gtr => Gtr,
        Token::Geq => Geq,
        _ => return None,
    })
}

impl<'a> Parser<'a> {
    pub(crate) fn parse_expr(&mut self) -> Expr {
        self.parse_binary_expr(None, 1)
    }

    /// An expression on the right of an assignment or in a value position.
    pub(crate) fn parse_rhs(&mut self) -> Expr {
        let old = self.in_rhs;
        self.in_rhs = true;
        let x = self.parse_expr();
        let x = self.check_expr(x);
        self.in_rhs = old;
        x
    }

    /// An expression or a type (call arguments: `make(T, n)`).
    pub(crate) fn parse_rhs_or_type(&mut self) -> Expr {
        let old = self.in_rhs;
        self.in_rhs = true;
        let x = self.parse_expr();
        let x = self.check_expr_or_type(x);
        self.in_rhs = old;
        x
    }

    pub(crate) fn parse_list(&mut self, in_rhs: bool) -> Vec<Expr> {
        let old = self.in_rhs;
        self.in_rhs = in_rhs;
        let mut list = self.exprs.take();
        let x = self.parse_expr();
        list.push(self.check_expr(x));
        while self.tok == Token::Comma {
            self.next();
            let x = self.parse_expr();
            list.push(self.check_expr(x));
        }
        self.in_rhs = old;
        self.exprs.finish(list)
    }

    fn tok_prec(&self) -> (Token, u8) {
        let mut tok = self.tok;
        if self.in_rhs && tok == Token::Assign {
            tok = Token::Eql;
        }
        (tok, binary_op(tok).map_or(0, BinaryOp::precedence))
    }

    pub(crate) fn parse_binary_expr(&mut self, x: Option<Expr>, prec1: u8) -> Expr {
        let mut x = match x {
            Some(x) => x,
            None => self.parse_unary_expr(),
        };
        // The loop builds a left-nested chain without recursing; it counts
        // against its own, larger limit (the tree's depth still matters to
        // whoever walks it).
        let mut n = 0;
        loop {
            if self.chain >= super::MAX_CHAIN {
                self.bail_nesting();
                break;
            }
            n += 1;
            self.chain += 1;
            let (tok, prec) = self.tok_prec();
            if prec < prec1 {
                break;
            }
            let op_span = self.expect(tok);
            let y = self.parse_binary_expr(None, prec + 1);
            let lo = x.span.lo;
            let x1 = self.check_expr(x);
            let y = self.check_expr(y);
            let op = binary_op(tok).unwrap_or(BinaryOp::Eql);
            x = self.mk_expr(lo, ExprKind::Binary { op, op_span, x: Box::new(x1), y: Box::new(y) });
        }
        self.chain -= n;
        x
    }

    pub(crate) fn parse_unary_expr(&mut self) -> Expr {
        self.deeper(|p| {
            if !p.enter() {
                p.leave();
                return p.bad_expr(p.pos, p.pos);
            }
            let x = p.parse_unary_inner();
            p.leave();
            x
        })
    }

    fn parse_unary_inner(&mut self) -> Expr {
        let lo = self.pos;
        let op = match self.tok {
            Token::Add => Some(UnaryOp::Pos),
            Token::Sub => Some(UnaryOp::Neg),
            Token::Not => Some(UnaryOp::Not),
            Token::Xor => Some(UnaryOp::Xor),
            Token::And => Some(UnaryOp::Addr),
            Token::Tilde => Some(UnaryOp::Tilde),
            _ => None,
        };
        if let Some(op) = op {
            let op_span = self.tok_span();
            self.next();
            let x = self.parse_unary_expr();
            let x = self.check_expr(x);
            return self.mk_expr(lo, ExprKind::Unary { op, op_span, x: Box::new(x) });
        }
        match self.tok {
            Token::Arrow => {
                let arrow = self.tok_span();
                self.next();
                let mut x = self.parse_unary_expr();
                if matches!(x.kind, ExprKind::ChanType { .. }) {
                    // `<-chan T`: re-associate the arrow with the channel type.
                    self.reassociate_arrow(&mut x, arrow.lo);
                    x.span.lo = lo;
                    return x;
                }
                let x = self.check_expr(x);
                self.mk_expr(lo, ExprKind::Unary { op: UnaryOp::Recv, op_span: arrow, x: Box::new(x) })
            }
            Token::Mul => {
                self.next();
                let x = self.parse_unary_expr();
                let x = self.check_expr_or_type(x);
                self.mk_expr(lo, ExprKind::Star(Box::new(x)))
            }
            _ => self.parse_primary_expr(None),
        }
    }

    /// `<-` applied to a channel type `chan T` makes `<-chan T`; applied to
    /// `chan<- chan T` it makes `<-chan <-chan T`.
    #[inline(never)]
    fn reassociate_arrow(&mut self, x: &mut Expr, arrow: u32) {
        let mut dir = ChanDir::Send;
        let mut cur = x;
        let mut arrow = arrow;
        loop {
            let next_arrow = cur.span.lo;
            match &mut cur.kind {
                ExprKind::ChanType { dir: d, elem } if dir == ChanDir::Send => {
                    if *d == ChanDir::Recv {
                        // (<-type) is (<-(<-chan T)).
                        self.error_expected(next_arrow, "'chan'");
                    }
                    dir = *d;
                    *d = ChanDir::Recv;
                    cur.span.lo = arrow;
                    arrow = next_arrow;
                    cur = elem;
                }
                _ => break,
            }
        }
        if dir == ChanDir::Send {
            self.error_expected(arrow, "channel type");
        }
    }

    pub(crate) fn parse_primary_expr(&mut self, x: Option<Expr>) -> Expr {
        let mut x = match x {
            Some(x) => x,
            None => self.parse_operand(),
        };
        let mut n = 0;
        loop {
            n += 1;
            if !self.enter() {
                break;
            }
            match self.tok {
                Token::Period => {
                    self.next();
                    match self.tok {
                        Token::Ident => {
                            let lo = x.span.lo;
                            let x1 = self.check_expr_or_type(x);
                            let sel = self.parse_ident();
                            x = self.mk_expr(lo, ExprKind::Selector { x: Box::new(x1), sel });
                        }
                        Token::LParen => {
                            let lo = x.span.lo;
                            let x1 = self.check_expr(x);
                            self.next();
                            let ty = if self.tok == Token::Type {
                                self.next();
                                None
                            } else {
                                Some(Box::new(self.parse_type()))
                            };
                            self.expect(Token::RParen);
                            x = self.mk_expr(lo, ExprKind::TypeAssert { x: Box::new(x1), ty });
                        }
                        _ => {
                            let pos = self.pos;
                            self.error_expected(pos, "selector or type assertion");
                            if self.tok != Token::RBrace {
                                self.next(); // make progress
                            }
                            let lo = x.span.lo;
                            let sel = self.mk_ident(crate::symbol::Symbol::intern("_"), self.span(pos, pos));
                            x = self.mk_expr(lo, ExprKind::Selector { x: Box::new(x), sel });
                        }
                    }
                }
                Token::LBrack => {
                    let x1 = self.check_expr(x);
                    x = self.parse_index_or_slice(x1);
                }
                Token::LParen => {
                    let x1 = self.check_expr_or_type(x);
                    x = self.parse_call(x1);
                }
                Token::LBrace => {
                    // Does the `{` open a composite literal or a block?
                    let t = x.unparen();
                    let is_lit_type = match &t.kind {
                        ExprKind::Bad | ExprKind::Ident(_) | ExprKind::Selector { .. } | ExprKind::Index { .. } => {
                            self.expr_lev >= 0
                        }
                        ExprKind::ArrayType { .. } | ExprKind::StructType(_) | ExprKind::MapType { .. } => true,
                        _ => false,
                    };
                    if !is_lit_type {
                        break;
                    }
                    if !std::ptr::eq(t, &x) {
                        let pos = t.span.lo;
                        self.error(pos, "cannot parenthesize type in composite literal");
                    }
                    x = self.parse_literal_value(Some(x));
                }
                _ => break,
            }
        }
        self.nest -= n;
        x
    }

    #[inline(never)]
    fn parse_operand(&mut self) -> Expr {
        let lo = self.pos;
        match self.tok {
            Token::Ident => {
                let id = self.parse_ident();
                return Parser::ident_expr(id);
            }
            Token::Int | Token::Float | Token::Imag | Token::Char | Token::String => {
                let kind = match self.tok {
                    Token::Int => LitKind::Int,
                    Token::Float => LitKind::Float,
                    Token::Imag => LitKind::Imag,
                    Token::Char => LitKind::Char,
                    _ => LitKind::String,
                };
                let span = self.tok_span();
                let bytes = &self.src[self.pos as usize..self.end as usize];
                let raw = match std::str::from_utf8(bytes) {
                    Ok(s) => Box::from(s),
                    Err(_) => String::from_utf8_lossy(bytes).into(),
                };
                self.next();
                return self.mk_expr_span(span, ExprKind::BasicLit(BasicLit { span, kind, raw }));
            }
            Token::LParen => {
                self.next();
                self.expr_lev += 1;
                let x = self.parse_rhs_or_type();
                self.expr_lev -= 1;
                self.expect(Token::RParen);
                return self.mk_expr(lo, ExprKind::Paren(Box::new(x)));
            }
            Token::Func => return self.parse_func_type_or_lit(),
            _ => {}
        }
        if let Some(t) = self.try_ident_or_type(false) {
            return t;
        }
        self.error_expected(lo, "operand");
        self.advance(Sync::Stmt);
        self.bad_expr(lo, self.pos.max(lo))
    }

    #[inline(never)]
    fn parse_func_type_or_lit(&mut self) -> Expr {
        let lo = self.pos;
        let ty = self.parse_func_type();
        if self.tok != Token::LBrace {
            return self.mk_expr(lo, ExprKind::FuncType(Box::new(ty)));
        }
        self.expr_lev += 1;
        let body = self.parse_body();
        self.expr_lev -= 1;
        self.mk_expr(lo, ExprKind::FuncLit { ty: Box::new(ty), body: Box::new(body) })
    }

    #[inline(never)]
    fn parse_index_or_slice(&mut self, x: Expr) -> Expr {
        let lo = x.span.lo;
        let lbrack = self.expect(Token::LBrack);
        if self.tok == Token::RBrack {
            // `x[]`: Go reports a missing operand.
            self.error_expected(self.pos, "operand");
            let rbrack = self.tok_span();
            self.next();
            let index = self.bad_expr(rbrack.lo, rbrack.lo);
            return self.mk_expr(lo, ExprKind::Index { x: Box::new(x), lbrack, index: Box::new(index), rbrack });
        }
        self.expr_lev += 1;
        let mut index: [Option<Expr>; 3] = [None, None, None];
        let mut colons = [0u32; 2];
        let mut ncolons = 0;
        if self.tok != Token::Colon {
            index[0] = Some(self.parse_rhs_or_type());
        }
        match self.tok {
            Token::Colon => {
                while self.tok == Token::Colon && ncolons < 2 {
                    colons[ncolons] = self.pos;
                    ncolons += 1;
                    self.next();
                    if !matches!(self.tok, Token::Colon | Token::RBrack | Token::Eof) {
                        index[ncolons] = Some(self.parse_rhs());
                    }
                }
            }
            Token::Comma => {
                // `f[int, string]`: an instantiation.
                self.expr_lev -= 1;
                self.error(lbrack.lo, super::TYPE_PARAMS_UNSUPPORTED);
                self.skip_to_closing_bracket();
                return self.bad_expr(lo, self.prev_end);
            }
            _ => {}
        }
        self.expr_lev -= 1;
        let rbrack = self.expect(Token::RBrack);
        if ncolons > 0 {
            let slice3 = ncolons == 2;
            let [i0, i1, i2] = index;
            if slice3 {
                if i1.is_none() {
                    self.error(colons[0], "2nd index required in 3-index slice");
                }
                if i2.is_none() {
                    self.error(colons[1], "3rd index required in 3-index slice");
                }
            }
            return self.mk_expr(
                lo,
                ExprKind::Slice(Box::new(SliceExpr { x, lbrack, lo: i0, hi: i1, max: i2, slice3, rbrack })),
            );
        }
        let [i0, ..] = index;
        let i0 = match i0 {
            Some(e) => e,
            None => self.bad_expr(rbrack.lo, rbrack.lo),
        };
        self.mk_expr(lo, ExprKind::Index { x: Box::new(x), lbrack, index: Box::new(i0), rbrack })
    }

    #[inline(never)]
    fn parse_call(&mut self, func: Expr) -> Expr {
        let lo = func.span.lo;
        let lparen = self.expect(Token::LParen);
        self.expr_lev += 1;
        let mut args = self.exprs.take();
        let mut ellipsis = None;
        while self.tok != Token::RParen && self.tok != Token::Eof && ellipsis.is_none() {
            args.push(self.parse_rhs_or_type());
            if self.tok == Token::Ellipsis {
                ellipsis = Some(self.tok_span());
                self.next();
            }
            if !self.at_comma("argument list", Token::RParen) {
                break;
            }
            self.next();
        }
        self.expr_lev -= 1;
        let args = self.exprs.finish(args).into_boxed_slice();
        let rparen = self.expect_closing(Token::RParen, "argument list");
        let (lparen, rparen, ellipsis) = (lparen.lo, rparen.lo, ellipsis.map(|s: gox_common::Span| s.lo));
        self.mk_expr(lo, ExprKind::Call { func: Box::new(func), args, lparen, rparen, ellipsis })
    }

    /// `{ elements }` of a composite literal; `ty` is `None` for an elided
    /// type.
    #[inline(never)]
    pub(crate) fn parse_literal_value(&mut self, ty: Option<Expr>) -> Expr {
        self.deeper(|p| p.parse_literal_value_inner(ty))
    }

    fn parse_literal_value_inner(&mut self, ty: Option<Expr>) -> Expr {
        let lo = ty.as_ref().map_or(self.pos, |t| t.span.lo);
        if !self.enter() {
            self.leave();
            return self.bad_expr(lo, self.pos);
        }
        let lbrace = self.expect(Token::LBrace);
        let mut elts = self.exprs.take();
        self.expr_lev += 1;
        while self.tok != Token::RBrace && self.tok != Token::Eof {
            elts.push(self.parse_element());
            if !self.at_comma("composite literal", Token::RBrace) {
                break;
            }
            self.next();
        }
        self.expr_lev -= 1;
        let elts = self.exprs.finish(elts).into_boxed_slice();
        let rbrace = self.expect_closing(Token::RBrace, "composite literal");
        self.leave();
        let (lbrace, rbrace) = (lbrace.lo, rbrace.lo);
        self.mk_expr(lo, ExprKind::CompositeLit { ty: ty.map(Box::new), elts, lbrace, rbrace })
    }

    fn parse_element(&mut self) -> Expr {
        let x = self.parse_value();
        if self.tok == Token::Colon {
            let colon = self.tok_span();
            self.next();
            let lo = x.span.lo;
            let value = self.parse_value();
            return self.mk_expr(lo, ExprKind::KeyValue { key: Box::new(x), colon, value: Box::new(value) });
        }
        x
    }

    fn parse_value(&mut self) -> Expr {
        if self.tok == Token::LBrace {
            return self.parse_literal_value(None);
        }
        let x = self.parse_expr();
        self.check_expr(x)
    }

    /// Reports "expected expression" for a type or other non-expression
    /// and replaces it with a bad expression.
    pub(crate) fn check_expr(&mut self, x: Expr) -> Expr {
        match &x.unparen().kind {
            ExprKind::Bad
            | ExprKind::Ident(_)
            | ExprKind::BasicLit(_)
            | ExprKind::FuncLit { .. }
            | ExprKind::CompositeLit { .. }
            | ExprKind::Selector { .. }
            | ExprKind::Index { .. }
            | ExprKind::Slice { .. }
            | ExprKind::TypeAssert { .. }
            | ExprKind::Call { .. }
            | ExprKind::Star(_)
            | ExprKind::Unary { .. }
            | ExprKind::Binary { .. } => x,
            _ => {
                self.error_expected(x.span.lo, "expression");
                self.bad_expr(x.span.lo, x.span.hi)
            }
        }
    }

    /// Accepts expressions and types, but not `[...]T` outside a composite
    /// literal.
    pub(crate) fn check_expr_or_type(&mut self, x: Expr) -> Expr {
        if let ExprKind::ArrayType { len: Some(len), .. } = &x.unparen().kind {
            if matches!(len.kind, ExprKind::Ellipsis(None)) {
                let pos = len.span.lo;
                self.error(pos, "expected array length, found '...'");
                return self.bad_expr(x.span.lo, x.span.hi);
            }
        }
        x
    }
}

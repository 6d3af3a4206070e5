//! Types, field lists and parameters.

use crate::ast::{BasicLit, BinaryOp, ChanDir, Expr, ExprKind, Field, FieldList, FuncType, LitKind, UnaryOp};
use crate::token::Token;

use super::{Parser, Sync};

impl<'a> Parser<'a> {
    /// A type; reports "expected type" when there is none.
    pub(crate) fn parse_type(&mut self) -> Expr {
        match self.try_type() {
            Some(t) => t,
            None => {
                let lo = self.pos;
                self.error_expected(lo, "type");
                self.advance(Sync::ExprEnd);
                self.bad_expr(lo, self.prev_end.max(lo))
            }
        }
    }

    /// A type if one starts here.
    pub(crate) fn try_type(&mut self) -> Option<Expr> {
        self.try_ident_or_type(true)
    }

    /// A type if one starts here. With `check_args`, a `[` after a type
    /// name is a type argument list (reported and skipped); without it the
    /// name is returned alone (in parameter lists, `a [2]int` names `a`).
    pub(crate) fn try_ident_or_type(&mut self, check_args: bool) -> Option<Expr> {
        self.deeper(|p| {
            if !p.enter() {
                p.leave();
                return Some(p.bad_expr(p.pos, p.pos));
            }
            let t = p.try_ident_or_type_inner(check_args);
            p.leave();
            t
        })
    }

    fn try_ident_or_type_inner(&mut self, check_args: bool) -> Option<Expr> {
        let lo = self.pos;
        Some(match self.tok {
            Token::Ident => {
                let t = self.parse_type_name();
                if check_args && self.tok == Token::LBrack {
                    self.skip_type_params();
                    return Some(self.bad_expr(lo, self.prev_end));
                }
                t
            }
            Token::LBrack => {
                let lbrack = self.tok_span();
                self.next();
                self.parse_array_type(lbrack.lo, None)
            }
            Token::Struct => self.parse_struct_type(),
            Token::Mul => {
                self.next();
                let elem = self.parse_type();
                self.mk_expr(lo, ExprKind::Star(Box::new(elem)))
            }
            Token::Func => {
                let ft = self.parse_func_type();
                self.mk_expr(lo, ExprKind::FuncType(Box::new(ft)))
            }
            Token::Interface => self.parse_interface_type(),
            Token::Map => self.parse_map_type(),
            Token::Chan | Token::Arrow => self.parse_chan_type(),
            Token::LParen => {
                self.next();
                let t = self.parse_type();
                self.expect(Token::RParen);
                self.mk_expr(lo, ExprKind::Paren(Box::new(t)))
            }
            _ => return None,
        })
    }

    /// `name` or `pkg.name`.
    pub(crate) fn parse_type_name(&mut self) -> Expr {
        let lo = self.pos;
        let id = self.parse_ident();
        let x = Parser::ident_expr(id);
        if self.tok == Token::Period {
            self.next();
            let sel = self.parse_ident();
            return self.mk_expr(lo, ExprKind::Selector { x: Box::new(x), sel });
        }
        x
    }

    /// After the `[`: `[]T`, `[N]T` or `[...]T`. `len` is the already
    /// parsed length, if any.
    #[inline(never)]
    pub(crate) fn parse_array_type(&mut self, lo: u32, len: Option<Expr>) -> Expr {
        let mut len = len;
        if len.is_none() {
            self.expr_lev += 1;
            if self.tok == Token::Ellipsis {
                let s = self.tok_span();
                self.next();
                len = Some(self.mk_expr_span(s, ExprKind::Ellipsis(None)));
            } else if self.tok != Token::RBrack {
                len = Some(self.parse_rhs());
            }
            self.expr_lev -= 1;
        }
        if self.tok == Token::Comma {
            self.error(self.pos, "unexpected comma; expecting ]");
            self.next();
        }
        self.expect(Token::RBrack);
        let elem = self.parse_type();
        self.mk_expr(lo, ExprKind::ArrayType { len: len.map(Box::new), elem: Box::new(elem) })
    }

    #[inline(never)]
    fn parse_struct_type(&mut self) -> Expr {
        let lo = self.pos;
        self.expect(Token::Struct);
        let open = self.expect(Token::LBrace);
        let mut list = self.fields.take();
        while matches!(self.tok, Token::Ident | Token::Mul | Token::LParen) {
            let before = self.pos;
            list.push(self.parse_field_decl());
            if self.pos == before {
                break;
            }
        }
        let list = self.fields.finish(list);
        let close = self.expect(Token::RBrace);
        self.mk_expr(lo, ExprKind::StructType(Box::new(FieldList { open, list, close })))
    }

    /// One struct field declaration: `a, b T "tag"`, `T`, `*T`, `pkg.T`.
    fn parse_field_decl(&mut self) -> Field {
        let doc = self.lead_doc();
        let lo = self.pos;
        let mut names = Vec::new();
        let ty;
        if self.tok == Token::Ident {
            let name = self.parse_ident();
            if matches!(self.tok, Token::Period | Token::String | Token::Semicolon | Token::RBrace) {
                // An embedded type.
                let mut t = Parser::ident_expr(name);
                if self.tok == Token::Period {
                    self.next();
                    let sel = self.parse_ident();
                    t = self.mk_expr(lo, ExprKind::Selector { x: Box::new(t), sel });
                }
                ty = t;
            } else if self.tok == Token::LBrack && self.embedded_instance_follows() {
                // An embedded instantiated type `T[A]`.
                self.skip_type_params();
                ty = self.bad_expr(lo, self.prev_end);
            } else {
                let mut list = self.idents.take();
                list.push(name);
                while self.tok == Token::Comma {
                    self.next();
                    list.push(self.parse_ident());
                }
                names = self.idents.finish(list);
                ty = self.parse_type();
            }
        } else {
            ty = self.parse_type();
        }
        let tag = if self.tok == Token::String {
            let raw = Box::from(self.lit());
            let span = self.tok_span();
            self.next();
            Some(BasicLit { span, kind: LitKind::String, raw })
        } else {
            None
        };
        let span = self.span_from(lo);
        self.expect_semi();
        Field { span, doc, names, ty, tag }
    }

    /// At `[` after a field name: whether the bracket closes and the field
    /// ends right after it (`List[int]` embedded), which an array field
    /// `a [N]T` never does.
    fn embedded_instance_follows(&mut self) -> bool {
        let ahead = self.peek(16);
        let mut depth = 1;
        for (i, t) in ahead.iter().enumerate() {
            match t {
                Token::LBrack | Token::LParen | Token::LBrace => depth += 1,
                Token::RBrack | Token::RParen | Token::RBrace => {
                    depth -= 1;
                    if depth == 0 {
                        return i > 0
                            && matches!(ahead.get(i + 1), Some(Token::Semicolon | Token::RBrace | Token::String));
                    }
                }
                Token::Eof => return false,
                _ => {}
            }
        }
        false
    }

    /// `func(params) results`, at `func`.
    #[inline(never)]
    pub(crate) fn parse_func_type(&mut self) -> FuncType {
        let span = self.expect(Token::Func);
        if self.tok == Token::LBrack {
            self.skip_type_params();
        }
        let params = self.parse_parameters();
        let results = self.parse_result();
        FuncType { span, params, results }
    }

    #[inline(never)]
    fn parse_interface_type(&mut self) -> Expr {
        let lo = self.pos;
        self.expect(Token::Interface);
        let open = self.expect(Token::LBrace);
        let mut list = self.fields.take();
        loop {
            let before = self.pos;
            match self.tok {
                Token::Ident => {
                    let doc = self.lead_doc();
                    let flo = self.pos;
                    let x = self.parse_type_name();
                    let method_name = match x.kind {
                        ExprKind::Ident(id) if self.tok == Token::LParen => Some(id),
                        _ => None,
                    };
                    let field = if let Some(name) = method_name {
                        let params = self.parse_parameters();
                        let results = self.parse_result();
                        let ft = FuncType { span: params.open, params, results };
                        let ty = self.mk_expr(params_lo(&ft), ExprKind::FuncType(Box::new(ft)));
                        Field { span: self.span_from(flo), doc, names: vec![name], ty, tag: None }
                    } else if matches!(x.kind, ExprKind::Ident(_)) && self.tok == Token::LBrack {
                        // A generic method `M[T any]()` or an embedded instance.
                        self.skip_type_params();
                        let ty = self.bad_expr(flo, self.prev_end);
                        if self.tok == Token::LParen {
                            self.parse_parameters();
                            self.parse_result();
                        }
                        Field { span: self.span_from(flo), doc, names: Vec::new(), ty, tag: None }
                    } else {
                        let ty = self.parse_type_elem_rest(flo, x);
                        Field { span: self.span_from(flo), doc, names: Vec::new(), ty, tag: None }
                    };
                    list.push(field);
                    self.expect_semi();
                }
                Token::Tilde | Token::Mul | Token::LBrack | Token::Struct | Token::Func | Token::Map | Token::Chan
                | Token::Arrow | Token::LParen | Token::Interface => {
                    let doc = self.lead_doc();
                    let flo = self.pos;
                    let first = self.parse_type_term();
                    let ty = self.parse_type_elem_rest(flo, first);
                    list.push(Field { span: self.span_from(flo), doc, names: Vec::new(), ty, tag: None });
                    self.expect_semi();
                }
                _ => break,
            }
            if self.pos == before {
                break;
            }
        }
        let list = self.fields.finish(list);
        let close = self.expect(Token::RBrace);
        self.mk_expr(lo, ExprKind::InterfaceType(Box::new(FieldList { open, list, close })))
    }

    /// `~T` or `T` in an interface's type set.
    fn parse_type_term(&mut self) -> Expr {
        if self.tok == Token::Tilde {
            let lo = self.pos;
            let op_span = self.tok_span();
            self.next();
            let t = self.parse_type();
            return self.mk_expr(lo, ExprKind::Unary { op: UnaryOp::Tilde, op_span, x: Box::new(t) });
        }
        self.parse_type()
    }

    /// `first | term | ...`.
    fn parse_type_elem_rest(&mut self, lo: u32, first: Expr) -> Expr {
        let mut x = first;
        while self.tok == Token::Or {
            let op_span = self.tok_span();
            self.next();
            let y = self.parse_type_term();
            x = self.mk_expr(lo, ExprKind::Binary { op: BinaryOp::Or, op_span, x: Box::new(x), y: Box::new(y) });
        }
        x
    }

    #[inline(never)]
    fn parse_map_type(&mut self) -> Expr {
        let lo = self.pos;
        self.expect(Token::Map);
        self.expect(Token::LBrack);
        let key = self.parse_type();
        self.expect(Token::RBrack);
        let value = self.parse_type();
        self.mk_expr(lo, ExprKind::MapType { key: Box::new(key), value: Box::new(value) })
    }

    /// `chan T`, `chan<- T` or `<-chan T`.
    #[inline(never)]
    fn parse_chan_type(&mut self) -> Expr {
        let lo = self.pos;
        let dir;
        if self.tok == Token::Chan {
            self.next();
            if self.tok == Token::Arrow {
                self.next();
                dir = ChanDir::Send;
            } else {
                dir = ChanDir::Both;
            }
        } else {
            self.expect(Token::Arrow);
            self.expect(Token::Chan);
            dir = ChanDir::Recv;
        }
        let elem = self.parse_type();
        self.mk_expr(lo, ExprKind::ChanType { dir, elem: Box::new(elem) })
    }

    /// `...T` in a parameter list, or a type.
    fn try_var_type(&mut self, check_args: bool) -> Option<Expr> {
        if self.tok == Token::Ellipsis {
            let lo = self.pos;
            self.next();
            let elem = match self.try_ident_or_type(true) {
                Some(t) => t,
                None => {
                    self.error(lo, "'...' parameter is missing type");
                    self.bad_expr(lo, self.pos)
                }
            };
            return Some(self.mk_expr(lo, ExprKind::Ellipsis(Some(Box::new(elem)))));
        }
        self.try_ident_or_type(check_args)
    }

    fn parse_var_type(&mut self, check_args: bool) -> Expr {
        match self.try_var_type(check_args) {
            Some(t) => t,
            None => {
                let lo = self.pos;
                self.error_expected(lo, "type");
                self.next(); // make progress
                self.bad_expr(lo, self.prev_end)
            }
        }
    }

    /// `( params )`.
    #[inline(never)]
    pub(crate) fn parse_parameters(&mut self) -> FieldList {
        let open = self.expect(Token::LParen);
        let mut list = Vec::new();
        if self.tok != Token::RParen {
            list = self.parse_parameter_list();
        }
        let close = self.expect(Token::RParen);
        FieldList { open, list, close }
    }

    fn parse_parameter_list(&mut self) -> Vec<Field> {
        let mut params = self.fields.take();
        // A list of identifiers looks like a list of type names: parse
        // types first and decide once we see what follows.
        let mut first = self.exprs.take();
        loop {
            first.push(self.parse_var_type(false));
            if self.tok != Token::Comma {
                break;
            }
            self.next();
            if self.tok == Token::RParen {
                break;
            }
        }
        if let Some(ty) = self.try_var_type(true) {
            // IdentifierList Type
            let lo = first.first().map_or(ty.span.lo, |e| e.span.lo);
            let names = self.make_ident_list(&mut first);
            params.push(Field { span: self.span_from(lo), doc: None, names, ty, tag: None });
            if self.at_comma("parameter list", Token::RParen) {
                self.next();
                while self.tok != Token::RParen && self.tok != Token::Eof {
                    let lo = self.pos;
                    let names = self.parse_ident_list();
                    let ty = self.parse_var_type(true);
                    params.push(Field { span: self.span_from(lo), doc: None, names, ty, tag: None });
                    if !self.at_comma("parameter list", Token::RParen) {
                        break;
                    }
                    self.next();
                }
            }
        } else {
            // Type { "," Type } (anonymous parameters).
            for ty in first.drain(..) {
                params.push(Field { span: ty.span, doc: None, names: Vec::new(), ty, tag: None });
            }
        }
        self.exprs.recycle(first);
        self.fields.finish(params)
    }

    /// The identifiers `list` holds, which it gives up.
    fn make_ident_list(&mut self, list: &mut Vec<Expr>) -> Vec<crate::ast::Ident> {
        let mut idents = Vec::with_capacity(list.len());
        for x in list.drain(..) {
            match x.kind {
                ExprKind::Ident(id) => idents.push(id),
                ExprKind::Bad => idents.push(self.mk_ident(crate::symbol::Symbol::intern("_"), x.span)),
                _ => {
                    self.error_expected(x.span.lo, "identifier");
                    idents.push(self.mk_ident(crate::symbol::Symbol::intern("_"), x.span));
                }
            }
        }
        idents
    }

    /// Results: `(list)`, a single type, or nothing.
    pub(crate) fn parse_result(&mut self) -> Option<FieldList> {
        if self.tok == Token::LParen {
            return Some(self.parse_parameters());
        }
        let ty = self.try_type()?;
        let s = ty.span;
        Some(FieldList {
            open: s.start(),
            list: vec![Field { span: s, doc: None, names: Vec::new(), ty, tag: None }],
            close: s.end(),
        })
    }
}

fn params_lo(ft: &FuncType) -> u32 {
    ft.params.open.lo
}

//! Declarations: `import`, `const`, `type`, `var` and `func`.

use crate::ast::{Decl, FuncDecl, FuncType, GenDecl, GenKind, ImportSpec, Spec, TypeSpec, ValueSpec};
use crate::literal::{is_valid_import_path, unquote_string};
use crate::symbol::Symbol;
use crate::token::Token;

use super::{Parser, Sync};

impl<'a> Parser<'a> {
    /// A top-level declaration.
    pub(crate) fn parse_decl(&mut self) -> Decl {
        match self.tok {
            Token::Const | Token::Var | Token::Type => Decl::Gen(self.parse_gen_decl(self.tok)),
            Token::Func => Decl::Func(self.parse_func_decl()),
            _ => {
                let lo = self.pos;
                self.error_expected(lo, "declaration");
                // Always make progress: the current token cannot start one.
                // Import declarations after other declarations are skipped
                // with it, as go/parser does: one error, not one per import.
                self.next();
                self.advance(Sync::Decl);
                Decl::Bad(self.span(lo, self.prev_end.max(lo)))
            }
        }
    }

    /// `keyword spec` or `keyword ( spec; ... )`.
    #[inline(never)]
    pub(crate) fn parse_gen_decl(&mut self, keyword: Token) -> GenDecl {
        let doc = self.lead_doc();
        let lo = self.pos;
        let kw_span = self.expect(keyword);
        let kind = match keyword {
            Token::Import => GenKind::Import,
            Token::Const => GenKind::Const,
            Token::Type => GenKind::Type,
            _ => GenKind::Var,
        };
        let mut specs = Vec::new();
        let mut lparen = None;
        if self.tok == Token::LParen {
            lparen = Some(self.tok_span());
            self.next();
            let mut index = 0u32;
            while self.tok != Token::RParen && self.tok != Token::Eof {
                let before = self.pos;
                let doc = self.lead_doc();
                specs.push(self.parse_spec(kind, doc, index));
                index += 1;
                if self.pos == before && self.tok != Token::RParen {
                    // No progress (e.g. a stray token): skip it.
                    self.next();
                }
            }
            self.expect(Token::RParen);
            let span = self.span_from(lo);
            self.expect_semi();
            return GenDecl { span, doc, kind, kw_span, lparen, specs };
        }
        let spec = self.parse_spec(kind, None, 0);
        let hi = match &spec {
            Spec::Import(s) => s.span.hi,
            Spec::Value(s) => s.span.hi,
            Spec::Type(s) => s.span.hi,
        };
        specs.push(spec);
        let span = self.span(lo, hi);
        GenDecl { span, doc, kind, kw_span, lparen, specs }
    }

    fn parse_spec(&mut self, kind: GenKind, doc: Option<crate::ast::CommentGroup>, index: u32) -> Spec {
        match kind {
            GenKind::Import => {
                let spec = self.parse_import_spec(doc);
                self.imports.push(spec.clone());
                Spec::Import(spec)
            }
            GenKind::Type => Spec::Type(self.parse_type_spec(doc)),
            GenKind::Const | GenKind::Var => Spec::Value(self.parse_value_spec(doc, kind, index)),
        }
    }

    /// `[name] ["@"] "path"`.
    fn parse_import_spec(&mut self, doc: Option<crate::ast::CommentGroup>) -> ImportSpec {
        let lo = self.pos;
        let name = match self.tok {
            Token::Ident => Some(self.parse_ident()),
            Token::Period => {
                let span = self.tok_span();
                self.next();
                Some(self.mk_ident(Symbol::intern("."), span))
            }
            _ => None,
        };
        let at = if self.tok == Token::At {
            let s = self.tok_span();
            self.next();
            Some(s)
        } else {
            None
        };
        let path_span = self.tok_span();
        let mut path = String::new();
        if self.tok == Token::String {
            let raw = self.lit();
            match unquote_string(raw) {
                Ok(p) if is_valid_import_path(&p) => path = p,
                Ok(p) => {
                    self.error(self.pos, format!("invalid import path: {raw}"));
                    path = p;
                }
                // The lexer reported malformed literals already.
                Err(_) => self.error(self.pos, format!("invalid import path: {raw}")),
            }
            self.next();
        } else {
            self.expect(Token::String);
        }
        let span = self.span_from(lo);
        self.expect_semi();
        ImportSpec { span, doc, name, at, path, path_span }
    }

    /// `names [Type] [= values]`.
    fn parse_value_spec(&mut self, doc: Option<crate::ast::CommentGroup>, kind: GenKind, index: u32) -> ValueSpec {
        let lo = self.pos;
        let names = self.parse_ident_list();
        let ty = self.try_type();
        let mut values = Vec::new();
        if self.tok == Token::Assign {
            self.next();
            values = self.parse_list(true);
        }
        let span = self.span_from(lo);
        self.expect_semi();
        match kind {
            GenKind::Var if ty.is_none() && values.is_empty() => {
                self.error(lo, "missing variable type or initialization");
            }
            GenKind::Const if values.is_empty() && (index == 0 || ty.is_some()) => {
                self.error(lo, "missing constant value");
            }
            _ => {}
        }
        ValueSpec { span, doc, names, ty, values, index }
    }

    /// `name [=] Type`; a type parameter list after the name is reported
    /// and skipped.
    fn parse_type_spec(&mut self, doc: Option<crate::ast::CommentGroup>) -> TypeSpec {
        let lo = self.pos;
        let name = self.parse_ident();
        if self.tok == Token::LBrack && self.type_params_follow() {
            self.skip_type_params();
        }
        let mut assign = None;
        if self.tok == Token::Assign {
            assign = Some(self.tok_span());
            self.next();
        }
        let ty = self.parse_type();
        let span = self.span_from(lo);
        self.expect_semi();
        TypeSpec { span, doc, name, assign, ty }
    }

    /// At the `[` after a type name in a declaration: whether it opens a
    /// type parameter list (`[T any]`, `[K comparable, V any]`,
    /// `[T interface{...}]`) rather than an array length (`[N]T`, `[2*N]T`).
    fn type_params_follow(&mut self) -> bool {
        let ahead = self.peek(2);
        match (ahead.first(), ahead.get(1)) {
            (Some(Token::Ident), Some(t)) => match t {
                Token::Ident
                | Token::Comma
                | Token::Interface
                | Token::Func
                | Token::Map
                | Token::Chan
                | Token::Struct
                | Token::LBrack
                | Token::Tilde => true,
                Token::Mul => self.star_type_param(),
                _ => false,
            },
            _ => false,
        }
    }

    /// `[P *C]` is a type parameter with a pointer constraint when the
    /// bracket closes right after `C` and a type follows; `[N * M]T` is an
    /// array. Like go/parser, an identifier pair around `*` followed by `]`
    /// reads as an array length.
    fn star_type_param(&mut self) -> bool {
        let ahead = self.peek(5);
        matches!(
            ahead.as_slice(),
            [Token::Ident, Token::Mul, Token::Ident, Token::Comma, ..]
                | [Token::Ident, Token::Mul, Token::Ident, Token::Period, Token::Ident]
                | [Token::Ident, Token::Mul, Token::Interface, ..]
        )
    }

    /// `func [recv] name params [results] [body]`.
    #[inline(never)]
    fn parse_func_decl(&mut self) -> FuncDecl {
        let doc = self.lead_doc();
        let lo = self.pos;
        let func_span = self.expect(Token::Func);
        let recv = if self.tok == Token::LParen { Some(self.parse_parameters()) } else { None };
        let name = self.parse_ident();
        if self.tok == Token::LBrack {
            self.skip_type_params();
        }
        let params = self.parse_parameters();
        let results = self.parse_result();
        let ty = FuncType { span: func_span, params, results };
        let mut body = None;
        let span;
        match self.tok {
            Token::LBrace => {
                body = Some(self.parse_body());
                span = self.span_from(lo);
                self.expect_semi();
            }
            Token::Semicolon => {
                span = self.span_from(lo);
                self.next();
                if self.tok == Token::LBrace {
                    self.error(self.pos, "unexpected semicolon or newline before {");
                    body = Some(self.parse_body());
                    self.expect_semi();
                }
            }
            _ => {
                span = self.span_from(lo);
                self.expect_semi();
            }
        }
        FuncDecl { span, doc, recv, name, ty, body }
    }
}

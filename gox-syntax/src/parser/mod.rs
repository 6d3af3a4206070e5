//! The parser: tokens to [`ast::File`], following `go/parser`'s grammar,
//! error messages and recovery, minus type parameters (reported once, at
//! the `[`) and plus GoX's `@"alias"` imports.
//!
//! Split by concern: this file holds the token machinery, comments, error
//! reporting and the file level; `decl.rs`, `types.rs`, `expr.rs` and
//! `stmt.rs` hold the grammar.

mod decl;
mod expr;
mod stmt;
mod types;

use rustc_hash::FxHashMap;

use gox_common::{Diagnostic, FileId, Span};

use crate::ast::{self, CommentGroup, Expr, ExprKind, Field, Ident, NodeId, Stmt};
use crate::lexer::{comment_text, Lexer};
use crate::stack::ensure_sufficient_stack_if;
use crate::symbol::Symbol;
use crate::token::Token;

/// Deepest nesting of expressions, types and statements we accept; deeper
/// input gets "exceeded max nesting depth" and parsing stops. The parser
/// recurses once or more per level, each time through [`Parser::deeper`],
/// which keeps enough stack at hand, so any thread stack will do.
pub const MAX_NESTING: u32 = 1000;

/// Longest chain of binary operators (`a + b + ...`) we accept: the chain
/// is built without recursion but makes a tree this deep.
pub const MAX_CHAIN: u32 = 100_000;

/// How many recursion levels of the parser share one stack check (see
/// [`Parser::deeper`]). Checking costs a call and a thread-local read, as
/// much as parsing a small expression; only a fraction of the levels pay
/// it. The levels between two checks then run on the red zone the first
/// of them was guaranteed, so `RED_ZONE` in `stack.rs` (128 KiB) must
/// cover this many levels. Measured between consecutive levels: at most
/// about 4 KiB in release builds (Go's type checker test data), 7.8 KiB
/// in debug builds (the `deep` tests, which also run the deepest nesting
/// on 2 MiB threads): four levels take a quarter of the red zone at most.
const STACK_CHECK_INTERVAL: u32 = 4;

pub(crate) const TYPE_PARAMS_UNSUPPORTED: &str = "type parameters are not supported in GoX";

/// What [`Parser::parse_file`] parses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Full,
    ImportsOnly,
}

pub(crate) struct Parser<'a> {
    lx: Lexer<'a>,
    file: FileId,
    src: &'a [u8],

    // The current token.
    tok: Token,
    pos: u32,
    end: u32,
    line: u32,
    /// End of the previous (non-comment) token: the end of a node just parsed.
    prev_end: u32,

    comments: Vec<CommentGroup>,
    /// Index in `comments` of the lead comment of the current token.
    lead_comment: Option<usize>,
    /// Whether comments are collected (see [`Parser::with_comments`]).
    keep_comments: bool,

    /// < 0: in a control clause (a `{` ends the expression); >= 0: in an
    /// expression.
    expr_lev: i32,
    /// Set while parsing a right-hand side (`=` then reads as `==` for a
    /// better error).
    in_rhs: bool,
    nest: u32,
    /// Recursion levels entered through [`Parser::deeper`]: every
    /// [`STACK_CHECK_INTERVAL`]-th one checks the stack.
    depth: u32,
    /// Length of the binary-operator chain being built.
    chain: u32,
    /// Set once the nesting limit was hit: every token then reads as EOF.
    bailed: bool,

    sync_pos: u32,
    sync_cnt: u32,

    next_id: u32,
    /// The identifiers this thread has parsed, by their bytes (see
    /// [`Scratch`]): the interner is asked once per thread and name.
    symbols: Symbols,
    imports: Vec<ast::ImportSpec>,

    /// Vectors that lists are built in, reused: see [`Pool`].
    exprs: Pool<Expr>,
    stmts: Pool<Stmt>,
    fields: Pool<Field>,
    idents: Pool<Ident>,
}

/// Lists are built in a reused vector and copied out at their exact length.
/// Built in a vector of their own, a one-element list had room for four
/// (a vector's first growth) and longer ones grew by copying: a file's tree
/// took about three times the memory it used (460 MB allocated for 10 MB of
/// source), and allocating, touching and freeing that memory was most of
/// the cost of parsing.
pub(crate) struct Pool<T>(Vec<Vec<T>>);

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool(Vec::new())
    }
}

impl<T> Pool<T> {
    /// An empty vector to build a list in; give it back with [`Pool::finish`].
    pub(crate) fn take(&mut self) -> Vec<T> {
        self.0.pop().unwrap_or_default()
    }

    /// The list built in `scratch`, in a vector of exactly its length;
    /// `scratch` goes back to the pool.
    pub(crate) fn finish(&mut self, mut scratch: Vec<T>) -> Vec<T> {
        let list = scratch.drain(..).collect();
        self.0.push(scratch);
        list
    }

    /// Gives back a vector taken for a list that was not kept.
    pub(crate) fn recycle(&mut self, mut scratch: Vec<T>) {
        scratch.clear();
        self.0.push(scratch);
    }

    /// The pool without vectors grown past `max` elements: kept for the
    /// next file, a million-element literal's would hold its memory.
    fn trimmed(mut self, max: usize) -> Self {
        self.0.retain(|v| v.capacity() <= max);
        self
    }
}

/// Longest scratch list kept between files.
const KEPT_LIST: usize = 4096;

/// Tokens that start a statement: where statement-level recovery stops.
fn is_stmt_start(t: Token) -> bool {
    use Token::*;
    matches!(
        t,
        Break | Const | Continue | Defer | Fallthrough | For | Go | Goto | If | Return | Select | Switch | Type | Var
    )
}

/// Tokens where parsing resumes after a bad top-level declaration: those
/// that start one, but `import` (misplaced imports are skipped, as
/// go/parser does; unlike go/parser, `func` is kept, so that the errors in
/// the functions after a bad declaration are still found).
fn is_decl_start(t: Token) -> bool {
    matches!(t, Token::Const | Token::Type | Token::Var | Token::Func)
}

fn is_expr_end(t: Token) -> bool {
    use Token::*;
    matches!(t, Comma | Colon | Semicolon | RParen | RBrack | RBrace)
}

/// Where [`Parser::advance`] stops.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sync {
    /// A statement keyword, or the `}` closing the current block.
    Stmt,
    /// A declaration keyword at the top level.
    Decl,
    /// The end of an expression.
    ExprEnd,
}

/// The symbols of identifiers by their bytes. A name of at most 15 bytes
/// (nearly all) is keyed by its bytes and length packed in a `u128`: one
/// integer hashed and compared, where a key of bytes took a call to
/// `memcmp` at every identifier.
#[derive(Default)]
struct Symbols {
    short: FxHashMap<u128, Symbol>,
    long: FxHashMap<&'static [u8], Symbol>,
}

impl Symbols {
    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn intern(&mut self, bytes: &[u8]) -> Symbol {
        let key = (bytes.len() < 16).then(|| {
            let mut packed = [0u8; 16];
            packed[..bytes.len()].copy_from_slice(bytes);
            packed[15] = bytes.len() as u8;
            u128::from_le_bytes(packed)
        });
        let found = match key {
            Some(key) => self.short.get(&key),
            None => self.long.get(bytes),
        };
        if let Some(&s) = found {
            return s;
        }
        let s = match std::str::from_utf8(bytes) {
            Ok(text) => Symbol::intern(text),
            Err(_) => Symbol::intern(&String::from_utf8_lossy(bytes)),
        };
        match key {
            Some(key) => {
                self.short.insert(key, s);
            }
            // Keyed by the interned text, which lives as long as the
            // process (for bytes that are no UTF-8 it differs, and such a
            // name is just interned again next time).
            None => {
                self.long.insert(s.as_str().as_bytes(), s);
            }
        }
        s
    }
}

/// What a parser keeps between files: each thread lends it to the parser
/// of one file at a time (see [`SCRATCH`]).
#[derive(Default)]
struct Scratch {
    /// The identifiers the thread has parsed, by their bytes. Most names of
    /// a file (`err`, `fmt`, `i`, its own types) were seen in earlier
    /// files: found here, they skip the UTF-8 check and the interner's own
    /// table, which a map per file asked again for every file.
    symbols: Symbols,
    exprs: Pool<Expr>,
    stmts: Pool<Stmt>,
    fields: Pool<Field>,
    idents: Pool<Ident>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = Default::default();
}

impl Drop for Parser<'_> {
    /// Gives the scratch tables back to the thread for the next file.
    fn drop(&mut self) {
        let scratch = Scratch {
            symbols: std::mem::take(&mut self.symbols),
            exprs: std::mem::take(&mut self.exprs).trimmed(KEPT_LIST),
            stmts: std::mem::take(&mut self.stmts).trimmed(KEPT_LIST),
            fields: std::mem::take(&mut self.fields).trimmed(KEPT_LIST),
            idents: std::mem::take(&mut self.idents).trimmed(KEPT_LIST),
        };
        // (With parsers nested on one thread the largest table is kept.)
        let _ = SCRATCH.try_with(|kept| {
            if let Ok(mut kept) = kept.try_borrow_mut() {
                if scratch.symbols.len() >= kept.symbols.len() {
                    *kept = scratch;
                }
            }
        });
    }
}

impl<'a> Parser<'a> {
    pub(crate) fn new(file: FileId, src: &'a [u8]) -> Parser<'a> {
        Parser::with_comments(file, src, true)
    }

    /// A parser that keeps comments (`keep_comments`: the file's comment
    /// groups and doc comments) or skips them as it meets them.
    pub(crate) fn with_comments(file: FileId, src: &'a [u8], keep_comments: bool) -> Parser<'a> {
        let scratch = SCRATCH.with(|kept| std::mem::take(&mut *kept.borrow_mut()));
        let mut p = Parser {
            lx: Lexer::new(file, src),
            file,
            src,
            tok: Token::Eof,
            pos: 0,
            end: 0,
            // Line 0: a comment on the first line is not on the line of a
            // previous token.
            line: 0,
            prev_end: 0,
            comments: Vec::new(),
            lead_comment: None,
            keep_comments,
            expr_lev: 0,
            in_rhs: false,
            nest: 0,
            depth: 0,
            chain: 0,
            bailed: false,
            sync_pos: 0,
            sync_cnt: 0,
            next_id: 0,
            symbols: scratch.symbols,
            imports: Vec::new(),
            exprs: scratch.exprs,
            stmts: scratch.stmts,
            fields: scratch.fields,
            idents: scratch.idents,
        };
        p.next();
        p
    }

    // ---------------------------------------------------------------------
    // Tokens

    fn next0(&mut self) {
        if self.bailed {
            self.tok = Token::Eof;
            self.pos = self.src.len() as u32;
            self.end = self.pos;
            return;
        }
        let t = self.lx.next_token();
        self.tok = t.kind;
        self.pos = t.lo;
        self.end = t.hi;
        self.line = t.line;
    }

    /// Advances to the next non-comment token, collecting comment groups
    /// and noting the lead comment, as `go/parser` does.
    pub(crate) fn next(&mut self) {
        self.lead_comment = None;
        if self.tok != Token::Comment {
            self.prev_end = self.end;
        }
        let prev_line = self.line;
        self.next0();
        if self.tok == Token::Comment {
            if !self.keep_comments {
                while self.tok == Token::Comment {
                    self.next0();
                }
                return;
            }
            if self.line == prev_line {
                // A comment on the line of the previous token: a line
                // comment, never a lead comment.
                self.consume_comment_group(0);
            }
            let mut endline: i64 = -1;
            let mut last = None;
            while self.tok == Token::Comment {
                let (g, e) = self.consume_comment_group(1);
                last = Some(g);
                endline = e as i64;
            }
            if endline + 1 == self.line as i64 {
                self.lead_comment = last;
            }
        }
    }

    fn consume_comment_group(&mut self, n: u32) -> (usize, u32) {
        let mut list = Vec::new();
        let mut endline = self.line;
        while self.tok == Token::Comment && self.line <= endline + n {
            let raw = &self.src[self.pos as usize..self.end as usize];
            list.push(ast::Comment { span: self.span(self.pos, self.end), text: comment_text(raw) });
            endline = self.lx.line_of(self.end);
            self.next0();
        }
        self.comments.push(CommentGroup { list: list.into() });
        (self.comments.len() - 1, endline)
    }

    /// The doc comment (lead comment) of the current token.
    pub(crate) fn lead_doc(&self) -> Option<CommentGroup> {
        self.lead_comment.and_then(|i| self.comments.get(i).cloned())
    }

    /// The kinds of the next `n` non-comment tokens after the current one,
    /// without consuming anything.
    pub(crate) fn peek(&mut self, n: usize) -> Vec<Token> {
        let mut out = Vec::with_capacity(n);
        if self.bailed {
            return out;
        }
        let st = self.lx.state();
        self.lx.set_quiet(true);
        while out.len() < n {
            let t = self.lx.next_token();
            if t.kind == Token::Comment {
                continue;
            }
            out.push(t.kind);
            if t.kind == Token::Eof {
                break;
            }
        }
        self.lx.set_quiet(false);
        self.lx.restore(st);
        out
    }

    pub(crate) fn span(&self, lo: u32, hi: u32) -> Span {
        Span::new(self.file, lo, hi.max(lo))
    }

    /// The span of the current token.
    pub(crate) fn tok_span(&self) -> Span {
        self.span(self.pos, self.end)
    }

    /// From `lo` to the end of the last consumed token.
    pub(crate) fn span_from(&self, lo: u32) -> Span {
        self.span(lo, self.prev_end)
    }

    pub(crate) fn lit(&self) -> &'a str {
        std::str::from_utf8(&self.src[self.pos as usize..self.end as usize]).unwrap_or("")
    }

    fn lit_lossy(&self) -> String {
        String::from_utf8_lossy(&self.src[self.pos as usize..self.end as usize]).into_owned()
    }

    fn is_implicit_semi(&self) -> bool {
        self.tok == Token::Semicolon && self.pos == self.end
    }

    pub(crate) fn new_id(&mut self) -> NodeId {
        let id = NodeId(self.next_id);
        self.next_id += 1;
        id
    }

    pub(crate) fn intern(&mut self, lo: u32, hi: u32) -> Symbol {
        self.symbols.intern(&self.src[lo as usize..hi as usize])
    }

    pub(crate) fn mk_ident(&mut self, name: Symbol, span: Span) -> Ident {
        Ident { id: self.new_id(), name, span }
    }

    /// An expression from `lo` to the end of the last consumed token.
    pub(crate) fn mk_expr(&mut self, lo: u32, kind: ExprKind) -> Expr {
        let span = self.span_from(lo);
        Expr { id: self.new_id(), span, kind }
    }

    pub(crate) fn mk_expr_span(&mut self, span: Span, kind: ExprKind) -> Expr {
        Expr { id: self.new_id(), span, kind }
    }

    pub(crate) fn bad_expr(&mut self, lo: u32, hi: u32) -> Expr {
        let span = self.span(lo, hi);
        Expr { id: self.new_id(), span, kind: ExprKind::Bad }
    }

    /// An identifier used as an expression: the expression and the
    /// identifier share one [`NodeId`].
    pub(crate) fn ident_expr(ident: Ident) -> Expr {
        Expr { id: ident.id, span: ident.span, kind: ExprKind::Ident(ident) }
    }

    // ---------------------------------------------------------------------
    // Errors

    pub(crate) fn error(&mut self, pos: u32, msg: impl Into<String>) {
        if self.bailed {
            return;
        }
        let span = self.span(pos, pos);
        self.lx.errors_mut().push(Diagnostic::error(span, msg));
    }

    fn found(&self) -> String {
        if self.is_implicit_semi() {
            "newline".to_string()
        } else if self.tok.is_literal() {
            self.lit_lossy()
        } else {
            format!("'{}'", self.tok.text())
        }
    }

    pub(crate) fn error_expected(&mut self, pos: u32, what: &str) {
        let mut msg = format!("expected {what}");
        if pos == self.pos {
            msg.push_str(", found ");
            msg.push_str(&self.found());
        }
        self.error(pos, msg);
    }

    /// Consumes `tok` (reporting it missing otherwise) and returns the span
    /// where it was expected. Always makes progress unless at `tok`'s place
    /// there is nothing to skip.
    pub(crate) fn expect(&mut self, tok: Token) -> Span {
        let span = self.tok_span();
        if self.tok != tok {
            self.error_expected(self.pos, &format!("'{}'", tok.text()));
        }
        self.next();
        span
    }

    /// Like [`expect`](Self::expect) but with "missing ','" for the common
    /// case of a missing comma before a newline.
    pub(crate) fn expect_closing(&mut self, tok: Token, context: &str) -> Span {
        if self.tok != tok && self.is_implicit_semi() {
            self.error(self.pos, format!("missing ',' before newline in {context}"));
            self.next();
        }
        self.expect(tok)
    }

    pub(crate) fn expect_semi(&mut self) {
        if self.tok == Token::RParen || self.tok == Token::RBrace {
            return;
        }
        match self.tok {
            Token::Comma => {
                self.error_expected(self.pos, "';'");
                self.next();
            }
            Token::Semicolon => self.next(),
            _ => {
                self.error_expected(self.pos, "';'");
                self.advance(Sync::Stmt);
            }
        }
    }

    pub(crate) fn at_comma(&mut self, context: &str, follow: Token) -> bool {
        if self.tok == Token::Comma {
            return true;
        }
        if self.tok != follow {
            let mut msg = "missing ','".to_string();
            if self.is_implicit_semi() {
                msg.push_str(" before newline");
            }
            self.error(self.pos, format!("{msg} in {context}"));
            return true;
        }
        false
    }

    /// Skips tokens until one where parsing can resume (see [`Sync`]).
    /// Braces opened while skipping are skipped as a whole, so recovery
    /// does not stop inside a nested block or leave the current one.
    pub(crate) fn advance(&mut self, to: Sync) {
        let mut depth = 0u32;
        while self.tok != Token::Eof {
            let stop = match to {
                Sync::Stmt => depth == 0 && (is_stmt_start(self.tok) || self.tok == Token::RBrace),
                Sync::Decl => depth == 0 && is_decl_start(self.tok),
                Sync::ExprEnd => is_expr_end(self.tok),
            };
            if stop {
                if self.pos == self.sync_pos && self.sync_cnt < 10 {
                    self.sync_cnt += 1;
                    return;
                }
                if self.pos > self.sync_pos {
                    self.sync_pos = self.pos;
                    self.sync_cnt = 0;
                    return;
                }
            }
            match self.tok {
                Token::LBrace => depth += 1,
                Token::RBrace => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.next();
        }
    }

    /// Enters one nesting level; false (after reporting it once and
    /// stopping the parse) when too deep.
    pub(crate) fn enter(&mut self) -> bool {
        self.nest += 1;
        if self.nest > MAX_NESTING {
            self.bail_nesting();
            return false;
        }
        true
    }

    /// Reports "exceeded max nesting depth" (once) and stops the parse:
    /// every later token reads as EOF so that all callers unwind quickly.
    pub(crate) fn bail_nesting(&mut self) {
        if !self.bailed {
            self.error(self.pos, "exceeded max nesting depth");
            self.bailed = true;
            self.tok = Token::Eof;
            self.pos = self.src.len() as u32;
            self.end = self.pos;
        }
    }

    pub(crate) fn leave(&mut self) {
        self.nest -= 1;
    }

    /// Runs `f` one recursion level deeper. Every recursive path of the
    /// parser goes through here at least once per cycle; every
    /// [`STACK_CHECK_INTERVAL`]-th level (the first included) also checks
    /// the stack, as [`ensure_sufficient_stack`](crate::ensure_sufficient_stack)
    /// does, moving to a new segment when less than the red zone is left.
    #[inline(always)]
    pub(crate) fn deeper<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        // `depth` moves by exactly one per level, so on any chain of nested
        // calls no more than STACK_CHECK_INTERVAL levels pass between two
        // checks (or the first check and the bottom of the chain).
        let check = self.depth % STACK_CHECK_INTERVAL == 0;
        self.depth += 1;
        let r = ensure_sufficient_stack_if(check, || f(self));
        self.depth -= 1;
        r
    }

    /// Skips a bracketed type parameter or type argument list starting at
    /// the current `[` (after reporting it), including everything nested.
    pub(crate) fn skip_type_params(&mut self) {
        self.error(self.pos, TYPE_PARAMS_UNSUPPORTED);
        let mut depth = 0u32;
        while self.tok != Token::Eof {
            match self.tok {
                Token::LBrack | Token::LParen | Token::LBrace => depth += 1,
                Token::RBrack | Token::RParen | Token::RBrace => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.next();
                        return;
                    }
                }
                _ => {}
            }
            self.next();
        }
    }

    /// Continues [`skip_type_params`](Self::skip_type_params) when the `[`
    /// and some of the list were already consumed: skips to the `]` that
    /// closes the list.
    pub(crate) fn skip_to_closing_bracket(&mut self) {
        let mut depth = 1u32;
        while self.tok != Token::Eof {
            match self.tok {
                Token::LBrack | Token::LParen | Token::LBrace => depth += 1,
                Token::RBrack | Token::RParen | Token::RBrace => {
                    depth -= 1;
                    if depth == 0 {
                        self.next();
                        return;
                    }
                }
                _ => {}
            }
            self.next();
        }
    }

    /// All errors sorted by position, keeping only the first of each line
    /// (later errors on a line are most likely consequences of the first),
    /// as `go/parser`'s callers see them.
    fn sorted_errors(&mut self) -> Vec<Diagnostic> {
        let mut errors = self.lx.take_errors();
        errors.sort_by_key(|d| d.span.lo);
        let mut out: Vec<Diagnostic> = Vec::with_capacity(errors.len());
        let mut last_line = 0;
        for e in errors {
            let line = self.lx.line_of(e.span.lo);
            if line != last_line {
                last_line = line;
                out.push(e);
            } else if is_character_error(&e) && out.last().is_some_and(|l| !is_character_error(l)) {
                // A bad character explains what the parser then tripped
                // over on the same line: name the character.
                if let Some(last) = out.last_mut() {
                    *last = e;
                }
            }
        }
        out
    }

    // ---------------------------------------------------------------------
    // Identifiers

    pub(crate) fn parse_ident(&mut self) -> Ident {
        let lo = self.pos;
        if self.tok == Token::Ident {
            let name = self.intern(self.pos, self.end);
            let span = self.tok_span();
            self.next();
            return self.mk_ident(name, span);
        }
        self.expect(Token::Ident);
        self.mk_ident(Symbol::intern("_"), self.span(lo, lo))
    }

    pub(crate) fn parse_ident_list(&mut self) -> Vec<Ident> {
        let mut list = self.idents.take();
        list.push(self.parse_ident());
        while self.tok == Token::Comma {
            self.next();
            list.push(self.parse_ident());
        }
        self.idents.finish(list)
    }

    // ---------------------------------------------------------------------
    // File

    pub(crate) fn parse_file(mut self, mode: Mode) -> (ast::File, Vec<Diagnostic>) {
        let doc = self.lead_doc();
        let package_span = self.expect(Token::Package);
        let name = self.parse_ident();
        if name.is_blank() {
            self.error(name.span.lo, "invalid package name _");
        }
        self.expect_semi();

        let mut decls = Vec::new();
        // Like go/parser: a file whose package clause does not parse is
        // likely not a source file at all; don't report more.
        let clause_ok = !self.lx.errors().iter().any(|d| d.span.lo < self.pos);
        if clause_ok {
            while self.tok == Token::Import {
                decls.push(ast::Decl::Gen(self.parse_gen_decl(Token::Import)));
            }
            if mode == Mode::Full {
                while self.tok != Token::Eof {
                    decls.push(self.parse_decl());
                }
            }
        }

        let span = Span::new(self.file, 0, self.src.len() as u32);
        let node_count = self.next_id;
        let errors = self.sorted_errors();
        let file = ast::File {
            span,
            doc,
            package_span,
            name,
            imports: std::mem::take(&mut self.imports),
            decls,
            comments: std::mem::take(&mut self.comments),
            node_count,
        };
        (file, errors)
    }
}

/// Whether `d` is the lexer's verdict on a byte (NUL, a byte order mark, an
/// invalid encoding, a character that starts no token).
fn is_character_error(d: &Diagnostic) -> bool {
    d.message == crate::INVALID_UTF8 || d.message.starts_with("illegal character") || d.message == "illegal byte order mark"
}

//! The GoX abstract syntax tree, shaped like Go's `go/ast`.
//!
//! Every node has a [`Span`]. Expressions and identifiers carry a [`NodeId`]
//! unique within their [`File`], so that the checker can record facts about
//! them (type, constant value, definition or use) keyed by
//! `(FileId, NodeId)`.

use std::fmt;

use gox_common::Span;

use crate::stack::{ensure_sufficient_stack, placeholder};
use crate::symbol::Symbol;

/// Identifies an expression or identifier within one [`File`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct NodeId(pub u32);

#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub span: Span,
    /// The comment text including `//` or `/* */`.
    pub text: String,
}

/// Adjacent comments with no blank line or token between them. Shared: a
/// declaration's doc comment is the file's group, not a copy of it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct CommentGroup {
    pub list: std::sync::Arc<[Comment]>,
}

impl CommentGroup {
    pub fn span(&self) -> Option<Span> {
        Some(self.list.first()?.span.to(self.list.last()?.span))
    }

    /// The text of the comments without comment markers, as `go/ast`'s
    /// `CommentGroup.Text` gives it.
    pub fn text(&self) -> String {
        let mut lines = Vec::new();
        for c in self.list.iter() {
            let t = &c.text;
            if let Some(rest) = t.strip_prefix("//") {
                lines.push(rest.strip_prefix(' ').unwrap_or(rest).to_string());
            } else if let Some(rest) = t.strip_prefix("/*").and_then(|r| r.strip_suffix("*/")) {
                lines.extend(rest.lines().map(|l| l.trim_end().to_string()));
            }
        }
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        let mut s = lines.join("\n");
        if !s.is_empty() {
            s.push('\n');
        }
        s
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub id: NodeId,
    pub name: Symbol,
    pub span: Span,
}

impl Ident {
    pub fn is_blank(&self) -> bool {
        self.name.is_blank()
    }
}

/// One source file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub span: Span,
    pub doc: Option<CommentGroup>,
    /// Span of the `package` keyword.
    pub package_span: Span,
    pub name: Ident,
    /// Every import spec of the file, in order (they also appear inside
    /// their `import` declarations in `decls`).
    pub imports: Vec<ImportSpec>,
    pub decls: Vec<Decl>,
    /// Every comment of the file, in order.
    pub comments: Vec<CommentGroup>,
    /// One past the largest [`NodeId`] used in this file.
    pub node_count: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Decl {
    Gen(GenDecl),
    Func(FuncDecl),
    /// A declaration that could not be parsed.
    Bad(Span),
}

impl Decl {
    pub fn span(&self) -> Span {
        match self {
            Decl::Gen(d) => d.span,
            Decl::Func(d) => d.span,
            Decl::Bad(s) => *s,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenKind {
    Import,
    Const,
    Type,
    Var,
}

/// `import`, `const`, `type` or `var`, with one spec or a parenthesised list.
#[derive(Clone, Debug, PartialEq)]
pub struct GenDecl {
    pub span: Span,
    pub doc: Option<CommentGroup>,
    pub kind: GenKind,
    /// Span of the keyword.
    pub kw_span: Span,
    /// Set when the specs are in parentheses.
    pub lparen: Option<Span>,
    pub specs: Vec<Spec>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Spec {
    Import(ImportSpec),
    Value(ValueSpec),
    Type(TypeSpec),
}

/// `import name "path"` or GoX's `import name @"alias/sub"`.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportSpec {
    pub span: Span,
    pub doc: Option<CommentGroup>,
    /// The explicit name, `.` or `_` included.
    pub name: Option<Ident>,
    /// Set for `@"..."` imports: the span of the `@`.
    pub at: Option<Span>,
    /// The unquoted path (for `@"gin/render"` this is `gin/render`).
    pub path: String,
    /// Span of the string literal.
    pub path_span: Span,
}

impl ImportSpec {
    pub fn is_external(&self) -> bool {
        self.at.is_some()
    }
}

/// A `const` or `var` spec: `a, b T = x, y`.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueSpec {
    pub span: Span,
    pub doc: Option<CommentGroup>,
    pub names: Vec<Ident>,
    pub ty: Option<Expr>,
    pub values: Vec<Expr>,
    /// Position of the spec in its declaration: `iota` for constants.
    pub index: u32,
}

/// `type T U` or the alias `type T = U`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeSpec {
    pub span: Span,
    pub doc: Option<CommentGroup>,
    pub name: Ident,
    /// Span of the `=` of an alias declaration.
    pub assign: Option<Span>,
    pub ty: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FuncDecl {
    pub span: Span,
    pub doc: Option<CommentGroup>,
    pub recv: Option<FieldList>,
    pub name: Ident,
    pub ty: FuncType,
    /// `None` for a function declared without a body (implemented natively).
    pub body: Option<Block>,
}

/// A parenthesised or braced list of fields, parameters or methods.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FieldList {
    pub open: Span,
    pub list: Vec<Field>,
    pub close: Span,
}

impl FieldList {
    /// Number of names (an unnamed field counts as one).
    pub fn num_fields(&self) -> usize {
        self.list.iter().map(|f| f.names.len().max(1)).sum()
    }
}

/// A struct field, a parameter or result, or an interface method/embedding.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub span: Span,
    pub doc: Option<CommentGroup>,
    /// Empty for an embedded field or an unnamed parameter.
    pub names: Vec<Ident>,
    /// The type; for an interface method, an [`ExprKind::FuncType`].
    pub ty: Expr,
    pub tag: Option<BasicLit>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FuncType {
    /// Span of the `func` keyword when present, else of the parameters.
    pub span: Span,
    pub params: FieldList,
    pub results: Option<FieldList>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LitKind {
    Int,
    Float,
    Imag,
    Char,
    String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BasicLit {
    pub span: Span,
    pub kind: LitKind,
    /// The literal exactly as written in the source.
    pub raw: Box<str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Pos,   // +
    Neg,   // -
    Not,   // !
    Xor,   // ^
    Addr,  // &
    Recv,  // <-
    Tilde, // ~ (constraint syntax; rejected)
}

impl UnaryOp {
    pub fn text(self) -> &'static str {
        match self {
            UnaryOp::Pos => "+",
            UnaryOp::Neg => "-",
            UnaryOp::Not => "!",
            UnaryOp::Xor => "^",
            UnaryOp::Addr => "&",
            UnaryOp::Recv => "<-",
            UnaryOp::Tilde => "~",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Quo,
    Rem,
    And,
    Or,
    Xor,
    Shl,
    Shr,
    AndNot,
    LAnd,
    LOr,
    Eql,
    Neq,
    Lss,
    Leq,
    Gtr,
    Geq,
}

impl BinaryOp {
    pub fn text(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Quo => "/",
            Rem => "%",
            And => "&",
            Or => "|",
            Xor => "^",
            Shl => "<<",
            Shr => ">>",
            AndNot => "&^",
            LAnd => "&&",
            LOr => "||",
            Eql => "==",
            Neq => "!=",
            Lss => "<",
            Leq => "<=",
            Gtr => ">",
            Geq => ">=",
        }
    }

    /// Go's binary precedence (5 highest, 1 lowest).
    pub fn precedence(self) -> u8 {
        use BinaryOp::*;
        match self {
            LOr => 1,
            LAnd => 2,
            Eql | Neq | Lss | Leq | Gtr | Geq => 3,
            Add | Sub | Or | Xor => 4,
            Mul | Quo | Rem | Shl | Shr | And | AndNot => 5,
        }
    }

    pub fn is_comparison(self) -> bool {
        use BinaryOp::*;
        matches!(self, Eql | Neq | Lss | Leq | Gtr | Geq)
    }

    pub fn is_shift(self) -> bool {
        matches!(self, BinaryOp::Shl | BinaryOp::Shr)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChanDir {
    Both,
    Send,
    Recv,
}

/// An expression or a type. `Clone`, `PartialEq`, `Debug` and `Drop` are
/// written out so that they work on trees of any depth (a binary chain is
/// as deep as it is long): see [`ensure_sufficient_stack`].
///
/// A file's tree is mostly expressions, so they are kept small (64 bytes):
/// large, rare kinds are boxed, lists are boxed slices, and the brackets of
/// calls and composite literals are offsets, not spans. Allocating,
/// touching and freeing the trees was most of the cost of parsing.
pub struct Expr {
    pub id: NodeId,
    pub span: Span,
    pub kind: ExprKind,
}

impl Clone for Expr {
    fn clone(&self) -> Expr {
        ensure_sufficient_stack(|| Expr { id: self.id, span: self.span, kind: self.kind.clone() })
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Expr) -> bool {
        ensure_sufficient_stack(|| self.id == other.id && self.span == other.span && self.kind == other.kind)
    }
}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ensure_sufficient_stack(|| {
            f.debug_struct("Expr").field("id", &self.id).field("span", &self.span).field("kind", &self.kind).finish()
        })
    }
}

impl Drop for Expr {
    /// Frees a chain of first operands (`1 + 1 + ...`, `a.b.c...`) in a
    /// loop; the other children, whose depth the parser's nesting limit
    /// bounds, are freed recursively on a stack that grows as needed.
    fn drop(&mut self) {
        if self.kind.children_are_leaves() {
            // Most nodes (`a.b`, `f(x)`, `x + 1`): nothing deep below.
            return;
        }
        let mut kind = std::mem::replace(&mut self.kind, ExprKind::Bad);
        ensure_sufficient_stack(move || loop {
            let next = kind.first_operand_mut().map(|x| std::mem::replace(x, placeholder()));
            drop(kind);
            match next {
                // `x` itself drops with a childless kind: no recursion.
                Some(mut x) => kind = std::mem::replace(&mut x.kind, ExprKind::Bad),
                None => break,
            }
        });
    }
}

/// `x[lo:hi:max]`.
#[derive(Clone, Debug, PartialEq)]
pub struct SliceExpr {
    pub x: Expr,
    pub lbrack: Span,
    pub lo: Option<Expr>,
    pub hi: Option<Expr>,
    pub max: Option<Expr>,
    pub slice3: bool,
    pub rbrack: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An expression that could not be parsed; its error was reported.
    Bad,
    Ident(Ident),
    BasicLit(BasicLit),
    /// `T{...}`; `ty` is `None` for an elided type inside another literal.
    /// `lbrace` and `rbrace` are offsets in the expression's file (see
    /// [`Expr::token_span`]): the kinds are kept small, see [`Expr`].
    CompositeLit { ty: Option<Box<Expr>>, elts: Box<[Expr]>, lbrace: u32, rbrace: u32 },
    /// `key: value` in a composite literal.
    KeyValue { key: Box<Expr>, colon: Span, value: Box<Expr> },
    FuncLit { ty: Box<FuncType>, body: Box<Block> },
    Paren(Box<Expr>),
    Selector { x: Box<Expr>, sel: Ident },
    Index { x: Box<Expr>, lbrack: Span, index: Box<Expr>, rbrack: Span },
    /// `x[lo:hi]` or `x[lo:hi:max]`; boxed, being rare and large.
    Slice(Box<SliceExpr>),
    /// `x.(T)`; `ty` is `None` for `x.(type)` in a type switch.
    TypeAssert { x: Box<Expr>, ty: Option<Box<Expr>> },
    /// `func(args)`; `lparen`, `rparen` and the `...` before `)` are offsets
    /// in the expression's file (see [`Expr::token_span`]).
    Call { func: Box<Expr>, args: Box<[Expr]>, lparen: u32, rparen: u32, ellipsis: Option<u32> },
    /// `*x`: a dereference or a pointer type.
    Star(Box<Expr>),
    Unary { op: UnaryOp, op_span: Span, x: Box<Expr> },
    Binary { op: BinaryOp, op_span: Span, x: Box<Expr>, y: Box<Expr> },

    /// `[N]T`, `[...]T` (len is an [`ExprKind::Ellipsis`]) or `[]T` (len `None`).
    ArrayType { len: Option<Box<Expr>>, elem: Box<Expr> },
    /// `...` as an array length, or `...T` as the type of a variadic parameter.
    Ellipsis(Option<Box<Expr>>),
    StructType(Box<FieldList>),
    FuncType(Box<FuncType>),
    /// Methods (named fields with a func type) and embedded interfaces.
    InterfaceType(Box<FieldList>),
    MapType { key: Box<Expr>, value: Box<Expr> },
    ChanType { dir: ChanDir, elem: Box<Expr> },
}

impl ExprKind {
    /// The operand a chain grows through, which walks follow in a loop:
    /// `x` in `x.f`, `x[i]`, `x[i:j]`, `x.(T)`, `x(args)`, `x op y`,
    /// `x: v` and `map[x]v`, and the only operand of `(x)`, `*x`, `op x`,
    /// `chan x` and `...x`. It is always the first child in source order
    /// (and in the dump and visiting order); `None` for other kinds.
    pub(crate) fn first_operand(&self) -> Option<&Expr> {
        use ExprKind::*;
        match self {
            Paren(x) | Star(x) | Unary { x, .. } | Binary { x, .. } | Selector { x, .. } | Index { x, .. } => Some(x),
            TypeAssert { x, .. } | Call { func: x, .. } | KeyValue { key: x, .. } => Some(x),
            Slice(s) => Some(&s.x),
            MapType { key: x, .. } | ChanType { elem: x, .. } | Ellipsis(Some(x)) => Some(x),
            _ => None,
        }
    }

    /// Whether this node has no grandchildren (a shortcut for [`Drop`];
    /// false when unsure).
    fn children_are_leaves(&self) -> bool {
        use ExprKind::*;
        let leaf = |e: &Expr| matches!(e.kind, Bad | Ident(_) | BasicLit(_));
        match self {
            Bad | Ident(_) | BasicLit(_) | Ellipsis(None) => true,
            Paren(x) | Star(x) | Unary { x, .. } | Selector { x, .. } | ChanType { elem: x, .. } | Ellipsis(Some(x)) => {
                leaf(x)
            }
            Binary { x, y, .. } | Index { x, index: y, .. } | KeyValue { key: x, value: y, .. } => leaf(x) && leaf(y),
            MapType { key: x, value: y } => leaf(x) && leaf(y),
            Call { func, args, .. } => leaf(func) && args.iter().all(leaf),
            _ => false,
        }
    }

    fn first_operand_mut(&mut self) -> Option<&mut Expr> {
        use ExprKind::*;
        match self {
            Paren(x) | Star(x) | Unary { x, .. } | Binary { x, .. } | Selector { x, .. } | Index { x, .. } => Some(x),
            TypeAssert { x, .. } | Call { func: x, .. } | KeyValue { key: x, .. } => Some(x),
            Slice(s) => Some(&mut s.x),
            MapType { key: x, .. } | ChanType { elem: x, .. } | Ellipsis(Some(x)) => Some(x),
            _ => None,
        }
    }
}

impl Expr {
    /// The span of the `len`-byte token at offset `pos` of this
    /// expression's file (the brackets of [`ExprKind::Call`] and
    /// [`ExprKind::CompositeLit`]). It ends where the expression ends at
    /// the latest: a bracket missing at the end of the file (a syntax
    /// error) is an empty span there, as the parser gave it.
    pub fn token_span(&self, pos: u32, len: u32) -> Span {
        let end = pos.saturating_add(len).min(self.span.hi.max(pos));
        Span::new(self.span.file, pos, end)
    }

    /// `self` without any enclosing parentheses.
    pub fn unparen(&self) -> &Expr {
        let mut e = self;
        while let ExprKind::Paren(inner) = &e.kind {
            e = inner;
        }
        e
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub lbrace: Span,
    pub stmts: Vec<Stmt>,
    pub rbrace: Span,
}

impl Block {
    pub fn span(&self) -> Span {
        self.lbrace.to(self.rbrace)
    }
}

impl StmtKind {
    /// The body of a `for` or `for range` loop.
    pub fn loop_body(&self) -> Option<&Block> {
        match self {
            StmtKind::For { body, .. } => Some(body),
            StmtKind::Range { body, .. } => Some(body),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub span: Span,
    pub kind: StmtKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Assign,
    /// `:=`
    Define,
    /// `op=`, e.g. `+=`.
    Op(BinaryOp),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BranchKind {
    Break,
    Continue,
    Goto,
    Fallthrough,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CaseClause {
    pub span: Span,
    /// `None` for `default`.
    pub list: Option<Vec<Expr>>,
    pub colon: Span,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CommClause {
    pub span: Span,
    /// A send or receive statement; `None` for `default`.
    pub comm: Option<Box<Stmt>>,
    pub colon: Span,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// A statement that could not be parsed; its error was reported.
    Bad,
    Decl(Box<GenDecl>),
    /// `;` — `implicit` when it was an inserted newline or `}`.
    Empty { implicit: bool },
    Labeled { label: Ident, colon: Span, stmt: Box<Stmt> },
    Expr(Box<Expr>),
    Send { chan: Box<Expr>, arrow: Span, value: Box<Expr> },
    IncDec { x: Box<Expr>, inc: bool, op_span: Span },
    Assign { lhs: Vec<Expr>, op: AssignOp, op_span: Span, rhs: Vec<Expr> },
    Go { kw: Span, call: Box<Expr> },
    Defer { kw: Span, call: Box<Expr> },
    Return { results: Vec<Expr> },
    Branch { kind: BranchKind, label: Option<Ident> },
    Block(Block),
    If { init: Option<Box<Stmt>>, cond: Box<Expr>, then: Block, els: Option<Box<Stmt>> },
    Switch { init: Option<Box<Stmt>>, tag: Option<Box<Expr>>, lbrace: Span, body: Vec<CaseClause>, rbrace: Span },
    /// `switch init; x := y.(type) { ... }`; `assign` is an
    /// [`StmtKind::Assign`] with `:=` or an [`StmtKind::Expr`], whose right
    /// side is a [`ExprKind::TypeAssert`] with no type.
    TypeSwitch { init: Option<Box<Stmt>>, assign: Box<Stmt>, lbrace: Span, body: Vec<CaseClause>, rbrace: Span },
    Select { lbrace: Span, body: Vec<CommClause>, rbrace: Span },
    For { init: Option<Box<Stmt>>, cond: Option<Box<Expr>>, post: Option<Box<Stmt>>, body: Block },
    /// `for key, value := range x`; `op` is `None` for `for range x`.
    Range {
        key: Option<Box<Expr>>,
        value: Option<Box<Expr>>,
        op: Option<(AssignOp, Span)>,
        range_span: Span,
        x: Box<Expr>,
        body: Box<Block>,
    },
}

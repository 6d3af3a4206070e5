//! Printing types and expressions as go/types does (`TypeString`,
//! `ExprString`).

use gox_syntax::ast::{self, ExprKind};
use gox_syntax::Symbol;

use crate::objects::PackageId;
use crate::types::{ChanDir, Type, TypeKind};
use crate::universe::universe;

/// `t` as go/types prints it. Objects of package `rel` are unqualified;
/// others are qualified with their package name (all are when `rel` is None).
pub fn type_string(t: &Type, rel: Option<&PackageId>) -> String {
    type_string_with(t, rel, &[])
}

/// As [`type_string`], but objects of a package whose name is in
/// `by_path` (a name several imported packages share) are qualified by the
/// quoted path, as go/types does: `"go/ast".Node`.
pub fn type_string_with(t: &Type, rel: Option<&PackageId>, by_path: &[Symbol]) -> String {
    let mut w = Writer {
        buf: String::new(),
        rel,
        by_path,
        seen: Vec::new(),
    };
    w.typ(t);
    w.buf
}

/// A signature without the leading `func`, e.g. `(x int) string`.
pub fn signature_string(t: &Type, rel: Option<&PackageId>) -> String {
    let mut w = Writer {
        buf: String::new(),
        rel,
        by_path: &[],
        seen: Vec::new(),
    };
    w.signature(t);
    w.buf
}

struct Writer<'a> {
    buf: String,
    rel: Option<&'a PackageId>,
    by_path: &'a [Symbol],
    seen: Vec<usize>,
}

impl Writer<'_> {
    fn typ(&mut self, t: &Type) {
        stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || self.typ_inner(t))
    }

    fn typ_inner(&mut self, t: &Type) {
        let key = t.addr();
        if self.seen.contains(&key) {
            self.buf.push_str("<cycle>");
            return;
        }
        self.seen.push(key);
        match t.kind() {
            TypeKind::Basic(b) => self.buf.push_str(b.name),
            TypeKind::Array { len, elem } => {
                self.buf.push_str(&format!("[{}]", len));
                self.typ(elem);
            }
            TypeKind::Slice(e) => {
                self.buf.push_str("[]");
                self.typ(e);
            }
            TypeKind::Struct(s) => {
                self.buf.push_str("struct{");
                for (i, f) in s.fields.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(';');
                    }
                    if !f.is_embedded() {
                        self.buf.push_str(f.name());
                        self.buf.push(' ');
                    }
                    self.typ(&f.ty_ref());
                    if let Some(Some(tag)) = s.tags.get(i) {
                        if !tag.is_empty() {
                            self.buf.push(' ');
                            self.buf.push_str(&format!("{:?}", tag));
                        }
                    }
                }
                self.buf.push('}');
            }
            TypeKind::Pointer(b) => {
                self.buf.push('*');
                self.typ(b);
            }
            TypeKind::Tuple(ts) => {
                self.buf.push('(');
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        self.buf.push_str(", ");
                    }
                    self.typ(t);
                }
                self.buf.push(')');
            }
            TypeKind::Signature(_) => {
                self.buf.push_str("func");
                self.signature(t);
            }
            TypeKind::Interface(i) => {
                if t.ptr_eq(&universe().any_type) {
                    self.buf.push_str("any");
                } else {
                    self.buf.push_str("interface{");
                    let mut first = true;
                    for m in &i.methods {
                        if !first {
                            self.buf.push(';');
                        }
                        first = false;
                        self.buf.push_str(m.name());
                        self.signature(&m.ty_ref());
                    }
                    for e in &i.embeddeds {
                        if !first {
                            self.buf.push(';');
                        }
                        first = false;
                        self.typ(e);
                    }
                    self.buf.push('}');
                }
            }
            TypeKind::Map { key, elem } => {
                self.buf.push_str("map[");
                self.typ(key);
                self.buf.push(']');
                self.typ(elem);
            }
            TypeKind::Chan { dir, elem } => {
                let mut parens = false;
                match dir {
                    ChanDir::Both => {
                        self.buf.push_str("chan ");
                        parens = matches!(
                            elem.kind(),
                            TypeKind::Chan {
                                dir: ChanDir::Recv,
                                ..
                            }
                        );
                    }
                    ChanDir::Send => self.buf.push_str("chan<- "),
                    ChanDir::Recv => self.buf.push_str("<-chan "),
                }
                if parens {
                    self.buf.push('(');
                }
                self.typ(elem);
                if parens {
                    self.buf.push(')');
                }
            }
            TypeKind::Named(n) => {
                if let Some(p) = &n.obj.pkg {
                    let same = self.rel.is_some_and(|r| r.path == p.path);
                    if !same && self.by_path.contains(&p.name) {
                        self.buf.push_str(&format!("{:?}.", p.path));
                    } else if !same {
                        self.buf.push_str(p.name.as_str());
                        self.buf.push('.');
                    }
                }
                self.buf.push_str(n.obj.name());
            }
        }
        self.seen.pop();
    }

    fn signature(&mut self, t: &Type) {
        let TypeKind::Signature(sig) = t.kind() else {
            self.typ(t);
            return;
        };
        self.buf.push('(');
        for (i, p) in sig.params.iter().enumerate() {
            if i > 0 {
                self.buf.push_str(", ");
            }
            if !p.name().is_empty() {
                self.buf.push_str(p.name());
                self.buf.push(' ');
            }
            let pt = p.ty();
            if sig.variadic && i + 1 == sig.params.len() {
                self.buf.push_str("...");
                match pt.kind() {
                    TypeKind::Slice(e) => self.typ(e),
                    _ => self.typ(&pt),
                }
            } else {
                self.typ(&pt);
            }
        }
        self.buf.push(')');
        match sig.results.len() {
            0 => {}
            1 if sig.results[0].name().is_empty() => {
                self.buf.push(' ');
                self.typ(&sig.results[0].ty());
            }
            _ => {
                self.buf.push_str(" (");
                for (i, p) in sig.results.iter().enumerate() {
                    if i > 0 {
                        self.buf.push_str(", ");
                    }
                    if !p.name().is_empty() {
                        self.buf.push_str(p.name());
                        self.buf.push(' ');
                    }
                    self.typ(&p.ty_ref());
                }
                self.buf.push(')');
            }
        }
    }
}

/// `e` as go/types' `ExprString` prints it (composite and function
/// literals shortened).
pub fn expr_string(e: &ast::Expr) -> String {
    let mut s = String::new();
    write_expr(&mut s, e);
    s
}

fn write_list(s: &mut String, list: &[ast::Expr]) {
    for (i, e) in list.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        write_expr(s, e);
    }
}

fn write_fields(s: &mut String, fl: &ast::FieldList, sep: &str, iface: bool) {
    for (i, f) in fl.list.iter().enumerate() {
        if i > 0 {
            s.push_str(sep);
        }
        for (j, n) in f.names.iter().enumerate() {
            if j > 0 {
                s.push_str(", ");
            }
            s.push_str(n.name.as_str());
        }
        if iface && !f.names.is_empty() {
            if let ExprKind::FuncType(ft) = &f.ty.kind {
                write_sig(s, ft);
                continue;
            }
        }
        if !f.names.is_empty() {
            s.push(' ');
        }
        write_expr(s, &f.ty);
    }
}

fn write_sig(s: &mut String, ft: &ast::FuncType) {
    s.push('(');
    write_fields(s, &ft.params, ", ", false);
    s.push(')');
    if let Some(r) = &ft.results {
        if r.list.is_empty() {
            return;
        }
        s.push(' ');
        if r.list.len() == 1 && r.list[0].names.is_empty() {
            write_expr(s, &r.list[0].ty);
        } else {
            s.push('(');
            write_fields(s, r, ", ", false);
            s.push(')');
        }
    }
}

fn write_expr(s: &mut String, e: &ast::Expr) {
    stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || write_expr_inner(s, e))
}

fn write_expr_inner(s: &mut String, e: &ast::Expr) {
    match &e.kind {
        ExprKind::Bad => s.push_str("(bad expr)"),
        ExprKind::Ident(id) => s.push_str(id.name.as_str()),
        ExprKind::BasicLit(l) => s.push_str(&l.raw),
        ExprKind::CompositeLit { ty, .. } => {
            s.push('(');
            if let Some(t) = ty {
                write_expr(s, t);
            }
            s.push_str(" literal)");
        }
        ExprKind::KeyValue { key, value, .. } => {
            write_expr(s, key);
            s.push_str(": ");
            write_expr(s, value);
        }
        ExprKind::FuncLit { ty, .. } => {
            s.push_str("(func");
            write_sig(s, ty);
            s.push_str(" literal)");
        }
        ExprKind::Paren(x) => {
            s.push('(');
            write_expr(s, x);
            s.push(')');
        }
        ExprKind::Selector { x, sel } => {
            write_expr(s, x);
            s.push('.');
            s.push_str(sel.name.as_str());
        }
        ExprKind::Index { x, index, .. } => {
            write_expr(s, x);
            s.push('[');
            write_expr(s, index);
            s.push(']');
        }
        ExprKind::Slice(sl) => {
            let (x, lo, hi, max, slice3) = (&sl.x, &sl.lo, &sl.hi, &sl.max, &sl.slice3);
            write_expr(s, x);
            s.push('[');
            if let Some(l) = lo {
                write_expr(s, l);
            }
            s.push(':');
            if let Some(h) = hi {
                write_expr(s, h);
            }
            if *slice3 {
                s.push(':');
                if let Some(m) = max {
                    write_expr(s, m);
                }
            }
            s.push(']');
        }
        ExprKind::TypeAssert { x, ty } => {
            write_expr(s, x);
            s.push_str(".(");
            match ty {
                Some(t) => write_expr(s, t),
                None => s.push_str("type"),
            }
            s.push(')');
        }
        ExprKind::Call {
            func,
            args,
            ellipsis,
            ..
        } => {
            write_expr(s, func);
            s.push('(');
            write_list(s, args);
            if ellipsis.is_some() {
                s.push_str("...");
            }
            s.push(')');
        }
        ExprKind::Star(x) => {
            s.push('*');
            write_expr(s, x);
        }
        ExprKind::Unary { op, x, .. } => {
            s.push_str(op.text());
            write_expr(s, x);
        }
        ExprKind::Binary { op, x, y, .. } => {
            write_expr(s, x);
            s.push(' ');
            s.push_str(op.text());
            s.push(' ');
            write_expr(s, y);
        }
        ExprKind::ArrayType { len, elem } => {
            s.push('[');
            if let Some(l) = len {
                write_expr(s, l);
            }
            s.push(']');
            write_expr(s, elem);
        }
        ExprKind::Ellipsis(elt) => {
            s.push_str("...");
            if let Some(t) = elt {
                write_expr(s, t);
            }
        }
        ExprKind::StructType(fl) => {
            s.push_str("struct{");
            write_fields(s, fl, "; ", false);
            s.push('}');
        }
        ExprKind::FuncType(ft) => {
            s.push_str("func");
            write_sig(s, ft);
        }
        ExprKind::InterfaceType(fl) => {
            s.push_str("interface{");
            write_fields(s, fl, "; ", true);
            s.push('}');
        }
        ExprKind::MapType { key, value } => {
            s.push_str("map[");
            write_expr(s, key);
            s.push(']');
            write_expr(s, value);
        }
        ExprKind::ChanType { dir, elem } => {
            s.push_str(match dir {
                ast::ChanDir::Both => "chan ",
                ast::ChanDir::Send => "chan<- ",
                ast::ChanDir::Recv => "<-chan ",
            });
            write_expr(s, elem);
        }
    }
}

//! Calls of the builtin functions (go/types `builtins.go`), plus GoX's
//! `assert(cond bool, args ...any)`.

use gox_common::Span;
use gox_syntax::ast;

use crate::checker::Checker;
use crate::constant::Value;
use crate::objects::Builtin;
use crate::operand::{Mode, Operand};
use crate::predicates::identical;
use crate::types::{BasicKind, ChanDir, Type, TypeKind};
use crate::typestring::expr_string;
use crate::universe::universe;

impl<'a> Checker<'a> {
    pub(crate) fn builtin(
        &mut self,
        call: &'a ast::Expr,
        id: Builtin,
        args: &'a [ast::Expr],
        ellipsis: Option<Span>,
        rparen: Span,
    ) -> Operand<'a> {
        let mut x = Operand::invalid(Some(call));
        if let Some(ell) = ellipsis {
            if id != Builtin::Append {
                self.invalid_op(
                    ell,
                    format!("invalid use of ... with built-in {}", id.name()),
                );
                self.use_exprs(args);
                return x;
            }
        }
        let saved_call = self.env.has_call_or_recv;
        if matches!(id, Builtin::Len | Builtin::Cap) {
            self.env.has_call_or_recv = false;
        }
        let (min, variadic) = id.arity();
        let mut xs: Vec<Operand<'a>> = Vec::new();
        let nargs;
        if matches!(id, Builtin::Make | Builtin::New) {
            nargs = args.len();
        } else {
            xs = self.expr_list(args, false).0;
            nargs = xs.len();
            if let Some(first) = xs.first() {
                if first.is_invalid() {
                    self.env.has_call_or_recv |= saved_call;
                    return x;
                }
            }
        }
        let msg = if nargs < min {
            Some("not enough")
        } else if !variadic && nargs > min {
            Some("too many")
        } else {
            None
        };
        if let Some(m) = msg {
            let at = rparen;
            self.invalid_op(
                at,
                format!(
                    "{} arguments for {} (expected {}, found {})",
                    m,
                    expr_string(call),
                    min,
                    nargs
                ),
            );
            self.env.has_call_or_recv |= saved_call;
            return x;
        }
        match id {
            Builtin::Append => {
                let s = xs[0].clone();
                let st = s.ty.clone();
                let elem = match st.under().kind() {
                    TypeKind::Slice(e) => e.clone(),
                    _ => {
                        let cause = if s.is_nil() {
                            "have untyped nil".to_string()
                        } else {
                            format!("have {}", self.op_str(&s))
                        };
                        self.error(
                            s.span(),
                            format!("first argument to append must be a slice; {}", cause),
                        );
                        return x;
                    }
                };
                if let Some(ell) = ellipsis {
                    if args.len() == 1 && nargs > 1 {
                        self.error(
                            ell,
                            format!(
                                "cannot use ... with {}-valued {}",
                                nargs,
                                expr_string(&args[0])
                            ),
                        );
                        return x;
                    }
                }
                if nargs == 2 && ellipsis.is_some() {
                    let (ok, _) = self.assignable_to(&s, &Type::new_slice(Type::byte()));
                    if ok && xs[1].ty.is_string() {
                        x.mode = Mode::Value;
                        x.ty = st;
                        return x;
                    }
                }
                let rest = &mut xs[1..];
                if ellipsis.is_some() {
                    if rest.len() != 1 {
                        let at = rest.get(1).map_or(rparen, |a| a.span());
                        let have: Vec<Type> = xs.iter().map(|a| a.ty.clone()).collect();
                        let want = format!("({}, ...{})", self.type_str(&st), self.type_str(&elem));
                        self.error(
                            at,
                            format!(
                                "too many arguments in call to append\n\thave {}\n\twant {}",
                                self.types_summary(&have),
                                want
                            ),
                        );
                        return x;
                    }
                    self.assignment(&mut rest[0], Some(&st), "argument to append");
                } else {
                    for a in rest.iter_mut() {
                        self.assignment(a, Some(&elem), "argument to append");
                    }
                }
                x.mode = Mode::Value;
                x.ty = st;
            }
            Builtin::Len | Builtin::Cap => {
                let a = xs[0].clone();
                let mut u = a.ty.underlying();
                // A pointer to an array (not in GoX, reported at its type)
                // behaves as in Go, to avoid follow-on errors.
                if let Some(b) = u.pointer_elem() {
                    if matches!(b.under().kind(), TypeKind::Array { .. }) {
                        u = b.underlying();
                    }
                }
                let mut mode = None;
                match u.kind() {
                    TypeKind::Basic(b) if b.kind.is_string() && id == Builtin::Len => {
                        mode = Some(match a.value() {
                            Some(v) => Mode::Constant(
                                v.string_bytes()
                                    .map_or(Value::Unknown, |s| Value::make_int(s.len() as i64)),
                            ),
                            None => Mode::Value,
                        });
                    }
                    TypeKind::Array { len, .. } => {
                        mode = Some(if self.env.has_call_or_recv {
                            Mode::Value
                        } else if *len >= 0 {
                            Mode::Constant(Value::make_int(*len))
                        } else {
                            Mode::Constant(Value::Unknown)
                        });
                    }
                    TypeKind::Slice(_) | TypeKind::Chan { .. } => mode = Some(Mode::Value),
                    TypeKind::Map { .. } if id == Builtin::Len => mode = Some(Mode::Value),
                    _ => {}
                }
                self.env.has_call_or_recv = saved_call;
                let Some(mode) = mode else {
                    if !u.is_invalid() {
                        self.invalid_arg(
                            a.span(),
                            format!("{} for {}", self.op_str(&a), id.name()),
                        );
                    }
                    return x;
                };
                x.mode = mode;
                x.ty = Type::basic(BasicKind::Int);
            }
            Builtin::Close => {
                let a = &xs[0];
                match a.ty.under().kind() {
                    TypeKind::Chan { dir, .. } => {
                        if *dir == ChanDir::Recv {
                            self.invalid_op(
                                a.span(),
                                format!("cannot close receive-only channel {}", self.op_str(a)),
                            );
                            return x;
                        }
                    }
                    _ => {
                        self.invalid_op(
                            a.span(),
                            format!("cannot close non-channel {}", self.op_str(a)),
                        );
                        return x;
                    }
                }
                x.mode = Mode::NoValue;
            }
            Builtin::Copy => {
                let (a, b) = (xs[0].clone(), xs[1].clone());
                if b.is_invalid() {
                    return x;
                }
                let dst = match a.ty.under().kind() {
                    TypeKind::Slice(e) => Some(e.clone()),
                    _ => None,
                };
                let src = match b.ty.under().kind() {
                    TypeKind::Slice(e) => Some(e.clone()),
                    TypeKind::Basic(bb) if bb.kind.is_string() => Some(Type::byte()),
                    _ => None,
                };
                let (Some(d), Some(s)) = (dst, src) else {
                    self.invalid_arg(
                        a.span(),
                        format!(
                            "copy expects slice arguments; found {} and {}",
                            self.op_str(&a),
                            self.op_str(&b)
                        ),
                    );
                    return x;
                };
                if !identical(&d, &s) {
                    self.error(
                        a.span(),
                        format!(
                            "arguments to copy {} and {} have different element types {} and {}",
                            self.op_str(&a),
                            self.op_str(&b),
                            self.type_str(&d),
                            self.type_str(&s)
                        ),
                    );
                    return x;
                }
                x.mode = Mode::Value;
                x.ty = Type::basic(BasicKind::Int);
            }
            Builtin::Delete => {
                let a = xs[0].clone();
                let TypeKindMap::Map { key } = a.ty.under().kind().clone_map() else {
                    self.invalid_arg(a.span(), format!("{} is not a map", self.op_str(&a)));
                    return x;
                };
                let mut k = xs[1].clone();
                if k.is_invalid() {
                    return x;
                }
                self.assignment(&mut k, Some(&key), "argument to delete");
                if k.is_invalid() {
                    return x;
                }
                x.mode = Mode::NoValue;
            }
            Builtin::Make => {
                let t = self.var_type(&args[0]);
                if t.is_invalid() {
                    self.use_exprs(&args[1..]);
                    return x;
                }
                let min = match t.under().kind() {
                    TypeKind::Slice(_) => 2,
                    TypeKind::Map { .. } | TypeKind::Chan { .. } => 1,
                    _ => {
                        self.invalid_arg(
                            args[0].span,
                            format!(
                                "cannot make {}; type must be slice, map, or channel",
                                expr_string(&args[0])
                            ),
                        );
                        self.use_exprs(&args[1..]);
                        return x;
                    }
                };
                if nargs < min || min + 1 < nargs {
                    self.invalid_op(
                        call.span,
                        format!(
                            "{} expects {} or {} arguments; found {}",
                            expr_string(call),
                            min,
                            min + 1,
                            nargs
                        ),
                    );
                    self.use_exprs(&args[1..]);
                    return x;
                }
                let mut sizes = Vec::new();
                for a in &args[1..] {
                    let (_, s) = self.index(a, -1);
                    if s >= 0 {
                        sizes.push(s);
                    }
                }
                if sizes.len() == 2 && sizes[0] > sizes[1] {
                    self.invalid_arg(args[1].span, "length and capacity swapped");
                }
                x.mode = Mode::Value;
                x.ty = t;
            }
            Builtin::New => {
                let t = self.var_type(&args[0]);
                if t.is_invalid() {
                    return x;
                }
                let u = t.under();
                if !u.is_invalid() && !matches!(u.kind(), TypeKind::Struct(_)) {
                    self.error(
                        args[0].span,
                        format!("pointer to non-struct type {}", self.type_str(&t)),
                    );
                    return x;
                }
                x.mode = Mode::Value;
                x.ty = Type::new_pointer(t);
            }
            Builtin::Panic => {
                let mut a = xs[0].clone();
                let any = universe().any_type.clone();
                self.assignment(&mut a, Some(&any), "argument to panic");
                if a.is_invalid() {
                    return x;
                }
                x.mode = Mode::NoValue;
            }
            Builtin::Print | Builtin::Println => {
                for a in xs.iter_mut() {
                    self.assignment(a, None, &format!("argument to {}", id.name()));
                    if a.is_invalid() {
                        return x;
                    }
                }
                x.mode = Mode::NoValue;
            }
            Builtin::Recover => {
                x.mode = Mode::Value;
                x.ty = universe().any_type.clone();
            }
            Builtin::Assert => {
                let mut c = xs[0].clone();
                let b = Type::basic(BasicKind::Bool);
                if !c.ty.is_boolean() {
                    self.invalid_arg(
                        c.span(),
                        format!("{} is not a boolean condition", self.op_str(&c)),
                    );
                    return x;
                }
                self.assignment(&mut c, Some(&b), "argument to assert");
                if c.is_invalid() {
                    return x;
                }
                let any = universe().any_type.clone();
                for a in xs[1..].iter_mut() {
                    self.assignment(a, Some(&any), "argument to assert");
                }
                x.mode = Mode::NoValue;
            }
        }
        x
    }
}

trait CloneMap {
    fn clone_map(&self) -> TypeKindMap;
}

/// A cloned map type's parts (helper for matching through a borrow).
enum TypeKindMap {
    Map { key: Type },
    Other,
}

impl CloneMap for TypeKind {
    fn clone_map(&self) -> TypeKindMap {
        match self {
            TypeKind::Map { key, .. } => TypeKindMap::Map { key: key.clone() },
            _ => TypeKindMap::Other,
        }
    }
}

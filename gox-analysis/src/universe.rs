//! The universe scope: predeclared types, constants, `nil` and builtins.
//! GoX has `any` and `assert`, and no complex types, `uintptr` or `unsafe`.

use std::sync::{Arc, OnceLock, RwLock};

use gox_common::Span;
use gox_syntax::Symbol;

use crate::constant::Value;
use crate::objects::{Builtin, Obj, Object, ObjectKind};
use crate::scope::{Scope, ScopeKind};
use crate::types::{BasicKind, Interface, Named, Signature, Type, TypeKind};

pub struct Universe {
    pub scope: Arc<Scope>,
    pub error_type: Type,
    pub any_type: Type,
    pub iota: Obj,
}

pub fn universe() -> &'static Universe {
    static U: OnceLock<Universe> = OnceLock::new();
    U.get_or_init(build)
}

fn def(scope: &Scope, name: &str, kind: ObjectKind, ty: Type) -> Obj {
    let o = Object::predeclared(Symbol::intern(name), kind, ty);
    scope.insert(o.clone());
    o
}

fn build() -> Universe {
    let scope = Scope::new(None, ScopeKind::Universe, Span::default());
    use BasicKind::*;
    for k in [
        Bool, Int, Int8, Int16, Int32, Int64, Uint, Uint8, Uint16, Uint32, Uint64, Float32,
        Float64, String,
    ] {
        let t = Type::basic(k);
        let name = match t.kind() {
            TypeKind::Basic(b) => b.name,
            _ => continue,
        };
        def(&scope, name, ObjectKind::TypeName, t);
    }
    def(&scope, "byte", ObjectKind::TypeName, Type::byte());
    def(&scope, "rune", ObjectKind::TypeName, Type::rune());

    let any_type = Type::new(TypeKind::Interface(Interface::with_all_methods(
        vec![],
        vec![],
        vec![],
    )));
    def(&scope, "any", ObjectKind::TypeName, any_type.clone());

    // type error interface { Error() string }
    let err_obj = Object::new(
        Symbol::intern("error"),
        Span::default(),
        None,
        ObjectKind::TypeName,
        None,
    );
    let error_type = Type::new(TypeKind::Named(Named {
        obj: err_obj.clone(),
        underlying: Default::default(),
        methods: RwLock::default(),
    }));
    err_obj.set_type(error_type.clone());
    let result = Object::new(
        Symbol::intern(""),
        Span::default(),
        None,
        ObjectKind::Var {
            field: false,
            embedded: false,
        },
        Some(Type::basic(String)),
    );
    let recv = Object::new(
        Symbol::intern(""),
        Span::default(),
        None,
        ObjectKind::Var {
            field: false,
            embedded: false,
        },
        Some(error_type.clone()),
    );
    let sig = Type::new(TypeKind::Signature(Signature {
        recv: Some(recv),
        params: vec![],
        results: vec![result],
        variadic: false,
    }));
    let method = Object::new(
        Symbol::intern("Error"),
        Span::default(),
        None,
        ObjectKind::Func,
        Some(sig),
    );
    let iface = Type::new(TypeKind::Interface(Interface::with_all_methods(
        vec![method.clone()],
        vec![],
        vec![method],
    )));
    if let Some(n) = error_type.as_named() {
        n.set_underlying(iface);
    }
    scope.insert(err_obj);

    def(
        &scope,
        "true",
        ObjectKind::Const {
            value: Box::new(RwLock::new(Value::Bool(true))),
        },
        Type::basic(UntypedBool),
    );
    def(
        &scope,
        "false",
        ObjectKind::Const {
            value: Box::new(RwLock::new(Value::Bool(false))),
        },
        Type::basic(UntypedBool),
    );
    let iota = def(
        &scope,
        "iota",
        ObjectKind::Const {
            value: Box::new(RwLock::new(Value::Unknown)),
        },
        Type::basic(UntypedInt),
    );
    def(
        &scope,
        "nil",
        ObjectKind::Nil,
        Type::basic(UntypedNil),
    );

    use Builtin::*;
    for b in [
        Append, Cap, Close, Copy, Delete, Len, Make, New, Panic, Print, Println, Recover, Assert,
    ] {
        def(
            &scope,
            b.name(),
            ObjectKind::Builtin(b),
            Type::invalid(),
        );
    }
    scope.freeze();
    Universe {
        scope,
        error_type,
        any_type,
        iota,
    }
}

/// For a name that Go predeclares but GoX cuts, the error to report.
pub fn unsupported_predeclared(name: &str) -> Option<&'static str> {
    match name {
        "complex64" | "complex128" | "complex" | "real" | "imag" => {
            Some("complex numbers are not supported in GoX")
        }
        "uintptr" => Some("uintptr is not supported in GoX"),
        "comparable" => Some("type parameters are not supported in GoX"),
        _ => None,
    }
}

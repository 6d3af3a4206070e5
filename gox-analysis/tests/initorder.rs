//! `Info::init_order`: package variables are initialised in dependency
//! order (through functions and methods), ties broken by source order, and
//! `var a, b = f()` is one initialiser.

use std::sync::Arc;

use gox_analysis::{check_package, Config, ImportError, ImportRequest, Importer, Package};
use gox_common::FileId;

struct NoImports;

impl Importer for NoImports {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        Err(ImportError::new(format!("package {} is not in std", req.path)))
    }
}

/// The initialisers of `src` as `lhs names = rhs text`, in order.
fn init_order(src: &str) -> Vec<String> {
    let (file, perrs) = gox_syntax::parse_source(FileId(0), src);
    assert!(perrs.is_empty(), "{:?}", perrs);
    let checked = check_package("p", &[file], &mut NoImports, &Config::default());
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    checked
        .info
        .init_order
        .iter()
        .map(|i| {
            let names: Vec<&str> = i.lhs.iter().map(|o| o.name()).collect();
            format!("{} = {}", names.join(", "), &src[i.rhs.lo as usize..i.rhs.hi as usize])
        })
        .collect()
}

#[test]
fn variables_are_initialised_after_their_dependencies() {
    let src = "package p\nvar a = b + c\nvar b = f()\nvar c = 1\nvar d = 2\nfunc f() int { return c }\n";
    assert_eq!(init_order(src), vec!["c = 1", "b = f()", "a = b + c", "d = 2"]);
}

#[test]
fn dependencies_through_methods_and_literals_count() {
    let src = "package p\ntype T struct{}\nfunc (T) m() int { return y }\nvar x = T{}.m()\nvar z = func() int { return w }()\nvar y = 1\nvar w = 2\n";
    assert_eq!(init_order(src), vec!["y = 1", "x = T{}.m()", "w = 2", "z = func() int { return w }()"]);
}

#[test]
fn a_multi_value_initialiser_is_emitted_once() {
    let src = "package p\nvar a, b = g()\nvar c = a\nfunc g() (int, int) { return 1, 2 }\n";
    assert_eq!(init_order(src), vec!["a, b = g()", "c = a"]);
}

#[test]
fn variables_without_initialiser_are_not_listed() {
    let src = "package p\nvar a int\nvar b = a\n";
    assert_eq!(init_order(src), vec!["b = a"]);
}

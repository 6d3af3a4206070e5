//! Adversarial but valid-looking input: the checker stays linear on types
//! that share subtrees, needs no big thread stack for long chains of
//! declarations or deep syntax, and bounds the memory of constant strings.
//!
//! Everything runs on a thread with the default 8 MiB stack; the checked
//! package also goes through export and import, and everything is dropped
//! on that thread.

use std::fmt::Write as _;
use std::sync::Arc;

use gox_analysis::export::{export_package, import_package};
use gox_analysis::{check_package, Config, ImportError, ImportRequest, Importer, Package, MAX_DECL_NESTING};
use gox_common::FileId;

struct NoImports;

impl Importer for NoImports {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        Err(ImportError::new(format!("package {} is not in std", req.path)))
    }
}

/// Checks `src` (package p) on an 8 MiB thread, exports and re-imports the
/// package there, and returns the diagnostics as (byte offset, message).
fn check_on_default_stack(src: String) -> Vec<(u32, String)> {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let (file, perrs) = gox_syntax::parse_source(FileId(0), &src);
            assert!(perrs.is_empty(), "parse errors: {:?}", perrs.iter().map(|e| &e.message).collect::<Vec<_>>());
            let checked = check_package("p", std::slice::from_ref(&file), &mut NoImports, &Config::default());
            let data = export_package(&checked.package);
            let imported = import_package(&data, &mut |_| None).expect("import of the exported package");
            assert_eq!(export_package(&imported), data, "re-export differs");
            checked.diagnostics.iter().map(|d| (d.span.lo, d.message.clone())).collect()
        })
        .expect("spawn")
        .join()
        .expect("the check thread panicked or overflowed")
}

fn no_errors(src: String) {
    let diags = check_on_default_stack(src);
    assert!(diags.is_empty(), "unexpected errors: {:?}", &diags[..diags.len().min(5)]);
}

// ---- types sharing subtrees, 40 levels (2^40 paths) ----

fn levels(first: &str, each: impl Fn(usize) -> String) -> String {
    let mut s = String::from("package p\n\n");
    s.push_str(first);
    s.push('\n');
    for i in 1..=40 {
        s.push_str(&each(i));
        s.push('\n');
    }
    s
}

#[test]
fn interfaces_embedding_the_previous_one_twice_check_in_linear_time() {
    no_errors(levels("type T0 interface{ m() }", |i| format!("type T{i} interface{{ T{}; T{} }}", i - 1, i - 1)));
}

#[test]
fn overlapping_interface_embeddings_check_in_linear_time() {
    // go/types testdata fixedbugs/issue6977.go, two interleaved chains.
    let src = levels("type I0 interface{ m() }\ntype J0 interface{ m() }", |i| {
        format!("type I{i} interface{{ I{p}; J{p} }}\ntype J{i} interface{{ J{p}; I{p} }}", p = i - 1)
    });
    no_errors(src + "var _ I40 = J40(nil)\n");
}

#[test]
fn structs_with_two_fields_of_the_previous_type_check_in_linear_time() {
    let src = levels("type S0 struct{ x int }", |i| format!("type S{i} struct{{ a, b S{} }}", i - 1));
    no_errors(src + "var x, y S40\nvar _ = x == y\nvar _ = map[S40]int{}\nvar _ = struct{ a, b S39 }(x)\n");
}

#[test]
fn identity_of_unnamed_types_sharing_subtrees_is_linear() {
    // Two alias chains building equal but separate trees.
    let mut src = levels("type U0 = struct{ x int }", |i| format!("type U{i} = struct{{ a, b U{} }}", i - 1));
    for i in 1..=40 {
        writeln!(src, "type V{i} = struct{{ a, b V{} }}", i - 1).unwrap();
    }
    src.push_str("type V0 = struct{ x int }\nvar x U40\nvar y V40\nvar _ = x == y\nfunc f() { x = y }\n");
    no_errors(src);
}

#[test]
fn promoted_lookups_through_doubling_embeddings_are_linear() {
    let src = levels("type S0 struct{ x int }\nfunc (S0) M() {}", |i| {
        format!("type E{i} struct{{ S{p} }}\ntype F{i} struct{{ S{p} }}\ntype S{i} struct{{ E{i}; F{i} }}", p = i - 1)
    });
    let src = src + "var v S40\nvar _ = v.y\nfunc f() { v.M() }\n";
    let y = src.find("v.y").unwrap() as u32 + 2;
    let m = src.find("v.M").unwrap() as u32 + 2;
    assert_eq!(
        check_on_default_stack(src),
        vec![
            (y, "v.y undefined (type S40 has no field or method y)".to_string()),
            (m, "ambiguous selector v.M".to_string()),
        ]
    );
}

// ---- chains of 100,000 declarations, each referring to the next ----

const CHAIN: usize = 100_000;

/// `decl(i)` declares object i in terms of object i+1; the last one is
/// `last`. Checking object 0 nests into 1, 2, ...: the declaration at depth
/// MAX_DECL_NESTING is reported, once, and the rest checks.
fn chain_stops_at_the_nesting_limit(name: &str, decl: impl Fn(usize) -> String, last: String) {
    let mut src = String::from("package p\n\n");
    for i in 0..CHAIN {
        src.push_str(&decl(i));
        src.push('\n');
    }
    src.push_str(&last);
    src.push('\n');
    let cut = decl(MAX_DECL_NESTING);
    let at = src.find(&format!("\n{}\n", cut)).unwrap() + 1 + cut.find(&format!("{}{} ", name, MAX_DECL_NESTING)).unwrap();
    assert_eq!(
        check_on_default_stack(src),
        vec![(
            at as u32,
            format!("declaration nesting too deep: more than {} declarations in progress", MAX_DECL_NESTING)
        )]
    );
}

#[test]
fn array_length_chain_of_100000_types_stops_at_the_nesting_limit() {
    chain_stops_at_the_nesting_limit("A", |i| format!("type A{i} [len(A{}{{}})]int", i + 1), format!("type A{CHAIN} [1]int"));
}

#[test]
fn embedded_struct_chain_of_100000_types_stops_at_the_nesting_limit() {
    chain_stops_at_the_nesting_limit("S", |i| format!("type S{i} struct{{ S{} }}", i + 1), format!("type S{CHAIN} struct{{ x int }}"));
}

#[test]
fn embedded_interface_chain_of_100000_types_stops_at_the_nesting_limit() {
    chain_stops_at_the_nesting_limit("I", |i| format!("type I{i} interface{{ I{} }}", i + 1), format!("type I{CHAIN} interface{{ m() }}"));
}

#[test]
fn array_map_and_func_chains_of_100000_types_stop_at_the_nesting_limit() {
    chain_stops_at_the_nesting_limit("T", |i| format!("type T{i} [1]T{}", i + 1), format!("type T{CHAIN} int"));
    chain_stops_at_the_nesting_limit("T", |i| format!("type T{i} map[int]T{}", i + 1), format!("type T{CHAIN} int"));
    chain_stops_at_the_nesting_limit("T", |i| format!("type T{i} func() T{}", i + 1), format!("type T{CHAIN} int"));
}

#[test]
fn alias_chain_of_100000_types_stops_at_the_nesting_limit() {
    chain_stops_at_the_nesting_limit("A", |i| format!("type A{i} = [1]A{}", i + 1), format!("type A{CHAIN} = int"));
}

#[test]
fn constant_and_variable_chains_of_100000_declarations_stop_at_the_nesting_limit() {
    chain_stops_at_the_nesting_limit("c", |i| format!("const c{i} = c{} + 1", i + 1), format!("const c{CHAIN} = 0"));
    chain_stops_at_the_nesting_limit("v", |i| format!("var v{i} = v{} + 1", i + 1), format!("var v{CHAIN} = 0"));
}

#[test]
fn chains_of_100000_declarations_in_dependency_order_check() {
    let mut src = String::from("package p\n\nconst c0 = 0\nvar v0 = 0\ntype S0 struct{ x int }\n");
    for i in 1..=CHAIN {
        writeln!(src, "const c{i} = c{} + 1\nvar v{i} = v{} + 1\ntype S{i} struct{{ S{} }}", i - 1, i - 1, i - 1).unwrap();
    }
    writeln!(src, "var s S{CHAIN}\nvar _ = s.x\nconst _ uint8 = c{CHAIN} - 99_745").unwrap();
    no_errors(src);
}

// ---- deep syntax at the parser's limits ----

#[test]
fn binary_chains_of_100000_terms_check() {
    let n = 100_000;
    let sum = |t: &str, op: &str| vec![t; n].join(op);
    no_errors(format!("package p\n\nconst c = {}\nvar _ = [c - {n} + 1]int{{}}\n", sum("1", " + ")));
    no_errors(format!("package p\n\nvar x = 1\nvar v = {}\n", sum("x", " + ")));
    no_errors(format!("package p\n\nconst s = {}\nvar _ = [len(s) - {n} + 1]int{{}}\n", sum("\"a\"", " + ")));
    let cmp = vec!["x == 1"; n / 2].join(" || ");
    no_errors(format!("package p\n\nvar x = 1\nvar b bool = {}\n", cmp));
}

#[test]
fn error_on_a_binary_chain_of_100000_terms_quotes_it() {
    let src = format!("package p\n\nvar s string = {}\n", vec!["1"; 100_000].join(" + "));
    let diags = check_on_default_stack(src);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].0, 26);
    assert!(diags[0].1.starts_with("cannot use 1 + 1 + 1"), "{}", &diags[0].1[..60]);
    assert!(diags[0].1.ends_with(" + 1 (untyped int constant 100000) as string value in variable declaration"));
}

#[test]
fn selector_call_and_index_chains_at_the_nesting_limit_check() {
    let d = 990;
    no_errors(format!("package p\n\ntype T struct{{ a *T; x int }}\nvar t T\nvar v int = t{}.x\n", ".a".repeat(d)));
    no_errors(format!("package p\n\ntype F func() F\nvar f F\nvar v F = f{}\n", "()".repeat(d)));
    no_errors(format!("package p\n\ntype A []A\nvar a A\nvar v A = a{}\n", "[0]".repeat(d)));
    no_errors(format!("package p\n\nvar v = {}1{}\n", "(".repeat(d), ")".repeat(d)));
}

#[test]
fn types_nested_to_the_parser_limit_check_print_and_export() {
    let d = 990;
    let mut src = String::from("package p\n\n");
    writeln!(src, "type T1 {}int", "[]".repeat(d)).unwrap();
    writeln!(src, "type T2 {}int", "func() ".repeat(d)).unwrap();
    writeln!(src, "type T3 {}int{}", "struct{ f ".repeat(d / 2), " }".repeat(d / 2)).unwrap();
    writeln!(src, "type T4 {}int", "map[int]".repeat(d)).unwrap();
    writeln!(src, "type T5 {}int", "[1]".repeat(d)).unwrap();
    writeln!(src, "type T6 {}int{}", "interface{ m() ".repeat(d / 2), " }".repeat(d / 2)).unwrap();
    writeln!(src, "type T7 {}int", "chan ".repeat(d)).unwrap();
    writeln!(src, "var x {}int", "[]".repeat(d)).unwrap();
    src.push_str("var _ int = x\n");
    let at = src.find("= x").unwrap() as u32 + 2;
    let diags = check_on_default_stack(src);
    let want = format!("cannot use x (variable of type {}int) as int value in variable declaration", "[]".repeat(d));
    assert_eq!(diags, vec![(at, want)]);
}

#[test]
fn statements_nested_to_the_parser_limit_check() {
    let d = 490;
    no_errors(format!("package p\n\nfunc f(x int) int {{\n{}return 1\n{}return 0\n}}\n", "if x > 0 {\n".repeat(d), "}\n".repeat(d)));
    no_errors(format!("package p\n\nfunc f(x int) {{\n{}x--\n{}}}\n", "for x > 0 {\n".repeat(d), "}\n".repeat(d)));
    no_errors(format!("package p\n\nfunc f() {{\n{}{}\n}}\n", "{".repeat(d), "}".repeat(d)));
    no_errors(format!(
        "package p\n\nfunc f(x int) int {{\n{}return 1\n{}return 0\n}}\n",
        "switch {\ncase x > 0:\n".repeat(d),
        "}\n".repeat(d)
    ));
    no_errors(format!("package p\n\nvar v int = {}1{}\n", "func() int { return ".repeat(d / 2), " }()".repeat(d / 2)));
}

// ---- constant strings ----

#[test]
fn doubling_a_constant_string_stops_at_16_mib() {
    let mut src = String::from("package p\n\nconst s0 = \"ab\"\n");
    for i in 1..=40 {
        writeln!(src, "const s{i} = s{} + s{}", i - 1, i - 1).unwrap();
    }
    src.push_str("var _ = len(s40)\n");
    // s23 is 2 << 23 = 16 MiB long; s24 would be 32 MiB.
    let at = src.find("const s24 = s23 +").unwrap() + "const s24 = s23 ".len();
    assert_eq!(
        check_on_default_stack(src),
        vec![(at as u32, "constant string too long: 33554432 bytes (limit 16777216)".to_string())]
    );
}

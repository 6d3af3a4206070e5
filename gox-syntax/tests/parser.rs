//! Parser behaviour: every statement and expression form, GoX imports,
//! doc comments, node ids, the type-parameter error, error messages and
//! positions, recovery and robustness.

use gox_common::{FileId, SourceMap};
use gox_syntax::ast::*;
use gox_syntax::visit::{self, Visitor};
use gox_syntax::{dump_ast, parse_bytes, parse_file, parse_package_clause_and_imports, parse_source};

fn parse_ok(src: &str) -> File {
    let (f, errs) = parse_source(FileId(0), src);
    assert!(errs.is_empty(), "unexpected errors: {errs:?}");
    f
}

/// `line:col: message` of every error.
fn errors(src: &str) -> Vec<String> {
    errors_bytes(src.as_bytes())
}

fn errors_bytes(src: &[u8]) -> Vec<String> {
    let map = SourceMap::new();
    let sf = map.add("x.gox", String::from_utf8_lossy(src).into_owned());
    let (_, errs) = parse_bytes(FileId(0), src);
    errs.iter()
        .map(|e| {
            let lc = sf.line_col(e.span.lo);
            format!("{}:{}: {}", lc.line, lc.col, e.message)
        })
        .collect()
}

fn body(f: &File) -> &[Stmt] {
    for d in &f.decls {
        if let Decl::Func(fd) = d {
            return &fd.body.as_ref().expect("body").stmts;
        }
    }
    panic!("no function")
}

#[derive(Default)]
struct Collect {
    stmts: Vec<String>,
    exprs: Vec<String>,
    ids: Vec<u32>,
}

fn stmt_name(k: &StmtKind) -> &'static str {
    match k {
        StmtKind::Bad => "Bad",
        StmtKind::Decl(_) => "Decl",
        StmtKind::Empty { .. } => "Empty",
        StmtKind::Labeled { .. } => "Labeled",
        StmtKind::Expr(_) => "Expr",
        StmtKind::Send { .. } => "Send",
        StmtKind::IncDec { .. } => "IncDec",
        StmtKind::Assign { .. } => "Assign",
        StmtKind::Go { .. } => "Go",
        StmtKind::Defer { .. } => "Defer",
        StmtKind::Return { .. } => "Return",
        StmtKind::Branch { .. } => "Branch",
        StmtKind::Block(_) => "Block",
        StmtKind::If { .. } => "If",
        StmtKind::Switch { .. } => "Switch",
        StmtKind::TypeSwitch { .. } => "TypeSwitch",
        StmtKind::Select { .. } => "Select",
        StmtKind::For { .. } => "For",
        StmtKind::Range { .. } => "Range",
    }
}

fn expr_name(k: &ExprKind) -> &'static str {
    match k {
        ExprKind::Bad => "Bad",
        ExprKind::Ident(_) => "Ident",
        ExprKind::BasicLit(_) => "BasicLit",
        ExprKind::CompositeLit { .. } => "CompositeLit",
        ExprKind::KeyValue { .. } => "KeyValue",
        ExprKind::FuncLit { .. } => "FuncLit",
        ExprKind::Paren(_) => "Paren",
        ExprKind::Selector { .. } => "Selector",
        ExprKind::Index { .. } => "Index",
        ExprKind::Slice { .. } => "Slice",
        ExprKind::TypeAssert { .. } => "TypeAssert",
        ExprKind::Call { .. } => "Call",
        ExprKind::Star(_) => "Star",
        ExprKind::Unary { .. } => "Unary",
        ExprKind::Binary { .. } => "Binary",
        ExprKind::ArrayType { .. } => "ArrayType",
        ExprKind::Ellipsis(_) => "Ellipsis",
        ExprKind::StructType(_) => "StructType",
        ExprKind::FuncType(_) => "FuncType",
        ExprKind::InterfaceType(_) => "InterfaceType",
        ExprKind::MapType { .. } => "MapType",
        ExprKind::ChanType { .. } => "ChanType",
    }
}

impl Visitor for Collect {
    fn visit_stmt(&mut self, s: &Stmt) -> bool {
        self.stmts.push(stmt_name(&s.kind).to_string());
        true
    }
    fn visit_expr(&mut self, e: &Expr) -> bool {
        self.exprs.push(expr_name(&e.kind).to_string());
        if !matches!(e.kind, ExprKind::Ident(_)) {
            self.ids.push(e.id.0);
        }
        true
    }
    fn visit_ident(&mut self, id: &Ident) {
        self.ids.push(id.id.0);
    }
}

fn collect(f: &File) -> Collect {
    let mut c = Collect::default();
    visit::walk_file(&mut c, f);
    c
}

#[test]
fn every_statement_form_parses() {
    let f = parse_ok(
        r#"package p
func f() {
	var a int
	const c = 1
	type T int
	;
L:
	x := 1
	x++
	x--
	x += 2
	x, y = y, x
	ch <- x
	go g()
	defer g()
	return
	break
	continue L
	goto L
	{ }
	if x := 1; x > 0 { } else if x < 0 { } else { }
	switch x := 2; x { case 1, 2: fallthrough; default: }
	switch v := y.(type) { case int, string: case nil: default: }
	switch y.(type) {}
	select { case v := <-ch: case ch <- 1: case <-ch: default: }
	for { }
	for x < 10 { }
	for i := 0; i < 10; i++ { }
	for k, v := range m { }
	for k = range m { }
	for range m { }
	g()
}
"#,
    );
    let c = collect(&f);
    let top: Vec<&str> = body(&f).iter().map(|s| stmt_name(&s.kind)).collect();
    assert_eq!(
        top,
        vec![
            "Decl", "Decl", "Decl", "Empty", "Labeled", "IncDec", "IncDec", "Assign", "Assign", "Send", "Go", "Defer",
            "Return", "Branch", "Branch", "Branch", "Block", "If", "Switch", "TypeSwitch", "TypeSwitch", "Select", "For",
            "For", "For", "Range", "Range", "Range", "Expr"
        ]
    );
    // The labeled statement holds `x := 1`.
    match &body(&f)[4].kind {
        StmtKind::Labeled { label, stmt, .. } => {
            assert_eq!(label.name.as_str(), "L");
            assert!(matches!(stmt.kind, StmtKind::Assign { op: AssignOp::Define, .. }));
        }
        k => panic!("{k:?}"),
    }
    match &body(&f)[26].kind {
        StmtKind::Range { key: Some(_), value: None, op: Some((AssignOp::Assign, _)), .. } => {}
        k => panic!("{k:?}"),
    }
    match &body(&f)[27].kind {
        StmtKind::Range { key: None, value: None, op: None, .. } => {}
        k => panic!("{k:?}"),
    }
    assert!(c.stmts.contains(&"Select".to_string()));
}

#[test]
fn every_expression_form_parses() {
    let f = parse_ok(
        r#"package p
var _ = []interface{}{
	x, 1, 2.5, 3i, 'c', "s", `raw`,
	T{1, 2}, T{a: 1}, [...]int{1}, map[string]int{"a": 1}, struct{ a int }{1}, [][]int{{1}, {2}},
	func(a int) int { return a },
	(x), x.y, a[1], s[1:2], s[:], s[1:2:3], x.(T), f(a, b...), *p, &T{}, -x, +x, !b, ^x, <-ch,
	a + b*c - d/e%f, a << 1 >> 2 &^ 3 & 4 | 5 ^ 6, a == b && c != d || e < f && g <= h || i > j && k >= l,
	[]int(nil), (*T)(nil), (<-chan int)(nil), chan<- int(nil), map[int]chan int(nil), func() T(nil),
}
"#,
    );
    let c = collect(&f);
    for kind in [
        "Ident", "BasicLit", "CompositeLit", "KeyValue", "FuncLit", "Paren", "Selector", "Index", "Slice", "TypeAssert",
        "Call", "Star", "Unary", "Binary", "ArrayType", "Ellipsis", "StructType", "FuncType", "InterfaceType", "MapType",
        "ChanType",
    ] {
        assert!(c.exprs.iter().any(|e| e == kind), "no {kind}");
    }
}

#[test]
fn binary_precedence_and_receive_channel_types() {
    let f = parse_ok("package p\nvar x = a + b*c == d || e\nvar y <-chan <-chan int\n");
    let Decl::Gen(g) = &f.decls[0] else { panic!() };
    let Spec::Value(v) = &g.specs[0] else { panic!() };
    let ExprKind::Binary { op, x, .. } = &v.values[0].kind else { panic!() };
    assert_eq!(*op, BinaryOp::LOr);
    let ExprKind::Binary { op, x, .. } = &x.kind else { panic!() };
    assert_eq!(*op, BinaryOp::Eql);
    let ExprKind::Binary { op, y, .. } = &x.kind else { panic!() };
    assert_eq!(*op, BinaryOp::Add);
    assert!(matches!(y.kind, ExprKind::Binary { op: BinaryOp::Mul, .. }));
    let Decl::Gen(g) = &f.decls[1] else { panic!() };
    let Spec::Value(v) = &g.specs[0] else { panic!() };
    let ExprKind::ChanType { dir: ChanDir::Recv, elem } = &v.ty.as_ref().unwrap().kind else { panic!() };
    assert!(matches!(elem.kind, ExprKind::ChanType { dir: ChanDir::Recv, .. }));
}

#[test]
fn composite_literal_needs_parentheses_in_control_clauses() {
    let f = parse_ok("package p\nfunc f() {\n\tif x == (T{}) {\n\t}\n\tfor _, v := range []T{a} {\n\t}\n\tswitch (S{1}) {\n\t}\n}\n");
    assert_eq!(body(&f).len(), 3);
    // Without parentheses `T` is the operand and `{}` the body: Go's error.
    assert_eq!(errors("package p\nfunc f() {\n\tif x == T{} {\n\t}\n}\n"), vec!["3:14: expected ';', found '{'"]);
}

#[test]
fn gox_imports_are_recorded_in_decls_and_file_imports() {
    let f = parse_ok(
        "package main\n\nimport \"fmt\"\nimport web @\"gin\"\nimport (\n\t@\"gin/render\"\n\tr @\"jwt\"\n\t. \"strings\"\n\t_ \"handlers/init\"\n)\n",
    );
    let got: Vec<(Option<String>, bool, String)> =
        f.imports.iter().map(|i| (i.name.map(|n| n.name.as_str().to_string()), i.is_external(), i.path.clone())).collect();
    assert_eq!(
        got,
        vec![
            (None, false, "fmt".into()),
            (Some("web".into()), true, "gin".into()),
            (None, true, "gin/render".into()),
            (Some("r".into()), true, "jwt".into()),
            (Some(".".into()), false, "strings".into()),
            (Some("_".into()), false, "handlers/init".into()),
        ]
    );
    assert_eq!(f.decls.len(), 3);
    let Decl::Gen(g) = &f.decls[2] else { panic!() };
    assert_eq!(g.specs.len(), 4);
    let Spec::Import(i) = &g.specs[0] else { panic!() };
    assert_eq!(i, &f.imports[2]);
    // `@` span and the path literal's span.
    let src = "package main\nimport web @\"gin\"\n";
    let f = parse_ok(src);
    let at = f.imports[0].at.unwrap();
    assert_eq!(&src[at.lo as usize..at.hi as usize], "@");
    let ps = f.imports[0].path_span;
    assert_eq!(&src[ps.lo as usize..ps.hi as usize], "\"gin\"");
}

#[test]
fn bad_import_paths() {
    assert_eq!(errors("package p\nimport \"a b\"\n"), vec!["2:8: invalid import path: \"a b\""]);
    assert_eq!(errors("package p\nimport @gin\n"), vec!["2:9: expected 'STRING', found gin"]);
    assert_eq!(errors("package p\nimport @\n"), vec!["3:1: expected 'STRING', found 'EOF'"]);
}

#[test]
fn imports_only_mode_stops_after_imports() {
    let (f, errs) = parse_package_clause_and_imports(FileId(3), "package a\nimport \"b\"\nfunc f() { syntax error here }\n");
    assert!(errs.is_empty());
    assert_eq!(f.name.name.as_str(), "a");
    assert_eq!(f.imports.len(), 1);
    assert_eq!(f.decls.len(), 1);
    assert_eq!(f.name.span.file, FileId(3));
}

#[test]
fn parse_file_uses_the_source_file_id() {
    let map = SourceMap::new();
    map.add("a.gox", "package a\n");
    let sf = map.add("b.gox", "package b\nvar x = 1\n");
    let (f, errs) = parse_file(&sf);
    assert!(errs.is_empty());
    assert_eq!(f.span.file, sf.id);
    assert_eq!(f.name.span.file, sf.id);
}

#[test]
fn doc_comments_attach_like_go_parser() {
    let f = parse_ok(
        r#"// Package p does things.
package p

// Group doc.
const (
	// A doc.
	A = iota // line comment
	B
)

// T doc.
type T struct {
	// F doc.
	F int
}

// f doc.
func f() {}

// detached

var v = 1
"#,
    );
    assert_eq!(f.doc.as_ref().unwrap().text(), "Package p does things.\n");
    let Decl::Gen(g) = &f.decls[0] else { panic!() };
    assert_eq!(g.doc.as_ref().unwrap().text(), "Group doc.\n");
    let Spec::Value(a) = &g.specs[0] else { panic!() };
    assert_eq!(a.doc.as_ref().unwrap().text(), "A doc.\n");
    let Spec::Value(b) = &g.specs[1] else { panic!() };
    assert!(b.doc.is_none());
    assert_eq!((a.index, b.index), (0, 1));
    let Decl::Gen(t) = &f.decls[1] else { panic!() };
    assert_eq!(t.doc.as_ref().unwrap().text(), "T doc.\n");
    let Spec::Type(ts) = &t.specs[0] else { panic!() };
    let ExprKind::StructType(fl) = &ts.ty.kind else { panic!() };
    assert_eq!(fl.list[0].doc.as_ref().unwrap().text(), "F doc.\n");
    let Decl::Func(fd) = &f.decls[2] else { panic!() };
    assert_eq!(fd.doc.as_ref().unwrap().text(), "f doc.\n");
    let Decl::Gen(v) = &f.decls[3] else { panic!() };
    assert!(v.doc.is_none());
    assert_eq!(f.comments.len(), 8);
}

#[test]
fn value_spec_index_counts_specs_for_iota() {
    let f = parse_ok("package p\nconst (\n\ta, b = iota, iota\n\tc, d\n\te, f\n)\n");
    let Decl::Gen(g) = &f.decls[0] else { panic!() };
    let idx: Vec<u32> = g.specs.iter().map(|s| if let Spec::Value(v) = s { v.index } else { 99 }).collect();
    assert_eq!(idx, vec![0, 1, 2]);
}

#[test]
fn node_ids_are_unique_and_counted() {
    let f = parse_ok("package p\nimport x \"y\"\nfunc (r *R) m(a, b int) (c int) { return a + b*r.f(T{1}[0]) }\n");
    let mut ids = collect(&f).ids;
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate ids");
    assert!(ids.iter().all(|&i| i < f.node_count));
    // An identifier expression shares its identifier's id.
    let Decl::Func(fd) = &f.decls[1] else { panic!() };
    let StmtKind::Return { results } = &fd.body.as_ref().unwrap().stmts[0].kind else { panic!() };
    let ExprKind::Binary { x, .. } = &results[0].kind else { panic!() };
    let ExprKind::Ident(a) = &x.kind else { panic!() };
    assert_eq!(a.id, x.id);
}

#[test]
fn type_parameters_give_one_error_at_the_bracket() {
    assert_eq!(
        errors("package p\nfunc f[T any](x T) T { return x }\n"),
        vec!["2:7: type parameters are not supported in GoX"]
    );
    assert_eq!(
        errors("package p\ntype L[T any] struct{ next *L[T] }\n"),
        vec!["2:7: type parameters are not supported in GoX"]
    );
    assert_eq!(
        errors("package p\ntype M[K comparable, V any] map[K]V\n"),
        vec!["2:7: type parameters are not supported in GoX"]
    );
    assert_eq!(
        errors("package p\nvar x = f[int, string](1)\nvar y List[int]\n"),
        vec!["2:10: type parameters are not supported in GoX", "3:11: type parameters are not supported in GoX"]
    );
    assert_eq!(
        errors("package p\nfunc (l *List[T]) Push(v T) {}\n"),
        vec!["2:14: type parameters are not supported in GoX"]
    );
    // Parsing continues: the declarations after are intact.
    let (f, _) = parse_source(FileId(0), "package p\nfunc f[T any]() {}\ntype A [4]int\ntype B [N * 2]int\nfunc g() {}\n");
    assert_eq!(f.decls.len(), 4);
    let Decl::Gen(g) = &f.decls[1] else { panic!() };
    let Spec::Type(t) = &g.specs[0] else { panic!() };
    assert!(matches!(t.ty.kind, ExprKind::ArrayType { .. }));
    let Decl::Gen(g) = &f.decls[2] else { panic!() };
    let Spec::Type(t) = &g.specs[0] else { panic!() };
    assert!(matches!(t.ty.kind, ExprKind::ArrayType { .. }));
}

#[test]
fn go_parser_error_messages_and_positions() {
    let cases: &[(&str, &str)] = &[
        ("package p\nvar x = 1 2\n", "2:11: expected ';', found 2"),
        ("package p\nfunc f() {\n", "3:1: expected '}', found 'EOF'"),
        ("package p\nfunc f() { x := }\n", "2:17: expected operand, found '}'"),
        ("package p\nfunc f() { if {} }\n", "2:15: missing condition in if statement"),
        ("package p\nfunc f() { f(a\n b) }\n", "2:15: missing ',' before newline in argument list"),
        ("package p\nvar x = []int{1\n}\n", "2:16: missing ',' before newline in composite literal"),
        ("package p\nfunc f() { go f }\n", "2:16: function must be invoked in go statement"),
        ("package p\nfunc f() { a, b }\n", "2:12: expected 1 expression"),
        ("package p\nfunc f() { a.b := 1 }\n", "2:12: expected identifier on left side of :="),
        ("package p\nfunc f() { switch x = y.(type) {} }\n", "2:21: expected ':=', found '='"),
        ("package p\nvar x\n", "2:5: missing variable type or initialization"),
        ("package p\nconst c\n", "2:7: missing constant value"),
        ("package p\nfunc f()\n{\n}\n", "3:1: unexpected semicolon or newline before {"),
        ("package p\nx := 1\n", "2:1: expected declaration, found x"),
        ("package _\n", "1:9: invalid package name _"),
        ("x", "1:1: expected 'package', found x"),
        ("package p\nfunc f() { if x := 1 {} }\n", "2:15: expected boolean expression, found assignment (missing parentheses around composite literal?)"),
        ("package p\nfunc f() { if x++ {} }\n", "2:15: expected boolean expression, found simple statement (missing parentheses around composite literal?)"),
        ("package p\nfunc f() { _ = s[1:2:] }\n", "2:21: 3rd index required in 3-index slice"),
        ("package p\nfunc f() { _ = x = 0 }\n", "2:18: expected '==', found '='"),
        ("package p\nvar _ = x.)\n", "2:11: expected selector or type assertion, found ')'"),
        ("package p\nfunc f() { else {} }\n", "2:12: expected statement, found 'else'"),
        ("package p\nvar _ = [...]int(x)\n", "2:10: expected array length, found '...'"),
    ];
    for (src, want) in cases {
        assert_eq!(errors(src), vec![want.to_string()], "{src:?}");
    }
}

#[test]
fn recovery_reports_each_broken_statement_once_and_keeps_going() {
    let src = "package p\n\nfunc f() {\n\tx := 1 +\n\ty := )\n\tz := 3\n}\n\nfunc g() {\n\treturn 1 2\n}\n\nfunc h() {}\n";
    let (f, errs) = parse_source(FileId(0), src);
    let map = SourceMap::new();
    let sf = map.add("x.gox", src);
    let got: Vec<String> = errs
        .iter()
        .map(|e| {
            let lc = sf.line_col(e.span.lo);
            format!("{}:{}: {}", lc.line, lc.col, e.message)
        })
        .collect();
    assert_eq!(got, vec!["5:4: expected ';', found ':='", "10:11: expected ';', found 2"]);
    let names: Vec<&str> = f
        .decls
        .iter()
        .filter_map(|d| if let Decl::Func(fd) = d { Some(fd.name.name.as_str()) } else { None })
        .collect();
    assert_eq!(names, vec!["f", "g", "h"]);
}

#[test]
fn stray_tokens_at_top_level_resync_at_the_next_declaration() {
    assert_eq!(
        errors("package p\n}\nfunc f() {}\n)\nvar x = 1\n"),
        vec!["2:1: expected declaration, found '}'", "4:1: expected declaration, found ')'"]
    );
}

#[test]
fn misplaced_imports_are_one_error_as_go_parser_reports_them() {
    // go/parser skips from a misplaced import to the next const, type or
    // var (gox also stops at func, to keep checking what follows).
    assert_eq!(
        errors("package p\nvar _ int\nimport \"a\"\nimport ()\nimport (\n\t\"b\"\n)\nfunc f() { x := }\nvar _ = 1\n"),
        vec!["3:1: expected declaration, found 'import'", "8:17: expected operand, found '}'"]
    );
}

#[test]
fn invalid_utf8_and_nul_are_reported_not_panics() {
    assert_eq!(errors_bytes(b"package p\nvar s = \"a\xffb\"\n"), vec!["2:11: invalid UTF-8 encoding"]);
    assert_eq!(errors_bytes(b"package p\nvar s = \"a\x00b\"\n"), vec!["2:11: illegal character NUL"]);
    assert_eq!(errors_bytes(b"package p\nvar \xff = 1\n"), vec!["2:5: invalid UTF-8 encoding"]);
    assert_eq!(errors_bytes(b"package p\n\x00\n"), vec!["2:1: illegal character NUL"]);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("package p\nvar x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
    let errs = errors(&deep);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].ends_with(": exceeded max nesting depth"), "{errs:?}");
    for src in [
        format!("package p\nfunc f() {}\n", "{".repeat(100_000)),
        format!("package p\nvar x {}int\n", "[]".repeat(100_000)),
        format!("package p\nvar x = {}y\n", "!".repeat(100_000)),
        format!("package p\nvar x = y{}\n", ".f()".repeat(100_000)),
        format!("package p\nvar x = {}\n", "T{".repeat(100_000)),
        format!("package p\nfunc f() {{ {} }}\n", "if x {".repeat(100_000)),
    ] {
        let errs = errors(&src);
        assert!(errs.iter().any(|e| e.ends_with(": exceeded max nesting depth")), "{errs:?}");
    }
}

#[test]
fn long_operator_chains_are_not_nesting() {
    let src = format!("package p\nvar x = 1{}\n", " + 1".repeat(5000));
    assert_eq!(errors(&src), Vec::<String>::new());
}

#[test]
fn garbage_input_terminates_with_errors() {
    for src in ["package p\nfunc", "package p\nfunc (", "package p\ntype T struct {", "package p\nvar x = [", "package p\nfunc f() { for", "package p\n)))]]]}}}", "package p\nimport (", "package p\ntype I interface { M(", "package p\nfunc f() { switch { case"] {
        let (_, errs) = parse_source(FileId(0), src);
        assert!(!errs.is_empty(), "{src:?}");
    }
}

#[test]
fn dump_ast_prints_an_indented_tree() {
    let f = parse_ok("package p\n\nimport @\"gin\"\n\nfunc f(a int) { return a }\n");
    assert_eq!(
        dump_ast(&f),
        "File package p @0..53\n  GenDecl import @11..24\n    ImportSpec @\"gin\" @18..24\n  FuncDecl f @26..52\n    Params\n      Field a\n        Ident int #3 @35..38\n    Body @40..52\n      ReturnStmt @42..50\n        Ident a #4 @49..50\n"
    );
}

#[test]
fn spans_cover_exactly_the_source_text_of_each_node() {
    let src = "package p\n\nvar v = 1 // c\n\nfunc f() {\n\tx := a[1:2] + <-ch\n\tL: for range m { }\n\tif ok { } else { }\n\tdefer g(x...)\n}\n";
    let f = parse_ok(src);
    let text = |s: gox_common::Span| &src[s.lo as usize..s.hi as usize];
    assert_eq!(text(f.decls[0].span()), "var v = 1");
    let stmts: Vec<&str> = body(&f).iter().map(|s| text(s.span)).collect();
    assert_eq!(stmts, vec!["x := a[1:2] + <-ch", "L: for range m { }", "if ok { } else { }", "defer g(x...)"]);
    let StmtKind::Assign { rhs, .. } = &body(&f)[0].kind else { panic!() };
    let ExprKind::Binary { x, y, .. } = &rhs[0].kind else { panic!() };
    assert_eq!((text(x.span), text(y.span)), ("a[1:2]", "<-ch"));
    assert_eq!(text(f.decls[1].span()), "func f() {\n\tx := a[1:2] + <-ch\n\tL: for range m { }\n\tif ok { } else { }\n\tdefer g(x...)\n}");
}

/// The check parse skips comments: the same tree (without comment groups
/// and doc comments) and the same errors as the full parse, for every
/// source file of the repository's test projects and std, and for
/// comments where they change how a line ends or sit inside expressions.
#[test]
fn parse_for_check_is_the_full_parse_without_comments() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf();
    let mut sources: Vec<(String, String)> = [
        "// Package p.\npackage p\n\n// T doc.\ntype T struct {\n\tA int // a\n\t/* b */ B string\n}\n",
        "package p\n\nfunc f() int {\n\tx := 1 /* c */\n\treturn /* multi\nline */ x\n}\n",
        "package p\n\nvar v = f(1, // one\n\t2 /* two */, 3)\n",
        "package p\n\nfunc f() { x := 1 // no semicolon before me\n}\n",
        "package p\n\nfunc g() {\n\t/* unterminated\n",
        "package p\n\nconst c = 1 + /**/ 2 //\n\nfunc (",
    ]
    .iter()
    .enumerate()
    .map(|(i, s)| (format!("case {i}"), s.to_string()))
    .collect();
    let mut dirs = vec![root.join("testdata"), root.join("gox-module/std")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "gox") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    sources.push((path.display().to_string(), text));
                }
            }
        }
    }
    assert!(sources.len() > 50, "found only {} sources", sources.len());
    let without_docs = |dump: String| dump.lines().filter(|l| !l.trim_start().starts_with("Doc ")).collect::<Vec<_>>().join("\n");
    for (name, text) in &sources {
        let map = SourceMap::new();
        let file = map.add(name.as_str(), text.clone());
        let (full, full_errors) = parse_file(&file);
        let (check, check_errors) = gox_syntax::parse_file_for_check(&file);
        assert_eq!(check_errors, full_errors, "{name}: errors");
        assert!(check.comments.is_empty() && check.doc.is_none(), "{name}: comments kept");
        assert_eq!(check.node_count, full.node_count, "{name}: node ids");
        assert_eq!(without_docs(dump_ast(&check)), without_docs(dump_ast(&full)), "{name}: tree");
    }
}

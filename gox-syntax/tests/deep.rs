//! Deep and long input on ordinary thread stacks: parsing, `dump_ast`, the
//! visitors, `Clone`/`PartialEq`/`Debug` and dropping a file must work on
//! an 8 MiB and a 2 MiB thread for the longest chains and deepest nesting
//! the parser accepts, and deeper nesting must give one positioned
//! "exceeded max nesting depth".

use gox_common::{FileId, SourceMap};
use gox_syntax::ast::*;
use gox_syntax::visit::{self, Visitor};
use gox_syntax::{dump_ast, parse_package_clause_and_imports, parse_source, MAX_NESTING};

const MIB: usize = 1 << 20;

/// Runs `check` on a fresh 8 MiB thread and on a fresh 2 MiB thread (the
/// default of threads Rust spawns).
fn on_ordinary_stacks(check: impl Fn() + Send + Sync + Copy + 'static) {
    for stack in [8 * MIB, 2 * MIB] {
        let t = std::thread::Builder::new().stack_size(stack).spawn(check).expect("spawn");
        if let Err(panic) = t.join() {
            std::panic::resume_unwind(panic);
        }
    }
}

/// What every entry point made of one source.
struct Walked {
    /// `line:col: message`.
    errors: Vec<String>,
    dump: String,
    /// `visit_expr` calls, in order: (kind name, span).
    exprs: Vec<(&'static str, u32, u32)>,
    idents: usize,
    stmts: usize,
}

impl Walked {
    fn dump_count(&self, what: &str) -> usize {
        self.dump.lines().filter(|l| l.trim_start().trim_start_matches(|c: char| c == '[' || c == ']' || c.is_ascii_digit()).trim_start().starts_with(what)).count()
    }

    fn expr_count(&self, kind: &str) -> usize {
        self.exprs.iter().filter(|e| e.0 == kind).count()
    }
}

#[derive(Default)]
struct Recorder {
    exprs: Vec<(&'static str, u32, u32)>,
    idents: usize,
    stmts: usize,
}

impl Visitor for Recorder {
    fn visit_expr(&mut self, e: &Expr) -> bool {
        let kind = match e.kind {
            ExprKind::Binary { .. } => "Binary",
            ExprKind::BasicLit(_) => "BasicLit",
            ExprKind::Ident(_) => "Ident",
            ExprKind::Paren(_) => "Paren",
            ExprKind::Unary { .. } => "Unary",
            ExprKind::Selector { .. } => "Selector",
            ExprKind::Call { .. } => "Call",
            ExprKind::Index { .. } => "Index",
            ExprKind::ArrayType { .. } => "ArrayType",
            ExprKind::CompositeLit { .. } => "CompositeLit",
            ExprKind::FuncLit { .. } => "FuncLit",
            _ => "other",
        };
        self.exprs.push((kind, e.span.lo, e.span.hi));
        true
    }

    fn visit_ident(&mut self, _id: &Ident) {
        self.idents += 1;
    }

    fn visit_stmt(&mut self, _s: &Stmt) -> bool {
        self.stmts += 1;
        true
    }
}

/// Parses `src`, dumps, visits, clones, compares and prints the file, and
/// drops both copies, all on the calling thread.
fn walk(src: &str) -> Walked {
    let map = SourceMap::new();
    let sf = map.add("deep.gox", src.to_string());
    let (file, errs) = parse_source(FileId(0), src);
    let errors = errs
        .iter()
        .map(|e| {
            let lc = sf.line_col(e.span.lo);
            format!("{}:{}: {}", lc.line, lc.col, e.message)
        })
        .collect();
    let dump = dump_ast(&file);
    let mut rec = Recorder::default();
    visit::walk_file(&mut rec, &file);
    let copy = file.clone();
    assert!(copy == file, "a clone equals its original");
    let printed = format!("{copy:?}");
    assert_eq!(printed.matches("Expr {").count(), rec.exprs.len(), "Debug prints every expression once");
    drop(copy);
    drop(file);
    Walked { errors, dump, exprs: rec.exprs, idents: rec.idents, stmts: rec.stmts }
}

/// The errors of `src` alone.
fn errors(src: &str) -> Vec<String> {
    walk(src).errors
}

fn nesting_error_at(line: u32, col: u32) -> Vec<String> {
    vec![format!("{line}:{col}: exceeded max nesting depth")]
}

// -------------------------------------------------------------------------
// Long chains: as deep as they are long, with no nesting limit of their own

/// `package p\nvar x = 1 + 1 + ... + 1` with `n` operators; the first `1`
/// is at byte 18.
fn sum(n: usize) -> String {
    format!("package p\nvar x = 1{}\n", " + 1".repeat(n))
}

#[test]
fn longest_binary_chain_parses_dumps_visits_and_drops() {
    on_ordinary_stacks(|| {
        let n = 99_999;
        let src = sum(n);
        let w = walk(&src);
        assert_eq!(w.errors, Vec::<String>::new());

        // File, GenDecl, ValueSpec, then n Binary and n + 1 BasicLit lines.
        let lines: Vec<&str> = w.dump.lines().collect();
        assert_eq!(lines.len(), 3 + n + n + 1);
        assert_eq!(w.dump_count("Binary +"), n);
        assert_eq!(w.dump_count("BasicLit Int 1"), n + 1);
        let end = src.len() - 1;
        assert!(lines[3].starts_with("      Binary + #") && lines[3].ends_with(&format!(" @18..{end}")), "{}", lines[3]);
        // The leftmost operand is n + 3 levels deep: the indentation stops
        // at 64 levels and the line gives its depth.
        let deepest = lines[3 + n];
        assert!(deepest.starts_with(&format!("{}[{}] BasicLit Int 1 #", "  ".repeat(64), n + 3)), "{deepest}");
        assert!(deepest.ends_with(" @18..19"), "{deepest}");
        let last = lines.last().unwrap();
        assert!(last.starts_with("        BasicLit Int 1 #") && last.ends_with(&format!(" @{}..{end}", end - 1)), "{last}");

        // The visitor sees every expression, parents before children and
        // the operands left to right.
        assert_eq!(w.exprs.len(), 2 * n + 1);
        assert_eq!(w.expr_count("Binary"), n);
        assert_eq!(w.exprs[0], ("Binary", 18, end as u32));
        let lits: Vec<u32> = w.exprs.iter().filter(|e| e.0 == "BasicLit").map(|e| e.1).collect();
        assert_eq!(lits.len(), n + 1);
        assert!(lits.windows(2).all(|p| p[1] == p[0] + 4), "operands in source order");
        assert_eq!(w.idents, 2); // p and x
    });
}

#[test]
fn binary_chain_past_its_limit_is_a_nesting_error() {
    on_ordinary_stacks(|| {
        // The 100,000th operator is one too many: the error is where it
        // would apply, after its right operand (here the end of the line) ...
        assert_eq!(errors(&sum(100_000)), nesting_error_at(2, 9 + 4 * 100_000 + 1));
        // ... or at the next operator.
        assert_eq!(errors(&sum(150_000)), nesting_error_at(2, 9 + 4 * 100_000 + 2));
    });
}

#[test]
fn mixed_precedence_chains_nest_their_right_operands() {
    on_ordinary_stacks(|| {
        // a*b + a*b + ... : a left-deep `+` chain whose right operands are
        // `*` nodes, and `&&` over `==` over `+`.
        let n = 30_000;
        let w = walk(&format!("package p\nvar x = a*b{}\nvar y = 1 == 1{}\n", " + a*b".repeat(n), " && 1 == 1 + 1".repeat(n)));
        assert_eq!(w.errors, Vec::<String>::new());
        assert_eq!(w.dump_count("Binary +"), 2 * n);
        assert_eq!(w.dump_count("Binary *"), n + 1);
        assert_eq!(w.dump_count("Binary &&"), n);
        assert_eq!(w.dump_count("Binary =="), n + 1);
        assert_eq!(w.expr_count("Binary"), 2 * n + n + 1 + n + n + 1);
    });
}

#[test]
fn selector_call_and_index_chains_up_to_the_nesting_limit() {
    on_ordinary_stacks(|| {
        // Each selector, call or index is one nesting level.
        let sel = walk(&format!("package p\nvar x = y{}\n", ".f".repeat(998)));
        assert_eq!(sel.errors, Vec::<String>::new());
        assert_eq!(sel.dump_count("Selector .f"), 998);
        assert_eq!(sel.expr_count("Selector"), 998);
        assert_eq!(sel.idents, 2 + 1 + 998); // p, x, y and every f

        let call = walk(&format!("package p\nvar x = f{}\n", "()".repeat(998)));
        assert_eq!(call.errors, Vec::<String>::new());
        assert_eq!(call.dump_count("Call"), 998);
        assert_eq!(call.expr_count("Call"), 998);

        let index = walk(&format!("package p\nvar x = a{}\n", "[0]".repeat(997)));
        assert_eq!(index.errors, Vec::<String>::new());
        assert_eq!(index.dump_count("Index"), 997);
        assert_eq!(index.expr_count("Index"), 997);
        assert_eq!(index.expr_count("BasicLit"), 997);

        // One more is too deep; the error is at the level that does not fit.
        assert_eq!(errors(&format!("package p\nvar x = y{}\n", ".f".repeat(999))), nesting_error_at(2, 2008));
        assert_eq!(errors(&format!("package p\nvar x = f{}\n", "()".repeat(999))), nesting_error_at(2, 2008));
        assert_eq!(errors(&format!("package p\nvar x = a{}\n", "[0]".repeat(998))), nesting_error_at(2, 3003));
        assert_eq!(errors(&format!("package p\nvar x = y{}\n", ".f()".repeat(100_000))), nesting_error_at(2, 2008));
    });
}

#[test]
fn long_statement_and_declaration_lists() {
    on_ordinary_stacks(|| {
        let n = 100_000;
        let w = walk(&format!("package p\nfunc f() {{\n{}}}\n{}", "\tx++\n".repeat(n), "var _ = 0\n".repeat(n)));
        assert_eq!(w.errors, Vec::<String>::new());
        assert_eq!(w.dump_count("IncDecStmt ++"), n);
        assert_eq!(w.dump_count("GenDecl var"), n);
        assert_eq!(w.stmts, n);
    });
}

// -------------------------------------------------------------------------
// Nesting: accepted up to MAX_NESTING levels, one positioned error beyond

/// For `build(k)` nesting a construct `k` times: `ok` levels parse with no
/// error and `count` dump lines starting with `what`; `ok + 1` and 100,000
/// levels give one "exceeded max nesting depth" at `at`.
fn nesting_limit(build: fn(usize) -> String, ok: usize, what: &str, count: usize, at: (u32, u32)) {
    let w = walk(&build(ok));
    assert_eq!(w.errors, Vec::<String>::new(), "{what} x{ok}");
    assert_eq!(w.dump_count(what), count, "{what} x{ok}");
    assert_eq!(errors(&build(ok + 1)), nesting_error_at(at.0, at.1), "{what} x{}", ok + 1);
    assert_eq!(errors(&build(100_000)), nesting_error_at(at.0, at.1), "{what} x100000");
}

#[test]
fn nesting_limit_is_the_same_on_any_stack() {
    assert_eq!(MAX_NESTING, 1000);
    on_ordinary_stacks(|| {
        // The limit counts parser levels: `(` and `!` take one each, on
        // top of the declaration's own.
        nesting_limit(|k| format!("package p\nvar x = {}1{}\n", "(".repeat(k), ")".repeat(k)), 998, "Paren", 998, (2, 1009));
        nesting_limit(|k| format!("package p\nvar x = {}y\n", "!".repeat(k)), 998, "Unary !", 998, (2, 1009));
        nesting_limit(|k| format!("package p\nvar x {}int\n", "[]".repeat(k)), 999, "ArrayType", 999, (2, 2007));
        // `T{` takes three levels (operand, literal, element); an elided
        // `{` takes one.
        nesting_limit(|k| format!("package p\nvar x = {}{}\n", "T{".repeat(k), "}".repeat(k)), 333, "CompositeLit", 333, (2, 676));
        nesting_limit(|k| format!("package p\nvar x = T{}{}\n", "{".repeat(k), "}".repeat(k)), 998, "CompositeLit", 998, (2, 1008));
    });
}

#[test]
fn statement_nesting_limit_is_the_same_on_any_stack() {
    on_ordinary_stacks(|| {
        // One block per line: the error is on the line of the block that
        // does not fit.
        nesting_limit(|k| format!("package p\nfunc f() {{\n{}{}}}\n", "{\n".repeat(k), "}\n".repeat(k)), 1000, "BlockStmt", 1000, (1003, 1));
        nesting_limit(|k| format!("package p\nfunc f() {{\n{}{}}}\n", "if x {\n".repeat(k), "}\n".repeat(k)), 499, "IfStmt", 499, (502, 4));
        nesting_limit(
            |k| format!("package p\nfunc f() {{\n\tif x {{\n{}\t}}\n}}\n", "\t} else if x {\n".repeat(k)),
            996,
            "IfStmt",
            997,
            (1000, 14),
        );
        nesting_limit(|k| format!("package p\nvar x = {}0{}\n", "func() {\n_ = ".repeat(k), "\n}".repeat(k)), 499, "FuncLit", 499, (502, 1));
    });
}

#[test]
fn imports_only_parse_skips_deep_declarations() {
    on_ordinary_stacks(|| {
        let src = format!("package p\nimport \"fmt\"\nvar x = 1{}\n", " + 1".repeat(99_999));
        let (file, errs) = parse_package_clause_and_imports(FileId(0), &src);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(file.imports.iter().map(|i| i.path.as_str()).collect::<Vec<_>>(), vec!["fmt"]);
        assert_eq!(file.decls.len(), 1);
    });
}

#[test]
fn a_deep_expression_dropped_on_its_own() {
    on_ordinary_stacks(|| {
        let (mut file, errs) = parse_source(FileId(0), &sum(99_999));
        assert!(errs.is_empty());
        let Some(Decl::Gen(mut g)) = file.decls.pop() else { panic!("var declaration") };
        let Some(Spec::Value(mut v)) = g.specs.pop() else { panic!("value spec") };
        let x = v.values.pop().expect("value");
        let ExprKind::Binary { op: BinaryOp::Add, .. } = &x.kind else { panic!("a sum") };
        let copy = x.clone();
        assert!(copy == x);
        drop(x);
        drop(copy);
    });
}

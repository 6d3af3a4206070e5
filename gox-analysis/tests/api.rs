//! The public API: results recorded in `Info`, package lookup, and
//! checking independent packages on several threads.

use std::collections::HashMap;
use std::sync::Arc;

use gox_analysis::{check_package, Config, ImportError, ImportRequest, Importer, Mode, ObjectKind, Package, SelectionKind};
use gox_common::FileId;
use gox_syntax::ast::{Decl, ExprKind, StmtKind};

struct Served(HashMap<String, Arc<Package>>);

impl Importer for Served {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        self.0.get(req.path).cloned().ok_or_else(|| ImportError::new(format!("package {} is not in std", req.path)))
    }
}

fn check(path: &str, id: u32, src: &str, imp: &mut dyn Importer) -> gox_analysis::Checked {
    let (f, errs) = gox_syntax::parse_source(FileId(id), src);
    assert!(errs.is_empty(), "{:?}", errs);
    check_package(path, &[f], imp, &Config::default())
}

#[test]
fn exported_objects_are_found_through_the_package_scope() {
    let lib = check("example.com/lib", 0, "package lib\nconst N = 3\ntype T struct{ X int }\nfunc (T) M() int { return 1 }\nvar v = 1\n", &mut Served(HashMap::new()));
    assert!(lib.diagnostics.is_empty(), "{:?}", lib.diagnostics);
    let p = &lib.package;
    assert_eq!(p.name(), "lib");
    assert_eq!(p.path(), "example.com/lib");
    assert!(!p.is_main());
    let n = p.lookup_exported("N").expect("N");
    assert_eq!(n.const_value().to_string(), "3");
    assert_eq!(n.ty().to_string(), "untyped int");
    assert!(p.lookup_exported("v").is_none());
    assert!(p.lookup("v").is_some());
    let t = p.lookup_exported("T").expect("T");
    let named = t.ty();
    assert_eq!(named.as_named().map(|n| n.methods().len()), Some(1));
    assert_eq!(named.underlying().to_string(), "struct{X int}");
}

#[test]
fn info_records_types_values_defs_uses_and_selections() {
    let src = "package main\n\ntype P struct{ X int }\n\nfunc main() {\n\tp := P{X: 2}\n\tconst c = 1 + 2\n\t_ = p.X + c\n}\n";
    let (f, _) = gox_syntax::parse_source(FileId(7), src);
    let checked = check_package("main", std::slice::from_ref(&f), &mut Served(HashMap::new()), &Config::default());
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    assert!(checked.package.is_main());
    let info = &checked.info;
    let Decl::Func(main) = &f.decls[1] else { panic!("func main") };
    let body = main.body.as_ref().expect("body");
    // p := P{X: 2}
    let StmtKind::Assign { lhs, rhs, .. } = &body.stmts[0].kind else { panic!("assign") };
    let ExprKind::Ident(p) = &lhs[0].kind else { panic!("ident") };
    let pobj = info.defs.get(&(FileId(7), p.id)).cloned().flatten().expect("def of p");
    assert!(matches!(pobj.kind, ObjectKind::Var { .. }));
    assert_eq!(pobj.ty().to_string(), "main.P");
    assert_eq!(info.types[&(FileId(7), rhs[0].id)].ty.to_string(), "main.P");
    // _ = p.X + c
    let StmtKind::Assign { rhs, .. } = &body.stmts[2].kind else { panic!("assign") };
    let ExprKind::Binary { x, y, .. } = &rhs[0].kind else { panic!("binary") };
    let sel = &info.selections[&(FileId(7), x.id)];
    assert_eq!(sel.kind, SelectionKind::FieldVal);
    assert_eq!(sel.index, vec![0]);
    assert_eq!(sel.obj.name(), "X");
    let tv = &info.types[&(FileId(7), y.id)];
    assert!(matches!(&tv.mode, Mode::Constant(v) if v.to_string() == "3"));
    assert_eq!(tv.ty.to_string(), "int");
    let ExprKind::Selector { x: px, .. } = &x.kind else { panic!("selector") };
    let ExprKind::Ident(pid) = &px.kind else { panic!("ident") };
    assert!(Arc::ptr_eq(&info.uses[&(FileId(7), pid.id)], &pobj));
}

#[test]
fn imports_reach_the_importer_and_unused_ones_are_reported() {
    let lib = check("lib", 0, "package lib\nfunc F() int { return 1 }\n", &mut Served(HashMap::new()));
    let mut imp = Served(HashMap::from([("lib".to_string(), lib.package.clone())]));
    let src = "package app\n\nimport (\n\t\"lib\"\n\tl2 \"lib\"\n\t\"missing\"\n)\n\nvar X = lib.F()\n";
    let app = check("app", 1, src, &mut imp);
    let msgs: Vec<&str> = app.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(msgs, vec!["\"lib\" imported as l2 and not used", "package missing is not in std"]);
    assert_eq!(app.diagnostics[1].span.lo as usize, src.find("\"missing\"").expect("path"));
    assert_eq!(app.package.imports.len(), 1);
}

#[test]
fn independent_packages_check_in_parallel_and_share_a_dependency() {
    let lib = check("lib", 0, "package lib\ntype T struct{ A int }\nfunc New() T { return T{1} }\n", &mut Served(HashMap::new()));
    let dep = lib.package.clone();
    let handles: Vec<_> = (0..4u32)
        .map(|i| {
            let dep = dep.clone();
            std::thread::spawn(move || {
                let mut imp = Served(HashMap::from([("lib".to_string(), dep)]));
                let src = format!("package p{i}\nimport \"lib\"\nvar V lib.T = lib.New()\nvar W int = /* bad */ V\n");
                let c = check(&format!("p{i}"), 10 + i, &src, &mut imp);
                c.diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
            })
        })
        .collect();
    for h in handles {
        let msgs = h.join().expect("thread");
        assert_eq!(msgs, vec!["cannot use V (variable of type lib.T) as int value in variable declaration".to_string()]);
    }
}

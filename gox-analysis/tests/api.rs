//! The public API: results recorded in `Info`, package lookup, and
//! checking independent packages on several threads.

use std::collections::HashMap;
use std::sync::Arc;

use gox_analysis::{
    check_package, Config, ImportError, ImportRequest, Importer, Mode, ObjectKind, Package,
    SelectionKind,
};
use gox_common::FileId;
use gox_syntax::ast::{Decl, ExprKind, StmtKind};

struct Served(HashMap<String, Arc<Package>>);

impl Importer for Served {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        self.0
            .get(req.path)
            .cloned()
            .ok_or_else(|| ImportError::new(format!("package {} is not in std", req.path)))
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
    let checked = check_package(
        "main",
        std::slice::from_ref(&f),
        &mut Served(HashMap::new()),
        &Config::default(),
    );
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    assert!(checked.package.is_main());
    let info = &checked.info;
    let Decl::Func(main) = &f.decls[1] else {
        panic!("func main")
    };
    let body = main.body.as_ref().expect("body");
    // p := P{X: 2}
    let StmtKind::Assign { lhs, rhs, .. } = &body.stmts[0].kind else {
        panic!("assign")
    };
    let ExprKind::Ident(p) = &lhs[0].kind else {
        panic!("ident")
    };
    let pobj = info
        .defs
        .get(&(FileId(7), p.id))
        .cloned()
        .flatten()
        .expect("def of p");
    assert!(matches!(pobj.kind, ObjectKind::Var { .. }));
    assert_eq!(pobj.ty().to_string(), "main.P");
    assert_eq!(info.types[&(FileId(7), rhs[0].id)].ty.to_string(), "main.P");
    // _ = p.X + c
    let StmtKind::Assign { rhs, .. } = &body.stmts[2].kind else {
        panic!("assign")
    };
    let ExprKind::Binary { x, y, .. } = &rhs[0].kind else {
        panic!("binary")
    };
    let sel = &info.selections[&(FileId(7), x.id)];
    assert_eq!(sel.kind, SelectionKind::FieldVal);
    assert_eq!(sel.index, vec![0]);
    assert_eq!(sel.obj.name(), "X");
    let tv = &info.types[&(FileId(7), y.id)];
    assert!(matches!(&tv.mode, Mode::Constant(v) if v.to_string() == "3"));
    assert_eq!(tv.ty.to_string(), "int");
    let ExprKind::Selector { x: px, .. } = &x.kind else {
        panic!("selector")
    };
    let ExprKind::Ident(pid) = &px.kind else {
        panic!("ident")
    };
    assert!(Arc::ptr_eq(&info.uses[&(FileId(7), pid.id)], &pobj));
}

#[test]
fn imports_reach_the_importer_and_unused_ones_are_reported() {
    let lib = check(
        "lib",
        0,
        "package lib\nfunc F() int { return 1 }\n",
        &mut Served(HashMap::new()),
    );
    let mut imp = Served(HashMap::from([("lib".to_string(), lib.package.clone())]));
    let src =
        "package app\n\nimport (\n\t\"lib\"\n\tl2 \"lib\"\n\t\"missing\"\n)\n\nvar X = lib.F()\n";
    let app = check("app", 1, src, &mut imp);
    let msgs: Vec<&str> = app.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "\"lib\" imported as l2 and not used",
            "package missing is not in std"
        ]
    );
    assert_eq!(
        app.diagnostics[1].span.lo as usize,
        src.find("\"missing\"").expect("path")
    );
    assert_eq!(app.package.imports.len(), 1);
}

#[test]
fn independent_packages_check_in_parallel_and_share_a_dependency() {
    let lib = check(
        "lib",
        0,
        "package lib\ntype T struct{ A int }\nfunc New() T { return T{1} }\n",
        &mut Served(HashMap::new()),
    );
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
        assert_eq!(
            msgs,
            vec![
                "cannot use V (variable of type lib.T) as int value in variable declaration"
                    .to_string()
            ]
        );
    }
}

struct Recording(Vec<(String, bool)>);

impl Importer for Recording {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        self.0.push((req.path.to_string(), req.external));
        Err(ImportError {
            notes: vec![gox_common::Label {
                span: req.span,
                message: "run: gox get".into(),
            }],
            ..ImportError::new(format!("alias {} is not declared in gox.mod", req.path))
        })
    }
}

#[test]
fn external_imports_are_flagged_and_failures_reported_at_the_path_with_notes() {
    let src = "package app\n\nimport (\n\tweb @\"gin/render\"\n\t\"utils\"\n)\n\nvar _ = web.X\n";
    let mut imp = Recording(Vec::new());
    let c = check("app", 3, src, &mut imp);
    assert_eq!(
        imp.0,
        vec![
            ("gin/render".to_string(), true),
            ("utils".to_string(), false)
        ]
    );
    let msgs: Vec<&str> = c.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "alias gin/render is not declared in gox.mod",
            "alias utils is not declared in gox.mod"
        ]
    );
    assert_eq!(
        c.diagnostics[0].span.lo as usize,
        src.find("\"gin/render\"").expect("path")
    );
    assert_eq!(c.diagnostics[0].notes.len(), 1);
}

struct Coverage<'i> {
    info: &'i gox_analysis::Info,
    file: FileId,
    missing_types: Vec<String>,
    missing_idents: Vec<String>,
    skip: std::collections::HashSet<gox_syntax::ast::NodeId>,
}

impl gox_syntax::visit::Visitor for Coverage<'_> {
    fn visit_expr(&mut self, e: &gox_syntax::ast::Expr) -> bool {
        match &e.kind {
            ExprKind::KeyValue { key, .. } => {
                // Struct literal keys are field names, not expressions.
                if let ExprKind::Ident(_) = key.kind {
                    self.skip.insert(key.id);
                }
            }
            ExprKind::Ellipsis(_) | ExprKind::TypeAssert { ty: None, .. } => {}
            // A package name in a qualified identifier has no type (as in go/types).
            ExprKind::Ident(id)
                if self
                    .info
                    .uses
                    .get(&(self.file, id.id))
                    .is_some_and(|o| matches!(o.kind, ObjectKind::PkgName { .. })) => {}
            _ if self.skip.contains(&e.id) => {}
            ExprKind::Ident(id)
                if id.is_blank() || self.info.defs.contains_key(&(self.file, id.id)) => {}
            _ => {
                if !self.info.types.contains_key(&(self.file, e.id)) {
                    self.missing_types.push(format!(
                        "{:?}@{}",
                        gox_analysis::typestring::expr_string(e),
                        e.span.lo
                    ));
                }
            }
        }
        true
    }
    fn visit_ident(&mut self, id: &gox_syntax::ast::Ident) {
        let k = (self.file, id.id);
        if id.is_blank() || self.info.defs.contains_key(&k) || self.info.uses.contains_key(&k) {
            return;
        }
        self.missing_idents
            .push(format!("{}@{}", id.name, id.span.lo));
    }
}

#[test]
fn every_expression_has_a_type_and_every_identifier_an_object() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/testdata/valid.gox"
    ))
    .expect("valid.gox");
    let fmt = check("fmt", 40, "package fmt\ntype Stringer interface { String() string }\nfunc Sprintf(f string, a ...any) string\nfunc Sprint(a ...any) string\nfunc Println(a ...any) (int, error)\nfunc Errorf(f string, a ...any) error\n", &mut Served(HashMap::new()));
    let errors = check(
        "errors",
        41,
        "package errors\nfunc New(s string) error\n",
        &mut Served(HashMap::new()),
    );
    let strings = check("strings", 42, "package strings\nfunc ToUpper(s string) string\nfunc Join(e []string, sep string) string\n", &mut Served(HashMap::new()));
    let mut imp = Served(HashMap::from([
        ("fmt".to_string(), fmt.package.clone()),
        ("errors".to_string(), errors.package.clone()),
        ("strings".to_string(), strings.package.clone()),
    ]));
    let (f, _) = gox_syntax::parse_source(FileId(43), &src);
    let c = check_package(
        "valid",
        std::slice::from_ref(&f),
        &mut imp,
        &Config::default(),
    );
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let mut cov = Coverage {
        info: &c.info,
        file: FileId(43),
        missing_types: vec![],
        missing_idents: vec![],
        skip: Default::default(),
    };
    gox_syntax::visit::walk_file(&mut cov, &f);
    assert!(
        cov.missing_types.is_empty(),
        "expressions without types: {:?}",
        cov.missing_types
    );
    assert!(
        cov.missing_idents.is_empty(),
        "identifiers without objects: {:?}",
        cov.missing_idents
    );
}

#[test]
fn a_package_checked_with_info_is_freed_with_its_scopes_and_locals() {
    // An editor checks its open packages with Info again at every change;
    // the versions it drops must not stay in memory.
    let src = "package lib\ntype T struct{ k int }\nfunc (t *T) M(m int) int { return t.k + m }\nfunc F(n int) int {\n\tx := n\n\tfor i := 0; i < n; i++ {\n\t\tif y := i; y > x {\n\t\t\tx = y\n\t\t}\n\t}\n\treturn x\n}\n";
    let checked = check("example.com/lib", 0, src, &mut Served(HashMap::new()));
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let package_scope = Arc::downgrade(&checked.package.scope);
    let scopes: Vec<_> = checked.info.scopes.values().map(Arc::downgrade).collect();
    assert!(scopes.len() >= 4, "file, function, for, if scopes: {}", scopes.len());
    let locals: Vec<_> = checked
        .info
        .defs
        .values()
        .flatten()
        .filter(|o| matches!(o.kind, ObjectKind::Var { field: false, .. }))
        .map(Arc::downgrade)
        .collect();
    assert_eq!(locals.len(), 6, "t, m, n, x, i, y");
    // A method's receiver has the method's type: the method, its signature
    // and its parameters must not keep one another (and the type) alive.
    let method = checked.info.defs.values().flatten().find(|o| o.name() == "M").map(Arc::downgrade).expect("M");
    drop(checked);
    assert!(method.upgrade().is_none(), "a method outlived its package");
    assert!(package_scope.upgrade().is_none(), "the package scope outlived its package");
    assert_eq!(scopes.iter().filter(|s| s.upgrade().is_some()).count(), 0, "nested scopes outlived their package");
    assert_eq!(locals.iter().filter(|o| o.upgrade().is_some()).count(), 0, "local variables outlived their package");
}

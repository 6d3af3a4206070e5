//! Export data: a package exported and imported again must check its
//! importers exactly as the original does; corrupt data is an error.

use std::sync::Arc;

use gox_analysis::export::{api_bytes, export_package, import_package, ExportError};
use gox_analysis::{check_package, Config, MapImporter, Package};
use gox_common::FileId;

fn check_with(path: &str, id: u32, src: &str, deps: &[&Arc<Package>]) -> gox_analysis::Checked {
    let (f, errs) = gox_syntax::parse_source(FileId(id), src);
    assert!(errs.is_empty(), "{:?}", errs);
    let mut imp = MapImporter::default();
    for p in deps {
        imp.packages.insert(p.path().to_string(), Arc::clone(p));
    }
    check_package(path, &[f], &mut imp, &Config::default())
}

/// Checks a package that must have no errors.
fn lib(path: &str, id: u32, src: &str, deps: &[&Arc<Package>]) -> Arc<Package> {
    let c = check_with(path, id, src, deps);
    assert!(c.diagnostics.is_empty(), "{}: {:?}", path, c.diagnostics);
    c.package
}

/// Exports `pkg` and imports it again, serving `deps` to the lookup.
fn reimport(pkg: &Package, deps: &[&Arc<Package>]) -> Arc<Package> {
    let data = export_package(pkg);
    let mut asked = Vec::new();
    let imported = import_package(&data, &mut |path| {
        asked.push(path.to_string());
        deps.iter().find(|p| p.path() == path).map(|p| Arc::clone(p))
    })
    .expect("import");
    // Exporting the imported package gives the same bytes.
    assert_eq!(export_package(&imported), data, "re-export of {}", pkg.path());
    imported
}

/// Diagnostics of `user` as "line:col: message", checked against `deps`.
fn messages(user: &str, deps: &[&Arc<Package>]) -> Vec<String> {
    let c = check_with("example.com/user", 9, user, deps);
    let sf = gox_common::SourceFile::new(FileId(9), "user.gox".into(), user.into());
    c.diagnostics
        .iter()
        .map(|d| {
            let lc = sf.line_col(d.span.lo);
            format!("{}:{}: {}", lc.line, lc.col, d.message)
        })
        .collect()
}

/// `user` checks the same against `lib` as against `lib` exported and
/// imported again, with the `expected` diagnostics.
fn assert_same(lib_src: &str, user: &str, expected: &[&str]) {
    let original = lib("example.com/lib", 1, lib_src, &[]);
    let imported = reimport(&original, &[]);
    let want = messages(user, &[&original]);
    assert_eq!(want, expected, "against the original");
    let (fa, _) = gox_syntax::parse_source(FileId(9), user);
    let a = check_package("example.com/user", std::slice::from_ref(&fa), &mut served(&[&original]), &Config::default());
    let b = check_package("example.com/user", std::slice::from_ref(&fa), &mut served(&[&imported]), &Config::default());
    assert_eq!(a.diagnostics, b.diagnostics, "full diagnostics (spans and notes)");
}

fn served(deps: &[&Arc<Package>]) -> MapImporter {
    let mut imp = MapImporter::default();
    for p in deps {
        imp.packages.insert(p.path().to_string(), Arc::clone(p));
    }
    imp
}

#[test]
fn structs_with_embedded_fields_and_tags_check_the_same() {
    let lib_src = r#"package lib

type Inner struct {
	X int
	y string
}

func (Inner) Hello() string { return "" }
func (i *Inner) SetX(x int) { i.X = x }

type Other struct{ Z float64 }

type Outer struct {
	Inner
	*Other `json:"o"`
	Name   string `json:"name"`
}

type Tagged struct {
	A int `k:"v"`
}
"#;
    let user = r#"package user

import "example.com/lib"

func f() {
	var o lib.Outer
	var s string = o.Hello()
	o.SetX(1)
	var _ int = o.X
	var _ float64 = o.Z
	_ = o.y
	var _ int = o.Name
	var _ *lib.Other = o.Other
	var _ struct{ A int `k:"v"` } = lib.Tagged{}
	var _ struct{ A int } = lib.Tagged{}
	_ = s
}
"#;
    assert_same(
        lib_src,
        user,
        &[
            "11:8: o.y undefined (type lib.Outer has no field or method y)",
            "12:14: cannot use o.Name (variable of type string) as int value in variable declaration",
            "15:26: cannot use (lib.Tagged literal) (value of type lib.Tagged) as struct{A int} value in variable declaration",
        ],
    );
}

#[test]
fn methods_and_interface_satisfaction_check_the_same() {
    let lib_src = r#"package lib

type Reader interface {
	Read(p []byte) (n int, err error)
}

type Closer interface{ Close() error }

type ReadCloser interface {
	Reader
	Closer
}

type File struct{}

func (f *File) Read(p []byte) (int, error) { return 0, nil }
func (f *File) Close() error              { return nil }

type Val struct{}

func (Val) Read(p []byte) (int, error) { return 0, nil }
"#;
    let user = r#"package user

import "example.com/lib"

type My struct{}

func (My) Read(p []byte) (int, error) { return 0, nil }
func (My) Close() error              { return nil }

var _ lib.ReadCloser = &lib.File{}
var _ lib.ReadCloser = lib.File{}
var _ lib.Reader = lib.Val{}
var _ lib.Reader = &lib.Val{}
var _ lib.ReadCloser = My{}
var _ lib.Closer = lib.Val{}
var _ error = lib.ReadCloser(nil).Close()
var _ int = lib.ReadCloser(nil).Read
"#;
    assert_same(
        lib_src,
        user,
        &[
            "11:24: cannot use (lib.File literal) (value of type lib.File) as lib.ReadCloser value in variable declaration: lib.File does not implement lib.ReadCloser (method Close has pointer receiver)",
            "15:20: cannot use (lib.Val literal) (value of type lib.Val) as lib.Closer value in variable declaration: lib.Val does not implement lib.Closer (missing method Close)",
            "17:13: method value not supported; use a func literal",
        ],
    );
}

#[test]
fn recursive_and_mutually_recursive_types_check_the_same() {
    let lib_src = r#"package lib

type Node struct {
	next *Node
	Val  int
}

func (n *Node) Next() *Node { return n.next }

type A struct{ B *B }
type B struct {
	A    *A
	List []A
}

type F func(F) F

type I interface{ M() I }

type Tree struct {
	Kids map[string]*Tree
	Up   chan *Tree
}
"#;
    let user = r#"package user

import "example.com/lib"

func f(i lib.I, fn lib.F) {
	var n *lib.Node
	n = n.Next().Next()
	var a lib.A
	a.B.A.B.List = append(a.B.List, lib.A{})
	i = i.M().M()
	fn = fn(fn)(nil)
	var t lib.Tree
	t.Kids["x"].Up <- t.Kids["y"]
	var _ int = n.Next()
	var _ lib.B = a.B.A
	_ = n.next
}
"#;
    assert_same(
        lib_src,
        user,
        &[
            "14:14: cannot use n.Next() (value of type *lib.Node) as int value in variable declaration",
            "15:16: cannot use a.B.A (variable of type *lib.A) as lib.B value in variable declaration",
            "16:8: n.next undefined (type *lib.Node has no field or method next, but does have Next)",
        ],
    );
}

const CONSTS: &str = r#"package lib

const Big = 1 << 500
const Third = 1.0 / 3
const S = "a\xffb\x00"
const T, F = true, false
const R = 'x'
const Typed int8 = -5
const F32 float32 = 0.1
const Huge = 1e5000
const Tiny = 1e-5000
const Neg = -Big - 1
const U uint64 = 1<<64 - 1

type Weekday int

const (
	Sunday Weekday = iota
	Monday
)
"#;

#[test]
fn constants_of_every_kind_keep_their_exact_values() {
    let original = lib("example.com/lib", 1, CONSTS, &[]);
    let imported = reimport(&original, &[]);
    for name in ["Big", "Third", "S", "T", "F", "R", "Typed", "F32", "Huge", "Tiny", "Neg", "U", "Sunday", "Monday"] {
        let (a, b) = (original.lookup(name).expect(name), imported.lookup(name).expect(name));
        assert_eq!(a.const_value(), b.const_value(), "{}", name);
        assert_eq!(a.ty().to_string(), b.ty().to_string(), "{}", name);
    }
    let third = imported.lookup("Third").expect("Third").const_value();
    assert_eq!(third.exact_string(), "1/3");
    assert_eq!(imported.lookup("S").expect("S").const_value().string_bytes(), Some(&b"a\xffb\x00"[..]));
    let Some(gox_analysis::Value::Float(huge)) = Some(imported.lookup("Huge").expect("Huge").const_value()) else { unreachable!() };
    assert!(matches!(&huge, f if !f.is_exact()), "1e5000 is held in binary form");
}

#[test]
fn constants_check_the_same() {
    let user = r#"package user

import "example.com/lib"

const one = lib.Third * 3

var _ [one]int = [1]int{}
var _ [len(lib.S)]int = [4]int{}
var _ int = lib.Big
var _ int = lib.S
const _ uint8 = lib.Typed
var _ = lib.Huge * lib.Tiny
var _ lib.Weekday = lib.Monday
var _ int = lib.Monday
const _ = lib.Big >> 499 == 2
var _ [lib.Big >> 498]int = [4]int{}
var _ float32 = lib.F32
var _ bool = lib.T && !lib.F
var _ rune = lib.R
var _ uint64 = lib.U
"#;
    assert_same(
        CONSTS,
        user,
        &[
            "9:13: cannot use lib.Big (untyped int constant 3273390607896141870013189696827599152216642046043064789483291368096133796404674554883270092325904157150886684127560071009217256545885393053328527589376) as int value in variable declaration (overflows)",
            "10:13: cannot use lib.S (untyped string constant \"a\\xffb\\x00\") as int value in variable declaration",
            "11:17: cannot use lib.Typed (constant -5 of type int8) as uint8 value in constant declaration",
            "14:13: cannot use lib.Monday (constant 1 of type lib.Weekday) as int value in variable declaration",
        ],
    );
}

#[test]
fn aliases_variadic_funcs_maps_chans_and_arrays_check_the_same() {
    let lib_src = r#"package lib

type T struct{ X int }
type A = T
type IntSlice = []int
type Bytes = []byte

func Sum(base int, xs ...int) int { return base }
func Join(sep string, parts ...string) (s string, n int) { return sep, len(parts) }

var M map[string][]int
var C chan<- int
var R <-chan int
var B chan int
var Arr [4]byte

func Pipe(in <-chan int, out chan<- int) {}

type hidden struct{ V int }

func New() hidden { return hidden{} }
"#;
    let user = r#"package user

import "example.com/lib"

func f() {
	var _ lib.A = lib.T{}
	var _ lib.IntSlice = []int{1}
	var _ lib.Bytes = []byte("x")
	var _ string = lib.A{}
	_ = lib.Sum(1) + lib.Sum(1, 2, 3) + lib.Sum(1, []int{}...)
	s, n := lib.Join(",", "a", "b")
	_, _ = s, n
	_ = lib.Join(",")
	lib.M["a"] = append(lib.M["a"], 1)
	lib.C <- 1
	<-lib.C
	lib.R <- 1
	var _ [4]byte = lib.Arr
	var _ [5]byte = lib.Arr
	lib.Pipe(lib.B, lib.B)
	lib.Pipe(lib.C, lib.R)
	_ = lib.New().V
	var _ lib.hidden
	_ = lib.Sum("x")
}
"#;
    assert_same(
        lib_src,
        user,
        &[
            "9:17: cannot use (lib.A literal) (value of type lib.T) as string value in variable declaration",
            "13:6: assignment mismatch: 1 variable but lib.Join returns 2 values",
            "16:4: invalid operation: cannot receive from send-only channel lib.C (variable of type chan<- int)",
            "17:8: invalid operation: cannot send to receive-only channel lib.R (variable of type <-chan int)",
            "19:18: cannot use lib.Arr (variable of type [4]byte) as [5]byte value in variable declaration",
            "21:11: cannot use lib.C (variable of type chan<- int) as <-chan int value in argument to lib.Pipe",
            "21:18: cannot use lib.R (variable of type <-chan int) as chan<- int value in argument to lib.Pipe",
            "23:12: name hidden not exported by package lib",
            "24:14: cannot use \"x\" (untyped string constant) as int value in argument to lib.Sum",
        ],
    );
}

#[test]
fn types_of_a_third_package_are_found_through_lookup_and_keep_their_identity() {
    let base = lib(
        "example.com/base",
        1,
        "package base\n\ntype ID int\ntype Point struct{ X, Y int }\n\nfunc (p Point) Add(q Point) Point { return p }\n",
        &[],
    );
    let mid_src = "package mid\n\nimport \"example.com/base\"\n\nfunc Origin() base.Point { return base.Point{} }\n\ntype Shape struct {\n\tCenter base.Point\n\tbase.ID\n}\n\nvar Default base.ID\n";
    let mid = lib("example.com/mid", 2, mid_src, &[&base]);
    let data = export_package(&mid);
    // Without base, mid's types cannot be rebuilt.
    assert_eq!(
        import_package(&data, &mut |_| None).err(),
        Some(ExportError::MissingPackage("example.com/base".to_string()))
    );
    let imported = reimport(&mid, &[&base]);
    assert_eq!(imported.imports.len(), 1);
    assert!(Arc::ptr_eq(&imported.imports[0], &base));
    let origin = imported.lookup("Origin").expect("Origin").ty();
    let gox_analysis::TypeKind::Signature(sig) = origin.kind() else { panic!("signature") };
    assert!(sig.results[0].ty().ptr_eq(&base.lookup("Point").expect("Point").ty()), "the same named type");

    let user = r#"package user

import (
	"example.com/base"
	"example.com/mid"
)

func f() {
	var p base.Point = mid.Origin()
	var s mid.Shape
	var id base.ID = s.ID
	p = p.Add(s.Center)
	id = mid.Default
	var _ int = mid.Default
	_, _ = p, id
}
"#;
    let want = [
        "14:14: cannot use mid.Default (variable of type base.ID) as int value in variable declaration".to_string(),
    ];
    assert_eq!(messages(user, &[&base, &mid]), want);
    assert_eq!(messages(user, &[&base, &imported]), want);
    // Both from export data, base imported once and served to mid's lookup.
    let base2 = reimport(&base, &[]);
    let mid2 = reimport(&mid, &[&base2]);
    assert!(Arc::ptr_eq(&mid2.imports[0], &base2));
    assert_eq!(messages(user, &[&base2, &mid2]), want);
}

#[test]
fn api_bytes_do_not_change_when_a_function_body_changes() {
    let v1 = "package lib\n\nfunc F() int { return 1 }\n\nconst C = 2\n";
    let v2 = "package lib\n\nfunc F() int {\n\tx := 1\n\treturn x\n}\n\nconst C = 2\n";
    let v3 = "package lib\n\nfunc F() int { return 1 }\n\nconst C = 3\n";
    let (a, b, c) = (lib("example.com/lib", 1, v1, &[]), lib("example.com/lib", 1, v2, &[]), lib("example.com/lib", 1, v3, &[]));
    let (da, db, dc) = (export_package(&a), export_package(&b), export_package(&c));
    assert_ne!(da, db, "positions differ");
    assert_eq!(api_bytes(&da), api_bytes(&db));
    assert_ne!(api_bytes(&da), api_bytes(&dc));
    // Positions are kept: C is declared at line 5 in v1, line 8 in v2.
    let cb = import_package(&db, &mut |_| None).expect("import").lookup("C").expect("C");
    assert_eq!(cb.span, b.lookup("C").expect("C").span);
    // The writer's own account of where the API lies is what reading says.
    for (pkg, data) in [(&a, &da), (&b, &db), (&c, &dc)] {
        let exported = gox_analysis::export::export_package_and_api(pkg);
        assert_eq!(&exported.data, data);
        assert_eq!(Ok(exported.api()), api_bytes(data));
    }
}

/// `data` with its trailing checksum recomputed.
fn resealed(mut data: Vec<u8>) -> Vec<u8> {
    let n = data.len() - 8;
    let sum = gox_analysis::export::checksum(&data[..n]);
    data[n..].copy_from_slice(&sum.to_le_bytes());
    data
}

#[test]
fn truncated_and_corrupted_export_data_is_rejected() {
    let base = lib("example.com/base", 1, "package base\n\ntype ID int\n", &[]);
    let consts = CONSTS.trim_start_matches("package lib\n");
    let src = format!("package lib\n\nimport \"example.com/base\"\n{}\nvar V base.ID\n\ntype L struct{{ Next *L; M map[string][]chan<- L }}\n\nfunc (l *L) Get(xs ...int) (L, error) {{ return *l, nil }}\n\ntype I interface{{ Get(xs ...int) (L, error); error }}\n", consts);
    let pkg = lib("example.com/lib", 2, &src, &[&base]);
    let data = export_package(&pkg);
    let mut lookup = |path: &str| if path == "example.com/base" { Some(base.clone()) } else { None };
    assert!(import_package(&data, &mut lookup).is_ok());

    assert_eq!(import_package(b"", &mut lookup).err(), Some(ExportError::Truncated));
    assert_eq!(import_package(b"GO", &mut lookup).err(), Some(ExportError::Truncated));
    assert_eq!(import_package(b"\x7fELF....", &mut lookup).err(), Some(ExportError::BadMagic));
    let mut next = data.clone();
    next[4] = gox_analysis::export::VERSION as u8 + 1;
    assert_eq!(import_package(&next, &mut lookup).err(), Some(ExportError::Version(gox_analysis::export::VERSION + 1)));
    for n in 0..data.len() {
        assert!(import_package(&data[..n], &mut lookup).is_err(), "truncated to {}", n);
    }
    // Every changed byte is detected by the checksum...
    for i in 0..data.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = data.clone();
            bad[i] ^= flip;
            let err = import_package(&bad, &mut lookup).err();
            assert!(err.is_some(), "byte {} ^ {:#x} accepted", i, flip);
        }
    }
    // ...and with a valid checksum, the decoder itself never panics: it
    // errs, or gives a package that exports and imports again.
    let mut accepted = 0;
    for i in 5..data.len() - 8 {
        for flip in [0x01u8, 0x02, 0x40, 0x80, 0xff] {
            let mut bad = data.clone();
            bad[i] ^= flip;
            let bad = resealed(bad);
            if let Ok(p) = import_package(&bad, &mut lookup) {
                accepted += 1;
                let again = export_package(&p);
                assert!(import_package(&again, &mut lookup).is_ok(), "byte {} ^ {:#x}: re-export rejected", i, flip);
            }
        }
    }
    // Some flips (in names, offsets, values) still decode.
    assert!(accepted > 0);
    // Resealed truncations are rejected too.
    let body = &data[..data.len() - 8];
    for keep in 5..body.len() {
        let mut bad = body[..keep].to_vec();
        bad.extend_from_slice(&[0; 8]);
        assert!(import_package(&resealed(bad), &mut lookup).is_err(), "resealed truncation to {}", keep);
    }
}

#[test]
fn export_is_deterministic() {
    let a = lib("example.com/lib", 1, CONSTS, &[]);
    let b = lib("example.com/lib", 1, CONSTS, &[]);
    assert_eq!(export_package(&a), export_package(&b));
}

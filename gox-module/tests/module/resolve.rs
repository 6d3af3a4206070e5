use std::path::{Path, PathBuf};

use gox_common::{BuildConfig, MemoryFs};
use gox_module::closure::ModuleClosure;
use gox_module::resolve::{FsKind, ImportResolver, PackageId, ResolveError, ResolvedPackage, StdResolver};

const A: &str = "/p/.goxdeps/example.com/a@v1.0.0";
const C: &str = "/p/.goxdeps/example.com/c@v1.2.0";

/// The realistic fixture: the root requires A and B, both require C at one
/// version; A's packages import A's own packages and @"c".
fn project() -> Vec<(String, String)> {
    let files: &[(&str, &str)] = &[
        ("/p/gox.mod", "module myproject\n\nrequire a example.com/a v1.0.0\nrequire b example.com/b v1.0.0\n"),
        ("/p/main.gox", "package main\n\nimport (\n\t\"fmt\"\n\t\"utils\"\n\t@\"a\"\n)\n\nfunc main() {}\n"),
        ("/p/utils/u.gox", "// Package utils.\npackage utils\n"),
        ("/p/utils/u_test.gox", "package utils_test\n"),
        ("/p/internal/cfg/c.gox", "package cfg\n"),
        ("/p/fmt/f.gox", "package fmt\n"),
        ("/p/cmd/tool/main.gox", "package main\n"),
        ("/p/empty/README.md", "nothing\n"),
        ("/p/tests_only/x_test.gox", "package tests_only\n"),
        ("/p/windows_only/w_windows.gox", "package w\n"),
        ("/p/mixed/a.gox", "package mixed\n"),
        ("/p/mixed/b.gox", "/* other */ package other\n"),
        ("/p/bad/x.gox", "// c\n/* x */ func main() {}\n"),
        ("/p/noname/x.gox", "package // nothing\n"),
        ("/p/.goxdeps/example.com/a@v1.0.0/gox.mod", "module example.com/a\n\nrequire c example.com/c v1.2.0\n"),
        ("/p/.goxdeps/example.com/a@v1.0.0/a.gox", "package a\n\nimport (\n\t\"helpers\"\n\t@\"c\"\n)\n"),
        ("/p/.goxdeps/example.com/a@v1.0.0/sub/s.gox", "\u{feff}package sub\n"),
        ("/p/.goxdeps/example.com/a@v1.0.0/helpers/h.gox", "package helpers\n"),
        ("/p/.goxdeps/example.com/a@v1.0.0/internal/priv/p.gox", "package priv\n"),
        ("/p/.goxdeps/example.com/b@v1.0.0/gox.mod", "module example.com/b\nrequire cee example.com/c v1.2.0\n"),
        ("/p/.goxdeps/example.com/b@v1.0.0/b.gox", "package b\n"),
        ("/p/.goxdeps/example.com/c@v1.2.0/gox.mod", "module example.com/c\n"),
        ("/p/.goxdeps/example.com/c@v1.2.0/c.gox", "package c\n"),
        ("/p/.goxdeps/example.com/c@v1.2.0/util/u.gox", "package util\n"),
        ("/p/.goxdeps/example.com/c@v1.2.0/internal/x/x.gox", "package x\n"),
    ];
    files.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect()
}

fn std_fs() -> MemoryFs {
    MemoryFs::from_files([
        ("/$std/fmt/print.gox", "package fmt\n"),
        ("/$std/strings/strings.gox", "package strings\n"),
        ("/$std/encoding/json/json.gox", "package json\n"),
        ("/$std/internal/fmtsort/sort.gox", "package fmtsort\n"),
    ])
}

fn resolver_of(files: Vec<(String, String)>) -> ImportResolver<MemoryFs, MemoryFs> {
    let fs = MemoryFs::from_files(files);
    let closure = match ModuleClosure::load(&fs, Path::new("/p")) {
        Ok(c) => c,
        Err(e) => panic!("closure: {e}"),
    };
    let build = BuildConfig { tests: false, goos: "linux".into(), goarch: "amd64".into(), tags: Vec::new() };
    ImportResolver::with_std(fs, closure, StdResolver::new(std_fs()), build)
}

fn resolver() -> ImportResolver<MemoryFs, MemoryFs> {
    resolver_of(project())
}

fn root_pkg(dir: &str) -> PackageId {
    PackageId::Module { module: "myproject".into(), dir: dir.into() }
}

fn pkg(module: &str, dir: &str) -> PackageId {
    PackageId::Module { module: module.into(), dir: dir.into() }
}

fn ok(v: &ImportResolver<MemoryFs, MemoryFs>, from: &PackageId, path: &str, external: bool) -> ResolvedPackage {
    match v.resolve(from, path, external) {
        Ok(p) => p,
        Err(e) => panic!("resolving {path}: {e}"),
    }
}

fn err(v: &ImportResolver<MemoryFs, MemoryFs>, from: &PackageId, path: &str, external: bool) -> String {
    match v.resolve(from, path, external) {
        Ok(p) => panic!("expected an error resolving {path}, got {}", p.dir.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn std_comes_before_the_module_tree_and_shadowing_is_reported() {
    let v = resolver();
    let p = ok(&v, &root_pkg(""), "fmt", false);
    assert_eq!(p.id, PackageId::Std("fmt".into()));
    assert_eq!(p.import_path, "fmt");
    assert_eq!((p.dir.clone(), p.fs_kind), (PathBuf::from("/$std/fmt"), FsKind::Std));
    assert_eq!(p.shadowed_local_dir, Some(PathBuf::from("/p/fmt")));
    assert_eq!(
        p.shadow_warning(Path::new("/p")).unwrap(),
        "import \"fmt\" is the std package; the local package in ./fmt is shadowed and cannot be imported (rename the directory)"
    );
    let p = ok(&v, &root_pkg(""), "encoding/json", false);
    assert_eq!((p.id, p.shadowed_local_dir), (PackageId::Std("encoding/json".into()), None));
}

#[test]
fn a_plain_path_is_a_directory_of_the_importing_module() {
    let v = resolver();
    let p = ok(&v, &root_pkg(""), "utils", false);
    assert_eq!(p.id, root_pkg("utils"));
    assert_eq!(p.import_path, "myproject/utils");
    assert_eq!((p.dir.as_path(), p.fs_kind), (Path::new("/p/utils"), FsKind::Disk));
    // In a dependency, the same form means the dependency's own tree.
    let p = ok(&v, &pkg("example.com/a", ""), "helpers", false);
    assert_eq!(p.id, pkg("example.com/a", "helpers"));
    assert_eq!(p.import_path, "example.com/a/helpers");
    assert_eq!(p.dir, PathBuf::from(format!("{A}/helpers")));
}

#[test]
fn an_alias_goes_through_the_importing_modules_own_gox_mod() {
    let v = resolver();
    let p = ok(&v, &root_pkg(""), "a", true);
    assert_eq!((p.id.clone(), p.import_path.as_str()), (pkg("example.com/a", ""), "example.com/a"));
    assert_eq!(p.dir, PathBuf::from(A));
    let p = ok(&v, &root_pkg("utils"), "a/sub", true);
    assert_eq!((p.id.clone(), p.import_path.as_str()), (pkg("example.com/a", "sub"), "example.com/a/sub"));
    // A's package imports @"c" through A's gox.mod; B names C "cee".
    let from_a = ok(&v, &pkg("example.com/a", ""), "c", true);
    let from_b = ok(&v, &pkg("example.com/b", ""), "cee/util", true);
    assert_eq!(from_a.dir, PathBuf::from(C));
    assert_eq!(from_b.id, pkg("example.com/c", "util"));
    assert_eq!(from_b.import_path, "example.com/c/util");
}

/// An alias is an identifier, not a directory: `_c` and `café` are aliases
/// gox.mod may declare, though neither could name a directory in a path.
#[test]
fn an_alias_is_not_held_to_the_rules_of_path_elements() {
    for alias in ["_c", "café"] {
        let mut files = project();
        files[0].1.push_str(&format!("require {alias} example.com/c v1.2.0\n"));
        let v = resolver_of(files);
        assert_eq!(ok(&v, &root_pkg(""), &format!("{alias}/util"), true).id, pkg("example.com/c", "util"));
        assert_eq!(ok(&v, &root_pkg(""), alias, true).id, pkg("example.com/c", ""));
    }
    let mut files = project();
    files[0].1.push_str("require _c example.com/c v1.2.0\n");
    let v = resolver_of(files);
    // The rest of the path still follows them.
    assert!(err(&v, &root_pkg(""), "_c/_hidden", true).contains("\"_hidden\" is not a package"), "{}", err(&v, &root_pkg(""), "_c/_hidden", true));
    assert_eq!(err(&v, &root_pkg(""), "_c/", true), "malformed import path \"@_c/\": trailing slash");
}

#[test]
fn the_same_package_reached_from_two_places_has_one_identity() {
    let v = resolver();
    let via_alias = ok(&v, &root_pkg(""), "a/sub", true);
    let from_inside = ok(&v, &pkg("example.com/a", "helpers"), "sub", false);
    assert_eq!(via_alias.id, from_inside.id);
    assert_eq!(via_alias, from_inside);
    let c1 = ok(&v, &pkg("example.com/a", ""), "c", true);
    let c2 = ok(&v, &pkg("example.com/b", ""), "cee", true);
    assert_eq!(c1.id, c2.id);
}

#[test]
fn transitive_dependencies_are_invisible() {
    let v = resolver();
    assert_eq!(
        err(&v, &root_pkg(""), "c", true),
        "unknown alias \"c\" in @\"c\": not declared in /p/gox.mod (module example.com/a@v1.0.0 requires it, but the dependencies of a dependency are not visible; add to gox.mod: require c example.com/c v1.2.0)"
    );
    assert_eq!(
        err(&v, &pkg("example.com/b", ""), "c", true),
        format!("unknown alias \"c\" in @\"c\": not declared in {}/gox.mod (module example.com/a@v1.0.0 requires it, but the dependencies of a dependency are not visible; add to gox.mod: require c example.com/c v1.2.0)", "/p/.goxdeps/example.com/b@v1.0.0")
    );
}

#[test]
fn unknown_alias_suggests_a_close_one() {
    let v = resolver();
    assert_eq!(
        err(&v, &root_pkg(""), "aa/sub", true),
        "unknown alias \"aa\" in @\"aa/sub\": not declared in /p/gox.mod (did you mean @\"a\"?)"
    );
    assert_eq!(err(&v, &root_pkg(""), "zzz", true), "unknown alias \"zzz\" in @\"zzz\": not declared in /p/gox.mod");
    assert!(matches!(v.resolve(&root_pkg(""), "zzz", true), Err(ResolveError::UnknownAlias(u)) if u.alias == "zzz" && u.did_you_mean.is_none()));
}

#[test]
fn internal_packages_are_enforced() {
    let v = resolver();
    assert_eq!(ok(&v, &root_pkg("cmd/tool"), "internal/cfg", false).id, root_pkg("internal/cfg"));
    assert_eq!(
        err(&v, &root_pkg(""), "a/internal/priv", true),
        "use of internal package example.com/a/internal/priv not allowed"
    );
    assert_eq!(ok(&v, &pkg("example.com/a", "sub"), "internal/priv", false).id, pkg("example.com/a", "internal/priv"));
    assert_eq!(
        err(&v, &pkg("example.com/a", ""), "c/internal/x", true),
        "use of internal package example.com/c/internal/x not allowed"
    );
    assert_eq!(err(&v, &root_pkg(""), "internal/fmtsort", false), "use of internal package internal/fmtsort not allowed");
    assert_eq!(ok(&v, &PackageId::Std("fmt".into()), "internal/fmtsort", false).id, PackageId::Std("internal/fmtsort".into()));
}

#[test]
fn missing_directories() {
    let v = resolver();
    assert_eq!(
        err(&v, &root_pkg(""), "nosuch/pkg", false),
        "package nosuch/pkg is not in std or in module myproject (no directory /p/nosuch/pkg)"
    );
    assert_eq!(
        err(&v, &root_pkg(""), "a/nosuch", true),
        format!("package example.com/a/nosuch is not in module example.com/a@v1.0.0 (no directory {A}/nosuch)")
    );
}

// What a directory holds (files of the build, package names, whether it
// is a program) is the loader's business: gox-cli/tests/pipeline.rs.

#[test]
fn invalid_import_paths() {
    let v = resolver();
    let root = root_pkg("");
    assert_eq!(
        err(&v, &root, "./utils", false),
        "malformed import path \"./utils\": relative import paths are not supported; import packages by their path from the module root"
    );
    assert_eq!(err(&v, &root, "", false), "malformed import path \"\": empty path");
    assert_eq!(err(&v, &root, "a//b", false), "malformed import path \"a//b\": empty path element");
    assert_eq!(err(&v, &root, "/abs", false), "malformed import path \"/abs\": leading slash");
    assert_eq!(err(&v, &root, "a b", false), "malformed import path \"a b\": invalid char ' ' in path element \"a b\"");
    assert_eq!(
        err(&v, &root, "x/testdata", false),
        "malformed import path \"x/testdata\": directory \"testdata\" is not a package (names beginning with \".\" or \"_\", and testdata, are ignored)"
    );
    assert_eq!(
        err(&v, &root, ".goxdeps/example.com/a@v1.0.0", false),
        "invalid import path \".goxdeps/example.com/a@v1.0.0\": .goxdeps holds dependencies; import them with @\"alias\""
    );
    assert_eq!(err(&v, &root, "a/", true), "malformed import path \"@a/\": trailing slash");
}

#[test]
fn std_packages_import_only_std() {
    let v = resolver();
    let fmt = PackageId::Std("fmt".into());
    assert_eq!(ok(&v, &fmt, "strings", false).id, PackageId::Std("strings".into()));
    assert_eq!(err(&v, &fmt, "utils", false), "package utils is not in std (/$std/utils)");
    assert_eq!(err(&v, &fmt, "a", true), "std package cannot import @\"a\": std imports only std packages");
}

#[test]
fn directories_map_back_to_their_package() {
    let v = resolver();
    assert_eq!(v.package_for_dir(Path::new("/p/utils")), Some(root_pkg("utils")));
    assert_eq!(v.package_for_dir(Path::new("/p")), Some(root_pkg("")));
    assert_eq!(v.package_for_dir(Path::new("/$std/encoding/json")), Some(PackageId::Std("encoding/json".into())));
    assert_eq!(v.package_for_dir(Path::new(&format!("{C}/util"))), Some(pkg("example.com/c", "util")));
    assert_eq!(v.package_for_dir(Path::new("/elsewhere")), None);
    assert_eq!(v.module_of(&pkg("example.com/c", "util")).map(|m| m.display_name()), Some("example.com/c@v1.2.0".into()));
    assert_eq!(v.dir_of(&pkg("example.com/c", "util")), Some(PathBuf::from(format!("{C}/util"))));
}

#[test]
fn the_root_decides_which_version_an_alias_reaches() {
    let mut files = project();
    files[0].1 = "module myproject\nrequire a example.com/a v1.0.0\nrequire b example.com/b v1.0.0\nrequire c example.com/c v1.3.0\n".into();
    files.push(("/p/.goxdeps/example.com/c@v1.3.0/gox.mod".into(), "module example.com/c\n".into()));
    files.push(("/p/.goxdeps/example.com/c@v1.3.0/c.gox".into(), "package c\n".into()));
    let v = resolver_of(files);
    let p = ok(&v, &pkg("example.com/a", ""), "c", true);
    assert_eq!(p.dir, PathBuf::from("/p/.goxdeps/example.com/c@v1.3.0"));
    assert_eq!(p.id, pkg("example.com/c", ""));
}

#[test]
fn the_embedded_std_serves_fmt() {
    let fs = MemoryFs::from_files(project());
    let closure = ModuleClosure::load(&fs, Path::new("/p")).unwrap();
    let v = ImportResolver::new(fs, closure);
    assert!(gox_module::is_std_package("fmt"));
    let p = v.resolve(&root_pkg(""), "fmt", false).unwrap();
    assert_eq!((p.dir.as_path(), p.fs_kind), (Path::new("/$std/fmt"), FsKind::Std));
}

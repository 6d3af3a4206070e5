use std::path::Path;

use gox_common::MemoryFs;
use gox_module::closure::{ClosureError, ModuleClosure};

fn fs(files: &[(&str, &str)]) -> MemoryFs {
    MemoryFs::from_files(files.iter().map(|(p, c)| (*p, *c)))
}

fn load(files: &[(&str, &str)]) -> ModuleClosure {
    match ModuleClosure::load(&fs(files), Path::new("/p")) {
        Ok(c) => c,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn error(files: &[(&str, &str)]) -> String {
    match ModuleClosure::load(&fs(files), Path::new("/p")) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

const ROOT: (&str, &str) = ("/p/gox.mod", "module myproject\n\nrequire a example.com/a v1.0.0\nrequire b example.com/b v1.0.0\n");
const A: (&str, &str) = ("/p/.goxdeps/example.com/a@v1.0.0/gox.mod", "module example.com/a\nrequire c example.com/c v1.2.0\n");
const B: (&str, &str) = ("/p/.goxdeps/example.com/b@v1.0.0/gox.mod", "module example.com/b\nrequire (\n\tcc example.com/c v1.2.0\n)\n");
const C: (&str, &str) = ("/p/.goxdeps/example.com/c@v1.2.0/gox.mod", "module example.com/c\n");

#[test]
fn loads_every_module_once_in_breadth_first_order() {
    let c = load(&[ROOT, A, B, C]);
    let names: Vec<String> = c.modules().iter().map(|m| m.display_name()).collect();
    assert_eq!(names, ["myproject", "example.com/a@v1.0.0", "example.com/b@v1.0.0", "example.com/c@v1.2.0"]);
    assert_eq!(c.root().dir, Path::new("/p"));
    assert_eq!(c.module("example.com/c").map(|m| m.dir.clone()), Some("/p/.goxdeps/example.com/c@v1.2.0".into()));
    let graph: Vec<String> = c.graph().into_iter().map(|(a, b)| format!("{a} {b}")).collect();
    assert_eq!(
        graph,
        [
            "myproject example.com/a@v1.0.0",
            "myproject example.com/b@v1.0.0",
            "example.com/a@v1.0.0 example.com/c@v1.2.0",
            "example.com/b@v1.0.0 example.com/c@v1.2.0",
        ]
    );
    assert_eq!(c.requirements()[3].alias, "cc");
    assert_eq!(c.requirements()[3].selected, 3);
}

#[test]
fn maps_directories_back_to_their_module() {
    let c = load(&[ROOT, A, B, C]);
    let (m, rel) = c.module_for_dir(Path::new("/p/.goxdeps/example.com/c@v1.2.0/x/y")).unwrap();
    assert_eq!((m.path.as_str(), rel.as_str()), ("example.com/c", "x/y"));
    let (m, rel) = c.module_for_dir(Path::new("/p/./handlers/api")).unwrap();
    assert_eq!((m.path.as_str(), rel.as_str()), ("myproject", "handlers/api"));
    let (m, rel) = c.module_for_dir(Path::new("/p")).unwrap();
    assert_eq!((m.path.as_str(), rel.as_str()), ("myproject", ""));
    assert!(c.module_for_dir(Path::new("/p/.goxdeps/example.com/zz@v1.0.0")).is_none());
    assert!(c.module_for_dir(Path::new("/elsewhere")).is_none());
}

#[test]
fn module_cycles_terminate() {
    let a = ("/p/.goxdeps/example.com/a@v1.0.0/gox.mod", "module example.com/a\nrequire b example.com/b v1.0.0\nrequire root myproject v0.1.0\n");
    let b = ("/p/.goxdeps/example.com/b@v1.0.0/gox.mod", "module example.com/b\nrequire a example.com/a v1.0.0\n");
    let c = load(&[("/p/gox.mod", "module myproject\nrequire a example.com/a v1.0.0\n"), a, b]);
    assert_eq!(c.modules().len(), 3);
    let graph: Vec<String> = c.graph().into_iter().map(|(a, b)| format!("{a} {b}")).collect();
    assert_eq!(
        graph,
        [
            "myproject example.com/a@v1.0.0",
            "example.com/a@v1.0.0 example.com/b@v1.0.0",
            "example.com/a@v1.0.0 myproject@v0.1.0",
            "example.com/b@v1.0.0 example.com/a@v1.0.0",
        ]
    );
    assert_eq!(c.requirements()[2].selected, 0);
}

#[test]
fn the_root_require_decides_the_version_for_the_whole_build() {
    let root = ("/p/gox.mod", "module myproject\nrequire a example.com/a v1.0.0\nrequire b example.com/b v1.0.0\nrequire c example.com/c v1.3.0\n");
    let b = ("/p/.goxdeps/example.com/b@v1.0.0/gox.mod", "module example.com/b\nrequire c example.com/c v1.1.0\n");
    let c13 = ("/p/.goxdeps/example.com/c@v1.3.0/gox.mod", "module example.com/c\n");
    let c = load(&[root, A, b, c13]);
    assert_eq!(c.modules().len(), 4);
    assert_eq!(c.module("example.com/c").unwrap().display_name(), "example.com/c@v1.3.0");
    // Edges keep the version as required; all point at the selected module.
    let to_c: Vec<_> = c.requirements().iter().filter(|q| q.path == "example.com/c").collect();
    assert_eq!(to_c.len(), 3);
    assert!(to_c.iter().all(|q| q.selected == 3));
    assert_eq!(to_c[2].version.to_string(), "1.1.0");
}

#[test]
fn disagreeing_versions_show_both_chains_and_the_settling_require() {
    let b = ("/p/.goxdeps/example.com/b@v1.0.0/gox.mod", "module example.com/b\nrequire (\n\tcc example.com/c v1.10.0\n)\n");
    assert_eq!(
        error(&[ROOT, A, b, C]),
        "/p/.goxdeps/example.com/b@v1.0.0/gox.mod:3:19: conflicting versions of module example.com/c: v1.2.0 and v1.10.0 are both required\n\
         \tmyproject -> example.com/a@v1.0.0 -> example.com/c@v1.2.0\n\
         \tmyproject -> example.com/b@v1.0.0 -> example.com/c@v1.10.0\n\
         choose one for the whole build with a require in the root gox.mod, for example: require cc example.com/c v1.10.0"
    );
    // The suggested alias avoids the root's own aliases, and the higher
    // version may be the first one seen.
    let a = ("/p/.goxdeps/example.com/a@v1.0.0/gox.mod", "module example.com/a\nrequire b example.com/c v1.2.0\n");
    let b = ("/p/.goxdeps/example.com/b@v1.0.0/gox.mod", "module example.com/b\nrequire c example.com/c v1.1.0\n");
    assert_eq!(
        error(&[ROOT, a, b, C]),
        "/p/.goxdeps/example.com/b@v1.0.0/gox.mod:2:25: conflicting versions of module example.com/c: v1.2.0 and v1.1.0 are both required\n\
         \tmyproject -> example.com/a@v1.0.0 -> example.com/c@v1.2.0\n\
         \tmyproject -> example.com/b@v1.0.0 -> example.com/c@v1.1.0\n\
         choose one for the whole build with a require in the root gox.mod, for example: require b2 example.com/c v1.2.0"
    );
}

#[test]
fn missing_module_names_the_chain_and_the_command() {
    assert_eq!(
        error(&[ROOT, A, B]),
        "/p/.goxdeps/example.com/a@v1.0.0/gox.mod:2:11: missing module example.com/c@v1.2.0 in .goxdeps (required by myproject -> example.com/a@v1.0.0); run: gox mod download"
    );
    assert_eq!(
        error(&[ROOT, B, C]),
        "/p/gox.mod:3:11: missing module example.com/a@v1.0.0 in .goxdeps (required by myproject); run: gox mod download"
    );
}

#[test]
fn a_dependency_declaring_another_path_is_an_error() {
    let c = ("/p/.goxdeps/example.com/c@v1.2.0/gox.mod", "// moved\nmodule example.com/other\n");
    assert_eq!(
        error(&[ROOT, A, B, c]),
        "/p/.goxdeps/example.com/c@v1.2.0/gox.mod:2:1: module declares its path as example.com/other but was required as example.com/c (by myproject -> example.com/a@v1.0.0)"
    );
}

#[test]
fn errors_in_a_dependency_gox_mod_name_that_file() {
    let c = ("/p/.goxdeps/example.com/c@v1.2.0/gox.mod", "module example.com/c\nrequire x example.com/x 1.0\n");
    let e = ModuleClosure::load(&fs(&[ROOT, A, B, c]), Path::new("/p")).unwrap_err();
    assert!(matches!(e, ClosureError::Mod(_)));
    assert_eq!(
        e.to_string(),
        "/p/.goxdeps/example.com/c@v1.2.0/gox.mod:2:25: invalid version \"1.0\": missing leading \"v\"; expected an exact version like v1.2.3 or v2.0.0-beta.1"
    );
    assert_eq!(
        ModuleClosure::load(&fs(&[A]), Path::new("/p")).unwrap_err().to_string(),
        "/p/gox.mod: no such file or directory"
    );
}

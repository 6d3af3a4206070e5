use gox_analysis::{check_package, Config, ImportError, ImportRequest, Importer, Package};
use std::sync::Arc;
struct NoImp;
impl Importer for NoImp {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        Err(ImportError::new(format!("no {}", req.path)))
    }
}
#[test]
fn no_panic_on_go_testdata() {
    let mut paths = Vec::new();
    for d in ["check", "fixedbugs", "spec"] {
        let dir = format!("/usr/lib/go-1.19/src/go/types/testdata/{}", d);
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().map_or(false, |x| x == "go" || x == "go2") { paths.push(p); }
        }
    }
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        eprintln!("{}", p.display());
        let (f, _) = gox_syntax::parse_source(gox_common::FileId(0), &text);
        let r = std::panic::catch_unwind(|| {
            let mut imp = NoImp;
            check_package("p", &[f.clone()], &mut imp, &Config::default()).diagnostics.len()
        });
        if r.is_err() { eprintln!("PANIC {}", p.display()); }
    }
}

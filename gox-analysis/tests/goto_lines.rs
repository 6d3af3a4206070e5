//! `goto L jumps over variable declaration at line N` quotes the line of
//! the declaration when the checker is given the sources.

use std::sync::Arc;

use gox_analysis::{check_package, Config, ImportError, ImportRequest, Importer, Package};
use gox_common::SourceMap;

struct NoImports;

impl Importer for NoImports {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        Err(ImportError::new(format!("package {} is not in std", req.path)))
    }
}

const SRC: &str = "package p\n\nfunc f() {\n\tgoto L\n\tx := 1\n\t_ = x\nL:\n}\n";

fn errors(config: &Config, sources: &SourceMap) -> Vec<(u32, u32, String)> {
    let file = sources.get(gox_common::FileId(0)).expect("file 0");
    let (ast, perrs) = gox_syntax::parse_file(&file);
    assert!(perrs.is_empty(), "{:?}", perrs);
    let checked = check_package("p", &[ast], &mut NoImports, config);
    checked
        .diagnostics
        .iter()
        .map(|d| {
            let lc = file.line_col(d.span.lo);
            (lc.line, lc.col, d.message.clone())
        })
        .collect()
}

#[test]
fn goto_over_declaration_names_the_declarations_line() {
    let sources = Arc::new(SourceMap::new());
    sources.add("a.gox", SRC);
    let config = Config { sources: Some(sources.clone()), ..Config::default() };
    assert_eq!(errors(&config, &sources), vec![(4, 7, "goto L jumps over variable declaration at line 5".to_string())]);
}

#[test]
fn goto_over_declaration_without_sources_omits_the_line() {
    let sources = SourceMap::new();
    sources.add("a.gox", SRC);
    assert_eq!(errors(&Config::default(), &sources), vec![(4, 7, "goto L jumps over variable declaration".to_string())]);
}

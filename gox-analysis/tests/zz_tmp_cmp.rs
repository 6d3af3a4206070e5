use gox_analysis::{check_package, Config, ImportError, ImportRequest, Importer, Package};
use std::sync::Arc;
struct NoImp;
impl Importer for NoImp {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        Err(ImportError::new(format!("no {}", req.path)))
    }
}
#[test]
fn cmp() {
    let files = std::env::var("CMP").unwrap();
    for p in files.split(',') {
        let text = std::fs::read_to_string(p).unwrap();
        let (f, pe) = gox_syntax::parse_source(gox_common::FileId(0), &text);
        let mut imp = NoImp;
        let c = check_package("p", &[f], &mut imp, &Config::default());
        let line = |o: u32| text[..o as usize].matches('\n').count() + 1;
        let mut mine: Vec<(usize, String)> = c.diagnostics.iter().map(|d| (line(d.span.lo), d.message.clone())).collect();
        mine.extend(pe.iter().map(|d| (line(d.span.lo), format!("PARSE {}", d.message))));
        let want: Vec<(usize, String)> = text.lines().enumerate().filter(|(_, l)| l.contains("ERROR")).map(|(i, l)| (i + 1, l.trim().to_string())).collect();
        for (l, w) in &want {
            if !mine.iter().any(|(m, _)| m == l) { eprintln!("{}:{}: MISSING   {}", p, l, w); }
        }
        for (l, m) in &mine {
            if !want.iter().any(|(w, _)| w == l) { eprintln!("{}:{}: EXTRA     {}", p, l, m); }
        }
    }
}

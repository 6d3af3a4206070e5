//! Prints the AST and the syntax errors of one file:
//! `cargo run -p gox-syntax --example dump_ast -- FILE`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump_ast FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let (file, errors) = gox_syntax::parse_bytes(gox_common::FileId(0), &bytes);
    print!("{}", gox_syntax::dump_ast(&file));
    let sf = gox_common::SourceFile::new(gox_common::FileId(0), path.clone().into(), String::from_utf8_lossy(&bytes).into());
    for e in errors {
        let lc = sf.line_col(e.span.lo);
        println!("{path}:{}:{}: {}", lc.line, lc.col, e.message);
    }
}

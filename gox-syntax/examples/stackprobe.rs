fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind = args[1].clone();
    let kb: usize = args[2].parse().unwrap();
    let n = 100_000;
    let src = match kind.as_str() {
        "paren" => format!("package p\nvar x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        "block" => format!("package p\nfunc f() {}\n", "{".repeat(n)),
        "slice" => format!("package p\nvar x {}int\n", "[]".repeat(n)),
        "neg" => format!("package p\nvar x = {}y\n", "-".repeat(n)),
        "call" => format!("package p\nvar x = y{}\n", ".f()".repeat(n)),
        "lit" => format!("package p\nvar x = {}\n", "T{".repeat(n)),
        "if" => format!("package p\nfunc f() {{ {} }}\n", "if x {".repeat(n)),
        _ => String::new(),
    };
    let h = std::thread::Builder::new().stack_size(kb * 1024).spawn(move || {
        let (f, e) = gox_syntax::parse_source(gox_common::FileId(0), &src);
        drop(f);
        e.len()
    }).unwrap();
    println!("{kind} {kb}KB ok {}", h.join().unwrap());
}

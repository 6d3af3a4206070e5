fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    for case in text.split('\0') {
        let (_, errs) = gox_syntax::parse_source(gox_common::FileId(0), case);
        let mut marked = String::new();
        let mut last = 0;
        for e in &errs {
            let lo = e.span.lo as usize;
            marked.push_str(&case[last..lo]);
            marked.push_str("@@");
            last = lo;
        }
        marked.push_str(&case[last..]);
        let e: Vec<String> = errs.iter().map(|e| e.message.clone()).collect();
        println!("{}\n   => {}", marked, e.join(" | "));
    }
}

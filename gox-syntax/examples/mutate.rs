// temporary: random mutation robustness check
use std::io::Read;
fn main() {
    let list = std::fs::read_to_string("/tmp/gx/files.txt").unwrap();
    let files: Vec<&str> = list.lines().collect();
    let mut seed: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut rnd = move || { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; seed };
    let iters: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let toks: &[&[u8]] = &[b"(", b")", b"{", b"}", b"[", b"]", b"func", b"\n", b";", b",", b"\"", b"`", b"'", b"/*", b"//", b"@", b"\xff", b"\x00", b"type", b"[T any]", b"<-", b"...", b"chan", b"if", b"for", b"case", b":=", b"."];
    for i in 0..iters {
        let f = files[(rnd() as usize) % files.len()];
        let mut src = Vec::new();
        std::fs::File::open(f).unwrap().read_to_end(&mut src).unwrap();
        if src.is_empty() { continue; }
        let n = 1 + rnd() % 8;
        for _ in 0..n {
            let pos = (rnd() as usize) % src.len().max(1);
            match rnd() % 3 {
                0 => { let end = (pos + (rnd() % 20) as usize).min(src.len()); src.drain(pos..end); }
                1 => { let t = toks[(rnd() as usize) % toks.len()]; src.splice(pos..pos, t.iter().copied()); }
                _ => { if pos < src.len() { src[pos] = rnd() as u8; } }
            }
            if src.is_empty() { src.push(b'x'); }
        }
        let (file, _errs) = gox_syntax::parse_bytes(gox_common::FileId(0), &src);
        let _ = gox_syntax::dump_ast(&file);
        if i % 500 == 0 { eprintln!("{i}"); }
    }
    println!("ok");
}

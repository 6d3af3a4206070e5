fn main() {
    eprintln!("gox: no commands yet");
    std::process::exit(2);
}

//! `gox parse [--ast] FILE...`: syntax errors Go-style; exit 1 if any.

use std::path::PathBuf;

use anyhow::Result;
use gox_common::{RealFs, SourceMap};

use super::Status;
use gox_cli::driver::source::read_source;

pub fn run(files: &[PathBuf], dump: bool) -> Result<Status> {
    let map = SourceMap::new();
    let cwd = std::env::current_dir().ok();
    let mut errors = 0usize;
    for path in files {
        let path = match &cwd {
            Some(cwd) => cwd.join(path),
            None => path.clone(),
        };
        let (file, read_errors, _) = match read_source(&RealFs, &map, &path) {
            Ok(read) => read,
            Err(d) => {
                println!("{}", gox_common::render::render_go_style(&d, &map, cwd.as_deref()));
                errors += 1;
                continue;
            }
        };
        for d in &read_errors {
            println!("{}", gox_common::render::render_go_style(d, &map, cwd.as_deref()));
        }
        errors += read_errors.len();
        let (ast, diags) = gox_syntax::parse_file(&file);
        for d in &diags {
            println!("{}", gox_common::render::render_go_style(d, &map, cwd.as_deref()));
        }
        errors += diags.iter().filter(|d| d.is_error()).count();
        if dump {
            print!("{}", gox_syntax::dump_ast(&ast));
        }
    }
    Ok(if errors > 0 { Status::Failure } else { Status::Success })
}

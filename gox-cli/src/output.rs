//! Printing diagnostics: Go style for scripts and editors, the rich source
//! view for terminals, or JSON lines.

use std::io::{IsTerminal, Write};
use std::path::Path;

use gox_common::render::{render_go_style, render_rich};
use gox_common::{Diagnostic, Severity, SourceMap};
use serde::Serialize;

use crate::cli::ColorChoice;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    GoStyle,
    Rich { color: bool },
    Json,
}

impl Format {
    pub fn choose(json: bool, color: ColorChoice) -> Format {
        if json {
            return Format::Json;
        }
        match color {
            ColorChoice::Always => Format::Rich { color: true },
            ColorChoice::Never => Format::GoStyle,
            ColorChoice::Auto if std::io::stdout().is_terminal() => Format::Rich { color: true },
            ColorChoice::Auto => Format::GoStyle,
        }
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    severity: &'a str,
    message: &'a str,
    package: &'a str,
}

/// Prints `diags` (with the package each belongs to, for JSON) to stdout.
pub fn print_diagnostics(diags: &[(&Diagnostic, &str)], map: &SourceMap, base: &Path, format: Format) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::GoStyle => {
            for (d, _) in diags {
                writeln!(out, "{}", render_go_style(d, map, Some(base)))?;
            }
        }
        Format::Rich { color } => {
            let list: Vec<Diagnostic> = diags.iter().map(|(d, _)| (*d).clone()).collect();
            write!(out, "{}", render_rich(&list, map, color, Some(base)))?;
        }
        Format::Json => {
            for (d, package) in diags {
                let file = map.file(d.span.file);
                let start = file.line_col(d.span.lo);
                let end = file.line_col(d.span.hi);
                let json = JsonDiagnostic {
                    file: gox_common::render::display_path(&file.path, Some(base)),
                    line: start.line,
                    column: start.col,
                    end_line: end.line,
                    end_column: end.col,
                    severity: match d.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Note => "note",
                    },
                    message: &d.message,
                    package,
                };
                writeln!(out, "{}", serde_json::to_string(&json).unwrap_or_default())?;
            }
        }
    }
    out.flush()
}

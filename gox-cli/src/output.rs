//! Printing what a command found: diagnostics Go style for scripts and
//! editors, the rich source view for terminals, or JSON lines; and the
//! messages that have no position (usage errors, warnings), in the same
//! format. Every path is shown relative to the current directory here, at
//! rendering, never by rewriting message text.

use std::io::{IsTerminal, Write};
use std::path::Path;

use gox_common::render::{display_path, render_go_style, render_rich};
use gox_common::{Diagnostic, Severity, SourceMap, Span};
use serde::Serialize;

use crate::cli::{ColorChoice, FormatChoice};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    GoStyle,
    Rich { color: bool },
    Json,
}

impl Format {
    /// The layout (`--format`, `--json`; rich on a terminal, else Go style)
    /// and, for the rich view, colour (`--color`, then the environment).
    pub fn choose(format: Option<FormatChoice>, json: bool, color: ColorChoice) -> Format {
        let terminal = std::io::stdout().is_terminal();
        let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let layout = if json { FormatChoice::Json } else { format.unwrap_or(if terminal { FormatChoice::Rich } else { FormatChoice::Go }) };
        match layout {
            FormatChoice::Json => Format::Json,
            FormatChoice::Go => Format::GoStyle,
            FormatChoice::Rich => Format::Rich {
                color: color_wanted(
                    color,
                    terminal,
                    env("NO_COLOR").is_some(),
                    env("CLICOLOR_FORCE").is_some_and(|v| v != "0"),
                    env("TERM").is_some_and(|t| t == "dumb"),
                ),
            },
        }
    }
}

/// Whether to colour, by the conventions of the ecosystem
/// (no-color.org, bixense.com/clicolors): an explicit `--color` wins;
/// then `NO_COLOR`, then `CLICOLOR_FORCE`; then a terminal that is not
/// `TERM=dumb`.
pub fn color_wanted(choice: ColorChoice, terminal: bool, no_color: bool, force: bool, dumb: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if no_color => false,
        ColorChoice::Auto if force => true,
        ColorChoice::Auto => terminal && !dumb,
    }
}

/// A position in JSON output: 1-based line and byte column; a diagnostic
/// about a path as a whole (a directory) has line and column 0.
#[derive(Serialize)]
struct JsonPosition {
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    #[serde(flatten)]
    position: JsonPosition,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    #[serde(flatten)]
    position: Option<JsonPosition>,
    severity: &'a str,
    message: &'a str,
    /// The import path of the package the diagnostic belongs to; absent
    /// for gox.mod, usage and other errors of no package.
    #[serde(skip_serializing_if = "str::is_empty")]
    package: &'a str,
    /// Other positions that explain the diagnostic ("other declaration").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
    /// What to do about it ("did you mean Contains?").
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn json_position(span: Span, map: &SourceMap, base: &Path) -> Option<JsonPosition> {
    let file = map.get(span.file)?;
    let path = display_path(&file.path, Some(base));
    if file.path_only {
        return Some(JsonPosition { file: path, line: 0, column: 0, end_line: 0, end_column: 0 });
    }
    let start = file.line_col(span.lo);
    let end = file.line_col(span.hi);
    Some(JsonPosition { file: path, line: start.line, column: start.col, end_line: end.line, end_column: end.col })
}

/// Prints `diags` (with the package each belongs to, for JSON) to stdout.
pub fn print_diagnostics(diags: &[(&Diagnostic, &str)], map: &SourceMap, base: &Path, format: Format) -> std::io::Result<()> {
    write_diagnostics(&mut std::io::stdout().lock(), diags, map, base, format)
}

/// [`print_diagnostics`] to any writer.
pub fn write_diagnostics(
    out: &mut dyn Write,
    diags: &[(&Diagnostic, &str)],
    map: &SourceMap,
    base: &Path,
    format: Format,
) -> std::io::Result<()> {
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
                let json = JsonDiagnostic {
                    position: json_position(d.span, map, base),
                    severity: severity_name(d.severity),
                    message: &d.message,
                    package,
                    related: d
                        .notes
                        .iter()
                        .filter_map(|n| Some(JsonRelated { position: json_position(n.span, map, base)?, message: &n.message }))
                        .collect(),
                    help: d.help.as_deref(),
                };
                writeln!(out, "{}", serde_json::to_string(&json).unwrap_or_default())?;
            }
        }
    }
    out.flush()
}

/// At most `limit` errors per package, as `go build` shows them: after a
/// package's `limit`th error comes `too many errors` at that error's
/// position, and none of the package's other errors. Warnings and
/// diagnostics of no package are all kept. Returns what to show and how
/// many errors were left out.
pub fn cap_errors_per_package<'a>(diags: &[(&Diagnostic, &'a str)], limit: usize) -> (Vec<(Diagnostic, &'a str)>, usize) {
    let mut errors_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (d, package) in diags {
        if d.is_error() && !package.is_empty() {
            *errors_of.entry(package).or_default() += 1;
        }
    }
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut shown = Vec::with_capacity(diags.len());
    let mut hidden = 0;
    for &(d, package) in diags {
        if !d.is_error() || package.is_empty() {
            shown.push((d.clone(), package));
            continue;
        }
        let n = seen.entry(package).or_default();
        *n += 1;
        if *n > limit {
            hidden += 1;
            continue;
        }
        shown.push((d.clone(), package));
        if *n == limit && errors_of[package] > limit {
            shown.push((Diagnostic::error(d.span, "too many errors"), package));
        }
    }
    (shown, hidden)
}

/// A message without a position (a usage error, a pattern that matched
/// nothing): `gox: message` on stderr, or a JSON line on stdout.
pub fn print_message(severity: Severity, message: &str, format: Format) {
    let _ = write_message(&mut std::io::stdout().lock(), &mut std::io::stderr().lock(), severity, message, format);
}

/// [`print_message`] to any pair of writers standing for stdout and stderr.
pub fn write_message(
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    severity: Severity,
    message: &str,
    format: Format,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let json = JsonDiagnostic {
                position: None,
                severity: severity_name(severity),
                message,
                package: "",
                related: Vec::new(),
                help: None,
            };
            writeln!(stdout, "{}", serde_json::to_string(&json).unwrap_or_default())
        }
        _ => match severity {
            Severity::Warning => writeln!(stderr, "gox: warning: {message}"),
            _ => writeln!(stderr, "gox: {message}"),
        },
    }
}

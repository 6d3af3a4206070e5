//! Showing [`Diagnostic`]s to the user: one line per position as `go build`
//! and `go vet` print them ([`render_go_style`]), or with the source line and
//! carets under the spans ([`render_rich`], through `codespan-reporting`).

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::paths::relative;
use std::sync::Arc;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};

use crate::diag::{Diagnostic, Severity};
use crate::source::{SourceFile, SourceMap, Span};

/// How `go build` shows a file path when run in `base`: when the path of
/// the file's directory relative to `base` is shorter than the directory's
/// path, `<relative dir>/<name>` (so `./a.gox` for a file in `base`,
/// `pkg/a.gox`, `../a.gox`), else the path as it is. Relative paths and a
/// missing `base` leave the path unchanged.
pub fn display_path(path: &Path, base: Option<&Path>) -> String {
    let shown = || path.display().to_string();
    let Some(base) = base else { return shown() };
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return shown() };
    if !path.is_absolute() || !base.is_absolute() {
        return shown();
    }
    let Some(rel) = relative(base, dir) else { return shown() };
    let rel = if rel.as_os_str().is_empty() { PathBuf::from(".") } else { rel };
    if rel.as_os_str().len() < dir.as_os_str().len() {
        format!("{}/{}", rel.display(), Path::new(name).display())
    } else {
        shown()
    }
}

/// `path:line:col` of the start of `span`, or `-` for a span of another map
/// (as go/token prints an invalid position).
pub fn position(span: Span, map: &SourceMap, base: Option<&Path>) -> String {
    match map.get(span.file) {
        Some(file) if file.path_only => display_path(&file.path, base),
        Some(file) => {
            let lc = file.line_col(span.lo);
            format!("{}:{}:{}", display_path(&file.path, base), lc.line, lc.col)
        }
        None => "-".to_string(),
    }
}

/// One diagnostic as `go build` prints it: `path:line:col: message`, then
/// each note on its own line as `\tpath:line:col: note`, then the help as
/// `\thelp: text`. No final newline.
pub fn render_go_style(diag: &Diagnostic, map: &SourceMap, base: Option<&Path>) -> String {
    let mut out = format!("{}: {}", position(diag.span, map, base), diag.message);
    for note in &diag.notes {
        out.push_str(&format!("\n\t{}: {}", position(note.span, map, base), note.message));
    }
    if let Some(help) = &diag.help {
        out.push_str(&format!("\n\thelp: {help}"));
    }
    out
}

/// Every diagnostic in Go's style, each line ending in a newline.
pub fn render_go_style_all(diags: &[Diagnostic], map: &SourceMap, base: Option<&Path>) -> String {
    diags.iter().map(|d| render_go_style(d, map, base) + "\n").collect()
}

/// Counts for a closing line: `1 error`, `2 errors and 1 warning`, `3 warnings`;
/// `None` when there is nothing to count. Notes are not counted.
pub fn summary(diags: &[Diagnostic]) -> Option<String> {
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    match (count(Severity::Error), count(Severity::Warning)) {
        (0, 0) => None,
        (e, 0) => Some(plural(e, "error")),
        (0, w) => Some(plural(w, "warning")),
        (e, w) => Some(format!("{} and {}", plural(e, "error"), plural(w, "warning"))),
    }
}

/// Diagnostics with their source lines, a caret under each primary span and
/// the notes as secondary labels (`-` underlines with the note's text), as
/// `codespan-reporting` draws them; ANSI colours when `color` is set. Paths
/// are shown as by [`display_path`], columns in bytes as Go counts them. A
/// diagnostic whose span is not in `map` falls back to [`render_go_style`].
pub fn render_rich(diags: &[Diagnostic], map: &SourceMap, color: bool, base: Option<&Path>) -> String {
    let files = MapFiles { map, base };
    let config = term::Config::default();
    let mut out = String::new();
    for diag in diags {
        let mut buf = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
        let rendered = match to_codespan(diag, map) {
            Some(d) => term::emit(&mut buf, &config, &files, &d)
                .ok()
                .map(|()| String::from_utf8_lossy(buf.as_slice()).into_owned()),
            None => None,
        };
        match rendered {
            Some(text) => out.push_str(&text),
            None => {
                out.push_str(&render_go_style(diag, map, base));
                out.push_str("\n\n");
            }
        }
    }
    out
}

fn to_codespan(diag: &Diagnostic, map: &SourceMap) -> Option<cs::Diagnostic<u32>> {
    let severity = match diag.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let mut labels = vec![cs::Label::primary(diag.span.file.0, label_range(diag.span, map)?)];
    for note in &diag.notes {
        labels.push(cs::Label::secondary(note.span.file.0, label_range(note.span, map)?).with_message(&note.message));
    }
    let helps = diag.help.iter().map(|h| format!("help: {h}")).collect();
    Some(cs::Diagnostic::new(severity).with_message(&diag.message).with_labels(labels).with_notes(helps))
}

/// The span's byte range, kept inside the text and widened to character
/// boundaries so that drawing it cannot fail, without a final line break.
fn label_range(span: Span, map: &SourceMap) -> Option<Range<usize>> {
    let file = map.get(span.file).filter(|f| !f.path_only)?;
    let text = &file.text();
    let mut lo = (span.lo.min(span.hi) as usize).min(text.len());
    let mut hi = (span.hi.max(span.lo) as usize).min(text.len());
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    // A span ending in a line break (`found newline`) is drawn at the line's
    // end rather than as a label running onto the next line.
    let bytes = text.as_bytes();
    while hi > lo && matches!(bytes[hi - 1], b'\n' | b'\r') {
        hi -= 1;
    }
    Some(lo..hi)
}

/// The files of a [`SourceMap`] as `codespan-reporting` reads them.
struct MapFiles<'m> {
    map: &'m SourceMap,
    base: Option<&'m Path>,
}

impl MapFiles<'_> {
    fn file(&self, id: u32) -> Result<Arc<SourceFile>, FilesError> {
        self.map.get(crate::source::FileId(id)).ok_or(FilesError::FileMissing)
    }
}

impl<'a> Files<'a> for MapFiles<'_> {
    type FileId = u32;
    type Name = String;
    type Source = Arc<str>;

    fn name(&'a self, id: u32) -> Result<String, FilesError> {
        Ok(display_path(&self.file(id)?.path, self.base))
    }

    fn source(&'a self, id: u32) -> Result<Arc<str>, FilesError> {
        Ok(self.file(id)?.text().clone())
    }

    fn line_index(&'a self, id: u32, byte_index: usize) -> Result<usize, FilesError> {
        let file = self.file(id)?;
        let offset = u32::try_from(byte_index)
            .map_err(|_| FilesError::IndexTooLarge { given: byte_index, max: file.text().len() })?;
        Ok(file.line_col(offset).line as usize - 1)
    }

    fn column_number(&'a self, id: u32, line_index: usize, byte_index: usize) -> Result<usize, FilesError> {
        let start = self.line_range(id, line_index)?.start;
        Ok(byte_index.saturating_sub(start) + 1)
    }

    /// As `codespan-reporting`'s own files: from the line's start to the next
    /// line's start (newline included); the line after the last is empty.
    fn line_range(&'a self, id: u32, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.file(id)?;
        let starts = file.line_starts();
        let start_of = |i: usize| -> Result<usize, FilesError> {
            match i.cmp(&starts.len()) {
                std::cmp::Ordering::Less => Ok(starts[i] as usize),
                std::cmp::Ordering::Equal => Ok(file.text().len()),
                std::cmp::Ordering::Greater => Err(FilesError::LineTooLarge { given: i, max: starts.len() - 1 }),
            }
        };
        Ok(start_of(line_index)?..start_of(line_index + 1)?)
    }
}

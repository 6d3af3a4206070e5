//! `gox.mod`: parsing, validation and byte-preserving edits.
//!
//! Grammar (one directive per line, `//` comments to end of line, `(` and
//! `)` are tokens of their own, other tokens are separated by blanks):
//!
//! ```text
//! module <module-path>
//! require <alias> <module-path> <version>
//! require (
//!     <alias> <module-path> <version>
//!     ...
//! )
//! ```
//!
//! A module path follows [`crate::modpath::check_module_path`] (ASCII
//! letters, digits and `-._~`; not `std` or under `std/`).
//! A version is an exact `v`-prefixed semantic version. An alias is an
//! identifier other than `_` and the Go keywords. Aliases and module paths
//! are unique within one file. Every error names `file:line:col`.
//!
//! Edits ([`ModFile::add_or_replace_require`], [`ModFile::remove_require`])
//! change only the bytes of the require concerned; [`write_atomic`] writes
//! the result through a temporary file and a rename.

pub use crate::files::write_atomic;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use semver::Version;

use crate::error::FilePos;
use crate::modpath::check_module_path;

/// A `gox.mod` error: the position (absent only for bad arguments to an
/// edit) and a message in Go's style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModError {
    pub pos: Option<FilePos>,
    pub message: String,
}

impl fmt::Display for ModError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pos {
            Some(pos) => write!(f, "{pos}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ModError {}

/// One `require <alias> <module-path> <version>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Require {
    pub alias: String,
    pub module_path: String,
    pub version: Version,
    /// The version as written, with its leading `v`.
    pub version_text: String,
    /// Line and column of the alias.
    pub line: u32,
    pub col: u32,
    /// Byte range from the alias to the end of the version.
    pub span: Range<usize>,
}

/// Where the tokens of one require are in the text.
#[derive(Clone, Debug)]
struct RequireSyntax {
    /// The whole line, including its line terminator.
    line: Range<usize>,
    alias: Range<usize>,
    module_path: Range<usize>,
    version: Range<usize>,
    block: Option<usize>,
}

/// A `require ( ... )` block: its opening and closing lines (with terminators).
#[derive(Clone, Debug)]
struct BlockSyntax {
    open: Range<usize>,
    close: Range<usize>,
}

/// A parsed `gox.mod` that remembers its text, so that edits keep every
/// byte they do not concern.
#[derive(Clone, Debug)]
pub struct ModFile {
    path: PathBuf,
    text: String,
    module_path: String,
    module_pos: FilePos,
    requires: Vec<Require>,
    syntax: Vec<RequireSyntax>,
    blocks: Vec<BlockSyntax>,
}

const MODULE_PATH_RULE: &str =
    "expected slash-separated elements of ASCII letters, digits and \"-._~\", not beginning or ending with a dot";
const VERSION_RULE: &str = "expected an exact version like v1.2.3 or v2.0.0-beta.1";

const GO_KEYWORDS: &[&str] = &[
    "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for",
    "func", "go", "goto", "if", "import", "interface", "map", "package", "range", "return", "select",
    "struct", "switch", "type", "var",
];

/// Parses an exact `v`-prefixed semantic version; the error is the reason.
pub fn parse_version(text: &str) -> Result<Version, String> {
    let Some(rest) = text.strip_prefix('v') else {
        return Err("missing leading \"v\"".to_string());
    };
    Version::parse(rest).map_err(|e| e.to_string())
}

/// Checks a require alias; the error is the reason.
pub fn check_alias(alias: &str) -> Result<(), String> {
    let mut chars = alias.chars();
    let first_ok = chars.next().is_some_and(|c| c == '_' || c.is_alphabetic());
    if !first_ok || !chars.all(|c| c == '_' || c.is_alphanumeric()) {
        return Err("expected an identifier (a letter or \"_\" followed by letters, digits or \"_\")".to_string());
    }
    if alias == "_" {
        return Err("the blank identifier cannot be an alias".to_string());
    }
    if GO_KEYWORDS.contains(&alias) {
        return Err(format!("\"{alias}\" is a keyword; expected an identifier"));
    }
    Ok(())
}

/// A token of one line: its text and absolute byte range.
pub(crate) struct Token<'a> {
    pub(crate) text: &'a str,
    pub(crate) range: Range<usize>,
}

/// Splits one line (without terminator) starting at byte `base` into tokens,
/// dropping a comment: `//` where a token would start (so `a//b` stays one
/// token and is reported as a bad path rather than silently cut).
pub(crate) fn tokenize(line: &str, base: usize) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    let mut code = line;
    for (i, c) in line.char_indices() {
        if start.is_none() && line[i..].starts_with("//") {
            code = &line[..i];
            break;
        }
        let blank = c == ' ' || c == '\t' || c == '\r';
        let paren = c == '(' || c == ')';
        if blank || paren {
            if let Some(s) = start.take() {
                tokens.push(Token { text: &code[s..i], range: base + s..base + i });
            }
            if paren {
                tokens.push(Token { text: &code[i..i + 1], range: base + i..base + i + 1 });
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        tokens.push(Token { text: &code[s..], range: base + s..base + code.len() });
    }
    tokens
}

/// The lines of `text`: (range without terminator, range with terminator).
pub(crate) fn lines(text: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        match text[start..].find('\n') {
            Some(i) => {
                out.push((start..start + i, start..start + i + 1));
                start += i + 1;
            }
            None => {
                out.push((start..text.len(), start..text.len()));
                start = text.len();
            }
        }
    }
    out
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
    /// The offset of each line's first byte, for positions in O(log n).
    line_starts: Vec<usize>,
}

/// The requires parsed so far by alias and by module path (positions in
/// `ModFile::requires`), so that a gox.mod of 10^5 requires parses in linear time.
#[derive(Default)]
struct RequireIndex<'a> {
    by_alias: HashMap<&'a str, usize>,
    by_path: HashMap<&'a str, usize>,
}

impl Parser<'_> {
    fn error(&self, offset: usize, message: impl Into<String>) -> ModError {
        ModError { pos: Some(FilePos::at(self.path, self.text, offset)), message: message.into() }
    }

    /// As `FilePos::at(self.path, self.text, offset)`, by binary search.
    fn pos(&self, offset: usize) -> FilePos {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        FilePos { file: self.path.to_path_buf(), line: line as u32, col: (offset - start) as u32 + 1 }
    }

    fn require<'t>(
        &self,
        toks: &[Token<'t>],
        line: Range<usize>,
        block: Option<usize>,
        file: &ModFile,
        index: &mut RequireIndex<'t>,
    ) -> Result<(Require, RequireSyntax), ModError> {
        let (alias, path, version) = (&toks[0], &toks[1], &toks[2]);
        check_alias(alias.text)
            .map_err(|why| self.error(alias.range.start, format!("invalid alias \"{}\": {why}", alias.text)))?;
        check_module_path(path.text)
            .map_err(|err| self.error(path.range.start, format!("{err}; {MODULE_PATH_RULE}")))?;
        let parsed = parse_version(version.text).map_err(|why| {
            self.error(version.range.start, format!("invalid version \"{}\": {why}; {VERSION_RULE}", version.text))
        })?;
        if let Some(prev) = index.by_alias.get(alias.text).and_then(|&i| file.requires.get(i)) {
            return Err(self.error(
                alias.range.start,
                format!(
                    "duplicate alias \"{}\" (first declared at {}:{}:{}); each alias may be declared once",
                    alias.text,
                    self.path.display(),
                    prev.line,
                    prev.col
                ),
            ));
        }
        if let Some(&i) = index.by_path.get(path.text) {
            let (prev, prev_path) = (&file.requires[i], &file.syntax[i].module_path);
            return Err(self.error(
                path.range.start,
                format!(
                    "duplicate require of module {} (first required at {} as \"{}\"); each module may be required once",
                    path.text,
                    self.pos(prev_path.start),
                    prev.alias
                ),
            ));
        }
        let at = self.pos(alias.range.start);
        let require = Require {
            alias: alias.text.to_string(),
            module_path: path.text.to_string(),
            version: parsed,
            version_text: version.text.to_string(),
            line: at.line,
            col: at.col,
            span: alias.range.start..version.range.end,
        };
        let syntax = RequireSyntax {
            line,
            alias: alias.range.clone(),
            module_path: path.range.clone(),
            version: version.range.clone(),
            block,
        };
        index.by_alias.insert(alias.text, file.requires.len());
        index.by_path.insert(path.text, file.requires.len());
        Ok((require, syntax))
    }

    fn parse(&self) -> Result<ModFile, ModError> {
        let mut file = ModFile {
            path: self.path.to_path_buf(),
            text: self.text.to_string(),
            module_path: String::new(),
            module_pos: self.pos(0),
            requires: Vec::new(),
            syntax: Vec::new(),
            blocks: Vec::new(),
        };
        let mut seen_module = false;
        let mut index = RequireIndex::default();
        // The open block: the offset of its `(` and its opening line.
        let mut open: Option<(usize, Range<usize>)> = None;
        for (code, full) in lines(self.text) {
            let toks = tokenize(&self.text[code.clone()], code.start);
            let Some(first) = toks.first() else { continue };
            if let Some((_, open_line)) = open.clone() {
                if first.text == ")" {
                    if let Some(extra) = toks.get(1) {
                        return Err(self.error(
                            extra.range.start,
                            format!("unexpected \"{}\" after \")\"; expected end of line", extra.text),
                        ));
                    }
                    file.blocks.push(BlockSyntax { open: open_line, close: full.clone() });
                    open = None;
                    continue;
                }
                if toks.len() != 3 || toks.iter().any(|t| t.text == "(" || t.text == ")") {
                    return Err(self.error(
                        first.range.start,
                        "usage: <alias> <module-path> <version> (one require per line inside require ( ... ))",
                    ));
                }
                let (r, s) = self.require(&toks, full.clone(), Some(file.blocks.len()), &file, &mut index)?;
                file.requires.push(r);
                file.syntax.push(s);
                continue;
            }
            match first.text {
                "module" => {
                    if seen_module {
                        return Err(self.error(
                            first.range.start,
                            format!("repeated module directive (first at {}); a gox.mod has one", file.module_pos),
                        ));
                    }
                    if toks.len() != 2 {
                        return Err(self.error(first.range.start, "usage: module <module-path>"));
                    }
                    let path = &toks[1];
                    check_module_path(path.text)
                        .map_err(|err| self.error(path.range.start, format!("{err}; {MODULE_PATH_RULE}")))?;
                    seen_module = true;
                    file.module_path = path.text.to_string();
                    file.module_pos = self.pos(first.range.start);
                }
                "require" => {
                    if toks.get(1).is_some_and(|t| t.text == "(") {
                        if let Some(extra) = toks.get(2) {
                            return Err(self.error(
                                extra.range.start,
                                format!(
                                    "unexpected \"{}\" after \"require (\"; expected end of line, then one require per line",
                                    extra.text
                                ),
                            ));
                        }
                        open = Some((toks[1].range.start, full.clone()));
                        continue;
                    }
                    if toks.len() != 4 || toks.iter().any(|t| t.text == "(" || t.text == ")") {
                        return Err(self.error(first.range.start, "usage: require <alias> <module-path> <version>"));
                    }
                    let (r, s) = self.require(&toks[1..], full.clone(), None, &file, &mut index)?;
                    file.requires.push(r);
                    file.syntax.push(s);
                }
                ")" => {
                    return Err(self.error(first.range.start, "unexpected \")\"; no require block is open"));
                }
                other => {
                    return Err(self.error(
                        first.range.start,
                        format!("unknown directive \"{other}\"; expected \"module\" or \"require\""),
                    ));
                }
            }
        }
        if let Some((paren, _)) = open {
            return Err(self.error(paren, "require block is not closed; expected \")\" on a line of its own"));
        }
        if !seen_module {
            return Err(self.error(0, "missing module directive; expected \"module <module-path>\""));
        }
        Ok(file)
    }
}

impl ModFile {
    /// Parses and validates `text`; `path_for_messages` is the file named in errors.
    pub fn parse(path_for_messages: &Path, text: &str) -> Result<ModFile, ModError> {
        let line_starts = std::iter::once(0)
            .chain(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1))
            .collect();
        Parser { path: path_for_messages, text, line_starts }.parse()
    }

    /// The `module` path.
    pub fn module_path(&self) -> &str {
        &self.module_path
    }

    /// Where the `module` directive is.
    pub fn module_pos(&self) -> &FilePos {
        &self.module_pos
    }

    /// The file named in errors.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The requires, in file order.
    pub fn requires(&self) -> &[Require] {
        &self.requires
    }

    /// The require declaring `alias`.
    pub fn require_by_alias(&self, alias: &str) -> Option<&Require> {
        self.requires.iter().find(|r| r.alias == alias)
    }

    /// The require of `module_path`.
    pub fn require_by_path(&self, module_path: &str) -> Option<&Require> {
        self.requires.iter().find(|r| r.module_path == module_path)
    }

    /// The position of a require's module path and version tokens.
    pub fn require_positions(&self, index: usize) -> Option<(FilePos, FilePos)> {
        let s = self.syntax.get(index)?;
        Some((
            FilePos::at(&self.path, &self.text, s.module_path.start),
            FilePos::at(&self.path, &self.text, s.version.start),
        ))
    }

    /// The current text (after any edits).
    pub fn text(&self) -> &str {
        &self.text
    }

    fn newline(&self) -> &'static str {
        if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }

    fn reparse(&mut self, text: String) -> Result<(), ModError> {
        *self = ModFile::parse(&self.path, &text)?;
        Ok(())
    }

    /// Sets the require of `alias` to `module_path` at `version`: replaces the
    /// require with that alias (or, failing that, the require of that module
    /// path) in place, or adds a new one (inside the last require block, else
    /// after the last require line, else at the end of the file).
    pub fn add_or_replace_require(&mut self, alias: &str, module_path: &str, version: &Version) -> Result<(), ModError> {
        let arg_error = |message: String| ModError { pos: None, message };
        check_alias(alias).map_err(|why| arg_error(format!("invalid alias \"{alias}\": {why}")))?;
        check_module_path(module_path).map_err(|err| arg_error(format!("{err}; {MODULE_PATH_RULE}")))?;
        let version_text = format!("v{version}");
        let by_alias = self.requires.iter().position(|r| r.alias == alias);
        let by_path = self.requires.iter().position(|r| r.module_path == module_path);
        if let (Some(a), Some(p)) = (by_alias, by_path) {
            if a != p {
                let other = &self.requires[p];
                return Err(ModError {
                    pos: Some(FilePos::at(&self.path, &self.text, self.syntax[p].module_path.start)),
                    message: format!(
                        "module {module_path} is already required as \"{}\"; remove that require or use alias \"{}\"",
                        other.alias, other.alias
                    ),
                });
            }
        }
        let mut text = self.text.clone();
        match by_alias.or(by_path) {
            Some(i) => {
                let s = &self.syntax[i];
                // Replace from the last token backwards so earlier ranges stay valid.
                text.replace_range(s.version.clone(), &version_text);
                text.replace_range(s.module_path.clone(), module_path);
                text.replace_range(s.alias.clone(), alias);
            }
            None => {
                let nl = self.newline();
                if let Some(block) = self.blocks.last() {
                    let indent = self
                        .syntax
                        .iter()
                        .rev()
                        .find(|s| s.block == Some(self.blocks.len() - 1))
                        .map(|s| self.text[s.line.start..s.alias.start].to_string())
                        .unwrap_or_else(|| "\t".to_string());
                    let line = format!("{indent}{alias} {module_path} {version_text}{nl}");
                    text.insert_str(block.close.start, &line);
                } else if let Some(last) = self.syntax.last() {
                    let mut at = last.line.end;
                    let mut line = format!("require {alias} {module_path} {version_text}{nl}");
                    if !text[..at].ends_with('\n') {
                        line.insert_str(0, nl);
                        at = text.len();
                    }
                    text.insert_str(at, &line);
                } else {
                    if !text.is_empty() && !text.ends_with('\n') {
                        text.push_str(nl);
                    }
                    if !text.is_empty() && !text.ends_with(&format!("{nl}{nl}")) {
                        text.push_str(nl);
                    }
                    text.push_str(&format!("require {alias} {module_path} {version_text}{nl}"));
                }
            }
        }
        self.reparse(text)
    }

    /// Removes the require of `alias` (its whole line, with any comment on
    /// it; a block left with nothing but blank lines goes too). Returns the
    /// removed require, or `None` when no require has that alias.
    pub fn remove_require(&mut self, alias: &str) -> Result<Option<Require>, ModError> {
        let Some(i) = self.requires.iter().position(|r| r.alias == alias) else {
            return Ok(None);
        };
        let removed = self.requires[i].clone();
        let s = &self.syntax[i];
        let mut range = s.line.clone();
        if let Some(b) = s.block {
            let block = &self.blocks[b];
            let inner = &self.text[block.open.end..block.close.start];
            let rest_blank = inner[..s.line.start - block.open.end].trim().is_empty()
                && inner[s.line.end - block.open.end..].trim().is_empty();
            if rest_blank {
                range = block.open.start..block.close.end;
            }
        }
        let mut text = self.text.clone();
        text.replace_range(range, "");
        self.reparse(text)?;
        Ok(Some(removed))
    }
}

impl fmt::Display for ModFile {
    /// The (edited) text of the file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

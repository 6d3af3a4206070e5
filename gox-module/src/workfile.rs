//! `gox.work`: a workspace of modules developed together, as Go's go.work.
//!
//! ```text
//! // Comments run from // to the end of the line.
//! use ./shop
//! use (
//!     ./money
//!     ../libs/router
//! )
//! ```
//!
//! Each `use` names a directory holding a gox.mod, relative to the
//! directory of gox.work (or absolute). A command run in any directory
//! under gox.work uses each listed module from its directory instead of its
//! `.goxdeps` copy, wherever a module of the build requires it. Every
//! error names `file:line:col`; a directory listed twice, a directory
//! without gox.mod and two directories declaring the same module are errors.

use std::fmt;
use std::path::{Path, PathBuf};

use gox_common::FileSystem;

use crate::closure::{WorkModule, MOD_FILE_NAME};
use crate::error::FilePos;
use crate::modfile::{lines, tokenize, ModError, ModFile};

/// The name of the workspace file.
pub const WORK_FILE_NAME: &str = "gox.work";

/// One `use` directive: the directory as written and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    pub dir: String,
    pub pos: FilePos,
}

/// A parsed gox.work that remembers its text (edits append).
#[derive(Clone, Debug)]
pub struct WorkFile {
    path: PathBuf,
    text: String,
    uses: Vec<Use>,
}

impl WorkFile {
    /// A new, empty gox.work at `path`.
    pub fn new(path: &Path) -> WorkFile {
        WorkFile { path: path.to_path_buf(), text: String::new(), uses: Vec::new() }
    }

    /// Parses `text` (the contents of `path`); errors are positioned.
    pub fn parse(path: &Path, text: &str) -> Result<WorkFile, ModError> {
        let error = |offset: usize, message: String| ModError { pos: Some(FilePos::at(path, text, offset)), message };
        let mut uses: Vec<Use> = Vec::new();
        let mut in_block: Option<usize> = None;
        let add = |tok: &crate::modfile::Token<'_>, uses: &mut Vec<Use>| -> Result<(), ModError> {
            let pos = FilePos::at(path, text, tok.range.start);
            if let Some(prev) = uses.iter().find(|u| clean(&u.dir) == clean(tok.text)) {
                return Err(error(
                    tok.range.start,
                    format!("directory {} is used twice (first at {}:{})", tok.text, prev.pos.line, prev.pos.col),
                ));
            }
            uses.push(Use { dir: tok.text.to_string(), pos });
            Ok(())
        };
        for (code, _) in lines(text) {
            let toks = tokenize(&text[code.clone()], code.start);
            let Some(first) = toks.first() else { continue };
            if in_block.is_some() {
                if first.text == ")" {
                    if let Some(extra) = toks.get(1) {
                        return Err(error(extra.range.start, format!("unexpected \"{}\" after \")\"", extra.text)));
                    }
                    in_block = None;
                    continue;
                }
                if toks.len() != 1 || first.text == "(" {
                    return Err(error(first.range.start, "usage: one directory per line inside use ( ... )".into()));
                }
                add(first, &mut uses)?;
                continue;
            }
            match first.text {
                "use" => {
                    if toks.get(1).is_some_and(|t| t.text == "(") {
                        if let Some(extra) = toks.get(2) {
                            return Err(error(extra.range.start, format!("unexpected \"{}\" after \"use (\"", extra.text)));
                        }
                        in_block = Some(toks[1].range.start);
                        continue;
                    }
                    if toks.len() != 2 || toks[1].text == ")" {
                        return Err(error(first.range.start, "usage: use <directory>".into()));
                    }
                    add(&toks[1], &mut uses)?;
                }
                other => {
                    return Err(error(first.range.start, format!("unknown directive \"{other}\"; expected \"use\"")));
                }
            }
        }
        if let Some(paren) = in_block {
            return Err(error(paren, "use block is not closed; expected \")\" on a line of its own".into()));
        }
        Ok(WorkFile { path: path.to_path_buf(), text: text.to_string(), uses })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn uses(&self) -> &[Use] {
        &self.uses
    }

    /// The directory a `use` names, absolute and without `.`/`..`.
    pub fn dir_of(&self, u: &Use) -> PathBuf {
        let base = self.path.parent().unwrap_or(Path::new("/"));
        gox_common::paths::normalize(&base.join(&u.dir))
    }

    /// The modules of the workspace: for each `use`, the module its
    /// gox.mod declares. A directory without gox.mod, a broken gox.mod and
    /// two directories of one module are errors at the `use`.
    pub fn modules<F: FileSystem + ?Sized>(&self, fs: &F) -> Result<Vec<WorkModule>, ModError> {
        let mut out: Vec<(WorkModule, &Use)> = Vec::new();
        for u in &self.uses {
            let dir = self.dir_of(u);
            let at = |message: String| ModError { pos: Some(u.pos.clone()), message };
            if !fs.is_dir(&dir) {
                return Err(at(format!("directory {} does not exist", u.dir)));
            }
            let mod_path = dir.join(MOD_FILE_NAME);
            if !fs.is_file(&mod_path) {
                return Err(at(format!("directory {} holds no gox.mod", u.dir)));
            }
            let text = fs.read_to_string(&mod_path).map_err(|e| at(format!("{e}")))?;
            let m = ModFile::parse(&mod_path, &text)?;
            if let Some((_, first)) = out.iter().find(|(w, _)| w.path == m.module_path()) {
                return Err(at(format!(
                    "module {} is used twice: by {} and by {} (first at {}:{})",
                    m.module_path(),
                    first.dir,
                    u.dir,
                    first.pos.line,
                    first.pos.col
                )));
            }
            out.push((WorkModule { path: m.module_path().to_string(), dir }, u));
        }
        Ok(out.into_iter().map(|(w, _)| w).collect())
    }

    /// Adds `use <dir>` (written as given) unless the directory is listed.
    /// Returns whether the file changed.
    pub fn add_use(&mut self, dir: &str) -> Result<bool, ModError> {
        if self.uses.iter().any(|u| clean(&u.dir) == clean(dir)) {
            return Ok(false);
        }
        let mut text = self.text.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!("use {dir}\n"));
        *self = WorkFile::parse(&self.path, &text)?;
        Ok(true)
    }
}

impl fmt::Display for WorkFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A directory as written, compared without `./` and trailing slashes.
fn clean(dir: &str) -> String {
    gox_common::paths::normalize(Path::new(dir)).to_string_lossy().trim_end_matches('/').to_string()
}

/// The gox.work at or above `start`, if any.
pub fn find_work_file<F: FileSystem + ?Sized>(fs: &F, start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|d| d.join(WORK_FILE_NAME)).find(|p| fs.is_file(p))
}

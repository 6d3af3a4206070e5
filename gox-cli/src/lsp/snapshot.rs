//! [`Snapshot`]: one analysis of the open packages at one generation of the
//! buffers, immutable, shared by the requests answered from it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gox_analysis::{Info, Obj};
use gox_common::{FileId, SourceFile, Span};
use gox_syntax::ast;
use lsp_types::{Location, Position, TextDocumentIdentifier, TextDocumentPositionParams};

use super::convert::{self, Encoding, StdMirror};
use super::overlay::Buffers;
use super::LspError;
use crate::driver::analyze::{Analysis, CheckedUnit};
use crate::Workspace;

pub struct Snapshot {
    /// The buffers' generation this snapshot saw.
    pub generation: u64,
    pub root: PathBuf,
    pub buffers: Buffers,
    /// The workspace and the analysis of the open packages (and all they
    /// import); `None` when the workspace could not be opened (a broken
    /// gox.mod, reported there).
    pub analyzed: Option<(Workspace, Analysis)>,
    /// Syntax trees parsed on demand (the open files, declaring files of
    /// hovered objects), by file of the analysis' map.
    asts: Mutex<HashMap<FileId, Arc<ast::File>>>,
}

/// What a request needs besides its params.
pub struct Ctx<'a> {
    pub snap: &'a Snapshot,
    pub enc: Encoding,
    pub mirror: &'a StdMirror,
}

/// A position in a checked file.
pub struct At<'a> {
    pub file: Arc<SourceFile>,
    pub offset: u32,
    pub unit: &'a CheckedUnit,
    pub info: &'a Info,
    pub ast: Arc<ast::File>,
}

impl Snapshot {
    pub fn new(generation: u64, root: PathBuf, buffers: Buffers, analyzed: Option<(Workspace, Analysis)>) -> Snapshot {
        Snapshot { generation, root, buffers, analyzed, asts: Mutex::new(HashMap::new()) }
    }

    pub fn analysis(&self) -> Option<&Analysis> {
        self.analyzed.as_ref().map(|(_, a)| a)
    }

    pub fn workspace(&self) -> Option<&Workspace> {
        self.analyzed.as_ref().map(|(w, _)| w)
    }

    /// The source file at `path` in this snapshot.
    pub fn file(&self, path: &Path) -> Option<Arc<SourceFile>> {
        let analysis = self.analysis()?;
        analysis.map.find(path).map(|id| analysis.map.file(id))
    }

    /// The unit `file` belongs to.
    pub fn unit_of(&self, file: FileId) -> Option<&CheckedUnit> {
        self.analysis()?.units.iter().find(|u| u.unit.files.iter().any(|f| f.id == file))
    }

    /// The syntax tree of `file`, parsed once per snapshot.
    pub fn ast(&self, file: &SourceFile) -> Arc<ast::File> {
        let mut asts = self.asts.lock().unwrap_or_else(|e| e.into_inner());
        asts.entry(file.id).or_insert_with(|| Arc::new(gox_syntax::parse_file(file).0)).clone()
    }

    /// Whether `path` is a file of the root module (not of std, not of a
    /// dependency in `.goxdeps`).
    pub fn in_module(&self, path: &Path) -> bool {
        path.starts_with(&self.root) && !path.starts_with(self.root.join(gox_module::goxdeps::GOXDEPS_DIR))
    }
}

impl Ctx<'_> {
    /// The path a document URI names (a mirrored std file as its `/$std` path).
    pub fn path(&self, doc: &TextDocumentIdentifier) -> Result<PathBuf, LspError> {
        Ok(self.mirror.to_virtual(&convert::uri_to_path(&doc.uri)?))
    }

    /// The checked file a document names.
    pub fn source(&self, doc: &TextDocumentIdentifier) -> Result<Arc<SourceFile>, LspError> {
        let path = self.path(doc)?;
        self.snap.file(&path).ok_or_else(|| LspError::UnknownFile(format!("no package of the workspace holds {}", path.display())))
    }

    /// The byte offset of `pos` in `file`.
    pub fn offset(&self, file: &SourceFile, pos: Position) -> Result<u32, LspError> {
        convert::offset(&file.text(), file.line_starts(), pos, self.enc)
    }

    /// A position in a file whose package was checked with Info.
    pub fn at(&self, params: &TextDocumentPositionParams) -> Result<At<'_>, LspError> {
        let file = self.source(&params.text_document)?;
        let offset = self.offset(&file, params.position)?;
        let unit = self.snap.unit_of(file.id).ok_or_else(|| LspError::UnknownFile(format!("{} is in no package", file.path.display())))?;
        let info = unit.info.as_ref().ok_or_else(|| {
            LspError::UnknownFile(format!("{} is not open in the editor; open it first", file.path.display()))
        })?;
        let ast = self.snap.ast(&file);
        Ok(At { file, offset, unit, info, ast })
    }

    /// Where `span` is, as the editor can open it.
    pub fn location(&self, span: Span) -> Option<Location> {
        let analysis = self.snap.analysis()?;
        let file = analysis.map.get(span.file)?;
        if file.path_only {
            return None;
        }
        let range = convert::range(&file, span, self.enc);
        Some(Location { uri: convert::path_to_uri(&self.mirror.to_disk(&file.path)), range })
    }

    /// Where `obj` is declared; `None` for predeclared objects.
    pub fn declaration(&self, obj: &Obj) -> Option<Location> {
        obj.pkg.as_ref()?;
        self.location(obj.span)
    }
}

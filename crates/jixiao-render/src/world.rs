//! The Typst `World` a form is compiled in: the template's files, the bundled (and the
//! user's) fonts, and the declaration served as `/data.json` — nothing else. No file
//! outside the template, no package download, no network, no clock.

use std::collections::HashMap;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::fonts::FontSet;
use crate::template::{Template, DATA_PATH};

/// Everything that stays the same from one document to the next: the library, the
/// fonts and the template's parsed sources. Build it once, render many documents.
pub(crate) struct Workspace {
    /// Typst's standard library, shared by every document (and every workspace).
    library: &'static LazyHash<Library>,
    /// The font book Typst selects from (bundled faces first, then the user's).
    book: LazyHash<FontBook>,
    /// The fonts, by the index the book refers to.
    fonts: FontSet,
    /// The template the documents are laid out with.
    template: Template,
    /// The template's Typst sources by file id, each parsed when a document first reads
    /// it (`None`: not UTF-8) and then reused by every document. Not before: a renderer
    /// has a workspace for every kind, and a single render uses one.
    sources: HashMap<FileId, OnceLock<Option<Source>>>,
    /// Every file of the template, by file id.
    files: HashMap<FileId, Bytes>,
    /// The template's main file.
    main: FileId,
    /// The id `/data.json` is served under.
    data: FileId,
    /// The files an archival render adds (see [`jixiao_archive`]).
    archive: ArchiveIds,
}

/// Where an archival render's extra files live: a wrapper main that sets the archival
/// metadata, includes the template's main file and attaches the declaration, plus the
/// two data files it reads. Fixed paths, so the global pool of file ids never grows.
struct ArchiveIds {
    main: FileId,
    /// The wrapper, parsed at its first archival render.
    wrapper: OnceLock<Source>,
    meta: FileId,
    source: FileId,
}

/// The wrapper main of an archival render. Everything that varies (metadata, the
/// declaration's bytes, the template's main path) is read as data, never spliced in.
const ARCHIVE_WRAPPER: &str = r#"// jixiao: archival render (PDF/A-3b) — metadata, the template, the attached source.
#let meta = json("/.jixiao/archive.json")
#set text(lang: "zh", region: "cn")
#include meta.main
#set document(
  title: meta.title,
  author: meta.author,
  description: meta.subject,
  keywords: meta.keywords,
  date: datetime(year: meta.date.year, month: meta.date.month, day: meta.date.day),
)
#pdf.attach(
  meta.attachment,
  read("/.jixiao/source", encoding: none),
  relationship: "source",
  mime-type: meta.mime,
  description: meta.description,
)
"#;

/// The directory of the archival files; a template may not use it.
pub(crate) const RESERVED_DIR: &str = "/.jixiao/";

/// The data of one archival render: `/.jixiao/archive.json` and the source file's bytes
/// (the declaration, or the spreadsheet it was imported from; its name and MIME type
/// are in the metadata).
#[derive(Clone)]
pub(crate) struct ArchiveFiles {
    /// JSON of [`jixiao_core::metadata::ArchiveMeta`].
    pub meta: Bytes,
    /// The source file, byte for byte.
    pub source: Bytes,
}

/// Interns a project path. Template paths are few and fixed for the whole process, so
/// the global pool of file ids does not grow with the number of documents.
fn project_file(vpath: &str) -> Option<FileId> {
    VirtualPath::new(vpath)
        .ok()
        .map(|v| RootedPath::new(VirtualRoot::Project, v).intern())
}

/// Typst's standard library, built once per process for every workspace.
fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
}

impl Workspace {
    /// Prepares a workspace for `template` with `fonts`.
    pub(crate) fn new(template: Template, fonts: FontSet) -> Result<Workspace, String> {
        let mut files = HashMap::new();
        let mut sources = HashMap::new();
        for (vpath, bytes) in &template.files {
            let id = project_file(vpath).ok_or_else(|| format!("invalid template path {vpath}"))?;
            if vpath.ends_with(".typ") {
                sources.insert(id, OnceLock::new());
            }
            files.insert(id, bytes.clone());
        }
        let main = project_file(&template.main_path())
            .ok_or_else(|| format!("invalid main path {}", template.main_path()))?;
        let data = project_file(DATA_PATH).ok_or("invalid data path")?;
        if let Some(vpath) = template.files.keys().find(|p| p.starts_with(RESERVED_DIR)) {
            return Err(format!(
                "模板文件 {vpath} 位于 jixiao 保留的目录 {RESERVED_DIR} 中 / template files may not live in {RESERVED_DIR}"
            ));
        }
        let archive_main =
            project_file("/.jixiao/archive.typ").ok_or("invalid archive wrapper path")?;
        let archive = ArchiveIds {
            main: archive_main,
            wrapper: OnceLock::new(),
            meta: project_file("/.jixiao/archive.json").ok_or("invalid archive meta path")?,
            source: project_file("/.jixiao/source").ok_or("invalid archive source path")?,
        };
        Ok(Workspace {
            library: library(),
            book: LazyHash::new(fonts.book()),
            fonts,
            template,
            sources,
            files,
            main,
            data,
            archive,
        })
    }

    /// The template this workspace lays out with.
    pub(crate) fn template(&self) -> &Template {
        &self.template
    }

    /// A world for one document whose data is `data` (the JSON of
    /// [`crate::form_data::FormData`]) and whose `today()` is `today`.
    pub(crate) fn document(&self, data: Bytes, today: Option<Datetime>) -> DocumentWorld<'_> {
        DocumentWorld {
            workspace: self,
            data,
            today,
            archive: None,
        }
    }

    /// A world for an archival render of one document: like [`Workspace::document`],
    /// but its main file is the archival wrapper, which sets the metadata, includes the
    /// template's main file and attaches the declaration.
    pub(crate) fn archival_document(
        &self,
        data: Bytes,
        archive: ArchiveFiles,
    ) -> DocumentWorld<'_> {
        DocumentWorld {
            workspace: self,
            data,
            today: None,
            archive: Some(archive),
        }
    }

    /// The template's main file as the archival wrapper includes it (`/main.typ`).
    pub(crate) fn main_path(&self) -> String {
        self.template.main_path()
    }

    /// The path of a file id, as a user would recognise it (for diagnostics).
    pub(crate) fn display_path(&self, id: FileId) -> String {
        let vpath = id.get().vpath().get_with_slash().to_string();
        if id == self.data {
            return "data.json (申报数据 / declaration data)".to_owned();
        }
        if vpath.starts_with(RESERVED_DIR) {
            return format!("<jixiao>{vpath}");
        }
        self.template.display_path(&vpath)
    }
}

/// The world of one document: the shared workspace plus this document's data.
pub(crate) struct DocumentWorld<'a> {
    workspace: &'a Workspace,
    data: Bytes,
    today: Option<Datetime>,
    archive: Option<ArchiveFiles>,
}

impl DocumentWorld<'_> {
    fn check_root(id: FileId) -> FileResult<()> {
        match id.get().root() {
            VirtualRoot::Project => Ok(()),
            VirtualRoot::Package(spec) => Err(FileError::Package(PackageError::Other(Some(
                format!("jixiao 模板不能使用包 {spec} / templates cannot use packages (offline by design)")
                    .into(),
            )))),
        }
    }

    fn not_found(id: FileId) -> FileError {
        FileError::NotFound(id.get().vpath().get_without_slash().into())
    }
}

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.workspace.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.workspace.book
    }

    fn main(&self) -> FileId {
        match self.archive {
            Some(_) => self.workspace.archive.main,
            None => self.workspace.main,
        }
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        Self::check_root(id)?;
        if self.archive.is_some() && id == self.workspace.archive.main {
            let wrapper = &self.workspace.archive.wrapper;
            return Ok(wrapper
                .get_or_init(|| Source::new(id, ARCHIVE_WRAPPER.to_owned()))
                .clone());
        }
        if let Some(parsed) = self.workspace.sources.get(&id) {
            let source = parsed.get_or_init(|| {
                let bytes = self.workspace.files.get(&id)?;
                let text = std::str::from_utf8(bytes).ok()?;
                Some(Source::new(id, text.to_owned()))
            });
            if let Some(source) = source {
                return Ok(source.clone());
            }
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_owned()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        Self::check_root(id)?;
        if id == self.workspace.data {
            return Ok(self.data.clone());
        }
        if let Some(archive) = &self.archive {
            if id == self.workspace.archive.meta {
                return Ok(archive.meta.clone());
            }
            if id == self.workspace.archive.source {
                return Ok(archive.source.clone());
            }
        }
        self.workspace
            .files
            .get(&id)
            .cloned()
            .ok_or_else(|| Self::not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        crate::fonts::wait_prehashed();
        self.workspace.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form_data::FormData;
    use jixiao_core::declaration::Declaration;

    fn sample_data() -> Bytes {
        let text = include_str!("../../../samples/guangzhou-kexie.toml");
        let decl = Declaration::from_toml(text).expect("the sample parses");
        Bytes::new(FormData::new(&decl).to_json())
    }

    #[test]
    fn sources_are_parsed_when_first_read_and_then_reused() {
        let template = Template::builtin("department-target").expect("built-in");
        let workspace = Workspace::new(template, FontSet::bundled()).expect("workspace");
        let grid = project_file("/grid.typ").expect("id");
        assert!(
            workspace.sources[&grid].get().is_none(),
            "parsed before any document read it"
        );
        let first = workspace.document(sample_data(), None).source(grid);
        let again = workspace.document(sample_data(), None).source(grid);
        let (first, again) = (first.expect("grid.typ"), again.expect("grid.typ"));
        assert!(first.text().contains("#let section"));
        // The second document gets the parsed source of the first, not a new parse.
        assert!(std::ptr::eq(first.root(), again.root()));
    }

    #[test]
    fn a_template_file_that_is_not_utf8_is_an_error_not_a_panic() {
        let mut template = Template::builtin("department-target").expect("built-in");
        template
            .files
            .insert("/grid.typ".to_owned(), Bytes::new(vec![0xff, 0xfe, b'#']));
        let workspace = Workspace::new(template, FontSet::bundled()).expect("workspace");
        let grid = project_file("/grid.typ").expect("id");
        let world = workspace.document(sample_data(), None);
        assert!(matches!(world.source(grid), Err(FileError::InvalidUtf8)));
        assert!(matches!(world.source(grid), Err(FileError::InvalidUtf8)));
    }
}

//! Templates: a directory of Typst files plus `form.toml`, the description of the kind of
//! form it prints ([`jixiao_core::kind`]).
//!
//! Every built-in kind's template is compiled into the binary (its `form.toml` and the
//! Typst files the built-in kinds share); `--template DIR` loads a user's copy, which
//! may describe a kind of its own. A template only ever sees its own files and the
//! declaration as data.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::foundations::Bytes;

use jixiao_core::kind::builtin::KIND_FILES;
use jixiao_core::kind::{Kind, Kinds};
use jixiao_core::text;
use jixiao_core::words::{Localized, Text};

/// Typst files every built-in kind shares (a kind's own files take precedence).
pub(crate) const COMMON_FILES: [(&str, &[u8]); 3] = [
    (
        "main.typ",
        include_bytes!("../../../templates/common/main.typ"),
    ),
    (
        "grid.typ",
        include_bytes!("../../../templates/common/grid.typ"),
    ),
    (
        "rows.typ",
        include_bytes!("../../../templates/common/rows.typ"),
    ),
];

/// The virtual path the declaration data is served at; templates read it with
/// `json("/data.json")`. A `data.json` in a template directory (handy for previewing
/// with the plain `typst` CLI) is shadowed by the real data.
pub(crate) const DATA_PATH: &str = "/data.json";

/// A loaded template: the kind it prints and every file, keyed by virtual path
/// (`/main.typ`).
#[derive(Debug, Clone)]
pub struct Template {
    /// The kind, from `form.toml`.
    pub kind: Arc<Kind>,
    /// Every file of the template, by virtual path.
    pub files: BTreeMap<String, Bytes>,
    /// Where the template came from: `None` for a built-in one.
    pub dir: Option<PathBuf>,
}

/// Why a template could not be loaded. Displayed in Chinese; [`Localized::text`]
/// gives both languages.
#[derive(Debug)]
pub enum TemplateError {
    /// A file or directory could not be read.
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The directory has no `form.toml`.
    NoManifest(PathBuf),
    /// `form.toml` is malformed or does not hold together.
    Manifest(Text),
    /// `main` names a file the template does not have.
    NoMain(String),
    /// A symlink points outside the template directory.
    Escapes(PathBuf),
    /// No built-in kind has this name.
    UnknownKind(String),
}

impl Localized for TemplateError {
    fn text(&self) -> Text {
        match self {
            TemplateError::Io { path, source } => {
                let path = path.display();
                text!(
                    "无法读取模板 {path}：{source}",
                    "cannot read the template {path}: {source}"
                )
            }
            TemplateError::NoManifest(dir) => {
                let dir = dir.display();
                text!(
                    "模板目录 {dir} 中没有 form.toml",
                    "the template directory {dir} has no form.toml"
                )
            }
            TemplateError::Manifest(problem) => problem.clone(),
            TemplateError::NoMain(main) => text!(
                "模板中没有主文件 {main}（form.toml 的 main）",
                "the template has no main file {main} (form.toml's main)"
            ),
            TemplateError::Escapes(path) => {
                let path = path.display();
                text!(
                    "模板文件 {path} 指向模板目录之外，已拒绝",
                    "the template file {path} points outside the template directory: refused"
                )
            }
            TemplateError::UnknownKind(name) => text!(
                "没有名为 {name} 的内置表样（jixiao kinds 列出全部）",
                "no built-in kind {name} (jixiao kinds lists them)"
            ),
        }
    }
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().zh)
    }
}

impl std::error::Error for TemplateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TemplateError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Template {
    /// The built-in template of the kind `name`.
    pub fn builtin(name: &str) -> Result<Template, TemplateError> {
        let kind = Kinds::builtin()
            .get(name)
            .cloned()
            .ok_or_else(|| TemplateError::UnknownKind(name.to_owned()))?;
        let files = Template::builtin_files(name)?
            .into_iter()
            .map(|(path, bytes)| (format!("/{path}"), Bytes::new(bytes)))
            .collect();
        Ok(Template {
            kind,
            files,
            dir: None,
        })
    }

    /// The built-in templates, one per built-in kind.
    pub fn builtins() -> Vec<Template> {
        KIND_FILES
            .iter()
            .filter_map(|(name, _)| Template::builtin(name).ok())
            .collect()
    }

    /// The files of the built-in template of `kind`, for copying out (`jixiao template`)
    /// and for tests: the shared Typst files, then the kind's own (which win).
    pub fn builtin_files(kind: &str) -> Result<Vec<(&'static str, &'static [u8])>, TemplateError> {
        let (_, own) = KIND_FILES
            .iter()
            .find(|(name, _)| *name == kind)
            .ok_or_else(|| TemplateError::UnknownKind(kind.to_owned()))?;
        let mut files: Vec<(&'static str, &'static [u8])> = COMMON_FILES
            .iter()
            .filter(|(name, _)| !own.iter().any(|(n, _)| n == name))
            .copied()
            .collect();
        files.extend(own.iter().copied());
        Ok(files)
    }

    /// Loads every file under `dir` (hidden files and directories skipped). Symlinks are
    /// followed only when they stay inside `dir`. The built-in `main.typ`, `grid.typ`
    /// and `rows.typ` fill in for those the directory lacks, so a `form.toml` alone is
    /// a template.
    pub fn load(dir: &Path) -> Result<Template, TemplateError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| TemplateError::Io { path, source }
        };
        let root = dir.canonicalize().map_err(io(dir))?;
        let mut files = BTreeMap::new();
        let walker = walkdir::WalkDir::new(&root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = entry.map_err(|e| TemplateError::Io {
                path: root.clone(),
                source: e.into(),
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let real = entry.path().canonicalize().map_err(io(entry.path()))?;
            if !real.starts_with(&root) {
                return Err(TemplateError::Escapes(entry.path().to_owned()));
            }
            let relative = entry.path().strip_prefix(&root).unwrap_or(entry.path());
            let vpath = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            let data = std::fs::read(&real).map_err(io(&real))?;
            files.insert(vpath, Bytes::new(data));
        }
        let manifest = files
            .get("/form.toml")
            .ok_or_else(|| TemplateError::NoManifest(dir.to_owned()))?;
        let text = std::str::from_utf8(manifest).map_err(|e| {
            TemplateError::Manifest(text!(
                "form.toml 不是 UTF-8 文本：{e}",
                "form.toml is not UTF-8 text: {e}"
            ))
        })?;
        let kind = Kind::from_toml(text).map_err(|e| TemplateError::Manifest(e.text()))?;
        // A directory of a form.toml alone (a regional variant described as data) is
        // printed by the built-in Typst files; a template's own files take precedence.
        for (name, bytes) in COMMON_FILES {
            files
                .entry(format!("/{name}"))
                .or_insert_with(|| Bytes::new(bytes));
        }
        let template = Template {
            kind: Arc::new(kind),
            files,
            dir: Some(root),
        };
        if !template.files.contains_key(&template.main_path()) {
            return Err(TemplateError::NoMain(template.kind.spec.main.clone()));
        }
        Ok(template)
    }

    /// The virtual path of the main Typst file.
    pub fn main_path(&self) -> String {
        format!("/{}", self.kind.spec.main.trim_start_matches('/'))
    }

    /// The real path of a template file, for error messages.
    pub fn display_path(&self, vpath: &str) -> String {
        match &self.dir {
            // A file the directory lacks is a built-in one (see `Template::load`).
            Some(dir) if dir.join(vpath.trim_start_matches('/')).exists() => dir
                .join(vpath.trim_start_matches('/'))
                .display()
                .to_string(),
            Some(_) => format!("templates/common{vpath}"),
            None => {
                let own = KIND_FILES
                    .iter()
                    .find(|(name, _)| *name == self.kind.name())
                    .is_some_and(|(_, files)| files.iter().any(|(n, _)| format!("/{n}") == vpath));
                if own {
                    format!("templates/{}{vpath}", self.kind.name())
                } else {
                    format!("templates/common{vpath}")
                }
            }
        }
    }
}

/// The templates a renderer can use: the built-in ones, and the user's, which add kinds
/// of their own or replace a built-in kind of the same name.
#[derive(Debug, Clone)]
pub struct Templates {
    list: Vec<Template>,
    default: String,
}

impl Templates {
    /// Every built-in template.
    pub fn builtin() -> Templates {
        Templates {
            list: Template::builtins(),
            default: jixiao_core::kind::DEFAULT_KIND.to_owned(),
        }
    }

    /// The built-in templates plus `user` ones. A declaration without `kind = …` is of
    /// the first user template's kind when there is one (so `--template DIR` keeps
    /// working for declarations written before kinds existed).
    pub fn with(user: Vec<Template>) -> Templates {
        let mut all = Templates::builtin();
        if let Some(first) = user.first() {
            all.default = first.kind.name().to_owned();
        }
        for t in user {
            all.list.retain(|b| b.kind.name() != t.kind.name());
            all.list.push(t);
        }
        all
    }

    /// The templates.
    pub fn iter(&self) -> impl Iterator<Item = &Template> {
        self.list.iter()
    }

    /// The template of the kind `name`.
    pub fn get(&self, name: &str) -> Option<&Template> {
        self.list.iter().find(|t| t.kind.name() == name)
    }

    /// The kinds declarations may name.
    pub fn kinds(&self) -> Kinds {
        Kinds::new(
            self.list.iter().map(|t| t.kind.clone()).collect(),
            self.default.clone(),
        )
    }

    /// The default kind's name.
    pub fn default_kind(&self) -> &str {
        &self.default
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_kind_has_a_template_with_its_main_file() {
        let all = Template::builtins();
        assert_eq!(all.len(), KIND_FILES.len());
        for t in &all {
            assert!(t.files.contains_key(&t.main_path()), "{}", t.kind.name());
            assert!(t.files.contains_key("/form.toml"), "{}", t.kind.name());
        }
    }

    #[test]
    fn loads_a_copied_template_and_rejects_escaping_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, data) in Template::builtin_files("department-target").expect("kind") {
            std::fs::write(dir.path().join(name), data).expect("write");
        }
        let t = Template::load(dir.path()).expect("loads");
        assert_eq!(
            *t.kind,
            *Template::builtin("department-target").expect("kind").kind
        );

        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.path().join("leak.txt")).expect("link");
            assert!(matches!(
                Template::load(dir.path()),
                Err(TemplateError::Escapes(_))
            ));
        }
    }

    #[test]
    fn a_directory_without_form_toml_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("main.typ"), "hi").expect("write");
        assert!(matches!(
            Template::load(dir.path()),
            Err(TemplateError::NoManifest(_))
        ));
    }
}

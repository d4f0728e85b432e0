//! Templates: a directory of Typst files plus `form.toml`, the description of one
//! variant of the form (its title and indicator skeleton).
//!
//! The default template is compiled into the binary; `--template DIR` loads a user's copy
//! instead. A template only ever sees its own files and the declaration as data.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use typst::foundations::Bytes;

/// The virtual path the declaration data is served at; templates read it with
/// `json("/data.json")`. A `data.json` in a template directory (handy for previewing
/// with the plain `typst` CLI) is shadowed by the real data.
pub const DATA_PATH: &str = "/data.json";

/// The default template's files, compiled in.
const DEFAULT_FILES: [(&str, &[u8]); 4] = [
    (
        "form.toml",
        include_bytes!("../templates/default/form.toml"),
    ),
    ("main.typ", include_bytes!("../templates/default/main.typ")),
    ("form.typ", include_bytes!("../templates/default/form.typ")),
    ("rows.typ", include_bytes!("../templates/default/rows.typ")),
];

/// `form.toml`: what a template declares about the variant of the form it prints.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The title printed at the top; `{year}` and `{department}` are replaced, e.g.
    /// `{year}年市级部门整体预算绩效目标表`.
    pub title: String,
    /// The Typst file to compile, relative to the template directory.
    #[serde(default = "default_main")]
    pub main: String,
    /// The standard indicator tree, printed in this order even where a department has
    /// no indicator in a branch.
    pub indicator_skeleton: Vec<SkeletonLevel1>,
    /// The indicator value columns the template prints: `period_value` (实施周期指标值)
    /// and/or `annual_value` (年度指标值). A declaration that fills a column the template
    /// does not print is refused, so nothing is dropped silently.
    #[serde(default = "default_indicator_values")]
    pub indicator_values: Vec<IndicatorValue>,
    /// Extra 基本信息 rows the template prints (e.g. 主管部门, 联系人), filled from the
    /// declaration's `[info]` table. A key the template does not declare is refused.
    #[serde(default)]
    pub info_fields: Vec<InfoField>,
    /// Whether the template prints the sign-off block (签署栏: 填报人, 联系电话, 单位负责人,
    /// 填报日期, 单位（盖章）) when a declaration fills it in. A template without it
    /// refuses a filled-in `[signoff]`.
    #[serde(default)]
    pub signoff: bool,
}

/// An indicator value column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorValue {
    /// 实施周期指标值
    PeriodValue,
    /// 年度指标值
    AnnualValue,
}

fn default_indicator_values() -> Vec<IndicatorValue> {
    vec![IndicatorValue::PeriodValue, IndicatorValue::AnnualValue]
}

/// An extra 基本信息 field a template prints.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfoField {
    /// The key in the declaration's `[info]` table, e.g. `contact`.
    pub key: String,
    /// The label printed on the form, e.g. 联系人.
    pub label: String,
}

fn default_main() -> String {
    "main.typ".to_owned()
}

/// One 一级指标 of the skeleton and its 二级指标.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkeletonLevel1 {
    /// 一级指标 name, e.g. 产出指标.
    pub level1: String,
    /// Its 二级指标 names, in print order.
    pub level2: Vec<String>,
}

/// A loaded template: its manifest and every file, keyed by virtual path (`/main.typ`).
#[derive(Debug, Clone)]
pub struct Template {
    /// What `form.toml` says.
    pub manifest: Manifest,
    /// Every file of the template, by virtual path.
    pub files: BTreeMap<String, Bytes>,
    /// Where the template came from: `None` for the built-in one.
    pub dir: Option<PathBuf>,
}

/// Why a template could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// A file or directory could not be read.
    #[error("无法读取模板 {path} / cannot read template: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The directory has no `form.toml`.
    #[error("模板目录 {0} 中没有 form.toml / the template directory has no form.toml")]
    NoManifest(PathBuf),
    /// `form.toml` is malformed.
    #[error("模板的 form.toml 有误 / form.toml is invalid: {0}")]
    Manifest(String),
    /// `main` names a file the template does not have.
    #[error("模板中没有主文件 {0} / the template has no main file {0}")]
    NoMain(String),
    /// A symlink points outside the template directory.
    #[error("模板文件 {0} 指向模板目录之外，已拒绝 / template file points outside the template directory")]
    Escapes(PathBuf),
}

impl Template {
    /// The template compiled into jixiao.
    pub fn builtin() -> Template {
        let files = DEFAULT_FILES
            .iter()
            .map(|(name, data)| (format!("/{name}"), Bytes::new(*data)))
            .collect();
        let manifest = parse_manifest(DEFAULT_FILES[0].1)
            .unwrap_or_else(|e| panic!("the built-in form.toml is invalid: {e}"));
        Template {
            manifest,
            files,
            dir: None,
        }
    }

    /// The built-in template's files, for `jixiao template export`-style copying and
    /// for tests.
    pub fn builtin_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
        DEFAULT_FILES.into_iter()
    }

    /// Loads every file under `dir` (hidden files and directories skipped). Symlinks are
    /// followed only when they stay inside `dir`.
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
        let manifest_bytes = files
            .get("/form.toml")
            .ok_or_else(|| TemplateError::NoManifest(dir.to_owned()))?;
        let manifest = parse_manifest(manifest_bytes)?;
        if !files.contains_key(&format!("/{}", manifest.main.trim_start_matches('/'))) {
            return Err(TemplateError::NoMain(manifest.main));
        }
        Ok(Template {
            manifest,
            files,
            dir: Some(root),
        })
    }

    /// The virtual path of the main Typst file.
    pub fn main_path(&self) -> String {
        format!("/{}", self.manifest.main.trim_start_matches('/'))
    }

    /// The real path of a template file, for error messages.
    pub fn display_path(&self, vpath: &str) -> String {
        match &self.dir {
            Some(dir) => dir
                .join(vpath.trim_start_matches('/'))
                .display()
                .to_string(),
            None => format!("templates/default{vpath}"),
        }
    }
}

fn parse_manifest(bytes: &[u8]) -> Result<Manifest, TemplateError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| TemplateError::Manifest(format!("not UTF-8: {e}")))?;
    toml::from_str(text).map_err(|e| TemplateError::Manifest(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_template_has_the_standard_skeleton() {
        let t = Template::builtin();
        assert_eq!(t.manifest.title, "部门整体预算绩效目标申报表");
        let level2: Vec<_> = t
            .manifest
            .indicator_skeleton
            .iter()
            .flat_map(|l| l.level2.iter())
            .collect();
        assert_eq!(level2.len(), 10);
        assert!(t.files.contains_key(&t.main_path()));
    }

    #[test]
    fn loads_a_copied_template_and_rejects_escaping_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, data) in Template::builtin_files() {
            std::fs::write(dir.path().join(name), data).expect("write");
        }
        let t = Template::load(dir.path()).expect("loads");
        assert_eq!(t.manifest, Template::builtin().manifest);

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

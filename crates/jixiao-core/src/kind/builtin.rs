//! The built-in kinds: their descriptions and template files, compiled into the binary,
//! and the registry a declaration's `kind` is looked up in.

use std::sync::{Arc, OnceLock};

use super::Kind;
use crate::finding::{Finding, Text};

/// A template file: its name and bytes.
pub type File = (&'static str, &'static [u8]);

/// Each built-in kind's directory under `templates/` and its files.
pub const KIND_FILES: [(&str, &[File]); 8] = [
    (
        "department-target",
        &[(
            "form.toml",
            include_bytes!("../../../../templates/department-target/form.toml"),
        )],
    ),
    (
        "department-target-table",
        &[(
            "form.toml",
            include_bytes!("../../../../templates/department-target-table/form.toml"),
        )],
    ),
    (
        "department-self-evaluation",
        &[(
            "form.toml",
            include_bytes!("../../../../templates/department-self-evaluation/form.toml"),
        )],
    ),
    (
        "project-target",
        &[(
            "form.toml",
            include_bytes!("../../../../templates/project-target/form.toml"),
        )],
    ),
    (
        "project-application",
        &[(
            "form.toml",
            include_bytes!("../../../../templates/project-application/form.toml"),
        )],
    ),
    (
        "project-self-evaluation",
        &[(
            "form.toml",
            include_bytes!("../../../../templates/project-self-evaluation/form.toml"),
        )],
    ),
    (
        "project-self-evaluation-weighted",
        &[(
            "form.toml",
            include_bytes!("../../../../templates/project-self-evaluation-weighted/form.toml"),
        )],
    ),
    (
        "project-monitoring",
        &[(
            "form.toml",
            include_bytes!("../../../../templates/project-monitoring/form.toml"),
        )],
    ),
];

/// The kind a declaration without `kind = …` is.
pub const DEFAULT_KIND: &str = "department-target";

/// A set of kinds declarations may name.
#[derive(Debug, Clone)]
pub struct Kinds {
    kinds: Vec<Arc<Kind>>,
    default: String,
}

impl Kinds {
    /// The built-in kinds (parsed once per process).
    pub fn builtin() -> &'static Kinds {
        static BUILTIN: OnceLock<Kinds> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let kinds = KIND_FILES
                .iter()
                .map(|(dir, files)| {
                    let text = files
                        .iter()
                        .find(|(name, _)| *name == "form.toml")
                        .and_then(|(_, bytes)| std::str::from_utf8(bytes).ok())
                        .unwrap_or_else(|| panic!("templates/{dir}/form.toml is missing"));
                    let kind = Kind::from_toml(text)
                        .unwrap_or_else(|e| panic!("templates/{dir}/form.toml: {e}"));
                    Arc::new(kind)
                })
                .collect();
            Kinds {
                kinds,
                default: DEFAULT_KIND.to_owned(),
            }
        })
    }

    /// A set of kinds; `default` is the kind of a declaration without `kind = …`.
    pub fn new(kinds: Vec<Arc<Kind>>, default: impl Into<String>) -> Kinds {
        Kinds {
            kinds,
            default: default.into(),
        }
    }

    /// The kinds, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Kind>> {
        self.kinds.iter()
    }

    /// The kind called `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<Kind>> {
        self.kinds.iter().find(|k| k.name() == name)
    }

    /// The name of the default kind.
    pub fn default_name(&self) -> &str {
        &self.default
    }

    /// The kind a declaration names (`None`: the default one); an unknown name is a
    /// finding that lists the kinds and suggests the closest.
    pub fn resolve(&self, name: Option<&str>) -> Result<Arc<Kind>, Box<Finding>> {
        let wanted = name.map(str::trim).unwrap_or(&self.default);
        if let Some(kind) = self.get(wanted) {
            return Ok(kind.clone());
        }
        let names: Vec<&str> = self.kinds.iter().map(|k| k.name()).collect();
        let nearest = names
            .iter()
            .map(|n| (strsim::jaro_winkler(wanted, n), *n))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| n);
        let help = match nearest {
            Some(n) => Text::new(
                format!("您是不是想写 \"{n}\"？可用的表样：{}", names.join(", ")),
                format!("did you mean \"{n}\"? kinds: {}", names.join(", ")),
            ),
            None => Text::new(
                format!("可用的表样：{}（jixiao kinds 列出全部）", names.join(", ")),
                format!("kinds: {} (jixiao kinds lists them)", names.join(", ")),
            ),
        };
        Err(Box::new(
            Finding::error(
                "unknown-kind",
                super::common::KIND,
                Text::new(
                    format!("未知的表样 \"{wanted}\""),
                    format!("unknown kind \"{wanted}\""),
                ),
            )
            .label("表样（kind）")
            .help(help),
        ))
    }
}

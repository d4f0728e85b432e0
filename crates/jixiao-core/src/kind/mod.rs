//! Form kinds: every kind of budget-performance form jixiao prints, each described once,
//! as data, in its template's `form.toml` ([`spec::KindSpec`]).
//!
//! A description says what a declaration of the kind holds (its fields, their form
//! labels and types, what is required), how the form lays them out (its sections) and
//! what arithmetic a reviewer checks. Everything else follows from it: the parser and
//! the checks ([`crate::declaration`], [`crate::check`]), the JSON Schema
//! ([`crate::schema`]), `jixiao init` blanks ([`crate::init`]), and the data the
//! template prints (`jixiao_render::form_data`, [`crate::layout`]). A regional variant is a
//! new description and a template directory, not a change in Rust.

pub mod builtin;
pub mod cells;
pub mod paths;
pub mod reference;
pub mod spec;
pub mod tree;
mod validate;

use std::sync::Arc;

pub use builtin::{Kinds, DEFAULT_KIND};
use spec::{FieldSpec, SectionSpec, TreeSpec};
pub use spec::{FieldType, KindSpec, Level};
pub use tree::Tree;

use crate::words::{Localized, Text};

/// Keys every kind has, whatever its description says.
pub mod common {
    /// `kind = "…"`: which form the declaration is.
    pub const KIND: &str = "kind";
    /// `date = 2025-01-20`: the document's date (PDF metadata; required for archives).
    pub const DATE: &str = "date";
    /// `archive = true`: render as an archival PDF/A-3b.
    pub const ARCHIVE: &str = "archive";
    /// The year every kind declares (printed in titles, used by the archive store).
    pub const YEAR: &str = "year";
    /// The sign-off table, when a kind has one: its `date` is the document date's
    /// fallback.
    pub const SIGNOFF: &str = "signoff";
}

/// One field of a kind, with everything the parser, the checks and the template need.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key.
    pub key: String,
    /// The label printed on the form.
    pub label: String,
    /// The heading the label sits under (e.g. `部门预算支出`), if any.
    pub group: Option<String>,
    /// The label diagnostics show: the heading or the enclosing field's label, then this
    /// one, e.g. `部门预算支出 · 基本支出`, `年度重点工作任务 · 主要实施内容`.
    pub title: String,
    /// What it holds.
    pub kind: FieldType,
    /// Must be present and not blank.
    pub required: bool,
    /// Leaving it out or blank is reported at this level.
    pub empty: Option<Level>,
    /// What to write here (Chinese).
    pub about: String,
    /// For choices: the options.
    pub options: Vec<String>,
    /// For derived percentages: decimals.
    pub decimals: u32,
    /// For tables and lists: the inner fields.
    pub fields: Vec<Field>,
    /// For lists: item keys that must not repeat together.
    pub unique: Vec<String>,
    /// For lists: sets of item keys of which one must be filled in.
    pub one_of: Vec<Vec<String>>,
    /// For indicator lists: the tree.
    pub tree: Option<Arc<Tree>>,
    /// For tables: printed only when filled in.
    pub optional_block: bool,
    /// For amounts: may be negative.
    pub negative: bool,
    /// For choices: what the cell of one option shows when it is chosen.
    pub mark: String,
    /// A key every kind has (`kind`, `date`, `archive`), not from the description.
    pub common: bool,
}

impl Field {
    /// The inner field `key`, for tables and lists.
    pub fn child(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Whether the field is a container (table or list).
    pub fn is_container(&self) -> bool {
        matches!(self.kind, FieldType::Table | FieldType::List)
    }
}

/// A kind of form, validated and indexed: see the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
pub struct Kind {
    /// The description as written.
    pub spec: KindSpec,
    /// The top-level fields, in form order, the common keys included.
    pub fields: Vec<Field>,
}

/// A description that does not hold together: what is wrong and where, naming the key.
/// Displayed in Chinese; [`Localized::text`] gives both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindError(pub Text);

impl Localized for KindError {
    fn text(&self) -> Text {
        self.0.after(&crate::text!(
            "表样说明 form.toml 有误",
            "the form description form.toml is invalid"
        ))
    }
}

impl std::fmt::Display for KindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().zh)
    }
}

impl std::error::Error for KindError {}

impl Kind {
    /// Reads and validates a description (the text of a `form.toml`). A key the
    /// format does not have is an error naming it, its line and the keys allowed there
    /// (the reference of every key: [`reference`](mod@reference)).
    pub fn from_toml(text: &str) -> Result<Kind, KindError> {
        let spec: KindSpec = toml::from_str(text).map_err(|e| {
            let message = e.to_string();
            let message = message.trim_end();
            KindError(crate::text!("{message}", "{message}"))
        })?;
        Kind::from_spec(spec)
    }

    /// Validates a description and indexes its fields.
    pub fn from_spec(spec: KindSpec) -> Result<Kind, KindError> {
        let mut fields = vec![common_kind_field()];
        for f in &spec.fields {
            fields.push(build_field(f, None, None)?);
        }
        fields.push(common_field(
            common::DATE,
            "文档日期",
            FieldType::Date,
            "写入 PDF 元数据的日期（不打印），如 2025-01-20；归档（PDF/A）时必填，未填时取签署栏的填报日期。",
        ));
        fields.push(common_field(
            common::ARCHIVE,
            "归档",
            FieldType::Boolean,
            "true：生成归档用的 PDF/A-3b，并把本申报文件附在 PDF 中（同 --archive）。",
        ));
        let kind = Kind { spec, fields };
        validate::validate(&kind)?;
        Ok(kind)
    }

    /// The kind's name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The title for `year`.
    pub fn title(&self, year: i32) -> String {
        self.spec.title.replace("{year}", &year.to_string())
    }

    /// The second title line for `year` (empty when the form has none).
    pub fn subtitle(&self, year: i32) -> String {
        self.spec.subtitle.replace("{year}", &year.to_string())
    }

    /// The title without the year (for listings, metadata and the schema):
    /// `{year}年度项目支出绩效自评表` → `项目支出绩效自评表`.
    /// A year in brackets goes with its brackets: `项目绩效目标表（{year}年度）` →
    /// `项目绩效目标表`.
    pub fn generic_title(&self) -> String {
        let mut t = self.spec.title.clone();
        for placeholder in ["{year}年度", "{year}年", "{year}"] {
            t = t.replace(placeholder, "");
        }
        without_empty_brackets(&t).trim().to_owned()
    }

    /// The top-level field `key`.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The field at a key path (`tasks[0].rows[1].amount` or `tasks[].rows[].amount`).
    pub fn field_at(&self, path: &str) -> Option<&Field> {
        let mut fields = &self.fields;
        let mut found = None;
        for key in paths::keys(path) {
            let field = fields.iter().find(|f| f.key == key)?;
            fields = &field.fields;
            found = Some(field);
        }
        found
    }

    /// The diagnostic label of the field at `path`.
    pub fn title_of(&self, path: &str) -> Option<&str> {
        self.field_at(path).map(|f| f.title.as_str())
    }

    /// The layout.
    pub fn sections(&self) -> &[SectionSpec] {
        &self.spec.sections
    }

    /// Every field, depth first, with its spec path (`tasks[].rows[].amount`).
    pub fn walk(&self) -> Vec<(String, &Field)> {
        fn go<'a>(prefix: &str, fields: &'a [Field], out: &mut Vec<(String, &'a Field)>) {
            for f in fields {
                let path = paths::join(prefix, &f.key);
                out.push((path.clone(), f));
                let inner = if f.kind == FieldType::List {
                    format!("{path}[]")
                } else {
                    path
                };
                go(&inner, &f.fields, out);
            }
        }
        let mut out = Vec::new();
        go("", &self.fields, &mut out);
        out
    }
}

/// `text` without bracket pairs that hold nothing but spaces (`（）`, `( )`, `【】`).
fn without_empty_brackets(text: &str) -> String {
    const PAIRS: [(char, char); 5] = [
        ('（', '）'),
        ('(', ')'),
        ('【', '】'),
        ('[', ']'),
        ('〔', '〕'),
    ];
    let mut out = text.to_owned();
    loop {
        let chars: Vec<char> = out.chars().collect();
        let mut cut = None;
        for (i, c) in chars.iter().enumerate() {
            let Some(&(_, close)) = PAIRS.iter().find(|(open, _)| open == c) else {
                continue;
            };
            let inner = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_whitespace() || **c == '\u{3000}')
                .count();
            if chars.get(i + 1 + inner) == Some(&close) {
                cut = Some((i, i + inner + 2));
                break;
            }
        }
        match cut {
            Some((from, to)) => {
                out = chars[..from].iter().chain(&chars[to..]).collect();
            }
            None => return out,
        }
    }
}

fn common_kind_field() -> Field {
    let mut f = common_field(
        common::KIND,
        "表样",
        FieldType::Text,
        "申报表的种类，如 \"department-target\"；jixiao kinds 列出全部。不写时为部门整体预算绩效目标申报表。",
    );
    f.title = "表样（kind）".to_owned();
    f
}

fn common_field(key: &str, label: &str, kind: FieldType, about: &str) -> Field {
    Field {
        key: key.to_owned(),
        label: label.to_owned(),
        group: None,
        title: label.to_owned(),
        kind,
        required: false,
        empty: None,
        about: about.to_owned(),
        options: Vec::new(),
        decimals: 2,
        fields: Vec::new(),
        unique: Vec::new(),
        one_of: Vec::new(),
        tree: None,
        optional_block: false,
        negative: false,
        mark: String::new(),
        common: true,
    }
}

/// Builds a field. Diagnostics title a field `heading · label`: the heading is its
/// `group`, else `context` — the label of the table it sits in, or for the items of a
/// list the top-level field's label (`预算整体情况 · …`, `年度资金总额 · 年初预算数`,
/// `年度重点工作任务 · 主要实施内容`). `top` is the top-level field's label.
fn build_field(
    spec: &FieldSpec,
    context: Option<&str>,
    top: Option<&str>,
) -> Result<Field, KindError> {
    let heading = spec.group.as_deref().or(context);
    let title = match heading {
        Some(c) if !c.is_empty() => format!("{c} · {}", spec.label),
        _ => spec.label.clone(),
    };
    let inner_top = top.unwrap_or(&spec.label);
    let inner_context = match spec.kind {
        FieldType::Table => spec.label.as_str(),
        _ => inner_top,
    };
    let mut fields = Vec::with_capacity(spec.fields.len());
    for f in &spec.fields {
        fields.push(build_field(f, Some(inner_context), Some(inner_top))?);
    }
    let tree = match &spec.tree {
        Some(t) => Some(Arc::new(build_tree(spec, t)?)),
        None => None,
    };
    Ok(Field {
        key: spec.key.clone(),
        label: spec.label.clone(),
        group: spec.group.clone(),
        title,
        kind: spec.kind,
        required: spec.required,
        empty: spec.empty,
        about: spec.about.clone(),
        options: spec.options.clone(),
        decimals: spec.decimals.unwrap_or(2),
        fields,
        unique: spec.unique.clone(),
        one_of: spec.one_of.clone(),
        tree,
        optional_block: spec.optional_block,
        negative: spec.negative,
        mark: spec.mark.clone(),
        common: false,
    })
}

fn build_tree(list: &FieldSpec, spec: &TreeSpec) -> Result<Tree, KindError> {
    let key = &list.key;
    Tree::from_spec(spec).map_err(|e| {
        KindError(e.after(&crate::text!(
            "字段 `{key}` 的 [field.tree]",
            "[field.tree] of `{key}`"
        )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_in_brackets_leaves_no_empty_brackets_in_the_generic_title() {
        let mut spec = Kinds::builtin()
            .get("project-target")
            .expect("built-in kind")
            .spec
            .clone();
        for (title, generic) in [
            ("项目绩效目标表（{year}年度）", "项目绩效目标表"),
            ("项目绩效目标表( {year}年 )", "项目绩效目标表"),
            (
                "【{year}】部门预算项目支出绩效自评表",
                "部门预算项目支出绩效自评表",
            ),
            ("{year}年度项目支出绩效自评表", "项目支出绩效自评表"),
            ("自评表（试行）", "自评表（试行）"),
        ] {
            spec.title = title.to_owned();
            let kind = Kind::from_spec(spec.clone()).expect("valid");
            assert_eq!(kind.generic_title(), generic, "{title}");
        }
    }
}

//! The description of a form kind, as written in a template's `form.toml`: its fields
//! (what a declaration holds), its layout (how the form prints them) and its checks
//! (the arithmetic a reviewer does). Deserialised as written, then validated and
//! indexed by [`super::Kind::from_spec`].

use serde::Deserialize;

/// `form.toml`: everything jixiao knows about one kind of form.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindSpec {
    /// The kind's name, as declarations write it: `kind = "department-target"`.
    pub name: String,
    /// The form's title; `{year}` is replaced by the declaration's year.
    pub title: String,
    /// A second title line, e.g. `（{year}年度）`; none when empty.
    #[serde(default)]
    pub subtitle: String,
    /// What the form is and where it comes from, in a sentence or two (for
    /// `jixiao kinds`, the schema and `init`).
    pub about: String,
    /// The key of the field that names who files the form (the department or unit):
    /// the PDF's author, the archive store's folder, `{department}` in file names.
    pub filer: String,
    /// The Typst file to compile, relative to the template directory.
    #[serde(default = "default_main")]
    pub main: String,
    /// The fields of a declaration, in form order.
    #[serde(rename = "field")]
    pub fields: Vec<FieldSpec>,
    /// The form's layout: one table section after another.
    #[serde(rename = "section")]
    pub sections: Vec<SectionSpec>,
    /// Arithmetic checks (and the values they derive when a declaration leaves them out).
    #[serde(default, rename = "check")]
    pub checks: Vec<CheckSpec>,
    /// Page layout constants.
    #[serde(default)]
    pub page: PageSpec,
    /// Lines of text printed outside the table: above the title (a 报表编号 or 附件
    /// line), between the title and the table (填报单位（盖章）, 金额单位), below the
    /// table (signature lines, printed even when blank).
    #[serde(default, rename = "line")]
    pub lines: Vec<LineSpec>,
}

fn default_main() -> String {
    "main.typ".to_owned()
}

/// Page-level settings of the printed form.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageSpec {
    /// Width of the whole table in millimetres as designed (A4 minus margins); section
    /// column widths are proportions of it.
    #[serde(default = "default_width")]
    pub width: f64,
    /// Width of a section-label column in millimetres.
    #[serde(default = "default_label_width")]
    pub label_width: f64,
    /// `portrait` (default) or `landscape`, for forms with many columns.
    #[serde(default)]
    pub orientation: Orientation,
    /// Body text size in points.
    #[serde(default = "default_text_size")]
    pub text_size: f64,
    /// Title size in points.
    #[serde(default = "default_title_size")]
    pub title_size: f64,
    /// Second title line's size in points.
    #[serde(default = "default_subtitle_size")]
    pub subtitle_size: f64,
    /// Minimum height of every table row in millimetres (0: as tall as its text).
    #[serde(default)]
    pub row_height: f64,
}

impl Default for PageSpec {
    fn default() -> Self {
        PageSpec {
            width: default_width(),
            label_width: default_label_width(),
            orientation: Orientation::Portrait,
            text_size: default_text_size(),
            title_size: default_title_size(),
            subtitle_size: default_subtitle_size(),
            row_height: 0.0,
        }
    }
}

fn default_title_size() -> f64 {
    18.0
}

fn default_subtitle_size() -> f64 {
    12.0
}

fn default_width() -> f64 {
    174.0
}

fn default_label_width() -> f64 {
    19.0
}

fn default_text_size() -> f64 {
    10.5
}

/// Page orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    /// A4 upright.
    #[default]
    Portrait,
    /// A4 on its side.
    Landscape,
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// One line of text (names, indicator values). TOML integers are taken as their
    /// digits, so `phone = 67880231` is the text `67880231`.
    Text,
    /// One or more paragraphs: a string (a blank line separates paragraphs) or an array
    /// of strings.
    Paragraphs,
    /// Money in 万元, exact: printed with two decimals and thousands separators.
    Amount,
    /// A percentage: `"95%"`, or a number of percentage points (`95`).
    Percent,
    /// An exact number printed as written (scores, weights, 分值).
    Number,
    /// A four-digit year.
    Year,
    /// A date: `2025-01-20` or `"2025年1月20日"`.
    Date,
    /// `true` or `false`.
    Boolean,
    /// One of a fixed list of options, printed with a tick in a box.
    Choice,
    /// A table of named fields (`[budget]`).
    Table,
    /// An array of tables (`[[tasks]]`).
    List,
}

/// How bad it is when a field is left out or left blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Blocks the render.
    Error,
    /// Reported; the form prints the cell blank.
    Warning,
}

/// One field of a declaration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The key (short English snake_case).
    pub key: String,
    /// The label printed on the form, e.g. `基本支出`.
    pub label: String,
    /// The heading the label sits under on the form, when it is not the parent
    /// field's label, e.g. `部门预算支出` for `基本支出`. Diagnostics show
    /// `部门预算支出 · 基本支出`.
    #[serde(default)]
    pub group: Option<String>,
    /// What it holds.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// The key must be present and not blank.
    #[serde(default)]
    pub required: bool,
    /// Leaving the field out or blank is reported at this level (`required` fields are
    /// always errors).
    #[serde(default)]
    pub empty: Option<Level>,
    /// What to write here, in Chinese (schema description, `init` comment).
    #[serde(default)]
    pub about: String,
    /// For `choice`: the options, as printed.
    #[serde(default)]
    pub options: Vec<String>,
    /// For `percent`: decimals of a derived percentage (e.g. 执行率); typed ones print
    /// as typed.
    #[serde(default)]
    pub decimals: Option<u32>,
    /// For `table` and `list`: the fields of the table / of each item.
    #[serde(default, rename = "field")]
    pub fields: Vec<FieldSpec>,
    /// For `list`: item keys that together must not repeat (e.g. a task group's
    /// 名称), reported as errors.
    #[serde(default)]
    pub unique: Vec<String>,
    /// For `list`: sets of item keys of which at least one must be filled in (e.g. an
    /// indicator needs a value), reported as errors.
    #[serde(default)]
    pub one_of: Vec<Vec<String>>,
    /// For a `list` of indicators: how items group into the indicator tree.
    #[serde(default)]
    pub tree: Option<TreeSpec>,
    /// For `table`: printed as a block only when some field is filled in (the
    /// template receives `none` otherwise), e.g. the sign-off block.
    #[serde(default)]
    pub optional_block: bool,
    /// For `amount`: may be negative (otherwise a negative amount is an error).
    #[serde(default)]
    pub negative: bool,
    /// For `choice`: what a cell of one option (`{ value = …, option = "确定能" }`)
    /// shows when that option is the one chosen.
    #[serde(default = "default_mark")]
    pub mark: String,
}

fn default_mark() -> String {
    "√".to_owned()
}

/// How a list of indicators forms a tree: the grouping keys (一级, 二级) and the
/// standard labels.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreeSpec {
    /// The item keys that group the rows, outermost first (`["level1", "level2"]`, or
    /// `["type"]` for a flat list with a type column).
    pub levels: Vec<String>,
    /// A standard tree by name (`A`, `B`, `C`; see the README), used when `branch` is
    /// empty.
    #[serde(default)]
    pub preset: Option<String>,
    /// The standard labels, in print order (instead of a preset).
    #[serde(default, rename = "branch")]
    pub branches: Vec<BranchSpec>,
    /// `full`: every standard label is printed, with an empty row where the declaration
    /// has no indicator under it; `used`: only the branches the declaration uses.
    #[serde(default)]
    pub skeleton: Skeleton,
    /// Top-level labels a form should have; their absence is a warning (e.g. 满意度指标).
    #[serde(default)]
    pub recommended: Vec<String>,
}

/// One standard top-level label and its children.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchSpec {
    /// The label, e.g. `产出指标`.
    pub name: String,
    /// Its standard child labels, in print order (empty for a one-level tree).
    #[serde(default)]
    pub children: Vec<String>,
    /// Labels filers write instead of a standard child, e.g. `服务对象` or
    /// `满意度指标` for `服务对象满意度指标`: such a label stands in for it, so no
    /// empty skeleton row of the standard label is printed beside it.
    #[serde(default)]
    pub aliases: std::collections::BTreeMap<String, Vec<String>>,
}

/// Whether unused standard labels print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Skeleton {
    /// Every standard label, empty rows included.
    #[default]
    Full,
    /// Only the labels the declaration uses.
    Used,
}

/// One table section of the printed form.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    /// The top-level field the section prints: its label goes in the section-label
    /// column (merged down the section, repeated on every page it reaches), and cell
    /// paths are relative to it when it is a table.
    #[serde(default)]
    pub field: Option<String>,
    /// A section label that is not a field's label, or `""` for a section without a
    /// label column.
    #[serde(default)]
    pub label: Option<String>,
    /// Content column widths in millimetres (of `page.width`, label columns included
    /// in that width).
    pub columns: Vec<f64>,
    /// Width of this section's label columns, when not `page.label_width`.
    #[serde(default)]
    pub label_width: Option<f64>,
    /// Blocks, each with its own label in a second label column; or use `header` and
    /// `rows` directly for a section of one block.
    #[serde(default, rename = "block")]
    pub blocks: Vec<BlockSpec>,
    /// Column-heading rows (kept on the same page as the first body row).
    #[serde(default)]
    pub header: Vec<Vec<CellSpec>>,
    /// Body rows.
    #[serde(default)]
    pub rows: Vec<RowSpec>,
    /// Print the header rows again at the top of every page the section continues on.
    #[serde(default)]
    pub repeat_header: bool,
    /// Whether the section may break across pages: by default those with repeated rows
    /// or paragraphs may, sections of short fixed cells stay whole.
    #[serde(default)]
    pub breakable: Option<bool>,
    /// Minimum height of this section's rows in millimetres (instead of
    /// `page.row_height`).
    #[serde(default)]
    pub row_height: Option<f64>,
}

/// A labelled part of a section (e.g. 项目支出明细预算 inside 项目支出预算及测算依据).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockSpec {
    /// The block's label (second label column), or none.
    #[serde(default)]
    pub label: Option<CellSpec>,
    /// Column-heading rows.
    #[serde(default)]
    pub header: Vec<Vec<CellSpec>>,
    /// Body rows.
    #[serde(default)]
    pub rows: Vec<RowSpec>,
}

/// A row of the layout: fixed cells (an array of cells, or a table with `cells` and the
/// row's options), or a row repeated for each item of a list (a table with `each`).
#[derive(Debug, Clone, PartialEq)]
pub enum RowSpec {
    /// One row of cells.
    Cells(FixedRow),
    /// Rows repeated over a list.
    Each(EachSpec),
}

/// One row of fixed cells, with its options.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FixedRow {
    /// The cells.
    pub cells: Vec<CellSpec>,
    /// Never split across pages.
    pub keep: bool,
    /// Minimum height in millimetres.
    pub height: Option<f64>,
}

impl From<Vec<CellSpec>> for FixedRow {
    fn from(cells: Vec<CellSpec>) -> FixedRow {
        FixedRow {
            cells,
            ..FixedRow::default()
        }
    }
}

/// A row written as a table: every key a row table may have. `each` makes it a
/// repeated row ([`EachSpec`]), `cells` a fixed one ([`FixedRow`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowTable {
    /// Repeated rows: the list's path.
    #[serde(default)]
    pub each: Option<String>,
    /// Repeated rows: the cell merged down each item's rows.
    #[serde(default)]
    pub group: Option<CellSpec>,
    /// Repeated rows: the list is an indicator tree.
    #[serde(default)]
    pub tree: bool,
    /// Repeated rows: the cells of each item's row.
    #[serde(default)]
    pub row: Vec<CellSpec>,
    /// Repeated rows: nested rows of each item.
    #[serde(default)]
    pub rows: Vec<RowSpec>,
    /// A fixed row: its cells.
    #[serde(default)]
    pub cells: Option<Vec<CellSpec>>,
    /// Never split a row (a fixed row), or an item's rows (repeated rows), across pages.
    #[serde(default)]
    pub keep: bool,
    /// A fixed row: minimum height in millimetres.
    #[serde(default)]
    pub height: Option<f64>,
}

impl<'de> Deserialize<'de> for RowSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RowSpec, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RowSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a row: an array of cells, or a table with `cells` (a fixed row) or `each` (rows repeated for a list)",
                )
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<RowSpec, A::Error> {
                let cells = Vec::<CellSpec>::deserialize(
                    serde::de::value::SeqAccessDeserializer::new(seq),
                )?;
                Ok(RowSpec::Cells(cells.into()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RowSpec, A::Error> {
                use serde::de::Error;
                let t = RowTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                match (t.each, t.cells) {
                    (Some(each), None) => {
                        if t.height.is_some() {
                            return Err(A::Error::custom(
                                "`height` is for a fixed row (`cells`); the rows repeated by `each` take the section's `row_height`",
                            ));
                        }
                        Ok(RowSpec::Each(EachSpec {
                            each,
                            group: t.group,
                            tree: t.tree,
                            row: t.row,
                            rows: t.rows,
                            keep: t.keep,
                        }))
                    }
                    (None, Some(cells)) => {
                        let repeated = [
                            ("group", t.group.is_some()),
                            ("tree", t.tree),
                            ("row", !t.row.is_empty()),
                            ("rows", !t.rows.is_empty()),
                        ];
                        if let Some((key, _)) = repeated.iter().find(|(_, set)| *set) {
                            return Err(A::Error::custom(format!(
                                "`{key}` is for rows repeated over a list (`each`), not for a fixed row (`cells`)"
                            )));
                        }
                        Ok(RowSpec::Cells(FixedRow {
                            cells,
                            keep: t.keep,
                            height: t.height,
                        }))
                    }
                    (Some(_), Some(_)) => Err(A::Error::custom(
                        "a row has either `each` (rows repeated for a list) or `cells` (a fixed row), not both",
                    )),
                    (None, None) => Err(A::Error::custom(
                        "a row table needs `each` (rows repeated for a list) or `cells` (a fixed row); a plain row is an array of cells",
                    )),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Rows repeated for each item of a list field.
#[derive(Debug, Clone, PartialEq)]
pub struct EachSpec {
    /// The list's path (relative to the enclosing item or section).
    pub each: String,
    /// A cell in the first column merged down over each item's rows (e.g. a task
    /// group's 名称).
    pub group: Option<CellSpec>,
    /// The list is an indicator tree: its `tree.levels` are printed as merged columns
    /// before `row`.
    pub tree: bool,
    /// The cells of each item's row.
    pub row: Vec<CellSpec>,
    /// Nested repeated rows (an item's own list), instead of `row`.
    pub rows: Vec<RowSpec>,
    /// Keep each item's rows on one page.
    pub keep: bool,
}

/// One cell of the layout: a path (the value of that field), or a table
/// ([`CellDetail`]).
#[derive(Debug, Clone, PartialEq)]
pub enum CellSpec {
    /// The value of the field at this path.
    Path(String),
    /// A cell described in full.
    Full(CellDetail),
}

impl<'de> Deserialize<'de> for CellSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CellSpec, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CellSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a cell: a field's path (\"budget.basic\"), or a table such as { label = \"budget.basic\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CellSpec, E> {
                Ok(CellSpec::Path(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<CellSpec, A::Error> {
                CellDetail::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(CellSpec::Full)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// A cell with its options.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellDetail {
    /// The value of the field at this path.
    #[serde(default)]
    pub value: Option<String>,
    /// The label of the field at this path.
    #[serde(default)]
    pub label: Option<String>,
    /// The group heading of the field at this path (e.g. `部门预算支出`).
    #[serde(default)]
    pub group: Option<String>,
    /// Fixed text.
    #[serde(default)]
    pub text: Option<String>,
    /// How many columns the cell spans.
    #[serde(default = "one")]
    pub span: usize,
    /// `left`, `center` or `right`; by default labels are centred, amounts and numbers
    /// right-aligned, text left-aligned.
    #[serde(default)]
    pub align: Option<Align>,
    /// Paragraphs set as prose: justified, first lines indented two characters.
    #[serde(default)]
    pub prose: bool,
    /// A heading cell (column heading style) even though it shows a value or label.
    #[serde(default)]
    pub heading: bool,
    /// Indent the content by this many characters (e.g. 2 for a 其中 line).
    #[serde(default)]
    pub indent: u32,
    /// How many rows the cell is merged down (fixed rows and header rows only; the
    /// rows below leave its columns out).
    #[serde(default = "one")]
    pub rowspan: usize,
    /// For a `value` cell of a `choice` field: the cell of this one option, which shows
    /// the field's `mark` when it is the option chosen (one column per option).
    #[serde(default)]
    pub option: Option<String>,
    /// Whether `jixiao import` looks for this fixed text (`text`, `label`, `group`) to
    /// find its row and column. `false`: the text is printed but not required in a
    /// spreadsheet (notes, placeholders such as `—`).
    #[serde(default = "yes")]
    pub anchor: bool,
}

fn one() -> usize {
    1
}

fn yes() -> bool {
    true
}

impl Default for CellDetail {
    fn default() -> Self {
        CellDetail {
            value: None,
            label: None,
            group: None,
            text: None,
            span: 1,
            align: None,
            prose: false,
            heading: false,
            indent: 0,
            rowspan: 1,
            option: None,
            anchor: true,
        }
    }
}

/// A line of text outside the table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineSpec {
    /// Where: `top` (above the title), `head` (between the title and the table) or
    /// `foot` (below the table).
    pub at: LineAt,
    /// What it shows, left to right.
    pub parts: Vec<PartSpec>,
}

/// Where a line is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineAt {
    /// Above the title.
    Top,
    /// Between the title (and its second line) and the table.
    Head,
    /// Below the table.
    Foot,
}

/// One part of a line: fixed text, a field's value, or both (`text` then the value).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartSpec {
    /// Fixed text (`{year}` is the declaration's year); with `field`, printed before
    /// the value instead of the field's label and `：`.
    #[serde(default)]
    pub text: Option<String>,
    /// The path of a field (not inside a list) whose value is printed.
    #[serde(default)]
    pub field: Option<String>,
    /// Printed instead of the value when the field is left blank (e.g.
    /// `"    年  月  日"`); the part is printed either way.
    #[serde(default)]
    pub blank: String,
    /// `left` (default), `center` or `right` within the part's share of the line.
    #[serde(default = "left")]
    pub align: Align,
    /// The part's share of the line's width, relative to the others.
    #[serde(default = "one_f64")]
    pub width: f64,
}

fn left() -> Align {
    Align::Left
}

fn one_f64() -> f64 {
    1.0
}

/// Horizontal alignment of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// An arithmetic check of the form.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum CheckSpec {
    /// Several totals must agree (e.g. 支出合计 = 收入来源合计 = 按预算级次合计).
    EqualSums {
        /// Stable code of the finding.
        code: String,
        /// Error or warning.
        level: Level,
        /// The totals.
        groups: Vec<SumGroup>,
    },
    /// A total equals the sum of its parts; a total left out is derived from them.
    Sum {
        /// Stable code of the finding.
        code: String,
        /// Error or warning.
        level: Level,
        /// The total's path.
        total: String,
        /// The parts' paths (`[]` for every item of a list).
        parts: Vec<String>,
    },
    /// A sum must not exceed a limit (another sum).
    AtMost {
        /// Stable code of the finding.
        code: String,
        /// Error or warning.
        level: Level,
        /// What is summed.
        sum: SumGroup,
        /// What it must not exceed.
        limit: SumGroup,
    },
    /// A percentage is one amount divided by another; a rate left out is derived.
    Rate {
        /// Stable code of the finding.
        code: String,
        /// Error or warning.
        level: Level,
        /// The rate's path.
        rate: String,
        /// The numerator (e.g. 全年执行数).
        numerator: String,
        /// The denominator (e.g. 全年预算数).
        denominator: String,
    },
    /// A score must not exceed its maximum (per item when the paths have `[]`).
    AtMostEach {
        /// Stable code of the finding.
        code: String,
        /// Error or warning.
        level: Level,
        /// The score's path.
        value: String,
        /// The maximum's path.
        max: String,
    },
    /// Numbers must add up to a fixed total (e.g. weights to 100).
    SumEquals {
        /// Stable code of the finding.
        code: String,
        /// Error or warning.
        level: Level,
        /// What is summed.
        terms: Vec<String>,
        /// The total they must reach, e.g. `"100"`.
        equals: String,
    },
}

impl CheckSpec {
    /// Every key path the check reads (spec paths, `[]` for every item of a list).
    pub fn paths(&self) -> Vec<&str> {
        fn group(g: &SumGroup) -> Vec<&str> {
            g.terms.iter().map(String::as_str).collect()
        }
        match self {
            CheckSpec::EqualSums { groups, .. } => groups.iter().flat_map(group).collect(),
            CheckSpec::Sum { total, parts, .. } => std::iter::once(total.as_str())
                .chain(parts.iter().map(String::as_str))
                .collect(),
            CheckSpec::AtMost { sum, limit, .. } => {
                group(sum).into_iter().chain(group(limit)).collect()
            }
            CheckSpec::Rate {
                rate,
                numerator,
                denominator,
                ..
            } => vec![rate, numerator, denominator],
            CheckSpec::AtMostEach { value, max, .. } => vec![value, max],
            CheckSpec::SumEquals { terms, .. } => terms.iter().map(String::as_str).collect(),
        }
    }
}

/// A named sum of fields.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SumGroup {
    /// What the total is called on the form, e.g. `收入来源合计`.
    pub name: String,
    /// The fields added (`[]` for every item of a list).
    pub terms: Vec<String>,
}

//! The declaration: what a department fills in, one TOML file per form.
//!
//! Every key is short English snake_case; `samples/` shows the Chinese form label beside
//! each. Unknown keys are errors, so a typo never silently drops a field.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::amount::Amount;
use crate::date::Date;

/// One 部门整体预算绩效目标申报表.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "部门整体预算绩效目标申报表",
    description = "jixiao 申报文件：一个部门一张表。键名为英文，注释写明对应的表格栏目。金额单位：万元。"
)]
pub struct Declaration {
    /// 部门名称 — the department's name.
    #[schemars(
        title = "部门名称",
        description = "填报部门的全称，如“广州市科学技术协会”。必填。"
    )]
    pub department: String,
    /// 预算年度 — the budget year the form declares.
    #[schemars(title = "预算年度", description = "四位数年份，如 2025。必填。")]
    pub year: i32,
    /// 预算整体情况 — the eight budget amounts, in 万元.
    #[serde(default)]
    #[schemars(
        title = "预算整体情况",
        description = "[budget] 表：八项金额，单位万元。"
    )]
    pub budget: Budget,
    /// 总体绩效目标 — one or more paragraphs.
    #[serde(default)]
    #[schemars(
        title = "总体绩效目标",
        description = "一段或多段文字；段与段之间空一行，或写成字符串数组（每段一项）。"
    )]
    pub goal: Paragraphs,
    /// 年度重点工作任务 — key tasks, grouped under their 名称.
    #[serde(default)]
    #[schemars(
        title = "年度重点工作任务",
        description = "每个“名称”写一个 [[tasks]]，其下每行写一个 [[tasks.rows]]。"
    )]
    pub tasks: Vec<TaskGroup>,
    /// 其他需完成的任务（可选填） — other tasks, optional free text.
    #[serde(default)]
    #[schemars(
        title = "其他需完成的任务（可选填）",
        description = "可选；一段或多段文字。"
    )]
    pub other_tasks: Paragraphs,
    /// 绩效指标 — one entry per 三级指标, naming its 一级 and 二级.
    #[serde(default)]
    #[schemars(
        title = "绩效指标",
        description = "每个三级指标写一个 [[indicators]]。"
    )]
    pub indicators: Vec<Indicator>,
    /// 基本信息 — extra fields for form variants that print them (e.g. 主管部门), keyed
    /// as the template's `form.toml` declares. The default form has none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(
        title = "基本信息",
        description = "仅用于带“基本信息”栏目的表样：键由表样的 form.toml 规定；默认表样没有。"
    )]
    pub info: BTreeMap<String, String>,
    /// 文档日期 — the date written into the PDF's metadata (and required for an
    /// archival PDF). Not printed; falls back to `signoff.date`.
    #[serde(
        default,
        deserialize_with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(
        title = "文档日期",
        description = "写入 PDF 元数据的日期（不打印），如 2025-01-20；归档（PDF/A）时必填，未填时取 [signoff] 的填报日期。"
    )]
    pub date: Option<Date>,
    /// 归档 — render as an archival PDF/A-3b with this file attached (like
    /// `jixiao render --archive`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schemars(
        title = "归档",
        description = "true：生成归档用的 PDF/A-3b，并把本申报文件附在 PDF 中（同 --archive）。"
    )]
    pub archive: bool,
    /// 签署栏 — 填报人, 联系电话, 单位负责人, 填报日期, 单位（盖章）: printed under
    /// the table only when filled in (the published form has none).
    #[serde(default, skip_serializing_if = "SignOff::is_empty")]
    #[schemars(
        title = "签署栏",
        description = "可选；填写后在表格下方打印 填报人、联系电话、单位负责人、填报日期、单位（盖章）。"
    )]
    pub signoff: SignOff,
}

/// 签署栏: the sign-off block under the table. Printed only when at least one field is
/// filled in.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "签署栏", description = "表格下方的签署栏；全部留空则不打印。")]
pub struct SignOff {
    /// 填报人
    #[serde(default)]
    #[schemars(title = "填报人", description = "填报人姓名。")]
    pub preparer: String,
    /// 联系电话
    #[serde(default)]
    #[schemars(title = "联系电话", description = "填报人的联系电话。")]
    pub phone: String,
    /// 单位负责人
    #[serde(default)]
    #[schemars(title = "单位负责人", description = "单位负责人姓名。")]
    pub head: String,
    /// 填报日期
    #[serde(default, deserialize_with = "crate::date::optional")]
    #[schemars(
        title = "填报日期",
        description = "如 2025-01-20，打印为 2025年1月20日。"
    )]
    pub date: Option<Date>,
    /// 单位（盖章） — the unit's name printed beside the space for the seal.
    #[serde(default)]
    #[schemars(title = "单位（盖章）", description = "盖章单位名称，打印在盖章处旁。")]
    pub seal: String,
}

impl SignOff {
    /// Whether nothing is filled in (the block is then not printed).
    pub fn is_empty(&self) -> bool {
        self.date.is_none()
            && [&self.preparer, &self.phone, &self.head, &self.seal]
                .iter()
                .all(|s| s.trim().is_empty())
    }
}

/// 预算整体情况: the eight amounts of the budget block, in 万元. An amount left out
/// prints blank (not `0.00`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "预算整体情况",
    description = "部门预算的八项金额，单位万元；不填的金额在表中留空。支出合计 = 收入来源合计 = 按预算级次合计。"
)]
pub struct Budget {
    /// 部门预算支出 · 基本支出
    #[serde(default, deserialize_with = "crate::amount::optional")]
    #[schemars(title = "基本支出", description = "部门预算支出 · 基本支出（万元）")]
    pub basic: Option<Amount>,
    /// 部门预算支出 · 项目支出
    #[serde(default, deserialize_with = "crate::amount::optional")]
    #[schemars(title = "项目支出", description = "部门预算支出 · 项目支出（万元）")]
    pub project: Option<Amount>,
    /// 事业发展性支出 · 财政专项资金
    #[serde(default, deserialize_with = "crate::amount::optional")]
    #[schemars(
        title = "财政专项资金",
        description = "事业发展性支出 · 财政专项资金（万元）"
    )]
    pub special_fund: Option<Amount>,
    /// 事业发展性支出 · 其他事业发展性支出
    #[serde(default, deserialize_with = "crate::amount::optional")]
    #[schemars(
        title = "其他事业发展性支出",
        description = "事业发展性支出 · 其他事业发展性支出（万元）"
    )]
    pub other_development: Option<Amount>,
    /// 收入来源 · 财政拨款
    #[serde(default, deserialize_with = "crate::amount::optional")]
    #[schemars(title = "财政拨款", description = "收入来源 · 财政拨款（万元）")]
    pub appropriation: Option<Amount>,
    /// 收入来源 · 其他资金
    #[serde(default, deserialize_with = "crate::amount::optional")]
    #[schemars(title = "其他资金", description = "收入来源 · 其他资金（万元）")]
    pub other_funds: Option<Amount>,
    /// 按预算级次划分 · 市本级使用资金
    #[serde(default, deserialize_with = "crate::amount::optional")]
    #[schemars(
        title = "市本级使用资金",
        description = "按预算级次划分 · 市本级使用资金（万元）"
    )]
    pub city_level: Option<Amount>,
    /// 按预算级次划分 · 拟用于对下转移支付资金
    #[serde(default, deserialize_with = "crate::amount::optional")]
    #[schemars(
        title = "拟用于对下转移支付资金",
        description = "按预算级次划分 · 拟用于对下转移支付资金（万元）"
    )]
    pub transfer: Option<Amount>,
}

/// A 名称 group of 年度重点工作任务 and its rows.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "年度重点工作任务（一个名称一组）",
    description = "一个“名称”及其下的任务行；名称在表中向下合并。"
)]
pub struct TaskGroup {
    /// 名称 — the group's name, printed merged down its rows (may be empty in form
    /// variants whose tasks have no group names).
    #[serde(default)]
    #[schemars(
        title = "名称",
        description = "任务组的名称，在表中向下合并；无名称的表样可不填。"
    )]
    pub name: String,
    /// The rows of the group.
    #[serde(default)]
    #[schemars(title = "任务行", description = "该名称下的各行任务。")]
    pub rows: Vec<TaskRow>,
}

/// One row of 年度重点工作任务.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "年度重点工作任务（一行）",
    description = "一行任务：主要实施内容、拟投入的资金、期望达到的目标。"
)]
pub struct TaskRow {
    /// 主要实施内容
    #[serde(default)]
    #[schemars(title = "主要实施内容", description = "一段或多段文字。")]
    pub content: Paragraphs,
    /// 拟投入的资金（万元）
    #[serde(default, deserialize_with = "crate::amount::optional")]
    #[schemars(title = "拟投入的资金（万元）", description = "金额，单位万元。")]
    pub amount: Option<Amount>,
    /// 期望达到的目标（概述）
    #[serde(default)]
    #[schemars(title = "期望达到的目标（概述）", description = "一段或多段文字。")]
    pub target: Paragraphs,
}

/// One 三级指标 with its place in the indicator tree.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "绩效指标（一个三级指标）",
    description = "一个三级指标，注明所属一级、二级指标及两个指标值。"
)]
pub struct Indicator {
    /// 一级指标, e.g. 产出指标
    #[schemars(
        title = "一级指标",
        description = "如 产出指标、效益指标、满意度指标、成本指标。"
    )]
    pub level1: String,
    /// 二级指标, e.g. 数量指标
    #[schemars(
        title = "二级指标",
        description = "如 数量指标、质量指标、时效指标、社会效益指标、服务对象满意度指标。"
    )]
    pub level2: String,
    /// 三级指标 — the indicator itself.
    #[schemars(title = "三级指标", description = "指标名称，如“举办活动场次”。")]
    pub name: String,
    /// 实施周期指标值
    #[serde(default)]
    #[schemars(
        title = "实施周期指标值",
        description = "如 ≥4场、100%、不少于10万人次。"
    )]
    pub period_value: String,
    /// 年度指标值
    #[serde(default)]
    #[schemars(title = "年度指标值", description = "如 ≥4场、100%、不少于10万人次。")]
    pub annual_value: String,
}

/// Free text of one or more paragraphs. In TOML it is a string, where a blank line
/// separates paragraphs, or an array of strings, one paragraph each.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Paragraphs(pub Vec<String>);

impl Paragraphs {
    /// The paragraphs with whitespace normalised (see [`crate::text::paragraphs`]);
    /// empty paragraphs are dropped.
    pub fn normalised(&self) -> Vec<String> {
        self.0
            .iter()
            .flat_map(|p| crate::text::paragraphs(p))
            .collect()
    }

    /// Whether there is no visible text at all.
    pub fn is_blank(&self) -> bool {
        self.0.iter().all(|p| p.trim().is_empty())
    }
}

impl schemars::JsonSchema for Paragraphs {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Paragraphs".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "文字：一个字符串（空一行分段），或字符串数组（每段一项）",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}

impl From<&str> for Paragraphs {
    fn from(text: &str) -> Self {
        Paragraphs(vec![text.to_owned()])
    }
}

impl<'de> Deserialize<'de> for Paragraphs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(
            untagged,
            expecting = "a string, or an array of strings (one per paragraph)"
        )]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        Ok(match Raw::deserialize(deserializer)? {
            Raw::One(s) => Paragraphs(vec![s]),
            Raw::Many(v) => Paragraphs(v),
        })
    }
}

/// A declaration that could not be read: the TOML is malformed or does not fit the
/// declaration's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong, as the TOML parser or the declaration model says it.
    pub message: String,
    /// The byte range in the source the problem is at, when known.
    pub span: Option<Range<usize>>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.trim_end())
    }
}

impl std::error::Error for ParseError {}

impl Declaration {
    /// Parses a declaration from TOML text.
    ///
    /// Amounts written as TOML floats are taken from their literal text in the source,
    /// never through `f64`, so `0.1` is exactly 0.1 and long decimals keep every digit.
    pub fn from_toml(source: &str) -> Result<Declaration, ParseError> {
        let mut root = DeTable::parse(source).map_err(|e| ParseError {
            message: e.message().to_owned(),
            span: e.span(),
        })?;
        floats_to_literal_strings(root.get_mut());
        let deserializer = toml::de::Deserializer::from(root);
        Declaration::deserialize(deserializer).map_err(|e| ParseError {
            message: e.message().to_owned(),
            span: e.span(),
        })
    }

    /// Iterates over every amount of the declaration with its key path, in form order.
    pub fn amounts(&self) -> Vec<(String, Option<Amount>)> {
        let b = &self.budget;
        let mut out = vec![
            ("budget.basic".to_owned(), b.basic),
            ("budget.project".to_owned(), b.project),
            ("budget.appropriation".to_owned(), b.appropriation),
            ("budget.other_funds".to_owned(), b.other_funds),
            ("budget.special_fund".to_owned(), b.special_fund),
            ("budget.city_level".to_owned(), b.city_level),
            ("budget.other_development".to_owned(), b.other_development),
            ("budget.transfer".to_owned(), b.transfer),
        ];
        for (g, group) in self.tasks.iter().enumerate() {
            for (r, row) in group.rows.iter().enumerate() {
                out.push((format!("tasks[{g}].rows[{r}].amount"), row.amount));
            }
        }
        out
    }
}

/// A piece of text the user wrote: its key path, the form label it fills, and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextField<'a> {
    /// Key path in the declaration, e.g. `tasks[0].rows[1].content`.
    pub path: String,
    /// The label on the form, e.g. `年度重点工作任务 · 主要实施内容`.
    pub label: &'static str,
    /// The text as written.
    pub text: &'a str,
}

impl Declaration {
    /// Every text the user wrote, in form order, with its key path and form label.
    pub fn text_fields(&self) -> Vec<TextField<'_>> {
        let mut out = Vec::new();
        fn push<'a>(
            out: &mut Vec<TextField<'a>>,
            path: String,
            label: &'static str,
            text: &'a str,
        ) {
            out.push(TextField { path, label, text });
        }
        push(&mut out, "department".into(), "部门名称", &self.department);
        for (key, value) in &self.info {
            push(&mut out, format!("info.{key}"), "基本信息", value);
        }
        for (i, p) in self.goal.0.iter().enumerate() {
            push(
                &mut out,
                paragraph_path("goal", i, self.goal.0.len()),
                "总体绩效目标",
                p,
            );
        }
        for (g, group) in self.tasks.iter().enumerate() {
            push(
                &mut out,
                format!("tasks[{g}].name"),
                "年度重点工作任务 · 名称",
                &group.name,
            );
            for (r, row) in group.rows.iter().enumerate() {
                let base = format!("tasks[{g}].rows[{r}]");
                for (i, p) in row.content.0.iter().enumerate() {
                    let path = paragraph_path(&format!("{base}.content"), i, row.content.0.len());
                    push(&mut out, path, "年度重点工作任务 · 主要实施内容", p);
                }
                for (i, p) in row.target.0.iter().enumerate() {
                    let path = paragraph_path(&format!("{base}.target"), i, row.target.0.len());
                    push(
                        &mut out,
                        path,
                        "年度重点工作任务 · 期望达到的目标（概述）",
                        p,
                    );
                }
            }
        }
        for (i, p) in self.other_tasks.0.iter().enumerate() {
            push(
                &mut out,
                paragraph_path("other_tasks", i, self.other_tasks.0.len()),
                "其他需完成的任务（可选填）",
                p,
            );
        }
        for (i, ind) in self.indicators.iter().enumerate() {
            push(
                &mut out,
                format!("indicators[{i}].level1"),
                "绩效指标 · 一级指标",
                &ind.level1,
            );
            push(
                &mut out,
                format!("indicators[{i}].level2"),
                "绩效指标 · 二级指标",
                &ind.level2,
            );
            push(
                &mut out,
                format!("indicators[{i}].name"),
                "绩效指标 · 三级指标",
                &ind.name,
            );
            push(
                &mut out,
                format!("indicators[{i}].period_value"),
                "绩效指标 · 实施周期指标值",
                &ind.period_value,
            );
            push(
                &mut out,
                format!("indicators[{i}].annual_value"),
                "绩效指标 · 年度指标值",
                &ind.annual_value,
            );
        }
        let s = &self.signoff;
        for (key, label, text) in [
            ("preparer", "签署栏 · 填报人", &s.preparer),
            ("phone", "签署栏 · 联系电话", &s.phone),
            ("head", "签署栏 · 单位负责人", &s.head),
            ("seal", "签署栏 · 单位（盖章）", &s.seal),
        ] {
            push(&mut out, format!("signoff.{key}"), label, text);
        }
        out
    }

    /// The document's date: `date`, else the sign-off block's 填报日期.
    pub fn document_date(&self) -> Option<Date> {
        self.date.or(self.signoff.date)
    }
}

/// `goal` for a single string, `goal[1]` for the second of an array of paragraphs.
fn paragraph_path(base: &str, index: usize, count: usize) -> String {
    if count == 1 {
        base.to_owned()
    } else {
        format!("{base}[{index}]")
    }
}

/// Replaces every TOML float in the tree by a string holding its literal text, so that
/// [`Amount`] parses the exact decimal the clerk typed.
fn floats_to_literal_strings(table: &mut DeTable<'_>) {
    for (_, value) in table.iter_mut() {
        rewrite_value(value.get_mut());
    }
}

fn rewrite_value(value: &mut DeValue<'_>) {
    match value {
        DeValue::Float(f) => {
            let literal = f.as_str().to_owned();
            *value = DeValue::String(literal.into());
        }
        DeValue::Table(t) => floats_to_literal_strings(t),
        DeValue::Array(items) => {
            for item in items.iter_mut() {
                rewrite_value(Spanned::get_mut(item));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
department = "测试部门"
year = 2025
[budget]
basic = 0.1
project = "13,078.68"
appropriation = 12345678901234.123456789
"#;

    #[test]
    fn float_amounts_are_read_from_their_literal_text() {
        let d = Declaration::from_toml(MINIMAL).expect("valid");
        assert_eq!(
            d.budget.basic.map(|a| a.value().to_string()),
            Some("0.1".into())
        );
        assert_eq!(
            d.budget.appropriation.map(|a| a.value().to_string()),
            Some("12345678901234.123456789".into())
        );
        assert_eq!(
            d.budget.project.map(|a| a.to_form_string()),
            Some("13,078.68".into())
        );
        assert_eq!(d.budget.transfer, None);
    }

    #[test]
    fn unknown_keys_are_errors_with_a_span() {
        let src = "department = \"x\"\nyear = 2025\n[budget]\nbasik = 1\n";
        let err = Declaration::from_toml(src).expect_err("typo must fail");
        assert!(err.message.contains("basik"), "{err}");
        let span = err.span.expect("span");
        assert_eq!(&src[span], "basik");
    }

    #[test]
    fn missing_department_is_an_error() {
        let err = Declaration::from_toml("year = 2025").expect_err("must fail");
        assert!(err.message.contains("department"), "{err}");
    }

    #[test]
    fn paragraphs_accept_a_string_or_an_array() {
        let d = Declaration::from_toml(
            "department = \"x\"\nyear = 2025\ngoal = [\"一\", \"二\"]\nother_tasks = \"甲\\n\\n乙\"",
        )
        .expect("valid");
        assert_eq!(d.goal.normalised(), vec!["一", "二"]);
        assert_eq!(d.other_tasks.normalised(), vec!["甲", "乙"]);
    }
}

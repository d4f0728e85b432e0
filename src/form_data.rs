//! The data a template receives: the declaration arranged the way the form prints it.
//!
//! Everything is already formatted: amounts are strings like `6,686.98` (blank when left
//! out), long texts are lists of paragraphs with whitespace normalised, and the
//! indicators are a tree in the template's skeleton order. The template only lays out.

use serde::Serialize;

use crate::amount::Amount;
use crate::check::finding::{Finding, Text};
use crate::declaration::{Declaration, Indicator, Paragraphs};
use crate::template::{IndicatorValue, Manifest};
use crate::text::single_line;

/// The whole form, as `/data.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormData {
    /// The title, from the template's `form.toml`.
    pub title: String,
    /// 部门名称
    pub department: String,
    /// 预算年度
    pub year: i32,
    /// 预算整体情况, formatted.
    pub budget: BudgetView,
    /// 总体绩效目标, one string per paragraph.
    pub goal: Vec<String>,
    /// 年度重点工作任务
    pub tasks: Vec<TaskGroupView>,
    /// 其他需完成的任务（可选填）, one string per paragraph.
    pub other_tasks: Vec<String>,
    /// 绩效指标, as a tree.
    pub indicators: Vec<Level1View>,
    /// Extra 基本信息 rows, in the template's order (only those the template declares).
    pub info: Vec<InfoView>,
    /// The indicator value columns to print, from `form.toml`: `"period_value"`,
    /// `"annual_value"`, or both.
    pub indicator_values: Vec<&'static str>,
    /// 签署栏, or `None` (JSON `null`) when the declaration leaves it empty: the
    /// block is then not printed.
    pub signoff: Option<SignOffView>,
}

/// The sign-off block under the table; `""` for a field left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignOffView {
    /// 填报人
    pub preparer: String,
    /// 联系电话
    pub phone: String,
    /// 单位负责人
    pub head: String,
    /// 填报日期, as `2025年1月20日`.
    pub date: String,
    /// 单位（盖章）
    pub seal: String,
}

/// One extra 基本信息 row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InfoView {
    /// The key, as in the declaration's `[info]` table.
    pub key: String,
    /// The label printed on the form.
    pub label: String,
    /// The value; `""` when the declaration leaves it out.
    pub value: String,
}

/// The eight budget amounts as the form prints them; `""` where left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetView {
    /// 基本支出
    pub basic: String,
    /// 项目支出
    pub project: String,
    /// 财政专项资金
    pub special_fund: String,
    /// 其他事业发展性支出
    pub other_development: String,
    /// 财政拨款
    pub appropriation: String,
    /// 其他资金
    pub other_funds: String,
    /// 市本级使用资金
    pub city_level: String,
    /// 拟用于对下转移支付资金
    pub transfer: String,
}

/// A 名称 group of key tasks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskGroupView {
    /// 名称
    pub name: String,
    /// Its rows.
    pub rows: Vec<TaskRowView>,
}

/// One key-task row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRowView {
    /// 主要实施内容, paragraphs.
    pub content: Vec<String>,
    /// 拟投入的资金（万元）, formatted.
    pub amount: String,
    /// 期望达到的目标（概述）, paragraphs.
    pub target: Vec<String>,
}

/// A 一级指标 and its 二级指标.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level1View {
    /// 一级指标
    pub name: String,
    /// Its 二级指标, skeleton first.
    pub groups: Vec<Level2View>,
}

/// A 二级指标 and its 三级指标 (possibly none: the skeleton is printed in full).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level2View {
    /// 二级指标
    pub name: String,
    /// Its 三级指标, in declaration order.
    pub items: Vec<IndicatorView>,
}

/// One 三级指标 row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorView {
    /// 三级指标
    pub name: String,
    /// 实施周期指标值
    pub period_value: String,
    /// 年度指标值
    pub annual_value: String,
}

/// What the declaration fills in that the template would not print: `[info]` keys the
/// template does not declare, and indicator values in a column the template does not
/// have. Refusing these keeps the promise that nothing the user wrote is dropped.
pub fn unprinted(decl: &Declaration, manifest: &Manifest) -> Vec<Finding> {
    let mut out = Vec::new();
    for key in decl.info.keys() {
        if !manifest.info_fields.iter().any(|f| &f.key == key) {
            let known: Vec<&str> = manifest
                .info_fields
                .iter()
                .map(|f| f.key.as_str())
                .collect();
            out.push(
                Finding::error(
                    "not-printed",
                    format!("info.{key}"),
                    Text::new(
                        format!("所用表样没有基本信息栏目 `{key}`，填写的内容不会被打印"),
                        format!("the template has no field `{key}`: it would not be printed"),
                    ),
                )
                .label("基本信息")
                .help(if known.is_empty() {
                    Text::new(
                        "此表样不打印任何基本信息，请删去 [info]",
                        "this template prints no [info] fields: remove [info]",
                    )
                } else {
                    Text::new(
                        format!("此表样的基本信息栏目：{}", known.join(", ")),
                        format!("fields of this template: {}", known.join(", ")),
                    )
                }),
            );
        }
    }
    out.extend(unprinted_signoff(decl, manifest));
    let columns = [
        (
            IndicatorValue::PeriodValue,
            "period_value",
            "实施周期指标值",
        ),
        (IndicatorValue::AnnualValue, "annual_value", "年度指标值"),
    ];
    for (column, key, label) in columns {
        if manifest.indicator_values.contains(&column) {
            continue;
        }
        for (i, ind) in decl.indicators.iter().enumerate() {
            let value = if key == "period_value" {
                &ind.period_value
            } else {
                &ind.annual_value
            };
            if !value.trim().is_empty() {
                out.push(
                    Finding::error(
                        "not-printed",
                        format!("indicators[{i}].{key}"),
                        Text::new(
                            format!("所用表样没有“{label}”栏，填写的内容不会被打印"),
                            format!("the template has no {key} column: it would not be printed"),
                        ),
                    )
                    .label(format!("绩效指标 · {label}"))
                    .help(Text::new(
                        "删去该值，或换用打印此栏的表样",
                        "remove the value or use a template that prints it",
                    )),
                );
            }
        }
    }
    out
}

/// A filled-in sign-off block the template does not print.
fn unprinted_signoff(decl: &Declaration, manifest: &Manifest) -> Option<Finding> {
    if manifest.signoff || decl.signoff.is_empty() {
        return None;
    }
    Some(
        Finding::error(
            "not-printed",
            "signoff",
            Text::new(
                "所用表样没有签署栏，填写的内容不会被打印",
                "the template has no sign-off block: it would not be printed",
            ),
        )
        .label("签署栏")
        .help(Text::new(
            "删去 [signoff]，或换用打印签署栏的表样（form.toml 中 signoff = true）",
            "remove [signoff], or use a template that prints it (signoff = true in form.toml)",
        )),
    )
}

fn money(amount: Option<Amount>) -> String {
    amount.map(Amount::to_form_string).unwrap_or_default()
}

fn paras(p: &Paragraphs) -> Vec<String> {
    p.normalised()
}

impl FormData {
    /// Arranges a declaration for a template described by `manifest`.
    pub fn new(decl: &Declaration, manifest: &Manifest) -> FormData {
        let b = &decl.budget;
        FormData {
            title: manifest
                .title
                .replace("{year}", &decl.year.to_string())
                .replace("{department}", &single_line(&decl.department)),
            department: single_line(&decl.department),
            year: decl.year,
            budget: BudgetView {
                basic: money(b.basic),
                project: money(b.project),
                special_fund: money(b.special_fund),
                other_development: money(b.other_development),
                appropriation: money(b.appropriation),
                other_funds: money(b.other_funds),
                city_level: money(b.city_level),
                transfer: money(b.transfer),
            },
            goal: paras(&decl.goal),
            tasks: decl
                .tasks
                .iter()
                .map(|g| TaskGroupView {
                    name: single_line(&g.name),
                    rows: g
                        .rows
                        .iter()
                        .map(|r| TaskRowView {
                            content: paras(&r.content),
                            amount: money(r.amount),
                            target: paras(&r.target),
                        })
                        .collect(),
                })
                .collect(),
            other_tasks: paras(&decl.other_tasks),
            indicators: indicator_tree(&decl.indicators, manifest),
            info: manifest
                .info_fields
                .iter()
                .map(|f| InfoView {
                    key: f.key.clone(),
                    label: f.label.clone(),
                    value: decl
                        .info
                        .get(&f.key)
                        .map(|v| single_line(v))
                        .unwrap_or_default(),
                })
                .collect(),
            indicator_values: manifest
                .indicator_values
                .iter()
                .map(|v| match v {
                    IndicatorValue::PeriodValue => "period_value",
                    IndicatorValue::AnnualValue => "annual_value",
                })
                .collect(),
            signoff: (!decl.signoff.is_empty()).then(|| SignOffView {
                preparer: single_line(&decl.signoff.preparer),
                phone: single_line(&decl.signoff.phone),
                head: single_line(&decl.signoff.head),
                date: decl.signoff.date.map(|d| d.chinese()).unwrap_or_default(),
                seal: single_line(&decl.signoff.seal),
            }),
        }
    }

    /// The data as JSON bytes, as the template reads it.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_else(|e| unreachable!("FormData always serialises: {e}"))
    }
}

/// Builds the indicator tree: the skeleton's 一级 and 二级 in order (empty ones included),
/// each declared indicator under its branch in declaration order; labels the skeleton
/// does not know are appended after the standard ones, in order of first appearance.
fn indicator_tree(indicators: &[Indicator], manifest: &Manifest) -> Vec<Level1View> {
    let mut tree: Vec<Level1View> = manifest
        .indicator_skeleton
        .iter()
        .map(|l1| Level1View {
            name: l1.level1.clone(),
            groups: l1
                .level2
                .iter()
                .map(|name| Level2View {
                    name: name.clone(),
                    items: Vec::new(),
                })
                .collect(),
        })
        .collect();
    for ind in indicators {
        let level1 = single_line(&ind.level1);
        let level2 = single_line(&ind.level2);
        let l1 = match tree.iter().position(|l| l.name == level1) {
            Some(i) => i,
            None => {
                tree.push(Level1View {
                    name: level1,
                    groups: Vec::new(),
                });
                tree.len() - 1
            }
        };
        let groups = &mut tree[l1].groups;
        let l2 = match groups.iter().position(|g| g.name == level2) {
            Some(i) => i,
            None => {
                groups.push(Level2View {
                    name: level2,
                    items: Vec::new(),
                });
                groups.len() - 1
            }
        };
        groups[l2].items.push(IndicatorView {
            name: single_line(&ind.name),
            period_value: single_line(&ind.period_value),
            annual_value: single_line(&ind.annual_value),
        });
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;

    fn ind(l1: &str, l2: &str, name: &str) -> Indicator {
        Indicator {
            level1: l1.into(),
            level2: l2.into(),
            name: name.into(),
            period_value: "1".into(),
            annual_value: "2".into(),
        }
    }

    #[test]
    fn skeleton_is_printed_in_full_and_in_order() {
        let manifest = Template::builtin().manifest;
        let tree = indicator_tree(
            &[
                ind("效益指标", "社会效益指标", "乙"),
                ind("产出指标", "数量指标", "甲"),
                ind("产出指标", "自定二级", "丙"),
                ind("自定一级", "自定二级", "丁"),
            ],
            &manifest,
        );
        let names: Vec<String> = tree
            .iter()
            .flat_map(|l1| {
                l1.groups
                    .iter()
                    .map(move |g| format!("{}/{}:{}", l1.name, g.name, g.items.len()))
            })
            .collect();
        assert_eq!(
            names,
            [
                "产出指标/数量指标:1",
                "产出指标/质量指标:0",
                "产出指标/时效指标:0",
                "产出指标/自定二级:1",
                "效益指标/经济效益指标:0",
                "效益指标/社会效益指标:1",
                "效益指标/生态效益指标:0",
                "满意度指标/服务对象满意度指标:0",
                "成本指标/经济成本指标:0",
                "成本指标/社会成本指标:0",
                "成本指标/生态环境成本指标:0",
                "自定一级/自定二级:1",
            ]
        );
    }

    #[test]
    fn data_the_template_does_not_print_is_refused() {
        let decl = Declaration::from_toml(
            "department = \"部门\"\nyear = 2024\n[info]\ncontact = \"张三\"\n[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"甲\"\nperiod_value = \"1\"\nannual_value = \"2\"\n",
        )
        .expect("valid");
        let mut manifest = Template::builtin().manifest;
        let problems: Vec<String> = unprinted(&decl, &manifest)
            .iter()
            .map(|f| f.path.clone())
            .collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("info.contact"));

        manifest.info_fields.push(crate::template::InfoField {
            key: "contact".into(),
            label: "联系人".into(),
        });
        manifest.indicator_values = vec![IndicatorValue::AnnualValue];
        let problems: Vec<String> = unprinted(&decl, &manifest)
            .iter()
            .map(|f| f.path.clone())
            .collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("indicators[0].period_value"));
        let data = FormData::new(&decl, &manifest);
        assert_eq!(data.info[0].label, "联系人");
        assert_eq!(data.info[0].value, "张三");
    }

    #[test]
    fn omitted_amounts_are_blank_and_title_takes_the_year() {
        let decl =
            Declaration::from_toml("department = \"部门\"\nyear = 2024\n[budget]\nbasic = 1\n")
                .expect("valid");
        let mut manifest = Template::builtin().manifest;
        manifest.title = "{year}年市级部门整体预算绩效目标表".into();
        let data = FormData::new(&decl, &manifest);
        assert_eq!(data.title, "2024年市级部门整体预算绩效目标表");
        assert_eq!(data.budget.basic, "1.00");
        assert_eq!(data.budget.project, "");
    }
}

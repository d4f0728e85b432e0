//! The worked example of how a kind mapper uses `jixiao::sheet`: read the whole
//! 绩效指标 block of the real 湛江 2023 form into plain (一级, 二级, 三级, 指标值) tuples,
//! plus a key/value row, a merged text cell and the sub-table of tasks, using only the
//! module's public API, and report every cell not used. The expected values are the
//! `.md` transcription's (made by a person from the file), typed out here.

mod sheet_support;

use jixiao::sheet::{read_file, Cell, CellRef, Ledger, Sheet, SheetError, OUTSIDE_LAYOUT};
use sheet_support::form;

/// One indicator row as a declaration would hold it.
type Indicator = (String, String, String, String);

/// An 一级/二级 branch of the tree.
type Branch = (String, String);

/// How a text field reads a cell: text as typed, a percentage-formatted number as its
/// exact percentage, any other number as its decimal.
fn field_text(cell: &Cell) -> String {
    match cell.number() {
        Some(n) if cell.is_percent() => n.percent_text(),
        _ => cell.plain_text(),
    }
}

/// The indicator block: its section label (merged down column A) gives the rows, its
/// header row the columns, the merged 一级 and 二级 labels the groups.
fn read_indicators(
    file: &str,
    sheet: &Sheet,
    ledger: &mut Ledger<'_>,
) -> Result<(Vec<Indicator>, Vec<Branch>), SheetError> {
    let section = ledger.take_label("绩效指标").ok_or_else(|| {
        SheetError::cell(
            file,
            &sheet.address(CellRef::new(0, 0)),
            "找不到“绩效指标”",
            "no `绩效指标` label",
        )
    })?;
    let rows = sheet.rows_of(section.pos());
    let header = *rows.start();
    let cols = sheet
        .header_columns(header, &["一级指标", "二级指标", "三级指标", "指标值"])
        .map_err(|e| {
            SheetError::cell(
                file,
                &e.row_address,
                format!("缺少表头“{}”", e.label),
                format!("missing header `{}`", e.label),
            )
        })?;
    for col in &cols {
        ledger.take(CellRef::new(header, *col));
    }
    let (mut indicators, mut branches) = (Vec::new(), Vec::new());
    for level1 in sheet.groups(cols[0], header + 1..=*rows.end()) {
        ledger.mark(level1.span.first);
        for level2 in sheet.groups(cols[1], level1.rows.clone()) {
            ledger.mark(level2.span.first);
            branches.push((level1.label_text(), level2.label_text()));
            for row in level2.rows.clone() {
                let name = ledger
                    .take(CellRef::new(row, cols[2]))
                    .map(field_text)
                    .unwrap_or_default();
                let value = ledger
                    .take(CellRef::new(row, cols[3]))
                    .map(field_text)
                    .unwrap_or_default();
                // A skeleton's blank row: the branch exists, the row holds no indicator.
                if !name.is_empty() || !value.is_empty() {
                    indicators.push((level1.label_text(), level2.label_text(), name, value));
                }
            }
        }
    }
    Ok((indicators, branches))
}

#[test]
fn zhanjiang_indicator_tree_with_the_public_api() {
    let path = form("zhanjiang-2023-department-target.xlsx");
    let book = read_file(&path).expect("read");
    let sheet = &book.sheets()[0];
    let mut ledger = Ledger::new(sheet);
    let (indicators, branches) =
        read_indicators(book.file(), sheet, &mut ledger).expect("the block reads");

    let expected: Vec<Indicator> = [
        (
            "产出指标",
            "数量指标",
            "城乡居民基础养老金标准",
            "≥200元每人每月",
        ),
        ("产出指标", "数量指标", "发放创业担保贷款金额", "5000万元"),
        (
            "产出指标",
            "数量指标",
            "城镇新增就业人数（万人）",
            "根据下达任务目标要求确定",
        ),
        (
            "产出指标",
            "数量指标",
            "促进创业人数（人）",
            "根据下达任务目标要求确定",
        ),
        ("产出指标", "质量指标", "创业担保贷款还款率", "≧90%"),
        ("产出指标", "质量指标", "补贴发放准确率", "≧98%"),
        ("产出指标", "时效指标", "资金在规定时间内下达率", "100%"),
        ("产出指标", "时效指标", "资金支付规范性", "合规"),
        ("产出指标", "时效指标", "实际资金支出率", "≧95%"),
        (
            "效益指标",
            "经济效益指标",
            "就业困难人员就业人数",
            "根据下达任务目标要求确定",
        ),
        (
            "效益指标",
            "经济效益指标",
            "失业人员再就业人数",
            "根据下达任务目标要求确定",
        ),
        (
            "效益指标",
            "社会效益指标",
            "全市城乡居民养老保险覆盖面",
            "不低于上年度水平",
        ),
        ("效益指标", "社会效益指标", "扶持创业企业（项目）数", "650"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥75%"),
        (
            "满意度指标",
            "服务对象满意度指标",
            "享受创业担保贷款对象满意度",
            "≧95%",
        ),
        ("满意度指标", "服务对象满意度指标", "公共服务满意度", "≧95%"),
    ]
    .iter()
    .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
    .collect();
    assert_eq!(indicators, expected);
    // 9 二级 branches (the benchmark's answer key agrees), the empty ones included.
    let expected_branches: Vec<(String, String)> = [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "时效指标"),
        ("产出指标", "成本指标"),
        ("效益指标", "经济效益指标"),
        ("效益指标", "社会效益指标"),
        ("效益指标", "生态效益指标"),
        ("效益指标", "可持续影响指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(branches, expected_branches);

    // Every cell of rows 17–39 was used; everything above is reported, in reading order.
    let left = ledger.leftovers();
    assert!(left.iter().all(|l| l.pos.row < 16), "{left:#?}");
    assert_eq!(
        left.first()
            .map(|l| (l.address.as_str(), l.text.as_str(), l.reason.as_str())),
        Some((
            "Sheet1!A1",
            "2023年市级部门整体预算绩效目标表",
            OUTSIDE_LAYOUT
        ))
    );
    assert_eq!(
        left.len(),
        98 - 49,
        "98 non-empty cells, 49 of them in rows 17–39"
    );
}

#[test]
fn zhanjiang_key_values_merged_text_and_task_table() {
    let book = read_file(&form("zhanjiang-2023-department-target.xlsx")).expect("read");
    let sheet = &book.sheets()[0];
    let mut ledger = Ledger::new(sheet);
    // The title, by a test on its normalised text.
    let title = sheet
        .find_label_where(|t| t.ends_with("年市级部门整体预算绩效目标表"))
        .expect("title");
    ledger.mark(title.pos());
    // A key/value pair whose value is merged over B2:E2.
    let label = ledger.take_label("部门名称").expect("label");
    assert_eq!(
        ledger
            .take(sheet.right_of(label.pos()))
            .and_then(Cell::text),
        Some("湛江市人力资源和社会保障局")
    );
    // Label/value pairs in one row (基本信息).
    ledger.take_label("基本信息");
    for (key, value) in [("财政供养人员数", "750"), ("下属二级单位数", "10")] {
        let k = ledger.take_label(key).expect(key);
        assert_eq!(
            ledger
                .take(sheet.right_of(k.pos()))
                .map(Cell::plain_text)
                .as_deref(),
            Some(value),
            "{key}"
        );
    }
    // The money block: a section label merged over A4:A9, a 2×2 of label/amount pairs.
    let money = ledger.take_label("预算整体情况").expect("label");
    assert_eq!(sheet.rows_of(money.pos()), 3..=8);
    let amount = |ledger: &mut Ledger<'_>, key: &str| {
        let k = ledger.take_label(key).expect(key);
        ledger
            .take(sheet.right_of(k.pos()))
            .and_then(|c| c.number())
            .map(|n| n.value().to_string())
    };
    assert_eq!(amount(&mut ledger, "基本支出").as_deref(), Some("10596.35"));
    assert_eq!(amount(&mut ledger, "项目支出").as_deref(), Some("72204.57"));
    assert_eq!(amount(&mut ledger, "财政拨款").as_deref(), Some("82800.92"));
    assert_eq!(amount(&mut ledger, "其他资金").as_deref(), Some("0"));
    assert_eq!(
        amount(&mut ledger, "拟用于对下\n转移支付资金"),
        None,
        "blank in this filing"
    );
    // A merged free-text cell.
    let goal = ledger.take_label("总体绩效目标").expect("label");
    let text = ledger
        .take(sheet.right_of(goal.pos()))
        .and_then(Cell::text)
        .expect("goal text");
    assert_eq!(text.lines().count(), 6);
    assert!(text.starts_with("目标1：城乡居民基本养老保险参保人数达到计划指标"));
    // A sub-table with a header row (名称 … 期望达到的目标 （概述）, matched without the space).
    let tasks = ledger.take_label("年度重点工作任务").expect("label");
    let rows = sheet.rows_of(tasks.pos());
    let cols = sheet
        .header_columns(
            *rows.start(),
            &[
                "名称",
                "主要实施内容",
                "拟投入的资金（万元）",
                "期望达到的目标（概述）",
            ],
        )
        .expect("header");
    assert_eq!(cols, [1, 2, 3, 4]);
    let funds: Vec<String> = (*rows.start() + 1..=*rows.end())
        .filter_map(|row| {
            ledger
                .take(CellRef::new(row, cols[2]))
                .map(Cell::plain_text)
        })
        .collect();
    assert_eq!(funds, ["20140", "790", "500"]);
    // A label whose text has a stray space, found by its normalised form.
    let other = ledger
        .take_label("其他需完成的任务（可选填）")
        .expect("label");
    assert_eq!(other.text(), Some("其他需完成的任务 （可选填）"));
    // A header row without an expected label is the error naming the row.
    let err = sheet
        .header_columns(*rows.start(), &["名称", "预算金额"])
        .expect_err("missing");
    assert_eq!(
        err.to_string(),
        "Sheet1!A11 所在行缺少表头“预算金额” / the header row at Sheet1!A11 has no `预算金额`"
    );
    // What was not taken above is still reported.
    let left: Vec<String> = ledger
        .leftovers()
        .iter()
        .map(|l| l.address.clone())
        .collect();
    assert!(
        left.contains(&"Sheet1!B4".to_string()) && left.contains(&"Sheet1!B12".to_string()),
        "{left:?}"
    );
    assert!(!left.contains(&"Sheet1!D12".to_string()));
}

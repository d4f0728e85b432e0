//! The 项目支出绩效目标执行监控表 (`project-monitoring`) and a workbook as it comes: the
//! filled form of 北京大学 2019 (`../shared/forms/monitoring/`) is an .xls of eleven
//! sheets — the 执行监控 form, two blank forms (申报表, 自评表: labels, the project's
//! name, zeros) and eight sheets that are no performance form. Imported with no
//! `--kind` and no `--sheet`, from the .xls and from its LibreOffice .xlsx conversion
//! (made here), the monitoring sheet gives the declaration transcribed by hand in
//! `samples/`, every filled cell of it is printed, and the other sheets are reported
//! and skipped; `--sheet` picks sheets by name or position.

mod common;
mod sheet_support;

use std::path::{Path, PathBuf};

use common::{jixiao, page_texts, root, squeeze, stderr};
use jixiao::import::canonical;
use jixiao::Declaration;

const XLS: &str = "monitoring/beijing-pku-2019-project-monitoring.xls";
const SAMPLE: &str = "beijing-pku-2019-project-monitoring.toml";
const SHEET: &str = "项目支出绩效目标执行监控";

fn sample() -> Declaration {
    common::sample(SAMPLE).1
}

/// `jixiao import FILE -o OUT` in `dir`; the process output and the declaration.
fn import(dir: &Path, file: &Path, extra: &[&str]) -> (std::process::Output, Option<Declaration>) {
    let out_path = dir.join("out.toml");
    let _ = std::fs::remove_file(&out_path);
    let mut args = vec![
        "import".to_owned(),
        file.display().to_string(),
        "-o".to_owned(),
        out_path.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = jixiao(&args, dir);
    let decl = std::fs::read_to_string(&out_path)
        .ok()
        .map(|t| Declaration::from_toml(&t).expect("the import parses"));
    (out, decl)
}

/// Every non-empty cell of the 执行监控 sheet as transcribed by hand in the form's `.md`
/// (its first table of cells, rows `| A2 | text | '…' | …`): address, text, covered.
fn transcribed_cells() -> Vec<(String, String, bool)> {
    let md = std::fs::read_to_string(sheet_support::form(
        "monitoring/beijing-pku-2019-project-monitoring.md",
    ))
    .expect("md");
    let part = md
        .split("## Sheet 1 of interest")
        .nth(1)
        .and_then(|p| p.split("## Sheet 2 of interest").next())
        .expect("the monitoring sheet's part");
    let table = part
        .split("**Every non-empty cell, verbatim**")
        .nth(1)
        .expect("its cells");
    table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| cell") && !l.starts_with("|---"))
        .map(|l| {
            let cols: Vec<&str> = l.split(" | ").collect();
            let address = cols[0].trim_start_matches("| ").to_owned();
            let value = cols[2].trim();
            let text = value
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .unwrap_or(value)
                .to_owned();
            (address, text, l.contains("covered"))
        })
        .collect()
}

#[test]
fn the_sample_checks_clean_but_for_the_filers_own_label() {
    let out = jixiao(
        &["check", &format!("samples/{SAMPLE}"), "--format", "json"],
        &root(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let codes: Vec<&str> = json
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    // 校园用户满意度 is not a standard 二级 label (two indicators under it).
    assert_eq!(codes, ["nonstandard-label", "nonstandard-label"]);
}

/// 完成目标可能性: exactly one of 确定能 / 有可能 / 完全不可能. None is an error; the
/// TOML cannot hold two; a workbook ticking two is refused naming the cell.
#[test]
fn the_likelihood_is_ticked_exactly_once() {
    let text = std::fs::read_to_string(root().join("samples").join(SAMPLE)).expect("sample");
    let first = "likelihood = \"确定能\"               # 完成目标可能性（原表 N22：✔）\n";
    assert!(text.contains(first));
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("none.toml"), text.replacen(first, "", 1)).expect("write");
    let out = jixiao(&["check", "none.toml", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        json.as_array()
            .expect("array")
            .iter()
            .any(|d| d["code"] == "empty"
                && d["path"] == "indicators[0].likelihood"
                && d["severity"] == "error"),
        "{json}"
    );
    std::fs::write(
        dir.path().join("other.toml"),
        text.replacen(first, "likelihood = \"差不多\"\n", 1),
    )
    .expect("write");
    let out = jixiao(&["check", "other.toml", "--format", "json"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(json
        .as_array()
        .expect("array")
        .iter()
        .any(|d| d["code"] == "choice" && d["path"] == "indicators[0].likelihood"));

    // Two ticks in one row of a workbook: the export of the sample, with 有可能 ticked
    // beside 确定能 in the first indicator's row.
    let exported = jixiao::export::to_xlsx(&sample(), "m.xlsx").expect("export");
    let book = jixiao::sheet::read_bytes("m.xlsx", &exported.bytes).expect("read");
    let sheet = &book.sheets()[0];
    let tick = sheet
        .cells()
        .find(|c| c.text() == Some("√"))
        .expect("a tick")
        .pos();
    let beside = jixiao::sheet::CellRef::new(tick.row, tick.col + 1);
    // The import refuses a row whose 有可能 is ticked too (the sheet rebuilt so).
    let cells: Vec<_> = sheet
        .cells()
        .map(|c| {
            let value = if c.pos() == beside {
                jixiao::sheet::CellValue::Text("√".into())
            } else {
                c.value().clone()
            };
            (c.pos(), value, c.format().cloned(), None)
        })
        .chain(sheet.cell(beside).is_none().then(|| {
            (
                beside,
                jixiao::sheet::CellValue::Text("√".into()),
                None,
                None,
            )
        }))
        .collect();
    let twice = jixiao::sheet::Sheet::new(sheet.name(), cells, sheet.merges().to_vec());
    let book = jixiao::sheet::Workbook::new("m.xlsx", vec![twice]);
    let err = jixiao::import::import_workbook(&book, jixiao::Kinds::builtin(), &Default::default())
        .expect_err("two ticks must be refused");
    let message = err.to_string();
    assert!(
        message.contains("只能勾选一项")
            && message.contains("确定能")
            && message.contains("有可能"),
        "{message}"
    );
}

/// The .xls as it comes, and its LibreOffice .xlsx conversion: no `--kind`, no
/// `--sheet`; the monitoring sheet gives the hand transcription; the two blank forms
/// and the eight other sheets are reported, and nothing fails.
#[test]
fn the_workbook_imports_its_monitoring_sheet_and_reports_the_others() {
    let dir = tempfile::tempdir().expect("tempdir");
    let xls = sheet_support::form(XLS);
    let profile = dir.path().join("profile");
    sheet_support::convert(&profile, std::slice::from_ref(&xls), "xlsx", dir.path());
    let xlsx: PathBuf = dir.path().join("beijing-pku-2019-project-monitoring.xlsx");
    assert!(xlsx.exists(), "LibreOffice wrote no .xlsx");
    for file in [&xls, &xlsx] {
        let (out, decl) = import(dir.path(), file, &[]);
        let err = stderr(&out);
        assert!(out.status.success(), "{}: {err}", file.display());
        let decl = decl.expect("a declaration");
        assert!(
            canonical(&decl) == canonical(&sample()),
            "{}: the import differs from the transcription:\n{}",
            file.display(),
            decl.to_toml()
        );
        for blank in ["项目支出绩效目标申报表", "项目支出绩效自评表"] {
            assert!(
                err.contains(&format!("工作表“{blank}”是一张空白的")),
                "{}: {blank} not reported as blank: {err}",
                file.display()
            );
        }
        for other in [
            "项目基本信息",
            "项目支出立项依据",
            "项目支出实施方案",
            "项目支出计划",
            "项目支出明细",
            "部门评审报告",
            "财政评审报告",
            "监管局审核意见报告",
        ] {
            assert!(
                err.contains(&format!("工作表“{other}”不是已知的表样")),
                "{}: {other} not reported: {err}",
                file.display()
            );
        }
        // Of the monitoring sheet, only the copy of 备注 hidden under its merge is left.
        let notes: Vec<&str> = err
            .lines()
            .filter(|l| l.contains(&format!("{SHEET}!")) && l.contains("未导入"))
            .collect();
        assert_eq!(notes.len(), 1, "{notes:#?}");
        assert!(notes[0].contains("Q21"));
    }
}

/// Every filled cell of the real form is printed: the hand transcription's cells, in
/// the PDF rendered from the import (the ✔ of 完成目标可能性 printed √, `( 2019年度)`
/// as the form's `（2019年度）`; the covered copy of 备注 is its heading).
#[test]
fn every_filled_cell_of_the_real_form_is_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, _) = import(dir.path(), &sheet_support::form(XLS), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let render = jixiao(&["render", "out.toml", "-o", "out.pdf"], dir.path());
    assert!(render.status.success(), "{}", stderr(&render));
    let pdf = std::fs::read(dir.path().join("out.pdf")).expect("pdf");
    let pages = page_texts(&pdf);
    let printed = |text: &str| common::printed(&pages, text);
    let cells = transcribed_cells();
    assert!(cells.len() > 150, "only {} cells transcribed", cells.len());
    let ticks = pages.iter().map(|p| p.matches('√').count()).sum::<usize>();
    assert_eq!(ticks, 14, "one tick per indicator");
    for (address, text, covered) in cells {
        if covered || text == "✔" {
            continue;
        }
        let want = match text.as_str() {
            "( 2019年度)" => "（2019年度）".to_owned(),
            t => squeeze(t).replace(':', "："),
        };
        assert!(printed(&want), "{address} `{text}` is not printed");
    }
}

#[test]
fn sheets_are_picked_by_name_or_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let xls = sheet_support::form(XLS);
    // By name and by position (the 7th sheet): the same form.
    for pick in [SHEET, "7"] {
        let (out, decl) = import(dir.path(), &xls, &["--sheet", pick]);
        assert!(out.status.success(), "--sheet {pick}: {}", stderr(&out));
        assert!(canonical(&decl.expect("decl")) == canonical(&sample()));
        // Only the picked sheet is looked at.
        assert!(!stderr(&out).contains("项目基本信息"), "{}", stderr(&out));
    }
    // A blank form picked is imported as it is — and does not read as a form.
    let (out, _) = import(dir.path(), &xls, &["--sheet", "项目支出绩效目标申报表"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("项目期"), "{}", stderr(&out));
    // A sheet that is not there: the sheets are listed.
    let (out, _) = import(dir.path(), &xls, &["--sheet", "12"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("没有工作表“12”") && err.contains("7 项目支出绩效目标执行监控"),
        "{err}"
    );
    // --kind applies to the picked sheet.
    let (out, decl) = import(
        dir.path(),
        &xls,
        &["--sheet", SHEET, "--kind", "project-monitoring"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decl.expect("decl").kind().name(), "project-monitoring");
}

//! `jixiao import` on the real spreadsheets of `../shared/forms/` and on bad ones.
//!
//! Each real form imports as the kind listed for it, equal (as printed) to the sample
//! a person transcribed from it by hand (`samples/`), with no cell left unexplained;
//! it renders, and every non-empty cell's text (numbers as the form prints them) is in
//! the PDF; the imported TOML passes the checks. Bad spreadsheets give a clear error
//! naming the cell, exit 1, and neither TOML nor PDF.

mod common;
mod sheet_support;

use std::io::{Cursor, Read, Write};
use std::path::Path;

use common::{jixiao, pdftotext, render, squeeze, stderr};
use jixiao::check::{check, DeclarationSource};
use jixiao::import::{canonical, import_bytes, Imported, Options};
use jixiao::kind::{paths, FieldType};
use jixiao::sheet::{read_bytes, CellValue, SheetError};
use jixiao::{Declaration, FontSet, Kinds, Severity};
use sheet_support::form;

/// Every real spreadsheet, the kind it is, and the sample transcribed from it.
const REAL_FORMS: [(&str, &str, &str); 3] = [
    (
        "zhanjiang-2023-department-target.xlsx",
        "department-target-table",
        "zhanjiang-2023-department-target.toml",
    ),
    (
        "wuhan-donghu-2020-project.xlsx",
        "project-application",
        "wuhan-donghu-2020-project.toml",
    ),
    (
        "chongqing-yuzhong-2021-project-self-evaluation.xlsx",
        "project-self-evaluation-weighted",
        "chongqing-yuzhong-2021-project-self-evaluation.toml",
    ),
];

/// What each real form's import reports, by cell: the only notes expected.
const EXPECTED_NOTES: [(&str, &[&str]); 3] = [
    // The cached result of =SUM(C5:C6) is stored as 82800.92000000001.
    ("zhanjiang-2023-department-target.xlsx", &["Sheet1!E5"]),
    ("wuhan-donghu-2020-project.xlsx", &[]),
    // Column O has no 得分 heading in this filing.
    (
        "chongqing-yuzhong-2021-project-self-evaluation.xlsx",
        &["就业补助资金!O10"],
    ),
];

fn import_real(name: &str) -> Imported {
    let bytes = std::fs::read(form(name)).expect("read");
    let import = import_bytes(name, &bytes, Kinds::builtin(), &Options::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(import.forms.len(), 1, "{name}: one form sheet");
    assert!(import.skipped.is_empty(), "{name}: {:?}", import.skipped);
    import.forms.into_iter().next().expect("one form")
}

#[test]
fn every_real_spreadsheet_is_listed_with_its_kind_and_the_kind_is_built_in() {
    let dir = form("FORM-FAMILY.md");
    let dir = dir.parent().expect("forms dir");
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .expect("forms")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xlsx") || n.ends_with(".xls") || n.ends_with(".ods"))
        .collect();
    found.sort();
    let mut listed: Vec<String> = REAL_FORMS.iter().map(|(f, _, _)| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "every real spreadsheet must be listed in REAL_FORMS"
    );
    for (file, kind, _) in REAL_FORMS {
        assert!(
            Kinds::builtin().get(kind).is_some(),
            "{file}: its kind {kind} is not built in yet (mark the case #[ignore = \"kind not built in yet\"] until it is)"
        );
    }
}

#[test]
fn real_spreadsheets_import_as_their_kind_equal_to_the_hand_transcription() {
    for (file, kind, sample) in REAL_FORMS {
        let imported = import_real(file);
        assert_eq!(
            imported.declaration.kind().name(),
            kind,
            "{file}: detected kind"
        );
        let (_, transcribed) = common::sample(sample);
        let (got, want) = (canonical(&imported.declaration), canonical(&transcribed));
        if got != want {
            panic!(
                "{file}: the import differs from samples/{sample}\n--- imported\n{}\n--- transcribed\n{}",
                got.to_toml(),
                want.to_toml()
            );
        }
        // The TOML written reads back as the same declaration, every value exact.
        let toml = imported.to_toml();
        let again = Declaration::from_toml(&toml).unwrap_or_else(|e| panic!("{file}: {e}\n{toml}"));
        assert!(
            again == imported.declaration,
            "{file}: the TOML reads back differently:\n{toml}"
        );
        // Nothing but the expected notes: every other cell was imported.
        let expected = EXPECTED_NOTES
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, n)| n.to_vec())
            .unwrap_or_default();
        let notes: Vec<&str> = imported.notes.iter().map(|n| n.address.as_str()).collect();
        assert_eq!(notes, expected, "{file}: {:#?}", imported.notes);
        // Each value names its cell.
        assert!(
            toml.contains("（Sheet1!") || toml.contains("（就业补助资金!"),
            "{toml}"
        );
    }
}

#[test]
fn zhanjiang_values_are_typed_as_stored() {
    let imported = import_real("zhanjiang-2023-department-target.xlsx");
    let d = &imported.declaration;
    let amount = |p: &str| d.get(p).and_then(|v| v.decimal()).map(|x| x.to_string());
    // The stored digits (72204.570000000007 in the file), and a formula's cached value.
    assert_eq!(amount("budget.project").as_deref(), Some("72204.57"));
    assert_eq!(amount("budget.appropriation").as_deref(), Some("82800.92"));
    assert_eq!(amount("tasks[0].amount").as_deref(), Some("20140"));
    // A number in a text field stays its digits; 1 in `0%` is 100%.
    assert_eq!(d.text("info.staff"), Some("750"));
    assert_eq!(d.text("indicators[6].value"), Some("100%"));
    assert_eq!(d.text("indicators[12].value"), Some("650"));
    // ≥ and ≧ as typed; the empty 成本指标 skeleton rows are no indicators.
    assert_eq!(d.text("indicators[0].value"), Some("≥200元每人每月"));
    assert_eq!(d.text("indicators[4].value"), Some("≧90%"));
    let l2: Vec<&str> = (0..16)
        .filter_map(|i| d.text(&format!("indicators[{i}].level2")))
        .collect();
    assert!(!l2.contains(&"成本指标"), "{l2:?}");
    assert_eq!(d.get("indicators[16].name"), None);
    // The goal: one paragraph per line of the cell.
    match d.get("goal") {
        Some(jixiao::declaration::Value::Paragraphs(p)) => assert_eq!(p.0.len(), 6),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        imported.cells.get("budget.basic").map(String::as_str),
        Some("Sheet1!C5")
    );
    assert_eq!(
        imported.cells.get("year").map(String::as_str),
        Some("Sheet1!A1")
    );
    assert_eq!(d.year(), 2023);
}

/// The text the form prints for a non-empty cell: its text, or its number as the form
/// prints it (an amount with two decimals and thousands separators, a percentage cell
/// as a percentage, any other number as its decimal).
fn printed(cell: &jixiao::sheet::Cell, amount: bool) -> String {
    match cell.value() {
        CellValue::Number(n) if amount => jixiao::Amount::new(n.value()).to_form_string(),
        CellValue::Number(n) if cell.is_percent() => n.percent_text(),
        _ => cell.plain_text(),
    }
}

/// Whether `text` is in `pdf`, whole or split where a page breaks: a piece of at least
/// four characters, then the rest within the next 600 characters (what a continuation
/// page prints first: the page number, repeated labels and headings).
fn in_reading_order(pdf: &str, text: &str) -> bool {
    if pdf.contains(text) {
        return true;
    }
    let chars: Vec<char> = text.chars().collect();
    (4..chars.len()).rev().any(|cut| {
        let head: String = chars[..cut].iter().collect();
        let tail: String = chars[cut..].iter().collect();
        pdf.match_indices(&head).any(|(at, _)| {
            let after: String = pdf[at + head.len()..].chars().take(600).collect();
            in_reading_order(&after, &tail)
        })
    })
}

#[test]
fn the_reading_order_check_allows_page_breaks_only() {
    assert!(in_reading_order("甲乙丙丁戊己庚辛", "丙丁戊"));
    assert!(in_reading_order(
        "一二三四五第1页共2页标签六七八",
        "一二三四五六七八"
    ));
    assert!(!in_reading_order("六七八一二三四五", "一二三四五六七八"));
    assert!(!in_reading_order("一二三四五", "一二三四五六"));
}

#[test]
fn real_spreadsheets_render_with_every_cell_in_the_pdf_and_check_clean() {
    for (file, _, _) in REAL_FORMS {
        let imported = import_real(file);
        let kind = imported.declaration.kind();
        let report = check(
            DeclarationSource::from_bytes(format!("{file}.toml"), imported.to_toml().into_bytes()),
            Kinds::builtin(),
            &FontSet::bundled(),
        );
        let errors: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{} {}: {}", f.code, f.path, f.message.en))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
        let pdf = squeeze(&pdftotext(&render(&imported.declaration), None));
        let book = read_bytes(file, &std::fs::read(form(file)).expect("read")).expect("read");
        let sheet = &book.sheets()[0];
        let amount_cells: Vec<&String> = imported
            .cells
            .iter()
            .filter(|(path, _)| {
                kind.field_at(&paths::generic(path))
                    .is_some_and(|f| f.kind == FieldType::Amount)
            })
            .map(|(_, address)| address)
            .collect();
        let mut missing = Vec::new();
        for cell in sheet.cells() {
            let address = sheet.address(cell.pos());
            let text = printed(cell, amount_cells.contains(&&address));
            for line in text.lines() {
                let line = squeeze(line);
                if !line.is_empty() && !in_reading_order(&pdf, &line) {
                    missing.push(format!("{address}: {line}"));
                }
            }
        }
        assert!(missing.is_empty(), "{file}: not in the PDF: {missing:#?}");
    }
}

/// The real 湛江 file with one part changed by `edit`.
fn edited(part: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    let seed = std::fs::read(form("zhanjiang-2023-department-target.xlsx")).expect("read");
    let mut zip = zip::ZipArchive::new(Cursor::new(seed)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("name").to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read");
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .expect("start");
        if name == part {
            let text = String::from_utf8(bytes).expect("xml");
            let changed = edit(&text);
            assert_ne!(changed, text, "{part}: the edit changed nothing");
            out.write_all(changed.as_bytes()).expect("write");
        } else {
            out.write_all(&bytes).expect("write");
        }
    }
    out.finish().expect("zip").into_inner()
}

/// The bad spreadsheets: name, bytes, and what the error must say (the cell).
fn bad_spreadsheets() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let empty = jixiao::sheet::write_xlsx(
        "empty.xlsx",
        &[jixiao::sheet::Layout::new("Sheet1")],
        &jixiao::sheet::DocInfo::default(),
    )
    .expect("write");
    let mut other = jixiao::sheet::Layout::new("花名册");
    let style = jixiao::sheet::CellStyle::default();
    for (i, t) in ["2023年度职工花名册", "姓名", "性别", "出生年月", "职务"]
        .iter()
        .enumerate()
    {
        let at = if i == 0 {
            jixiao::sheet::CellRef::new(0, 0)
        } else {
            jixiao::sheet::CellRef::new(1, i as u32 - 1)
        };
        other.text(at, *t, style.clone());
    }
    other.text(jixiao::sheet::CellRef::new(2, 0), "张三", style.clone());
    let other =
        jixiao::sheet::write_xlsx("other.xlsx", &[other], &jixiao::sheet::DocInfo::default())
            .expect("write");
    let encrypted = sheet_support::compound_file(&[
        ("EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0]),
        ("EncryptedPackage", &[0; 64]),
    ]);
    vec![
        (
            "not-a-spreadsheet.xlsx",
            "部门名称,基本支出\n某局,100\n".as_bytes().to_vec(),
            "不是电子表格",
        ),
        ("encrypted.xlsx", encrypted, "已加密"),
        ("empty.xlsx", empty, "空工作簿"),
        ("other-form.xlsx", other, "花名册!A1"),
        (
            "label-missing.xlsx",
            edited("xl/sharedStrings.xml", |x| {
                x.replacen("<si><t>基本支出</t></si>", "<si><t>人员经费</t></si>", 1)
            }),
            "Sheet1!B5",
        ),
        (
            "text-in-amount.xlsx",
            edited("xl/worksheets/sheet1.xml", |x| {
                x.replacen(
                    r#"<c r="C5" s="2"><v>10596.35</v></c>"#,
                    r#"<c r="C5" s="2" t="inlineStr"><is><t>约一万</t></is></c>"#,
                    1,
                )
            }),
            "Sheet1!C5",
        ),
    ]
}

#[test]
fn bad_spreadsheets_are_clear_errors_with_the_cell_and_nothing_is_written() {
    for (name, bytes, says) in bad_spreadsheets() {
        // The library: an error, never a panic.
        let err =
            import_bytes(name, &bytes, Kinds::builtin(), &Options::default()).expect_err(name);
        assert_eq!(err.exit_code(), 1);
        let text = err.to_string();
        assert!(text.contains(says), "{name}: {text}");
        assert!(
            text.contains(" / "),
            "{name}: Chinese, then English: {text}"
        );
        // The command line: import and render, exit 1, no output.
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(name), &bytes).expect("write");
        for args in [vec!["import", name], vec!["render", name]] {
            let out = jixiao(&args, dir.path());
            assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
            assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
            let left: Vec<String> = std::fs::read_dir(dir.path())
                .expect("dir")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            assert_eq!(left, [name], "{args:?}: nothing may be written");
        }
    }
}

#[test]
fn the_errors_say_what_is_wrong() {
    let errors: Vec<(String, String)> = bad_spreadsheets()
        .into_iter()
        .map(|(name, bytes, _)| {
            let e =
                import_bytes(name, &bytes, Kinds::builtin(), &Options::default()).expect_err(name);
            (name.to_owned(), e.to_string())
        })
        .collect();
    let of = |n: &str| {
        errors
            .iter()
            .find(|(name, _)| name == n)
            .map(|(_, e)| e.clone())
            .unwrap_or_default()
    };
    assert!(
        of("other-form.xlsx").contains("不是已知的表样"),
        "{}",
        of("other-form.xlsx")
    );
    assert!(
        of("label-missing.xlsx").contains("基本支出"),
        "{}",
        of("label-missing.xlsx")
    );
    assert!(
        of("text-in-amount.xlsx").contains("约一万")
            && of("text-in-amount.xlsx").contains("基本支出"),
        "{}",
        of("text-in-amount.xlsx")
    );
    assert!(matches!(
        import_bytes(
            "e.xlsx",
            &bad_spreadsheets()[1].1,
            Kinds::builtin(),
            &Options::default()
        ),
        Err(SheetError::Encrypted { .. })
    ));
}

#[test]
fn the_import_command_writes_commented_toml_next_to_the_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "zhanjiang-2023-department-target.xlsx";
    std::fs::copy(form(name), dir.path().join(name)).expect("copy");
    let out = jixiao(&["import", name], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let toml_path = dir.path().join("zhanjiang-2023-department-target.toml");
    let toml = std::fs::read_to_string(&toml_path).expect("written");
    assert!(
        toml.contains("kind = \"department-target-table\""),
        "{toml}"
    );
    assert!(
        toml.contains("# 部门预算支出 · 基本支出（Sheet1!C5）"),
        "{toml}"
    );
    assert!(
        toml.contains("Sheet1!E5：公式 =SUM(C5:C6) 的结果"),
        "{toml}"
    );
    // The warnings of the checks are printed; an existing file is not overwritten.
    assert!(stderr(&out).contains("未填写"), "{}", stderr(&out));
    let again = jixiao(&["import", name], dir.path());
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let forced = jixiao(&["import", name, "--force", "--out-dir", "out"], dir.path());
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/zhanjiang-2023-department-target.toml"))
            .expect("out"),
        toml
    );
    let stdout = jixiao(&["import", name, "-o", "-"], dir.path());
    assert_eq!(String::from_utf8_lossy(&stdout.stdout), toml);
    // A wrong --kind: the sheet's labels are not those of that kind.
    let wrong = jixiao(
        &[
            "import",
            name,
            "--kind",
            "project-application",
            "-o",
            "x.toml",
        ],
        dir.path(),
    );
    assert_eq!(wrong.status.code(), Some(1), "{}", stderr(&wrong));
    assert!(!dir.path().join("x.toml").exists());
}

#[test]
fn a_declaration_whose_checks_fail_is_written_and_the_exit_code_is_1() {
    // The 湛江 form with the 财政拨款 total changed: the budget identity breaks.
    let bytes = edited("xl/worksheets/sheet1.xml", |x| {
        let start = x.find(r#"<c r="E5""#).expect("E5");
        let end = start + x[start..].find("</c>").expect("end") + 4;
        format!(
            r#"{}<c r="E5" s="2"><v>99999</v></c>{}"#,
            &x[..start],
            &x[end..]
        )
    });
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("zj.xlsx"), bytes).expect("write");
    let out = jixiao(&["import", "zj.xlsx"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("amount-identity")
            || stderr(&out).contains("不相等")
            || stderr(&out).contains("合计"),
        "{}",
        stderr(&out)
    );
    assert!(Path::new(&dir.path().join("zj.toml")).exists());
}

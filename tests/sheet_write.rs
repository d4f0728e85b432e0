//! The xlsx writer: a form-like layout written, read back, and the same cells, merges,
//! formats, widths and heights come out; byte-reproducible output; bad layouts are
//! errors with no file; LibreOffice re-saves the file and prints it to PDF, and the
//! re-saved file reads the same; property tests for numbers and texts.

mod sheet_support;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::str::FromStr;

use jixiao::sheet::{
    read_bytes, read_file, write_xlsx, write_xlsx_file, CellRange, CellRef, CellStyle, CellValue,
    Content, DocInfo, FileFormat, Layout, Placed, SheetError, Workbook,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use sheet_support::{convert, form};

fn at(a1: &str) -> CellRef {
    CellRef::parse(a1).expect("a1")
}

fn range(a1: &str) -> CellRange {
    CellRange::parse(a1).expect("range")
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

/// A layout shaped like the 湛江 目标表: title, key/value rows, a merged section label,
/// amounts, a merged goal text with line breaks, an indicator tree with merged
/// 一级/二级 labels, a percentage, placeholders.
fn form_layout() -> Layout {
    let mut l = Layout::new("目标表");
    for (col, width) in [(0, 12.0), (1, 17.7), (2, 58.5), (3, 21.5), (4, 20.0)] {
        l.column_width(col, width);
    }
    l.row_height(0, 30.0).row_height(9, 120.0);
    l.merge(
        range("A1:E1"),
        Content::Text("2023年市级部门整体预算绩效目标表".into()),
        CellStyle::title(),
    );
    l.text(at("A2"), "部门名称", CellStyle::label());
    l.merge(
        range("B2:E2"),
        Content::Text("湛江市人力资源和社会保障局".into()),
        CellStyle::text(),
    );
    l.text(at("A3"), "基本信息", CellStyle::label());
    l.text(at("B3"), "财政供养人员数", CellStyle::label());
    l.number(at("C3"), dec("750"), CellStyle::label());
    l.text(at("D3"), "下属二级单位数", CellStyle::label());
    l.number(at("E3"), dec("10"), CellStyle::label());
    l.merge(
        range("A4:A6"),
        Content::Text("预算整体情况".into()),
        CellStyle::heading(),
    );
    for (a1, text) in [
        ("B4", "部门预算支出"),
        ("C4", "预算金额（万元）"),
        ("D4", "收入来源"),
        ("E4", "预算金额（万元）"),
        ("B5", "基本支出"),
        ("D5", "财政拨款"),
        ("B6", "项目支出"),
        ("D6", "拟用于对下\n转移支付资金"),
    ] {
        l.text(at(a1), text, CellStyle::label());
    }
    l.number(at("C5"), dec("10596.35"), CellStyle::amount());
    l.number(at("E5"), dec("82800.92"), CellStyle::amount());
    l.number(
        at("C6"),
        dec("10891.615675"),
        CellStyle::amount().with_format("#,##0.000000"),
    );
    l.put(at("E6"), Content::Empty, CellStyle::amount());
    l.text(at("A10"), "总体绩效目标", CellStyle::label());
    l.merge(
        range("B10:E10"),
        Content::Text(
            "目标1：城乡居民基本养老保险参保人数达到计划指标。\n目标2：完成就业目标任务。".into(),
        ),
        CellStyle::text(),
    );
    l.merge(
        range("A11:A12"),
        Content::Text("其他需完成的任务 （可选填）".into()),
        CellStyle::label(),
    );
    l.merge(range("B11:E12"), Content::Empty, CellStyle::text());
    for (a1, text) in [
        ("A13", "绩效指标"),
        ("B13", "一级指标"),
        ("C13", "二级指标"),
        ("D13", "三级指标"),
        ("E13", "指标值"),
    ] {
        l.text(at(a1), text, CellStyle::heading());
    }
    l.merge(
        range("B14:B17"),
        Content::Text("产出指标".into()),
        CellStyle::label(),
    );
    l.merge(
        range("C14:C15"),
        Content::Text("数量指标".into()),
        CellStyle::label(),
    );
    l.merge(
        range("C16:C17"),
        Content::Text("时效指标".into()),
        CellStyle::label(),
    );
    l.text(at("D14"), "城乡居民基础养老金标准", CellStyle::text());
    l.text(at("E14"), "≥200元每人每月", CellStyle::label());
    l.text(at("D15"), "扶持创业企业（项目）数", CellStyle::text());
    l.number(at("E15"), dec("650"), CellStyle::label());
    l.text(at("D16"), "资金在规定时间内下达率", CellStyle::text());
    l.number(at("E16"), dec("1"), CellStyle::label().with_format("0%"));
    l.text(at("D17"), "项目类型", CellStyle::text());
    l.text(
        at("E17"),
        " 1.部门项目 □   2.公共项目 □√",
        CellStyle::text(),
    );
    l.merge(range("A14:A17"), Content::Empty, CellStyle::label());
    l.text(at("A18"), "/", CellStyle::label());
    // Text that looks like an OOXML escape must stay literal text.
    l.text(at("A19"), "_x0041_ and _x000D_", CellStyle::text());
    l.text(at("B19"), "A&B <c> \"q\" 'a'", CellStyle::text());
    l.text(at("B18"), "—", CellStyle::label());
    l.number(
        at("C18"),
        dec("-0.5"),
        CellStyle::amount().with_format("0.00"),
    );
    l.number(at("D18"), dec("0.0000001"), CellStyle::label());
    l.number(at("E18"), dec("123456789012345"), CellStyle::amount());
    l.print.repeat_rows = Some((12, 12));
    l.print.header = Some("2023年市级部门整体预算绩效目标表 & 附件".into());
    l
}

fn info() -> DocInfo {
    DocInfo {
        title: "2023年市级部门整体预算绩效目标表".into(),
        author: "湛江市人力资源和社会保障局".into(),
        created: (2023, 3, 1),
        ..DocInfo::default()
    }
}

/// The cells a layout should read back as: anchor → (value, format code).
fn expected_cells(layout: &Layout) -> Vec<(CellRef, CellValue, String)> {
    let mut out = Vec::new();
    for p in &layout.cells {
        let format = p
            .style
            .number_format
            .clone()
            .unwrap_or_else(|| "General".into());
        let value = match &p.content {
            Content::Empty => continue,
            Content::Text(t) if t.is_empty() => continue,
            Content::Text(t) => CellValue::Text(t.clone()),
            Content::Number(n) => CellValue::Number(
                jixiao::sheet::Number::from_stored(n.to_string().parse().expect("f64")).expect("n"),
            ),
        };
        out.push((p.range.first, value, format));
    }
    out.sort_by_key(|(pos, _, _)| *pos);
    out
}

fn expected_merges(layout: &Layout) -> BTreeSet<CellRange> {
    layout
        .cells
        .iter()
        .map(|p| p.range)
        .filter(|r| !r.is_single())
        .collect()
}

/// Compares a read sheet with the layout: cells (value, and format unless the reader
/// cannot know it) and merges.
fn assert_same_grid(book: &Workbook, layout: &Layout, formats_known: bool, what: &str) {
    let sheet = book
        .sheet(&layout.sheet_name)
        .unwrap_or_else(|| panic!("{what}: no sheet {}", layout.sheet_name));
    let expected = expected_cells(layout);
    let ours: Vec<CellRef> = sheet.cells().map(|c| c.pos()).collect();
    let theirs: Vec<CellRef> = expected.iter().map(|(p, _, _)| *p).collect();
    assert_eq!(ours, theirs, "{what}: the non-empty cells");
    for (pos, value, format) in &expected {
        let cell = sheet.cell(*pos).expect("cell");
        match (cell.value(), value) {
            (CellValue::Number(a), CellValue::Number(b)) => {
                assert_eq!(a.value(), b.value(), "{what} {pos}");
                assert!(!a.was_rounded(), "{what} {pos}");
            }
            (a, b) => assert_eq!(a, b, "{what} {pos}"),
        }
        if formats_known {
            assert_eq!(
                cell.format().map(|f| f.code()),
                Some(format.as_str()),
                "{what} {pos}: format"
            );
        }
    }
    let merges: BTreeSet<CellRange> = sheet.merges().iter().copied().collect();
    assert_eq!(merges, expected_merges(layout), "{what}: merges");
}

#[test]
fn layout_round_trips_through_xlsx() {
    let layout = form_layout();
    let bytes = write_xlsx("form.xlsx", std::slice::from_ref(&layout), &info()).expect("write");
    let book = read_bytes("form.xlsx", &bytes).expect("read");
    assert_eq!(book.format(), FileFormat::Xlsx);
    assert_same_grid(&book, &layout, true, "written");
    let sheet = &book.sheets()[0];
    // Widths: Excel stores the dialog width plus 5 pixels of padding (7 px per
    // character), rounded to a pixel.
    for (col, width) in &layout.column_widths {
        let stored = sheet.col_width(*col).expect("width");
        assert!(
            (stored - (width + 5.0 / 7.0)).abs() <= 1.0 / 7.0,
            "column {col}: {stored} for {width}"
        );
    }
    assert_eq!(
        (sheet.row_height(0), sheet.row_height(9)),
        (Some(30.0), Some(120.0))
    );
    // Display as the form prints it.
    let shown = |a1: &str| {
        sheet
            .cell_a1(a1)
            .map(|c| c.display_text())
            .unwrap_or_default()
    };
    assert_eq!(shown("E5"), "82,800.92");
    assert_eq!(shown("C6"), "10,891.615675");
    assert_eq!(shown("E16"), "100%");
    assert_eq!(shown("C18"), "-0.50");
    assert_eq!(shown("E18"), "123,456,789,012,345.00");
}

#[test]
fn output_is_byte_reproducible_with_fixed_properties() {
    let layout = form_layout();
    let first = write_xlsx(
        "a.xlsx",
        &[
            layout.clone(),
            Layout {
                sheet_name: "第二页".into(),
                ..layout.clone()
            },
        ],
        &info(),
    )
    .expect("write");
    for _ in 0..3 {
        let again = write_xlsx(
            "b.xlsx",
            &[
                layout.clone(),
                Layout {
                    sheet_name: "第二页".into(),
                    ..layout.clone()
                },
            ],
            &info(),
        )
        .expect("write");
        assert!(first == again, "two writes of the same layouts differ");
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&first)).expect("zip");
    let mut core = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("docProps/core.xml").expect("core.xml"),
        &mut core,
    )
    .expect("read");
    assert!(
        core.contains(">2023-03-01T00:00:00Z</dcterms:created>"),
        "{core}"
    );
    assert!(
        core.contains(">2023-03-01T00:00:00Z</dcterms:modified>"),
        "{core}"
    );
    assert!(
        core.contains("<dc:title>2023年市级部门整体预算绩效目标表</dc:title>"),
        "{core}"
    );
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").expect("sheet1"),
        &mut sheet,
    )
    .expect("read");
    // A4 portrait, fitted to one page wide, centred, the header row repeated.
    assert!(
        sheet.contains(r#"<pageSetup paperSize="9" fitToHeight="0" orientation="portrait""#),
        "{sheet}"
    );
    assert!(sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "{sheet}");
    assert!(
        sheet.contains(r#"<printOptions horizontalCentered="1"/>"#),
        "{sheet}"
    );
    assert!(
        sheet.contains(
            "<oddHeader>&amp;C2023年市级部门整体预算绩效目标表 &amp;&amp; 附件</oddHeader>"
        ),
        "{sheet}"
    );
    let mut workbook = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/workbook.xml").expect("workbook"),
        &mut workbook,
    )
    .expect("read");
    assert!(
        workbook.contains("_xlnm.Print_Titles") && workbook.contains("目标表!$13:$13"),
        "{workbook}"
    );
}

#[test]
fn bad_layouts_are_errors_and_leave_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.xlsx");
    let mut too_precise = Layout::new("s");
    too_precise.number(at("C5"), dec("1234567890123456.7"), CellStyle::amount());
    let err =
        write_xlsx_file(&path, &[too_precise], &DocInfo::default()).expect_err("too many digits");
    assert!(matches!(err, SheetError::Write { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("C5: 1234567890123456.7 超过 15 位有效数字"),
        "{err}"
    );
    assert_eq!(err.exit_code(), 1);
    let mut overlapping = Layout::new("s");
    overlapping.merge(
        range("A1:B2"),
        Content::Text("a".into()),
        CellStyle::label(),
    );
    overlapping.merge(
        range("B2:C3"),
        Content::Text("b".into()),
        CellStyle::label(),
    );
    assert!(matches!(
        write_xlsx_file(&path, &[overlapping], &DocInfo::default()),
        Err(SheetError::Write { .. })
    ));
    let bad_name = Layout::new("a/b");
    assert!(matches!(
        write_xlsx_file(&path, &[bad_name], &DocInfo::default()),
        Err(SheetError::Write { .. })
    ));
    assert!(
        std::fs::read_dir(dir.path()).expect("dir").next().is_none(),
        "no file, no temporary left behind"
    );
    write_xlsx_file(&path, &[form_layout()], &info()).expect("a good layout writes");
    assert!(read_file(&path).is_ok());
}

/// LibreOffice opens the written file, re-saves it as xlsx (which reads the same) and
/// prints it to PDF; it also turns the real forms into .ods and .xls, whose cells and
/// merges the ods and xls readers give exactly as the xlsx reader does. Four starts
/// of LibreOffice in all, each converting several files.
#[test]
fn libreoffice_resaves_prints_and_converts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let profile = dir.path().join("profile");
    let written = dir.path().join("written");
    std::fs::create_dir_all(&written).expect("mkdir");
    let layout = form_layout();
    let mut second = form_layout();
    second.sheet_name = "第二张".into();
    let a = written.join("form-a.xlsx");
    let b = written.join("form-b.xlsx");
    write_xlsx_file(&a, std::slice::from_ref(&layout), &info()).expect("write");
    write_xlsx_file(&b, &[layout.clone(), second.clone()], &info()).expect("write");

    let resaved = dir.path().join("resaved");
    convert(&profile, &[a.clone(), b.clone()], "xlsx", &resaved);
    let book_a = read_file(&resaved.join("form-a.xlsx")).expect("read the re-saved file");
    assert_same_grid(&book_a, &layout, true, "re-saved by LibreOffice");
    let book_b = read_file(&resaved.join("form-b.xlsx")).expect("read the re-saved file");
    assert_same_grid(&book_b, &layout, true, "re-saved by LibreOffice, sheet 1");
    assert_same_grid(&book_b, &second, true, "re-saved by LibreOffice, sheet 2");

    let pdf = dir.path().join("pdf");
    convert(&profile, std::slice::from_ref(&a), "pdf", &pdf);
    let bytes = std::fs::read(pdf.join("form-a.pdf")).expect("LibreOffice wrote a PDF");
    assert!(
        bytes.starts_with(b"%PDF-") && bytes.len() > 1000,
        "{} bytes",
        bytes.len()
    );

    let real = [
        "zhanjiang-2023-department-target",
        "wuhan-donghu-2020-project",
        "chongqing-yuzhong-2021-project-self-evaluation",
    ];
    let inputs: Vec<PathBuf> = real.iter().map(|n| form(&format!("{n}.xlsx"))).collect();
    let ods = dir.path().join("ods");
    convert(&profile, &inputs, "ods", &ods);
    let xls = dir.path().join("xls");
    convert(&profile, &inputs, "xls:MS Excel 97", &xls);
    for name in real {
        let original = read_file(&form(&format!("{name}.xlsx"))).expect("xlsx");
        for (path, format) in [
            (ods.join(format!("{name}.ods")), FileFormat::Ods),
            (xls.join(format!("{name}.xls")), FileFormat::Xls),
        ] {
            let book = read_file(&path).expect("read the converted file");
            assert_eq!(book.format(), format);
            let (x, y) = (&original.sheets()[0], &book.sheets()[0]);
            let what = format!("{name} as {format:?}");
            assert_eq!(x.name(), y.name(), "{what}");
            let xs: Vec<(CellRef, String)> = x.cells().map(|c| (c.pos(), c.plain_text())).collect();
            let ys: Vec<(CellRef, String)> = y.cells().map(|c| (c.pos(), c.plain_text())).collect();
            assert_eq!(xs, ys, "{what}: cells");
            let formulas = |s: &jixiao::sheet::Sheet| {
                s.cells()
                    .filter(|c| c.formula().is_some())
                    .map(|c| c.pos())
                    .collect::<Vec<_>>()
            };
            assert_eq!(formulas(x), formulas(y), "{what}: formula cells");
            assert_eq!(x.merges(), y.merges(), "{what}: merges");
            if format == FileFormat::Ods {
                let percent = |s: &jixiao::sheet::Sheet| {
                    s.cells()
                        .filter(|c| c.is_percent())
                        .map(|c| (c.pos(), c.display_text()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(percent(x), percent(y), "{what}: percentages");
            }
        }
    }
}

fn number_strategy() -> impl Strategy<Value = Decimal> {
    // Up to 15 significant digits at any scale a form could use, both signs.
    (1u32..=15, -10i32..=10, any::<bool>(), any::<u64>()).prop_map(
        |(digits, shift, negative, seed)| {
            let max = 10u64.pow(digits);
            let mantissa = i64::try_from(seed % max).unwrap_or(0);
            let mut d = if shift >= 0 {
                Decimal::from(mantissa) * Decimal::from(10i64.pow(shift.unsigned_abs().min(12)))
            } else {
                Decimal::new(mantissa, shift.unsigned_abs())
            };
            d.set_sign_negative(negative && !d.is_zero());
            d.normalize()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any decimal of at most 15 significant digits comes back exactly, in any format.
    #[test]
    fn numbers_round_trip_exactly(values in proptest::collection::vec(number_strategy(), 1..40)) {
        let mut layout = Layout::new("n");
        for (i, v) in values.iter().enumerate() {
            let style = match i % 3 { 0 => CellStyle::amount(), 1 => CellStyle::label().with_format("0%"), _ => CellStyle::label() };
            layout.cells.push(Placed { range: CellRange::single(CellRef::new(i as u32, 0)), content: Content::Number(*v), style });
        }
        let bytes = write_xlsx("n.xlsx", &[layout], &DocInfo::default()).expect("write");
        let book = read_bytes("n.xlsx", &bytes).expect("read");
        let sheet = &book.sheets()[0];
        for (i, v) in values.iter().enumerate() {
            let n = sheet.cell(CellRef::new(i as u32, 0)).and_then(|c| c.number()).copied();
            prop_assert_eq!(n.map(|n| (n.value(), n.was_rounded())), Some((*v, false)), "row {}", i);
        }
    }

    /// Any text comes back exactly: spaces, line breaks, CJK, symbols, controls.
    #[test]
    fn texts_round_trip_exactly(texts in proptest::collection::vec("[ -~\u{3000}-\u{303F}\u{4E00}-\u{4E40}\u{FF01}-\u{FF5E}≥≧□√—\n\t\r\u{1}-\u{8}]{1,40}", 1..20)) {
        let mut layout = Layout::new("t");
        for (i, t) in texts.iter().enumerate() {
            layout.text(CellRef::new(i as u32, 1), t.clone(), CellStyle::text());
        }
        let bytes = write_xlsx("t.xlsx", &[layout], &DocInfo::default()).expect("write");
        let book = read_bytes("t.xlsx", &bytes).expect("read");
        let sheet = &book.sheets()[0];
        for (i, t) in texts.iter().enumerate() {
            prop_assert_eq!(sheet.cell(CellRef::new(i as u32, 1)).and_then(|c| c.text()), Some(t.as_str()), "row {}", i);
        }
    }
}

//! The spreadsheet reader on the three real forms in `../shared/forms/` (every cell
//! against the transcriptions, which were made from the files with openpyxl, not with
//! this code), on hand-built files that store exactly the numbers that trip lossy
//! readers, and on bad files.

mod sheet_support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::str::FromStr;

use jixiao::sheet::{read_bytes, read_file, CellRange, CellRef, CellValue, FileFormat, SheetError};
use rust_decimal::Decimal;
use sheet_support::{appendix, compound_file, form, minimal_xlsx, zip_parts, AppendixValue};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|_| Decimal::from_scientific(s).expect("a number"))
}

fn ranges(list: &[&str]) -> BTreeSet<CellRange> {
    list.iter()
        .map(|r| CellRange::parse(r).expect("range"))
        .collect()
}

/// Every non-empty cell of the file equals the appendix row: same set of cells, same
/// text, same number, same formula, same number format.
fn matches_appendix(xlsx: &str, md: &str) {
    let book = read_file(&form(xlsx)).expect("read");
    assert_eq!(book.format(), FileFormat::Xlsx);
    assert_eq!(book.sheets().len(), 1);
    let sheet = &book.sheets()[0];
    let expected = appendix(md);
    let ours: BTreeSet<String> = sheet.cells().map(|c| c.pos().a1()).collect();
    let theirs: BTreeSet<String> = expected.iter().map(|e| e.cell.clone()).collect();
    assert_eq!(ours, theirs, "{xlsx}: the set of non-empty cells");
    for e in &expected {
        let cell = sheet.cell_a1(&e.cell).expect("cell");
        let format = cell.format().map(|f| f.code().to_string());
        assert_eq!(
            format.as_deref(),
            Some(e.number_format.as_str()),
            "{xlsx} {}: number format",
            e.cell
        );
        match &e.value {
            AppendixValue::Text(t) => assert_eq!(
                cell.value(),
                &CellValue::Text(t.clone()),
                "{xlsx} {}",
                e.cell
            ),
            AppendixValue::Number(n) => {
                assert_eq!(
                    cell.number().map(|x| x.value()),
                    Some(dec(n)),
                    "{xlsx} {}",
                    e.cell
                );
                assert!(
                    !cell.number().is_some_and(|x| x.was_rounded()),
                    "{xlsx} {}",
                    e.cell
                );
            }
            AppendixValue::Formula(f) => {
                assert_eq!(cell.formula(), Some(f.as_str()), "{xlsx} {}", e.cell)
            }
        }
    }
}

#[test]
fn wuhan_every_cell_as_transcribed() {
    matches_appendix(
        "wuhan-donghu-2020-project.xlsx",
        "wuhan-donghu-2020-project.md",
    );
    let book = read_file(&form("wuhan-donghu-2020-project.xlsx")).expect("read");
    let sheet = &book.sheets()[0];
    // The formula's cached value (the .md: `=F27+…+F32` → 6730.00 in `0.00`).
    let f26 = sheet.cell_a1("F26").expect("F26");
    assert_eq!(f26.number().map(|n| n.value()), Some(dec("6730")));
    assert_eq!(f26.display_text(), "6730.00");
    // Percentages stored as numbers in `0%` cells, and text in a `0%` cell.
    for (a1, shown) in [("F44", "100%"), ("F45", "95%"), ("F52", "95%")] {
        let c = sheet.cell_a1(a1).expect(a1);
        assert!(c.is_percent(), "{a1}");
        assert_eq!(c.display_text(), shown, "{a1}");
        assert_eq!(
            c.number().map(|n| n.percent_text()).as_deref(),
            Some(shown),
            "{a1}"
        );
    }
    let f46 = sheet.cell_a1("F46").expect("F46");
    assert!(!f46.is_percent());
    assert_eq!(f46.display_text(), "在规定时间结案率为95%");
    // Checkbox glyphs and the run of spaces kept as typed; a phone number stays an integer.
    assert_eq!(
        sheet.cell_a1("C5").and_then(|c| c.text()),
        Some(" 1.部门项目 □          2.公共项目 □√")
    );
    assert_eq!(
        sheet.cell_a1("F4").map(|c| c.plain_text()).as_deref(),
        Some("67880231")
    );
    assert_eq!(
        sheet.cell_a1("F30").map(|c| c.display_text()).as_deref(),
        Some("1195.82")
    );
    // Merged ranges as the .md's "Grid" section lists them.
    let mut expected = vec![
        "A1:G1", "A10:B24", "A25:A33", "B25:B32", "C33:G33", "A34:B34", "C34:G34", "A35:B52",
    ];
    for row in [2, 3, 4, 8] {
        expected.extend(
            [
                format!("A{row}:B{row}"),
                format!("C{row}:D{row}"),
                format!("F{row}:G{row}"),
            ]
            .map(|s| &*s.leak()),
        );
    }
    for row in [5, 6, 7, 9] {
        expected.extend([format!("A{row}:B{row}"), format!("C{row}:G{row}")].map(|s| &*s.leak()));
    }
    for row in 10..=32 {
        expected.extend([format!("C{row}:E{row}"), format!("F{row}:G{row}")].map(|s| &*s.leak()));
    }
    expected.extend(["C36:C47", "D36:D43", "D45:D46", "C48:C52"]);
    let ours: BTreeSet<CellRange> = sheet.merges().iter().copied().collect();
    assert_eq!(ours, ranges(&expected));
    // Column widths as the .md gives them (D 15.5, E 22.84, G 31.5; others default).
    for (col, width) in [(3, 15.5), (4, 22.84), (6, 31.5)] {
        let w = sheet.col_width(col).expect("width");
        assert!((w - width).abs() < 0.01, "column {col}: {w}");
    }
    assert_eq!(sheet.row_height(0), Some(28.8));
}

#[test]
fn chongqing_every_cell_as_transcribed() {
    matches_appendix(
        "chongqing-yuzhong-2021-project-self-evaluation.xlsx",
        "chongqing-yuzhong-2021-project-self-evaluation.md",
    );
    let book =
        read_file(&form("chongqing-yuzhong-2021-project-self-evaluation.xlsx")).expect("read");
    let sheet = &book.sheets()[0];
    assert_eq!(sheet.name(), "就业补助资金");
    assert_eq!(sheet.address(CellRef::new(20, 6)), "就业补助资金!G21");
    // 0.88 with `0%`: "88%"; 90 with `0_ `: "90" (padding prints nothing).
    let g21 = sheet.cell_a1("G21").expect("G21");
    assert!(g21.is_percent());
    assert_eq!(g21.display_text(), "88%");
    assert_eq!(
        sheet.cell_a1("D19").map(|c| c.display_text()).as_deref(),
        Some("90")
    );
    assert_eq!(
        sheet
            .cell_a1("D19")
            .and_then(|c| c.format())
            .map(|f| f.code()),
        Some("0_ ")
    );
    let mut expected = vec![
        "A1:O1", "B2:F2", "G2:H2", "I2:O2", "B3:F3", "G3:H3", "I3:O3", "A4:A5", "B4:E4", "B5:E5",
        "F4:O4", "F5:O5",
    ];
    expected.extend([
        "A6:A9", "B6:G6", "H6:O6", "B7:G9", "H7:O9", "A12:A16", "A17:A19", "A21:A26", "A27:E27",
        "G27:N27", "B28:O28", "A29:O29",
    ]);
    for row in 10..=26 {
        expected.push(format!("H{row}:N{row}").leak());
    }
    let ours: BTreeSet<CellRange> = sheet.merges().iter().copied().collect();
    assert_eq!(ours, ranges(&expected));
    // A label with a line break is found by its normalised text; its text is unchanged.
    let c10 = sheet.find_label("指标性质").expect("label");
    assert_eq!(c10.text(), Some("指标\n性质"));
    // Cells covered by a merge know their anchor.
    let merged = sheet
        .merge_at(CellRef::parse("A14").expect("A14"))
        .expect("merged");
    assert_eq!(merged.a1(), "A12:A16");
}

#[test]
fn zhanjiang_cells_and_merges_as_transcribed() {
    let book = read_file(&form("zhanjiang-2023-department-target.xlsx")).expect("read");
    let sheet = &book.sheets()[0];
    let text = |a1: &str| sheet.cell_a1(a1).and_then(|c| c.text()).map(str::to_string);
    let num = |a1: &str| {
        sheet
            .cell_a1(a1)
            .and_then(|c| c.number())
            .map(|n| n.value())
    };
    // Values from the .md's tables.
    assert_eq!(
        text("A1").as_deref(),
        Some("2023年市级部门整体预算绩效目标表")
    );
    assert_eq!(text("B2").as_deref(), Some("湛江市人力资源和社会保障局"));
    assert_eq!((num("C3"), num("E3")), (Some(dec("750")), Some(dec("10"))));
    assert_eq!(num("C5"), Some(dec("10596.35")));
    // Stored as <v>72204.570000000007</v>: read as typed.
    assert_eq!(num("C6"), Some(dec("72204.57")));
    assert_eq!(num("E6"), Some(dec("0")));
    // `=SUM(C5:C6)` → 82800.92 (its cached <v>82800.920000000013</v>).
    let e5 = sheet.cell_a1("E5").expect("E5");
    assert_eq!(e5.formula(), Some("SUM(C5:C6)"));
    assert_eq!(e5.number().map(|n| n.value()), Some(dec("82800.92")));
    assert_eq!(e5.format().map(|f| f.code()), Some("General"));
    assert_eq!(
        (num("D12"), num("D13"), num("D14")),
        (Some(dec("20140")), Some(dec("790")), Some(dec("500")))
    );
    // The label with an ASCII space before the full-width bracket, found and kept.
    let a15 = sheet.find_label("其他需完成的任务（可选填）").expect("A15");
    assert_eq!(a15.pos().a1(), "A15");
    assert_eq!(a15.text(), Some("其他需完成的任务 （可选填）"));
    assert_eq!(text("E11").as_deref(), Some("期望达到的目标 （概述）"));
    // ≥ and ≧ both kept; 1 in `0%` is 100%; an integer value stays 650.
    assert_eq!(text("E18").as_deref(), Some("≥200元每人每月"));
    assert_eq!(text("E22").as_deref(), Some("≧90%"));
    assert_eq!(text("E37").as_deref(), Some("≥75%"));
    let e24 = sheet.cell_a1("E24").expect("E24");
    assert!(e24.is_percent());
    assert_eq!(e24.format().map(|f| f.code()), Some("0%"));
    assert_eq!(e24.display_text(), "100%");
    assert_eq!(
        sheet.cell_a1("E32").map(|c| c.plain_text()).as_deref(),
        Some("650")
    );
    assert!(text("B10").is_some_and(
        |t| t.starts_with("目标1：") && t.contains("\n目标6：劳动人事争议案件仲裁结案率95%")
    ));
    // The merged ranges the .md lists.
    let expected = ranges(&[
        "A1:E1", "B2:E2", "A4:A9", "B10:E10", "A11:A14", "A15:A16", "A17:A39", "B18:B28",
        "B29:B36", "B37:B39", "C18:C21", "C22:C23", "C24:C26", "C27:C28", "C29:C30", "C31:C32",
        "C33:C34", "C35:C36", "C37:C39",
    ]);
    let ours: BTreeSet<CellRange> = sheet.merges().iter().copied().collect();
    assert_eq!(ours, expected);
    // Column widths (Excel units): B 17.7, C 58.5, D 21.5, E 20.0; A default.
    for (col, width) in [(1, 17.7), (2, 58.5), (3, 21.5), (4, 20.0)] {
        assert!(
            (sheet.col_width(col).expect("width") - width).abs() < 0.05,
            "column {col}"
        );
    }
    assert_eq!(sheet.col_width(0), None);
    assert_eq!(sheet.cells().count(), 98);
}

/// The evidence for reading numbers through the double: on the real files, for every
/// number cell, the decimal read equals the stored `<v>` text when that has at most 15
/// significant digits, and that text rounded to 15 digits when Excel wrote 17 (it does
/// on the 湛江 form) — never the 17-digit artefact.
#[test]
fn numbers_are_the_stored_digits_up_to_fifteen_significant() {
    let mut seventeen_digit_texts = 0;
    for name in [
        "zhanjiang-2023-department-target.xlsx",
        "wuhan-donghu-2020-project.xlsx",
        "chongqing-yuzhong-2021-project-self-evaluation.xlsx",
    ] {
        let bytes = std::fs::read(form(name)).expect("read");
        let book = read_bytes(name, &bytes).expect("read");
        let sheet = &book.sheets()[0];
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("zip");
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .expect("sheet1")
            .read_to_string(&mut xml)
            .expect("xml");
        let stored = stored_numbers(&xml);
        assert!(stored.len() >= 10, "{name}: {} number cells", stored.len());
        for (a1, text) in &stored {
            let exact = dec(text);
            let digits = text
                .trim_start_matches(['-', '0', '.'])
                .chars()
                .filter(char::is_ascii_digit)
                .count();
            let expected = if digits > 15 {
                seventeen_digit_texts += 1;
                exact.round_sf(15).expect("round").normalize()
            } else {
                exact.normalize()
            };
            let n = sheet
                .cell_a1(a1)
                .and_then(|c| c.number())
                .unwrap_or_else(|| panic!("{name} {a1} is a number"));
            assert_eq!(n.value(), expected, "{name} {a1}: stored {text}");
        }
    }
    assert!(
        seventeen_digit_texts >= 2,
        "the 湛江 form stores C6 and E5 with 17 digits"
    );
}

/// `<c r="…">` cells with a numeric `<v>` (no `t`, or `t="n"`): address → stored text.
fn stored_numbers(xml: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for chunk in xml.split("<c ").skip(1) {
        let head = &chunk[..chunk.find('>').unwrap_or(0)];
        if head.ends_with('/') || (head.contains(" t=\"") && !head.contains(" t=\"n\"")) {
            continue;
        }
        let Some(r) = head.split("r=\"").nth(1).and_then(|s| s.split('"').next()) else {
            continue;
        };
        let body = &chunk[chunk.find('>').unwrap_or(0)..chunk.find("</c>").unwrap_or(chunk.len())];
        if let Some(v) = body
            .split("<v>")
            .nth(1)
            .and_then(|s| s.split("</v>").next())
        {
            out.insert(r.to_string(), v.to_string());
        }
    }
    out
}

/// Numbers that trip a lossy float→string path, as the file stores them.
#[test]
fn adversarial_numbers_and_texts() {
    let body = r#"<dimension ref="A1:XFD1048576"/><cols><col min="2" max="3" width="20.5" customWidth="1"/></cols><sheetData>
<row r="1" ht="30" customHeight="1"><c r="A1"><v>0.1</v></c><c r="B1" t="inlineStr"><is><t>50000</t></is></c></row>
<row r="2"><c r="A2"><v>0.3</v></c><c r="B2" t="inlineStr"><is><t>/</t></is></c></row>
<row r="3"><c r="A3"><v>1E-7</v></c><c r="B3" t="inlineStr"><is><t>—</t></is></c></row>
<row r="4"><c r="A4"><v>123456789012.345678</v></c><c r="B4" t="inlineStr"><is><t>□√</t></is></c></row>
<row r="5"><c r="A5"><v>72807.380000000005</v></c><c r="B5" t="inlineStr"><is><t xml:space="preserve"> 1.部门项目 □   </t></is></c></row>
<row r="6"><c r="A6"><f>A1+A2</f><v>0.4</v></c><c r="B6" s="1"><v>1</v></c></row>
<row r="7"><c r="A7"><f>0.1+0.2</f><v>0.30000000000000004</v></c><c r="B7" s="1"><v>0.955</v></c></row>
<row r="8"><c r="A8" s="3"><v>10891.615675</v></c><c r="B8" s="4"><v>90</v></c></row>
<row r="9"><c r="A9" t="b"><v>1</v></c><c r="B9" t="e"><v>#DIV/0!</v></c></row>
<row r="10"><c r="A10"><f>SUM(X1:X2)</f></c><c r="B10"><v>1e300</v></c></row>
<row r="12"><c r="A12" s="5"><v>44986</v></c><c r="B12" s="6"><v>45000.5</v></c><c r="C12" s="2"><v>44986</v></c></row>
<row r="11"><c r="A11" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="B11" s="2"><v>-0.5</v></c></row>
<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far away</t></is></c></row>
</sheetData><mergeCells count="1"><mergeCell ref="C1:D2"/></mergeCells>"#;
    let book = read_bytes("adversarial.xlsx", &minimal_xlsx(body)).expect("read");
    let sheet = &book.sheets()[0];
    let n = |a1: &str| {
        sheet
            .cell_a1(a1)
            .and_then(|c| c.number())
            .copied()
            .unwrap_or_else(|| panic!("{a1} is a number"))
    };
    let t = |a1: &str| sheet.cell_a1(a1).and_then(|c| c.text()).map(str::to_string);
    for (a1, value, rounded) in [
        ("A1", "0.1", false),
        ("A2", "0.3", false),
        ("A3", "0.0000001", false),
        ("A4", "123456789012.346", true),
        ("A5", "72807.38", false),
        ("A6", "0.4", false),
        ("A7", "0.3", true),
        ("A8", "10891.615675", false),
        ("B11", "-0.5", false),
    ] {
        assert_eq!(
            (n(a1).value().to_string().as_str(), n(a1).was_rounded()),
            (value, rounded),
            "{a1}"
        );
    }
    assert_eq!(n("A1").to_string(), "0.1", "never 0.1000000000000000055…");
    assert_eq!(
        sheet.cell_a1("A7").and_then(|c| c.formula()),
        Some("0.1+0.2")
    );
    assert_eq!(
        sheet
            .cell_a1("A11")
            .map(|c| (c.plain_text(), c.formula().map(str::to_string))),
        Some(("ab".into(), Some("\"a\"&\"b\"".into())))
    );
    // Texts as typed: an integer in a text cell, placeholders, glyphs, spaces.
    assert_eq!(t("B1").as_deref(), Some("50000"));
    assert_eq!(t("B2").as_deref(), Some("/"));
    assert_eq!(t("B3").as_deref(), Some("—"));
    assert_eq!(t("B4").as_deref(), Some("□√"));
    assert_eq!(t("B5").as_deref(), Some(" 1.部门项目 □   "));
    // Percentages and formats.
    let b6 = sheet.cell_a1("B6").expect("B6");
    assert!(b6.is_percent());
    assert_eq!(
        (b6.display_text(), b6.number().map(|n| n.percent_text())),
        ("100%".into(), Some("100%".into()))
    );
    let b7 = sheet.cell_a1("B7").expect("B7");
    assert_eq!(
        (b7.display_text(), b7.number().map(|n| n.percent_text())),
        ("96%".into(), Some("95.5%".into()))
    );
    assert_eq!(
        sheet.cell_a1("A8").map(|c| c.display_text()).as_deref(),
        Some("10,891.62")
    );
    assert_eq!(
        sheet.cell_a1("A8").map(|c| c.plain_text()).as_deref(),
        Some("10891.615675")
    );
    assert_eq!(
        sheet.cell_a1("B8").map(|c| c.display_text()).as_deref(),
        Some("90")
    );
    assert_eq!(
        sheet.cell_a1("B11").map(|c| c.display_text()).as_deref(),
        Some("-0.50")
    );
    // Other kinds of value.
    assert_eq!(
        sheet.value(CellRef::parse("A9").expect("A9")),
        &CellValue::Bool(true)
    );
    assert_eq!(
        sheet.value(CellRef::parse("B9").expect("B9")),
        &CellValue::Error("#DIV/0!".into())
    );
    let a10 = sheet
        .cell_a1("A10")
        .expect("a formula without a cached value is content");
    assert_eq!(
        (a10.value(), a10.formula()),
        (&CellValue::Empty, Some("SUM(X1:X2)"))
    );
    assert_eq!(
        sheet.value(CellRef::parse("B10").expect("B10")),
        &CellValue::OutOfRange(1e300)
    );
    // Dates: a serial in a date format is a number and a date.
    let a12 = sheet.cell_a1("A12").expect("A12");
    assert_eq!(
        (
            a12.number().map(|n| n.value()),
            a12.date().map(|d| d.to_string())
        ),
        (Some(dec("44986")), Some("2023-03-01".into()))
    );
    assert_eq!(a12.display_text(), "2023-03-01");
    let b12 = sheet.cell_a1("B12").expect("B12");
    assert_eq!(
        b12.format().map(|f| (f.code(), f.is_date())),
        Some(("yyyy\"年\"m\"月\"d\"日\"", true))
    );
    assert_eq!(
        b12.date().map(|d| d.to_string()).as_deref(),
        Some("2023-03-15")
    );
    assert_eq!(
        sheet.cell_a1("C12").and_then(|c| c.date()),
        None,
        "0.00 is no date format"
    );
    // A cell at the last position costs nothing (the xlsx reader is sparse).
    assert_eq!(t("XFD1048576").as_deref(), Some("far away"));
    // Merges, widths, heights.
    assert_eq!(sheet.merges(), &[CellRange::parse("C1:D2").expect("range")]);
    assert_eq!(
        (sheet.col_width(1), sheet.col_width(2), sheet.col_width(3)),
        (Some(20.5), Some(20.5), None)
    );
    assert_eq!(sheet.row_height(0), Some(30.0));
}

fn error_of(name: &str, bytes: &[u8]) -> (SheetError, String) {
    let err = read_bytes(name, bytes).expect_err("a bad file");
    let text = err.to_string();
    assert_eq!(err.exit_code(), 1);
    (err, text)
}

#[test]
fn not_a_spreadsheet() {
    for (name, bytes, zh) in [
        (
            "a.csv",
            "项目名称,金额\n专项资金,6730\n".as_bytes().to_vec(),
            "纯文本（CSV？）",
        ),
        ("a.pdf", b"%PDF-1.7\n...".to_vec(), "PDF"),
        ("a.xlsx", Vec::new(), "0 字节"),
        (
            "a.xlsx",
            vec![0xff, 0x00, 0x13, 0x37, 0xfe, 0x80, 0x81],
            "无法识别",
        ),
        ("a.xlsx", b"PK\x03\x04garbage".to_vec(), "ZIP 压缩包已损坏"),
        (
            "a.docx",
            zip_parts([("word/document.xml", b"<w:document/>".as_slice())]),
            "Word",
        ),
        (
            "a.zip",
            zip_parts([("notes.txt", b"hello".as_slice())]),
            "没有工作簿",
        ),
        (
            "a.html",
            b"<html><table><tr><td>1</td></tr></table></html>".to_vec(),
            "XML/HTML",
        ),
        (
            "a.xls",
            compound_file(&[("WordDocument", b"not a workbook")]),
            "OLE 复合文档",
        ),
    ] {
        let (err, text) = error_of(name, &bytes);
        assert!(
            matches!(err, SheetError::NotASpreadsheet { .. }),
            "{name}: {err:?}"
        );
        assert!(text.starts_with(&format!("{name} 不是电子表格")), "{text}");
        assert!(text.contains(zh), "{name}: {text}");
        assert!(
            text.contains(" / ") && text.contains("is not a spreadsheet"),
            "{text}"
        );
    }
}

#[test]
fn encrypted_workbooks() {
    // An encrypted xlsx is an OLE file holding EncryptionInfo and EncryptedPackage.
    let ooxml = compound_file(&[
        ("EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0]),
        ("EncryptedPackage", &[0; 64]),
    ]);
    let (err, text) = error_of("secret.xlsx", &ooxml);
    assert!(matches!(err, SheetError::Encrypted { .. }), "{err:?}");
    assert!(
        text.starts_with("secret.xlsx 已加密") && text.contains("is encrypted"),
        "{text}"
    );
    // An encrypted xls: a BIFF8 workbook stream whose FILEPASS record says RC4.
    let mut biff = Vec::new();
    biff.extend([0x09, 0x08, 16, 0, 0x00, 0x06, 0x05, 0x00]);
    biff.extend([0; 12]);
    biff.extend([0x2F, 0x00, 6, 0, 1, 0, 1, 0, 1, 0]);
    let xls = compound_file(&[("Workbook", &biff)]);
    let (err, _) = error_of("secret.xls", &xls);
    assert!(matches!(err, SheetError::Encrypted { .. }), "{err:?}");
}

#[test]
fn empty_workbook() {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet();
    book.add_worksheet();
    let bytes = book.save_to_buffer().expect("xlsx");
    let (err, text) = error_of("blank.xlsx", &bytes);
    assert!(matches!(err, SheetError::Empty { .. }), "{err:?}");
    assert_eq!(text, "blank.xlsx 是空工作簿，没有任何填写内容 / blank.xlsx is an empty workbook: no sheet has any content");
    // A sheet with only styled blanks and empty texts is still empty.
    let styled = minimal_xlsx(
        r#"<sheetData><row r="1"><c r="A1" s="1"/><c r="B1" t="inlineStr"><is><t></t></is></c></row></sheetData>"#,
    );
    assert!(matches!(
        error_of("styled.xlsx", &styled).0,
        SheetError::Empty { .. }
    ));
}

#[test]
fn unreadable_sheets_name_the_sheet() {
    let truncated = minimal_xlsx(r#"<sheetData><row r="1"><c r="A1"><v>1</v></c>"#);
    let (err, text) = error_of("broken.xlsx", &truncated);
    assert!(
        matches!(&err, SheetError::UnreadableSheet { sheet, .. } if sheet == "Sheet1"),
        "{err:?}"
    );
    assert!(text.starts_with("broken.xlsx 中的工作表“Sheet1”无法读取 / sheet `Sheet1` of broken.xlsx cannot be read: "), "{text}");
    let bad_number =
        minimal_xlsx(r#"<sheetData><row r="1"><c r="A1" t="n"><v>12,5</v></c></row></sheetData>"#);
    assert!(matches!(
        error_of("number.xlsx", &bad_number).0,
        SheetError::UnreadableSheet { .. }
    ));
    let bad_ref = minimal_xlsx(r#"<sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData>"#);
    assert!(matches!(
        error_of("ref.xlsx", &bad_ref).0,
        SheetError::UnreadableSheet { .. }
    ));
}

#[test]
fn missing_file_is_an_io_error() {
    let err = read_file("/nonexistent/dir/form.xlsx".as_ref()).expect_err("missing");
    assert!(matches!(err, SheetError::Io { .. }));
    assert!(
        err.to_string()
            .starts_with("无法读写电子表格文件 /nonexistent/dir/form.xlsx / cannot access"),
        "{err}"
    );
}

fn ods(table_body: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="表一">{table_body}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip_parts([
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".as_slice()),
        ("content.xml", content.as_bytes()),
        (
            "META-INF/manifest.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#.as_slice(),
        ),
    ])
}

#[test]
fn ods_merges_percentages_and_repeats() {
    let body = r#"<table:table-column table:number-columns-repeated="4"/>
<table:table-row><table:table-cell table:number-columns-spanned="3" table:number-rows-spanned="1" office:value-type="string"><text:p>标题</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="percentage" office:value="0.955"><text:p>95.50%</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
<table:table-row><table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>绩效</text:p><text:p>指标</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="10891.615675"><text:p>10891.62</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2" office:value-type="percentage" office:value="1"><text:p>100%</text:p></table:table-cell></table:table-row>
<table:table-row><table:covered-table-cell/><table:table-cell office:value-type="float" office:value="0.1" table:formula="of:=0.1"><text:p>0.1</text:p></table:table-cell></table:table-row>"#;
    let book = read_bytes("hand.ods", &ods(body)).expect("read");
    assert_eq!(book.format(), FileFormat::Ods);
    let sheet = book.sheet("表一").expect("sheet");
    assert_eq!(
        sheet.merges(),
        &ranges(&["A1:C1", "A4:A5"]).into_iter().collect::<Vec<_>>()[..]
    );
    let cell = |a1: &str| sheet.cell_a1(a1).unwrap_or_else(|| panic!("{a1}"));
    assert_eq!(cell("A1").text(), Some("标题"));
    assert_eq!(cell("A4").text(), Some("绩效\n指标"));
    assert_eq!(
        (
            cell("D1").format().map(|f| f.code()),
            cell("D1").display_text()
        ),
        (Some("0.00%"), "95.50%".to_string())
    );
    assert_eq!(
        cell("B4").number().map(|n| n.value()),
        Some(dec("10891.615675"))
    );
    assert_eq!(
        cell("B4").format(),
        None,
        "ods number formats other than percentages are not read"
    );
    for a1 in ["C4", "D4"] {
        assert_eq!(
            (cell(a1).is_percent(), cell(a1).display_text()),
            (true, "100%".to_string()),
            "{a1}"
        );
    }
    assert_eq!(cell("B5").formula(), Some("of:=0.1"));
    assert_eq!(sheet.cells().count(), 7);
}

#[test]
fn ods_with_a_huge_repeated_area_is_refused_before_it_is_laid_out() {
    // 300 bytes that claim 1,048,576 rows × 16,384 columns of the number 1.
    let body = r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
    let started = std::time::Instant::now();
    let (err, text) = error_of("bomb.ods", &ods(body));
    assert!(
        matches!(&err, SheetError::UnreadableSheet { sheet, .. } if sheet == "表一"),
        "{err:?}"
    );
    assert!(
        text.contains("超过上限") && text.contains("more than the"),
        "{text}"
    );
    assert!(started.elapsed().as_secs() < 5);
}

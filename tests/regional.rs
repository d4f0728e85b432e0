//! A regional variant described as data alone: `tests/fixtures/regional/` holds a
//! `form.toml` and no Typst file, and uses every feature the description gained in
//! issue 37 — lines above and below the table, title and body sizes, landscape, a
//! minimum row height, a heading over two header rows, a value merged down five rows,
//! header rows repeated on every page, rows that never split, a fixed row with a height
//! of its own, cells of one option of a choice, a note an import need not find, a label
//! column printed blank. The declaration `tests/fixtures/regional.toml` is rendered to
//! PDF and OFD (through the real binary) and read back, exported to xlsx (its merges
//! checked) and imported back unchanged.

mod common;

use std::path::PathBuf;

use common::{jixiao, page_texts, root, stderr};
use jixiao::import::{canonical, import_bytes, Options};
use jixiao::layout::{Open, Role};
use jixiao::{Declaration, FontSet, FormData, Renderer, Template, Templates};

fn template_dir() -> PathBuf {
    root().join("tests/fixtures/regional")
}

fn template() -> Template {
    Template::load(&template_dir()).expect("the regional template loads")
}

fn declaration() -> Declaration {
    let text = std::fs::read_to_string(root().join("tests/fixtures/regional.toml"))
        .expect("tests/fixtures/regional.toml");
    let kinds = Templates::with(vec![template()]).kinds();
    Declaration::from_toml_with(&text, &kinds).expect("the declaration parses")
}

#[test]
fn the_variant_is_a_form_toml_and_no_typst_file() {
    let files: Vec<String> = std::fs::read_dir(template_dir())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["form.toml"]);
    // The built-in Typst files print it.
    let t = template();
    assert!(t.files.contains_key("/main.typ") && t.files.contains_key("/grid.typ"));
}

#[test]
fn the_layout_carries_every_new_feature() {
    let decl = declaration();
    let data = FormData::new(&decl);
    assert_eq!(data.page.title_size, 16.0);
    assert_eq!(data.page.text_size, 9.0);
    let funds = &data.sections[2];
    // The 原因 value merged down the five money rows, beside the header's two rows.
    let reason = funds
        .cells
        .iter()
        .find(|c| c.path.as_deref() == Some("funds.reason"))
        .expect("原因 cell");
    assert_eq!((reason.y, reason.rowspan), (2, 5));
    // 预算执行数 is a heading over both header rows; 预算数 over two columns.
    let heading = |text: &str| {
        funds
            .cells
            .iter()
            .find(|c| c.role == Role::Heading && c.content.joined() == text)
            .unwrap_or_else(|| panic!("heading {text}"))
    };
    assert_eq!(heading("预算执行数").rowspan, 2);
    assert_eq!(heading("预算数").colspan, 2);
    assert_eq!(funds.header_rows, 2);
    assert!(
        funds.heights.iter().all(|h| *h == 7.0),
        "{:?}",
        funds.heights
    );
    // The indicators repeat their header; their label is split at it, printed as one.
    let indicators = &data.sections[4];
    assert!(indicators.repeat_header);
    let opens: Vec<Option<Open>> = indicators
        .cells
        .iter()
        .filter(|c| c.x == 0)
        .map(|c| c.open)
        .collect();
    assert_eq!(opens, [Some(Open::Below), Some(Open::Above)]);
    // Every indicator's row is kept whole.
    assert_eq!(indicators.keep.len(), 16, "{:?}", indicators.keep);
    assert!(indicators.keep.iter().all(|[a, b]| a == b));
    // The conclusion row: kept, 16 mm at least.
    let conclusion = &data.sections[5];
    assert_eq!(conclusion.keep, [[0, 0]]);
    assert_eq!(conclusion.heights, [16.0]);
    // The lines, with the blank date printed as the form's blank.
    let texts: Vec<String> = data
        .lines
        .iter()
        .flat_map(|l| l.parts.iter().map(|p| p.text.clone()))
        .collect();
    assert_eq!(
        texts,
        [
            "报表编号：QS-2023-017",
            "填报日期：2023年度",
            "金额单位：万元",
            "项目负责人：王晓东",
            "财务负责人：李敏",
            "填报日期：    年  月  日"
        ]
    );
}

/// The PDF and the OFD, through the command line, read back.
#[test]
fn it_renders_to_pdf_and_ofd_with_the_header_on_every_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = jixiao(
        &[
            "render",
            "--template",
            template_dir().to_str().expect("utf-8"),
            root()
                .join("tests/fixtures/regional.toml")
                .to_str()
                .expect("utf-8"),
            "--format",
            "pdf,ofd",
            "-o",
            "form.pdf",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = std::fs::read(dir.path().join("form.pdf")).expect("pdf");
    let pages = page_texts(&pdf);
    assert_eq!(pages.len(), 2, "two landscape pages");
    assert!(pages[0].contains("报表编号：QS-2023-017"), "{}", pages[0]);
    assert!(pages[0].contains("金额单位：万元"));
    assert!(pages[0].contains("√"), "the option columns are ticked");
    // The header rows, again at the top of page 2.
    for heading in [
        "一级指标",
        "二级指标",
        "三级指标",
        "完成情况",
        "已完成",
        "未完成原因分析",
    ] {
        assert!(
            pages[1].contains(heading),
            "page 2 lacks {heading}: {}",
            pages[1]
        );
    }
    assert!(pages[1].starts_with("绩效指标") || pages[1].contains("一级指标二级指标"));
    assert!(pages[1].contains("项目负责人：王晓东"));
    assert!(pages[1].contains("填报日期：年月日"), "the blank date line");

    let ofd = std::fs::read(dir.path().join("form.ofd")).expect("ofd");
    let package = jixiao::ofd::read::Package::parse(&ofd).expect("ofd parses");
    let text_of = |page: usize| -> String {
        let path = format!("Doc_0/Pages/Page_{page}/Content.xml");
        let xml = package.get(&path).unwrap_or_else(|| panic!("{path}"));
        let doc =
            roxmltree::Document::parse(std::str::from_utf8(xml).expect("utf-8")).expect("xml");
        doc.descendants()
            .filter(|n| n.tag_name().name() == "TextCode")
            .filter_map(|n| n.text())
            .collect::<String>()
    };
    let first = text_of(0);
    assert!(first.contains("报表编号：QS-2023-017"), "{first}");
    let second = text_of(1);
    assert!(
        second.contains("未完成原因分析") && second.contains("财务负责人：李敏"),
        "{second}"
    );
}

/// Export keeps the merges (the 原因 cell over five rows, a heading over two header
/// rows, the indicators' label over its header and rows as one), and the import gives
/// the declaration back.
#[test]
fn it_exports_to_xlsx_with_its_merges_and_imports_back_unchanged() {
    let decl = declaration();
    let exported = jixiao::export::to_xlsx(&decl, "regional.xlsx").expect("exports");
    let book = jixiao::sheet::read_bytes("regional.xlsx", &exported.bytes).expect("reads");
    let sheet = &book.sheets()[0];
    let merge_of = |text: &str| {
        let cell = sheet
            .cells()
            .find(|c| c.text() == Some(text))
            .unwrap_or_else(|| panic!("no cell {text}"));
        sheet.span(cell.pos())
    };
    let rows = |r: jixiao::sheet::CellRange| r.last.row - r.first.row + 1;
    assert_eq!(rows(merge_of("预算执行数")), 2);
    let reason = sheet
        .cells()
        .find(|c| c.text().is_some_and(|t| t.starts_with("年初预算 120 万元")))
        .expect("原因");
    assert_eq!(rows(sheet.span(reason.pos())), 5);
    let label = merge_of("绩效指标");
    // Two header rows and sixteen indicators.
    assert_eq!(rows(label), 18);
    assert!(sheet
        .cells()
        .any(|c| c.text() == Some("报表编号：QS-2023-017")));

    let kinds = Templates::with(vec![template()]).kinds();
    let import = import_bytes(
        "regional.xlsx",
        &exported.bytes,
        &kinds,
        &Options::default(),
    )
    .expect("imports");
    assert_eq!(import.forms.len(), 1);
    let form = &import.forms[0];
    assert!(form.notes.is_empty(), "{:#?}", form.notes);
    let (got, want) = (canonical(&form.declaration), canonical(&decl));
    assert!(
        got == want,
        "differs\n--- imported\n{}\n--- original\n{}",
        got.to_toml(),
        want.to_toml()
    );
}

/// The library renders it the same way (no binary), on the fixture's own fonts only.
#[test]
fn the_library_renders_it_with_the_built_in_files() {
    let renderer =
        Renderer::new(Templates::with(vec![template()]), FontSet::bundled()).expect("renderer");
    let rendered = renderer
        .render(&declaration(), &Default::default())
        .expect("renders");
    assert_eq!(rendered.pages, 2);
}

/// `jixiao template --reference` prints the committed references; `--form-only` copies a
/// kind's form.toml and its reference, and that alone renders.
#[test]
fn the_reference_and_a_form_only_copy() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (lang, file) in [("zh", "表样说明参考.md"), ("en", "form-reference.md")] {
        let out = jixiao(&["template", "--reference", "--lang", lang], dir.path());
        assert!(out.status.success(), "{}", stderr(&out));
        let committed = std::fs::read(root().join("docs").join(file)).expect("docs");
        assert!(
            out.stdout == committed,
            "--lang {lang} differs from docs/{file}"
        );
    }
    let out = jixiao(
        &[
            "template",
            "v",
            "--kind",
            "project-self-evaluation",
            "--form-only",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("v"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["form.toml", "表样说明参考.md"]);
    let sample = root().join("samples/ezhou-2019-project-self-evaluation.toml");
    let out = jixiao(
        &[
            "render",
            sample.to_str().expect("utf-8"),
            "--template",
            "v",
            "-o",
            "v.pdf",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A misspelt key of the description is named, with its line and the keys allowed
/// there — also inside a row or a cell, where the parser used to say only "data did
/// not match any variant of untagged enum RowSpec"; a description that does not hold
/// together names the place.
#[test]
fn a_wrong_description_is_named_key_by_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = jixiao(
        &[
            "template",
            "v",
            "--kind",
            "project-self-evaluation",
            "--form-only",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let form = dir.path().join("v/form.toml");
    let original = std::fs::read_to_string(&form).expect("form.toml");
    let cell = "{ label = \"funds.total\" }";
    assert!(original.contains(cell));
    let kinds = |text: &str| {
        std::fs::write(&form, text).expect("write");
        let out = jixiao(&["kinds", "--template", "v", "--lang", "en"], dir.path());
        assert_eq!(out.status.code(), Some(1), "{}", common::stdout(&out));
        stderr(&out)
    };
    let err = kinds(&original.replacen(cell, "{ label = \"funds.total\", rowspn = 2 }", 1));
    assert!(
        err.contains("rowspn") && err.contains("`rowspan`") && err.contains("line"),
        "{err}"
    );
    let err = kinds(&original.replacen(
        "rows = [{ each = \"indicators\"",
        "rows = [{ eachh = \"indicators\"",
        1,
    ));
    assert!(
        err.contains("eachh") && err.contains("`each`") && err.contains("`cells`"),
        "{err}"
    );
    // A cell merged down where the row below then has one cell too many.
    let err = kinds(&original.replacen(cell, "{ label = \"funds.total\", rowspan = 2 }", 1));
    assert!(
        err.contains("[[section]] 3") && err.contains("row 2"),
        "{err}"
    );
    // A line naming no field.
    let err = kinds(&format!(
        "{original}\n[[line]]\nat = \"foot\"\nparts = [{{ field = \"signoff.nobody\" }}]\n"
    ));
    assert!(
        err.contains("[[line]] 1") && err.contains("nobody"),
        "{err}"
    );
}

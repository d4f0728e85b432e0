//! Spreadsheets where declarations go: `jixiao render FILE.xlsx`, batches of mixed
//! `.toml` and `.xlsx` inputs (the manifest records the spreadsheet's hash), archival
//! PDFs that attach the spreadsheet itself (with its MIME type) and verify by importing
//! it again, `extract` giving it back byte for byte; and `jixiao export`.

mod common;
mod sheet_support;

use common::{jixiao, jixiao_env, pdftotext, squeeze, stderr, stdout};
use jixiao::archive::inspect::PdfFile;
use jixiao::hash::sha256_hex;
use jixiao::import::{canonical, import_bytes, Options};
use jixiao::{Declaration, Kinds};
use sheet_support::form;

const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1737331200"); // 2025-01-20

const ZHANJIANG: &str = "zhanjiang-2023-department-target.xlsx";
const WUHAN: &str = "wuhan-donghu-2020-project.xlsx";

fn copied(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for n in names {
        std::fs::copy(form(n), dir.path().join(n)).expect("copy");
    }
    dir
}

#[test]
fn a_spreadsheet_renders_like_the_declaration_it_imports_to() {
    let dir = copied(&[ZHANJIANG]);
    let out = jixiao(&["render", ZHANJIANG], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // What the import reports is printed with the checks' warnings.
    assert!(stderr(&out).contains("Sheet1!E5"), "{}", stderr(&out));
    let from_sheet =
        std::fs::read(dir.path().join("zhanjiang-2023-department-target.pdf")).expect("pdf");
    // The same PDF as the hand-transcribed sample's (same values, same layout).
    let (_, sample) = common::sample("zhanjiang-2023-department-target.toml");
    let from_toml = common::render(&sample);
    assert_eq!(
        squeeze(&pdftotext(&from_sheet, None)),
        squeeze(&pdftotext(&from_toml, None))
    );
}

#[test]
fn a_batch_mixes_declarations_and_spreadsheets_and_records_their_hashes() {
    let dir = copied(&[ZHANJIANG, WUHAN]);
    std::fs::copy(
        common::root().join("samples/guangzhou-kexie.toml"),
        dir.path().join("guangzhou.toml"),
    )
    .expect("copy");
    // An office lock file beside an open workbook is no input.
    std::fs::write(dir.path().join("~$wuhan-donghu-2020-project.xlsx"), b"lock").expect("lock");
    let out = jixiao(
        &[
            "render",
            ".",
            "--out-dir",
            "pdf",
            "--manifest",
            "pdf/manifest.json",
            "-j",
            "2",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("pdf/manifest.json")).expect("manifest"),
    )
    .expect("json");
    let entries = manifest.as_array().expect("array");
    assert_eq!(entries.len(), 3, "{manifest:#}");
    for name in [ZHANJIANG, WUHAN] {
        let entry = entries
            .iter()
            .find(|e| e["input"].as_str().is_some_and(|i| i.ends_with(name)))
            .unwrap_or_else(|| panic!("{name} in {manifest:#}"));
        let bytes = std::fs::read(form(name)).expect("read");
        assert_eq!(
            entry["input_sha256"].as_str(),
            Some(sha256_hex(&bytes).as_str()),
            "{name}"
        );
        assert_eq!(entry["status"].as_str(), Some("rendered"), "{entry:#}");
    }
    let zj = entries
        .iter()
        .find(|e| e["input"].as_str().is_some_and(|i| i.ends_with(ZHANJIANG)))
        .expect("zhanjiang");
    assert!(
        zj["codes"]
            .as_str()
            .is_some_and(|c| c.contains("import-note")),
        "{zj:#}"
    );
    assert!(dir
        .path()
        .join("pdf/wuhan-donghu-2020-project.pdf")
        .exists());
}

#[test]
fn an_archival_pdf_attaches_the_spreadsheet_and_verifies_by_importing_it_again() {
    let dir = copied(&[WUHAN]);
    let out = jixiao_env(
        &["render", "--archive", WUHAN, "-o", "a.pdf"],
        dir.path(),
        &[EPOCH],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pdf = std::fs::read(dir.path().join("a.pdf")).expect("pdf");
    let file = PdfFile::parse(&pdf).expect("parse");
    let source = file.source_attachment().expect("attached");
    assert_eq!(source.bytes, std::fs::read(form(WUHAN)).expect("read"));
    assert_eq!(
        source.mime.as_deref(),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(source.name.ends_with(".xlsx"), "{}", source.name);
    let verified = jixiao(&["verify", "a.pdf"], dir.path());
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}{}",
        stdout(&verified),
        stderr(&verified)
    );
    assert!(
        stdout(&verified).contains("逐字节相同"),
        "{}",
        stdout(&verified)
    );
    // Byte-identical to a second render of the same spreadsheet.
    let again = jixiao_env(
        &["render", "--archive", WUHAN, "-o", "b.pdf"],
        dir.path(),
        &[EPOCH],
    );
    assert_eq!(again.status.code(), Some(0));
    assert!(pdf == std::fs::read(dir.path().join("b.pdf")).expect("pdf"));
    // extract gives the spreadsheet back, with its own extension.
    let extracted = jixiao(&["extract", "a.pdf"], dir.path());
    assert_eq!(extracted.status.code(), Some(0), "{}", stderr(&extracted));
    assert_eq!(
        std::fs::read(dir.path().join("a.xlsx")).expect("extracted"),
        std::fs::read(form(WUHAN)).expect("read")
    );
}

/// A copy of `pdf` whose attached file is `bytes` instead.
fn with_attachment(pdf: &[u8], bytes: &[u8]) -> Vec<u8> {
    use lopdf::{Document, Object};
    let mut doc = Document::load_mem(pdf).expect("parse");
    let ids: Vec<_> = doc.objects.keys().copied().collect();
    let mut changed = false;
    for id in ids {
        let Ok(Object::Stream(stream)) = doc.get_object_mut(id) else {
            continue;
        };
        let is_file = stream.dict.get(b"Type").ok().and_then(|t| t.as_name().ok())
            == Some(b"EmbeddedFile".as_slice());
        if is_file {
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.dict.remove(b"Params");
            stream.set_content(bytes.to_vec());
            changed = true;
        }
    }
    assert!(changed, "no embedded file found");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

#[test]
fn verify_imports_the_attached_spreadsheet_whatever_it_now_says() {
    let dir = copied(&[WUHAN]);
    let out = jixiao_env(
        &["render", "--archive", WUHAN, "-o", "a.pdf"],
        dir.path(),
        &[EPOCH],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pdf = std::fs::read(dir.path().join("a.pdf")).expect("pdf");
    // Another spreadsheet attached in its place: it imports, renders, and differs.
    let other = with_attachment(&pdf, &std::fs::read(form(ZHANJIANG)).expect("read"));
    std::fs::write(dir.path().join("other.pdf"), other).expect("write");
    let verified = jixiao(&["verify", "other.pdf"], dir.path());
    assert_eq!(
        verified.status.code(),
        Some(1),
        "{}{}",
        stdout(&verified),
        stderr(&verified)
    );
    assert!(
        stdout(&verified).contains("不一致"),
        "{}",
        stdout(&verified)
    );
    // A damaged one: it cannot be imported, so the PDF cannot be verified.
    let broken = with_attachment(&pdf, b"PK\x03\x04 not a workbook any more");
    std::fs::write(dir.path().join("broken.pdf"), broken).expect("write");
    let verified = jixiao(&["verify", "broken.pdf"], dir.path());
    assert_eq!(
        verified.status.code(),
        Some(2),
        "{}{}",
        stdout(&verified),
        stderr(&verified)
    );
    assert!(
        stderr(&verified).contains("无法导入"),
        "{}",
        stderr(&verified)
    );
}

#[test]
fn export_writes_the_form_and_import_reads_it_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        common::root().join("samples/guangzhou-kexie.toml"),
        dir.path().join("gz.toml"),
    )
    .expect("copy");
    let out = jixiao(&["export", "gz.toml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bytes = std::fs::read(dir.path().join("gz.xlsx")).expect("written next to the input");
    let out = jixiao(&["export", "gz.toml", "-o", "again.xlsx"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        bytes == std::fs::read(dir.path().join("again.xlsx")).expect("again"),
        "reproducible"
    );
    // The form: title row, merged section labels, amounts as numbers in #,##0.00.
    let book = jixiao::sheet::read_bytes("gz.xlsx", &bytes).expect("read");
    let sheet = &book.sheets()[0];
    assert_eq!(
        sheet.cell_a1("A1").and_then(|c| c.text()),
        Some("部门整体预算绩效目标申报表")
    );
    let label = sheet.find_label("预算整体情况").expect("section label");
    assert!(
        sheet.span(label.pos()).height() >= 6,
        "merged down its section"
    );
    let basic = sheet
        .cells()
        .find(|c| {
            c.number()
                .is_some_and(|n| n.value().to_string() == "6686.98")
        })
        .expect("基本支出 as a number");
    assert_eq!(basic.format().map(|f| f.code()), Some("#,##0.00"));
    assert_eq!(basic.display_text(), "6,686.98");
    // Imported back: the same declaration as printed.
    let import =
        import_bytes("gz.xlsx", &bytes, Kinds::builtin(), &Options::default()).expect("import");
    let (_, sample) = common::sample("guangzhou-kexie.toml");
    assert_eq!(canonical(&import.forms[0].declaration), canonical(&sample));
    let imported = jixiao(&["import", "gz.xlsx", "-o", "back.toml"], dir.path());
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
    let back = Declaration::from_toml(
        &std::fs::read_to_string(dir.path().join("back.toml")).expect("toml"),
    )
    .expect("parses");
    assert_eq!(canonical(&back), canonical(&sample));
    // A declaration with errors is not exported.
    std::fs::write(dir.path().join("bad.toml"), "year = 2025\n").expect("write");
    let bad = jixiao(&["export", "bad.toml"], dir.path());
    assert_eq!(bad.status.code(), Some(1));
    assert!(!dir.path().join("bad.xlsx").exists());
}

#[test]
fn a_variant_template_exports_and_imports_without_code() {
    // A user's variant of the 湛江 kind: its own name, title and a renamed label, made
    // only by editing form.toml.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = jixiao(
        &["template", "variant", "--kind", "department-target-table"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let form_toml = dir.path().join("variant/form.toml");
    let text = std::fs::read_to_string(&form_toml).expect("form.toml");
    let edited = text
        .replacen(
            "name = \"department-target-table\"",
            "name = \"my-county-target\"",
            1,
        )
        .replacen(
            "title = \"{year}年市级部门整体预算绩效目标表\"",
            "title = \"{year}年县级部门整体绩效目标表\"",
            1,
        )
        .replacen("label = \"基本信息\"", "label = \"单位基本情况\"", 1);
    assert_ne!(edited, text);
    std::fs::write(&form_toml, edited).expect("write");
    let sample = std::fs::read_to_string(
        common::root().join("samples/zhanjiang-2023-department-target.toml"),
    )
    .expect("sample")
    .replacen(
        "kind = \"department-target-table\"",
        "kind = \"my-county-target\"",
        1,
    );
    std::fs::write(dir.path().join("decl.toml"), &sample).expect("write");
    let out = jixiao(
        &["export", "decl.toml", "--template", "variant"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let book = jixiao::sheet::read_file(&dir.path().join("decl.xlsx")).expect("read");
    let sheet = &book.sheets()[0];
    assert!(sheet.find_label("2023年县级部门整体绩效目标表").is_some());
    assert!(sheet.find_label("单位基本情况").is_some());
    // Imported with the template, it is detected as the variant and reads back the same.
    let out = jixiao(
        &[
            "import",
            "decl.xlsx",
            "--template",
            "variant",
            "-o",
            "back.toml",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let back = std::fs::read_to_string(dir.path().join("back.toml")).expect("toml");
    assert!(back.contains("kind = \"my-county-target\""), "{back}");
    assert!(back.contains("staff = \"750\""), "{back}");
    // Without the template, no built-in kind has its title and label: the closest one
    // is taken only if enough of its labels are there, and its 基本信息 is missing.
    let out = jixiao(&["import", "decl.xlsx", "-o", "builtin.toml"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("基本信息"), "{}", stderr(&out));
    assert!(!dir.path().join("builtin.toml").exists());
}

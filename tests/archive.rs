//! Archival PDFs end to end, through the real binary: PDF/A-3b with the declaration
//! attached, byte-for-byte reproducible, verifiable, filed in a store. Independent
//! readers (poppler's pdfinfo and pdfdetach, installed by scripts/test.sh) check what
//! jixiao wrote.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{jixiao_env, pdftotext, root, squeeze, stderr, stdout};
use lopdf::{Document, Object};

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} not found ({e}): install poppler-utils (bash scripts/test.sh does)")
    });
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Copies `file` into a new temporary directory; returns the directory and the copy.
fn copy_into_tempdir(file: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = file.file_name().expect("file name");
    let copy = dir.path().join(name);
    std::fs::copy(file, &copy).expect("copy");
    (dir, copy)
}

/// Renders `decl` (a path) with `--archive` in its directory; returns the PDF's bytes.
fn render_archive(decl: &Path, env: &[(&str, &str)]) -> Vec<u8> {
    let dir = decl.parent().expect("parent");
    let out = jixiao_env(
        &[
            "render",
            "--archive",
            decl.to_str().expect("utf-8 path"),
            "-o",
            "out.pdf",
        ],
        dir,
        env,
    );
    assert!(
        out.status.success(),
        "render --archive failed:\n{}",
        stderr(&out)
    );
    std::fs::read(dir.join("out.pdf")).expect("read pdf")
}

/// The signed-off fixture rendered with `--archive` (it carries its own date).
fn signed_off_archive() -> Vec<u8> {
    let (_dir, decl) = copy_into_tempdir(&signed_off());
    render_archive(&decl, &[])
}

fn reference() -> PathBuf {
    root().join("samples/guangzhou-kexie.toml")
}

fn signed_off() -> PathBuf {
    root().join("tests/fixtures/signed-off.toml")
}

const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1737331200"); // 2025-01-20T00:00:00Z

#[test]
fn archival_renders_are_byte_identical_across_directories_time_zones_and_time() {
    let (_a, first) = copy_into_tempdir(&reference());
    let (_b, second) = copy_into_tempdir(&reference());
    let one = render_archive(&first, &[EPOCH, ("TZ", "Asia/Shanghai")]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let two = render_archive(&second, &[EPOCH, ("TZ", "America/Los_Angeles")]);
    assert!(one == two, "two archival renders of the reference differ");

    // A declaration that carries its own date needs no SOURCE_DATE_EPOCH, and the
    // epoch does not override it.
    let (_c, dated) = copy_into_tempdir(&signed_off());
    let three = render_archive(&dated, &[("TZ", "UTC")]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let four = render_archive(
        &dated,
        &[("TZ", "Pacific/Kiritimati"), ("SOURCE_DATE_EPOCH", "0")],
    );
    assert!(three == four, "the declaration's own date must decide");
    assert!(
        one != three,
        "different declarations must give different PDFs"
    );
}

#[test]
fn pdfinfo_shows_the_pdfa_claim_and_the_metadata() {
    let (dir, decl) = copy_into_tempdir(&signed_off());
    render_archive(&decl, &[]);
    let pdf = dir.path().join("out.pdf");
    let pdf = pdf.to_str().expect("utf-8");
    let info = tool("pdfinfo", &[pdf]);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| {
                l.strip_prefix(&format!("{name}:"))
                    .map(|v| v.trim().to_owned())
            })
            .unwrap_or_else(|| panic!("pdfinfo shows no {name}:\n{info}"))
    };
    assert_eq!(
        field("Title"),
        "部门整体预算绩效目标申报表（广州市科学技术协会 2025年度）"
    );
    assert_eq!(field("Author"), "广州市科学技术协会");
    assert_eq!(
        field("Subject"),
        "广州市科学技术协会 2025年度部门整体预算绩效目标申报表"
    );
    assert!(field("Keywords").contains("预算绩效"), "{info}");
    assert_eq!(
        field("Creator"),
        concat!("jixiao ", env!("CARGO_PKG_VERSION"))
    );
    assert!(field("CreationDate").contains("2025"), "{info}");
    assert!(field("CreationDate").contains("Jan 20"), "{info}");
    let xmp = tool("pdfinfo", &["-meta", pdf]);
    let squeezed = squeeze(&xmp);
    assert!(
        squeezed.contains("pdfaid:part=\"3\"") || squeezed.contains("<pdfaid:part>3</pdfaid:part>"),
        "no PDF/A-3 claim in the XMP:\n{xmp}"
    );
    assert!(
        squeezed.contains("pdfaid:conformance=\"B\"")
            || squeezed.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "no conformance B in the XMP:\n{xmp}"
    );
    assert!(xmp.contains("zh-CN"), "document language zh-CN:\n{xmp}");
}

#[test]
fn the_declaration_is_attached_and_comes_out_byte_for_byte() {
    let (dir, decl) = copy_into_tempdir(&signed_off());
    render_archive(&decl, &[]);
    let pdf = dir.path().join("out.pdf");
    let pdf = pdf.to_str().expect("utf-8");
    let list = tool("pdfdetach", &["-list", pdf]);
    assert!(list.starts_with("1 embedded files"), "{list}");
    assert!(list.contains("2025-广州市科学技术协会.toml"), "{list}");
    let detached = dir.path().join("detached.toml");
    tool(
        "pdfdetach",
        &["-save", "1", "-o", detached.to_str().expect("utf-8"), pdf],
    );
    let input = std::fs::read(&decl).expect("input");
    assert!(
        std::fs::read(&detached).expect("detached") == input,
        "pdfdetach: bytes differ"
    );

    // jixiao extract gives the same bytes, and never overwrites without --force.
    let out = jixiao_env(&["extract", "out.pdf", "-o", "back.toml"], dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(dir.path().join("back.toml")).expect("back") == input);
    let again = jixiao_env(&["extract", "out.pdf", "-o", "back.toml"], dir.path(), &[]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let to_stdout = jixiao_env(&["extract", "out.pdf", "-o", "-"], dir.path(), &[]);
    assert!(to_stdout.stdout == input);
}

#[test]
fn a_gb18030_declaration_is_attached_as_it_was_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "department = \"测试部门\"\nyear = 2025\ndate = 2025-03-01\ngoal = \"目标\"\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    let decl = dir.path().join("gbk.toml");
    std::fs::write(&decl, &bytes).expect("write");
    render_archive(&decl, &[]);
    let pdf = std::fs::read(dir.path().join("out.pdf")).expect("pdf");
    let file = jixiao::archive::inspect::PdfFile::parse(&pdf).expect("parse");
    let source = file.source_attachment().expect("attached");
    assert!(
        source.bytes == bytes.as_ref(),
        "the attachment must be the file as written"
    );
    assert_eq!(source.mime.as_deref(), Some("application/toml"));
    assert_eq!(source.relationship.as_deref(), Some("Source"));
}

#[test]
fn without_a_date_an_archival_render_fails_and_writes_nothing() {
    let (dir, decl) = copy_into_tempdir(&reference());
    let out = jixiao_env(
        &["render", "--archive", decl.to_str().expect("utf-8")],
        dir.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("SOURCE_DATE_EPOCH"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("date = 2025-01-20"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("guangzhou-kexie.pdf").exists());
}

#[test]
fn archive_true_in_the_declaration_turns_archiving_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("d.toml"),
        "department = \"测试部门\"\nyear = 2025\ndate = 2025-03-01\ngoal = \"目标\"\narchive = true\n",
    )
    .expect("write");
    let out = jixiao_env(&["render", "d.toml"], dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = std::fs::read(dir.path().join("d.pdf")).expect("pdf");
    let file = jixiao::archive::inspect::PdfFile::parse(&pdf).expect("parse");
    assert_eq!(
        file.pdfa_claim().map(|c| c.to_string()).as_deref(),
        Some("PDF/A-3b")
    );
    assert!(
        file.pdfa_problems().is_empty(),
        "{:?}",
        file.pdfa_problems()
    );
}

#[test]
fn a_character_missing_from_every_font_is_a_hard_error_under_pdfa() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("d.toml"),
        "department = \"测试部门\"\nyear = 2025\ndate = 2025-03-01\ngoal = \"目标\u{E123}\"\n",
    )
    .expect("write");
    let out = jixiao_env(&["render", "--archive", "d.toml"], dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for needle in ["U+E123", "总体绩效目标", "goal"] {
        assert!(err.contains(needle), "{needle} missing from:\n{err}");
    }
    assert!(!dir.path().join("d.pdf").exists());
}

/// A copy of `pdf` with the attached declaration's text changed by `edit`.
fn with_altered_source(pdf: &[u8], edit: impl Fn(&str) -> String) -> Vec<u8> {
    let mut doc = Document::load_mem(pdf).expect("parse");
    let ids: Vec<_> = doc.objects.keys().copied().collect();
    let mut changed = false;
    for id in ids {
        let Ok(Object::Stream(stream)) = doc.get_object_mut(id) else {
            continue;
        };
        let is_file = stream.dict.get(b"Type").ok().and_then(|t| t.as_name().ok())
            == Some(b"EmbeddedFile".as_slice());
        if !is_file {
            continue;
        }
        let bytes = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        let text = String::from_utf8(bytes).expect("utf-8 source");
        let edited = edit(&text);
        assert_ne!(edited, text, "the edit must change the source");
        stream.dict.remove(b"Filter");
        stream.dict.remove(b"DecodeParms");
        stream.dict.remove(b"Params");
        stream.set_content(edited.into_bytes());
        changed = true;
    }
    assert!(changed, "no embedded file found");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// A copy of `pdf` with a red line drawn on page `page` (1-based).
fn with_altered_page(pdf: &[u8], page: u32) -> Vec<u8> {
    let mut doc = Document::load_mem(pdf).expect("parse");
    let id = doc.get_pages()[&page];
    doc.add_page_contents(id, b"q 1 0 0 RG 4 w 100 100 m 400 300 l S Q".to_vec())
        .expect("add content");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

fn verify(pdf: &[u8]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("x.pdf"), pdf).expect("write");
    jixiao_env(&["verify", "x.pdf"], dir.path(), &[])
}

#[test]
fn verify_passes_on_a_fresh_archive_and_names_the_pages_that_differ() {
    let pdf = signed_off_archive();

    let fresh = verify(&pdf);
    assert_eq!(
        fresh.status.code(),
        Some(0),
        "{}{}",
        stdout(&fresh),
        stderr(&fresh)
    );
    assert!(stdout(&fresh).contains("PDF/A-3b"), "{}", stdout(&fresh));
    assert!(
        stdout(&fresh).contains("reproduced exactly"),
        "{}",
        stdout(&fresh)
    );

    // One amount changed in the attached source: the re-render differs on page 1,
    // where the budget block is, and nowhere else.
    let altered = with_altered_source(&pdf, |t| {
        t.replacen("basic = \"6,686.98\"", "basic = \"6,686.89\"", 1)
    });
    let out = verify(&altered);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let report = stdout(&out);
    assert!(report.contains("page 1:"), "{report}");
    assert!(report.contains("text differs"), "{report}");
    for other in ["page 2:", "page 3:", "page 4:"] {
        assert!(!report.contains(other), "only page 1 differs:\n{report}");
    }

    // Page 3's content altered: verify names page 3 (it looks different; same text).
    let altered = with_altered_page(&pdf, 3);
    let out = verify(&altered);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let report = stdout(&out);
    assert!(
        report.contains("page 3:") && report.contains("looks different"),
        "{report}"
    );
    for other in ["page 1:", "page 2:", "page 4:"] {
        assert!(!report.contains(other), "only page 3 differs:\n{report}");
    }
}

#[test]
fn verify_refuses_what_it_cannot_verify() {
    let (_dir, decl) = copy_into_tempdir(&reference());
    let plain = {
        let dir = decl.parent().expect("dir");
        let out = jixiao_env(
            &["render", decl.to_str().expect("utf-8"), "-o", "plain.pdf"],
            dir,
            &[],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read(dir.join("plain.pdf")).expect("pdf")
    };
    let out = verify(&plain);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("no attached source"),
        "{}",
        stderr(&out)
    );
    let out = verify(b"not a pdf at all");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_store_keeps_one_file_per_version_and_an_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let decl = dir.path().join("d.toml");
    let text = "department = \"测试部门\"\nyear = 2025\ndate = 2025-03-01\ngoal = \"第一版\"\n";
    std::fs::write(&decl, text).expect("write");
    let store = dir.path().join("store");
    let store_arg = store.to_str().expect("utf-8");
    for _ in 0..2 {
        let out = jixiao_env(
            &["render", "d.toml", "--archive-dir", store_arg],
            dir.path(),
            &[],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let folder = store.join("2025").join("测试部门");
    let names = |folder: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(folder)
            .expect("folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let first = names(&folder);
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(
        first[0].starts_with("v1-") && first[0].ends_with(".pdf"),
        "{first:?}"
    );
    let stored = std::fs::read(folder.join(&first[0])).expect("stored");
    assert!(stored == std::fs::read(dir.path().join("d.pdf")).expect("pdf"));

    std::fs::write(&decl, text.replace("第一版", "第二版")).expect("write");
    let out = jixiao_env(
        &["render", "d.toml", "--archive-dir", store_arg],
        dir.path(),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let second = names(&folder);
    assert_eq!(second.len(), 2, "{second:?}");
    assert!(second[1].starts_with("v2-"), "{second:?}");

    let index = std::fs::read_to_string(store.join("index.jsonl")).expect("index");
    let lines: Vec<serde_json::Value> = index
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2, "{index}");
    assert_eq!(lines[1]["version"], 2);
    assert_eq!(lines[1]["department"], "测试部门");
    // Hashes computed independently of jixiao, with coreutils' sha256sum.
    let sha256sum = |path: &Path| {
        tool("sha256sum", &[path.to_str().expect("utf-8")])
            .split_whitespace()
            .next()
            .expect("digest")
            .to_owned()
    };
    let input_sha = sha256sum(&decl);
    assert_eq!(lines[1]["input_sha256"], input_sha.as_str());
    assert_eq!(
        lines[1]["output_sha256"],
        sha256sum(&folder.join(&second[1])).as_str()
    );
    assert_eq!(
        lines[1]["jixiao"],
        concat!("jixiao ", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_signoff_block_is_printed_only_when_filled_in() {
    let pdf = signed_off_archive();
    let text = squeeze(&pdftotext(&pdf, None));
    for needle in [
        "填报人：李明",
        "联系电话：020-83550000",
        "单位负责人：王芳",
        "填报日期：2025年1月22日",
        "单位（盖章）：广州市科学技术协会",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    // After the last indicator: the block is under the table.
    let last = text.rfind("填报人").expect("block");
    assert!(text.rfind("服务对象满意度").expect("indicators") < last);

    let plain = common::render(&common::sample("guangzhou-kexie.toml").1);
    let plain = squeeze(&pdftotext(&plain, None));
    for label in ["填报人", "单位负责人", "盖章"] {
        assert!(
            !plain.contains(label),
            "{label} printed without a sign-off block"
        );
    }
}

#[test]
fn bytes_appended_to_an_archive_without_a_signature_fail_verify() {
    let mut pdf = signed_off_archive();
    pdf.extend_from_slice(b"\n% appended later\n");
    let out = verify(&pdf);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stderr(&out).contains("appended"), "{}", stderr(&out));
}

#[test]
fn a_batch_archives_and_files_every_document_and_reports_one_without_a_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    let forms = dir.path().join("forms");
    std::fs::create_dir(&forms).expect("mkdir");
    for (name, department, date) in [
        ("a", "甲部门", "date = 2025-03-01\n"),
        ("b", "乙部门", "date = 2025-03-02\n"),
        ("c", "丙部门", ""),
    ] {
        std::fs::write(
            forms.join(format!("{name}.toml")),
            format!("department = \"{department}\"\nyear = 2025\n{date}goal = \"目标\"\n"),
        )
        .expect("write");
    }
    let out = jixiao_env(
        &[
            "render",
            "forms",
            "--out-dir",
            "out",
            "--archive-dir",
            "store",
            "-j",
            "2",
        ],
        dir.path(),
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "c has no date: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("SOURCE_DATE_EPOCH"),
        "{}",
        stderr(&out)
    );
    for (name, department) in [("a", "甲部门"), ("b", "乙部门")] {
        let pdf = std::fs::read(dir.path().join(format!("out/{name}.pdf"))).expect("pdf");
        let file = jixiao::archive::inspect::PdfFile::parse(&pdf).expect("parse");
        assert!(
            file.pdfa_problems().is_empty(),
            "{:?}",
            file.pdfa_problems()
        );
        let folder = dir.path().join("store/2025").join(department);
        let stored: Vec<_> = std::fs::read_dir(&folder).expect("filed").collect();
        assert_eq!(stored.len(), 1);
    }
    assert!(!dir.path().join("out/c.pdf").exists());

    // The same batch with SOURCE_DATE_EPOCH: c is archived too; a and b are recognised
    // as already stored.
    let out = jixiao_env(
        &[
            "render",
            "forms",
            "--out-dir",
            "out",
            "--archive-dir",
            "store",
        ],
        dir.path(),
        &[EPOCH],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let index = std::fs::read_to_string(dir.path().join("store/index.jsonl")).expect("index");
    assert_eq!(index.lines().count(), 3, "{index}");
}

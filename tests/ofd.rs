//! OFD output end to end, through the real binary, checked by independent tools:
//! ofd-cli (structure, references, rendering), pdftoppm (the PDF drawn the same), ofdkit
//! (text), xmllint (the GB/T 33190 schemas) and ttf-parser (the embedded fonts).
//! Every declaration in `samples/` and the test fixtures goes through the same checks, so
//! a new form kind is covered as soon as it has a sample.

mod common;
mod ofd_tools;

use std::path::{Path, PathBuf};

use common::*;
use ofd_tools::*;

/// Every sample and fixture declaration that renders (the injection fixture is meant to
/// render too: its Typst syntax prints literally).
fn declarations() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["samples", "tests/fixtures"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        out.extend(files);
    }
    assert!(out.len() >= 3, "{out:?}");
    out
}

/// Renders `decl` (copied into a fresh directory) with `args`; returns the directory.
fn render_in_dir(decl: &Path, args: &[&str], env: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join(decl.file_name().expect("name"));
    std::fs::copy(decl, &input).expect("copy");
    let mut all = vec!["render", input.to_str().expect("path")];
    all.extend_from_slice(args);
    let out = jixiao_env(&all, dir.path(), env);
    assert!(
        out.status.success(),
        "render {}: {}",
        decl.display(),
        stderr(&out)
    );
    (dir, input)
}

/// The PDF and OFD of `decl`, rendered together.
fn pdf_and_ofd(decl: &Path) -> (Vec<u8>, Vec<u8>) {
    let (_dir, input) = render_in_dir(decl, &["--format", "pdf,ofd"], &[]);
    let pdf = std::fs::read(input.with_extension("pdf")).expect("pdf");
    let ofd = std::fs::read(input.with_extension("ofd")).expect("ofd");
    (pdf, ofd)
}

#[test]
fn every_declaration_gives_an_ofd_that_ofd_cli_and_the_schemas_accept() {
    for decl in declarations() {
        let (_, ofd) = pdf_and_ofd(&decl);
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("form.ofd");
        std::fs::write(&file, &ofd).expect("write");
        let out = run(
            "ofd-cli",
            &["check", file.to_str().expect("path")],
            dir.path(),
        );
        let text = all_output(&out);
        assert!(
            out.status.success() && text.contains("[通过]"),
            "ofd-cli check refuses the OFD of {}:\n{text}",
            decl.display()
        );
        let validated = validate_with_xmllint(&ofd);
        let names: Vec<String> = parts(&ofd).into_iter().map(|(n, _)| n).collect();
        let xml_parts = names.iter().filter(|n| n.ends_with(".xml")).count();
        assert_eq!(validated, xml_parts);
        for expected in [
            "OFD.xml",
            "Doc_0/Document.xml",
            "Doc_0/PublicRes.xml",
            "Doc_0/Pages/Page_0/Content.xml",
            "Doc_0/Attachs/Attachments.xml",
            "Doc_0/Attachs/declaration.toml",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} missing from {names:?}"
            );
        }
    }
}

/// Pixels darker than this (of 255) are ink. Not 128: hairline table rules (0.5 pt, under
/// one pixel at 100 dpi) are drawn antialiased in mid grey by one renderer and as solid
/// one-pixel lines by the other; both are ink.
const INK: u8 = 200;

/// The ink pixels of a page image.
fn ink(png: &Path) -> (u32, u32, Vec<bool>) {
    let img = image::open(png)
        .unwrap_or_else(|e| panic!("{}: {e}", png.display()))
        .to_luma8();
    let (w, h) = img.dimensions();
    (w, h, img.pixels().map(|p| p.0[0] < INK).collect())
}

/// Ink pixels of `a` with no ink in `b` within one pixel.
fn unmatched(a: &(u32, u32, Vec<bool>), b: &(u32, u32, Vec<bool>)) -> usize {
    let (w, h, pa) = a;
    let (bw, bh, pb) = b;
    let mut n = 0;
    for y in 0..*h as i64 {
        for x in 0..*w as i64 {
            if !pa[(y * i64::from(*w) + x) as usize] {
                continue;
            }
            let near = (-1..=1).any(|dy| {
                (-1..=1).any(|dx| {
                    let (nx, ny) = (x + dx, y + dy);
                    nx >= 0
                        && ny >= 0
                        && nx < i64::from(*bw)
                        && ny < i64::from(*bh)
                        && pb[(ny * i64::from(*bw) + nx) as usize]
                })
            });
            if !near {
                n += 1;
            }
        }
    }
    n
}

fn images_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    // ofd-cli names pages …_page0 … _page9, _page10; pdftoppm pads: sort by the number.
    v.sort_by_key(|p| {
        let stem = p.file_stem().expect("stem").to_string_lossy().into_owned();
        let digits: String = stem
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits.parse::<usize>().unwrap_or(0)
    });
    v
}

#[test]
fn ofd_cli_draws_every_page_as_pdftoppm_draws_the_pdf() {
    for decl in declarations() {
        let (pdf, ofd) = pdf_and_ofd(&decl);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("form.pdf"), &pdf).expect("write");
        std::fs::write(dir.path().join("form.ofd"), &ofd).expect("write");
        std::fs::create_dir(dir.path().join("pdf")).expect("mkdir");
        run_ok(
            "pdftoppm",
            &["-r", "100", "-png", "form.pdf", "pdf/page"],
            dir.path(),
        );
        run_ok(
            "ofd-cli",
            &[
                "render", "--dpi", "100", "--prefix", "page", "form.ofd", "ofd",
            ],
            dir.path(),
        );
        let pdf_pages = images_in(&dir.path().join("pdf"));
        let ofd_pages = images_in(&dir.path().join("ofd"));
        assert_eq!(
            ofd_pages.len(),
            pdf_pages.len(),
            "{}: ofd-cli drew {} pages, pdftoppm {}",
            decl.display(),
            ofd_pages.len(),
            pdf_pages.len()
        );
        assert_eq!(pdf_pages.len(), page_count(&pdf));
        for (i, (o, p)) in ofd_pages.iter().zip(&pdf_pages).enumerate() {
            let (a, b) = (ink(o), ink(p));
            let total = a.2.iter().filter(|&&i| i).count() + b.2.iter().filter(|&&i| i).count();
            let off = unmatched(&a, &b) + unmatched(&b, &a);
            let share = off as f64 / total.max(1) as f64;
            assert!(
                total > 10_000,
                "{} page {}: almost no ink ({total} pixels)",
                decl.display(),
                i + 1
            );
            assert!(
                share <= 0.02,
                "{} page {}: {:.2} % of the ink pixels differ between ofd-cli and pdftoppm",
                decl.display(),
                i + 1,
                share * 100.0
            );
        }
    }
}

/// Whether `text` is found in `pages` as pieces, each a contiguous run of one line, on
/// successive lines of a page at most a dozen apart (ofdkit reads a page line by line, so
/// a table cell's lines come with its neighbours' between them), or continued at the top
/// of the next page.
fn found_in_lines(text: &str, pages: &[Vec<String>]) -> bool {
    let target: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if target.is_empty() {
        return true;
    }
    // Try every start.
    for (p, lines) in pages.iter().enumerate() {
        for (l, line) in lines.iter().enumerate() {
            if follow(&target, pages, p, l, line, true) {
                return true;
            }
        }
    }
    false
}

/// Whether `target` starts inside `line` (page `p`, line `l`) and continues on the next
/// line, or at the top of the next page when the line is at the foot of its page.
fn follow(
    target: &[char],
    pages: &[Vec<String>],
    p: usize,
    l: usize,
    line: &str,
    first: bool,
) -> bool {
    let chars: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
    for len in (1..=target.len().min(chars.len())).rev() {
        // A piece that does not finish the text is at least two characters long (a
        // cell's line); only the first piece or the last may be a single character.
        if !first && len < 2 && len < target.len() {
            break;
        }
        let piece = &target[..len];
        if !(0..=chars.len() - len).any(|i| &chars[i..i + len] == piece) {
            continue;
        }
        if len == target.len() {
            return true;
        }
        let rest = &target[len..];
        // Between two lines of a cell, ofdkit may put lines of a neighbouring cell that
        // sits half a line lower (vertically centred), or — where its column detection
        // reads a stretch of the table column by column — the rest of the column on the
        // left: allow up to a dozen lines in between.
        for next_l in l + 1..=l + 12 {
            if let Some(next) = pages[p].get(next_l) {
                if follow(rest, pages, p, next_l, next, false) {
                    return true;
                }
            }
        }
        let at_foot = l + 4 >= pages[p].len();
        if let (true, Some(next_page)) = (at_foot, pages.get(p + 1)) {
            for (nl, next) in next_page.iter().enumerate().take(16) {
                if follow(rest, pages, p + 1, nl, next, false) {
                    return true;
                }
            }
        }
    }
    false
}

#[test]
fn ofdkit_reads_back_every_text_of_the_declaration() {
    for decl_path in declarations() {
        let (pdf, ofd) = pdf_and_ofd(&decl_path);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("form.ofd"), &ofd).expect("write");
        // `ofdkit text`, through its Python API to have the pages apart (the command
        // separates pages, like paragraphs, with a blank line).
        let text = run_ok(
            "ofdkit-python",
            &[
                "-c",
                "import sys, ofdkit; sys.stdout.write(ofdkit.extract_text(sys.argv[1], page_separator='\\f'))",
                "form.ofd",
            ],
            dir.path(),
        );
        let cli = run_ok("ofdkit", &["text", "form.ofd"], dir.path());
        assert_eq!(
            squeeze(&cli),
            squeeze(&text.replace('\u{c}', "")),
            "the command reads the same"
        );
        // ofdkit reads a page line by line: a table row's cells side by side.
        let pages: Vec<Vec<String>> = text
            .split('\u{c}')
            .map(|page| {
                page.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .collect();
        assert_eq!(pages.len(), page_count(&pdf), "one text per page");
        let source = std::fs::read_to_string(&decl_path).expect("read");
        let decl = jixiao::Declaration::from_toml(&source).expect("parse");
        let mut checked = 0;
        for field in decl.text_fields() {
            for paragraph in jixiao::text::paragraphs(field.text) {
                assert!(
                    found_in_lines(&paragraph, &pages),
                    "{}: ofdkit does not read {} ({}) back: {paragraph:?}",
                    decl_path.display(),
                    field.path,
                    field.label
                );
                checked += 1;
            }
        }
        assert!(checked > 5, "{}: only {checked} texts", decl_path.display());
    }
}

#[test]
fn a_text_missing_from_the_ofd_is_caught_by_the_reading_check() {
    // The check above can fail: a paragraph that is not there, and one whose characters
    // are there only out of order, are not found.
    let pages = vec![vec![
        "组织开展青年科技人才托举 400.00 贯彻落实".to_owned(),
        "工程项目、学术交流".to_owned(),
    ]];
    assert!(found_in_lines(
        "组织开展青年科技人才托举工程项目、学术交流",
        &pages
    ));
    assert!(!found_in_lines(
        "组织开展青年科技人才托举工程项目、学术论文",
        &pages
    ));
    assert!(!found_in_lines(
        "工程项目、学术交流组织开展青年科技人才托举",
        &pages
    ));
}

#[test]
fn the_embedded_fonts_are_truetype_subsets_whose_cmap_prints_the_text() {
    let (_, ofd) = pdf_and_ofd(&root().join("samples/guangzhou-kexie.toml"));
    let all = parts(&ofd);
    let res = String::from_utf8(part(&ofd, "Doc_0/PublicRes.xml")).expect("utf-8");
    let res = roxmltree::Document::parse(&res).expect("xml");
    let mut fonts = std::collections::BTreeMap::new();
    for font in res
        .descendants()
        .filter(|n| n.has_tag_name(("http://www.ofdspec.org/2016", "Font")))
    {
        let id = font.attribute("ID").expect("ID").to_owned();
        let file = font
            .children()
            .find(|n| n.has_tag_name(("http://www.ofdspec.org/2016", "FontFile")))
            .and_then(|n| n.text())
            .expect("FontFile");
        let data = all
            .iter()
            .find(|(n, _)| *n == format!("Doc_0/Res/{file}"))
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| panic!("font file {file} missing"));
        fonts.insert(id, data);
    }
    assert!(
        fonts.len() >= 2,
        "serif body and sans title: {}",
        fonts.len()
    );
    for data in fonts.values() {
        let face = ttf_parser::Face::parse(data, 0).expect("a font ttf-parser reads");
        assert!(face.tables().glyf.is_some(), "TrueType outlines");
        assert!(face.tables().cff.is_none(), "no CFF");
        assert!(
            face.number_of_glyphs() < 3000,
            "a subset, not the whole face"
        );
    }
    // Every character a page prints without a CGTransform is in its font's cmap, with an
    // outline unless it is a space.
    let mut chars = 0;
    for (name, data) in &all {
        if !name.ends_with("Content.xml") {
            continue;
        }
        let text = String::from_utf8(data.clone()).expect("utf-8");
        let page = roxmltree::Document::parse(&text).expect("xml");
        for object in page
            .descendants()
            .filter(|n| n.tag_name().name() == "TextObject")
        {
            let font = &fonts[object.attribute("Font").expect("Font")];
            let face = ttf_parser::Face::parse(font, 0).expect("font");
            let transformed = object
                .children()
                .any(|n| n.tag_name().name() == "CGTransform");
            if transformed {
                continue;
            }
            for code in object
                .children()
                .filter(|n| n.tag_name().name() == "TextCode")
            {
                for c in code.text().unwrap_or_default().chars() {
                    let glyph = face
                        .glyph_index(c)
                        .unwrap_or_else(|| panic!("{c:?} ({name}) is not in its font's cmap"));
                    if !c.is_whitespace() {
                        assert!(
                            face.glyph_bounding_box(glyph).is_some(),
                            "{c:?} has no outline"
                        );
                    }
                    chars += 1;
                }
            }
        }
    }
    assert!(chars > 1000, "{chars}");
}

#[test]
fn ofds_are_byte_reproducible_and_the_same_from_every_route() {
    let decl = root().join("tests/fixtures/signed-off.toml");
    let (_a, input_a) = render_in_dir(&decl, &["--format", "ofd"], &[("TZ", "Asia/Shanghai")]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (_b, input_b) = render_in_dir(&decl, &["-o", "other.ofd"], &[("TZ", "America/New_York")]);
    let (_c, input_c) = render_in_dir(&decl, &["--archive", "--format", "pdf,ofd"], &[]);
    let a = std::fs::read(input_a.with_extension("ofd")).expect("a");
    let b = std::fs::read(input_b.parent().expect("dir").join("other.ofd")).expect("b");
    let c = std::fs::read(input_c.with_extension("ofd")).expect("c");
    assert_eq!(
        a, b,
        "two renders in other directories, time zones and seconds"
    );
    assert_eq!(a, c, "the OFD of the archival PDF's layout");
    // The date is the declaration's, never the clock; the zip carries it.
    let ofd_xml = String::from_utf8(part(&a, "OFD.xml")).expect("utf-8");
    assert!(
        ofd_xml.contains("<ofd:CreationDate>2025-01-20</ofd:CreationDate>"),
        "{ofd_xml}"
    );
    // Without a date in the declaration: no CreationDate, still reproducible.
    let reference = root().join("samples/guangzhou-kexie.toml");
    let (_d, d) = render_in_dir(&reference, &["--format", "ofd"], &[]);
    let (_e, e) = render_in_dir(&reference, &["--format", "ofd"], &[("TZ", "Europe/Berlin")]);
    let d = std::fs::read(d.with_extension("ofd")).expect("d");
    assert_eq!(d, std::fs::read(e.with_extension("ofd")).expect("e"));
    assert!(!String::from_utf8(part(&d, "OFD.xml"))
        .expect("utf-8")
        .contains("CreationDate"));
}

#[test]
fn the_library_writes_the_same_ofd_as_the_binary() {
    let path = root().join("tests/fixtures/signed-off.toml");
    let source = std::fs::read(&path).expect("read");
    let decl = jixiao::Declaration::from_toml(std::str::from_utf8(&source).expect("utf-8"))
        .expect("parse");
    let renderer = jixiao::Renderer::builtin();
    let meta = jixiao::ofd::meta_of(&renderer, &decl, &source, decl.document_date());
    let alone = jixiao::ofd::render(&renderer, &decl, &meta).expect("ofd");
    let from_pdf = jixiao::ofd::ofd(
        &renderer
            .render(&decl, &Default::default())
            .expect("pdf")
            .document,
        &meta,
    )
    .expect("ofd");
    assert_eq!(alone.ofd, from_pdf.ofd);
    let (_dir, input) = render_in_dir(&path, &["--format", "ofd"], &[]);
    assert_eq!(
        alone.ofd,
        std::fs::read(input.with_extension("ofd")).expect("ofd")
    );
    assert_eq!(alone.pages, 4);
}

fn verify(ofd: &[u8]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("form.ofd");
    std::fs::write(&path, ofd).expect("write");
    jixiao_env(&["verify", path.to_str().expect("path")], dir.path(), &[])
}

#[test]
fn verify_passes_a_fresh_ofd_and_names_what_changed() {
    let (_, ofd) = pdf_and_ofd(&root().join("samples/guangzhou-kexie.toml"));
    let out = verify(&ofd);
    assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
    assert!(
        stdout(&out).contains("reproduced exactly"),
        "{}",
        stdout(&out)
    );

    // A changed amount in the attached declaration: the pages it moves, and OFD.xml
    // (whose recorded SHA-256 no longer matches), are named.
    let altered = with_part(&ofd, "Doc_0/Attachs/declaration.toml", |d| {
        replace_once(d, "basic = \"6,686.98\"", "basic = \"6,686.89\"")
    });
    let out = verify(&altered);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("第 1 页 / page 1"), "{text}");
    assert!(text.contains("OFD.xml"), "{text}");
    assert!(text.contains("changed after rendering"), "{text}");

    // Page 3's content changed: page 3 and nothing else.
    let altered = with_part(&ofd, "Doc_0/Pages/Page_2/Content.xml", |d| {
        replace_once(d, "Value=\"0 0 0\"", "Value=\"255 0 0\"")
    });
    let out = verify(&altered);
    let text = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("第 3 页 / page 3 (Doc_0/Pages/Page_2/Content.xml)"),
        "{text}"
    );
    assert!(!text.contains("第 1 页"), "{text}");

    // A part added.
    let mut entries = jixiao::ofd::zip::read(&ofd).expect("zip");
    entries.push(jixiao::ofd::zip::Entry {
        name: "Doc_0/extra.xml".into(),
        data: b"<x/>".to_vec(),
    });
    let out = verify(&jixiao::ofd::zip::write(
        &entries,
        jixiao::ofd::zip::DosTime::EPOCH,
    ));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("Doc_0/extra.xml"), "{}", stdout(&out));

    // The same parts in another zip (other timestamps): the container differs.
    let entries = jixiao::ofd::zip::read(&ofd).expect("zip");
    let out = verify(&jixiao::ofd::zip::write(
        &entries,
        jixiao::ofd::zip::DosTime::midnight(2030, 1, 1),
    ));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("zip container"), "{}", stderr(&out));
}

#[test]
fn verify_and_extract_refuse_what_they_cannot_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = dir.path().join("x.ofd");
    std::fs::write(&garbage, b"PK\x03\x04 not really a zip").expect("write");
    let out = jixiao_env(
        &["verify", garbage.to_str().expect("path")],
        dir.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));
    assert!(stderr(&out).contains("zip"), "{}", stderr(&out));
    // An OFD without the attachment.
    let (_, ofd) = pdf_and_ofd(&root().join("samples/guangzhou-kexie.toml"));
    let entries: Vec<_> = jixiao::ofd::zip::read(&ofd)
        .expect("zip")
        .into_iter()
        .filter(|e| !e.name.starts_with("Doc_0/Attachs/"))
        .collect();
    let bare = dir.path().join("bare.ofd");
    std::fs::write(
        &bare,
        jixiao::ofd::zip::write(&entries, jixiao::ofd::zip::DosTime::EPOCH),
    )
    .expect("write");
    let out = jixiao_env(&["verify", bare.to_str().expect("path")], dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));
    let out = jixiao_env(&["extract", bare.to_str().expect("path")], dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("Attachments.xml is missing"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("bare.toml").exists());
}

#[test]
fn extract_takes_the_declaration_out_byte_for_byte() {
    let decl = root().join("tests/fixtures/signed-off.toml");
    let (dir, input) = render_in_dir(&decl, &["--format", "ofd"], &[]);
    let ofd = input.with_extension("ofd");
    let out_path = dir.path().join("back.toml");
    let out = jixiao_env(
        &[
            "extract",
            ofd.to_str().expect("path"),
            "-o",
            out_path.to_str().expect("path"),
        ],
        dir.path(),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&out_path).expect("back"),
        std::fs::read(&decl).expect("decl")
    );
}

#[test]
fn render_writes_the_formats_asked_for_and_refuses_pdf_only_options_for_ofd() {
    let decl = root().join("samples/guangzhou-kexie.toml");
    let (dir, input) = render_in_dir(&decl, &["-o", "out.ofd"], &[]);
    assert!(dir.path().join("out.ofd").exists());
    assert!(!dir.path().join("out.pdf").exists() && !input.with_extension("pdf").exists());
    let (dir, _) = render_in_dir(&decl, &["-o", "both.pdf", "--format", "pdf,ofd"], &[]);
    assert!(dir.path().join("both.pdf").exists() && dir.path().join("both.ofd").exists());
    let (dir, input) = render_in_dir(&decl, &["--format", "pdf"], &[]);
    assert!(input.with_extension("pdf").exists() && !input.with_extension("ofd").exists());
    drop(dir);

    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("d.toml");
    std::fs::copy(&decl, &input).expect("copy");
    let out = jixiao_env(
        &[
            "render",
            input.to_str().expect("path"),
            "--format",
            "ofd",
            "--archive-dir",
            "store",
        ],
        dir.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("jixiao seal"), "{}", stderr(&out));
    assert!(!input.with_extension("ofd").exists());
    let out = jixiao_env(
        &["render", input.to_str().expect("path"), "--format", "djvu"],
        dir.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_batch_writes_ofds_beside_the_pdfs_and_records_them_in_the_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let forms = dir.path().join("forms");
    std::fs::create_dir(&forms).expect("mkdir");
    for decl in [
        root().join("samples/guangzhou-kexie.toml"),
        root().join("tests/fixtures/signed-off.toml"),
    ] {
        std::fs::copy(&decl, forms.join(decl.file_name().expect("name"))).expect("copy");
    }
    let out = jixiao_env(
        &[
            "render",
            "forms",
            "--out-dir",
            "out",
            "--format",
            "pdf,ofd",
            "--manifest",
            "m.json",
            "-j",
            "2",
        ],
        dir.path(),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("m.json")).expect("manifest"))
            .expect("json");
    let rows = manifest.as_array().expect("array");
    assert_eq!(rows.len(), 2);
    for row in rows {
        let ofd_path = dir.path().join(row["ofd"].as_str().expect("ofd path"));
        let ofd = std::fs::read(&ofd_path).expect("ofd written");
        assert_eq!(row["ofd_sha256"], jixiao::hash::sha256_hex(&ofd));
        assert_eq!(row["ofd_bytes"], ofd.len());
        assert!(dir
            .path()
            .join(row["output"].as_str().expect("pdf"))
            .exists());
        // The same bytes as alone.
        let input = dir.path().join(row["input"].as_str().expect("input"));
        let (_d, alone) = render_in_dir(&input, &["--format", "ofd"], &[]);
        assert_eq!(
            ofd,
            std::fs::read(alone.with_extension("ofd")).expect("alone")
        );
    }
}

/// A template that draws what the built-in one does not: an image, rotated and scaled
/// text, a clipped box, a circle, a dashed line. The frame walker must carry each over.
fn template_with_everything() -> tempfile::TempDir {
    let dir = builtin_template_copy();
    let logo = image::RgbaImage::from_fn(64, 32, |x, y| {
        if (x / 8 + y / 8) % 2 == 0 {
            image::Rgba([20, 60, 160, 255])
        } else {
            image::Rgba([255, 255, 255, 0])
        }
    });
    image::DynamicImage::ImageRgba8(logo)
        .save(dir.path().join("logo.png"))
        .expect("png");
    let main = dir.path().join("main.typ");
    let mut text = std::fs::read_to_string(&main).expect("main.typ");
    text.push_str(
        r##"
#pagebreak()
#image("logo.png", width: 4cm)
#rotate(30deg, reflow: true)[#text(size: 14pt)[旋转的文字 Rotated]]
#scale(x: 150%, y: 80%, reflow: true)[缩放的文字]
#box(clip: true, width: 2cm, height: 0.7cm, stroke: 0.5pt)[被裁剪的很长很长很长的一行文字]
#circle(radius: 1cm, stroke: 1pt + red, fill: rgb("#ffeeaa"))
#line(length: 8cm, stroke: (paint: blue, thickness: 1pt, dash: "dashed"))
"##,
    );
    std::fs::write(&main, text).expect("write");
    dir
}

#[test]
fn images_transforms_clips_and_shapes_are_carried_over() {
    let template = template_with_everything();
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("d.toml");
    std::fs::copy(root().join("samples/guangzhou-kexie.toml"), &input).expect("copy");
    let out = jixiao_env(
        &[
            "render",
            input.to_str().expect("path"),
            "--template",
            template.path().to_str().expect("path"),
            "--format",
            "pdf,ofd",
        ],
        dir.path(),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = std::fs::read(input.with_extension("pdf")).expect("pdf");
    let ofd = std::fs::read(input.with_extension("ofd")).expect("ofd");
    let res = String::from_utf8(part(&ofd, "Doc_0/DocumentRes.xml")).expect("image resource");
    assert!(res.contains("Type=\"Image\" Format=\"PNG\""), "{res}");
    let last = page_count(&pdf) - 1;
    let page = String::from_utf8(part(&ofd, &format!("Doc_0/Pages/Page_{last}/Content.xml")))
        .expect("utf-8");
    assert!(page.contains("<ofd:ImageObject"), "the image");
    assert!(
        page.contains("旋转的文字") && page.contains(" CTM=\""),
        "rotated text keeps its text and gets a CTM"
    );
    assert!(page.contains("DashPattern=\""), "the dashed line");
    assert!(
        page.contains("Value=\"255 65 54\""),
        "the red circle (Typst red, #ff4136)"
    );
    let (passed, text) = {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(d.path().join("x.ofd"), &ofd).expect("write");
        let out = run("ofd-cli", &["check", "x.ofd"], d.path());
        (out.status.success(), all_output(&out))
    };
    assert!(passed, "{text}");
    validate_with_xmllint(&ofd);
    // The extra page looks the same in both renderers.
    std::fs::write(dir.path().join("form.pdf"), &pdf).expect("write");
    std::fs::write(dir.path().join("form.ofd"), &ofd).expect("write");
    std::fs::create_dir(dir.path().join("pdf")).expect("mkdir");
    let n = (last + 1).to_string();
    run_ok(
        "pdftoppm",
        &[
            "-r", "100", "-png", "-f", &n, "-l", &n, "form.pdf", "pdf/page",
        ],
        dir.path(),
    );
    run_ok(
        "ofd-cli",
        &[
            "render", "--dpi", "100", "--prefix", "page", "form.ofd", "ofd",
        ],
        dir.path(),
    );
    let ofd_page = images_in(&dir.path().join("ofd")).pop().expect("last page");
    let pdf_page = images_in(&dir.path().join("pdf")).pop().expect("last page");
    let (a, b) = (ink(&ofd_page), ink(&pdf_page));
    let total = a.2.iter().filter(|&&i| i).count() + b.2.iter().filter(|&&i| i).count();
    let share = (unmatched(&a, &b) + unmatched(&b, &a)) as f64 / total.max(1) as f64;
    assert!(
        share <= 0.02,
        "{:.2} % of the ink differs on the extra page",
        share * 100.0
    );
}

/// The ligature fixture (`tests/fixtures/ligatures.toml`: fi, ffi, ffl and e + U+0301, each
/// one glyph for several characters) gives an OFD whose pages name those glyphs with
/// `CGTransform`s. Being a fixture, it also goes through every check above: ofd-cli's,
/// the schemas, ofdkit's text in reading order and the page images against pdftoppm's.
#[test]
fn glyphs_that_stand_for_several_characters_are_named_by_cg_transforms() {
    let (_, ofd) = pdf_and_ofd(&root().join("tests/fixtures/ligatures.toml"));
    let mut transforms = Vec::new();
    for (name, data) in parts(&ofd) {
        if !name.ends_with("Content.xml") {
            continue;
        }
        let text = String::from_utf8(data).expect("utf-8");
        let page = roxmltree::Document::parse(&text).expect("xml");
        for t in page
            .descendants()
            .filter(|n| n.tag_name().name() == "CGTransform")
        {
            let count = |a: &str| -> usize {
                t.attribute(a)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("{a} missing"))
            };
            // The TextCode after the transform holds the characters it covers.
            let code = t
                .next_sibling_element()
                .and_then(|n| n.text())
                .unwrap_or_default()
                .to_owned();
            transforms.push((code, count("CodeCount"), count("GlyphCount")));
        }
    }
    for (chars, glyphs) in [("fi", 1), ("ffi", 1), ("ffl", 1), ("e\u{301}", 1)] {
        assert!(
            transforms.iter().any(|(code, c, g)| code.starts_with(chars)
                && *c == chars.chars().count()
                && *g == glyphs),
            "no CGTransform for {chars:?}: {transforms:?}"
        );
    }
}

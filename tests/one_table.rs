//! Every form prints as one continuous bordered table, as the official forms do: each
//! page of every sample is rasterised (`pdftoppm`, 100 dpi, grey) and the table's left
//! and right borders are followed from its top rule to its bottom rule — a white strip
//! between two sections (two tables stacked with a gap) breaks them. A negative
//! control renders through a template whose sections are 2 mm apart and must be
//! caught.

mod common;

use std::path::Path;
use std::process::Command;

use common::{all_samples, render, root};
use jixiao::{Declaration, FontSet, Renderer, Template};

/// A pixel at least this dark is ink (0 black, 255 white); rules are 0.5 pt, about
/// 0.7 px at 100 dpi, drawn grey by anti-aliasing.
const INK: u8 = 200;

/// One page in grey levels.
struct Page {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Page {
    /// Whether (x, y) or a neighbour across (x ± 1) is ink.
    fn ink(&self, x: usize, y: usize) -> bool {
        (x.saturating_sub(1)..=(x + 1).min(self.width - 1))
            .any(|x| self.pixels[y * self.width + x] <= INK)
    }
}

/// Every page of `pdf` at 100 dpi.
fn pages(pdf: &[u8]) -> Vec<Page> {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("form.pdf");
    std::fs::write(&input, pdf).expect("write pdf");
    let status = Command::new("pdftoppm")
        .args(["-r", "100", "-gray", "-png"])
        .arg(&input)
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm not found: install poppler-utils (bash scripts/test.sh does)");
    assert!(status.success(), "pdftoppm failed");
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let img = image::open(p).expect("png").to_luma8();
            Page {
                width: img.width() as usize,
                height: img.height() as usize,
                pixels: img.into_raw(),
            }
        })
        .collect()
}

/// What the border walk found on one page.
#[derive(Debug)]
struct Borders {
    /// The table's top and bottom rules (pixel rows).
    top: usize,
    bottom: usize,
    /// Rows between them where the left or the right border is white.
    gaps: Vec<(&'static str, usize)>,
}

/// The table's outline on a page: its horizontal rules are rows with a dark run at
/// least half the page wide; the left border is the leftmost column where those rules
/// start, the right the rightmost where they end. Then both borders are walked from
/// the top rule to the bottom one.
fn borders(page: &Page) -> Option<Borders> {
    let mut rules: Vec<(usize, usize, usize)> = Vec::new(); // (y, first x, last x)
    for y in 0..page.height {
        let row = &page.pixels[y * page.width..(y + 1) * page.width];
        let (mut best, mut run_start) = ((0, 0), None);
        for (x, &p) in row.iter().enumerate() {
            match (p <= INK, run_start) {
                (true, None) => run_start = Some(x),
                (false, Some(s)) => {
                    if x - s > best.1 - best.0 {
                        best = (s, x);
                    }
                    run_start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = run_start {
            if page.width - s > best.1 - best.0 {
                best = (s, page.width);
            }
        }
        if best.1 - best.0 >= page.width / 2 {
            rules.push((y, best.0, best.1 - 1));
        }
    }
    let top = rules.first()?.0;
    let bottom = rules.last()?.0;
    let left = rules.iter().map(|r| r.1).min()?;
    let right = rules.iter().map(|r| r.2).max()?;
    let mut gaps = Vec::new();
    for y in top..=bottom {
        if !page.ink(left, y) {
            gaps.push(("left", y));
        }
        if !page.ink(right, y) {
            gaps.push(("right", y));
        }
    }
    Some(Borders { top, bottom, gaps })
}

/// Checks every page of `pdf`: a table whose borders run unbroken from its top rule to
/// its bottom rule. Returns the problems found, by page.
fn broken_pages(pdf: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, page) in pages(pdf).iter().enumerate() {
        match borders(page) {
            None => out.push(format!("page {}: no table found", i + 1)),
            Some(b) if !b.gaps.is_empty() => out.push(format!(
                "page {}: the table ({}..{} px) has white on its border at {:?}",
                i + 1,
                b.top,
                b.bottom,
                &b.gaps[..b.gaps.len().min(6)]
            )),
            Some(b) => assert!(
                b.bottom - b.top > page.height / 10,
                "page {}: a table of {} px is no table",
                i + 1,
                b.bottom - b.top
            ),
        }
    }
    out
}

#[test]
fn every_sample_prints_one_continuous_table_on_every_page() {
    let mut problems = Vec::new();
    for (name, _, decl) in all_samples() {
        for p in broken_pages(&render(&decl)) {
            problems.push(format!("{name}: {p}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The regional variant of `tests/fixtures/regional/` — a header repeated on page 2,
/// lines of text above and below the table, rows merged down — is one table too.
#[test]
fn the_regional_variant_prints_one_continuous_table() {
    let template = Template::load(&root().join("tests/fixtures/regional")).expect("template");
    let templates = jixiao::Templates::with(vec![template]);
    let text = std::fs::read_to_string(root().join("tests/fixtures/regional.toml")).expect("read");
    let decl = Declaration::from_toml_with(&text, &templates.kinds()).expect("parses");
    let renderer = Renderer::new(templates, FontSet::bundled()).expect("renderer");
    let pdf = renderer
        .render(&decl, &Default::default())
        .expect("renders")
        .pdf;
    let problems = broken_pages(&pdf);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The negative control: the same sample through a copy of its template whose
/// sections are stacked 2 mm apart — the white strip the issue saw — is caught.
#[test]
fn sections_printed_apart_are_caught() {
    let name = "ezhou-2019-project-self-evaluation.toml";
    let text = std::fs::read_to_string(root().join("samples").join(name)).expect("sample");
    let decl = Declaration::from_toml(&text).expect("sample parses");
    let dir = tempfile::tempdir().expect("tempdir");
    for (file, data) in Template::builtin_files(decl.kind().name()).expect("kind") {
        std::fs::write(dir.path().join(file), data).expect("copy template");
    }
    apart(&dir.path().join("grid.typ"));
    let template = Template::load(dir.path()).expect("template loads");
    let renderer = Renderer::with_template(template, FontSet::bundled()).expect("renderer");
    let pdf = renderer
        .render(&decl, &Default::default())
        .expect("renders")
        .pdf;
    let problems = broken_pages(&pdf);
    assert!(
        problems.iter().any(|p| p.contains("white on its border")),
        "a gap between sections must be found: {problems:?}"
    );
}

/// Puts 2 mm between the sections of `grid.typ`.
fn apart(grid: &Path) {
    let source = std::fs::read_to_string(grid).expect("grid.typ");
    let changed = source
        .replace(
            "show table: set block(spacing: 0pt)",
            "show table: set block(spacing: 2mm)",
        )
        .replace(
            "block(breakable: false, spacing: 0pt, t)",
            "block(breakable: false, spacing: 2mm, t)",
        );
    assert_ne!(changed, source, "grid.typ no longer has the spacing rules");
    std::fs::write(grid, changed).expect("write grid.typ");
}

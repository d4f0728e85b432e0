//! Page-by-page comparison of two PDFs: what a reader sees (each page rasterised with
//! `hayro`, a pure-Rust PDF renderer) and what a search finds (each page's text).

use hayro::hayro_interpret::font::Glyph;
use hayro::hayro_interpret::hayro_cmap::BfString;
use hayro::hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache,
    InterpreterSettings, Paint, PathDrawMode, SoftMask,
};
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::vello_cpu::kurbo::{Affine, BezPath, Rect};
use hayro::{render, RenderCache, RenderSettings};

use super::inspect::PdfFile;

/// How one page of a filing differs from the page its source reproduces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageDiff {
    /// The page number, from 1.
    pub page: usize,
    /// The page exists in only one of the two files.
    pub missing: bool,
    /// The page's text differs.
    pub text_differs: bool,
    /// How many pixels differ when the pages are drawn at 72 dpi (0: they look the same).
    pub pixels_differ: usize,
    /// The page's content stream differs (even where nothing visible changed).
    pub content_differs: bool,
}

impl PageDiff {
    /// Whether anything differs on this page.
    /// A changed content stream alone does not count: it changes whenever the fonts'
    /// subsets change, with nothing visible.
    pub fn differs(&self) -> bool {
        self.missing || self.text_differs || self.pixels_differ > 0
    }
}

/// A device that keeps only the text: each glyph's Unicode value (from the font's
/// ToUnicode map), in the order the page draws them.
#[derive(Default)]
struct TextCollector {
    text: String,
}

impl<'a> Device<'a> for TextCollector {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &BezPath, _: Affine, _: &Paint<'a>, _: &PathDrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        _: Affine,
        _: Affine,
        _: &Paint<'a>,
        _: &GlyphDrawMode,
    ) {
        match glyph.as_unicode() {
            Some(BfString::Char(c)) => self.text.push(c),
            Some(BfString::String(s)) => self.text.push_str(&s),
            None => self.text.push(char::REPLACEMENT_CHARACTER),
        }
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// The text of every page, in drawing order.
pub fn page_texts(bytes: &[u8]) -> Vec<String> {
    let Ok(pdf) = Pdf::new(bytes.to_vec()) else {
        return Vec::new();
    };
    let cache = InterpreterCache::new();
    pdf.pages()
        .iter()
        .map(|page| {
            let (width, height) = page.render_dimensions();
            let mut context = Context::new(
                Affine::IDENTITY,
                Rect::new(0.0, 0.0, f64::from(width), f64::from(height)),
                &cache,
                page.xref(),
                InterpreterSettings::default(),
            );
            let mut collector = TextCollector::default();
            interpret_page(page, &mut context, &mut collector);
            collector.text
        })
        .collect()
}

/// Each page drawn at 72 dpi, as RGBA bytes; `None` for a page that could not be drawn.
fn rasterise(bytes: &[u8]) -> Vec<Option<(u16, u16, Vec<u8>)>> {
    let Ok(pdf) = Pdf::new(bytes.to_vec()) else {
        return Vec::new();
    };
    let cache = RenderCache::new();
    let interpreter = InterpreterSettings::default();
    let settings = RenderSettings {
        x_scale: 1.0,
        y_scale: 1.0,
        bg_color: WHITE,
        ..RenderSettings::default()
    };
    pdf.pages()
        .iter()
        .map(|page| {
            let pixmap = render(page, &cache, &interpreter, &settings);
            Some((
                pixmap.width(),
                pixmap.height(),
                pixmap.data_as_u8_slice().to_vec(),
            ))
        })
        .collect()
}

fn pixels_differ(a: &Option<(u16, u16, Vec<u8>)>, b: &Option<(u16, u16, Vec<u8>)>) -> usize {
    match (a, b) {
        (Some((wa, ha, pa)), Some((wb, hb, pb))) if (wa, ha) == (wb, hb) => pa
            .chunks_exact(4)
            .zip(pb.chunks_exact(4))
            .filter(|(x, y)| x != y)
            .count(),
        (Some((wa, ha, _)), Some((wb, hb, _))) => {
            usize::from(*wa.max(wb)) * usize::from(*ha.max(hb))
        }
        (None, None) => 0,
        _ => 1,
    }
}

/// Compares `filed` with `reproduced` page by page; returns only the pages that differ.
pub fn compare(filed: &[u8], reproduced: &[u8]) -> Vec<PageDiff> {
    let (Ok(a), Ok(b)) = (PdfFile::parse(filed), PdfFile::parse(reproduced)) else {
        return vec![PageDiff {
            page: 1,
            missing: true,
            text_differs: true,
            pixels_differ: 0,
            content_differs: true,
        }];
    };
    let images_a = rasterise(filed);
    let images_b = rasterise(reproduced);
    let texts_a = page_texts(filed);
    let texts_b = page_texts(reproduced);
    let pages = a.page_count().max(b.page_count());
    (0..pages)
        .map(|i| {
            let missing = i >= a.page_count() || i >= b.page_count();
            let none = None;
            PageDiff {
                page: i + 1,
                missing,
                text_differs: texts_a.get(i) != texts_b.get(i),
                content_differs: a.page_content(i) != b.page_content(i),
                pixels_differ: pixels_differ(
                    images_a.get(i).unwrap_or(&none),
                    images_b.get(i).unwrap_or(&none),
                ),
            }
        })
        .filter(PageDiff::differs)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Declaration, Renderer};

    #[test]
    fn reads_the_text_of_a_rendered_form_and_compares_pages() {
        let decl = Declaration::from_toml(
            "department = \"测试部门\"\nyear = 2025\ngoal = \"总体目标ABC\"\n[budget]\nbasic = \"1,234.50\"\n",
        )
        .expect("valid");
        let pdf = Renderer::builtin().render(&decl).expect("render").pdf;
        let texts = page_texts(&pdf);
        assert_eq!(texts.len(), 1);
        for needle in [
            "部门整体预算绩效目标申报表",
            "测试部门",
            "总体目标ABC",
            "1,234.50",
        ] {
            assert!(texts[0].contains(needle), "{needle} not in {:?}", texts[0]);
        }
        assert!(compare(&pdf, &pdf).is_empty());
        let other = Declaration::from_toml(
            "department = \"测试部门\"\nyear = 2025\ngoal = \"总体目标ABD\"\n[budget]\nbasic = \"1,234.50\"\n",
        )
        .expect("valid");
        let other = Renderer::builtin().render(&other).expect("render").pdf;
        let diffs = compare(&pdf, &other);
        assert_eq!(diffs.len(), 1, "{diffs:?}");
        assert!(
            diffs[0].text_differs && diffs[0].pixels_differ > 0,
            "{diffs:?}"
        );
    }
}

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
}

impl PageDiff {
    /// Whether anything differs on this page. Content streams are not compared: they
    /// change whenever the fonts' subsets change, with nothing visible.
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

/// One page as a reader sees it: its text in drawing order, and its pixels at 72 dpi.
struct PageView {
    text: String,
    width: u16,
    height: u16,
    rgba: Vec<u8>,
}

/// Every page of `bytes`, read and drawn in one pass over one parsed document; `None`
/// when the file cannot be read as a PDF.
///
/// With `sizes` (the pixel sizes of the pages it is compared with), a page is drawn only
/// when it has the size of its counterpart, and a page without one is not read at all: a
/// page of another size differs anyway, and a damaged file's page may claim a size whose
/// pixels do not fit in memory (65,535 points square is 17 GB).
fn page_views(bytes: &[u8], sizes: Option<&[(u16, u16)]>) -> Option<Vec<PageView>> {
    jixiao_sign::pdf_nesting::check(bytes).ok()?;
    let pdf = Pdf::new(bytes.to_vec()).ok()?;
    let render_cache = RenderCache::new();
    let text_cache = InterpreterCache::new();
    let settings = RenderSettings {
        x_scale: 1.0,
        y_scale: 1.0,
        bg_color: WHITE,
        ..RenderSettings::default()
    };
    let views = pdf
        .pages()
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let (width, height) = page.render_dimensions();
            // The pixmap's size, as `render` computes it at scale 1.
            let pixels = (width.floor() as u16, height.floor() as u16);
            let counterpart = sizes.map(|s| s.get(i).copied());
            if counterpart == Some(None) {
                return PageView {
                    text: String::new(),
                    width: pixels.0,
                    height: pixels.1,
                    rgba: Vec::new(),
                };
            }
            let mut context = Context::new(
                Affine::IDENTITY,
                Rect::new(0.0, 0.0, f64::from(width), f64::from(height)),
                &text_cache,
                page.xref(),
                InterpreterSettings::default(),
            );
            let mut collector = TextCollector::default();
            interpret_page(page, &mut context, &mut collector);
            if counterpart.is_some_and(|c| c != Some(pixels)) {
                return PageView {
                    text: collector.text,
                    width: pixels.0,
                    height: pixels.1,
                    rgba: Vec::new(),
                };
            }
            let pixmap = render(
                page,
                &render_cache,
                &InterpreterSettings::default(),
                &settings,
            );
            PageView {
                text: collector.text,
                width: pixmap.width(),
                height: pixmap.height(),
                rgba: pixmap.data_as_u8_slice().to_vec(),
            }
        })
        .collect();
    Some(views)
}

/// The text of every page, in drawing order.
#[cfg(test)]
fn page_texts(bytes: &[u8]) -> Vec<String> {
    page_views(bytes, None)
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.text)
        .collect()
}

fn pixels_differ(a: &PageView, b: &PageView) -> usize {
    if (a.width, a.height) == (b.width, b.height) {
        a.rgba
            .chunks_exact(4)
            .zip(b.rgba.chunks_exact(4))
            .filter(|(x, y)| x != y)
            .count()
    } else {
        usize::from(a.width.max(b.width)) * usize::from(a.height.max(b.height))
    }
}

/// Compares `filed` with `reproduced` page by page; returns only the pages that differ.
pub(crate) fn compare(filed: &[u8], reproduced: &[u8]) -> Vec<PageDiff> {
    // The reproduction first: the filed pages are drawn only at its pages' sizes.
    let b = page_views(reproduced, None);
    let sizes: Option<Vec<(u16, u16)>> = b
        .as_ref()
        .map(|b| b.iter().map(|v| (v.width, v.height)).collect());
    let a = sizes.and_then(|sizes| page_views(filed, Some(&sizes)));
    let (Some(a), Some(b)) = (a, b) else {
        return vec![PageDiff {
            page: 1,
            missing: true,
            text_differs: true,
            pixels_differ: 0,
        }];
    };
    (0..a.len().max(b.len()))
        .map(|i| match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => PageDiff {
                page: i + 1,
                missing: false,
                text_differs: x.text != y.text,
                pixels_differ: pixels_differ(x, y),
            },
            _ => PageDiff {
                page: i + 1,
                missing: true,
                text_differs: true,
                pixels_differ: 0,
            },
        })
        .filter(PageDiff::differs)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_core::Declaration;
    use jixiao_render::Renderer;

    #[test]
    fn reads_the_text_of_a_rendered_form_and_compares_pages() {
        let decl = Declaration::from_toml(
            "department = \"测试部门\"\nyear = 2025\ngoal = \"总体目标ABC\"\n[budget]\nbasic = \"1,234.50\"\n",
        )
        .expect("valid");
        let pdf = Renderer::builtin()
            .render(&decl, &Default::default())
            .expect("render")
            .pdf;
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
        let other = Renderer::builtin()
            .render(&other, &Default::default())
            .expect("render")
            .pdf;
        let diffs = compare(&pdf, &other);
        assert_eq!(diffs.len(), 1, "{diffs:?}");
        assert!(
            diffs[0].text_differs && diffs[0].pixels_differ > 0,
            "{diffs:?}"
        );
    }
}

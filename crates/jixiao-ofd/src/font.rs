//! The fonts an OFD package embeds: for each face the document uses, a subset holding
//! only the glyphs it draws, with **TrueType (`glyf`) outlines** and a `cmap` for the
//! characters it prints.
//!
//! Why TrueType: the bundled Noto CJK faces have CFF outlines, and OFD readers are built
//! around TrueType — the reference reader (ofdrw) draws CFF subsets as boxes or wrong
//! glyphs. Why a `cmap`: OFD text is Unicode (`TextCode`), and a reader finds the glyph of
//! each character through the font's `cmap` (only where Typst's glyph is not the `cmap`'s
//! does the page say so, with a `CGTransform`).
//!
//! How, in two steps:
//! 1. a **sparse TrueType font** with the face's own glyph numbering: the glyphs the
//!    document draws are converted from the face's outlines (read with `skrifa`; cubic
//!    curves turned into quadratic ones with `kurbo`, contours reversed to TrueType's
//!    direction; encoded with `write-fonts`), every other glyph is empty; the face's
//!    metrics, names and OS/2 table are copied, and a `cmap` lists exactly the characters
//!    whose glyph the document uses;
//! 2. **subsetting** that font with `skera` (fontations' subsetter, which keeps and
//!    rebuilds the `cmap`): glyphs renumbered densely, `hmtx`, `loca`, `maxp`, `name`,
//!    `OS/2` and `post` rebuilt for the subset.
//!
//! The result depends only on the face and the glyphs used: the same document gives the
//! same font bytes on every machine.

use std::collections::{BTreeMap, BTreeSet};

use kurbo::{BezPath, CubicBez, PathEl, Point};
use skrifa::instance::Size;
use skrifa::outline::{DrawSettings, OutlineGlyphFormat, OutlinePen};
use skrifa::raw::collections::IntSet;
use skrifa::raw::types::NameId;
use skrifa::raw::{FontRef, TableProvider};
use skrifa::{GlyphId, MetadataProvider, Tag};
use write_fonts::from_obj::ToOwnedTable;
use write_fonts::tables::glyf::{Bbox, GlyfLocaBuilder, Glyph, SimpleGlyph};
use write_fonts::tables::hmtx::{Hmtx, LongMetric};
use write_fonts::tables::maxp::Maxp;
use write_fonts::FontBuilder;

/// How far (in font units, 1/1000 em for the CJK faces) a quadratic curve may stray from
/// the cubic it replaces: the tolerance fontTools' `otf2ttf` uses.
const CURVE_ACCURACY: f64 = 1.0;

/// A face with variation coordinates: what a Typst text run is drawn with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Face {
    /// The font file's bytes.
    pub data: typst::foundations::Bytes,
    /// The face's index in a collection (TTC/OTC).
    pub index: u32,
    /// Variation coordinates (axis tag, user-space value); empty for static fonts.
    pub variations: Vec<([u8; 4], f32)>,
}

/// The glyphs a document draws with one face, and the characters they print.
#[derive(Debug, Clone, Default)]
pub(crate) struct GlyphUse {
    /// Every glyph drawn.
    pub glyphs: BTreeSet<u16>,
    /// Characters whose `cmap` glyph is the one drawn (a reader finds those glyphs from
    /// the text alone), with that glyph.
    pub mapped: BTreeMap<char, u16>,
}

/// An embedded font: the subset's bytes and where each of the face's glyphs went.
#[derive(Debug, Clone)]
pub(crate) struct Subset {
    /// A TrueType font file.
    pub data: Vec<u8>,
    /// The face's glyph id → the subset's glyph id.
    pub glyph_map: BTreeMap<u16, u16>,
}

/// Why a font could not be embedded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("字体无法嵌入 OFD：{0} / a font cannot be embedded in the OFD: {0}")]
pub struct FontError(pub String);

/// The `cmap` glyph of `c` in `face`, if the face maps it.
pub(crate) fn cmap_glyph(font: &FontRef<'_>, c: char) -> Option<u16> {
    font.charmap()
        .map(c)
        .and_then(|g| u16::try_from(g.to_u32()).ok())
}

/// The face as `skrifa`/`read-fonts` reads it.
pub(crate) fn font_ref(face: &Face) -> Result<FontRef<'_>, FontError> {
    FontRef::from_index(face.data.as_slice(), face.index)
        .map_err(|e| FontError(format!("无法读取字体 / cannot read the font ({e})")))
}

/// Builds the embedded subset of `face` for `used`.
pub(crate) fn subset(face: &Face, used: &GlyphUse) -> Result<Subset, FontError> {
    let font = font_ref(face)?;
    let sparse = sparse_truetype(&font, face, used)?;
    let sparse_font = FontRef::new(&sparse).map_err(|e| {
        FontError(format!(
            "转换后的字体无法读取 / the converted font is unreadable ({e})"
        ))
    })?;

    let mut gids = IntSet::<GlyphId>::empty();
    gids.insert(GlyphId::NOTDEF);
    gids.extend(used.glyphs.iter().map(|&g| GlyphId::new(u32::from(g))));
    let unicodes: IntSet<u32> = used.mapped.keys().map(|&c| u32::from(c)).collect();
    let mut name_ids = IntSet::<NameId>::empty();
    name_ids.insert_range(NameId::new(0)..=NameId::new(6));
    let mut languages = IntSet::<u16>::empty();
    languages.extend([0x0409, 0x0804]); // English (US), Chinese (PRC)
    let plan = skera::Plan::new(
        &gids,
        &unicodes,
        &sparse_font,
        skera::SubsetFlags::SUBSET_FLAGS_NOTDEF_OUTLINE,
        &IntSet::empty(),
        &IntSet::empty(),
        &IntSet::empty(),
        &name_ids,
        &languages,
    );
    let data = skera::subset_font(&sparse_font, &plan)
        .map_err(|e| FontError(format!("子集化失败 / subsetting failed ({e})")))?;

    // skera numbers the glyphs it keeps densely in the order of their old ids; it keeps
    // .notdef, the glyphs asked for and the `cmap` glyphs of the characters asked for
    // (all among the glyphs asked for), and nothing else: the sparse font has no layout
    // tables, composite glyphs or variation sequences that would pull in more.
    let mut kept: BTreeSet<u16> = used.glyphs.clone();
    kept.insert(0);
    let glyph_map: BTreeMap<u16, u16> = kept.iter().zip(0u16..).map(|(&o, n)| (o, n)).collect();
    let subset_font = FontRef::new(&data)
        .map_err(|e| FontError(format!("子集字体无法读取 / the subset is unreadable ({e})")))?;
    let num_glyphs = subset_font
        .maxp()
        .map(|m| usize::from(m.num_glyphs()))
        .unwrap_or(0);
    if num_glyphs != glyph_map.len() {
        return Err(FontError(format!(
            "子集的字形数 {num_glyphs} 与预期的 {} 不符 / the subset has {num_glyphs} glyphs, {} expected",
            glyph_map.len(),
            glyph_map.len()
        )));
    }
    Ok(Subset { data, glyph_map })
}

/// A TrueType font with the face's glyph numbering: the glyphs in `used` converted,
/// every other glyph empty, a `cmap` with `used.mapped`, the face's metrics and names.
fn sparse_truetype(font: &FontRef<'_>, face: &Face, used: &GlyphUse) -> Result<Vec<u8>, FontError> {
    let read = |what: &str, e: skrifa::raw::ReadError| {
        FontError(format!(
            "字体缺少 {what} 表 / the font has no usable {what} table ({e})"
        ))
    };
    let num_glyphs = font.maxp().map_err(|e| read("maxp", e))?.num_glyphs();
    let outlines = font.outline_glyphs();
    let from_cff = matches!(
        outlines.format(),
        Some(OutlineGlyphFormat::Cff | OutlineGlyphFormat::Cff2)
    );
    // Drawn at the instance Typst laid the text out with (the default one for static
    // fonts, which have no axes).
    let location = font.axes().location(
        face.variations
            .iter()
            .map(|(tag, value)| (Tag::new(tag), *value)),
    );
    sparse_with(font, used, num_glyphs, from_cff, |gid, pen| {
        let glyph = outlines.get(gid)?;
        glyph
            .draw(DrawSettings::unhinted(Size::unscaled(), &location), pen)
            .ok()
            .map(|_| ())
    })
}

fn sparse_with(
    font: &FontRef<'_>,
    used: &GlyphUse,
    num_glyphs: u16,
    from_cff: bool,
    draw: impl Fn(GlyphId, &mut PathPen) -> Option<()>,
) -> Result<Vec<u8>, FontError> {
    let read = |what: &str, e: skrifa::raw::ReadError| {
        FontError(format!(
            "字体缺少 {what} 表 / the font has no usable {what} table ({e})"
        ))
    };
    let hmtx = font.hmtx().map_err(|e| read("hmtx", e))?;
    let mut wanted: BTreeSet<u16> = used.glyphs.clone();
    wanted.insert(0);
    if let Some(&bad) = wanted.iter().find(|&&g| g >= num_glyphs) {
        return Err(FontError(format!(
            "字形 {bad} 不在字体中 / glyph {bad} is not in the font"
        )));
    }

    let mut builder = GlyfLocaBuilder::new();
    let mut metrics = Vec::with_capacity(usize::from(num_glyphs));
    let mut bbox: Option<Bbox> = None;
    let (mut max_points, mut max_contours) = (0u16, 0u16);
    for gid in 0..num_glyphs {
        let advance = hmtx.advance(GlyphId::new(u32::from(gid))).unwrap_or(0);
        let glyph = if wanted.contains(&gid) {
            let mut pen = PathPen::default();
            let drawn = draw(GlyphId::new(u32::from(gid)), &mut pen);
            let path = pen.finish(from_cff);
            match (drawn, path) {
                (Some(()), Some(path)) => SimpleGlyph::from_bezpath(&path)
                    .map(Glyph::Simple)
                    .map_err(|e| {
                        FontError(format!(
                            "字形 {gid} 的轮廓无法转换 / the outline of glyph {gid} cannot be converted ({e:?})"
                        ))
                    })?,
                _ => Glyph::Empty,
            }
        } else {
            Glyph::Empty
        };
        let lsb = match &glyph {
            Glyph::Simple(simple) => {
                bbox = Some(bbox.map_or(simple.bbox, |b| b.union(simple.bbox)));
                let points: usize = simple.contours.iter().map(|c| c.len()).sum();
                max_points = max_points.max(u16::try_from(points).unwrap_or(u16::MAX));
                max_contours =
                    max_contours.max(u16::try_from(simple.contours.len()).unwrap_or(u16::MAX));
                simple.bbox.x_min
            }
            _ => 0,
        };
        metrics.push(LongMetric::new(advance, lsb));
        builder.add_glyph(&glyph).map_err(|e| {
            FontError(format!(
                "字形 {gid} 无法写入 / glyph {gid} cannot be written ({e})"
            ))
        })?;
    }
    let (glyf, loca, loca_format) = builder.build();

    let mut head: write_fonts::tables::head::Head =
        font.head().map_err(|e| read("head", e))?.to_owned_table();
    head.index_to_loc_format = loca_format as i16;
    let bbox = bbox.unwrap_or_default();
    (head.x_min, head.y_min, head.x_max, head.y_max) =
        (bbox.x_min, bbox.y_min, bbox.x_max, bbox.y_max);
    let mut hhea: write_fonts::tables::hhea::Hhea =
        font.hhea().map_err(|e| read("hhea", e))?.to_owned_table();
    hhea.number_of_h_metrics = num_glyphs;
    let maxp = Maxp {
        num_glyphs,
        max_points: Some(max_points),
        max_contours: Some(max_contours),
        max_composite_points: Some(0),
        max_composite_contours: Some(0),
        max_zones: Some(1),
        max_twilight_points: Some(0),
        max_storage: Some(0),
        max_function_defs: Some(0),
        max_instruction_defs: Some(0),
        max_stack_elements: Some(0),
        max_size_of_instructions: Some(0),
        max_component_elements: Some(0),
        max_component_depth: Some(0),
    };
    let hmtx = Hmtx::new(metrics, Vec::new());
    let cmap = format_12_cmap(&used.mapped);

    let mut out = FontBuilder::new();
    let add = |r: Result<&mut FontBuilder<'_>, write_fonts::BuilderError>| {
        r.map(|_| ()).map_err(|e| FontError(format!("{e}")))
    };
    add(out.add_table(&head))?;
    add(out.add_table(&hhea))?;
    add(out.add_table(&maxp))?;
    add(out.add_table(&hmtx))?;
    out.add_raw(Tag::new(b"cmap"), cmap);
    add(out.add_table(&glyf))?;
    add(out.add_table(&loca))?;
    // Names, OS/2 and post as the face has them (post version 3 for CFF faces: no glyph
    // names, which TrueType allows).
    for tag in [b"name", b"OS/2", b"post"] {
        let tag = Tag::new(tag);
        if let Some(data) = font.data_for_tag(tag) {
            out.add_raw(tag, data.as_bytes().to_vec());
        }
    }
    Ok(out.build())
}

/// A `cmap` table with one format 12 subtable (Windows, Unicode full repertoire) for
/// `mappings`; `skera` rebuilds the subset's `cmap` (formats 4 and 12) from it. (Written
/// here: write-fonts 0.48's format 4 writer panics on some glyph id deltas.)
fn format_12_cmap(mappings: &BTreeMap<char, u16>) -> Vec<u8> {
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    for (&c, &g) in mappings {
        let (c, g) = (u32::from(c), u32::from(g));
        match groups.last_mut() {
            Some((start, end, start_gid)) if *end + 1 == c && *start_gid + (c - *start) == g => {
                *end = c;
            }
            _ => groups.push((c, c, g)),
        }
    }
    let mut out = Vec::with_capacity(28 + 12 * groups.len());
    let put16 = |out: &mut Vec<u8>, v: u16| out.extend_from_slice(&v.to_be_bytes());
    let put32 = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_be_bytes());
    put16(&mut out, 0); // version
    put16(&mut out, 1); // one encoding record
    put16(&mut out, 3); // Windows
    put16(&mut out, 10); // Unicode full repertoire
    put32(&mut out, 12); // offset of the subtable
    put16(&mut out, 12); // format
    put16(&mut out, 0); // reserved
    put32(&mut out, 16 + 12 * groups.len() as u32);
    put32(&mut out, 0); // language
    put32(&mut out, groups.len() as u32);
    for (start, end, gid) in groups {
        put32(&mut out, start);
        put32(&mut out, end);
        put32(&mut out, gid);
    }
    out
}

/// Collects a glyph outline as a quadratic `BezPath`.
#[derive(Default)]
pub(crate) struct PathPen {
    path: BezPath,
    current: Point,
    start: Point,
    open: bool,
}

impl PathPen {
    /// The outline, closed, with TrueType's contour direction (`from_cff`: the source
    /// winds the other way); `None` when nothing was drawn.
    fn finish(mut self, from_cff: bool) -> Option<BezPath> {
        self.close_if_open();
        let path = drop_degenerate(self.path);
        if path.elements().is_empty() {
            return None;
        }
        Some(if from_cff {
            path.reverse_subpaths()
        } else {
            path
        })
    }

    fn close_if_open(&mut self) {
        if self.open {
            self.path.close_path();
            self.open = false;
        }
    }
}

impl OutlinePen for PathPen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close_if_open();
        let p = Point::new(f64::from(x), f64::from(y));
        self.path.move_to(p);
        self.current = p;
        self.start = p;
        self.open = true;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = Point::new(f64::from(x), f64::from(y));
        self.path.line_to(p);
        self.current = p;
    }

    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        let p = Point::new(f64::from(x), f64::from(y));
        self.path
            .quad_to(Point::new(f64::from(cx0), f64::from(cy0)), p);
        self.current = p;
    }

    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let p = Point::new(f64::from(x), f64::from(y));
        let cubic = CubicBez::new(
            self.current,
            Point::new(f64::from(cx0), f64::from(cy0)),
            Point::new(f64::from(cx1), f64::from(cy1)),
            p,
        );
        match cubic.approx_spline(CURVE_ACCURACY) {
            Some(spline) => {
                for quad in spline.to_quads() {
                    self.path.quad_to(quad.p1, quad.p2);
                }
            }
            None => {
                for (_, _, quad) in cubic.to_quads(CURVE_ACCURACY) {
                    self.path.quad_to(quad.p1, quad.p2);
                }
            }
        }
        self.current = p;
    }

    fn close(&mut self) {
        self.close_if_open();
        self.current = self.start;
    }
}

/// The path without subpaths that draw nothing (a lone move, or a move and a close),
/// which TrueType cannot encode.
fn drop_degenerate(path: BezPath) -> BezPath {
    let mut out = BezPath::new();
    let mut pending: Vec<PathEl> = Vec::new();
    let flush = |pending: &mut Vec<PathEl>, out: &mut BezPath| {
        let segments = pending
            .iter()
            .filter(|el| !matches!(el, PathEl::MoveTo(_) | PathEl::ClosePath))
            .count();
        if segments > 0 {
            for el in pending.iter() {
                out.push(*el);
            }
        }
        pending.clear();
    };
    for el in path.elements() {
        if matches!(el, PathEl::MoveTo(_)) {
            flush(&mut pending, &mut out);
        }
        pending.push(*el);
    }
    flush(&mut pending, &mut out);
    out
}

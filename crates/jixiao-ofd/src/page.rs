//! Walking Typst's laid-out pages: every frame item of any page — text runs, shapes,
//! images, nested groups with their transforms and clips — becomes a drawing object in
//! page space (millimetres, origin top left, y downwards, as OFD has it). Nothing here
//! knows about a particular template: whatever a template lays out is carried over.
//!
//! What cannot be carried over exactly is approximated and reported (a gradient or
//! tiling becomes its middle colour; a vector image a 300 dpi bitmap), never dropped.

use kurbo::{Affine, BezPath, PathEl, Point, Rect, Shape as _};
use typst::layout::{Abs, Frame, FrameItem, GroupItem, Point as TPoint, Size, Transform};
use typst::text::TextItem;
use typst::visualize::{
    Color, Curve, CurveItem, FillRule, FixedStroke, Geometry, Image, LineCap, LineJoin, Paint,
    Shape,
};
use typst_layout::Page;

use super::font::{cmap_glyph, font_ref, Face, FontError};
use super::image::{encode, EncodedImage};

/// Millimetres per typographic point.
pub(crate) const MM_PER_PT: f64 = 25.4 / 72.0;

fn mm(abs: Abs) -> f64 {
    abs.to_pt() * MM_PER_PT
}

/// An sRGB colour with alpha, 0–255 each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Rgba(pub [u8; 4]);

impl Rgba {
    /// Black.
    pub(crate) const BLACK: Rgba = Rgba([0, 0, 0, 255]);

    fn of(color: &Color) -> Rgba {
        let rgb = color.to_rgb();
        let channel = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        Rgba([
            channel(rgb.red),
            channel(rgb.green),
            channel(rgb.blue),
            channel(rgb.alpha),
        ])
    }
}

/// How a line is drawn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stroke {
    /// Colour.
    pub color: Rgba,
    /// Width in millimetres.
    pub width: f64,
    /// Cap: `Butt`, `Round` or `Square`.
    pub cap: &'static str,
    /// Join: `Miter`, `Round` or `Bevel`.
    pub join: &'static str,
    /// Miter limit (a ratio of the width).
    pub miter_limit: f64,
    /// Dash lengths in millimetres and the phase, when dashed.
    pub dash: Option<(Vec<f64>, f64)>,
}

/// One glyph of a text run: its id in the face and its origin in run space (mm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlacedGlyph {
    /// Glyph id in the face.
    pub id: u16,
    /// Origin, relative to the run's origin (x to the right, y downwards).
    pub at: Point,
    /// Advance in millimetres (to size the ink box).
    pub advance: f64,
}

/// Characters and the glyphs that print them: one character and one glyph, except for
/// ligatures, decompositions and the like.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cluster {
    /// The characters.
    pub text: String,
    /// The glyphs.
    pub glyphs: Vec<PlacedGlyph>,
    /// Whether a reader finds exactly these glyphs from the text through the `cmap`
    /// (one character, one glyph, the `cmap`'s); otherwise the page names the glyphs.
    pub by_cmap: bool,
}

/// A run of text in one face, size and colour.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextRun {
    /// Index of the face in [`Pages::faces`].
    pub face: usize,
    /// Font size in millimetres.
    pub size: f64,
    /// Run space (origin on the baseline at the run's start) → page space.
    pub transform: Affine,
    /// Fill colour, if filled.
    pub fill: Option<Rgba>,
    /// Outline, if stroked.
    pub stroke: Option<Stroke>,
    /// The clusters, in order.
    pub clusters: Vec<Cluster>,
    /// The ascender and descender of the face, in mm (positive up, negative down), for
    /// the ink box.
    pub extent: (f64, f64),
    /// Each glyph's ink box in run space, in the order of the clusters' glyphs.
    pub glyph_boxes: Vec<Rect>,
    /// Clip paths in page space that apply.
    pub clips: Vec<BezPath>,
}

/// A filled and/or stroked path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PathShape {
    /// The path in page space (mm).
    pub path: BezPath,
    /// Fill colour.
    pub fill: Option<Rgba>,
    /// Even-odd instead of non-zero.
    pub even_odd: bool,
    /// Stroke.
    pub stroke: Option<Stroke>,
    /// Clip paths in page space that apply.
    pub clips: Vec<BezPath>,
}

/// An image placed on a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImagePlacement {
    /// Index into [`Pages::images`].
    pub image: usize,
    /// Unit square → page space.
    pub transform: Affine,
    /// Clip paths in page space that apply.
    pub clips: Vec<BezPath>,
}

/// One drawing object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Object {
    /// Text.
    Text(TextRun),
    /// A path.
    Path(PathShape),
    /// An image.
    Image(ImagePlacement),
}

/// One page: its size in mm and its objects in drawing order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PageObjects {
    /// Width and height in millimetres.
    pub size: (f64, f64),
    /// Objects, back to front.
    pub objects: Vec<Object>,
}

/// Every page of a document, with the faces and images they use.
#[derive(Debug, Default)]
pub(crate) struct Pages {
    /// The pages.
    pub pages: Vec<PageObjects>,
    /// Faces, in order of first use.
    pub faces: Vec<Face>,
    /// Typst's font of each face (for names and flags).
    pub fonts: Vec<typst::text::Font>,
    /// Images, in order of first use, each once.
    pub images: Vec<EncodedImage>,
    /// What had to be approximated, for the user (Chinese first).
    pub approximations: Vec<String>,
}

/// Walks `pages` into drawing objects.
pub(crate) fn walk(pages: &[Page]) -> Result<Pages, FontError> {
    let mut out = Pages::default();
    let mut image_keys: Vec<u128> = Vec::new();
    for page in pages {
        let size = page.frame.size();
        let mut walker = Walker {
            out: &mut out,
            image_keys: &mut image_keys,
            objects: Vec::new(),
        };
        if let Some(fill) = page.fill_or_transparent() {
            let shape = Geometry::Rect(size).filled(fill);
            walker.shape(&shape, Affine::IDENTITY, &[]);
        }
        walker.frame(&page.frame, Affine::IDENTITY, &[])?;
        let objects = walker.objects;
        out.pages.push(PageObjects {
            size: (mm(size.x), mm(size.y)),
            objects,
        });
    }
    Ok(out)
}

struct Walker<'a> {
    out: &'a mut Pages,
    image_keys: &'a mut Vec<u128>,
    objects: Vec<Object>,
}

fn affine(ts: Transform) -> Affine {
    Affine::new([
        ts.sx.get(),
        ts.ky.get(),
        ts.kx.get(),
        ts.sy.get(),
        mm(ts.tx),
        mm(ts.ty),
    ])
}

fn point(p: TPoint) -> Point {
    Point::new(mm(p.x), mm(p.y))
}

fn translate(p: TPoint) -> Affine {
    Affine::translate((mm(p.x), mm(p.y)))
}

impl Walker<'_> {
    fn frame(&mut self, frame: &Frame, ts: Affine, clips: &[BezPath]) -> Result<(), FontError> {
        for (pos, item) in frame.items() {
            let at = ts * translate(*pos);
            match item {
                FrameItem::Group(group) => self.group(group, at, clips)?,
                FrameItem::Text(text) => self.text(text, at, clips)?,
                FrameItem::Shape(shape, _) => self.shape(shape, at, clips),
                FrameItem::Image(image, size, _) => self.image(image, *size, at, clips),
                // Links and introspection tags draw nothing.
                FrameItem::Link(..) | FrameItem::Tag(_) => {}
            }
        }
        Ok(())
    }

    fn group(&mut self, group: &GroupItem, at: Affine, clips: &[BezPath]) -> Result<(), FontError> {
        let ts = at * affine(group.transform);
        match &group.clip {
            Some(clip) => {
                let mut clips = clips.to_vec();
                clips.push(ts * bezpath(clip));
                self.frame(&group.frame, ts, &clips)
            }
            None => self.frame(&group.frame, ts, clips),
        }
    }

    fn paint(&mut self, paint: &Paint) -> Rgba {
        match paint {
            Paint::Solid(color) => Rgba::of(color),
            Paint::Gradient(gradient) => {
                self.note("渐变色以其中间色绘制 / a gradient is drawn in its middle colour".into());
                Rgba::of(&gradient.sample(typst::visualize::RatioOrAngle::Ratio(
                    typst::layout::Ratio::new(0.5),
                )))
            }
            Paint::Tiling(_) => {
                self.note("图案填充以黑色绘制 / a tiling is drawn in black".into());
                Rgba::BLACK
            }
        }
    }

    fn note(&mut self, text: String) {
        if !self.out.approximations.contains(&text) {
            self.out.approximations.push(text);
        }
    }

    fn stroke(&mut self, stroke: &FixedStroke) -> Stroke {
        Stroke {
            color: self.paint(&stroke.paint),
            width: mm(stroke.thickness),
            cap: match stroke.cap {
                LineCap::Butt => "Butt",
                LineCap::Round => "Round",
                LineCap::Square => "Square",
            },
            join: match stroke.join {
                LineJoin::Miter => "Miter",
                LineJoin::Round => "Round",
                LineJoin::Bevel => "Bevel",
            },
            miter_limit: stroke.miter_limit.get(),
            dash: stroke
                .dash
                .as_ref()
                .map(|dash| (dash.array.iter().map(|&a| mm(a)).collect(), mm(dash.phase))),
        }
    }

    fn shape(&mut self, shape: &Shape, at: Affine, clips: &[BezPath]) {
        let local = match &shape.geometry {
            Geometry::Line(to) => {
                let mut p = BezPath::new();
                p.move_to(Point::ZERO);
                p.line_to(point(*to));
                p
            }
            Geometry::Rect(size) => {
                let (w, h) = (mm(size.x), mm(size.y));
                Rect::new(0.0, 0.0, w, h).abs().to_path(0.01)
            }
            Geometry::Curve(curve) => bezpath(curve),
        };
        if local.elements().is_empty() {
            return;
        }
        let fill = shape.fill.as_ref().map(|p| self.paint(p));
        let mut stroke = shape.stroke.as_ref().map(|s| self.stroke(s));
        if let Some(stroke) = &mut stroke {
            // A stroke scaled by the transform: its width scales by the mean factor.
            stroke.width *= at.determinant().abs().sqrt();
        }
        if fill.is_none() && stroke.is_none() {
            return;
        }
        self.objects.push(Object::Path(PathShape {
            path: at * local,
            fill,
            even_odd: shape.fill_rule == FillRule::EvenOdd,
            stroke,
            clips: clips.to_vec(),
        }));
    }

    fn image(&mut self, image: &Image, size: Size, at: Affine, clips: &[BezPath]) {
        let key = typst::utils::hash128(image);
        let index = match self.image_keys.iter().position(|&k| k == key) {
            Some(i) => i,
            None => {
                let (encoded, note) = encode(image, (mm(size.x), mm(size.y)));
                if let Some(note) = note {
                    self.note(note);
                }
                self.image_keys.push(key);
                self.out.images.push(encoded);
                self.out.images.len() - 1
            }
        };
        let transform = at * Affine::scale_non_uniform(mm(size.x), mm(size.y));
        self.objects.push(Object::Image(ImagePlacement {
            image: index,
            transform,
            clips: clips.to_vec(),
        }));
    }

    fn face_index(&mut self, text: &TextItem) -> usize {
        let font = text.font.font();
        let face = Face {
            data: font.data().clone(),
            index: font.index(),
            variations: text
                .font
                .variations()
                .0
                .iter()
                .map(|(tag, value)| (tag.to_bytes(), value.0))
                .collect(),
        };
        match self.out.faces.iter().position(|f| *f == face) {
            Some(i) => i,
            None => {
                self.out.faces.push(face);
                self.out.fonts.push(font.clone());
                self.out.faces.len() - 1
            }
        }
    }

    fn text(&mut self, text: &TextItem, at: Affine, clips: &[BezPath]) -> Result<(), FontError> {
        if text.glyphs.is_empty() {
            return Ok(());
        }
        let face = self.face_index(text);
        let font = font_ref(&self.out.faces[face])?;
        let size = text.size;
        let metrics = text.font.metrics();
        let extent = (
            mm(metrics.ascender.at(size)),
            mm(metrics.descender.at(size)),
        );
        let ttf = text.font.ttf();
        let mut clusters: Vec<Cluster> = Vec::new();
        let mut boxes = Vec::with_capacity(text.glyphs.len());
        let (mut x, mut y) = (Abs::zero(), Abs::zero());
        let mut previous: Option<std::ops::Range<usize>> = None;
        for glyph in &text.glyphs {
            let origin = Point::new(
                mm(x + glyph.x_offset.at(size)),
                -mm(y + glyph.y_offset.at(size)),
            );
            let advance = mm(glyph.x_advance.at(size));
            let placed = PlacedGlyph {
                id: glyph.id,
                at: origin,
                advance,
            };
            let ink = ttf.glyph_bounding_box(ttf_parser_glyph(glyph.id)).map(|r| {
                let s = |v: i16| mm(text.font.to_em(v).at(size));
                Rect::new(
                    origin.x + s(r.x_min),
                    origin.y - s(r.y_max),
                    origin.x + s(r.x_max),
                    origin.y - s(r.y_min),
                )
            });
            let cell = Rect::new(
                origin.x,
                origin.y - extent.0,
                origin.x + advance.max(0.0),
                origin.y - extent.1,
            );
            boxes.push(ink.map_or(cell, |ink| ink.union(cell)));
            let range = glyph.range();
            match clusters.last_mut() {
                Some(cluster) if previous.as_ref() == Some(&range) && !range.is_empty() => {
                    cluster.glyphs.push(placed);
                }
                _ => {
                    let chars: String = text
                        .text
                        .get(range.clone())
                        .unwrap_or_default()
                        .chars()
                        .filter(|&c| !typst::text::is_default_ignorable(c))
                        .collect();
                    clusters.push(Cluster {
                        text: chars,
                        glyphs: vec![placed],
                        by_cmap: false,
                    });
                }
            }
            previous = Some(range);
            x += glyph.x_advance.at(size);
            y += glyph.y_advance.at(size);
        }
        for cluster in &mut clusters {
            let mut chars = cluster.text.chars();
            cluster.by_cmap = match (chars.next(), chars.next(), cluster.glyphs.as_slice()) {
                (Some(c), None, [g]) => cmap_glyph(&font, c) == Some(g.id),
                _ => false,
            };
            if cluster.text.is_empty() {
                // A glyph no character stands for (a hyphen Typst inserted at a line
                // break, say): printed as the character the face maps to it, if any.
                cluster.text = reverse_cmap(&font, &cluster.glyphs)
                    .map(String::from)
                    .unwrap_or_else(|| "\u{FFFD}".into());
                cluster.by_cmap = false;
            }
        }
        let fill = Some(self.paint(&text.fill));
        let stroke = text.stroke.as_ref().map(|s| self.stroke(s));
        self.objects.push(Object::Text(TextRun {
            face,
            size: mm(size),
            transform: at,
            fill,
            stroke,
            clusters,
            extent,
            glyph_boxes: boxes,
            clips: clips.to_vec(),
        }));
        Ok(())
    }
}

fn ttf_parser_glyph(id: u16) -> ttf_parser::GlyphId {
    ttf_parser::GlyphId(id)
}

/// The character the face's `cmap` maps to the (single) glyph, if any.
fn reverse_cmap(font: &skrifa::FontRef<'_>, glyphs: &[PlacedGlyph]) -> Option<char> {
    use skrifa::MetadataProvider;
    let [glyph] = glyphs else { return None };
    font.charmap()
        .mappings()
        .find(|(_, g)| g.to_u32() == u32::from(glyph.id))
        .and_then(|(c, _)| char::from_u32(c))
}

/// A Typst curve as a kurbo path (in mm).
pub(crate) fn bezpath(curve: &Curve) -> BezPath {
    let mut path = BezPath::new();
    let mut open = false;
    for item in curve.0.iter() {
        match item {
            CurveItem::Move(p) => {
                path.move_to(point(*p));
                open = true;
            }
            CurveItem::Line(p) if open => path.line_to(point(*p)),
            CurveItem::Cubic(a, b, p) if open => path.curve_to(point(*a), point(*b), point(*p)),
            CurveItem::Close if open => path.close_path(),
            // A segment before any move starts at the origin.
            CurveItem::Line(p) => {
                path.move_to(Point::ZERO);
                path.line_to(point(*p));
                open = true;
            }
            CurveItem::Cubic(a, b, p) => {
                path.move_to(Point::ZERO);
                path.curve_to(point(*a), point(*b), point(*p));
                open = true;
            }
            CurveItem::Close => {}
        }
    }
    path
}

/// Whether `path` is an axis-aligned rectangle, and which.
pub(crate) fn as_rect(path: &BezPath) -> Option<Rect> {
    let mut points = Vec::new();
    for el in path.elements() {
        match el {
            PathEl::MoveTo(p) if points.is_empty() => points.push(*p),
            PathEl::LineTo(p) => points.push(*p),
            PathEl::ClosePath => {}
            _ => return None,
        }
    }
    if points.len() == 5 && points[0] == points[4] {
        points.pop();
    }
    if points.len() != 4 {
        return None;
    }
    let near = |a: f64, b: f64| (a - b).abs() < 1e-6;
    let horizontal_first = near(points[0].y, points[1].y)
        && near(points[1].x, points[2].x)
        && near(points[2].y, points[3].y)
        && near(points[3].x, points[0].x);
    let vertical_first = near(points[0].x, points[1].x)
        && near(points[1].y, points[2].y)
        && near(points[2].x, points[3].x)
        && near(points[3].y, points[0].y);
    (horizontal_first || vertical_first).then(|| Rect::from_points(points[0], points[2]))
}

/// The bounding box of a path.
pub(crate) fn bounds(path: &BezPath) -> Rect {
    path.bounding_box()
}

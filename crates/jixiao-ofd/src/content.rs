//! A page's `Content.xml` (GB/T 33190 §7.7 and §11): one body layer holding the page's
//! objects in drawing order — `TextObject`s, `PathObject`s and `ImageObject`s — each with
//! a `Boundary` that encloses all its ink (readers clip objects to their boundary), its
//! coordinates relative to that boundary.
//!
//! Text: the characters in `TextCode` with one advance per character in `DeltaX`; where a
//! reader would not find Typst's glyph from the character through the font's `cmap`
//! (a ligature, a contextual form), a `CGTransform` names the glyphs. Two readings of the
//! standard disagree on how `CGTransform` positions and `DeltaX` count when characters and
//! glyphs are not one to one; the layout used here reads the same under both: a
//! `TextCode` holding glyph transforms is always the first of its `TextObject` (so its
//! positions count from the object's first character either way), and a cluster that is
//! not one character to one glyph has a `TextCode` of its own.

use std::collections::BTreeMap;

use kurbo::{Affine, BezPath, PathEl, Point, Rect};

use super::page::{
    as_rect, bounds, Cluster, ImagePlacement, Object, PageObjects, PathShape, Rgba, Stroke, TextRun,
};
use super::xml::{deltas, num, nums, Xml};

/// The ids of a document's resources, and the counter for new ids.
pub(crate) struct Ids<'a> {
    /// The next free id.
    pub next: u32,
    /// The font resource id of each face.
    pub fonts: &'a [u32],
    /// Each face's glyph id → its subset's glyph id.
    pub glyph_maps: &'a [BTreeMap<u16, u16>],
    /// The multimedia resource id of each image.
    pub images: &'a [u32],
}

impl Ids<'_> {
    fn take(&mut self) -> u32 {
        let id = self.next;
        self.next += 1;
        id
    }
}

/// Room left around text ink, in mm: strokes on glyphs, rounding.
const TEXT_MARGIN: f64 = 0.3;
/// Room left around path ink, in mm.
const PATH_MARGIN: f64 = 0.05;

/// The `Content.xml` of `page`. `area` is written when the page's size differs from the
/// document's default.
pub(crate) fn page_xml(page: &PageObjects, default_size: (f64, f64), ids: &mut Ids<'_>) -> Vec<u8> {
    let mut xml = Xml::new("Page");
    if !same_size(page.size, default_size) {
        xml.open("Area")
            .leaf("PhysicalBox", &nums(&[0.0, 0.0, page.size.0, page.size.1]))
            .close();
    }
    xml.open("Content");
    xml.open("Layer")
        .attr("ID", ids.take())
        .attr("Type", "Body");
    for object in &page.objects {
        match object {
            Object::Text(run) => text(&mut xml, run, ids),
            Object::Path(shape) => path(&mut xml, shape, ids),
            Object::Image(image) => image_object(&mut xml, image, ids),
        }
    }
    xml.finish()
}

/// Whether two page sizes are the same to the written precision.
pub(crate) fn same_size(a: (f64, f64), b: (f64, f64)) -> bool {
    num(a.0) == num(b.0) && num(a.1) == num(b.1)
}

fn color(xml: &mut Xml, element: &'static str, rgba: Rgba) {
    let [r, g, b, a] = rgba.0;
    xml.open(element).attr("Value", format!("{r} {g} {b}"));
    if a != 255 {
        xml.attr("Alpha", a);
    }
    xml.close();
}

fn stroke_attrs(xml: &mut Xml, stroke: &Stroke) {
    xml.attr("LineWidth", num(stroke.width));
    if stroke.cap != "Butt" {
        xml.attr("Cap", stroke.cap);
    }
    if stroke.join != "Miter" {
        xml.attr("Join", stroke.join);
    }
    // OFD's default miter limit (4.234) is not Typst's (4): always say which.
    xml.attr("MiterLimit", num(stroke.miter_limit));
    if let Some((array, phase)) = &stroke.dash {
        if !array.is_empty() {
            xml.attr("DashPattern", nums(array));
            if *phase != 0.0 {
                xml.attr("DashOffset", num(*phase));
            }
        }
    }
}

/// How far a stroke's ink reaches beyond its path.
fn stroke_reach(stroke: &Stroke) -> f64 {
    let half = stroke.width / 2.0;
    match stroke.join {
        "Miter" => half * stroke.miter_limit.max(1.0),
        _ => half,
    }
    .max(if stroke.cap == "Square" {
        half * std::f64::consts::SQRT_2
    } else {
        half
    })
}

/// The clip rectangles (axis-aligned) and other clip paths of an object.
fn split_clips(clips: &[BezPath]) -> (Option<Rect>, Vec<&BezPath>) {
    let mut rect: Option<Rect> = None;
    let mut others = Vec::new();
    for clip in clips {
        match as_rect(clip) {
            Some(r) => rect = Some(rect.map_or(r, |q| q.intersect(r))),
            None => others.push(clip),
        }
    }
    (rect, others)
}

/// The boundary of an object whose ink is `ink`: clipped by its rectangular clips (which
/// readers then apply by clipping to the boundary); `None` when nothing is visible.
fn boundary(ink: Rect, clips: &[BezPath]) -> (Option<Rect>, Vec<&BezPath>) {
    let (rect, others) = split_clips(clips);
    let visible = match rect {
        Some(r) => ink.intersect(r),
        None => ink,
    };
    if rect.is_some() && (visible.width() <= 0.0 || visible.height() <= 0.0) {
        return (None, others);
    }
    // A zero-area boundary (a hairline) would be clipped away entirely by some readers.
    let grow = |r: Rect| {
        let mut r = r;
        if r.width() < 0.001 {
            r.x0 -= 0.0005;
            r.x1 += 0.0005;
        }
        if r.height() < 0.001 {
            r.y0 -= 0.0005;
            r.y1 += 0.0005;
        }
        r
    };
    (Some(grow(visible)), others)
}

fn box_attr(r: Rect) -> String {
    nums(&[r.x0, r.y0, r.width(), r.height()])
}

/// The `Clips` element for clip paths that are not axis-aligned rectangles; each given
/// in the object's boundary space.
fn clips_element(xml: &mut Xml, clips: &[&BezPath], origin: Point) {
    if clips.is_empty() {
        return;
    }
    xml.open("Clips");
    for clip in clips {
        let local = Affine::translate(-origin.to_vec2()) * (*clip).clone();
        let b = bounds(&local);
        xml.open("Clip").open("Area");
        xml.open("Path")
            .attr("Boundary", box_attr(b))
            .attr("Stroke", "false")
            .attr("Fill", "true");
        let inner = Affine::translate(-b.origin().to_vec2()) * local;
        xml.leaf("AbbreviatedData", &abbreviated(&inner));
        xml.close().close().close();
    }
    xml.close();
}

/// A path in OFD's abbreviated syntax (§9.3.5): `M`, `L`, `Q`, `B` and `C`.
pub(crate) fn abbreviated(path: &BezPath) -> String {
    let mut out: Vec<String> = Vec::new();
    let p = |pt: Point| format!("{} {}", num(pt.x), num(pt.y));
    for el in path.elements() {
        out.push(match el {
            PathEl::MoveTo(a) => format!("M {}", p(*a)),
            PathEl::LineTo(a) => format!("L {}", p(*a)),
            PathEl::QuadTo(a, b) => format!("Q {} {}", p(*a), p(*b)),
            PathEl::CurveTo(a, b, c) => format!("B {} {} {}", p(*a), p(*b), p(*c)),
            PathEl::ClosePath => "C".into(),
        });
    }
    out.join(" ")
}

fn path(xml: &mut Xml, shape: &PathShape, ids: &mut Ids<'_>) {
    let reach = shape.stroke.as_ref().map_or(0.0, stroke_reach) + PATH_MARGIN;
    let ink = bounds(&shape.path).inflate(reach, reach);
    let (Some(boundary), others) = boundary(ink, &shape.clips) else {
        return;
    };
    xml.open("PathObject")
        .attr("ID", ids.take())
        .attr("Boundary", box_attr(boundary));
    if let Some(stroke) = &shape.stroke {
        stroke_attrs(xml, stroke);
    } else {
        xml.attr("Stroke", "false");
    }
    if shape.fill.is_some() {
        xml.attr("Fill", "true");
    }
    if shape.even_odd {
        xml.attr("Rule", "Even-Odd");
    }
    clips_element(xml, &others, boundary.origin());
    if let Some(stroke) = &shape.stroke {
        color(xml, "StrokeColor", stroke.color);
    }
    if let Some(fill) = shape.fill {
        color(xml, "FillColor", fill);
    }
    let local = Affine::translate(-boundary.origin().to_vec2()) * shape.path.clone();
    xml.leaf("AbbreviatedData", &abbreviated(&local));
    xml.close();
}

fn image_object(xml: &mut Xml, image: &ImagePlacement, ids: &mut Ids<'_>) {
    let unit = Rect::new(0.0, 0.0, 1.0, 1.0);
    let ink = image.transform.transform_rect_bbox(unit);
    let (Some(boundary), others) = boundary(ink, &image.clips) else {
        return;
    };
    let ctm = Affine::translate(-boundary.origin().to_vec2()) * image.transform;
    xml.open("ImageObject")
        .attr("ID", ids.take())
        .attr("Boundary", box_attr(boundary))
        .attr("CTM", nums(&ctm.as_coeffs()))
        .attr("ResourceID", ids.images[image.image]);
    clips_element(xml, &others, boundary.origin());
    xml.close();
}

/// A piece of a text run written as one `TextCode`: clusters on one baseline.
struct Code<'a> {
    clusters: Vec<&'a Cluster>,
    /// Whether it holds a cluster whose glyphs the page must name.
    transformed: bool,
}

/// Splits a run's clusters into `TextCode`s and those into `TextObject`s (see the module
/// documentation for why).
fn layout(run: &TextRun) -> Vec<Vec<Code<'_>>> {
    let mut codes: Vec<Code<'_>> = Vec::new();
    for cluster in &run.clusters {
        let one_to_one = cluster.text.chars().count() == 1 && cluster.glyphs.len() == 1;
        let baseline = cluster.glyphs.first().map(|g| g.at.y);
        let fits = |code: &Code<'_>| {
            let last = code.clusters.last().and_then(|c| c.glyphs.first());
            let first_one_to_one = code
                .clusters
                .first()
                .is_some_and(|c| c.text.chars().count() == 1 && c.glyphs.len() == 1);
            one_to_one && first_one_to_one && last.map(|g| g.at.y) == baseline
        };
        match codes.last_mut() {
            Some(code) if fits(code) => {
                code.transformed |= !cluster.by_cmap;
                code.clusters.push(cluster);
            }
            _ => codes.push(Code {
                clusters: vec![cluster],
                transformed: !cluster.by_cmap,
            }),
        }
    }
    let mut objects: Vec<Vec<Code<'_>>> = Vec::new();
    for code in codes {
        match objects.last_mut() {
            Some(object) if !code.transformed => object.push(code),
            _ => objects.push(vec![code]),
        }
    }
    objects
}

fn text(xml: &mut Xml, run: &TextRun, ids: &mut Ids<'_>) {
    // Glyph boxes in cluster order.
    let mut boxes = run.glyph_boxes.iter();
    let mut cluster_boxes: Vec<Rect> = Vec::with_capacity(run.clusters.len());
    for cluster in &run.clusters {
        let mut r: Option<Rect> = None;
        for _ in &cluster.glyphs {
            if let Some(b) = boxes.next() {
                r = Some(r.map_or(*b, |q| q.union(*b)));
            }
        }
        cluster_boxes.push(r.unwrap_or_default());
    }
    let index_of = |c: &Cluster| {
        run.clusters
            .iter()
            .position(|d| std::ptr::eq(d, c))
            .unwrap_or(0)
    };
    let translation_only = {
        let [a, b, c, d, _, _] = run.transform.as_coeffs();
        a == 1.0 && b == 0.0 && c == 0.0 && d == 1.0
    };
    for object in layout(run) {
        // Ink of this object in run space, then in page space.
        let mut ink: Option<Rect> = None;
        for code in &object {
            for cluster in &code.clusters {
                let b = cluster_boxes[index_of(cluster)];
                ink = Some(ink.map_or(b, |q| q.union(b)));
            }
        }
        let Some(ink) = ink else { continue };
        let ink = run
            .transform
            .transform_rect_bbox(ink)
            .inflate(TEXT_MARGIN, TEXT_MARGIN);
        let (Some(boundary), others) = boundary(ink, &run.clips) else {
            continue;
        };
        // Run space → boundary space.
        let to_boundary = Affine::translate(-boundary.origin().to_vec2()) * run.transform;
        xml.open("TextObject")
            .attr("ID", ids.take())
            .attr("Boundary", box_attr(boundary))
            .attr("Font", ids.fonts[run.face])
            .attr("Size", num(run.size));
        if !translation_only {
            xml.attr("CTM", nums(&to_boundary.as_coeffs()));
        }
        if run.fill.is_none() {
            xml.attr("Fill", "false");
        }
        if let Some(stroke) = &run.stroke {
            xml.attr("Stroke", "true");
            stroke_attrs(xml, stroke);
        }
        clips_element(xml, &others, boundary.origin());
        if let Some(fill) = run.fill {
            color(xml, "FillColor", fill);
        }
        if let Some(stroke) = &run.stroke {
            color(xml, "StrokeColor", stroke.color);
        }
        // Positions inside the object: in boundary space when only translated, else in
        // run space (the CTM maps them).
        let place = |p: Point| {
            if translation_only {
                to_boundary * p
            } else {
                p
            }
        };
        let map = &ids.glyph_maps[run.face];
        let mut position = 0usize;
        for code in &object {
            // Glyph transforms first (they are only ever in the object's first code).
            for cluster in &code.clusters {
                let chars = cluster.text.chars().count();
                if !cluster.by_cmap {
                    let glyphs: Vec<String> = cluster
                        .glyphs
                        .iter()
                        .map(|g| map.get(&g.id).copied().unwrap_or(0).to_string())
                        .collect();
                    xml.open("CGTransform")
                        .attr("CodePosition", position)
                        .attr("CodeCount", chars)
                        .attr("GlyphCount", glyphs.len())
                        .leaf("Glyphs", &glyphs.join(" "))
                        .close();
                }
                position += chars;
            }
            let glyphs: Vec<Point> = code
                .clusters
                .iter()
                .flat_map(|c| c.glyphs.iter().map(|g| place(g.at)))
                .collect();
            let Some(first) = glyphs.first() else {
                continue;
            };
            let dx: Vec<f64> = glyphs.windows(2).map(|w| w[1].x - w[0].x).collect();
            let dy: Vec<f64> = glyphs.windows(2).map(|w| w[1].y - w[0].y).collect();
            let content: String = code.clusters.iter().map(|c| c.text.as_str()).collect();
            xml.open("TextCode")
                .attr("X", num(first.x))
                .attr("Y", num(first.y));
            if !dx.is_empty() {
                xml.attr("DeltaX", deltas(&dx));
            }
            if dy.iter().any(|&d| num(d) != "0") {
                xml.attr("DeltaY", deltas(&dy));
            }
            xml.text(&content).close();
        }
        xml.close();
    }
}

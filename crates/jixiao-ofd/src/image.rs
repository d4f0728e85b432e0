//! Images for the package's multimedia resources (GB/T 33190 §9.4): PNG and JPEG files as
//! the template gave them; other raster formats re-encoded as PNG; vector images (SVG,
//! PDF), which OFD cannot hold as such, drawn at 300 dpi into a PNG.

use typst::visualize::{ExchangeFormat, Image, ImageKind, RasterFormat};

/// Resolution of vector images drawn into bitmaps.
const VECTOR_DPI: f64 = 300.0;
/// The largest side of such a bitmap, in pixels (a full A4 page at 300 dpi is 3508).
const MAX_SIDE: f64 = 8192.0;

/// An image file for the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EncodedImage {
    /// The file's bytes.
    pub data: Vec<u8>,
    /// `PNG` or `JPEG` (the `Format` attribute).
    pub format: &'static str,
    /// File extension, without the dot.
    pub extension: &'static str,
}

fn png(data: Vec<u8>) -> EncodedImage {
    EncodedImage {
        data,
        format: "PNG",
        extension: "png",
    }
}

/// A placeholder for an image that could not be encoded: one transparent pixel.
fn blank() -> EncodedImage {
    let mut out = Vec::new();
    let pixel = image::RgbaImage::from_pixel(1, 1, image::Rgba([0, 0, 0, 0]));
    let _ = image::DynamicImage::ImageRgba8(pixel)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png);
    png(out)
}

/// `image`, placed at `size_mm`, as a file; and a note when it was converted in a way a
/// reader may notice.
pub(crate) fn encode(image: &Image, size_mm: (f64, f64)) -> (EncodedImage, Option<String>) {
    match image.kind() {
        ImageKind::Raster(raster) => match raster.format() {
            RasterFormat::Exchange(ExchangeFormat::Png) => (png(raster.data().to_vec()), None),
            RasterFormat::Exchange(ExchangeFormat::Jpg) => (
                EncodedImage {
                    data: raster.data().to_vec(),
                    format: "JPEG",
                    extension: "jpg",
                },
                None,
            ),
            _ => {
                let mut out = Vec::new();
                match raster
                    .dynamic()
                    .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
                {
                    Ok(()) => (png(out), None),
                    Err(e) => (
                        blank(),
                        Some(format!(
                            "一幅图像无法转换为 PNG，以空白代替 / an image could not be converted to PNG and is left blank ({e})"
                        )),
                    ),
                }
            }
        },
        ImageKind::Svg(svg) => {
            let (w, h) = pixels(size_mm);
            let note = Some(format!(
                "SVG 图像以 {VECTOR_DPI} dpi 位图嵌入 / an SVG image is embedded as a {VECTOR_DPI} dpi bitmap"
            ));
            let Some(mut pixmap) = tiny_skia::Pixmap::new(w, h) else {
                return (blank(), note);
            };
            let tree = svg.tree();
            let size = tree.size();
            let transform =
                tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
            resvg::render(tree, transform, &mut pixmap.as_mut());
            match pixmap.encode_png() {
                Ok(data) => (png(data), note),
                Err(_) => (blank(), note),
            }
        }
        ImageKind::Pdf(pdf) => {
            let note = Some(format!(
                "PDF 图像以 {VECTOR_DPI} dpi 位图嵌入 / a PDF image is embedded as a {VECTOR_DPI} dpi bitmap"
            ));
            let (w, _) = pixels(size_mm);
            let page = pdf.page();
            let (page_w, _) = page.render_dimensions();
            let scale = (w as f32 / page_w.max(1.0)).max(0.01);
            let settings = hayro::RenderSettings {
                x_scale: scale,
                y_scale: scale,
                ..hayro::RenderSettings::default()
            };
            let cache = hayro::RenderCache::new();
            let pixmap = hayro::render(
                page,
                &cache,
                &hayro::hayro_interpret::InterpreterSettings::default(),
                &settings,
            );
            match pixmap.into_png() {
                Ok(data) => (png(data), note),
                Err(_) => (blank(), note),
            }
        }
    }
}

/// The pixel size of a bitmap for an image `size_mm` large at [`VECTOR_DPI`].
fn pixels((w, h): (f64, f64)) -> (u32, u32) {
    let px = |mm: f64| (mm / 25.4 * VECTOR_DPI).round().clamp(1.0, MAX_SIDE) as u32;
    (px(w), px(h))
}

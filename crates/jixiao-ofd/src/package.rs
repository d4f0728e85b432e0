//! Assembling the OFD package (GB/T 33190 §7): the main entry `OFD.xml`, the document
//! `Doc_0/Document.xml`, its resources, one `Content.xml` per page and the attached
//! declaration, zipped in a fixed order with a fixed timestamp.
//!
//! ```text
//! OFD.xml                          DocInfo (DocID, title, author, date, creator, …)
//! Doc_0/Document.xml               CommonData (MaxUnitID, PageArea, resources), Pages
//! Doc_0/PublicRes.xml              the fonts
//! Doc_0/DocumentRes.xml            the images (when there are any)
//! Doc_0/Res/font_N.ttf, image_N.*  the font subsets and image files
//! Doc_0/Pages/Page_I/Content.xml   each page
//! Doc_0/Attachs/Attachments.xml    the attachment list
//! Doc_0/Attachs/{year}-{dept}.toml the declaration, byte for byte
//! ```

use std::collections::BTreeMap;

use typst_layout::Page;

use super::content::{page_xml, Ids};
use super::font::{subset, GlyphUse};
use super::meta::{OfdMeta, ATTACHMENT_DESCRIPTION, SOURCE_FILE, SOURCE_SHA256};
use super::page::{walk, Object, Pages};
use super::xml::{num, nums, Xml};
use super::zip::{self, DosTime, Entry};
use super::OfdError;

/// The package path of the document's root.
pub const DOC_ROOT: &str = "Doc_0/Document.xml";
/// The package path of the attachment list.
pub(crate) const ATTACHMENTS: &str = "Doc_0/Attachs/Attachments.xml";

/// A written package: its bytes, the number of pages, and what had to be approximated.
#[derive(Debug, Clone)]
pub(crate) struct Written {
    /// The `.ofd` file.
    pub bytes: Vec<u8>,
    /// Pages.
    pub pages: usize,
    /// Things drawn approximately (a gradient, a vector image as a bitmap), Chinese first.
    pub approximations: Vec<String>,
}

/// The package path of page `index` (from 0).
pub(crate) fn page_path(index: usize) -> String {
    format!("Doc_0/Pages/Page_{index}/Content.xml")
}

/// Writes `pages` with `meta` as an OFD package.
pub(crate) fn write(pages: &[Page], meta: &OfdMeta) -> Result<Written, OfdError> {
    let walked = walk(pages)?;
    let entries = entries(&walked, meta)?;
    let time = meta.date.map_or(DosTime::EPOCH, |d| {
        use chrono::Datelike;
        DosTime::midnight(d.0.year(), d.0.month(), d.0.day())
    });
    Ok(Written {
        bytes: zip::write(&entries, time),
        pages: walked.pages.len(),
        approximations: walked.approximations,
    })
}

/// Which glyphs each face draws.
fn glyph_uses(walked: &Pages) -> Vec<GlyphUse> {
    let mut uses = vec![GlyphUse::default(); walked.faces.len()];
    for page in &walked.pages {
        for object in &page.objects {
            let Object::Text(run) = object else { continue };
            let used = &mut uses[run.face];
            for cluster in &run.clusters {
                used.glyphs.extend(cluster.glyphs.iter().map(|g| g.id));
                if cluster.by_cmap {
                    if let (Some(c), [g]) = (cluster.text.chars().next(), cluster.glyphs.as_slice())
                    {
                        used.mapped.insert(c, g.id);
                    }
                }
            }
        }
    }
    uses
}

fn entries(walked: &Pages, meta: &OfdMeta) -> Result<Vec<Entry>, OfdError> {
    let default_size = walked.pages.first().map_or((210.0, 297.0), |p| p.size);
    // Ids: pages first, then fonts, images, the attachment, then each page's objects.
    let mut next: u32 = 1;
    let mut take = || {
        let id = next;
        next += 1;
        id
    };
    let page_ids: Vec<u32> = walked.pages.iter().map(|_| take()).collect();
    let font_ids: Vec<u32> = walked.faces.iter().map(|_| take()).collect();
    let image_ids: Vec<u32> = walked.images.iter().map(|_| take()).collect();
    let attachment_id = take();

    let mut subsets = Vec::with_capacity(walked.faces.len());
    for (face, used) in walked.faces.iter().zip(glyph_uses(walked)) {
        subsets.push(subset(face, &used)?);
    }
    let glyph_maps: Vec<BTreeMap<u16, u16>> = subsets.iter().map(|s| s.glyph_map.clone()).collect();
    let mut ids = Ids {
        next,
        fonts: &font_ids,
        glyph_maps: &glyph_maps,
        images: &image_ids,
    };
    let mut contents = Vec::with_capacity(walked.pages.len());
    for page in &walked.pages {
        contents.push(page_xml(page, default_size, &mut ids));
    }
    let max_unit_id = ids.next - 1;

    let mut out = vec![Entry {
        name: "OFD.xml".into(),
        data: ofd_xml(meta),
    }];
    out.push(Entry {
        name: DOC_ROOT.into(),
        data: document_xml(
            default_size,
            max_unit_id,
            &page_ids,
            !walked.images.is_empty(),
        ),
    });
    out.push(Entry {
        name: "Doc_0/PublicRes.xml".into(),
        data: public_res(walked, &font_ids),
    });
    if !walked.images.is_empty() {
        out.push(Entry {
            name: "Doc_0/DocumentRes.xml".into(),
            data: document_res(walked, &image_ids),
        });
    }
    for (subset, id) in subsets.into_iter().zip(&font_ids) {
        out.push(Entry {
            name: format!("Doc_0/Res/font_{id}.ttf"),
            data: subset.data,
        });
    }
    for (image, id) in walked.images.iter().zip(&image_ids) {
        out.push(Entry {
            name: format!("Doc_0/Res/image_{id}.{}", image.extension),
            data: image.data.clone(),
        });
    }
    for (i, content) in contents.into_iter().enumerate() {
        out.push(Entry {
            name: page_path(i),
            data: content,
        });
    }
    out.push(Entry {
        name: ATTACHMENTS.into(),
        data: attachments_xml(meta, attachment_id),
    });
    out.push(Entry {
        name: source_path(meta),
        data: meta.source.bytes.clone(),
    });
    Ok(out)
}

/// The file name of the attached declaration inside the package: ASCII, so that every zip
/// tool reads it alike (the attachment's `Name` carries the real, Chinese name).
pub(crate) const SOURCE_FILE_NAME: &str = "declaration.toml";

/// The package path of the attached declaration.
pub(crate) fn source_path(_meta: &OfdMeta) -> String {
    format!("Doc_0/Attachs/{SOURCE_FILE_NAME}")
}

fn ofd_xml(meta: &OfdMeta) -> Vec<u8> {
    let mut xml = Xml::new("OFD");
    xml.attr("Version", "1.0").attr("DocType", "OFD");
    xml.open("DocBody").open("DocInfo");
    xml.leaf("DocID", &meta.doc_id)
        .leaf("Title", &meta.title)
        .leaf("Author", &meta.author)
        .leaf("Subject", &meta.subject);
    if let Some(date) = meta.date {
        xml.leaf("CreationDate", &date.iso());
    }
    xml.open("Keywords");
    for keyword in &meta.keywords {
        xml.leaf("Keyword", keyword);
    }
    xml.close();
    xml.leaf("Creator", meta.creator.0)
        .leaf("CreatorVersion", meta.creator.1);
    xml.open("CustomDatas");
    xml.open("CustomData")
        .attr("Name", SOURCE_FILE)
        .text(&source_path(meta))
        .close();
    xml.open("CustomData")
        .attr("Name", SOURCE_SHA256)
        .text(&meta.source_sha256())
        .close();
    xml.close(); // CustomDatas
    xml.close(); // DocInfo
    xml.leaf("DocRoot", DOC_ROOT);
    xml.finish()
}

fn document_xml(size: (f64, f64), max_unit_id: u32, page_ids: &[u32], images: bool) -> Vec<u8> {
    let mut xml = Xml::new("Document");
    xml.open("CommonData");
    xml.leaf("MaxUnitID", &max_unit_id.to_string());
    xml.open("PageArea")
        .leaf("PhysicalBox", &nums(&[0.0, 0.0, size.0, size.1]))
        .close();
    xml.leaf("PublicRes", "PublicRes.xml");
    if images {
        xml.leaf("DocumentRes", "DocumentRes.xml");
    }
    xml.close();
    xml.open("Pages");
    for (i, id) in page_ids.iter().enumerate() {
        xml.open("Page")
            .attr("ID", id)
            .attr("BaseLoc", format!("Pages/Page_{i}/Content.xml"))
            .close();
    }
    xml.close();
    xml.leaf("Attachments", "Attachs/Attachments.xml");
    xml.finish()
}

fn public_res(walked: &Pages, font_ids: &[u32]) -> Vec<u8> {
    let mut xml = Xml::new("Res");
    xml.attr("BaseLoc", "Res");
    if !walked.fonts.is_empty() {
        xml.open("Fonts");
        for (font, id) in walked.fonts.iter().zip(font_ids) {
            let info = font.info();
            let name = font
                .post_script_name()
                .unwrap_or_else(|| info.family.clone());
            xml.open("Font")
                .attr("ID", id)
                .attr("FontName", name)
                .attr("FamilyName", &info.family);
            if info.variant.style != typst::text::FontStyle::Normal {
                xml.attr("Italic", "true");
            }
            if info.variant.weight.to_number() >= 600 {
                xml.attr("Bold", "true");
            }
            if info.flags.contains(typst::text::FontFlags::SERIF) {
                xml.attr("Serif", "true");
            }
            if info.flags.contains(typst::text::FontFlags::MONOSPACE) {
                xml.attr("FixedWidth", "true");
            }
            xml.leaf("FontFile", &format!("font_{id}.ttf")).close();
        }
        xml.close();
    }
    xml.finish()
}

fn document_res(walked: &Pages, image_ids: &[u32]) -> Vec<u8> {
    let mut xml = Xml::new("Res");
    xml.attr("BaseLoc", "Res");
    xml.open("MultiMedias");
    for (image, id) in walked.images.iter().zip(image_ids) {
        xml.open("MultiMedia")
            .attr("ID", id)
            .attr("Type", "Image")
            .attr("Format", image.format)
            .leaf("MediaFile", &format!("image_{id}.{}", image.extension))
            .close();
    }
    xml.close();
    xml.finish()
}

fn attachments_xml(meta: &OfdMeta, id: u32) -> Vec<u8> {
    let mut xml = Xml::new("Attachments");
    xml.open("Attachment")
        .attr("ID", id)
        .attr("Name", &meta.source.name)
        .attr("Format", "toml");
    if let Some(date) = meta.date {
        xml.attr("CreationDate", format!("{}T00:00:00", date.iso()));
    }
    xml.attr("Size", num(meta.source.bytes.len() as f64 / 1024.0))
        .attr("Visible", "true")
        .attr("Usage", ATTACHMENT_DESCRIPTION);
    xml.leaf("FileLoc", SOURCE_FILE_NAME);
    xml.finish()
}

//! The incremental update that adds a signature to a PDF: the original bytes are kept
//! as they are and new versions of the changed objects (catalog or form, page, the page's
//! annotations) plus the new ones (signature field/widget, its empty appearance, the
//! signature dictionary) are appended, with a cross-reference section of the same kind as
//! the original's (an xref stream after an xref stream, a table after a table) pointing
//! back with `/Prev`.
//!
//! The signature dictionary's `/Contents` is reserved as a run of `0` hex digits; its
//! `/ByteRange` is filled in here, covering everything but that hex string.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::error::SignError;
use super::pdfobj::{text_string, write_dictionary, write_name, write_object};

/// What goes into the signature dictionary and field.
pub(crate) struct SignatureFields<'a> {
    /// `/M`, a PDF date string (`D:YYYYMMDDHHmmSS+00'00'`).
    pub time: &'a str,
    /// `/Name`, the signer's name.
    pub name: Option<&'a str>,
    /// `/Reason`.
    pub reason: Option<&'a str>,
    /// `/Location`.
    pub location: Option<&'a str>,
    /// `/T` of the field; a free `SignatureN` when `None`.
    pub field_name: Option<&'a str>,
    /// The 1-based page whose `/Annots` gets the widget.
    pub page: u32,
    /// Bytes reserved for the CMS signature.
    pub contents_len: usize,
    /// A document timestamp (`/Type /DocTimeStamp`, `/SubFilter /ETSI.RFC3161`; the
    /// contents a timestamp token) instead of a signature.
    pub doc_timestamp: bool,
}

/// A PDF with an incremental update whose signature is still a placeholder.
pub(crate) struct Prepared {
    bytes: Vec<u8>,
    /// The `<…>` hex string of `/Contents`, delimiters included.
    hole: Range<usize>,
}

impl Prepared {
    /// The two byte ranges the signature covers: before and after the `/Contents` string.
    pub(crate) fn signed_parts(&self) -> [&[u8]; 2] {
        [&self.bytes[..self.hole.start], &self.bytes[self.hole.end..]]
    }

    /// How many bytes of signature fit in the reserved space.
    pub(crate) fn capacity(&self) -> usize {
        (self.hole.len() - 2) / 2
    }

    /// Writes `cms` (at most [`capacity`](Self::capacity) bytes) into the reserved space.
    pub(crate) fn fill(mut self, cms: &[u8]) -> Result<Vec<u8>, SignError> {
        if cms.len() > self.capacity() {
            return Err(SignError::Encoding(format!(
                "签名数据 {} 字节，超出预留的 {} 字节 / the signature ({} bytes) does not fit the {} bytes reserved",
                cms.len(),
                self.capacity(),
                cms.len(),
                self.capacity()
            )));
        }
        let mut hex = Vec::with_capacity(cms.len() * 2);
        for b in cms {
            hex.extend_from_slice(format!("{b:02x}").as_bytes());
        }
        let start = self.hole.start + 1;
        self.bytes[start..start + hex.len()].copy_from_slice(&hex);
        Ok(self.bytes)
    }
}

/// Width of each number in the `/ByteRange` placeholder.
const RANGE_DIGITS: usize = 10;

/// Reads `original` and appends the update that adds an (empty) signature.
pub(crate) fn prepare(
    original: &[u8],
    fields: &SignatureFields<'_>,
) -> Result<Prepared, SignError> {
    crate::pdf_nesting::check(original).map_err(|e| SignError::Pdf(e.to_string()))?;
    let doc = Document::load_mem(original).map_err(|e| SignError::Pdf(e.to_string()))?;
    if doc.encryption_state.is_some() || doc.trailer.get(b"Encrypt").is_ok() {
        return Err(SignError::Encrypted);
    }
    // lopdf reads offsets from the header on; the update's are from the first byte.
    if !original.starts_with(b"%PDF-") {
        return Err(SignError::Pdf(
            "文件不以 %PDF- 开头（文件头前还有其他字节），无法追加签名 / the file does not start with %PDF- (bytes precede the header): a signature cannot be appended".into(),
        ));
    }
    let prev = last_startxref(original).ok_or_else(|| {
        SignError::Pdf("找不到 startxref / no startxref at the end of the file".into())
    })?;
    let xref_stream = !original
        .get(prev..)
        .is_some_and(|rest| rest.starts_with(b"xref"));

    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| SignError::Pdf("trailer 中没有 /Root / no /Root in the trailer".into()))?;
    let declared_size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .ok()
        .and_then(|s| u32::try_from(s).ok())
        .unwrap_or(0);
    let mut next_id = declared_size.max(doc.max_id + 1);
    let mut allocate = || {
        let id = next_id;
        next_id += 1;
        (id, 0u16)
    };

    let page_id = *doc.get_pages().get(&fields.page).ok_or_else(|| {
        SignError::Pdf(format!(
            "PDF 没有第 {} 页 / the PDF has no page {}",
            fields.page, fields.page
        ))
    })?;

    let sig_id = allocate();
    let widget_id = allocate();
    let appearance_id = allocate();

    // Objects rewritten (a new version at the same number) or added, by number.
    let mut updated: BTreeMap<ObjectId, Object> = BTreeMap::new();

    // The page's /Annots gets the widget.
    let mut page = dictionary(&doc, page_id)?.clone();
    append_to_array(&doc, &mut page, b"Annots", widget_id, &mut updated)?;
    updated.insert(page_id, Object::Dictionary(page));

    // The AcroForm gets the field and /SigFlags 3 (signatures exist, append only).
    let mut catalog = dictionary(&doc, root_id)?.clone();
    let existing_names;
    match catalog.get(b"AcroForm") {
        Ok(Object::Reference(form_id)) => {
            let form_id = *form_id;
            let mut form = dictionary(&doc, form_id)?.clone();
            existing_names = field_names(&doc, &form);
            append_to_array(&doc, &mut form, b"Fields", widget_id, &mut updated)?;
            form.set("SigFlags", 3);
            updated.insert(form_id, Object::Dictionary(form));
        }
        Ok(Object::Dictionary(form)) => {
            let mut form = form.clone();
            existing_names = field_names(&doc, &form);
            append_to_array(&doc, &mut form, b"Fields", widget_id, &mut updated)?;
            form.set("SigFlags", 3);
            catalog.set("AcroForm", Object::Dictionary(form));
            updated.insert(root_id, Object::Dictionary(catalog));
        }
        _ => {
            existing_names = BTreeSet::new();
            let form_id = allocate();
            let mut form = Dictionary::new();
            form.set("Fields", vec![Object::Reference(widget_id)]);
            form.set("SigFlags", 3);
            updated.insert(form_id, Object::Dictionary(form));
            catalog.set("AcroForm", Object::Reference(form_id));
            updated.insert(root_id, Object::Dictionary(catalog));
        }
    }

    let field_name = match fields.field_name {
        Some(name) => name.to_string(),
        None => (1..)
            .map(|n| format!("Signature{n}"))
            .find(|n| !existing_names.contains(n))
            .unwrap_or_else(|| "Signature".into()),
    };

    // The field and its widget in one dictionary: invisible (zero rectangle) but printable
    // with an (empty) appearance, as PDF/A requires of every annotation.
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", text_string(&field_name));
    widget.set("V", Object::Reference(sig_id));
    widget.set("F", 4);
    widget.set("Rect", vec![0.into(), 0.into(), 0.into(), 0.into()]);
    widget.set("P", Object::Reference(page_id));
    let mut appearance = Dictionary::new();
    appearance.set("N", Object::Reference(appearance_id));
    widget.set("AP", Object::Dictionary(appearance));
    updated.insert(widget_id, Object::Dictionary(widget));

    // Write the update.
    let mut out = original.to_vec();
    if !out.ends_with(b"\n") && !out.ends_with(b"\r") {
        out.push(b'\n');
    }
    let mut offsets: BTreeMap<u32, (usize, u16)> = BTreeMap::new();

    for (&(id, generation), object) in &updated {
        offsets.insert(id, (out.len(), generation));
        out.extend_from_slice(format!("{id} {generation} obj\n").as_bytes());
        write_object(&mut out, object);
        out.extend_from_slice(b"\nendobj\n");
    }

    offsets.insert(appearance_id.0, (out.len(), 0));
    out.extend_from_slice(
        format!(
            "{} 0 obj\n<</Type /XObject/Subtype /Form/BBox [0 0 0 0]/Resources <<>>/Length 0>>\nstream\n\nendstream\nendobj\n",
            appearance_id.0
        )
        .as_bytes(),
    );

    // The signature dictionary, with the placeholders last.
    offsets.insert(sig_id.0, (out.len(), 0));
    out.extend_from_slice(format!("{} 0 obj\n", sig_id.0).as_bytes());
    let mut sig = Dictionary::new();
    if fields.doc_timestamp {
        sig.set("Type", Object::Name(b"DocTimeStamp".to_vec()));
        sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
        sig.set("SubFilter", Object::Name(b"ETSI.RFC3161".to_vec()));
    } else {
        sig.set("Type", Object::Name(b"Sig".to_vec()));
        sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
        sig.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
        sig.set("M", text_string(fields.time));
    }
    if let Some(name) = fields.name {
        sig.set("Name", text_string(name));
    }
    if let Some(reason) = fields.reason {
        sig.set("Reason", text_string(reason));
    }
    if let Some(location) = fields.location {
        sig.set("Location", text_string(location));
    }
    let mut dict_bytes = Vec::new();
    write_dictionary(&mut dict_bytes, &sig);
    dict_bytes.truncate(dict_bytes.len() - 2); // reopen: the placeholders follow
    out.extend_from_slice(&dict_bytes);
    write_name(&mut out, b"ByteRange");
    out.extend_from_slice(b" [");
    let range_at = out.len();
    out.extend_from_slice(&[b' '; 3 * (RANGE_DIGITS + 1) + 1]);
    out.extend_from_slice(b"]");
    write_name(&mut out, b"Contents");
    out.push(b' ');
    let hole_start = out.len();
    out.push(b'<');
    out.extend_from_slice(&vec![b'0'; fields.contents_len * 2]);
    out.push(b'>');
    let hole = hole_start..out.len();
    out.extend_from_slice(b">>\nendobj\n");

    // Cross-reference section and trailer.
    finish(
        &mut out,
        &doc,
        root_id,
        prev,
        xref_stream,
        next_id,
        &mut offsets,
    );

    // Fill in the byte range now that every offset is known.
    let range = format!("0 {} {} {}", hole.start, hole.end, out.len() - hole.end);
    let slot = &mut out[range_at..range_at + 3 * (RANGE_DIGITS + 1) + 1];
    if range.len() > slot.len() {
        return Err(SignError::Pdf("文件过大 / the file is too large".into()));
    }
    slot[..range.len()].copy_from_slice(range.as_bytes());

    Ok(Prepared { bytes: out, hole })
}

/// Appends the cross-reference section (of the original's kind) and the trailer that
/// close an update whose objects are at `offsets`; `next_id` is the first free number.
fn finish(
    out: &mut Vec<u8>,
    doc: &Document,
    root_id: ObjectId,
    prev: usize,
    xref_stream: bool,
    next_id: u32,
    offsets: &mut BTreeMap<u32, (usize, u16)>,
) {
    let mut trailer = Dictionary::new();
    trailer.set("Root", Object::Reference(root_id));
    for key in [&b"Info"[..], b"ID"] {
        if let Ok(value) = doc.trailer.get(key) {
            trailer.set(key, value.clone());
        }
    }
    trailer.set("Prev", prev as i64);
    let xref_at = out.len();
    if xref_stream {
        let xref_id = next_id;
        offsets.insert(xref_id, (xref_at, 0));
        trailer.set("Size", i64::from(xref_id) + 1);
        write_xref_stream(out, xref_id, offsets, trailer);
    } else {
        trailer.set("Size", i64::from(next_id));
        write_xref_table(out, offsets, &trailer);
    }
    out.extend_from_slice(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
}

/// An object an update adds: a dictionary or other object, or a stream (its dictionary
/// and its raw, unfiltered data; `/Length` is set here).
pub(crate) enum NewObject {
    /// Written as it is.
    Plain(Object),
    /// A stream.
    Stream(Dictionary, Vec<u8>),
}

/// What [`append`] writes: entries to set in the catalog, and the objects to add, which
/// are numbered from the `first` number [`append`] gives the closure that builds them.
pub(crate) type Additions = (Vec<(&'static str, Object)>, Vec<NewObject>);

/// Appends to `original` an update that sets entries in the catalog and adds objects, as
/// `build(first)` returns them (the added objects are numbered `first`, `first + 1`, …).
pub(crate) fn append(
    original: &[u8],
    build: impl FnOnce(&Document, u32) -> Additions,
) -> Result<Vec<u8>, SignError> {
    crate::pdf_nesting::check(original).map_err(|e| SignError::Pdf(e.to_string()))?;
    let doc = Document::load_mem(original).map_err(|e| SignError::Pdf(e.to_string()))?;
    if doc.encryption_state.is_some() || doc.trailer.get(b"Encrypt").is_ok() {
        return Err(SignError::Encrypted);
    }
    if !original.starts_with(b"%PDF-") {
        return Err(SignError::Pdf(
            "文件不以 %PDF- 开头，无法追加 / the file does not start with %PDF-: nothing can be appended".into(),
        ));
    }
    let prev = last_startxref(original).ok_or_else(|| {
        SignError::Pdf("找不到 startxref / no startxref at the end of the file".into())
    })?;
    let xref_stream = !original
        .get(prev..)
        .is_some_and(|rest| rest.starts_with(b"xref"));
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| SignError::Pdf("trailer 中没有 /Root / no /Root in the trailer".into()))?;
    let declared_size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .ok()
        .and_then(|s| u32::try_from(s).ok())
        .unwrap_or(0);
    let first = declared_size.max(doc.max_id + 1);
    let (entries, objects) = build(&doc, first);
    let mut catalog = dictionary(&doc, root_id)?.clone();
    for (key, value) in entries {
        catalog.set(key, value);
    }
    let mut out = original.to_vec();
    if !out.ends_with(b"\n") && !out.ends_with(b"\r") {
        out.push(b'\n');
    }
    let mut offsets: BTreeMap<u32, (usize, u16)> = BTreeMap::new();
    offsets.insert(root_id.0, (out.len(), root_id.1));
    out.extend_from_slice(format!("{} {} obj\n", root_id.0, root_id.1).as_bytes());
    write_object(&mut out, &Object::Dictionary(catalog));
    out.extend_from_slice(b"\nendobj\n");
    for (i, object) in objects.iter().enumerate() {
        let id = first + i as u32;
        offsets.insert(id, (out.len(), 0));
        out.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        match object {
            NewObject::Plain(o) => write_object(&mut out, o),
            NewObject::Stream(dict, data) => {
                let mut dict = dict.clone();
                dict.set("Length", data.len() as i64);
                write_dictionary(&mut out, &dict);
                out.extend_from_slice(b"\nstream\n");
                out.extend_from_slice(data);
                out.extend_from_slice(b"\nendstream");
            }
        }
        out.extend_from_slice(b"\nendobj\n");
    }
    let next_id = first + objects.len() as u32;
    finish(
        &mut out,
        &doc,
        root_id,
        prev,
        xref_stream,
        next_id,
        &mut offsets,
    );
    Ok(out)
}

/// The dictionary `id`, or an error naming it.
fn dictionary(doc: &Document, id: ObjectId) -> Result<&Dictionary, SignError> {
    doc.get_dictionary(id).map_err(|_| {
        SignError::Pdf(format!(
            "对象 {} {} 不是字典 / object {} {} is not a dictionary",
            id.0, id.1, id.0, id.1
        ))
    })
}

/// Appends a reference to `item` to the array `dict[key]`: in place when the array is
/// inline (or missing), else in a new version of the array object.
fn append_to_array(
    doc: &Document,
    dict: &mut Dictionary,
    key: &[u8],
    item: ObjectId,
    updated: &mut BTreeMap<ObjectId, Object>,
) -> Result<(), SignError> {
    match dict.get(key) {
        Ok(Object::Reference(array_id)) => {
            let array_id = *array_id;
            let mut array = match updated.get(&array_id) {
                Some(Object::Array(a)) => a.clone(),
                _ => doc
                    .get_object(array_id)
                    .and_then(Object::as_array)
                    .map_err(|_| {
                        SignError::Pdf(format!(
                            "/{} 不是数组 / /{} is not an array",
                            String::from_utf8_lossy(key),
                            String::from_utf8_lossy(key)
                        ))
                    })?
                    .clone(),
            };
            array.push(Object::Reference(item));
            updated.insert(array_id, Object::Array(array));
        }
        Ok(Object::Array(array)) => {
            let mut array = array.clone();
            array.push(Object::Reference(item));
            dict.set(key, Object::Array(array));
        }
        _ => dict.set(key, vec![Object::Reference(item)]),
    }
    Ok(())
}

/// The `/T` names of the form's top-level fields.
fn field_names(doc: &Document, form: &Dictionary) -> BTreeSet<String> {
    let fields = match form.get(b"Fields") {
        Ok(Object::Reference(id)) => doc.get_object(*id).and_then(Object::as_array).ok(),
        Ok(Object::Array(a)) => Some(a),
        _ => None,
    };
    fields
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_reference().ok())
        .filter_map(|id| doc.get_dictionary(id).ok())
        .filter_map(|d| d.get(b"T").ok())
        .filter_map(|t| lopdf::decode_text_string(t).ok())
        .collect()
}

/// The offset after the last `startxref` of the file.
pub(crate) fn last_startxref(pdf: &[u8]) -> Option<usize> {
    let tail_start = pdf.len().saturating_sub(2048);
    let tail = &pdf[tail_start..];
    let at = tail.windows(9).rposition(|w| w == b"startxref")?;
    let digits: String = tail[at + 9..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    digits.parse().ok()
}

/// Consecutive runs of object numbers: (first, count).
fn runs(offsets: &BTreeMap<u32, (usize, u16)>) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &id in offsets.keys() {
        match runs.last_mut() {
            Some((first, count)) if *first + *count == id => *count += 1,
            _ => runs.push((id, 1)),
        }
    }
    runs
}

fn write_xref_table(
    out: &mut Vec<u8>,
    offsets: &BTreeMap<u32, (usize, u16)>,
    trailer: &Dictionary,
) {
    out.extend_from_slice(b"xref\n");
    for (first, count) in runs(offsets) {
        out.extend_from_slice(format!("{first} {count}\n").as_bytes());
        for id in first..first + count {
            if let Some((offset, generation)) = offsets.get(&id) {
                out.extend_from_slice(format!("{offset:010} {generation:05} n\r\n").as_bytes());
            }
        }
    }
    out.extend_from_slice(b"trailer\n");
    write_dictionary(out, trailer);
    out.push(b'\n');
}

fn write_xref_stream(
    out: &mut Vec<u8>,
    xref_id: u32,
    offsets: &BTreeMap<u32, (usize, u16)>,
    mut dict: Dictionary,
) {
    let max_offset = offsets.values().map(|(o, _)| *o).max().unwrap_or(0);
    let width = if max_offset <= u32::MAX as usize {
        4
    } else {
        8
    };
    let mut data = Vec::new();
    let mut index = Vec::new();
    for (first, count) in runs(offsets) {
        index.push(Object::Integer(i64::from(first)));
        index.push(Object::Integer(i64::from(count)));
        for id in first..first + count {
            if let Some((offset, generation)) = offsets.get(&id) {
                data.push(1u8);
                data.extend_from_slice(&(*offset as u64).to_be_bytes()[8 - width..]);
                data.extend_from_slice(&generation.to_be_bytes());
            }
        }
    }
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("W", vec![1.into(), (width as i64).into(), 2.into()]);
    dict.set("Index", index);
    dict.set("Length", data.len() as i64);
    out.extend_from_slice(format!("{xref_id} 0 obj\n").as_bytes());
    write_dictionary(out, &dict);
    out.extend_from_slice(b"\nstream\n");
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\nendstream\nendobj\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_last_startxref() {
        let pdf = b"%PDF-1.7\n...startxref\n12\n%%EOF\n...startxref\r\n3456\r\n%%EOF\r\n";
        assert_eq!(last_startxref(pdf), Some(3456));
        assert_eq!(last_startxref(b"%PDF-1.7 nothing"), None);
    }

    #[test]
    fn groups_consecutive_numbers() {
        let offsets: BTreeMap<u32, (usize, u16)> = [
            (3, (1, 0)),
            (4, (2, 0)),
            (9, (3, 0)),
            (10, (4, 0)),
            (11, (5, 0)),
        ]
        .into_iter()
        .collect();
        assert_eq!(runs(&offsets), vec![(3, 2), (9, 3)]);
    }
}

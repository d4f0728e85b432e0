//! What changed after a signature: the objects of the signed revision are compared with
//! the whole file's, and every change must be one that long-term validation or a later
//! signature makes — a DSS (its dictionary and streams), a document timestamp or another
//! signature (its dictionary, field/widget and empty appearance), the catalog gaining
//! `/DSS`, `/AcroForm` or `/Extensions`, the form gaining fields and `/SigFlags`, a page
//! gaining annotations, the arrays of fields and annotations growing at their end, and the
//! XMP metadata stream rewritten and the document information dictionary's `/ModDate` and
//! `/Producer` (pyHanko updates them in every increment, as its diff policy allows).
//! Anything else (a changed page, a new font, a changed value) is reported by object.

use std::collections::BTreeSet;

use jixiao_core::text;
use jixiao_core::words::Text;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::verify::SignatureReport;

/// Sets each report's `later_changes` from the changes after its signed bytes.
pub(crate) fn mark_later_changes(pdf: &[u8], reports: &mut [SignatureReport]) {
    let Ok(after) = Document::load_mem(pdf) else {
        return;
    };
    // Bytes after the last end-of-file marker are no update at all.
    let trimmed_len = pdf
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    let stray = !pdf[..trimmed_len].ends_with(b"%%EOF");
    for r in reports.iter_mut() {
        if r.end == 0 || r.end >= pdf.len() {
            continue;
        }
        if stray {
            let n = pdf.len() - r.end;
            r.later_changes.push(text!(
                "签名后文件末尾追加了 {n} 字节，不是增量更新",
                "{n} bytes were appended after signing that are not an incremental update"
            ));
            continue;
        }
        r.later_changes = match Document::load_mem(&pdf[..r.end]) {
            Ok(before) => disallowed(&before, &after),
            Err(e) => vec![text!(
                "签名所覆盖的版本无法读取：{e}",
                "the signed revision cannot be read: {e}"
            )],
        };
    }
}

/// The changes from `before` to `after` that are not DSS, timestamp or signature
/// additions, one line each.
fn disallowed(before: &Document, after: &Document) -> Vec<Text> {
    let mut out = Vec::new();
    let dss_ids = dss_objects(after);
    let root = after
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .ok();
    let info = after
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .ok();
    for (&id, object) in &after.objects {
        match before.objects.get(&id) {
            None => {
                if !allowed_new(after, id, object, &dss_ids) {
                    out.push(text!(
                        "签名后新增了对象 {} {}（不是 DSS、时间戳或签名）",
                        "object {} {} was added after signing (not a DSS, timestamp or signature)",
                        id.0,
                        id.1
                    ));
                }
            }
            Some(old) if old == object => {}
            Some(old) => {
                if !allowed_change(after, id, old, object, (root, info), &dss_ids) {
                    out.push(text!(
                        "签名后对象 {} {} 被改动",
                        "object {} {} was changed after signing",
                        id.0,
                        id.1
                    ));
                }
            }
        }
    }
    for id in before.objects.keys() {
        if !after.objects.contains_key(id) {
            out.push(text!(
                "签名后对象 {} {} 被删除",
                "object {} {} was removed after signing",
                id.0,
                id.1
            ));
        }
    }
    out
}

/// The DSS dictionary and everything it refers to (streams, VRI dictionaries).
fn dss_objects(doc: &Document) -> BTreeSet<ObjectId> {
    let mut out = BTreeSet::new();
    let Ok(catalog) = doc.catalog() else {
        return out;
    };
    let mut stack: Vec<(Object, usize)> = match catalog.get(b"DSS") {
        Ok(o) => vec![(o.clone(), 0)],
        Err(_) => return out,
    };
    while let Some((o, depth)) = stack.pop() {
        if depth > 8 {
            continue;
        }
        match o {
            Object::Reference(id) if out.insert(id) => {
                if let Ok(obj) = doc.get_object(id) {
                    stack.push((obj.clone(), depth + 1));
                }
            }
            Object::Array(items) => stack.extend(items.into_iter().map(|i| (i, depth + 1))),
            Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| (v.clone(), depth + 1))),
            Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| (v.clone(), depth + 1))),
            _ => {}
        }
    }
    out
}

fn dict_of(object: &Object) -> Option<&Dictionary> {
    match object {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

fn name_is(d: &Dictionary, key: &[u8], value: &[u8]) -> bool {
    matches!(d.get(key), Ok(Object::Name(n)) if n == value)
}

/// A new object that a DSS, a timestamp or a signature brings.
fn allowed_new(doc: &Document, id: ObjectId, object: &Object, dss: &BTreeSet<ObjectId>) -> bool {
    if dss.contains(&id) {
        return true;
    }
    if let Object::Array(items) = object {
        // A new /Annots or /Fields array: references only.
        return items.iter().all(|i| i.as_reference().is_ok());
    }
    let Some(d) = dict_of(object) else {
        return false;
    };
    let _ = doc;
    // A DSS dictionary (the current one, or one a later DSS update replaced).
    if is_dss_dictionary(d) {
        return true;
    }
    name_is(d, b"Type", b"XRef")
        || name_is(d, b"Type", b"ObjStm")
        || (name_is(d, b"Type", b"Metadata") && name_is(d, b"Subtype", b"XML"))
        || name_is(d, b"Type", b"Sig")
        || name_is(d, b"Type", b"DocTimeStamp")
        || (d.has(b"ByteRange") && d.has(b"Contents"))
        || name_is(d, b"FT", b"Sig")
        || (name_is(d, b"Subtype", b"Form") && is_empty_appearance(object))
        || (d.has(b"Fields") && d.len() <= 4)
}

/// A dictionary with only the keys of a DSS (or of its VRI entries).
fn is_dss_dictionary(d: &Dictionary) -> bool {
    let keys: &[&[u8]] = &[
        b"Certs", b"OCSPs", b"CRLs", b"VRI", b"Type", b"Cert", b"OCSP", b"CRL", b"TU", b"TS",
    ];
    !d.is_empty() && d.iter().all(|(k, _)| keys.contains(&k.as_slice()))
}

/// A form XObject with no drawing (a signature's invisible appearance).
fn is_empty_appearance(object: &Object) -> bool {
    match object {
        Object::Stream(s) => s
            .decompressed_content()
            .unwrap_or_else(|_| s.content.clone())
            .iter()
            .all(u8::is_ascii_whitespace),
        _ => false,
    }
}

/// A changed object whose change a DSS, a timestamp or a signature makes.
fn allowed_change(
    doc: &Document,
    id: ObjectId,
    old: &Object,
    new: &Object,
    (root, info): (Option<ObjectId>, Option<ObjectId>),
    dss: &BTreeSet<ObjectId>,
) -> bool {
    if dss.contains(&id) {
        return true;
    }
    let is_xmp = |o: &Object| {
        matches!(o, Object::Stream(st) if name_is(&st.dict, b"Type", b"Metadata")
            && name_is(&st.dict, b"Subtype", b"XML"))
    };
    if is_xmp(old) && is_xmp(new) {
        return true;
    }
    if let (Object::Dictionary(a), Object::Dictionary(b)) = (old, new) {
        if is_dss_dictionary(a) && is_dss_dictionary(b) {
            return true;
        }
    }
    match (old, new) {
        (Object::Array(a), Object::Array(b)) => {
            // /Fields or /Annots grown at the end by references.
            b.len() >= a.len()
                && b[..a.len()] == a[..]
                && b[a.len()..].iter().all(|i| i.as_reference().is_ok())
        }
        (Object::Dictionary(a), Object::Dictionary(b)) => {
            let allowed: &[&[u8]] = if Some(id) == root {
                &[b"DSS", b"AcroForm", b"Extensions", b"Perms", b"Metadata"]
            } else if Some(id) == info {
                &[b"ModDate", b"Producer"]
            } else if name_is(b, b"Type", b"Page") {
                &[b"Annots"]
            } else if b.has(b"Fields") {
                &[b"Fields", b"SigFlags"]
            } else {
                &[]
            };
            let _ = doc;
            let keys: BTreeSet<&[u8]> = a
                .iter()
                .chain(b.iter())
                .map(|(k, _)| k.as_slice())
                .collect();
            keys.into_iter().all(|k| {
                a.get(k).ok() == b.get(k).ok()
                    || (allowed.contains(&k) && grows(a.get(k).ok(), b.get(k).ok()))
            })
        }
        _ => false,
    }
}

/// Whether a value changed only as signing and timestamping change it: newly set, a
/// reference, or an inline array grown at its end.
fn grows(old: Option<&Object>, new: Option<&Object>) -> bool {
    match (old, new) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(Object::Array(a)), Some(Object::Array(b))) => {
            b.len() >= a.len() && b[..a.len()] == a[..]
        }
        (Some(_), Some(_)) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_may_only_grow_at_their_end() {
        let a = Object::Array(vec![Object::Reference((1, 0))]);
        let grown = Object::Array(vec![Object::Reference((1, 0)), Object::Reference((9, 0))]);
        let replaced = Object::Array(vec![Object::Reference((2, 0))]);
        assert!(grows(Some(&a), Some(&grown)));
        assert!(!grows(Some(&grown), Some(&a)));
        assert!(!grows(Some(&a), Some(&replaced)));
        assert!(!grows(Some(&a), None));
    }

    /// A document with a catalog (1), an info dictionary (2) and a page-like object (3).
    fn doc(mod_date: &str, title: &str, content: i64) -> Document {
        let mut d = Document::with_version("1.7");
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        d.objects.insert((1, 0), Object::Dictionary(catalog));
        let mut info = Dictionary::new();
        info.set("ModDate", Object::string_literal(mod_date));
        info.set("Title", Object::string_literal(title));
        d.objects.insert((2, 0), Object::Dictionary(info));
        let mut page = Dictionary::new();
        page.set("Type", Object::Name(b"Page".to_vec()));
        page.set("Rotate", content);
        d.objects.insert((3, 0), Object::Dictionary(page));
        d.trailer.set("Root", Object::Reference((1, 0)));
        d.trailer.set("Info", Object::Reference((2, 0)));
        d
    }

    #[test]
    fn a_new_mod_date_is_metadata_a_new_title_or_page_is_a_change() {
        let before = doc("D:20200601120000Z", "表", 0);
        assert!(disallowed(&before, &doc("D:20200601120001Z", "表", 0)).is_empty());
        let title = disallowed(&before, &doc("D:20200601120001Z", "改", 0));
        assert_eq!(title.len(), 1, "{title:?}");
        assert!(title[0].en.contains("object 2 0 was changed"), "{title:?}");
        let page = disallowed(&before, &doc("D:20200601120000Z", "表", 90));
        assert!(page[0].en.contains("object 3 0 was changed"), "{page:?}");
    }

    #[test]
    fn dss_dictionaries_are_told_by_their_keys() {
        let mut dss = Dictionary::new();
        dss.set("Certs", Object::Array(Vec::new()));
        dss.set("VRI", Object::Dictionary(Dictionary::new()));
        assert!(is_dss_dictionary(&dss));
        dss.set("Contents", Object::Null);
        assert!(!is_dss_dictionary(&dss));
        assert!(!is_dss_dictionary(&Dictionary::new()));
    }
}

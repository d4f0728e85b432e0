//! The Document Security Store (ETSI EN 319 142-1 §5.4.2, ISO 32000-2 §12.8.4.3): the
//! certificates, OCSP responses and CRLs that make a PDF's signatures and timestamps
//! verifiable without the network — read from a PDF, and appended as an incremental
//! update (`/DSS` in the catalog with `/Certs`, `/OCSPs` and `/CRLs`, one stream each).
//!
//! A DSS update only adds: the catalog gets a new `/DSS` holding the references of the
//! previous one plus the new streams; data already there is not written twice. No `/VRI`
//! dictionaries are written (optional in PAdES baseline); those of other writers are
//! kept as they are.

use lopdf::{Dictionary, Document, Object};
use x509_cert::Certificate;

use der::{Decode, Encode};

use super::error::SignError;
use super::incremental::{self, NewObject};
use super::revocation::{RevocationData, ValidationData};

/// What a PDF's DSS holds, each item with the byte offset of its object in the file
/// (which revisions, and so which timestamps, cover it).
#[derive(Debug, Clone, Default)]
pub struct Dss {
    /// Certificates.
    pub certs: Vec<(Certificate, usize)>,
    /// OCSP responses and CRLs.
    pub revocation: Vec<(RevocationData, usize)>,
}

impl Dss {
    /// Reads the DSS of the last revision of `pdf` (empty when there is none).
    pub fn read(doc: &Document) -> Dss {
        let mut out = Dss::default();
        let Some(dss) = dss_dictionary(doc) else {
            return out;
        };
        for (key, kind) in [(&b"Certs"[..], 0), (b"OCSPs", 1), (b"CRLs", 2)] {
            for (bytes, offset) in streams(doc, &dss, key) {
                match kind {
                    0 => {
                        if let Ok(c) = Certificate::from_der(&bytes) {
                            out.certs.push((c, offset));
                        }
                    }
                    1 => out.revocation.push((RevocationData::Ocsp(bytes), offset)),
                    _ => out.revocation.push((RevocationData::Crl(bytes), offset)),
                }
            }
        }
        out
    }

    /// Whether the DSS holds anything.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty() && self.revocation.is_empty()
    }
}

fn dss_dictionary(doc: &Document) -> Option<Dictionary> {
    let catalog = doc.catalog().ok()?;
    match catalog.get(b"DSS").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok().cloned(),
        Object::Dictionary(d) => Some(d.clone()),
        _ => None,
    }
}

/// The references in `dss[key]`.
fn references(doc: &Document, dss: &Dictionary, key: &[u8]) -> Vec<Object> {
    match dss.get(key).and_then(|o| doc.dereference(o)) {
        Ok((_, Object::Array(items))) => items.clone(),
        _ => Vec::new(),
    }
}

/// The decoded streams `dss[key]` refers to, with the offsets of their objects.
fn streams(doc: &Document, dss: &Dictionary, key: &[u8]) -> Vec<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    for item in references(doc, dss, key) {
        let Ok(id) = item.as_reference() else {
            continue;
        };
        let Ok(Object::Stream(stream)) = doc.get_object(id) else {
            continue;
        };
        let bytes = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        out.push((bytes, offset_of(doc, id.0)));
    }
    out
}

/// The byte offset of object `id` (of its object stream, for a compressed object).
pub(crate) fn offset_of(doc: &Document, id: u32) -> usize {
    use lopdf::xref::XrefEntry;
    match doc.reference_table.get(id) {
        Some(XrefEntry::Normal { offset, .. }) => *offset as usize,
        Some(XrefEntry::Compressed { container, .. }) => {
            match doc.reference_table.get(*container) {
                Some(XrefEntry::Normal { offset, .. }) => *offset as usize,
                _ => usize::MAX,
            }
        }
        _ => usize::MAX,
    }
}

/// Appends to `pdf` a DSS update adding what `data` holds that the DSS lacks. Returns
/// `pdf` unchanged when there is nothing new.
pub fn append(pdf: &[u8], data: &ValidationData) -> Result<Vec<u8>, SignError> {
    let doc = Document::load_mem(pdf).map_err(|e| SignError::Pdf(e.to_string()))?;
    let existing = Dss::read(&doc);
    let mut certs: Vec<Vec<u8>> = Vec::new();
    for c in &data.certs {
        if existing.certs.iter().any(|(e, _)| e == c) {
            continue;
        }
        let der = c.to_der()?;
        if !certs.contains(&der) {
            certs.push(der);
        }
    }
    let mut ocsps = Vec::new();
    let mut crls = Vec::new();
    for r in &data.revocation {
        if existing.revocation.iter().any(|(e, _)| e == r) {
            continue;
        }
        match r {
            RevocationData::Ocsp(der) => ocsps.push(der.clone()),
            RevocationData::Crl(der) => crls.push(der.clone()),
        }
    }
    if certs.is_empty() && ocsps.is_empty() && crls.is_empty() {
        return Ok(pdf.to_vec());
    }
    let old = dss_dictionary(&doc).unwrap_or_default();
    incremental::append(pdf, |doc, first| {
        let mut objects = Vec::new();
        let mut dss = old.clone();
        dss.remove(b"Type");
        for (key, items) in [("Certs", &certs), ("OCSPs", &ocsps), ("CRLs", &crls)] {
            let mut refs = references(doc, &old, key.as_bytes());
            for der in items {
                refs.push(Object::Reference((first + objects.len() as u32, 0)));
                objects.push(NewObject::Stream(Dictionary::new(), der.clone()));
            }
            if !refs.is_empty() {
                dss.set(key, Object::Array(refs));
            }
        }
        let dss_ref = Object::Reference((first + objects.len() as u32, 0));
        objects.push(NewObject::Plain(Object::Dictionary(dss)));
        (vec![("DSS", dss_ref)], objects)
    })
}

//! Digital signatures on filed PDFs: PAdES baseline B-B, B-T, B-LT and B-LTA (ETSI EN
//! 319 142-1) signing as incremental updates, renewal, and verification from proofs of
//! existence with revocation checks.
//!
//! - [`sign_pdf`] appends an invisible signature (`/SubFilter /ETSI.CAdES.detached`,
//!   SHA-256, signed attributes contentType, messageDigest and signingCertificateV2, the
//!   signing time in `/M`) without changing a byte of the input: the input is a prefix of
//!   the output.
//! - [`verify_signatures`] reports, for each signature of a PDF, whether it is intact,
//!   what it covers, who signed, when, and whether the certificate chains to a trust
//!   anchor (CA constraints, path length, critical extensions, validity), at the signing
//!   time the signature claims and now; with anchors also at the time its timestamps
//!   prove, with a revocation verdict on every certificate of the path (`poe`).
//! - A [`Signer`] is anything that signs with a certified key; [`load`] reads the
//!   file-based ones (PEM/DER keys, PKCS#12).
//!
//! ```no_run
//! use jixiao_sign::{load, sign_pdf, verify_signatures, SignOptions};
//! let pdf = std::fs::read("form.pdf")?;
//! let signer = load::signer_from_files("key.pem".as_ref(), "cert.pem".as_ref(), &[])?;
//! let signed = sign_pdf(&pdf, signer.as_ref(), &SignOptions::default())?;
//! let ca = load::certificates_from_file("ca.pem".as_ref())?;
//! for report in verify_signatures(&signed, &ca)? {
//!     assert!(report.is_valid(), "{report}");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Modules, one job each: [`load`] (keys and certificates from files), `signer` (the
//! trait and the RSA and ECDSA P-256 signers), `cms` (the CMS SignedData), `incremental`
//! (the PDF update), `verify` (reading signatures), `validation` (the whole check),
//! `changes` (what was changed after a signature), `poe` (validation from proofs of
//! existence), `chain` (path to a trust anchor), `crypto` (checking a signature value),
//! `asn1` (the RFC 3161 and RFC 6960 types), [`tsp`] (timestamps), [`revocation`] (OCSP
//! and CRLs), [`dss`] (the Document Security Store), `level` and `ltv` (the levels and
//! renewal) and `http` (the HTTP client).

mod asn1;
mod chain;
mod changes;
mod cms;
mod crypto;
pub mod dss;
mod error;
mod http;
mod incremental;
mod level;
pub mod load;
mod ltv;
mod oids;
pub mod pdf_nesting;
mod pdfobj;
mod poe;
pub mod revocation;
mod signer;
pub mod tsp;
mod validation;
mod verify;

use chrono::{DateTime, Utc};

/// The certificate-path check of signatures, also used for the certificates of
/// electronic seals (`jixiao_ofd::seal`).
pub use chain::check as chain_check;
pub use chain::Trust;
pub use error::{SignError, VerifyError};
pub use ltv::{renew, timestamp_document, Level, LtvSources};
pub use revocation::{RevocationData, Status as RevocationStatus, ValidationData};
pub use signer::{EcdsaP256Signer, RsaSigner, SignatureAlgorithm, Signer};
pub use validation::{verify_signatures, verify_signatures_at, verify_signatures_with};
pub use verify::{revisions, CertificateRevocation, ItemKind, SignatureReport, TimestampInfo};
pub use x509_cert::Certificate;

/// How to sign: what goes into the signature dictionary besides the signature.
#[derive(Debug, Clone, Default)]
pub struct SignOptions {
    /// The signing time written to `/M`; the current time when `None`. (PAdES B-B: a
    /// claimed time, not attested by a timestamp.)
    pub signing_time: Option<DateTime<Utc>>,
    /// `/Reason`, e.g. "归档 / archived".
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// The signature field's name; the first free `SignatureN` when `None`.
    pub field_name: Option<String>,
    /// The 1-based page whose annotations hold the (invisible) signature widget; page 1
    /// when `None`.
    pub page: Option<u32>,
    /// The PAdES baseline level: B-B (default), B-T, B-LT or B-LTA.
    pub level: Level,
    /// The TSA and the revocation data for the levels above B-B.
    pub ltv: LtvSources,
}

/// Signs `pdf` with `signer`: returns `pdf` followed by an incremental update holding a
/// PAdES baseline B-B signature over the whole result (all but the signature itself).
pub fn sign_pdf(
    pdf: &[u8],
    signer: &dyn Signer,
    options: &SignOptions,
) -> Result<Vec<u8>, SignError> {
    let time = verify::pdf_date(options.signing_time.unwrap_or_else(Utc::now));
    let name = signer
        .certificate()
        .tbs_certificate()
        .subject()
        .common_name()
        .ok()
        .flatten()
        .map(|cn| cn.value().into_owned());
    let tsa = if options.level >= Level::BT {
        Some(options.ltv.tsa_for(&options.level.to_string())?)
    } else {
        None
    };
    let stamper = |signature: &[u8]| ltv::stamp(tsa.unwrap_or_default(), signature);
    let timestamper: Option<cms::Timestamper<'_>> = match tsa {
        Some(_) => Some(&stamper),
        None => None,
    };
    let mut reserve = estimated_signature_len(signer) + if tsa.is_some() { 16 * 1024 } else { 0 };
    let signed = loop {
        let fields = incremental::SignatureFields {
            time: &time,
            name: name.as_deref(),
            reason: options.reason.as_deref(),
            location: options.location.as_deref(),
            field_name: options.field_name.as_deref(),
            page: options.page.unwrap_or(1),
            contents_len: reserve,
            doc_timestamp: false,
        };
        let prepared = incremental::prepare(pdf, &fields)?;
        let digest = crypto::DigestAlgorithm::Sha256.hash(&prepared.signed_parts());
        let cms = cms::build(signer, &digest, timestamper)?;
        if cms.len() <= prepared.capacity() {
            break prepared.fill(&cms)?;
        }
        // The estimate was short (an unusual certificate): make room and sign again.
        reserve = cms.len() + 1024;
    };
    if options.level < Level::BLT {
        return Ok(signed);
    }
    // B-LT: the signer's path and the signature timestamp's TSA path, with their
    // revocation data, in a DSS.
    let mut data = revocation::ValidationData::default();
    let mut pool: Vec<Certificate> = signer.chain().to_vec();
    pool.push(signer.certificate().clone());
    ltv::collect_path(&mut data, signer.certificate(), &pool, &options.ltv)?;
    if let Some(token) = ltv::newest_token(&signed)? {
        let checked = tsp::check_token(&token, &[], |_| None);
        if let Some(tsa_cert) = &checked.tsa {
            pool.extend(checked.certs.iter().cloned());
            ltv::collect_path(&mut data, tsa_cert, &pool, &options.ltv)?;
        }
    }
    let with_dss = dss::append(&signed, &data)?;
    if options.level < Level::BLTA {
        return Ok(with_dss);
    }
    ltv::timestamp_document(&with_dss, tsa.unwrap_or_default())
}

/// Room for the CMS: the certificates, the signature and the attributes, with margin.
fn estimated_signature_len(signer: &dyn Signer) -> usize {
    use der::Encode;
    let certs: usize = std::iter::once(signer.certificate())
        .chain(signer.chain())
        .map(|c| c.encoded_len().map_or(2048, |l| u32::from(l) as usize))
        .sum();
    let bits = signer::key_bits(signer.certificate()).unwrap_or(4096);
    certs + signer.algorithm().max_signature_len(bits) + 2048
}

//! Signatures that outlive their certificates: the PAdES baseline levels above B-B
//! (ETSI EN 319 142-1 §6) and the renewal of an archive.
//!
//! - **B-T**: the signature value is timestamped by a TSA (RFC 3161) and the token is
//!   an unsigned attribute of the signature (done while signing, in `cms`).
//! - **B-LT**: a DSS update with the certificates, OCSP responses and CRLs of the
//!   signer's path and of the signature timestamp's TSA path ([`dss`](crate::dss)).
//! - **B-LTA**: a document timestamp (`/ETSI.RFC3161`) over the whole file, DSS included.
//! - **Renewal** ([`renew`]): the DSS data of the newest timestamp's TSA path, then a new
//!   document timestamp — done before that TSA's certificate expires, it keeps the proof
//!   chain unbroken.

use jixiao_core::text;
use lopdf::Document;
use x509_cert::Certificate;

use super::dss;
use super::error::SignError;
use super::incremental::{self, SignatureFields};
pub use super::level::Level;
use super::revocation::{RevocationData, ValidationData};
use super::tsp;

/// Where the long-term data comes from: the TSA, and revocation data given as files
/// (for sites without access to the CAs' OCSP responders and CRLs).
#[derive(Debug, Clone, Default)]
pub struct LtvSources {
    /// The TSA's URL (`http://`).
    pub tsa: Option<String>,
    /// OCSP responses and CRLs to use instead of fetching, for the certificates they
    /// cover.
    pub revocation: Vec<RevocationData>,
    /// Extra certificates to complete paths (the TSA's CA, say).
    pub certs: Vec<Certificate>,
}

impl LtvSources {
    /// The TSA URL, or the error that a level needs one.
    pub(crate) fn tsa_for(&self, what: &str) -> Result<&str, SignError> {
        self.tsa.as_deref().ok_or_else(|| {
            SignError::Ltv(text!(
                "{what} 需要时间戳服务：请给出 --tsa URL",
                "{what} needs a timestamp service: give --tsa URL"
            ))
        })
    }
}

/// Asks the TSA for a token over `data` (SHA-256), as a [`SignError`].
pub(crate) fn stamp(url: &str, data: &[u8]) -> Result<Vec<u8>, SignError> {
    tsp::request_token(url, data, false).map_err(SignError::Ltv)
}

/// The path of `leaf` through `pool` by issuer names and signatures, up to a self-signed
/// certificate or as far as the pool goes (leaf first).
pub(crate) fn issuer_path(leaf: &Certificate, pool: &[Certificate]) -> Vec<Certificate> {
    let mut path = vec![leaf.clone()];
    while path.len() < 8 {
        let Some(last) = path.last() else { break };
        let tbs = last.tbs_certificate();
        if tbs.issuer() == tbs.subject() {
            break;
        }
        let Some(issuer) = pool.iter().find(|c| {
            c.tbs_certificate().subject() == tbs.issuer()
                && !path.contains(c)
                && crate::chain::signed_by(last, c).is_ok()
        }) else {
            break;
        };
        path.push(issuer.clone());
    }
    path
}

/// The validation data of the path of `leaf` (completed from `pool` and the sources'
/// certificates), fetched or taken from the files given.
pub(crate) fn collect_path(
    data: &mut ValidationData,
    leaf: &Certificate,
    pool: &[Certificate],
    sources: &LtvSources,
) -> Result<(), SignError> {
    let mut all = pool.to_vec();
    all.extend(sources.certs.iter().cloned());
    let mut path = issuer_path(leaf, &all);
    // A path that stops short of a self-signed root: the issuers its certificates name
    // (authorityInfoAccess caIssuers).
    while let Some(last) = path.last() {
        let tbs = last.tbs_certificate();
        if tbs.issuer() == tbs.subject() {
            break;
        }
        let found = crate::revocation::fetch_issuers(last);
        if found.is_empty() {
            break;
        }
        let before = path.len();
        all.extend(found);
        path = issuer_path(leaf, &all);
        if path.len() == before {
            break;
        }
    }
    if let Some(last) = path.last() {
        let tbs = last.tbs_certificate();
        if tbs.issuer() != tbs.subject() {
            let (subject, issuer) = (tbs.subject().to_string(), tbs.issuer().to_string());
            return Err(SignError::Ltv(text!(
                "证书 {subject} 的签发者 {issuer} 的证书找不到，无法取得其吊销信息：请用 --chain 或 --extra-cert 给出",
                "the certificate of {issuer}, the issuer of {subject}, is not found, so its revocation data cannot be fetched: give it with --chain or --extra-cert"
            )));
        }
    }
    data.collect(&path, &sources.revocation)
        .map_err(SignError::Ltv)
}

/// Appends a document timestamp (PAdES B-LTA) from the TSA at `url` over the whole of
/// `pdf`.
pub fn timestamp_document(pdf: &[u8], url: &str) -> Result<Vec<u8>, SignError> {
    let mut reserve = 16 * 1024;
    loop {
        let fields = SignatureFields {
            time: "",
            name: None,
            reason: None,
            location: None,
            field_name: None,
            page: 1,
            contents_len: reserve,
            doc_timestamp: true,
        };
        let prepared = incremental::prepare(pdf, &fields)?;
        let token = stamp(url, &prepared.signed_parts().concat())?;
        if token.len() <= prepared.capacity() {
            return prepared.fill(&token);
        }
        reserve = token.len() + 1024;
    }
}

/// The newest timestamp token of `pdf`: the last document timestamp's, else the last
/// signature's signature timestamp.
pub(crate) fn newest_token(pdf: &[u8]) -> Result<Option<Vec<u8>>, SignError> {
    let items = crate::verify::signed_items(pdf).map_err(|e| SignError::Pdf(e.to_string()))?;
    for item in items.iter().rev() {
        if let Some(token) = item.newest_token() {
            return Ok(Some(token));
        }
    }
    Ok(None)
}

/// Renews `pdf` (PAdES B-LTA): adds to its DSS the validation data of the newest
/// timestamp's TSA path, then a document timestamp from the TSA at `sources.tsa`. A file
/// with no timestamp at all gets a document timestamp too (its signatures' data must
/// be added by signing at B-LT).
pub fn renew(pdf: &[u8], sources: &LtvSources) -> Result<Vec<u8>, SignError> {
    let url = sources.tsa_for("renew")?;
    let mut data = ValidationData::default();
    if let Some(token) = newest_token(pdf)? {
        let checked = tsp::check_token(&token, &[], |_| None);
        if let Some(tsa) = &checked.tsa {
            let mut pool = checked.certs.clone();
            let doc = Document::load_mem(pdf).map_err(|e| SignError::Pdf(e.to_string()))?;
            pool.extend(dss::Dss::read(&doc).certs.into_iter().map(|(c, _)| c));
            collect_path(&mut data, tsa, &pool, sources)?;
        }
    }
    let with_dss = dss::append(pdf, &data)?;
    timestamp_document(&with_dss, url)
}

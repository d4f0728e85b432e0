//! Revocation: OCSP (RFC 6960) and CRLs (RFC 5280 §5) — fetching them from the URLs a
//! certificate names (authorityInfoAccess id-ad-ocsp, cRLDistributionPoints), checking
//! them (signed by the certificate's issuer or by a responder it delegated OCSP to with
//! id-kp-OCSPSigning; a CRL by the issuer itself), and the verdict on a certificate at a
//! time: good, revoked, or unknown.
//!
//! Freshness: data counts for a certificate used at time `t` only when it was issued at or
//! after the time of use `since` (the signature's or timestamp's own time): a response
//! older than the signature says nothing about it (EU DSS: add LT data only after a
//! revocation update newer than the signature timestamp). A revocation dated after the
//! time the use is proved (`t`) leaves the use valid, and is said.
//!
//! Not covered: indirect CRLs, delta CRLs, CRL issuing-distribution-point scopes, signed
//! OCSP requests, and the revocation of OCSP responders and CRL issuers themselves
//! (responders are expected to carry id-pkix-ocsp-nocheck, as RFC 6960 §4.2.2.2.1 advises).

use chrono::{DateTime, Utc};
use der::asn1::OctetString;
use der::{Decode, Encode};
use jixiao_core::text;
use jixiao_core::words::Text;
use spki::AlgorithmIdentifierOwned;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints, ExtendedKeyUsage};
use x509_cert::Certificate;

use super::asn1::{
    cert_status, read_time, BasicOcspResponse, CertId, CertStatus, OcspRequest, OcspResponse,
    OcspSingleRequest, OcspTbsRequest, ResponseData,
};
use super::crypto::{self, DigestAlgorithm};
use super::oids;
use super::signer::subject_of;

/// One piece of revocation data: an OCSP response or a CRL, as DER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevocationData {
    /// A DER `OCSPResponse`.
    Ocsp(Vec<u8>),
    /// A DER `CertificateList`.
    Crl(Vec<u8>),
}

impl RevocationData {
    /// Reads a file's bytes: an OCSP response or a CRL, DER or PEM (`X509 CRL`).
    pub fn from_bytes(bytes: &[u8]) -> Result<RevocationData, Text> {
        let der = match der::pem::decode_vec(bytes) {
            Ok((_, der)) => der,
            Err(_) => bytes.to_vec(),
        };
        if CertificateList::<x509_cert::certificate::Rfc5280>::from_der(&der).is_ok() {
            return Ok(RevocationData::Crl(der));
        }
        if OcspResponse::from_der(&der).is_ok() {
            return Ok(RevocationData::Ocsp(der));
        }
        Err(text!(
            "既不是 OCSP 答复，也不是 CRL（DER 或 PEM）",
            "neither an OCSP response nor a CRL (DER or PEM)"
        ))
    }
}

/// The verdict on one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Not revoked, as of `issued` (the data's time), by `source`.
    Good {
        /// "OCSP (responder)" or "CRL (issuer)".
        source: Text,
        /// When the data was issued.
        issued: DateTime<Utc>,
    },
    /// Revoked at `at`, before the time its use is proved: the use is not valid.
    Revoked {
        /// The revocation time (if known).
        at: Option<DateTime<Utc>>,
        /// Which data says so.
        source: Text,
    },
    /// Revoked at `at`, after the time its use is proved: the use stays valid.
    RevokedLater {
        /// The revocation time.
        at: DateTime<Utc>,
        /// Which data says so.
        source: Text,
    },
    /// No usable data: why.
    Unknown {
        /// Why not.
        why: Text,
    },
}

impl Status {
    /// The verdict's word: good, revoked, unknown.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Good { .. } | Status::RevokedLater { .. } => "good",
            Status::Revoked { .. } => "revoked",
            Status::Unknown { .. } => "unknown",
        }
    }
}

/// The OCSP responder URLs of `cert` (http only).
pub fn ocsp_urls(cert: &Certificate) -> Vec<String> {
    access_urls(cert, oids::ID_AD_OCSP)
}

fn access_urls(cert: &Certificate, method: der::oid::ObjectIdentifier) -> Vec<String> {
    let Ok(Some((_, aia))) = cert
        .tbs_certificate()
        .get_extension::<AuthorityInfoAccessSyntax>()
    else {
        return Vec::new();
    };
    aia.0
        .iter()
        .filter(|a| a.access_method == method)
        .filter_map(|a| match &a.access_location {
            GeneralName::UniformResourceIdentifier(u) => Some(u.to_string()),
            _ => None,
        })
        .collect()
}

/// Fetches the issuer certificates `cert`'s authorityInfoAccess names (id-ad-caIssuers,
/// a DER or PEM certificate over HTTP); failures are skipped.
pub(crate) fn fetch_issuers(cert: &Certificate) -> Vec<Certificate> {
    access_urls(cert, oids::ID_AD_CA_ISSUERS)
        .iter()
        .filter_map(|url| crate::http::get(url).ok())
        .filter_map(|bytes| crate::load::certificates_from_bytes(&bytes).ok())
        .flatten()
        .collect()
}

/// The CRL distribution point URLs of `cert`.
pub fn crl_urls(cert: &Certificate) -> Vec<String> {
    let Ok(Some((_, dps))) = cert
        .tbs_certificate()
        .get_extension::<CrlDistributionPoints>()
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for dp in &dps.0 {
        if let Some(DistributionPointName::FullName(names)) = &dp.distribution_point {
            for n in names {
                if let GeneralName::UniformResourceIdentifier(u) = n {
                    out.push(u.to_string());
                }
            }
        }
    }
    out
}

/// Whether `cert` names anywhere to ask about its revocation.
pub fn has_revocation_source(cert: &Certificate) -> bool {
    !ocsp_urls(cert).is_empty() || !crl_urls(cert).is_empty()
}

/// Fetches what `cert`'s sources say now: an OCSP response from its responder (asked
/// about `cert`, issued by `issuer`), else its CRLs. Errors name the URLs tried.
pub fn fetch(cert: &Certificate, issuer: &Certificate) -> Result<Vec<RevocationData>, Text> {
    let mut errors: Vec<Text> = Vec::new();
    for url in ocsp_urls(cert) {
        match fetch_ocsp(&url, cert, issuer) {
            Ok(der) => return Ok(vec![RevocationData::Ocsp(der)]),
            Err(e) => errors.push(e),
        }
    }
    let mut crls = Vec::new();
    for url in crl_urls(cert) {
        match crate::http::get(&url) {
            Ok(der) => match CertificateList::<x509_cert::certificate::Rfc5280>::from_der(&der) {
                Ok(_) => crls.push(RevocationData::Crl(der)),
                Err(e) => errors.push(text!(
                    "{url} 给出的不是 DER 格式的 CRL：{e}",
                    "{url} did not give a DER CRL: {e}"
                )),
            },
            Err(e) => errors.push(e),
        }
    }
    if !crls.is_empty() {
        return Ok(crls);
    }
    let subject = subject_of(cert);
    if errors.is_empty() {
        return Err(text!(
            "证书 {subject} 没有给出 OCSP 或 CRL 地址，无法在线检查吊销",
            "the certificate {subject} names no OCSP responder or CRL: its revocation cannot be checked online"
        ));
    }
    let zh: Vec<&str> = errors.iter().map(|e| e.zh.as_str()).collect();
    let en: Vec<&str> = errors.iter().map(|e| e.en.as_str()).collect();
    Err(Text::new(zh.join("；"), en.join("; ")).after(&text!(
        "无法取得证书 {subject} 的吊销信息",
        "cannot fetch the revocation data of {subject}"
    )))
}

/// The `CertID` of `cert` (issued by `issuer`) with SHA-1, as responders expect.
fn cert_id(cert: &Certificate, issuer: &Certificate) -> Result<CertId, Text> {
    let der_err = |e: der::Error| text!("DER 编码错误：{e}", "DER error: {e}");
    let name = issuer
        .tbs_certificate()
        .subject()
        .to_der()
        .map_err(der_err)?;
    let key = issuer
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes();
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: oids::SHA_1,
            parameters: Some(der::asn1::Any::from(der::asn1::Null)),
        },
        issuer_name_hash: OctetString::new(DigestAlgorithm::Sha1.hash(&[&name]))
            .map_err(der_err)?,
        issuer_key_hash: OctetString::new(DigestAlgorithm::Sha1.hash(&[key])).map_err(der_err)?,
        serial_number: cert.tbs_certificate().serial_number().clone(),
    })
}

fn fetch_ocsp(url: &str, cert: &Certificate, issuer: &Certificate) -> Result<Vec<u8>, Text> {
    let request = OcspRequest {
        tbs_request: OcspTbsRequest {
            request_list: vec![OcspSingleRequest {
                req_cert: cert_id(cert, issuer)?,
                single_request_extensions: None,
            }],
            request_extensions: None,
        },
    };
    let body = request
        .to_der()
        .map_err(|e| text!("DER 编码错误：{e}", "DER error: {e}"))?;
    let der = crate::http::post(
        url,
        "application/ocsp-request",
        &body,
        "application/ocsp-response",
    )?;
    let ocsp = Ocsp::parse(&der)?;
    match ocsp.status_of(cert, issuer) {
        Some(_) => Ok(der),
        None => Err(text!(
            "{url} 的 OCSP 答复没有提到证书 {}",
            "the OCSP response of {url} does not speak of {}",
            subject_of(cert)
        )),
    }
}

/// A parsed basic OCSP response.
pub(crate) struct Ocsp {
    basic: BasicOcspResponse,
    data: ResponseData,
}

impl Ocsp {
    /// Parses a DER `OCSPResponse` whose status is successful and type basic.
    pub(crate) fn parse(der: &[u8]) -> Result<Ocsp, Text> {
        let bad = |e: String| {
            text!(
                "OCSP 答复无法解析：{e}",
                "cannot parse the OCSP response: {e}"
            )
        };
        let response = OcspResponse::from_der(der).map_err(|e| bad(e.to_string()))?;
        let status = response
            .response_status
            .value()
            .first()
            .copied()
            .unwrap_or(255);
        if status != 0 {
            return Err(text!(
                "OCSP 服务答复状态 {status}（不是 successful）",
                "the OCSP responder answered status {status} (not successful)"
            ));
        }
        let bytes = response
            .response_bytes
            .ok_or_else(|| bad("no responseBytes".into()))?;
        if bytes.response_type != oids::ID_PKIX_OCSP_BASIC {
            return Err(bad(format!("type {}", bytes.response_type)));
        }
        let basic = BasicOcspResponse::from_der(bytes.response.as_bytes())
            .map_err(|e| bad(e.to_string()))?;
        let data = basic
            .tbs_response_data
            .decode_as::<ResponseData>()
            .map_err(|e| bad(e.to_string()))?;
        Ok(Ocsp { basic, data })
    }

    /// `producedAt`.
    pub(crate) fn produced_at(&self) -> Option<DateTime<Utc>> {
        read_time(&self.data.produced_at)
    }

    /// The status of `cert` (issued by `issuer`) and the response's thisUpdate, if the
    /// response speaks of it.
    pub(crate) fn status_of(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
    ) -> Option<(CertStatus, Option<DateTime<Utc>>)> {
        let name = issuer.tbs_certificate().subject().to_der().ok()?;
        let key = issuer
            .tbs_certificate()
            .subject_public_key_info()
            .subject_public_key
            .raw_bytes();
        self.data.responses.iter().find_map(|r| {
            let id = &r.cert_id;
            let d = DigestAlgorithm::from_oid(id.hash_algorithm.oid)?;
            let matches = &id.serial_number == cert.tbs_certificate().serial_number()
                && d.hash(&[&name]).as_slice() == id.issuer_name_hash.as_bytes()
                && d.hash(&[key]).as_slice() == id.issuer_key_hash.as_bytes();
            matches.then(|| (cert_status(&r.cert_status), read_time(&r.this_update)))
        })
    }

    /// The certificates the response carries.
    pub(crate) fn certs(&self) -> Vec<Certificate> {
        self.basic.certs.clone().unwrap_or_default()
    }

    /// Checks the response's signature: by `issuer` itself, or by a responder certificate
    /// (carried in the response or in `pool`) that `issuer` signed, with id-kp-OCSPSigning,
    /// valid when the response was produced. Returns the responder's subject.
    pub(crate) fn check_signature(
        &self,
        issuer: &Certificate,
        pool: &[Certificate],
    ) -> Result<String, Text> {
        let message = self
            .basic
            .tbs_response_data
            .to_der()
            .map_err(|e| text!("DER 编码错误：{e}", "DER error: {e}"))?;
        let signature = self.basic.signature.as_bytes().unwrap_or_default();
        let verifies = |c: &Certificate| {
            crypto::verify(
                c.tbs_certificate().subject_public_key_info(),
                &self.basic.signature_algorithm,
                None,
                &message,
                signature,
            )
            .is_ok()
        };
        if verifies(issuer) {
            return Ok(subject_of(issuer));
        }
        let produced = self.produced_at();
        let carried = self.certs();
        for responder in carried.iter().chain(pool.iter()) {
            if responder.tbs_certificate().issuer() != issuer.tbs_certificate().subject()
                || !verifies(responder)
            {
                continue;
            }
            let delegated = matches!(
                responder.tbs_certificate().get_extension::<ExtendedKeyUsage>(),
                Ok(Some((_, eku))) if eku.0.contains(&oids::ID_KP_OCSP_SIGNING)
            );
            let signed_by_issuer = crate::chain::signed_by(responder, issuer).is_ok();
            let valid_then = produced.is_some_and(|t| within_validity(responder, t));
            if delegated && signed_by_issuer && valid_then {
                return Ok(subject_of(responder));
            }
        }
        Err(text!(
            "OCSP 答复的签名不是 {} 或其授权的 OCSP 服务所签",
            "the OCSP response is not signed by {} or a responder it authorised",
            subject_of(issuer)
        ))
    }
}

/// Whether `t` is within `cert`'s validity period.
pub(crate) fn within_validity(cert: &Certificate, t: DateTime<Utc>) -> bool {
    let v = cert.tbs_certificate().validity();
    let at = std::time::SystemTime::from(t);
    at >= v.not_before.to_system_time() && at <= v.not_after.to_system_time()
}

/// A parsed CRL.
pub(crate) struct Crl {
    list: CertificateList<x509_cert::certificate::Rfc5280>,
}

impl Crl {
    pub(crate) fn parse(der: &[u8]) -> Result<Crl, Text> {
        CertificateList::<x509_cert::certificate::Rfc5280>::from_der(der)
            .map(|list| Crl { list })
            .map_err(|e| text!("CRL 无法解析：{e}", "cannot parse the CRL: {e}"))
    }

    /// `thisUpdate`.
    pub(crate) fn this_update(&self) -> DateTime<Utc> {
        DateTime::<Utc>::from(self.list.tbs_cert_list.this_update.to_system_time())
    }

    /// Whether this is `issuer`'s CRL, signed by it.
    pub(crate) fn issued_by(&self, issuer: &Certificate) -> bool {
        if &self.list.tbs_cert_list.issuer != issuer.tbs_certificate().subject() {
            return false;
        }
        let Ok(tbs) = self.list.tbs_cert_list.to_der() else {
            return false;
        };
        crypto::verify(
            issuer.tbs_certificate().subject_public_key_info(),
            &self.list.signature_algorithm,
            None,
            &tbs,
            self.list.signature.as_bytes().unwrap_or_default(),
        )
        .is_ok()
    }

    /// When `cert` was revoked, if this CRL lists it.
    pub(crate) fn revoked_at(&self, cert: &Certificate) -> Option<DateTime<Utc>> {
        self.list
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten()
            .find(|r| &r.serial_number == cert.tbs_certificate().serial_number())
            .map(|r| DateTime::<Utc>::from(r.revocation_date.to_system_time()))
    }
}

/// The verdict on `cert` (issued by `issuer`) used at `since` (the signature's or
/// timestamp's own time) and proved to have been used by `proved` (the time a later
/// timestamp, or the validation time, proves), from `data` (certificates for delegated
/// responders in `pool`).
pub(crate) fn status(
    cert: &Certificate,
    issuer: &Certificate,
    data: &[RevocationData],
    pool: &[Certificate],
    since: DateTime<Utc>,
    proved: DateTime<Utc>,
) -> Status {
    let subject = subject_of(cert);
    let mut good: Option<Status> = None;
    let mut later: Option<Status> = None;
    let mut stale = false;
    for d in data {
        let (state, issued, source) = match d {
            RevocationData::Ocsp(der) => {
                let Ok(ocsp) = Ocsp::parse(der) else { continue };
                let Some((state, this_update)) = ocsp.status_of(cert, issuer) else {
                    continue;
                };
                let Ok(responder) = ocsp.check_signature(issuer, pool) else {
                    continue;
                };
                let issued = ocsp
                    .produced_at()
                    .into_iter()
                    .chain(this_update)
                    .max()
                    .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
                let state = match state {
                    CertStatus::Good => None,
                    CertStatus::Revoked(at) => Some(at),
                    CertStatus::Unknown => continue,
                };
                (
                    state,
                    issued,
                    text!("OCSP（{responder}）", "OCSP ({responder})"),
                )
            }
            RevocationData::Crl(der) => {
                let Ok(crl) = Crl::parse(der) else { continue };
                if !crl.issued_by(issuer) {
                    continue;
                }
                let issuer_name = subject_of(issuer);
                (
                    crl.revoked_at(cert).map(Some),
                    crl.this_update(),
                    text!("CRL（{issuer_name}）", "CRL ({issuer_name})"),
                )
            }
        };
        match state {
            Some(at) if at.is_none_or(|at| at <= proved) => {
                return Status::Revoked { at, source };
            }
            Some(Some(at)) => {
                later = Some(Status::RevokedLater { at, source });
            }
            Some(None) => {}
            None if issued >= since => {
                // The newest data says the most.
                let newer = match &good {
                    Some(Status::Good { issued: seen, .. }) => issued > *seen,
                    _ => true,
                };
                if newer {
                    good = Some(Status::Good { source, issued });
                }
            }
            None => stale = true,
        }
    }
    if let Some(l) = later {
        return l;
    }
    if let Some(g) = good {
        return g;
    }
    let since_text = since.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    Status::Unknown {
        why: if stale {
            text!(
                "证书 {subject} 的吊销信息都早于其使用时间 {since_text}，不能证明当时未被吊销",
                "the revocation data of {subject} all predates its use at {since_text}: it cannot prove the certificate was not revoked then"
            )
        } else {
            text!(
                "没有证书 {subject} 的吊销信息（OCSP 或 CRL）",
                "no revocation data (OCSP or CRL) for the certificate {subject}"
            )
        },
    }
}

/// The certificates and revocation data that make a signature's or timestamp's paths
/// verifiable offline, as the DSS keeps them.
#[derive(Debug, Clone, Default)]
pub struct ValidationData {
    /// Certificates.
    pub certs: Vec<Certificate>,
    /// OCSP responses and CRLs.
    pub revocation: Vec<RevocationData>,
}

impl ValidationData {
    /// Adds a certificate unless it is there.
    pub fn add_cert(&mut self, cert: &Certificate) {
        if !self.certs.contains(cert) {
            self.certs.push(cert.clone());
        }
    }

    /// Adds revocation data unless it is there.
    pub fn add_revocation(&mut self, data: RevocationData) {
        if !self.revocation.contains(&data) {
            self.revocation.push(data);
        }
    }

    /// Collects, for each certificate of the path `path` (leaf first, up to but not
    /// including a self-signed root), the revocation data its sources give now (and the
    /// OCSP responders' certificates); `given` (files for offline sites) is used instead
    /// of fetching for the certificates it covers.
    pub fn collect(&mut self, path: &[Certificate], given: &[RevocationData]) -> Result<(), Text> {
        for c in path {
            self.add_cert(c);
        }
        for pair in path.windows(2) {
            let (cert, issuer) = (&pair[0], &pair[1]);
            let covered: Vec<RevocationData> = given
                .iter()
                .filter(|d| covers(d, cert, issuer))
                .cloned()
                .collect();
            let data = if covered.is_empty() {
                fetch(cert, issuer)?
            } else {
                covered
            };
            for d in data {
                if let RevocationData::Ocsp(der) = &d {
                    if let Ok(ocsp) = Ocsp::parse(der) {
                        for c in ocsp.certs() {
                            self.add_cert(&c);
                        }
                    }
                }
                self.add_revocation(d);
            }
        }
        Ok(())
    }
}

/// Whether `data` speaks of `cert` issued by `issuer`.
fn covers(data: &RevocationData, cert: &Certificate, issuer: &Certificate) -> bool {
    match data {
        RevocationData::Ocsp(der) => Ocsp::parse(der)
            .ok()
            .is_some_and(|o| o.status_of(cert, issuer).is_some()),
        RevocationData::Crl(der) => Crl::parse(der).ok().is_some_and(|c| c.issued_by(issuer)),
    }
}

/// Whether `cert` carries id-pkix-ocsp-nocheck (an OCSP responder's certificate).
pub(crate) fn is_ocsp_nocheck(cert: &Certificate) -> bool {
    cert.tbs_certificate()
        .extensions()
        .is_some_and(|exts| exts.iter().any(|e| e.extn_id == oids::ID_PKIX_OCSP_NOCHECK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revocation_files_that_are_neither_are_refused() {
        let e = RevocationData::from_bytes(b"not a CRL").expect_err("refused");
        assert!(e.en.contains("neither an OCSP response nor a CRL"), "{e:?}");
        assert!(RevocationData::from_bytes(b"").is_err());
    }

    #[test]
    fn without_data_the_verdict_is_unknown_and_says_why() {
        let cert = crate::load::certificates_from_bytes(TEST_CERT.as_bytes())
            .expect("cert")
            .remove(0);
        let t = DateTime::<Utc>::UNIX_EPOCH;
        match status(&cert, &cert, &[], &[], t, t) {
            Status::Unknown { why } => assert!(why.en.contains("no revocation data"), "{why:?}"),
            other => panic!("{other:?}"),
        }
        assert!(!has_revocation_source(&cert));
    }

    /// A self-signed P-256 certificate without revocation sources (openssl req -x509).
    const TEST_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBfjCCASOgAwIBAgIUAqr+bJ/QIW6tvnhC6WGp9BclG28wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJdW5pdC10ZXN0MB4XDTI2MTIwODAwMDgxNFoXDTM2MTIwNTAw
MDgxNFowFDESMBAGA1UEAwwJdW5pdC10ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEuKsHX5wiDmGbDPF0EKX8/xOb4dGivvDfedCgmEPEaWTr2o0wfTen3tbx
6jV9PBF5XUSdr1uCQh0vFZV/JH+cC6NTMFEwHQYDVR0OBBYEFPf0RPK5RF4c+/IV
L7JnpUAJCOqyMB8GA1UdIwQYMBaAFPf0RPK5RF4c+/IVL7JnpUAJCOqyMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAO1CTBWgYiBOjT9pNm8SbyNW
9yB9zUrK7ZGtlLL6n8PyAiEAo5UN60mlQimrNZ1hY7lkoNtUXYl8ukE5x1gHb6MS
3yM=
-----END CERTIFICATE-----
";
}

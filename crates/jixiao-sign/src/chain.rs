//! Does a signer's certificate chain to a trust anchor? Builds a path from the signer's
//! certificate through the certificates embedded in the signature to one of the anchors
//! and checks it the way RFC 5280 §6.1 does for the parts that matter to a document
//! signature:
//!
//! - every certificate's signature verifies with its issuer's key (RSA PKCS#1 v1.5 and
//!   ECDSA P-256 with SHA-2, SM2 with SM3), and its inner and outer signature algorithms
//!   agree;
//! - every issuer — intermediate or anchor — is a CA: `basicConstraints` with `cA`, and,
//!   when it has a `keyUsage`, `keyCertSign`; its `pathLenConstraint` bounds the
//!   (non-self-issued) intermediate CAs below it;
//! - the signer's `keyUsage`, when present, allows `digitalSignature` or
//!   `nonRepudiation`;
//! - a certificate with a critical extension this module does not process is rejected
//!   (RFC 5280 §4.2), among them name constraints and policy constraints;
//! - every certificate of the path, the anchor included, is valid at the time asked
//!   about. The path's structure is judged first and the times last, so a path that is
//!   only out of its validity period says so ([`TimeFault`]): the verifier asks at the
//!   claimed signing time and now.
//!
//! Revocation (CRLs, OCSP) is checked elsewhere (`revocation`, `poe`), and certificate policies are not
//! enforced (any policy is acceptable; `certificatePolicies` is read as understood).
//! `extendedKeyUsage` is not required: document-signing certificates carry various
//! purposes or none.
//!
//! Why not `rustls-webpki`: it is a well-tested path builder, but built for TLS. It
//! ignores the `keyUsage` extension altogether (no `keyCertSign` on CAs, no
//! `digitalSignature`/`nonRepudiation` on the signer), which a document signature needs;
//! its signature algorithms come from `ring` or `aws-lc-rs` (a second crypto stack beside
//! the RustCrypto one the CMS code uses) unless each is adapted by hand, and SM2, which
//! the certificates of electronic seals use (`jixiao_ofd::seal` shares this check), is in
//! neither; and it does not check a trust anchor's own validity period. The checks above
//! are few and each has a test with OpenSSL-made certificates (tests/sign.rs).

use std::time::SystemTime;

use der::oid::ObjectIdentifier as Oid;
use der::Encode;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage};
use x509_cert::Certificate;

use super::crypto;
use super::signer::subject_of;

/// Whether a signature's certificate chains to a trust anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Trust {
    /// The chain ends at this trust anchor (its subject).
    Trusted {
        /// The subject of the anchor.
        anchor: String,
    },
    /// No valid chain to an anchor; `reason` says why, Chinese first.
    Untrusted {
        /// Why not.
        reason: String,
    },
}

impl Trust {
    /// True when the chain ends at a trust anchor.
    pub fn is_trusted(&self) -> bool {
        matches!(self, Trust::Trusted { .. })
    }
}

/// Why a path that is sound otherwise is not valid at the time asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeFault {
    /// A certificate of the path is not yet valid (the time is before its notBefore).
    NotYetValid,
    /// A certificate of the path has expired (the time is after its notAfter).
    Expired,
}

/// The verdict on a path at one time, and whether only the time spoiled it.
#[derive(Debug, Clone)]
pub(crate) struct PathCheck {
    /// Trusted, or why not.
    pub trust: Trust,
    /// Set when the path is sound and only a validity period excludes the time.
    pub time_fault: Option<TimeFault>,
    /// The path, signer first and anchor last, when one was built.
    pub path: Vec<Certificate>,
}

/// The longest path: the signer, intermediates and the anchor.
const MAX_DEPTH: usize = 8;

/// The extensions whose meaning this module knows (processed, or harmless to accept
/// when critical): basicConstraints, keyUsage, extKeyUsage, subject and authority key
/// identifiers, subject and issuer alternative names, certificatePolicies (any policy
/// is acceptable), CRL distribution points, freshest CRL, authority and subject
/// information access.
const UNDERSTOOD: &[Oid] = &[
    Oid::new_unwrap("2.5.29.19"),            // basicConstraints
    Oid::new_unwrap("2.5.29.15"),            // keyUsage
    Oid::new_unwrap("2.5.29.37"),            // extKeyUsage
    Oid::new_unwrap("2.5.29.14"),            // subjectKeyIdentifier
    Oid::new_unwrap("2.5.29.35"),            // authorityKeyIdentifier
    Oid::new_unwrap("2.5.29.17"),            // subjectAltName
    Oid::new_unwrap("2.5.29.18"),            // issuerAltName
    Oid::new_unwrap("2.5.29.32"),            // certificatePolicies
    Oid::new_unwrap("2.5.29.31"),            // cRLDistributionPoints
    Oid::new_unwrap("2.5.29.46"),            // freshestCRL
    Oid::new_unwrap("1.3.6.1.5.5.7.1.1"),    // authorityInfoAccess
    Oid::new_unwrap("1.3.6.1.5.5.7.1.11"),   // subjectInfoAccess
    Oid::new_unwrap("1.3.6.1.5.5.7.48.1.5"), // id-pkix-ocsp-nocheck
];

/// Checks that `signer` chains to one of `anchors` through `pool` (the certificates in the
/// signature), with every certificate valid at `at`.
pub fn check(
    signer: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
    at: SystemTime,
) -> Trust {
    check_path(signer, pool, anchors, at).trust
}

/// [`check`], telling apart a path that fails only on a validity period.
pub(crate) fn check_path(
    signer: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
    at: SystemTime,
) -> PathCheck {
    let untrusted = |reason: String| PathCheck {
        trust: Trust::Untrusted { reason },
        time_fault: None,
        path: Vec::new(),
    };
    if anchors.is_empty() {
        return untrusted("没有给出信任锚（--trust） / no trust anchor given (--trust)".into());
    }
    if let Some(problem) = signer_problem(signer) {
        return untrusted(problem);
    }
    let path = match build(signer, pool, anchors, at) {
        Ok(path) => path,
        Err(reason) => return untrusted(reason),
    };
    if let Some((fault, reason)) = path.iter().find_map(|cert| validity_problem(cert, at)) {
        return PathCheck {
            trust: Trust::Untrusted { reason },
            time_fault: Some(fault),
            path,
        };
    }
    let anchor = path.last().map_or_else(String::new, subject_of);
    PathCheck {
        trust: Trust::Trusted { anchor },
        time_fault: None,
        path,
    }
}

/// A path from `signer` to an anchor whose structure is sound (signatures, CA
/// constraints, critical extensions), or why there is none. Among candidate issuers,
/// anchors come first and certificates valid at `at` before others; a candidate that
/// does not lead to an anchor is backtracked from.
fn build(
    signer: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
    at: SystemTime,
) -> Result<Vec<Certificate>, String> {
    if anchors.contains(signer) {
        // A certificate trusted directly.
        return Ok(vec![signer.clone()]);
    }
    let mut path = vec![signer.clone()];
    let mut problem = None;
    if extend(&mut path, pool, anchors, at, &mut problem) {
        return Ok(path);
    }
    Err(problem.unwrap_or_else(|| {
        let subject = subject_of(signer);
        format!("找不到签发 {subject} 的可信证书 / no trusted issuer found for {subject}")
    }))
}

/// Extends `path` (signer first) by issuers until an anchor; false when no candidate
/// leads to one. `problem` keeps the first reason a candidate was refused for.
fn extend(
    path: &mut Vec<Certificate>,
    pool: &[Certificate],
    anchors: &[Certificate],
    at: SystemTime,
    problem: &mut Option<String>,
) -> bool {
    let Some(current) = path.last().cloned() else {
        return false;
    };
    let subject = subject_of(&current);
    if path.len() >= MAX_DEPTH {
        problem.get_or_insert_with(|| "证书链过长 / the certificate chain is too long".into());
        return false;
    }
    let issuer_name = current.tbs_certificate().issuer();
    let mut candidates: Vec<(&Certificate, bool)> = anchors
        .iter()
        .map(|a| (a, true))
        .chain(
            pool.iter()
                .filter(|c| !anchors.contains(c))
                .map(|c| (c, false)),
        )
        .filter(|(c, _)| c.tbs_certificate().subject() == issuer_name && !path.contains(c))
        .collect();
    // Anchors first, then those valid at `at` (a stable sort keeps the given order).
    candidates.sort_by_key(|(c, is_anchor)| (!is_anchor, validity_problem(c, at).is_some()));
    if candidates.is_empty() {
        let issuer = issuer_name.to_string();
        problem.get_or_insert_with(|| {
            if current.tbs_certificate().subject() == issuer_name {
                format!("证书 {subject} 是自签名证书，但不是信任锚 / {subject} is self-signed and not a trust anchor")
            } else {
                format!("找不到签发 {subject} 的可信证书（签发者 {issuer}） / no trusted issuer found for {subject} (issued by {issuer})")
            }
        });
        return false;
    }
    for (candidate, is_anchor) in candidates {
        if let Err(e) = signed_by(&current, candidate) {
            problem.get_or_insert_with(|| {
                format!("找不到签发 {subject} 的可信证书：名为 {issuer_name} 的证书的公钥不能验证其签名 / no trusted issuer found for {subject}: the key of the certificate named {issuer_name} does not verify its signature ({e})")
            });
            continue;
        }
        if let Some(p) = issuer_problem(candidate, path) {
            problem.get_or_insert(p);
            continue;
        }
        path.push(candidate.clone());
        if is_anchor || extend(path, pool, anchors, at, problem) {
            return true;
        }
        path.pop();
    }
    false
}

/// Why `issuer` cannot issue the last certificate of `below` (the path from the signer
/// up to the certificate it would sign): not a CA, no keyCertSign, a path length
/// constraint exceeded, or an unknown critical extension.
fn issuer_problem(issuer: &Certificate, below: &[Certificate]) -> Option<String> {
    let subject = subject_of(issuer);
    if let Some(p) = critical_extension_problem(issuer) {
        return Some(p);
    }
    let tbs = issuer.tbs_certificate();
    let constraints = match tbs.get_extension::<BasicConstraints>() {
        Ok(Some((_, bc))) if bc.ca => bc,
        Ok(_) => {
            return Some(format!(
                "证书 {subject} 不是 CA 证书（basicConstraints 无 cA），不能签发证书 / {subject} is not a CA certificate (no basicConstraints cA)"
            ))
        }
        Err(e) => {
            return Some(format!(
                "证书 {subject} 的 basicConstraints 无法解析 / cannot parse the basicConstraints of {subject}: {e}"
            ))
        }
    };
    match tbs.get_extension::<KeyUsage>() {
        Ok(Some((_, ku))) if !ku.key_cert_sign() => {
            return Some(format!(
                "证书 {subject} 的密钥用途没有 keyCertSign，不能签发证书 / the key usage of {subject} lacks keyCertSign: it may not issue certificates"
            ))
        }
        Ok(_) => {}
        Err(e) => {
            return Some(format!(
                "证书 {subject} 的 keyUsage 无法解析 / cannot parse the keyUsage of {subject}: {e}"
            ))
        }
    }
    if let Some(limit) = constraints.path_len_constraint {
        // The intermediate CAs between the signer and this issuer; self-issued ones
        // (subject = issuer, e.g. key rollover) do not count (RFC 5280 §6.1.4 (l)).
        let intermediates = below
            .iter()
            .skip(1)
            .filter(|c| c.tbs_certificate().subject() != c.tbs_certificate().issuer())
            .count();
        if intermediates > usize::from(limit) {
            return Some(format!(
                "证书 {subject} 的 pathLenConstraint 为 {limit}，其下却有 {intermediates} 个中间 CA / {subject} allows {limit} intermediate CA(s) below it (pathLenConstraint), the path has {intermediates}"
            ));
        }
    }
    None
}

/// Why `signer` may not sign documents: a key usage without digitalSignature and
/// nonRepudiation, or an unknown critical extension.
fn signer_problem(signer: &Certificate) -> Option<String> {
    if let Some(p) = critical_extension_problem(signer) {
        return Some(p);
    }
    let subject = subject_of(signer);
    match signer.tbs_certificate().get_extension::<KeyUsage>() {
        Ok(Some((_, ku))) if !(ku.digital_signature() || ku.non_repudiation()) => Some(format!(
            "证书 {subject} 的密钥用途不允许签名（无 digitalSignature、nonRepudiation） / the key usage of {subject} does not allow signing (no digitalSignature or nonRepudiation)"
        )),
        Ok(_) => None,
        Err(e) => Some(format!(
            "证书 {subject} 的 keyUsage 无法解析 / cannot parse the keyUsage of {subject}: {e}"
        )),
    }
}

/// The first critical extension of `cert` that this module does not process.
fn critical_extension_problem(cert: &Certificate) -> Option<String> {
    let unknown = cert
        .tbs_certificate()
        .extensions()?
        .iter()
        .find(|e| e.critical && !UNDERSTOOD.contains(&e.extn_id))?;
    let subject = subject_of(cert);
    let oid = unknown.extn_id;
    Some(format!(
        "证书 {subject} 含无法处理的关键扩展 {oid} / {subject} has a critical extension that is not processed: {oid}"
    ))
}

/// Checks that `cert` is signed by `issuer`'s key.
pub(crate) fn signed_by(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
    if cert.tbs_certificate().signature() != cert.signature_algorithm() {
        return Err(
            "证书内外的签名算法不一致 / the inner and outer signature algorithms differ".into(),
        );
    }
    let tbs = cert.tbs_certificate().to_der().map_err(|e| e.to_string())?;
    let signature = cert
        .signature()
        .as_bytes()
        .ok_or_else(|| "签名位串不完整 / bad signature bit string".to_string())?;
    crypto::verify(
        issuer.tbs_certificate().subject_public_key_info(),
        cert.signature_algorithm(),
        None,
        &tbs,
        signature,
    )
}

/// Why `cert` is not valid at `at`, if it is not.
fn validity_problem(cert: &Certificate, at: SystemTime) -> Option<(TimeFault, String)> {
    let validity = cert.tbs_certificate().validity();
    let subject = subject_of(cert);
    if at < validity.not_before.to_system_time() {
        return Some((
            TimeFault::NotYetValid,
            format!(
                "证书 {subject} 尚未生效（{} 起） / {subject} is not yet valid (from {})",
                validity.not_before, validity.not_before
            ),
        ));
    }
    if at > validity.not_after.to_system_time() {
        return Some((
            TimeFault::Expired,
            format!(
                "证书 {subject} 已过期（{} 止） / {subject} has expired ({})",
                validity.not_after, validity.not_after
            ),
        ));
    }
    None
}

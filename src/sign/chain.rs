//! Does a signer's certificate chain to a trust anchor? Builds the path from the signer's
//! certificate through the certificates embedded in the signature to one of the anchors,
//! checking each certificate's signature, validity period and CA flag. Revocation is not
//! checked.

use std::time::SystemTime;

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

const MAX_DEPTH: usize = 8;

/// Checks that `signer` chains to one of `anchors` through `pool` (the certificates in the
/// signature), with every certificate valid at `at`.
pub(crate) fn check(
    signer: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
    at: SystemTime,
) -> Trust {
    let untrusted = |reason: String| Trust::Untrusted { reason };
    if anchors.is_empty() {
        return untrusted("没有给出信任锚（--trust） / no trust anchor given (--trust)".into());
    }
    if let Some(problem) = signer_key_usage_problem(signer) {
        return untrusted(problem);
    }
    let mut current = signer.clone();
    for depth in 0..MAX_DEPTH {
        let subject = subject_of(&current);
        if let Some(problem) = validity_problem(&current, at) {
            return untrusted(problem);
        }
        if depth > 0 && !is_ca(&current) {
            return untrusted(format!(
                "证书 {subject} 不是 CA 证书，不能签发证书 / {subject} is not a CA certificate"
            ));
        }
        if anchors.iter().any(|a| a == &current) {
            return Trust::Trusted { anchor: subject };
        }
        let issuer_name = current.tbs_certificate().issuer();
        let issued_by = |candidate: &Certificate| {
            candidate.tbs_certificate().subject() == issuer_name
                && signed_by(&current, candidate).is_ok()
        };
        if let Some(anchor) = anchors.iter().find(|a| issued_by(a)) {
            if let Some(problem) = validity_problem(anchor, at) {
                return untrusted(problem);
            }
            return Trust::Trusted {
                anchor: subject_of(anchor),
            };
        }
        match pool.iter().find(|c| *c != &current && issued_by(c)) {
            Some(next) => current = next.clone(),
            None => {
                let issuer = issuer_name.to_string();
                let reason = if current.tbs_certificate().subject() == issuer_name {
                    format!("证书 {subject} 是自签名证书，但不是信任锚 / {subject} is self-signed and not a trust anchor")
                } else {
                    format!("找不到签发 {subject} 的可信证书（签发者 {issuer}） / no trusted issuer found for {subject} (issued by {issuer})")
                };
                return untrusted(reason);
            }
        }
    }
    untrusted("证书链过长 / the certificate chain is too long".into())
}

/// Checks that `cert` is signed by `issuer`'s key.
fn signed_by(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
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

fn validity_problem(cert: &Certificate, at: SystemTime) -> Option<String> {
    let validity = cert.tbs_certificate().validity();
    let subject = subject_of(cert);
    if at < validity.not_before.to_system_time() {
        return Some(format!(
            "证书 {subject} 尚未生效（{} 起） / {subject} is not yet valid (from {})",
            validity.not_before, validity.not_before
        ));
    }
    if at > validity.not_after.to_system_time() {
        return Some(format!(
            "证书 {subject} 已过期（{} 止） / {subject} has expired ({})",
            validity.not_after, validity.not_after
        ));
    }
    None
}

fn is_ca(cert: &Certificate) -> bool {
    matches!(
        cert.tbs_certificate().get_extension::<BasicConstraints>(),
        Ok(Some((_, bc))) if bc.ca
    )
}

fn signer_key_usage_problem(cert: &Certificate) -> Option<String> {
    match cert.tbs_certificate().get_extension::<KeyUsage>() {
        Ok(Some((_, ku))) if !(ku.digital_signature() || ku.non_repudiation()) => {
            let subject = subject_of(cert);
            Some(format!(
                "证书 {subject} 的密钥用途不允许签名 / the key usage of {subject} does not allow signing"
            ))
        }
        _ => None,
    }
}

//! Verifying the signatures of a PDF: every signature and document timestamp read and
//! checked for intactness ([`verify`](crate::verify)), what was changed after each
//! ([`changes`](crate::changes)), trust at the claimed signing time and now, and — with
//! trust anchors — the validation from proofs of existence ([`poe`](crate::poe)).

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use x509_cert::Certificate;

use super::chain;
use super::error::VerifyError;
use super::verify::{signed_items, ItemKind, SignatureReport};

/// Verifies every signature of `pdf`, with certificates checked against `trust` (the
/// anchors, e.g. the CA certificates a verifier trusts) at the current time.
///
/// An error only when the file cannot be read as a PDF at all; a PDF without signatures
/// gives an empty list.
pub fn verify_signatures(
    pdf: &[u8],
    trust: &[Certificate],
) -> Result<Vec<SignatureReport>, VerifyError> {
    verify_signatures_at(pdf, trust, SystemTime::now())
}

/// [`verify_signatures`] with certificate validity checked at `at` instead of now.
pub fn verify_signatures_at(
    pdf: &[u8],
    trust: &[Certificate],
    at: SystemTime,
) -> Result<Vec<SignatureReport>, VerifyError> {
    verify_signatures_with(pdf, trust, at, false)
}

/// [`verify_signatures_at`], fetching revocation data from the certificates' OCSP
/// responders and CRL distribution points when `online` (else only what the file holds).
pub fn verify_signatures_with(
    pdf: &[u8],
    trust: &[Certificate],
    at: SystemTime,
    online: bool,
) -> Result<Vec<SignatureReport>, VerifyError> {
    let mut reports = signed_items(pdf)?;
    for r in &mut reports {
        r.checked_at = DateTime::<Utc>::from(at);
        r.anchors_given = !trust.is_empty();
        if r.intact && r.kind == ItemKind::Signature {
            if let Some(signer) = r.signer_cert.clone() {
                let now = chain::check_path(&signer, &r.certs, trust, at);
                r.trust = now.trust;
                r.fault_now = now.time_fault;
                if let Some(t) = r.signing_time {
                    let then = chain::check_path(&signer, &r.certs, trust, SystemTime::from(t));
                    r.trust_at_signing_time = Some(then.trust);
                    r.fault_at_signing = then.time_fault;
                }
            }
        }
    }
    crate::changes::mark_later_changes(pdf, &mut reports);
    if !trust.is_empty() {
        crate::poe::validate(pdf, &mut reports, trust, DateTime::<Utc>::from(at), online);
    }
    Ok(reports)
}

//! Who signs: the [`Signer`] trait and its file-based RSA and ECDSA P-256 implementations.
//!
//! A signer holds a certificate and signs bytes. The trait is deliberately small so that a
//! hardware token (PKCS#11) or an SM2 e-seal service can be added beside the file-based
//! signers without touching the PDF or CMS code.

use std::fmt;

use der::asn1::{Any, Null};
use der::referenced::OwnedToRef;
use signature::{SignatureEncoding, Signer as _};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

use super::error::SignError;
use super::oids;

/// The signature algorithms a [`Signer`] can use. The digest is SHA-256 for all of them
/// (PAdES baseline: SHA-256).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// RSA PKCS#1 v1.5 with SHA-256 (key of 2048 bits or more).
    RsaPkcs1v15Sha256,
    /// ECDSA on NIST P-256 with SHA-256; the signature is the DER `ECDSA-Sig-Value`.
    EcdsaP256Sha256,
}

impl SignatureAlgorithm {
    /// The digest algorithm of the CMS `SignerInfo` (SHA-256).
    pub fn digest_algorithm(self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: oids::SHA_256,
            parameters: None,
        }
    }

    /// The `signatureAlgorithm` of the CMS `SignerInfo`.
    pub fn signature_algorithm(self) -> AlgorithmIdentifierOwned {
        match self {
            SignatureAlgorithm::RsaPkcs1v15Sha256 => AlgorithmIdentifierOwned {
                oid: oids::RSA_ENCRYPTION,
                parameters: Some(Any::from(Null)),
            },
            SignatureAlgorithm::EcdsaP256Sha256 => AlgorithmIdentifierOwned {
                oid: oids::ECDSA_WITH_SHA_256,
                parameters: None,
            },
        }
    }

    /// The longest signature this algorithm makes with a key of `key_bits` bits.
    pub(crate) fn max_signature_len(self, key_bits: usize) -> usize {
        match self {
            SignatureAlgorithm::RsaPkcs1v15Sha256 => key_bits.div_ceil(8),
            SignatureAlgorithm::EcdsaP256Sha256 => 72,
        }
    }
}

/// Something that signs with a private key that belongs to a certificate: a key file, a
/// PKCS#12 file, later a hardware token or an e-seal service.
pub trait Signer {
    /// The signer's certificate (its public key verifies the signatures).
    fn certificate(&self) -> &Certificate;

    /// The certificates between the signer's and a trust anchor (intermediates, optionally
    /// the root), embedded in the signature so verifiers can build the chain.
    fn chain(&self) -> &[Certificate];

    /// The signature algorithm.
    fn algorithm(&self) -> SignatureAlgorithm;

    /// Signs `message`: hashes it with the algorithm's digest (SHA-256) and signs the hash.
    /// Returns the signature as it goes into the CMS `SignerInfo` (the PKCS#1 v1.5 block
    /// for RSA, the DER `ECDSA-Sig-Value` for ECDSA).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;
}

/// The subject of a certificate, as text (RFC 4514), for messages.
pub(crate) fn subject_of(cert: &Certificate) -> String {
    cert.tbs_certificate().subject().to_string()
}

/// An RSA private key (2048 bits or more) read from a file, with its certificate.
pub struct RsaSigner {
    key: rsa::pkcs1v15::SigningKey<sha2::Sha256>,
    certificate: Certificate,
    chain: Vec<Certificate>,
}

impl RsaSigner {
    /// Pairs `key` with `certificate`: refuses keys under 2048 bits and a certificate whose
    /// public key is not the key's.
    pub fn new(
        key: rsa::PrivateKey,
        certificate: Certificate,
        chain: Vec<Certificate>,
    ) -> Result<Self, SignError> {
        use rsa::traits::PublicKeyParts;
        let bits = key.n().bit_width() as usize;
        if bits < 2048 {
            return Err(SignError::RsaKeyTooSmall { bits });
        }
        let public = key.to_public_key();
        let spki = certificate
            .tbs_certificate()
            .subject_public_key_info()
            .owned_to_ref();
        match rsa::PublicKey::try_from(spki) {
            Ok(cert_key) if cert_key == public => {}
            _ => {
                return Err(SignError::KeyCertificateMismatch {
                    subject: subject_of(&certificate),
                })
            }
        }
        Ok(RsaSigner {
            key: rsa::pkcs1v15::SigningKey::new(key),
            certificate,
            chain,
        })
    }
}

impl Signer for RsaSigner {
    fn certificate(&self) -> &Certificate {
        &self.certificate
    }
    fn chain(&self) -> &[Certificate] {
        &self.chain
    }
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::RsaPkcs1v15Sha256
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let signature: rsa::pkcs1v15::Signature = self
            .key
            .try_sign(message)
            .map_err(|e| SignError::Signing(e.to_string()))?;
        Ok(signature.to_vec())
    }
}

impl fmt::Debug for RsaSigner {
    /// Names the certificate only: the key is never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaSigner")
            .field("subject", &subject_of(&self.certificate))
            .finish_non_exhaustive()
    }
}

/// An ECDSA P-256 private key read from a file, with its certificate.
pub struct EcdsaP256Signer {
    key: p256::ecdsa::SigningKey,
    certificate: Certificate,
    chain: Vec<Certificate>,
}

impl EcdsaP256Signer {
    /// Pairs `key` with `certificate`, refusing a certificate whose public key is not the
    /// key's.
    pub fn new(
        key: p256::SecretKey,
        certificate: Certificate,
        chain: Vec<Certificate>,
    ) -> Result<Self, SignError> {
        let key = p256::ecdsa::SigningKey::from(key);
        let spki = certificate
            .tbs_certificate()
            .subject_public_key_info()
            .owned_to_ref();
        match p256::ecdsa::VerifyingKey::try_from(spki) {
            Ok(cert_key) if &cert_key == key.verifying_key() => {}
            _ => {
                return Err(SignError::KeyCertificateMismatch {
                    subject: subject_of(&certificate),
                })
            }
        }
        Ok(EcdsaP256Signer {
            key,
            certificate,
            chain,
        })
    }
}

impl Signer for EcdsaP256Signer {
    fn certificate(&self) -> &Certificate {
        &self.certificate
    }
    fn chain(&self) -> &[Certificate] {
        &self.chain
    }
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::EcdsaP256Sha256
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let signature: p256::ecdsa::Signature = self
            .key
            .try_sign(message)
            .map_err(|e| SignError::Signing(e.to_string()))?;
        Ok(signature.to_der().to_vec())
    }
}

impl fmt::Debug for EcdsaP256Signer {
    /// Names the certificate only: the key is never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcdsaP256Signer")
            .field("subject", &subject_of(&self.certificate))
            .finish_non_exhaustive()
    }
}

/// The bit length of the public key in `cert` (RSA modulus; 256 for P-256), if known.
pub(crate) fn key_bits(cert: &Certificate) -> Option<usize> {
    let spki = cert.tbs_certificate().subject_public_key_info();
    if spki.algorithm.oid == oids::RSA_ENCRYPTION {
        use rsa::traits::PublicKeyParts;
        let key = rsa::PublicKey::try_from(spki.owned_to_ref()).ok()?;
        Some(key.n().bit_width() as usize)
    } else if spki.algorithm.oid == oids::ID_EC_PUBLIC_KEY {
        Some(256)
    } else {
        None
    }
}

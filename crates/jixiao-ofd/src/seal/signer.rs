//! Who seals: the [`SealSigner`] trait, and a file-based SM2 key.
//!
//! The trait is small on purpose — a certificate and "sign these bytes with SM2/SM3" — so
//! that a certified signing device (USB key, signing server, a CA's cloud signing service)
//! can replace the file key without touching the OFD or GB/T 38540 code. A file key is
//! for testing and internal use: a legally effective electronic seal needs a seal issued
//! by an authorised provider and a key held in a certified device.

use std::path::Path;

use der::Decode;
use pkcs8::DecodePrivateKey;
use signature::Signer as _;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use super::asn1::SIGNER_ID;
use super::error::SealError;

/// Something that signs with an SM2 private key belonging to a certificate.
pub trait SealSigner {
    /// The certificate of the key (its SM2 public key verifies the signatures).
    fn certificate(&self) -> &Certificate;

    /// Signs `message` with SM2 over SM3 (the digest of `Z ‖ message`, `Z` computed with
    /// the signer ID `1234567812345678`, GM/T 0009). Returns the DER `SEQUENCE { r, s }`.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SealError>;
}

/// An SM2 private key read from a file, with its certificate.
pub struct Sm2FileSigner {
    key: sm2::dsa::SigningKey,
    certificate: Certificate,
}

impl std::fmt::Debug for Sm2FileSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("Sm2FileSigner")
            .field("certificate", &subject(&self.certificate))
            .finish_non_exhaustive()
    }
}

impl Sm2FileSigner {
    /// Pairs `key` with `certificate`; refuses a certificate whose public key is not the
    /// key's.
    pub fn new(key: sm2::SecretKey, certificate: Certificate) -> Result<Sm2FileSigner, SealError> {
        let key = sm2::dsa::SigningKey::new(SIGNER_ID, &key)
            .map_err(|_| SealError::Key("SM2 私钥无效 / the SM2 key is invalid".into()))?;
        let ours = key.verifying_key().to_sec1_bytes();
        let theirs = certificate
            .tbs_certificate()
            .subject_public_key_info()
            .subject_public_key
            .raw_bytes();
        if ours.as_ref() != theirs {
            return Err(SealError::KeyCertificateMismatch {
                subject: subject(&certificate),
            });
        }
        Ok(Sm2FileSigner { key, certificate })
    }

    /// Reads the private key at `key` (PKCS#8 PEM or DER, or SEC1 `EC PRIVATE KEY` PEM)
    /// and the certificate at `cert` (PEM or DER; the first if several).
    pub fn from_files(key: &Path, cert: &Path) -> Result<Sm2FileSigner, SealError> {
        let bytes = Zeroizing::new(std::fs::read(key).map_err(|source| SealError::Read {
            what: "私钥",
            what_en: "private key",
            path: key.to_path_buf(),
            source,
        })?);
        let certificate = certificate_from_file(cert)?;
        Sm2FileSigner::new(secret_key(&bytes)?, certificate)
    }
}

impl SealSigner for Sm2FileSigner {
    fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SealError> {
        let signature: sm2::dsa::Signature = self
            .key
            .try_sign(message)
            .map_err(|_| SealError::Key("SM2 签名失败 / SM2 signing failed".into()))?;
        Ok(signature.to_der().to_vec())
    }
}

/// The SM2 private key in `bytes`: PKCS#8 (PEM `PRIVATE KEY` or DER) or SEC1 (PEM
/// `EC PRIVATE KEY` or DER), on the SM2 curve.
pub fn secret_key(bytes: &[u8]) -> Result<sm2::SecretKey, SealError> {
    let not_sm2 = || {
        SealError::Key(
            "不是 SM2 私钥（应为 SM2 曲线 1.2.156.10197.1.301 上的 PKCS#8 私钥） / not an SM2 private key (expected PKCS#8 on the SM2 curve 1.2.156.10197.1.301)"
                .into(),
        )
    };
    if let Ok(text) = std::str::from_utf8(bytes) {
        if text.contains("-----BEGIN") {
            let (label, der) = der::pem::decode_vec(text.trim().as_bytes()).map_err(|e| {
                SealError::Key(format!("PEM 无法解析 / the PEM cannot be parsed ({e})"))
            })?;
            let der = Zeroizing::new(der);
            return match label {
                "PRIVATE KEY" => sm2::SecretKey::from_pkcs8_der(&der).map_err(|_| not_sm2()),
                "EC PRIVATE KEY" => sm2::SecretKey::from_sec1_der(&der).map_err(|_| not_sm2()),
                "ENCRYPTED PRIVATE KEY" => Err(SealError::Key(
                    "私钥已加密：请先解密（openssl pkcs8 -in KEY -out PLAIN.key），或改用签章设备 / the key is encrypted: decrypt it first (openssl pkcs8), or use a signing device".into(),
                )),
                other => Err(SealError::Key(format!(
                    "不支持的 PEM 类型 {other} / unsupported PEM type {other}"
                ))),
            };
        }
    }
    sm2::SecretKey::from_pkcs8_der(bytes)
        .or_else(|_| sm2::SecretKey::from_sec1_der(bytes))
        .map_err(|_| not_sm2())
}

/// The first certificate in the PEM or DER file at `path`.
pub fn certificate_from_file(path: &Path) -> Result<Certificate, SealError> {
    let mut certs = jixiao_sign::load::certificates_from_file(path)
        .map_err(|e| SealError::Certificate(e.to_string()))?;
    Ok(certs.remove(0))
}

/// A certificate from DER.
pub(super) fn certificate_from_der(der: &[u8]) -> Result<Certificate, SealError> {
    Certificate::from_der(der).map_err(|e| {
        SealError::Certificate(format!(
            "证书无法解析 / the certificate cannot be parsed ({e})"
        ))
    })
}

/// The subject of a certificate (RFC 4514), for messages.
pub(super) fn subject(cert: &Certificate) -> String {
    cert.tbs_certificate().subject().to_string()
}

/// Checks an SM2/SM3 `signature` (DER) over `message` with the certificate's key.
pub fn verify_sm2(cert: &Certificate, message: &[u8], signature: &[u8]) -> Result<(), String> {
    use signature::Verifier;
    let spki = cert.tbs_certificate().subject_public_key_info();
    let key =
        sm2::dsa::VerifyingKey::from_sec1_bytes(SIGNER_ID, spki.subject_public_key.raw_bytes())
            .map_err(|_| {
                "证书的公钥不是 SM2 公钥 / the certificate's key is not an SM2 key".to_string()
            })?;
    let signature = sm2::dsa::Signature::from_der(signature).map_err(|_| {
        "签名值不是 DER 编码的 SM2 签名 / the signature is not a DER SM2 signature".to_string()
    })?;
    key.verify(message, &signature)
        .map_err(|_| "SM2 签名值不正确 / the SM2 signature does not verify".to_string())
}

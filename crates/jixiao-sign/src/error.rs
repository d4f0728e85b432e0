//! The errors of signing and of reading signatures, Chinese first, then English.

use std::path::PathBuf;

/// Why a PDF could not be signed (or a signing key or certificate could not be used).
///
/// No variant ever carries key material: messages name files and problems only.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// A key, certificate or PDF file could not be read from disk.
    #[error("无法读取{what} {path} / cannot read the {what_en} {path}: {source}")]
    Read {
        /// What the file should have held, in Chinese.
        what: &'static str,
        /// The same in English.
        what_en: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The private key could not be parsed or is of a kind that is not supported.
    #[error("无法使用私钥 / cannot use the private key: {0}")]
    Key(String),
    /// An RSA key shorter than 2048 bits.
    #[error("RSA 私钥太短：{bits} 位，至少需要 2048 位 / the RSA key is too small: {bits} bits, at least 2048 are required")]
    RsaKeyTooSmall {
        /// The modulus length of the key.
        bits: usize,
    },
    /// A certificate could not be parsed.
    #[error("无法使用证书 / cannot use the certificate: {0}")]
    Certificate(String),
    /// The private key does not belong to the certificate.
    #[error("私钥与证书不匹配：证书 {subject} 的公钥不是这把私钥的公钥 / the private key does not match the certificate {subject}")]
    KeyCertificateMismatch {
        /// The subject of the certificate.
        subject: String,
    },
    /// The PKCS#12 file could not be opened (wrong passphrase, unsupported or damaged).
    #[error("无法打开 PKCS#12 文件（口令错误或文件损坏） / cannot open the PKCS#12 file (wrong passphrase or damaged file): {0}")]
    Pkcs12(String),
    /// The input is not a PDF this module can update.
    #[error("无法读取 PDF / cannot read the PDF: {0}")]
    Pdf(String),
    /// The input PDF is encrypted.
    #[error("PDF 已加密，无法签名 / the PDF is encrypted and cannot be signed")]
    Encrypted,
    /// The signer (key, token, seal service) failed to produce a signature.
    #[error("签名失败 / signing failed: {0}")]
    Signing(String),
    /// Encoding the CMS structure failed.
    #[error("无法编码签名数据 / cannot encode the signature: {0}")]
    Encoding(String),
    /// A timestamp, OCSP or CRL service failed, or a level's prerequisites are missing.
    #[error("{}", .0.zh)]
    Ltv(jixiao_core::words::Text),
}

impl jixiao_core::words::Localized for SignError {
    /// [`SignError::Ltv`] in each language; the other variants' messages carry both.
    fn text(&self) -> jixiao_core::words::Text {
        match self {
            SignError::Ltv(t) => t.clone(),
            other => jixiao_core::words::Text::untranslated(other.to_string()),
        }
    }
}

impl From<der::Error> for SignError {
    fn from(e: der::Error) -> Self {
        SignError::Encoding(e.to_string())
    }
}

/// Why the signatures of a PDF could not be examined at all. Problems of one signature
/// (a digest mismatch, an untrusted certificate) are not errors: they are in its
/// [`SignatureReport`](super::SignatureReport).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The file is not a readable PDF.
    #[error("无法读取 PDF / cannot read the PDF: {0}")]
    Pdf(String),
}

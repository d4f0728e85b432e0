//! Why a seal cannot be made or applied. Messages are Chinese first, then English, and
//! never quote key material.

use std::path::PathBuf;

/// An error while making a seal or sealing an OFD.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// A file could not be read.
    #[error("无法读取{what} {} / cannot read the {what_en} {}: {source}", .path.display(), .path.display())]
    Read {
        /// What, in Chinese.
        what: &'static str,
        /// What, in English.
        what_en: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The private key is unusable.
    #[error("私钥有误 / bad private key: {0}")]
    Key(String),
    /// A certificate is unusable.
    #[error("证书有误 / bad certificate: {0}")]
    Certificate(String),
    /// The key does not belong to the certificate.
    #[error("私钥与证书 {subject} 不匹配 / the private key does not belong to the certificate {subject}")]
    KeyCertificateMismatch {
        /// The certificate's subject.
        subject: String,
    },
    /// The seal (`.esl`) or seal picture is unusable.
    #[error("电子印章有误 / bad seal: {0}")]
    Seal(String),
    /// The OFD cannot be sealed.
    #[error("OFD 无法签章 / the OFD cannot be sealed: {0}")]
    Ofd(String),
    /// The timestamp authority gave no timestamp.
    #[error("{}", .0.both())]
    Timestamp(jixiao_core::words::Text),
    /// DER encoding failed.
    #[error("DER 编码失败 / DER encoding failed: {0}")]
    Der(#[from] der::Error),
}

impl From<crate::OfdError> for SealError {
    fn from(e: crate::OfdError) -> Self {
        SealError::Ofd(e.to_string())
    }
}

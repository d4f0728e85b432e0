//! Reading keys and certificates from files: PEM or DER private keys (PKCS#8, PKCS#1,
//! SEC1), PEM or DER certificates, and PKCS#12 (.p12/.pfx) files.
//!
//! The bytes of a private key are kept in memory that is wiped when dropped, and no
//! message ever quotes them.

use std::path::{Path, PathBuf};

use der::Decode;
use pkcs8::DecodePrivateKey;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use super::error::SignError;
use super::oids;
use super::signer::{EcdsaP256Signer, RsaSigner, Signer};

/// A signer that can be shared between threads.
pub type BoxedSigner = Box<dyn Signer + Send + Sync>;

/// Loads a file-based signer: the private key at `key`, the signer's certificate at `cert`
/// (its first certificate if it holds several; the others are taken as the chain), and
/// the chain certificates in `chain` (intermediates, optionally the root).
pub fn signer_from_files(
    key: &Path,
    cert: &Path,
    chain: &[PathBuf],
) -> Result<BoxedSigner, SignError> {
    let key_bytes = Zeroizing::new(std::fs::read(key).map_err(|source| SignError::Read {
        what: "私钥",
        what_en: "private key",
        path: key.to_path_buf(),
        source,
    })?);
    let mut certs = certificates_from_file(cert)?;
    let certificate = certs.remove(0);
    for path in chain {
        certs.extend(certificates_from_file(path)?);
    }
    signer_from_key_bytes(&key_bytes, certificate, certs)
}

/// Loads a signer from a PKCS#12 file (`.p12`/`.pfx`) protected by `password`: its private
/// key, the certificate that belongs to it and the other certificates as the chain.
pub fn signer_from_pkcs12(path: &Path, password: &str) -> Result<BoxedSigner, SignError> {
    let bytes = std::fs::read(path).map_err(|source| SignError::Read {
        what: " PKCS#12 文件",
        what_en: "PKCS#12 file",
        path: path.to_path_buf(),
        source,
    })?;
    let store = p12_keystore::KeyStore::from_pkcs12(
        &bytes,
        password,
        p12_keystore::Pkcs12ImportPolicy::Strict,
    )
    .map_err(|e| SignError::Pkcs12(e.to_string()))?;
    let (_, chain) = store.private_key_chain().ok_or_else(|| {
        SignError::Pkcs12("文件中没有带证书的私钥 / no private key with its certificate".into())
    })?;
    let mut certs = Vec::new();
    for c in chain.certs() {
        certs.push(
            Certificate::from_der(c.as_der()).map_err(|e| SignError::Certificate(e.to_string()))?,
        );
    }
    if certs.is_empty() {
        return Err(SignError::Pkcs12(
            "文件中没有私钥的证书 / no certificate for the private key".into(),
        ));
    }
    let certificate = certs.remove(0);
    let key_der = Zeroizing::new(chain.key().as_der().to_vec());
    signer_from_key_der(&key_der, certificate, certs)
}

/// Builds a signer from the bytes of a private key file (PEM or DER; PKCS#8, PKCS#1 RSA or
/// SEC1 EC) and its certificate. The key must be RSA of 2048 bits or more, or ECDSA P-256,
/// and must belong to `certificate`.
pub fn signer_from_key_bytes(
    key: &[u8],
    certificate: Certificate,
    chain: Vec<Certificate>,
) -> Result<BoxedSigner, SignError> {
    let blocks = pem_blocks(key);
    if blocks.is_empty() {
        return signer_from_key_der(key, certificate, chain);
    }
    let Some((label, der)) = blocks
        .into_iter()
        .find(|(label, _)| label.ends_with("PRIVATE KEY"))
    else {
        return Err(SignError::Key(
            "文件中没有 PEM 格式的私钥 / no PEM private key in the file".into(),
        ));
    };
    match label.as_str() {
        "PRIVATE KEY" => signer_from_key_der(&der, certificate, chain),
        "RSA PRIVATE KEY" => {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            let key = rsa::PrivateKey::from_pkcs1_der(&der).map_err(key_error)?;
            Ok(Box::new(RsaSigner::new(key, certificate, chain)?))
        }
        "EC PRIVATE KEY" => {
            let key = p256::SecretKey::from_sec1_der(&der).map_err(|_| {
                SignError::Key(
                    "不是 P-256 (prime256v1) 椭圆曲线私钥 / not an EC key on P-256 (prime256v1)"
                        .into(),
                )
            })?;
            Ok(Box::new(EcdsaP256Signer::new(key, certificate, chain)?))
        }
        "ENCRYPTED PRIVATE KEY" => Err(SignError::Key(
            "私钥已加密：请改用 --p12，或先解密 / the key is encrypted: use --p12, or decrypt it first"
                .into(),
        )),
        other => Err(SignError::Key(format!(
            "不支持的私钥格式 {other} / unsupported key format {other}"
        ))),
    }
}

/// Builds a signer from a DER private key: PKCS#8 first, then PKCS#1 (RSA) and SEC1 (EC).
fn signer_from_key_der(
    der: &[u8],
    certificate: Certificate,
    chain: Vec<Certificate>,
) -> Result<BoxedSigner, SignError> {
    if let Ok(info) = pkcs8::PrivateKeyInfoRef::try_from(der) {
        let oid = info.algorithm.oid;
        if oid == oids::RSA_ENCRYPTION {
            let key = rsa::PrivateKey::from_pkcs8_der(der).map_err(key_error)?;
            return Ok(Box::new(RsaSigner::new(key, certificate, chain)?));
        }
        if oid == oids::ID_EC_PUBLIC_KEY {
            let key = p256::SecretKey::from_pkcs8_der(der).map_err(|_| {
                SignError::Key(
                    "只支持 P-256 (prime256v1) 椭圆曲线 / only the P-256 (prime256v1) curve is supported"
                        .into(),
                )
            })?;
            return Ok(Box::new(EcdsaP256Signer::new(key, certificate, chain)?));
        }
        return Err(SignError::Key(format!(
            "不支持的密钥算法 {oid}，请用 RSA 或 ECDSA P-256 / unsupported key algorithm {oid}: use RSA or ECDSA P-256"
        )));
    }
    {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        if let Ok(key) = rsa::PrivateKey::from_pkcs1_der(der) {
            return Ok(Box::new(RsaSigner::new(key, certificate, chain)?));
        }
    }
    if let Ok(key) = p256::SecretKey::from_sec1_der(der) {
        return Ok(Box::new(EcdsaP256Signer::new(key, certificate, chain)?));
    }
    Err(SignError::Key(
        "不是 PEM 或 DER 格式的私钥 / not a PEM or DER private key".into(),
    ))
}

fn key_error(e: impl std::fmt::Display) -> SignError {
    SignError::Key(format!("私钥无法解析 / the key cannot be parsed ({e})"))
}

/// Reads the certificates in a PEM file (every `CERTIFICATE` block, in order) or a DER
/// file (one certificate). At least one is required.
pub fn certificates_from_file(path: &Path) -> Result<Vec<Certificate>, SignError> {
    let bytes = std::fs::read(path).map_err(|source| SignError::Read {
        what: "证书",
        what_en: "certificate",
        path: path.to_path_buf(),
        source,
    })?;
    certificates_from_bytes(&bytes).map_err(|e| match e {
        SignError::Certificate(m) => SignError::Certificate(format!("{}: {m}", path.display())),
        e => e,
    })
}

/// Parses PEM (every `CERTIFICATE` block) or DER certificates.
pub fn certificates_from_bytes(bytes: &[u8]) -> Result<Vec<Certificate>, SignError> {
    let blocks = pem_blocks(bytes);
    let mut certs = Vec::new();
    if blocks.is_empty() {
        certs.push(Certificate::from_der(bytes).map_err(|e| {
            SignError::Certificate(format!(
                "不是 PEM 或 DER 格式的证书 / not a PEM or DER certificate ({e})"
            ))
        })?);
    }
    for (label, der) in blocks {
        if label == "CERTIFICATE" {
            certs.push(
                Certificate::from_der(&der).map_err(|e| SignError::Certificate(e.to_string()))?,
            );
        }
    }
    if certs.is_empty() {
        return Err(SignError::Certificate(
            "文件中没有 PEM 格式的证书 / no certificate in the file".into(),
        ));
    }
    Ok(certs)
}

/// The PEM blocks of `bytes` as (label, DER). Text outside blocks is ignored; a block
/// that does not decode is skipped.
fn pem_blocks(bytes: &[u8]) -> Vec<(String, Zeroizing<Vec<u8>>)> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block = &rest[start..];
        let Some(label_end) = block["-----BEGIN ".len()..].find("-----") else {
            break;
        };
        let label = &block["-----BEGIN ".len().."-----BEGIN ".len() + label_end];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = block.find(&end_marker) else {
            break;
        };
        let pem = &block[..end + end_marker.len()];
        if let Ok((decoded_label, der)) = der::pem::decode_vec(pem.as_bytes()) {
            blocks.push((decoded_label.to_string(), Zeroizing::new(der)));
        }
        rest = &block[end + end_marker.len()..];
    }
    blocks
}

/// A warning when the private key file at `path` can be read by its group or by others
/// (unix mode & 0o077); `None` when it is private (or on systems without unix modes).
pub fn key_permission_warning(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Some(format!(
                "私钥文件 {} 的权限为 {:o}，同组或其他用户可以访问；请执行 chmod 600 / the private key file is accessible to group or others (mode {:o}): run chmod 600",
                path.display(),
                mode & 0o777,
                mode & 0o777
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    None
}

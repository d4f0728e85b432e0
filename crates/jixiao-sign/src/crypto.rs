//! Checking one signature value with a public key: RSA PKCS#1 v1.5 and ECDSA P-256, with
//! SHA-256, SHA-384 or SHA-512, and SM2 with SM3. Used for CMS signatures and for certificate chains.

use der::oid::ObjectIdentifier;
use der::referenced::OwnedToRef;
use sha2::{Sha256, Sha384, Sha512};
use signature::hazmat::PrehashVerifier;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use super::oids;

/// A digest algorithm verification understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DigestAlgorithm {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
    Sm3,
}

impl DigestAlgorithm {
    /// The algorithm named by `oid`, if supported.
    pub(crate) fn from_oid(oid: ObjectIdentifier) -> Option<Self> {
        match oid {
            o if o == oids::SHA_256 => Some(DigestAlgorithm::Sha256),
            o if o == oids::SHA_384 => Some(DigestAlgorithm::Sha384),
            o if o == oids::SHA_512 => Some(DigestAlgorithm::Sha512),
            o if o == oids::SHA_1 => Some(DigestAlgorithm::Sha1),
            o if o == oids::SM3 => Some(DigestAlgorithm::Sm3),
            _ => None,
        }
    }

    /// The algorithm's OID.
    pub(crate) fn oid(self) -> ObjectIdentifier {
        match self {
            DigestAlgorithm::Sha1 => oids::SHA_1,
            DigestAlgorithm::Sha256 => oids::SHA_256,
            DigestAlgorithm::Sha384 => oids::SHA_384,
            DigestAlgorithm::Sha512 => oids::SHA_512,
            DigestAlgorithm::Sm3 => oids::SM3,
        }
    }

    /// The hash of the concatenation of `parts`.
    pub(crate) fn hash(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        match self {
            DigestAlgorithm::Sha1 => run::<sha1::Sha1>(parts),
            DigestAlgorithm::Sm3 => run::<sm3::Sm3>(parts),
            DigestAlgorithm::Sha256 => run::<Sha256>(parts),
            DigestAlgorithm::Sha384 => run::<Sha384>(parts),
            DigestAlgorithm::Sha512 => run::<Sha512>(parts),
        }
    }
}

/// Checks `signature` over `message` with the public key `spki`. `algorithm` is the
/// signature algorithm; for a bare `rsaEncryption` the digest is `digest` (the CMS
/// `digestAlgorithm`). The error says why in Chinese and English.
pub(crate) fn verify(
    spki: &SubjectPublicKeyInfoOwned,
    algorithm: &AlgorithmIdentifierOwned,
    digest: Option<DigestAlgorithm>,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let oid = algorithm.oid;
    if oid == oids::SM2_WITH_SM3 || oid == oids::SM2_SIGN {
        return verify_sm2(spki, message, signature);
    }
    let (is_rsa, digest) = match oid {
        o if o == oids::RSA_ENCRYPTION => (true, digest),
        o if o == oids::SHA_256_WITH_RSA => (true, Some(DigestAlgorithm::Sha256)),
        o if o == oids::SHA_384_WITH_RSA => (true, Some(DigestAlgorithm::Sha384)),
        o if o == oids::SHA_512_WITH_RSA => (true, Some(DigestAlgorithm::Sha512)),
        o if o == oids::ECDSA_WITH_SHA_256 => (false, Some(DigestAlgorithm::Sha256)),
        o if o == oids::ECDSA_WITH_SHA_384 => (false, Some(DigestAlgorithm::Sha384)),
        o if o == oids::ECDSA_WITH_SHA_512 => (false, Some(DigestAlgorithm::Sha512)),
        _ => {
            return Err(format!(
                "不支持的签名算法 {oid} / unsupported signature algorithm {oid}"
            ))
        }
    };
    let digest = match digest {
        Some(d @ (DigestAlgorithm::Sha256 | DigestAlgorithm::Sha384 | DigestAlgorithm::Sha512)) => {
            d
        }
        _ => return Err("不支持的摘要算法 / unsupported digest algorithm".to_string()),
    };
    let invalid = || "签名值不正确 / the signature value does not verify".to_string();
    if is_rsa {
        if spki.algorithm.oid != oids::RSA_ENCRYPTION {
            return Err("公钥不是 RSA 密钥 / the public key is not an RSA key".into());
        }
        let key = rsa::PublicKey::try_from(spki.owned_to_ref())
            .map_err(|e| format!("RSA 公钥无法解析 / cannot parse the RSA public key: {e}"))?;
        let signature = rsa::pkcs1v15::Signature::try_from(signature).map_err(|_| invalid())?;
        use signature::Verifier;
        let result = match digest {
            DigestAlgorithm::Sha256 => {
                rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key).verify(message, &signature)
            }
            DigestAlgorithm::Sha384 => {
                rsa::pkcs1v15::VerifyingKey::<Sha384>::new(key).verify(message, &signature)
            }
            DigestAlgorithm::Sha512 => {
                rsa::pkcs1v15::VerifyingKey::<Sha512>::new(key).verify(message, &signature)
            }
            DigestAlgorithm::Sha1 | DigestAlgorithm::Sm3 => return Err(invalid()),
        };
        result.map_err(|_| invalid())
    } else {
        if spki.algorithm.oid != oids::ID_EC_PUBLIC_KEY {
            return Err("公钥不是椭圆曲线密钥 / the public key is not an EC key".into());
        }
        let key = p256::ecdsa::VerifyingKey::try_from(spki.owned_to_ref()).map_err(|_| {
            "只支持 P-256 椭圆曲线公钥 / only P-256 EC public keys are supported".to_string()
        })?;
        let signature = p256::ecdsa::Signature::from_der(signature).map_err(|_| invalid())?;
        key.verify_prehash(&digest.hash(&[message]), &signature)
            .map_err(|_| invalid())
    }
}

/// Checks an SM2-with-SM3 signature (DER `r, s`; signer ID `1234567812345678`), as the
/// certificates of Chinese CAs and electronic seals carry.
fn verify_sm2(
    spki: &SubjectPublicKeyInfoOwned,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    use signature::Verifier;
    let invalid = || "签名值不正确 / the signature value does not verify".to_string();
    let key = sm2::dsa::VerifyingKey::from_sec1_bytes(
        "1234567812345678",
        spki.subject_public_key.raw_bytes(),
    )
    .map_err(|_| "公钥不是 SM2 公钥 / the public key is not an SM2 key".to_string())?;
    let signature = sm2::dsa::Signature::from_der(signature).map_err(|_| invalid())?;
    key.verify(message, &signature).map_err(|_| invalid())
}

//! Electronic seals on OFD documents (电子签章): GB/T 38540-2020 version 4 signatures
//! with SM2 over SM3, in the layout of GB/T 33190 §18.
//!
//! - [`esl`]: the seal (`SESeal`, `.esl`) — read an issued one, or make a test one from a
//!   PNG signed by a seal-maker key;
//! - [`apply`]: seal an OFD (`Signatures.xml`, `Signature.xml` with the SM3 digest of
//!   every protected part and the seal picture's place, `SignedValue.dat` = DER
//!   `SES_Signature`);
//! - [`verify`]: check every seal of an OFD;
//! - [`SealSigner`]: who signs — a file key here, a certified device or signing service
//!   in production.
//!
//! **A file key is for testing and internal use.** A legally effective electronic seal
//! needs a seal issued by an authorised provider and a certified signing device.
//!
//! ```no_run
//! use jixiao_ofd::seal::{apply::{seal_ofd, SealOptions}, esl::SealFile, Sm2FileSigner};
//! let ofd = std::fs::read("form.ofd")?;
//! let seal = SealFile::parse(&std::fs::read("unit.esl")?)?;
//! let signer = Sm2FileSigner::from_files("signer.key".as_ref(), "signer.crt".as_ref())?;
//! let options = SealOptions { time: chrono::Utc::now(), page: None, center: None, tsa: None };
//! let sealed = seal_ofd(&ofd, &seal, &signer, &options)?;
//! jixiao_core::output::write_atomic("form.sealed.ofd".as_ref(), &sealed)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod apply;
pub mod asn1;
mod error;
pub mod esl;
mod signer;
pub mod verify;

pub use error::SealError;
pub use signer::{certificate_from_file, secret_key, verify_sm2, SealSigner, Sm2FileSigner};
pub use verify::{verify_seals, SealReport, SealTimestamp, Seals};

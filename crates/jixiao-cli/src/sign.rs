//! `jixiao sign`: sign a PDF; and the signer options `jixiao render --sign` shares.

use std::path::Path;

use chrono::{DateTime, Utc};
use jixiao_core::output::write_atomic;
use jixiao_core::text;
use jixiao_core::words::{Localized, Text};
use jixiao_core::Diagnostic;
use jixiao_sign::{load, sign_pdf, LtvSources, RevocationData, SignOptions};
use zeroize::Zeroizing;

use super::args::{LtvArgs, SignArgs, SignerArgs};
use super::common::{print_warnings, read_pdf, Failure};

/// The environment variable holding the PKCS#12 passphrase.
const P12_PASSWORD_VAR: &str = "JIXIAO_P12_PASSWORD";

fn error(e: impl std::fmt::Display) -> Failure {
    Failure::from(Diagnostic::error(e.to_string()))
}

/// A signing error in the user's language.
pub(crate) fn sign_error(e: &jixiao_sign::SignError) -> Failure {
    Failure::from(Diagnostic::error(e.text()))
}

/// Signs the input and writes the signed PDF atomically.
pub(crate) fn run(args: SignArgs) -> Result<(), Failure> {
    let options = sign_options(&args.signer)?;
    let pdf = read_pdf(&args.input)?;
    let signer = load_signer(&args.signer)?;
    let signed = sign_pdf(&pdf, signer.as_ref(), &options).map_err(|e| sign_error(&e))?;
    write_atomic(&args.output, &signed).map_err(|e| {
        error(format!(
            "无法写入 {} / cannot write the signed PDF: {e}",
            args.output.display()
        ))
    })?;
    errln!(
        "已签名 / signed: {} （签名者 / signer: {}，PAdES {}）",
        args.output.display(),
        signer.certificate().tbs_certificate().subject(),
        options.level
    );
    Ok(())
}

/// Whether the signer options name a key (`--key`/`--cert` or `--p12`).
pub(crate) fn signer_given(args: &SignerArgs) -> bool {
    args.key.is_some() || args.p12.is_some()
}

/// The signer the options name: a key and certificate files, or a PKCS#12 file. A key
/// file readable by other users gets a warning.
pub(crate) fn load_signer(args: &SignerArgs) -> Result<load::BoxedSigner, Failure> {
    match (&args.key, &args.cert, &args.p12) {
        (Some(key), Some(cert), _) => {
            if let Some(warning) = load::key_permission_warning(key) {
                print_warnings(&[Diagnostic::warning(warning)]);
            }
            load::signer_from_files(key, cert, &args.chain).map_err(error)
        }
        (_, _, Some(p12)) => {
            if let Some(warning) = load::key_permission_warning(p12) {
                print_warnings(&[Diagnostic::warning(warning)]);
            }
            let password = p12_password(p12)?;
            let mut signer = load::signer_from_pkcs12(p12, &password).map_err(error)?;
            if !args.chain.is_empty() {
                // Extra chain certificates beside the PKCS#12 file's own.
                let mut extra = Vec::new();
                for path in &args.chain {
                    extra.extend(load::certificates_from_file(path).map_err(error)?);
                }
                signer = Box::new(WithChain::new(signer, extra));
            }
            Ok(signer)
        }
        _ => Err(error(
            "请给出 --key 和 --cert，或 --p12 / give --key and --cert, or --p12",
        )),
    }
}

/// The signature's details: signing time, reason, location, field name, level.
pub(crate) fn sign_options(args: &SignerArgs) -> Result<SignOptions, Failure> {
    if args.level >= jixiao_sign::Level::BT && args.ltv.tsa.is_none() {
        return Err(Failure::from(
            Diagnostic::error(text!(
                "签名级别 {} 需要时间戳服务",
                "the level {} needs a timestamp service",
                args.level
            ))
            .with_help(text!(
                "用 --tsa http://… 给出时间戳服务（RFC 3161）",
                "give the timestamp authority with --tsa http://… (RFC 3161)"
            )),
        ));
    }
    Ok(SignOptions {
        signing_time: Some(signing_time(args.time.as_deref())?),
        reason: args.reason.clone(),
        location: args.location.clone(),
        field_name: args.field.clone(),
        page: None,
        level: args.level,
        ltv: ltv_sources(&args.ltv)?,
    })
}

/// The TSA, the revocation data files and the extra certificates.
pub(crate) fn ltv_sources(args: &LtvArgs) -> Result<LtvSources, Failure> {
    let mut sources = LtvSources {
        tsa: args.tsa.clone(),
        ..LtvSources::default()
    };
    for path in &args.revocation_data {
        let bytes = std::fs::read(path).map_err(|e| {
            Failure::from(Diagnostic::error(text!(
                "无法读取吊销信息 {}：{e}",
                "cannot read the revocation data {}: {e}",
                path.display()
            )))
        })?;
        let data = RevocationData::from_bytes(&bytes).map_err(|t| {
            Failure::from(Diagnostic::error(
                t.after(&Text::untranslated(path.display().to_string())),
            ))
        })?;
        sources.revocation.push(data);
    }
    for path in &args.extra_cert {
        sources
            .certs
            .extend(load::certificates_from_file(path).map_err(error)?);
    }
    Ok(sources)
}

/// `--time`, else `SOURCE_DATE_EPOCH`, else now.
pub(super) fn signing_time(arg: Option<&str>) -> Result<DateTime<Utc>, Failure> {
    let (text, source) = match arg {
        Some(t) => (t.to_string(), "--time"),
        None => match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(t) if !t.trim().is_empty() => (t, "SOURCE_DATE_EPOCH"),
            _ => return Ok(Utc::now()),
        },
    };
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        if let Some(t) = DateTime::from_timestamp(seconds, 0) {
            return Ok(t);
        }
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            error(format!(
                "{source} 的时间 {text:?} 无法识别，应为 RFC 3339（如 2026-11-25T08:00:00+08:00）或 Unix 秒 / cannot read the time: use RFC 3339 or Unix seconds"
            ))
        })
}

/// The PKCS#12 passphrase: from the environment, else a prompt on the terminal.
fn p12_password(path: &Path) -> Result<Zeroizing<String>, Failure> {
    if let Ok(password) = std::env::var(P12_PASSWORD_VAR) {
        return Ok(Zeroizing::new(password));
    }
    rpassword::prompt_password(format!(
        "{} 的口令 / passphrase for {}: ",
        path.display(),
        path.display()
    ))
    .map(Zeroizing::new)
    .map_err(|e| {
        error(format!(
            "无法读取口令（请在终端输入，或设置环境变量 {P12_PASSWORD_VAR}） / cannot read the passphrase (type it at a terminal or set {P12_PASSWORD_VAR}): {e}"
        ))
    })
}

/// A signer with extra chain certificates.
struct WithChain {
    inner: load::BoxedSigner,
    chain: Vec<jixiao_sign::Certificate>,
}

impl WithChain {
    fn new(inner: load::BoxedSigner, extra: Vec<jixiao_sign::Certificate>) -> Self {
        let mut chain = inner.chain().to_vec();
        chain.extend(extra);
        WithChain { inner, chain }
    }
}

impl jixiao_sign::Signer for WithChain {
    fn certificate(&self) -> &jixiao_sign::Certificate {
        self.inner.certificate()
    }
    fn chain(&self) -> &[jixiao_sign::Certificate] {
        &self.chain
    }
    fn algorithm(&self) -> jixiao_sign::SignatureAlgorithm {
        self.inner.algorithm()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, jixiao_sign::SignError> {
        self.inner.sign(message)
    }
}

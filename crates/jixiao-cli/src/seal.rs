//! `jixiao seal`: put a GB/T 38540 electronic seal on an OFD.

use jixiao_core::output::write_atomic;
use jixiao_core::Diagnostic;
use jixiao_ofd::seal::apply::{seal_ofd, SealOptions};
use jixiao_ofd::seal::esl::{make_test_seal, png_size, size_for, SealFile, TestSealSpec};
use jixiao_ofd::seal::{SealSigner, Sm2FileSigner};

use super::args::SealArgs;
use super::common::{print_warnings, Failure};
use super::sign::signing_time;

fn error(e: impl std::fmt::Display) -> Failure {
    Failure::from(Diagnostic::error(e.to_string()))
}

fn read(path: &std::path::Path, what: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| {
        error(format!(
            "无法读取{what} {} / cannot read {}: {e}",
            path.display(),
            path.display()
        ))
    })
}

/// Loads a signer, warning when the key file is readable by others.
fn signer(key: &std::path::Path, cert: &std::path::Path) -> Result<Sm2FileSigner, Failure> {
    if let Some(warning) = jixiao_sign::load::key_permission_warning(key) {
        print_warnings(&[Diagnostic::warning(warning)]);
    }
    Sm2FileSigner::from_files(key, cert).map_err(error)
}

/// `--at X,Y` in millimetres.
fn center(at: &str) -> Result<(f64, f64), Failure> {
    let parts: Vec<f64> = at
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| error(format!("--at {at:?} 应为两个毫米数，如 150,240 / --at must be two numbers of millimetres, e.g. 150,240")))?;
    match parts.as_slice() {
        [x, y] if x.is_finite() && y.is_finite() => Ok((*x, *y)),
        _ => Err(error(format!(
            "--at {at:?} 应为两个毫米数，如 150,240 / --at must be two numbers of millimetres, e.g. 150,240"
        ))),
    }
}

/// Seals the input and writes the sealed OFD atomically.
pub(crate) fn run(args: SealArgs) -> Result<(), Failure> {
    let time = signing_time(args.time.as_deref())?;
    let center = args.at.as_deref().map(center).transpose()?;
    let ofd = read(&args.input, " OFD")?;
    if !jixiao_ofd::is_ofd(&ofd) {
        return Err(error(format!(
            "{} 不是 OFD 文件 / {} is not an OFD file",
            args.input.display(),
            args.input.display()
        )));
    }
    let signer = signer(&args.key, &args.cert)?;
    let seal_der = match (&args.seal, &args.seal_image) {
        (Some(path), _) => read(path, "电子印章")?,
        (None, Some(image)) => {
            let png = read(image, "印章图片")?;
            let maker = match (&args.seal_key, &args.seal_cert) {
                (Some(key), Some(cert)) => Some(self::signer(key, cert)?),
                _ => None,
            };
            let maker: &dyn SealSigner = maker.as_ref().map_or(&signer as &dyn SealSigner, |m| m);
            let cert = signer.certificate();
            let name = args.seal_name.clone().unwrap_or_else(|| {
                cert.tbs_certificate()
                    .subject()
                    .common_name()
                    .ok()
                    .flatten()
                    .map(|cn| cn.value().into_owned())
                    .unwrap_or_else(|| "测试章".into())
            });
            let validity = |c: &jixiao_sign::Certificate| {
                let v = c.tbs_certificate().validity();
                (
                    chrono::DateTime::<chrono::Utc>::from(v.not_before.to_system_time()),
                    chrono::DateTime::<chrono::Utc>::from(v.not_after.to_system_time()),
                )
            };
            let (s_from, s_until) = validity(cert);
            let (m_from, m_until) = validity(maker.certificate());
            let size = size_for(png_size(&png).map_err(error)?, args.seal_width);
            let spec = TestSealSpec {
                png: &png,
                name: &name,
                size_mm: size,
                users: vec![cert.clone()],
                created: time,
                valid: (s_from.max(m_from), s_until.min(m_until)),
            };
            let der = make_test_seal(&spec, maker).map_err(error)?;
            if let Some(path) = &args.save_seal {
                write_atomic(path, &der).map_err(|e| {
                    error(format!(
                        "无法写入 {} / cannot write the seal: {e}",
                        path.display()
                    ))
                })?;
                errln!("已保存测试印章 / wrote the test seal: {}", path.display());
            }
            der
        }
        (None, None) => {
            return Err(error(
                "请给出 --seal 或 --seal-image / give --seal or --seal-image",
            ))
        }
    };
    let seal = SealFile::parse(&seal_der).map_err(error)?;
    let options = SealOptions {
        time,
        page: args.page,
        center,
        tsa: args.tsa.clone(),
    };
    let sealed = seal_ofd(&ofd, &seal, &signer, &options).map_err(error)?;
    write_atomic(&args.output, &sealed).map_err(|e| {
        error(format!(
            "无法写入 {} / cannot write the sealed OFD: {e}",
            args.output.display()
        ))
    })?;
    errln!(
        "已签章 / sealed: {}（印章 / seal: {}；签章人 / signer: {}）",
        args.output.display(),
        seal.name(),
        signer.certificate().tbs_certificate().subject()
    );
    Ok(())
}

//! Every kind of archival PDF jixiao makes, checked by an independent PDF/A validator:
//! veraPDF 1.28 (`../shared/tools/verapdf.sh`, relative to the repository; built offline
//! on first use from vendored sources and Debian's Java packages, which
//! `scripts/test.sh` installs).
//!
//! The files: each sample of `samples/` rendered with `--archive`; the sign-off fixture
//! (with its sign-off block); the same signed once (RSA) and twice (RSA, then ECDSA P-256
//! through an intermediate CA); rendered, signed and filed in one step; a batch
//! (`render DIR --archive --out-dir`); a customised template (`jixiao template`, a new
//! title and a logo with transparency); a spreadsheet as the archived source. Each must
//! PASS as PDF/A-3b. Two negative controls must FAIL, so the check itself is seen to
//! work: a plain, non-archival render (it claims no PDF/A) and an archival PDF given a
//! JavaScript action (it claims PDF/A-3b but breaks clause 6.5.1).
//!
//! veraPDF runs once on all the files: the JVM's start is the slow part.

mod common;
mod pki;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{jixiao_env, root, stderr};

/// 2025-01-20T00:00:00Z: the document date of the samples, which carry none.
const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1737331200");

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs jixiao in `dir` and expects success.
fn run_ok(args: &[&str], dir: &Path, env: &[(&str, &str)]) {
    let out = jixiao_env(args, dir, env);
    assert!(
        out.status.success(),
        "jixiao {args:?} failed:\n{}",
        text(&out)
    );
}

/// A PNG logo with a transparent background, drawn here.
fn logo_png() -> Vec<u8> {
    let logo = image::RgbaImage::from_fn(96, 48, |x, y| {
        if (x / 12 + y / 12) % 2 == 0 {
            image::Rgba([200, 30, 30, 255])
        } else {
            image::Rgba([255, 255, 255, 0])
        }
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(logo)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    png
}

/// The samples of `samples/`: every kind's example declaration.
fn samples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("samples"))
        .expect("samples/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    assert!(v.len() >= 8, "samples: {v:?}");
    v
}

/// veraPDF's verdict on each file: `(passed, the lines it printed about the file)`.
fn verapdf(files: &[PathBuf]) -> BTreeMap<PathBuf, (bool, String)> {
    let script = root().join("../shared/tools/verapdf.sh");
    assert!(
        script.exists(),
        "{} is missing: the PDF/A validator comes with the shared tools beside the repository",
        script.display()
    );
    let out = Command::new("bash")
        .arg(&script)
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "verapdf.sh exited with {:?} (3: the validator could not be built; bash scripts/test.sh \
         installs its Java packages):\n{report}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut verdicts = BTreeMap::new();
    let mut current: Option<(PathBuf, bool, String)> = None;
    for line in report.lines() {
        let verdict = line
            .strip_prefix("PASS ")
            .map(|rest| (true, rest))
            .or_else(|| line.strip_prefix("FAIL ").map(|rest| (false, rest)));
        if let Some((passed, rest)) = verdict {
            if let Some((file, p, lines)) = current.take() {
                verdicts.insert(file, (p, lines));
            }
            // `<flavour> <file>`: the flavour is one word.
            let file = rest.split_once(' ').map_or(rest, |(_, f)| f);
            current = Some((PathBuf::from(file), passed, format!("{line}\n")));
        } else if let Some((_, _, lines)) = current.as_mut() {
            lines.push_str(line);
            lines.push('\n');
        }
    }
    if let Some((file, p, lines)) = current.take() {
        verdicts.insert(file, (p, lines));
    }
    for f in files {
        assert!(
            verdicts.contains_key(f),
            "veraPDF said nothing about {}:\n{report}",
            f.display()
        );
    }
    verdicts
}

#[test]
fn every_archival_pdf_passes_verapdf_as_pdfa_3b_and_the_negative_controls_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // Every file to check, with what it is.
    let mut archival: Vec<(String, PathBuf)> = Vec::new();

    // Each sample, alone.
    std::fs::create_dir(d.join("samples")).expect("mkdir");
    for sample in samples() {
        let name = sample
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let copy = d.join("samples").join(&name);
        std::fs::copy(&sample, &copy).expect("copy");
        let pdf = copy.with_extension("pdf");
        run_ok(
            &[
                "render",
                "--archive",
                copy.to_str().expect("utf-8"),
                "-o",
                pdf.to_str().expect("utf-8"),
            ],
            d,
            &[EPOCH],
        );
        archival.push((format!("sample {name}"), pdf));
    }

    // The regional variant described by a form.toml alone (lines above and below the
    // table, a header repeated on page 2, rows merged down).
    let regional = d.join("regional.pdf");
    run_ok(
        &[
            "render",
            "--archive",
            "--template",
            root()
                .join("tests/fixtures/regional")
                .to_str()
                .expect("utf-8"),
            root()
                .join("tests/fixtures/regional.toml")
                .to_str()
                .expect("utf-8"),
            "-o",
            regional.to_str().expect("utf-8"),
        ],
        d,
        &[EPOCH],
    );
    archival.push(("the regional variant".to_owned(), regional));

    // The sign-off block; signed once and twice; render, sign and file in one step.
    std::fs::copy(
        root().join("tests/fixtures/signed-off.toml"),
        d.join("signed-off.toml"),
    )
    .expect("copy");
    run_ok(
        &[
            "render",
            "--archive",
            "signed-off.toml",
            "-o",
            "signed-off.pdf",
        ],
        d,
        &[],
    );
    archival.push(("sign-off block".into(), d.join("signed-off.pdf")));
    let subject = |name: &str| format!("/CN={name}/O=jixiao 测试");
    let rsa_root = pki::root_ca(d, "rsa-root", pki::Kind::Rsa(2048));
    pki::issued(
        d,
        "rsa-signer",
        &subject("rsa-signer"),
        pki::Kind::Rsa(2048),
        &rsa_root,
        false,
    );
    let ec_root = pki::root_ca(d, "ec-root", pki::Kind::P256);
    let ec_ca = pki::issued(
        d,
        "ec-intermediate",
        &subject("ec-intermediate"),
        pki::Kind::P256,
        &ec_root,
        true,
    );
    pki::issued(
        d,
        "ec-signer",
        &subject("ec-signer"),
        pki::Kind::P256,
        &ec_ca,
        false,
    );
    for name in ["rsa-signer.key", "ec-signer.key"] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join(name), std::fs::Permissions::from_mode(0o600))
            .expect("chmod");
    }
    let rsa = ["--key", "rsa-signer.key", "--cert", "rsa-signer.pem"];
    let ec = [
        "--key",
        "ec-signer.key",
        "--cert",
        "ec-signer.pem",
        "--chain",
        "ec-intermediate.pem",
    ];
    let mut once = vec!["sign", "signed-off.pdf", "-o", "signed-once.pdf"];
    once.extend(rsa);
    run_ok(&once, d, &[]);
    archival.push(("signed once (RSA)".into(), d.join("signed-once.pdf")));
    let mut twice = vec!["sign", "signed-once.pdf", "-o", "signed-twice.pdf"];
    twice.extend(ec);
    run_ok(&twice, d, &[]);
    archival.push((
        "signed twice (RSA, ECDSA P-256)".into(),
        d.join("signed-twice.pdf"),
    ));
    let mut one_step = vec![
        "render",
        "signed-off.toml",
        "--archive",
        "--archive-dir",
        "store",
        "--sign",
        "-o",
        "one-step.pdf",
    ];
    one_step.extend(ec);
    run_ok(&one_step, d, &[]);
    archival.push((
        "render --archive --sign --archive-dir".into(),
        d.join("one-step.pdf"),
    ));

    // A batch of every sample and the sign-off fixture.
    std::fs::copy(d.join("signed-off.toml"), d.join("samples/signed-off.toml")).expect("copy");
    run_ok(
        &[
            "render",
            "samples",
            "--archive",
            "--out-dir",
            "batch",
            "-j",
            "2",
        ],
        d,
        &[EPOCH],
    );
    let mut batch: Vec<PathBuf> = std::fs::read_dir(d.join("batch"))
        .expect("batch output")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    batch.sort();
    assert_eq!(batch.len(), samples().len() + 1, "{batch:?}");
    for pdf in batch {
        let name = pdf
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        archival.push((format!("batch {name}"), pdf));
    }

    // A customised template: a new title in form.toml and a logo with transparency.
    run_ok(&["template", "custom"], d, &[]);
    let form = d.join("custom/form.toml");
    let original = std::fs::read_to_string(&form).expect("form.toml");
    let edited = original.replace(
        "title = \"部门整体预算绩效目标申报表\"",
        "title = \"{year}年市级部门整体预算绩效目标表\"",
    );
    assert_ne!(edited, original, "form.toml has no title to change");
    std::fs::write(&form, edited).expect("edit form.toml");
    std::fs::write(d.join("custom/logo.png"), logo_png()).expect("logo");
    let main = d.join("custom/main.typ");
    let edited = std::fs::read_to_string(&main).expect("main.typ").replace(
        "#form(data)",
        "#image(\"logo.png\", width: 2cm)\n#form(data)",
    );
    assert!(edited.contains("logo.png"), "main.typ has no #form(data)");
    std::fs::write(&main, edited).expect("edit main.typ");
    run_ok(
        &[
            "render",
            "--archive",
            "samples/guangzhou-kexie.toml",
            "--template",
            "custom",
            "-o",
            "custom.pdf",
        ],
        d,
        &[EPOCH],
    );
    archival.push(("custom template".into(), d.join("custom.pdf")));

    // A spreadsheet as the archived source.
    run_ok(
        &["export", "samples/guangzhou-kexie.toml", "-o", "gz.xlsx"],
        d,
        &[],
    );
    run_ok(
        &["render", "--archive", "gz.xlsx", "-o", "from-xlsx.pdf"],
        d,
        &[EPOCH],
    );
    archival.push(("spreadsheet source".into(), d.join("from-xlsx.pdf")));

    // The negative control: a plain render claims no PDF/A and must fail.
    let out = jixiao_env(
        &["render", "samples/guangzhou-kexie.toml", "-o", "plain.pdf"],
        d,
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let plain = d.join("plain.pdf");

    // A second one: an archival PDF that still claims PDF/A-3b but opens with a
    // JavaScript action, which PDF/A forbids (clause 6.5.1).
    let mut doc = lopdf::Document::load(d.join("signed-off.pdf")).expect("parse");
    let mut js = lopdf::Dictionary::new();
    js.set("S", lopdf::Object::Name(b"JavaScript".to_vec()));
    js.set("JS", lopdf::Object::string_literal("app.alert('jixiao')"));
    let action = doc.add_object(js);
    doc.catalog_mut()
        .expect("catalog")
        .set("OpenAction", lopdf::Object::Reference(action));
    let scripted = d.join("scripted.pdf");
    doc.save(&scripted).expect("save");

    let mut files: Vec<PathBuf> = archival.iter().map(|(_, f)| f.clone()).collect();
    files.push(plain.clone());
    files.push(scripted.clone());
    let verdicts = verapdf(&files);

    let (plain_passed, plain_report) = &verdicts[&plain];
    assert!(
        !plain_passed && plain_report.contains("6.6.4"),
        "veraPDF must fail a PDF that claims no PDF/A (rule 6.6.4, the identification \
         schema): the check cannot be trusted\n{plain_report}"
    );
    let (scripted_passed, scripted_report) = &verdicts[&scripted];
    assert!(
        !scripted_passed && scripted_report.contains("6.5.1"),
        "veraPDF must fail a PDF/A-3b with a JavaScript action (rule 6.5.1)\n{scripted_report}"
    );
    let failed: Vec<String> = archival
        .iter()
        .filter(|(_, f)| !verdicts[f].0)
        .map(|(what, f)| format!("{what}:\n{}", verdicts[f].1))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} archival PDFs are not PDF/A-3b according to veraPDF:\n{}",
        failed.len(),
        archival.len(),
        failed.join("\n")
    );
    for (what, f) in &archival {
        assert!(
            verdicts[f].1.starts_with("PASS 3b "),
            "{what}: checked as another flavour:\n{}",
            verdicts[f].1
        );
    }
    eprintln!(
        "veraPDF: {} archival PDFs PASS as PDF/A-3b; both negative controls FAIL:\n{}",
        archival.len(),
        archival
            .iter()
            .map(|(what, _)| format!("  {what}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

//! Declaration text is data, never Typst code: markup characters print literally and a
//! template can read nothing outside its own directory.

mod common;

use common::*;
use jixiao::{Declaration, FontSet, Renderer, Template};

fn injection() -> Declaration {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/injection.toml")).expect("fixture");
    Declaration::from_toml(&text).expect("valid declaration")
}

#[test]
fn markup_in_declaration_text_prints_literally() {
    let decl = injection();
    let pdf = render(&decl);
    let text = squeeze(&pdftotext(&pdf, None));
    let mut expected: Vec<String> = decl
        .text_fields()
        .iter()
        .map(|f| f.text.to_string())
        .collect();
    expected.retain(|s| !s.trim().is_empty());
    for value in &expected {
        for para in jixiao::text::paragraphs(value) {
            assert!(
                text.contains(&squeeze(&para)),
                "not printed literally: {para}\n--- PDF text:\n{text}"
            );
        }
    }
    for needle in [
        "#read(\"/etc/passwd\")",
        "$x^2$",
        "*bold*",
        "_emph_",
        "[brackets]",
        "back\\slash",
        "<label>",
        "@ref",
        "//comment",
        "#{panic(\"injected\")}",
    ] {
        assert!(text.contains(&squeeze(needle)), "{needle} missing");
    }
}

#[test]
fn nothing_is_read_from_the_file_system() {
    let pdf = render(&injection());
    let text = pdftotext(&pdf, None);
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    if let Some(first) = passwd.lines().next() {
        assert!(!text.contains(first), "/etc/passwd leaked into the PDF");
    }
    assert!(
        !text.contains("root:x:0"),
        "/etc/passwd leaked into the PDF"
    );
}

fn template_with_main(main: &str) -> tempfile::TempDir {
    let dir = builtin_template_copy();
    std::fs::write(dir.path().join("main.typ"), main).expect("main.typ");
    dir
}

fn render_with(dir: &std::path::Path) -> Result<jixiao::Rendered, jixiao::RenderError> {
    let renderer =
        Renderer::with_template(Template::load(dir).expect("template"), FontSet::bundled())
            .expect("renderer");
    let (_, decl) = sample("guangzhou-kexie.toml");
    renderer.render(&decl, &Default::default())
}

#[test]
fn a_template_cannot_read_outside_its_directory() {
    for path in ["/etc/passwd", "../../../../etc/passwd", "/../etc/passwd"] {
        let dir = template_with_main(&format!("#read(\"{path}\")"));
        let err = render_with(dir.path())
            .err()
            .unwrap_or_else(|| panic!("{path} was readable"));
        let message = err.to_string();
        assert!(
            message.contains("main.typ:1:"),
            "error must name file and line: {message}"
        );
    }
}

#[test]
fn a_template_cannot_use_packages() {
    let dir = template_with_main("#import \"@preview/example:0.1.0\": *\n");
    let err = render_with(dir.path())
        .err()
        .expect("packages must be refused");
    assert!(err.to_string().contains("main.typ:1:"), "{err}");
}

#[test]
fn template_errors_and_warnings_carry_file_and_line() {
    let dir = template_with_main(
        "#let data = json(\"/data.json\")\n\n#data.values.department\n#undefined-function()\n",
    );
    let err = render_with(dir.path()).err().expect("must fail");
    let message = err.to_string();
    assert!(message.contains("main.typ:4:2"), "{message}");
    assert!(
        message.contains("unknown variable: undefined-function"),
        "{message}"
    );

    let dir = template_with_main(
        "#set text(font: \"No Such Font Family\")\n#json(\"/data.json\").filer\n",
    );
    let rendered = render_with(dir.path()).expect("a warning does not block");
    let warnings: Vec<String> = rendered
        .warnings
        .iter()
        .map(|w| w.render(false, jixiao::check::Lang::Zh))
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("main.typ:1:") && w.contains("unknown font family")),
        "{warnings:?}"
    );
}

//! The shape of the workspace: one crate per stage of the data's path, each built only
//! on the crates below it (the layers are listed here, in `LAYERS`), the model free of
//! Typst, the libraries free of the command line's crates; and inside each crate, modules
//! that depend on each other without cycles.
//!
//! The crate graph is read from `cargo metadata`; the module graph from the source: every
//! `crate::module` path (and, in a file at the top of `src/`, `super::module`) outside
//! comments, string literals and `#[cfg(test)]` modules is an edge from the file's
//! top-level module to `module`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace's crates, layer by layer from the bottom: a crate may depend on crates
/// of lower layers only. A new crate must be placed here.
const LAYERS: &[&[&str]] = &[
    // The model, the checks, the layout: no typesetter.
    &["jixiao-core"],
    // Typesetting (Typst, fonts, PDF); PAdES signatures.
    &["jixiao-render", "jixiao-sign"],
    // Spreadsheets; OFD and seals.
    &["jixiao-sheet", "jixiao-ofd"],
    // Archival output, verification, finishing a render.
    &["jixiao-archive"],
    // Many documents at once.
    &["jixiao-batch"],
    // The command line.
    &["jixiao-cli"],
    // The facade and the binary.
    &["jixiao"],
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The layer of `krate`, if it is one of the workspace's.
fn layer_of(krate: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&krate))
}

/// Each workspace crate → the workspace crates it depends on (normal and build
/// dependencies; dev-dependencies may reach up, as tests of a lower crate may use a
/// higher one) and where its sources are.
fn crate_graph() -> BTreeMap<String, (BTreeSet<String>, PathBuf)> {
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root())
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let members: BTreeSet<String> = packages
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_owned())
        .collect();
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter(|d| d["kind"].as_str() != Some("dev"))
                .map(|d| d["name"].as_str().expect("name").to_owned())
                .filter(|name| members.contains(name))
                .collect();
            let manifest = PathBuf::from(p["manifest_path"].as_str().expect("manifest_path"));
            let dir = manifest.parent().expect("a directory").to_path_buf();
            (p["name"].as_str().expect("name").to_owned(), (deps, dir))
        })
        .collect()
}

#[test]
fn every_crate_depends_only_on_lower_layers() {
    let graph = crate_graph();
    assert!(
        graph.len() >= 9,
        "the workspace's crates: {:?}",
        graph.keys()
    );
    // So the test cannot pass because it reads nothing: edges that exist.
    for (from, to) in [
        ("jixiao-render", "jixiao-core"),
        ("jixiao-archive", "jixiao-sign"),
        ("jixiao-cli", "jixiao-batch"),
    ] {
        assert!(
            graph[from].0.contains(to),
            "{from} → {to} not seen: {:?}",
            graph[from].0
        );
    }
    let mut wrong = Vec::new();
    for (krate, (deps, _)) in &graph {
        let Some(layer) = layer_of(krate) else {
            wrong.push(format!("{krate} is in no layer: add it to LAYERS"));
            continue;
        };
        for dep in deps {
            match layer_of(dep) {
                Some(below) if below < layer => {}
                _ => wrong.push(format!(
                    "{krate} (layer {layer}) → {dep} points up or sideways"
                )),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_model_has_no_typesetter_and_the_libraries_no_command_line() {
    let tree = |krate: &str| {
        let out = cargo()
            .args([
                "tree",
                "-p",
                krate,
                "-e",
                "normal,build",
                "--prefix",
                "none",
            ])
            .current_dir(root())
            .output()
            .expect("cargo tree");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let names = |text: &str| -> BTreeSet<String> {
        text.lines()
            .filter_map(|line| line.split_whitespace().next())
            .map(str::to_owned)
            .collect()
    };
    let core = names(&tree("jixiao-core"));
    assert!(core.contains("rust_decimal"), "{core:?}");
    let typst: Vec<_> = core.iter().filter(|n| n.starts_with("typst")).collect();
    assert!(typst.is_empty(), "jixiao-core depends on {typst:?}");
    for krate in ["jixiao-render", "jixiao-archive", "jixiao-batch"] {
        let deps = names(&tree(krate));
        for cli_crate in ["clap", "indicatif", "rpassword"] {
            assert!(!deps.contains(cli_crate), "{krate} depends on {cli_crate}");
        }
    }
    // The facade without its default `cli` feature leaves the command line out too.
    let out = cargo()
        .args([
            "tree",
            "-p",
            "jixiao",
            "--no-default-features",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(root())
        .output()
        .expect("cargo tree");
    let deps = names(&String::from_utf8_lossy(&out.stdout));
    assert!(
        deps.contains("jixiao-render") && !deps.contains("clap"),
        "{deps:?}"
    );
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments, string literals and test module.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut code = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        // Drop string literals (they may name paths in messages).
        let mut in_string = false;
        let mut escaped = false;
        for c in line.chars() {
            match (in_string, c) {
                (true, '\\') if !escaped => escaped = true,
                (true, '"') if !escaped => in_string = false,
                (true, _) => escaped = false,
                (false, '"') => in_string = true,
                (false, _) => code.push(c),
            }
        }
        code.push('\n');
    }
    code
}

/// Module names after `crate::` (or `super::`, with `parent`) in `code`, and those in
/// `use crate::{a, b::c}` groups.
fn referenced(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices(prefix) {
        if at > 0 && code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find("};").unwrap_or(group.len());
            // Every identifier directly after `{` or a top-level `,`.
            let mut depth = 0;
            let mut token_start = Some(0);
            for (i, c) in group[..end].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => token_start = Some(i + 1),
                    _ => {}
                }
                if let Some(s) = token_start {
                    let name = ident(group[s..].trim_start());
                    if !name.is_empty() {
                        out.insert(name);
                        token_start = None;
                    }
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// In one crate's `src`: top-level module → the top-level modules it uses.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).expect("under src");
        let first = relative.components().next().expect("a component");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if matches!(module.as_str(), "main" | "lib") {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&file).expect("read source"));
        let mut used = referenced(&code, "crate::");
        // `super::` in a file at the top of `src/` names a sibling module.
        if relative.components().count() == 1 {
            used.extend(referenced(&code, "super::"));
        }
        let uses = graph.entry(module.clone()).or_default();
        for name in used {
            if name != module && name != "self" && name != "super" {
                uses.insert(name);
            }
        }
    }
    graph
}

/// A cycle through `start`, if any: the modules on it, in order.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_owned(), vec![start.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((node, path)) = stack.pop() {
        for next in graph.get(&node).into_iter().flatten() {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(start.to_owned());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

#[test]
fn the_graph_reader_sees_known_edges() {
    // So the test below cannot pass because it reads nothing.
    let core = module_graph(&root().join("crates/jixiao-core/src"));
    assert!(core.len() > 15, "{core:?}");
    for (from, to) in [
        ("check", "declaration"),
        ("layout", "kind"),
        ("declaration", "amount"),
    ] {
        assert!(
            core.get(from).is_some_and(|uses| uses.contains(to)),
            "{from} → {to} not seen: {:?}",
            core.get(from)
        );
    }
    let render = module_graph(&root().join("crates/jixiao-render/src"));
    assert!(render["render"].contains("world"), "{render:?}");
    let code = code_of("use crate::{a, b::{c, d}, e};\n// crate::f\nlet s = \"crate::g\";");
    assert_eq!(
        referenced(&code, "crate::"),
        ["a", "b", "e"].iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(
        referenced("use super::x::Y; jixiao_crate::z", "crate::"),
        BTreeSet::new()
    );
}

#[test]
fn the_modules_of_every_crate_depend_on_each_other_without_cycles() {
    let mut cycles: Vec<String> = Vec::new();
    for (krate, (_, dir)) in crate_graph() {
        let src = dir.join("src");
        if !src.is_dir() {
            continue;
        }
        let graph = module_graph(&src);
        cycles.extend(
            graph
                .keys()
                .filter_map(|m| cycle_through(&graph, m))
                .map(|c| format!("{krate}: {}", c.join(" → "))),
        );
    }
    assert!(
        cycles.is_empty(),
        "dependency cycles:\n{}",
        cycles.join("\n")
    );
}

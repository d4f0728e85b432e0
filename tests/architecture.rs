//! The shape of the library: its top-level modules depend on each other without cycles
//! (each layer builds on the ones below it: `kind` → `declaration` → `check` → `layout`
//! → `render` → `archive` …), and the library needs none of the command line's crates.
//!
//! Read from the source: every `crate::module` path outside comments, string literals
//! and `#[cfg(test)]` modules is an edge from the file's top-level module to `module`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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

/// The top-level module a file under `src/` belongs to (`check/arith.rs` → `check`).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src");
    let first = relative
        .components()
        .next()
        .expect("a component")
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// Module names after `crate::` in `code`, and those in `use crate::{a, b::c}` groups.
fn referenced(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
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

/// Top-level module → the top-level modules it uses (the CLI excluded: it is the
/// binary's, not the library's).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let module = module_of(&src, &file);
        if matches!(module.as_str(), "main" | "lib" | "cli") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read source");
        let uses = graph.entry(module.clone()).or_default();
        for used in referenced(&code_of(&text)) {
            if used != module && used != "self" && used != "super" {
                uses.insert(used);
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
    let graph = module_graph();
    assert!(graph.len() > 20, "{graph:?}");
    for (from, to) in [
        ("render", "world"),
        ("check", "declaration"),
        ("archive", "render"),
        ("batch", "finish"),
    ] {
        assert!(
            graph.get(from).is_some_and(|uses| uses.contains(to)),
            "{from} → {to} not seen: {:?}",
            graph.get(from)
        );
    }
    let code = code_of("use crate::{a, b::{c, d}, e};\n// crate::f\nlet s = \"crate::g\";");
    assert_eq!(
        referenced(&code),
        ["a", "b", "e"].iter().map(|s| s.to_string()).collect()
    );
}

#[test]
fn the_library_modules_depend_on_each_other_without_cycles() {
    let graph = module_graph();
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| cycle_through(&graph, m))
        .map(|c| c.join(" → "))
        .collect();
    assert!(
        cycles.is_empty(),
        "dependency cycles:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_library_needs_none_of_the_command_lines_crates() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files {
        if matches!(module_of(&src, &file).as_str(), "main" | "cli") {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&file).expect("read source"));
        for krate in ["clap", "indicatif", "rpassword"] {
            assert!(
                !code.contains(&format!("{krate}::")) && !code.contains(&format!("use {krate}")),
                "{} uses {krate}",
                file.display()
            );
        }
    }
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let manifest: toml::Table = manifest.parse().expect("Cargo.toml parses");
    let deps = manifest["dependencies"].as_table().expect("dependencies");
    for krate in ["clap", "indicatif", "rpassword"] {
        assert_eq!(
            deps[krate].get("optional").and_then(toml::Value::as_bool),
            Some(true),
            "{krate} must be optional (the cli feature)"
        );
    }
}

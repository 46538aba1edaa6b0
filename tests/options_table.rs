//! The options table in `src/engine/options.rs` is the one source of truth: the TypeScript
//! declaration, the README and the benchmark's plain-JS reference must agree with it.
#![cfg(not(target_arch = "wasm32"))]
// Tests assert by unwrapping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use memory_player::engine::{Options, Value, OPTIONS};

fn read(path: &str) -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/").to_owned() + path).unwrap()
}

/// A default as the documents write it: `0.5`, `3_600_000`, `1/3`, `"adaptive"`.
fn parse(text: &str) -> Option<Value> {
    let t = text.trim().replace('_', "");
    if let Some(name) = t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return OPTIONS.iter().find_map(|s| match s.kind {
            memory_player::engine::Kind::Choice(names) => {
                names.iter().find(|n| **n == name).map(|n| Value::Name(n))
            }
            _ => None,
        });
    }
    if let Some((a, b)) = t.split_once('/') {
        let (a, b): (f64, f64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        return Some(Value::Number(a / b));
    }
    t.parse().ok().map(Value::Number)
}

fn default_of(name: &str) -> Value {
    Options::default().get(name).unwrap()
}

fn same(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x - y).abs() < 1e-12,
        (Value::Name(x), Value::Name(y)) => x == y,
        _ => false,
    }
}

#[test]
fn the_typescript_declaration_lists_every_option_with_its_default() {
    let ts = read("src/wasm/types.rs");
    let start = ts.find("export interface Options {").unwrap();
    let block = &ts[start..start + ts[start..].find("\n}\n").unwrap()];
    let mut declared = Vec::new();
    let mut doc = "";
    for line in block.lines().map(str::trim) {
        if line.starts_with("/**") {
            doc = line;
        } else if let Some((name, _)) = line.split_once("?:") {
            declared.push(name.to_owned());
            let default = doc
                .rsplit_once("(default ")
                .and_then(|(_, d)| d.split_once(')'))
                .map(|(d, _)| d)
                .unwrap_or_else(|| panic!("{name}: no (default ...) in its doc"));
            let value = parse(default).unwrap_or_else(|| panic!("{name}: default {default}"));
            assert!(same(value, default_of(name)), "{name}: {default}");
        }
    }
    let table: Vec<String> = OPTIONS.iter().map(|s| s.name.to_owned()).collect();
    assert_eq!(declared, table);
}

#[test]
fn the_readme_lists_every_option_with_its_default() {
    let readme = read("README.md");
    let start = readme.find("| option | default |").unwrap();
    let rows: Vec<(String, String)> = readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_owned(), cells[2].to_owned())
        })
        .collect();
    let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    let table: Vec<&str> = OPTIONS.iter().map(|s| s.name).collect();
    assert_eq!(names, table);
    for (name, default) in &rows {
        let value = parse(default.trim_matches('`')).unwrap_or_else(|| panic!("{name}: {default}"));
        assert!(same(value, default_of(name)), "{name}: {default}");
    }
}

#[test]
fn the_plain_js_reference_uses_the_same_defaults() {
    let js = read("bench/plain.js");
    let start = js.find("export const DEFAULTS = Object.freeze({").unwrap();
    let block = &js[start..start + js[start..].find("});").unwrap()];
    let mut seen = 0;
    for line in block.lines().skip(1) {
        let Some((name, value)) = line.trim().trim_end_matches(',').split_once(':') else {
            continue;
        };
        let value = parse(value).unwrap_or_else(|| panic!("{name}: {value}"));
        assert!(same(value, default_of(name.trim())), "{name}");
        seen += 1;
    }
    // The reference implements the seed rules' picks and lessons, and the player API
    // (choices, the queue, history import): every option but the adaptive policy's.
    let adaptive_only = ["policy", "memoryHalfLife", "exploration"];
    assert_eq!(seen, OPTIONS.len() - adaptive_only.len());
}

//! The shape of `src/`: its top-level modules depend on each other downwards only, so that a
//! floor can be read and changed without the floors above it. A `crate::x` path in module `m`
//! (outside comments and its unit tests) is an edge `m → x`; the test fails on any cycle and
//! names it.

// A test reads the source tree; a failure to read it is the failure to report.
#![expect(clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn the_top_level_modules_have_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = Graph::new();
    collect(&src, &src, &mut graph);
    assert!(
        graph.contains_key("workflow") && graph.contains_key("http"),
        "the scan found the modules: {:?}",
        graph.keys().collect::<Vec<_>>()
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle between modules: {}", cycle.join(" → "));
    }
}

#[test]
fn the_scan_finds_a_cycle_when_there_is_one() {
    let mut graph = Graph::new();
    for (from, to) in [("http", "state"), ("state", "auth"), ("auth", "state")] {
        graph.entry(from.into()).or_default().insert(to.into());
    }
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["auth".into(), "state".into(), "auth".into()])
    );
    assert_eq!(
        references(
            "use crate::{db::Db, error::AppError};\n// crate::http\nlet x = crate::mail::X;"
        ),
        ["db", "error", "mail"].map(String::from).into()
    );
}

/// A PostgreSQL connection opened any other way than `db::libpq::establish` can crash the process
/// as it exits (see that module).
#[test]
fn every_postgres_connection_is_opened_through_db_libpq() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let direct = concat!("PgConnection", "::establish");
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the scan found {} files", files.len());
    let offenders: Vec<_> = files
        .iter()
        .filter(|path| !path.ends_with("src/db/libpq.rs"))
        .filter(|path| {
            fs::read_to_string(path)
                .expect("a readable source file")
                .contains(direct)
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "{direct} outside src/db/libpq.rs: {offenders:?}"
    );
}

fn rust_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Adds the edges of every `.rs` file under `dir` to `graph`, by the top-level module it is in.
fn collect(root: &Path, dir: &Path, graph: &mut Graph) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(root, &path, graph);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(root).expect("under src/");
        let first = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .expect("a UTF-8 name");
        let module = first.trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = fs::read_to_string(&path).expect("a readable source file");
        let targets = graph.entry(module.clone()).or_default();
        targets.extend(references(&text).into_iter().filter(|t| *t != module));
    }
}

/// The top-level modules a source file names through `crate::`, outside comments and its
/// `#[cfg(test)]` module (which, by this codebase's habit, ends the file).
fn references(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let code: String = code
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                found.extend(ident(item.trim()));
            }
        } else {
            found.extend(ident(rest));
        }
    }
    found
}

fn ident(text: &str) -> Option<String> {
    let name: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty() && name != "self").then_some(name)
}

/// A cycle in `graph` as the path that closes it, if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

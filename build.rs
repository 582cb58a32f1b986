//! Embeds the two kinds of migration: the versioned stream of `sql/V*__*.sql`
//! (ordered by version) and the current definitions of `procs/<schema>/<name>.sql`
//! (one function per file). Refuses a procs/ file that breaks the layout,
//! naming it. Also embeds the pages: every file of `web/`. Adding or
//! changing a file rebuilds dues.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

#[allow(dead_code)]
#[path = "src/sqlscan/mod.rs"]
mod sqlscan;

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&root);
    println!("cargo:rerun-if-changed=sql");
    println!("cargo:rerun-if-changed=procs");
    println!("cargo:rerun-if-changed=src/sqlscan");
    println!("cargo:rerun-if-changed=web");
    web_assets(root);

    let mut versioned: BTreeMap<u64, (String, String)> = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(root.join("sql")) {
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if !file.ends_with(".sql") {
                continue;
            }
            let rel = format!("sql/{file}");
            let stem = file.trim_end_matches(".sql");
            let version = stem
                .strip_prefix('V')
                .and_then(|s| s.split_once("__"))
                .filter(|(_, name)| !name.is_empty())
                .and_then(|(v, _)| v.parse::<u64>().ok())
                .unwrap_or_else(|| {
                    panic!("{rel}: a versioned migration is named V<version>__<name>.sql, e.g. V202612011430__seat_limit.sql")
                });
            if let Some((other, _)) = versioned.get(&version) {
                panic!("{rel} and {other} have the same version {version}");
            }
            versioned.insert(version, (rel, stem.to_string()));
        }
    }

    let mut procs = Vec::new();
    let mut scanned = Vec::new();
    walk(&root.join("procs"), &mut procs);
    procs.sort();
    for rel in &procs {
        let sql = fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let file = sqlscan::scan_proc(rel, &sql).unwrap_or_else(|e| panic!("{e}"));
        scanned.push(file);
    }
    if let Err(e) = sqlscan::check_unique(&scanned) {
        panic!("{e}");
    }

    let mut out = String::from(
        "/// The versioned stream, in version order: (file, refinery name, SQL).\n\
         pub static VERSIONED: &[(&str, &str, &str)] = &[\n",
    );
    for (rel, stem) in versioned.values() {
        out.push_str(&format!(
            "    ({rel:?}, {stem:?}, include_str!({:?})),\n",
            root.join(rel).display().to_string()
        ));
    }
    out.push_str(
        "];\n/// The procs/ files: (file, schema, function, triggers (name, table schema, table), line of the function, SQL).\n\
         #[allow(clippy::type_complexity)]\n\
         pub static PROCS: &[(&str, &str, &str, &[(&str, &str, &str)], usize, &str)] = &[\n",
    );
    for f in &scanned {
        out.push_str(&format!(
            "    ({:?}, {:?}, {:?}, &{:?}, {}, include_str!({:?})),\n",
            f.path,
            f.schema,
            f.name,
            f.triggers,
            f.line,
            root.join(&f.path).display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("migrations.rs");
    fs::write(dest, out).expect("write migrations.rs");
}

/// Embeds every file under `web/` (the pages): `web.rs` in OUT_DIR lists
/// (path served, bytes), e.g. ("/app.js", include_bytes!(…)).
fn web_assets(root: &Path) {
    let mut files = Vec::new();
    walk_all(&root.join("web"), &mut files);
    files.sort();
    let mut out = String::from(
        "/// The files of web/: (path served, content).\n\
         pub static WEB: &[(&str, &[u8])] = &[\n",
    );
    for path in &files {
        let rel = path
            .strip_prefix(root.join("web"))
            .expect("under web/")
            .to_string_lossy()
            .replace('\\', "/");
        out.push_str(&format!(
            "    (\"/{rel}\", include_bytes!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("web.rs");
    fs::write(dest, out).expect("write web.rs");
}

/// Every file under `dir` (but hidden ones), recursively.
fn walk_all(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk_all(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every `.sql` file under `dir`, as a path relative to the crate ("procs/api/x.sql").
fn walk(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|x| x == "sql") {
            let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
            let rel = path
                .strip_prefix(&root)
                .expect("under the crate")
                .to_string_lossy()
                .replace('\\', "/");
            out.push(rel);
        }
    }
}

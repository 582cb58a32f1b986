//! Embeds the migration stream: every `sql/V*__*.sql` and `procs/V*__*.sql`,
//! one sequence ordered by version. Adding or changing a file rebuilds dues.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut stream: BTreeMap<u64, (String, String)> = BTreeMap::new();
    for folder in ["sql", "procs"] {
        println!("cargo:rerun-if-changed={folder}");
        let dir = Path::new(&root).join(folder);
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if !file.ends_with(".sql") {
                continue;
            }
            let rel = format!("{folder}/{file}");
            let stem = file.trim_end_matches(".sql");
            let version = stem
                .strip_prefix('V')
                .and_then(|s| s.split_once("__"))
                .filter(|(_, name)| !name.is_empty())
                .and_then(|(v, _)| v.parse::<u64>().ok())
                .unwrap_or_else(|| {
                    panic!("{rel}: a migration is named V<version>__<name>.sql, e.g. V202611220001__ledger.sql")
                });
            if let Some((other, _)) = stream.get(&version) {
                panic!("{rel} and {other} have the same version {version}: versions are unique across sql/ and procs/");
            }
            stream.insert(version, (rel, stem.to_string()));
        }
    }
    let mut out = String::from("/// The migration stream, in version order: (file, refinery name, SQL).\npub static FILES: &[(&str, &str, &str)] = &[\n");
    for (rel, stem) in stream.values() {
        let abs = Path::new(&root).join(rel);
        out.push_str(&format!(
            "    ({rel:?}, {stem:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("migrations.rs");
    fs::write(dest, out).expect("write migrations.rs");
}

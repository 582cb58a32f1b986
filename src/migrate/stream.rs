//! Where the migrations come from: built into the binary, or read from a
//! folder at run time (`--migrations`), refused as the build refuses them.

use super::*;

pub(super) struct Stream {
    versioned: Vec<File>,
    procs: Vec<Proc>,
}

/// The stream read from a folder at run time instead of the built-in copy.
pub(super) static FROM_DISK: std::sync::OnceLock<Stream> = std::sync::OnceLock::new();

pub(super) fn stream() -> &'static Stream {
    FROM_DISK.get_or_init(|| Stream {
        versioned: embedded::VERSIONED
            .iter()
            .map(|&(path, name, sql)| File { path, name, sql })
            .collect(),
        procs: embedded::PROCS
            .iter()
            .map(|&(path, schema, name, triggers, line, sql)| Proc {
                path,
                schema,
                name,
                triggers: triggers.to_vec(),
                line,
                sql,
            })
            .collect(),
    })
}

/// The versioned migrations, in version order: built into this binary, or
/// read from disk by [`use_folder`].
pub fn files() -> impl Iterator<Item = File> {
    stream().versioned.iter().copied()
}

/// The procs/ files, in path order.
pub fn procs() -> impl Iterator<Item = &'static Proc> {
    stream().procs.iter()
}

/// Reads `root/sql` and `root/procs` instead of the copy built into the
/// binary (to try migrations without rebuilding), refusing what the build
/// refuses. Call before any other function of this module.
pub fn use_folder(root: &std::path::Path) -> Result<()> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut versioned: Vec<(i64, File)> = Vec::new();
    let dir = root.join("sql");
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => Some(rd),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in rd.into_iter().flatten().flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = file.strip_suffix(".sql") else {
            continue;
        };
        let path = format!("sql/{file}");
        let version = version_of(stem);
        if version < 0 || !stem.contains("__") {
            return Err(Error::Migration(format!(
                "{path}: a versioned migration is named V<version>__<name>.sql"
            )));
        }
        if let Some((_, other)) = versioned.iter().find(|(v, _)| *v == version) {
            return Err(Error::Migration(format!(
                "{path} and {} have the same version {version}",
                other.path
            )));
        }
        let sql = std::fs::read_to_string(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        versioned.push((
            version,
            File {
                path: leak(path),
                name: leak(stem.to_string()),
                sql: leak(sql),
            },
        ));
    }
    versioned.sort_by_key(|(v, _)| *v);

    let mut paths = Vec::new();
    walk(root, &root.join("procs"), &mut paths)?;
    paths.sort();
    let mut scanned = Vec::new();
    let mut procs = Vec::new();
    for rel in paths {
        let sql =
            std::fs::read_to_string(root.join(&rel)).map_err(|e| Error::io(root.join(&rel), e))?;
        let f = sqlscan::scan_proc(&rel, &sql).map_err(Error::Migration)?;
        scanned.push(f.clone());
        procs.push(Proc {
            path: leak(f.path),
            schema: leak(f.schema),
            name: leak(f.name),
            triggers: f
                .triggers
                .into_iter()
                .map(|(t, s, n)| (leak(t), leak(s), leak(n)))
                .collect(),
            line: f.line,
            sql: leak(sql),
        });
    }
    sqlscan::check_unique(&scanned).map_err(Error::Migration)?;
    FROM_DISK
        .set(Stream {
            versioned: versioned.into_iter().map(|(_, f)| f).collect(),
            procs,
        })
        .map_err(|_| Error::Migration("the migration stream was already chosen".into()))
}

/// Every `.sql` file under `dir`, relative to `root` with `/` separators.
pub(super) fn walk(
    root: &std::path::Path,
    dir: &std::path::Path,
    out: &mut Vec<String>,
) -> Result<()> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in rd.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else if path.extension().is_some_and(|x| x == "sql") {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

//! `SHA256SUMS`: the sums of a backup's files, written as `sha256sum` reads
//! them, and the check a restore makes before it reads anything.

use super::*;
use std::io::Read;

/// Size and SHA-256 of a file, read in blocks.
pub fn sum_file(dir: &Path, name: &str) -> Result<FileSum> {
    use sha2::{Digest, Sha256};
    let path = dir.join(name);
    let mut f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(&path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    let sha256 = hex::encode(hasher.finalize());
    Ok(FileSum {
        name: name.to_string(),
        bytes,
        sha256,
    })
}

/// The lines of `SHA256SUMS`, as `sha256sum` writes and checks them.
pub fn sums_text(files: &[FileSum]) -> String {
    files
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.name))
        .collect()
}

/// The files `SHA256SUMS` lists, with their hashes.
fn read_sums(
    sums_path: &Path,
    dir: &Path,
    refuse: &dyn Fn(String) -> Error,
) -> Result<BTreeMap<String, String>> {
    let sums = match std::fs::read_to_string(sums_path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(refuse(format!(
                "{}: no {SUMS_FILE}, so not a complete dues backup ({SUMS_FILE} is written last)",
                dir.display()
            )))
        }
        Err(e) => return Err(Error::io(sums_path, e)),
    };
    let mut listed: BTreeMap<String, String> = BTreeMap::new();
    for (i, line) in sums.lines().enumerate() {
        let parsed = line.split_once("  ").filter(|(hash, name)| {
            hash.len() == 64
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                && [DUMP_FILE, MANIFEST_FILE, FINGERPRINT_FILE].contains(name)
        });
        let Some((hash, name)) = parsed else {
            return Err(refuse(format!(
                "{} line {}: not a SHA-256 of a file of a dues backup",
                sums_path.display(),
                i + 1
            )));
        };
        listed.insert(name.to_string(), hash.to_ascii_lowercase());
    }
    Ok(listed)
}

/// A backup folder whose every file matches `SHA256SUMS`: its manifest and
/// its fingerprint's text. Refuses (naming the file) an incomplete backup, a
/// file truncated or altered, and a manifest of another format.
pub fn verify(dir: &Path) -> Result<(Manifest, String)> {
    let refuse = |msg: String| Error::Failed(format!("{msg}; nothing was restored"));
    if !dir.is_dir() {
        return Err(refuse(format!("{}: no such folder", dir.display())));
    }
    let sums_path = dir.join(SUMS_FILE);
    let listed = read_sums(&sums_path, dir, &refuse)?;
    for name in [MANIFEST_FILE, DUMP_FILE, FINGERPRINT_FILE] {
        let Some(want) = listed.get(name) else {
            return Err(refuse(format!(
                "{} does not list {name}",
                sums_path.display()
            )));
        };
        let path = dir.join(name);
        if !path.is_file() {
            return Err(refuse(format!("{}: missing", path.display())));
        }
        let got = sum_file(dir, name)?;
        if &got.sha256 != want {
            return Err(refuse(format!(
                "{}: its SHA-256 is {}, {SUMS_FILE} says {want}: the file was truncated or altered",
                path.display(),
                got.sha256
            )));
        }
    }
    let manifest_path = dir.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
    let format = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["format"].as_u64());
    if format != Some(FORMAT as u64) {
        return Err(refuse(format!(
            "{}: manifest format {}, this dues reads format {FORMAT}",
            manifest_path.display(),
            format.map_or("unknown".to_string(), |f| f.to_string())
        )));
    }
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| refuse(format!("{}: {e}", manifest_path.display())))?;
    for f in &manifest.files {
        let actual = sum_file(dir, &f.name)?;
        if actual != *f {
            return Err(refuse(format!(
                "{}: {} bytes with SHA-256 {}, the manifest says {} bytes with SHA-256 {}",
                dir.join(&f.name).display(),
                actual.bytes,
                actual.sha256,
                f.bytes,
                f.sha256
            )));
        }
    }
    let fp_path = dir.join(FINGERPRINT_FILE);
    let fingerprint = std::fs::read_to_string(&fp_path).map_err(|e| Error::io(&fp_path, e))?;
    Ok((manifest, fingerprint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_written_as_sha256sum_reads_them() {
        let f = FileSum {
            name: DUMP_FILE.into(),
            bytes: 3,
            sha256: "ab".repeat(32),
        };
        assert_eq!(sums_text(&[f]), format!("{}  dues.dump\n", "ab".repeat(32)));
    }
}

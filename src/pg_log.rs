//! PostgreSQL's own log of the embedded cluster: the logging collector writes
//! it to `<cluster>/log`, starting a new file at a size (`DUES_PG_LOG_SIZE`,
//! default 10MB) or an age (`DUES_PG_LOG_AGE`, default 1d), and dues keeps
//! the newest `DUES_PG_LOG_FILES` (default 10) of them.

use crate::error::{Error, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// The settings file dues writes into the data folder at every start.
pub const CONF_FILE: &str = "dues_log.conf";
/// The line of postgresql.conf that reads it.
pub const INCLUDE_LINE: &str = "include_if_exists = 'dues_log.conf'";
/// The names the collector gives its files: they sort by time.
const FILE_PREFIX: &str = "postgresql-";

/// How the log rotates and how many files are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// A PostgreSQL size: a new file once the current one is this big.
    pub size: String,
    /// A PostgreSQL time: a new file once the current one is this old.
    pub age: String,
    /// How many files are kept, the newest.
    pub files: usize,
}

impl LogSettings {
    /// From `DUES_PG_LOG_SIZE`, `DUES_PG_LOG_AGE` and `DUES_PG_LOG_FILES`.
    pub fn from_env() -> Result<LogSettings> {
        let var = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_string())
        };
        LogSettings::parse(
            &var("DUES_PG_LOG_SIZE", "10MB"),
            &var("DUES_PG_LOG_AGE", "1d"),
            &var("DUES_PG_LOG_FILES", "10"),
        )
    }

    /// Checks the three values as PostgreSQL and dues read them.
    pub fn parse(size: &str, age: &str, files: &str) -> Result<LogSettings> {
        let quantity = |value: &str, units: &[&str]| {
            let digits = value.chars().take_while(|c| c.is_ascii_digit()).count();
            let unit = value[digits..].trim();
            digits > 0 && digits <= 9 && units.contains(&unit)
        };
        if !quantity(size, &["", "kB", "MB", "GB"]) {
            return Err(Error::Usage(format!(
                "DUES_PG_LOG_SIZE={size:?} is not a size such as 10MB (units kB, MB, GB)"
            )));
        }
        if !quantity(age, &["", "s", "min", "h", "d"]) {
            return Err(Error::Usage(format!(
                "DUES_PG_LOG_AGE={age:?} is not a time such as 1d (units s, min, h, d)"
            )));
        }
        let files = files
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "DUES_PG_LOG_FILES={files:?} is not a number of files (1 or more)"
                ))
            })?;
        Ok(LogSettings {
            size: size.to_string(),
            age: age.to_string(),
            files,
        })
    }

    /// The settings file for a cluster whose log folder is `dir`.
    pub fn conf(&self, dir: &Path) -> String {
        format!(
            "# written by dues at every start of the embedded cluster: PostgreSQL's log rotates\n\
             logging_collector = on\n\
             log_directory = '{}'\n\
             log_filename = '{FILE_PREFIX}%Y-%m-%d_%H%M%S.log'\n\
             log_rotation_size = '{}'\n\
             log_rotation_age = '{}'\n\
             log_file_mode = 0600\n",
            dir.display(),
            self.size,
            self.age
        )
    }
}

/// The log files in `dir`, oldest first.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(FILE_PREFIX) && n.ends_with(".log"))
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Removes all but the newest `keep` log files of `dir`; returns what it removed.
pub fn prune(dir: &Path, keep: usize) -> Vec<PathBuf> {
    let all = files(dir);
    let excess = all.len().saturating_sub(keep.max(1));
    all.into_iter()
        .take(excess)
        .filter(|p| fs::remove_file(p).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sizes_times_and_counts() {
        let s = LogSettings::parse("10MB", "1d", "10").unwrap();
        assert_eq!(
            (s.size.as_str(), s.age.as_str(), s.files),
            ("10MB", "1d", 10)
        );
        assert!(LogSettings::parse("1kB", "90min", "1").is_ok());
        assert!(LogSettings::parse("ten", "1d", "3").is_err());
        assert!(LogSettings::parse("10MB'; drop", "1d", "3").is_err());
        assert!(LogSettings::parse("10MB", "1 week", "3").is_err());
        assert!(LogSettings::parse("10MB", "1d", "0").is_err());
    }

    #[test]
    fn keeps_the_newest_files() {
        let dir = std::env::temp_dir().join(format!("dues-pglog-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for name in [
            "postgresql-2026-01-01_000000.log",
            "postgresql-2026-01-02_000000.log",
            "postgresql-2026-01-03_000000.log",
            "notes.txt",
        ] {
            fs::write(dir.join(name), "x").unwrap();
        }
        let removed = prune(&dir, 2);
        assert_eq!(removed, vec![dir.join("postgresql-2026-01-01_000000.log")]);
        assert_eq!(files(&dir).len(), 2);
        assert!(dir.join("notes.txt").exists(), "other files stay");
        let _ = fs::remove_dir_all(&dir);
    }
}

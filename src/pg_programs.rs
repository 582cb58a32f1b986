//! PostgreSQL's programs: the server programs (initdb, pg_ctl, postgres) the
//! embedded cluster runs, and pg_dump and pg_restore for backups: where they
//! are and which version.

use crate::error::{Error, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Oldest PostgreSQL major version dues runs on.
pub const MIN_MAJOR: u32 = 15;
/// The folder holding initdb, pg_ctl and postgres, version 15 or newer:
/// `PG_BINDIR`, then `PATH`, then `pg_config --bindir`, then the newest
/// `/usr/lib/postgresql/*/bin`.
pub fn find_bindir() -> Result<PathBuf> {
    let candidates = candidates();
    let mut too_old = Vec::new();
    for dir in candidates {
        let complete = ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|p| dir.join(p).is_file());
        if !complete {
            continue;
        }
        match server_version(&dir).and_then(|v| major_of(&v)) {
            Some(m) if m >= MIN_MAJOR => return Ok(dir),
            _ => too_old.push(dir.display().to_string()),
        }
    }
    let mut msg = format!(
        "PostgreSQL {MIN_MAJOR} or newer server programs (initdb, pg_ctl, postgres) not found: \
         install them (Debian: apt-get install postgresql), set PG_BINDIR, or point \
         DATABASE_URL at an existing server"
    );
    if !too_old.is_empty() {
        msg.push_str(&format!(" (too old: {})", too_old.join(", ")));
    }
    Err(Error::Cluster(msg))
}

/// Folders that may hold PostgreSQL's programs, in the order they are tried:
/// `PG_BINDIR`, `PATH`, `pg_config --bindir`, the newest `/usr/lib/postgresql/*/bin` first.
fn candidates() -> Vec<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("PG_BINDIR") {
        candidates.push(PathBuf::from(d));
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        if out.status.success() {
            candidates.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        }
    }
    let mut versioned: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
                    Some((v, e.path().join("bin")))
                })
                .collect()
        })
        .unwrap_or_default();
    versioned.sort_by_key(|(major, _)| std::cmp::Reverse(*major));
    candidates.extend(versioned.into_iter().map(|(_, p)| p));
    candidates
}

/// The folder holding pg_dump and pg_restore of major version `server_major`
/// or newer (pg_dump refuses an older one's server, and pg_restore reads only
/// archives of its own version or older), searched like [`find_bindir`];
/// returns it with `pg_dump --version`.
pub fn find_dump_bindir(server_major: u32) -> Result<(PathBuf, String)> {
    let mut too_old = Vec::new();
    for dir in candidates() {
        if !["pg_dump", "pg_restore"]
            .iter()
            .all(|p| dir.join(p).is_file())
        {
            continue;
        }
        // Debian's /usr/bin/pg_dump is a wrapper choosing a version at each
        // run; the versioned folder it points to comes later in the list
        let wrapper = fs::canonicalize(dir.join("pg_dump"))
            .is_ok_and(|p| p.file_name().is_some_and(|n| n == "pg_wrapper"));
        if wrapper {
            continue;
        }
        let version = Command::new(dir.join("pg_dump"))
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        match version.as_deref().and_then(major_of) {
            Some(m) if m >= server_major => return Ok((dir, version.unwrap_or_default())),
            _ => too_old.push(format!(
                "{} ({})",
                dir.display(),
                version.unwrap_or_else(|| "no version".into())
            )),
        }
    }
    let mut msg = format!(
        "pg_dump and pg_restore of PostgreSQL {server_major} or newer (the server's version) not found: \
         install them (Debian: apt-get install postgresql-client-{server_major}) or set PG_BINDIR"
    );
    if !too_old.is_empty() {
        msg.push_str(&format!(" (too old: {})", too_old.join(", ")));
    }
    Err(Error::Failed(msg))
}

/// `postgres --version`, e.g. "postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)".
pub(crate) fn server_version(bindir: &Path) -> Option<String> {
    let out = Command::new(bindir.join("postgres"))
        .arg("--version")
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The major version in `postgres --version` or `pg_dump --version`.
pub(crate) fn major_of(version: &str) -> Option<u32> {
    let after = version.split(") ").nth(1)?;
    let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// Environment variables that point libpq (pg_dump, pg_restore) at the
/// server of `config` without putting a password on a command line; the
/// database is given as `--dbname` with [`dbname_arg`].
pub fn libpq_env(config: &tokio_postgres::Config) -> Vec<(&'static str, String)> {
    use tokio_postgres::config::{Host, SslMode};
    let mut env = Vec::new();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    if !hosts.is_empty() {
        env.push(("PGHOST", hosts.join(",")));
    }
    let ports: Vec<String> = config.get_ports().iter().map(|p| p.to_string()).collect();
    if !ports.is_empty() {
        env.push(("PGPORT", ports.join(",")));
    }
    let addrs: Vec<String> = config
        .get_hostaddrs()
        .iter()
        .map(|a| a.to_string())
        .collect();
    if !addrs.is_empty() {
        env.push(("PGHOSTADDR", addrs.join(",")));
    }
    if let Some(u) = config.get_user() {
        env.push(("PGUSER", u.to_string()));
    }
    if let Some(p) = config.get_password() {
        env.push(("PGPASSWORD", String::from_utf8_lossy(p).into_owned()));
    }
    if let Some(o) = config.get_options() {
        env.push(("PGOPTIONS", o.to_string()));
    }
    if let Some(t) = config.get_connect_timeout() {
        env.push(("PGCONNECT_TIMEOUT", t.as_secs().max(1).to_string()));
    }
    env.push((
        "PGSSLMODE",
        match config.get_ssl_mode() {
            SslMode::Disable => "disable",
            SslMode::Require => "require",
            _ => "prefer",
        }
        .to_string(),
    ));
    env
}

/// Variables of the caller's environment that would override [`libpq_env`].
pub const LIBPQ_CLEARED: [&str; 4] = ["PGSERVICE", "PGSERVICEFILE", "PGDATABASE", "PGPASSFILE"];

/// `--dbname` for pg_dump and pg_restore: a keyword string naming only the
/// database, quoted so that any name is read as a name.
pub fn dbname_arg(dbname: &str) -> String {
    format!(
        "--dbname=dbname='{}'",
        dbname.replace('\\', "\\\\").replace('\'', "\\'")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_major_version() {
        assert_eq!(
            major_of("postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"),
            Some(15)
        );
        assert_eq!(major_of("postgres (PostgreSQL) 17beta1"), Some(17));
        assert_eq!(major_of("postgres (PostgreSQL) 16.4"), Some(16));
        assert_eq!(
            major_of("pg_dump (PostgreSQL) 16.4 (Debian 16.4-1.pgdg120+2)"),
            Some(16)
        );
        assert_eq!(major_of("garbage"), None);
    }

    #[test]
    fn a_database_name_is_quoted_for_libpq() {
        assert_eq!(dbname_arg("dues"), "--dbname=dbname='dues'");
        assert_eq!(dbname_arg("a b'c\\d=e"), "--dbname=dbname='a b\\'c\\\\d=e'");
    }

    #[test]
    fn the_password_goes_to_the_environment_only() {
        let c: tokio_postgres::Config =
            "postgres://ann:s3cret@db.example:6543/billing?sslmode=disable"
                .parse()
                .unwrap();
        let env = libpq_env(&c);
        assert!(env.contains(&("PGPASSWORD", "s3cret".into())));
        assert!(env.contains(&("PGHOST", "db.example".into())));
        assert!(env.contains(&("PGPORT", "6543".into())));
        assert!(env.contains(&("PGSSLMODE", "disable".into())));
        assert!(!dbname_arg(c.get_dbname().unwrap()).contains("s3cret"));
    }
}

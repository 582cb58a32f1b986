//! The embedded default: a private PostgreSQL cluster under `$DUES_HOME`,
//! reachable only through a unix socket inside it, created and started on
//! first use and reused by later runs.
//!
//! PostgreSQL refuses to run as root. When dues runs as root, the cluster runs
//! as an unprivileged system user (`postgres`, or `DUES_PG_USER`) that owns
//! its files. If that user cannot reach `$DUES_HOME` (a home folder or a
//! temporary folder of mode 0700), the files live in `/var/lib/dues/<id>` and
//! `$DUES_HOME/pg` is a link to them.

use crate::error::{Error, Result};
use nix::sys::signal::kill;
use nix::unistd::{Gid, Pid, Uid, User};
use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Oldest PostgreSQL major version dues runs on.
pub const MIN_MAJOR: u32 = 15;
/// The server's port number: it only names the socket file, no TCP port is opened.
pub const PORT: u16 = 5432;
/// The cluster's superuser, created by initdb.
pub const SUPERUSER: &str = "postgres";
/// The database dues keeps its data in.
pub const DATABASE: &str = "dues";
/// Where the cluster lives when the unprivileged user cannot reach `$DUES_HOME`.
const SHARED_ROOT: &str = "/var/lib/dues";
/// A unix socket path must fit in `sun_path` (108 bytes with its NUL).
const MAX_SOCKET_PATH: usize = 100;

/// The unprivileged user the server runs as when dues runs as root.
#[derive(Debug, Clone)]
struct Owner {
    name: String,
    uid: Uid,
    gid: Gid,
}

/// A cluster folder: `data/` (PGDATA), `run/` (the socket), `postgres.log`.
#[derive(Debug, Clone)]
pub struct Cluster {
    dir: PathBuf,
    bindir: PathBuf,
    owner: Option<Owner>,
}

/// What `dues db status` reports.
#[derive(Debug)]
pub struct Status {
    pub dir: PathBuf,
    pub initialized: bool,
    pub pid: Option<i32>,
    pub socket_dir: PathBuf,
    pub bindir: PathBuf,
    pub version: String,
}

impl Cluster {
    /// Finds (without creating or starting anything) the cluster of `home`.
    pub fn locate(home: &Path) -> Result<Cluster> {
        let bindir = find_bindir()?;
        let owner = owner()?;
        let dir = cluster_dir(home, owner.as_ref())?;
        Ok(Cluster { dir, bindir, owner })
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    pub fn socket_dir(&self) -> PathBuf {
        self.dir.join("run")
    }

    pub fn log_file(&self) -> PathBuf {
        self.dir.join("postgres.log")
    }

    /// Connection settings for `dbname` on this cluster.
    pub fn config(&self, dbname: &str) -> tokio_postgres::Config {
        let mut c = tokio_postgres::Config::new();
        c.host_path(self.socket_dir())
            .port(PORT)
            .user(SUPERUSER)
            .dbname(dbname)
            .application_name("dues");
        c
    }

    /// Creates the cluster if it does not exist and starts it if it is not
    /// running; safe to call from several processes at once.
    pub fn ensure_running(&self) -> Result<()> {
        let _lock = self.lock()?;
        if !self.initialized() {
            self.init()?;
        }
        if self.running_pid().is_none() {
            self.start()?;
        }
        Ok(())
    }

    /// Stops the server if it runs; returns whether it was running.
    pub fn stop(&self) -> Result<bool> {
        let _lock = self.lock()?;
        if self.running_pid().is_none() {
            return Ok(false);
        }
        let out = self.pg_ctl(&["stop", "-m", "fast", "-w", "-t", "60", "-s"])?;
        if !out.status.success() {
            return Err(Error::Cluster(format!(
                "could not stop the embedded PostgreSQL in {}: {}",
                self.data_dir().display(),
                output_text(&out)
            )));
        }
        Ok(true)
    }

    pub fn status(&self) -> Result<Status> {
        Ok(Status {
            dir: self.dir.clone(),
            initialized: self.initialized(),
            pid: self.running_pid(),
            socket_dir: self.socket_dir(),
            bindir: self.bindir.clone(),
            version: server_version(&self.bindir).unwrap_or_default(),
        })
    }

    fn initialized(&self) -> bool {
        self.data_dir().join("PG_VERSION").is_file()
    }

    /// The postmaster's pid if one is running for this data folder. Lock files
    /// left by a killed server (their pid dead, a zombie, or reused by another
    /// program) are stale: they are removed so that the next start succeeds.
    fn running_pid(&self) -> Option<i32> {
        let pidfile = self.data_dir().join("postmaster.pid");
        let socket_lock = self.socket_dir().join(format!(".s.PGSQL.{PORT}.lock"));
        let pid = lock_pid(&pidfile);
        if let Some(pid) = pid.filter(|&p| is_live_postgres(p)) {
            return Some(pid);
        }
        for lock in [&pidfile, &socket_lock] {
            if let Some(stale) = lock_pid(lock).filter(|&p| !is_live_postgres(p)) {
                tracing::warn!(pid = stale, file = %lock.display(), "removing a stale lock file of the embedded PostgreSQL");
                let _ = fs::remove_file(lock);
            }
        }
        None
    }

    fn init(&self) -> Result<()> {
        let data = self.data_dir();
        if data.exists() {
            // An initdb that was interrupted leaves a folder without PG_VERSION:
            // nothing in it can be of value, and initdb refuses a non-empty folder.
            fs::remove_dir_all(&data).map_err(|e| Error::io(&data, e))?;
        }
        self.make_dir(&self.socket_dir())?;
        tracing::info!(dir = %data.display(), "creating the embedded PostgreSQL cluster");
        let out = self
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .output()
            .map_err(|e| Error::io(self.bindir.join("initdb"), e))?;
        if !out.status.success() {
            return Err(Error::Cluster(format!(
                "initdb failed for {}: {}",
                data.display(),
                output_text(&out)
            )));
        }
        let conf = data.join("postgresql.conf");
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .map_err(|e| Error::io(&conf, e))?;
        let settings = format!(
            "\n# dues: the embedded cluster listens only on its own unix socket\n\
             listen_addresses = ''\n\
             port = {PORT}\n\
             unix_socket_directories = '{}'\n\
             max_connections = 300\n\
             shared_buffers = '256MB'\n\
             logging_collector = off\n",
            self.socket_dir().display()
        );
        f.write_all(settings.as_bytes())
            .map_err(|e| Error::io(&conf, e))?;
        Ok(())
    }

    fn start(&self) -> Result<()> {
        let user = self
            .owner
            .as_ref()
            .map_or("the current user", |o| o.name.as_str());
        tracing::info!(dir = %self.data_dir().display(), user, "starting the embedded PostgreSQL");
        let log = self.log_file();
        if !log.exists() {
            File::create(&log).map_err(|e| Error::io(&log, e))?;
            self.give(&log)?;
        }
        let log_arg = log.to_string_lossy().into_owned();
        let out = self.pg_ctl(&["start", "-w", "-t", "60", "-s", "-l", &log_arg])?;
        if !out.status.success() {
            return Err(Error::Cluster(format!(
                "the embedded PostgreSQL in {} did not start: {}\nlast lines of {}:\n{}\n\
                 (if another server still uses this folder, stop it; `dues db status` shows the cluster)",
                self.data_dir().display(),
                output_text(&out),
                log.display(),
                tail(&log, 10)
            )));
        }
        Ok(())
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<Output> {
        self.command("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::io(self.bindir.join("pg_ctl"), e))
    }

    /// A server program, run as the cluster's owner when we are root.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bindir.join(program));
        cmd.current_dir(&self.dir).env_remove("PGDATA");
        if let Some(o) = &self.owner {
            cmd.uid(o.uid.as_raw()).gid(o.gid.as_raw());
        }
        cmd
    }

    fn make_dir(&self, dir: &Path) -> Result<()> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io(dir, e))?;
        self.give(dir)
    }

    /// Hands a file or folder to the cluster's owner (when we are root).
    fn give(&self, path: &Path) -> Result<()> {
        if let Some(o) = &self.owner {
            nix::unistd::chown(path, Some(o.uid), Some(o.gid))
                .map_err(|e| Error::io(path, e.into()))?;
        }
        Ok(())
    }

    /// An exclusive lock on the cluster folder, held while creating, starting or stopping.
    fn lock(&self) -> Result<File> {
        self.make_dir(&self.dir)?;
        let path = self.dir.join("dues.lock");
        let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
        f.lock().map_err(|e| Error::io(&path, e))?;
        Ok(f)
    }
}

/// The pid on the first line of a PostgreSQL lock file.
fn lock_pid(path: &Path) -> Option<i32> {
    let text = fs::read_to_string(path).ok()?;
    text.lines().next()?.trim().parse().ok()
}

/// Whether `pid` is a running (not zombie) PostgreSQL process.
fn is_live_postgres(pid: i32) -> bool {
    if kill(Pid::from_raw(pid), None).is_err() {
        return false;
    }
    let zombie = fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(") ").map(|(_, rest)| rest.starts_with('Z')))
        .unwrap_or(false);
    let is_postgres = fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| String::from_utf8_lossy(&c).contains("postgres"))
        .unwrap_or(false);
    !zombie && is_postgres
}

/// `$DUES_HOME/pg`, or the folder it links to.
fn cluster_dir(home: &Path, owner: Option<&Owner>) -> Result<PathBuf> {
    fs::create_dir_all(home).map_err(|e| Error::io(home, e))?;
    let home = fs::canonicalize(home).map_err(|e| Error::io(home, e))?;
    let link = home.join("pg");
    if let Ok(target) = fs::read_link(&link) {
        return Ok(target);
    }
    if link.is_dir() {
        return Ok(link);
    }
    let socket_len = link.join("run/.s.PGSQL.5432").as_os_str().len();
    let reachable = owner.is_none_or(|o| reachable_by(&home, o));
    if reachable && socket_len <= MAX_SOCKET_PATH {
        return Ok(link);
    }
    if owner.is_none() {
        return Err(Error::Cluster(format!(
            "the path of DUES_HOME ({}) is too long for a unix socket; choose a shorter DUES_HOME",
            home.display()
        )));
    }
    let id = crate::hex_digest(home.as_os_str().as_encoded_bytes());
    let shared = Path::new(SHARED_ROOT).join(&id[..16]);
    fs::create_dir_all(&shared).map_err(|e| Error::io(&shared, e))?;
    match std::os::unix::fs::symlink(&shared, &link) {
        Ok(()) => {}
        // another dues process made the link at the same moment: use theirs
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return fs::read_link(&link).map_err(|e| Error::io(&link, e));
        }
        Err(e) => return Err(Error::io(&link, e)),
    }
    tracing::info!(link = %link.display(), target = %shared.display(),
        "the cluster's user cannot reach DUES_HOME; its files live in the target");
    Ok(shared)
}

/// Whether `owner` may traverse every folder from `/` down to `dir`.
fn reachable_by(dir: &Path, owner: &Owner) -> bool {
    dir.ancestors().all(|d| match fs::metadata(d) {
        Ok(m) => {
            let mode = m.mode();
            mode & 0o001 != 0
                || (m.uid() == owner.uid.as_raw() && mode & 0o100 != 0)
                || (m.gid() == owner.gid.as_raw() && mode & 0o010 != 0)
        }
        Err(_) => false,
    })
}

/// The unprivileged user to run the server as, when we are root.
fn owner() -> Result<Option<Owner>> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    let name = std::env::var("DUES_PG_USER").unwrap_or_else(|_| "postgres".to_string());
    match User::from_name(&name) {
        Ok(Some(u)) if !u.uid.is_root() => Ok(Some(Owner {
            name: u.name,
            uid: u.uid,
            gid: u.gid,
        })),
        _ => Err(Error::Cluster(format!(
            "dues runs as root and PostgreSQL refuses to: it runs the embedded cluster as the \
             unprivileged user '{name}', which does not exist; create it \
             (useradd --system --home /var/lib/postgresql {name}) or set DUES_PG_USER"
        ))),
    }
}

/// The folder holding initdb, pg_ctl and postgres, version 15 or newer:
/// `PG_BINDIR`, then `PATH`, then `pg_config --bindir`, then the newest
/// `/usr/lib/postgresql/*/bin`.
pub fn find_bindir() -> Result<PathBuf> {
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

/// `postgres --version`, e.g. "postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)".
fn server_version(bindir: &Path) -> Option<String> {
    let out = Command::new(bindir.join("postgres"))
        .arg("--version")
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn major_of(version: &str) -> Option<u32> {
    let after = version.split(") ").nth(1)?;
    let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

fn output_text(out: &Output) -> String {
    let mut s = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !stdout.trim().is_empty() {
        if !s.is_empty() {
            s.push_str("; ");
        }
        s.push_str(stdout.trim());
    }
    if s.is_empty() {
        s = format!("exited with {}", out.status);
    }
    s
}

/// The last `n` lines of a file, for error messages.
fn tail(path: &Path, n: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
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
        assert_eq!(major_of("garbage"), None);
    }
}

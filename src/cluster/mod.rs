//! The embedded default: a private PostgreSQL cluster under `$DUES_HOME`,
//! reachable only through a unix socket inside it, created and started on
//! first use and reused by later runs.
//!
//! PostgreSQL refuses to run as root. When dues runs as root, the cluster runs
//! as an unprivileged system user (`postgres`, or `DUES_PG_USER`) that owns
//! its files. If that user cannot reach `$DUES_HOME` (a home folder or a
//! temporary folder of mode 0700), the files live in `/var/lib/dues/<id>` and
//! `$DUES_HOME/pg` is a link to them. Where the files are, whose they are and
//! removing them is `cluster_home`; the server programs `pg_programs`.
//!
//! `dues serve` keeps the cluster running ([`Cluster::revive`]); `dues db
//! stop` marks it stopped on purpose so that it is not restarted; PostgreSQL's
//! log rotates ([`crate::pg_log`]).

pub use crate::cluster_home::Status;
mod output;
mod replica;

use output::{output_text, tail};

use crate::cluster_home::{cluster_dir, owner, Owner};
use crate::error::{Error, Result};
use crate::pg_log::{self, LogSettings};
pub use crate::pg_programs::{find_bindir, MIN_MAJOR};
use nix::sys::signal::kill;
use nix::unistd::Pid;
use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The server's port number: it only names the socket file, no TCP port is opened.
pub const PORT: u16 = 5432;
/// The cluster's superuser, created by initdb.
pub const SUPERUSER: &str = "postgres";
/// The database dues keeps its data in.
pub const DATABASE: &str = "dues";
/// Left in the cluster folder by `dues db stop`: stopped on purpose, not to be restarted by `dues serve`.
pub(crate) const STOPPED_MARK: &str = "stopped";

/// A cluster folder: `data/` (PGDATA), `run/` (the socket), `log/`
/// (PostgreSQL's log), `postgres.log` (what the server says before its log
/// collector starts).
#[derive(Debug, Clone)]
pub struct Cluster {
    pub(crate) dir: PathBuf,
    pub(crate) bindir: PathBuf,
    pub(crate) owner: Option<Owner>,
    /// `$DUES_HOME`, canonical.
    pub(crate) home: PathBuf,
    /// `$DUES_HOME/pg` when it is a link to `dir` (a folder outside the home).
    pub(crate) link: Option<PathBuf>,
}

/// What [`Cluster::revive`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revival {
    /// The server runs.
    Running,
    /// No server, on purpose: never created, or stopped with `dues db stop`.
    Stopped,
    /// The server had died: it was started again.
    Restarted,
}

impl Cluster {
    /// Finds (without creating or starting anything) the cluster of `home`.
    pub fn locate(home: &Path) -> Result<Cluster> {
        let bindir = find_bindir()?;
        let owner = owner()?;
        let dir = cluster_dir(home, owner.as_ref())?;
        let home = fs::canonicalize(home).map_err(|e| Error::io(home, e))?;
        let link = Some(home.join("pg")).filter(|l| fs::read_link(l).is_ok());
        Ok(Cluster {
            dir,
            bindir,
            owner,
            home,
            link,
        })
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

    /// Where PostgreSQL's log collector writes (rotated files).
    pub fn log_dir(&self) -> PathBuf {
        self.dir.join("log")
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
        let _ = fs::remove_file(self.dir.join(STOPPED_MARK));
        if self.running_pid().is_none() {
            self.start()?;
        }
        self.prune_log()?;
        Ok(())
    }

    /// For `dues serve`: starts the server again when it died (its
    /// postmaster killed, the machine's OOM killer), but not when it was
    /// stopped on purpose (`dues db stop`) or never created.
    pub fn revive(&self) -> Result<Revival> {
        if !self.initialized() || self.dir.join(STOPPED_MARK).exists() {
            return Ok(Revival::Stopped);
        }
        if self.is_running() {
            return Ok(Revival::Running);
        }
        let _lock = self.lock()?;
        if self.dir.join(STOPPED_MARK).exists() {
            return Ok(Revival::Stopped);
        }
        if self.running_pid().is_some() {
            return Ok(Revival::Running);
        }
        self.start()?;
        Ok(Revival::Restarted)
    }

    /// Whether a postmaster runs for this data folder (nothing is changed).
    pub fn is_running(&self) -> bool {
        lock_pid(&self.data_dir().join("postmaster.pid")).is_some_and(is_live_postgres)
    }

    /// Removes the oldest of PostgreSQL's log files beyond the number kept.
    pub fn prune_log(&self) -> Result<Vec<PathBuf>> {
        let settings = LogSettings::from_env()?;
        Ok(pg_log::prune(&self.log_dir(), settings.files))
    }

    /// Stops the server if it runs; returns whether it was running.
    /// Marks the cluster stopped on purpose, so that `dues serve` does not
    /// start it again (any other command does).
    pub fn stop(&self) -> Result<bool> {
        let _lock = self.lock()?;
        let mark = self.dir.join(STOPPED_MARK);
        fs::write(&mark, "stopped with dues db stop\n").map_err(|e| Error::io(&mark, e))?;
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

    pub(crate) fn initialized(&self) -> bool {
        self.data_dir().join("PG_VERSION").is_file()
    }

    /// The postmaster's pid if one is running for this data folder. Lock files
    /// left by a killed server (their pid dead, a zombie, or reused by another
    /// program) are stale: they are removed so that the next start succeeds.
    pub(crate) fn running_pid(&self) -> Option<i32> {
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

    /// Points postgresql.conf at the log settings dues writes at every start
    /// (so that a cluster made before keeps up with them).
    fn write_log_settings(&self) -> Result<()> {
        let settings = LogSettings::from_env()?;
        self.make_dir(&self.log_dir())?;
        let data = self.data_dir();
        let conf = data.join(pg_log::CONF_FILE);
        fs::write(&conf, settings.conf(&self.log_dir())).map_err(|e| Error::io(&conf, e))?;
        self.give(&conf)?;
        let main = data.join("postgresql.conf");
        let text = fs::read_to_string(&main).map_err(|e| Error::io(&main, e))?;
        if !text.lines().any(|l| l.trim() == pg_log::INCLUDE_LINE) {
            let mut f = fs::OpenOptions::new()
                .append(true)
                .open(&main)
                .map_err(|e| Error::io(&main, e))?;
            writeln!(
                f,
                "\n# dues: the log collector's settings\n{}",
                pg_log::INCLUDE_LINE
            )
            .map_err(|e| Error::io(&main, e))?;
        }
        pg_log::prune(&self.log_dir(), settings.files);
        Ok(())
    }

    fn start(&self) -> Result<()> {
        self.write_log_settings()?;
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

    /// Where `name` is: in the folder of the server programs, or else beside
    /// what `postgres` there links to (the version's folder holds them all).
    fn program(&self, name: &str) -> PathBuf {
        let direct = self.bindir.join(name);
        if direct.is_file() {
            return direct;
        }
        fs::canonicalize(self.bindir.join("postgres"))
            .ok()
            .and_then(|p| p.parent().map(|d| d.join(name)))
            .filter(|p| p.is_file())
            .unwrap_or(direct)
    }

    /// A server program, run as the cluster's owner when we are root.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.program(program));
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
        self.check_owner()?;
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

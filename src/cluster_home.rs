//! Where an embedded cluster's files are and whose they are: `$DUES_HOME/pg`,
//! or a folder under `/var/lib/dues` linked from it when the server's user
//! cannot reach the home (the folder records its home); who owns them (dues
//! never touches a cluster another user owns); removing them; and what
//! `dues db status` says about it, folders left behind elsewhere included.

use crate::cluster::{Cluster, STOPPED_MARK};
use crate::error::{Error, Result};
use crate::pg_programs::server_version;
use nix::unistd::{Gid, Uid, User};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Where the cluster lives when the unprivileged user cannot reach `$DUES_HOME`.
const SHARED_ROOT: &str = "/var/lib/dues";
/// A unix socket path must fit in `sun_path` (108 bytes with its NUL).
const MAX_SOCKET_PATH: usize = 100;
/// In a cluster folder under [`SHARED_ROOT`]: the `DUES_HOME` it belongs to.
const HOME_MARK: &str = "home";
/// What dues puts in a cluster folder; `dues db stop --remove` removes nothing else.
const OWN_ENTRIES: &[&str] = &[
    "data",
    "run",
    "log",
    "postgres.log",
    "dues.lock",
    STOPPED_MARK,
    HOME_MARK,
];

/// The unprivileged user the server runs as when dues runs as root.
#[derive(Debug, Clone)]
pub(crate) struct Owner {
    pub(crate) name: String,
    pub(crate) uid: Uid,
    pub(crate) gid: Gid,
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
    /// `$DUES_HOME`.
    pub home: PathBuf,
    /// `$DUES_HOME/pg` when the files live outside the home, linked from it.
    pub link: Option<PathBuf>,
    /// Who owns the files, and who dues runs the server as (they must be one).
    pub owned_by: Option<String>,
    pub runs_as: String,
    pub log_dir: PathBuf,
    /// Cluster folders under /var/lib/dues whose home no longer links to them.
    pub orphans: Vec<(PathBuf, String)>,
}

impl Status {
    /// For `dues db status`: the home, where the files are when outside it,
    /// whose they are, the log, and cluster folders left behind elsewhere.
    pub fn placement(&self) -> String {
        let mut out = format!("home:     {}\n", self.home.display());
        if let Some(link) = &self.link {
            out += &format!(
                "files:    {} (outside the home: {} links to it; `dues db stop --remove` removes both)\n",
                self.dir.display(),
                link.display()
            );
        }
        out += &match &self.owned_by {
            Some(owner) if *owner == self.runs_as => {
                format!("owner:    {owner}, whom dues runs the server as\n")
            }
            Some(owner) => format!(
                "owner:    {owner}, but dues runs the server as {}: it will not touch these files\n",
                self.runs_as
            ),
            None => format!("owner:    none yet (dues runs the server as {})\n", self.runs_as),
        };
        out += &format!("log:      {}\n", self.log_dir.display());
        for (dir, home) in &self.orphans {
            out += &format!(
                "orphan:   {} (its home {home} no longer links to it: remove it by hand)\n",
                dir.display()
            );
        }
        out
    }
}

impl Cluster {
    pub fn status(&self) -> Result<Status> {
        Ok(Status {
            dir: self.dir.clone(),
            initialized: self.initialized(),
            pid: self.running_pid(),
            socket_dir: self.socket_dir(),
            bindir: self.bindir.clone(),
            version: server_version(&self.bindir).unwrap_or_default(),
            home: self.home.clone(),
            link: self.link.clone(),
            owned_by: fs::metadata(&self.dir).ok().map(|m| user_name(m.uid())),
            runs_as: user_name(self.expected_uid().as_raw()),
            log_dir: self.log_dir(),
            orphans: orphans(),
        })
    }

    /// Who the server runs as: the unprivileged owner when we are root, else us.
    fn expected_uid(&self) -> Uid {
        self.owner.as_ref().map_or_else(Uid::effective, |o| o.uid)
    }

    /// Refuses a cluster folder another user owns: dues would take it from
    /// them (as root, by handing it to the server's user) and leave their
    /// server without its files.
    pub(crate) fn check_owner(&self) -> Result<()> {
        let expected = self.expected_uid().as_raw();
        for path in [self.dir.clone(), self.data_dir()] {
            let Ok(meta) = fs::metadata(&path) else {
                continue;
            };
            if meta.uid() != expected {
                return Err(Error::Cluster(format!(
                    "the embedded cluster in {} belongs to {}, but dues runs it as {}: nothing was changed. \
                     Run dues as {} for this DUES_HOME ({}), or choose another DUES_HOME",
                    path.display(),
                    user_name(meta.uid()),
                    user_name(expected),
                    user_name(meta.uid()),
                    self.home.display()
                )));
            }
        }
        Ok(())
    }

    /// Stops the server and removes the cluster's files, wherever they live
    /// (the folder under /var/lib/dues too), the link to them, and then
    /// `$DUES_HOME` itself when nothing else is in it. Refuses a folder that
    /// holds files dues did not put there. Returns what it removed.
    pub fn remove(&self) -> Result<Vec<PathBuf>> {
        let mut removed = Vec::new();
        if self.dir.exists() {
            self.check_owner()?;
            let foreign: Vec<String> = fs::read_dir(&self.dir)
                .map_err(|e| Error::io(&self.dir, e))?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !OWN_ENTRIES.contains(&name.as_str()))
                .collect();
            if !foreign.is_empty() {
                return Err(Error::Cluster(format!(
                    "{} holds {}, which dues did not put there: nothing was removed",
                    self.dir.display(),
                    foreign.join(", ")
                )));
            }
            self.stop()?;
            fs::remove_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
            removed.push(self.dir.clone());
        }
        if let Some(link) = &self.link {
            fs::remove_file(link).map_err(|e| Error::io(link, e))?;
            removed.push(link.clone());
        }
        let empty = fs::read_dir(&self.home).is_ok_and(|mut d| d.next().is_none());
        if empty && fs::remove_dir(&self.home).is_ok() {
            removed.push(self.home.clone());
        }
        Ok(removed)
    }
}

/// A user's name, or its uid when it has none.
fn user_name(uid: u32) -> String {
    match User::from_uid(Uid::from_raw(uid)) {
        Ok(Some(u)) => format!("user {} (uid {uid})", u.name),
        _ => format!("uid {uid}"),
    }
}

/// Cluster folders under [`SHARED_ROOT`] whose home (recorded in them) no
/// longer links to them: left behind when a home was deleted by hand.
fn orphans() -> Vec<(PathBuf, String)> {
    let Ok(entries) = fs::read_dir(SHARED_ROOT) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, String)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter_map(|dir| {
            let home = fs::read_to_string(dir.join(HOME_MARK)).ok()?;
            let home = PathBuf::from(home.trim());
            let linked = fs::read_link(home.join("pg")).is_ok_and(|t| t == dir);
            (!linked).then(|| (dir, home.display().to_string()))
        })
        .collect();
    found.sort();
    found
}

/// `$DUES_HOME/pg`, or the folder it links to.
pub(crate) fn cluster_dir(home: &Path, owner: Option<&Owner>) -> Result<PathBuf> {
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
    if let Some(o) = owner {
        // made for the server's user (another dues may be doing the same at this moment)
        if fs::metadata(&shared).is_ok_and(|m| m.uid() == 0) {
            nix::unistd::chown(&shared, Some(o.uid), Some(o.gid))
                .map_err(|e| Error::io(&shared, e.into()))?;
        }
    }
    let mark = shared.join(HOME_MARK);
    if !mark.exists() {
        fs::write(&mark, format!("{}\n", home.display())).map_err(|e| Error::io(&mark, e))?;
    }
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

/// Undoes what finding the cluster's folder made for a home that holds no
/// cluster: the `pg` link and its target when the target holds only the mark
/// naming the home (a command refused for want of a cluster leaves nothing).
pub(crate) fn forget_if_empty(home: &Path) {
    let link = home.join("pg");
    let Ok(target) = fs::read_link(&link) else {
        return;
    };
    let only_mark = fs::read_dir(&target).is_ok_and(|entries| {
        entries
            .filter_map(|e| e.ok())
            .all(|e| e.file_name() == HOME_MARK)
    });
    if only_mark {
        let _ = fs::remove_dir_all(&target);
        let _ = fs::remove_file(&link);
    }
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
pub(crate) fn owner() -> Result<Option<Owner>> {
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

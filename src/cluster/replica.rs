//! A streaming replica of the embedded cluster (`pg_basebackup -R`).

use super::output::output_text;
use super::{Cluster, PORT, SUPERUSER};
use crate::error::{Error, Result};
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

impl Cluster {
    /// Makes the cluster of `home` (which must have none yet) a streaming
    /// replica of this running one: `pg_basebackup -R -X stream` over this
    /// cluster's socket, run as the cluster's owner like every server program,
    /// then its own socket folder. [`Cluster::ensure_running`] starts it,
    /// [`Cluster::stop`] stops it, as any embedded cluster.
    pub fn replicate_to(&self, home: &Path) -> Result<Cluster> {
        let replica = Cluster::locate(home)?;
        let _lock = replica.lock()?;
        if replica.initialized() {
            return Err(Error::Cluster(format!(
                "{} already holds a cluster: a replica is made into an empty one",
                replica.data_dir().display()
            )));
        }
        replica.make_dir(&replica.socket_dir())?;
        let data = replica.data_dir();
        if data.exists() {
            fs::remove_dir_all(&data).map_err(|e| Error::io(&data, e))?;
        }
        let port = PORT.to_string();
        let out = self
            .command("pg_basebackup")
            .arg("-D")
            .arg(&data)
            .arg("-h")
            .arg(self.socket_dir())
            .args([
                "-p", &port, "-U", SUPERUSER, "-R", "-X", "stream", "-c", "fast",
            ])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::io(self.program("pg_basebackup"), e))?;
        if !out.status.success() {
            return Err(Error::Cluster(format!(
                "pg_basebackup from {} failed: {}",
                self.socket_dir().display(),
                output_text(&out)
            )));
        }
        // the copy of postgresql.conf names the primary's socket folder: the replica has its own
        let conf = data.join("postgresql.conf");
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .map_err(|e| Error::io(&conf, e))?;
        writeln!(
            f,
            "\n# dues: a streaming replica of {}\nunix_socket_directories = '{}'",
            self.data_dir().display(),
            replica.socket_dir().display()
        )
        .map_err(|e| Error::io(&conf, e))?;
        Ok(replica)
    }
}

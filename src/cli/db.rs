//! `dues db status | start | stop | url`: the embedded cluster.

use super::args::DbAction;
use crate::cluster::{self, Cluster};
use crate::database::Database;
use crate::error::{Error, Result};

pub async fn run(db: &Database, action: DbAction) -> Result<()> {
    let Some(cluster) = db.cluster() else {
        return external(db, action).await;
    };
    match action {
        DbAction::Status => status(cluster),
        DbAction::Start => {
            db.prepare().await?;
            println!("running: {}", url(cluster));
            Ok(())
        }
        DbAction::Stop { remove: true } => {
            let c = cluster.clone();
            let removed = tokio::task::spawn_blocking(move || c.remove())
                .await
                .map_err(|e| Error::Cluster(e.to_string()))??;
            for path in removed {
                println!("removed: {}", path.display());
            }
            Ok(())
        }
        DbAction::Stop { remove: false } => {
            let c = cluster.clone();
            let was_running = tokio::task::spawn_blocking(move || c.stop())
                .await
                .map_err(|e| Error::Cluster(e.to_string()))??;
            println!(
                "{}",
                if was_running {
                    "stopped"
                } else {
                    "not running"
                }
            );
            Ok(())
        }
        DbAction::Url => {
            println!("{}", url(cluster));
            Ok(())
        }
    }
}

/// A server named by DATABASE_URL: dues only describes it.
async fn external(db: &Database, action: DbAction) -> Result<()> {
    match action {
        DbAction::Status => {
            let client = db.connect().await?;
            let version: String = client.query_one("select version()", &[]).await?.get(0);
            println!("database: {} (external, from DATABASE_URL)", db.describe());
            println!("server:   {version}");
            Ok(())
        }
        DbAction::Url => {
            println!("{}", db.describe());
            Ok(())
        }
        DbAction::Start | DbAction::Stop { .. } => Err(Error::Usage(
            "DATABASE_URL names an external server: dues starts and stops only its embedded cluster"
                .into(),
        )),
    }
}

fn status(cluster: &Cluster) -> Result<()> {
    let s = cluster.status()?;
    println!("cluster:  {}", s.dir.display());
    print!("{}", s.placement());
    println!("programs: {} ({})", s.bindir.display(), s.version);
    let state = match (s.initialized, s.pid) {
        (false, _) => "not created yet (it is created on first use)".to_string(),
        (true, None) => "stopped".to_string(),
        (true, Some(pid)) => format!("running (pid {pid})"),
    };
    println!("state:    {state}");
    println!("socket:   {}", s.socket_dir.display());
    println!("url:      {}", url(cluster));
    Ok(())
}

/// A libpq URL for the embedded cluster, usable with psql.
fn url(cluster: &Cluster) -> String {
    format!(
        "postgresql://{}@/{}?host={}&port={}",
        cluster::SUPERUSER,
        cluster::DATABASE,
        cluster.socket_dir().display(),
        cluster::PORT
    )
}

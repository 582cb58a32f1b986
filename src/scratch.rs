//! Scratch databases for `dues test` and `dues lint`: a template database is
//! migrated once per migration stream (with pgTAP and plpgsql_check in it),
//! and each run gets a throwaway copy of it that is dropped afterwards.

use crate::database::Database;
use crate::error::{Error, Result};
use crate::migrate;

/// Advisory lock key held while a template is checked, built or copied ("dues" + 2).
const TEMPLATE_LOCK: i64 = 0x6475_6573_0000_0002;
const TEMPLATE_PREFIX: &str = "dues_template_";
const SCRATCH_PREFIX: &str = "dues_scratch_";

/// A database created from the template; drop it with [`Scratch::drop_now`].
pub struct Scratch {
    pub name: String,
    db: Database,
}

impl Scratch {
    /// Creates a migrated copy of the current migration stream on the target's server.
    pub async fn create(db: &Database) -> Result<Scratch> {
        let admin = db.connect().await?;
        let template = template_name();
        admin
            .execute("select pg_advisory_lock($1)", &[&TEMPLATE_LOCK])
            .await?;
        let result = async {
            ensure_template(db, &admin, &template).await?;
            let name = format!(
                "{SCRATCH_PREFIX}{}_{}",
                std::process::id(),
                &crate::hex_digest(format!("{:?}", std::time::SystemTime::now()).as_bytes())[..8]
            );
            admin
                .batch_execute(&format!("create database {name} template {template}"))
                .await?;
            Ok::<_, Error>(name)
        }
        .await;
        admin
            .execute("select pg_advisory_unlock($1)", &[&TEMPLATE_LOCK])
            .await?;
        Ok(Scratch {
            name: result?,
            db: db.clone(),
        })
    }

    /// Drops the scratch database, closing any connection still open to it.
    pub async fn drop_now(self) -> Result<()> {
        let admin = self.db.connect().await?;
        admin
            .batch_execute(&format!(
                "drop database if exists {} with (force)",
                self.name
            ))
            .await?;
        Ok(())
    }

    pub async fn connect(&self) -> Result<tokio_postgres::Client> {
        self.db.connect_to(&self.name).await
    }
}

/// The template's name changes whenever a migration or a procs/ file does.
fn template_name() -> String {
    let mut all = String::new();
    for f in migrate::files() {
        all.push_str(f.name);
        all.push_str(f.sql);
    }
    for p in migrate::procs() {
        all.push_str(p.path);
        all.push_str(p.sql);
    }
    format!(
        "{TEMPLATE_PREFIX}{}",
        &crate::hex_digest(all.as_bytes())[..16]
    )
}

/// Builds the template unless a complete one exists; drops stale templates.
async fn ensure_template(
    db: &Database,
    admin: &tokio_postgres::Client,
    template: &str,
) -> Result<()> {
    let complete = admin
        .query_opt(
            "select 1 from pg_database where datname = $1 \
             and shobj_description(oid, 'pg_database') = 'complete'",
            &[&template],
        )
        .await?
        .is_some();
    if complete {
        return Ok(());
    }
    require_extension(admin, "pgtap", "pgtap").await?;
    drop_stale_templates(admin).await?;
    admin
        .batch_execute(&format!("create database {template}"))
        .await?;
    let mut client = db.connect_to(template).await?;
    let migrated = async {
        migrate::run(&mut client).await?;
        client
            .batch_execute("create extension if not exists pgtap schema public")
            .await?;
        let has_check = client
            .query_opt(
                "select 1 from pg_available_extensions where name = 'plpgsql_check'",
                &[],
            )
            .await?
            .is_some();
        if has_check {
            client
                .batch_execute("create extension if not exists plpgsql_check schema public")
                .await?;
        }
        Ok::<_, Error>(())
    }
    .await;
    drop(client);
    if let Err(e) = migrated {
        let _ = admin
            .batch_execute(&format!("drop database if exists {template} with (force)"))
            .await;
        return Err(e);
    }
    admin
        .batch_execute(&format!("comment on database {template} is 'complete'"))
        .await?;
    wait_until_unused(admin, template).await
}

/// Drops the templates of other migration streams (those in use stay).
async fn drop_stale_templates(admin: &tokio_postgres::Client) -> Result<()> {
    let stale = admin
        .query(
            "select datname from pg_database where datname like $1",
            &[&format!("{TEMPLATE_PREFIX}%")],
        )
        .await?;
    for row in stale {
        let name: String = row.get(0);
        if let Err(e) = admin
            .batch_execute(&format!("drop database if exists {name}"))
            .await
        {
            tracing::debug!(database = name, error = %e, "stale template kept: in use");
        }
    }
    Ok(())
}

/// A connection that was just closed may still be leaving: waits (a second
/// at most) until a copy of the template can start.
async fn wait_until_unused(admin: &tokio_postgres::Client, template: &str) -> Result<()> {
    for _ in 0..50 {
        let busy = admin
            .query_opt(
                "select 1 from pg_stat_activity where datname = $1",
                &[&template],
            )
            .await?
            .is_some();
        if !busy {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Fails with the package to install when the server lacks an extension.
pub async fn require_extension(
    admin: &tokio_postgres::Client,
    extension: &str,
    debian_package: &str,
) -> Result<()> {
    let available = admin
        .query_opt(
            "select 1 from pg_available_extensions where name = $1",
            &[&extension],
        )
        .await?
        .is_some();
    if available {
        return Ok(());
    }
    let major: i32 = admin
        .query_one(
            "select current_setting('server_version_num')::int / 10000",
            &[],
        )
        .await?
        .get(0);
    Err(Error::Failed(format!(
        "the PostgreSQL server has no {extension} extension: install it on the server \
         (Debian: apt-get install postgresql-{major}-{debian_package})"
    )))
}

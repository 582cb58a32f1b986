//! One function per command (but `dues db`, in `db.rs`).

use super::args::{CallArgs, JobsAction, ServeArgs, TestArgs, TokenAction, WorkerArgs};
use crate::api::execute::{self, Acting, Context};
use crate::api::{plan, Args, Call, Caller, Catalog};
use crate::database::Database;
use crate::error::{Error, Result};
use crate::pool::PoolSettings;
use crate::{http, lint, migrate, sqltest, worker};
use std::time::Duration;

/// `dues serve`.
pub async fn serve(db: &Database, a: ServeArgs) -> Result<()> {
    if a.pool_size == 0 {
        return Err(Error::Usage("--pool-size must be at least 1".into()));
    }
    let nonempty = |u: Option<String>| u.filter(|u| !u.trim().is_empty());
    let pooled = a.pooler == Some(super::args::PoolerMode::Transaction);
    let direct_url = nonempty(a.direct_url);
    if pooled && direct_url.is_none() {
        return Err(Error::Usage(
            "--pooler transaction needs --direct-url (or DUES_DIRECT_URL): the database itself, for LISTEN and migrations"
                .into(),
        ));
    }
    let settings = http::Settings {
        listen: a.listen,
        pool: PoolSettings {
            size: a.pool_size,
            wait: seconds("pool-wait", a.pool_wait)?,
            statement_timeout: seconds("statement-timeout", a.statement_timeout)?,
            transaction_pooler: pooled,
        },
        replica_url: nonempty(a.replica_url),
        direct_url: direct_url.clone(),
        body_limit: a.body_limit,
        paypal_body_limit: a.paypal_body_limit,
        paypal_rate: a.paypal_rate,
        webhook_rate: a.webhook_rate,
        paypal_verifiers: a.paypal_verifiers,
        paypal_queue: a.paypal_queue,
        metrics_token: a.metrics_token.filter(|t| !t.is_empty()),
        trusted_proxy: a.trusted_proxy,
        ..http::Settings::default()
    };
    db.prepare().await?;
    if !a.no_migrate {
        // migrations take a session lock: never through a pooler
        match &direct_url {
            Some(url) => {
                let direct = Database::resolve(Some(url), std::path::PathBuf::new())
                    .map_err(|e| Error::Usage(format!("--direct-url: {e}")))?;
                migrate_and_print(&direct, false).await?
            }
            None => migrate_and_print(db, false).await?,
        }
    }
    db.watch();
    http::serve(db, settings).await
}

/// `dues migrate [--status | --fingerprint]`.
pub async fn migrate(db: &Database, status: bool, fingerprint: bool) -> Result<()> {
    db.prepare().await?;
    if fingerprint {
        let client = db.connect().await?;
        print!("{}", crate::fingerprint::of(&client).await?);
        return Ok(());
    }
    if !status {
        return migrate_and_print(db, true).await;
    }
    let mut client = db.connect().await?;
    for s in migrate::status(&mut client).await? {
        let mut line = format!("{:<7}  {}", s.state, s.path);
        if let Some(at) = s.applied_on {
            line.push_str(&format!("  {at}"));
        }
        if let Some(note) = s.note {
            line.push_str(&format!("  ({note})"));
        }
        println!("{line}");
    }
    Ok(())
}

/// `dues test`.
pub async fn test(db: &Database, a: TestArgs) -> Result<()> {
    if a.jobs == 0 {
        return Err(Error::Usage("--jobs must be at least 1".into()));
    }
    db.prepare().await?;
    let opts = sqltest::Options {
        dir: a.dir,
        jobs: a.jobs,
        pattern: a.pattern,
        format: a.format,
        statement_timeout_ms: a.timeout.saturating_mul(1000),
    };
    sqltest::run(db, &opts).await.map(|_| ())
}

/// `dues lint`.
pub async fn lint(db: &Database) -> Result<()> {
    db.prepare().await?;
    lint::run(db).await.map(|_| ())
}

/// `dues call NAME [arg=value …] [--json '{…}'] [--as-member ID]`.
pub async fn call(db: &Database, a: CallArgs) -> Result<()> {
    let args = match a.json {
        Some(j) => Args::from_json(j.as_bytes()),
        None => {
            let pairs = a
                .args
                .iter()
                .map(|p| {
                    p.split_once('=')
                        .ok_or_else(|| Error::Usage(format!("argument {p:?} is not name=value")))
                })
                .collect::<Result<Vec<_>>>()?;
            let query = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish();
            Args::from_query(&query)
        }
    }
    .map_err(|e| Error::Usage(e.message()))?;
    let caller = match a.as_member {
        Some(id) => Caller::Member(id),
        None => Caller::Staff,
    };
    let call = Call {
        function: a.name,
        args,
        read_only: false,
        idempotency_key: None,
    };
    call_and_print(db, caller, &call).await
}

/// `dues token create | revoke`: the api functions, as staff.
pub async fn token(db: &Database, action: TokenAction) -> Result<()> {
    let (name, args) = match action {
        TokenAction::Create {
            member,
            staff,
            expires,
            label,
        } => (
            "token_create",
            serde_json::json!({"member_id": member, "staff": staff, "expires_at": expires, "label": label}),
        ),
        TokenAction::Revoke { id } => ("token_revoke", serde_json::json!({ "token_id": id })),
    };
    let serde_json::Value::Object(args) = args else {
        return Err(Error::Failed(
            "the token arguments are not an object".into(),
        ));
    };
    let call = Call {
        function: name.into(),
        args: Args::from_object(args),
        read_only: false,
        idempotency_key: None,
    };
    call_and_print(db, Caller::Staff, &call).await
}

/// `dues worker`.
pub async fn worker(db: &Database, a: WorkerArgs) -> Result<()> {
    let settings = worker::Settings {
        poll: seconds("poll", a.poll)?,
        batch: a.batch.max(1),
        smtp_url: a.smtp_url,
        timeout: seconds("timeout", a.timeout)?,
        once: a.once,
        name: a.name.unwrap_or_else(|| {
            let host = nix::unistd::gethostname()
                .map(|h| h.to_string_lossy().into_owned())
                .unwrap_or_else(|_| "host".into());
            format!("{host}:{}", std::process::id())
        }),
    };
    db.prepare().await?;
    worker::run(db, settings).await
}

/// `dues jobs run NAME [--at T]`, `dues jobs list`.
pub async fn jobs(db: &Database, action: JobsAction) -> Result<()> {
    db.prepare().await?;
    let client = db.connect().await?;
    match action {
        JobsAction::Run { name, at } => {
            let summary = crate::jobs::run(&client, &name, at.as_deref()).await?;
            println!("{summary}");
            let errors = crate::jobs::errors(&client, &summary).await?;
            for e in &errors {
                eprintln!("error: {e}");
            }
            if !errors.is_empty() {
                return Err(Error::Silent);
            }
        }
        JobsAction::List => {
            let sql = "select job, case when cron is not null then 'cron ' || cron \
                                        when every is not null then 'every ' || every::text \
                                        else 'not scheduled' end \
                                   || case when not enabled then ' (disabled)' else '' end, \
                       coalesce(next_run_at::text, ''), coalesce(last_error, '') from dues.job_list()";
            for r in client.query(sql, &[]).await? {
                let (job, schedule, next, error): (String, String, String, String) =
                    (r.get(0), r.get(1), r.get(2), r.get(3));
                println!("{job:<16} {schedule:<20} next {next} {error}");
            }
        }
    }
    Ok(())
}

/// A positive number of seconds from a flag.
fn seconds(name: &str, v: f64) -> Result<Duration> {
    if v.is_finite() && v > 0.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(Error::Usage(format!(
            "--{name} must be a positive number of seconds"
        )))
    }
}

/// `dues call`: the same plan and execution as HTTP; the answer's JSON on
/// stdout, an error's JSON on stderr (exit 1).
async fn call_and_print(db: &Database, caller: Caller, call: &Call) -> Result<()> {
    let timeout = PoolSettings::default().statement_timeout;
    match call_api(db, caller, call, timeout).await? {
        Ok(body) => {
            if let Some(body) = body {
                println!("{body}");
            }
            Ok(())
        }
        Err(e) => {
            eprintln!("{}", e.body());
            Err(Error::Silent)
        }
    }
}

/// Calls an api function as HTTP does (the same plan and execution, its
/// statement cut off after `statement_timeout`): its answer's JSON, or the
/// error it answered.
pub async fn call_api(
    db: &Database,
    caller: Caller,
    call: &Call,
    statement_timeout: Duration,
) -> Result<std::result::Result<Option<String>, crate::api::ApiError>> {
    db.prepare().await?;
    let settings = PoolSettings {
        size: 1,
        statement_timeout,
        ..PoolSettings::default()
    };
    let pool = crate::pool::pool(db, &settings)?;
    let mut client = pool.get().await.map_err(|e| Error::Connect {
        target: db.describe(),
        reason: e.to_string(),
    })?;
    let catalog = Catalog::load(&client).await?;
    let role = caller.role().unwrap_or(crate::api::caller::STAFF);
    let ctx = Context {
        catalog: &catalog,
        caller: &caller,
        request_id: "cli",
        client_address: None,
    };
    let acting = Acting::Cli(caller.clone());
    let result = match plan::plan(&catalog, role, call) {
        Ok(plan) => execute::execute(&mut client, &ctx, &acting, &plan).await,
        Err(e) => Err(e),
    };
    Ok(result.map(|(answer, _)| answer.body))
}

async fn migrate_and_print(db: &Database, verbose: bool) -> Result<()> {
    let mut client = db.connect().await?;
    let applied = migrate::run(&mut client).await?;
    for path in &applied {
        tracing::info!(migration = %path, "applied");
        if verbose {
            println!("applied  {path}");
        }
    }
    if verbose && applied.is_empty() {
        println!("nothing to apply: {} is up to date", db.describe());
    }
    Ok(())
}

//! `POST /rpc/{name}` and `GET /rpc/{name}`, one short function per stage
//! (PostgREST's `postgrestResponse`): request → caller → plan → connection →
//! execute → render, each timed into `Server-Timing`. Nothing that can be
//! refused without the database waits for a connection.

use super::render::{self, Body};
use super::request;
use super::server::State;
use super::timing::Timing;
use crate::api::caller::{Known, ANONYMOUS};
use crate::api::execute::{self, Checked, Context};
use crate::api::live::Live;
use crate::api::{plan, Acting, Answer, ApiError, Caller, Catalog, Identity, Plan};
use crate::pool::PoolError;
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{Request, Response};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio_postgres::types::Type;

/// Answers one call, with its `Server-Timing`.
pub async fn rpc(
    state: &State,
    req: Request<Incoming>,
    name: &str,
    request_id: &str,
    client: &str,
) -> Response<Body> {
    let mut timing = Timing::start();
    let mut response = match stages(state, req, name, request_id, client, &mut timing).await {
        Ok(answer) => {
            let lsn = answer.lsn.clone();
            let mut r = render::answer(answer);
            // read-your-writes: sent back with a GET, it waits for a replica to replay the call
            if let Some(v) = lsn.and_then(|l| HeaderValue::from_str(&l).ok()) {
                r.headers_mut().insert("dues-lsn", v);
            }
            r
        }
        Err(e) => render::error(&e),
    };
    timing.lap("render");
    state.metrics.record_stages(&timing.stages);
    if let Ok(v) = HeaderValue::from_str(&timing.header()) {
        response.headers_mut().insert("server-timing", v);
    }
    response
}

async fn stages(
    state: &State,
    req: Request<Incoming>,
    name: &str,
    request_id: &str,
    client: &str,
    t: &mut Timing,
) -> Result<Answer, ApiError> {
    // each stage is timed, whether it passes or refuses
    let lsn = match req.headers().get("dues-lsn") {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(crate::replica::parse_lsn)
            .map(Some)
            .ok_or(ApiError::BadLsn),
    };
    let parsed = match (request::caller(req.headers()), lsn) {
        (Err(e), _) | (_, Err(e)) => Err(e),
        (Ok(caller), Ok(lsn)) => request::call(req, name, state.settings.body_limit)
            .await
            .map(|call| (caller, call, lsn)),
    };
    t.lap("request");
    let (caller, call, lsn) = parsed?;
    let catalog = state.live.catalog();
    let identified = identify(state, &caller, &catalog, name, request_id).await;
    t.lap("caller");
    let (role, acting) = identified?;
    let planned = plan::plan(&catalog, &role, &call);
    t.lap("plan");
    let origin = Origin { request_id, client };
    let (result, pool, db) = run(state, catalog, caller, acting, planned?, lsn, origin).await;
    t.add("pool", pool);
    t.add("db", db);
    result
}

/// The caller stage: the role a call runs under, and how it is to act. A
/// token seen less than a second ago is trusted; one seen before is checked
/// in the call's own transaction; a new one is looked up first (unless the
/// function does not exist for anyone).
async fn identify(
    state: &State,
    caller: &Caller,
    catalog: &Catalog,
    name: &str,
    request_id: &str,
) -> Result<(String, Acting), ApiError> {
    let Caller::Token(hash) = caller else {
        return Ok((ANONYMOUS.into(), Acting::Trusted(Identity::anonymous())));
    };
    match state.live.tokens.known(hash) {
        Known::Trusted(who) => Ok((who.role.clone(), Acting::Trusted(who))),
        Known::Stale(who) => Ok((who.role, Acting::Check(hash.clone()))),
        Known::Unknown if catalog.function(name).is_none() => {
            Ok((String::new(), Acting::Check(hash.clone())))
        }
        Known::Unknown => {
            let who = lookup(state, catalog, hash, request_id).await?;
            Ok((who.role.clone(), Acting::Trusted(who)))
        }
    }
}

/// Asks the database who a token is (`dues.token_identity`), and remembers it.
pub async fn lookup(
    state: &State,
    catalog: &Catalog,
    hash: &str,
    request_id: &str,
) -> Result<Identity, ApiError> {
    let asked = Instant::now();
    let fail = |e| execute::db_error(e, catalog, true, request_id);
    let client = crate::pool::operator(&state.pool)
        .await
        .map_err(|e| match e {
            crate::pool::OperatorError::Pool(e) => pool_error(e),
            crate::pool::OperatorError::Db(e) => fail(e),
        })?;
    let row = client
        .query_typed_one(
            "select role, member_id, actor, expires_at from dues.token_identity($1)",
            &[(&hash, Type::TEXT)],
        )
        .await
        .map_err(|e| {
            state.live.tokens.forget(hash);
            fail(e)
        })?;
    let who = Identity {
        role: row.get(0),
        member_id: row.get(1),
        actor: row.get(2),
    };
    let expires_at: Option<SystemTime> = row.get(3);
    state
        .live
        .tokens
        .confirm(hash, who.clone(), expires_at, asked);
    Ok(who)
}

/// Where a call comes from: its request id and the client's address.
#[derive(Clone, Copy)]
struct Origin<'a> {
    request_id: &'a str,
    client: &'a str,
}

/// The connection and execute stages. A call that is one statement (its
/// caller is the one the connection's session acts for) runs here: dropped
/// by hyper when its client goes away, it leaves nothing open. Any other runs
/// in a task of its own, so that it ends (commit or rollback) even when its
/// client goes away: a call dropped between two of its statements would
/// return its connection to the pool inside an open transaction. Returns the
/// time waited for the connection and the time the call took.
async fn run(
    state: &State,
    catalog: Arc<Catalog>,
    caller: Caller,
    acting: Acting,
    plan: Plan,
    lsn: Option<u64>,
    origin: Origin<'_>,
) -> (Result<Answer, ApiError>, Duration, Duration) {
    let started = Instant::now();
    // a read goes to the replica when it can serve it
    if let Some(replica) = state.replica.as_ref().filter(|_| plan.read_only) {
        if let Some(conn) = replica.choose(lsn).await {
            let connected = Instant::now();
            let (c, a, p) = (catalog.clone(), caller.clone(), plan.clone());
            let result = execute_on(state, conn, c, a, acting.clone(), p, origin).await;
            match result {
                // the replica went away: the primary answers
                Err(ApiError::Unavailable(why)) => replica.failed(&why),
                // a fault there, or a function it has not replayed yet: a read may run again, on the primary
                Err(e) if crate::replica::not_there(&e) => replica.missed(),
                result => return (result, connected - started, connected.elapsed()),
            }
        }
    }
    let conn = match state.pool.get().await {
        Ok(c) => c,
        Err(e) => return (Err(pool_error(e)), started.elapsed(), Duration::ZERO),
    };
    let connected = Instant::now();
    let answer = execute_on(state, conn, catalog, caller, acting, plan, origin).await;
    (answer, connected - started, connected.elapsed())
}

/// The execute stage on `conn` (of the primary's pool or the replica's).
async fn execute_on(
    state: &State,
    mut conn: crate::pool::Pooled,
    catalog: Arc<Catalog>,
    caller: Caller,
    acting: Acting,
    plan: Plan,
    origin: Origin<'_>,
) -> Result<Answer, ApiError> {
    let Origin { request_id, client } = origin;
    let result = if execute::one_statement(&conn, &acting, &plan) {
        let ctx = Context {
            catalog: &catalog,
            caller: &caller,
            request_id,
            client_address: Some(client),
        };
        let result = execute::execute(&mut conn, &ctx, &acting, &plan).await;
        remember(&state.live, &caller, &result);
        result
    } else {
        let (live, id, client) = (
            state.live.clone(),
            request_id.to_string(),
            client.to_string(),
        );
        let task = tokio::spawn(async move {
            let ctx = Context {
                catalog: &catalog,
                caller: &caller,
                request_id: &id,
                client_address: Some(&client),
            };
            let result = execute::execute(&mut conn, &ctx, &acting, &plan).await;
            remember(&live, &caller, &result);
            result
        });
        task.await.unwrap_or_else(|e| {
            tracing::error!(request_id, error = %e, "request task failed");
            Err(ApiError::Internal(request_id.to_string()))
        })
    };
    result.map(|(answer, _)| answer)
}

/// What the database said of the caller's token: valid (who it is), or not.
fn remember(live: &Live, caller: &Caller, result: &Result<(Answer, Option<Checked>), ApiError>) {
    let Caller::Token(hash) = caller else {
        return;
    };
    match result {
        Ok((_, Some(c))) => live
            .tokens
            .confirm(hash, c.identity.clone(), c.expires_at, c.asked),
        Err(e) if e.code().starts_with("28") => live.tokens.forget(hash),
        _ => {}
    }
}

pub fn pool_error(e: PoolError) -> ApiError {
    match e {
        PoolError::Timeout(_) => ApiError::Busy,
        other => ApiError::Unavailable(other.to_string()),
    }
}

/// Calls `api.{name}` with a JSON object of arguments for `caller`, as
/// `POST /rpc/{name}` would (the same role, plan and execution): the
/// session endpoints of the pages use it.
pub async fn call(
    state: &State,
    caller: Caller,
    name: &str,
    body: &[u8],
    request_id: &str,
    client: &str,
) -> Result<Answer, ApiError> {
    let call = crate::api::Call {
        function: name.to_string(),
        args: crate::api::Args::from_json(body)?,
        read_only: false,
        idempotency_key: None,
    };
    let catalog = state.live.catalog();
    let (role, acting) = identify(state, &caller, &catalog, name, request_id).await?;
    let planned = plan::plan(&catalog, &role, &call)?;
    let origin = Origin { request_id, client };
    run(state, catalog, caller, acting, planned, None, origin)
        .await
        .0
}

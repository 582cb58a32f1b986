//! Calling one api function: check the arguments against the catalog and
//! build the SQL (pure), then run it in one transaction under the caller's
//! role, and turn the outcome into a status and a JSON body. HTTP and
//! `dues call` both come through here, so they map arguments, authorise and
//! report errors the same way.

use super::catalog::{Arg, Catalog, Function, Shape};
use super::error::{ApiError, Shell};
use deadpool_postgres::Client;
use futures_util::future::join4;

/// Who is calling, which decides the role the call runs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// HTTP without a token.
    Anonymous,
    /// HTTP with a bearer token: the hex SHA-256 of the token, never the token.
    Token(String),
    /// `dues call` without `--as-member`: whoever reaches the database operates it.
    Staff,
    /// `dues call --as-member ID`.
    Member(i64),
}

impl Caller {
    pub fn authenticated(&self) -> bool {
        !matches!(self, Caller::Anonymous)
    }

    /// The owner of idempotency keys.
    pub fn key_owner(&self) -> String {
        match self {
            Caller::Anonymous => "anonymous".into(),
            Caller::Token(hash) => format!("token:{hash}"),
            Caller::Staff => "cli:staff".into(),
            Caller::Member(id) => format!("cli:member:{id}"),
        }
    }
}

/// One call, parsed.
#[derive(Debug, Clone)]
pub struct Call {
    pub function: String,
    /// The arguments: a JSON object, passed to PostgreSQL as text so that
    /// numbers keep every digit.
    pub args: String,
    /// The argument names present in `args`.
    pub keys: Vec<String>,
    /// Every value is a string for PostgreSQL to convert with its own input
    /// syntax (query strings, `dues call name=value`), not JSON.
    pub text_values: bool,
    /// GET: only STABLE or IMMUTABLE functions, in a read-only transaction.
    pub read_only: bool,
    /// `Idempotency-Key`, with a hash of what was asked.
    pub idempotency: Option<(String, String)>,
}

/// What a successful call answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// JSON text; None for 204.
    pub body: Option<String>,
    /// The answer was replayed from an earlier call with the same idempotency key.
    pub replayed: bool,
}

/// Finds the function, checks the arguments, and builds the SQL: pure.
pub fn plan<'c>(catalog: &'c Catalog, call: &Call) -> Result<(&'c Function, String), ApiError> {
    let Some(f) = catalog.function(&call.function) else {
        let why = if catalog.overloaded.contains(&call.function) {
            format!(
                "api.{} has several signatures; dues serves only functions with one",
                call.function
            )
        } else {
            format!("no function api.{}", call.function)
        };
        return Err(ApiError::shell(Shell::NoFunction, why)
            .with_hint("GET /openapi.json lists the functions"));
    };
    if call.read_only && !f.read_only {
        return Err(ApiError::shell(
            Shell::NotReadOnly,
            format!("api.{} changes data: call it with POST", f.name),
        ));
    }
    let expected = || {
        f.args
            .iter()
            .map(|a| {
                format!(
                    "{} {}{}",
                    a.name,
                    a.type_name,
                    if a.has_default { " (optional)" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(unknown) = call.keys.iter().find(|k| f.arg(k).is_none()) {
        return Err(ApiError::shell(
            Shell::UnknownArgument,
            format!("api.{} has no argument {unknown:?}", f.name),
        )
        .with_hint(format!("expected: {}", expected())));
    }
    let missing: Vec<&str> = f
        .args
        .iter()
        .filter(|a| !a.has_default && !call.keys.contains(&a.name))
        .map(|a| a.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::shell(
            Shell::MissingArgument,
            format!("api.{} needs {}", f.name, missing.join(", ")),
        )
        .with_hint(format!("expected: {}", expected())));
    }
    let named: Vec<String> = f
        .args
        .iter()
        .filter(|a| call.keys.contains(&a.name))
        .map(|a| format!("{} => {}", ident(&a.name), value_expr(a, call.text_values)))
        .collect();
    let invocation = format!("api.{}({})", ident(&f.name), named.join(", "));
    let sql = match f.shape {
        Shape::Void => format!("select {invocation}"),
        Shape::Scalar => format!("select to_json({invocation})::text"),
        Shape::Row => format!("select to_json(r)::text from {invocation} r"),
        Shape::Set => format!("select coalesce(json_agg(r), '[]')::text from {invocation} r"),
    };
    Ok((f, sql))
}

/// The SQL that takes argument `a` out of the JSON object `$1` and converts
/// it to its declared type: a JSON value as such, or a string with
/// PostgreSQL's input syntax for the type.
fn value_expr(a: &Arg, text_values: bool) -> String {
    let key = literal(&a.name);
    if text_values {
        format!("($1::text::jsonb ->> {key})::{}", a.type_name)
    } else if a.is_json() {
        format!("($1::text::jsonb -> {key})::{}", a.type_name)
    } else if a.is_array() {
        format!(
            "(select array_agg(e) from jsonb_array_elements_text($1::text::jsonb -> {key}) e)::{}",
            a.type_name
        )
    } else {
        format!("($1::text::jsonb ->> {key})::{}", a.type_name)
    }
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Runs a planned call in one transaction under the caller's role. The
/// statements are pipelined: one round trip to the server.
pub async fn execute(
    client: &Client,
    catalog: &Catalog,
    caller: &Caller,
    call: &Call,
    request_id: &str,
) -> Result<Answer, ApiError> {
    let (f, sql) = plan(catalog, call)?;
    let fail = |e: tokio_postgres::Error| db_error(e, catalog, caller, request_id);
    let (auth_sql, auth_arg): (&str, Option<String>) = match caller {
        Caller::Anonymous => ("select dues.authenticate($1::text)", None),
        Caller::Token(hash) => ("select dues.authenticate($1::text)", Some(hash.clone())),
        Caller::Staff => ("select dues.impersonate($1::text::bigint)", None),
        Caller::Member(id) => (
            "select dues.impersonate($1::text::bigint)",
            Some(id.to_string()),
        ),
    };
    let auth = client.prepare_cached(auth_sql).await.map_err(fail)?;
    let stmt = client.prepare_cached(&sql).await.map_err(fail)?;
    let begin = if call.read_only {
        "begin read only"
    } else {
        "begin"
    };

    if let Some((key, hash)) = &call.idempotency {
        return execute_once(
            client,
            catalog,
            caller,
            call,
            request_id,
            f,
            (&auth, &auth_arg),
            &stmt,
            key,
            hash,
        )
        .await;
    }
    let (b, a, r, c) = join4(
        client.batch_execute(begin),
        client.query(&auth, &[&auth_arg]),
        client.query(&stmt, &args_of(&stmt, call)),
        client.batch_execute("commit"),
    )
    .await;
    if let Err(e) = b.and(a.map(|_| ())) {
        return Err(fail(e));
    }
    // after a failed call the pipelined COMMIT rolled the transaction back:
    // the call's error is the one to report
    let rows = match r {
        Ok(rows) => rows,
        Err(e) => return Err(explain_value_error(client, f, call, fail(e)).await),
    };
    // a deferred check can still refuse the transaction at COMMIT
    c.map_err(fail)?;
    Ok(answer(f, rows))
}

/// A call with an `Idempotency-Key`: the first complete answer for (caller,
/// key) is stored with the call's effects, in the same transaction, and
/// replayed afterwards; a concurrent duplicate waits for the first and
/// replays it.
#[allow(clippy::too_many_arguments)]
async fn execute_once(
    client: &Client,
    catalog: &Catalog,
    caller: &Caller,
    call: &Call,
    request_id: &str,
    f: &Function,
    auth: (&tokio_postgres::Statement, &Option<String>),
    stmt: &tokio_postgres::Statement,
    key: &str,
    hash: &str,
) -> Result<Answer, ApiError> {
    let fail = |e: tokio_postgres::Error| db_error(e, catalog, caller, request_id);
    let owner = caller.key_owner();
    let result = async {
        client.batch_execute("begin").await.map_err(fail)?;
        let stored = client
            .query_opt(
                "select status, body from dues.idempotency_claim($1, $2, $3)",
                &[&owner, &key, &hash],
            )
            .await
            .map_err(fail)?;
        client.query(auth.0, &[auth.1]).await.map_err(fail)?;
        if let Some(row) = stored {
            // a key is stored with its answer in one transaction; one without an
            // answer is a fault, not a panic (which would leave this transaction open)
            let Some(status) = row.get::<_, Option<i32>>(0) else {
                tracing::error!(request_id, key, "idempotency key stored without its answer");
                return Err(ApiError::internal(request_id));
            };
            let body: Option<String> = row.get(1);
            client.batch_execute("commit").await.map_err(fail)?;
            return Ok(Answer {
                status: status as u16,
                body,
                replayed: true,
            });
        }
        let rows = match client.query(stmt, &args_of(stmt, call)).await {
            Ok(rows) => rows,
            Err(e) => {
                let _ = client.batch_execute("rollback").await;
                return Err(explain_value_error(client, f, call, fail(e)).await);
            }
        };
        let answer = answer(f, rows);
        // the answer is kept by dues itself, not by the caller's role
        client.batch_execute("reset role").await.map_err(fail)?;
        client
            .execute(
                "select dues.idempotency_store($1, $2, $3, $4)",
                &[&owner, &key, &(answer.status as i32), &answer.body],
            )
            .await
            .map_err(fail)?;
        client.batch_execute("commit").await.map_err(fail)?;
        Ok(answer)
    }
    .await;
    if result.is_err() {
        let _ = client.batch_execute("rollback").await;
    }
    result
}

/// The JSON arguments as `$1`, when the statement takes them (no argument given: no `$1`).
fn args_of<'a>(
    stmt: &tokio_postgres::Statement,
    call: &'a Call,
) -> Vec<&'a (dyn tokio_postgres::types::ToSql + Sync)> {
    if stmt.params().is_empty() {
        Vec::new()
    } else {
        vec![&call.args]
    }
}

fn answer(f: &Function, rows: Vec<tokio_postgres::Row>) -> Answer {
    if f.shape == Shape::Void {
        return Answer {
            status: 204,
            body: None,
            replayed: false,
        };
    }
    let body = rows
        .first()
        .and_then(|r| r.get::<_, Option<String>>(0))
        .unwrap_or_else(|| "null".to_string());
    Answer {
        status: 200,
        body: Some(body),
        replayed: false,
    }
}

/// A PostgreSQL error as the caller sees it; faults of dues or the database
/// are logged in full and shown only as a request id.
pub fn db_error(
    e: tokio_postgres::Error,
    catalog: &Catalog,
    caller: &Caller,
    request_id: &str,
) -> ApiError {
    if let Some(db) = e.as_db_error() {
        if let Some(err) = ApiError::from_db(db, &catalog.statuses, caller.authenticated()) {
            return err;
        }
        tracing::error!(request_id, code = db.code().code(), error = %crate::error::describe_pg(&e), "database error");
        return ApiError::internal(request_id);
    }
    if e.is_closed() || std::error::Error::source(&e).is_some() {
        tracing::warn!(request_id, error = %e, "database connection failed");
        return ApiError::unavailable("the connection to PostgreSQL was lost");
    }
    tracing::error!(request_id, error = %e, "database error");
    ApiError::internal(request_id)
}

/// A value that does not convert (SQLSTATE class 22) is named: each argument
/// is converted alone until one fails.
async fn explain_value_error(
    client: &Client,
    f: &Function,
    call: &Call,
    err: ApiError,
) -> ApiError {
    if !err.code.starts_with("22") {
        return err;
    }
    for a in f.args.iter().filter(|a| call.keys.contains(&a.name)) {
        let probe = format!("select {}", value_expr(a, call.text_values));
        if let Err(e) = client.query(&probe, &[&call.args]).await {
            let msg = e
                .as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_else(|| e.to_string());
            return ApiError::shell(Shell::BadValue, format!("argument {}: {msg}", a.name))
                .with_hint(format!("{} is {}", a.name, a.type_name));
        }
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::catalog::Arg;

    fn arg(name: &str, ty: &str, category: &str, has_default: bool) -> Arg {
        Arg {
            name: name.into(),
            type_name: ty.into(),
            category: category.into(),
            elem_category: None,
            mode: "i".into(),
            has_default,
        }
    }

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        c.functions.insert(
            "register_payment".into(),
            Function {
                name: "register_payment".into(),
                args: vec![
                    arg("p_member_id", "bigint", "N", false),
                    arg("p_amount", "numeric", "N", false),
                    arg("p_params", "jsonb", "U", true),
                    arg("p_ids", "bigint[]", "A", true),
                ],
                shape: Shape::Row,
                return_type: "record".into(),
                columns: vec![],
                read_only: false,
                comment: None,
                callable_by: vec![],
                raises: vec![],
            },
        );
        c
    }

    fn call(keys: &[&str], read_only: bool) -> Call {
        Call {
            function: "register_payment".into(),
            args: "{}".into(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            text_values: false,
            read_only,
            idempotency: None,
        }
    }

    #[test]
    fn plan_uses_named_arguments_and_casts() {
        let c = catalog();
        let (_, sql) = plan(&c, &call(&["p_amount", "p_member_id", "p_params"], false)).unwrap();
        assert_eq!(
            sql,
            "select to_json(r)::text from api.\"register_payment\"(\"p_member_id\" => ($1::text::jsonb ->> 'p_member_id')::bigint, \"p_amount\" => ($1::text::jsonb ->> 'p_amount')::numeric, \"p_params\" => ($1::text::jsonb -> 'p_params')::jsonb) r"
        );
    }

    #[test]
    fn plan_refuses_unknown_missing_and_volatile_get() {
        let c = catalog();
        let e = plan(
            &c,
            &call(&["p_member_id", "p_amount", "x); drop table y; --"], false),
        )
        .unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str()),
            (400, Shell::UnknownArgument.code())
        );
        assert!(e.hint.unwrap().contains("p_member_id bigint"));
        let e = plan(&c, &call(&["p_member_id"], false)).unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str()),
            (400, Shell::MissingArgument.code())
        );
        assert!(e.message.contains("p_amount"));
        let e = plan(&c, &call(&["p_member_id", "p_amount"], true)).unwrap_err();
        assert_eq!(e.status, 405);
        let mut other = call(&[], false);
        other.function = "pg_sleep".into();
        assert_eq!(plan(&c, &other).unwrap_err().status, 404);
    }

    #[test]
    fn text_values_use_postgresql_input_syntax() {
        let c = catalog();
        let mut get = call(&["p_member_id", "p_amount", "p_params", "p_ids"], false);
        get.text_values = true;
        let (_, sql) = plan(&c, &get).unwrap();
        assert!(
            sql.contains("\"p_params\" => ($1::text::jsonb ->> 'p_params')::jsonb"),
            "{sql}"
        );
        assert!(
            sql.contains("\"p_ids\" => ($1::text::jsonb ->> 'p_ids')::bigint[]"),
            "{sql}"
        );
    }

    #[test]
    fn arrays_are_built_from_json_arrays() {
        let c = catalog();
        let (_, sql) = plan(&c, &call(&["p_member_id", "p_amount", "p_ids"], false)).unwrap();
        assert!(sql.contains("(select array_agg(e) from jsonb_array_elements_text($1::text::jsonb -> 'p_ids') e)::bigint[]"));
    }
}

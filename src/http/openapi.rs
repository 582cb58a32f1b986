//! `GET /openapi.json`: an OpenAPI 3.1 document generated from the catalog,
//! listing the api functions a role may call, their arguments and types,
//! their COMMENT, their results and their error responses.

use super::render::{self, Body};
use super::server::State;
use crate::api::caller::{Known, ANONYMOUS};
use crate::api::catalog::{Arg, Catalog, Column, Function, Shape};
use crate::api::ApiError;
use crate::api::Caller;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Map, Value};

/// `GET /openapi.json`: the document for the caller's role (a token seen
/// more than a second ago is asked about again).
pub async fn serve(state: &State, req: &Request<Incoming>, request_id: &str) -> Response<Body> {
    let catalog = state.live.catalog();
    let role = match super::request::caller(req.headers()) {
        // the session cookie of a page opened from elsewhere (the address bar): the anonymous document
        Err(ApiError::CrossSite) => ANONYMOUS.to_string(),
        Err(e) => return render::error(&e),
        Ok(Caller::Token(hash)) => match state.live.tokens.known(&hash) {
            Known::Trusted(who) => who.role,
            _ => match super::rpc::lookup(state, &catalog, &hash, request_id).await {
                Ok(who) => who.role,
                Err(e) => return render::error(&e),
            },
        },
        Ok(_) => ANONYMOUS.to_string(),
    };
    let doc = document(&catalog, &role);
    render::text(StatusCode::OK, "application/json", doc.to_string())
}

/// The document for callers running under `role`.
pub fn document(catalog: &Catalog, role: &str) -> Value {
    let mut names: Vec<&String> = catalog
        .functions
        .iter()
        .filter(|(_, f)| f.callable_by.iter().any(|r| r == role))
        .map(|(n, _)| n)
        .collect();
    names.sort();
    let mut paths = Map::new();
    for name in names {
        let f = &catalog.functions[name];
        paths.insert(format!("/rpc/{name}"), path_item(catalog, f));
    }
    let codes: Vec<Value> = catalog
        .error_codes
        .iter()
        .map(|c| json!({"code": c.sqlstate, "status": c.status, "title": c.title}))
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "dues",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Membership and subscription billing. Every path calls one function of schema api with named arguments. Errors are {code, message, details, hint}: code is the PostgreSQL SQLSTATE; x-dues-error-codes lists dues' own.",
            "x-dues-error-codes": codes,
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["code", "message", "details", "hint"],
                    "properties": {
                        "code": {"type": "string", "description": "PostgreSQL SQLSTATE (DU… for dues' own errors)"},
                        "message": {"type": "string"},
                        "details": {"type": ["string", "null"]},
                        "hint": {"type": ["string", "null"]}
                    }
                }
            }
        },
        "security": [{}, {"bearer": []}]
    })
}

fn path_item(catalog: &Catalog, f: &Function) -> Value {
    let summary = f
        .comment
        .as_deref()
        .and_then(|c| c.split(". ").next())
        .unwrap_or(&f.name)
        .to_string();
    let description = f.comment.clone().unwrap_or_default();
    let responses = responses(catalog, f);
    let mut item = Map::new();
    let mut properties = Map::new();
    let mut required = Vec::new();
    for a in &f.args {
        properties.insert(a.name.clone(), arg_schema(a));
        if !a.has_default {
            required.push(Value::String(a.name.clone()));
        }
    }
    item.insert(
        "post".into(),
        json!({
            "operationId": f.name,
            "summary": summary,
            "description": description,
            "requestBody": {
                "required": !required.is_empty(),
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": properties,
                    "required": required,
                    "additionalProperties": false
                }}}
            },
            "parameters": [idempotency_header()],
            "responses": responses,
        }),
    );
    if f.read_only {
        let params: Vec<Value> = f
            .args
            .iter()
            .map(|a| {
                json!({
                    "name": a.name,
                    "in": "query",
                    "required": !a.has_default,
                    "schema": {"type": "string"},
                    "description": format!("{} (converted by PostgreSQL)", a.type_name),
                })
            })
            .collect();
        item.insert(
            "get".into(),
            json!({
                "operationId": format!("{}_get", f.name),
                "summary": summary,
                "description": description,
                "parameters": params,
                "responses": responses,
            }),
        );
    }
    Value::Object(item)
}

fn idempotency_header() -> Value {
    json!({
        "name": "Idempotency-Key",
        "in": "header",
        "required": false,
        "schema": {"type": "string", "maxLength": 255},
        "description": "Replays the first complete answer for 24 hours; the same key with another body is a 422."
    })
}

fn responses(catalog: &Catalog, f: &Function) -> Value {
    let mut r = Map::new();
    match f.shape {
        Shape::Void => {
            r.insert("204".into(), json!({"description": "done"}));
        }
        _ => {
            r.insert(
                "200".into(),
                json!({"description": format!("{} result", f.return_type),
                       "content": {"application/json": {"schema": result_schema(f)}}}),
            );
        }
    }
    let mut by_status: std::collections::BTreeMap<u16, Vec<String>> = Default::default();
    for code in &f.raises {
        let status = catalog.statuses.get(code).copied().unwrap_or(400);
        let title = catalog
            .error_codes
            .iter()
            .find(|c| &c.sqlstate == code)
            .map(|c| c.title.as_str())
            .unwrap_or("");
        by_status
            .entry(status)
            .or_default()
            .push(format!("{code} {title}"));
    }
    by_status.entry(400).or_default().push("bad request: malformed body, unknown or missing argument, a value that does not convert (DUH…, 22…)".into());
    by_status
        .entry(401)
        .or_default()
        .push("no token, or an invalid, expired or revoked one".into());
    by_status
        .entry(403)
        .or_default()
        .push("the token does not allow this".into());
    by_status
        .entry(500)
        .or_default()
        .push("a fault of dues; the message carries the request id".into());
    by_status
        .entry(503)
        .or_default()
        .push("the database is unavailable".into());
    by_status
        .entry(504)
        .or_default()
        .push("the statement ran past its time limit".into());
    for (status, what) in by_status {
        r.insert(
            status.to_string(),
            json!({"description": what.join("; "),
                   "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    }
    Value::Object(r)
}

fn result_schema(f: &Function) -> Value {
    let row = || object_schema(&f.columns);
    match f.shape {
        Shape::Void => json!({}),
        Shape::Scalar => type_schema(&f.return_type, None),
        Shape::Row => row(),
        Shape::Set if f.columns.is_empty() => {
            json!({"type": "array", "items": type_schema(&f.return_type, None)})
        }
        Shape::Set => json!({"type": "array", "items": row()}),
    }
}

fn object_schema(columns: &[Column]) -> Value {
    let mut props = Map::new();
    for c in columns {
        props.insert(c.name.clone(), type_schema(&c.type_name, None));
    }
    json!({"type": "object", "properties": props})
}

fn arg_schema(a: &Arg) -> Value {
    let mut s = type_schema(&a.type_name, a.elem_category.as_deref());
    if let Value::Object(m) = &mut s {
        m.insert("description".into(), Value::String(a.type_name.clone()));
    }
    s
}

/// JSON Schema of a PostgreSQL type; money (numeric) may be a number or a
/// string and keeps every digit either way.
fn type_schema(pg: &str, _elem_category: Option<&str>) -> Value {
    if let Some(elem) = pg.strip_suffix("[]") {
        return json!({"type": "array", "items": type_schema(elem, None)});
    }
    let base = pg.split('(').next().unwrap_or(pg).trim();
    match base {
        "smallint" | "integer" | "bigint" => json!({"type": "integer"}),
        "numeric" => json!({"type": ["number", "string"], "format": "decimal"}),
        "real" | "double precision" => json!({"type": "number"}),
        "boolean" => json!({"type": "boolean"}),
        "date" => json!({"type": "string", "format": "date"}),
        "timestamp with time zone" | "timestamp without time zone" => {
            json!({"type": "string", "format": "date-time"})
        }
        "json" | "jsonb" => json!({}),
        "void" => json!({"type": "null"}),
        _ => json!({"type": "string"}),
    }
}

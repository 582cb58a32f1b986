//! Parsing a request (pure but for reading the body): who calls, which
//! function, with which arguments. Every malformed request is a 4xx here.

use crate::api::error::Shell;
use crate::api::{ApiError, Call, Caller};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request};

/// The caller from the `Authorization` header: a bearer token is reduced to
/// its SHA-256 at once; the token itself goes no further.
pub fn caller(headers: &HeaderMap) -> Result<Caller, ApiError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(Caller::Anonymous);
    };
    let bad = || {
        ApiError::shell(
            Shell::BadToken,
            "the Authorization header is not \"Bearer <token>\"",
        )
    };
    let value = value.to_str().map_err(|_| bad())?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(bad)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(bad());
    }
    Ok(Caller::Token(crate::hex_digest(token.as_bytes())))
}

/// `GET /rpc/{name}?a=1` or `POST /rpc/{name}` with a JSON object.
pub async fn call(req: Request<Incoming>, name: &str, body_limit: usize) -> Result<Call, ApiError> {
    let idempotency = req
        .headers()
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .ok()
                .map(str::trim)
                .filter(|k| !k.is_empty() && k.len() <= 255)
                .map(str::to_string)
                .ok_or_else(|| {
                    ApiError::shell(
                        Shell::MalformedJson,
                        "Idempotency-Key must be 1 to 255 visible characters",
                    )
                })
        })
        .transpose()?;
    match *req.method() {
        Method::GET => {
            let (args, keys) = query_args(req.uri().query().unwrap_or(""))?;
            Ok(Call {
                function: name.to_string(),
                args,
                keys,
                text_values: true,
                read_only: true,
                idempotency: None,
            })
        }
        Method::POST => {
            check_content_type(req.headers())?;
            let body = read_body(req, body_limit).await?;
            let (args, keys) = json_args(&body)?;
            let idempotency = idempotency.map(|k| {
                let hash = crate::hex_digest(format!("{name}\n{args}").as_bytes());
                (k, hash)
            });
            Ok(Call {
                function: name.to_string(),
                args,
                keys,
                text_values: false,
                read_only: false,
                idempotency,
            })
        }
        _ => Err(method_not_allowed()),
    }
}

pub fn method_not_allowed() -> ApiError {
    ApiError::shell(Shell::Method, "only GET and POST are allowed").with_hint("Allow: GET, POST")
}

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let ct = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim();
    if mime.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::shell(
            Shell::ContentType,
            format!(
                "the body must be application/json, not {:?}",
                if ct.is_empty() { "nothing" } else { ct }
            ),
        ))
    }
}

/// The whole body, refused past `limit` bytes (413).
pub async fn body_bytes(req: Request<Incoming>, limit: usize) -> Result<Vec<u8>, ApiError> {
    read_body(req, limit).await
}

/// How long a client may take to send a whole body once its headers are in
/// (the header timeout of `dues serve` covers only the headers).
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

async fn read_body(req: Request<Incoming>, limit: usize) -> Result<Vec<u8>, ApiError> {
    use hyper::body::Body;
    let too_large = || {
        ApiError::shell(
            Shell::TooLarge,
            format!("the body is larger than {limit} bytes"),
        )
    };
    // a Content-Length over the limit is refused at once, without waiting for the body
    if req.body().size_hint().lower() > limit as u64 {
        return Err(too_large());
    }
    let collected =
        tokio::time::timeout(BODY_TIMEOUT, Limited::new(req.into_body(), limit).collect()).await;
    let Ok(collected) = collected else {
        return Err(ApiError::shell(
            Shell::MalformedJson,
            format!(
                "the body did not arrive within {} s",
                BODY_TIMEOUT.as_secs()
            ),
        ));
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes().to_vec()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(e) => Err(ApiError::shell(
            Shell::MalformedJson,
            format!("the body could not be read: {e}"),
        )),
    }
}

/// The body as the arguments' JSON text, with its keys. An empty body is `{}`.
pub fn json_args(body: &[u8]) -> Result<(String, Vec<String>), ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(("{}".into(), Vec::new()));
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::shell(
            Shell::MalformedJson,
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err(ApiError::shell(
            Shell::NotAnObject,
            "the body must be a JSON object of named arguments",
        ));
    };
    // serde_json accepted it, so it is UTF-8; PostgreSQL reads the numbers exactly
    let text = String::from_utf8_lossy(body).into_owned();
    if text.contains("\\u0000") {
        return Err(ApiError::shell(
            Shell::MalformedJson,
            "the body contains a \\u0000 character, which PostgreSQL cannot store",
        ));
    }
    Ok((text, map.keys().cloned().collect()))
}

/// `a=1&b=x` as a JSON object of strings; PostgreSQL converts each to its type.
pub fn query_args(query: &str) -> Result<(String, Vec<String>), ApiError> {
    let mut map = serde_json::Map::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if map.contains_key(k.as_ref()) {
            return Err(ApiError::shell(
                Shell::UnknownArgument,
                format!("argument {k:?} is given twice"),
            ));
        }
        if v.contains('\0') {
            return Err(ApiError::shell(
                Shell::BadValue,
                format!("argument {k:?} contains a NUL character"),
            ));
        }
        map.insert(k.into_owned(), serde_json::Value::String(v.into_owned()));
    }
    let keys = map.keys().cloned().collect();
    Ok((serde_json::Value::Object(map).to_string(), keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_must_be_objects() {
        assert_eq!(json_args(b"").unwrap().0, "{}");
        let (text, keys) = json_args(br#"{"amount": 10.10, "member_id": 3}"#).unwrap();
        assert_eq!(
            text, r#"{"amount": 10.10, "member_id": 3}"#,
            "numbers keep their digits"
        );
        assert_eq!(keys, vec!["amount", "member_id"]);
        assert_eq!(
            json_args(b"[1,2]").unwrap_err().code,
            Shell::NotAnObject.code()
        );
        assert_eq!(json_args(b"{\"a\":").unwrap_err().status, 400);
        assert_eq!(json_args(b"\xff\xfe").unwrap_err().status, 400);
        let deep = "[".repeat(10_000);
        assert_eq!(json_args(deep.as_bytes()).unwrap_err().status, 400);
    }

    #[test]
    fn query_strings_become_string_arguments() {
        let (text, keys) = query_args("member_id=7&on_date=2026-01-31&name=a%20b").unwrap();
        assert_eq!(
            text,
            r#"{"member_id":"7","name":"a b","on_date":"2026-01-31"}"#
        );
        assert_eq!(keys.len(), 3);
        assert_eq!(query_args("a=1&a=2").unwrap_err().status, 400);
    }

    #[test]
    fn only_bearer_tokens_are_accepted() {
        let mut h = HeaderMap::new();
        assert_eq!(caller(&h).unwrap(), Caller::Anonymous);
        h.insert(AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(
            caller(&h).unwrap(),
            Caller::Token(crate::hex_digest(b"abc"))
        );
        h.insert(AUTHORIZATION, "Basic YWxhZGRpbjpvcGVu".parse().unwrap());
        assert_eq!(caller(&h).unwrap_err().status, 401);
    }
}

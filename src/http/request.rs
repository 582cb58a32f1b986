//! The request stage, without the database: method, headers, body and its
//! limits; for `/rpc/{name}`, who calls and with which arguments. Every
//! malformed request is a 4xx here.

use crate::api::{ApiError, Args, Call, Caller};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request};
use std::net::IpAddr;
use std::time::Duration;

/// How long a client may take to send a whole body once its headers are in
/// (the header timeout of `dues serve` covers only the headers).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// The cookie that carries the pages' session token.
pub const SESSION_COOKIE: &str = "dues_session";

/// The caller from the `Authorization` header, else from the session cookie
/// (only on a request from the pages' own origin: [`same_origin`]); a token
/// is reduced to its SHA-256 at once and goes no further.
pub fn caller(headers: &HeaderMap) -> Result<Caller, ApiError> {
    if let Some(token) = bearer(headers)? {
        return Ok(Caller::Token(crate::hex_digest(token.as_bytes())));
    }
    match session_cookie(headers) {
        None => Ok(Caller::Anonymous),
        Some(token) => {
            same_origin(headers)?;
            Ok(Caller::Token(crate::hex_digest(token.as_bytes())))
        }
    }
}

/// The token of the session cookie, if one is sent and not empty.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(hyper::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// Whether a request comes from a page of this origin: `Sec-Fetch-Site:
/// same-origin` (every current browser sends it), or without that header an
/// `Origin` whose host is the `Host` asked. A request that says neither is
/// not taken for the pages' own: a cross-site form post is refused even by
/// a browser that would send the cookie along.
pub fn same_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return if site.eq_ignore_ascii_case("same-origin") {
            Ok(())
        } else {
            Err(ApiError::CrossSite)
        };
    }
    let (Some(origin), Some(host)) = (header("origin"), header("host")) else {
        return Err(ApiError::CrossSite);
    };
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    if origin_host.is_some_and(|h| h.eq_ignore_ascii_case(host)) {
        Ok(())
    } else {
        Err(ApiError::CrossSite)
    }
}

/// The client's address a call tells the database (`dues.client_address`):
/// the connection's peer, or behind a trusted proxy the last address of
/// `X-Forwarded-For` (the one that proxy added; the ones before it are the
/// client's word). A last hop that is no address is not believed: the peer.
pub fn client_address(headers: &HeaderMap, peer: IpAddr, trusted_proxy: bool) -> String {
    let forwarded = || {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()?
            .to_str()
            .ok()?
            .rsplit(',')
            .next()?
            .trim()
            .parse::<IpAddr>()
            .ok()
    };
    let ip = if trusted_proxy {
        forwarded().unwrap_or(peer)
    } else {
        peer
    };
    ip.to_canonical().to_string()
}

/// The token of `Authorization: Bearer <token>`, if the header is there.
pub fn bearer(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| ApiError::BadToken)?;
    let (scheme, token) = value.trim().split_once(' ').ok_or(ApiError::BadToken)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(ApiError::BadToken);
    }
    Ok(Some(token))
}

/// `GET /rpc/{name}?a=1` or `POST /rpc/{name}` with a JSON object.
pub async fn call(req: Request<Incoming>, name: &str, body_limit: usize) -> Result<Call, ApiError> {
    let idempotency_key = req
        .headers()
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .ok()
                .map(str::trim)
                .filter(|k| !k.is_empty() && k.len() <= 255)
                .map(str::to_string)
                .ok_or(ApiError::BadIdempotencyKey)
        })
        .transpose()?;
    match *req.method() {
        Method::GET => Ok(Call {
            function: name.to_string(),
            args: Args::from_query(req.uri().query().unwrap_or(""))?,
            read_only: true,
            idempotency_key: None,
        }),
        Method::POST => {
            check_content_type(req.headers())?;
            let body = body(req, body_limit).await?;
            Ok(Call {
                function: name.to_string(),
                args: Args::from_json(&body)?,
                read_only: false,
                idempotency_key,
            })
        }
        _ => Err(ApiError::Method),
    }
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
        let shown = if ct.is_empty() { "nothing" } else { ct };
        Err(ApiError::ContentType(shown.to_string()))
    }
}

/// The whole body, refused past `limit` bytes (413) or after [`BODY_TIMEOUT`].
pub async fn body(req: Request<Incoming>, limit: usize) -> Result<Vec<u8>, ApiError> {
    use hyper::body::Body;
    // a Content-Length over the limit is refused at once, without waiting for the body
    if req.body().size_hint().lower() > limit as u64 {
        return Err(ApiError::TooLarge(limit));
    }
    let collected =
        tokio::time::timeout(BODY_TIMEOUT, Limited::new(req.into_body(), limit).collect()).await;
    let Ok(collected) = collected else {
        return Err(ApiError::BodyTimeout(BODY_TIMEOUT.as_secs()));
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes().to_vec()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(ApiError::TooLarge(limit)),
        Err(e) => Err(ApiError::BodyUnreadable(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_address_is_the_peer_unless_a_trusted_proxy_forwards_it() {
        let peer: IpAddr = "192.0.2.1".parse().unwrap();
        let mut h = HeaderMap::new();
        h.append("x-forwarded-for", "10.0.0.1, 198.51.100.7".parse().unwrap());
        assert_eq!(client_address(&h, peer, false), "192.0.2.1");
        assert_eq!(client_address(&h, peer, true), "198.51.100.7");
        h.append("x-forwarded-for", "203.0.113.5".parse().unwrap());
        assert_eq!(
            client_address(&h, peer, true),
            "203.0.113.5",
            "the last header's last hop"
        );
        let mut junk = HeaderMap::new();
        junk.insert(
            "x-forwarded-for",
            "10.0.0.1, not-an-address".parse().unwrap(),
        );
        assert_eq!(
            client_address(&junk, peer, true),
            "192.0.2.1",
            "no address: the peer"
        );
        let mapped: IpAddr = "::ffff:192.0.2.9".parse().unwrap();
        assert_eq!(client_address(&HeaderMap::new(), mapped, true), "192.0.2.9");
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
        assert_eq!(caller(&h).unwrap_err(), ApiError::BadToken);
    }

    #[test]
    fn the_session_cookie_counts_only_from_the_same_origin() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=b; dues_session=tok".parse().unwrap());
        h.insert("host", "example.org:8080".parse().unwrap());
        // neither Sec-Fetch-Site nor Origin: refused
        assert_eq!(caller(&h).unwrap_err(), ApiError::CrossSite);
        h.insert("origin", "https://example.org:8080".parse().unwrap());
        assert_eq!(
            caller(&h).unwrap(),
            Caller::Token(crate::hex_digest(b"tok"))
        );
        h.insert("origin", "https://evil.example".parse().unwrap());
        assert_eq!(caller(&h).unwrap_err(), ApiError::CrossSite);
        // Sec-Fetch-Site decides when it is sent
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(caller(&h).is_ok());
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert_eq!(caller(&h).unwrap_err(), ApiError::CrossSite);
        h.insert("sec-fetch-site", "same-site".parse().unwrap());
        assert_eq!(caller(&h).unwrap_err(), ApiError::CrossSite);
        // a bearer token does not look at the cookie
        h.insert(AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(
            caller(&h).unwrap(),
            Caller::Token(crate::hex_digest(b"abc"))
        );
        // an emptied cookie is no session
        let mut h = HeaderMap::new();
        h.insert("cookie", "dues_session=".parse().unwrap());
        assert_eq!(caller(&h).unwrap(), Caller::Anonymous);
    }
}

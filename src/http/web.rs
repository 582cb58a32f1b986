//! The pages: the files of `web/`, embedded at build time (build.rs lists
//! them), served with a strong ETag, `Cache-Control: no-cache` (the browser
//! keeps them and asks again with `If-None-Match`: a 304 costs a few bytes),
//! gzip when the client accepts it; and the session endpoints that turn an
//! e-mail code into the `dues_session` cookie and back. Every answer here
//! carries the pages' security headers. The pages decide nothing: they call
//! `/rpc` with the caller's rights like any client.

use super::render::{self, Body};
use super::request::{self, SESSION_COOKIE};
use super::server::State;
use crate::api::{ApiError, Caller};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::collections::HashMap;
use std::io::Write;
use std::net::IpAddr;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/web.rs"));

/// The Content-Security-Policy of every page: scripts, styles, images and
/// calls from this origin only, no frames around it, no inline script.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// One embedded file, ready to send.
struct Asset {
    content_type: &'static str,
    body: Bytes,
    /// The gzip of the body, when it is smaller.
    gzip: Option<Bytes>,
    etag: HeaderValue,
}

fn assets() -> &'static HashMap<&'static str, Asset> {
    static ASSETS: OnceLock<HashMap<&'static str, Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        WEB.iter()
            .map(|(path, bytes)| {
                let gzip = gzip(bytes).filter(|z| z.len() < bytes.len());
                let digest = crate::hex_digest(bytes);
                let etag = HeaderValue::from_str(&format!("\"{}\"", &digest[..32]))
                    .expect("hex is a header value");
                let asset = Asset {
                    content_type: content_type(path),
                    body: Bytes::from_static(bytes),
                    gzip: gzip.map(Bytes::from),
                    etag,
                };
                (*path, asset)
            })
            .collect()
    })
}

fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(bytes).ok()?;
    z.finish().ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, x)| x) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether a path is one of the pages' (so that `route` sends it here).
pub fn is_page(path: &str) -> bool {
    path == "/" || path == "/signin" || path == "/apply" || assets().contains_key(path)
}

/// `GET` or `HEAD` of a page or one of its files.
pub fn serve(req: &Request<Incoming>) -> Response<Body> {
    let path = match req.uri().path() {
        // the pages are one document; the links of the sign-in message open it too
        "/" | "/signin" | "/apply" => "/index.html",
        p => p,
    };
    let Some(asset) = assets().get(path) else {
        return render::error(&ApiError::NoEndpoint(path.to_string()));
    };
    let headers = req.headers();
    let fresh = headers
        .get_all(hyper::header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || t.trim().as_bytes() == asset.etag.as_bytes());
    let gzipped = asset.gzip.is_some() && accepts_gzip(headers);
    let mut r = if fresh {
        let mut r = Response::new(Full::new(Bytes::new()));
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let body = match (&asset.gzip, gzipped) {
            (Some(z), true) => z.clone(),
            _ => asset.body.clone(),
        };
        let body = if req.method() == Method::HEAD {
            Bytes::new()
        } else {
            body
        };
        let mut r = Response::new(Full::new(body));
        r.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        );
        if gzipped {
            r.headers_mut().insert(
                hyper::header::CONTENT_ENCODING,
                HeaderValue::from_static("gzip"),
            );
        }
        r
    };
    let h = r.headers_mut();
    h.insert(hyper::header::ETAG, asset.etag.clone());
    h.insert(
        hyper::header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    if asset.gzip.is_some() {
        h.insert(
            hyper::header::VARY,
            HeaderValue::from_static("Accept-Encoding"),
        );
    }
    r
}

/// Whether `Accept-Encoding` accepts gzip (with a q above 0).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(hyper::header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let q = parts
                .find_map(|p| p.strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (name.eq_ignore_ascii_case("gzip") || name == "*") && q > 0.0
        })
}

/// The pages' security headers (route.rs adds them to every answer).
pub fn secure(mut r: Response<Body>) -> Response<Body> {
    let h = r.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    r
}

/// `POST /session` `{"email","code"}`: `api.signin_complete` as an anonymous
/// caller; its token goes into the `dues_session` cookie and never to the
/// page, which gets `{"member_id","role","expires_at"}`.
pub async fn signin(
    state: &State,
    req: Request<Incoming>,
    peer: IpAddr,
    request_id: &str,
) -> Response<Body> {
    let secure_cookie = secure_cookie(state, req.headers());
    let client = request::client_address(req.headers(), peer, state.settings.trusted_proxy);
    let answer = async {
        request::same_origin(req.headers())?;
        let body = request::body(req, state.settings.body_limit).await?;
        let answer = super::rpc::call(
            state,
            Caller::Anonymous,
            "signin_complete",
            &body,
            request_id,
            &client,
        )
        .await?;
        let session: serde_json::Value = answer
            .body
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
            .ok_or_else(|| ApiError::Internal(request_id.to_string()))?;
        let token = session
            .get("token")
            .and_then(|t| t.as_str())
            .filter(|t| {
                t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c))
            })
            .ok_or_else(|| ApiError::Internal(request_id.to_string()))?
            .to_string();
        let shown = serde_json::json!({
            "member_id": session.get("member_id"),
            "role": session.get("role"),
            "expires_at": session.get("expires_at"),
        });
        Ok::<_, ApiError>((token, shown.to_string()))
    }
    .await;
    match answer {
        Ok((token, shown)) => {
            let mut r = render::text(StatusCode::OK, "application/json", shown);
            set_cookie(&mut r, &token, secure_cookie);
            r
        }
        Err(e) => render::error(&e),
    }
}

/// `GET /session`: who the cookie's session is (`{"member_id","role"}`,
/// role `member` or `staff`), or `{"member_id":null,"role":null}` without a
/// valid one (the cookie is then cleared).
pub async fn whoami(state: &State, req: Request<Incoming>, request_id: &str) -> Response<Body> {
    let secure_cookie = secure_cookie(state, req.headers());
    let nobody = || {
        let mut r = render::text(
            StatusCode::OK,
            "application/json",
            r#"{"member_id":null,"role":null}"#.into(),
        );
        set_cookie(&mut r, "", secure_cookie);
        r
    };
    let Some(token) = request::session_cookie(req.headers()) else {
        return nobody();
    };
    if let Err(e) = request::same_origin(req.headers()) {
        return render::error(&e);
    }
    let hash = crate::hex_digest(token.as_bytes());
    let catalog = state.live.catalog();
    match super::rpc::lookup(state, &catalog, &hash, request_id).await {
        Ok(who) => {
            let role = who.role.strip_prefix("dues_").unwrap_or(&who.role);
            let body = serde_json::json!({ "member_id": who.member_id, "role": role });
            render::text(StatusCode::OK, "application/json", body.to_string())
        }
        Err(e) if e.status() == 401 || e.status() == 403 => nobody(),
        Err(e) => render::error(&e),
    }
}

/// `POST /session/end`: `api.signout` for the cookie's session, and the
/// cookie cleared (204), whatever the token's state.
pub async fn signout(
    state: &State,
    req: Request<Incoming>,
    peer: IpAddr,
    request_id: &str,
) -> Response<Body> {
    let secure_cookie = secure_cookie(state, req.headers());
    let client = request::client_address(req.headers(), peer, state.settings.trusted_proxy);
    if let Err(e) = request::same_origin(req.headers()) {
        return render::error(&e);
    }
    if let Some(token) = request::session_cookie(req.headers()) {
        let hash = crate::hex_digest(token.as_bytes());
        let caller = Caller::Token(hash.clone());
        if let Err(e) = super::rpc::call(state, caller, "signout", b"{}", request_id, &client).await
        {
            tracing::info!(request_id, error = %e, "signout refused; the cookie is cleared anyway");
        }
        state.live.tokens.forget(&hash);
    }
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::NO_CONTENT;
    set_cookie(&mut r, "", secure_cookie);
    r
}

/// Whether the cookie is to be `Secure`: behind a trusted proxy that says
/// the client came over https (dues serve itself speaks plain HTTP).
fn secure_cookie(state: &State, headers: &HeaderMap) -> bool {
    state.settings.trusted_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// Sets the session cookie to `token`, or clears it (an empty token).
fn set_cookie(r: &mut Response<Body>, token: &str, secure: bool) {
    let mut cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
    if token.is_empty() {
        cookie.push_str("; Max-Age=0");
    }
    if secure {
        cookie.push_str("; Secure");
    }
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().append(hyper::header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_taken_when_accepted() {
        let mut h = HeaderMap::new();
        assert!(!accepts_gzip(&h));
        h.insert("accept-encoding", "gzip, deflate, br".parse().unwrap());
        assert!(accepts_gzip(&h));
        h.insert("accept-encoding", "br, gzip;q=0".parse().unwrap());
        assert!(!accepts_gzip(&h));
        h.insert("accept-encoding", "identity".parse().unwrap());
        assert!(!accepts_gzip(&h));
    }

    #[test]
    fn the_pages_are_embedded() {
        assert!(assets().contains_key("/index.html"));
        assert!(is_page("/"));
        assert!(!is_page("/rpc/x"));
    }
}

//! Responses: an answer, an error, or text; headers that go with them.

use crate::api::{Answer, ApiError};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Response, StatusCode};

pub type Body = Full<Bytes>;

/// A call's answer: its JSON, or 204.
pub fn answer(answer: Answer) -> Response<Body> {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut r = match answer.body {
        Some(body) => text(status, "application/json", body),
        None => {
            let mut r = Response::new(Full::new(Bytes::new()));
            *r.status_mut() = status;
            r
        }
    };
    if answer.replayed {
        r.headers_mut()
            .insert("idempotency-replayed", HeaderValue::from_static("true"));
    }
    r
}

/// An error's JSON, with the headers its status asks for.
pub fn error(e: &ApiError) -> Response<Body> {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = text(status, "application/json", e.body());
    let headers = r.headers_mut();
    match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            headers.insert(ALLOW, HeaderValue::from_static("GET, POST"));
        }
        StatusCode::UNAUTHORIZED => {
            headers.insert("www-authenticate", HeaderValue::from_static("Bearer"));
        }
        _ => {}
    }
    if let Some(seconds) = e.retry_after() {
        headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    r
}

pub fn text(status: StatusCode, content_type: &'static str, body: String) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

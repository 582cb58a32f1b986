//! The one error of an api call, and the one table that turns a PostgreSQL
//! SQLSTATE into an HTTP status. dues' own SQLSTATEs (`DU…`) come from the
//! database's `dues.error_code` table, so a DBA who adds a failure adds its
//! status in the same migration.

use serde::Serialize;
use std::collections::HashMap;

/// The errors the shell reports itself, before or around PostgreSQL: each
/// has its one code and its one status, chosen here and nowhere else.
/// docs/errors.md lists them (tests/error_codes.rs holds it to this table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    /// The body is not valid JSON, did not arrive in time, or a bad `Idempotency-Key`.
    MalformedJson,
    /// The body is not a JSON object.
    NotAnObject,
    /// An argument the function does not have, or one given twice.
    UnknownArgument,
    /// A required argument is missing.
    MissingArgument,
    /// A value does not convert to its argument's type.
    BadValue,
    /// `GET` of a function that changes data.
    NotReadOnly,
    /// A `POST` body that is not `application/json`.
    ContentType,
    /// A body over the limit.
    TooLarge,
    /// A method other than GET and POST.
    Method,
    /// No such function in schema `api` (or one with several signatures).
    NoFunction,
    /// No such endpoint.
    NotFound,
    /// An `Authorization` header that is not `Bearer <token>`.
    BadToken,
    /// A fault of dues or the database: the caller learns only the request id.
    Internal,
    /// No database connection in time, or PostgreSQL is down.
    Unavailable,
}

impl Shell {
    pub const ALL: [Shell; 14] = [
        Shell::MalformedJson,
        Shell::NotAnObject,
        Shell::UnknownArgument,
        Shell::MissingArgument,
        Shell::BadValue,
        Shell::NotReadOnly,
        Shell::ContentType,
        Shell::TooLarge,
        Shell::Method,
        Shell::NoFunction,
        Shell::NotFound,
        Shell::BadToken,
        Shell::Internal,
        Shell::Unavailable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Shell::MalformedJson => "DUH00",
            Shell::NotAnObject => "DUH01",
            Shell::UnknownArgument => "DUH02",
            Shell::MissingArgument => "DUH03",
            Shell::BadValue => "DUH04",
            Shell::NotReadOnly => "DUH05",
            Shell::ContentType => "DUH06",
            Shell::TooLarge => "DUH07",
            Shell::Method => "DUH08",
            Shell::NoFunction => "DUH09",
            Shell::NotFound => "DUH10",
            Shell::BadToken => "DUH11",
            Shell::Internal => "DU500",
            Shell::Unavailable => "DU503",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            Shell::MalformedJson
            | Shell::NotAnObject
            | Shell::UnknownArgument
            | Shell::MissingArgument
            | Shell::BadValue => 400,
            Shell::BadToken => 401,
            Shell::NoFunction | Shell::NotFound => 404,
            Shell::NotReadOnly | Shell::Method => 405,
            Shell::TooLarge => 413,
            Shell::ContentType => 415,
            Shell::Internal => 500,
            Shell::Unavailable => 503,
        }
    }
}

/// What the caller gets back: `{"code", "message", "details", "hint"}`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ApiError {
    #[serde(skip)]
    pub status: u16,
    pub code: String,
    pub message: String,
    pub details: Option<String>,
    pub hint: Option<String>,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_string(),
            message: message.into(),
            details: None,
            hint: None,
        }
    }

    /// One of the shell's own errors, with its code and status.
    pub fn shell(kind: Shell, message: impl Into<String>) -> ApiError {
        ApiError::new(kind.status(), kind.code(), message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> ApiError {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_details(mut self, details: impl Into<String>) -> ApiError {
        self.details = Some(details.into());
        self
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"code":"DU500","message":"internal error","details":null,"hint":null}"#.into()
        })
    }

    /// A failure of dues itself: the caller learns only the request id.
    pub fn internal(request_id: &str) -> ApiError {
        ApiError::shell(
            Shell::Internal,
            format!("internal error (request {request_id})"),
        )
    }

    /// No database connection could be had in time, or the server is down.
    pub fn unavailable(why: &str) -> ApiError {
        ApiError::shell(
            Shell::Unavailable,
            format!("the database is unavailable: {why}"),
        )
        .with_hint("retry later")
    }

    /// Turns a PostgreSQL error into the caller's error. `authenticated`
    /// decides between 401 and 403 for a missing privilege. None means the
    /// error is not the caller's to see (a 500).
    pub fn from_db(
        e: &tokio_postgres::error::DbError,
        codes: &HashMap<String, u16>,
        authenticated: bool,
    ) -> Option<ApiError> {
        let code = e.code().code();
        let status = status_of(code, codes, authenticated)?;
        Some(ApiError {
            status,
            code: code.to_string(),
            message: e.message().to_string(),
            details: e.detail().map(str::to_string),
            hint: e.hint().map(str::to_string),
        })
    }
}

/// The SQLSTATE → HTTP status table (PostgREST's where it fits). None: a 500
/// whose details are logged, not shown.
///
/// | SQLSTATE | status | why |
/// |---|---|---|
/// | `DU…` | from `dues.error_code` (400 if absent) | dues' business errors |
/// | 08… | 503 | connection to the database failed |
/// | 22… | 400 | a value does not convert or is out of range |
/// | 23503, 23505 | 409 | foreign key or unique conflict |
/// | 23… | 400 | other integrity violation (not null, check) |
/// | 25006 | 405 | a write in a read-only (GET) request |
/// | 28… | 401 | invalid or expired token |
/// | 40001, 40P01 | 409 | serialization failure or deadlock: retry |
/// | 42501 | 401 anonymous, 403 authenticated | not allowed |
/// | 42883 | 404 | no such function |
/// | 53… | 503 | the server lacks resources |
/// | 54… | 413 | a program limit exceeded (too large, too deep) |
/// | 57014 | 504 | statement timeout |
/// | 57P01–57P03 | 503 | the server is shutting down or starting |
/// | P0001 | 400 | a raise without its own code |
/// | P0002 | 404 | no data found |
/// | anything else | 500 | a fault of dues or the database |
pub fn status_of(code: &str, codes: &HashMap<String, u16>, authenticated: bool) -> Option<u16> {
    if let Some(s) = codes.get(code) {
        return Some(*s);
    }
    let class = &code[..2.min(code.len())];
    Some(match code {
        c if c.starts_with("DU") => 400,
        "23503" | "23505" => 409,
        "25006" => 405,
        "40001" | "40P01" => 409,
        "42501" if authenticated => 403,
        "42501" => 401,
        "42883" => 404,
        "57014" => 504,
        "57P01" | "57P02" | "57P03" => 503,
        "P0001" => 400,
        "P0002" => 404,
        _ => match class {
            "08" | "53" => 503,
            "22" | "23" => 400,
            "28" => 401,
            "54" => 413,
            _ => return None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_follows_postgrest_and_the_database() {
        let mut codes = HashMap::new();
        codes.insert("DU030".to_string(), 402);
        assert_eq!(status_of("DU030", &codes, true), Some(402));
        assert_eq!(status_of("DU999", &codes, true), Some(400));
        assert_eq!(status_of("23505", &codes, true), Some(409));
        assert_eq!(status_of("23514", &codes, true), Some(400));
        assert_eq!(status_of("42501", &codes, false), Some(401));
        assert_eq!(status_of("42501", &codes, true), Some(403));
        assert_eq!(status_of("22P02", &codes, true), Some(400));
        assert_eq!(status_of("57014", &codes, true), Some(504));
        assert_eq!(status_of("XX000", &codes, true), None);
        assert_eq!(status_of("42P01", &codes, true), None);
    }

    #[test]
    fn the_body_has_the_four_fields() {
        let e = ApiError::new(404, "DU001", "member 7 not found").with_hint("check the id");
        assert_eq!(
            e.body(),
            r#"{"code":"DU001","message":"member 7 not found","details":null,"hint":"check the id"}"#
        );
    }
}

//! The one error type of a request: one variant per failure the shell finds
//! itself, one for what PostgreSQL refused, and two match tables, `status()`
//! and `code()` (PostgREST's Error.hs). The PostgreSQL SQLSTATE → status
//! table is in `sqlstate.rs`; docs/errors.md lists every code below.

use serde::Serialize;
use std::collections::HashMap;

/// Why a request was refused or failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The body is not valid JSON.
    BadJson(String),
    /// The body is JSON, but not an object of named arguments.
    NotAnObject,
    /// An argument the function does not have.
    UnknownArgument {
        function: String,
        argument: String,
        expected: String,
    },
    /// Arguments without a default that were not given.
    MissingArgument {
        function: String,
        missing: Vec<String>,
        expected: String,
    },
    /// A value that does not convert to its argument's type.
    BadValue {
        argument: String,
        why: String,
        type_name: String,
    },
    /// `GET` of a function that changes data.
    NotReadOnly(String),
    /// A `POST` body that is not `application/json`.
    ContentType(String),
    /// A body (or its announced length) over the limit, in bytes.
    TooLarge(usize),
    /// A method other than GET and POST.
    Method,
    /// No function of that name the caller may call (or none at all: one answer).
    NoFunction(String),
    /// Several functions of that name: none is served.
    Overloaded(String),
    /// A path that is no endpoint.
    NoEndpoint(String),
    /// An `Authorization` header that is not `Bearer <token>`.
    BadToken,
    /// The body did not arrive in time (seconds).
    BodyTimeout(u64),
    /// The connection failed while the body was read.
    BodyUnreadable(String),
    /// An `Idempotency-Key` that is not 1 to 255 visible characters.
    BadIdempotencyKey,
    /// A NUL character, which PostgreSQL cannot store (in a named argument, or the body).
    NulCharacter(Option<String>),
    /// A body that must be UTF-8 is not.
    NotUtf8,
    /// A query-string argument given twice.
    RepeatedArgument(String),
    /// An `Idempotency-Key` on a call that changes data, without a token.
    KeyNeedsToken,
    /// A `Dues-LSN` header that is not a WAL position (`X/Y`, hexadecimal).
    BadLsn,
    /// `/metrics` without the token `--metrics-token` asks for.
    MetricsToken,
    /// Too many requests from one address; retry after so many seconds.
    RateLimited(u64),
    /// A body that is not a payment notification for our receiver, from an
    /// address that sent one less than a minute ago.
    ForeignNotification(u64),
    /// A webhook whose signature is not the provider's (400; GoCardless asks for 498: [`ApiError::GoCardlessSignature`]).
    WebhookSignature,
    /// A GoCardless webhook whose signature is not GoCardless'.
    GoCardlessSignature,
    /// A webhook stored but not verified now (its secret is unset, the certificate could not be fetched): 503, so
    /// that the provider sends it again.
    WebhookNotVerified,
    /// The session cookie on a request that is not from the pages' own origin
    /// (`Origin` or `Sec-Fetch-Site` says another site, or neither is sent).
    CrossSite,
    /// No database connection within the pool's wait.
    Busy,
    /// PostgreSQL is down or the connection was lost.
    Unavailable(String),
    /// A fault of dues or the database: the caller learns only the request id.
    Internal(String),
    /// PostgreSQL refused the call (a business error, a privilege, a bad value).
    Database(Refusal),
}

/// What PostgreSQL said, with the status from the SQLSTATE table.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub details: Option<String>,
    pub hint: Option<String>,
}

/// The JSON body of every error: `{"code", "message", "details", "hint"}`.
#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    details: Option<&'a str>,
    hint: Option<&'a str>,
}

impl ApiError {
    /// The HTTP status of each failure.
    pub fn status(&self) -> u16 {
        use ApiError::*;
        match self {
            BadJson(_) | NotAnObject | UnknownArgument { .. } | MissingArgument { .. } => 400,
            BadValue { .. } | BodyTimeout(_) | BodyUnreadable(_) | BadIdempotencyKey => 400,
            NulCharacter(_) | NotUtf8 | RepeatedArgument(_) | BadLsn => 400,
            BadToken | KeyNeedsToken | MetricsToken => 401,
            NoFunction(_) | Overloaded(_) | NoEndpoint(_) => 404,
            NotReadOnly(_) | Method => 405,
            TooLarge(_) => 413,
            ContentType(_) => 415,
            RateLimited(_) | ForeignNotification(_) => 429,
            WebhookSignature => 400,
            GoCardlessSignature => 498,
            CrossSite => 403,
            Internal(_) => 500,
            Busy | Unavailable(_) | WebhookNotVerified => 503,
            Database(r) => r.status,
        }
    }

    /// The code of each failure: `DUH…` for the shell's own, the SQLSTATE for PostgreSQL's.
    pub fn code(&self) -> &str {
        use ApiError::*;
        match self {
            BadJson(_) => "DUH00",
            NotAnObject => "DUH01",
            UnknownArgument { .. } => "DUH02",
            MissingArgument { .. } => "DUH03",
            BadValue { .. } => "DUH04",
            NotReadOnly(_) => "DUH05",
            ContentType(_) => "DUH06",
            TooLarge(_) => "DUH07",
            Method => "DUH08",
            NoFunction(_) | Overloaded(_) => "DUH09",
            NoEndpoint(_) => "DUH10",
            BadToken => "DUH11",
            BodyTimeout(_) => "DUH12",
            BodyUnreadable(_) => "DUH13",
            BadIdempotencyKey => "DUH14",
            NulCharacter(_) => "DUH15",
            NotUtf8 => "DUH16",
            RepeatedArgument(_) => "DUH17",
            KeyNeedsToken => "DUH18",
            MetricsToken => "DUH19",
            RateLimited(_) => "DUH20",
            ForeignNotification(_) => "DUH21",
            BadLsn => "DUH22",
            WebhookSignature => "DU600",
            GoCardlessSignature => "DU601",
            WebhookNotVerified => "DU602",
            CrossSite => "DU510",
            Internal(_) => "DU500",
            Busy | Unavailable(_) => "DU503",
            Database(r) => &r.code,
        }
    }

    /// The message for people, naming the thing at fault.
    pub fn message(&self) -> String {
        use ApiError::*;
        match self {
            BadJson(e) => format!("the body is not valid JSON: {e}"),
            NotAnObject => "the body must be a JSON object of named arguments".into(),
            UnknownArgument {
                function, argument, ..
            } => format!("api.{function} has no argument {argument:?}"),
            MissingArgument {
                function, missing, ..
            } => format!("api.{function} needs {}", missing.join(", ")),
            BadValue { argument, why, .. } => format!("argument {argument}: {why}"),
            NotReadOnly(f) => format!("api.{f} changes data: call it with POST"),
            ContentType(ct) => format!("the body must be application/json, not {ct:?}"),
            TooLarge(limit) => format!("the body is larger than {limit} bytes"),
            Method => "only GET and POST are allowed".into(),
            NoFunction(f) => format!("no function api.{f}"),
            Overloaded(f) => {
                format!("api.{f} has several signatures; dues serves only functions with one")
            }
            NoEndpoint(path) => format!("no endpoint {path}"),
            BadToken => "the Authorization header is not \"Bearer <token>\"".into(),
            BodyTimeout(s) => format!("the body did not arrive within {s} s"),
            BodyUnreadable(e) => format!("the body could not be read: {e}"),
            BadIdempotencyKey => "Idempotency-Key must be 1 to 255 visible characters".into(),
            NulCharacter(Some(a)) => format!("argument {a:?} contains a NUL character"),
            NulCharacter(None) => {
                "the body contains a \\u0000 character, which PostgreSQL cannot store".into()
            }
            NotUtf8 => "the body is not UTF-8".into(),
            RepeatedArgument(a) => format!("argument {a:?} is given twice"),
            KeyNeedsToken => "an Idempotency-Key is kept only for callers with a token".into(),
            BadLsn => "the Dues-LSN header is not a WAL position".into(),
            MetricsToken => "/metrics needs its bearer token".into(),
            RateLimited(_) => "too many requests from this address".into(),
            ForeignNotification(_) => {
                "not a payment notification for this receiver; one such body per minute is kept"
                    .into()
            }
            WebhookSignature | GoCardlessSignature => {
                "the signature is not valid: the delivery is kept as invalid and has no effect"
                    .into()
            }
            WebhookNotVerified => {
                "the delivery is stored but cannot be verified now; it has no effect until it is"
                    .into()
            }
            CrossSite => "the session cookie is accepted only from this site's own pages".into(),
            Busy => "the database is unavailable: every database connection is busy".into(),
            Unavailable(why) => format!("the database is unavailable: {why}"),
            Internal(request_id) => format!("internal error (request {request_id})"),
            Database(r) => r.message.clone(),
        }
    }

    pub fn hint(&self) -> Option<String> {
        use ApiError::*;
        match self {
            UnknownArgument { expected, .. } | MissingArgument { expected, .. } => {
                Some(format!("expected: {expected}"))
            }
            BadValue {
                argument,
                type_name,
                ..
            } => Some(format!("{argument} is {type_name}")),
            Method => Some("Allow: GET, POST".into()),
            NoFunction(_) => Some("GET /openapi.json lists the functions".into()),
            NoEndpoint(_) => Some("functions are at /rpc/{name}; see /openapi.json".into()),
            KeyNeedsToken => Some("send Authorization: Bearer <token>, or no key".into()),
            BadLsn => Some(
                "send back the Dues-LSN of an answer to a POST as it came, e.g. 0/16B3748".into(),
            ),
            RateLimited(s) | ForeignNotification(s) => Some(format!("retry after {s} s")),
            Busy | Unavailable(_) | WebhookNotVerified => Some("retry later".into()),
            CrossSite => {
                Some("open the page from this site, or send Authorization: Bearer <token>".into())
            }
            Database(r) => r.hint.clone(),
            _ => None,
        }
    }

    pub fn details(&self) -> Option<String> {
        match self {
            ApiError::Database(r) => r.details.clone(),
            _ => None,
        }
    }

    /// Seconds a client should wait before it retries (the `Retry-After`
    /// header): the shell's own limits, and a 429 of the database whose detail
    /// says `retry after N s`.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited(s) | ApiError::ForeignNotification(s) => Some(*s),
            ApiError::Database(r) if r.status == 429 => r
                .details
                .as_deref()
                .and_then(|d| d.strip_prefix("retry after "))
                .and_then(|d| d.strip_suffix(" s"))
                .and_then(|n| n.parse().ok()),
            _ => None,
        }
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        let (message, hint, details) = (self.message(), self.hint(), self.details());
        serde_json::to_string(&Body {
            code: self.code(),
            message: &message,
            details: details.as_deref(),
            hint: hint.as_deref(),
        })
        .unwrap_or_else(|_| {
            r#"{"code":"DU500","message":"internal error","details":null,"hint":null}"#.into()
        })
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
        let status = super::sqlstate::status_of(code, codes, authenticated)?;
        Some(ApiError::Database(Refusal {
            status,
            code: code.to_string(),
            message: e.message().to_string(),
            details: e.detail().map(str::to_string),
            hint: e.hint().map(str::to_string),
        }))
    }

    /// One of each failure the shell finds itself (for the table of docs/errors.md).
    pub fn every_shell_failure() -> Vec<ApiError> {
        use ApiError::*;
        let s = String::new;
        vec![
            BadJson(s()),
            NotAnObject,
            UnknownArgument {
                function: s(),
                argument: s(),
                expected: s(),
            },
            MissingArgument {
                function: s(),
                missing: vec![],
                expected: s(),
            },
            BadValue {
                argument: s(),
                why: s(),
                type_name: s(),
            },
            NotReadOnly(s()),
            ContentType(s()),
            TooLarge(0),
            Method,
            NoFunction(s()),
            Overloaded(s()),
            NoEndpoint(s()),
            BadToken,
            BodyTimeout(0),
            BodyUnreadable(s()),
            BadIdempotencyKey,
            NulCharacter(None),
            NotUtf8,
            RepeatedArgument(s()),
            KeyNeedsToken,
            BadLsn,
            MetricsToken,
            RateLimited(0),
            ForeignNotification(0),
            WebhookSignature,
            GoCardlessSignature,
            WebhookNotVerified,
            CrossSite,
            Busy,
            Unavailable(s()),
            Internal(s()),
        ]
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status(), self.code(), self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_has_the_four_fields() {
        let e = ApiError::NoFunction("x".into());
        assert_eq!(
            e.body(),
            r#"{"code":"DUH09","message":"no function api.x","details":null,"hint":"GET /openapi.json lists the functions"}"#
        );
    }

    #[test]
    fn every_shell_code_is_in_docs_errors_md_with_its_status() {
        let doc = include_str!("../../docs/errors.md");
        for e in ApiError::every_shell_failure() {
            let row = format!("| {} | {} |", e.code(), e.status());
            assert!(doc.contains(&row), "docs/errors.md lacks the row {row}");
        }
    }

    #[test]
    fn a_429_of_the_database_says_when_to_retry_in_its_detail() {
        let refusal = |status, details: Option<&str>| {
            ApiError::Database(Refusal {
                status,
                code: "DU401".into(),
                message: "too many".into(),
                details: details.map(str::to_string),
                hint: None,
            })
        };
        assert_eq!(
            refusal(429, Some("retry after 120 s")).retry_after(),
            Some(120)
        );
        assert_eq!(refusal(429, Some("later")).retry_after(), None);
        assert_eq!(refusal(429, None).retry_after(), None);
        assert_eq!(refusal(409, Some("retry after 120 s")).retry_after(), None);
    }

    #[test]
    fn one_code_one_status() {
        let mut seen: HashMap<String, u16> = HashMap::new();
        for e in ApiError::every_shell_failure() {
            let status = *seen.entry(e.code().to_string()).or_insert(e.status());
            assert_eq!(status, e.status(), "{} has two statuses", e.code());
        }
    }
}

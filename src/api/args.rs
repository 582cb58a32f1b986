//! The named arguments of a call, from a JSON object (a POST body, `dues
//! call --json`) or from name=value pairs (a query string, `dues call a=1`):
//! checked for what PostgreSQL cannot take, and turned into one text value per
//! argument for PostgreSQL to convert to its declared type.

use super::catalog::Arg;
use super::error::ApiError;
use serde_json::{Map, Value};

/// The arguments of one call, by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Args {
    values: Map<String, Value>,
    /// Every value is a string in PostgreSQL's input syntax for its type
    /// (query strings, `dues call name=value`), not JSON.
    text_values: bool,
}

impl Args {
    /// A JSON object of named arguments; an empty body is `{}`.
    pub fn from_json(body: &[u8]) -> Result<Args, ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Args::default());
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|e| ApiError::BadJson(e.to_string()))?;
        let Value::Object(values) = value else {
            return Err(ApiError::NotAnObject);
        };
        // serde_json accepted it, so it is UTF-8; a \u0000 it decoded is a NUL
        if body.windows(6).any(|w| w == b"\\u0000") {
            return Err(ApiError::NulCharacter(None));
        }
        Ok(Args {
            values,
            text_values: false,
        })
    }

    /// `a=1&b=x` (percent-encoded): strings PostgreSQL converts to each type.
    pub fn from_query(query: &str) -> Result<Args, ApiError> {
        let mut values = Map::new();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if values.contains_key(k.as_ref()) {
                return Err(ApiError::RepeatedArgument(k.into_owned()));
            }
            if v.contains('\0') || k.contains('\0') {
                return Err(ApiError::NulCharacter(Some(k.into_owned())));
            }
            values.insert(k.into_owned(), Value::String(v.into_owned()));
        }
        Ok(Args {
            values,
            text_values: true,
        })
    }

    /// From a JSON value built by dues itself (the token commands).
    pub fn from_object(values: Map<String, Value>) -> Args {
        Args {
            values,
            text_values: false,
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.values.keys()
    }

    /// What identifies the request of an idempotency key: the function and
    /// the parsed arguments (keys in order, no whitespace), not the raw bytes.
    pub fn fingerprint(&self, function: &str) -> String {
        let text = serde_json::to_string(&self.values).unwrap_or_default();
        crate::hex_digest(format!("{function}\n{}\n{text}", self.text_values).as_bytes())
    }

    /// The value bound for argument `a` (None: SQL null). A JSON string is its
    /// text, a number its digits as written, other JSON its JSON text.
    pub fn param(&self, a: &Arg) -> Option<String> {
        match self.values.get(&a.name)? {
            Value::Null if !self.whole_json(a) => None,
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => Some(other.to_string()),
        }
    }

    /// Whether argument `a` takes its JSON value whole (json, jsonb, or an
    /// array from a JSON array), where a null stays JSON's null.
    fn whole_json(&self, a: &Arg) -> bool {
        a.is_json() || (a.is_array() && !self.text_values)
    }

    /// The SQL expression that converts parameter `$n` to argument `a`'s
    /// declared type: PostgreSQL's input syntax for the type, a JSON value as
    /// json, or a JSON array element by element.
    pub fn expression(&self, a: &Arg, n: usize) -> String {
        if self.whole_json(a) && !a.is_json() {
            format!(
                "(select array_agg(e) from jsonb_array_elements_text(${n}::text::jsonb) e)::{}",
                a.type_name
            )
        } else {
            format!("${n}::text::{}", a.type_name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(name: &str, ty: &str, category: &str) -> Arg {
        Arg {
            name: name.into(),
            type_name: ty.into(),
            category: category.into(),
            elem_category: None,
            mode: "i".into(),
            has_default: false,
        }
    }

    #[test]
    fn bodies_must_be_objects() {
        assert_eq!(Args::from_json(b"").unwrap(), Args::default());
        let args = Args::from_json(br#"{"amount": 10.10, "member_id": 3}"#).unwrap();
        assert_eq!(
            args.param(&arg("amount", "numeric", "N")).as_deref(),
            Some("10.10"),
            "numbers keep their digits"
        );
        assert_eq!(
            args.names().collect::<Vec<_>>(),
            vec!["amount", "member_id"]
        );
        assert_eq!(
            Args::from_json(b"[1,2]").unwrap_err(),
            ApiError::NotAnObject
        );
        assert_eq!(Args::from_json(b"{\"a\":").unwrap_err().code(), "DUH00");
        assert_eq!(Args::from_json(b"\xff\xfe").unwrap_err().code(), "DUH00");
        let deep = "[".repeat(10_000);
        assert_eq!(Args::from_json(deep.as_bytes()).unwrap_err().status(), 400);
        assert_eq!(
            Args::from_json(br#"{"name":"a\u0000b"}"#).unwrap_err(),
            ApiError::NulCharacter(None)
        );
    }

    #[test]
    fn query_strings_become_string_arguments() {
        let args = Args::from_query("member_id=7&on_date=2026-01-31&name=a%20b").unwrap();
        assert_eq!(
            args.param(&arg("name", "text", "S")).as_deref(),
            Some("a b")
        );
        assert_eq!(args.names().count(), 3);
        assert_eq!(
            Args::from_query("a=1&a=2").unwrap_err(),
            ApiError::RepeatedArgument("a".into())
        );
        assert_eq!(Args::from_query("a=%00").unwrap_err().code(), "DUH15");
    }

    #[test]
    fn the_fingerprint_is_of_the_parsed_arguments() {
        let a = Args::from_json(br#"{"member_id": 3, "amount": "5.00"}"#).unwrap();
        let b = Args::from_json(b"{\"amount\":\"5.00\",\n  \"member_id\":3}").unwrap();
        assert_eq!(a.fingerprint("f"), b.fingerprint("f"));
        assert_ne!(a.fingerprint("f"), a.fingerprint("g"));
        let c = Args::from_json(br#"{"member_id": 4, "amount": "5.00"}"#).unwrap();
        assert_ne!(a.fingerprint("f"), c.fingerprint("f"));
    }

    #[test]
    fn values_are_bound_as_text_for_their_type() {
        let args = Args::from_json(
            br#"{"p": {"a": 1}, "ids": [1, 2], "ok": true, "none": null, "s": "x"}"#,
        )
        .unwrap();
        let json = arg("p", "jsonb", "U");
        assert_eq!(args.param(&json).as_deref(), Some(r#"{"a":1}"#));
        assert_eq!(args.expression(&json, 1), "$1::text::jsonb");
        let ids = arg("ids", "bigint[]", "A");
        assert_eq!(args.param(&ids).as_deref(), Some("[1,2]"));
        assert_eq!(
            args.expression(&ids, 2),
            "(select array_agg(e) from jsonb_array_elements_text($2::text::jsonb) e)::bigint[]"
        );
        assert_eq!(
            args.param(&arg("ok", "boolean", "B")).as_deref(),
            Some("true")
        );
        assert_eq!(args.param(&arg("none", "text", "S")), None);
        let q = Args::from_query("ids=%7B1%2C2%7D").unwrap();
        assert_eq!(q.expression(&ids, 1), "$1::text::bigint[]");
        assert_eq!(q.param(&ids).as_deref(), Some("{1,2}"));
    }
}

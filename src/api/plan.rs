//! Planning a call, without I/O: find the function the caller's role may
//! call (one answer for "none of that name" and "not yours to call"), check
//! the arguments against it, and build the one statement that calls it with
//! each argument bound as text and converted to its declared type.

use super::args::Args;
use super::catalog::{Catalog, Function, Shape};
use super::error::ApiError;

/// One call, as the request (or `dues call`) asks it.
#[derive(Debug, Clone)]
pub struct Call {
    pub function: String,
    pub args: Args,
    /// GET: only STABLE or IMMUTABLE functions, in a read-only transaction.
    pub read_only: bool,
    /// `Idempotency-Key`.
    pub idempotency_key: Option<String>,
}

/// A call ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub function: String,
    pub shape: Shape,
    /// The statement: `$1…` are the arguments given, as text.
    pub sql: String,
    /// The named arguments of the call in it (`"a" => $1::text::bigint, …`).
    pub arguments: String,
    pub params: Vec<Option<String>>,
    /// Each parameter's argument, type and conversion (naming a value that does not convert).
    pub probes: Vec<Probe>,
    /// Runs in a read-only transaction (GET).
    pub read_only: bool,
    /// An idempotency key and the fingerprint of the request, for a function that changes data.
    pub idempotency: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub argument: String,
    pub type_name: String,
    /// The conversion, of `$1`.
    pub expression: String,
}

/// Plans `call` for a caller running under `role`.
pub fn plan(catalog: &Catalog, role: &str, call: &Call) -> Result<Plan, ApiError> {
    let f = function(catalog, role, &call.function)?;
    if call.read_only && !f.read_only {
        return Err(ApiError::NotReadOnly(f.name.clone()));
    }
    check_args(f, &call.args)?;
    let idempotency = match &call.idempotency_key {
        // a read changes nothing: there is nothing to keep
        Some(_) if f.read_only => None,
        Some(_) if role == super::caller::ANONYMOUS => return Err(ApiError::KeyNeedsToken),
        Some(key) => Some((key.clone(), call.args.fingerprint(&f.name))),
        None => None,
    };
    let given: Vec<_> = f.args.iter().filter(|a| call.args.has(&a.name)).collect();
    let named: Vec<String> = given
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{} => {}", ident(&a.name), call.args.expression(a, i + 1)))
        .collect();
    let arguments = named.join(", ");
    let invocation = format!("api.{}({arguments})", ident(&f.name));
    let sql = match f.shape {
        Shape::Void => format!("select {invocation}"),
        Shape::Scalar => format!("select to_json({invocation})::text"),
        Shape::Row => format!("select to_json(r)::text from {invocation} r"),
        Shape::Set => format!("select coalesce(json_agg(r), '[]')::text from {invocation} r"),
    };
    Ok(Plan {
        function: f.name.clone(),
        shape: f.shape.clone(),
        sql,
        arguments,
        params: given.iter().map(|a| call.args.param(a)).collect(),
        probes: given
            .iter()
            .map(|a| Probe {
                argument: a.name.clone(),
                type_name: a.type_name.clone(),
                expression: call.args.expression(a, 1),
            })
            .collect(),
        read_only: call.read_only,
        idempotency,
    })
}

/// The function `name` if `role` may call it. A function the role may not
/// call gets the very answer of one that does not exist.
pub fn function<'c>(
    catalog: &'c Catalog,
    role: &str,
    name: &str,
) -> Result<&'c Function, ApiError> {
    match catalog.function(name) {
        Some(f) if f.callable_by.iter().any(|r| r == role) => Ok(f),
        None if catalog.overloaded.contains(name) => Err(ApiError::Overloaded(name.to_string())),
        _ => Err(ApiError::NoFunction(name.to_string())),
    }
}

fn check_args(f: &Function, args: &Args) -> Result<(), ApiError> {
    let expected = || {
        f.args
            .iter()
            .map(|a| {
                let optional = if a.has_default { " (optional)" } else { "" };
                format!("{} {}{optional}", a.name, a.type_name)
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(unknown) = args.names().find(|k| f.arg(k).is_none()) {
        return Err(ApiError::UnknownArgument {
            function: f.name.clone(),
            argument: unknown.clone(),
            expected: expected(),
        });
    }
    let missing: Vec<String> = f
        .args
        .iter()
        .filter(|a| !a.has_default && !args.has(&a.name))
        .map(|a| a.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::MissingArgument {
            function: f.name.clone(),
            missing,
            expected: expected(),
        });
    }
    Ok(())
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
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
                callable_by: vec!["dues_staff".into()],
                raises: vec![],
            },
        );
        c
    }

    fn call(body: &str, read_only: bool) -> Call {
        Call {
            function: "register_payment".into(),
            args: Args::from_json(body.as_bytes()).unwrap(),
            read_only,
            idempotency_key: None,
        }
    }

    #[test]
    fn plan_binds_named_arguments_as_text_and_casts() {
        let c = catalog();
        let p = plan(
            &c,
            "dues_staff",
            &call(
                r#"{"p_amount": 1.50, "p_member_id": 7, "p_params": {}}"#,
                false,
            ),
        )
        .unwrap();
        assert_eq!(
            p.sql,
            "select to_json(r)::text from api.\"register_payment\"(\"p_member_id\" => $1::text::bigint, \"p_amount\" => $2::text::numeric, \"p_params\" => $3::text::jsonb) r"
        );
        assert_eq!(
            p.params,
            vec![Some("7".into()), Some("1.50".into()), Some("{}".into())]
        );
        assert_eq!(p.probes[1].expression, "$1::text::numeric");
    }

    #[test]
    fn plan_refuses_unknown_missing_and_volatile_get() {
        let c = catalog();
        let e = plan(
            &c,
            "dues_staff",
            &call(
                r#"{"p_member_id":1,"p_amount":1,"x); drop table y; --":1}"#,
                false,
            ),
        )
        .unwrap_err();
        assert_eq!((e.status(), e.code()), (400, "DUH02"));
        assert!(e.hint().unwrap().contains("p_member_id bigint"));
        let e = plan(&c, "dues_staff", &call(r#"{"p_member_id":1}"#, false)).unwrap_err();
        assert_eq!((e.status(), e.code()), (400, "DUH03"));
        assert!(e.message().contains("p_amount"));
        let e = plan(
            &c,
            "dues_staff",
            &call(r#"{"p_member_id":1,"p_amount":1}"#, true),
        )
        .unwrap_err();
        assert_eq!(e.status(), 405);
        let mut other = call("{}", false);
        other.function = "pg_sleep".into();
        assert_eq!(plan(&c, "dues_staff", &other).unwrap_err().status(), 404);
    }

    #[test]
    fn a_function_the_role_may_not_call_is_answered_as_one_that_does_not_exist() {
        let c = catalog();
        let mut missing = call("{}", false);
        missing.function = "no_such".into();
        let hidden = plan(&c, "dues_anonymous", &call("{}", false)).unwrap_err();
        let none = plan(&c, "dues_anonymous", &missing).unwrap_err();
        assert_eq!(hidden.status(), 404);
        assert_eq!(
            hidden.body().replace("register_payment", "X"),
            none.body().replace("no_such", "X"),
            "the same answer, arguments unchecked"
        );
    }

    #[test]
    fn idempotency_keys_are_kept_for_changes_by_token_callers_only() {
        let mut c = catalog();
        let mut with_key = call(r#"{"p_member_id":1,"p_amount":1}"#, false);
        with_key.idempotency_key = Some("k".into());
        let p = plan(&c, "dues_staff", &with_key).unwrap();
        assert_eq!(p.idempotency.as_ref().map(|(k, _)| k.as_str()), Some("k"));
        let f = c.functions.get_mut("register_payment").unwrap();
        f.callable_by.push("dues_anonymous".into());
        assert_eq!(
            plan(&c, "dues_anonymous", &with_key).unwrap_err(),
            ApiError::KeyNeedsToken
        );
        c.functions.get_mut("register_payment").unwrap().read_only = true;
        assert_eq!(
            plan(&c, "dues_anonymous", &with_key).unwrap().idempotency,
            None
        );
    }
}

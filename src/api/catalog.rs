//! The catalog cache: every function of schema `api` with its arguments,
//! result shape, volatility, COMMENT, the roles that may call it and the
//! business errors it raises; and dues' SQLSTATE → status table. Read at
//! start and again whenever migrations run (LISTEN `dues_catalog`).

use crate::error::Result;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use tokio_postgres::types::Type;
use tokio_postgres::Client;

/// The roles a request runs under, from the token (see `dues.authenticate`).
pub const ROLES: [&str; 3] = ["dues_anonymous", "dues_member", "dues_staff"];

/// One argument of an api function.
#[derive(Debug, Clone, Deserialize)]
pub struct Arg {
    pub name: String,
    /// The declared type as PostgreSQL writes it (`numeric`, `timestamp with time zone`, `bigint[]`).
    #[serde(rename = "type")]
    pub type_name: String,
    /// pg_type.typcategory: A array, B boolean, D date/time, N numeric, S string, U user (json, jsonb) …
    pub category: String,
    /// typcategory of the element, for arrays.
    pub elem_category: Option<String>,
    /// i in, o out, b inout, v variadic, t table column.
    pub mode: String,
    /// Whether the caller may leave it out.
    #[serde(default)]
    pub has_default: bool,
}

impl Arg {
    pub fn is_input(&self) -> bool {
        matches!(self.mode.as_str(), "i" | "b" | "v")
    }
    pub fn is_output(&self) -> bool {
        matches!(self.mode.as_str(), "o" | "b" | "t")
    }
    pub fn is_json(&self) -> bool {
        self.type_name == "jsonb" || self.type_name == "json"
    }
    pub fn is_array(&self) -> bool {
        self.category == "A"
    }
}

/// A column of a row a function returns.
#[derive(Debug, Clone, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub type_name: String,
}

/// What a call answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Nothing: 204.
    Void,
    /// A bare JSON value.
    Scalar,
    /// One object.
    Row,
    /// An array (`[]` when empty).
    Set,
}

/// One function of schema `api`.
#[derive(Debug, Clone)]
pub struct Function {
    pub name: String,
    /// Input arguments, in declaration order.
    pub args: Vec<Arg>,
    pub shape: Shape,
    pub return_type: String,
    /// Output columns, for rows and sets of rows.
    pub columns: Vec<Column>,
    /// STABLE or IMMUTABLE: may be called with GET, runs read-only.
    pub read_only: bool,
    pub comment: Option<String>,
    /// Roles of [`ROLES`] granted EXECUTE.
    pub callable_by: Vec<String>,
    /// dues SQLSTATEs its source (or a dues helper it calls) raises.
    pub raises: Vec<String>,
}

impl Function {
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|a| a.name == name)
    }
}

/// A dues SQLSTATE with its HTTP status and title.
#[derive(Debug, Clone)]
pub struct ErrorCode {
    pub sqlstate: String,
    pub status: u16,
    pub title: String,
}

/// Everything the request pipeline needs to know about the database.
#[derive(Debug, Default)]
pub struct Catalog {
    pub functions: HashMap<String, Function>,
    /// Names with more than one signature: never served (no overloading tricks).
    pub overloaded: HashSet<String>,
    /// SQLSTATE → HTTP status, from `dues.error_code`.
    pub statuses: HashMap<String, u16>,
    /// SQLSTATE → the function of schema dues to call after a call refused
    /// with it (`dues.error_code.on_failure`).
    pub on_failure: HashMap<String, String>,
    pub error_codes: Vec<ErrorCode>,
}

#[derive(Deserialize)]
struct RawFunction {
    name: String,
    read_only: bool,
    comment: Option<String>,
    void: bool,
    set: bool,
    return_type: String,
    composite: bool,
    args: Vec<Arg>,
    defaults: i16,
    columns: Option<Vec<Column>>,
    raises: Vec<String>,
    callable_by: Vec<String>,
}

const FUNCTIONS: &str = r#"
with codes as materialized (
  -- the dues SQLSTATEs each function of schemas api and dues raises itself
  select q.oid, q.proname, qn.nspname,
         array(select distinct m[1]
                 from regexp_matches(q.prosrc, 'errcode\s*(?:=|:=)\s*''(DU[0-9A-Z]{3})''', 'g') m) as codes
    from pg_proc q
    join pg_namespace qn on qn.oid = q.pronamespace
   where qn.nspname in ('api', 'dues')
)
select coalesce(json_agg(f order by f.name), '[]')::text from (
  select p.proname::text as name,
         p.provolatile in ('s', 'i') as read_only,
         obj_description(p.oid, 'pg_proc') as comment,
         p.prorettype = 'void'::regtype as void,
         p.proretset as set,
         format_type(p.prorettype, null) as return_type,
         rt.typtype = 'c' or p.prorettype = 'record'::regtype as composite,
         p.pronargdefaults as defaults,
         (select coalesce(json_agg(json_build_object(
                    'name', a.name, 'type', format_type(a.typ, null),
                    'category', t.typcategory::text, 'elem_category', et.typcategory::text,
                    'mode', a.mode::text) order by a.ord), '[]')
            from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]),
                        coalesce(p.proargmodes, array_fill('i'::"char", array[p.pronargs])),
                        coalesce(p.proargnames, array_fill(''::text, array[p.pronargs])))
                 with ordinality a(typ, mode, name, ord)
            join pg_type t on t.oid = a.typ
            left join pg_type et on et.oid = t.typelem and t.typcategory = 'A') as args,
         case when rt.typtype = 'c' then
           (select json_agg(json_build_object('name', att.attname, 'type', format_type(att.atttypid, att.atttypmod))
                            order by att.attnum)
              from pg_attribute att
             where att.attrelid = rt.typrelid and att.attnum > 0 and not att.attisdropped)
         end as columns,
         array(select distinct code
                 from codes c, unnest(c.codes) code
                where c.oid = p.oid
                   or (c.nspname = 'dues' and cardinality(c.codes) > 0
                       and strpos(p.prosrc, 'dues.' || c.proname || '(') > 0)
                order by 1) as raises,
         array(select r from unnest($1::text[]) r
                where exists (select from pg_roles where rolname = r)
                  and has_function_privilege(r, p.oid, 'execute')) as callable_by
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    join pg_type rt on rt.oid = p.prorettype
   where n.nspname = 'api' and p.prokind = 'f'
) f
"#;

impl Catalog {
    /// Reads the catalog from the database.
    pub async fn load(client: &Client) -> Result<Catalog> {
        let roles: Vec<String> = ROLES.iter().map(|r| r.to_string()).collect();
        // unnamed statements (one round trip each): they also run through a pooler in transaction mode
        let json: String = client
            .query_typed_one(FUNCTIONS, &[(&roles, Type::TEXT_ARRAY)])
            .await?
            .get(0);
        let raw: Vec<RawFunction> = serde_json::from_str(&json)
            .map_err(|e| crate::Error::Failed(format!("reading the api catalog: {e}")))?;
        let mut catalog = Catalog::default();
        for r in raw {
            let name = r.name.clone();
            if catalog.functions.contains_key(&name) {
                tracing::warn!(function = %name, "api.{name} has several signatures: it is not served");
                catalog.overloaded.insert(name);
                continue;
            }
            if r.args.iter().any(|a| a.is_input() && a.name.is_empty()) {
                tracing::warn!(function = %name, "api.{name} has an unnamed argument: it is not served");
                continue;
            }
            catalog.functions.insert(name, r.into_function());
        }
        for name in &catalog.overloaded {
            catalog.functions.remove(name);
        }
        let has_codes: bool = client
            .query_typed_one("select to_regclass('dues.error_code') is not null", &[])
            .await?
            .get(0);
        if has_codes {
            for row in client
                .query_typed(
                    "select sqlstate::text, http_status, title, to_jsonb(e) ->> 'on_failure' \
                     from dues.error_code e order by 1",
                    &[],
                )
                .await?
            {
                let code = ErrorCode {
                    sqlstate: row.get(0),
                    status: row.get::<_, i32>(1).clamp(400, 599) as u16,
                    title: row.get(2),
                };
                catalog.statuses.insert(code.sqlstate.clone(), code.status);
                if let Some(hook) = row.get::<_, Option<String>>(3) {
                    catalog.on_failure.insert(code.sqlstate.clone(), hook);
                }
                catalog.error_codes.push(code);
            }
        }
        Ok(catalog)
    }

    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.get(name)
    }
}

impl RawFunction {
    fn into_function(self) -> Function {
        let mut inputs: Vec<Arg> = self.args.iter().filter(|a| a.is_input()).cloned().collect();
        let n = inputs.len();
        for (i, a) in inputs.iter_mut().enumerate() {
            a.has_default = i + (self.defaults.max(0) as usize) >= n;
        }
        let outputs: Vec<Column> = self
            .args
            .iter()
            .filter(|a| a.is_output())
            .map(|a| Column {
                name: a.name.clone(),
                type_name: a.type_name.clone(),
            })
            .collect();
        let composite = self.composite || !outputs.is_empty();
        let shape = match (self.void, self.set, composite) {
            (true, _, _) => Shape::Void,
            (_, true, _) => Shape::Set,
            (_, false, true) => Shape::Row,
            _ => Shape::Scalar,
        };
        Function {
            name: self.name,
            args: inputs,
            shape,
            return_type: self.return_type,
            columns: if outputs.is_empty() {
                self.columns.unwrap_or_default()
            } else {
                outputs
            },
            read_only: self.read_only,
            comment: self.comment,
            callable_by: self.callable_by,
            raises: self.raises,
        }
    }
}

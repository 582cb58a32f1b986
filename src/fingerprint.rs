//! `dues migrate --fingerprint`: the schema of a database as sorted text, to
//! compare two databases: every function of dues' schemas with its definition,
//! COMMENT and grants; every type, table, column, constraint, index, trigger,
//! view and sequence; the request roles, their memberships and the default
//! privileges. Rows are not part of it.

use crate::error::Result;
use crate::migrate::SCHEMAS;
use std::collections::BTreeMap;

/// `acl` (an aclitem[] expression) as sorted `grantee=privilege` words, PUBLIC
/// for the public pseudo-role; NULL is read as the default for `kind` (an
/// SQL expression of type "char", as acldefault takes).
fn acl(acl: &str, kind: &str, owner: &str) -> String {
    format!(
        "(select coalesce(pg_catalog.string_agg(x.item, ' ' order by x.item), '(none)') from (\
           select pg_catalog.format('%s=%s%s', \
                  case when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee)::text end, \
                  a.privilege_type, case when a.is_grantable then '*' else '' end) as item \
             from pg_catalog.aclexplode(coalesce({acl}, pg_catalog.acldefault({kind}, {owner}))) a) x)"
    )
}

/// One query per kind of object: rows of (object, attribute, value).
fn queries() -> Vec<String> {
    let schemas = "n.nspname = any($1)";
    [
        routines_and_types(schemas),
        relations(schemas),
        parts_of_tables(),
        roles_and_extensions(),
    ]
    .concat()
}

/// Schemas, functions and types.
fn routines_and_types(schemas: &str) -> Vec<String> {
    vec![
        // schemas
        format!(
            "select 'schema ' || n.nspname, a.k, a.v from pg_catalog.pg_namespace n, lateral (values \
               ('owner', pg_catalog.pg_get_userbyid(n.nspowner)::text), \
               ('acl', {}), \
               ('comment', pg_catalog.obj_description(n.oid, 'pg_namespace'))) a(k, v) where {schemas}",
            acl("n.nspacl", "'n'", "n.nspowner")
        ),
        // functions
        format!(
            "select 'function ' || p.oid::regprocedure::text, a.k, a.v \
               from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace, lateral (values \
               ('owner', pg_catalog.pg_get_userbyid(p.proowner)::text), \
               ('acl', {}), \
               ('comment', pg_catalog.obj_description(p.oid, 'pg_proc')), \
               ('definition', case when p.prokind in ('f', 'p', 'w') then pg_catalog.pg_get_functiondef(p.oid) end)) a(k, v) \
              where {schemas}",
            acl("p.proacl", "'f'", "p.proowner")
        ),
        // types that are not a table's row type
        format!(
            "select 'type ' || pg_catalog.format_type(t.oid, null), a.k, a.v \
               from pg_catalog.pg_type t join pg_catalog.pg_namespace n on n.oid = t.typnamespace \
               left join pg_catalog.pg_class c on c.oid = t.typrelid, lateral (values \
               ('owner', pg_catalog.pg_get_userbyid(t.typowner)::text), \
               ('acl', {}), \
               ('comment', pg_catalog.obj_description(t.oid, 'pg_type')), \
               ('kind', t.typtype::text), \
               ('enum', (select pg_catalog.string_agg(e.enumlabel, ', ' order by e.enumsortorder) \
                           from pg_catalog.pg_enum e where e.enumtypid = t.oid)), \
               ('attributes', (select pg_catalog.string_agg(at.attname || ' ' || pg_catalog.format_type(at.atttypid, at.atttypmod), ', ' order by at.attnum) \
                                 from pg_catalog.pg_attribute at where at.attrelid = t.typrelid and at.attnum > 0 and not at.attisdropped)), \
               ('domain', case when t.typtype = 'd' then pg_catalog.format_type(t.typbasetype, t.typtypmod) \
                              || case when t.typnotnull then ' not null' else '' end \
                              || coalesce(' default ' || t.typdefault, '') end), \
               ('constraints', (select pg_catalog.string_agg(co.conname || ' ' || pg_catalog.pg_get_constraintdef(co.oid), '; ' order by co.conname) \
                                  from pg_catalog.pg_constraint co where co.contypid = t.oid))) a(k, v) \
              where {schemas} and t.typtype in ('c', 'e', 'd', 'r') and (t.typtype <> 'c' or c.relkind = 'c')",
            acl("t.typacl", "'T'", "t.typowner")
        ),
    ]
}

/// Tables, views and sequences, and their columns.
fn relations(schemas: &str) -> Vec<String> {
    vec![
        // tables, views, sequences: the relation itself
        format!(
            "select r.kind || ' ' || n.nspname || '.' || c.relname, a.k, a.v \
               from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace, \
               lateral (select case c.relkind when 'r' then 'table' when 'p' then 'table' when 'v' then 'view' \
                               when 'm' then 'materialized view' when 'S' then 'sequence' when 'f' then 'foreign table' end) r(kind), \
               lateral (values \
               ('owner', pg_catalog.pg_get_userbyid(c.relowner)::text), \
               ('acl', {}), \
               ('comment', pg_catalog.obj_description(c.oid, 'pg_class')), \
               ('options', pg_catalog.array_to_string(c.reloptions, ', ')), \
               ('persistence', c.relpersistence::text), \
               ('row security', case when c.relrowsecurity then 'enabled' || case when c.relforcerowsecurity then ', forced' else '' end end), \
               ('partitioned by', case when c.relkind = 'p' then pg_catalog.pg_get_partkeydef(c.oid) end), \
               ('view', case when c.relkind in ('v', 'm') then pg_catalog.pg_get_viewdef(c.oid) end), \
               ('sequence', (select pg_catalog.format('%s start %s increment %s min %s max %s cache %s%s', \
                                 pg_catalog.format_type(s.seqtypid, null), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, \
                                 case when s.seqcycle then ' cycle' else '' end) \
                               from pg_catalog.pg_sequence s where s.seqrelid = c.oid)), \
               ('owned by', (select pg_catalog.string_agg(d.refobjid::regclass::text || '.' || at.attname, ', ') \
                               from pg_catalog.pg_depend d join pg_catalog.pg_attribute at on at.attrelid = d.refobjid and at.attnum = d.refobjsubid \
                              where c.relkind = 'S' and d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid \
                                and d.deptype in ('a', 'i')))) a(k, v) \
              where {schemas} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')",
            acl(
                "c.relacl",
                "(case when c.relkind = 'S' then 's' else 'r' end)::\"char\"",
                "c.relowner"
            )
        ),
        // columns, in order (dropped ones left out)
        "select case c.relkind when 'v' then 'view ' when 'm' then 'materialized view ' else 'table ' end \
                || n.nspname || '.' || c.relname, \
                pg_catalog.format('column %s %s', pg_catalog.lpad((pg_catalog.row_number() over (partition by c.oid order by at.attnum))::text, 3, '0'), at.attname), \
                pg_catalog.format_type(at.atttypid, at.atttypmod) \
                || case when at.attnotnull then ' not null' else '' end \
                || coalesce(case when at.attgenerated = 's' then ' generated always as (' || pg_catalog.pg_get_expr(d.adbin, d.adrelid) || ') stored' \
                                 else ' default ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid) end, '') \
                || case at.attidentity when 'a' then ' generated always as identity' when 'd' then ' generated by default as identity' else '' end \
                || case when at.attcollation <> 0 and at.attcollation <> ty.typcollation \
                        then ' collate ' || (select co.collname from pg_catalog.pg_collation co where co.oid = at.attcollation) else '' end \
                || coalesce(' acl ' || at.attacl::text, '') \
                || coalesce(' -- ' || pg_catalog.col_description(c.oid, at.attnum), '') \
           from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
           join pg_catalog.pg_attribute at on at.attrelid = c.oid and at.attnum > 0 and not at.attisdropped \
           join pg_catalog.pg_type ty on ty.oid = at.atttypid \
           left join pg_catalog.pg_attrdef d on d.adrelid = c.oid and d.adnum = at.attnum \
          where n.nspname = any($1) and c.relkind in ('r', 'p', 'v', 'm', 'f')"
            .to_string(),
    ]
}

/// Constraints, indexes, triggers and row security policies.
fn parts_of_tables() -> Vec<String> {
    vec![
        // constraints of tables
        "select 'table ' || n.nspname || '.' || c.relname, 'constraint ' || co.conname, \
                pg_catalog.pg_get_constraintdef(co.oid) \
                || coalesce(' -- ' || pg_catalog.obj_description(co.oid, 'pg_constraint'), '') \
           from pg_catalog.pg_constraint co join pg_catalog.pg_class c on c.oid = co.conrelid \
           join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)"
            .to_string(),
        // indexes
        "select 'table ' || n.nspname || '.' || c.relname, 'index ' || i.relname, \
                pg_catalog.pg_get_indexdef(x.indexrelid) \
                || coalesce(' -- ' || pg_catalog.obj_description(i.oid, 'pg_class'), '') \
           from pg_catalog.pg_index x join pg_catalog.pg_class c on c.oid = x.indrelid \
           join pg_catalog.pg_class i on i.oid = x.indexrelid \
           join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1)"
            .to_string(),
        // triggers
        "select 'table ' || n.nspname || '.' || c.relname, 'trigger ' || t.tgname, \
                pg_catalog.pg_get_triggerdef(t.oid) || ' [enabled ' || t.tgenabled::text || ']' \
                || coalesce(' -- ' || pg_catalog.obj_description(t.oid, 'pg_trigger'), '') \
           from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid \
           join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
          where n.nspname = any($1) and not t.tgisinternal"
            .to_string(),
        // row security policies
        "select 'table ' || p.schemaname || '.' || p.tablename, 'policy ' || p.policyname, \
                pg_catalog.format('%s for %s to %s using (%s) with check (%s)', p.permissive, p.cmd, p.roles, p.qual, p.with_check) \
           from pg_catalog.pg_policies p where p.schemaname = any($1)"
            .to_string(),
    ]
}

/// The request roles, default privileges and extensions.
fn roles_and_extensions() -> Vec<String> {
    vec![
        // the roles requests run under: attributes, memberships, comment
        "select 'role ' || r.rolname, a.k, a.v from pg_catalog.pg_roles r, lateral (values \
           ('attributes', nullif(pg_catalog.concat_ws(' ', case when r.rolsuper then 'superuser' end, case when r.rolcanlogin then 'login' end, \
                              case when not r.rolinherit then 'noinherit' end, case when r.rolcreaterole then 'createrole' end, \
                              case when r.rolcreatedb then 'createdb' end, case when r.rolbypassrls then 'bypassrls' end), '')), \
           ('member of', (select pg_catalog.string_agg(g.rolname::text, ', ' order by g.rolname) from pg_catalog.pg_auth_members m \
                          join pg_catalog.pg_roles g on g.oid = m.roleid where m.member = r.oid)), \
           ('members', (select pg_catalog.string_agg(u.rolname::text || case when m.admin_option then ' (admin)' else '' end, ', ' order by u.rolname) \
                        from pg_catalog.pg_auth_members m join pg_catalog.pg_roles u on u.oid = m.member where m.roleid = r.oid)), \
           ('comment', pg_catalog.shobj_description(r.oid, 'pg_authid'))) a(k, v) \
          where r.rolname like 'dues\\_%' and $1::text[] is not null"
            .to_string(),
        // default privileges
        "select 'default privileges of ' || pg_catalog.pg_get_userbyid(d.defaclrole) \
                || coalesce(' in schema ' || n.nspname, ''), \
                'on ' || case d.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences' when 'f' then 'functions' \
                              when 'T' then 'types' when 'n' then 'schemas' end, \
                (select pg_catalog.string_agg(x::text, ' ' order by x::text) from pg_catalog.unnest(d.defaclacl) x) \
           from pg_catalog.pg_default_acl d left join pg_catalog.pg_namespace n on n.oid = d.defaclnamespace \
          where $1::text[] is not null"
            .to_string(),
        // extensions
        "select 'extension ' || e.extname, 'version', e.extversion || ' in schema ' || n.nspname \
           from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace \
          where $1::text[] is not null"
            .to_string(),
    ]
}

/// The fingerprint of the database `client` is connected to.
pub async fn of(client: &tokio_postgres::Client) -> Result<String> {
    let schemas: Vec<&str> = SCHEMAS.to_vec();
    let mut objects: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for q in queries() {
        for row in client.query(&q, &[&schemas]).await? {
            let object: String = row.get(0);
            let attribute: String = row.get(1);
            let Some(value) = row.get::<_, Option<String>>(2) else {
                continue;
            };
            objects.entry(object).or_default().insert(attribute, value);
        }
    }
    let mut out = String::new();
    for (object, attributes) in &objects {
        out.push_str(object);
        out.push('\n');
        for (attribute, value) in attributes {
            let mut lines = value.trim_end().lines();
            out.push_str(&format!("  {attribute}: {}\n", lines.next().unwrap_or("")));
            for l in lines {
                out.push_str(&format!("    {l}\n"));
            }
        }
    }
    out.push_str(&format!(
        "-- fingerprint {}\n",
        &crate::hex_digest(out.as_bytes())[..16]
    ));
    Ok(out)
}

/// The objects whose fingerprint lines differ, as `-`/`+` lines (at most 20).
pub fn changes(backup: &str, restored: &str) -> Vec<String> {
    fn blocks(text: &str) -> std::collections::BTreeMap<String, String> {
        let mut out: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
        let mut current = String::new();
        for line in text.lines().filter(|l| !l.starts_with("-- fingerprint")) {
            if !line.starts_with(' ') {
                current = line.to_string();
            }
            let block = out.entry(current.clone()).or_default();
            block.push_str(line);
            block.push('\n');
        }
        out
    }
    let (a, b) = (blocks(backup), blocks(restored));
    let mut out = Vec::new();
    for (object, block) in &a {
        match b.get(object) {
            None => out.push(format!("- {object} (missing from the restored database)")),
            Some(other) if other != block => {
                out.push(format!("~ {object} (differs)"));
            }
            _ => {}
        }
    }
    for object in b.keys().filter(|o| !a.contains_key(*o)) {
        out.push(format!("+ {object} (only in the restored database)"));
    }
    out.truncate(20);
    out
}

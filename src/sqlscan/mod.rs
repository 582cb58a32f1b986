//! Reads the statements of a procs/ file without a database: what it defines
//! (one function and the triggers that call it) and that it holds nothing
//! else. Shared by build.rs and `--migrations DIR`, so both refuse the same
//! files with the same words.

mod lex;

use lex::line_at;
pub use lex::{code_only, statements};

/// What one procs/ file defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcFile {
    /// `procs/<schema>/<name>.sql`.
    pub path: String,
    pub schema: String,
    pub name: String,
    /// The triggers it creates: (trigger, schema of the table, table).
    pub triggers: Vec<(String, String, String)>,
    /// 1-based line of its `create … function`.
    pub line: usize,
}

/// Checks a procs/ file: its place (`procs/<schema>/<name>.sql`), exactly one
/// function named like the file in the schema of its folder, and otherwise only
/// that function's COMMENT, grants and the triggers that call it.
pub fn scan_proc(path: &str, sql: &str) -> Result<ProcFile, String> {
    let (schema, stem) = place_of(path)?;
    let statements = statements(sql).map_err(|e| format!("{path}: {e}"))?;
    let mut function: Option<(String, String, usize)> = None;
    let mut triggers = Vec::new();
    for st in &statements {
        let words = words(&st.code);
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let at = |msg: String| format!("{path} line {}: {msg}", st.line);
        match w.as_slice() {
            ["create", "function" | "procedure", ..]
            | ["create", "or", "replace", "function" | "procedure", ..] => {
                let after = if w[1] == "or" { 4 } else { 2 };
                let (s, n) = qualified(&w, after).ok_or_else(|| {
                    at("the function's name is qualified with its schema (create or replace function <schema>.<name>)".into())
                })?;
                if let Some((s0, n0, l0)) = &function {
                    return Err(at(format!(
                        "a second function, {s}.{n}, after {s0}.{n0} (line {l0}): one function per procs/ file, and no overloaded names"
                    )));
                }
                if s != schema || n != stem {
                    return Err(at(format!(
                        "defines {s}.{n}, but the file is named for {schema}.{stem}: a procs/ file is procs/<schema>/<function>.sql"
                    )));
                }
                function = Some((s, n, st.line));
            }
            ["create", "trigger", ..]
            | ["create", "constraint", "trigger", ..]
            | ["create", "or", "replace", "trigger", ..] => {
                let trigger = trigger_of(&w).ok_or_else(|| {
                    at("cannot read this trigger's name, table and function".into())
                })?;
                if (trigger.3.as_str(), trigger.4.as_str()) != (schema, stem) {
                    return Err(at(format!(
                        "trigger {} calls {}.{}: a trigger lives in the file of the function it calls",
                        trigger.0, trigger.3, trigger.4
                    )));
                }
                triggers.push((trigger.0, trigger.1, trigger.2));
            }
            ["drop", "trigger", "if", "exists", ..] => {}
            ["comment", "on", "function" | "procedure", ..]
            | ["alter", "function" | "procedure", ..] => {
                let after = if w[0] == "alter" { 2 } else { 3 };
                own(&w, after, schema, stem).map_err(at)?;
            }
            ["comment", "on", "trigger", ..] => {}
            ["grant" | "revoke", ..] => check_grant(&w, schema, stem).map_err(at)?,
            _ => {
                let head: Vec<&str> = w.iter().take(3).copied().collect();
                return Err(at(format!(
                    "'{} …' belongs in a sql/ migration: a procs/ file holds one function, its COMMENT, its grants and the triggers that call it",
                    head.join(" ")
                )));
            }
        }
    }
    let Some((_, _, line)) = function else {
        return Err(format!(
            "{path}: defines no function: a procs/ file holds `create or replace function {schema}.{stem}(…)`"
        ));
    };
    Ok(ProcFile {
        path: path.to_string(),
        schema: schema.to_string(),
        name: stem.to_string(),
        triggers,
        line,
    })
}

/// The schema and function a procs/ file is for, read from its place:
/// `procs/<schema>/<function>.sql`.
fn place_of(path: &str) -> Result<(&str, &str), String> {
    let parts: Vec<&str> = path.split('/').collect();
    let (schema, file) = match parts.as_slice() {
        ["procs", schema, file] if is_plain(schema) => (*schema, *file),
        _ => {
            return Err(format!(
                "{path}: a procs/ file lives in the folder of its function's schema: procs/<schema>/<function>.sql"
            ))
        }
    };
    let Some(stem) = file.strip_suffix(".sql").filter(|s| is_plain(s)) else {
        return Err(format!(
            "{path}: a procs/ file is named after its function: <function>.sql, in lower case"
        ));
    };
    Ok((schema, stem))
}

/// A grant or revoke of a procs/ file: on its own function only.
fn check_grant(w: &[&str], schema: &str, stem: &str) -> Result<(), String> {
    let on = w
        .iter()
        .position(|x| *x == "on")
        .ok_or_else(|| "a grant in a procs/ file is on its function".to_string())?;
    match w.get(on + 1).copied() {
        Some("function" | "procedure" | "routine") => {}
        _ => {
            return Err(
                "a grant in a procs/ file is on its function (grants on anything else go in a sql/ migration)"
                    .into(),
            )
        }
    }
    for target in targets(w, on + 2) {
        if target != (schema.to_string(), stem.to_string()) {
            return Err(format!(
                "grants on {}.{}: a procs/ file grants only its own function",
                target.0, target.1
            ));
        }
    }
    Ok(())
}

/// Checks that no two files define one function (they differ only in case, or
/// a function is quoted): the message names both.
pub fn check_unique(files: &[ProcFile]) -> Result<(), String> {
    let mut seen: std::collections::BTreeMap<(String, String), &str> = Default::default();
    for f in files {
        if let Some(other) = seen.insert((f.schema.clone(), f.name.clone()), &f.path) {
            return Err(format!(
                "{other} and {} both define {}.{}: one file per function",
                f.path, f.schema, f.name
            ));
        }
    }
    Ok(())
}

/// The line where the body of a file's function begins (the line of its
/// opening quote), to turn a line inside the body into a line of the file.
pub fn body_line(sql: &str) -> Option<usize> {
    let code = code_only(sql).ok()?;
    let start = code.find("function")?;
    let bytes = code.as_bytes();
    let mut at = start;
    while let Some(found) = code[at..].find("as") {
        let i = at + found;
        let before = i.checked_sub(1).map(|k| bytes[k]);
        let after = bytes.get(i + 2).copied();
        let word = !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
        if word {
            let rest = code[i + 2..].trim_start();
            if rest.starts_with('$') || rest.starts_with('\'') {
                let quote = code.len() - rest.len();
                return Some(line_at(&code, quote));
            }
        }
        at = i + 2;
    }
    None
}

/// A lower-case unquoted identifier.
fn is_plain(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// The words of a statement's code: identifiers (a.b is three words: a . b),
/// quoted identifiers, and punctuation one character each.
fn words(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if c == '"' {
            let mut j = i + 1;
            let mut word = String::from("\"");
            let bytes = code.as_bytes();
            while j < code.len() {
                if bytes[j] == b'"' {
                    if bytes.get(j + 1) == Some(&b'"') {
                        word.push('"');
                        j += 2;
                        continue;
                    }
                    break;
                }
                let ch = code[j..].chars().next().unwrap_or(' ');
                word.push(ch);
                j += ch.len_utf8();
            }
            while chars.peek().is_some_and(|&(k, _)| k <= j) {
                chars.next();
            }
            out.push(word);
        } else if c.is_alphanumeric() || c == '_' {
            let mut word = String::from(c);
            while let Some(&(_, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' || d == '$' {
                    word.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(word);
        } else {
            out.push(c.to_string());
        }
    }
    out
}

/// An identifier word as PostgreSQL names it: unquoted ones are already lower case.
fn ident(word: &str) -> Option<String> {
    if let Some(q) = word.strip_prefix('"') {
        return Some(q.to_string());
    }
    let first = word.chars().next()?;
    (first.is_alphabetic() || first == '_').then(|| word.to_string())
}

/// `schema . name` at w[at..].
fn qualified(w: &[&str], at: usize) -> Option<(String, String)> {
    match w.get(at..at + 3)? {
        [s, ".", n] => Some((ident(s)?, ident(n)?)),
        _ => None,
    }
}

/// The functions of `name(args), name(args)…` starting at w[at].
fn targets(w: &[&str], mut at: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    while let Some(t) = qualified(w, at) {
        out.push(t);
        at += 3;
        if w.get(at) == Some(&"(") {
            let mut depth = 0;
            while let Some(x) = w.get(at) {
                at += 1;
                match *x {
                    "(" => depth += 1,
                    ")" => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        if w.get(at) == Some(&",") {
            at += 1;
        } else {
            break;
        }
    }
    out
}

fn own(w: &[&str], at: usize, schema: &str, name: &str) -> Result<(), String> {
    match qualified(w, at) {
        Some((s, n)) if s == schema && n == name => Ok(()),
        Some((s, n)) => Err(format!(
            "is about {s}.{n}: a procs/ file holds only its own function's statements"
        )),
        None => Err(format!(
            "name the function with its schema: {schema}.{name}"
        )),
    }
}

/// (trigger, table schema, table, function schema, function) of a create trigger statement.
fn trigger_of(w: &[&str]) -> Option<(String, String, String, String, String)> {
    let t = w.iter().position(|x| *x == "trigger")?;
    let name = ident(w.get(t + 1)?)?;
    let on = w.iter().skip(t + 2).position(|x| *x == "on")? + t + 2;
    let (ts, tn) = qualified(w, on + 1)?;
    let ex = w.iter().position(|x| *x == "execute")?;
    if !matches!(w.get(ex + 1).copied(), Some("function" | "procedure")) {
        return None;
    }
    let (fs, fname) = qualified(w, ex + 2)?;
    Some((name, ts, tn, fs, fname))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "-- Says hello.\n\
        create or replace function api.hello(who text default 'a;b')\n\
        returns text language sql as $f$ select 'x;' || $$y$$ || who $f$;\n\
        comment on function api.hello(text) is 'Says hello; politely.';\n\
        grant execute on function api.hello(text) to dues_staff;\n";

    #[test]
    fn a_file_with_its_function_comment_and_grant_is_read() {
        let f = scan_proc("procs/api/hello.sql", GOOD).unwrap();
        assert_eq!(
            (f.schema.as_str(), f.name.as_str(), f.line),
            ("api", "hello", 2)
        );
    }

    #[test]
    fn triggers_calling_the_function_are_listed() {
        let sql = "create or replace function dues.guard() returns trigger language plpgsql as $$begin return new; end$$;\n\
                   create or replace trigger member_guard before insert on dues.member for each row execute function dues.guard();\n\
                   drop trigger if exists c on dues.\"group\";\n\
                   create constraint trigger c after insert on dues.\"group\" deferrable initially deferred for each row execute procedure dues.guard();\n";
        let f = scan_proc("procs/dues/guard.sql", sql).unwrap();
        assert_eq!(
            f.triggers,
            vec![
                ("member_guard".into(), "dues".into(), "member".into()),
                ("c".into(), "dues".into(), "group".into())
            ]
        );
    }

    #[test]
    fn bad_files_are_refused_naming_file_and_line() {
        let two = format!(
            "{GOOD}create function api.hello(n int) returns int language sql as 'select n';\n"
        );
        let e = scan_proc("procs/api/hello.sql", &two).unwrap_err();
        assert!(
            e.contains("procs/api/hello.sql line 6") && e.contains("a second function"),
            "{e}"
        );

        let e = scan_proc("procs/api/goodbye.sql", GOOD).unwrap_err();
        assert!(
            e.contains("defines api.hello") && e.contains("api.goodbye"),
            "{e}"
        );

        let e = scan_proc("procs/dues/hello.sql", GOOD).unwrap_err();
        assert!(e.contains("defines api.hello"), "{e}");

        let e = scan_proc("procs/hello.sql", GOOD).unwrap_err();
        assert!(e.contains("procs/<schema>/<function>.sql"), "{e}");
        let e = scan_proc("procs/api/old/hello.sql", GOOD).unwrap_err();
        assert!(e.contains("procs/<schema>/<function>.sql"), "{e}");

        let e = scan_proc(
            "procs/api/hello.sql",
            &format!("{GOOD}insert into dues.setting values ('a', 'b');\n"),
        )
        .unwrap_err();
        assert!(e.contains("line 6") && e.contains("sql/ migration"), "{e}");

        let e = scan_proc(
            "procs/api/hello.sql",
            "comment on function api.hello() is 'x';\n",
        )
        .unwrap_err();
        assert!(e.contains("defines no function"), "{e}");

        let e = scan_proc(
            "procs/api/hello.sql",
            &format!("{GOOD}grant execute on function api.other() to dues_staff;\n"),
        )
        .unwrap_err();
        assert!(e.contains("api.other"), "{e}");

        let unqualified = GOOD.replace("function api.hello(who", "function hello(who");
        let e = scan_proc("procs/api/hello.sql", &unqualified).unwrap_err();
        assert!(e.contains("qualified with its schema"), "{e}");

        let e = scan_proc(
            "procs/api/hello.sql",
            "create function api.hello() returns int language sql as $$ select 1",
        )
        .unwrap_err();
        assert!(e.contains("never ends"), "{e}");
    }

    #[test]
    fn two_files_defining_one_function_are_refused() {
        let a = scan_proc("procs/api/hello.sql", GOOD).unwrap();
        let e = check_unique(&[a.clone(), a]).unwrap_err();
        assert!(e.contains("both define api.hello"), "{e}");
    }

    #[test]
    fn the_body_line_is_the_line_of_its_opening_quote() {
        assert_eq!(body_line(GOOD), Some(3));
        let sql = "create or replace function dues.f(p_as text)\nreturns int\nlanguage plpgsql\nas\n$$\nbegin\nend\n$$;\n";
        assert_eq!(body_line(sql), Some(5));
    }

    #[test]
    fn quoted_text_hides_semicolons_and_keywords() {
        let sql =
            "select 'a;b', E'c\\';d', \"e;f\", $x$ ; $$ ; $x$; /* ; /* é; */ */ -- ;\nselect 'ü';";
        let sts = statements(sql).unwrap();
        assert_eq!(sts.len(), 2);
        assert_eq!(sts[1].line, 2);
        assert_eq!(&sql[sts[1].start..sts[1].end], "select 'ü';");
        assert_eq!(code_only(sql).unwrap().len(), sql.len());
    }
}

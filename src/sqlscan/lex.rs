//! The lexical layer: a script's top-level statements, and its code with
//! comments and quoted text blanked out, so the readers above see only code.

/// One top-level statement: its text with comments and quoted text blanked,
/// where it is in the script (bytes, `;` included) and the line it starts on.
#[derive(Debug)]
pub struct Statement {
    pub code: String,
    pub start: usize,
    pub end: usize,
    pub line: usize,
}

/// The top-level statements of a script.
pub fn statements(sql: &str) -> Result<Vec<Statement>, String> {
    let code = code_only(sql)?;
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false; // inside a "quoted identifier", which code_only keeps
    for (i, c) in code.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == ';' && !quoted {
            push(&code, start, i + 1, &mut out);
            start = i + 1;
        }
    }
    if !code[start..].trim().is_empty() {
        let line = line_at(
            &code,
            start + (code[start..].len() - code[start..].trim_start().len()),
        );
        return Err(format!("line {line}: a statement without its closing ';'"));
    }
    Ok(out)
}

fn push(code: &str, start: usize, end: usize, out: &mut Vec<Statement>) {
    let text = code[start..end].trim_end_matches(';');
    if text.trim().is_empty() {
        return;
    }
    let lead = text.len() - text.trim_start().len();
    out.push(Statement {
        code: text.trim().to_string(),
        start: start + lead,
        end,
        line: line_at(code, start + lead),
    });
}

pub fn line_at(text: &str, byte: usize) -> usize {
    1 + text[..byte].matches('\n').count()
}

/// The script with comments and the contents of strings and dollar quotes
/// replaced by spaces, and the rest lower-cased but for quoted identifiers:
/// the same bytes at the same places (newlines kept, so lines still count).
pub fn code_only(sql: &str) -> Result<String, String> {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &sql[i..];
        if rest.starts_with("--") {
            let end = rest.find('\n').map_or(sql.len(), |n| i + n);
            blank(&sql[i..end], &mut out);
            i = end;
        } else if rest.starts_with("/*") {
            let end = block_comment_end(sql, i)?;
            blank(&sql[i..end], &mut out);
            i = end;
        } else if b[i] == b'\'' {
            let end = string_end(sql, i)?;
            out.push('\'');
            blank(&sql[i + 1..end - 1], &mut out);
            out.push('\'');
            i = end;
        } else if b[i] == b'"' {
            let end = quoted_identifier_end(sql, i)?;
            out.push_str(&sql[i..end]);
            i = end;
        } else if let Some(end) = dollar_quote_end(sql, i)? {
            out.push('$');
            blank(&sql[i + 1..end - 1], &mut out);
            out.push('$');
            i = end;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c.to_ascii_lowercase());
            i += c.len_utf8();
        }
    }
    Ok(out)
}

/// Spaces for every character of `s`, its newlines kept.
fn blank(s: &str, out: &mut String) {
    for c in s.chars() {
        if c == '\n' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
}

/// The byte after the `*/` closing the (nestable) comment opened at `i`.
fn block_comment_end(sql: &str, i: usize) -> Result<usize, String> {
    let mut depth = 0;
    let mut j = i;
    loop {
        if j >= sql.len() {
            return Err(format!(
                "line {}: a /* comment that never ends",
                line_at(sql, i)
            ));
        }
        if sql[j..].starts_with("/*") {
            depth += 1;
            j += 2;
        } else if sql[j..].starts_with("*/") {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return Ok(j);
            }
        } else {
            j += sql[j..].chars().next().map_or(1, char::len_utf8);
        }
    }
}

/// The byte after the quote closing the string opened at `i` ('' inside it,
/// and backslash escapes in an E'…' string).
fn string_end(sql: &str, i: usize) -> Result<usize, String> {
    let b = sql.as_bytes();
    let escapes = i > 0
        && matches!(b[i - 1], b'e' | b'E')
        && (i < 2 || !(b[i - 2].is_ascii_alphanumeric() || b[i - 2] == b'_'));
    let mut j = i + 1;
    loop {
        if j >= b.len() {
            return Err(format!(
                "line {}: a string that never ends",
                line_at(sql, i)
            ));
        }
        if escapes && b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == b'\'' {
            if b.get(j + 1) == Some(&b'\'') {
                j += 2;
                continue;
            }
            return Ok(j + 1);
        }
        j += 1;
    }
}

/// The byte after the `"` closing the identifier opened at `i` ("" inside it).
fn quoted_identifier_end(sql: &str, i: usize) -> Result<usize, String> {
    let b = sql.as_bytes();
    let mut j = i + 1;
    loop {
        if j >= b.len() {
            return Err(format!(
                "line {}: a quoted identifier that never ends",
                line_at(sql, i)
            ));
        }
        if b[j] == b'"' {
            if b.get(j + 1) == Some(&b'"') {
                j += 2;
                continue;
            }
            return Ok(j + 1);
        }
        j += 1;
    }
}

/// When a dollar quote ($$ or $tag$) opens at `i`, the byte after its closing
/// tag; None when the `$` opens none (a parameter such as $1).
fn dollar_quote_end(sql: &str, i: usize) -> Result<Option<usize>, String> {
    let b = sql.as_bytes();
    if b[i] != b'$' || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) {
        return Ok(None);
    }
    let tag_len = sql[i + 1..]
        .char_indices()
        .find(|&(k, c)| !(c == '_' || c.is_ascii_alphabetic() || (k > 0 && c.is_ascii_digit())))
        .filter(|&(_, c)| c == '$')
        .map(|(k, _)| k + 2);
    let Some(n) = tag_len else { return Ok(None) };
    let tag = &sql[i..i + n];
    let Some(close) = sql[i + n..].find(tag) else {
        return Err(format!(
            "line {}: a {tag} quote that never ends",
            line_at(sql, i)
        ));
    };
    Ok(Some(i + n + close + n))
}

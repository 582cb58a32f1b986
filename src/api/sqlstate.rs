//! The one table that turns a PostgreSQL SQLSTATE into an HTTP status.
//! dues' own SQLSTATEs (`DU…`) come from the database's `dues.error_code`
//! table, so a DBA who adds a failure adds its status in the same migration.

use std::collections::HashMap;

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
}

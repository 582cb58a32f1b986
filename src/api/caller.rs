//! Who calls: the caller a request names (no token, a token's hash, or `dues
//! call` acting as staff or a member), who that is in the database (an
//! `Identity`), and what dues remembers of the tokens it has seen. A token's
//! identity never changes; whether it is still valid is trusted for at most
//! `TOKEN_TRUST` after the database last said so (and forgotten at once when
//! the database announces a revocation), so a revoked or expired token is
//! refused within that time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// How long the database's word that a token is valid is trusted.
pub const TOKEN_TRUST: Duration = Duration::from_secs(1);

/// Tokens remembered at most; past it, all are forgotten (and asked again).
const TOKENS_KEPT: usize = 10_000;

/// Who is calling, which decides the role the call runs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// HTTP without a token.
    Anonymous,
    /// HTTP with a bearer token: the hex SHA-256 of the token, never the token.
    Token(String),
    /// `dues call` without `--as-member`: whoever reaches the database operates it.
    Staff,
    /// `dues call --as-member ID`.
    Member(i64),
}

impl Caller {
    pub fn authenticated(&self) -> bool {
        !matches!(self, Caller::Anonymous)
    }

    /// The owner of idempotency keys.
    pub fn key_owner(&self) -> String {
        match self {
            Caller::Anonymous => "anonymous".into(),
            Caller::Token(hash) => format!("token:{hash}"),
            Caller::Staff => "cli:staff".into(),
            Caller::Member(id) => format!("cli:member:{id}"),
        }
    }

    /// The role the call runs under, when it is known without the database.
    pub fn role(&self) -> Option<&'static str> {
        match self {
            Caller::Anonymous => Some(ANONYMOUS),
            Caller::Token(_) => None,
            Caller::Staff => Some(STAFF),
            Caller::Member(_) => Some(MEMBER),
        }
    }
}

pub const ANONYMOUS: &str = "dues_anonymous";
pub const MEMBER: &str = "dues_member";
pub const STAFF: &str = "dues_staff";

/// Who a call acts as in the database (`dues.token_identity`): its role, the
/// member it acts for, and the actor its changes are recorded under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity {
    pub role: String,
    pub member_id: Option<i64>,
    pub actor: String,
}

impl Identity {
    pub fn anonymous() -> Identity {
        Identity {
            role: ANONYMOUS.into(),
            member_id: None,
            actor: "anonymous".into(),
        }
    }
}

/// What dues knows of a token.
pub enum Known {
    /// Valid, as the database said less than `TOKEN_TRUST` ago.
    Trusted(Identity),
    /// Seen before, to be checked again: its role is known.
    Stale(Identity),
    /// Never seen (or forgotten).
    Unknown,
}

struct Seen {
    identity: Identity,
    expires_at: Option<SystemTime>,
    checked: Instant,
}

/// The tokens seen, by hash.
#[derive(Default)]
pub struct Tokens {
    seen: Mutex<HashMap<String, Seen>>,
}

impl Tokens {
    pub fn known(&self, hash: &str) -> Known {
        let Ok(seen) = self.seen.lock() else {
            return Known::Unknown;
        };
        match seen.get(hash) {
            None => Known::Unknown,
            Some(s)
                if s.checked.elapsed() < TOKEN_TRUST
                    && s.expires_at.is_none_or(|e| e > SystemTime::now()) =>
            {
                Known::Trusted(s.identity.clone())
            }
            Some(s) => Known::Stale(s.identity.clone()),
        }
    }

    /// The database said at `checked` (taken before asking) that the token is valid.
    pub fn confirm(
        &self,
        hash: &str,
        identity: Identity,
        expires_at: Option<SystemTime>,
        checked: Instant,
    ) {
        if let Ok(mut seen) = self.seen.lock() {
            if seen.len() >= TOKENS_KEPT && !seen.contains_key(hash) {
                seen.clear();
            }
            seen.insert(
                hash.to_string(),
                Seen {
                    identity,
                    expires_at,
                    checked,
                },
            );
        }
    }

    /// The token is no longer valid (the database refused it, or announced its revocation).
    pub fn forget(&self, hash: &str) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.remove(hash);
        }
    }

    /// A revocation may have been missed: ask the database about every token again.
    pub fn forget_all(&self) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: i64) -> Identity {
        Identity {
            role: MEMBER.into(),
            member_id: Some(id),
            actor: format!("member {id}"),
        }
    }

    #[test]
    fn a_token_is_trusted_for_a_second_then_checked_again() {
        let t = Tokens::default();
        assert!(matches!(t.known("h"), Known::Unknown));
        t.confirm("h", member(1), None, Instant::now());
        assert!(matches!(t.known("h"), Known::Trusted(i) if i == member(1)));
        t.confirm("h", member(1), None, Instant::now() - TOKEN_TRUST);
        assert!(matches!(t.known("h"), Known::Stale(i) if i == member(1)));
        t.forget("h");
        assert!(matches!(t.known("h"), Known::Unknown));
    }

    #[test]
    fn an_expired_token_is_not_trusted() {
        let t = Tokens::default();
        let past = SystemTime::now() - Duration::from_secs(1);
        t.confirm("h", member(1), Some(past), Instant::now());
        assert!(matches!(t.known("h"), Known::Stale(_)));
    }
}

//! dues: membership and subscription billing that lives inside PostgreSQL.
//! The business rules are PL/pgSQL migrations (`sql/`, `procs/`); this crate
//! is the thin shell that applies them, tests them and serves them.

pub mod api;
pub mod backup;
pub mod cli;
pub mod cluster;
mod cluster_home;
pub mod database;
pub mod deliver;
pub mod error;
pub mod fingerprint;
pub mod gateway;
pub mod http;
pub mod jobs;
pub mod lint;
pub mod manifest;
pub mod migrate;
pub mod paypal;
pub mod pg_log;
mod pg_programs;
pub mod pool;
pub mod replica;
pub mod restore;
pub mod scratch;
pub mod signals;
pub mod sqlscan;
pub mod sqltest;
pub mod tap;
pub mod worker;

pub use database::Database;
pub use error::{Error, Result};

/// Lower-case hex SHA-256 of `bytes`.
pub fn hex_digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

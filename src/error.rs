//! The one error type of the shell: every message names the thing at fault.

use std::path::PathBuf;

/// What went wrong, for a person to read in one line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line or a setting is wrong (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The database named by the target could not be reached.
    #[error("cannot connect to {target}: {reason}")]
    Connect { target: String, reason: String },
    /// The embedded cluster could not be created, started or stopped.
    #[error("{0}")]
    Cluster(String),
    /// A migration failed or the migration history disagrees with the files.
    #[error("{0}")]
    Migration(String),
    /// A statement failed; the message is PostgreSQL's.
    #[error("{}", crate::error::describe_pg(.0))]
    Db(#[from] tokio_postgres::Error),
    /// A file or folder could not be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The work ran and found problems (failed tests, lint errors).
    #[error("{0}")]
    Failed(String),
    /// A failure already reported on stderr in its own form (exit code 1).
    #[error("")]
    Silent,
}

impl Error {
    /// The process exit code: 2 for usage errors, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// PostgreSQL's own words for a failed statement: message, detail and hint.
pub fn describe_pg(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{} (SQLSTATE {})", db.message(), db.code().code());
            if let Some(d) = db.detail() {
                s.push_str(&format!("; detail: {d}"));
            }
            if let Some(h) = db.hint() {
                s.push_str(&format!("; hint: {h}"));
            }
            s
        }
        None => match std::error::Error::source(e) {
            Some(src) => format!("{e}: {src}"),
            None => e.to_string(),
        },
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

//! What the server programs and the server's log said, for error messages.

use std::fs;
use std::path::Path;
use std::process::Output;

/// What a server program said (its stderr, then its stdout), or how it exited.
pub(super) fn output_text(out: &Output) -> String {
    let mut s = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !stdout.trim().is_empty() {
        if !s.is_empty() {
            s.push_str("; ");
        }
        s.push_str(stdout.trim());
    }
    if s.is_empty() {
        s = format!("exited with {}", out.status);
    }
    s
}

/// The last `n` lines of a file, for error messages.
pub(super) fn tail(path: &Path, n: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

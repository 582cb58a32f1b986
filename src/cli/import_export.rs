//! `dues import` and `dues export`: CSV files into the api's import functions,
//! and the api's export functions streamed to stdout with COPY.

use super::args::{ExportArgs, ExportFormat, ExportKind, ImportArgs, ImportKind};
use super::commands::call_api;
use crate::api::{Args, Call, Caller};
use crate::database::Database;
use crate::error::{Error, Result};
use futures_util::{pin_mut, StreamExt};
use std::io::Write;

/// `dues import KIND FILE [--dry-run]`: the file's text to `api.import_KIND`
/// as staff; the report on stdout, or (bad lines) on stderr with exit code 1.
pub async fn import(db: &Database, a: ImportArgs) -> Result<()> {
    let bytes = std::fs::read(&a.file).map_err(|e| Error::io(&a.file, e))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        Error::Failed(format!(
            "{}: not UTF-8 text (line {line}, byte {}): save the file as UTF-8 CSV; nothing was imported",
            a.file.display(),
            e.valid_up_to() + 1
        ))
    })?;
    if let Some(at) = text.find('\0') {
        let line = 1 + text[..at].matches('\n').count();
        return Err(Error::Failed(format!(
            "{}: a NUL character on line {line}: this is not a text file; nothing was imported",
            a.file.display()
        )));
    }
    let function = match a.kind {
        ImportKind::Members => "import_members",
        ImportKind::Subscriptions => "import_subscriptions",
        ImportKind::Balances => "import_balances",
        ImportKind::Payments => "import_payments",
    };
    let mut args = serde_json::Map::new();
    args.insert("csv".into(), serde_json::Value::String(text.to_string()));
    args.insert("dry_run".into(), serde_json::Value::Bool(a.dry_run));
    let call = Call {
        function: function.into(),
        args: Args::from_object(args),
        read_only: false,
        idempotency_key: None,
    };
    if a.timeout == 0 {
        return Err(Error::Usage("--timeout must be at least 1 second".into()));
    }
    let timeout = std::time::Duration::from_secs(a.timeout);
    match call_api(db, Caller::Staff, &call, timeout).await? {
        Ok(body) => {
            println!("{}", body.unwrap_or_default());
            Ok(())
        }
        Err(e) => {
            // bad lines: the message, then the report (the error's detail) as it is
            match (e.code(), e.details()) {
                ("DU650", Some(report)) => {
                    eprintln!("dues: {}", e.message());
                    eprintln!("{report}");
                }
                _ => eprintln!("{}", e.body()),
            }
            Err(Error::Silent)
        }
    }
}

/// `dues export KIND [--from DATE] [--to DATE] [--format csv|json]`: the rows
/// of `api.export_KIND(from, to)` copied to stdout as they come (COPY TO
/// STDOUT: nothing is held in memory but the chunk being written).
pub async fn export(db: &Database, a: ExportArgs) -> Result<()> {
    db.prepare().await?;
    let client = db.connect().await?;
    let function = match a.kind {
        ExportKind::Journal => "export_journal",
        ExportKind::Invoices => "export_invoices",
        ExportKind::Payments => "export_payments",
        ExportKind::Members => "export_members",
    };
    let date = |d: &Option<String>| match d {
        Some(d) => format!("{}::date", literal(d)),
        None => "null::date".into(),
    };
    let (from, to) = (date(&a.from), date(&a.to));
    // a wrong range is refused before the header is written
    client
        .execute(
            &format!("select dues.export_range_check({from}, {to})"),
            &[],
        )
        .await?;
    let rows = format!("api.{function}({from}, {to})");
    let sql = match a.format {
        ExportFormat::Csv => {
            format!("copy (select * from {rows}) to stdout with (format csv, header)")
        }
        // one JSON object per line: CSV with a quote and a delimiter JSON text never holds unescaped
        ExportFormat::Json => format!(
            "copy (select pg_catalog.row_to_json(e) from {rows} e) to stdout \
             with (format csv, quote e'\\x01', delimiter e'\\x02')"
        ),
    };
    let stream = client.copy_out(sql.as_str()).await?;
    pin_mut!(stream);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if let Err(e) = out.write_all(&chunk) {
            return stdout_closed(e);
        }
    }
    out.flush().or_else(stdout_closed)
}

/// A reader that went away (`| head`) ends the export quietly.
fn stdout_closed(e: std::io::Error) -> Result<()> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(Error::io("stdout", e))
    }
}

/// A text as an SQL literal (standard_conforming_strings: quotes doubled).
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

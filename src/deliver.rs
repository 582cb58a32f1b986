//! Delivering outbox messages: e-mail over SMTP (lettre) and webhooks over
//! HTTP (reqwest). What to send and to whom is decided in SQL; this only
//! carries it.

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// Why a message could not be delivered (recorded on its row), or the carriers not made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("--smtp-url {url:?}: {source}")]
    SmtpUrl {
        url: String,
        source: lettre::transport::smtp::Error,
    },
    #[error("HTTP client: {0}")]
    HttpClient(reqwest::Error),
    #[error("{field} {value:?}: {source}")]
    Address {
        field: &'static str,
        value: String,
        source: lettre::address::AddressError,
    },
    #[error("building the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP: {0}")]
    Smtp(lettre::transport::smtp::Error),
    #[error("webhook {url}: {source}")]
    Webhook { url: String, source: reqwest::Error },
    #[error("webhook {url} answered {status}")]
    WebhookStatus {
        url: String,
        status: reqwest::StatusCode,
    },
    #[error("unknown outbox kind {0:?}")]
    UnknownKind(String),
}

/// One claimed outbox row, rendered by `dues.outbox_claim`.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub data: serde_json::Value,
    pub mail_from: String,
}

/// The ways out: an SMTP transport and an HTTP client.
pub struct Carriers {
    smtp: AsyncSmtpTransport<Tokio1Executor>,
    http: reqwest::Client,
    domain: String,
}

impl Carriers {
    /// `smtp_url`: `smtp://[user:pass@]host[:port]` (STARTTLS when offered with
    /// `?tls=required`), or `smtps://…` for TLS from the start.
    pub fn new(smtp_url: &str, timeout: Duration) -> Result<Carriers, Error> {
        let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|source| Error::SmtpUrl {
                url: smtp_url.to_string(),
                source,
            })?
            .timeout(Some(timeout))
            .build();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("dues/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(Error::HttpClient)?;
        let domain = smtp_url
            .split('@')
            .next_back()
            .and_then(|h| {
                h.split(['/', ':', '?'])
                    .find(|s| !s.is_empty() && !s.starts_with("smtp"))
            })
            .unwrap_or("localhost")
            .to_string();
        Ok(Carriers { smtp, http, domain })
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends one message; Err is the reason, recorded on the row.
    pub async fn deliver(&self, m: &Outgoing) -> Result<(), Error> {
        match m.kind.as_str() {
            "email" => self.email(m).await,
            "webhook" => self.webhook(m).await,
            other => Err(Error::UnknownKind(other.to_string())),
        }
    }

    async fn email(&self, m: &Outgoing) -> Result<(), Error> {
        let address = |field, value: &str| {
            value.parse::<Mailbox>().map_err(|source| Error::Address {
                field,
                value: value.to_string(),
                source,
            })
        };
        let from = address("mail_from", &m.mail_from)?;
        let to = address("recipient", &m.recipient)?;
        // the Message-ID names the outbox row, so a receiver can tell a resend
        // (after a worker died between sending and recording) from a new mail
        let builder = Message::builder()
            .from(from)
            .to(to)
            .subject(m.subject.clone())
            .message_id(Some(format!("<outbox-{}@{}>", m.id, self.domain)));
        let message = match &m.body_html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                m.body_text.clone(),
                html.clone(),
            )),
            None => builder.singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(m.body_text.clone()),
            ),
        }?;
        self.smtp
            .send(message)
            .await
            .map(|_| ())
            .map_err(Error::Smtp)
    }

    /// POSTs `{"text": body, "data": …}` (Slack-compatible) to the recipient URL.
    async fn webhook(&self, m: &Outgoing) -> Result<(), Error> {
        let payload = serde_json::json!({ "text": m.body_text, "data": m.data });
        let resp = self
            .http
            .post(&m.recipient)
            .header("content-type", "application/json")
            .header("idempotency-key", format!("outbox-{}", m.id))
            .body(payload.to_string())
            .send()
            .await
            .map_err(|source| Error::Webhook {
                url: m.recipient.clone(),
                source,
            })?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(Error::WebhookStatus {
                url: m.recipient.clone(),
                status: resp.status(),
            })
        }
    }
}

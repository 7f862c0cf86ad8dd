//! Alerts for editors: a signed webhook and email, on every new pending
//! comment and on a comment's first report (or when reports hide it).
//!
//! Nothing here blocks a reader's request: [`Alerts::notify`] puts the event
//! on a bounded queue (dropped with a warning when full) and returns; a
//! background task delivers it.
//!
//! - Webhook: `POST --webhook-url` with the JSON event; `X-Ykien-Signature:
//!   sha256=<hex>` is HMAC-SHA256 of the exact body with `--webhook-secret`,
//!   and the body carries `timestamp` (Unix seconds), so a receiver can
//!   refuse replays. A non-2xx answer or a network error is retried
//!   `--webhook-retries` times after 1 s, 2 s, 4 s, … (capped at 5 minutes).
//! - Email over SMTP (`--smtp-url`) to `--alert-email-to`: one message per
//!   event, or with `--alert-email-digest-minutes N` one digest every N
//!   minutes listing what came in. Three tries per message.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use tokio::sync::{mpsc, Semaphore};

use crate::api::rfc3339_ms;
use crate::config::ServeArgs;
use crate::db::StoredComment;
use crate::i18n::Lang;

const QUEUE: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A new comment waits for an editor.
    Pending,
    /// A comment got its first open report, or was hidden by reports.
    Reported,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Pending => "comment.pending",
            EventKind::Reported => "comment.reported",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    pub comment: StoredComment,
    /// The report's reason (`comment.reported`).
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct WebhookConfig {
    pub url: String,
    pub secret: String,
    pub retries: u32,
    pub backoff: Duration,
}

#[derive(Debug, Clone)]
pub struct EmailConfig {
    pub smtp_url: String,
    pub from: String,
    pub to: Vec<String>,
    pub digest: Option<Duration>,
    pub lang: Lang,
}

#[derive(Debug, Clone, Default)]
pub struct AlertConfig {
    pub desk_url: Option<String>,
    pub webhook: Option<WebhookConfig>,
    pub email: Option<EmailConfig>,
}

impl AlertConfig {
    pub fn from_args(args: &ServeArgs) -> Self {
        let webhook = args
            .webhook_url
            .as_ref()
            .filter(|u| !u.trim().is_empty())
            .map(|url| WebhookConfig {
                url: url.trim().to_owned(),
                secret: args.webhook_secret.clone().unwrap_or_default(),
                retries: args.webhook_retries,
                backoff: Duration::from_secs(1),
            });
        let to: Vec<String> = args
            .alert_email_to
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        let email = args
            .smtp_url
            .as_ref()
            .filter(|u| !u.trim().is_empty() && !to.is_empty())
            .map(|url| EmailConfig {
                smtp_url: url.trim().to_owned(),
                from: args.alert_email_from.clone(),
                to,
                digest: (args.alert_email_digest_minutes > 0)
                    .then(|| Duration::from_secs(args.alert_email_digest_minutes * 60)),
                lang: Lang::parse(&args.alert_lang).unwrap_or_default(),
            });
        Self {
            desk_url: args.desk_url.clone().filter(|u| !u.trim().is_empty()),
            webhook,
            email,
        }
    }
}

/// The handle requests use; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Alerts {
    tx: Option<mpsc::Sender<Event>>,
}

impl Alerts {
    /// Starts the delivery task (only if something is configured).
    pub fn start(cfg: AlertConfig) -> Self {
        if cfg.webhook.is_none() && cfg.email.is_none() {
            return Self { tx: None };
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(dispatch(cfg, rx));
        Self { tx: Some(tx) }
    }

    /// Queues an event; never waits.
    pub fn notify(&self, event: Event) {
        if let Some(tx) = &self.tx {
            if tx.try_send(event).is_err() {
                tracing::warn!("alert queue full or closed; event dropped");
            }
        }
    }
}

#[derive(Serialize)]
struct Payload<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    timestamp: i64,
    comment: PayloadComment<'a>,
    reason: Option<&'a str>,
    desk_url: Option<String>,
}

#[derive(Serialize)]
struct PayloadComment<'a> {
    id: &'a str,
    thread: &'a str,
    parent_id: Option<&'a str>,
    author: &'a str,
    body: &'a str,
    created_at: String,
    status: &'static str,
    held_reason: Option<&'a str>,
    open_reports: i64,
}

fn desk_link(cfg: &AlertConfig, ev: &Event) -> Option<String> {
    let base = cfg.desk_url.as_deref()?.trim_end_matches('/');
    let view = match ev.kind {
        EventKind::Pending => "pending",
        EventKind::Reported => "reported",
    };
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("view", view)
        .append_pair("thread", &ev.comment.thread)
        .finish();
    Some(format!("{base}?{q}"))
}

/// The webhook body for an event.
pub fn payload(cfg: &AlertConfig, ev: &Event) -> Vec<u8> {
    let c = &ev.comment;
    let p = Payload {
        kind: ev.kind.as_str(),
        id: uuid::Uuid::new_v4().simple().to_string(),
        timestamp: crate::api::now_ms() / 1000,
        comment: PayloadComment {
            id: &c.id,
            thread: &c.thread,
            parent_id: c.parent_id.as_deref(),
            author: &c.author,
            body: &c.body,
            created_at: rfc3339_ms(c.created_at),
            status: c.status.as_str(),
            held_reason: c.held_reason.as_deref(),
            open_reports: c.open_reports,
        },
        reason: ev.reason.as_deref(),
        desk_url: desk_link(cfg, ev),
    };
    serde_json::to_vec(&p).unwrap_or_default()
}

/// `sha256=<hex HMAC-SHA256(secret, body)>`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!(
        "sha256={}",
        crate::iphint::hex(&mac.finalize().into_bytes())
    )
}

async fn dispatch(cfg: AlertConfig, mut rx: mpsc::Receiver<Event>) {
    let cfg = Arc::new(cfg);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .user_agent(concat!("ykien-server/", env!("CARGO_PKG_VERSION")))
        .build()
        .ok();
    // At most 8 deliveries in flight: a dead receiver cannot pile up tasks.
    let slots = Arc::new(Semaphore::new(8));
    let email_tx = cfg.email.clone().map(|email| {
        let (tx, erx) = mpsc::channel::<Event>(QUEUE);
        tokio::spawn(email_worker(cfg.clone(), email, erx));
        tx
    });
    while let Some(ev) = rx.recv().await {
        if let (Some(hook), Some(client)) = (&cfg.webhook, &client) {
            let body = payload(&cfg, &ev);
            let hook = hook.clone();
            let client = client.clone();
            let slots = slots.clone();
            let kind = ev.kind;
            tokio::spawn(async move {
                let Ok(_permit) = slots.acquire_owned().await else {
                    return;
                };
                deliver(&client, &hook, kind, body).await;
            });
        }
        if let Some(tx) = &email_tx {
            if tx.try_send(ev).is_err() {
                tracing::warn!("email alert queue full; event dropped");
            }
        }
    }
}

async fn deliver(client: &reqwest::Client, hook: &WebhookConfig, kind: EventKind, body: Vec<u8>) {
    let sig = signature(&hook.secret, &body);
    let mut wait = hook.backoff;
    for attempt in 0..=hook.retries {
        let res = client
            .post(&hook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("x-ykien-event", kind.as_str())
            .header("x-ykien-signature", &sig)
            .body(body.clone())
            .send()
            .await;
        match res {
            Ok(r) if r.status().is_success() => {
                tracing::info!(event = kind.as_str(), attempt, "webhook delivered");
                return;
            }
            Ok(r) => tracing::warn!(
                event = kind.as_str(),
                attempt,
                status = r.status().as_u16(),
                "webhook refused"
            ),
            Err(e) => tracing::warn!(event = kind.as_str(), attempt, error = %e, "webhook failed"),
        }
        if attempt < hook.retries {
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(300));
        }
    }
    tracing::error!(event = kind.as_str(), "webhook given up");
}

fn event_text(cfg: &AlertConfig, lang: Lang, ev: &Event, out: &mut String) {
    use std::fmt::Write as _;
    let c = &ev.comment;
    let head = match (ev.kind, lang) {
        (EventKind::Pending, Lang::Vi) => "Bình luận chờ duyệt",
        (EventKind::Pending, Lang::En) => "Comment waiting for review",
        (EventKind::Reported, Lang::Vi) => "Bình luận bị báo cáo",
        (EventKind::Reported, Lang::En) => "Comment reported",
    };
    let body: String = if c.body.chars().count() > 500 {
        c.body.chars().take(500).chain(['…']).collect()
    } else {
        c.body.clone()
    };
    let _ = writeln!(
        out,
        "{head} · {} {}",
        lang.t("bài viết", "article"),
        c.thread
    );
    let _ = writeln!(
        out,
        "{}: {} · {}",
        lang.t("Người gửi", "Author"),
        c.author,
        rfc3339_ms(c.created_at)
    );
    for line in body.lines() {
        let _ = writeln!(out, "> {line}");
    }
    if let Some(reason) = &ev.reason {
        let _ = writeln!(
            out,
            "{}: {reason}",
            lang.t("Lý do báo cáo", "Report reason")
        );
    }
    if let Some(link) = desk_link(cfg, ev) {
        let _ = writeln!(
            out,
            "{}: {link}",
            lang.t("Mở bàn kiểm duyệt", "Open the desk")
        );
    }
    out.push('\n');
}

/// Subject and plain-text body of an email for `events`.
pub fn email_text(cfg: &AlertConfig, lang: Lang, events: &[Event]) -> (String, String) {
    let n = events.len();
    let subject = match (n, lang) {
        (1, _) => format!(
            "[ykien] {}: {}",
            match (events[0].kind, lang) {
                (EventKind::Pending, Lang::Vi) => "Bình luận chờ duyệt",
                (EventKind::Pending, Lang::En) => "Comment waiting for review",
                (EventKind::Reported, Lang::Vi) => "Bình luận bị báo cáo",
                (EventKind::Reported, Lang::En) => "Comment reported",
            },
            events[0].comment.thread
        ),
        (n, Lang::Vi) => format!("[ykien] {n} bình luận cần kiểm duyệt"),
        (n, Lang::En) => format!("[ykien] {n} comments need moderation"),
    };
    let mut body = String::new();
    for ev in events {
        event_text(cfg, lang, ev, &mut body);
    }
    (subject, body)
}

async fn send_email(email: &EmailConfig, subject: &str, body: &str) -> Result<(), String> {
    use lettre::message::header::ContentType;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let mut builder = Message::builder()
        .from(
            email
                .from
                .parse()
                .map_err(|e| format!("--alert-email-from: {e}"))?,
        )
        .subject(subject)
        .header(ContentType::TEXT_PLAIN);
    for to in &email.to {
        builder = builder.to(to
            .parse()
            .map_err(|e| format!("--alert-email-to {to}: {e}"))?);
    }
    let msg = builder.body(body.to_owned()).map_err(|e| e.to_string())?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&email.smtp_url)
        .map_err(|e| format!("--smtp-url: {e}"))?
        .timeout(Some(Duration::from_secs(20)))
        .build();
    transport
        .send(msg)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

async fn send_with_retries(email: &EmailConfig, subject: &str, body: &str) {
    let mut wait = Duration::from_secs(2);
    for attempt in 0..3 {
        match send_email(email, subject, body).await {
            Ok(()) => {
                tracing::info!(attempt, "alert email sent");
                return;
            }
            Err(e) => tracing::warn!(attempt, error = %e, "alert email failed"),
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
    }
    tracing::error!("alert email given up");
}

async fn email_worker(cfg: Arc<AlertConfig>, email: EmailConfig, mut rx: mpsc::Receiver<Event>) {
    match email.digest {
        None => {
            while let Some(ev) = rx.recv().await {
                let (subject, body) = email_text(&cfg, email.lang, std::slice::from_ref(&ev));
                send_with_retries(&email, &subject, &body).await;
            }
        }
        Some(every) => {
            let mut tick = tokio::time::interval(every);
            tick.tick().await; // the first tick is immediate
            let mut batch: Vec<Event> = Vec::new();
            loop {
                tokio::select! {
                    ev = rx.recv() => match ev {
                        Some(ev) => batch.push(ev),
                        None => break,
                    },
                    _ = tick.tick() => {
                        if !batch.is_empty() {
                            let (subject, body) = email_text(&cfg, email.lang, &batch);
                            batch.clear();
                            send_with_retries(&email, &subject, &body).await;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_the_body() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}

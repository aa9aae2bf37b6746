//! The e-mail sender: takes due messages from the outbox ([`metoda_store::notify`]) and sends
//! them over SMTP (decision 0021). It runs on every app server; the outbox's leases keep two
//! senders from taking the same message.

use std::time::Duration as StdDuration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use metoda_store::{Db, StoreError, notify};
use time::{Duration, OffsetDateTime};

use crate::Clock;

/// How the sender reaches the mail server and what it signs with.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, for a relay on the same network), `smtp://user:password@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:password@host:465`.
    pub smtp_url: String,
    /// The sender: `Метода <noreply@example.ru>` or a bare address.
    pub from: String,
    /// The address of Metoda as its users open it (`https://metoda.example.ru`), for the links.
    pub public_url: String,
    /// How often the sender looks for due messages.
    pub interval: StdDuration,
}

/// How long a sender holds the messages it took before another may take them.
pub const LEASE: Duration = Duration::minutes(2);
/// Messages taken at once.
pub const BATCH: i64 = 20;
/// Messages older than this when first tried (e.g. written while no mail server was
/// configured) are not sent: their news is stale.
pub const STALE_AFTER: Duration = Duration::days(3);

/// A configured sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    base: String,
    /// The domain of the Message-ID.
    domain: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).field("base", &self.base).finish_non_exhaustive()
    }
}

impl Mailer {
    pub fn new(cfg: &MailConfig) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&cfg.smtp_url)
            .map_err(|e| format!("smtp_url: {e}"))?
            .timeout(Some(StdDuration::from_secs(30)))
            .build();
        let from: Mailbox = cfg.from.parse().map_err(|e| format!("mail_from {:?}: {e}", cfg.from))?;
        let base = cfg.public_url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(format!("public_url {:?} must start with http:// or https://", cfg.public_url));
        }
        let domain = base.split("//").nth(1).and_then(|h| h.split(['/', ':']).next()).unwrap_or("metoda").to_owned();
        Ok(Mailer { transport, from, base, domain })
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub digests: u64,
    pub sent: u64,
    pub retried: u64,
}

/// One pass of the sender named `sender`: makes the due digests, then sends every due message,
/// a batch at a time, marking each at once.
pub async fn pass(db: &Db, mailer: &Mailer, sender: &str, now: OffsetDateTime) -> Result<Pass, StoreError> {
    let mut c = db.conn().await?;
    let mut p = Pass { digests: notify::make_digests(&mut c, now).await?, ..Pass::default() };
    notify::expire(&mut c, now - STALE_AFTER).await?;
    loop {
        let batch = notify::claim(&mut c, sender, now, LEASE, BATCH, &mailer.base).await?;
        if batch.is_empty() {
            return Ok(p);
        }
        for m in batch {
            match send(mailer, &m).await {
                Ok(()) => {
                    if !notify::sent(&mut c, m.id, sender, now).await? {
                        tracing::warn!(outbox = m.id, "a message was sent after its lease ran out");
                    }
                    p.sent += 1;
                }
                Err((error, permanent)) => {
                    tracing::warn!(outbox = m.id, attempts = m.attempts + 1, permanent, %error, "a message was not sent");
                    notify::failed(&mut c, m.id, sender, now, &error, permanent).await?;
                    p.retried += 1;
                }
            }
        }
    }
}

/// Sends one message; on failure, the error and whether it is permanent (the server refused
/// the address or the message: trying again will not help).
async fn send(mailer: &Mailer, m: &notify::Outgoing) -> Result<(), (String, bool)> {
    let to: Mailbox = m.to.parse().map_err(|e| (format!("адрес {:?}: {e}", m.to), true))?;
    let message = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(m.letter.subject.clone())
        .message_id(Some(format!("<metoda.{}@{}>", m.id, mailer.domain)))
        .header(ContentType::TEXT_PLAIN)
        .body(m.letter.body.clone())
        .map_err(|e| (e.to_string(), true))?;
    mailer.transport.send(message).await.map(|_| ()).map_err(|e| (e.to_string(), e.is_permanent()))
}

/// A name for this app server's sender, unique among the servers.
pub fn sender_name() -> String {
    format!("sender-{}", metoda_store::sessions::secret("").get(..12).unwrap_or("0"))
}

/// Runs the sender until the process stops: a pass every `interval`.
pub fn spawn(db: Db, mailer: Mailer, clock: Clock, interval: StdDuration) -> tokio::task::JoinHandle<()> {
    let name = sender_name();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match pass(&db, &mailer, &name, clock.now()).await {
                Ok(p) if p != Pass::default() => {
                    tracing::info!(digests = p.digests, sent = p.sent, retried = p.retried, "e-mail sent")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the e-mail sender failed; it tries again"),
            }
        }
    })
}

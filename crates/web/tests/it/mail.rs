//! E-mail of notifications through a real SMTP server on loopback (`SmtpSink`, a minimal server
//! started by the test): who gets what, in Russian, once; digests; a sender killed mid-batch;
//! two senders at once (decision 0021).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use metoda_domain::ids::UserId;
use metoda_domain::notify::{EmailMode, NotificationKind};
use metoda_store::notify;
use metoda_web::mail::{MailConfig, Mailer, pass};
use time::OffsetDateTime;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::common::TestApp;

/// A message as the server received it.
#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    message_id: String,
    subject: String,
    body: String,
}

/// An SMTP server that accepts every message (but refuses recipients whose address starts with
/// `refused`) and keeps them. `slow` delays each answer to RCPT by that long.
#[derive(Clone)]
struct SmtpSink {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    slow: Arc<Mutex<StdDuration>>,
}

impl SmtpSink {
    async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sink = SmtpSink {
            port: listener.local_addr().unwrap().port(),
            got: Arc::default(),
            slow: Arc::new(Mutex::new(StdDuration::ZERO)),
        };
        let s = sink.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = s.session(socket).await;
                });
            }
        });
        sink
    }

    async fn session(&self, socket: tokio::net::TcpStream) -> std::io::Result<()> {
        let (r, mut w) = socket.into_split();
        let mut lines = BufReader::new(r);
        w.write_all(b"220 sink.test ESMTP\r\n").await?;
        let mut to = vec![];
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let cmd = line.trim_end().to_ascii_uppercase();
            if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                w.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n").await?;
            } else if cmd.starts_with("MAIL FROM") {
                to.clear();
                w.write_all(b"250 OK\r\n").await?;
            } else if cmd.starts_with("RCPT TO") {
                let delay = *self.slow.lock().unwrap();
                tokio::time::sleep(delay).await;
                let addr = line.trim_end()[8..].trim().trim_matches(['<', '>']).to_owned();
                if addr.starts_with("refused") {
                    w.write_all(b"550 5.1.1 No such user\r\n").await?;
                } else {
                    to.push(addr);
                    w.write_all(b"250 OK\r\n").await?;
                }
            } else if cmd == "DATA" {
                w.write_all(b"354 Go ahead\r\n").await?;
                let mut raw = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    raw.push_str(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line));
                }
                let m = mail_parser::MessageParser::default().parse(raw.as_bytes()).unwrap();
                self.got.lock().unwrap().push(Received {
                    to: to.clone(),
                    message_id: m.message_id().unwrap_or_default().to_owned(),
                    subject: m.subject().unwrap_or_default().to_owned(),
                    body: m.body_text(0).unwrap_or_default().into_owned(),
                });
                w.write_all(b"250 OK queued\r\n").await?;
            } else if cmd == "QUIT" {
                w.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            } else {
                w.write_all(b"250 OK\r\n").await?;
            }
        }
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    fn mailer(&self) -> Mailer {
        Mailer::new(&MailConfig {
            smtp_url: format!("smtp://127.0.0.1:{}", self.port),
            from: "Метода <noreply@metoda.test>".into(),
            public_url: "http://metoda.test/".into(),
            interval: StdDuration::from_secs(1),
        })
        .unwrap()
    }
}

async fn set_mail(app: &TestApp, user: i64, email: &str, mode: EmailMode) {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query("UPDATE users SET email = $1 WHERE id = $2").bind(email).bind(user).execute(&mut *c).await.unwrap();
    notify::set_email_mode(&mut c, UserId(user), mode).await.unwrap();
}

async fn tell(app: &TestApp, user: i64, title: &str) {
    let mut c = app.t.db.conn().await.unwrap();
    notify::notify(&mut c, UserId(user), NotificationKind::SignatureAwaited, title, Some("/meetings/7")).await.unwrap();
}

/// Noon in UTC+7 (the demo's zone: past the digest hour) of a day after the messages were
/// written (they are due from the moment they are written, on the real clock).
fn noon() -> OffsetDateTime {
    let day = (OffsetDateTime::now_utc() + time::Duration::days(2)).date();
    day.with_hms(5, 0, 0).unwrap().assume_utc()
}

#[tokio::test]
async fn notifications_are_mailed_at_once_or_in_a_daily_digest_as_each_user_chose() {
    let app = TestApp::start().await;
    let sink = SmtpSink::start().await;
    let mailer = sink.mailer();
    set_mail(&app, app.a_user, "teacher@a.test", EmailMode::Immediate).await;
    set_mail(&app, app.b_user, "spec@b.test", EmailMode::Digest).await;
    set_mail(&app, app.b_user2, "quiet@b.test", EmailMode::Off).await;
    tell(&app, app.a_user, "Протокол № 3 заседания 01.12.2026 ждёт вашей подписи").await;
    tell(&app, app.a_user, "Анализ работы «МО учителей математики» за 2025/26 учебный год принят").await;
    tell(&app, app.b_user, "Первое за день").await;
    tell(&app, app.b_user, "Второе за день").await;
    tell(&app, app.b_user2, "Не для почты").await;

    // Before the digest hour only the immediate messages go.
    let early = noon() - time::Duration::hours(6); // 06:00 in UTC+7
    let p = pass(&app.t.db, &mailer, "s1", early).await.unwrap();
    assert_eq!((p.digests, p.sent), (0, 2), "{p:?}");
    let p = pass(&app.t.db, &mailer, "s1", noon()).await.unwrap();
    assert_eq!((p.digests, p.sent), (1, 1), "{p:?}");
    assert_eq!(pass(&app.t.db, &mailer, "s1", noon()).await.unwrap().sent, 0, "nothing twice, one digest a day");

    let got = sink.got();
    assert_eq!(got.len(), 3, "{got:#?}");
    let to = |a: &str| got.iter().filter(|m| m.to == [a]).cloned().collect::<Vec<_>>();
    let mine = to("teacher@a.test");
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0].subject, "Метода: Протокол № 3 заседания 01.12.2026 ждёт вашей подписи");
    assert!(mine[0].body.contains("Открыть в Методе: http://metoda.test/meetings/7"), "{}", mine[0].body);
    assert!(mine[0].body.contains("http://metoda.test/notifications/settings"));
    assert!(
        mine[0].message_id.starts_with("metoda.") && mine[0].message_id.ends_with("@metoda.test"),
        "{}",
        mine[0].message_id
    );
    let digest = to("spec@b.test");
    assert_eq!(digest.len(), 1);
    assert_eq!(digest[0].subject, "Метода: сводка за день, 2 уведомления");
    assert!(
        digest[0].body.contains("— Первое за день (") && digest[0].body.contains("— Второе за день ("),
        "{}",
        digest[0].body
    );
    assert!(to("quiet@b.test").is_empty(), "off means off");

    // A refused address is given up at once and said so; the notification stays in Metoda.
    set_mail(&app, app.a_user, "refused@a.test", EmailMode::Immediate).await;
    tell(&app, app.a_user, "Для отказа").await;
    let p = pass(&app.t.db, &mailer, "s1", noon()).await.unwrap();
    assert_eq!((p.sent, p.retried), (0, 1));
    let mut c = app.t.db.conn().await.unwrap();
    let o = notify::outbox_state(&mut c, noon()).await.unwrap();
    assert_eq!((o.waiting, o.failed), (0, 1), "{o:?}");
    drop(c);
    // The settings page says where messages go, and changes the mode.
    let s = app.login("uo.specialist").await;
    let page = s.get("/notifications/settings").await.text().await.unwrap();
    assert!(page.contains("Отправка писем на этом сервере не настроена"), "the test server has no mail server");
    let r = s.form("/notifications/settings", &[("email_mode", "digest")]).await;
    assert!(r.status().is_redirection() || r.status().is_success(), "{}", r.status());
    let v: serde_json::Value = s.get("/api/v1/me/email").await.json().await.unwrap();
    assert_eq!(v["email_mode"], "digest");
    // A mode that does not exist is refused, in Russian, and changes nothing.
    let r = s.put_json("/api/v1/me/email", serde_json::json!({"email_mode": "always<script>"})).await;
    assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let e: serde_json::Value = r.json().await.unwrap();
    assert!(e["error"]["message"].as_str().unwrap().chars().any(|c| ('а'..='я').contains(&c)), "{e}");
    let r = s.form("/notifications/settings", &[("email_mode", "")]).await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let v: serde_json::Value = s.get("/api/v1/me/email").await.json().await.unwrap();
    assert_eq!(v["email_mode"], "digest");
    app.t.drop_db().await;
}

#[tokio::test]
async fn a_sender_killed_mid_batch_and_two_senders_at_once_send_each_message_once() {
    let app = TestApp::start().await;
    let sink = SmtpSink::start().await;
    let mailer = sink.mailer();
    set_mail(&app, app.a_user, "teacher@a.test", EmailMode::Immediate).await;
    for i in 0..10 {
        tell(&app, app.a_user, &format!("Уведомление {i}")).await;
    }
    // The first sender dies while the server is slow to take its fourth message.
    *sink.slow.lock().unwrap() = StdDuration::from_millis(400);
    let db = app.t.db.clone();
    let m = mailer.clone();
    let first = tokio::spawn(async move { pass(&db, &m, "dies", noon()).await });
    while sink.got().len() < 3 {
        tokio::time::sleep(StdDuration::from_millis(10)).await;
    }
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    first.abort();
    assert_eq!(sink.got().len(), 3);
    *sink.slow.lock().unwrap() = StdDuration::ZERO;
    // Its batch is held until its lease runs out; then two senders share the rest.
    assert_eq!(pass(&app.t.db, &mailer, "early", noon()).await.unwrap().sent, 0, "the dead sender's lease holds");
    let later = noon() + metoda_web::mail::LEASE + time::Duration::seconds(1);
    let (a, b) = tokio::join!(pass(&app.t.db, &mailer, "a", later), pass(&app.t.db, &mailer, "b", later));
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 7);
    let got = sink.got();
    let mut ids: Vec<&str> = got.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((got.len(), ids.len()), (10, 10), "every message once: {got:#?}");
    let mut titles: Vec<String> = got.iter().map(|m| m.subject.clone()).collect();
    titles.sort();
    assert_eq!(titles, (0..10).map(|i| format!("Метода: Уведомление {i}")).collect::<Vec<_>>());
    app.t.drop_db().await;
}

async fn kinds_of(app: &TestApp, login: &str, kind: NotificationKind) -> Vec<String> {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar(
        "SELECT n.title FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.login = $1 AND n.kind = $2 ORDER BY n.id",
    )
    .bind(login)
    .bind(kind.code())
    .fetch_all(&mut *c)
    .await
    .unwrap()
}

#[tokio::test]
async fn deadlines_and_expiring_categories_are_reminded_once_each() {
    use metoda_domain::analysis::Period;
    use metoda_store::reminders;
    let app = TestApp::start().await;
    let mut c = app.t.db.conn().await.unwrap();
    let settings =
        metoda_store::profiles::municipality_settings(&mut c, metoda_domain::ids::MunicipalityId(app.muni_a))
            .await
            .unwrap()
            .unwrap();
    let due = metoda_domain::reports::deadline_of(&settings.analysis_deadlines.value, Period::academic(2027)).unwrap();
    // Noon in A (UTC+7) a month before, the next day, a week before, three days before.
    let at = |days_before: i64| (due - time::Duration::days(days_before)).with_hms(5, 0, 0).unwrap().assume_utc();
    // A teacher with an account whose category ends five months after the month's reminder.
    let (teacher, org): (i64, i64) = sqlx::query_as("SELECT id, organization_id FROM teachers WHERE user_id = $1")
        .bind(app.a_user)
        .fetch_one(&mut *c)
        .await
        .unwrap();
    let ends = metoda_domain::values::iso_date(due + time::Duration::days(120));
    sqlx::query("UPDATE teachers SET category = 'first', category_expires_on = $1 WHERE id = $2")
        .bind(&ends)
        .bind(teacher)
        .execute(&mut *c)
        .await
        .unwrap();
    let admins: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT u.login FROM role_grants g JOIN users u ON u.id = g.user_id WHERE g.role = 'org_admin' AND g.organization_id = $1",
    )
    .bind(org)
    .fetch_all(&mut *c)
    .await
    .unwrap();

    let first = reminders::run(&mut c, at(30)).await.unwrap();
    assert!(first.deadlines >= 2, "the head and the deputy of A's association: {first:?}");
    assert_eq!(first.categories as usize, 1 + admins.len(), "{first:?} {admins:?}");
    assert_eq!(reminders::run(&mut c, at(29)).await.unwrap(), reminders::Reminded::default(), "once each");
    let week = reminders::run(&mut c, at(7)).await.unwrap();
    assert_eq!(week.deadlines, first.deadlines, "the week's reminder");
    assert_eq!(reminders::run(&mut c, at(3)).await.unwrap(), reminders::Reminded::default());
    drop(c);

    let head = kinds_of(&app, "mmo.head", NotificationKind::DeadlineApproaching).await;
    assert_eq!(head.len(), 2, "{head:?}");
    assert!(head[0].contains("2027/2028 учебный год") && head[0].contains("через 30 дней"), "{head:?}");
    assert!(head[1].contains("через 7 дней"), "{head:?}");
    let mine = kinds_of(&app, "teacher", NotificationKind::CategoryExpiring).await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert!(mine[0].starts_with("Ваша квалификационная категория действует до"), "{mine:?}");
    for a in &admins {
        let theirs = kinds_of(&app, a, NotificationKind::CategoryExpiring).await;
        assert!(theirs.len() == 1 && theirs[0].contains("педагога"), "{a}: {theirs:?}");
    }
    app.t.drop_db().await;
}

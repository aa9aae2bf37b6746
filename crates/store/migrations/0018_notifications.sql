-- Metoda schema, migration 18: notifications by e-mail, reminders and calendar feeds (issue 13, decision 0021).
-- Each user chooses how notifications reach their mailbox: at once, in a daily digest, or not.
ALTER TABLE users ADD COLUMN email_mode TEXT NOT NULL DEFAULT 'immediate';

-- The outbox: one row per message to send, written in the same transaction as what it tells of
-- (an immediate message with its notification; a digest with the notifications it gathers). A
-- sender claims rows for a while (claimed_by / claimed_until), sends each, and marks it sent;
-- a row whose claim ran out (its sender died) is claimed again. `digest_on` is the local day of
-- a digest: at most one per user and day, whichever app server makes it.
CREATE TABLE email_outbox (
    id              {{pk}},
    user_id         BIGINT NOT NULL REFERENCES users (id),
    notification_id BIGINT REFERENCES notifications (id),
    digest_on       TEXT,
    created_at      TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_by      TEXT,
    claimed_until   TEXT,
    sent_at         TEXT,
    failed_at       TEXT,
    last_error      TEXT
);
CREATE INDEX email_outbox_due_ix ON email_outbox (sent_at, failed_at, next_attempt_at);
CREATE UNIQUE INDEX email_outbox_digest_ux ON email_outbox (user_id, digest_on) WHERE digest_on IS NOT NULL;
CREATE UNIQUE INDEX email_outbox_notification_ux ON email_outbox (notification_id) WHERE notification_id IS NOT NULL;

-- The digest a notification went out in.
ALTER TABLE notifications ADD COLUMN outbox_id BIGINT REFERENCES email_outbox (id);

-- Reminders already given (a deadline 30 and 7 days ahead, a category expiring): one per user
-- and key, whichever app server's reminder pass comes first.
CREATE TABLE reminders_sent (
    id         {{pk}},
    user_id    BIGINT NOT NULL REFERENCES users (id),
    key        TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX reminders_sent_ux ON reminders_sent (user_id, key);

-- Calendar feeds (iCal) at a secret address: a user's own (their meetings, tasks and the
-- analysis deadlines of the associations they lead) or an association's. The database keeps the
-- SHA-256 of the address's secret only; a revoked feed answers 404.
CREATE TABLE calendar_feeds (
    id             {{pk}},
    token_hash     TEXT NOT NULL UNIQUE,
    user_id        BIGINT NOT NULL REFERENCES users (id),
    association_id BIGINT REFERENCES associations (id),
    created_at     TEXT NOT NULL,
    revoked_at     TEXT
);
CREATE INDEX calendar_feeds_user_ix ON calendar_feeds (user_id);

-- The preset profiles are named by their regulations' titles alone: the seed numbers were the
-- developers' names for them.
UPDATE regulation_profiles SET name = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(name,
    ' — seed 000', ''), ' — seed 001', ''), ' — seed 002', ''), ' — seed 003', ''), ' — seed 004', '')
WHERE is_preset = 1;

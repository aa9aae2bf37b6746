-- Metoda schema, migration 20: certificates of events (issue 14; 001 §6.1 event documents). A
-- certificate is issued to a registration marked present (a participant's certificate), or to a
-- speaker or a placed participant; `number` is printed on it («М-000123-0007»), `code` is the
-- public verification address's key (a QR code on the certificate leads there; the page shows
-- the name, the event and the date, nothing else). A revoked certificate stays, marked.
CREATE TABLE event_certificates (
    id              {{pk}},
    event_id        BIGINT NOT NULL REFERENCES events (id),
    registration_id BIGINT NOT NULL REFERENCES event_registrations (id),
    kind            TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    number          TEXT NOT NULL,
    code            TEXT NOT NULL,
    issued_by       BIGINT REFERENCES users (id),
    issued_at       TEXT NOT NULL,
    revoked_at      TEXT,
    revoke_reason   TEXT
);
CREATE UNIQUE INDEX event_certificates_number_uq ON event_certificates (number);
CREATE UNIQUE INDEX event_certificates_code_uq ON event_certificates (code);
CREATE UNIQUE INDEX event_certificates_seq_uq ON event_certificates (event_id, seq);
CREATE UNIQUE INDEX event_certificates_one_uq ON event_certificates (registration_id, kind);

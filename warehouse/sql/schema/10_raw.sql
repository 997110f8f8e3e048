-- raw: what the readers produced, after PII masking. Loaded per source file as a partition
-- replace (warehouse/load.py); a record id seen in several files is kept once.

CREATE TABLE IF NOT EXISTS raw.source_files (
    source_file VARCHAR PRIMARY KEY,
    channel     VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    size_bytes  BIGINT NOT NULL,
    records     INTEGER NOT NULL,
    quarantined INTEGER NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL
);

-- The stat fingerprint a file was hashed at (ingest.inbox.stat_fingerprint): while it holds,
-- the file is neither hashed nor read again.
ALTER TABLE raw.source_files ADD COLUMN IF NOT EXISTS stat VARCHAR;

CREATE TABLE IF NOT EXISTS raw.mail_links (
    source_file  VARCHAR NOT NULL,
    source_line  INTEGER,
    message_key  VARCHAR NOT NULL,
    parent_key   VARCHAR,
    from_support BOOLEAN NOT NULL,
    sent_at      TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS raw.feedback (
    feedback_id       VARCHAR PRIMARY KEY,
    channel           VARCHAR NOT NULL,
    source_key        VARCHAR NOT NULL,
    source_file       VARCHAR NOT NULL,
    source_line       INTEGER,
    created_at        TIMESTAMPTZ NOT NULL,
    product           VARCHAR,
    customer_id       VARCHAR,
    author_masked     VARCHAR,
    subject_masked    VARCHAR,
    text_masked       VARCHAR NOT NULL,
    content_hash      VARCHAR NOT NULL,
    first_response_at TIMESTAMPTZ,
    attributes        JSON,
    pii_types         VARCHAR[],
    loaded_at         TIMESTAMPTZ NOT NULL
);

-- Each identifier of the voice's customer as its keyed pseudonym (nlp/masking.py customer_key):
-- customer id, caller's number, sender's or form's address and phone, SNS handle. NULL on rows
-- loaded before it was stored; they link through customer_id alone until their file changes.
ALTER TABLE raw.feedback ADD COLUMN IF NOT EXISTS contact_keys VARCHAR[];

CREATE TABLE IF NOT EXISTS raw.calls (
    call_id                VARCHAR PRIMARY KEY,
    source_file            VARCHAR NOT NULL,
    source_line            INTEGER,
    started_at             TIMESTAMPTZ NOT NULL,
    product                VARCHAR,
    answered_after_s       DOUBLE,
    abandoned              BOOLEAN NOT NULL,
    resolved_first_contact BOOLEAN,
    customer_id            VARCHAR,
    agent_id               VARCHAR,
    team                   VARCHAR,
    hold_segments          JSON,
    turns_masked           JSON,
    loaded_at              TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.quarantine (
    quarantine_id  VARCHAR PRIMARY KEY,
    channel        VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,
    source_line    INTEGER,
    reason         VARCHAR NOT NULL,
    excerpt_masked VARCHAR,
    quarantined_at TIMESTAMPTZ NOT NULL
);

COMMENT ON TABLE raw.source_files IS 'Manifest of loaded inbox files; a file whose sha256 is unchanged is not reloaded, and one whose stat fingerprint is unchanged is not even hashed.';
COMMENT ON COLUMN raw.source_files.sha256 IS 'SHA-256 of the file''s bytes when it was loaded.';
COMMENT ON COLUMN raw.source_files.stat IS 'size:mtime_ns:ctime_ns:inode when hashed; NULL when the file was too fresh to trust it (hashed again next run).';
COMMENT ON COLUMN raw.source_files.source_file IS 'Path relative to the inbox root, e.g. email/2026-08.mbox.';
COMMENT ON COLUMN raw.source_files.records IS 'Feedback rows + call rows loaded from the file; a record id seen twice (in the file or already loaded from another) is quarantined instead.';
COMMENT ON COLUMN raw.source_files.quarantined IS 'Quarantine rows from the file.';

COMMENT ON TABLE raw.mail_links IS 'One row per mail message read (customer or support, kept or quarantined): its thread link, so a reply in a later file sets first_response_at on the message it answers without reading that message''s file again.';
COMMENT ON COLUMN raw.mail_links.message_key IS 'stable_id(''email'', Message-ID), the feedback_id of the message as feedback; a Message-ID can hold an address, so it is not stored.';
COMMENT ON COLUMN raw.mail_links.parent_key IS 'message_key of In-Reply-To, else of the last References entry; NULL for a thread''s first message.';
COMMENT ON COLUMN raw.mail_links.from_support IS 'Sent from an address of KOE_SUPPORT_ADDRESSES when the file was loaded.';
COMMENT ON COLUMN raw.mail_links.sent_at IS 'The message''s Date header; NULL when missing or unreadable.';

COMMENT ON TABLE raw.feedback IS 'One row per piece of customer voice (call customer turns, email, form entry, SNS post), PII masked.';
COMMENT ON COLUMN raw.feedback.feedback_id IS 'stable_id(channel, source_key): 16 hex digits.';
COMMENT ON COLUMN raw.feedback.source_file IS 'File the row was last loaded from; a partition replace of that file deletes it.';
COMMENT ON COLUMN raw.feedback.text_masked IS 'The customer''s words with PII replaced by placeholders such as ［電話番号］.';
COMMENT ON COLUMN raw.feedback.content_hash IS 'ingest.records.content_hash(text_masked): duplicate detection and embedding cache key.';
COMMENT ON COLUMN raw.feedback.first_response_at IS 'First reply by support (email threads, form exports), when known.';
COMMENT ON COLUMN raw.feedback.attributes IS 'Channel extras as a JSON object of strings: lot, app_version, region, url...';
COMMENT ON COLUMN raw.feedback.customer_id IS 'The customer id the channel gave, as its keyed pseudonym (customer-…, after NFKC, upper-case, no separators; a phone number or address as one).';
COMMENT ON COLUMN raw.feedback.contact_keys IS 'Keyed pseudonyms (customer-…) of every identifier of the customer the voice carries: customer id, caller''s number, mail sender, form e-mail and phone, SNS handle, each normalised first (nlp/contacts.py); never the raw value.';
COMMENT ON COLUMN raw.feedback.pii_types IS 'PII types removed by masking: phone, email, card, postal_code, address, order_id, person.';

COMMENT ON TABLE raw.calls IS 'One row per call-log entry with its masked transcript; feeds call KPIs and agent QA.';
COMMENT ON COLUMN raw.calls.answered_after_s IS 'Seconds until an agent answered; NULL when abandoned.';
COMMENT ON COLUMN raw.calls.hold_segments IS 'JSON list of {start_s, duration_s, intermediate_report}.';
COMMENT ON COLUMN raw.calls.turns_masked IS 'JSON list of {speaker: agent|customer, t: seconds from start, text: masked words}.';

COMMENT ON TABLE raw.quarantine IS 'Records that could not be read, with the reason; nothing vanishes silently.';
COMMENT ON COLUMN raw.quarantine.quarantine_id IS 'stable_id(source_file, source_line, reason).';
COMMENT ON COLUMN raw.quarantine.source_line IS 'Line / message index of the bad record; NULL when the whole file was unreadable.';
COMMENT ON COLUMN raw.quarantine.excerpt_masked IS 'Up to 500 characters of the raw record, PII masked.';

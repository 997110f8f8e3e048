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

COMMENT ON TABLE raw.source_files IS 'Manifest of loaded inbox files; a file whose sha256 is unchanged is not reloaded. For mail files sha256 also carries a digest of the support replies found for them (<sha256>+replies:<digest>), so a reply arriving later reloads the customer''s file.';
COMMENT ON COLUMN raw.source_files.source_file IS 'Path relative to the inbox root, e.g. email/2026-08.mbox.';
COMMENT ON COLUMN raw.source_files.records IS 'Feedback rows + call rows loaded from the file; a record id seen twice (in the file or already loaded from another) is quarantined instead.';
COMMENT ON COLUMN raw.source_files.quarantined IS 'Quarantine rows from the file.';

COMMENT ON TABLE raw.feedback IS 'One row per piece of customer voice (call customer turns, email, form entry, SNS post), PII masked.';
COMMENT ON COLUMN raw.feedback.feedback_id IS 'stable_id(channel, source_key): 16 hex digits.';
COMMENT ON COLUMN raw.feedback.source_file IS 'File the row was last loaded from; a partition replace of that file deletes it.';
COMMENT ON COLUMN raw.feedback.text_masked IS 'The customer''s words with PII replaced by placeholders such as ［電話番号］.';
COMMENT ON COLUMN raw.feedback.content_hash IS 'ingest.records.content_hash(text_masked): duplicate detection and embedding cache key.';
COMMENT ON COLUMN raw.feedback.first_response_at IS 'First reply by support (email threads, form exports), when known.';
COMMENT ON COLUMN raw.feedback.attributes IS 'Channel extras as a JSON object of strings: lot, app_version, region, url...';
COMMENT ON COLUMN raw.feedback.pii_types IS 'PII types removed by masking: phone, email, card, postal_code, address, order_id, person.';

COMMENT ON TABLE raw.calls IS 'One row per call-log entry with its masked transcript; feeds call KPIs and agent QA.';
COMMENT ON COLUMN raw.calls.answered_after_s IS 'Seconds until an agent answered; NULL when abandoned.';
COMMENT ON COLUMN raw.calls.hold_segments IS 'JSON list of {start_s, duration_s, intermediate_report}.';
COMMENT ON COLUMN raw.calls.turns_masked IS 'JSON list of {speaker: agent|customer, t: seconds from start, text: masked words}.';

COMMENT ON TABLE raw.quarantine IS 'Records that could not be read, with the reason; nothing vanishes silently.';
COMMENT ON COLUMN raw.quarantine.quarantine_id IS 'stable_id(source_file, source_line, reason).';
COMMENT ON COLUMN raw.quarantine.source_line IS 'Line / message index of the bad record; NULL when the whole file was unreadable.';
COMMENT ON COLUMN raw.quarantine.excerpt_masked IS 'Up to 500 characters of the raw record, PII masked.';

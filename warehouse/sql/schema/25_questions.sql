-- nlp: recurring questions (よくある質問), the questions and requests the text classifier found,
-- grouped the way issues are (nlp/issues/questions.py computes, warehouse/questions.py stores).
-- Tables of their own beside the issue tables, so no issue figure counts them.

CREATE TABLE IF NOT EXISTS nlp.questions (
    question_id        VARCHAR PRIMARY KEY,
    label              VARCHAR NOT NULL,
    keywords           VARCHAR[],
    size               INTEGER,
    representative_ids VARCHAR[],
    product            VARCHAR,
    centroid           FLOAT[],
    join_threshold     DOUBLE
);

CREATE TABLE IF NOT EXISTS nlp.question_assignment (
    feedback_id VARCHAR PRIMARY KEY,
    question_id VARCHAR
);

CREATE TABLE IF NOT EXISTS nlp.question_runs (
    run_id         INTEGER PRIMARY KEY,
    run_at         TIMESTAMPTZ NOT NULL,
    mode           VARCHAR NOT NULL,
    documents      INTEGER NOT NULL,
    inquiries      INTEGER NOT NULL,
    questions      INTEGER NOT NULL,
    unclassified   INTEGER NOT NULL,
    retained_share DOUBLE,
    input_digest   VARCHAR
);

CREATE TABLE IF NOT EXISTS nlp.question_lineage (
    run_id             INTEGER NOT NULL,
    event              VARCHAR NOT NULL,
    question_id        VARCHAR NOT NULL,
    source_question_id VARCHAR,
    documents          INTEGER
);

COMMENT ON TABLE nlp.questions IS 'The current catalogue of recurring questions (clusters of similar questions and requests, per product); ids (faq_…) persist across runs, see nlp.question_lineage.';
COMMENT ON COLUMN nlp.questions.label IS 'A phrase from the c-TF-IDF keywords of its members, e.g. 予約（タイマー・時間）.';
COMMENT ON COLUMN nlp.questions.representative_ids IS 'The members closest to its centre: the wordings that typify it.';
COMMENT ON COLUMN nlp.questions.product IS 'The product it is asked about (a question never spans products); NULL for product-less voices.';
COMMENT ON COLUMN nlp.questions.centroid IS 'Unit mean embedding of the members; a new question or request joins the closest recurring question of its product.';
COMMENT ON COLUMN nlp.questions.join_threshold IS 'Cosine to the centroid a newcomer needs to join: the members'' median minus 3.5 robust SDs (or the loosest member), at least 0.35.';
COMMENT ON TABLE nlp.question_assignment IS 'Which recurring question each voice belongs to; question_id NULL = a question or request in no recurring question, or not an inquiry at all. Replaced with nlp.questions.';
COMMENT ON TABLE nlp.question_runs IS 'One row per run of the recurring questions: full (re-clustered, matched to earlier questions) or incremental (new inquiries joined known ones).';
COMMENT ON COLUMN nlp.question_runs.inquiries IS 'Voices the classifier judged a question or a request.';
COMMENT ON COLUMN nlp.question_runs.input_digest IS 'Digest of the clustered documents (id, text hash, inquiry or not); a run with the same input is skipped.';
COMMENT ON COLUMN nlp.question_runs.retained_share IS 'Share of voices that had a recurring question before the run and kept the same question_id; NULL on the first run.';
COMMENT ON TABLE nlp.question_lineage IS 'What each run changed among the recurring questions: created, split (from source_question_id), merged (source_question_id joined question_id) or retired.';

-- nlp: outputs of the analysis step (nlp/ computes, warehouse/analysis.py stores).

CREATE TABLE IF NOT EXISTS nlp.embeddings (
    content_hash VARCHAR NOT NULL,
    model        VARCHAR NOT NULL,
    vector       FLOAT[] NOT NULL,
    PRIMARY KEY (content_hash, model)
);

CREATE TABLE IF NOT EXISTS nlp.feedback_analysis (
    feedback_id     VARCHAR PRIMARY KEY,
    content_hash    VARCHAR NOT NULL,
    sentiment       VARCHAR,
    sentiment_score DOUBLE,
    flags           VARCHAR[],
    keywords        VARCHAR[],
    analyzed_at     TIMESTAMPTZ,
    is_complaint    BOOLEAN,
    analysis_version VARCHAR,
    terms           VARCHAR[]
);
-- Warehouses created before these columns existed get them; their rows re-analyse (version NULL).
ALTER TABLE nlp.feedback_analysis ADD COLUMN IF NOT EXISTS is_complaint BOOLEAN;
ALTER TABLE nlp.feedback_analysis ADD COLUMN IF NOT EXISTS analysis_version VARCHAR;
ALTER TABLE nlp.feedback_analysis ADD COLUMN IF NOT EXISTS terms VARCHAR[];
ALTER TABLE nlp.feedback_analysis ADD COLUMN IF NOT EXISTS inquiry VARCHAR;

CREATE TABLE IF NOT EXISTS nlp.issues (
    issue_id           VARCHAR PRIMARY KEY,
    label              VARCHAR NOT NULL,
    keywords           VARCHAR[],
    size               INTEGER,
    representative_ids VARCHAR[]
);
ALTER TABLE nlp.issues ADD COLUMN IF NOT EXISTS product VARCHAR;
ALTER TABLE nlp.issues ADD COLUMN IF NOT EXISTS centroid FLOAT[];
ALTER TABLE nlp.issues ADD COLUMN IF NOT EXISTS join_threshold DOUBLE;
ALTER TABLE nlp.issues ADD COLUMN IF NOT EXISTS origin VARCHAR;
ALTER TABLE nlp.issues ADD COLUMN IF NOT EXISTS status VARCHAR;
ALTER TABLE nlp.issues ADD COLUMN IF NOT EXISTS machine_label VARCHAR;

-- Sub-groups koe proposes for splitting each issue (nlp/issues/subgroups.py); replaced each run.
CREATE TABLE IF NOT EXISTS nlp.issue_subgroups (
    issue_id    VARCHAR NOT NULL,
    subgroup    INTEGER NOT NULL,
    label       VARCHAR NOT NULL,
    keywords    VARCHAR[],
    share       DOUBLE,
    centroid    FLOAT[],
    example_ids VARCHAR[]
);

CREATE TABLE IF NOT EXISTS nlp.clustering_runs (
    run_id         INTEGER PRIMARY KEY,
    run_at         TIMESTAMPTZ NOT NULL,
    mode           VARCHAR NOT NULL,
    documents      INTEGER NOT NULL,
    complaints     INTEGER NOT NULL,
    issues         INTEGER NOT NULL,
    unclassified   INTEGER NOT NULL,
    retained_share DOUBLE,
    input_digest   VARCHAR
);

CREATE TABLE IF NOT EXISTS nlp.issue_lineage (
    run_id          INTEGER NOT NULL,
    event           VARCHAR NOT NULL,
    issue_id        VARCHAR NOT NULL,
    source_issue_id VARCHAR,
    documents       INTEGER
);
ALTER TABLE nlp.issue_lineage ADD COLUMN IF NOT EXISTS actor VARCHAR;
ALTER TABLE nlp.issue_lineage ADD COLUMN IF NOT EXISTS decision_id VARCHAR;

CREATE TABLE IF NOT EXISTS nlp.issue_assignment (
    feedback_id VARCHAR PRIMARY KEY,
    issue_id    VARCHAR
);
ALTER TABLE nlp.issue_assignment ADD COLUMN IF NOT EXISTS machine_issue_id VARCHAR;
-- Warehouses from before analysts' decisions: what they assigned was the algorithm's.
UPDATE nlp.issue_assignment SET machine_issue_id = issue_id
WHERE NOT EXISTS (SELECT 1 FROM nlp.issue_assignment WHERE machine_issue_id IS NOT NULL);

CREATE TABLE IF NOT EXISTS nlp.call_qa (
    call_id       VARCHAR PRIMARY KEY,
    findings      INTEGER,
    qa_input_hash VARCHAR
);

CREATE TABLE IF NOT EXISTS nlp.call_qa_findings (
    call_id     VARCHAR NOT NULL,
    check_name  VARCHAR NOT NULL,
    turn        INTEGER,
    phrase      VARCHAR,
    text_masked VARCHAR
);

COMMENT ON TABLE nlp.embeddings IS 'Sentence-embedding cache: a text is embedded once per model, keyed by its content_hash.';
COMMENT ON TABLE nlp.feedback_analysis IS 'Sentiment, flags and keywords per feedback; stale when content_hash no longer matches raw.feedback.';
COMMENT ON COLUMN nlp.feedback_analysis.sentiment IS 'negative | neutral | positive.';
COMMENT ON COLUMN nlp.feedback_analysis.sentiment_score IS 'In [-1, 1]; negative is unhappy.';
COMMENT ON COLUMN nlp.feedback_analysis.is_complaint IS 'Negative or flagged (nlp.feedback.is_complaint): only complaints are clustered into issues; the rest count as 苦情以外.';
COMMENT ON COLUMN nlp.feedback_analysis.inquiry IS 'question or request when the text classifier found no problem report but a question or a wish (nlp.classifier kind head): these are clustered into recurring questions (nlp.questions); NULL otherwise.';
COMMENT ON COLUMN nlp.feedback_analysis.terms IS 'Issue terms (nlp.issues.model.issue_terms): content words and aspect pairs such as 充電|できない. Clustering reads them instead of tokenizing the corpus again.';
COMMENT ON COLUMN nlp.feedback_analysis.analysis_version IS 'nlp.analysis.ANALYSIS_VERSION (with the embedding model) that produced the row; another version re-analyses it.';
COMMENT ON COLUMN nlp.feedback_analysis.flags IS 'Subset of sns_threat, escalation_demand, legal_threat, safety, churn, refund_request.';
COMMENT ON TABLE nlp.issues IS 'The current issue catalogue (clusters of similar complaints); ids persist across runs, see nlp.issue_lineage.';
COMMENT ON COLUMN nlp.issues.product IS 'The product the issue belongs to (issues never span products); NULL for product-less feedback.';
COMMENT ON COLUMN nlp.issues.centroid IS 'Unit mean embedding of the members; new feedback joins the closest issue of its product.';
COMMENT ON COLUMN nlp.issues.join_threshold IS 'Cosine to the centroid a new document needs to join: the members'' median minus 3.5 robust SDs (or the loosest member), at least 0.35.';
COMMENT ON COLUMN nlp.issues.origin IS 'machine (found by clustering; the next run continues it) or analyst (split off by a person''s decision); NULL = machine.';
COMMENT ON COLUMN nlp.issues.status IS 'active, merged (a person merged it into another issue; kept so that the algorithm can continue it) or not_an_issue (a person dismissed it); NULL = active.';
COMMENT ON COLUMN nlp.issues.machine_label IS 'The label clustering gave the issue; label is the analyst''s when one was pinned. NULL = label.';
COMMENT ON COLUMN nlp.issue_assignment.issue_id IS 'The issue as people see it: clustering''s, with analysts'' merges, splits and moves applied.';
COMMENT ON COLUMN nlp.issue_assignment.machine_issue_id IS 'The issue clustering assigned; the next run continues from it, so undoing a decision restores it.';
COMMENT ON TABLE nlp.issue_subgroups IS 'Two or three sub-groups koe proposes for splitting each issue (k-means on a sample of its members), with the centre an analyst''s split decision keeps.';
COMMENT ON COLUMN nlp.issue_lineage.actor IS 'Who made the decision the event applied; NULL for the algorithm''s own changes.';
COMMENT ON COLUMN nlp.issue_lineage.decision_id IS 'The analyst''s decision (the app''s audit log: dec_<seq>); NULL for the algorithm''s own changes.';
COMMENT ON TABLE nlp.clustering_runs IS 'One row per clustering run: full (re-clustered, matched to earlier issues) or incremental (new feedback joined known issues).';
COMMENT ON COLUMN nlp.clustering_runs.input_digest IS 'Digest of the clustered documents (id, text hash, complaint or not); a run with the same input is skipped.';
COMMENT ON COLUMN nlp.clustering_runs.retained_share IS 'Share of feedback that had an issue before the run and kept the same issue_id; NULL on the first run.';
COMMENT ON TABLE nlp.issue_lineage IS 'What each run changed in the issue catalogue: created, split (from source_issue_id), merged (source_issue_id joined issue_id), retired by the algorithm; renamed, merged, split, moved, dismissed, undone by a person (actor, decision_id).';
COMMENT ON TABLE nlp.issue_assignment IS 'Which issue each feedback belongs to; issue_id NULL = unclassified. Replaced with nlp.issues.';
COMMENT ON TABLE nlp.call_qa IS 'Agent-QA summary per call: how many findings its current transcript has (the findings are in nlp.call_qa_findings).';
COMMENT ON COLUMN nlp.call_qa.qa_input_hash IS 'staging.calls.qa_input_hash when reviewed; a reloaded call with other turns or holds is reviewed again.';
COMMENT ON TABLE nlp.call_qa_findings IS 'One row per QA finding: which check, which turn, the phrase and the masked turn text.';
COMMENT ON COLUMN nlp.call_qa_findings.check_name IS 'A code of koe.vocabulary.QA_CHECKS (forbidden_phrase, internal_contact, ...).';

-- The concordance's text of each piece of feedback (warehouse/search.py: NFKC, whitespace runs
-- as one space): normalized once per text, when it is new or changed, not on every search.
CREATE TABLE IF NOT EXISTS nlp.feedback_normalized (
    feedback_id     VARCHAR PRIMARY KEY,
    content_hash    VARCHAR NOT NULL,
    text_normalized VARCHAR NOT NULL
);

-- Which customer each voice comes from (nlp/linking.py over raw.feedback's identifier
-- pseudonyms); replaced whole by every marts build (pipeline/marts.py).
CREATE TABLE IF NOT EXISTS nlp.customer_links (
    feedback_id  VARCHAR PRIMARY KEY,
    customer_key VARCHAR NOT NULL
);

COMMENT ON TABLE nlp.customer_links IS 'One row per voice that carries at least one identifier of its customer: the voices sharing any identifier pseudonym, directly or through others, are one customer.';
COMMENT ON COLUMN nlp.customer_links.customer_key IS 'The pseudonymous customer: the smallest identifier pseudonym (customer-…) linked to the voice; the same for every voice of that customer.';

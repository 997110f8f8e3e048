-- marts.feedback: one row per original piece of customer voice (exact duplicates left out), with
-- its issue and analysis. Built first: the issue marts count from it.
CREATE OR REPLACE TABLE marts.feedback AS
SELECT
    f.feedback_id,
    f.channel,
    f.created_at,
    f.created_date,
    f.product,
    f.attributes ->> 'lot' AS lot,
    f.attributes ->> 'app_version' AS app_version,
    f.attributes ->> 'firmware' AS firmware,
    f.attributes ->> 'region' AS region,
    f.customer_id,
    f.subject_masked,
    f.text_masked,
    fn.text_normalized,
    COALESCE(i.issue_id, CASE WHEN a.is_complaint = false THEN '__not_complaint__' END) AS issue_id,
    COALESCE(i.label, CASE WHEN a.is_complaint = false THEN '苦情以外' ELSE '未分類' END)
        AS issue_label,
    a.is_complaint,
    a.sentiment,
    a.sentiment_score,
    COALESCE(a.flags, []::VARCHAR[]) AS flags,
    COALESCE(f.pii_types, []::VARCHAR[]) AS pii_types,
    (epoch(f.first_response_at) - epoch(f.created_at)) / 3600.0 AS first_response_hours
FROM staging.feedback AS f
LEFT JOIN nlp.feedback_analysis AS a
    ON a.feedback_id = f.feedback_id AND a.content_hash = f.content_hash
LEFT JOIN nlp.issue_assignment AS ia ON ia.feedback_id = f.feedback_id
LEFT JOIN nlp.issues AS i ON i.issue_id = ia.issue_id
LEFT JOIN nlp.feedback_normalized AS fn
    ON fn.feedback_id = f.feedback_id AND fn.content_hash = f.content_hash
WHERE f.duplicate_of IS NULL
ORDER BY f.created_at, f.feedback_id;

COMMENT ON TABLE marts.feedback IS 'Original customer feedback (exact duplicates within 24 h left out) with issue, sentiment and flags. One row per feedback_id.';
COMMENT ON COLUMN marts.feedback.created_date IS 'Date of created_at in Asia/Tokyo.';
COMMENT ON COLUMN marts.feedback.lot IS 'attributes.lot when the channel gave one (forms).';
COMMENT ON COLUMN marts.feedback.app_version IS 'attributes.app_version when the channel gave one.';
COMMENT ON COLUMN marts.feedback.firmware IS 'attributes.firmware when the channel gave one (forms).';
COMMENT ON COLUMN marts.feedback.region IS 'attributes.region (prefecture) when the channel gave one (forms).';
COMMENT ON COLUMN marts.feedback.text_masked IS 'Customer words, PII replaced by placeholders such as ［電話番号］.';
COMMENT ON COLUMN marts.feedback.text_normalized IS 'text_masked as the concordance searches and shows it (warehouse/search.py: NFKC, whitespace runs as one space).';
COMMENT ON COLUMN marts.feedback.issue_id IS 'nlp.issues.issue_id; __not_complaint__ for praise, questions and requests; NULL = an unclassified complaint (or not clustered yet).';
COMMENT ON COLUMN marts.feedback.issue_label IS 'Issue label; 苦情以外 for non-complaints, 未分類 when issue_id is NULL.';
COMMENT ON COLUMN marts.feedback.is_complaint IS 'Negative or flagged; only complaints form issues. NULL until analysed.';
COMMENT ON COLUMN marts.feedback.sentiment IS 'negative | neutral | positive; NULL until the current text is analysed.';
COMMENT ON COLUMN marts.feedback.sentiment_score IS 'In [-1, 1]; NULL until analysed.';
COMMENT ON COLUMN marts.feedback.flags IS 'Risk flags (sns_threat, escalation_demand, legal_threat, safety, churn, refund_request); [] when none or not analysed.';
COMMENT ON COLUMN marts.feedback.pii_types IS 'PII types masked out of this feedback.';
COMMENT ON COLUMN marts.feedback.first_response_hours IS 'Hours from created_at to support''s first reply (email/form); NULL when unknown.';

-- One row per original feedback, with what the alerts and root-cause statistics read. A document's
-- product is its own field, or else its issue's (mail rarely names one).
SELECT
    f.feedback_id,
    f.issue_id,
    f.is_complaint,
    COALESCE(f.product, i.product) AS product,
    f.lot,
    f.firmware,
    f.app_version,
    f.channel,
    f.region,
    f.created_date,
    f.sentiment_score,
    f.flags,
    a.terms,
    f.text_masked
FROM marts.feedback AS f
LEFT JOIN nlp.issues AS i ON i.issue_id = f.issue_id
LEFT JOIN nlp.feedback_analysis AS a ON a.feedback_id = f.feedback_id
ORDER BY f.created_at, f.feedback_id;

-- marts.feedback_daily: feedback counted per JST day, issue, product, complaint and sentiment.
-- The alerts and the weekly reports read these counts, not the documents, so their cost grows
-- with days × issues rather than with the feedback. A document's product is its own field, or
-- else its issue's (mail rarely names one).
CREATE OR REPLACE TABLE marts.feedback_daily AS
SELECT
    f.created_date AS day,
    f.issue_id,
    any_value(f.issue_label) AS issue_label,
    COALESCE(f.product, i.product) AS product,
    f.is_complaint,
    f.sentiment,
    count(*) AS documents,
    count(f.sentiment_score) AS scored,
    sum(f.sentiment_score) AS score_sum
FROM marts.feedback AS f
LEFT JOIN nlp.issues AS i ON i.issue_id = f.issue_id
GROUP BY f.created_date, f.issue_id, COALESCE(f.product, i.product), f.is_complaint, f.sentiment
ORDER BY day, issue_id, product, is_complaint, sentiment;

COMMENT ON TABLE marts.feedback_daily IS 'Feedback per JST day, issue (NULL = unclassified), product (own or its issue''s), is_complaint and sentiment: what alerts and weekly reports count.';
COMMENT ON COLUMN marts.feedback_daily.issue_label IS 'marts.feedback.issue_label: the same for every row of one issue (苦情以外, 未分類 otherwise).';
COMMENT ON COLUMN marts.feedback_daily.scored IS 'Documents with a sentiment_score.';
COMMENT ON COLUMN marts.feedback_daily.score_sum IS 'Sum of their sentiment_score; NULL when none.';

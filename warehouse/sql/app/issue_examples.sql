-- Masked feedback of issue $issue_id: its representative examples first, then the most recent,
-- at most $limit rows. 未分類 feedback has issue_id NULL in marts.feedback.
SELECT
    f.feedback_id,
    f.created_at,
    f.channel,
    f.product,
    f.sentiment,
    f.sentiment_score,
    f.flags,
    f.subject_masked,
    f.text_masked,
    list_contains(i.representative_ids, f.feedback_id) AS representative
FROM marts.feedback AS f
JOIN marts.issues AS i ON i.issue_id = COALESCE(f.issue_id, '__unclassified__')
WHERE i.issue_id = $issue_id
ORDER BY representative DESC, f.created_at DESC, f.feedback_id
LIMIT CAST($limit AS BIGINT);

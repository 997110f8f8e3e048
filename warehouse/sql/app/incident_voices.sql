-- The voices an incident holds, oldest first, masked; at most $limit.
SELECT f.feedback_id, f.created_at, f.channel, f.product, f.sentiment, f.text_masked
FROM insights.incidents AS n, unnest(n.feedback_ids) AS t(feedback_id)
JOIN marts.feedback AS f ON f.feedback_id = t.feedback_id
WHERE n.incident_id = $incident_id
ORDER BY f.created_at, f.feedback_id
LIMIT CAST($limit AS BIGINT);

-- The feedback of $days (NULL: every day) carrying one of $flags (each becomes an alert of its
-- own), with what the alert shows. A document's product is its own field, or else its issue's.
SELECT
    f.feedback_id,
    f.issue_id,
    COALESCE(f.product, i.product) AS product,
    f.channel,
    f.created_date,
    f.flags,
    f.text_masked
FROM marts.feedback AS f
LEFT JOIN nlp.issues AS i ON i.issue_id = f.issue_id
WHERE list_has_any(f.flags, $flags)
  AND (CAST($days AS DATE[]) IS NULL OR list_contains(CAST($days AS DATE[]), f.created_date))
ORDER BY f.created_at, f.feedback_id;

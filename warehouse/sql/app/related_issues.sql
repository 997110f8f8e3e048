-- Issues related to $issue_id: reported by the same customers, or sharing its keywords. Ranked by
-- shared customers, then shared keywords; at most $limit rows.
WITH mine AS (
    SELECT DISTINCT customer_id FROM marts.feedback
    WHERE issue_id = $issue_id AND customer_id IS NOT NULL
),
shared AS (
    SELECT f.issue_id, count(DISTINCT f.customer_id) AS shared_customers
    FROM marts.feedback AS f
    JOIN mine USING (customer_id)
    WHERE f.issue_id IS NOT NULL AND f.issue_id <> $issue_id AND f.issue_id NOT LIKE '\_\_%' ESCAPE '\'
    GROUP BY f.issue_id
),
this AS (SELECT keywords, top_product FROM marts.issues WHERE issue_id = $issue_id)
SELECT
    i.issue_id,
    i.label,
    i.feedback_count,
    i.top_product,
    COALESCE(s.shared_customers, 0) AS shared_customers,
    list_intersect(i.keywords, this.keywords) AS shared_keywords
FROM marts.issues AS i
CROSS JOIN this
LEFT JOIN shared AS s USING (issue_id)
WHERE i.kind = 'issue' AND i.issue_id <> $issue_id
  AND (COALESCE(s.shared_customers, 0) > 0 OR len(list_intersect(i.keywords, this.keywords)) > 0)
ORDER BY shared_customers DESC, len(shared_keywords) DESC, i.feedback_count DESC, i.issue_id
LIMIT CAST($limit AS BIGINT);

-- The pseudonymous customers who contacted again about issue $issue_id within the window: their
-- voices about it, repeats, channels used and first and last contact; most repeats first.
SELECT
    customer_key,
    count(*) AS contacts,
    count(*) FILTER (WHERE is_repeat_contact) AS repeat_contacts,
    list_sort(list_distinct(list(channel))) AS channels,
    min(created_at) AS first_at,
    max(created_at) AS last_at
FROM marts.customer_contacts
WHERE issue_id = $issue_id
GROUP BY customer_key
HAVING count(*) FILTER (WHERE is_repeat_contact) > 0
ORDER BY repeat_contacts DESC, contacts DESC, last_at DESC, customer_key
LIMIT CAST($limit AS BIGINT);

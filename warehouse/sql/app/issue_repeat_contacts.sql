-- Repeat contacts of issue $issue_id: its voices whose customer is known, how many customers they
-- came from, and how many were the same customer again within the window (marts.customer_contacts).
SELECT
    count(*) AS linked_contacts,
    count(DISTINCT customer_key) AS customers,
    count(*) FILTER (WHERE is_repeat_contact) AS repeat_contacts,
    count(DISTINCT customer_key) FILTER (WHERE is_repeat_contact) AS repeat_customers,
    count(*) FILTER (WHERE is_repeat_contact) / NULLIF(count(*), 0) AS repeat_contact_rate,
    max(repeat_window_days) AS repeat_window_days
FROM marts.customer_contacts
WHERE issue_id = $issue_id;

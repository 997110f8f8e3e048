-- Every loaded voice with its customer key (NULL when it carries no identifier of its customer).
SELECT f.feedback_id, l.customer_key
FROM raw.feedback AS f
LEFT JOIN nlp.customer_links AS l USING (feedback_id)
ORDER BY f.feedback_id;

-- Every voice with the pseudonyms of its customer's identifiers: contact_keys plus customer_id
-- (rows loaded before contact_keys was stored have only customer_id).
SELECT
    feedback_id,
    list_distinct(list_concat(
        COALESCE(contact_keys, []::VARCHAR[]),
        CASE WHEN customer_id IS NULL THEN []::VARCHAR[] ELSE [customer_id] END
    )) AS keys
FROM raw.feedback
WHERE customer_id IS NOT NULL OR len(contact_keys) > 0
ORDER BY feedback_id;

-- Partition replace, step 2: insert the files' feedback from the registered Arrow batch.
-- An id that occurs twice in the batch keeps its last occurrence (INSERT OR REPLACE would fail
-- on it). An id already loaded from another file (the same email in an .eml and an .mbox) is
-- replaced, so every feedback_id is stored once, owned by the file loaded last; a first reply
-- already known from another file (earlier in the batch, or loaded before) is kept when the
-- owning file does not know it.
INSERT INTO raw.feedback BY NAME
SELECT DISTINCT ON (feedback_id)
    feedback_id, channel, source_key, source_file, source_line, created_at, product, customer_id,
    author_masked, subject_masked, text_masked, content_hash,
    last_value(first_response_at IGNORE NULLS) OVER (
        PARTITION BY feedback_id ORDER BY batch_position
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS first_response_at,
    CAST(attributes AS JSON) AS attributes, pii_types, contact_keys, loaded_at
FROM feedback_batch
ORDER BY feedback_id, batch_position DESC
ON CONFLICT (feedback_id) DO UPDATE SET
    channel = excluded.channel,
    source_key = excluded.source_key,
    source_file = excluded.source_file,
    source_line = excluded.source_line,
    created_at = excluded.created_at,
    product = excluded.product,
    customer_id = excluded.customer_id,
    author_masked = excluded.author_masked,
    subject_masked = excluded.subject_masked,
    text_masked = excluded.text_masked,
    content_hash = excluded.content_hash,
    first_response_at = COALESCE(excluded.first_response_at, first_response_at),
    attributes = excluded.attributes,
    pii_types = excluded.pii_types,
    contact_keys = excluded.contact_keys,
    loaded_at = excluded.loaded_at;

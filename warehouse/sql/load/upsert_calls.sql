-- Insert the file's calls from the registered Arrow batch; last occurrence of an id wins.
INSERT OR REPLACE INTO raw.calls BY NAME
SELECT DISTINCT ON (call_id)
    call_id, source_file, source_line, started_at, product, answered_after_s, abandoned,
    resolved_first_contact, customer_id, agent_id, team,
    CAST(hold_segments AS JSON) AS hold_segments, CAST(turns_masked AS JSON) AS turns_masked,
    loaded_at
FROM calls_batch
ORDER BY call_id, batch_position DESC;

-- The file each already-loaded record of ids_batch came from (a record id is a feedback_id or
-- a call_id), so the pipeline can quarantine a later file's copy of a record instead of
-- letting it silently replace or collapse into the first.
SELECT i.record_id, f.source_file FROM ids_batch AS i JOIN raw.feedback AS f ON f.feedback_id = i.record_id
UNION ALL
SELECT i.record_id, c.source_file FROM ids_batch AS i JOIN raw.calls AS c ON c.call_id = i.record_id;

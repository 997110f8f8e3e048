-- Insert the file's quarantine rows from the registered Arrow batch; last occurrence wins.
INSERT OR REPLACE INTO raw.quarantine BY NAME
SELECT DISTINCT ON (quarantine_id)
    quarantine_id, channel, source_file, source_line, reason, excerpt_masked, quarantined_at
FROM quarantine_batch
ORDER BY quarantine_id, batch_position DESC;

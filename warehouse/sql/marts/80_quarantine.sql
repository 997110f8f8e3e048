-- marts.quarantine: records that could not be read, for the data-quality page.
CREATE OR REPLACE TABLE marts.quarantine AS
SELECT quarantine_id, channel, source_file, source_line, reason, excerpt_masked, quarantined_at
FROM raw.quarantine
ORDER BY source_file, source_line NULLS FIRST, quarantine_id;

COMMENT ON TABLE marts.quarantine IS 'Unreadable records with the reason; source_line NULL = the whole file was unreadable.';

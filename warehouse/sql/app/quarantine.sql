-- Records the pipeline could not read, with the reason and a masked excerpt; newest first.
SELECT quarantine_id, quarantined_at, channel, source_file, source_line, reason, excerpt_masked
FROM marts.quarantine
ORDER BY quarantined_at DESC, source_file, source_line NULLS FIRST;

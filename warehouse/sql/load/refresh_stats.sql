-- Files whose stat changed but whose bytes did not (touched, copied with their times): record
-- the new fingerprint so the next run need not hash them again.
UPDATE raw.source_files AS m SET stat = s.stat
FROM stats_batch AS s
WHERE m.source_file = s.source_file AND m.stat IS DISTINCT FROM s.stat;

-- Files of files_batch that left the inbox: their records, quarantine rows, thread links and
-- manifest entry go.
DELETE FROM raw.feedback WHERE source_file IN (SELECT source_file FROM files_batch);
DELETE FROM raw.calls WHERE source_file IN (SELECT source_file FROM files_batch);
DELETE FROM raw.quarantine WHERE source_file IN (SELECT source_file FROM files_batch);
DELETE FROM raw.mail_links WHERE source_file IN (SELECT source_file FROM files_batch);
DELETE FROM raw.source_files WHERE source_file IN (SELECT source_file FROM files_batch);

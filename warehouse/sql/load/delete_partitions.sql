-- Partition replace, step 1: forget what the files in files_batch contributed last time.
DELETE FROM raw.feedback WHERE source_file IN (SELECT source_file FROM files_batch);
DELETE FROM raw.calls WHERE source_file IN (SELECT source_file FROM files_batch);
DELETE FROM raw.quarantine WHERE source_file IN (SELECT source_file FROM files_batch);
DELETE FROM raw.mail_links WHERE source_file IN (SELECT source_file FROM files_batch);

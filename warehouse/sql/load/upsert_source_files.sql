-- Partition replace, last step: record each file of files_batch and its version in the manifest.
INSERT OR REPLACE INTO raw.source_files BY NAME
SELECT source_file, channel, sha256, size_bytes, records, quarantined, loaded_at, stat
FROM files_batch;

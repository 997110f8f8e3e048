-- Partition replace, last step: record the file and its hash in the manifest.
INSERT OR REPLACE INTO raw.source_files
    (source_file, channel, sha256, size_bytes, records, quarantined, loaded_at)
VALUES ($source_file, $channel, $sha256, $size_bytes, $records, $quarantined, $loaded_at);

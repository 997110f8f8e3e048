DELETE FROM raw.quarantine WHERE source_file = $source_file;

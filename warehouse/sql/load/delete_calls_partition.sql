DELETE FROM raw.calls WHERE source_file = $source_file;

SELECT count(*) > 0 FROM raw.source_files WHERE source_file = $source_file AND sha256 = $sha256;

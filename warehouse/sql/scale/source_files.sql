-- The manifest rows of the loaded files (name, channel, version, size), for `eval.scale.grow`.
SELECT source_file, channel, sha256, size_bytes
FROM raw.source_files
ORDER BY source_file;

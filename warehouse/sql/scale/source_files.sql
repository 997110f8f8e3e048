-- The manifest rows of the loaded files (name, channel, version, size, stat fingerprint), for
-- `eval.scale.grow`.
SELECT source_file, channel, sha256, size_bytes, stat
FROM raw.source_files
ORDER BY source_file;

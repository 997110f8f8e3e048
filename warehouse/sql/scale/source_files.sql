-- The manifest rows of the files that hold feedback or calls, for `eval.scale.grow`.
SELECT source_file, channel, size_bytes
FROM raw.source_files
ORDER BY source_file;

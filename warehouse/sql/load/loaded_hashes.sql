-- The files of one channel in the manifest with the stat fingerprint and hash they were loaded
-- at (a file whose fingerprint still matches is not hashed again).
SELECT source_file, stat, sha256 FROM raw.source_files WHERE channel = $channel;

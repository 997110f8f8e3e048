-- The files of one channel in the manifest (the pipeline compares them with the inbox).
SELECT source_file FROM raw.source_files WHERE channel = $channel;

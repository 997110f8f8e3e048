-- Partition replace, step 1: forget what this file contributed last time.
DELETE FROM raw.feedback WHERE source_file = $source_file;

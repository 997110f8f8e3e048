-- Every file in the manifest with the version loaded last (steps skip files already loaded).
SELECT source_file, sha256 FROM raw.source_files;

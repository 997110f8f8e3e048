-- Mail files loaded before thread links were stored (their version was <sha256>+replies:<digest>)
-- and unchanged since: their links replace any stored ones, and the manifest takes the plain
-- content hash and stat fingerprint, without the files' rows being loaded again.
DELETE FROM raw.mail_links WHERE source_file IN (SELECT source_file FROM files_batch);
INSERT INTO raw.mail_links BY NAME
SELECT source_file, source_line, message_key, parent_key, from_support, sent_at FROM links_batch;
UPDATE raw.source_files AS m SET sha256 = f.sha256, stat = f.stat
FROM files_batch AS f
WHERE m.source_file = f.source_file;

-- Every stored thread link of the threads that keys_batch (message and parent keys of the mail
-- read this run) or the files of files_batch (mail changed or deleted) take part in: the
-- messages linked to them through In-Reply-To/References, in either direction, however far.
-- A reply in a new file thus finds the message it answers, and that message's other replies,
-- without its file being read again.
WITH RECURSIVE
edges AS (
    SELECT message_key AS key, parent_key AS linked FROM raw.mail_links WHERE parent_key IS NOT NULL
    UNION ALL
    SELECT parent_key, message_key FROM raw.mail_links WHERE parent_key IS NOT NULL
),
seeds AS (
    SELECT key FROM keys_batch
    UNION
    SELECT message_key FROM raw.mail_links WHERE source_file IN (SELECT source_file FROM files_batch)
    UNION
    SELECT parent_key FROM raw.mail_links
    WHERE parent_key IS NOT NULL AND source_file IN (SELECT source_file FROM files_batch)
),
thread(key) AS (
    SELECT key FROM seeds
    UNION
    SELECT edges.linked FROM thread JOIN edges ON edges.key = thread.key
)
SELECT source_file, source_line, message_key, parent_key, from_support, sent_at
FROM raw.mail_links
WHERE message_key IN (SELECT key FROM thread)
ORDER BY source_file, source_line NULLS FIRST;

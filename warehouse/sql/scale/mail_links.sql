-- The stored thread links of the loaded mail, for `eval.scale.grow` (the source's own files).
SELECT source_file, source_line, message_key, parent_key, from_support, sent_at
FROM raw.mail_links
ORDER BY source_file, source_line NULLS FIRST;

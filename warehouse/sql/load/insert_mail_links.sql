-- Partition replace: the thread link of every mail message the files of the batch hold.
INSERT INTO raw.mail_links BY NAME
SELECT source_file, source_line, message_key, parent_key, from_support, sent_at
FROM links_batch;

-- The first response of every mail message of responses_batch as its threads now say (NULL: no
-- support reply known), where the stored value differs: a reply in a new file answers a message
-- loaded earlier, or a deleted file takes its replies with it.
UPDATE raw.feedback AS f SET first_response_at = r.first_response_at
FROM responses_batch AS r
WHERE f.feedback_id = r.feedback_id
  AND f.channel = 'email'
  AND f.first_response_at IS DISTINCT FROM r.first_response_at;
